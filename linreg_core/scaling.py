"""Standardizing x: train on ``z = (x - mean) / std`` and speak in the original units.

The line ``y = w_z z + b_z`` is the line ``y = w x + b`` with

    w = w_z / std,        b = b_z - w_z * mean / std,

so both have the same predictions and the same MSE. A run on ``z`` is therefore
a path in the original ``(w, b)`` plane too, and the original loss landscape is
still the right picture to draw it on: only the optimizer's coordinates change.
The start is given in original units and converted (:meth:`Scaling.to_z`), so a
standardized run and a plain one start from the same line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .stats import SufficientStats

__all__ = ["Scaling", "scaling"]


@dataclass(frozen=True)
class Scaling:
    """The affine map ``z = (x - mean) / std`` and what it does to a line.

    Attributes
    ----------
    mean, std : float
        Mean and (population) standard deviation of ``x``. When every ``x`` is
        the same, ``std`` is 1: standardizing then only centres ``x``.

    Examples
    --------
    >>> s = Scaling(mean=20.0, std=2.0)
    >>> s.to_z(1.5, 2.0), s.from_z(3.0, 32.0)
    ((3.0, 32.0), (1.5, 2.0))
    """

    mean: float
    std: float

    def to_z(self, w, b):
        """The line ``(w, b)`` in standardized coordinates ``(w_z, b_z)`` (floats or arrays)."""
        return w * self.std, b + w * self.mean

    def from_z(self, w_z, b_z):
        """The line ``(w_z, b_z)`` on ``z`` in original units ``(w, b)`` (floats or arrays)."""
        return w_z / self.std, b_z - w_z * (self.mean / self.std)

    def x_to_z(self, x):
        """``(x - mean) / std``, shape of ``x``."""
        return (x - self.mean) / self.std

    def standardize(self, stats: SufficientStats) -> SufficientStats:
        """The statistics of ``(z, y)``: what gradient descent on ``z`` sees.

        Its Hessian is ``2 * [[1, 0], [0, 1]]``: every direction has the same
        curvature, so one learning rate suits both.
        """
        constant = stats.x_is_constant
        return SufficientStats(
            n=stats.n,
            x_mean=0.0,
            y_mean=stats.y_mean,
            var_x=0.0 if constant else 1.0,
            cov_xy=0.0 if constant else stats.cov_xy / self.std,
            var_y=stats.var_y,
        )


def scaling(stats: SufficientStats) -> Scaling:
    """The standardizing map of this data's ``x``.

    Examples
    --------
    >>> from linreg_core import make_dataset, sufficient_stats
    >>> s = scaling(sufficient_stats(make_dataset(x_min=15.0, x_max=25.0)))
    >>> round(s.mean, 2), round(s.std, 2)
    (19.7, 2.96)
    """
    std = math.sqrt(stats.var_x_used)
    return Scaling(mean=stats.x_mean, std=std if std > 0 else 1.0)
