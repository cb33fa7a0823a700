"""Every control of the app in one table: its range, default, step and help text.

The sidebar, the URL parsing and validation, the presets and the tests all read
this table, so a range or a default is written down exactly once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "LR_OPTIONS",
    "N_SAMPLES_OPTIONS",
    "PARAMS",
    "SPEEDS",
    "Param",
    "Settings",
    "defaults",
    "group_keys",
    "settings_from",
    "share_query",
    "validate",
]


def _log_grid(lo_exp: int, hi_exp: int, mantissas: tuple[float, ...]) -> tuple[float, ...]:
    values = [round(m * 10.0**e, 12) for e in range(lo_exp, hi_exp) for m in mantissas]
    return (*values, round(10.0**hi_exp, 12))


#: Learning rates on a log scale from 1e-4 to 1, with the notebook's 0.001, 0.01 and 0.5.
LR_OPTIONS = _log_grid(-4, 0, (1.0, 1.5, 2.0, 3.0, 5.0, 7.0))
#: Sample counts, roughly evenly spaced on a log scale up to 10,000.
N_SAMPLES_OPTIONS = (2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
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

    def clean(self, value: Any) -> tuple[Any, str | None]:
        """Return ``(valid value, notice or None)``: clamp, snap or fall back to the default."""
        if isinstance(self.default, bool):
            return _clean_bool(self, value)
        if self.options is not None and not isinstance(self.options[0], int | float):
            if value in self.options:
                return value, None
            return (
                self.default,
                f"{self.label}: unknown choice {_show(value)}, using {self.default}",
            )
        number = _to_number(value)
        if number is None:
            return (
                self.default,
                f"{self.label}: {_show(value)} is not a number, using {self.default}",
            )
        if self.options is not None:  # numeric choice: snap to the nearest option
            nearest = min(
                self.options,
                key=lambda o: (
                    abs(math.log(o) - math.log(number)) if number > 0 else abs(o - number)
                ),
            )
            if nearest == number:
                return nearest, None
            return nearest, f"{self.label}: {_show(value)} is not offered, using {nearest}"
        clamped = min(max(number, self.lo), self.hi)
        if self.integer:
            # As the widget will read a link's "4.7" (the link's value wins over session
            # state on the first run): Streamlit's int widgets truncate; a float widget
            # shows it rounded half up, and its value is rounded the same way.
            clamped = whole(clamped) if self.float_widget else int(clamped)
        # A float between slider steps is kept as it is: Streamlit's slider takes an
        # in-range URL value unchanged on the first run, so snapping here would disagree.
        if clamped != number:
            why = (
                f"is outside {self.lo}…{self.hi}"
                if not self.lo <= number <= self.hi
                else "is not a whole number"
            )
            return clamped, f"{self.label}: {_show(value)} {why}, using {clamped}"
        return clamped, None


def whole(value: float) -> int:
    """Round half up, as the seed's "%.0f" display in the browser does (5.5 -> 6)."""
    return math.floor(value + 0.5)


def _show(value: Any, limit: int = 40) -> str:
    """A value from a link, quoted, cut short, and as a Markdown code span, for a notice.

    Notices are shown as Markdown: inside a code span a link's text can never become a
    link, an image, a bare-URL autolink, a colour or a formula on the page.
    """
    text = str(value)
    shown = repr(text if len(text) <= limit else text[:limit] + "…")  # quotes; no newlines
    fence = "`" * (max(map(len, re.findall("`+", shown)), default=0) + 1)
    return f"{fence}{shown}{fence}"


def _to_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _clean_bool(param: Param, value: Any) -> tuple[bool, str | None]:
    if isinstance(value, bool):
        return value, None
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True, None
    if text in {"false", "0", "no", "off"}:
        return False, None
    return param.default, f"{param.label}: {_show(value)} is not true/false, using {param.default}"


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
    Param(
        "w0",
        "Starting w",
        0.0,
        "The slope gradient descent starts from.",
        lo=-10.0,
        hi=10.0,
        step=0.5,
        group="train",
    ),
    Param(
        "b0",
        "Starting b",
        0.0,
        "The intercept gradient descent starts from.",
        lo=-10.0,
        hi=10.0,
        step=0.5,
        group="train",
    ),
    # --- view ---
    Param(
        "show_ls",
        "Show least-squares line",
        True,
        "The best line any method can fit to these points: where gradient descent is heading.",
        group="view",
    ),
    Param(
        "log_loss",
        "Log-scale loss",
        True,
        "Plot the loss on a logarithmic axis, so slow progress late in training stays visible.",
        group="view",
    ),
    Param(
        "lecture",
        "Lecture mode",
        False,
        "Large text, thick lines and big markers, legible from the back of a lecture hall. "
        "Also opened by ?mode=lecture in the link.",
        group="view",
    ),
    Param(
        "speed",
        "Animation speed",
        "normal",
        "How fast Play runs through the epochs.",
        options=tuple(SPEEDS),
        group="view",
    ),
]

#: key -> Param, in display order.
PARAMS: dict[str, Param] = {p.key: p for p in _PARAM_LIST}


def group_keys(group: str) -> list[str]:
    """Keys of the controls in one group (data, train or view), in display order."""
    return [key for key, p in PARAMS.items() if p.group == group]


def defaults() -> dict[str, Any]:
    """Every control's default value."""
    return {key: p.default for key, p in PARAMS.items()}


def validate(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Turn untrusted values (a URL's query, a preset) into valid ones.

    Unknown keys are reported and ignored; missing keys take their default.
    Nothing here raises: every problem becomes a notice.

    Returns
    -------
    values : dict
        A valid value for every key of :data:`PARAMS`.
    notices : list of str
        One plain sentence per value that was changed or ignored.
    """
    values, notices = defaults(), []
    for key, value in raw.items():
        param = PARAMS.get(key)
        if param is None:
            continue  # other layers (pages, presets, hide flags) own the other keys
        values[key], notice = param.clean(value)
        if notice:
            notices.append(notice)
    return values, notices


@dataclass(frozen=True)
class Settings:
    """A run: what the core needs, hashable so it can key a cache."""

    true_w: float = field(default=PARAMS["true_w"].default)
    true_b: float = field(default=PARAMS["true_b"].default)
    noise: float = field(default=PARAMS["noise"].default)
    n_samples: int = field(default=PARAMS["n_samples"].default)
    seed: int = field(default=PARAMS["seed"].default)
    lr: float = field(default=PARAMS["lr"].default)
    epochs: int = field(default=PARAMS["epochs"].default)
    w0: float = field(default=PARAMS["w0"].default)
    b0: float = field(default=PARAMS["b0"].default)


def settings_from(values: Mapping[str, Any]) -> Settings:
    """The run part of a full set of control values."""
    run = {name: values[name] for name in Settings.__dataclass_fields__}
    for name, value in run.items():
        if PARAMS[name].float_widget:  # its widget (or its session state) holds a float
            run[name] = whole(value)
    return Settings(**run)


def share_query(values: Mapping[str, Any]) -> dict[str, str]:
    """The query parameters that reproduce ``values``: every control not at its default."""
    query = {}
    for key, param in PARAMS.items():
        value = values.get(key, param.default)
        if value == param.default:
            continue
        if isinstance(value, bool):
            query[key] = "true" if value else "false"
        elif isinstance(value, float):
            query[key] = f"{value:g}"
        else:
            query[key] = str(value)
    return query
