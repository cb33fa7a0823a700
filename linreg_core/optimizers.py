"""The optimizers: their settings, their update rules, and their linear recurrences.

Every rule is PyTorch's documented one, starting from zero state, so a learner
can check a run against ``torch.optim``:

=========  ======================================  ==========================================
kind       PyTorch                                  update, with ``g`` the gradient
=========  ======================================  ==========================================
gd         ``SGD(lr)``                              θ ← θ − lr·g
momentum   ``SGD(lr, momentum=β)``                  v ← βv + g;  θ ← θ − lr·v
nesterov   ``SGD(lr, momentum=β, nesterov=True)``   v ← βv + g;  θ ← θ − lr·(g + βv)
rmsprop    ``RMSprop(lr, alpha=β2, eps=1e-8)``      s ← β2·s + (1−β2)·g²;  θ ← θ − lr·g/(√s + eps)
adam       ``Adam(lr, betas=(β, β2), eps=1e-8)``    m ← βm + (1−β)g;  s ← β2·s + (1−β2)·g²;
                                                    θ ← θ − lr·m̂/(√ŝ + eps), m̂ = m/(1−βᵗ),
                                                    ŝ = s/(1−β2ᵗ)
=========  ======================================  ==========================================

PyTorch refuses ``nesterov=True`` with ``momentum=0``; here it is allowed and is
plain gradient descent, as the formula says.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ADAPTIVE",
    "DEFAULT_BETA",
    "DEFAULT_BETA2",
    "EPS",
    "GD",
    "KINDS",
    "Optimizer",
    "companion",
    "make_rule",
]

#: The optimizers, in the order a lesson meets them.
KINDS = ("gd", "momentum", "nesterov", "rmsprop", "adam")
#: Optimizers whose step depends on the gradient's size: no linear theory applies.
ADAPTIVE = frozenset({"rmsprop", "adam"})
#: Momentum's β and Adam's β1, as in PyTorch's examples and Adam's paper.
DEFAULT_BETA = 0.9
#: β2 for the optimizers that use it: PyTorch's own defaults.
DEFAULT_BETA2 = {"rmsprop": 0.99, "adam": 0.999}
#: The ``eps`` added to the root of the squared-gradient average (PyTorch's Adam default).
EPS = 1e-8

#: ``rule(dw, db) -> (step_w, step_b)``: the parameters move by ``-step`` (see :func:`make_rule`).
Rule = Callable[[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Optimizer:
    """Which optimizer, with its constants (frozen and hashable: a cache key).

    Parameters
    ----------
    kind : {"gd", "momentum", "nesterov", "rmsprop", "adam"}
    beta : float
        Momentum's β and Adam's β1, in [0, 1). Ignored by gd and rmsprop.
    beta2 : float or None
        RMSProp's α and Adam's β2, in [0, 1). ``None`` means the kind's default
        (:data:`DEFAULT_BETA2`), so ``Optimizer("adam") == Optimizer("adam", beta2=0.999)``.
        Stays ``None`` for the kinds that do not use it.

    Examples
    --------
    >>> Optimizer("rmsprop").beta2, Optimizer("adam").beta2, Optimizer("momentum").beta2
    (0.99, 0.999, None)
    >>> Optimizer("sgd")
    Traceback (most recent call last):
    ...
    ValueError: optimizer kind must be one of gd, momentum, nesterov, rmsprop, adam; got 'sgd'
    """

    kind: str = "gd"
    beta: float = DEFAULT_BETA
    beta2: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"optimizer kind must be one of {', '.join(KINDS)}; got {self.kind!r}")
        _check_beta("beta", self.beta)
        if self.kind in DEFAULT_BETA2:
            if self.beta2 is None:  # frozen: fill in the default the only way a dataclass allows
                object.__setattr__(self, "beta2", DEFAULT_BETA2[self.kind])
            _check_beta("beta2", self.beta2)
        elif self.beta2 is not None:
            raise ValueError(f"beta2 applies to rmsprop and adam only, not to {self.kind}")

    @property
    def is_adaptive(self) -> bool:
        """True for RMSProp and Adam: steps scaled by the gradient's own size."""
        return self.kind in ADAPTIVE

    @property
    def uses_beta(self) -> bool:
        return self.kind in ("momentum", "nesterov", "adam")


def _check_beta(name: str, value: object) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not (ok and 0.0 <= value < 1.0):
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")


#: Plain gradient descent, the notebook's optimizer.
GD = Optimizer()


def make_rule(opt: Optimizer, lr: float) -> Rule:
    """The update rule of ``opt`` as a function of the gradient, holding its own state.

    Each call is one step: it takes the gradient ``(dw, db)`` and returns how
    far to move, ``(step_w, step_b)``, so that ``w -= step_w`` and ``b -= step_b``.
    The state (velocity, averages, step count) starts at zero. Plain Python
    floats: a step is a few hundred nanoseconds, which is what the loops need.

    Examples
    --------
    >>> rule = make_rule(Optimizer("momentum", beta=0.5), lr=0.1)
    >>> rule(1.0, 2.0), rule(1.0, 2.0)  # v = g, then v = 0.5 g + g
    ((0.1, 0.2), (0.15000000000000002, 0.30000000000000004))
    """
    beta, beta2 = opt.beta, opt.beta2
    state = [0.0, 0.0, 0.0, 0.0]  # velocity or first moment (w, b), second moment (w, b)
    if opt.kind == "gd":
        return lambda dw, db: (lr * dw, lr * db)
    if opt.kind in ("momentum", "nesterov"):
        nesterov = opt.kind == "nesterov"

        def heavy_ball(dw: float, db: float) -> tuple[float, float]:
            state[0] = vw = beta * state[0] + dw
            state[1] = vb = beta * state[1] + db
            if nesterov:
                return lr * (dw + beta * vw), lr * (db + beta * vb)
            return lr * vw, lr * vb

        return heavy_ball
    adam = opt.kind == "adam"  # else RMSProp: no first moment, no bias correction
    powers = [1.0, 1.0]  # beta**t, beta2**t for Adam's bias correction

    def adaptive(dw: float, db: float) -> tuple[float, float]:
        # gw * gw, not gw ** 2: Python's ** raises OverflowError where * gives inf.
        state[2] = sw = beta2 * state[2] + (1.0 - beta2) * dw * dw
        state[3] = sb = beta2 * state[3] + (1.0 - beta2) * db * db
        if not adam:
            return lr * dw / (math.sqrt(sw) + EPS), lr * db / (math.sqrt(sb) + EPS)
        state[0] = mw = beta * state[0] + (1.0 - beta) * dw
        state[1] = mb = beta * state[1] + (1.0 - beta) * db
        powers[0] *= beta
        powers[1] *= beta2
        c1, c2 = 1.0 - powers[0], 1.0 - powers[1]
        return (
            lr * (mw / c1) / (math.sqrt(sw / c2) + EPS),
            lr * (mb / c1) / (math.sqrt(sb / c2) + EPS),
        )

    return adaptive


def companion(opt: Optimizer, lr: float, lam: np.ndarray) -> np.ndarray:
    """The 2×2 matrix that advances ``(e_t, e_{t-1})`` along each eigen-direction.

    On a quadratic with curvature ``lam``, the offset ``e`` from the optimum
    along an eigenvector obeys ``e_{t+1} = a e_t − c e_{t−1}`` for t ≥ 1:

    * gd: ``a = 1 − lr·lam``, ``c = 0``;
    * momentum: ``a = 1 + β − lr·lam``, ``c = β``;
    * nesterov: ``a = (1 + β)(1 − lr·lam)``, ``c = β(1 − lr·lam)``.

    Its spectral radius is the per-epoch contraction of that direction.

    Parameters
    ----------
    opt : Optimizer
        Not adaptive (RMSProp and Adam are not linear).
    lr : float
    lam : ndarray of shape (d,)

    Returns
    -------
    ndarray of shape (d, 2, 2)
        ``[[a, −c], [1, 0]]`` per direction.
    """
    if opt.is_adaptive:
        raise ValueError(f"{opt.kind} is not a linear recurrence: it has no companion matrix")
    lam = np.asarray(lam, dtype=float)
    with np.errstate(over="ignore"):  # lr * lam beyond float range: -inf, a divergent run
        shrink = 1.0 - lr * lam  # (d,)
    beta = opt.beta if opt.kind != "gd" else 0.0
    if opt.kind == "nesterov":
        a, c = (1.0 + beta) * shrink, beta * shrink
    else:
        a, c = shrink + beta, np.full_like(lam, beta)
    out = np.zeros((lam.shape[0], 2, 2))
    out[:, 0, 0], out[:, 0, 1], out[:, 1, 0] = a, -c, 1.0
    return out
