"""The learning-rate race (the notebook's exercise 7)."""

from __future__ import annotations

import streamlit as st

from ..cache import cached_race
from ..charts import ChartStyle, race_figure
from ..compute import Run
from ..params import LR_OPTIONS, RACE_LRS
from ..text import race_summary
from .chart import show_figure


def race(run: Run, style: ChartStyle) -> None:
    """Loss curves of several learning rates, and their paths, on this data."""
    chosen = st.multiselect(
        "Learning rates to race (the current one is always included)",
        LR_OPTIONS,
        default=list(RACE_LRS),
        format_func=lambda v: f"{v:g}",
        key="race_lrs",
        max_selections=6,
        help="Same data, same start, same number of epochs.",
    )
    lrs = tuple(sorted({*chosen, run.settings.lr}))
    histories = cached_race(run.settings, lrs)
    fig = race_figure(histories, run, style=style)
    summary = race_summary(histories)
    show_figure(
        fig,
        alt=f"Learning-rate race. {summary}.",
        filename="learning-rate-race",
        key="race_chart",
        style=style,
    )
    st.caption(f"Stability limit for this data: lr ≈ {run.stability.lr_max:.3g}. {summary}.")
