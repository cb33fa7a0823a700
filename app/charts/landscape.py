"""The loss landscape: one colour image of the loss, plus its level lines.

Measured in Chromium (``../shared/tools/plotly-cost``): a dozen filled level-set
traces made up most of the cost of redrawing the playground's figure. An image
is one element for the browser to draw, whatever its resolution, and it is part
of the layout, not a trace, so Plotly's frame animation leaves it in place
(contour and heatmap traces vanish from a subplot while Play runs). The level
lines are one scatter trace.
"""

from __future__ import annotations

import base64
import functools
import struct
import zlib

import numpy as np
from plotly.colors import sample_colorscale, unlabel_rgb

from linreg_core import SufficientStats

from ..model.compute import Grid
from .traces import rounded

__all__ = ["landscape_image", "level_lines"]

#: Loss levels drawn as lines; the colours span the same range of loss above the floor.
N_LEVELS = 12
#: The lowest level drawn, as a fraction of the highest one's height above the floor.
DEPTH = 1e-4
#: Points on each level's ellipse.
ELLIPSE_POINTS = 49


@functools.cache
def _colour_table() -> np.ndarray:
    """Cividis as a (256, 3) table of 8-bit colours: dark for high loss, bright for low."""
    colours = sample_colorscale("Cividis", np.linspace(0.0, 1.0, 256).tolist())
    table = np.array([unlabel_rgb(c) for c in colours]).round().astype(np.uint8)
    table.setflags(write=False)
    return table


def _png(rgb: np.ndarray) -> bytes:
    """An 8-bit RGB image, shape (height, width, 3), top row first, as PNG bytes."""
    height, width, _ = rgb.shape
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # filter byte 0 a row
    rows[:, 1:] = rgb.reshape(height, 3 * width)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def _depth(loss: np.ndarray, floor: float, top: float) -> np.ndarray:
    """0 at the highest level, 1 at the lowest: evenly spaced in log(loss - floor)."""
    span = max(top - floor, 1e-300)
    excess = np.maximum(loss - floor, span * DEPTH)
    return np.clip(np.log(span / excess) / np.log(1.0 / DEPTH), 0.0, 1.0)


def landscape_image(grid: Grid, floor: float, axes: tuple[str, str]) -> dict:
    """The loss over the grid as a layout image placed on the panel with ``axes``."""
    top = float(grid.loss.max())
    index = np.round(255 * _depth(grid.loss, floor, top)).astype(np.intp)  # (n_b, n_w)
    rgb = _colour_table()[index[::-1]]  # PNG rows run top (highest b) to bottom
    source = "data:image/png;base64," + base64.b64encode(_png(rgb)).decode("ascii")
    dw = (grid.w[-1] - grid.w[0]) / max(len(grid.w) - 1, 1)
    db = (grid.b[-1] - grid.b[0]) / max(len(grid.b) - 1, 1)
    return {
        "source": source,
        "xref": axes[0],
        "yref": axes[1],
        "x": float(grid.w[0] - dw / 2),
        "y": float(grid.b[-1] + db / 2),
        "sizex": float(grid.w[-1] - grid.w[0] + dw),
        "sizey": float(grid.b[-1] - grid.b[0] + db),
        "xanchor": "left",
        "yanchor": "top",
        "sizing": "stretch",
        "layer": "below",
    }


def level_lines(stats: SufficientStats, grid: Grid) -> dict | None:
    """The loss's level sets as one line trace: nested ellipses around the optimum.

    The loss is a quadratic bowl, so the level set ``loss = L`` is an ellipse
    with axes along the Hessian's eigenvectors and half-lengths
    ``sqrt(2 (L - loss_min) / lam)``. ``None`` when all x are equal: the bowl
    is then a flat-bottomed trough, and the image alone shows it.
    """
    lam, vecs = np.linalg.eigh(stats.hessian)  # (2,), (2, 2)
    floor, top = stats.resid_var, float(grid.loss.max())
    if lam[0] <= 1e-12 * lam[1] or not top > floor:
        return None
    t = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
    circle = np.stack([np.cos(t), np.sin(t)])  # (2, ELLIPSE_POINTS)
    centre = np.array([[stats.w_ls], [stats.b_ls]])
    excess = np.geomspace(top - floor, (top - floor) * DEPTH, N_LEVELS)  # (N_LEVELS,)
    half_axes = np.sqrt(2.0 * excess[:, None, None] / lam[:, None])  # (N_LEVELS, 2, 1)
    points = centre + vecs @ (half_axes * circle)  # (N_LEVELS, 2, ELLIPSE_POINTS)
    w, b = points[:, 0], points[:, 1]  # (N_LEVELS, ELLIPSE_POINTS) each
    # All levels rounded at once, then each ellipse its own line (None: a gap).
    w_rows = np.reshape(rounded(w.ravel(), 4), w.shape).tolist()
    b_rows = np.reshape(rounded(b.ravel(), 4), b.shape).tolist()
    ws = [v for row in w_rows for v in [*row, None]]
    bs = [v for row in b_rows for v in [*row, None]]
    return {
        "type": "scatter",
        "mode": "lines",
        "x": ws,
        "y": bs,
        "name": "loss levels",
        "showlegend": False,
        "hoverinfo": "skip",
        "line": {"width": 0.8, "color": "rgba(255,255,255,0.5)"},
    }
