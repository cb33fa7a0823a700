"""The controls' two records: what to run (:class:`Settings`), how to show it (:class:`View`).

Both are frozen, so they key caches. Their defaults come from the control table
(:data:`app.model.params.PARAMS`), the one place where a default is written down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from linreg_core import Optimizer

from .links import whole
from .params import FULL, PARAMS, SPEEDS, applies, canonical
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
    optimizer: str = _default("optimizer")
    beta: float = _default("beta")
    beta2: float | None = _default("beta2")  # None: the optimizer's own default
    batch: int | str = _default("batch")  # "full" or points per step
    standardize: bool = _default("standardize")
    #: Where the points come from; the synthetic controls above apply only to its default.
    source: Source = DEFAULT

    @property
    def x_range(self) -> tuple[float, float]:
        """The interval x is drawn from: centre ± spread."""
        return self.x_center - self.x_spread, self.x_center + self.x_spread

    @property
    def method(self) -> Optimizer:
        """The core's optimizer for these settings (β and β2 only where they apply)."""
        beta = self.beta if Optimizer(self.optimizer).uses_beta else PARAMS["beta"].default
        beta2 = self.beta2 if applies("beta2", self.optimizer) else None
        return Optimizer(self.optimizer, beta=beta, beta2=beta2)

    @property
    def batch_size(self) -> int | None:
        """Points per step for the core: ``None`` is full batch."""
        return None if self.batch == FULL else int(self.batch)


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
    """A full set of control values, and the data's source, as the run and the view.

    Controls that do not matter for the chosen optimizer go back to their defaults
    (see :func:`~app.model.params.canonical`), so equal runs are equal Settings.
    """
    values = canonical(values)
    run = {f.name: values[f.name] for f in fields(Settings) if f.name in PARAMS}
    for name, value in run.items():
        if PARAMS[name].float_widget:  # its widget (or its session state) holds a float
            run[name] = whole(value)
    return Settings(**run, source=source), View(**{f.name: values[f.name] for f in fields(View)})
