"""Showing a figure dict: st.plotly_chart (no re-validation) or the in-place live chart."""

from __future__ import annotations

import os
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ..charts import ChartStyle
from ..live_chart import live_plotly_chart
from ..live_chart.animation_keys import animation_shortcuts

#: How keyed charts are drawn: "plotly_chart" (Streamlit's element, re-mounted when the
#: figure changes) or "live" (one graph div kept mounted and updated with Plotly.react).
#: The environment variable GD_CHART_BACKEND overrides it (the benchmark runs both).
CHART_BACKEND = "plotly_chart"
BACKENDS = ("plotly_chart", "live")


def chart_backend() -> str:
    """The backend in use: ``GD_CHART_BACKEND`` if set to a known one, else ``CHART_BACKEND``."""
    backend = os.environ.get("GD_CHART_BACKEND", CHART_BACKEND)
    return backend if backend in BACKENDS else CHART_BACKEND


class _Prebuilt(go.Figure):
    """A Figure whose dict is already built (and schema-checked in the tests).

    ``st.plotly_chart`` validates a dict by building a ``go.Figure`` from it,
    which costs Plotly a few hundred milliseconds for hundreds of frames; for a
    Figure it only calls ``to_dict()``. This hands it the finished dict.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict[str, Any]:
        return self._spec


def show_figure(spec: dict[str, Any], *, alt: str, filename: str, key: str | None = None) -> None:
    """Draw a figure dict full width, with a PNG download named after what it shows.

    With the "live" backend a keyed chart stays mounted across reruns and is
    updated in place; unkeyed charts always use ``st.plotly_chart`` (the live
    chart needs a stable key to find its graph div again). A keyed figure with
    ``frames`` also gets keyboard shortcuts for its animation (Alt+P, Alt+, Alt+.).
    """
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }
    if key is not None and chart_backend() == "live":
        height = int(spec.get("layout", {}).get("height") or 450)
        live_plotly_chart(spec, key=key, height=height, alt=alt, config=config)
    else:
        st.plotly_chart(_Prebuilt(spec), theme=None, config=config, alt=alt, key=key)
    if key is not None and spec.get("frames"):
        animation_shortcuts(key)


def chart_style(lecture: bool = False) -> ChartStyle:
    """Chart sizes and colours for the current Streamlit theme (and lecture mode)."""
    dark = st.context.theme.type == "dark"
    return ChartStyle.lecture(dark) if lecture else ChartStyle(dark=dark)


# Lecture mode's page styles: constant text, no user input, so st.html is safe here.
_LECTURE_CSS = """<style>
.stApp p, .stApp li, .stApp label, .stApp td, .stApp th, .stApp [data-testid="stMarkdownContainer"],
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stWidgetLabel"] p,
.stApp [data-testid="stSliderThumbValue"], .stApp [data-testid="stSliderTickBar"] div,
.stApp button p, .stApp [data-testid="stAlertContentInfo"] p { font-size: 22px !important; }
.stApp [data-testid="stMetricValue"], .stApp [data-testid="stMetricValue"] p,
.stApp [data-testid="stMetricValue"] div { font-size: 44px !important; }
.stApp h1 { font-size: 48px !important; }
.stApp h2, .stApp h3 { font-size: 32px !important; }
</style>"""


def apply_lecture_css() -> None:
    """Large body text for a projector."""
    st.html(_LECTURE_CSS)
