"""What theory says about the chosen method on this data, in sentences (pure functions).

Gradient descent, momentum and Nesterov are linear recurrences on the loss's
quadratic, so their per-epoch rate and the epochs they need follow from the
data's two curvatures (:class:`~linreg_core.Stability`). RMSProp and Adam scale
each step by the gradient's own size, and mini-batches add noise: for those the
sentences say why there is no such prediction and what to look for instead.
"""

from __future__ import annotations

import math

from linreg_core import (
    CONVERGED_TOL,
    MAX_STEPS,
    History,
    Optimizer,
    RunState,
    Stability,
    scaling,
    stability,
)

from .compute import Run
from .params import optimizer_name

__all__ = [
    "factor_text",
    "inspector_note",
    "method_caption",
    "method_label",
    "method_sentence",
    "race_label",
    "speedup",
    "stable_below",
    "theory",
]


def method_label(opt: Optimizer) -> str:
    """The optimizer with its constants, as a sentence names it: "Momentum β = 0.9"."""
    name = optimizer_name(opt.kind)
    if opt.kind in ("momentum", "nesterov"):
        return f"{name} β = {opt.beta:.3g}"
    if opt.kind == "rmsprop":
        return f"{name} (β2 = {opt.beta2:g})"
    if opt.kind == "adam":
        return f"{name} (β1 = {opt.beta:g}, β2 = {opt.beta2:g})"
    return name


def race_label(h: History, by: str) -> str:
    """One run of a race in words: by learning rate, optimizer, or batch size and lr."""
    if by == "lr":
        return f"lr = {h.lr:g}"
    if by == "batch":
        return f"batch {h.batch_size or 'full'} · lr {h.lr:g}"
    return method_label(h.optimizer)


def theory(run: Run) -> Stability:
    """The curvature of the problem the optimizer saw: standardized x's, or x's own."""
    if not run.settings.standardize:
        return run.stability
    return stability(scaling(run.stats).standardize(run.stats))


def stable_below(s: Stability, opt: Optimizer) -> float | None:
    """The largest stable learning rate for a linear method (``None`` for RMSProp and Adam).

    Along the steepest direction, gradient descent needs ``lr λmax < 2``; heavy-ball
    momentum ``lr λmax < 2 (1 + β)``; Nesterov ``lr λmax < 2 (1 + β) / (1 + 2β)``
    (where the roots of each recurrence reach the unit circle).
    """
    if opt.is_adaptive:
        return None
    beta = 0.0 if opt.kind == "gd" else opt.beta
    factor = (1.0 + 2.0 * beta) if opt.kind == "nesterov" else 1.0
    return 2.0 * (1.0 + beta) / (factor * s.lam_max)


def speedup(rate: float, baseline: float) -> float | None:
    """How many times fewer epochs ``rate`` needs than ``baseline`` (``None`` if either fails)."""
    if not (0.0 <= rate < 1.0 and 0.0 < baseline < 1.0):
        return None
    # Epochs to shrink by any factor go as 1 / |log rate|.
    return math.inf if rate == 0.0 else math.log(rate) / math.log(baseline)


def _compared(factor: float) -> str:
    if math.isinf(factor) or factor >= 1.15:
        times = "without limit" if math.isinf(factor) else f"about {factor:.2g}×"
        return f"converges {times} faster than plain gradient descent"
    if factor <= 1 / 1.15:
        return f"converges about {1 / factor:.2g}× slower than plain gradient descent"
    return "converges about as fast as plain gradient descent"


def _took(run: Run) -> str:
    """What theory predicts for the run's epochs to within the tolerance, and what it took."""
    d, h = run.diagnosis, run.history
    within = f"{100 * CONVERGED_TOL:g} %"
    if d.predicted_epochs is None or math.isinf(d.predicted_epochs):
        predicted = f"it predicts the run never gets within {within}"
    else:
        k = d.predicted_epochs
        predicted = f"it predicts {k:,.0f} epoch{'' if k == 1 else 's'} to within {within}"
    if d.converged_at is not None:
        return f"{predicted}, and the run took {d.converged_at:,}"
    return f"{predicted}; the run is not there yet after {h.epochs_run:,}"


def _linear_sentence(run: Run) -> str | None:
    h, s = run.history, run.settings
    rate, gd_rate = run.diagnosis.rate, run.stability.contraction(h.lr)
    subject = method_label(h.optimizer)
    if s.standardize:
        subject += " on standardized x"
    if rate >= 1.0:
        if run.diagnosis.state is RunState.DIVERGED:
            return None  # the status has said so, with the limit
        return (
            f"{subject}: theory says the distance to the optimum grows by {rate:.3g}× per "
            f"epoch at lr = {h.lr:g} on this data, so it cannot converge; stable below "
            f"lr ≈ {stable_below(theory(run), h.optimizer):.3g}."
        )
    factor = speedup(rate, gd_rate)
    if factor is None:  # plain descent on raw x diverges at this learning rate
        return (
            f"{subject} converges at lr = {h.lr:g}, where plain gradient descent on this data "
            f"diverges. In theory {_each_epoch(rate)}, while plain descent's grows "
            f"{gd_rate:.3g}× an epoch; {_took(run)}."
        )
    return (
        f"{subject} {_compared(factor)} at this learning rate on this data. In theory "
        f"{_each_epoch(rate)}, against {factor_text(gd_rate)} for plain descent; {_took(run)}."
    )


def _each_epoch(rate: float) -> str:
    """What theory's per-epoch factor does to the distance to the optimum, in words."""
    if rate < 1e-12:  # 0 up to rounding: a step or two (momentum's) lands on the optimum
        return "the distance to the optimum is multiplied by 0: a step or two lands on it"
    return f"each epoch multiplies the distance to the optimum by {factor_text(rate)}"


def factor_text(rate: float) -> str:
    """A per-epoch factor for the page: ``0.98``, or ``1 − 2e-05`` where it rounds to 1."""
    shown = f"{rate:.3g}"
    return f"1 − {1.0 - rate:.2g}" if shown == "1" and rate < 1.0 else shown


def _mini_batch_sentence(run: Run) -> str:
    h, s = run.history, run.settings
    n, m = s.n_samples, h.batch_size
    per_epoch = -(-n // m)
    text = (
        f"Mini-batches of {m}: {per_epoch:,} steps an epoch, each on a random {m} of the "
        f"{n:,} points, so every step's gradient is a noisy estimate of the full one. The loss "
        "jitters instead of falling smoothly, and near the optimum the noise keeps w and b "
        "wandering; a smaller learning rate or a larger batch calms it. Full-batch theory "
        "does not predict this run."
    )
    if h.truncated:
        text += (
            f" Cut to {h.epochs_run:,} of {s.epochs:,} epochs: a run takes at most "
            f"{MAX_STEPS:,} steps."
        )
    return text


def method_sentence(run: Run) -> str | None:
    """One or two sentences on the chosen method; ``None`` for plain full-batch descent."""
    h, s = run.history, run.settings
    if h.batch_size is not None:
        return _mini_batch_sentence(run)
    full = ""
    if s.batch_size is not None:  # a batch as large as the data
        full = f"A batch of {s.batch_size:,} holds all {s.n_samples:,} points: full batch. "
    if h.optimizer.is_adaptive:
        return full + (
            f"{method_label(h.optimizer)} divides each parameter's step by the root of its own "
            "recent squared gradients, so w and b take steps of about the same size "
            f"(about lr = {h.lr:g}) however steep their direction is. There is no simple "
            "linear theory for it: the run is the evidence."
        )
    linear = None if h.optimizer.kind == "gd" and not s.standardize else _linear_sentence(run)
    return (full + (linear or "")).strip() or None


def method_caption(run: Run) -> str:
    """The stability caption (under the training controls, or in lecture mode at the foot
    of the sidebar) for a method other than plain full-batch descent."""
    h, s = run.history, run.settings
    t, raw = theory(run), run.stability
    opt = h.optimizer
    where = (
        f"standardized x (κ = {t.kappa:.3g}; raw x: {raw.kappa:.3g})"
        if s.standardize
        else (f"this data (κ = {t.kappa:.3g})")
    )
    if opt.is_adaptive:
        text = (
            f"{optimizer_name(opt.kind)} has no linear theory. For reference, plain gradient "
            f"descent on {where} is stable below lr ≈ {stable_below(t, Optimizer()):.3g}."
        )
    else:
        text = f"{method_label(opt)} on {where}: stable below lr ≈ {stable_below(t, opt):.3g}."
        if opt.kind != "gd":
            text += (
                f" Polyak's best momentum: β ≈ {t.beta_polyak:.2f} at lr ≈ {t.lr_polyak:.3g}, "
                f"rate {t.rate_polyak:.3f} per epoch; the best plain descent (lr ≈ "
                f"{t.lr_fastest:.3g}) manages {t.rate_fastest:.3f}."
            )
        elif s.standardize and math.isclose(t.kappa, 1.0):
            text += f" At lr = {t.lr_fastest:.3g} it lands on the optimum in one step."
    if s.batch_size is not None and s.batch_size < s.n_samples:
        text += " With mini-batches these full-batch limits are only a guide: noise lowers them."
    return text


#: Why a method's move differs from plain gradient descent's, in one clause.
_WHY_DIFFERENT = {
    "momentum": "its velocity carries the earlier gradients along",
    "nesterov": "its velocity carries the earlier gradients along, and it looks one step ahead",
    "rmsprop": "each parameter's step is divided by the size of its own recent gradients",
    "adam": "it follows an average of recent gradients, each parameter's step scaled by the "
    "size of its own",
}


def inspector_note(history: History, k: int, dw: float, db: float) -> str | None:
    """What the run really did in epoch ``k``, when it is not plain full-batch gradient descent.

    ``dw``, ``db`` are the full-data gradient at the epoch's start; the move is read off the
    history, so it is exactly the step (or, for mini-batches, the steps) the run took.
    """
    opt, h = history.optimizer, history
    reasons = [] if opt.kind == "gd" else [_WHY_DIFFERENT[opt.kind]]
    if h.batch_size:
        reasons.append(f"an epoch is many steps on batches of {h.batch_size} points")
    if h.standardized:
        reasons.append("it trains on standardized x (the move is shown in x's units)")
    if not reasons:
        return None
    move_w, move_b = float(h.w[k + 1] - h.w[k]), float(h.b[k + 1] - h.b[k])
    return (
        f"This run is not plain full-batch gradient descent, so the update above is not the "
        f"one it made. {method_label(opt)} moved w by {move_w:+.4f} and b by {move_b:+.4f} in "
        f"epoch {k}, where −lr·∂L/∂w = {-h.lr * dw:+.4f} and −lr·∂L/∂b = {-h.lr * db:+.4f}: "
        + "; ".join(reasons)
        + "."
    )
