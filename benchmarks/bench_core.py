"""Benchmark: the core's fast path against the notebook's loop and a one-read floor.

For each ``n`` (1,000 epochs at ``lr = 0.01``) it times, in one process:

* **fast**: ``linreg_core.train(data, lr, epochs)``, sufficient statistics included
  (the Dataset goes in, not precomputed stats);
* **loop**: the notebook's ``train_step`` loop, copied inline, 1,000 full passes;
* **floor**: ``float(x @ y)``, a BLAS dot that reads every number once: no training
  can read the data faster. ``xy.sum()`` is printed too, as a second reading.

Each number is the median over repeats of the time per call. Targets: at
n = 1e6 loop/fast >= 1000 and fast/floor <= 3; at n = 100 fast no slower than loop.

Run from the repo root: ``python benchmarks/bench_core.py``. On a shared machine,
``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_core.py`` gives steadier numbers: a
multi-threaded BLAS call waits for its slowest thread, and with the CPUs busy that
can be milliseconds, which inflates the five-call fast path far more than the floor.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from linreg_core import make_dataset, train

LR = 0.01
EPOCHS = 1000
SIZES = (100, 10_000, 1_000_000)
LOOP_REPEATS = {100: 15, 10_000: 15, 1_000_000: 3}  # the loop at 1e6 takes seconds a run
REPEATS = 101  # samples for everything else: cheap, and the median then shrugs off
# the slow samples that other processes on a shared machine cause
_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
MIN_SAMPLE_S = 2e-3  # calls per sample are batched until a sample lasts this long


def notebook_loop(X: np.ndarray, y: np.ndarray, learning_rate: float, n_epochs: int):
    """Exercise 4 of the notebook, as written there: every epoch reads all the data."""
    w, b = 0.0, 0.0
    loss_history, w_history, b_history = [], [], []
    for _ in range(n_epochs):
        y_pred = w * X + b
        loss = np.mean((y - y_pred) ** 2)
        dw = np.mean(-2 * X * (y - y_pred))
        db = np.mean(-2 * (y - y_pred))
        w = w - learning_rate * dw
        b = b - learning_rate * db
        loss_history.append(loss)
        w_history.append(w)
        b_history.append(b)
    return loss_history, w_history, b_history


def median_time(
    fn: Callable[[], object], repeats: int, batch: bool = True, warm_up: bool = True
) -> float:
    """Median seconds per call of ``fn`` over ``repeats`` samples (garbage collector off).

    With ``batch``, fast calls are grouped so one sample lasts at least
    ``MIN_SAMPLE_S``: timer resolution and call overhead then stay negligible.
    """
    if warm_up:  # first-call allocation, page faults, BLAS thread start-up
        fn()
    calls = 1
    if batch:
        start = time.perf_counter()
        fn()
        once = time.perf_counter() - start
        calls = max(1, int(MIN_SAMPLE_S / max(once, 1e-9)))
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            samples.append((time.perf_counter() - start) / calls)
    finally:
        if gc_was_enabled:
            gc.enable()
    return statistics.median(samples)


def blas_name() -> str:
    """BLAS library numpy was built with, from ``np.show_config`` (best effort)."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older NumPy or an unusual build: the table still stands
        return "unknown"


def cpu_name() -> str:
    """CPU model, from /proc/cpuinfo on Linux (``platform.processor()`` is often empty)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def fmt(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:7.2f} {unit}"
    return f"{seconds / 1e-9:7.0f} ns"


def main() -> None:
    print("Machine")
    print(f"  platform  {platform.platform()}  ({platform.machine()})")
    print(f"  cpu       {cpu_name()}, {os.cpu_count()} logical CPUs")
    print(f"  python    {platform.python_version()}")
    print(f"  numpy     {np.__version__}, BLAS: {blas_name()}")
    threads = [f"{k}={os.environ[k]}" for k in _THREAD_VARS if k in os.environ]
    print(f"  threads   {', '.join(threads) or 'BLAS default (one per CPU)'}")
    load = os.getloadavg()[0]
    busy = "  <- busy: other processes share the CPUs, times may be inflated"
    print(f"  load      {load:.2f} (1-min average){busy if load > 0.5 else ''}")
    print(f"Task: {EPOCHS} epochs at lr = {LR}; medians of time per call\n")

    rows, misses = [], []
    for n in SIZES:
        data = make_dataset(n_samples=n)  # outside every timed region
        x, y, xy = data.x, data.y, data.xy

        # The two methods must agree before their times mean anything.
        # (This also warms the loop up: at n = 1e6 a run takes seconds.)
        fast_w = float(train(data, LR, EPOCHS).w[-1])
        loop_w = notebook_loop(x, y, LR, EPOCHS)[1][-1]
        assert np.isclose(fast_w, loop_w, rtol=1e-9), (n, fast_w, loop_w)

        fast = median_time(lambda data=data: train(data, LR, EPOCHS), REPEATS)
        loop = median_time(
            lambda x=x, y=y: notebook_loop(x, y, LR, EPOCHS),
            LOOP_REPEATS[n],
            batch=False,
            warm_up=False,
        )
        floor = median_time(lambda x=x, y=y: float(x @ y), REPEATS)
        floor_sum = median_time(lambda xy=xy: xy.sum(), REPEATS)
        rows.append((n, fast, loop, floor, floor_sum))

    head = (
        f"{'n':>9} | {'fast':>10} | {'loop':>10} | {'floor x@y':>10} | {'xy.sum()':>10} |"
        f" {'loop/fast':>9} | {'fast/floor':>10} | targets"
    )
    print(head)
    print("-" * len(head))
    for n, fast, loop, floor, floor_sum in rows:
        speedup, overhead = loop / fast, fast / floor
        targets = {
            100: [("fast <= loop", fast <= loop)],
            1_000_000: [("loop/fast >= 1000", speedup >= 1000), ("fast/floor <= 3", overhead <= 3)],
        }.get(n, [])
        checks = [f"{name} {'PASS' if ok else 'MISS'}" for name, ok in targets]
        misses += [check for check in checks if check.endswith("MISS")]
        print(
            f"{n:>9,} | {fmt(fast):>10} | {fmt(loop):>10} | {fmt(floor):>10} |"
            f" {fmt(floor_sum):>10} | {speedup:>9,.0f} | {overhead:>10.2f} | {'; '.join(checks)}"
        )
    print(f"\n{'All targets met.' if not misses else 'Missed: ' + '; '.join(misses)}")
    print(f"(1-min load average at the end: {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
