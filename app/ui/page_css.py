"""Page styles on a laptop or larger: no empty band above the playground's chart or a
lesson's title."""

from __future__ import annotations

import streamlit as st

__all__ = ["apply_lesson_css", "apply_playground_css"]

# Constant text, no user input, so st.html is safe here. Above 640 px only: a phone keeps
# Streamlit's own spacing (columns stack there). Streamlit leaves 6rem above the first
# element under the top navigation and 5rem at either side on a wide page; the chart
# needs that room on a 1366 x 650 screen. The title stands in the narrow column beside the
# chart, so it is set smaller than Streamlit's 2.75rem and without its padding.
#
# These styles cannot be there when the page is first drawn: st.html's code loads on demand,
# so they arrive after the title, the controls and the sidebar (60 ms to 2 s later), and
# their margins and title size move all of it. The page is therefore hidden (opacity 0)
# for 0.1 s from the moment the styles apply: Chromium counts no layout shift for what is
# invisible, and the page then appears where it stays (cumulative layout shift at
# 1366 x 650: 0.35 -> 0.24). The animation runs when the styles arrive, that is on the first
# load and on coming back from another page, not on a rerun (the <style> stays in place).
#
# A main area under 860 px wide (a tablet, or a small laptop with the sidebar open): the
# controls' column beside the chart would be about 150 px, so the two stack as on a phone:
# the title, sliders and status, then the chart at the page's width.
#
# The styles are sent with every run (an element not sent again is removed), so they are
# sent as one line without this commentary: 0.7 instead of 1.2 KB a run.
# One literal, no f-string: st.html only ever gets a constant (tests/test_security.py).
_PLAYGROUND_CSS = (
    "<style>@media (min-width:641px){"
    '.stApp [data-testid="stMainBlockContainer"]{padding:4.25rem 1rem 1rem 1rem;'
    "animation:playground-css-arrives 0.1s}"
    ".stApp .st-key-playground_chart{min-height:607px}"
    '.stApp [data-testid="stMainBlockContainer"] h1{font-size:1.75rem;padding:0 0 0.25rem 0}}'
    '.stApp [data-testid="stMainBlockContainer"]{container-type:inline-size}'
    "@container (max-width:860px){"
    '[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-playground_chart)'
    "{flex-direction:column}"
    '[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-playground_chart)'
    '>[data-testid="stColumn"]{width:100%;flex:1 1 auto}}'
    "@keyframes playground-css-arrives{from{opacity:0}to{opacity:0}}</style>"
)


def apply_playground_css() -> None:
    """Tighter page margins and a smaller title (the playground's default view)."""
    st.html(_PLAYGROUND_CSS)


# A lesson's page: the same room under the navigation as the playground's (Streamlit's 6rem
# left about 110 px empty above the title on a 1366 x 650 laptop, and the step's Back and
# Next further down), hidden for the 0.1 s its styles take to apply, as above.
_LESSON_CSS = (
    "<style>@media (min-width:641px){"
    '.stApp [data-testid="stMainBlockContainer"]{padding-top:4.25rem;'
    "animation:lesson-css-arrives 0.1s}}"
    "@keyframes lesson-css-arrives{from{opacity:0}to{opacity:0}}</style>"
)


def apply_lesson_css() -> None:
    """Less room above a lesson's title."""
    st.html(_LESSON_CSS)
