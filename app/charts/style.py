"""Colours, sizes and the theme every chart shares."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["PALETTE", "RACE_COLOURS", "RIGHT_MARGIN_PX", "ChartStyle", "log_ticks", "style_layout"]

#: Okabe–Ito colours: told apart with every common kind of colour blindness.
PALETTE = {
    "data": "#56B4E9",  # sky blue
    "true": "#009E73",  # bluish green
    "ls": "#CC79A7",  # reddish purple: the least-squares line and optimum
    "gd": "#D55E00",  # vermillion: gradient descent, wherever it appears
    "w": "#0072B2",  # blue
    "b": "#E69F00",  # orange
}
#: The right margin of every wide chart: the hover toolbar stands upright in it, beside
#: the panels, so it never covers a panel's title or its data.
RIGHT_MARGIN_PX = 32
#: The toolbar keeps zoom, pan, reset and download; the rest only crowd it.
_MODEBAR = {
    "orientation": "v",
    "remove": ["select2d", "lasso2d", "zoomin2d", "zoomout2d", "autoscale2d"],
}

#: Further colours for the race, after "gd" for the current run.
RACE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442")


@dataclass(frozen=True)
class ChartStyle:
    """Sizes and theme of the charts (lecture mode makes everything larger)."""

    dark: bool = False
    font_size: int = 13
    line_width: float = 2.5
    marker_size: int = 7
    #: The playground's four panels at this height fit a 1366 x 650 laptop screen with
    #: their player: each plot area is about 165 px tall.
    height: int = 520
    legend: bool = True
    #: Lecture mode's chart grows with the screen, from ``height`` up to this: the chart
    #: component gives it the window's height less what the page has above and below it.
    #: None: the chart keeps ``height``.
    max_height: int | None = None

    def fill(self) -> dict | None:
        """The figure's ``fill`` key, read by the chart component, or None."""
        return None if self.max_height is None else {"max": self.max_height}

    @property
    def ink(self) -> str:
        return "#F5F5F5" if self.dark else "#1A1A1A"

    @property
    def grid(self) -> str:
        return "rgba(255,255,255,0.15)" if self.dark else "rgba(0,0,0,0.1)"

    @classmethod
    def lecture(cls, dark: bool = False) -> ChartStyle:
        """Legible from the back of a lecture hall on a 1280 x 720 projector.

        No legend: the panel titles and the player's label carry the meaning, and the
        chart, its player and the status line fit the projector's screen together.
        """
        return cls(
            dark=dark,
            font_size=20,
            line_width=4.5,
            marker_size=11,
            height=465,  # on a 1280 x 720 screen, with the status line and the player
            legend=False,
            max_height=930,
        )


def log_ticks(lo: float, hi: float) -> dict:
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


def style_layout(layout: dict, style: ChartStyle, legend_y: float) -> None:
    """Theme, fonts and legend shared by every chart (in place)."""
    layout.update(
        font={"size": style.font_size, "color": style.ink},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        modebar=_MODEBAR,
        legend={
            "orientation": "v",
            "x": 0,
            "y": legend_y,
            "yanchor": "top",
            "font": {"size": style.font_size},
        },
    )
    for annotation in layout.get("annotations", []):  # panel titles and notes alike
        annotation["font"] = {"size": style.font_size + 2, "color": style.ink}
    # Colours set on each axis, not through a named template: a template is a Python-side
    # Plotly object that a figure dict would have to carry in full. Tick labels are never
    # hidden for crossing the chart's edge (the margins leave room): Plotly's check
    # measures every label on every draw, 15 % of a Plotly.react of the playground.
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            axis.update(
                ticklabeloverflow="allow",
                gridcolor=style.grid,
                zerolinecolor=style.grid,
                linecolor=style.grid,
                tickfont={"size": style.font_size, "color": style.ink},
                title={
                    **axis.get("title", {}),
                    "font": {"size": style.font_size, "color": style.ink},
                },
            )
