"""The projector's chart of a live class: bars of choices or a histogram of numbers.

One panel per round (the first vote and the vote again side by side), the right answer
marked once it is revealed. No names: only counts reach this module.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .style import PALETTE, ChartStyle, style_layout

__all__ = ["class_figure"]

_MUTED = "#9E9E9E"


def _titles(n: int) -> list[str]:
    return ["Class answers"] if n == 1 else ["First vote", "Second vote"][:n]


def _axis_ranges(n: int) -> list[tuple[float, float]]:
    gap = 0.08
    width = (1 - gap * (n - 1)) / n
    return [(i * (width + gap), i * (width + gap) + width) for i in range(n)]


def class_figure(
    counts: Sequence[Sequence[int]],
    *,
    labels: Sequence[str] = (),
    edges: Sequence[float] = (),
    truth: float | None = None,
    style: ChartStyle | None = None,
) -> dict:
    """The class's answers, one panel per round.

    Parameters
    ----------
    counts : sequence of sequences of int
        Per round: the count of each choice (with ``labels``) or of each bin (with ``edges``).
    labels : sequence of str
        The choices' labels, for a multiple-choice question (horizontal bars).
    edges : sequence of float
        The bins' edges (one more than each round's counts), for a number.
    truth : float, optional
        The right choice's index or the true number; None until the reveal.
    style : ChartStyle, optional
        Sizes and colours (default: lecture style, text 20 px).

    Returns
    -------
    dict
        A Plotly figure dict.
    """
    style = style or ChartStyle.lecture()
    n = max(1, len(counts))
    layout: dict = {
        "height": 360,
        "margin": {"l": 10, "r": 20, "t": style.font_size + 30, "b": 10},
        "showlegend": False,
        "bargap": 0.15,
        "annotations": [],
        "shapes": [],
    }
    traces = []
    marks = []  # the truth's labels, after every panel's title
    top = max([max(c, default=0) for c in counts] + [1])
    for i, (c, (x0, x1)) in enumerate(zip(counts, _axis_ranges(n), strict=False)):
        suffix = "" if i == 0 else str(i + 1)
        xa, ya = f"x{suffix}", f"y{suffix}"
        layout[f"xaxis{suffix}"] = {"domain": [x0, x1], "automargin": True}
        layout[f"yaxis{suffix}"] = {"automargin": True}
        layout["annotations"].append(
            {
                "text": f"{_titles(n)[i]} · {sum(c)} answered",
                "x": (x0 + x1) / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
        if labels:
            colours = [
                PALETTE["true"] if truth is not None and k == truth else PALETTE["w"]
                for k in range(len(labels))
            ]
            names = [
                f"✓ {lab}" if truth is not None and k == truth else lab
                for k, lab in enumerate(labels)
            ]
            traces.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "y": names,
                    "x": list(c),
                    "text": [str(v) for v in c],
                    "textposition": "outside",
                    "cliponaxis": False,
                    "marker": {"color": colours},
                    "xaxis": xa,
                    "yaxis": ya,
                    "hoverinfo": "skip",
                }
            )
            layout[f"yaxis{suffix}"].update(autorange="reversed", showticklabels=i == 0)
            layout[f"xaxis{suffix}"].update(
                range=[0, top * 1.25], title={"text": "students"}, dtick=max(1, round(top / 5))
            )
        else:
            centres = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
            width = (edges[1] - edges[0]) if len(edges) > 1 else 1.0
            traces.append(
                {
                    "type": "bar",
                    "x": centres,
                    "y": list(c),
                    "width": width * 0.92,
                    "marker": {"color": PALETTE["w"]},
                    "xaxis": xa,
                    "yaxis": ya,
                    "hoverinfo": "skip",
                }
            )
            layout[f"yaxis{suffix}"].update(
                range=[0, top * 1.3], title={"text": "students"}, dtick=max(1, round(top / 5))
            )
            if len(edges) > 1:
                # A little room past the outer bins: a true answer at an end of the range
                # (its line and its label) then stands clear of the axis's edge.
                pad = 0.03 * (edges[-1] - edges[0])
                layout[f"xaxis{suffix}"].update(range=[edges[0] - pad, edges[-1] + pad])
            if truth is not None:
                layout["shapes"].append(
                    {
                        "type": "line",
                        "x0": truth,
                        "x1": truth,
                        "y0": 0,
                        "y1": 1,
                        "xref": xa,
                        "yref": f"{ya} domain",
                        "line": {"color": PALETTE["true"], "width": 5, "dash": "dash"},
                    }
                )
                # The label reads away from the nearer edge, so it is never cut off.
                right_half = len(edges) > 1 and truth > (edges[0] + edges[-1]) / 2
                marks.append(
                    {
                        "text": f"true answer {truth:.4g}",
                        "x": truth,
                        "y": 0.97,
                        "xref": xa,
                        "yref": f"{ya} domain",
                        "yanchor": "top",
                        "xanchor": "right" if right_half else "left",
                        "xshift": -8 if right_half else 8,  # beside its line, not on it
                        "showarrow": False,
                        "bgcolor": "rgba(0,0,0,0.6)" if style.dark else "rgba(255,255,255,0.8)",
                        "font": {"color": PALETTE["true"], "size": style.font_size},
                    }
                )
    style_layout(layout, style, legend_y=-0.2)
    for a in marks:  # the truth's labels keep their colour
        a["font"] = {"color": PALETTE["true"], "size": style.font_size}
    layout["annotations"].extend(marks)
    return {"data": traces, "layout": layout}
