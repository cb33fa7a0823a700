"""Training runs: the one entry point, its History, and the notebook's plain loop."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from .data import Dataset
from .fullbatch import offsets
from .minibatch import MAX_STEPS, StepPath, run_epochs, steps_per_epoch
from .model import train_step
from .optimizers import GD, Optimizer
from .scaling import Scaling, scaling
from .stats import SufficientStats, sufficient_stats

__all__ = ["DIVERGENCE_FACTOR", "History", "train", "train_by_steps", "train_many"]

#: A run has diverged once its loss exceeds this many times ``max(start loss, 1)``
#: or stops being a finite number. Gradient descent on a quadratic either
#: shrinks the loss or grows it geometrically, so any large factor is clear-cut.
DIVERGENCE_FACTOR = 1e12


@dataclass(frozen=True, eq=False)
class History:
    """What one training run did, epoch by epoch (arrays are read-only).

    Attributes
    ----------
    lr : float
        Learning rate.
    epochs : int
        Epochs asked for.
    w, b : ndarray of shape (epochs_run + 1,)
        Parameters at the start (index 0) and after each epoch.
    loss : ndarray of shape (epochs_run + 1,)
        ``loss[i]`` is the MSE at ``(w[i], b[i])``. ``loss[:-1]`` is the
        notebook's per-epoch loss (computed before each update) and
        ``loss[-1]`` the loss of the final parameters.
    diverged_at : int or None
        The first epoch whose loss passed the divergence threshold (see
        :data:`DIVERGENCE_FACTOR`); training stopped there. Only finite
        values are kept, so the arrays end at that epoch or just before it.
    optimizer : Optimizer
        The optimizer that made the run (plain gradient descent by default).
    batch_size : int or None
        Points per step; ``None`` for full batch.
    standardized : bool
        True when the run trained on standardized ``x``; ``w`` and ``b`` are
        still in the original units.
    truncated : bool
        True when :data:`~linreg_core.minibatch.MAX_STEPS` stopped a mini-batch
        run before ``epochs``: it then ran the whole epochs that fit.
    path : StepPath or None
        Mini-batch runs only: a thinned path of the steps (original units).
    """

    lr: float
    epochs: int
    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    diverged_at: int | None
    optimizer: Optimizer = GD
    batch_size: int | None = None
    standardized: bool = False
    truncated: bool = False
    path: StepPath | None = None

    @property
    def epochs_run(self) -> int:
        """Number of updates stored (``len(w) - 1``)."""
        return len(self.w) - 1

    @property
    def epoch_loss(self) -> np.ndarray:
        """The notebook's ``loss_history``: the loss before each update, (epochs_run,)."""
        return self.loss[:-1]

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])


def _check_args(lr: float, epochs: int, w0: float, b0: float) -> None:
    if not (isinstance(lr, int | float) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    if isinstance(epochs, bool) or int(epochs) != epochs or epochs < 0:
        raise ValueError(f"epochs must be a whole number >= 0, got {epochs!r}")
    if not (math.isfinite(w0) and math.isfinite(b0)):
        raise ValueError(f"the starting point must be finite, got w0={w0!r}, b0={b0!r}")


def _check_options(optimizer: Optimizer, batch_size: int | None) -> None:
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer, got {optimizer!r}")
    ok = batch_size is None or (not isinstance(batch_size, bool) and int(batch_size) == batch_size)
    if not ok or (batch_size is not None and batch_size < 1):
        raise ValueError(
            f"batch_size must be None (full batch) or a whole number >= 1, got {batch_size!r}"
        )


def _history(lr: float, epochs: int, w, b, loss, **fields) -> History:
    """Cut a run at the first divergent epoch and freeze it into a History."""
    w, b, loss = (np.asarray(a, dtype=float) for a in (w, b, loss))
    if not math.isfinite(loss[0]):
        raise ValueError("the loss at the starting point is not finite: the data is too large")
    limit = DIVERGENCE_FACTOR * max(float(loss[0]), 1.0)
    # ``limit`` is inf when the start loss is huge (> 1.8e296): then an inf loss must be
    # flagged too, or the run would keep inf values and never be marked diverged.
    bad = ~(np.isfinite(loss) & (loss <= limit))  # also flags NaN
    diverged_at = None
    if bad.any():
        diverged_at = int(np.argmax(bad))
        keep = diverged_at + 1
        if not (
            math.isfinite(loss[diverged_at])
            and math.isfinite(w[diverged_at])
            and math.isfinite(b[diverged_at])
        ):
            keep -= 1
        w, b, loss = w[:keep].copy(), b[:keep].copy(), loss[:keep].copy()
    for a in (w, b, loss):
        a.setflags(write=False)
    return History(
        lr=float(lr), epochs=int(epochs), w=w, b=b, loss=loss, diverged_at=diverged_at, **fields
    )


def train(
    data: Dataset | SufficientStats,
    lr: float,
    epochs: int,
    w0: float = 0.0,
    b0: float = 0.0,
    optimizer: Optimizer = GD,
    *,
    batch_size: int | None = None,
    standardize: bool = False,
    shuffle_seed: int | None = None,
) -> History:
    """Train the line on the MSE: any optimizer, full batch or mini-batches, raw or standardized x.

    Full batch, the loss is a quadratic with Hessian ``H``, so one O(n) pass
    for the sufficient statistics leaves O(1) work per epoch (see
    :mod:`~linreg_core.fullbatch`). For gradient descent, the offset from the
    least-squares optimum ``e = (w - w_ls, b - b_ls)`` follows
    ``e_next = (I - lr H) e``, done for all epochs at once in the eigenbasis of
    ``H``: ``e_k = V diag((1 - lr * lam) ** k) V^T e_0``. It agrees with
    :func:`train_by_steps` to rounding.

    Parameters
    ----------
    data : Dataset or SufficientStats
        Mini-batches need the Dataset.
    lr : float
        Learning rate (> 0).
    epochs : int
        Passes over the data (>= 0); full batch, one update each.
    w0, b0 : float
        Starting line, in the original units (also when standardizing).
    optimizer : Optimizer
        Plain gradient descent by default.
    batch_size : int or None
        Points per step, reshuffled every epoch. ``None``, or ``n`` and above,
        is full batch (exactly the full-batch run). At most
        :data:`~linreg_core.minibatch.MAX_STEPS` steps: a longer run is cut to
        the whole epochs that fit and marked ``truncated``.
    standardize : bool
        Train on ``z = (x - mean) / std`` (see :mod:`~linreg_core.scaling`);
        the History still reports ``w``, ``b`` in the original units and the same MSE.
    shuffle_seed : int or None
        Seed of the generator that shuffles the mini-batches; ``None`` uses
        the data's own seed, so the same data gives the same batches.

    Returns
    -------
    History

    Examples
    --------
    >>> from linreg_core.data import make_dataset
    >>> h = train(make_dataset(), lr=0.01, epochs=100)
    >>> round(float(h.w[-1]), 4), round(float(h.b[-1]), 4), h.diverged_at
    (1.4206, 1.7024, None)
    >>> h = train(make_dataset(), 0.01, 100, optimizer=Optimizer("momentum", beta=0.9))
    >>> round(float(h.w[-1]), 4), round(float(h.b[-1]), 4)
    (1.4251, 1.9689)
    """
    _check_args(lr, epochs, w0, b0)
    _check_options(optimizer, batch_size)
    stats = data if isinstance(data, SufficientStats) else sufficient_stats(data)
    scale = scaling(stats) if standardize else None
    fields = {"optimizer": optimizer, "standardized": bool(standardize)}
    if batch_size is None or batch_size >= stats.n:
        return _full_batch(stats, lr, int(epochs), w0, b0, scale, fields)
    if isinstance(data, SufficientStats):
        raise ValueError("mini-batches need the data itself, not only its statistics")
    seed = data.seed if shuffle_seed is None else shuffle_seed
    rng = np.random.default_rng(seed)
    return _mini_batch(data, stats, lr, int(epochs), w0, b0, int(batch_size), rng, scale, fields)


def _full_batch(stats, lr, epochs, w0, b0, scale: Scaling | None, fields) -> History:
    run_stats = scale.standardize(stats) if scale else stats
    w_start, b_start = scale.to_z(w0, b0) if scale else (w0, b0)
    e0 = np.array([w_start - run_stats.w_ls, b_start - run_stats.b_ls])  # (2,)
    e_w, e_b = offsets(run_stats, lr, epochs, e0, fields["optimizer"])  # (epochs + 1,) each
    with np.errstate(over="ignore", invalid="ignore"):
        loss = run_stats.loss_at_offset(e_w, e_b)  # exact near the optimum, where it matters
        w, b = run_stats.w_ls + e_w, run_stats.b_ls + e_b
        if scale:
            w, b = scale.from_z(w, b)
    w[0], b[0] = w0, b0  # exactly the start, not the start through rounding
    return _history(lr, epochs, w, b, loss, **fields)


def _mini_batch(data, stats, lr, epochs, w0, b0, batch_size, rng, scale, fields) -> History:
    per_epoch = steps_per_epoch(stats.n, batch_size)
    if per_epoch > MAX_STEPS:
        raise ValueError(
            f"one epoch of batches of {batch_size} would take {per_epoch:,} steps, "
            f"more than the {MAX_STEPS:,} a run may take: use larger batches"
        )
    epochs_run = min(epochs, MAX_STEPS // per_epoch)
    limit = DIVERGENCE_FACTOR * max(stats.loss(w0, b0), 1.0)
    x = scale.x_to_z(data.x) if scale else data.x
    start = scale.to_z(w0, b0) if scale else (w0, b0)
    w, b, path = run_epochs(
        x, data.y, lr, epochs_run, *start, fields["optimizer"], batch_size, rng, limit
    )
    if scale:
        w, b = scale.from_z(w, b)
        path = replace(path, w=scale.from_z(path.w, path.b)[0], b=scale.from_z(path.w, path.b)[1])
    with np.errstate(over="ignore", invalid="ignore"):
        loss = stats.loss_at_offset(w - stats.w_ls, b - stats.b_ls)
    w[0], b[0] = w0, b0
    history = _history(
        lr, epochs, w, b, loss, batch_size=batch_size, truncated=epochs_run < epochs, **fields
    )
    with np.errstate(over="ignore", invalid="ignore"):  # inf + -inf when w and b blow up apart
        finite = np.isfinite(path.w + path.b)
    keep = (path.step <= history.epochs_run * per_epoch) & finite
    path = StepPath(*(a[keep].copy() for a in (path.step, path.w, path.b)))
    for a in (path.step, path.w, path.b):
        a.setflags(write=False)
    return replace(history, path=path)


def train_by_steps(
    data: Dataset, lr: float, epochs: int, w0: float = 0.0, b0: float = 0.0
) -> History:
    """The notebook's loop, written plainly: :func:`~linreg_core.model.train_step` each epoch.

    Each epoch reads all the data, so it costs O(n * epochs). It is the
    reference the fast path is tested and benchmarked against.
    """
    _check_args(lr, epochs, w0, b0)
    w, b = float(w0), float(b0)
    ws, bs, losses = [w], [b], []
    limit = math.inf
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(epochs)):
            step = train_step(data.x, data.y, w, b, lr)
            losses.append(step.loss)
            limit = min(limit, DIVERGENCE_FACTOR * max(losses[0], 1.0))
            if not step.loss <= limit:
                break  # diverged: _history cuts the run here
            w, b = step.new_w, step.new_b
            ws.append(w)
            bs.append(b)
        else:
            losses.append(train_step(data.x, data.y, w, b, lr).loss)
    n = min(len(ws), len(losses))
    return _history(lr, epochs, ws[:n], bs[:n], losses[:n])


def train_many(
    data: Dataset | SufficientStats,
    lrs: Iterable[float],
    epochs: int,
    w0: float = 0.0,
    b0: float = 0.0,
    optimizer: Optimizer = GD,
) -> tuple[History, ...]:
    """Train once per learning rate, on the same data from the same start (exercise 7)."""
    stats = data if isinstance(data, SufficientStats) else sufficient_stats(data)
    return tuple(train(stats, lr, epochs, w0, b0, optimizer) for lr in lrs)
