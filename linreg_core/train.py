"""Full-batch gradient descent: the fast path and the plain step-by-step loop."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .data import Dataset
from .model import train_step
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
    """

    lr: float
    epochs: int
    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    diverged_at: int | None

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


def _history(lr: float, epochs: int, w, b, loss) -> History:
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
    return History(lr=float(lr), epochs=int(epochs), w=w, b=b, loss=loss, diverged_at=diverged_at)


def train(
    data: Dataset | SufficientStats,
    lr: float,
    epochs: int,
    w0: float = 0.0,
    b0: float = 0.0,
) -> History:
    """Run full-batch gradient descent on the MSE: the fast path.

    The loss is a quadratic with Hessian ``H``, so one update moves the
    offset from the least-squares optimum ``e = (w - w_ls, b - b_ls)`` by a
    fixed matrix: ``e_next = (I - lr H) e``. After one O(n) pass for the
    sufficient statistics, every epoch is therefore O(1) arithmetic, done for
    all epochs at once in the eigenbasis of ``H``:
    ``e_k = V diag((1 - lr * lam) ** k) V^T e_0``. It agrees with
    :func:`train_by_steps` to rounding.

    Parameters
    ----------
    data : Dataset or SufficientStats
    lr : float
        Learning rate (> 0).
    epochs : int
        Number of updates (>= 0).
    w0, b0 : float
        Starting point.

    Returns
    -------
    History

    Examples
    --------
    >>> from linreg_core.data import make_dataset
    >>> h = train(make_dataset(), lr=0.01, epochs=100)
    >>> round(float(h.w[-1]), 4), round(float(h.b[-1]), 4), h.diverged_at
    (1.4206, 1.7024, None)
    """
    _check_args(lr, epochs, w0, b0)
    stats = data if isinstance(data, SufficientStats) else sufficient_stats(data)
    lam, vecs = np.linalg.eigh(stats.hessian)  # (2,), (2, 2)
    e0 = np.array([w0 - stats.w_ls, b0 - stats.b_ls])  # (2,)
    k = np.arange(int(epochs) + 1)[:, None]  # (epochs + 1, 1)
    with np.errstate(over="ignore", invalid="ignore"):
        e = ((1.0 - lr * lam) ** k * (vecs.T @ e0)) @ vecs.T  # (epochs + 1, 2)
        e_w, e_b = e[:, 0], e[:, 1]
        loss = stats.loss_at_offset(e_w, e_b)  # exact near the optimum, where it matters
        w, b = stats.w_ls + e_w, stats.b_ls + e_b
    w[0], b[0] = w0, b0  # exactly the start, not the start through rounding
    return _history(lr, epochs, w, b, loss)


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
) -> tuple[History, ...]:
    """Train once per learning rate, on the same data from the same start (exercise 7)."""
    stats = data if isinstance(data, SufficientStats) else sufficient_stats(data)
    return tuple(train(stats, lr, epochs, w0, b0) for lr in lrs)
