"""The app's one chart path: a Plotly chart kept mounted and updated in place.

``live_plotly_chart`` mounts one graph div (a ``st.components.v2`` component:
plain DOM in the app page, no iframe) and, when the figure changes, draws it
once on that same div: only the changed traces when nothing but some traces' x
and y changed (a new learning rate), else one ``Plotly.react``; frames, zoom and
the player keep working. Under an animated figure it draws the player (Play,
epoch scrubber, epoch label) and takes the keyboard shortcuts in
:data:`SHORTCUTS`; see ``frontend/live_chart.js``.

It replaced ``st.plotly_chart``, which re-created the chart on every new
figure and drew it twice (measured in ``benchmarks/bench_interaction.py``; the
figures are in the README).

plotly.js is served from the installed ``plotly`` package
(``plotly/package_data/plotly.min.js``) through a static-only
``components.v1`` declaration; no CDN and no copy in this repository. The
chart's own module is served the same way, behind a few-line loader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.components import v1 as components_v1
from streamlit.components import v2 as components_v2
from streamlit.components.v1.component_registry import ComponentRegistry

__all__ = ["SHORTCUTS", "live_plotly_chart"]

#: What the chart's keys do (the playground lists them under its chart).
SHORTCUTS = {"Alt+P": "play / pause", "Alt+,": "previous frame", "Alt+.": "next frame"}

_PLOTLY_DIR = str(resources.files("plotly") / "package_data")
_FRONTEND = Path(__file__).parent / "frontend"
_MODULE = "live_chart.js"
# Its content in the URL: a changed file is a new URL, so no browser keeps an old copy.
# (The path is spelled out where it is read: tests/test_security.py accepts only literals.)
_MODULE_VERSION = hashlib.sha256(
    (Path(__file__).parent / "frontend" / "live_chart.js").read_bytes()
).hexdigest()[:12]

# The component's own module is this loader, and the chart's code is imported from a
# static URL. Streamlit sends a component's inline JS with every update and hashes it
# character by character each time the data changes (about 2 ms for the 20 kB module);
# a few lines cost nothing. The import is cached by the browser, so it runs once a page.
_LOADER = """
let chart;
export default function (args) {
  chart ??= import(new URL(args.data.module_src, location.href).href).catch((err) => {
    chart = undefined;
    throw err;
  });
  return chart.then((module) => module.default(args));
}
"""

# In a shadow root: the page's many style rules do not apply inside it, so the chart's
# own style and layout work stays small (plotly.js's CSS is copied in by the JS).
_mount = components_v2.component("live_chart.live_plotly_chart", js=_LOADER, isolate_styles=True)


def _static_url(name: str, folder: str, file: str) -> str:
    """URL of ``folder/file``, served by Streamlit's v1 component file route.

    The v1 declaration named ``name`` is never rendered; it only registers ``folder``
    as a static folder. Registration is per runtime and only happens during a script
    run, so it is made whenever this runtime's registry does not have it yet
    (declaring again on every rerun inspected the call stack each time).
    """
    full_name = f"{__name__}.{name}"
    if ComponentRegistry.instance().get_component_path(full_name) is None:
        full_name = components_v1.declare_component(name, path=folder).name
    base = st.get_option("server.baseUrlPath").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/component/{full_name}/{file}"


def live_plotly_chart(
    figure_json: str,
    *,
    key: str,
    alt: str,
    config: dict[str, Any] | None = None,
    font_size: int = 14,
    on_click: Callable[[], None] | None = None,
    table: dict[str, list] | None = None,
    keys: Mapping[str, str] | None = None,
) -> None:
    """Show a figure in a persistent Plotly chart, updated in place on reruns.

    Parameters
    ----------
    figure_json : str
        The figure as JSON: ``data``, ``layout``, and optionally ``frames``,
        ``animation`` (the player) and ``narrow`` (the one-column layout). It
        travels as one string: cheap for Streamlit to send, one JSON.parse in
        the browser.
    key : str
        Must be stable across reruns: it keeps the same element (and graph div)
        mounted.
    alt : str
        Accessible name (``aria-label``) of the chart.
    config : dict, optional
        Plotly config, e.g. ``{"toImageButtonOptions": {"filename": "gd"}}``.
    font_size : int
        Text size, in pixels, of the player under the chart, the table and the keys.
    on_click : callable, optional
        Placing points: when given, a click on the first panel (axes x, y) runs it,
        with ``st.session_state[key]["click"]`` holding ``{"action": "add" or
        "remove", "x", "y"}`` in data coordinates (see ``frontend/live_chart.js``).
    table : dict, optional
        A small table drawn above the chart: ``{"caption": text, "columns": [header, ...],
        "rows": [[row header, cell, ...], ...]}``, all text (the first column heads the
        rows; the caption is for screen readers).
    keys : mapping, optional
        Keyboard keys and what they do, listed under the player (e.g. :data:`SHORTCUTS`).
    """
    _mount(
        key=key,
        data={
            "figure": figure_json,
            "config": config or {},
            "alt": alt,
            "font_size": int(font_size),
            "plotly_src": _static_url("plotly_js", _PLOTLY_DIR, "plotly.min.js"),
            "module_src": _static_url("live_chart_js", str(_FRONTEND), _MODULE)
            + f"?v={_MODULE_VERSION}",
            "clickable": on_click is not None,
            "table": table,
            "keys": [[name, what] for name, what in (keys or {}).items()],
        },
        height="content",
        width="stretch",
        # Always registered, so the element keeps its identity whether placing is on or off.
        on_click_change=on_click or _ignore,
    )


def _ignore() -> None:
    """No placing: a click that arrives anyway (from an older page) changes nothing."""
