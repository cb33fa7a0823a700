"""The data panel's pieces (points, true line, ranges) and the data-only figure."""

from __future__ import annotations

import numpy as np

from ..compute import Run
from .style import PALETTE, ChartStyle, style_layout
from .traces import f32, padded, segment

__all__ = ["MAX_DRAWN_POINTS", "data_figure", "data_panel_range", "data_points", "true_line"]

#: Data points drawn at most; a larger sample is thinned evenly for the chart only.
MAX_DRAWN_POINTS = 2000


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
    x_range = padded(float(x.min()), float(x.max()), minimum=1.0)
    xs = np.array(x_range)
    ls = run.least_squares
    lines = [run.settings.true_w * xs + run.settings.true_b, ls.w * xs + ls.b]
    lo = min(float(y.min()), *(float(v.min()) for v in lines))
    hi = max(float(y.max()), *(float(v.max()) for v in lines))
    return x_range, padded(lo, hi, minimum=1.0)


def data_points(run: Run, style: ChartStyle) -> dict:
    """The data points (thinned past MAX_DRAWN_POINTS), as a trace."""
    px, py = drawn_points(run)
    many = len(px) > 500
    shown = (
        "" if len(px) == run.data.n_samples else f" ({len(px):,} of {run.data.n_samples:,} drawn)"
    )
    return {
        "type": "scattergl" if many else "scatter",
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
    }


def true_line(run: Run, style: ChartStyle, xs: list[float], axes: tuple[str, str]) -> dict:
    """The true line over ``xs``, as a shape with a legend entry."""
    w, b = run.settings.true_w, run.settings.true_b
    return segment(
        axes,
        (xs[0], w * xs[0] + b),
        (xs[1], w * xs[1] + b),
        PALETTE["true"],
        style.line_width,
        "dash",
        name=f"true line: y = {w:g}x + {b:g}",
    )


def data_figure(run: Run, *, style: ChartStyle = ChartStyle()) -> dict:
    """The data and the true line alone: what the learner sees before any training."""
    x_range, y_range = data_panel_range(run)
    data = [data_points(run, style)]
    layout = {
        "shapes": [true_line(run, style, [float(v) for v in x_range], ("x", "y"))],
        "showlegend": True,
        "xaxis": {"range": x_range, "title": {"text": "x"}},
        "yaxis": {"range": y_range, "title": {"text": "y"}},
        "title": {"text": f"{run.data.n_samples} points drawn around the true line"},
        "height": int(style.height * 0.7),
        "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
    }
    style_layout(layout, style, legend_y=-0.15)
    return {"data": data, "layout": layout}
