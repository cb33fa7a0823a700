"""Sufficient statistics: everything full-batch gradient descent on the MSE needs.

For a line, the MSE is a quadratic in ``(w, b)`` whose coefficients are a few
averages of the data. Writing ``x = x_mean + u`` and ``y = y_mean + v`` (``u``
and ``v`` centred) and ``c = y_mean - w * x_mean - b``::

    loss(w, b) = var_x * (w - w_ls)**2 + resid_var + c**2

where ``w_ls = cov_xy / var_x`` is the least-squares slope and ``resid_var`` is
the MSE the best line leaves. Every term is non-negative, so this form keeps its
accuracy near the optimum, where the loss is a small number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import Dataset

__all__ = ["SufficientStats", "sufficient_stats"]

# If var_x (or var_y) is this small a fraction of the raw second moment, the
# one-pass formula ``mean(x**2) - mean(x)**2`` has lost too many digits to
# cancellation, and the moments are computed again from centred data.
_CANCELLATION_RATIO = 1e-3
# Below this fraction of mean(x**2), the x values are taken as all equal.
_DEGENERATE_RATIO = 1e-24


@dataclass(frozen=True)
class SufficientStats:
    """Centred moments of a data set (all plain floats, so hashable).

    Attributes
    ----------
    n : int
        Number of points.
    x_mean, y_mean : float
    var_x, cov_xy, var_y : float
        Population (divide by ``n``) variance and covariance.
    """

    n: int
    x_mean: float
    y_mean: float
    var_x: float
    cov_xy: float
    var_y: float

    @property
    def x_sq_mean(self) -> float:
        """``mean(x**2)``, the top-left entry of the Hessian / 2."""
        return self.var_x + self.x_mean * self.x_mean

    @property
    def x_is_constant(self) -> bool:
        """True when every ``x`` is the same: then the slope is not identifiable."""
        return self.var_x <= _DEGENERATE_RATIO * self.x_sq_mean

    @property
    def var_x_used(self) -> float:
        """``var_x`` as the loss uses it: 0 when ``x`` is constant (its value is then rounding)."""
        return 0.0 if self.x_is_constant else self.var_x

    @property
    def w_ls(self) -> float:
        """Least-squares slope (the minimum-norm one when ``x`` is constant)."""
        if self.x_is_constant:
            return self.y_mean * self.x_mean / (self.x_mean * self.x_mean + 1.0)
        return self.cov_xy / self.var_x

    @property
    def b_ls(self) -> float:
        """Least-squares intercept."""
        return self.y_mean - self.w_ls * self.x_mean

    @property
    def resid_var(self) -> float:
        """MSE of the least-squares line: the floor no line can go below."""
        if self.x_is_constant:
            return self.var_y
        return max(self.var_y - self.cov_xy * self.cov_xy / self.var_x, 0.0)

    @property
    def hessian(self) -> np.ndarray:
        """Hessian of the loss, ``2 * [[mean(x**2), mean(x)], [mean(x), 1]]``, shape (2, 2).

        The loss is quadratic, so this is the same at every ``(w, b)``.
        """
        m = self.x_mean
        return 2.0 * np.array([[self.var_x_used + m * m, m], [m, 1.0]])

    def loss(self, w: float, b: float) -> float:
        """MSE of the line ``(w, b)`` on the data, in O(1)."""
        return float(self.loss_at_offset(w - self.w_ls, b - self.b_ls))

    def loss_at_offset(self, e_w, e_b):
        """MSE at ``(w_ls + e_w, b_ls + e_b)``: the one home of the loss formula.

        Parameters
        ----------
        e_w, e_b : float or ndarray (broadcastable)
            Offsets from the least-squares optimum.

        Returns
        -------
        float or ndarray of the broadcast shape

        Notes
        -----
        The mean residual is ``c = -(e_w * x_mean + e_b)``, so the loss is
        ``var_x * e_w**2 + resid_var + c**2``: a sum of non-negative terms, exact
        near the optimum, where the loss is a small number.
        """
        return self.var_x_used * e_w * e_w + self.resid_var + (e_w * self.x_mean + e_b) ** 2

    def gradient(self, w: float, b: float) -> tuple[float, float]:
        """``(dL/dw, dL/db)`` at ``(w, b)``, in O(1).

        Equals ``mean(-2 x (y - w x - b))`` and ``mean(-2 (y - w x - b))``:
        with ``c`` the mean residual, ``mean(x * residual) = x_mean * c +
        var_x * (w_ls - w)``.
        """
        c = self.y_mean - w * self.x_mean - b
        return -2.0 * (self.x_mean * c + self.var_x_used * (self.w_ls - w)), -2.0 * c


def sufficient_stats(data: Dataset) -> SufficientStats:
    """Compute the centred moments of ``data`` in O(n).

    Five BLAS reductions (two sums, three dot products) over cache-sized
    chunks, so the data is read from memory about once; when cancellation
    would cost accuracy (data far from the origin compared with its spread),
    the variances are computed again from centred data.

    Examples
    --------
    >>> from linreg_core.data import make_dataset
    >>> s = sufficient_stats(make_dataset())
    >>> s.n, round(s.w_ls, 4), round(s.b_ls, 4)
    (100, 1.431, 1.9778)
    """
    x, y = data.x, data.y  # (n,) each, contiguous rows of one block
    n = x.shape[0]
    # Data near 1e154 or beyond overflows when squared: that is reported below as a
    # ValueError, not as RuntimeWarnings and NaN moments.
    with np.errstate(over="ignore", invalid="ignore"):
        sx, sy, sxx, sxy, syy = _raw_moments(x, y)
        x_mean, y_mean = sx / n, sy / n
        var_x = sxx / n - x_mean * x_mean
        var_y = syy / n - y_mean * y_mean
        cov_xy = sxy / n - x_mean * y_mean
        if var_x < _CANCELLATION_RATIO * sxx / n or var_y < _CANCELLATION_RATIO * syy / n:
            u, v = x - x_mean, y - y_mean  # (n,) centred
            var_x, cov_xy, var_y = float(u @ u) / n, float(u @ v) / n, float(v @ v) / n
    if not np.isfinite([x_mean, y_mean, var_x, cov_xy, var_y]).all():
        raise ValueError("the data is too large: its squares overflow float64")
    return SufficientStats(
        n=int(n),
        x_mean=x_mean,
        y_mean=y_mean,
        var_x=max(var_x, 0.0),
        cov_xy=cov_xy,
        var_y=max(var_y, 0.0),
    )


#: Elements of x and of y handled together: 2 x 512 KiB, so a chunk stays in the CPU's
#: L2 cache while its five reductions read it, and memory is read about once.
_CHUNK = 65_536
_SUM_BLOCK = 1024
_ONES = np.ones(_SUM_BLOCK)
_ONES.setflags(write=False)


def _raw_moments(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float, float]:
    """``sum(x), sum(y), x @ x, x @ y, y @ y``, chunk by chunk.

    Plain BLAS dot products read at full speed (np.sum is about half as fast, so
    the sums are dot products too, see _blas_sum); doing all five on one
    cache-sized chunk before the next reads the data from memory once, not five times.
    """
    sx = sy = sxx = sxy = syy = 0.0
    for start in range(0, len(x), _CHUNK):
        a, b = x[start : start + _CHUNK], y[start : start + _CHUNK]
        sx += _blas_sum(a)
        sy += _blas_sum(b)
        sxx += float(a @ a)
        sxy += float(a @ b)
        syy += float(b @ b)
    return sx, sy, sxx, sxy, syy


def _blas_sum(v: np.ndarray) -> float:
    """``v.sum()`` as a matrix-vector product with ones (one fast pass over ``v``)."""
    whole = len(v) // _SUM_BLOCK * _SUM_BLOCK
    head = v[:whole].reshape(-1, _SUM_BLOCK) @ _ONES  # (n // block,)
    return float(head.sum() + v[whole:].sum())
