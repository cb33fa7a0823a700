"""Data for the lesson: points scattered around a known line, or anyone's own points."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Dataset", "make_dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A frozen data set: drawn as ``y = true_w * x + true_b + noise``, or given.

    Attributes
    ----------
    xy : ndarray of shape (2, n_samples)
        Row 0 is ``x``, row 1 is ``y``. Stored together so the sufficient
        statistics come from one pass over one block of memory. Read-only.
    true_w, true_b, noise_std : float
        The parameters the data was drawn from; NaN for given points
        (:meth:`from_points`), which have no true line.
    seed : int
        Seed of the generator that drew the data (0 for given points).
    """

    xy: np.ndarray
    true_w: float
    true_b: float
    noise_std: float
    seed: int

    @property
    def x(self) -> np.ndarray:
        """Inputs, shape (n_samples,)."""
        return self.xy[0]

    @property
    def y(self) -> np.ndarray:
        """Targets, shape (n_samples,)."""
        return self.xy[1]

    @property
    def n_samples(self) -> int:
        return self.xy.shape[1]

    @property
    def has_true_line(self) -> bool:
        """Whether the data was drawn around a known line (synthetic), not given."""
        return math.isfinite(self.true_w) and math.isfinite(self.true_b)

    @classmethod
    def from_points(cls, x, y) -> Dataset:
        """Given points (a classic data set, an upload, clicks): no true line behind them.

        Parameters
        ----------
        x, y : array_like of shape (n,)
            Finite numbers, ``n >= 2``. Copied; the copy is read-only.

        Examples
        --------
        >>> data = Dataset.from_points([1, 2, 3], [2, 4, 5])
        >>> data.n_samples, data.has_true_line
        (3, False)
        """
        xy = np.array([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])  # (2, n)
        if xy.ndim != 2 or xy.shape[1] < 2:
            raise ValueError(f"need two equally long 1-d arrays of >= 2 points, got {xy.shape}")
        if not np.isfinite(xy).all():
            raise ValueError("every x and y must be a finite number")
        xy.setflags(write=False)
        return cls(xy=xy, true_w=math.nan, true_b=math.nan, noise_std=math.nan, seed=0)


def _require_finite(**values: float) -> None:
    for name, value in values.items():
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")


def make_dataset(
    true_w: float = 1.5,
    true_b: float = 2.0,
    noise_std: float = 1.5,
    n_samples: int = 100,
    x_min: float = -5.0,
    x_max: float = 5.0,
    seed: int = 42,
) -> Dataset:
    """Draw ``n_samples`` points around the line ``y = true_w * x + true_b``.

    Uses a private ``np.random.RandomState(seed)`` and draws in the notebook's
    order (all of ``x`` first, then all of the noise), so the defaults give
    exactly the notebook's ``X`` and ``y``. NumPy's global random state is
    never touched.

    Parameters
    ----------
    true_w, true_b : float
        Slope and intercept of the true line.
    noise_std : float
        Standard deviation of the Gaussian noise added to ``y`` (>= 0).
    n_samples : int
        Number of points (>= 2: a line needs two points).
    x_min, x_max : float
        ``x`` is drawn uniformly from ``[x_min, x_max)``; ``x_min < x_max``.
    seed : int
        Seed for the generator (0 <= seed < 2**32).

    Returns
    -------
    Dataset

    Examples
    --------
    >>> data = make_dataset()
    >>> data.x.shape, round(float(data.x[0]), 4)
    ((100,), -1.2546)
    """
    _require_finite(true_w=true_w, true_b=true_b, noise_std=noise_std, x_min=x_min, x_max=x_max)
    if isinstance(n_samples, bool) or int(n_samples) != n_samples:
        raise ValueError(f"n_samples must be a whole number, got {n_samples!r}")
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2 (a line needs two points), got {n_samples}")
    if noise_std < 0:
        raise ValueError(f"noise_std must be >= 0, got {noise_std}")
    if not x_min < x_max:
        raise ValueError(f"x_min must be below x_max, got x_min={x_min}, x_max={x_max}")
    if not math.isfinite(x_max - x_min):  # NumPy's uniform() would raise OverflowError
        raise ValueError(f"the x range is too large: x_max - x_min overflows, got {x_min}, {x_max}")
    if isinstance(seed, bool) or int(seed) != seed or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be a whole number in [0, 2**32), got {seed!r}")

    rng = np.random.RandomState(int(seed))
    n = int(n_samples)
    xy = np.empty((2, n))
    xy[0] = rng.uniform(x_min, x_max, n)
    noise = rng.normal(0.0, noise_std + 0.0, n)  # + 0.0 turns -0.0, which NumPy rejects, into 0.0
    xy[1] = true_w * xy[0] + true_b + noise
    xy.setflags(write=False)
    return Dataset(
        xy=xy,
        true_w=float(true_w),
        true_b=float(true_b),
        noise_std=float(noise_std),
        seed=int(seed),
    )
