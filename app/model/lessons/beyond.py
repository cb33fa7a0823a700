"""The second lesson, "Beyond the notebook": its steps, questions and the numbers they quote.

No Streamlit here. As in :mod:`app.model.lessons.notebook`, every text is a
``str.format`` template filled from :func:`beyond_facts`, which reads the numbers
off runs of the core: the notebook's data, the same points shifted into a
ravine, and the presets that show each cure (:mod:`app.model.presets`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np

from linreg_core import History, Optimizer, diagnose, scaling, train

from ..compute import Run, train_run
from ..links import validate
from ..method_text import speedup, theory
from ..presets import PRESETS
from ..settings import Settings, split
from .steps import Facts, Question, Step, takeaways_step

__all__ = [
    "BEYOND_STEPS",
    "BEYOND_TAKEAWAYS",
    "CALM",
    "Beyond",
    "BeyondFacts",
    "BeyondReveal",
    "beyond",
    "beyond_facts",
    "closest",
    "excess_loss",
]

#: Epochs of the race in the ravine: plain descent against momentum (the two presets).
POLYAK_EPOCHS = 300
#: The mini-batch runs set beside the preset's: (what changes, in words, and the change).
CALM = (
    ("as in the preset", {}),
    ("a 5× smaller learning rate", {"lr": 0.01}),
    ("a 5× larger batch", {"batch": 50}),
)
#: How many epochs "to within 1 %" the first step offers as answers.
EPOCH_CHOICES = (100, 220, 1000)
#: Polyak's β to choose from.
BETA_CHOICES = (0.5, 0.9, 0.99)


def preset_settings(name: str) -> Settings:
    """The run a preset makes, through the same validation as its link."""
    return split(validate(PRESETS[name].values)[0])[0]


@dataclass(frozen=True, eq=False)
class Beyond:
    """The runs the lesson reads its numbers from."""

    notebook: Run
    ravine: Run
    standardized: Run
    momentum: Run
    adam: Run
    noisy: Run
    polyak: tuple[History, ...]  # the ravine and momentum presets, for POLYAK_EPOCHS each
    calm: tuple[History, ...]  # the mini-batch preset, then each change of CALM


def beyond(run_of: Callable[[Settings], Run]) -> Beyond:
    """Every run of the lesson; ``run_of`` makes a Run (the app passes its cached one)."""
    ravine = run_of(preset_settings("ravine"))
    momentum = run_of(preset_settings("momentum"))
    polyak = tuple(  # the two presets' methods, for the same epochs
        train(
            r.stats, r.settings.lr, POLYAK_EPOCHS, r.settings.w0, r.settings.b0, r.settings.method
        )
        for r in (ravine, momentum)
    )
    noisy = run_of(preset_settings("mini-batch"))
    calm = tuple(
        train_run(replace(noisy.settings, **change), noisy.data, noisy.stats) for _, change in CALM
    )
    return Beyond(
        notebook=run_of(Settings()),
        ravine=ravine,
        standardized=run_of(preset_settings("standardized")),
        momentum=momentum,
        adam=run_of(preset_settings("adam")),
        noisy=noisy,
        polyak=polyak,
        calm=calm,
    )


class BeyondReveal(Enum):
    """What each step of the second lesson shows once the prediction is locked in."""

    CURVATURE = "the two curvatures of the notebook's valley"
    RAVINE = "gradient descent in the ravine"
    STANDARDIZED = "gradient descent on standardized x"
    POLYAK = "the best plain descent against Polyak's momentum"
    ADAM = "Adam's first steps, and its run"
    NOISE = "mini-batch runs side by side"
    TAKEAWAYS = "the takeaways"


def closest(value: float, choices: tuple[float, ...], log: bool = False) -> float:
    """The choice nearest ``value`` (on a log scale if ``log``)."""

    def gap(c: float) -> float:
        return abs(math.log(c / value)) if log else abs(c - value)

    return min(choices, key=gap)


def excess_loss(h: History, floor: float) -> float:
    """Mean loss above ``floor`` over the second half of the run: how much the noise costs."""
    return float(np.mean(h.loss[h.epochs_run // 2 :]) - floor)


BEYOND_STEPS: tuple[Step, ...] = (
    Step(
        title="Why b lags",
        intro=(
            "The first lesson ended with w close to its best value and b well short of it. "
            "The loss is a bowl over (w, b), and its curvature differs by direction. For the "
            "notebook's data the two curvatures (the Hessian's eigenvalues) are "
            "λ = {lam_min:.3f} and {lam_max:.2f}. At lr = {lr:g}, each epoch multiplies the "
            "distance to the optimum by 1 − lr·λ along each direction: {slow:.3f} along the "
            "gentle one, {fast:.3f} along the steep one."
        ),
        questions=(
            Question(
                key="b1",
                prompt="Which parameter lies mostly along the gentle direction "
                "(λ = {lam_min:.3f})?",
                choices=("w", "b", "Both equally"),
                answer="gentle",
            ),
            Question(
                key="b2",
                prompt="How many epochs does gradient descent at lr = {lr:g} need to get "
                "within 1 % of the optimum?",
                choices=tuple(f"About {k:,}" for k in EPOCH_CHOICES),
                answer="epochs_choice",
            ),
        ),
        why=(
            "The Hessian is 2·[[mean(x²), mean(x)], [mean(x), 1]]. Here mean(x) is only "
            "{x_mean:.3f}, so the two directions are almost the axes: w's curvature is about "
            "2·mean(x²) = {h_ww:.2f}, b's about 2. The ratio κ = {kappa:.2f} is the "
            "condition number. The slow direction sets the pace: theory predicts "
            "{predicted:,.0f} epochs to within 1 %, and a longer run gets there at epoch "
            "{took:,}. The notebook stopped at {epochs}."
        ),
        reveal=BeyondReveal.CURVATURE,
    ),
    Step(
        title="A ravine from shifted x",
        intro=(
            "Take the same points and move them right by {shift:g}: x now runs from "
            "{r_x_min:g} to {r_x_max:g}, and y follows the same true line. Nothing about the "
            "fit is harder: the best line is still one line. But now raising w by 0.1 raises "
            "every prediction by about {r_x_mean_tenth:.1f}, and b has to undo that."
        ),
        questions=(
            Question(
                key="r1",
                prompt="What happens to the condition number κ (it was {kappa:.2f})?",
                choices=("It stays about the same", "About 10× larger", "Over 100× larger"),
                answer="kappa_choice",
            ),
        ),
        why=(
            "κ grows to {r_kappa:,.0f}: the curvatures are {r_lam_min:.3f} and "
            "{r_lam_max:.1f}. The steep direction caps the learning rate at 2/λmax ≈ "
            "{r_lr_max:.3g}; along the gentle one, even the best fixed rate shrinks the gap by "
            "only {r_rate:.4f} an epoch. At lr = {r_lr:g} the path zig-zags across the ravine "
            "and crawls along its floor: theory predicts {r_predicted:,.0f} epochs to within "
            "1 %, and after {r_epochs:,} epochs {r_left:.0%} of the way is still left."
        ),
        reveal=BeyondReveal.RAVINE,
    ),
    Step(
        title="Standardize x: one step",
        intro=(
            "Train on z = (x − mean)/std instead of x (mean {s_mean:.3f}, std {s_std:.3f}), "
            "and turn the line back into x's units at the end: w = w_z/std, "
            "b = b_z − w_z·mean/std. The predictions, the loss and the best line are the same."
        ),
        questions=(
            Question(
                key="s1",
                prompt="At lr = {s_lr:g} on standardized x, how many epochs to within 1 %?",
                choices=("1", "About 10", "About 1,000"),
                answer="s_choice",
            ),
        ),
        why=(
            "On z the Hessian is 2·I: mean(z) = 0 and mean(z²) = 1, so both curvatures are 2 "
            "and κ = {s_kappa:g}. With lr = 1/λ = {s_lr:g}, 1 − lr·λ = 0 in every direction: "
            "the first step lands on the optimum, w = {ls_w:.4f}, b = {ls_b:.4f} in x's "
            "units. It took {s_took} epoch. Centring alone (subtracting the mean) removes "
            "the ravine; scaling makes the two curvatures equal. The landscape is still "
            "drawn over w and b in x's units, where the valley is a ravine; on z the same "
            "loss is a round bowl, so one step goes straight to its centre."
        ),
        reveal=BeyondReveal.STANDARDIZED,
    ),
    Step(
        title="Momentum through the ravine, and Polyak's β",
        intro=(
            "Momentum keeps a velocity: v ← βv + gradient, then w, b move by lr·v. Along the "
            "ravine's floor the gradients agree from step to step, so the velocity builds up; "
            "across it they alternate in sign and cancel. Polyak worked out the best constants "
            "for a bowl from its curvatures alone: lr* = 4/(√λmax + √λmin)² and "
            "β* = ((√κ − 1)/(√κ + 1))²."
        ),
        questions=(
            Question(
                key="m1",
                prompt="For the ravine (κ ≈ {r_kappa:,.0f}), which β is closest to Polyak's?",
                choices=tuple(f"{b:g}" for b in BETA_CHOICES),
                answer="beta_choice",
            ),
            Question(
                key="m2",
                prompt="In the long run, how many times fewer epochs than the best plain "
                "gradient descent?",
                choices=(
                    "About 2×",
                    "About √κ ≈ {root_kappa:.0f}×",
                    "About κ ≈ {r_kappa:,.0f}×",
                ),
                answer="speedup_choice",
            ),
        ),
        why=(
            "β* = {beta_polyak:.3f} at lr* = {lr_polyak:.4f}: in the long run each epoch "
            "multiplies the distance by √β* = {rate_polyak:.4f}, against {r_rate:.4f} for the "
            "best plain descent (lr = {r_lr_fastest:.4f}), so every further hundredfold "
            "shrink takes {speedup:.0f}× fewer epochs, about √κ. From (0, 0) to within 1 % "
            "the gain is smaller, {t_speedup:.0f}× ({t_polyak_epochs:,.0f} epochs against "
            "{t_best_epochs:,.0f}): Polyak's constants make both directions critically "
            "damped, where the offset shrinks like k·{rate_polyak:.4f}^k, not "
            "{rate_polyak:.4f}^k, and the first epochs lose ground. Best in the long run is "
            "not fewest epochs to 1 %: the momentum preset, β = {m_beta:g} at lr = {m_lr:g}, "
            "gets there in {p_took} epochs. The chart races it "
            "against the ravine preset for {polyak_epochs} epochs: gradient descent at "
            "lr = {r_lr:g} still has {g_left:.0%} of the way to go (theory: "
            "{g_predicted:,.0f} epochs in all)."
        ),
        reveal=BeyondReveal.POLYAK,
    ),
    Step(
        title="Adam's per-parameter steps",
        intro=(
            "Adam keeps, for each parameter, an average of its gradients and an average of "
            "its squared gradients, and steps by lr × average / √(squared average). On the "
            "ravine at the start, the gradient in w is {grad_ratio:.1f}× the gradient in b, so "
            "gradient descent's first step moves w {grad_ratio:.1f}× as far as b."
        ),
        questions=(
            Question(
                key="a1",
                prompt="Adam's first step, at lr = {a_lr:g}: how does the move in w compare "
                "with the move in b?",
                choices=(
                    "About {grad_ratio:.0f}× larger, as in gradient descent",
                    "About the same size",
                    "Much smaller",
                ),
                answer="adam_choice",
            ),
        ),
        why=(
            "Adam's first step divides each gradient by its own size, so it moves w by "
            "{a_dw:.4f} and b by {a_db:.4f}: lr each, whatever the curvature. That is why it "
            "crosses the ravine without a learning rate tuned to it: within 1 % after "
            "{a_took} epochs at lr = {a_lr:g}, where plain gradient descent's best needs "
            "about {t_best_epochs:,.0f}. There is no simple linear theory for Adam: the "
            "step depends on the gradient's size, so no fixed rate per epoch describes it."
        ),
        reveal=BeyondReveal.ADAM,
    ),
    Step(
        title="Mini-batch noise",
        intro=(
            "Back to the notebook's data, now in batches of {n_batch}: each epoch reshuffles "
            "the {n} points and takes {n_steps} steps, each on the gradient of {n_batch} "
            "points only, at lr = {n_lr:g}."
        ),
        questions=(
            Question(
                key="n1",
                prompt="After the first few epochs, what will the loss do?",
                choices=(
                    "Fall smoothly to the least-squares floor",
                    "Jitter up and down, above the floor",
                    "Blow up",
                ),
                answer="noise_choice",
            ),
            Question(
                key="n2",
                prompt="What calms the jitter?",
                choices=("A smaller learning rate", "A larger batch", "Both"),
                answer="calm_choice",
            ),
        ),
        why=(
            "A batch's gradient is the full gradient plus noise, and the smaller the batch "
            "the larger the noise. Near the optimum the full gradient vanishes but the noise "
            "does not, so every step kicks w and b by lr × noise. Over the second half of "
            "the run the loss sits {noise_base:.4f} above the floor on average; with a 5× "
            "smaller learning rate {noise_lr:.4f}, with a 5× larger batch {noise_batch:.4f}. "
            "Each step costs less with a small batch: that is why it is worth the noise."
        ),
        reveal=BeyondReveal.NOISE,
    ),
    takeaways_step(
        "Five ideas, each with a number from the runs you just saw.", BeyondReveal.TAKEAWAYS
    ),
)

#: The final step: (heading, template), each quoting a number from the runs.
BEYOND_TAKEAWAYS: tuple[tuple[str, str], ...] = (
    (
        "Curvature sets the pace",
        "The notebook's bowl curves {kappa:.2f}× more steeply along w than along b, so b "
        "needs {predicted:,.0f} epochs at lr = {lr:g} to get within 1 %, where the steep "
        "direction shrinks 100× in {fast_epochs}.",
    ),
    (
        "Where x lies matters",
        "The same points moved right by {shift:g} make κ {r_kappa:,.0f}: the best fixed "
        "learning rate shrinks the gap by only {r_rate:.4f} an epoch.",
    ),
    (
        "Standardizing is the cheapest cure",
        "On z = (x − mean)/std, κ = 1 and lr = {s_lr:g} reaches the optimum in {s_took} epoch.",
    ),
    (
        "Momentum pays √κ",
        "Polyak's β = {beta_polyak:.3f} turns {r_rate:.4f} an epoch into {rate_polyak:.4f}: "
        "{speedup:.0f}× fewer epochs in the ravine in the long run, {t_speedup:.0f}× from "
        "(0, 0) to within 1 %.",
    ),
    (
        "Adam and mini-batches trade theory for robustness and cheap steps",
        "Adam's first step moves w and b by lr each ({a_dw:.4f}, {a_db:.4f}); batches of "
        "{n_batch} leave the loss {noise_base:.4f} above the floor, and a smaller lr or a "
        "larger batch calms it.",
    ),
)


def _notebook_facts(b: Beyond) -> dict[str, object]:
    r, t = b.notebook, b.notebook.stability
    _, vecs = np.linalg.eigh(r.stats.hessian)  # ascending; columns are the directions
    gentle = vecs[:, 0]  # (w, b) components of the gentle direction
    longer = train(r.stats, r.settings.lr, 10 * r.settings.epochs, r.settings.w0, r.settings.b0)
    d = diagnose(longer, r.stats)
    epochs = closest(d.predicted_epochs, EPOCH_CHOICES, log=True)
    return {
        "lam_min": t.lam_min,
        "lam_max": t.lam_max,
        "kappa": t.kappa,
        "lr": r.settings.lr,
        "epochs": r.settings.epochs,
        "slow": 1.0 - r.settings.lr * t.lam_min,
        "fast": 1.0 - r.settings.lr * t.lam_max,
        "x_mean": r.stats.x_mean,
        "h_ww": float(r.stats.hessian[0, 0]),
        "gentle": "b" if abs(gentle[1]) > 2 * abs(gentle[0]) else "Both equally",
        "predicted": d.predicted_epochs,
        "fast_epochs": math.ceil(math.log(0.01) / math.log(abs(1.0 - r.settings.lr * t.lam_max))),
        "took": d.converged_at,
        "epochs_choice": f"About {epochs:,}",
    }


def _ravine_facts(b: Beyond, kappa: float) -> dict[str, object]:
    r, t = b.ravine, b.ravine.stability
    d = r.diagnosis
    growth = t.kappa / kappa
    kappa_choice = (
        "Over 100× larger"
        if growth > 30
        else ("About 10× larger" if growth > 3 else "It stays about the same")
    )
    return {
        "shift": r.settings.x_center - b.notebook.settings.x_center,
        "r_x_min": r.settings.x_range[0],
        "r_x_max": r.settings.x_range[1],
        "r_x_mean_tenth": 0.1 * r.stats.x_mean,
        "r_kappa": t.kappa,
        "r_lam_min": t.lam_min,
        "r_lam_max": t.lam_max,
        "r_lr_max": t.lr_max,
        "r_rate": t.rate_fastest,
        "r_lr_fastest": t.lr_fastest,
        "r_lr": r.settings.lr,
        "r_epochs": r.history.epochs_run,
        "r_predicted": d.predicted_epochs,
        "r_left": d.gap_left,
        "kappa_choice": kappa_choice,
    }


def _cure_facts(b: Beyond) -> dict[str, object]:
    s = b.standardized
    took = s.diagnosis.converged_at
    choice = "About 1,000"
    if took is not None and took < 100:
        choice = "1" if took == 1 else "About 10"
    scale = scaling(s.stats)
    return {
        "s_mean": scale.mean,
        "s_std": scale.std,
        "s_lr": s.settings.lr,
        "s_kappa": theory(s).kappa,
        "s_took": took,
        "s_choice": choice,
        "ls_w": s.least_squares.w,
        "ls_b": s.least_squares.b,
    }


def _polyak_facts(b: Beyond) -> dict[str, object]:
    r, t = b.ravine, b.ravine.stability
    plain, heavy = (diagnose(h, r.stats) for h in b.polyak)
    best, polyak = (  # theory's two optimal methods, for the table beside the race
        diagnose(train(r.stats, lr, POLYAK_EPOCHS, optimizer=opt), r.stats).predicted_epochs
        for lr, opt in (
            (t.lr_fastest, Optimizer("gd")),
            (t.lr_polyak, Optimizer("momentum", beta=t.beta_polyak)),
        )
    )
    factor = speedup(t.rate_polyak, t.rate_fastest)
    root = math.sqrt(t.kappa)
    labels = {
        2.0: "About 2×",
        root: f"About √κ ≈ {root:.0f}×",
        t.kappa: f"About κ ≈ {t.kappa:,.0f}×",
    }
    label = labels[closest(factor, tuple(labels), log=True)]
    return {
        "beta_polyak": t.beta_polyak,
        "lr_polyak": t.lr_polyak,
        "rate_polyak": t.rate_polyak,
        "root_kappa": root,
        "speedup": factor,
        "speedup_choice": label,
        "beta_choice": f"{closest(t.beta_polyak, BETA_CHOICES):g}",
        "p_took": heavy.converged_at,
        "p_predicted": heavy.predicted_epochs,
        "g_left": plain.gap_left,
        "g_predicted": plain.predicted_epochs,
        "polyak_epochs": POLYAK_EPOCHS,
        "t_best_epochs": best,
        "t_polyak_epochs": polyak,
        "t_speedup": best / polyak,
        "m_beta": b.momentum.settings.beta,
        "m_lr": b.momentum.settings.lr,
    }


def first_steps(r: Run, opt: Optimizer, lr: float) -> tuple[float, float]:
    """How far ``opt``'s first step moves w and b on the run's data: ``(|Δw|, |Δb|)``."""
    s = r.settings
    h = train(r.stats, lr, 1, s.w0, s.b0, opt)
    return abs(float(h.w[1] - h.w[0])), abs(float(h.b[1] - h.b[0]))


def _adam_facts(b: Beyond) -> dict[str, object]:
    a = b.adam
    lr = a.settings.lr
    gd_w, gd_b = first_steps(b.ravine, Optimizer("gd"), lr)
    a_dw, a_db = first_steps(b.ravine, a.settings.method, lr)
    ratio = a_dw / a_db
    choice = "About the same size" if 0.5 <= ratio <= 2.0 else "Much smaller"
    if ratio > 0.5 * gd_w / gd_b:
        choice = f"About {gd_w / gd_b:.0f}× larger, as in gradient descent"
    return {
        "grad_ratio": gd_w / gd_b,
        "a_lr": lr,
        "a_dw": a_dw,
        "a_db": a_db,
        "a_took": a.diagnosis.converged_at,
        "adam_choice": choice,
    }


def _noise_facts(b: Beyond) -> dict[str, object]:
    r = b.noisy
    floor = r.least_squares.loss
    base, smaller_lr, larger_batch = (excess_loss(h, floor) for h in b.calm)
    h = b.calm[0]
    late = h.loss[5:]
    jitters = bool(np.any(np.diff(late) > 0)) and float(late.min()) > floor
    noise_choice = "Jitter up and down, above the floor" if jitters else "Blow up"
    if h.diverged_at is None and not jitters:
        noise_choice = "Fall smoothly to the least-squares floor"
    both = smaller_lr < base and larger_batch < base
    calm_choice = (
        "Both" if both else ("A smaller learning rate" if smaller_lr < base else "A larger batch")
    )
    batch = r.settings.batch_size
    return {
        "n": r.settings.n_samples,
        "n_batch": batch,
        "n_steps": -(-r.settings.n_samples // batch),
        "n_lr": r.settings.lr,
        "noise_base": base,
        "noise_lr": smaller_lr,
        "noise_batch": larger_batch,
        "noise_choice": noise_choice,
        "calm_choice": calm_choice,
    }


@dataclass(frozen=True)
class BeyondFacts(Facts):
    """Every number the second lesson's texts quote (see :func:`beyond_facts`)."""

    lam_min: float
    lam_max: float
    kappa: float
    lr: float
    epochs: int
    slow: float
    fast: float
    x_mean: float
    h_ww: float
    gentle: str
    predicted: float
    fast_epochs: int
    took: int | None
    epochs_choice: str
    shift: float
    r_x_min: float
    r_x_max: float
    r_x_mean_tenth: float
    r_kappa: float
    r_lam_min: float
    r_lam_max: float
    r_lr_max: float
    r_rate: float
    r_lr_fastest: float
    r_lr: float
    r_epochs: int
    r_predicted: float
    r_left: float
    kappa_choice: str
    s_mean: float
    s_std: float
    s_lr: float
    s_kappa: float
    s_took: int | None
    s_choice: str
    ls_w: float
    ls_b: float
    beta_polyak: float
    lr_polyak: float
    rate_polyak: float
    root_kappa: float
    speedup: float
    speedup_choice: str
    beta_choice: str
    p_took: int | None
    p_predicted: float
    g_left: float
    g_predicted: float
    polyak_epochs: int
    t_best_epochs: float
    t_polyak_epochs: float
    t_speedup: float
    m_beta: float
    m_lr: float
    grad_ratio: float
    a_lr: float
    a_dw: float
    a_db: float
    a_took: int | None
    adam_choice: str
    n: int
    n_batch: int
    n_steps: int
    n_lr: float
    noise_base: float
    noise_lr: float
    noise_batch: float
    noise_choice: str
    calm_choice: str


def beyond_facts(b: Beyond) -> BeyondFacts:
    """Every number the second lesson quotes, read off its runs."""
    facts = _notebook_facts(b)
    facts |= _ravine_facts(b, facts["kappa"])
    facts |= _cure_facts(b) | _polyak_facts(b) | _adam_facts(b) | _noise_facts(b)
    return BeyondFacts(**facts)
