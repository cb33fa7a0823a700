"""A Plotly chart that stays mounted and is updated in place with ``Plotly.react``.

``st.plotly_chart`` hands every rerun's figure to Streamlit's React chart
element. ``live_plotly_chart`` instead mounts one graph div (a
``st.components.v2`` component: plain DOM in the app page, no iframe) and, when
the figure changes, calls ``Plotly.react(gd, {data, layout, frames, config})``
on that same div. Frames, ``updatemenus`` (Play/Pause) and ``sliders`` keep
working after each update, and old frames are dropped, so nothing accumulates.

plotly.js is served from the installed ``plotly`` package
(``plotly/package_data/plotly.min.js``) through a static-only
``components.v1`` declaration; no CDN and no copy in this repository.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from streamlit.components import v1 as components_v1
from streamlit.components import v2 as components_v2

__all__ = ["live_plotly_chart"]

_PLOTLY_DIR = str(resources.files("plotly") / "package_data")
_JS = (Path(__file__).parent / "frontend" / "live_chart.js").read_text(encoding="utf-8")

# isolate_styles=False: plotly.js injects its mode-bar CSS into document.head,
# which would not reach a shadow root.
_mount = components_v2.component("live_chart.live_plotly_chart", js=_JS, isolate_styles=False)


def _plotly_js_url() -> str:
    """URL of plotly.min.js, served by Streamlit's v1 component file route.

    The declaration is never rendered; it only registers ``plotly/package_data``
    as a static folder. It is repeated on every call because v1 registration
    is per runtime and only happens during a script run.
    """
    assets = components_v1.declare_component("plotly_js", path=_PLOTLY_DIR)
    base = st.get_option("server.baseUrlPath").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/component/{assets.name}/plotly.min.js"


def live_plotly_chart(
    fig: go.Figure | dict[str, Any],
    *,
    key: str,
    height: int,
    alt: str,
    config: dict[str, Any] | None = None,
) -> None:
    """Show ``fig`` in a persistent Plotly chart, updated in place on reruns.

    Parameters
    ----------
    fig : plotly Figure or figure dict (``data``, ``layout``, optional ``frames``).
        Its own template/colours are used as-is; the container is transparent.
        Figures on Streamlit's default "streamlit" template (placeholder
        colours) get the app theme's colours, as ``st.plotly_chart`` does.
    key : str
        Required and must be stable across reruns: it is what keeps the same
        element (and graph div) mounted.
    height : int
        Fixed height in pixels (overrides ``layout.height``); width follows
        the container.
    alt : str
        Accessible name (``aria-label``) of the chart container.
    config : dict, optional
        Plotly config, e.g. ``{"toImageButtonOptions": {"filename": "gd"}}``.
    """
    # plotly's encoder handles numpy arrays (sent as typed-array "bdata").
    # The JSON travels as one string: cheap for Streamlit to hash and send,
    # one JSON.parse in the browser.
    figure_json = pio.to_json(fig, validate=False)
    _mount(
        key=key,
        data={
            "figure": figure_json,
            "config": config or {},
            "alt": alt,
            "height": int(height),
            "plotly_src": _plotly_js_url(),
        },
        height=int(height),
        width="stretch",
    )
