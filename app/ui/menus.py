"""Menus of named entries (scenarios, data sets) that show each entry's title."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st


def titled_selectbox(label: str, table: Mapping[str, Any], **kwargs: Any) -> str | None:
    """``st.selectbox`` over ``table``'s names, each shown by its entry's ``title``.

    The widget's value stays the name (a link's ``?preset=`` or ``?dataset=`` value).
    """
    return st.selectbox(label, list(table), format_func=lambda n: table[n].title, **kwargs)
