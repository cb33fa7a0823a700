"""Panel layouts: where each subplot sits, for a wide screen and for a phone."""

from __future__ import annotations

__all__ = ["axis_ids", "grid_layout"]


def axis_ids(panel: int) -> tuple[str, str]:
    """Plotly's axis ids of panel 0, 1, 2, …: ``("x", "y")``, ``("x2", "y2")``, …"""
    n = "" if panel == 0 else str(panel + 1)
    return f"x{n}", f"y{n}"


def _domain(lo: float, hi: float) -> list[float]:
    """A domain inside [0, 1], rounded so sums of fractions do not stray outside it."""
    return [min(max(round(lo, 6), 0.0), 1.0), min(max(round(hi, 6), 0.0), 1.0)]


def grid_layout(rows: int, cols: int, titles: tuple[str, ...], hgap: float, vgap: float) -> dict:
    """Axis domains and title annotations of a ``rows`` x ``cols`` grid of panels.

    Panels are numbered row by row; gaps are fractions of the plotting area.
    """
    width = (1.0 - hgap * (cols - 1)) / cols
    height = (1.0 - vgap * (rows - 1)) / rows
    layout: dict = {"annotations": []}
    for panel, title in enumerate(titles):
        row, col = divmod(panel, cols)
        x0, top = col * (width + hgap), 1.0 - row * (height + vgap)
        x, y = axis_ids(panel)
        layout[f"xaxis{x[1:]}"] = {"domain": _domain(x0, x0 + width), "anchor": y}
        layout[f"yaxis{y[1:]}"] = {"domain": _domain(top - height, top), "anchor": x}
        layout["annotations"].append(
            {
                "text": title,
                "x": x0 + width / 2,
                "y": top,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "yshift": 4,
                "showarrow": False,
            }
        )
    return layout


def text_px(font: int) -> tuple[int, int]:
    """Room for a panel's title above it, and for its tick labels and axis title below it,
    in pixels at font size ``font``: ``(title_px, axis_px)``."""
    return font + 22, 2 * font + 34


#: Height of Plotly's toolbar (the mode bar), which a phone shows above the chart.
MODEBAR_PX = 30


def narrow_part(layout: dict) -> dict:
    """What a phone's one-column ``layout`` changes in the wide one: the axes' domains, the
    panel titles, the legend, the height and the margins (the live chart merges it in
    below its narrow width)."""
    keep = ("annotations", "legend", "height", "margin", "showlegend")
    out = {k: layout[k] for k in keep if k in layout}
    # A touch screen shows Plotly's toolbar all the time, at the top right: room above the
    # first panel's title, so that it does not sit on it.
    # (Lying down there: the wide layout's upright toolbar in the right margin would cost a
    # phone's narrow panels that margin's width.)
    out["margin"] = {**out["margin"], "t": out["margin"]["t"] + MODEBAR_PX, "r": 20}
    out["height"] = out["height"] + MODEBAR_PX
    if "modebar" in layout:
        out["modebar"] = layout["modebar"] | {"orientation": "h"}
    out |= {
        k: {"domain": v["domain"]}
        for k, v in layout.items()
        if k.startswith(("xaxis", "yaxis")) and "domain" in v
    }
    return out
