"""Theory from the data: the curvature of the loss, and what an optimizer will do on it.

The loss is a quadratic whose Hessian has two eigenvalues ``lam_min <= lam_max``.
Along each eigenvector, gradient descent and the momentum methods are linear
recurrences (:func:`~linreg_core.optimizers.companion`), so the distance to the
optimum shrinks by a fixed factor an epoch, the recurrence's spectral radius.
RMSProp and Adam scale each step by the gradient's own size: no such theory, and
the functions here return ``None`` for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .optimizers import GD, Optimizer, companion
from .stats import SufficientStats

__all__ = ["LrRegime", "Stability", "classify_lr", "spectral_radius", "stability"]


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
    kappa : float
        Condition number ``lam_max / lam_min`` (inf when ``x`` is constant).
    lr_fastest, rate_fastest : float
        The best fixed learning rate for gradient descent, ``2 / (lam_min + lam_max)``,
        and its per-epoch contraction ``(kappa - 1) / (kappa + 1)``.
    lr_polyak, beta_polyak, rate_polyak : float
        Polyak's optimal heavy-ball momentum: ``lr* = 4 / (√lam_max + √lam_min)²``,
        ``β* = ((√kappa - 1) / (√kappa + 1))²``, and its rate ``√β*``.

    Examples
    --------
    >>> s = Stability(lam_min=2.0, lam_max=18.0)
    >>> s.kappa, s.lr_fastest, s.rate_fastest, round(s.lr_polyak, 12), s.beta_polyak, s.rate_polyak
    (9.0, 0.1, 0.8, 0.125, 0.25, 0.5)
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
    def kappa(self) -> float:
        return self.lam_max / self.lam_min if self.lam_min > 0 else math.inf

    @property
    def lr_fastest(self) -> float:
        """``2 / (lam_min + lam_max)``: the rate whose slowest direction shrinks fastest."""
        return 2.0 / (self.lam_min + self.lam_max)

    @property
    def rate_fastest(self) -> float:
        return (self.lam_max - self.lam_min) / (self.lam_max + self.lam_min)

    @property
    def lr_polyak(self) -> float:
        return 4.0 / (math.sqrt(self.lam_max) + math.sqrt(self.lam_min)) ** 2

    @property
    def rate_polyak(self) -> float:
        root_max, root_min = math.sqrt(self.lam_max), math.sqrt(self.lam_min)
        return (root_max - root_min) / (root_max + root_min)  # = (√κ − 1) / (√κ + 1)

    @property
    def beta_polyak(self) -> float:
        return self.rate_polyak**2

    def rates(self, lr: float, optimizer: Optimizer = GD) -> np.ndarray | None:
        """Per-epoch contraction along ``(lam_min, lam_max)``'s eigenvectors, shape (2,).

        The spectral radius of each direction's recurrence; ``None`` for RMSProp and Adam.
        """
        if optimizer.is_adaptive:
            return None
        return spectral_radius(companion(optimizer, lr, np.array([self.lam_min, self.lam_max])))

    def contraction(self, lr: float, optimizer: Optimizer = GD) -> float | None:
        """Worst factor by which an epoch multiplies the distance to the optimum, in the long run.

        For gradient descent ``max |1 - lr lam|``; for momentum and Nesterov the
        larger spectral radius of the two directions' 2×2 recurrences; ``None``
        for RMSProp and Adam.

        Examples
        --------
        >>> s = Stability(lam_min=2.0, lam_max=18.0)
        >>> s.contraction(0.1), round(s.contraction(0.125, Optimizer("momentum", beta=0.25)), 12)
        (0.8, 0.5)
        """
        rates = self.rates(lr, optimizer)
        return None if rates is None else float(rates.max())


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


def spectral_radius(matrices: np.ndarray) -> np.ndarray:
    """Largest root magnitude of each ``[[a, -c], [1, 0]]`` (roots of ``r² - a r + c``), (d,)."""
    a, c = matrices[:, 0, 0], -matrices[:, 0, 1]  # (d,), (d,)
    with np.errstate(
        over="ignore", invalid="ignore"
    ):  # a huge lr: inf, which is >= 1 as it should be
        disc = a * a - 4.0 * c
        real = (np.abs(a) + np.sqrt(np.maximum(disc, 0.0))) / 2.0
    return np.where(disc >= 0.0, real, np.sqrt(np.abs(c)))


def classify_lr(
    stats: SufficientStats | Stability, lr: float, optimizer: Optimizer = GD
) -> LrRegime | None:
    """Monotone, oscillating or diverging: what ``lr`` does on this data.

    For momentum and Nesterov: diverging when a direction's spectral radius
    is at least 1; oscillating when a direction's recurrence has a complex or
    a negative root (the offset can change sign); monotone otherwise. ``None`` for
    RMSProp and Adam (no linear theory: see what the run does).
    """
    s = stats if isinstance(stats, Stability) else stability(stats)
    if optimizer.is_adaptive:
        return None
    if optimizer.kind == "gd":
        if lr >= s.lr_max:
            return LrRegime.DIVERGING
        if lr > s.lr_monotone:
            return LrRegime.OSCILLATING
        return LrRegime.MONOTONE
    matrices = companion(optimizer, lr, np.array([s.lam_min, s.lam_max]))
    if np.any(spectral_radius(matrices) >= 1.0):
        return LrRegime.DIVERGING
    a, c = matrices[:, 0, 0], -matrices[:, 0, 1]
    with np.errstate(over="ignore"):
        complex_root = a * a < 4.0 * c
    if np.any(complex_root | (a < 0.0) | (c < 0.0)):  # complex, or a negative root
        return LrRegime.OSCILLATING
    return LrRegime.MONOTONE
