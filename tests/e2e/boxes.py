"""Where things are on the page: boxes (getBoundingClientRect) and when two overlap."""

from __future__ import annotations

# Installed in the page with DEEP_JS: box(e, kind) is an element's box and the start of its
# text; chartTexts(root) the boxes of every text of a live chart whose shadow root holds
# ``root``: panel titles, axis titles, tick labels and legend entries.
BOXES_INIT_JS = r"""
window.box = (e, kind) => {
  const r = e.getBoundingClientRect(), text = (e.textContent || '').trim().slice(0, 30);
  return {kind, text, x: r.x, y: r.y, w: r.width, h: r.height};
};
window.chartTexts = (root) => {
  const gd = root.querySelector('.js-plotly-plot');
  const out = [];
  gd.querySelectorAll('.annotation-text').forEach(e => out.push(box(e, 'panel title')));
  gd.querySelectorAll('.g-xtitle text, .g-ytitle text, [class^=g-x] .xtitle, [class^=g-y] .ytitle')
    .forEach(e => out.push(box(e, 'axis title')));
  gd.querySelectorAll('.xtick text, .ytick text').forEach(e => out.push(box(e, 'tick')));
  gd.querySelectorAll('.legend .traces').forEach(e => out.push(box(e, 'legend')));
  return out;
};
"""


def overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    """Whether boxes ``a`` and ``b`` overlap by more than ``slack`` pixels both ways."""
    return (
        a["x"] + slack < b["x"] + b["w"]
        and b["x"] + slack < a["x"] + a["w"]
        and a["y"] + slack < b["y"] + b["h"]
        and b["y"] + slack < a["y"] + a["h"]
    )
