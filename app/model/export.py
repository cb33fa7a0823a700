"""Downloads: the training history, the data set, and a script that reproduces the run.

Pure functions returning text, so tests can check them without a browser.
"""

from __future__ import annotations

import io

import numpy as np

from linreg_core import DIVERGENCE_FACTOR, MAX_STEPS

from .compute import Run
from .data.csv_write import to_csv
from .method_text import method_label
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
    :func:`~app.model.data.csv_write.to_csv`, so a name that looks like a formula is never run by a
    spreadsheet, and every number reads back exactly.
    """
    source = run.settings.source
    if not source.synthetic:
        return to_csv({source.x_label: run.data.x, source.y_label: run.data.y})
    out = io.StringIO()
    np.savetxt(out, run.data.xy.T, delimiter=",", fmt="%.17g", header="x,y", comments="")
    return out.getvalue()


_HEADER = '''"""Reproduce a run of the gradient-descent playground with NumPy alone.

Settings: true w = {true_w!r}, true b = {true_b!r}, noise = {noise!r}, samples = {n_samples},
seed = {seed}, x from {x_min!r} to {x_max!r}, learning rate = {lr!r}, epochs = {epochs},
start = ({w0!r}, {b0!r}), optimizer: {method}, batch: {batch}, standardize x: {standardize}.
The update rules are PyTorch's (torch.optim), starting from zero state.
"""

import numpy as np

# 1. The data: x uniform on [{x_min!r}, {x_max!r}), then Gaussian noise, from one seeded generator.
rng = np.random.RandomState({seed})
x = rng.uniform({x_min!r}, {x_max!r}, {n_samples})
y = {true_w!r} * x + {true_b!r} + rng.normal(0.0, {noise!r}, {n_samples})
'''

_PLAIN = """
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
"""

#: The update rule of each optimizer: how far to move, given the gradient ``g`` (an array).
_RULES = {
    "gd": "    return lr * g",
    "momentum": "    state['v'] = beta * state['v'] + g\n    return lr * state['v']",
    "nesterov": "    state['v'] = beta * state['v'] + g\n    return lr * (g + beta * state['v'])",
    "rmsprop": (
        "    state['s'] = beta2 * state['s'] + (1 - beta2) * g * g\n"
        "    return lr * g / (np.sqrt(state['s']) + eps)"
    ),
    "adam": (
        "    state['t'] += 1\n"
        "    state['m'] = beta * state['m'] + (1 - beta) * g\n"
        "    state['s'] = beta2 * state['s'] + (1 - beta2) * g * g\n"
        "    m_hat = state['m'] / (1 - beta ** state['t'])\n"
        "    s_hat = state['s'] / (1 - beta2 ** state['t'])\n"
        "    return lr * m_hat / (np.sqrt(s_hat) + eps)"
    ),
}

_METHOD = '''
# 2. Training. {method}; {batch_words}.
lr, beta, beta2, eps = {lr!r}, {beta!r}, {beta2!r}, 1e-8
w, b = {w0!r}, {b0!r}
{scaling}
state = {{"v": np.zeros(2), "m": np.zeros(2), "s": np.zeros(2), "t": 0}}


def step(g):
    """How far to move (w, b), given the gradient g = (dw, db)."""
{rule}


def loss_at(w, b):
    return np.mean((y - (w * u + b)) ** 2)      # the same predictions as in x's units


shuffle = np.random.default_rng({seed})         # reshuffles the mini-batches, from the data's seed
n, m = len(u), {batch_size}
limit = {factor!r} * max(loss_at(w, b), 1.0)
for epoch in range({epochs_run}):{truncated}
    if not loss_at(w, b) <= limit:              # the app stops a diverging run here
        print(f"diverged at epoch {{epoch}}")
        break
    order = shuffle.permutation(n) if m < n else np.arange(n)
    for start in range(0, n, m):
        i = order[start:start + m]
        residual = y[i] - (w * u[i] + b)        # forward pass on the batch
        g = np.array([np.mean(-2 * u[i] * residual), np.mean(-2 * residual)])  # backward
        dw_step, db_step = step(g)
        w, b = w - dw_step, b - db_step         # update
{unscale}
print(f"final w = {{w:.6f}}")
print(f"final b = {{b:.6f}}")
'''

_STANDARDIZE = (
    "mean, std = x.mean(), x.std()\n"
    "u = (x - mean) / std                          # train on standardized x\n"
    "w, b = w * std, b + w * mean                  # the starting line in z's units"
)
_UNSCALE = "w, b = w / std, b - w * mean / std            # back to x's units\n"


def _fields(settings: Settings) -> dict:
    s = settings
    return {
        "true_w": float(s.true_w),
        "true_b": float(s.true_b),
        "noise": float(s.noise),
        "n_samples": int(s.n_samples),
        "seed": int(s.seed),
        "x_min": float(s.x_range[0]),
        "x_max": float(s.x_range[1]),
        "lr": float(s.lr),
        "epochs": int(s.epochs),
        "w0": float(s.w0),
        "b0": float(s.b0),
        "factor": DIVERGENCE_FACTOR,
        "method": method_label(s.method),
        "batch": s.batch,
        "standardize": s.standardize,
    }


_OWN_DATA = '''"""Reproduce a run of the gradient-descent playground with NumPy alone.

Data: {title}, {n} points. Learning rate = {lr!r}, epochs = {epochs}, start = ({w0!r}, {b0!r}),
optimizer: {method}, batch: {batch}, standardize x: {standardize}.
The update rules are PyTorch's (torch.optim), starting from zero state.
"""

import numpy as np

# 1. The data: {where}
{load}
'''
#: Given points are written into the script up to this many; more are read from the data CSV.
MAX_INLINE_POINTS = 100


def _own_data_header(run: Run, fields: dict) -> str:
    """The script's start for given points: the data written in, or read from the CSV."""
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
    return _OWN_DATA.format(
        **fields, title=s.source.title, n=data.n_samples, where=where, load=load
    )


def reproduce_script(settings: Settings, run: Run | None = None) -> str:
    """A self-contained Python script (NumPy only) that redoes this run and prints w and b.

    Plain full-batch gradient descent is the notebook's loop; any other optimizer,
    mini-batches or standardized x get a loop with that optimizer's update rule. Given
    points (``settings.source`` not synthetic) need the ``run`` that holds them.
    """
    s, fields = settings, _fields(settings)
    if s.source.synthetic:
        header, n = _HEADER.format(**fields), s.n_samples
    elif run is None:
        raise ValueError("a script for given points needs the run that holds them")
    else:
        fields["seed"] = int(run.data.seed)  # the mini-batch shuffles' seed, as in the app
        header, n = _own_data_header(run, fields), run.data.n_samples
    full = s.batch_size is None or s.batch_size >= n
    if s.optimizer == "gd" and full and not s.standardize:
        return header + _PLAIN.format(**fields)
    opt = s.method
    m = n if full else s.batch_size
    epochs_run = min(s.epochs, MAX_STEPS // -(-n // m))
    truncated = (
        f"  # the app stops at {MAX_STEPS:,} steps: {epochs_run} of {s.epochs} epochs"
        if epochs_run < s.epochs
        else ""
    )
    method = fields["method"] + (" on standardized x" if s.standardize else "")
    return header + _METHOD.format(
        **fields | {"method": method},
        batch_words="full batch" if full else f"mini-batches of {m}, reshuffled every epoch",
        beta=float(opt.beta),
        beta2=float(opt.beta2 or 0.0),
        rule=_RULES[opt.kind],
        scaling=_STANDARDIZE if s.standardize else "u = x",
        unscale=_UNSCALE if s.standardize else "",
        batch_size=m,
        epochs_run=epochs_run,
        truncated=truncated,
    )
