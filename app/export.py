"""Downloads: the training history, the data set, and a script that reproduces the run.

Pure functions returning text, so tests can check them without a browser.
"""

from __future__ import annotations

import io

import numpy as np

from linreg_core import DIVERGENCE_FACTOR

from .compute import Run
from .own_data import to_csv
from .settings import Settings

__all__ = ["data_csv", "data_filename", "history_csv", "reproduce_script"]


def data_filename(settings: Settings) -> str:
    """The data set's download name (never the uploaded file's own name)."""
    s = settings
    if s.source.synthetic:
        return f"data_seed{s.seed}_n{s.n_samples}.csv"
    return f"data_{s.source.name if s.source.kind == 'dataset' else s.source.kind}.csv"


def history_csv(run: Run) -> str:
    """One row per epoch: the parameters after it and the loss at them (epoch 0 is the start)."""
    h = run.history
    table = np.column_stack([np.arange(h.epochs_run + 1), h.w, h.b, h.loss])
    out = io.StringIO()
    np.savetxt(
        out,
        table,
        delimiter=",",
        fmt=["%d", "%.10g", "%.10g", "%.10g"],
        header="epoch,w,b,loss",
        comments="",
    )
    return out.getvalue()


def data_csv(run: Run) -> str:
    """The data set: one row per point.

    Given points (a data set, an upload, clicks) keep their column names and go through
    :func:`~app.own_data.to_csv`, so a name that looks like a formula is never run by a
    spreadsheet, and every number reads back exactly.
    """
    source = run.settings.source
    if not source.synthetic:
        return to_csv({source.x_label: run.data.x, source.y_label: run.data.y})
    out = io.StringIO()
    np.savetxt(out, run.data.xy.T, delimiter=",", fmt="%.17g", header="x,y", comments="")
    return out.getvalue()


_SCRIPT = '''"""Reproduce a run of the gradient-descent playground with NumPy alone.

Settings: true w = {true_w!r}, true b = {true_b!r}, noise = {noise!r}, samples = {n_samples},
seed = {seed}, x from {x_min!r} to {x_max!r}, learning rate = {lr!r}, epochs = {epochs},
start = ({w0!r}, {b0!r}).
"""

import numpy as np

# 1. The data: x uniform on [{x_min!r}, {x_max!r}), then Gaussian noise, from one seeded generator.
rng = np.random.RandomState({seed})
x = rng.uniform({x_min!r}, {x_max!r}, {n_samples})
y = {true_w!r} * x + {true_b!r} + rng.normal(0.0, {noise!r}, {n_samples})

# 2. Gradient descent on the mean squared error.
w, b, lr = {w0!r}, {b0!r}, {lr!r}
limit = None
for epoch in range({epochs}):
    y_pred = w * x + b                          # forward pass
    loss = np.mean((y - y_pred) ** 2)           # loss
    dw = np.mean(-2 * x * (y - y_pred))         # backward pass
    db = np.mean(-2 * (y - y_pred))
    if limit is None:
        limit = {factor!r} * max(loss, 1.0)
    if not loss <= limit:                       # the app stops a diverging run here
        print(f"diverged at epoch {{epoch}}")
        break
    w, b = w - lr * dw, b - lr * db             # update
    if (epoch + 1) % max(1, {epochs} // 10) == 0:
        print(f"epoch {{epoch + 1:5d}}: loss = {{loss:.6f}}, w = {{w:.6f}}, b = {{b:.6f}}")

print(f"final w = {{w:.6f}}")
print(f"final b = {{b:.6f}}")
'''


_OWN_DATA = '''"""Reproduce a run of the gradient-descent playground with NumPy alone.

Data: {title}, {n} points. Learning rate = {lr!r}, epochs = {epochs}, start = ({w0!r}, {b0!r}).
"""

import numpy as np

# 1. The data: {where}
{load}
'''
#: Given points are written into the script up to this many; more are read from the data CSV.
MAX_INLINE_POINTS = 100


def _own_data_script(run: Run) -> str:
    """The script for given points: the data written in (or read from the CSV), then the loop."""
    s, data = run.settings, run.data
    if data.n_samples <= MAX_INLINE_POINTS:
        where = "the points, written out."
        load = f"x = np.array({data.x.tolist()!r})\ny = np.array({data.y.tolist()!r})"
    else:
        where = "read from the Data set CSV downloaded beside this script (first two columns)."
        load = (
            f"x, y = np.loadtxt({data_filename(s)!r}, delimiter=',', skiprows=1, usecols=(0, 1), "
            "unpack=True)"
        )
    head = _OWN_DATA.format(
        title=s.source.title,
        n=data.n_samples,
        lr=float(s.lr),
        epochs=int(s.epochs),
        w0=float(s.w0),
        b0=float(s.b0),
        where=where,
        load=load,
    )
    loop = reproduce_script(s.__class__(lr=s.lr, epochs=s.epochs, w0=s.w0, b0=s.b0))
    return head + loop[loop.index("\n# 2. Gradient descent") :]


def reproduce_script(settings: Settings, run: Run | None = None) -> str:
    """A self-contained Python script (NumPy only) that redoes this run and prints w and b.

    Given points (``settings.source`` not synthetic) need the ``run`` that holds them.
    """
    s = settings
    if not s.source.synthetic:
        if run is None:
            raise ValueError("a script for given points needs the run that holds them")
        return _own_data_script(run)
    return _SCRIPT.format(
        true_w=float(s.true_w),
        true_b=float(s.true_b),
        noise=float(s.noise),
        n_samples=int(s.n_samples),
        seed=int(s.seed),
        x_min=float(s.x_range[0]),
        x_max=float(s.x_range[1]),
        lr=float(s.lr),
        epochs=int(s.epochs),
        w0=float(s.w0),
        b0=float(s.b0),
        factor=DIVERGENCE_FACTOR,
    )
