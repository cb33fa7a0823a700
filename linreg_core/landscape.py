"""The loss as a surface over (w, b), and its lowest point."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .stats import SufficientStats

__all__ = ["LeastSquares", "least_squares", "loss_grid"]


@dataclass(frozen=True)
class LeastSquares:
    """The best line for the data: where gradient descent is heading.

    Not the true line: with noise, the line of least squared error on this
    sample differs from the line the sample was drawn from.
    """

    w: float
    b: float
    loss: float


def least_squares(stats: SufficientStats) -> LeastSquares:
    """Closed-form least-squares fit (the minimum-norm one if all ``x`` are equal).

    Examples
    --------
    >>> from linreg_core import make_dataset, sufficient_stats
    >>> fit = least_squares(sufficient_stats(make_dataset()))
    >>> round(fit.w, 4), round(fit.b, 4), round(fit.loss, 4)
    (1.431, 1.9778, 1.8148)
    """
    return LeastSquares(w=stats.w_ls, b=stats.b_ls, loss=stats.resid_var)


def loss_grid(stats: SufficientStats, w_values: np.ndarray, b_values: np.ndarray) -> np.ndarray:
    """MSE at every ``(w, b)`` of a grid, in O(grid size), independent of n.

    Parameters
    ----------
    stats : SufficientStats
    w_values : ndarray of shape (n_w,)
    b_values : ndarray of shape (n_b,)

    Returns
    -------
    ndarray of shape (n_b, n_w)
        ``grid[i, j]`` is the loss at ``(w_values[j], b_values[i])``: rows
        follow ``b``, as a contour plot with ``x = w`` and ``y = b`` expects.
    """
    w = np.asarray(w_values, dtype=float)[None, :]  # (1, n_w)
    b = np.asarray(b_values, dtype=float)[:, None]  # (n_b, 1)
    return stats.loss_at_offset(w - stats.w_ls, b - stats.b_ls)  # (n_b, n_w)
