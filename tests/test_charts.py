"""Chart builders as pure functions: schema-valid, synchronised, small, true to the core."""

import base64
import doctest
import itertools
import json
import math
import re
import struct
import zlib
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hst
from numpy.testing import assert_allclose

from app.charts import (
    MAX_FRAMES,
    ChartStyle,
    animation,
    animation_plan,
    data_figure,
    frame_epochs,
    playground_figure,
    race_figure,
)
from app.charts import playground as playground_module
from app.charts import traces as traces_module
from app.charts.animation import MIN_FRAME_MS
from app.charts.data import canvas_figure
from app.charts.grid import MODEBAR_PX
from app.charts.playground import MAX_PATH_POINTS, PANEL_TITLES
from app.model.compute import GRID_SIZE, run
from app.model.links import parse_query
from app.model.numbers import number_text
from app.model.params import RACE_LRS, SPEEDS
from app.model.settings import Settings, View, split
from linreg_core import make_dataset, sufficient_stats, train_many
from tests.helpers import by_name, decode, plotly_figure
from tests.notebook_reference import notebook_data, notebook_training

DEFAULT = run(Settings())
MAXIMUM = run(Settings(n_samples=10000, epochs=5000))
DIVERGED = run(Settings(lr=0.5))
RUNS = pytest.mark.parametrize(
    "r", [DEFAULT, MAXIMUM, DIVERGED], ids=["default", "max", "diverged"]
)
#: The moving traces, one per panel, in panel order: the last four traces of ``data``.
MOVING = ("gradient descent", "loss now", "now", "path")
PANEL_AXES = [("x", "y"), ("x2", "y2"), ("x3", "y3"), ("x4", "y4")]
#: A display frame at 60 Hz: Plotly shows a frame for a whole number of these.
DISPLAY_FRAME_MS = 1000 / 60
#: The notebook's run, computed by the notebook's own code.
NOTEBOOK_LOSS, NOTEBOOK_W, NOTEBOOK_B = notebook_training(*notebook_data(), 0.01)


@RUNS
def test_figures_are_valid_plotly(r):
    plotly_figure(playground_figure(r))  # raises on any property Plotly does not know
    plotly_figure(data_figure(r))
    plotly_figure(race_figure(train_many(r.stats, RACE_LRS, r.settings.epochs), r))


def test_four_panels_with_their_traces():
    fig = playground_figure(DEFAULT)
    axes = {(t["xaxis"], t["yaxis"]) for t in fig["data"]}
    assert axes == set(PANEL_AXES)
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == list(PANEL_TITLES)
    names = {t.get("name") for t in fig["data"]}
    for expected in ("data", "loss", "w", "b", "landmarks", "loss levels", *MOVING):
        assert expected in names
    assert by_name(fig, "landmarks")["text"] == ["start", "true (w, b)", "least-squares optimum"]


def test_straight_lines_are_shapes_on_their_panels():
    """True and least-squares lines, the loss floor and the reference levels of w and b."""
    run = DEFAULT
    shapes = playground_figure(run)["layout"]["shapes"]
    on_panel = {}
    for shape in shapes:
        on_panel.setdefault((shape["xref"], shape["yref"]), []).append(shape)
    data, loss, params = (on_panel[axes] for axes in PANEL_AXES[:3])
    s, ls = run.settings, run.least_squares
    slopes = sorted(round((d["y1"] - d["y0"]) / (d["x1"] - d["x0"]), 9) for d in data)
    assert slopes == sorted([round(s.true_w, 9), round(ls.w, 9)])
    assert [(d["y0"], d["y1"]) for d in loss] == [(ls.loss, ls.loss)]
    levels = sorted(d["y0"] for d in params)
    assert levels == sorted([s.true_w, ls.w, s.true_b, ls.b])
    assert {d.get("name") for d in data} == {
        f"true line: y = {s.true_w:g}x + {s.true_b:g}",
        f"least squares: y = {ls.w:.3f}x + {ls.b:.3f}",
    }
    without = playground_figure(run, view=View(show_ls=False))["layout"]["shapes"]
    assert len(without) == 1 + 2  # the true line and the true levels of w and b


def test_the_points_stand_in_front_of_the_fitted_line():
    """Two points: the fitted line runs through both, so it must not be drawn over them."""
    fig = playground_figure(run(Settings(n_samples=2)))
    on_data = [t for t in fig["data"] if (t["xaxis"], t["yaxis"]) == PANEL_AXES[0]]
    points = by_name(fig, "data")
    assert all(t.get("zorder", 0) < points["zorder"] for t in on_data if t is not points)
    assert all(s["layer"] == "below" for s in fig["layout"]["shapes"])
    assert by_name(playground_figure(DEFAULT), "data")["zorder"] == 0  # 100: no extra layers


def test_thousands_of_points_are_marked_for_one_picture_and_a_few_hundred_keep_their_hover():
    """Past 500 drawn points the chart draws them as one picture (meta.raster): their
    hover goes, and a few hundred keep theirs."""
    few = [t for t in playground_figure(run(Settings(n_samples=500)))["data"] if "meta" in t]
    assert few == []
    for figure in (
        playground_figure(run(Settings(n_samples=1000))),
        data_figure(run(Settings(n_samples=1000))),
    ):
        points = [t for t in figure["data"] if t.get("meta") == {"raster": True}]
        assert [t["name"] for t in points] == ["data"]
        assert points[0]["marker"]["size"] == 4 and points[0]["marker"]["opacity"] == 0.45


def test_a_negative_intercept_reads_as_a_minus_in_the_legend():
    run_ = run(Settings(true_w=-1.5, true_b=-2.0))
    names = {d.get("name") for d in playground_figure(run_)["layout"]["shapes"]} - {None}
    ls = run_.least_squares
    assert "true line: y = −1.5x − 2" in names
    assert f"least squares: y = −{-ls.w:.3f}x − {-ls.b:.3f}" in names
    assert not any("+ -" in n for n in names)


_TEX_DIGITS = r"(\d+(?:\.\d+)?)(?: \\times 10\^\{(-?\d+)\})?"
_TEX_LINE = re.compile(rf"(y|\\hat\{{y\}}) = (-?){_TEX_DIGITS}\\,x ([+-]) {_TEX_DIGITS}")


def _read_tex_line(tex):
    """The slope and intercept a reader of the TeX line sees, as numbers."""
    match = _TEX_LINE.fullmatch(tex)
    assert match, tex
    lhs, w_sign, w_digits, w_power, b_sign, b_digits, b_power = match.groups()

    def number(sign, digits, power):
        return (-1 if sign == "-" else 1) * float(digits) * 10.0 ** int(power or 0)

    return lhs, number(w_sign, w_digits, w_power), number(b_sign, b_digits, b_power)


@given(
    hst.floats(-1e12, 1e12, allow_nan=False) | hst.floats(-1e-3, 1e-3),
    hst.floats(-1e12, 1e12, allow_nan=False) | hst.floats(-1e-3, 1e-3),
    hst.booleans(),
)
def test_the_latex_line_reads_back_as_its_slope_and_intercept(w, b, model):
    """The lesson writes its lines in LaTeX: read as a person reads them (a sign, digits,
    perhaps times a power of ten, never Python's ``1e-05``), they give back the slope and
    intercept to the legend's six significant digits, with ``\\hat{y}`` for a model."""
    tex = traces_module.latex_equation(w, b, model=model)
    lhs, slope, intercept = _read_tex_line(tex)
    assert lhs == (r"\hat{y}" if model else "y")
    assert slope == pytest.approx(w, rel=5e-6, abs=1e-300)
    assert intercept == pytest.approx(b, rel=5e-6, abs=1e-300)
    assert tex.isascii() and "$" not in tex and "e" not in tex.replace(r"\times", "")


def test_the_latex_line_writes_a_power_of_ten_as_tex_does():
    assert traces_module.latex_equation(1e-05, 0) == r"y = 1 \times 10^{-5}\,x + 0"
    assert traces_module.latex_equation(0, -2.5e20, model=True) == (
        r"\hat{y} = 0\,x - 2.5 \times 10^{20}"
    )


def test_moving_traces_are_the_last_four_one_per_panel():
    fig = playground_figure(DEFAULT)
    last_four = fig["data"][-4:]
    assert [t["name"] for t in last_four] == list(MOVING)
    assert [(t["xaxis"], t["yaxis"]) for t in last_four] == PANEL_AXES
    n = len(fig["data"])
    assert all(f["traces"] == list(range(n - 4, n)) for f in fig["frames"])


def test_landscape_is_one_image_and_one_trace_of_level_lines():
    fig = playground_figure(DEFAULT)
    on_landscape = [t for t in fig["data"] if t["xaxis"] == "x4"]
    assert not [t for t in on_landscape if t["type"] in ("contour", "heatmap") or "fill" in t]
    assert [t["name"] for t in on_landscape].count("loss levels") == 1
    (image,) = fig["layout"]["images"]
    assert (image["xref"], image["yref"]) == ("x4", "y4")


def _png_pixels(source: str) -> np.ndarray:
    """Decode the app's PNG data URI (8-bit RGB, no interlace) into (height, width, 3)."""
    prefix = "data:image/png;base64,"
    assert source.startswith(prefix)
    png = base64.b64decode(source[len(prefix) :], validate=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        tag, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(tag + body), f"bad CRC in the {tag!r} chunk"
        chunks[tag] = chunks.get(tag, b"") + body
        at += 12 + length
    assert tag == b"IEND"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour, interlace) == (8, 2, 0)  # 8-bit RGB
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8)
    rows = rows.reshape(height, 1 + 3 * width)
    assert not rows[:, 0].any()  # filter "none" on every row: the bytes are the pixels
    return rows[:, 1:].reshape(height, width, 3)


@pytest.mark.parametrize("r", [DEFAULT, DIVERGED], ids=["default", "diverged"])
def test_landscape_image_is_a_png_of_the_grid(r):
    layout = playground_figure(r)["layout"]
    image = layout["images"][0]
    pixels = _png_pixels(image["source"])
    assert pixels.shape == (len(r.grid.b), len(r.grid.w), 3) == (GRID_SIZE, GRID_SIZE, 3)
    # The image covers the panel's axes, and its lowest loss is its brightest colour.
    assert image["x"] <= layout["xaxis4"]["range"][0] < layout["xaxis4"]["range"][1]
    assert layout["xaxis4"]["range"][1] <= image["x"] + image["sizex"]
    assert image["y"] - image["sizey"] <= layout["yaxis4"]["range"][0]
    assert layout["yaxis4"]["range"][1] <= image["y"]
    brightness = pixels.astype(int).sum(axis=2)[::-1]  # row 0 = lowest b, as in grid.loss
    lowest = np.unravel_index(np.argmin(r.grid.loss), r.grid.loss.shape)
    highest = np.unravel_index(np.argmax(r.grid.loss), r.grid.loss.shape)
    assert brightness[lowest] == brightness.max() > brightness[highest] == brightness.min()


def test_landscape_levels_are_level_sets_of_the_loss():
    """Each ellipse of "loss levels" has one loss all round, computed from the data directly."""
    trace = by_name(playground_figure(DEFAULT), "loss levels")
    x, y = DEFAULT.data.x, DEFAULT.data.y
    floor = np.mean((y - DEFAULT.least_squares.w * x - DEFAULT.least_squares.b) ** 2)
    ws = np.array([np.nan if v is None else v for v in trace["x"]])
    bs = np.array([np.nan if v is None else v for v in trace["y"]])
    excess = []
    for piece in np.split(np.arange(len(ws)), np.flatnonzero(np.isnan(ws))):
        piece = piece[~np.isnan(ws[piece])]
        if piece.size:
            loss = np.array(
                [np.mean((y - w * x - b) ** 2) for w, b in zip(ws[piece], bs[piece], strict=True)]
            )
            excess.append(loss - floor)
    means = np.array([e.mean() for e in excess])
    assert np.all(means > 0) and np.all(np.diff(means) < 0)  # nested, outermost first
    # The points are rounded to 4 digits, which matters most on the smallest ellipses.
    spreads = [(e.max() - e.min()) / e.mean() for e in excess]
    assert spreads[0] < 1e-3 and max(spreads) < 0.15, spreads


def test_constant_x_has_no_level_lines_but_still_draws():
    same_x = make_dataset(x_min=3.0, x_max=3.0 + 1e-13, n_samples=20)
    trough = replace(DEFAULT, data=same_x, stats=sufficient_stats(same_x))
    fig = playground_figure(trough)
    plotly_figure(fig)
    assert "loss levels" not in {t.get("name") for t in fig["data"]}
    assert len(fig["layout"]["images"]) == 1


def test_least_squares_toggle_removes_its_traces():
    names = {
        t.get("name", "") for t in playground_figure(DEFAULT, view=View(show_ls=False))["data"]
    }
    assert not any("least" in n for n in names)
    assert "gradient descent" in names


@pytest.mark.parametrize(("epochs_run", "expected"), [(0, 1), (5, 6), (199, 200), (5000, 200)])
def test_frame_count(epochs_run, expected):
    epochs = frame_epochs(epochs_run)
    assert len(epochs) == expected <= MAX_FRAMES
    assert epochs[0] == 0 and epochs[-1] == epochs_run
    assert np.all(np.diff(epochs) > 0)


@RUNS
def test_every_frame_moves_every_panel(r):
    fig = playground_figure(r)
    frames = fig["frames"]
    assert [int(f["name"]) for f in frames] == animation_plan(r.history.epochs_run, 8.0)[0].tolist()
    for frame in frames:
        assert len(frame["data"]) == len(frame["traces"]) == 4
        panels = {fig["data"][i]["xaxis"] for i in frame["traces"]}
        assert panels == {"x", "x2", "x3", "x4"}
    # Frames carry only what moves: the static traces are never in a frame.
    static = {i for i, t in enumerate(fig["data"]) if t.get("name") in ("data", "loss", "w", "b")}
    assert not static & {i for f in frames for i in f["traces"]}


def test_every_frame_of_the_notebooks_run_changes_every_panel():
    frames = playground_figure(DEFAULT)["frames"]
    for before, after in itertools.pairwise(frames):
        for panel in range(4):
            assert before["data"][panel] != after["data"][panel], (after["name"], MOVING[panel])


def test_frames_hold_the_notebooks_numbers():
    fig = playground_figure(DEFAULT)
    ws, bs = [0.0, *NOTEBOOK_W], [0.0, *NOTEBOOK_B]  # the start, then after each epoch
    xs = fig["data"][-4]["x"]
    for frame in fig["frames"]:
        k = int(frame["name"])
        line, loss_now, now, path = frame["data"]
        assert_allclose(line["y"], [ws[k] * x + bs[k] for x in xs], rtol=1e-9)
        assert_allclose(now["y"], [ws[k], bs[k]], rtol=1e-9)
        assert now["x"] == [k, k] and loss_now["x"] == [k]
        if k < 100:  # the notebook records the loss before each update
            assert_allclose(loss_now["y"], [NOTEBOOK_LOSS[k]], rtol=1e-9)
        assert path["x"][-1] == pytest.approx(ws[k], rel=1e-4)
        assert path["y"][-1] == pytest.approx(bs[k], rel=1e-4)
        assert len(path["x"]) <= MAX_PATH_POINTS + 1


def test_the_figure_opens_on_the_last_epoch():
    fig = playground_figure(DEFAULT)
    h = DEFAULT.history
    line, loss_now, now, path = fig["data"][-4:]
    assert_allclose(line["y"], [h.w[-1] * x + h.b[-1] for x in line["x"]])
    assert loss_now["x"] == [h.epochs_run] and loss_now["y"] == [pytest.approx(h.loss[-1])]
    assert now["y"] == [pytest.approx(h.w[-1]), pytest.approx(h.b[-1])]
    assert_allclose([path["x"][-1], path["y"][-1]], [h.w[-1], h.b[-1]], rtol=1e-4)  # 5 digits
    # The epoch axes go a little past epoch 0 and the last, so no marker is cut in half.
    for axis in ("xaxis2", "xaxis3"):
        lo, hi = fig["layout"][axis]["range"]
        assert -0.05 * h.epochs_run <= lo < 0 and h.epochs_run < hi <= 1.05 * h.epochs_run
    # ... which is the last frame's state
    for trace, update in zip(fig["data"][-4:], fig["frames"][-1]["data"], strict=True):
        assert trace | update == trace
    # The label under the chart: the notebook's final w = 1.4206, b = 1.7024, to 3 decimals.
    labels = fig["animation"]["labels"]
    assert len(labels) == len(fig["frames"])
    assert labels[-1].startswith(f"epoch 100 · w = {NOTEBOOK_W[-1]:.4f} · b = {NOTEBOOK_B[-1]:.4f}")
    assert labels[0].startswith("epoch 0 · w = 0.0000 · b = 0.0000")


def test_static_curves_equal_the_notebooks_run():
    fig = playground_figure(DEFAULT)
    assert_allclose(decode(by_name(fig, "loss")["y"])[:100], NOTEBOOK_LOSS, rtol=1e-6)
    assert_allclose(decode(by_name(fig, "w")["y"])[1:], NOTEBOOK_W, rtol=1e-6)
    assert_allclose(decode(by_name(fig, "b")["y"])[1:], NOTEBOOK_B, rtol=1e-6)
    x, _ = notebook_data()
    assert_allclose(decode(by_name(fig, "data")["x"]), x, rtol=1e-6)


def _shown_ms(frame_ms: float) -> float:
    """What a frame really lasts: its duration, rounded up to whole display frames."""
    return math.ceil(frame_ms / DISPLAY_FRAME_MS) * DISPLAY_FRAME_MS


@pytest.mark.parametrize("speed", list(SPEEDS))
def test_fast_play_uses_fewer_frames_not_shorter_ones(speed):
    fig = playground_figure(MAXIMUM, view=View(speed=speed))
    shown_ms = _shown_ms(fig["animation"]["frame_ms"])
    assert shown_ms >= MIN_FRAME_MS - 1e-9
    assert shown_ms * (len(fig["frames"]) - 1) == pytest.approx(1000 * SPEEDS[speed], rel=0.05)


def test_play_takes_the_promised_time():
    fig = playground_figure(DEFAULT, view=View(speed="normal"))
    n = len(fig["frames"])
    assert n == 101  # every epoch of the notebook's run has its frame
    assert _shown_ms(fig["animation"]["frame_ms"]) * (n - 1) == pytest.approx(8000, rel=0.05)


@RUNS
def test_scrubber_ticks_are_round_epochs_from_first_to_last(r):
    fig = playground_figure(r)
    ticks, last = fig["animation"]["ticks"], int(fig["frames"][-1]["name"])
    assert ticks[0] == 0 and ticks[-1] == last and ticks == sorted(set(ticks))
    assert len(ticks) <= 6
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    assert str(step).strip("0") in ("1", "2", "5")  # 1, 2 or 5 times a power of ten
    assert all(t % step == 0 for t in ticks[:-1])  # only the last may be off the steps


@RUNS
def test_payload_is_small_and_finite(r):
    text = json.dumps(playground_figure(r), allow_nan=False)  # strict JSON: raises on NaN
    assert len(text) <= 300_000


def _within(values, axis_range, log=False) -> bool:
    values = np.log10(values) if log else np.asarray(values)
    return axis_range[0] <= values.min() and values.max() <= axis_range[1]


def test_axes_hold_everything_drawn_on_them():
    """The ranges are fixed (the axes never rescale while Play runs), so they must be wide
    enough for every point of the run."""
    layout = playground_figure(DEFAULT)["layout"]
    r, s = DEFAULT, DEFAULT.settings
    assert _within(r.data.x, layout["xaxis"]["range"])
    assert _within(r.data.y, layout["yaxis"]["range"])
    assert layout["yaxis2"]["type"] == "log"
    assert _within(r.history.loss, layout["yaxis2"]["range"], log=True)
    assert _within([0, r.history.epochs_run], layout["xaxis2"]["range"])
    assert _within(np.concatenate([r.history.w, r.history.b]), layout["yaxis3"]["range"])
    ws = [*r.history.w, s.w0, s.true_w, r.least_squares.w]
    bs = [*r.history.b, s.b0, s.true_b, r.least_squares.b]
    assert _within(ws, layout["xaxis4"]["range"]) and _within(bs, layout["yaxis4"]["range"])


def test_narrow_layout_is_one_column():
    fig = playground_figure(DEFAULT)
    narrow = fig["narrow"]
    xs = [narrow[f"xaxis{n}"]["domain"] for n in ("", "2", "3", "4")]
    ys = [narrow[f"yaxis{n}"]["domain"] for n in ("", "2", "3", "4")]
    assert all(x == [0, 1] for x in xs)
    assert all(0 <= lo < hi <= 1 for lo, hi in ys)
    tops_first = sorted(ys, reverse=True)
    assert tops_first == ys  # panel 0 on top
    assert all(low[1] < high[0] for high, low in itertools.pairwise(tops_first))  # disjoint
    assert narrow["height"] > fig["layout"]["height"]  # four panels stacked need more height
    # A phone always shows Plotly's toolbar: the top margin holds it above the first title.
    assert narrow["margin"]["t"] >= fig["layout"]["margin"]["t"] + MODEBAR_PX
    # The browser merges it into the layout; the result is still a valid figure.
    layout = {
        k: fig["layout"][k] | v if k.startswith(("xaxis", "yaxis")) else v
        for k, v in narrow.items()
    }
    plotly_figure(fig | {"layout": fig["layout"] | layout})


@pytest.mark.parametrize("kind", ["data", "canvas"])
def test_the_one_panel_charts_lay_the_toolbar_above_their_title_on_a_phone(kind):
    """A phone always shows Plotly's toolbar: upright in the right margin (the wide
    layout's), it stood over the end of a lesson chart's title and the plot's corner."""
    fig = data_figure(DEFAULT) if kind == "data" else canvas_figure(np.zeros(1), np.zeros(1))
    narrow, wide = fig["narrow"], fig["layout"]
    assert narrow["modebar"]["orientation"] == "h"
    assert narrow["margin"]["t"] == wide["margin"]["t"] + MODEBAR_PX
    assert narrow["height"] == wide["height"] + MODEBAR_PX
    assert not [k for k in narrow if k.startswith(("xaxis", "yaxis"))]  # no domains to set
    plotly_figure(fig | {"layout": wide | narrow})


def test_dark_style_draws_light_text():
    layout = playground_figure(DEFAULT, style=ChartStyle(dark=True))["layout"]
    light = playground_figure(DEFAULT)["layout"]

    def luminance(colour: str) -> float:
        return sum(int(colour[i : i + 2], 16) for i in (1, 3, 5)) / (3 * 255)

    assert luminance(layout["font"]["color"]) > 0.8 > 0.2 > luminance(light["font"]["color"])
    assert layout["xaxis"]["tickfont"]["color"] == layout["font"]["color"]


def test_race_marks_divergence_and_the_current_rate():
    histories = train_many(DEFAULT.stats, RACE_LRS, 100)
    fig = race_figure(histories, DEFAULT)
    names = [t.get("name", "") for t in fig["data"]]
    # The notebook's lr 0.5 blows up: its loss grows without bound.
    blown_up = notebook_training(*notebook_data(), 0.5)[0]
    assert not np.isfinite(blown_up[-1]) or blown_up[-1] > 1e12 * blown_up[0]
    assert any(n.startswith("lr = 0.5: diverged at epoch") for n in names)
    assert any(n == "lr = 0.01 (current)" for n in names)
    assert sum(1 for t in fig["data"] if t.get("marker", {}).get("symbol") == "x") == 1
    # The loss axis spans the runs that did not diverge and 1.5 decades above them, so
    # they stay apart (lr 0.001 and 0.01 were one line under 10^13); the diverged run
    # climbs out through the top. Whole labels.
    axis = fig["layout"]["yaxis"]
    kept = np.concatenate([h.loss for h in histories if h.diverged_at is None])
    lo, hi = axis["range"]
    assert lo < np.log10(kept.min()) and hi == pytest.approx(np.log10(kept.max()) + 1.5)
    diverged = next(h for h in histories if h.diverged_at is not None)
    assert np.log10(diverged.loss.max()) > hi
    # Its path is drawn first, under the others; the legend keeps the rates' order.
    paths = [t for t in fig["data"] if t.get("xaxis") == "x2" and t.get("mode") == "lines+markers"]
    assert paths[0]["name"].startswith("lr = 0.5: diverged")
    ranks = {t["name"]: t["legendrank"] for t in fig["data"] if "legendrank" in t}
    ordered = [n.split(":")[0].removesuffix(" (current)") for n in sorted(ranks, key=ranks.get)]
    assert ordered == [f"lr = {lr:g}" for lr in RACE_LRS]
    if axis.get("tickmode") == "array":
        assert axis["ticktext"] == [f"{v:g}" for v in axis["tickvals"]]
    else:  # many decades: whole powers of ten
        assert axis["dtick"] >= 1 and axis["exponentformat"] == "power"


@pytest.mark.parametrize("module", [animation, playground_module, traces_module])
def test_the_chart_modules_examples_run(module):
    """Their docstring examples (doctest collection covers ``tests`` and ``linreg_core`` only)."""
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def _farthest_from(path_x, path_y, xs, ys, spans) -> float:
    """The largest distance from a point (xs, ys) to the polyline (path_x, path_y), each axis
    over its span: how far the drawn path strays from the route it stands for."""
    px, py = np.asarray(path_x) / spans[0], np.asarray(path_y) / spans[1]
    qx, qy = np.asarray(xs) / spans[0], np.asarray(ys) / spans[1]
    a = np.stack([px[:-1], py[:-1]], 1)  # (m, 2) segment starts
    d = np.stack([np.diff(px), np.diff(py)], 1)  # (m, 2)
    q = np.stack([qx, qy], 1)[:, None, :]  # (k, 1, 2)
    t = np.clip(((q - a) * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-300), 0.0, 1.0)
    return float(np.linalg.norm(q - (a + t[..., None] * d), axis=-1).min(axis=1).max())


@pytest.mark.parametrize(
    "settings",
    [Settings(lr=0.05, epochs=300), Settings(), Settings(lr=0.1, epochs=1000)],
)
def test_the_bold_path_follows_the_route_and_keeps_its_corners(settings):
    """The thinned path so far stays on the route: at lr 0.05, w settles in a few epochs
    and b much later, and a path thinned evenly in epochs ran across the contours."""
    fig = playground_figure(run(settings))
    route = next(t for t in fig["data"] if t.get("name") == "route")
    path = fig["data"][-1]
    layout = fig["layout"]
    spans = [np.diff(layout[ax]["range"])[0] for ax in ("xaxis4", "yaxis4")]
    assert len(path["x"]) <= MAX_PATH_POINTS + 1
    assert _farthest_from(path["x"], path["y"], route["x"], route["y"], spans) < 0.03


@pytest.mark.parametrize(
    ("settings", "shows_floor"),
    [
        (Settings(noise=0.0), False),  # floor ~1e-30: the axis spans the run instead
        (Settings(n_samples=2), False),  # two points: a perfect fit, floor 0
        (Settings(), True),  # the notebook: the floor, 1.81, is on the axis
        (Settings(noise=0.05, lr=0.001), True),  # a small but real floor, 0.002, too
    ],
)
def test_the_log_loss_axis_spans_the_run_not_a_vanishing_floor(settings, shows_floor):
    r = run(settings)
    fig = playground_figure(r)
    lo, hi = fig["layout"]["yaxis2"]["range"]
    losses = r.history.loss[r.history.loss > 0]
    assert lo <= np.log10(losses.min()) and np.log10(losses.max()) <= hi
    if not shows_floor:
        assert hi - lo < np.log10(losses.max() / losses.min()) + 1  # no empty decades below
    floor = r.least_squares.loss
    assert (floor > 0 and lo <= np.log10(floor)) == shows_floor


@pytest.mark.parametrize("style", [ChartStyle(), ChartStyle.lecture()])
def test_race_spacing_grows_with_the_font_and_a_phone_stacks_the_panels(style):
    histories = train_many(DEFAULT.stats, RACE_LRS, 100)
    fig = race_figure(histories, DEFAULT, style=style)
    layout, narrow = fig["layout"], fig["narrow"]
    font = style.font_size
    # Below the panels: tick labels and the axis title (2 lines of text), then the legend.
    assert layout["margin"]["b"] >= 2 * font + 34 + len(histories) // 3 * font
    assert layout["legend"]["y"] < 0 and layout["margin"]["t"] >= font + 22
    # On a phone: one column, the loss panel above the paths, apart by a title and an axis.
    assert narrow["xaxis"]["domain"] == narrow["xaxis2"]["domain"] == [0.0, 1.0]
    lo1, hi2 = narrow["yaxis"]["domain"][0], narrow["yaxis2"]["domain"][1]
    gap_px = (lo1 - hi2) * (narrow["height"] - narrow["margin"]["t"] - narrow["margin"]["b"])
    assert hi2 < lo1 and gap_px >= 3 * font + 50
    assert narrow["height"] > layout["height"]


def test_a_diverged_path_leaves_the_landscape_once_and_never_crosses_back():
    r = run(Settings(lr=0.5))  # the notebook's diverging rate
    assert r.history.diverged_at is not None
    fig = playground_figure(r)
    (w_lo, w_hi), (b_lo, b_hi) = (fig["layout"][a]["range"] for a in ("xaxis4", "yaxis4"))
    route = next(t for t in fig["data"] if t.get("name") == "route")

    def inside(w, b):
        return w_lo <= w <= w_hi and b_lo <= b <= b_hi

    flags = [inside(w, b) for w, b in zip(route["x"], route["y"], strict=True)]
    assert flags[0] and not flags[-1] and all(flags[:-1])  # ends at its first point outside
    for frame in fig["frames"]:  # and the path so far never runs on between far points
        path = frame["data"][-1]
        outside = [not inside(w, b) for w, b in zip(path["x"], path["y"], strict=True)]
        assert sum(outside) <= 1 and (not any(outside) or outside[-1])


@pytest.mark.parametrize(
    "style", [ChartStyle(), ChartStyle.lecture(dark=True)], ids=["wide", "lecture"]
)
def test_a_diverged_run_says_where_w_and_b_went_inside_the_parameters_panel(style):
    """The panel's range stays on the truth, so the lines leave it: a note at its top gives
    the last epoch's w and b in the app's number format; a run that converges has none."""
    h = DIVERGED.history
    fig = playground_figure(DIVERGED, style=style)
    for layout in (fig["layout"], fig["narrow"]):
        notes = [a for a in layout["annotations"] if a.get("xref") == "x3 domain"]
        assert len(notes) == 1 and notes[0]["yref"] == "y3 domain"
        text = notes[0]["text"]
        assert f"w = {number_text(h.w[-1])}" in text and f"b = {number_text(h.b[-1])}" in text
        assert f"epoch {h.epochs_run}" in text and "×" in text  # 10⁶ and more, not e+06
        y_range = fig["layout"]["yaxis3"]["range"]
        assert not y_range[0] <= h.w[-1] <= y_range[1]  # it is off the chart
    for converged in (DEFAULT, MAXIMUM):
        layout = playground_figure(converged, style=style)["layout"]
        assert not [a for a in layout["annotations"] if "domain" in str(a.get("xref"))]


_KEY_WORDS = {"dash": "– – true", "dot": "··· best fit", "x": "✕ true", "star": "★ best fit"}


@pytest.mark.parametrize(
    ("query", "view"),
    [({}, View()), ({}, View(show_ls=False)), ({"dataset": "anscombe-1"}, View())],
    ids=["synthetic", "no least squares", "a data set with no true line"],
)
def test_lecture_titles_name_every_line_style_and_mark_their_panel_draws(query, view):
    """Lecture mode has no legend: each panel's title names what its dashed and dotted
    lines and its marks stand for, and names nothing the panel does not draw."""
    settings = split(parse_query(query).values)[0]
    fig = playground_figure(run(settings), style=ChartStyle.lecture(), view=view)
    assert fig["layout"]["showlegend"] is False
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    for panel, title in enumerate(titles):
        x, _ = playground_module.axis_ids(panel)
        drawn = {s["line"]["dash"] for s in fig["layout"]["shapes"] if s["xref"] == x}
        drawn -= {"solid"}
        marks = [t for t in fig["data"] if t.get("name") == "landmarks" and t["xaxis"] == x]
        drawn |= {m for t in marks for m in t["marker"]["symbol"]} & {"x", "star"}
        named = {style for style, words in _KEY_WORDS.items() if words in title}
        assert named == drawn, (panel, title)
    assert "— fit" in titles[0]  # the trained line, solid
    if not view.show_ls:
        assert not any("best fit" in t for t in titles)


def test_the_toolbar_stands_in_the_right_margin_and_lies_down_on_a_phone():
    fig = playground_figure(DEFAULT)
    layout, narrow = fig["layout"], fig["narrow"]
    assert layout["modebar"]["orientation"] == "v"  # upright, beside the panels
    assert layout["margin"]["r"] >= 30  # as wide as the upright toolbar (24 px in Chromium)
    assert narrow["modebar"]["orientation"] == "h"  # above the first title on a phone
    assert {"select2d", "lasso2d"} <= set(layout["modebar"]["remove"])


@given(
    hst.lists(hst.floats(-1e12, 1e12, allow_nan=False), min_size=1, max_size=30),
    hst.sampled_from([4, 5]),
)
def test_rounded_numbers_are_short_and_the_text_s_own_up_to_the_last_digit(values, digits):
    """NumPy's rounding against formatting each value as text (``float(f"{v:.4g}")``)."""
    fast = traces_module.rounded(np.array(values), digits)
    text = [float(f"{v:.{digits}g}") for v in values]
    for f, t in zip(fast, text, strict=True):
        assert float(f"{f:.{digits}g}") == f  # no more digits than asked for
        unit = 10.0 ** (math.floor(math.log10(abs(t))) - digits + 1) if t else 0.0
        assert abs(f - t) <= unit * 1.000001  # the same, or one unit in the last digit away


def test_rounded_keeps_what_is_not_a_number_for_figure_json_to_refuse():
    out = traces_module.rounded(np.array([1.0, math.nan, math.inf]), 4)
    assert out[0] == 1.0 and math.isnan(out[1]) and out[2] == math.inf


@pytest.mark.parametrize("lr", [0.01, 0.5])  # converging, and diverged (13 decades of loss)
def test_the_now_markers_sit_whole_in_their_panels_at_both_ends(lr):
    """The loss panel's marker on the last (largest) loss of a diverged run, and the
    markers at epoch 0 and at the last epoch, stay inside their panels by their radius."""
    r = run(Settings(lr=lr))
    fig = playground_figure(r)
    layout = fig["layout"]
    plot_h = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    loss_axis, epoch_axis = layout["yaxis2"], layout["xaxis2"]
    panel_h = plot_h * (loss_axis["domain"][1] - loss_axis["domain"][0])
    lo, hi = loss_axis["range"]
    top = math.log10(r.history.loss.max()) if loss_axis["type"] == "log" else r.history.loss.max()
    radius = (ChartStyle().marker_size + 5) / 2
    assert (hi - top) / (hi - lo) * panel_h >= radius
    # Across: the panels are at least 220 px wide (tests/e2e/test_first_screen.py).
    left, right = epoch_axis["range"]
    span = right - left
    assert (0 - left) / span * 220 >= radius and (
        right - r.history.epochs_run
    ) / span * 220 >= radius
