"""The race: several runs on the same data from the same start, side by side."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from linreg_core import History

from ..model.compute import Run
from ..model.method_text import race_label
from .animation import frame_epochs
from .grid import axis_ids, grid_layout, narrow_part, text_px
from .landscape import landscape_image, level_lines
from .style import PALETTE, RACE_COLOURS, RIGHT_MARGIN_PX, ChartStyle, log_ticks, style_layout
from .traces import f32, line, on, point, rounded

__all__ = ["race_figure"]

LOSS, LANDSCAPE = axis_ids(0), axis_ids(1)
#: What a race varies, and the title of its loss panel.
RACES = {
    "lr": "Loss per epoch, one curve per learning rate",
    "optimizer": "Loss per epoch, one curve per optimizer",
    "batch": "Loss per epoch: batch size and learning rate",
}
PATHS_TITLE = "Their paths on the loss landscape"


def _is_current(h: History, run: Run, by: str) -> bool:
    if by == "lr":
        return h.lr == run.settings.lr
    if by == "batch":
        return h.lr == run.settings.lr and h.batch_size == run.history.batch_size
    return h.optimizer == run.history.optimizer


def _runner(h: History, colour: str, label: str, style: ChartStyle) -> list[dict]:
    """One run's loss curve (with a cross where it diverged) and its path."""
    lw = style.line_width
    traces = [
        line(
            None,
            f32(np.maximum(h.loss, 1e-300)),
            colour,
            lw,
            name=label,
            x0=0,
            dx=1,
            legendgroup=label,
            hovertemplate=f"{label}<br>epoch %{{x}}<br>loss %{{y:.4g}}<extra></extra>",
        )
    ]
    if h.diverged_at is not None:
        traces.append(
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
    path = line(
        rounded(h.w[idx]),
        rounded(h.b[idx]),
        colour,
        lw,
        name=label,
        mode="lines+markers",
        marker={"size": 4},
        legendgroup=label,
        showlegend=False,
    )
    return [on(LOSS, t) for t in traces] + [on(LANDSCAPE, path)]


def race_figure(
    histories: tuple[History, ...],
    run: Run,
    *,
    style: ChartStyle = ChartStyle(),
    by: str = "lr",
    current: str | None = "current",
) -> dict:
    """Loss curves of several runs (log scale) and their paths on the landscape.

    ``by`` is what the runs differ in: ``"lr"`` (learning rates) or ``"optimizer"``.
    The run like ``run`` is drawn in the playground's gradient-descent colour, and
    its legend entry ends in ``(current)`` (the playground's word; a lesson names
    what it is instead, or nothing with ``None``); a diverged run ends in a cross at
    the epoch where it blew up.
    """
    title = RACES[by]
    levels = level_lines(run.stats, run.grid)
    data: list[dict] = [on(LANDSCAPE, levels)] if levels is not None else []
    others = iter(RACE_COLOURS)
    runners: list[tuple[bool, list[dict]]] = []
    for rank, h in enumerate(histories, start=1):
        is_current = _is_current(h, run, by)
        colour = PALETTE["gd"] if is_current else next(others)
        label = race_label(h, by) + (f" ({current})" if is_current and current else "")
        if h.diverged_at is not None:
            label += f": diverged at epoch {h.diverged_at}"
        traces = [t | {"legendrank": rank} for t in _runner(h, colour, label, style)]
        runners.append((h.diverged_at is not None, traces))
    # Diverged runs first, so underneath: on the landscape a diverged path's first steps
    # run along a slow run's and hid it. The legend keeps the runs' order (legendrank).
    for _, traces in sorted(runners, key=lambda r: not r[0]):
        data += traces
    ls = run.least_squares
    optimum = point(
        ls.w, ls.b, "least-squares optimum", "star", PALETTE["ls"], style.marker_size + 9
    )
    data.append(on(LANDSCAPE, optimum))
    grid = run.grid
    axes = {
        "xaxis": {"title": {"text": "epoch"}},
        "yaxis": {"type": "log", "title": {"text": "loss"}, **_loss_axis(histories)},
        "xaxis2": {"range": [float(grid.w[0]), float(grid.w[-1])], "title": {"text": "w"}},
        "yaxis2": {"range": [float(grid.b[0]), float(grid.b[-1])], "title": {"text": "b"}},
    }
    layout = _race_layout((title, PATHS_TITLE), axes, style, len(histories), narrow=False)
    layout["images"] = [landscape_image(grid, ls.loss, LANDSCAPE)]
    # A phone's layout: the two panels one above the other (side by side, their titles ran
    # into each other).
    narrow = _race_layout((title, PATHS_TITLE), axes, style, len(histories), narrow=True)
    return {"data": data, "layout": layout, "narrow": narrow_part(narrow)}


def _race_layout(
    titles: tuple[str, str], axes: dict, style: ChartStyle, runs: int, *, narrow: bool
) -> dict:
    """Two panels side by side (or, ``narrow``, one above the other), spaced in pixels from
    the font size: a title above each, tick labels and an axis title below, then the
    legend, so that lecture sizes do not run into each other."""
    font = style.font_size
    title_px, axis_px = text_px(font)
    legend_rows = runs if narrow else -(-runs // 3)  # about three entries a row when wide
    legend_px = legend_rows * (font + 10) + 10
    panel_px = 240 if narrow else int(style.height * 0.7) - title_px - axis_px - 40
    plot_px = 2 * panel_px + title_px + axis_px if narrow else panel_px
    if narrow:
        layout = grid_layout(2, 1, titles, hgap=0.0, vgap=(title_px + axis_px) / plot_px)
    else:
        layout = grid_layout(1, 2, titles, hgap=0.1, vgap=0.0)
    for name, axis in axes.items():
        layout[name].update(axis)
    style_layout(layout, style, legend_y=-(axis_px + 4) / plot_px)
    layout.update(
        height=title_px + plot_px + axis_px + legend_px,
        margin={
            "l": 60 + 2 * (font - 14),
            "r": RIGHT_MARGIN_PX,
            "t": title_px,
            "b": axis_px + legend_px,
        },
    )
    return layout


def _loss_axis(histories: Sequence[History]) -> dict:
    """A log axis with whole labels (1, 2, 5 … or powers of ten: Plotly's own log ticks
    label 20 and 2 alike, as a small "2").

    It spans the finite losses of the runs that did not diverge, and a decade and a half
    above them: a diverged run climbs out through the top (its legend entry says where it
    blew up). Spanning its 10¹³ as well squashed the others into one line at the bottom.
    Only diverged runs: all their losses.
    """
    kept = [h for h in histories if h.diverged_at is None] or list(histories)
    losses = np.concatenate([h.loss for h in kept]) if kept else np.zeros(0)
    losses = losses[np.isfinite(losses) & (losses > 0)]
    if losses.size == 0:
        return {}
    lo, hi = math.log10(float(losses.min())), math.log10(float(losses.max()))
    pad = max(0.04 * (hi - lo), 0.02)
    room = _DIVERGED_ROOM if len(kept) < len(histories) else pad
    lo, hi = lo - pad, hi + room
    return {"range": [lo, hi], **log_ticks(lo, hi)}


#: Decades above the other runs' losses that a diverged run climbs through before it
#: leaves the loss panel.
_DIVERGED_ROOM = 1.5
