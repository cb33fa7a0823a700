"""Full-batch trajectories from the sufficient statistics, one per kind of optimizer.

Each function returns the offsets from the least-squares optimum,
``e = (w - w_ls, b - b_ls)``, at the start and after every epoch. The loss is
a quadratic with Hessian ``H``, so the gradient at offset ``e`` is ``H e``:
after one O(n) pass for the statistics, nothing here depends on ``n``.
"""

from __future__ import annotations

import numpy as np

from .optimizers import Optimizer, companion, make_rule
from .stats import SufficientStats

__all__ = ["offsets"]


def offsets(
    stats: SufficientStats, lr: float, epochs: int, e0: np.ndarray, opt: Optimizer
) -> np.ndarray:
    """Offsets from the optimum after 0, 1, …, ``epochs`` full-batch steps of ``opt``.

    Parameters
    ----------
    stats : SufficientStats
    lr : float
    epochs : int
    e0 : ndarray of shape (2,)
        Starting offset ``(w0 - w_ls, b0 - b_ls)``.
    opt : Optimizer

    Returns
    -------
    ndarray of shape (2, epochs + 1)
        Rows ``e_w`` and ``e_b``. Values past an overflow are inf or NaN (no
        warning): the caller cuts the run there.
    """
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if opt.kind == "gd":
            return _gd(stats, lr, epochs, e0)
        if opt.is_adaptive:
            return _adaptive(stats, lr, epochs, e0, opt)
        return _heavy_ball(stats, lr, epochs, e0, opt)


def _gd(stats: SufficientStats, lr: float, epochs: int, e0: np.ndarray) -> np.ndarray:
    """``e_k = V diag((1 - lr * lam) ** k) V^T e_0``, all epochs at once."""
    lam, vecs = np.linalg.eigh(stats.hessian)  # (2,), (2, 2)
    k = np.arange(int(epochs) + 1)[:, None]  # (epochs + 1, 1)
    return (((1.0 - lr * lam) ** k * (vecs.T @ e0)) @ vecs.T).T  # (2, epochs + 1)


def _heavy_ball(
    stats: SufficientStats, lr: float, epochs: int, e0: np.ndarray, opt: Optimizer
) -> np.ndarray:
    """Momentum and Nesterov in closed form: powers of a 2×2 matrix per eigen-direction.

    Along eigenvector ``i`` the offset obeys ``e_{t+1} = a e_t − c e_{t−1}``
    (see :func:`~linreg_core.optimizers.companion`), so with ``s_1 = (e_1, e_0)``
    the offset after ``t >= 1`` epochs is the first entry of ``C^(t−1) s_1``. The
    first step has zero velocity behind it: ``e_1 = (1 − lr lam) e_0`` for momentum,
    ``(1 − lr lam (1 + β)) e_0`` for Nesterov. The powers are built by doubling,
    ``X[j + 2^m] = C^(2^m) X[j]``: about log2(epochs) batched 2×2 products.
    """
    lam, vecs = np.linalg.eigh(stats.hessian)  # (2,), (2, 2)
    c0 = vecs.T @ e0  # (2,) start along each eigenvector
    first = 1.0 + (opt.beta if opt.kind == "nesterov" else 0.0)
    s = np.stack([(1.0 - lr * lam * first) * c0, c0], axis=1)[:, None, :]  # (2, 1, 2)
    power = companion(opt, lr, lam)  # (2, 2, 2): C, then C^2, C^4, ...
    while s.shape[1] < epochs:
        s = np.concatenate([s, s @ power.transpose(0, 2, 1)], axis=1)  # (2, 2m, 2)
        power = power @ power
    along = np.concatenate([c0[:, None], s[:, : int(epochs), 0]], axis=1)  # (2, epochs + 1)
    return vecs @ along


def _adaptive(
    stats: SufficientStats, lr: float, epochs: int, e0: np.ndarray, opt: Optimizer
) -> np.ndarray:
    """RMSProp and Adam: their own rule, one O(1) step an epoch with gradient ``H e``."""
    (h_ww, h_wb), (_, h_bb) = stats.hessian.tolist()
    rule = make_rule(opt, lr)
    e_w, e_b = float(e0[0]), float(e0[1])
    out = np.empty((2, int(epochs) + 1))
    out[:, 0] = e_w, e_b
    for k in range(1, int(epochs) + 1):
        step_w, step_b = rule(h_ww * e_w + h_wb * e_b, h_wb * e_w + h_bb * e_b)
        e_w, e_b = e_w - step_w, e_b - step_b
        out[0, k], out[1, k] = e_w, e_b
    return out
