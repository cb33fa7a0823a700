"""The sidebar's two records: what to run (:class:`Settings`), how to show it (:class:`View`).

Both are frozen, so they key caches. Their defaults come from the control table
(:data:`app.params.PARAMS`), the one place where a default is written down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .links import whole
from .params import PARAMS, SPEEDS
from .sources import DEFAULT, Source

__all__ = ["Settings", "View", "split"]


def _default(key: str):
    return field(default=PARAMS[key].default)


@dataclass(frozen=True)
class Settings:
    """A run: what the core needs, hashable so it can key a cache."""

    true_w: float = _default("true_w")
    true_b: float = _default("true_b")
    noise: float = _default("noise")
    n_samples: int = _default("n_samples")
    seed: int = _default("seed")
    x_center: float = _default("x_center")
    x_spread: float = _default("x_spread")
    lr: float = _default("lr")
    epochs: int = _default("epochs")
    w0: float = _default("w0")
    b0: float = _default("b0")
    #: Where the points come from; the synthetic controls above apply only to its default.
    source: Source = DEFAULT

    @property
    def x_range(self) -> tuple[float, float]:
        """The interval x is drawn from: centre ± spread."""
        return self.x_center - self.x_spread, self.x_center + self.x_spread


@dataclass(frozen=True)
class View:
    """How a run is shown: display choices that never change the numbers."""

    show_ls: bool = _default("show_ls")
    log_loss: bool = _default("log_loss")
    lecture: bool = _default("lecture")
    speed: str = _default("speed")

    @property
    def seconds(self) -> float:
        """How long Play takes from the first epoch to the last."""
        return SPEEDS[self.speed]


def split(values: Mapping[str, Any], source: Source = DEFAULT) -> tuple[Settings, View]:
    """A full set of control values, and the data's source, as the run and the view."""
    run = {f.name: values[f.name] for f in fields(Settings) if f.name in PARAMS}
    for name, value in run.items():
        if PARAMS[name].float_widget:  # its widget (or its session state) holds a float
            run[name] = whole(value)
    return Settings(**run, source=source), View(**{f.name: values[f.name] for f in fields(View)})
