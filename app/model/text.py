"""What a run did, in plain language: the status line, the results table, the intro and
captions, the race's summary. Pure functions: tests read them directly.

One idea a module: what theory predicts for the chosen method is in
:mod:`~app.model.method_text`, how a number is written in :mod:`~app.model.numbers`.
"""

from __future__ import annotations

import math

from linreg_core import CONVERGED_TOL, History, RunState

from .compute import Run
from .data.catalogue import BUNDLED
from .method_text import (
    method_caption,
    method_label,
    method_sentence,
    race_label,
    stable_below,
    theory,
)
from .numbers import DIVERGED, number_text
from .params import LR_OPTIONS, PARAMS
from .sources import DATASET, RAVINE_KAPPA

__all__ = [
    "intro_text",
    "lr_limit_caption",
    "race_summary",
    "ravine_hint",
    "result_table",
    "status_message",
]


def intro_text(hidden: frozenset[str] = frozenset()) -> str:
    """The playground's first lines: what it does, and where the controls are (those a
    link shows)."""
    shown = [f"the {PARAMS[k].label.lower()}" for k in ("lr", "epochs") if k not in hidden]
    below = f"{' and '.join(shown)} beside the chart, " if shown else ""
    return (
        f"Fit a line y = w·x + b to noisy points by gradient descent. Set {below}the data and "
        "the method in the sidebar; press ▶ Play under the chart to watch every epoch."
    )


def lr_limit_caption(run: Run) -> str:
    """The stability limit of the learning rate for this data and method, in one line."""
    s = run.settings
    if s.optimizer != "gd" or s.standardize or s.batch != "full":
        return method_caption(run)
    limits = run.stability
    return (
        f"Stable below lr ≈ {limits.lr_max:.3g} for this data "
        f"(no overshoot below ≈ {limits.lr_monotone:.3g})."
    )


def status_message(run: Run) -> tuple[str, str]:
    """``(kind, sentence)`` where kind is ``success``, ``info``, ``warning`` or ``error``.

    The state of the run, then (for any method but plain full-batch gradient
    descent) what theory says about the method on this data.
    """
    kind, message = _state_message(run)
    extra = method_sentence(run)
    return kind, message if extra is None else f"{message} {extra}"


def _diverged(run: Run) -> str:
    d, h = run.diagnosis, run.history
    where = "— the loss grows every step"
    if d.diverged_at is not None:
        where = f"at epoch {d.diverged_at}"
    linear = not h.optimizer.is_adaptive and h.batch_size is None
    if not linear:
        return (
            f"Diverged {where}: at lr = {h.lr:g} the steps grew instead of shrinking. Training "
            "stopped once the loss exploded; lower the learning rate."
        )
    if h.optimizer.kind == "gd" and not h.standardized:
        limit = f"this data's stability limit ≈ {run.stability.lr_max:.3g}"
    else:
        limit = (
            f"the stability limit of {method_label(h.optimizer)} on this data "
            f"≈ {stable_below(theory(run), h.optimizer):.3g}"
        )
    return (
        f"Diverged {where}: lr = {h.lr:g} is above {limit}, so every step overshoots the "
        "valley further than the last. Training stopped once the loss exploded; lower the "
        "learning rate."
    )


def _oscillating(run: Run, left: str, more: str) -> str:
    h = run.history
    if h.batch_size is not None:
        return f"Noisy: the loss goes up as well as down from epoch to epoch. {left}."
    if h.optimizer.is_adaptive:
        return f"Oscillating: the loss went up in some epochs, but the run closes in. {left}."
    if h.optimizer.kind != "gd":
        return (
            "Oscillating: the velocity carries w and b past the valley floor and back, but "
            f"they still close in. {left}; {more} at this rate to converge."
        )
    limit = theory(run).lr_monotone
    return (
        f"Oscillating: lr = {h.lr:g} is above {limit:.3g}, so each step "
        "overshoots the valley floor and the parameters zig-zag, but they still close in. "
        f"{left}; {more} at this rate to converge."
    )


def _state_message(run: Run) -> tuple[str, str]:
    d, h = run.diagnosis, run.history
    if d.state is RunState.DIVERGED:
        return "error", _diverged(run)
    if d.state is RunState.CONVERGED:
        where = (
            "at the least-squares optimum, to six digits"
            if d.distance < 1e-6
            else f"within {100 * d.distance:.2g} % of the least-squares optimum"
        )
        tolerance = f"{100 * CONVERGED_TOL:g} %"
        if d.converged_at is not None and d.converged_at < h.epochs_run:
            return "success", (
                f"Converged: within {tolerance} of the optimum from epoch "
                f"{d.converged_at:,}; after all {h.epochs_run:,} epochs, w and b are {where}."
            )
        return "success", (
            f"Converged: after {h.epochs_run:,} epochs, w and b are {where} (the tolerance "
            f"is {tolerance})."
        )
    left = f"{100 * d.gap_left:.0f} % of the distance from the start to the optimum is left"
    more = (
        "more epochs than we can count"
        if math.isinf(d.epochs_needed)
        else f"about {int(d.epochs_needed):,} more epochs"
    )
    if d.state is RunState.OSCILLATING:
        return "warning", _oscillating(run, left, more)
    return "info", f"Still converging: {left}. It needs {more} at this rate to converge."


def result_table(run: Run) -> dict[str, list]:
    """The run's final w, b and loss beside the best fit's and, for synthetic data, the true
    line's: ``{"caption", "columns": [...], "rows": [[name, value, ...], ...]}``, all text.

    The true line's loss is on this sample, so noise leaves it above the best fit's.
    """
    h, d, ls = run.history, run.data, run.least_squares
    run_column = f"{method_label(h.optimizer)}, {h.epochs_run:,} epochs"
    columns = ["", run_column, "Best fit (least squares)"]
    # After a divergence w and b are wherever the last exploding step threw them.
    w_end, b_end = (
        (DIVERGED, DIVERGED)
        if run.diagnosis.state is RunState.DIVERGED
        else (number_text(h.w[-1]), number_text(h.b[-1]))
    )
    rows = [
        ["w", w_end, number_text(ls.w)],
        ["b", b_end, number_text(ls.b)],
        ["Loss (MSE)", number_text(h.final_loss), number_text(ls.loss)],
    ]
    caption = "The run's final w, b and loss beside the best fit's"
    if d.has_true_line:
        columns.append("True line")
        truth = (f"{d.true_w:g}", f"{d.true_b:g}", number_text(run.stats.loss(d.true_w, d.true_b)))
        for row, value in zip(rows, truth, strict=True):
            row.append(value)
        caption += " and the true line's"
    return {"caption": caption, "columns": columns, "rows": rows}


def race_summary(histories: tuple[History, ...], by: str = "lr") -> str:
    """One clause per run of a race (see :func:`~app.model.method_text.race_label`): where its
    loss ended, or when it diverged."""
    return "; ".join(
        (f"lr {h.lr:g}: " if by == "lr" else f"{race_label(h, by)}: ")
        + (
            f"diverged at epoch {h.diverged_at}"
            if h.diverged_at is not None
            else f"final loss {number_text(h.final_loss)}"
        )
        for h in histories
    )


def ravine_hint(run: Run) -> str | None:
    """For given points far from x = 0 (a ravine), why training crawls and what helps."""
    source, stats, limits = run.settings.source, run.stats, run.stability
    if source.synthetic:
        return None  # the x-centre control's help says it; the ravine is the learner's doing
    ravine = BUNDLED[source.name].ravine if source.kind == DATASET else limits.kappa > RAVINE_KAPPA
    if not ravine:
        return None
    text = (
        f"A ravine: these x values sit far from 0 (mean {stats.x_mean:.3g}) compared with "
        f"their spread, so the loss valley is long and narrow (one direction is "
        f"{limits.kappa:,.0f} times steeper than the other). A learning rate small enough "
        "for the steep side crawls along the floor. Feature scaling fixes that: "
        "standardize x (see the lesson Beyond the notebook)."
    )
    if limits.lr_max <= min(LR_OPTIONS):
        text += (
            f" Here even the smallest learning rate on offer, {min(LR_OPTIONS):g}, is above "
            f"the stability limit ≈ {limits.lr_max:.2g}: without scaling, every run diverges."
        )
    return text
