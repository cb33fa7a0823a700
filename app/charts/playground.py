"""The playground's figure: four panels that share one set of animation frames.

Play, Pause and the epoch scrubber move every panel together in the browser,
with no round trip to the server. Panels: (0) the data and the lines, (1) the
loss per epoch, (2) w and b per epoch, (3) the loss landscape with the path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from linreg_core import History

from ..model.compute import Run
from ..model.method_text import method_label
from ..model.numbers import number_text
from ..model.settings import View
from .animation import Moving, animate, animation_plan
from .data import axis_titles, data_panel_range, data_points, true_line
from .grid import axis_ids, grid_layout, narrow_part, text_px
from .landscape import landscape_image, level_lines
from .style import PALETTE, RIGHT_MARGIN_PX, ChartStyle, log_ticks, style_layout
from .traces import equation, f32, landmarks, line, line_shape, on, rounded, segment

__all__ = ["PANEL_TITLES", "playground_figure"]

PANEL_TITLES = (
    "The data and the lines",
    "Loss (mean squared error)",
    "Parameters w and b over epochs",
    "Loss landscape over (w, b)",
)


def _coloured(text: str, colour: str) -> str:
    """``text`` in ``colour``, for a Plotly annotation (its text takes a few HTML tags)."""
    return f'<span style="color:{colour}">{text}</span>'


#: Lecture mode has no legend (its height goes to the panels): each panel's title is
#: shorter and followed by the panel's key, what its line styles and marks mean.
LECTURE_TITLES = (
    "Data",
    "Loss (MSE)",
    f"{_coloured('w', PALETTE['w'])} and {_coloured('b', PALETTE['b'])}",
    "Loss over (w, b)",
)
#: How a line or mark looks, in a key.
SOLID, DASHED, DOTTED, CROSS, STAR = "—", "– –", "···", "✕", "★"
DATA, LOSS, PARAMS, LANDSCAPE = (axis_ids(p) for p in range(4))
#: How many points of the path so far each frame carries at most (plus "now").
MAX_PATH_POINTS = 20
#: Height of one panel's plotting area in the one-column layout for phones, in pixels.
NARROW_PANEL_PX = 240


@dataclass
class _Panel:
    """One panel's traces (still and moving), its straight lines (shapes) and its axes."""

    still: list[dict] = field(default_factory=list)
    moving: list[Moving] = field(default_factory=list)
    shapes: list[dict] = field(default_factory=list)
    axes: dict = field(default_factory=dict)
    key: list[str] = field(default_factory=list)  # lecture mode's words for the legend
    notes: list[dict] = field(default_factory=list)  # annotations inside the panel


def _axes(ids: tuple[str, str], x: dict, y: dict) -> dict:
    return {"xaxis" + ids[0][1:]: x, "yaxis" + ids[1][1:]: y}


def _trained_line_name(h: History) -> str:
    """The trained line's legend entry: the method that trained it, in words."""
    name = method_label(h.optimizer)
    name = "gradient descent" if name == "Gradient descent" else name
    return name + (f", batches of {h.batch_size}" if h.batch_size else "")


def _data_panel(run: Run, style: ChartStyle, view: View) -> _Panel:
    h, ls = run.history, run.least_squares
    x_range, y_range = data_panel_range(run)
    xs = [float(v) for v in x_range]
    x_title, y_title = axis_titles(run.settings.source)
    panel = _Panel(
        axes=_axes(DATA, {"range": x_range, "title": x_title}, {"range": y_range, "title": y_title})
    )
    panel.still.append(on(DATA, data_points(run, style)))
    truth = true_line(run, style, xs, DATA)
    panel.key.append(_coloured(f"{SOLID} fit", PALETTE["gd"]))
    if truth is not None:
        panel.shapes.append(truth)
        panel.key.append(_coloured(f"{DASHED} true", PALETTE["true"]))
    if view.show_ls:
        panel.key.append(_coloured(f"{DOTTED} best fit", PALETTE["ls"]))
        name = f"least squares: {equation(ls.w, ls.b, '.3f')}"
        panel.shapes.append(
            line_shape(DATA, ls.w, ls.b, xs, PALETTE["ls"], style.line_width, "dot", name)
        )
    gd_line = on(
        DATA, line(xs, None, PALETTE["gd"], style.line_width * 1.6, name=_trained_line_name(h))
    )
    panel.moving.append(
        Moving(gd_line, lambda k: {"y": [float(h.w[k]) * x + float(h.b[k]) for x in xs]})
    )
    return panel


def _loss_range(loss: np.ndarray, floor: float, log: bool) -> list[float]:
    lo, hi = min(float(loss.min()), floor), float(loss.max())
    if log:
        # A floor of 0 up to rounding (a perfect fit: two points, or no noise, 1e-30) would
        # stretch the axis down to 1e-14 and squash the curve into the top of the panel:
        # the axis then spans the run, and the floor stays off it (the table above says 0).
        run_lo = float(loss[loss > 0].min(initial=np.inf))
        if lo <= 0 or floor <= 1e-12 * float(loss[0]):  # 0 up to rounding, not a real floor
            lo = run_lo
        lo = max(lo, 1e-300) if np.isfinite(lo) else 1e-300
        low, high = float(np.log10(lo)), float(np.log10(max(hi, lo * 10)))
        # 4 % of the span each side, at least a tenth of a decade: the "now" marker on the
        # last loss of a diverged run (13 decades up) sits in the panel whole.
        pad = max(0.1, 0.04 * (high - low))
        return [low - pad, high + pad]
    return [0.0 - 0.08 * hi, hi * 1.08] if hi > 0 else [-1.0, 1.0]


_CURVE = {"x0": 0, "dx": 1, "showlegend": False}


def _epoch_range(last: int) -> list[float]:
    """The epoch axis, a little before epoch 0 and past the last epoch: the "now" markers
    sit on it whole at both ends (ending exactly there, they were cut in half by the
    panel's edge)."""
    pad = 0.03 * max(last, 1)
    return [-pad, last + pad]


def _loss_panel(run: Run, style: ChartStyle, view: View) -> _Panel:
    h, ls = run.history, run.least_squares
    last, lw = h.epochs_run, style.line_width
    log = view.log_loss and float(h.loss.min()) > 0
    y_axis = {
        "type": "log" if log else "linear",
        "title": {"text": "loss"},
        "range": _loss_range(h.loss, ls.loss, log),
    }
    if log:
        y_axis.update(log_ticks(*y_axis["range"]))
    epochs = {"range": _epoch_range(last), "title": {"text": "epoch"}}
    panel = _Panel(axes=_axes(LOSS, epochs, y_axis))
    curve = line(
        None,
        f32(h.loss),
        style.ink,
        lw,
        name="loss",
        opacity=0.85,
        hovertemplate="epoch %{x}<br>loss %{y:.4g}<extra></extra>",
    )
    panel.still.append(on(LOSS, curve | _CURVE))
    if view.show_ls:  # the floor: the least-squares loss
        panel.shapes.append(
            segment(LOSS, (0, ls.loss), (epochs["range"][1], ls.loss), PALETTE["ls"], lw, "dot")
        )
        panel.key.append(_coloured(f"{DOTTED} best fit", PALETTE["ls"]))
    marker = {
        "type": "scatter",
        "mode": "markers",
        "name": "loss now",
        "showlegend": False,
        "marker": {"color": PALETTE["gd"], "size": style.marker_size + 5},
    }
    panel.moving.append(Moving(on(LOSS, marker), lambda k: {"x": [k], "y": [float(h.loss[k])]}))
    return panel


def _param_range(run: Run) -> list[float]:
    """The y range of the parameter panel: the run, the true and least-squares values.

    A diverging run is left to leave the panel rather than flatten the rest.
    """
    h, s, ls, d = run.history, run.settings, run.least_squares, run.data
    truth = [d.true_w, d.true_b] if d.has_true_line else []
    anchors = np.array([*truth, ls.w, ls.b, s.w0, s.b0])
    lo, hi = float(anchors.min()), float(anchors.max())
    reach = 2.0 * max(hi - lo, 1.0)
    values = np.concatenate([h.w, h.b])
    values = values[(values >= lo - reach) & (values <= hi + reach)]
    lo, hi = min(lo, values.min(initial=lo)), max(hi, values.max(initial=hi))
    span = max(hi - lo, 1e-9)
    return [lo - 0.08 * span, hi + 0.08 * span]


def _params_panel(run: Run, style: ChartStyle, view: View) -> _Panel:
    h, d, ls = run.history, run.data, run.least_squares
    last, lw = h.epochs_run, style.line_width
    epochs = {"range": _epoch_range(last), "title": {"text": "epoch"}}
    panel = _Panel(
        axes=_axes(PARAMS, epochs, {"range": _param_range(run), "title": {"text": "value"}})
    )
    for name, values, true, best in (("w", h.w, d.true_w, ls.w), ("b", h.b, d.true_b, ls.b)):
        curve = line(
            None,
            f32(values),
            PALETTE[name],
            lw,
            name=name,
            hovertemplate=f"epoch %{{x}}<br>{name} = %{{y:.4f}}<extra></extra>",
        )
        panel.still.append(
            on(PARAMS, curve | _CURVE | {"showlegend": True, "legendgroup": "params"})
        )
        # Reference levels: the true value (dashed) and the least-squares value (dotted).
        levels = [(true, "dash")] if d.has_true_line else []
        levels += [(best, "dot")] if view.show_ls else []
        for value, dash in levels:
            panel.shapes.append(
                segment(
                    PARAMS,
                    (0, value),
                    (epochs["range"][1], value),  # to the axis's end
                    PALETTE[name],
                    lw * 0.6,
                    dash,
                )
            )
    panel.key += [f"{DASHED} true"] if d.has_true_line else []
    panel.key += [f"{DOTTED} best fit"] if view.show_ls else []
    if h.diverged_at is not None:
        panel.notes.append(_off_the_chart(run, style))
    now = {
        "type": "scatter",
        "mode": "markers",
        "name": "now",
        "showlegend": False,
        "marker": {
            "color": [PALETTE["w"], PALETTE["b"]],
            "size": style.marker_size + 5,
            "line": {"width": 2, "color": PALETTE["gd"]},
        },
    }
    panel.moving.append(
        Moving(on(PARAMS, now), lambda k: {"x": [k, k], "y": [float(h.w[k]), float(h.b[k])]})
    )
    return panel


def _off_the_chart(run: Run, style: ChartStyle) -> dict:
    """A diverged run's w and b leave the panel (its range stays on the truth): say so,
    and how far they went, at the panel's top."""
    h = run.history
    k = h.epochs_run
    w, b = number_text(h.w[k]), number_text(h.b[k])
    return {
        "xref": f"{PARAMS[0]} domain",
        "yref": f"{PARAMS[1]} domain",
        "x": 0.5,
        "y": 0.97,
        "xanchor": "center",
        "yanchor": "top",
        "showarrow": False,
        "text": f"Off the chart: w = {w},<br>b = {b} at epoch {k}",
        "bgcolor": "rgba(14,17,23,0.85)" if style.dark else "rgba(255,255,255,0.85)",
    }


def _landscape_panel(run: Run, style: ChartStyle, view: View, frames_at: np.ndarray) -> _Panel:
    h, s, ls, grid = run.history, run.settings, run.least_squares, run.grid
    ms, lw = style.marker_size, style.line_width
    w_axis = {"range": [float(grid.w[0]), float(grid.w[-1])], "title": {"text": "w"}}
    b_axis = {"range": [float(grid.b[0]), float(grid.b[-1])], "title": {"text": "b"}}
    panel = _Panel(axes=_axes(LANDSCAPE, w_axis, b_axis))
    levels = level_lines(run.stats, grid)
    if levels is not None:
        panel.still.append(on(LANDSCAPE, levels))
    marks = [(s.w0, s.b0, "start", "circle", "white", ms + 5, "#1A1A1A")]
    d = run.data
    if d.has_true_line:
        marks.append((d.true_w, d.true_b, "true (w, b)", "x", PALETTE["true"], ms + 9, "white"))
        panel.key.append(_coloured(f"{CROSS} true", PALETTE["true"]))
    if view.show_ls:
        marks.append((ls.w, ls.b, "least-squares optimum", "star", PALETTE["ls"], ms + 9, "white"))
        panel.key.append(_coloured(f"{STAR} best fit", PALETTE["ls"]))
    panel.still.append(on(LANDSCAPE, landmarks(marks)))
    # The whole route, faint: the path so far is drawn over it as Play runs.
    route_w, route_b, at_epoch, left_at = _route(run, frames_at, w_axis["range"], b_axis["range"])
    route_x, route_y = rounded(route_w), rounded(route_b)
    route = line(
        route_x,
        route_y,
        PALETTE["gd"],
        lw * 0.5,
        name="route",
        showlegend=False,
        opacity=0.35,
        hoverinfo="skip",
    )
    panel.still.append(on(LANDSCAPE, route))
    # The path so far is thinned to a fixed set of the route's points (so it does not
    # flicker from frame to frame) plus the current epoch.
    spans = (w_axis["range"][1] - w_axis["range"][0], b_axis["range"][1] - b_axis["range"][0])
    path_grid = path_points(route_w, route_b, spans, MAX_PATH_POINTS)
    grid_x, grid_y = [route_x[i] for i in path_grid], [route_y[i] for i in path_grid]
    # Per frame's epoch, worked out once for all frames (not one NumPy call per frame): how
    # many of those points are behind it (grid_epoch < k; the epochs rise along the route),
    # and "now", rounded.
    epochs = frames_at.tolist()
    behind = dict(
        zip(epochs, np.searchsorted(at_epoch[path_grid], frames_at).tolist(), strict=True)
    )
    now_w = dict(zip(epochs, rounded(h.w[frames_at]), strict=True))
    now_b = dict(zip(epochs, rounded(h.b[frames_at]), strict=True))
    end = len(route_x) - 1

    def path_at(k: int) -> dict:  # the route's rounded numbers, reused in every frame
        n = behind[k]
        if left_at is not None and k > left_at:  # a diverged run's path ends where it left
            done = [i for i in path_grid[:n].tolist() if i < end] + [end]
            return {"x": [route_x[i] for i in done], "y": [route_y[i] for i in done]}
        return {"x": [*grid_x[:n], now_w[k]], "y": [*grid_y[:n], now_b[k]]}

    path = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "path",
        "showlegend": False,
        "line": {"color": PALETTE["gd"], "width": lw},
        "marker": {"size": max(4, ms - 2), "color": PALETTE["gd"]},
    }
    panel.moving.append(Moving(on(LANDSCAPE, path), path_at))
    return panel


def path_points(w: np.ndarray, b: np.ndarray, spans: tuple[float, float], n: int) -> np.ndarray:
    """Indices of at most ``n`` route points, evenly spaced along the route as drawn.

    Evenly spaced in epochs, the thinned path cut corners: at lr 0.05, w settles in three
    epochs and b in thirty, and a path through every sixth point ran straight from the
    start across the contours. Spaced by the distance travelled on the panel (w and b
    each over its axis's span), every long stretch keeps its ends, and so its corners.

    Examples
    --------
    >>> w = np.array([0.0, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0])  # a big step in w, then
    >>> b = np.array([0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0])  # b moves on its own
    >>> path_points(w, b, (1.0, 1.0), 3).tolist()  # the corner (index 1) stays
    [0, 1, 3]
    """
    steps = np.hypot(np.diff(w) / spans[0], np.diff(b) / spans[1])  # (k - 1,)
    steps = np.where(np.isfinite(steps), steps, 0.0)
    along = np.concatenate([[0.0], np.cumsum(steps)])  # (k,)
    if len(w) <= n or along[-1] <= 0.0:
        return np.arange(len(w))[:: max(1, -(-len(w) // n))]
    marks = np.linspace(0.0, along[-1], n, endpoint=False)
    return np.unique(np.searchsorted(along, marks, side="left"))


def _route(
    run: Run, frames_at: np.ndarray, w_range: list[float], b_range: list[float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float | None]:
    """The path drawn on the landscape: ``(w, b, epoch of each point)``, each (k,), and
    the epoch at which it leaves the panel (``None`` if it does not).

    Full batch, the epochs that are frames. Mini-batch, the core's thinned path of
    the steps: the parameters after each epoch would hide the zig-zag of the noisy
    steps between them, which is what a learner should see. A diverged run's route
    ends at its first point outside the panel: the line leaves the panel there. (Its
    later segments, between points far outside, crossed the panel as straight lines,
    over the optimum.)
    """
    h = run.history
    if h.path is None:
        w, b, at = h.w[frames_at], h.b[frames_at], frames_at.astype(float)
    else:
        per_epoch = -(-run.stats.n // h.batch_size)
        w, b, at = h.path.w, h.path.b, h.path.step / per_epoch
    if h.diverged_at is not None:
        inside = (w >= w_range[0]) & (w <= w_range[1]) & (b >= b_range[0]) & (b <= b_range[1])
        if not inside.all():
            end = int(np.argmin(inside)) + 1  # up to the first point outside, included
            return w[:end], b[:end], at[:end], float(at[end - 1])
    return w, b, at, None


def _epoch_label(run: Run, k: int) -> str:
    h = run.history
    w, b, loss = (number_text(v) for v in (h.w[k], h.b[k], h.loss[k]))
    return f"epoch {k} · w = {w} · b = {b} · loss = {loss}"


def _keyed_titles(panels: list[_Panel]) -> tuple[str, ...]:
    """Lecture mode's panel titles: each short title, then its panel's key."""
    return tuple(
        " · ".join([title, *panel.key]) for title, panel in zip(LECTURE_TITLES, panels, strict=True)
    )


def _layout(panels: list[_Panel], style: ChartStyle, rows: int, cols: int) -> dict:
    """The figure's layout for a grid of ``rows`` x ``cols`` panels.

    Spacing is worked out in pixels from the font size (a panel's title above it,
    its tick labels and axis title below it, the legend's rows), so nothing
    overlaps at any text size or height.
    """
    wide = cols > 1
    font = style.font_size
    title_px, axis_px = text_px(font)
    # Wide, the legend stands in a column at the right (Plotly widens the right margin to
    # hold it): below the panels its rows took 80 px of a laptop screen's height, which
    # the panels need. In one column (a phone) it is under the panels.
    legend_px = 8 * font + 16 if style.legend and not wide else 0
    gap_px = title_px + axis_px
    height = style.height if wide else rows * NARROW_PANEL_PX + (rows - 1) * gap_px
    if not wide:
        height += title_px + axis_px + legend_px
    plot_px = height - title_px - axis_px - legend_px
    titles = PANEL_TITLES if style.legend else _keyed_titles(panels)
    layout = grid_layout(rows, cols, titles, hgap=0.09 if wide else 0.0, vgap=gap_px / plot_px)
    for panel in panels:
        for name, axis in panel.axes.items():
            layout[name].update(axis)
        layout["annotations"] += panel.notes
    style_layout(layout, style, legend_y=-(axis_px + 4) / plot_px)
    if wide:
        # Beside the panels at the foot of the right margin (Plotly widens it to hold the
        # entries), below the toolbar at its top.
        layout["legend"].update(orientation="v", x=1.02, xanchor="left", y=0.0, yanchor="bottom")
    layout.update(
        height=height,
        showlegend=style.legend,
        # Wide, the legend's column is the right margin, under the toolbar that stands
        # upright at its top; 50 px at the left hold the tick labels and the axis title,
        # so each panel keeps 220 px beside a laptop's sidebar (lecture mode's larger
        # text keeps 60).
        margin={
            "l": 50 if wide and style.legend else 60,
            "r": RIGHT_MARGIN_PX,
            "t": title_px,
            "b": axis_px + legend_px,
        },
    )
    return layout


def playground_figure(run: Run, *, style: ChartStyle = ChartStyle(), view: View = View()) -> dict:
    """The four synchronised panels for one run, animated epoch by epoch.

    Parameters
    ----------
    run : Run
    style : ChartStyle
    view : View
        ``show_ls`` draws the least-squares line, loss floor, values and optimum;
        ``log_loss`` makes the loss axis logarithmic; ``seconds`` is how long Play
        takes from the first frame to the last.

    Returns
    -------
    dict
        A Plotly figure whose ``frames`` hold one frame per epoch of
        :func:`~app.charts.animation.animation_plan`, each updating the moving
        traces of every panel; the figure opens on the last one. ``animation``
        is read by the chart component (Play, the scrubber and the epoch label);
        ``narrow`` is the one-column layout for phones.
    """
    frames_at, frame_ms = animation_plan(run.history.epochs_run, view.seconds)
    panels = [
        _data_panel(run, style, view),
        _loss_panel(run, style, view),
        _params_panel(run, style, view),
        _landscape_panel(run, style, view, frames_at),
    ]
    data = [trace for panel in panels for trace in panel.still]
    moving = [m for panel in panels for m in panel.moving]
    traces, frames, player = animate(
        moving, len(data), frames_at, lambda k: _epoch_label(run, k), frame_ms
    )
    layout = _layout(panels, style, 2, 2)
    layout.update(
        shapes=[shape for panel in panels for shape in panel.shapes],
        hovermode="closest",
        uirevision="playground",
        images=[landscape_image(run.grid, run.least_squares.loss, LANDSCAPE)],
    )
    figure = {
        "data": data + traces,
        "layout": layout,
        "frames": frames,
        "animation": player,
        "narrow": narrow_part(_layout(panels, style, 4, 1)),
    }
    if fill := style.fill():
        figure["fill"] = fill  # the chart component grows it with the screen
    return figure
