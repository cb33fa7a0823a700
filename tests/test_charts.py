"""Chart builders as pure functions: schema-valid, synchronised, small, true to the core."""

import base64
import json
import math
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from numpy.testing import assert_allclose

from app.charts import (
    MAX_FRAMES,
    MAX_PATH_POINTS,
    MIN_FRAME_MS,
    N_LEVELS,
    PANEL_TITLES,
    TICK_MS,
    ChartStyle,
    animation_plan,
    frame_epochs,
    playground_figure,
    race_figure,
)
from app.compute import run
from app.params import Settings
from linreg_core import make_dataset, sufficient_stats, train_many

DEFAULT = run(Settings())
MAXIMUM = run(Settings(n_samples=10000, epochs=5000))
DIVERGED = run(Settings(lr=0.5))


def decode(array):
    """A trace array as NumPy: typed-array JSON (bdata) or a plain list."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array, dtype=float)


def by_name(fig, name):
    (trace,) = [t for t in fig["data"] if t.get("name") == name]
    return trace


@pytest.mark.parametrize("r", [DEFAULT, MAXIMUM, DIVERGED], ids=["default", "max", "diverged"])
def test_figure_is_valid_plotly(r):
    go.Figure(playground_figure(r))  # raises on any property Plotly does not know


def test_four_panels_with_their_traces():
    fig = playground_figure(DEFAULT)
    axes = {(t["xaxis"], t["yaxis"]) for t in fig["data"]}
    assert axes == {("x", "y"), ("x2", "y2"), ("x3", "y3"), ("x4", "y4")}
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == list(PANEL_TITLES)
    names = {t.get("name") for t in fig["data"]}
    for expected in (
        "data",
        "gradient descent",
        "loss",
        "w",
        "b",
        "path",
        "start",
        "true (w, b)",
        "least-squares optimum",
        "least-squares loss",
    ):
        assert expected in names
    levels = [t for t in fig["data"] if t.get("fill") == "toself"]
    assert len(levels) == N_LEVELS and all(t["xaxis"] == "x4" for t in levels)


def test_landscape_levels_are_exact_level_sets():
    fig = playground_figure(DEFAULT)
    stats = DEFAULT.stats
    levels = [t for t in fig["data"] if t.get("fill") == "toself"]
    losses = []
    for trace in levels:
        w, b = decode(trace["x"]), decode(trace["y"])
        loss = np.array([stats.loss(float(wi), float(bi)) for wi, bi in zip(w, b, strict=True)])
        assert loss.max() - loss.min() <= 1e-4 * loss.mean()  # one level all round
        losses.append(loss.mean())
    assert np.all(np.diff(losses) < 0)  # outermost first, so inner levels are drawn on top
    assert losses[-1] > stats.resid_var


def test_landscape_falls_back_to_a_contour_when_x_is_constant():
    same_x = make_dataset(x_min=3.0, x_max=3.0 + 1e-13, n_samples=20)
    trough = replace(DEFAULT, data=same_x, stats=sufficient_stats(same_x))
    fig = playground_figure(trough)
    go.Figure(fig)
    assert [t["type"] for t in fig["data"] if t["xaxis"] == "x4"].count("contour") == 1


def test_least_squares_toggle_removes_its_traces():
    names = {t.get("name", "") for t in playground_figure(DEFAULT, show_ls=False)["data"]}
    assert not any("least" in n for n in names)


@pytest.mark.parametrize(("epochs_run", "expected"), [(0, 1), (5, 6), (199, 200), (5000, 200)])
def test_frame_count(epochs_run, expected):
    epochs = frame_epochs(epochs_run)
    assert len(epochs) == expected <= MAX_FRAMES
    assert epochs[0] == 0 and epochs[-1] == epochs_run
    assert np.all(np.diff(epochs) > 0)


@pytest.mark.parametrize("r", [DEFAULT, MAXIMUM, DIVERGED], ids=["default", "max", "diverged"])
def test_every_frame_moves_every_panel(r):
    fig = playground_figure(r)
    frames = fig["frames"]
    assert [int(f["name"]) for f in frames] == animation_plan(r.history.epochs_run, 8.0)[0].tolist()
    panels = {fig["data"][i]["xaxis"] for i in frames[0]["traces"]}
    assert panels == {"x", "x2", "x3", "x4"}
    for frame in frames:
        assert len(frame["data"]) == len(frame["traces"])
        assert frame["traces"] == frames[0]["traces"]
    # Frames carry only what moves: the static traces are never in a frame.
    assert not set(frames[0]["traces"]) & {
        i for i, t in enumerate(fig["data"]) if t.get("name") in ("data", "loss", "w", "b")
    }


def test_frames_hold_the_cores_numbers():
    fig = playground_figure(DEFAULT)
    h = DEFAULT.history
    moving = fig["frames"][0]["traces"]
    w_b_now = moving.index(next(i for i in moving if fig["data"][i]["name"] == "now"))
    path = moving.index(next(i for i in moving if fig["data"][i]["name"] == "path"))
    for frame in fig["frames"]:
        k = int(frame["name"])
        assert_allclose(frame["data"][w_b_now]["y"], [h.w[k], h.b[k]])
        assert frame["data"][path]["x"][-1] == pytest.approx(h.w[k], rel=1e-4)
        assert len(frame["data"][path]["x"]) <= MAX_PATH_POINTS + 1


def test_static_curves_equal_the_core():
    fig = playground_figure(DEFAULT)
    h = DEFAULT.history
    assert_allclose(decode(by_name(fig, "loss")["y"]), h.loss, rtol=1e-6)
    assert_allclose(decode(by_name(fig, "w")["y"]), h.w, rtol=1e-6, atol=1e-7)
    assert_allclose(decode(by_name(fig, "data")["x"]), DEFAULT.data.x, rtol=1e-6)


@pytest.mark.parametrize("seconds", [3.0, 8.0, 20.0])
def test_fast_play_uses_fewer_frames_not_shorter_ones(seconds):
    fig = playground_figure(MAXIMUM, seconds=seconds)
    play = fig["layout"]["updatemenus"][0]["buttons"][0]["args"][1]
    # What a frame really lasts: its duration, rounded up to whole display frames.
    shown_ms = math.ceil(play["frame"]["duration"] / TICK_MS) * TICK_MS
    assert shown_ms >= MIN_FRAME_MS - 1e-9
    assert shown_ms * (len(fig["frames"]) - 1) == pytest.approx(1000 * seconds, rel=0.05)


def test_play_takes_the_promised_time():
    fig = playground_figure(DEFAULT, seconds=8.0)
    play = fig["layout"]["updatemenus"][0]["buttons"][0]["args"][1]
    n = len(fig["frames"])
    assert n == 101  # every epoch of the notebook's run has its frame
    shown_ms = math.ceil(play["frame"]["duration"] / TICK_MS) * TICK_MS
    assert shown_ms * (n - 1) == pytest.approx(8000, rel=0.05)
    steps = fig["layout"]["sliders"][0]["steps"]
    assert [s["args"][0][0] for s in steps] == [f["name"] for f in fig["frames"]]


@pytest.mark.parametrize("r", [DEFAULT, MAXIMUM, DIVERGED], ids=["default", "max", "diverged"])
def test_payload_is_small_and_finite(r):
    text = pio.to_json(playground_figure(r), validate=False)
    assert len(text) <= 300_000
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)  # strict JSON


def test_axes_are_fixed():
    layout = playground_figure(DEFAULT)["layout"]
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3", "xaxis4", "yaxis4"):
        assert len(layout[axis]["range"]) == 2


def test_lecture_style_scales_fonts():
    fig = playground_figure(DEFAULT, style=ChartStyle(font_size=22, dark=True))
    assert fig["layout"]["font"]["size"] == 22


def test_race_marks_divergence_and_is_valid():
    histories = train_many(DEFAULT.stats, (0.001, 0.01, 0.5), 100)
    fig = race_figure(histories, DEFAULT)
    go.Figure(fig)
    names = [t.get("name", "") for t in fig["data"]]
    assert any(n.startswith("lr = 0.5: diverged at epoch") for n in names)
    assert any(n == "lr = 0.01 (current)" for n in names)
    assert sum(1 for t in fig["data"] if t.get("marker", {}).get("symbol") == "x") == 1
