"""The controls' two records: what to run (:class:`Settings`), how to show it (:class:`View`).

Both are frozen, so they key caches. Their defaults come from the control table
(:data:`app.model.params.PARAMS`), the one place where a default is written down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from linreg_core import Optimizer

from .links import whole
from .params import FULL, PARAMS, SPEEDS, applies, canonical
from .sources import DEFAULT, Source

__all__ = ["Settings", "View", "split"]


def _from_params(cls):
    """Give each field the control table names its default from there (before ``@dataclass``):
    a field's name is written once, so it cannot take another control's default."""
    for name in cls.__annotations__:
        if name in PARAMS:
            setattr(cls, name, PARAMS[name].default)
    return cls


@dataclass(frozen=True)
@_from_params
class Settings:
    """A run: what the core needs, hashable so it can key a cache."""

    true_w: float
    true_b: float
    noise: float
    n_samples: int
    seed: int
    x_center: float
    x_spread: float
    lr: float
    epochs: int
    w0: float
    b0: float
    optimizer: str
    beta: float
    beta2: float | None  # None: the optimizer's own default
    batch: int | str  # "full" or points per step
    standardize: bool
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
@_from_params
class View:
    """How a run is shown: display choices that never change the numbers."""

    show_ls: bool
    log_loss: bool
    lecture: bool
    speed: str

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
