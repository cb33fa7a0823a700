"""Mini-batch training: the data reshuffled every epoch, one step per batch.

The batch sums an epoch needs (of ``u, v, u², uv`` with ``u, v`` the centred
``x, y``) come from one vectorised pass over the shuffled data
(``np.add.reduceat``), so each step is O(1) arithmetic on them: O(n) per epoch
in NumPy plus O(1) per step in Python. Centring first keeps the sums accurate
when ``x`` lies far from 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .optimizers import Optimizer, make_rule

__all__ = ["MAX_STEPS", "PATH_POINTS", "StepPath", "run_epochs", "steps_per_epoch"]

#: The most optimizer steps one mini-batch run takes (about 0.1–0.2 s of Python on
#: this machine). A run that would take more is cut to the whole epochs that fit, and
#: its History says so (``truncated``); an epoch that alone needs more is refused.
MAX_STEPS = 50_000
#: The thinned path of the steps keeps at most about this many points (plus the start).
PATH_POINTS = 2_000


@dataclass(frozen=True, eq=False)
class StepPath:
    """Every ``stride``-th step of a mini-batch run, for the animation (read-only arrays).

    Attributes
    ----------
    step : ndarray of int, shape (k,)
        Step number of each point (0 is the start).
    w, b : ndarray of shape (k,)
        Parameters after that step.
    """

    step: np.ndarray
    w: np.ndarray
    b: np.ndarray


def steps_per_epoch(n: int, batch_size: int) -> int:
    """``ceil(n / batch_size)``: the last batch of an epoch takes what is left."""
    return -(-int(n) // int(batch_size))


def run_epochs(
    x: np.ndarray,
    y: np.ndarray,
    lr: float,
    epochs: int,
    w0: float,
    b0: float,
    opt: Optimizer,
    batch_size: int,
    rng: np.random.Generator,
    loss_limit: float = math.inf,
) -> tuple[np.ndarray, np.ndarray, StepPath]:
    """Train on mini-batches of ``batch_size`` for ``epochs`` epochs.

    Each epoch draws ``rng.permutation(n)`` and walks through it in batches
    ``perm[0:m], perm[m:2m], …``; each batch's gradient is the mean gradient
    over its points, and ``opt``'s rule (state kept across epochs) makes the step.

    Parameters
    ----------
    x, y : ndarray of shape (n,)
    lr, epochs, w0, b0
        As in :func:`~linreg_core.train.train`; ``epochs * steps_per_epoch`` is
        the caller's to bound.
    opt : Optimizer
    batch_size : int
        Between 1 and n.
    rng : numpy.random.Generator
        Draws the permutations; its state advances.
    loss_limit : float
        Stop after the first epoch whose full-data loss is above this or not finite.

    Returns
    -------
    w, b : ndarray of shape (epochs_run + 1,)
        Parameters at the start and after each epoch.
    path : StepPath
    """
    n, m = len(x), int(batch_size)
    x_mean, y_mean = float(np.mean(x)), float(np.mean(y))
    u_all, v_all = x - x_mean, y - y_mean  # (n,) centred
    starts = np.arange(0, n, m)  # (k,) first index of each batch
    sizes = np.diff(np.append(starts, n)).tolist()
    stride = max(1, math.ceil(epochs * len(sizes) / PATH_POINTS))
    rule = make_rule(opt, lr)
    w, b, step = float(w0), float(b0), 0
    ws, bs, path = [w], [b], [(0, w, b)]
    for _ in range(int(epochs)):
        perm = rng.permutation(n)
        u, v = u_all[perm], v_all[perm]  # (n,) this epoch's order
        sums = np.add.reduceat(np.stack([u, v, u * u, u * v]), starts, axis=1).tolist()
        for s_u, s_v, s_uu, s_uv, size in zip(*sums, sizes, strict=True):
            c = y_mean - w * x_mean - b  # the residual's mean over all the data
            r_sum = s_v - w * s_u + size * c  # sum of the batch's residuals y - w x - b
            xr_sum = s_uv - w * s_uu + c * s_u + x_mean * r_sum  # sum of x * residual
            step_w, step_b = rule(-2.0 * xr_sum / size, -2.0 * r_sum / size)
            w, b, step = w - step_w, b - step_b, step + 1
            if step % stride == 0:
                path.append((step, w, b))
        ws.append(w)
        bs.append(b)
        with np.errstate(over="ignore", invalid="ignore"):
            loss = float(np.mean((y - w * x - b) ** 2)) if math.isfinite(w + b) else math.inf
        if not loss <= loss_limit:
            break  # diverged: the caller cuts the run here
    if path[-1][0] != step:
        path.append((step, w, b))
    steps, pw, pb = (np.array(col) for col in zip(*path, strict=True))
    return np.array(ws), np.array(bs), StepPath(step=steps, w=pw, b=pb)
