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


def chart_style() -> ChartStyle:
    """Chart sizes and colours for the current Streamlit theme."""
    return ChartStyle(dark=st.context.theme.type == "dark")
