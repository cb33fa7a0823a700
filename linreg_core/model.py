"""The model ``y_pred = w * x + b`` and one step of gradient descent on its MSE."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["StepResult", "gradients", "mse_loss", "predict", "train_step"]


def predict(x: np.ndarray, w: float, b: float) -> np.ndarray:
    """Forward pass: ``y_pred = w * x + b``, shape of ``x``."""
    return w * x + b


def mse_loss(y: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean squared error ``mean((y - y_pred) ** 2)``."""
    return float(np.mean((y - y_pred) ** 2))


def gradients(x: np.ndarray, y: np.ndarray, y_pred: np.ndarray) -> tuple[float, float]:
    """Backward pass: ``(dL/dw, dL/db)`` of the MSE.

    By the chain rule, ``d/dw (y - w x - b)^2 = -2 x (y - w x - b)``; averaging
    over the points gives ``dw = mean(-2 x (y - y_pred))`` and likewise
    ``db = mean(-2 (y - y_pred))``.
    """
    residual = y - y_pred  # (n,)
    dw = float(np.mean(-2.0 * x * residual))
    db = float(np.mean(-2.0 * residual))
    return dw, db


@dataclass(frozen=True, eq=False)
class StepResult:
    """Every intermediate of one training step, in the order they happen.

    Attributes
    ----------
    w, b : float
        Parameters before the step.
    y_pred : ndarray of shape (n,)
        Forward pass with ``w`` and ``b``.
    loss : float
        MSE of ``y_pred`` (before the update, as the notebook reports it).
    dw, db : float
        Gradient of the loss at ``(w, b)``.
    lr : float
        Learning rate used for the update.
    new_w, new_b : float
        ``w - lr * dw`` and ``b - lr * db``.
    """

    w: float
    b: float
    y_pred: np.ndarray
    loss: float
    dw: float
    db: float
    lr: float
    new_w: float
    new_b: float


def train_step(x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float) -> StepResult:
    """One step of gradient descent: forward, loss, backward, update.

    Parameters
    ----------
    x, y : ndarray of shape (n,)
    w, b : float
        Current parameters.
    lr : float
        Learning rate.

    Returns
    -------
    StepResult

    Examples
    --------
    >>> step = train_step(np.array([0.0, 1.0]), np.array([1.0, 3.0]), 0.0, 0.0, 0.1)
    >>> step.loss, step.dw, step.db, round(step.new_w, 6), round(step.new_b, 6)
    (5.0, -3.0, -4.0, 0.3, 0.4)
    """
    y_pred = predict(x, w, b)  # 1. forward
    loss = mse_loss(y, y_pred)  # 2. loss
    dw, db = gradients(x, y, y_pred)  # 3. backward
    return StepResult(  # 4. update
        w=w,
        b=b,
        y_pred=y_pred,
        loss=loss,
        dw=dw,
        db=db,
        lr=lr,
        new_w=w - lr * dw,
        new_b=b - lr * db,
    )
