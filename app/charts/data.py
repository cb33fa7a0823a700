"""The data panel's pieces (points, true line, ranges), the data-only figure, and the empty
canvas where the learner places the first points."""

from __future__ import annotations

import numpy as np

from ..model.compute import Run
from ..model.data.points_link import POINT_LIMIT
from ..model.sources import POINTS, Source, plot_text
from .grid import narrow_part
from .style import PALETTE, RIGHT_MARGIN_PX, ChartStyle, style_layout
from .traces import equation, f32, line_shape, padded

__all__ = [
    "CANVAS",
    "MAX_DRAWN_POINTS",
    "axis_titles",
    "canvas_figure",
    "data_figure",
    "data_panel_range",
    "data_points",
    "true_line",
]

#: Data points drawn at most; a larger sample is thinned evenly for the chart only.
MAX_DRAWN_POINTS = 2000
#: Where points are placed: the data panel shows at least this box, so it holds still.
CANVAS = (-10.0, 10.0)


def axis_titles(source: Source) -> tuple[dict, dict]:
    """The data panel's x and y axis titles (the data's own column names, as plain text)."""
    return {"text": plot_text(source.x_label)}, {"text": plot_text(source.y_label)}


def _canvas_range(values: np.ndarray) -> list[float]:
    """A placing axis: the canvas and every point, padded, never past the link's limit."""
    lo = min(CANVAS[0], float(values.min(initial=CANVAS[0])))
    hi = max(CANVAS[1], float(values.max(initial=CANVAS[1])))
    lo, hi = padded(lo, hi, pad=0.03) if (lo, hi) != CANVAS else (lo, hi)
    return [max(lo, -POINT_LIMIT), min(hi, POINT_LIMIT)]


def drawn_points(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """The data as drawn: every point, or an even sample of MAX_DRAWN_POINTS of them."""
    x, y = run.data.x, run.data.y
    if len(x) > MAX_DRAWN_POINTS:
        idx = np.linspace(0, len(x) - 1, MAX_DRAWN_POINTS).astype(int)
        x, y = x[idx], y[idx]
    return x, y


def data_panel_range(run: Run) -> tuple[list[float], list[float]]:
    """The data panel's x and y ranges: every point, the true and least-squares lines."""
    x, y = run.data.x, run.data.y
    if run.settings.source.kind == POINTS:  # placing: the panel holds still under the pointer
        return _canvas_range(x), _canvas_range(y)
    x_range = padded(float(x.min()), float(x.max()), minimum=1.0)
    xs = np.array(x_range)
    ls, d = run.least_squares, run.data
    lines = [ls.w * xs + ls.b] + ([d.true_w * xs + d.true_b] if d.has_true_line else [])
    lo = min(float(y.min()), *(float(v.min()) for v in lines))
    hi = max(float(y.max()), *(float(v.max()) for v in lines))
    return x_range, padded(lo, hi, minimum=1.0)


#: Up to this many drawn points, they are drawn in front of the lines.
FEW_POINTS = 20
#: Past this many drawn points, the chart draws them as one picture (no hover on them).
RASTER_POINTS = 500


def data_points(run: Run, style: ChartStyle) -> dict:
    """The data points (thinned past MAX_DRAWN_POINTS), as a trace.

    A ``scatter``: the app's plotly.js is the basic bundle, which has no WebGL traces.
    Past RASTER_POINTS the trace is marked ``meta.raster``: the live chart then draws the
    points as one picture under the panel, with this trace's look, instead of one SVG mark
    each (which the browser laid out again on every change anywhere on the page; README).
    """
    px, py = drawn_points(run)
    many = len(px) > RASTER_POINTS
    shown = (
        "" if len(px) == run.data.n_samples else f" ({len(px):,} of {run.data.n_samples:,} drawn)"
    )
    return {
        "type": "scatter",
        "mode": "markers",
        "x": f32(px),
        "y": f32(py),
        "name": "data" + shown,
        "marker": {
            "color": PALETTE["data"],
            "size": 4 if many else style.marker_size,
            "opacity": 0.45 if many else 0.75,
        },
        "hovertemplate": "x=%{x:.2f}<br>y=%{y:.2f}<extra>data</extra>",
        # A few points stand in front of the fitted line (with two, it runs through both).
        # Only a few: Plotly draws another layer on every panel for a trace's zorder.
        "zorder": 1 if len(px) <= FEW_POINTS else 0,
    } | ({"meta": {"raster": True}} if many else {})


def true_line(run: Run, style: ChartStyle, xs: list[float], axes: tuple[str, str]) -> dict | None:
    """The true line over ``xs``, as a shape with a legend entry; None for given points
    (nobody knows the line behind them)."""
    d = run.data
    if not d.has_true_line:
        return None
    name = f"true line: {equation(d.true_w, d.true_b)}"
    return line_shape(axes, d.true_w, d.true_b, xs, PALETTE["true"], style.line_width, "dash", name)


def _title(text: str) -> dict:
    """A one-panel chart's title, just above its plot: a phone's toolbar lies in the top
    margin above it (the narrow layout's), where Plotly would centre the title."""
    return {"text": text, "yref": "paper", "y": 1, "yanchor": "bottom", "pad": {"b": 10}}


def data_figure(run: Run, *, style: ChartStyle = ChartStyle()) -> dict:
    """The data and the true line alone: what the learner sees before any training."""
    x_range, y_range = data_panel_range(run)
    data = [data_points(run, style)]
    line = true_line(run, style, [float(v) for v in x_range], ("x", "y"))
    x_title, y_title = axis_titles(run.settings.source)
    title = (
        f"{run.data.n_samples} points drawn around the true line"
        if run.data.has_true_line
        else f"{run.data.n_samples} points: {plot_text(run.settings.source.title)}"
    )
    layout = {
        "shapes": [line] if line is not None else [],
        "showlegend": True,
        "xaxis": {"range": x_range, "title": x_title},
        "yaxis": {"range": y_range, "title": y_title},
        "title": _title(title),
        "height": int(style.height * 0.7),
        "margin": {"l": 60, "r": RIGHT_MARGIN_PX, "t": 50, "b": 40},
    }
    style_layout(layout, style, legend_y=-0.15)
    # A phone: the toolbar lies above the title, not upright over its end (see narrow_part).
    return {"data": data, "layout": layout, "narrow": narrow_part(layout)}


def canvas_figure(x: np.ndarray, y: np.ndarray, *, style: ChartStyle = ChartStyle()) -> dict:
    """The empty data panel where the first points are placed (fewer than two: no line yet)."""
    points = {
        "type": "scatter",
        "mode": "markers",
        "x": [float(v) for v in x],
        "y": [float(v) for v in y],
        "name": "your points",
        "marker": {"color": PALETTE["data"], "size": style.marker_size + 2},
        "hovertemplate": "x=%{x:.2f}<br>y=%{y:.2f}<extra>click to remove</extra>",
    }
    layout = {
        "xaxis": {"range": _canvas_range(np.asarray(x)), "title": {"text": "x"}},
        "yaxis": {"range": _canvas_range(np.asarray(y)), "title": {"text": "y"}},
        "title": _title("Click to place a point; a line needs two"),
        "height": int(style.height * 0.7),
        "margin": {"l": 60, "r": RIGHT_MARGIN_PX, "t": 50, "b": 40},
        "showlegend": False,
    }
    style_layout(layout, style, legend_y=-0.15)
    return {"data": [points], "layout": layout, "narrow": narrow_part(layout)}
