"""Every control of the app in one table: its range, default, step and help text.

The controls, the URL parsing and validation, the presets and the tests all read
this table, so a range or a default is written down exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from linreg_core import DEFAULT_BETA, DEFAULT_BETA2, KINDS, Optimizer

__all__ = [
    "BATCH_OPTIONS",
    "BETA2_OPTIONS",
    "BETA_OPTIONS",
    "FULL",
    "LR_OPTIONS",
    "N_SAMPLES_OPTIONS",
    "PARAMS",
    "RACE_LRS",
    "SPEEDS",
    "Param",
    "applies",
    "canonical",
    "defaults",
    "group_keys",
    "optimizer_name",
]


def _log_grid(lo_exp: int, hi_exp: int, mantissas: tuple[float, ...]) -> tuple[float, ...]:
    values = [round(m * 10.0**e, 12) for e in range(lo_exp, hi_exp) for m in mantissas]
    return (*values, round(10.0**hi_exp, 12))


#: Learning rates on a log scale from 1e-4 to 1, with the notebook's 0.001, 0.01 and 0.5.
LR_OPTIONS = _log_grid(-4, 0, (1.0, 1.5, 2.0, 3.0, 5.0, 7.0))
#: Sample counts, roughly evenly spaced on a log scale up to 10,000.
N_SAMPLES_OPTIONS = (2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
#: The notebook's learning-rate experiment (exercise 7), and the race's default rates:
#: too slow, about right, diverging.
RACE_LRS = (0.001, 0.01, 0.5)
#: The optimizers in words, in the order a lesson meets them (the core's KINDS).
OPTIMIZER_NAMES = {
    "gd": "Gradient descent",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}
#: Momentum's β (and Adam's β1): 0 is plain gradient descent, 0.99 a very heavy ball.
BETA_OPTIONS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
#: RMSProp's and Adam's β2: how long the average of squared gradients remembers.
BETA2_OPTIONS = (0.9, 0.95, 0.99, 0.995, 0.999)
#: The batch size's word for "every point in every step".
FULL = "full"
#: Batch sizes, smallest first, then full batch (a batch of n or more is full batch too).
BATCH_OPTIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, FULL)
#: Animation speeds: name -> seconds that Play takes from the first epoch to the last.
SPEEDS = {"slow": 20.0, "normal": 8.0, "fast": 3.0}


@dataclass(frozen=True)
class Param:
    """One control. ``options`` makes it a choice; otherwise it is a number in [lo, hi]."""

    key: str
    label: str
    default: Any
    help: str
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    integer: bool = False
    options: tuple[Any, ...] | None = None
    #: A whole number held by a float widget shown as one (rounded half up): Streamlit 1.67's
    #: integer number_input crashes on ?seed=inf in a link before the app can step in.
    float_widget: bool = False
    group: str = "data"
    #: Drawn in its group's section of less-used controls, which has widgets only while open.
    more: bool = False
    #: Words shown for ``options`` (the optimizer's names); the options themselves go in links.
    labels: tuple[str, ...] | None = None
    #: The optimizers this control applies to; elsewhere it is hidden and keeps its value.
    methods: frozenset[str] | None = None

    @property
    def is_choice(self) -> bool:
        """A choice among named options (not a number, not true/false)."""
        return self.options is not None and all(isinstance(o, str) for o in self.options)

    def show(self, value: Any) -> str:
        """An option as the widget shows it: its word, or the number in short."""
        if self.labels is not None and value in self.options:
            return self.labels[self.options.index(value)]
        return value if isinstance(value, str) else f"{value:g}"


_PARAM_LIST = [
    # --- data ---
    Param(
        "true_w",
        "True slope w",
        1.5,
        "The slope of the line the data is drawn around. "
        "Gradient descent never sees it: it has to find it from the points.",
        lo=-5.0,
        hi=5.0,
        step=0.1,
    ),
    Param(
        "true_b",
        "True intercept b",
        2.0,
        "Where the true line crosses x = 0.",
        lo=-5.0,
        hi=5.0,
        step=0.1,
    ),
    Param(
        "noise",
        "Noise σ",
        1.5,
        "Standard deviation of the random scatter added to every y. "
        "With σ = 0 the points lie exactly on the true line.",
        lo=0.0,
        hi=5.0,
        step=0.1,
    ),
    Param(
        "n_samples",
        "Number of samples",
        100,
        "How many points to draw. More points pin the "
        "best-fit line closer to the true one; training time does not depend on it here.",
        options=N_SAMPLES_OPTIONS,
        integer=True,
    ),
    Param(
        "seed",
        "Seed",
        42,
        "The random seed. The same seed always draws the same points; 42 reproduces the notebook.",
        lo=0,
        hi=2**31 - 1,
        integer=True,
        step=1,
        float_widget=True,
        more=True,
    ),
    Param(
        "x_center",
        "Centre of x",
        0.0,
        "Where the x values are centred. x is drawn evenly from centre − spread to "
        "centre + spread; moving it away from 0 stretches the loss valley into a ravine.",
        lo=-50.0,
        hi=50.0,
        step=1.0,
        more=True,
    ),
    Param(
        "x_spread",
        "Spread of x",
        5.0,
        "Half the width of the x range: the notebook draws x between −5 and 5.",
        lo=0.5,
        hi=25.0,
        step=0.5,
        more=True,
    ),
    # --- training ---
    Param(
        "lr",
        "Learning rate",
        0.01,
        "How far each step moves against the gradient. Too small "
        "crawls, too large overshoots and diverges.",
        options=LR_OPTIONS,
        group="train",
    ),
    Param(
        "epochs",
        "Epochs",
        100,
        "How many gradient-descent steps to take over the whole data set.",
        lo=1,
        hi=5000,
        integer=True,
        step=1,
        group="train",
    ),
    *(
        Param(key, label, 0.0, help, lo=-10.0, hi=10.0, step=0.5, more=True, group="train")
        for key, label, help in (
            ("w0", "Starting w", "The slope gradient descent starts from."),
            ("b0", "Starting b", "The intercept gradient descent starts from."),
        )
    ),
    # --- method ---
    Param(
        "optimizer",
        "Optimizer",
        "gd",
        "How each step uses the gradient. Gradient descent steps straight downhill; momentum "
        "and Nesterov keep a running velocity; RMSProp and Adam scale each parameter's step by "
        "its own recent gradient size. The rules are PyTorch's (torch.optim).",
        options=KINDS,
        labels=tuple(OPTIMIZER_NAMES[k] for k in KINDS),
        group="method",
    ),
    Param(
        "beta",
        "Momentum β",
        DEFAULT_BETA,
        "How much of the last velocity each step keeps (Adam's β1: the memory of its average "
        "gradient). 0 forgets at once, which is plain gradient descent; 0.99 is a heavy ball.",
        options=BETA_OPTIONS,
        group="method",
        methods=frozenset(k for k in KINDS if Optimizer(k).uses_beta),
    ),
    Param(
        "beta2",
        "β2 (squared-gradient memory)",
        None,  # the optimizer's own default: the core's DEFAULT_BETA2
        "How long the average of squared gradients remembers. "
        + ", ".join(f"{OPTIMIZER_NAMES[k]}'s default is {v:g}" for k, v in DEFAULT_BETA2.items())
        + " (PyTorch's).",
        options=BETA2_OPTIONS,
        group="method",
        methods=frozenset(DEFAULT_BETA2),
    ),
    Param(
        "batch",
        "Batch size",
        FULL,
        "How many points each step looks at. Full: every point, one step per epoch. Smaller "
        "batches take many noisy steps per epoch, reshuffled every epoch (from the data's seed). "
        "A batch as large as the data is full batch.",
        options=BATCH_OPTIONS,
        more=True,
        group="method",
    ),
    Param(
        "standardize",
        "Standardize x",
        False,
        "Train on z = (x − mean) / std instead of x, and report w and b in x's units again. "
        "It makes the loss valley round, so one learning rate suits both parameters.",
        more=True,
        group="method",
    ),
    # --- view ---
    Param(
        "show_ls",
        "Show least-squares line",
        True,
        "The best line any method can fit to these points: where gradient descent is heading.",
        more=True,
        group="view",
    ),
    Param(
        "log_loss",
        "Log-scale loss",
        True,
        "Plot the loss on a logarithmic axis, so slow progress late in training stays visible.",
        more=True,
        group="view",
    ),
    Param(
        "lecture",
        "Lecture mode",
        False,
        "Large text, thick lines and big markers, legible from the back of a lecture hall. "
        "Also opened by ?mode=lecture in the link.",
        more=True,
        group="view",
    ),
    Param(
        "speed",
        "Animation speed",
        "normal",
        "How fast Play runs through the epochs.",
        options=tuple(SPEEDS),
        more=True,
        group="view",
    ),
]

#: key -> Param, in display order.
PARAMS: dict[str, Param] = {p.key: p for p in _PARAM_LIST}


def group_keys(group: str) -> list[str]:
    """Keys of the controls in one group (data, train or view), in display order."""
    return [key for key, p in PARAMS.items() if p.group == group]


def defaults() -> dict[str, Any]:
    """Every control's default value (``beta2``'s is ``None``: the optimizer's own)."""
    return {key: p.default for key, p in PARAMS.items()}


def optimizer_name(kind: str) -> str:
    """An optimizer in words: "gd" -> "Gradient descent"."""
    return OPTIMIZER_NAMES[kind]


def applies(key: str, optimizer: str) -> bool:
    """Whether a control matters for this optimizer (β and β2 only for some)."""
    methods = PARAMS[key].methods
    return methods is None or optimizer in methods


def canonical(values: Mapping[str, Any]) -> dict[str, Any]:
    """The same run with every control that does not matter at its default.

    β and β2 go back to their defaults where the optimizer ignores them, and β2
    at the optimizer's own default is ``None``: equal runs get equal values, so
    links stay short and caches do not hold one run twice.
    """
    out = dict(values)
    kind = out.get("optimizer", PARAMS["optimizer"].default)
    for key in ("beta", "beta2"):
        if key in out and not applies(key, kind):
            out[key] = PARAMS[key].default
    if out.get("beta2") is not None and out["beta2"] == DEFAULT_BETA2.get(kind):
        out["beta2"] = None
    return out
