"""Where a training run ended up, in words a learner can act on."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .stability import LrRegime, classify_lr, stability
from .stats import SufficientStats
from .train import History

__all__ = ["CONVERGED_TOL", "Diagnosis", "RunState", "diagnose"]

#: A run has converged when its distance to the least-squares optimum is at most
#: this fraction of the problem's scale (the larger of |optimum| and |start - optimum|).
CONVERGED_TOL = 0.01


class RunState(StrEnum):
    CONVERGED = "converged"
    CONVERGING = "converging"
    OSCILLATING = "oscillating"
    DIVERGED = "diverged"


@dataclass(frozen=True)
class Diagnosis:
    """A run's state and the numbers behind it.

    Attributes
    ----------
    state : RunState
    regime : LrRegime
        What the learning rate does on this data, whatever the run's length.
    distance : float
        Final distance to the least-squares optimum over the problem's scale.
    gap_left : float
        Final distance to the optimum over the starting distance (0 when the
        run started on the optimum).
    epochs_needed : float
        Fewest further epochs at this rate after which ``distance <= tol``
        (0 when already there, ``math.inf`` when it never gets there).
    diverged_at : int or None
        Epoch at which the loss blew up, as in :class:`History`.
    """

    state: RunState
    regime: LrRegime
    distance: float
    gap_left: float
    epochs_needed: float
    diverged_at: int | None


def diagnose(history: History, stats: SufficientStats, tol: float = CONVERGED_TOL) -> Diagnosis:
    """Classify a run as converged, converging, oscillating or diverged.

    Examples
    --------
    >>> from linreg_core import make_dataset, sufficient_stats, train
    >>> data = make_dataset()
    >>> d = diagnose(train(data, 0.01, 100), sufficient_stats(data))
    >>> d.state.value, round(d.gap_left, 2), d.epochs_needed
    ('converging', 0.11, 122.0)
    """
    stab = stability(stats)
    regime = classify_lr(stab, history.lr)
    optimum = np.array([stats.w_ls, stats.b_ls])
    e_start = np.array([history.w[0], history.b[0]]) - optimum
    e_end = np.array([history.w[-1], history.b[-1]]) - optimum
    dist_start, dist_end = float(np.hypot(*e_start)), float(np.hypot(*e_end))
    scale = max(float(np.hypot(*optimum)), dist_start, 1e-12)
    distance = dist_end / scale
    gap_left = dist_end / dist_start if dist_start > 0 else 0.0
    needed = _epochs_needed(stats, history.lr, e_end, tol * scale)

    if history.diverged_at is not None:
        state = RunState.DIVERGED
    elif distance <= tol:
        state, needed = RunState.CONVERGED, 0.0
    elif regime is LrRegime.DIVERGING:
        state = RunState.DIVERGED
    elif regime is LrRegime.OSCILLATING:
        state = RunState.OSCILLATING
    else:
        state = RunState.CONVERGING
    return Diagnosis(
        state=state,
        regime=regime,
        distance=distance,
        gap_left=gap_left,
        epochs_needed=needed,
        diverged_at=history.diverged_at,
    )


def _epochs_needed(stats: SufficientStats, lr: float, e: np.ndarray, target: float) -> float:
    """Fewest further epochs after which the offset ``e`` from the optimum is within ``target``.

    Along each eigenvector of the Hessian the offset's component ``c`` shrinks
    by ``|1 - lr * lam|`` a step, so after ``k`` steps the distance is
    ``sqrt(sum(c**2 * factor**(2 k)))``: decreasing in ``k``, so a bisection
    between 0 and the slowest direction's bound finds the exact count.
    """
    lam, vecs = np.linalg.eigh(stats.hessian)
    c, factor = np.abs(vecs.T @ e), np.abs(1.0 - lr * lam)  # (2,), (2,)

    def distance_after(k: int) -> float:
        return float(np.sqrt(np.sum((c * factor**k) ** 2)))

    if distance_after(0) <= target:
        return 0.0
    live = c > 0
    if np.any(factor[live] >= 1.0):
        return math.inf
    # Each live direction is within target / sqrt(2) after this many steps: an upper bound.
    with np.errstate(divide="ignore"):
        bounds = np.log(target / (math.sqrt(2.0) * c[live])) / np.log(factor[live])
    lo, hi = 0, max(1, math.ceil(float(np.max(bounds))))
    while hi - lo > 1:  # invariant: distance_after(lo) > target >= distance_after(hi)
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if distance_after(mid) <= target else (mid, hi)
    return float(hi)
