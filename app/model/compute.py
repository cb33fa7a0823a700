"""One run of the core for a set of settings: everything the views show.

Pure and Streamlit-free, so tests can call it directly; the pages cache it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

import linreg_core as core
from linreg_core import (
    Dataset,
    Diagnosis,
    History,
    LeastSquares,
    Stability,
    SufficientStats,
)

from .settings import Settings

__all__ = [
    "GRID_SIZE",
    "Grid",
    "Run",
    "landscape_window",
    "lr_race",
    "make_data",
    "optimizer_race",
    "run",
    "train_run",
]

#: Points per axis of the loss-landscape grid (GRID_SIZE**2 loss values).
GRID_SIZE = 96


@dataclass(frozen=True, eq=False)
class Grid:
    """The loss over a (w, b) window: ``loss[i, j]`` at ``(w[j], b[i])``."""

    w: np.ndarray  # (GRID_SIZE,)
    b: np.ndarray  # (GRID_SIZE,)
    loss: np.ndarray  # (GRID_SIZE, GRID_SIZE)


@dataclass(frozen=True, eq=False)
class Run:
    """Data, training history and analysis for one :class:`Settings`."""

    settings: Settings
    data: Dataset
    stats: SufficientStats
    least_squares: LeastSquares
    stability: Stability
    history: History
    diagnosis: Diagnosis
    grid: Grid


def landscape_window(points: np.ndarray, start_gap: float) -> tuple[tuple, tuple]:
    """A (w, b) window around the given points, padded, square-ish, never degenerate.

    Path points further than 3 start distances from the first point (a
    diverging run) are left out, so the window stays readable.
    """
    pts = np.asarray(points, dtype=float)  # (k, 2), the first one the start
    anchor = pts[0]
    reach = 3.0 * max(start_gap, 1.0)
    pts = pts[np.all(np.abs(pts - anchor) <= reach, axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1.0)
    pad = 0.15 * span
    return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])


def _grid(stats: SufficientStats, w_range: tuple, b_range: tuple) -> Grid:
    w = np.linspace(*w_range, GRID_SIZE)
    b = np.linspace(*b_range, GRID_SIZE)
    loss = core.loss_grid(stats, w, b)
    for a in (w, b, loss):
        a.setflags(write=False)  # a Run is shared by every session that asks for it
    return Grid(w=w, b=b, loss=loss)


def make_data(settings: Settings) -> Dataset:
    """The run's points: drawn from the synthetic controls, or the source's own points."""
    s = settings
    if not s.source.synthetic:
        return s.source.dataset()
    x_min, x_max = s.x_range
    return core.make_dataset(
        true_w=s.true_w,
        true_b=s.true_b,
        noise_std=s.noise,
        n_samples=s.n_samples,
        x_min=x_min,
        x_max=x_max,
        seed=s.seed,
    )


def train_run(
    settings: Settings, data: Dataset, stats: SufficientStats, lr: float | None = None, **method
) -> History:
    """Train as the settings say: their optimizer, batch size and scaling, at ``lr`` if given.

    ``method`` may replace ``optimizer``, ``batch_size`` or ``standardize`` (the races do).
    Mini-batches are reshuffled every epoch by a generator seeded from the data's seed.
    """
    s = settings
    opts = {"optimizer": s.method, "batch_size": s.batch_size, "standardize": s.standardize}
    opts |= method
    full = opts["batch_size"] is None or opts["batch_size"] >= stats.n
    source = stats if full else data  # full batch needs only the statistics: O(1) an epoch
    return core.train(source, s.lr if lr is None else lr, s.epochs, s.w0, s.b0, **opts)


def run(settings: Settings) -> Run:
    """Make the data, train, and analyse: the whole playground's numbers."""
    s = settings
    data = make_data(s)
    stats = core.sufficient_stats(data)
    optimum = core.least_squares(stats)
    history = train_run(s, data, stats)
    start_gap = float(np.hypot(s.w0 - optimum.w, s.b0 - optimum.b))
    marks = np.array([[s.w0, s.b0], [optimum.w, optimum.b]])  # (2, 2)
    if data.has_true_line:
        marks = np.vstack([marks, [data.true_w, data.true_b]])  # (3, 2)
    route = [np.column_stack([history.w, history.b])]  # (epochs_run + 1, 2)
    if history.path is not None:  # mini-batch: the steps wander further than the epochs show
        route.append(np.column_stack([history.path.w, history.path.b]))
    points = np.concatenate([marks, *route])  # (k, 2)
    w_range, b_range = landscape_window(points, start_gap)
    return Run(
        settings=s,
        data=data,
        stats=stats,
        least_squares=optimum,
        stability=core.stability(stats),
        history=history,
        diagnosis=core.diagnose(history, stats),
        grid=_grid(stats, w_range, b_range),
    )


def lr_race(r: Run, lrs: tuple[float, ...]) -> tuple[History, ...]:
    """The run's method at each learning rate: same data, same start, same epochs."""
    return tuple(train_run(r.settings, r.data, r.stats, lr) for lr in lrs)


def optimizer_race(r: Run, kinds: tuple[str, ...]) -> tuple[History, ...]:
    """Each optimizer with the run's learning rate, β, β2, batch size and scaling."""
    return tuple(train_run(replace(r.settings, optimizer=kind), r.data, r.stats) for kind in kinds)
