"""Pure chart builders: numbers in, Plotly figures out. No Streamlit here.

The playground is one figure with four panels that share one set of animation
frames, so Play, Pause and the epoch scrubber move every panel together in the
browser, with no round trip to the server. Static traces (data, true and
least-squares lines, full curves, the landscape) are sent once; each frame
carries only the few numbers that move.

Builders return plain figure dicts (Plotly's JSON schema), not ``go.Figure``
objects: building hundreds of validated frame objects costs Plotly a third of a
second, the dicts a few milliseconds. The tests validate every dict against
Plotly's schema with ``go.Figure(spec)``.
"""

from __future__ import annotations

import base64
import copy
import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from linreg_core import History

from .compute import Run

__all__ = [
    "MAX_FRAMES",
    "PALETTE",
    "ChartStyle",
    "animation_plan",
    "data_figure",
    "frame_epochs",
    "playground_figure",
    "race_figure",
]

#: The animation never has more frames than this; longer runs are sampled evenly.
MAX_FRAMES = 200
#: A display frame at 60 Hz. Plotly shows the next animation frame at the first display
#: frame after its duration has passed, so a frame lasts a whole number of these.
TICK_MS = 1000 / 60
#: Shortest time a frame is shown (4 display frames): enough for the browser to draw one.
MIN_FRAME_MS = 4 * TICK_MS
#: How many points of the path so far each frame carries at most (plus "now").
MAX_PATH_POINTS = 20

#: Okabe–Ito colours: told apart with every common kind of colour blindness.
PALETTE = {
    "data": "#56B4E9",  # sky blue
    "true": "#009E73",  # bluish green
    "ls": "#CC79A7",  # reddish purple
    "fit": "#D55E00",  # vermillion: the model, wherever it appears
    "w": "#0072B2",  # blue
    "b": "#E69F00",  # orange
}
#: Data points drawn at most; a larger sample is thinned evenly for the chart only.
MAX_DRAWN_POINTS = 2000
#: Further colours for the learning-rate race, after "fit" for the current rate.
RACE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442")


@dataclass(frozen=True)
class ChartStyle:
    """Sizes and theme of the charts (lecture mode makes everything larger)."""

    dark: bool = False
    font_size: int = 13
    line_width: float = 2.5
    marker_size: int = 7
    height: int = 760

    @property
    def ink(self) -> str:
        return "#F5F5F5" if self.dark else "#1A1A1A"

    @property
    def grid(self) -> str:
        return "rgba(255,255,255,0.15)" if self.dark else "rgba(0,0,0,0.1)"

    @classmethod
    def lecture(cls, dark: bool = False) -> ChartStyle:
        """Legible from the back of a lecture hall on a 1280 x 720 projector."""
        return cls(dark=dark, font_size=20, line_width=4.5, marker_size=11, height=900)


def frame_epochs(epochs_run: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Epochs to show as frames: all of them, or ``max_frames`` evenly spaced.

    The first (0, the start) and the last epoch are always included.

    >>> frame_epochs(3).tolist()
    [0, 1, 2, 3]
    >>> e = frame_epochs(5000); len(e), int(e[0]), int(e[-1])
    (200, 0, 5000)
    """
    if epochs_run + 1 <= max_frames:
        return np.arange(epochs_run + 1)
    return np.unique(np.round(np.linspace(0, epochs_run, max_frames)).astype(int))


def animation_plan(epochs_run: int, seconds: float) -> tuple[np.ndarray, int]:
    """Which epochs Play shows, and the frame duration to ask Plotly for, to last ``seconds``.

    Every epoch gets a frame when there are few enough; otherwise the count is
    chosen so that each frame lasts a whole number of display frames (at least
    MIN_FRAME_MS), because that is what it will really last. The duration asked
    for is half a display frame less, so rounding up lands on the intended one.
    """
    span_ms = 1000.0 * seconds
    steps = max(epochs_run, 1)
    ticks = max(round(MIN_FRAME_MS / TICK_MS), round(span_ms / steps / TICK_MS))
    n_frames = min(epochs_run + 1, MAX_FRAMES)
    if span_ms / steps < MIN_FRAME_MS or n_frames < epochs_run + 1:
        n_frames = min(n_frames, int(span_ms / (ticks * TICK_MS)) + 1)
    frames_at = frame_epochs(epochs_run, n_frames)
    frame_ms = span_ms / max(len(frames_at) - 1, 1)
    ticks = max(round(MIN_FRAME_MS / TICK_MS), round(frame_ms / TICK_MS))
    return frames_at, round(ticks * TICK_MS - TICK_MS / 2)


def _f32(values) -> dict[str, str]:
    """An array as Plotly's typed-array JSON: float32, base64 (5.3 bytes a number).

    Plotly's own encoder writes NumPy arrays as long decimal lists when a
    figure is a dict, so large arrays are encoded here.
    """
    array = np.ascontiguousarray(values, dtype="<f4")
    return {"dtype": "f4", "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def _padded(lo: float, hi: float, pad: float = 0.08, minimum: float = 1e-9) -> list[float]:
    span = max(hi - lo, minimum)
    return [lo - pad * span, hi + pad * span]


def _param_range(run: Run) -> list[float]:
    """The y range of the parameter panel: the run, the true and least-squares values.

    A diverging run is left to leave the panel rather than flatten the rest.
    """
    h, s = run.history, run.settings
    anchors = np.array([s.true_w, s.true_b, run.fit.w, run.fit.b, s.w0, s.b0])
    lo, hi = float(anchors.min()), float(anchors.max())
    reach = 2.0 * max(hi - lo, 1.0)
    values = np.concatenate([h.w, h.b])
    values = values[(values >= lo - reach) & (values <= hi + reach)]
    return _padded(min(lo, values.min(initial=lo)), max(hi, values.max(initial=hi)))


def _fit_range(run: Run) -> tuple[list[float], list[float]]:
    x, y = run.data.x, run.data.y
    x_range = _padded(float(x.min()), float(x.max()), minimum=1.0)
    xs = np.array(x_range)
    lines = [run.settings.true_w * xs + run.settings.true_b, run.fit.w * xs + run.fit.b]
    lo = min(float(y.min()), *(float(v.min()) for v in lines))
    hi = max(float(y.max()), *(float(v.max()) for v in lines))
    return x_range, _padded(lo, hi, minimum=1.0)


def _loss_range(loss: np.ndarray, floor: float, log: bool) -> list[float]:
    lo, hi = min(float(loss.min()), floor), float(loss.max())
    if log:
        lo = max(lo, 1e-300)
        return [float(np.log10(lo)) - 0.1, float(np.log10(max(hi, lo * 10))) + 0.1]
    return _padded(0.0, hi)


Figure = dict[str, Any]

PANEL_TITLES = (
    "The data and the lines",
    "Loss (mean squared error)",
    "Parameters w and b over epochs",
    "Loss landscape over (w, b)",
)
# Axis ids of the panels, in the order of PANEL_TITLES.
_AXES = (("x", "y"), ("x2", "y2"), ("x3", "y3"), ("x4", "y4"))


@functools.cache
def _grid_layout(rows: int, cols: int, titles: tuple[str, ...]) -> dict:
    """Plotly's subplot layout (domains, anchors, title annotations), made once."""
    kwargs = (
        {"horizontal_spacing": 0.09, "vertical_spacing": 0.2}
        if rows > 1
        else {"horizontal_spacing": 0.1}
    )
    return make_subplots(rows=rows, cols=cols, subplot_titles=titles, **kwargs).to_dict()["layout"]


def _on(panel: int, trace: dict) -> dict:
    """Put a trace on panel 0..3 of the playground grid."""
    x, y = _AXES[panel]
    return trace | {"xaxis": x, "yaxis": y}


def _line(x, y, colour: str, width: float, dash: str = "solid", **extra) -> dict:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": x,
        "y": y,
        "line": {"color": colour, "width": width, "dash": dash},
    } | extra


def _point(
    x: float, y: float, name: str, symbol: str, colour: str, size: float, outline: str = "white"
) -> dict:
    """A marked point on the landscape, outlined so it shows on dark and light levels."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [x],
        "y": [y],
        "name": name,
        "showlegend": False,
        "marker": {
            "symbol": symbol,
            "size": size,
            "color": colour,
            "line": {"width": 1.5, "color": outline},
        },
        "hovertemplate": f"{name}<br>w=%{{x:.3f}}, b=%{{y:.3f}}<extra></extra>",
    }


def _contour(grid) -> dict:
    """The loss landscape, coloured by log10(loss) so the valley floor shows."""
    return {
        "type": "contour",
        "x": _f32(grid.w),
        "y": _f32(grid.b),
        "z": _f32(np.log10(np.maximum(grid.loss, 1e-300))),
        "colorscale": "Cividis",
        "reversescale": True,
        "showscale": False,
        "ncontours": 18,
        "contours": {"coloring": "heatmap", "showlines": True},
        "line": {"width": 0.5, "color": "rgba(255,255,255,0.35)"},
        "name": "loss landscape",
        "hovertemplate": "w=%{x:.3f}, b=%{y:.3f}<br>loss ≈ 10^%{z:.2f}<extra></extra>",
    }


#: Filled loss levels drawn on the landscape, and points on each level's ellipse.
N_LEVELS = 12
ELLIPSE_POINTS = 73


def _landscape(run: Run) -> list[dict]:
    """The loss landscape as nested, filled level sets: one scatter trace per level.

    The loss is a quadratic bowl, so every level set ``loss = L`` is an ellipse
    around the least-squares optimum, with axes along the Hessian's eigenvectors
    and half-lengths ``sqrt(2 (L - loss_min) / lam)``: exact, and a few hundred
    numbers instead of a grid. Scatter traces also survive Plotly's frame
    animation, which removes contour traces from a subplot while Play runs.
    Levels are spaced evenly in log(loss - loss_min), outermost (darkest) first.
    When all x are equal the bowl is a flat-bottomed trough (no ellipses), so
    the grid is drawn as a contour instead.
    """
    stats, grid = run.stats, run.grid
    lam, vecs = np.linalg.eigh(stats.hessian)  # (2,), (2, 2)
    floor = stats.resid_var
    top = float(grid.loss.max())
    if lam[0] <= 1e-12 * lam[1] or not top > floor:
        return [_contour(grid)]
    excess = np.geomspace(top - floor, (top - floor) * 1e-4, N_LEVELS)  # (N_LEVELS,)
    colours = sample_colorscale("Cividis", np.linspace(0.0, 1.0, N_LEVELS).tolist())
    t = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
    circle = np.stack([np.cos(t), np.sin(t)])  # (2, ELLIPSE_POINTS)
    centre = np.array([[stats.w_ls], [stats.b_ls]])
    traces = []
    for level, colour in zip(excess, colours, strict=True):
        half_axes = np.sqrt(2.0 * level / lam)[:, None]  # (2, 1)
        w, b = centre + vecs @ (half_axes * circle)  # (ELLIPSE_POINTS,) each
        loss = floor + level
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": _f32(w),
                "y": _f32(b),
                "fill": "toself",
                "fillcolor": colour,
                "showlegend": False,
                "line": {"width": 0.6, "color": "rgba(255,255,255,0.45)"},
                "name": f"loss {loss:.3g}",
                "hoveron": "fills",
                "hovertemplate": f"inside: loss below {loss:.4g}<extra></extra>",
            }
        )
    return traces


def _data_traces(run: Run, style: ChartStyle, xs: list[float]) -> list[dict]:
    """The data points (thinned past MAX_DRAWN_POINTS) and the true line over ``xs``."""
    s = run.settings
    px, py = _drawn_points(run)
    many = len(px) > 500
    shown = (
        "" if len(px) == run.data.n_samples else f" ({len(px):,} of {run.data.n_samples:,} drawn)"
    )
    points = {
        "type": "scattergl" if many else "scatter",
        "mode": "markers",
        "x": _f32(px),
        "y": _f32(py),
        "name": "data" + shown,
        "marker": {
            "color": PALETTE["data"],
            "size": 4 if many else style.marker_size,
            "opacity": 0.45 if many else 0.75,
        },
        "hovertemplate": "x=%{x:.2f}<br>y=%{y:.2f}<extra>data</extra>",
    }
    true_line = _line(
        xs,
        [s.true_w * v + s.true_b for v in xs],
        PALETTE["true"],
        style.line_width,
        "dash",
        name=f"true line: y = {s.true_w:g}x + {s.true_b:g}",
    )
    return [points, true_line]


def _drawn_points(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """The data as drawn: every point, or an even sample of MAX_DRAWN_POINTS of them."""
    x, y = run.data.x, run.data.y
    if len(x) > MAX_DRAWN_POINTS:
        idx = np.linspace(0, len(x) - 1, MAX_DRAWN_POINTS).astype(int)
        x, y = x[idx], y[idx]
    return x, y


def playground_figure(
    run: Run,
    *,
    style: ChartStyle = ChartStyle(),
    show_ls: bool = True,
    log_loss: bool = True,
    seconds: float = 8.0,
) -> Figure:
    """The four synchronised panels for one run, animated epoch by epoch.

    Parameters
    ----------
    run : Run
    style : ChartStyle
    show_ls : bool
        Draw the least-squares line, loss floor, values and optimum.
    log_loss : bool
        Logarithmic loss axis.
    seconds : float
        How long Play takes from the first frame to the last.

    Returns
    -------
    dict
        A Plotly figure: panels (0) data and lines, (1) loss per epoch,
        (2) w and b per epoch, (3) the loss landscape with the path. Its
        ``frames`` hold one frame per epoch of :func:`frame_epochs`, each
        updating the traces listed in its ``traces``: one or more per panel.
    """
    h, s, fit = run.history, run.settings, run.fit
    lw, ms = style.line_width, style.marker_size
    last = h.epochs_run
    frames_at, frame_ms = animation_plan(last, seconds)
    x_range, y_range = _fit_range(run)
    xs = [float(v) for v in x_range]
    data: list[dict] = [_on(0, trace) for trace in _data_traces(run, style, xs)]
    if show_ls:
        data.append(
            _on(
                0,
                _line(
                    xs,
                    [fit.w * v + fit.b for v in xs],
                    PALETTE["ls"],
                    lw,
                    "dot",
                    name=f"least squares: y = {fit.w:.3f}x + {fit.b:.3f}",
                ),
            )
        )
    # Full curves, drawn once: the axes are fixed from the start and a marker shows "now".
    curve = {"x": None, "x0": 0, "dx": 1, "showlegend": False}
    data.append(
        _on(
            1,
            _line(
                None,
                _f32(h.loss),
                style.ink,
                lw,
                name="loss",
                opacity=0.85,
                hovertemplate="epoch %{x}<br>loss %{y:.4g}<extra></extra>",
            )
            | curve,
        )
    )
    if show_ls:
        data.append(
            _on(
                1,
                _line(
                    [0, last],
                    [fit.loss, fit.loss],
                    PALETTE["ls"],
                    lw,
                    "dot",
                    name="least-squares loss",
                    showlegend=False,
                    hovertemplate="the floor: %{y:.4g}<extra>least squares</extra>",
                ),
            )
        )
    for name, values, true, best in (("w", h.w, s.true_w, fit.w), ("b", h.b, s.true_b, fit.b)):
        data.append(
            _on(
                2,
                _line(
                    None,
                    _f32(values),
                    PALETTE[name],
                    lw,
                    name=name,
                    hovertemplate=f"epoch %{{x}}<br>{name} = %{{y:.4f}}<extra></extra>",
                )
                | curve
                | {"showlegend": True, "legendgroup": "params"},
            )
        )
        # Reference levels: the true value (dashed) and the least-squares value (dotted).
        levels = [("true", true, "dash", f"{true:g}")]
        if show_ls:
            levels.append(("least-squares", best, "dot", f"{best:.4f}"))
        for kind, value, dash, shown in levels:
            data.append(
                _on(
                    2,
                    _line(
                        [0, last],
                        [value, value],
                        PALETTE[name],
                        lw * 0.6,
                        dash,
                        name=f"{kind} {name}",
                        showlegend=False,
                        hovertemplate=f"{kind} {name} = {shown}<extra></extra>",
                    ),
                )
            )
    data += [_on(3, trace) for trace in _landscape(run)]
    data.append(_on(3, _point(s.w0, s.b0, "start", "circle", "white", ms + 5, "#1A1A1A")))
    data.append(_on(3, _point(s.true_w, s.true_b, "true (w, b)", "x", PALETTE["true"], ms + 9)))
    if show_ls:
        data.append(
            _on(3, _point(fit.w, fit.b, "least-squares optimum", "star", PALETTE["ls"], ms + 9))
        )

    # The whole route, faint: the path so far (below) is drawn over it as Play runs.
    data.append(
        _on(
            3,
            _line(
                _rounded(h.w[frames_at]),
                _rounded(h.b[frames_at]),
                PALETTE["fit"],
                lw * 0.5,
                name="route",
                showlegend=False,
                opacity=0.35,
                hoverinfo="skip",
            ),
        )
    )

    # --- moving traces: their first state is frame 0; frames replace only these ------------
    # The path so far is thinned to a fixed grid of epochs (so it does not flicker from frame
    # to frame) plus the current epoch.
    path_grid = frames_at[:: max(1, -(-len(frames_at) // MAX_PATH_POINTS))]

    def moving_state(k: int) -> list[dict]:
        w, b = float(h.w[k]), float(h.b[k])
        path = np.append(path_grid[path_grid < k], k)
        return [
            {"y": [w * xs[0] + b, w * xs[1] + b]},  # fitted line (panel 0)
            {"text": [_epoch_label(h, k)]},  # epoch caption (panel 0)
            {"x": [k], "y": [float(h.loss[k])]},  # loss now (panel 1)
            {"x": [k, k], "y": [w, b]},  # w and b now (panel 2)
            {"x": _rounded(h.w[path]), "y": _rounded(h.b[path])},  # path so far (panel 3)
        ]

    first = moving_state(0)
    moving_start = len(data)
    data += [
        _on(0, _line(xs, first[0]["y"], PALETTE["fit"], lw * 1.6, name="gradient descent")),
        _on(
            0,
            {
                "type": "scatter",
                "mode": "text",
                "x": [xs[1]],
                "y": [y_range[0]],
                "textposition": "top left",
                "cliponaxis": False,
                "showlegend": False,
                "hoverinfo": "skip",
                "textfont": {"size": style.font_size + 2, "color": style.ink},
                "name": "epoch",
            }
            | first[1],
        ),
        _on(
            1,
            {
                "type": "scatter",
                "mode": "markers",
                "name": "loss now",
                "showlegend": False,
                "marker": {"color": PALETTE["fit"], "size": ms + 5},
            }
            | first[2],
        ),
        _on(
            2,
            {
                "type": "scatter",
                "mode": "markers",
                "name": "now",
                "showlegend": False,
                "marker": {
                    "color": [PALETTE["w"], PALETTE["b"]],
                    "size": ms + 5,
                    "line": {"width": 2, "color": PALETTE["fit"]},
                },
            }
            | first[3],
        ),
        _on(
            3,
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "path",
                "showlegend": False,
                "line": {"color": PALETTE["fit"], "width": lw},
                "marker": {"size": max(4, ms - 2), "color": PALETTE["fit"]},
            }
            | first[4],
        ),
    ]
    moving = list(range(moving_start, len(data)))
    frames = [
        {"name": str(int(k)), "traces": moving, "data": moving_state(int(k))} for k in frames_at
    ]

    layout = copy.deepcopy(_grid_layout(2, 2, PANEL_TITLES))
    loss_log = log_loss and float(h.loss.min()) > 0
    epochs_range = [0, max(last, 1)]
    axes = {
        "xaxis": {"range": x_range, "title": {"text": "x"}},
        "yaxis": {"range": y_range, "title": {"text": "y"}},
        "xaxis2": {"range": epochs_range, "title": {"text": "epoch"}},
        "yaxis2": {
            "type": "log" if loss_log else "linear",
            "title": {"text": "loss"},
            "range": _loss_range(h.loss, fit.loss, loss_log),
        },
        "xaxis3": {"range": epochs_range, "title": {"text": "epoch"}},
        "yaxis3": {"range": _param_range(run), "title": {"text": "value"}},
        "xaxis4": {"range": [float(run.grid.w[0]), float(run.grid.w[-1])], "title": {"text": "w"}},
        "yaxis4": {"range": [float(run.grid.b[0]), float(run.grid.b[-1])], "title": {"text": "b"}},
    }
    for name, axis in axes.items():
        layout[name].update(axis)
    if loss_log:
        layout["yaxis2"].update(_log_ticks(*axes["yaxis2"]["range"]))
    _style_layout(layout, style, legend_y=-0.27)
    layout.update(
        height=style.height,
        margin={"l": 60, "r": 20, "t": 40, "b": 210},
        hovermode="closest",
        uirevision="playground",
    )
    layout.update(_animation_controls(frames_at, frame_ms, style))
    return {"data": data, "layout": layout, "frames": frames}


def _log_ticks(lo: float, hi: float) -> dict:
    """Tick marks for a log axis spanning 10**lo to 10**hi, all labels the same size.

    A few decades: 1, 2, 5 in each decade. Many: whole powers of ten, thinned to about six.
    """
    decades = hi - lo
    if decades > 2.5:
        step = max(1, math.ceil(decades / 6))
        return {"dtick": step, "exponentformat": "power"}
    values = [m * 10.0**e for e in range(math.floor(lo), math.ceil(hi) + 1) for m in (1, 2, 5)]
    values = [v for v in values if lo <= math.log10(v) <= hi]
    return {"tickmode": "array", "tickvals": values, "ticktext": [f"{v:g}" for v in values]}


def _rounded(values: np.ndarray, digits: int = 5) -> list[float]:
    """Plain floats to ``digits`` significant digits: compact JSON for small arrays."""
    return [float(f"{v:.{digits}g}") for v in values.tolist()]


def _epoch_label(h: History, k: int) -> str:
    return f"epoch {k} · w = {h.w[k]:.3f} · b = {h.b[k]:.3f} · loss = {h.loss[k]:.4g}"


def _style_layout(layout: dict, style: ChartStyle, legend_y: float) -> None:
    """Theme, fonts and legend shared by every chart."""
    layout.update(
        font={"size": style.font_size, "color": style.ink},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend={
            "orientation": "h",
            "x": 0,
            "y": legend_y,
            "yanchor": "top",
            "font": {"size": style.font_size},
        },
    )
    for annotation in layout.get("annotations", []):  # the panel titles
        annotation["font"] = {"size": style.font_size + 2, "color": style.ink}
    # Colours set on each axis, not through a named template: a template is a Python-side
    # Plotly object that a figure dict would have to carry in full.
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            axis.update(
                gridcolor=style.grid,
                zerolinecolor=style.grid,
                linecolor=style.grid,
                tickfont={"size": style.font_size, "color": style.ink},
                title={
                    **axis.get("title", {}),
                    "font": {"size": style.font_size, "color": style.ink},
                },
            )


def _animation_controls(frames_at: np.ndarray, frame_ms: int, style: ChartStyle) -> dict:
    """Play/Pause buttons and an epoch scrubber that drive the frames in the browser."""
    play = {
        "frame": {"duration": frame_ms, "redraw": False},
        "fromcurrent": True,
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    pause = {
        "frame": {"duration": 0, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    font = {"size": style.font_size}
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "y": -0.15,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"r": 10, "t": 0},
                "font": font,
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
                ],
            }
        ],
        "sliders": [
            {
                "active": 0,
                "x": 0.22,
                "len": 0.78,
                "y": -0.12,
                "yanchor": "top",
                "pad": {"t": 0, "b": 0},
                "font": font,
                "currentvalue": {"visible": False},  # the caption in the data panel says it
                "steps": [
                    {"label": str(int(k)), "method": "animate", "args": [[str(int(k))], pause]}
                    for k in frames_at
                ],
            }
        ],
    }


def race_figure(
    histories: tuple[History, ...], run: Run, *, style: ChartStyle = ChartStyle()
) -> Figure:
    """Loss curves of several learning rates (log scale) and their paths on the landscape.

    The current learning rate is drawn in the playground's model colour;
    a diverged run ends in a cross at the epoch where it blew up.
    """
    data: list[dict] = [t | {"xaxis": "x2", "yaxis": "y2"} for t in _landscape(run)]
    others = iter(RACE_COLOURS)
    lw = style.line_width
    for h in histories:
        current = h.lr == run.settings.lr
        colour = PALETTE["fit"] if current else next(others)
        label = f"lr = {h.lr:g}" + (" (current)" if current else "")
        if h.diverged_at is not None:
            label += f": diverged at epoch {h.diverged_at}"
        data.append(
            _line(
                None,
                _f32(np.maximum(h.loss, 1e-300)),
                colour,
                lw,
                name=label,
                x0=0,
                dx=1,
                legendgroup=label,
                hovertemplate=f"lr {h.lr:g}<br>epoch %{{x}}<br>loss %{{y:.4g}}<extra></extra>",
            )
        )
        if h.diverged_at is not None:
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [h.epochs_run],
                    "y": [float(h.loss[-1])],
                    "legendgroup": label,
                    "showlegend": False,
                    "name": label,
                    "hoverinfo": "skip",
                    "marker": {"symbol": "x", "size": style.marker_size + 8, "color": colour},
                }
            )
        idx = frame_epochs(h.epochs_run)
        data.append(
            _line(
                _rounded(h.w[idx]),
                _rounded(h.b[idx]),
                colour,
                lw,
                name=label,
                mode="lines+markers",
                marker={"size": 4},
                legendgroup=label,
                showlegend=False,
                xaxis="x2",
                yaxis="y2",
            )
        )
    data.append(
        _point(
            run.fit.w,
            run.fit.b,
            "least-squares optimum",
            "star",
            PALETTE["ls"],
            style.marker_size + 9,
        )
        | {"xaxis": "x2", "yaxis": "y2"}
    )
    layout = copy.deepcopy(
        _grid_layout(
            1,
            2,
            ("Loss per epoch, one curve per learning rate", "Their paths on the loss landscape"),
        )
    )
    layout["xaxis"].update(title={"text": "epoch"})
    layout["yaxis"].update(type="log", title={"text": "loss"})
    layout["xaxis2"].update(
        range=[float(run.grid.w[0]), float(run.grid.w[-1])], title={"text": "w"}
    )
    layout["yaxis2"].update(
        range=[float(run.grid.b[0]), float(run.grid.b[-1])], title={"text": "b"}
    )
    _style_layout(layout, style, legend_y=-0.22)
    layout.update(height=int(style.height * 0.62), margin={"l": 60, "r": 20, "t": 40, "b": 40})
    return {"data": data, "layout": layout}


def data_figure(run: Run, *, style: ChartStyle = ChartStyle()) -> Figure:
    """The data and the true line alone: what the learner sees before any training."""
    x_range, y_range = _fit_range(run)
    data = _data_traces(run, style, [float(v) for v in x_range])
    layout = {
        "xaxis": {"range": x_range, "title": {"text": "x"}},
        "yaxis": {"range": y_range, "title": {"text": "y"}},
        "title": {"text": f"{run.data.n_samples} points drawn around the true line"},
        "height": int(style.height * 0.6),
        "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
    }
    _style_layout(layout, style, legend_y=-0.15)
    return {"data": data, "layout": layout}
