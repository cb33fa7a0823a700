"""The lesson's script: steps, predict-first questions, explanations, and the numbers they quote.

No Streamlit here. Texts are ``str.format`` templates whose fields come from
:func:`lesson_facts`, which computes every number through the core, so what the lesson
says is always what the core did on this data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from linreg_core import Dataset, History, mse_loss, predict, train_step

from ..compute import Run
from ..params import RACE_LRS
from .steps import Facts, Question, Step, takeaways_step

__all__ = [
    "PROGRESS_EVERY",
    "SAMPLE_X",
    "STEPS",
    "TAKEAWAYS",
    "NotebookFacts",
    "Question",
    "Reveal",
    "Step",
    "gap_shares",
    "grade_number",
    "lesson_facts",
    "progress_line",
    "progress_rows",
    "race_verdict",
    "sample_predictions",
    "settle_epoch",
    "uphill_losses",
]

#: Exercise 4 prints a progress line every this many epochs.
PROGRESS_EVERY = 10
#: Inputs at which exercise 2 shows what the untrained model predicts.
SAMPLE_X = (-4.0, -2.0, 0.0, 2.0, 4.0)
#: Step size along the gradient for the "gradients point uphill" check.
UPHILL_STEP = 0.01
#: A guess of dL/dw within this relative error counts as spot on.
NUMBER_TOLERANCE = 0.1


class Reveal(Enum):
    """What a step shows once the learner's prediction is locked in."""

    DATA = "the data and the true line"
    START = "the untrained model's predictions"
    STEP = "one step's gradient and update, with the numbers"
    TRAIN = "the training progress, as the notebook prints it"
    PLOTS = "the four-panel chart of the run"
    ANIMATION = "the four-panel chart, to replay"
    RACE = "the learning-rate race"
    TAKEAWAYS = "the takeaways"


def _lr_choices() -> tuple[str, ...]:
    return tuple(f"{lr:g}" for lr in RACE_LRS)


STEPS: tuple[Step, ...] = (
    Step(
        title="Make some data",
        intro=(
            "We invent the answer first, so we can check the model against it later: {n} "
            "points whose x is drawn evenly between {x_min:g} and {x_max:g}, and whose y is "
            "{true_w:g}·x + {true_b:g} plus "
            "a random wobble with standard deviation {noise:g}. Gradient descent will only ever "
            "see the points, never the recipe."
        ),
        questions=(
            Question(
                key="1",
                prompt="Before you look: what will the points look like?",
                choices=(
                    "All exactly on one straight line",
                    "Scattered around a straight line",
                    "A cloud with no pattern at all",
                ),
                answer=1,
            ),
        ),
        why=(
            "The line sets the trend and the noise pushes every point up or down by a "
            "different random amount, so the points form a band around the green dashed true "
            "line. The band is about ±{noise2:g} wide (two standard deviations) around a line "
            "that climbs {true_w:g} per unit of x."
        ),
        reveal=Reveal.DATA,
    ),
    Step(
        title="Start from nothing",
        intro=(
            "The model is a line, ŷ = w·x + b, and it starts knowing nothing: w = {w0:g} and "
            "b = {b0:g}. Training will move these two numbers; nothing else changes."
        ),
        questions=(
            Question(
                key="2",
                prompt="With w = 0 and b = 0, what does the model predict?",
                choices=(
                    "ŷ = 0 for every x",
                    "ŷ = x",
                    "The average of the y values",
                ),
                answer=0,
            ),
        ),
        why=(
            "0·x + 0 is 0 whatever x is: a flat line along the x-axis. It does not even know the "
            "average of the data ({y_mean:.4f}); the intercept has to learn that too."
        ),
        reveal=Reveal.START,
    ),
    Step(
        title="One training step",
        intro=(
            "Every step does four things. **Forward**: compute ŷ = w·x + b for every point. "
            "**Loss**: average the squared errors, L = mean((y − ŷ)²). **Backward**: find how "
            "L changes when w or b is nudged (the gradient). **Update**: move w and b a little "
            "against the gradient, scaled by the learning rate."
        ),
        questions=(
            Question(
                key="3",
                prompt=(
                    "Work out ∂L/∂w with the chain rule, then estimate it at w = 0, b = 0 on "
                    "this data. (Hint: there ŷ = 0; y is about 1.5·x + 2, and x spread evenly "
                    "over −5 to 5 has mean(x²) ≈ 8.3.)"
                ),
                answer="dw0",
            ),
        ),
        why=(
            "The chain rule gives ∂L/∂w = mean(−2·x·(y − ŷ)). With ŷ = 0 the residuals are "
            "just y, so ∂L/∂w = −2·mean(x·y) = {dw0:.4f}; the estimate −2·1.5·mean(x²) ≈ −25 "
            "is close, since the + 2 averages out against x. It is "
            "negative because the points rise to the right: raising w lowers the loss, and "
            "the update w ← w − lr·∂L/∂w does exactly that, moving w to {new_w0:.4f}."
        ),
        reveal=Reveal.STEP,
    ),
    Step(
        title="Train for {epochs} epochs",
        intro=(
            "Now repeat the step {epochs} times with learning rate {lr:g}, starting from "
            "w = {w0:g}, b = {b0:g}. The true values are w = {true_w:g} and b = {true_b:g}."
        ),
        questions=(
            Question(
                key="4",
                prompt="After {epochs} epochs, where will w and b be?",
                choices=(
                    "Exactly {true_w:g} and {true_b:g}",
                    "w close to {true_w:g}, but b still well short of {true_b:g}",
                    "Both past the true values (overshot)",
                ),
                answer=1,
            ),
        ),
        why=(
            "w ends at {w_end:.4f} and b at {b_end:.4f}. The slope gets the strong signal: "
            "points far from x = 0 pull hard on it. The intercept only feels the average "
            "error, a weak pull, so it crawls. Neither can ever be exactly right: the best any "
            "line can do on these noisy points is w = {ls_w:.4f}, b = {ls_b:.4f}."
        ),
        reveal=Reveal.TRAIN,
    ),
    Step(
        title="Three pictures of training",
        intro=(
            "The same run, drawn three ways: the loss per epoch, w and b per epoch, and the "
            "fitted line over the data. (A fourth panel shows the path over the loss landscape.)"
        ),
        questions=(
            Question(
                key="5",
                prompt="What shape will the loss curve have?",
                choices=(
                    "A straight line down",
                    "Steep at first, then flattening",
                    "Flat at first, then steep",
                ),
                answer=1,
            ),
        ),
        why=(
            "The loss fell from {loss0:.4f} to {loss_end:.4f} at the final w and b (the "
            "printout's last line says {loss_printed_end:.4f}: it shows each epoch's loss "
            "before that epoch's update), and {early_drop:.0%} of that drop "
            "happened in the first {PROGRESS_EVERY} epochs. The gradient is large when the line "
            "is far off, so the early steps are big; as the fit improves, the gradient and the "
            "steps shrink. (The loss axis is logarithmic.)"
        ),
        reveal=Reveal.PLOTS,
    ),
    Step(
        title="Watch the line move",
        intro=(
            "Press ▶ Play under the chart to replay the run epoch by epoch, or drag the "
            "epoch slider. Watch the orange line in the top-left panel."
        ),
        questions=(
            Question(
                key="6",
                prompt="How will the line get into place?",
                choices=(
                    "It rotates (the slope changes)",
                    "It shifts up (the intercept changes)",
                    "Both: it rotates and shifts",
                ),
                answer=2,
            ),
        ),
        why=(
            "Both, but not at the same pace. w covers 90 % of its way to its best value by "
            "epoch {w_settle}, so the line swings into the right tilt early. b has covered only "
            "{b_share:.0%} of its way after {epochs} epochs, so the line keeps creeping upward "
            "long after it stopped turning: rotation first, then a slow shift."
        ),
        reveal=Reveal.ANIMATION,
    ),
    Step(
        title="Try other learning rates",
        intro=(
            "Same data, same start, {epochs} epochs, three learning rates: "
            + ", ".join(_lr_choices())
            + ". The learning rate scales every step."
        ),
        questions=(
            Question(
                key="7a",
                prompt="Which learning rate will blow up (diverge)?",
                choices=_lr_choices(),
                answer="diverge",
            ),
            Question(
                key="7b",
                prompt="Which one will be too slow to get anywhere in {epochs} epochs?",
                choices=_lr_choices(),
                answer="slow",
            ),
        ),
        why=(
            "For this data, any learning rate above ≈ {lr_max:.3g} makes each step overshoot "
            "the valley by more than it started, so the error grows every epoch: lr {diverge} "
            "is far beyond it. lr {slow} is safe but its steps are tiny; after {epochs} epochs "
            "its loss is still {slow_loss:.4f}, against {mid_loss:.4f} for lr {mid}."
        ),
        reveal=Reveal.RACE,
    ),
    takeaways_step(
        "Four ideas, each with a number from the run you just watched.", Reveal.TAKEAWAYS
    ),
)


#: The final step: (heading, template), each quoting a number from this run.
TAKEAWAYS: tuple[tuple[str, str], ...] = (
    (
        "One loop, everywhere",
        "Forward → loss → backward → update. Epoch 0 on this data: ŷ = {w0:g}·x + {b0:g}, "
        "loss {loss0:.4f}, gradient (∂L/∂w, ∂L/∂b) = ({dw0:.4f}, {db0:.4f}), and after the "
        "update w = {new_w0:.4f}, b = {new_b0:.4f}. Networks with millions of parameters run "
        "this same loop; only the forward pass is bigger.",
    ),
    (
        "The gradient points uphill",
        "From the start, a step of {uphill_h:g}×gradient *along* the gradient raises the loss "
        "from {loss_here:.4f} to {loss_up:.4f}; the same step *against* it lowers it to "
        "{loss_down:.4f}. That is why the update subtracts the gradient.",
    ),
    (
        "The learning rate sets the step",
        "This data converges for any learning rate below ≈ {lr_max:.3g}; above it, each step "
        "overshoots further than the last. lr {lr:g} is safe, but slow along the gentle "
        "direction, which is the intercept here.",
    ),
    (
        "Close is not the same as true",
        "The true intercept is {true_b:g}; the best line for these noisy points has "
        "b = {ls_b:.4f}; gradient descent reached b = {b_end:.4f} after {epochs} epochs. Of "
        "the gap between truth and where training stopped, only {noise_share:.0%} is the noise "
        "in the sample (no method can close it); {unfinished_share:.0%} is training not "
        "finished yet, which more epochs would close.",
    ),
)


def sample_predictions(w: float, b: float, xs=SAMPLE_X) -> list[dict[str, float]]:
    """What the model ``(w, b)`` predicts at a few inputs: rows of ``{"x", "ŷ"}``."""
    x = np.asarray(xs, dtype=float)  # (k,)
    return [{"x": float(xi), "ŷ": float(yi)} for xi, yi in zip(x, predict(x, w, b), strict=True)]


def progress_rows(
    history: History, every: int = PROGRESS_EVERY
) -> list[tuple[int, float, float, float]]:
    """Exercise 4's printout: ``(epoch, loss, w, b)`` every ``every`` epochs.

    As the notebook prints it, ``loss`` is the loss *before* that epoch's update
    and ``w``, ``b`` are the values *after* it.
    """
    return [
        (e, float(history.epoch_loss[e - 1]), float(history.w[e]), float(history.b[e]))
        for e in range(every, history.epochs_run + 1, every)
    ]


def progress_line(row: tuple[int, float, float, float]) -> str:
    """One row in the notebook's own print format."""
    e, loss, w, b = row
    return f"Epoch {e:3d}: loss = {loss:.4f}, w = {w:.4f}, b = {b:.4f}"


def settle_epoch(values: np.ndarray, target: float, share: float = 0.9) -> int | None:
    """First epoch at which ``values`` has covered ``share`` of its way from ``values[0]`` to
    ``target``; ``None`` if it never does."""
    gap = np.abs(np.asarray(values, dtype=float) - target)  # (epochs + 1,)
    if gap[0] == 0.0:
        return 0
    done = np.flatnonzero(1.0 - gap / gap[0] >= share)
    return int(done[0]) if done.size else None


def uphill_losses(data: Dataset, w: float, b: float, h: float = UPHILL_STEP):
    """Loss a step ``h`` against the gradient, here, and a step ``h`` along it."""
    step = train_step(data.x, data.y, w, b, h)

    def loss_at(wi: float, bi: float) -> float:
        return mse_loss(data.y, predict(data.x, wi, bi))

    return (
        loss_at(step.new_w, step.new_b),
        step.loss,
        loss_at(w + h * step.dw, b + h * step.db),
    )


def gap_shares(true_b: float, ls_b: float, gd_b: float) -> tuple[float, float]:
    """Split the gap ``true_b - gd_b`` into ``(noise share, unfinished-training share)``.

    The noise part is how far the best possible fit (least squares) sits from the
    truth; the rest is what gradient descent has not yet travelled.
    """
    total = abs(true_b - gd_b)
    if total == 0.0:
        return 0.0, 0.0
    return abs(true_b - ls_b) / total, abs(ls_b - gd_b) / total


def race_verdict(histories: tuple[History, ...]) -> tuple[float | None, float | None]:
    """``(diverging lr, too-slow lr)`` read off a race: the first run that diverged, and
    the non-diverged run that ended with the highest loss."""
    diverged = [h.lr for h in histories if h.diverged_at is not None]
    stable = [h for h in histories if h.diverged_at is None]
    slow = max(stable, key=lambda h: h.final_loss).lr if len(stable) > 1 else None
    return (diverged[0] if diverged else None), slow


def grade_number(guess: float, actual: float, tol: float = NUMBER_TOLERANCE) -> str:
    """A short verdict on a numerical prediction."""
    if abs(guess - actual) <= tol * abs(actual):
        return "Spot on"
    if np.sign(guess) == np.sign(actual):
        return "Right sign, different size"
    return "Opposite sign"


@dataclass(frozen=True)
class NotebookFacts(Facts):
    """Every number the first lesson's texts quote (see :func:`lesson_facts`)."""

    PROGRESS_EVERY: int
    true_w: float
    true_b: float
    noise: float
    noise2: float
    n: int
    x_min: float
    x_max: float
    lr: float
    epochs: int
    w0: float
    b0: float
    y_mean: float
    loss0: float
    dw0: float
    db0: float
    new_w0: float
    new_b0: float
    w_end: float
    b_end: float
    loss_end: float
    loss_printed_end: float
    ls_w: float
    ls_b: float
    ls_loss: float
    early_drop: float
    w_settle: int | None
    b_share: float
    lr_max: float
    diverge: str
    slow: str
    slow_loss: float
    mid: str
    mid_loss: float
    uphill_h: float
    loss_down: float
    loss_here: float
    loss_up: float
    noise_share: float
    unfinished_share: float


def lesson_facts(run: Run, race: tuple[History, ...]) -> NotebookFacts:
    """Every number the lesson's texts quote, for the default run and its race."""
    s, h, ls = run.settings, run.history, run.least_squares
    first = train_step(run.data.x, run.data.y, s.w0, s.b0, s.lr)
    drop = h.loss[0] - h.loss[-1]
    early_drop = (h.loss[0] - h.loss[min(PROGRESS_EVERY, h.epochs_run)]) / drop if drop else 0.0
    b_share = 1.0 - abs(h.b[-1] - ls.b) / abs(h.b[0] - ls.b) if h.b[0] != ls.b else 1.0
    diverge, slow = race_verdict(race)
    by_lr = {r.lr: r for r in race}
    mid = s.lr if s.lr in by_lr else RACE_LRS[1]
    noise_share, unfinished_share = gap_shares(s.true_b, ls.b, float(h.b[-1]))
    down, here, up = uphill_losses(run.data, s.w0, s.b0)
    return NotebookFacts(
        PROGRESS_EVERY=PROGRESS_EVERY,
        true_w=s.true_w,
        true_b=s.true_b,
        noise=s.noise,
        noise2=2 * s.noise,
        n=s.n_samples,
        x_min=s.x_range[0],
        x_max=s.x_range[1],
        lr=s.lr,
        epochs=s.epochs,
        w0=s.w0,
        b0=s.b0,
        y_mean=run.stats.y_mean,
        loss0=first.loss,
        dw0=first.dw,
        db0=first.db,
        new_w0=first.new_w,
        new_b0=first.new_b,
        w_end=float(h.w[-1]),
        b_end=float(h.b[-1]),
        loss_end=h.final_loss,
        loss_printed_end=float(h.epoch_loss[-1]),
        ls_w=ls.w,
        ls_b=ls.b,
        ls_loss=ls.loss,
        early_drop=early_drop,
        w_settle=settle_epoch(h.w, ls.w),
        b_share=b_share,
        lr_max=run.stability.lr_max,
        diverge=f"{diverge:g}" if diverge is not None else "none",
        slow=f"{slow:g}" if slow is not None else "none",
        slow_loss=by_lr[slow].final_loss if slow in by_lr else float("nan"),
        mid=f"{mid:g}",
        mid_loss=by_lr[mid].final_loss if mid in by_lr else float("nan"),
        uphill_h=UPHILL_STEP,
        loss_down=down,
        loss_here=here,
        loss_up=up,
        noise_share=noise_share,
        unfinished_share=unfinished_share,
    )
