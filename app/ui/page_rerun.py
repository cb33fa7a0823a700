"""Asking for a run of the whole page from inside the playground's fragment.

A widget in a fragment reruns only the fragment. When its callback changes what the rest
of the page reads (the data, the method: the sidebar shows them), the callback calls
:func:`ask_for_the_whole_page`, and the fragment, first thing, reruns the page instead of
drawing from its stale arguments (in Streamlit 1.67 ``st.rerun`` in a callback does not).
"""

from __future__ import annotations

import streamlit as st

__all__ = ["ask_for_the_whole_page", "clear_page_request", "rerun_page_if_asked"]

_KEY = "_whole_page_run"


def ask_for_the_whole_page() -> None:
    """From a widget's callback: the next run must be the whole page's."""
    st.session_state[_KEY] = True


def clear_page_request() -> None:
    """First thing in a run of the whole page: the request is answered."""
    st.session_state.pop(_KEY, None)


def rerun_page_if_asked() -> None:
    """First thing in the fragment: rerun the whole page if a callback asked for it."""
    if st.session_state.get(_KEY):
        st.rerun()  # before the fragment draws anything
