"""The outlier experiment's data and training settings (no Streamlit here).

Anscombe's set 3: ten points on a straight line and one far above it. The page
(:mod:`app.ui.outlier`) places the ten, asks for a prediction, then adds the eleventh.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from linreg_core import (
    Dataset,
    diagnose,
    least_squares,
    predict,
    stability,
    sufficient_stats,
    train,
)

from .data.catalogue import load_bundled
from .params import PARAMS

__all__ = ["outlier_height", "outlier_parts", "outlier_training"]


@functools.cache
def outlier_parts() -> tuple[tuple[np.ndarray, np.ndarray], tuple[float, float]]:
    """Anscombe's set 3 as ``((x, y) of the ten on a line, (x, y) of the outlier)``."""
    x, y = load_bundled("anscombe-3")
    far = int(np.argmax(np.abs(_residuals(x, y, x, y))))  # (13, 12.74)
    keep = np.arange(len(x)) != far
    return (x[keep], y[keep]), (float(x[far]), float(y[far]))


@functools.cache
def outlier_height() -> float:
    """How far the eleventh point sits above the ten points' least-squares line."""
    (x, y), (ox, oy) = outlier_parts()
    return float(_residuals(x, y, np.array([ox]), np.array([oy]))[0])


def _residuals(x: np.ndarray, y: np.ndarray, at_x: np.ndarray, at_y: np.ndarray) -> np.ndarray:
    """``at_y`` minus the least-squares line of ``(x, y)`` at ``at_x`` (the core's fit)."""
    fit = least_squares(sufficient_stats(Dataset.from_points(x, y)))
    return at_y - predict(at_x, fit.w, fit.b)


@functools.cache
def outlier_training() -> tuple[float, int]:
    """A learning rate and epochs with which plain gradient descent reaches the
    least-squares line (within 1 %) on the ten points and on all eleven.

    Their x lie between 4 and 14, far from 0: a ravine (κ ≈ 800), where the
    playground's default 100 epochs leave the line far from the points. The rate is the
    largest the learning-rate slider offers below 95 % of the stability limit of both data sets.
    """
    (x, y), (ox, oy) = outlier_parts()
    both = [sufficient_stats(Dataset.from_points(x, y))]
    both.append(sufficient_stats(Dataset.from_points(np.append(x, ox), np.append(y, oy))))
    limit = 0.95 * min(stability(s).lr_max for s in both)
    lr = max(v for v in PARAMS["lr"].options if v < limit)
    needed = max(diagnose(train(s, lr, 1), s).predicted_epochs for s in both)
    epochs = min(int(PARAMS["epochs"].hi), 500 * math.ceil(1.1 * needed / 500))
    return lr, epochs
