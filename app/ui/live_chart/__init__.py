"""The app's one chart path: a Plotly chart kept mounted and updated in place.

``live_plotly_chart`` mounts one graph div (a ``st.components.v2`` component:
plain DOM in the app page, no iframe) and, when the figure changes, draws it
once on that same div: only the changed traces when nothing but some traces' x
and y changed (a new learning rate), else one ``Plotly.react``; frames, zoom and
the player keep working. Under an animated figure it draws the player (Play,
epoch scrubber, epoch label) and takes the keyboard shortcuts in
:data:`SHORTCUTS`; see ``app/static/live_chart/live_chart.js``.

It replaced ``st.plotly_chart``, which re-created the chart on every new
figure and drew it twice (measured in ``benchmarks/bench_interaction.py``; the
figures are in the README).

Its JavaScript is served by Streamlit's static file serving
(``server.enableStaticServing`` in ``.streamlit/config.toml``): the chart's module and
plotly.js are files of ``app/static/``, next to the app's script, at ``app/static/...``
of the app's URL. No CDN, no private Streamlit API; the component itself is a few-line
loader that imports the module (an ES module; its parts that need neither the DOM nor
Plotly are in ``app/static/live_chart/pure.js``, tested under Node by ``tests/js/``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from streamlit.components import v2 as components_v2

from ..static_url import static_url

__all__ = ["SHORTCUTS", "live_plotly_chart"]

#: What the chart's keys do (the playground lists them under its chart).
SHORTCUTS = {"Alt+P": "play / pause", "Alt+,": "previous frame", "Alt+.": "next frame"}

_MODULE = "live_chart/live_chart.js"
_PLOTLY = "plotly/plotly-basic-4.1.1.min.js"  # tests/test_vendored_plotly.py
# The content of the module and of the pure part it imports (``pure.js``, imported with
# the module's own ``?v=``) in the URL: a changed file is a new URL, so no browser keeps an
# old copy of either. (The paths are spelled out where they are read: tests/test_security.py
# accepts only literals.)
_MODULE_VERSION = hashlib.sha256(
    (Path(__file__).parent.parent.parent / "static" / "live_chart" / "live_chart.js").read_bytes()
    + (Path(__file__).parent.parent.parent / "static" / "live_chart" / "pure.js").read_bytes()
).hexdigest()[:12]

# The component's own module is this loader, and the chart's code is imported from a
# static URL. Streamlit sends a component's inline JS with every update and hashes it
# character by character each time the data changes (about 2 ms for the 20 kB module);
# a few lines cost nothing. The import is cached by the browser, so it runs once a page.
#
# Before importing, the loader asks the browser for all three files at once (a preload
# of plotly.js and module preloads of the chart's module and of the pure.js it imports
# with its own ?v=): without them each waited for the one before it (the loader, then the
# module, then pure.js, then plotly.js), and the main thread sat idle for that chain on a
# first visit. The chart's module still loads plotly.js itself, from the same URL, and the
# browser hands it the preloaded response.
_LOADER = """
let chart;
function preload(rel, href) {
  const link = Object.assign(document.createElement("link"), { rel, href });
  if (rel === "preload") link.as = "script";
  document.head.append(link);
}
// The data comes as bytes: one JSON document (app/ui/live_chart/__init__.py, _payload).
const decoder = new TextDecoder();
export default function (args) {
  const bytes = ArrayBuffer.isView(args.data) || args.data instanceof ArrayBuffer;
  const data = bytes ? JSON.parse(decoder.decode(args.data)) : args.data;
  if (!chart) {
    if (!data) return undefined;
    const module = new URL(data.module_src, location.href);
    if (!window.Plotly) preload("preload", new URL(data.plotly_src, location.href).href);
    preload("modulepreload", new URL(`pure.js${module.search}`, module).href);
    chart = import(module.href).catch((err) => {
      chart = undefined;
      throw err;
    });
  }
  return chart.then((module) => module.default(args, data));
}
"""

# In a shadow root: the page's many style rules do not apply inside it, so the chart's
# own style and layout work stays small (plotly.js's CSS is copied in by the JS).
_mount = components_v2.component("live_chart.live_plotly_chart", js=_LOADER, isolate_styles=True)


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
        The figure as JSON: ``data``, ``layout``, and optionally ``frames`` (or
        ``frames_packed``), ``animation`` (the player) and ``narrow`` (the one-column
        layout). Its text goes into the component's data as it is (see ``_payload``):
        the browser parses the whole payload once.
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
        "remove", "x", "y"}`` in data coordinates (see ``app/static/live_chart/live_chart.js``).
    table : dict, optional
        A small table drawn above the chart: ``{"caption": text, "columns": [header, ...],
        "rows": [[row header, cell, ...], ...]}``, all text (the first column heads the
        rows; the caption is for screen readers).
    keys : mapping, optional
        The page's keyboard keys and what they do, listed under the chart after the
        player's own (:data:`SHORTCUTS`, listed only when the chart has a player).
    """
    rest = {
        "config": config or {},
        "alt": alt,
        "font_size": int(font_size),
        "plotly_src": static_url(_PLOTLY),
        "module_src": static_url(_MODULE) + f"?v={_MODULE_VERSION}",
        "clickable": on_click is not None,
        "table": table,
        "player_keys": [[name, what] for name, what in SHORTCUTS.items()],
        "keys": [[name, what] for name, what in (keys or {}).items()],
    }
    _mount(
        key=key,
        data=_payload(figure_json, rest),
        height="content",
        width="stretch",
        # Always registered, so the element keeps its identity whether placing is on or off.
        on_click_change=on_click or _ignore,
    )


def _payload(figure_json: str, rest: dict[str, Any]) -> bytes:
    """The component's data: one JSON document, the figure's JSON text inside it as it is.

    Sent as bytes, Streamlit forwards it untouched. As a dict holding the figure as a
    string, it wrote the figure twice more (escaped for the message, sorted for the
    element's identity) and looked for data frames in it: 0.44 ms against 0.08 for the
    default figure (a quiet machine), 5 % more bytes, and a second parse in the browser.
    """
    return ('{"figure":' + figure_json + "," + json.dumps(rest, separators=(",", ":"))[1:]).encode()


def _ignore() -> None:
    """No placing: a click that arrives anyway (from an older page) changes nothing."""
