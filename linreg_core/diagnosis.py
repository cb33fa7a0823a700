"""Where a training run ended up, in words a learner can act on."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .scaling import scaling
from .stability import LrRegime, Stability, classify_lr, stability
from .stats import SufficientStats
from .train import History, train

__all__ = ["CONVERGED_TOL", "MAX_HORIZON", "Diagnosis", "RunState", "diagnose"]

#: A run has converged when its distance to the least-squares optimum is at most
#: this fraction of the problem's scale (the larger of |optimum| and |start - optimum|).
CONVERGED_TOL = 0.01


class RunState(StrEnum):
    CONVERGED = "converged"
    CONVERGING = "converging"
    OSCILLATING = "oscillating"
    DIVERGED = "diverged"


#: Longest run :func:`diagnose` simulates to count the epochs a momentum or standardized run
#: still needs (a few milliseconds); beyond it, theory's estimate is given.
MAX_HORIZON = 200_000


@dataclass(frozen=True)
class Diagnosis:
    """A run's state and the numbers behind it.

    Attributes
    ----------
    state : RunState
    regime : LrRegime
        What the learning rate does on this data, whatever the run's length:
        from theory for full-batch gradient descent, momentum and Nesterov; from
        what the run shows for RMSProp, Adam and mini-batches.
    distance : float
        Final distance to the least-squares optimum over the problem's scale.
    gap_left : float
        Final distance to the optimum over the starting distance (0 when the
        run started on the optimum).
    epochs_needed : float
        Fewest further epochs after which ``distance <= tol`` for good (0 when
        already there, ``math.inf`` when it never gets there). Exact for the
        linear methods on full batch; for RMSProp, Adam and mini-batches, the
        trend of the run's second half, extrapolated.
    diverged_at : int or None
        Epoch at which the loss blew up, as in :class:`History`.
    rate : float or None
        Per-epoch contraction theory predicts (see :meth:`Stability.contraction`);
        ``None`` where there is no linear theory (RMSProp, Adam, mini-batches).
    predicted_epochs : float or None
        Epochs theory predicts from the start to within ``tol`` for good: the
        loss is a quadratic, so the linear recurrence along each eigen-direction,
        solved in closed form from the start, gives the distance after every
        epoch, both directions and the first swings included. ``None`` with
        ``rate``; ``math.inf`` if it never converges. (The rates alone,
        ``log(target / amplitude) / log(rate)`` per direction, fall short: at
        Polyak's constants, for one, each direction's offset shrinks as
        ``k * rate**k``, and on the ravine that estimate says 78 epochs where
        the recurrence, and the run, take 173.)
    converged_at : int or None
        What happened: the epoch from which the run stayed within ``tol`` to its end;
        ``None`` while a linear method's run has not yet reached the epoch from which it
        stays there (a momentum run can pass through the tolerance and swing out again).
    """

    state: RunState
    regime: LrRegime
    distance: float
    gap_left: float
    epochs_needed: float
    diverged_at: int | None
    rate: float | None = None
    predicted_epochs: float | None = None
    converged_at: int | None = None


def diagnose(history: History, stats: SufficientStats, tol: float = CONVERGED_TOL) -> Diagnosis:
    """Classify a run as converged, converging, oscillating or diverged, and compare it with theory.

    Examples
    --------
    >>> from linreg_core import make_dataset, sufficient_stats, train
    >>> data = make_dataset()
    >>> d = diagnose(train(data, 0.01, 100), sufficient_stats(data))
    >>> d.state.value, round(d.gap_left, 2), d.epochs_needed
    ('converging', 0.11, 122.0)
    >>> longer = diagnose(train(data, 0.01, 300), sufficient_stats(data))
    >>> round(d.rate, 4), d.predicted_epochs, longer.converged_at  # theory, then the run
    (0.9802, 222.0, 222)
    """
    optimum = np.array([stats.w_ls, stats.b_ls])
    dists = np.hypot(history.w - stats.w_ls, history.b - stats.b_ls)  # (epochs_run + 1,)
    dist_start, dist_end = float(dists[0]), float(dists[-1])
    scale = max(float(np.hypot(*optimum)), dist_start, 1e-12)
    target = tol * scale
    distance = dist_end / scale
    gap_left = dist_end / dist_start if dist_start > 0 else 0.0
    linear = not history.optimizer.is_adaptive and history.batch_size is None
    rate = predicted = None
    if linear:
        theory, amps = _theory(history, stats)
        regime = classify_lr(theory, history.lr, history.optimizer)
        rates = theory.rates(history.lr, history.optimizer)
        rate, estimate = float(rates.max()), _rates_estimate(rates, amps, target)
        if history.optimizer.kind == "gd" and not history.standardized:
            e_start = np.array([history.w[0], history.b[0]]) - optimum
            e_end = np.array([history.w[-1], history.b[-1]]) - optimum
            predicted = _epochs_needed(stats, history.lr, e_start, target)
            needed = _epochs_needed(stats, history.lr, e_end, target)
        else:
            predicted = _settles_by_running(history, stats, target, estimate)
            needed = max(predicted - history.epochs_run, 0.0)
    else:
        regime, needed = _regime_shown(history), _needed_from_trend(dists, target)

    # Inside the tolerance now but not for good: a momentum run swings out again before
    # the epoch theory's exact count says it settles.
    swings_out = linear and history.epochs_run < predicted
    settled = None if swings_out else _settled_at(dists, target)
    if history.diverged_at is not None:
        state, needed = RunState.DIVERGED, math.inf
    elif distance <= tol and not swings_out:
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
        rate=rate,
        predicted_epochs=predicted,
        converged_at=settled,
    )


def _theory(history: History, stats: SufficientStats) -> tuple[Stability, np.ndarray]:
    """The curvature the run trained on, and its start's amplitude along each eigenvector, (2,).

    For a standardized run that is the standardized problem's; the amplitudes
    are measured in the original units, where the distances are.
    """
    w0, b0 = float(history.w[0]), float(history.b[0])
    if not history.standardized:
        _, vecs = np.linalg.eigh(stats.hessian)
        return stability(stats), np.abs(vecs.T @ [w0 - stats.w_ls, b0 - stats.b_ls])
    scale = scaling(stats)
    z_stats = scale.standardize(stats)
    _, vecs = np.linalg.eigh(z_stats.hessian)
    w_z, b_z = scale.to_z(w0, b0)
    along = vecs.T @ [w_z - z_stats.w_ls, b_z - z_stats.b_ls]  # (2,) in z units
    to_original = np.array([[1.0 / scale.std, 0.0], [-scale.mean / scale.std, 1.0]])
    return stability(z_stats), np.abs(along) * np.linalg.norm(to_original @ vecs, axis=0)


def _rates_estimate(rates: np.ndarray, amps: np.ndarray, target: float) -> float:
    """The rates alone: the slowest direction's epochs until ``amp * rate**k <= target``.

    Only a first guess (it leaves out the first swings and the two directions
    adding up): it sizes the horizon of :func:`_settles_by_running`.
    """
    needed = 0.0
    for rate, amp in zip(rates.tolist(), amps.tolist(), strict=True):
        if amp <= target:
            continue
        if rate >= 1.0:
            return math.inf
        k = 1.0 if rate == 0.0 else math.ceil(math.log(target / amp) / math.log(rate))
        needed = max(needed, float(k))
    return needed


def _settled_at(dists: np.ndarray, target: float) -> int | None:
    """First epoch from which every distance is within ``target``; None if the last is not."""
    outside = np.flatnonzero(~(dists <= target))
    if outside.size == 0:
        return 0
    last = int(outside[-1])
    return None if last == len(dists) - 1 else last + 1


def _settles_by_running(
    history: History, stats: SufficientStats, target: float, estimate: float
) -> float:
    """Epoch from which the run, continued, stays within ``target`` of the optimum.

    A momentum run's state includes its velocity, which the History does not
    hold, and a standardized run's distances are measured in x's units; the
    closed form is cheap, so the run is simply repeated from its start for
    longer. If it has not settled by the horizon (at most :data:`MAX_HORIZON`
    epochs), the horizon, or the rates' estimate if larger, stands in.
    """
    if math.isinf(estimate):
        return math.inf
    done = history.epochs_run
    # Beyond the rates' estimate the first swings can cost a few times more (k * rate**k).
    horizon = min(MAX_HORIZON, max(2 * done, done + 4 * int(estimate) + 100))
    longer = train(
        stats,
        history.lr,
        horizon,
        float(history.w[0]),
        float(history.b[0]),
        history.optimizer,
        standardize=history.standardized,
    )
    settled = _settled_at(np.hypot(longer.w - stats.w_ls, longer.b - stats.b_ls), target)
    if settled is None:
        return float(max(estimate, horizon))
    return float(settled)


def _regime_shown(history: History) -> LrRegime:
    """No linear theory (RMSProp, Adam, mini-batches): what the run's loss did."""
    if history.diverged_at is not None:
        return LrRegime.DIVERGING
    rises = np.diff(history.loss) > 1e-12 * max(float(history.loss[0]), 1.0)
    return LrRegime.OSCILLATING if rises.any() else LrRegime.MONOTONE


def _needed_from_trend(dists: np.ndarray, target: float) -> float:
    """Further epochs to ``target`` if the distance keeps shrinking as in the run's second half."""
    if dists[-1] <= target:
        return 0.0
    last, mid = len(dists) - 1, (len(dists) - 1) // 2
    if last < 2 or not 0.0 < dists[-1] < dists[mid]:
        return math.inf
    rate = (dists[-1] / dists[mid]) ** (1.0 / (last - mid))
    if not 0.0 < rate < 1.0:  # a shrink too slow to show in float64 (found by Hypothesis)
        return math.inf
    return float(math.ceil(math.log(target / dists[-1]) / math.log(rate)))


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
