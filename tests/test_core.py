"""The NumPy core against independent answers: the notebook, lstsq, finite differences."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from linreg_core import (
    DIVERGENCE_FACTOR,
    LrRegime,
    RunState,
    classify_lr,
    diagnose,
    least_squares,
    loss_grid,
    make_dataset,
    stability,
    sufficient_stats,
    train,
    train_by_steps,
    train_many,
    train_step,
)
from tests.helpers import dataset_strategy
from tests.notebook_reference import (
    PRINTED_PROGRESS,
    notebook_data,
    notebook_train_step,
    notebook_training,
)

DATA = make_dataset()
STATS = sufficient_stats(DATA)


# --- The notebook ---------------------------------------------------------------------------


def test_default_dataset_is_the_notebooks():
    X, y = notebook_data()
    assert np.array_equal(DATA.x, X)
    assert np.array_equal(DATA.y, y)


def test_make_dataset_leaves_global_random_state_alone():
    before = np.random.get_state()[1].copy()
    make_dataset(seed=7)
    assert np.array_equal(np.random.get_state()[1], before)


def test_printed_progress_of_exercise_4():
    history = train(DATA, lr=0.01, epochs=100)
    lines = [
        f"Epoch {e:3d}: loss = {history.epoch_loss[e - 1]:.4f}, "
        f"w = {history.w[e]:.4f}, b = {history.b[e]:.4f}"
        for e in range(10, 101, 10)
    ]
    assert "\n".join(lines) == PRINTED_PROGRESS


@pytest.mark.parametrize("lr", [0.001, 0.01, 0.5])
def test_three_learning_rates_of_exercise_7(lr):
    (history,) = train_many(DATA, [lr], epochs=100)
    nb_loss, nb_w, nb_b = notebook_training(*notebook_data(), lr)
    k = history.epochs_run
    assert_allclose(history.epoch_loss, nb_loss[:k], rtol=1e-9)
    assert_allclose(history.w[1:], nb_w[:k], rtol=1e-9)
    assert_allclose(history.b[1:], nb_b[:k], rtol=1e-9)
    if lr == 0.5:  # the notebook's loss explodes; ours stops once it is clearly diverging
        assert history.diverged_at is not None and history.diverged_at < 100
        assert nb_loss[history.diverged_at] > DIVERGENCE_FACTOR * nb_loss[0]
        assert nb_loss[-1] > 1e100
    else:
        assert history.diverged_at is None and k == 100


def test_train_step_matches_notebook():
    step = train_step(DATA.x, DATA.y, 0.3, -0.2, 0.01)
    new_w, new_b, loss = notebook_train_step(DATA.x, DATA.y, 0.3, -0.2, 0.01)
    assert (step.new_w, step.new_b, step.loss) == (new_w, new_b, loss)
    assert_allclose(step.y_pred, 0.3 * DATA.x - 0.2)
    # The gradient by hand: d/dw mean((y - (w x + b))^2) = -2 mean(x (y - w x - b)).
    residual = DATA.y - (0.3 * DATA.x - 0.2)
    assert_allclose(step.dw, -2 * np.mean(DATA.x * residual), rtol=1e-12)
    assert_allclose(step.db, -2 * np.mean(residual), rtol=1e-12)


# --- Data ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 1}, "at least 2"),
        ({"n_samples": 2.5}, "whole number"),
        ({"x_min": 3.0, "x_max": 3.0}, "x_min must be below x_max"),
        ({"noise_std": -1.0}, "noise_std must be >= 0"),
        ({"true_w": math.nan}, "true_w must be a finite number"),
        ({"true_b": math.inf}, "true_b must be a finite number"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**32}, "seed"),
    ],
)
def test_make_dataset_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0.0}, "lr must be a positive"),
        ({"lr": -0.1}, "lr must be a positive"),
        ({"lr": math.nan}, "lr must be a positive"),
        ({"epochs": -1}, "epochs must be"),
        ({"epochs": 1.5}, "epochs must be"),
        ({"w0": math.inf}, "starting point must be finite"),
    ],
)
def test_train_rejects_bad_arguments(kwargs, message):
    args = {"lr": 0.01, "epochs": 10, "w0": 0.0, "b0": 0.0} | kwargs
    with pytest.raises(ValueError, match=message):
        train(DATA, **args)
    with pytest.raises(ValueError, match=message):
        train_by_steps(DATA, **args)


def test_data_is_read_only():
    with pytest.raises(ValueError):
        DATA.x[0] = 1.0
    history = train(DATA, 0.01, 5)
    with pytest.raises(ValueError):
        history.w[0] = 1.0


# --- Fast path against the plain loop --------------------------------------------------------

datasets = dataset_strategy(scale=10, noise=5, n_max=300)


def assert_same_run(fast, slow):
    assert fast.diverged_at == slow.diverged_at
    assert fast.epochs_run == slow.epochs_run
    scale = max(1.0, float(np.max(np.abs(slow.w))), float(np.max(np.abs(slow.b))))
    assert_allclose(fast.w, slow.w, rtol=1e-9, atol=1e-9 * scale)
    assert_allclose(fast.b, slow.b, rtol=1e-9, atol=1e-9 * scale)
    # Near a noise-free optimum the loss is a difference of nearly equal numbers in the plain
    # loop, so compare against the loss's own scale too.
    assert_allclose(fast.loss, slow.loss, rtol=1e-9, atol=1e-12 * max(slow.loss[0], 1.0))


@settings(max_examples=150, deadline=None)
@given(
    data=datasets,
    lr_factor=st.floats(0.001, 1.5),
    epochs=st.integers(0, 400),
    w0=st.floats(-10, 10),
    b0=st.floats(-10, 10),
)
def test_fast_path_equals_plain_loop(data, lr_factor, epochs, w0, b0):
    stats = sufficient_stats(data)
    lr = lr_factor * stability(stats).lr_max
    # Starting on the optimum with an unstable rate is balancing on a knife's edge: whether
    # rounding ever nudges the run off it is down to the last bit, not to the maths.
    assume(lr_factor < 1 or stats.loss(w0, b0) > stats.resid_var + 1e-9 * (1 + stats.var_y))
    assert_same_run(train(data, lr, epochs, w0, b0), train_by_steps(data, lr, epochs, w0, b0))


@pytest.mark.parametrize("lr", [1e-4, 0.01, 0.1, 0.5, 1.0])
def test_fast_path_equals_plain_loop_for_long_runs(lr):
    assert_same_run(train(DATA, lr, 5000), train_by_steps(DATA, lr, 5000))


# --- Analysis against independent answers ----------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(data=datasets)
def test_optimum_equals_lstsq(data):
    fit = least_squares(sufficient_stats(data))
    design = np.column_stack([data.x, np.ones(data.n_samples)])
    (w, b), *_ = np.linalg.lstsq(design, data.y, rcond=None)
    scale = max(1.0, abs(w), abs(b))
    assert_allclose([fit.w, fit.b], [w, b], rtol=1e-7, atol=1e-9 * scale)
    assert_allclose(
        fit.loss,
        np.mean((data.y - w * data.x - b) ** 2),
        rtol=1e-7,
        atol=1e-12 * np.mean(data.y**2) + 1e-300,
    )


@settings(max_examples=100, deadline=None)
@given(data=datasets, w=st.floats(-10, 10), b=st.floats(-10, 10))
def test_gradients_equal_finite_differences(data, w, b):
    step = train_step(data.x, data.y, w, b, lr=0.1)

    def loss(w_, b_):
        return np.mean((data.y - w_ * data.x - b_) ** 2)

    h = 1e-6
    dw = (loss(w + h, b) - loss(w - h, b)) / (2 * h)
    db = (loss(w, b + h) - loss(w, b - h)) / (2 * h)
    scale = 1.0 + abs(step.dw) + abs(step.db)
    assert_allclose([step.dw, step.db], [dw, db], atol=1e-5 * scale)
    assert_allclose(sufficient_stats(data).gradient(w, b), [step.dw, step.db], atol=1e-9 * scale)


def test_grid_loss_equals_brute_force():
    ws, bs = np.linspace(-2, 4, 7), np.linspace(-3, 5, 5)
    grid = loss_grid(STATS, ws, bs)
    brute = np.array([[np.mean((DATA.y - w * DATA.x - b) ** 2) for w in ws] for b in bs])
    assert grid.shape == (5, 7)
    assert_allclose(grid, brute, rtol=1e-12)


def test_least_squares_is_not_the_true_line():
    fit = least_squares(STATS)
    # An independent fit: NumPy's polynomial least squares on the same sample.
    w, b = np.polyfit(DATA.x, DATA.y, 1)
    assert_allclose((fit.w, fit.b), (w, b), rtol=1e-10)
    assert_allclose(fit.loss, np.mean((DATA.y - w * DATA.x - b) ** 2), rtol=1e-10)
    # The sample's noise pulls the fit off the true line, which does worse on this sample.
    assert abs(fit.w - 1.5) > 1e-3 and fit.loss < np.mean((DATA.y - 1.5 * DATA.x - 2.0) ** 2)


# --- Stability --------------------------------------------------------------------------------


def test_stability_limit_matches_hessian_eigenvalues():
    n = DATA.n_samples
    hessian = 2 / n * np.array([[DATA.x @ DATA.x, DATA.x.sum()], [DATA.x.sum(), n]])
    s = stability(STATS)
    assert_allclose(s.lr_max, 2 / np.linalg.eigvalsh(hessian).max(), rtol=1e-12)
    assert round(s.lr_max, 3) == 0.113


@settings(max_examples=40, deadline=None)
@given(data=datasets)
def test_just_below_the_limit_converges_and_just_above_diverges(data):
    stats = sufficient_stats(data)
    lr_max = stability(stats).lr_max
    below = train(stats, 0.98 * lr_max, 5000, 3.0, -3.0)
    above = train(stats, 1.02 * lr_max, 5000, 3.0, -3.0)
    # Below: the loss never rises (every direction shrinks), and ends lower than it started.
    assert below.diverged_at is None
    assert np.all(np.diff(below.loss) <= 1e-9 * below.loss[0])
    # Above: the steep direction grows by |1 - lr * lam_max| = 1.04 a step, e^196 in 5000
    # steps, unless the start has (almost) no component along it.
    _, vecs = np.linalg.eigh(stats.hessian)
    steep = abs(vecs[:, 1] @ [3.0 - stats.w_ls, -3.0 - stats.b_ls])
    if steep > 1e-6:
        assert above.diverged_at is not None
    assert classify_lr(stats, 0.98 * lr_max) is LrRegime.OSCILLATING
    assert classify_lr(stats, 1.02 * lr_max) is LrRegime.DIVERGING
    assert classify_lr(stats, 0.5 * lr_max) is LrRegime.MONOTONE


def test_diverged_run_is_cut_and_finite():
    history = train(DATA, 1.0, 5000)
    assert history.diverged_at is not None
    assert history.epochs_run <= history.diverged_at
    assert np.isfinite(history.w).all() and np.isfinite(history.loss).all()


def test_huge_learning_rate_overflow_is_stopped_without_warnings():
    data = make_dataset(x_min=-1e100, x_max=1e100, n_samples=10)
    history = train(data, 1e10, 100)  # RuntimeWarnings are errors in this suite
    assert history.diverged_at is not None
    assert np.isfinite(history.loss).all()


# --- Diagnosis --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lr", "epochs", "state"),
    [
        (0.01, 100, RunState.CONVERGING),
        (0.01, 2000, RunState.CONVERGED),
        (0.1, 8, RunState.OSCILLATING),
        (0.5, 100, RunState.DIVERGED),
        (0.1128, 40, RunState.OSCILLATING),
        (0.1130, 40, RunState.DIVERGED),
    ],
)
def test_diagnosis_states(lr, epochs, state):
    assert diagnose(train(DATA, lr, epochs), STATS).state is state


def test_epochs_needed_is_right():
    d = diagnose(train(DATA, 0.01, 100), STATS)
    more = math.ceil(d.epochs_needed)
    assert diagnose(train(DATA, 0.01, 100 + more), STATS).state is RunState.CONVERGED
    assert diagnose(train(DATA, 0.01, 100 + more - 2), STATS).state is RunState.CONVERGING


def test_constant_x_has_a_minimum_norm_optimum_and_still_trains():
    data = make_dataset(x_min=3.0, x_max=3.0 + 1e-13, n_samples=20, noise_std=0.5)
    stats = sufficient_stats(data)
    design = np.column_stack([data.x, np.ones(data.n_samples)])
    (w, b), *_ = np.linalg.lstsq(design, data.y, rcond=None)
    assert_allclose([stats.w_ls, stats.b_ls], [w, b], rtol=1e-6)
    assert_same_run(train(data, 0.01, 300), train_by_steps(data, 0.01, 300))


def test_negative_zero_noise_is_zero_noise():
    data = make_dataset(noise_std=-0.0, n_samples=5)
    assert np.allclose(data.y, 1.5 * data.x + 2.0)
