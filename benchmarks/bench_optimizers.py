"""Benchmark: each optimizer's full-batch fast path, and mini-batches at the step bound.

Prints the median time per call of ``linreg_core.train`` (sufficient statistics
included) for every optimizer at 10,000 samples × 5,000 epochs and at the app's
defaults (100 samples × 100 epochs), and for mini-batches of 1 at
``MAX_STEPS`` steps. Beside each: the plain step-by-step loop (``np.mean``
gradients over the raw data, PyTorch's rules), timed in the same process, as a
ratio. Target: full batch under 50 ms at 10,000 × 5,000.

Run from the repo root: ``python benchmarks/bench_optimizers.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from linreg_core import KINDS, MAX_STEPS, Optimizer, make_dataset, train

LR = 0.01
REPEATS = 15


def plain_loop(x, y, lr, epochs, opt, batch=None, rng=None):
    """The reference: every step reads its batch and applies the rule with NumPy arrays."""
    theta, v, m, s, t = np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2), 0
    beta, beta2 = opt.beta, opt.beta2
    n = len(x)
    size = batch or n
    for _ in range(epochs):
        order = np.arange(n) if batch is None else rng.permutation(n)
        for i in range(0, n, size):
            xb, yb = x[order[i : i + size]], y[order[i : i + size]]
            r = yb - theta[0] * xb - theta[1]
            g = np.array([np.mean(-2 * xb * r), np.mean(-2 * r)])
            t += 1
            if opt.kind == "gd":
                theta = theta - lr * g
            elif opt.kind in ("momentum", "nesterov"):
                v = beta * v + g
                theta = theta - lr * (g + beta * v if opt.kind == "nesterov" else v)
            else:
                s = beta2 * s + (1 - beta2) * g * g
                if opt.kind == "rmsprop":
                    theta = theta - lr * g / (np.sqrt(s) + 1e-8)
                else:
                    m = beta * m + (1 - beta) * g
                    m_hat, s_hat = m / (1 - beta**t), s / (1 - beta2**t)
                    theta = theta - lr * m_hat / (np.sqrt(s_hat) + 1e-8)
    return theta


def median_ms(fn, repeats: int = REPEATS) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def full_batch(n: int, epochs: int) -> None:
    data = make_dataset(n_samples=n)
    print(f"\nfull batch, {n:,} samples x {epochs:,} epochs (lr = {LR})")
    print(f"{'optimizer':<10} {'fast ms':>9} {'loop ms':>9} {'loop/fast':>10}")
    for kind in KINDS:
        opt = Optimizer(kind)
        fast = median_ms(lambda opt=opt: train(data, LR, epochs, optimizer=opt))
        loop = median_ms(lambda opt=opt: plain_loop(data.x, data.y, LR, epochs, opt), repeats=3)
        print(f"{kind:<10} {fast:9.2f} {loop:9.1f} {loop / fast:10.0f}")


def mini_batch(n: int) -> None:
    data = make_dataset(n_samples=n)
    epochs = MAX_STEPS // n  # batch 1: n steps an epoch, MAX_STEPS in all
    print(f"\nmini-batch of 1, {n:,} samples x {epochs:,} epochs = {MAX_STEPS:,} steps")
    print(f"{'optimizer':<10} {'fast ms':>9} {'loop ms':>9} {'loop/fast':>10}")
    for kind in KINDS:
        opt = Optimizer(kind)
        fast = median_ms(lambda opt=opt: train(data, LR, epochs, optimizer=opt, batch_size=1), 5)
        loop = median_ms(
            lambda opt=opt: plain_loop(
                data.x, data.y, LR, epochs, opt, 1, np.random.default_rng(data.seed)
            ),
            repeats=1,
        )
        print(f"{kind:<10} {fast:9.1f} {loop:9.1f} {loop / fast:10.1f}")


if __name__ == "__main__":
    full_batch(10_000, 5_000)
    full_batch(100, 100)
    mini_batch(100)
    mini_batch(10_000)
