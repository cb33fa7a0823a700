"""The notebook's own code, transcribed as literally as possible: the independent oracle.

It uses NumPy's global random state, as the notebook does; the state is saved
and restored so the test suite's other tests are unaffected.
"""

import numpy as np

# The lines the notebook prints in exercise 4 (from running its cells with seed 42).
PRINTED_PROGRESS = """\
Epoch  10: loss = 5.1463, w = 1.1755, b = 0.3233
Epoch  20: loss = 3.7333, w = 1.3521, b = 0.6179
Epoch  30: loss = 3.0951, w = 1.3849, b = 0.8634
Epoch  40: loss = 2.6734, w = 1.3959, b = 1.0650
Epoch  50: loss = 2.3907, w = 1.4026, b = 1.2303
Epoch  60: loss = 2.2010, w = 1.4078, b = 1.3656
Epoch  70: loss = 2.0738, w = 1.4120, b = 1.4764
Epoch  80: loss = 1.9885, w = 1.4155, b = 1.5672
Epoch  90: loss = 1.9313, w = 1.4183, b = 1.6415
Epoch 100: loss = 1.8930, w = 1.4206, b = 1.7024"""


def notebook_data():
    saved = np.random.get_state()
    try:
        np.random.seed(42)
        X = np.random.uniform(-5, 5, 100)
        noise = np.random.normal(0, 1.5, 100)
    finally:
        np.random.set_state(saved)
    return X, 1.5 * X + 2.0 + noise


def notebook_train_step(X, y, w, b, learning_rate):
    y_pred = w * X + b
    loss = np.mean((y - y_pred) ** 2)
    dw = np.mean(-2 * X * (y - y_pred))
    db = np.mean(-2 * (y - y_pred))
    return w - learning_rate * dw, b - learning_rate * db, loss


def notebook_training(X, y, learning_rate, n_epochs=100):
    """Exercise 4's loop: returns (loss_history, w_history, b_history)."""
    w, b = 0.0, 0.0
    loss_history, w_history, b_history = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_epochs):
            w, b, loss = notebook_train_step(X, y, w, b, learning_rate)
            loss_history.append(loss)
            w_history.append(w)
            b_history.append(b)
    return loss_history, w_history, b_history
