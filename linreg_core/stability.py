"""How large a learning rate this data can take, and what a given one will do."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .stats import SufficientStats

__all__ = ["LrRegime", "Stability", "classify_lr", "stability"]


class LrRegime(StrEnum):
    """What gradient descent does at a learning rate, for this data."""

    MONOTONE = "monotone"  # w and b slide into the optimum without overshooting it
    OSCILLATING = "oscillating"  # overshoots along the steep direction, still converges
    DIVERGING = "diverging"  # every step lands further away


@dataclass(frozen=True)
class Stability:
    """Curvature of the loss and the learning-rate limits that follow.

    Along each eigenvector of the Hessian (curvature ``lam``), one update
    multiplies the distance to the optimum by ``1 - lr * lam``. Gradient
    descent converges when every factor has magnitude below 1, i.e.
    ``lr < 2 / lam_max``; it never overshoots while ``lr <= 1 / lam_max``.

    Attributes
    ----------
    lam_min, lam_max : float
        Smallest and largest eigenvalue of the Hessian.
    lr_monotone : float
        ``1 / lam_max``: the largest learning rate that never overshoots.
    lr_max : float
        ``2 / lam_max``: the stability limit; at or above it, gradient descent
        does not converge.
    """

    lam_min: float
    lam_max: float

    @property
    def lr_monotone(self) -> float:
        return 1.0 / self.lam_max

    @property
    def lr_max(self) -> float:
        return 2.0 / self.lam_max

    @property
    def lr_fastest(self) -> float:
        """``2 / (lam_min + lam_max)``: the rate whose slowest direction shrinks fastest."""
        return 2.0 / (self.lam_min + self.lam_max)

    def contraction(self, lr: float) -> float:
        """Worst factor by which one step multiplies the distance to the optimum."""
        return max(abs(1.0 - lr * self.lam_min), abs(1.0 - lr * self.lam_max))

    def epochs_to_shrink(self, lr: float, factor: float) -> float:
        """Epochs until the distance to the optimum is ``factor`` (< 1) times smaller.

        ``math.inf`` when the learning rate does not converge.
        """
        rho = self.contraction(lr)
        if rho >= 1.0:
            return math.inf
        if rho == 0.0:
            return 1.0
        return math.log(factor) / math.log(rho)


def stability(stats: SufficientStats) -> Stability:
    """Eigenvalues of the Hessian of this data's loss.

    Examples
    --------
    >>> from linreg_core import make_dataset, sufficient_stats
    >>> round(stability(sufficient_stats(make_dataset())).lr_max, 4)
    0.1128
    """
    lam = np.linalg.eigvalsh(stats.hessian)  # ascending
    return Stability(lam_min=max(float(lam[0]), 0.0), lam_max=float(lam[1]))


def classify_lr(stats: SufficientStats | Stability, lr: float) -> LrRegime:
    """Monotone, oscillating or diverging: what ``lr`` does on this data."""
    s = stats if isinstance(stats, Stability) else stability(stats)
    if lr >= s.lr_max:
        return LrRegime.DIVERGING
    if lr > s.lr_monotone:
        return LrRegime.OSCILLATING
    return LrRegime.MONOTONE
