"""Small helpers that make trace dicts: lines, marked points, compact arrays."""

from __future__ import annotations

import base64

import numpy as np

__all__ = [
    "equation",
    "f32",
    "landmarks",
    "latex_equation",
    "line",
    "line_shape",
    "on",
    "padded",
    "point",
    "rounded",
    "segment",
]


def f32(values) -> dict[str, str]:
    """An array as Plotly's typed-array JSON: float32, base64 (5.3 bytes a number).

    Plotly's own encoder writes NumPy arrays as long decimal lists when a
    figure is a dict, so large arrays are encoded here. Values beyond float32's
    range (a mini-batch run can blow up to 1e300 within its last epoch) are
    clipped to it rather than turned into infinity.
    """
    big = float(np.finfo(np.float32).max)
    array = np.ascontiguousarray(np.clip(values, -big, big), dtype="<f4")
    return {"dtype": "f4", "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def rounded(values: np.ndarray, digits: int = 5) -> list[float]:
    """Plain floats to ``digits`` significant digits: compact JSON for small arrays.

    Each is the float nearest ``m * 10**p`` (``m`` a whole number of ``digits`` digits),
    as ``float(f"{v:.{digits}g}")`` is, found with NumPy for the whole array: a value
    within rounding of halfway between two such numbers may take the other one, one
    unit in the last digit away. Formatting each value as text took 0.5 ms for the level
    lines, a fifth of a new figure's time. Values that are not finite, or further from 1
    than 10**±18, go through that text, which keeps NaN a NaN (and ``figure_json`` refuses it).

    >>> rounded(np.array([1.234567, -0.000123456, 0.0, 98765.4321]), 4)
    [1.235, -0.0001235, 0.0, 98770.0]
    """
    v = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        places = digits - 1 - np.floor(np.log10(np.abs(v)))  # digits after the point
    places[v == 0] = 0
    if v.size == 0 or not (np.isfinite(places).all() and np.abs(places).max() <= 18):
        return [float(f"{x:.{digits}g}") for x in v.tolist()]
    scale = 10.0 ** np.abs(places)  # exact up to 10**22
    # m / 10**p for p > 0 and m * 10**-p for p <= 0: one correctly rounded operation on an
    # exact whole number and an exact power of ten, so the nearest float to the decimal.
    return np.where(places > 0, np.round(v * scale) / scale, np.round(v / scale) * scale).tolist()


def padded(lo: float, hi: float, pad: float = 0.08, minimum: float = 1e-9) -> list[float]:
    """``[lo, hi]`` widened by ``pad`` of its span (at least ``minimum``) on each side."""
    span = max(hi - lo, minimum)
    return [lo - pad * span, hi + pad * span]


def on(axes: tuple[str, str], trace: dict) -> dict:
    """Put a trace on the panel with these axis ids, e.g. ``("x2", "y2")``."""
    return trace | {"xaxis": axes[0], "yaxis": axes[1]}


def line(x, y, colour: str, width: float, dash: str = "solid", **extra) -> dict:
    """A line trace."""
    return {
        "type": "scatter",
        "mode": "lines",
        "x": x,
        "y": y,
        "line": {"color": colour, "width": width, "dash": dash},
    } | extra


def point(
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


def landmarks(marks: list[tuple[float, float, str, str, str, float, str]]) -> dict:
    """Several marked points in one trace: ``(x, y, name, symbol, colour, size, outline)`` each.

    One trace instead of one per point: each trace costs the browser a pass of its own.
    """
    x, y, names, symbols, colours, sizes, outlines = (
        list(column) for column in zip(*marks, strict=True)
    )
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [float(v) for v in x],
        "y": [float(v) for v in y],
        "name": "landmarks",
        "text": names,
        "showlegend": False,
        "marker": {
            "symbol": symbols,
            "size": sizes,
            "color": colours,
            "line": {"width": 1.5, "color": outlines},
        },
        "hovertemplate": "%{text}<br>w=%{x:.3f}, b=%{y:.3f}<extra></extra>",
    }


def segment(
    axes: tuple[str, str],
    start: tuple[float, float],
    end: tuple[float, float],
    colour: str,
    width: float,
    dash: str = "solid",
    name: str | None = None,
) -> dict:
    """A straight line as a layout shape, in a legend entry when it has a ``name``.

    A shape costs the browser far less than a trace on every redraw (no data to
    crawl, no per-point work), so lines that are only two points are shapes.
    """
    shape = {
        "type": "line",
        "xref": axes[0],
        "yref": axes[1],
        "x0": float(start[0]),
        "y0": float(start[1]),
        "x1": float(end[0]),
        "y1": float(end[1]),
        "line": {"color": colour, "width": width, "dash": dash},
        "layer": "below",  # under the traces: the moving line stays on top
    }
    if name is not None:
        shape |= {"name": name, "showlegend": True}
    return shape


def _parts(w: float, b: float, spec: str) -> tuple[bool, str, bool, str]:
    """Whether the slope is negative, its digits, whether the intercept is, its digits."""
    slope = format(w, spec)
    return slope.startswith("-"), slope.removeprefix("-"), b < 0, format(abs(b), spec)


def equation(w: float, b: float, spec: str = "g", lhs: str = "y") -> str:
    """``y = w·x + b`` as a reader writes it: a negative intercept as "− 2", not "+ -2",
    and a true minus sign. ``lhs`` names the left side (``ŷ`` for a model's line).

    Examples
    --------
    >>> equation(1.5, 2), equation(49.6861, -5780.8312, ".3f"), equation(-1, 0, lhs="ŷ")
    ('y = 1.5x + 2', 'y = 49.686x − 5780.831', 'ŷ = −1x + 0')
    """
    w_neg, slope, b_neg, intercept = _parts(w, b, spec)
    return f"{lhs} = {'−' if w_neg else ''}{slope}x {'−' if b_neg else '+'} {intercept}"


def latex_equation(w: float, b: float, spec: str = "g", model: bool = False) -> str:
    r"""The same line in LaTeX, for Markdown's ``$...$``: ``\hat{y}`` on the left for a
    model's line, a thin space between the slope and ``x``, the digits of :func:`equation`.

    Examples
    --------
    >>> latex_equation(1.5, 2), latex_equation(0, 0, model=True), latex_equation(-1, -0.5)
    ('y = 1.5\\,x + 2', '\\hat{y} = 0\\,x + 0', 'y = -1\\,x - 0.5')
    >>> latex_equation(2.5e-05, -3e7)
    'y = 2.5 \\times 10^{-5}\\,x - 3 \\times 10^{7}'
    """
    w_neg, slope, b_neg, intercept = _parts(w, b, spec)
    lhs = r"\hat{y}" if model else "y"
    sign = "-" if b_neg else "+"
    return f"{lhs} = {'-' if w_neg else ''}{_tex_digits(slope)}\\,x {sign} {_tex_digits(intercept)}"


def _tex_digits(digits: str) -> str:
    r"""Digits for TeX: Python's exponent (``1e-05``) as a power of ten (``1 \times
    10^{-5}``), which KaTeX would otherwise set as ``1e − 05``; other digits as they are."""
    if "e" not in digits:
        return digits
    mantissa, exponent = digits.split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def line_shape(
    axes: tuple[str, str],
    w: float,
    b: float,
    xs: list[float],
    colour: str,
    width: float,
    dash: str,
    name: str,
) -> dict:
    """The line ``y = w x + b`` across ``xs`` (its two ends), as a shape in the legend."""
    return segment(axes, (xs[0], w * xs[0] + b), (xs[1], w * xs[1] + b), colour, width, dash, name)
