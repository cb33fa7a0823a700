"""The playground's page styles on a laptop or larger: no empty band above the chart."""

from __future__ import annotations

import streamlit as st

__all__ = ["apply_playground_css"]

# Constant text, no user input, so st.html is safe here. Above 640 px only: a phone keeps
# Streamlit's own spacing (columns stack there). Streamlit leaves 6rem above the first
# element under the top navigation and 5rem at either side on a wide page; the chart
# needs that room on a 1366 x 650 screen. The title stands in the narrow column beside the
# chart, so it is set smaller than Streamlit's 2.75rem and without its padding.
_PLAYGROUND_CSS = """<style>
@media (min-width: 641px) {
  .stApp [data-testid="stMainBlockContainer"] {
    padding: 4.25rem 1rem 1rem 1rem;
  }
  .stApp .st-key-playground_chart {
    min-height: 607px;
  }
  .stApp [data-testid="stMainBlockContainer"] h1 {
    font-size: 1.75rem;
    padding: 0 0 0.25rem 0;
  }
}
/* A main area under 860 px wide (a tablet, or a small laptop with the sidebar open): the
   controls' column beside the chart would be about 150 px, so the two stack as on a phone:
   the title, sliders and status, then the chart at the page's width. */
.stApp [data-testid="stMainBlockContainer"] {
  container-type: inline-size;
}
@container (max-width: 860px) {
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-playground_chart) {
    flex-direction: column;
  }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-playground_chart)
    > [data-testid="stColumn"] {
    width: 100%;
    flex: 1 1 auto;
  }
}
</style>"""


def apply_playground_css() -> None:
    """Tighter page margins and a smaller title (the playground's default view)."""
    st.html(_PLAYGROUND_CSS)
