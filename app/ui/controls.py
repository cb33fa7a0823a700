"""The sidebar: one widget per entry of the PARAMS table, mirrored into the URL."""

from __future__ import annotations

import secrets
from typing import Any

import streamlit as st

from ..params import PARAMS, Param, validate

__all__ = ["init_state", "render_group", "widget"]

_NOTICES_KEY = "_url_notices"


def init_state() -> list[str]:
    """On a session's first run, take the URL's values (validated) as the starting state.

    Returns the notices about URL values that were clamped, snapped or ignored,
    for as long as the session has not moved a control.
    """
    if _NOTICES_KEY not in st.session_state:
        raw = {key: st.query_params.get(key) for key in PARAMS if key in st.query_params}
        values, notices = validate(raw)
        for key, value in values.items():
            st.session_state.setdefault(key, value)
        st.session_state[_NOTICES_KEY] = notices
    return st.session_state[_NOTICES_KEY]


def widget(param: Param, *, disabled: bool = False) -> Any:
    """Draw the widget for one parameter (its value lives in session state under its key)."""
    common = {"key": param.key, "help": param.help, "bind": "query-params", "disabled": disabled}
    if isinstance(param.default, bool):
        return st.toggle(param.label, **common)
    if param.options is not None and isinstance(param.options[0], str):
        return st.radio(param.label, param.options, horizontal=True, **common)
    if param.options is not None:
        return st.select_slider(
            param.label, param.options, format_func=lambda v: f"{v:g}", **common
        )
    if param.key == "seed":
        return st.number_input(param.label, int(param.lo), int(param.hi), step=1, **common)
    if param.integer:
        return st.slider(
            param.label, int(param.lo), int(param.hi), step=int(param.step or 1), **common
        )
    return st.slider(param.label, float(param.lo), float(param.hi), step=param.step, **common)


def _new_seed() -> None:
    st.session_state["seed"] = secrets.randbelow(int(PARAMS["seed"].hi) + 1)


def render_group(group: str, *, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Draw the widgets of one group (data, train or view); return their current values.

    Hidden parameters keep their value but draw no widget.
    """
    values = {}
    for key, param in PARAMS.items():
        if param.group != group:
            continue
        if key in hidden:
            values[key] = st.session_state[key]
            continue
        values[key] = widget(param)
        if key == "seed":
            st.button(
                "New data",
                key="new_data",
                on_click=_new_seed,
                help="Draw a fresh sample: a new seed.",
                width="stretch",
            )
    return values
