"""Showing a figure dict with st.plotly_chart, without re-validating it."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ..charts import ChartStyle


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
    """Draw a figure dict full width, with a PNG download named after what it shows."""
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }
    st.plotly_chart(_Prebuilt(spec), theme=None, config=config, alt=alt, key=key)


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
