"""Where Streamlit serves the app's own static files (``app/static/``)."""

from __future__ import annotations

import streamlit as st

__all__ = ["static_url"]

#: Where Streamlit serves ``app/static/`` (``server.enableStaticServing``), from the app's root.
_STATIC = "app/static"


def static_url(file: str) -> str:
    """URL of ``app/static/<file>``, as Streamlit's static file serving serves it.

    Relative to the page (``app/static/...``): a page of the app sits at the app's root
    (``/``, ``/class``), and so does Community Cloud's (under its own ``/~/+/`` prefix).
    Under a ``server.baseUrlPath`` the path is spelled out from the server's root.
    """
    base = st.get_option("server.baseUrlPath").strip("/")
    return f"/{base}/{_STATIC}/{file}" if base else f"{_STATIC}/{file}"
