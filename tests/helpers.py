"""Helpers shared by the test modules (no test module imports another)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from app.ui.controls import SECTIONS

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app" / "streamlit_app.py")
#: The app's one chart element, as AppTest sees it.
LIVE_CHART = "live_chart.live_plotly_chart"
#: The widget kinds the sidebar draws.
WIDGET_KINDS = ("slider", "select_slider", "number_input", "toggle", "radio")


#: The sidebar's sections of less-used controls, open: tests see every widget.
OPEN_SECTIONS = {f"more_{group}": True for group in SECTIONS}


def start(query: Mapping[str, Any] | None = None, *, state: Mapping[str, Any] | None = None):
    """Run the app as opened from a link with ``query``, with session ``state`` set first.

    A query value may be a list: the link then repeats that key. The sidebar's sections
    of less-used controls are open unless ``state`` says otherwise.
    """
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(
        {k: v if isinstance(v, list) else str(v) for k, v in (query or {}).items()}
    )
    for key, value in (OPEN_SECTIONS | dict(state or {})).items():
        at.session_state[key] = value
    return at.run()


def chart_payloads(at: AppTest) -> list[dict]:
    """What each chart on the page sends to the browser, in page order.

    Each is the chart component's data: ``figure`` (JSON text), ``alt``, ``config``,
    ``font_size``, ``fit_viewport`` and ``plotly_src``.
    """
    elements = at.get("bidi_component")
    return [json.loads(e.proto.json) for e in elements if e.proto.component_name == LIVE_CHART]


def figures(at: AppTest) -> list[dict]:
    """Every chart's figure on the page, in page order."""
    return [json.loads(p["figure"]) for p in chart_payloads(at)]


def status(at: AppTest) -> str:
    """The text of every status box on the page (success, info, warning, error)."""
    return " ".join(
        e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)
    )


def control_values(at: AppTest, keys) -> dict[str, Any]:
    """key -> value of every sidebar widget whose key is in ``keys``."""
    return {w.key: w.value for kind in WIDGET_KINDS for w in getattr(at, kind) if w.key in keys}


def decode(array) -> np.ndarray:
    """A trace array as NumPy: typed-array JSON (bdata) or a plain list."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array, dtype=float)


def by_name(fig: dict, name: str) -> dict:
    """The one trace of ``fig`` called ``name``."""
    (trace,) = [t for t in fig["data"] if t.get("name") == name]
    return trace


def plotly_figure(spec: dict) -> go.Figure:
    """Validate a figure dict against Plotly's schema (raises on any unknown property).

    ``animation`` and ``narrow`` are the chart component's own keys, not Plotly's.
    """
    return go.Figure({k: v for k, v in spec.items() if k not in ("animation", "narrow")})
