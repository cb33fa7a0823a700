"""Showing a figure: every chart goes through the in-place live chart."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from ..charts import ChartStyle, figure_json
from .live_chart import live_plotly_chart

__all__ = ["apply_lecture_css", "chart_style", "show_figure"]


def show_figure(
    figure: dict[str, Any] | str,
    *,
    alt: str,
    filename: str,
    key: str,
    style: ChartStyle | None = None,
    on_click: Callable[[], None] | None = None,
    table: dict[str, list] | None = None,
    keys: Mapping[str, str] | None = None,
) -> None:
    """Draw a figure (dict or its JSON) full width, with a PNG download named ``filename``.

    ``on_click`` turns on placing points on the first panel, ``table`` draws a table
    above the chart and ``keys`` lists keyboard keys under it (see ``live_plotly_chart``).
    """
    config = {"toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}
    live_plotly_chart(
        figure if isinstance(figure, str) else figure_json(figure),
        key=key,
        alt=alt,
        config=config,
        font_size=(style or ChartStyle()).font_size + 1,
        on_click=on_click,
        table=table,
        keys=keys,
    )


def chart_style(lecture: bool = False) -> ChartStyle:
    """Chart sizes and colours for the current Streamlit theme (and lecture mode)."""
    dark = st.context.theme.type == "dark"
    return ChartStyle.lecture(dark) if lecture else ChartStyle(dark=dark)


# Lecture mode's page styles: constant text, no user input, so st.html is safe here.
_LECTURE_CSS = """<style>
.stApp p, .stApp li, .stApp label, .stApp td, .stApp th, .stApp [data-testid="stMarkdownContainer"],
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stWidgetLabel"] p,
.stApp [data-testid="stSliderThumbValue"], .stApp [data-testid="stSliderTickBar"] div,
.stApp button p, .stApp [data-testid="stAlertContentInfo"] p,
.stApp [data-baseweb="select"] div, .stApp input { font-size: 22px !important; }
.stApp h1, [data-testid="stDialog"] h1 { font-size: 48px !important; }
[data-testid="stDialog"] p { font-size: 22px !important; }
.stApp [data-testid="stMainBlockContainer"] {
  padding-top: 3.8rem !important; padding-bottom: 1rem !important;
}
.stApp h2, .stApp h3 { font-size: 32px !important; }
/* A slider's value above its thumb and its min / max below the track are drawn where
   Streamlit's 14 px text fits: at 22 px they ran into the label above and the next one. */
.stApp [data-testid="stSlider"] [data-testid="stWidgetLabel"] { margin-bottom: 1.6rem; }
.stApp [data-testid="stSlider"] { padding-bottom: 1.6rem; }
</style>"""


def apply_lecture_css() -> None:
    """Large body text for a projector."""
    st.html(_LECTURE_CSS)
