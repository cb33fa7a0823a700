"""Cached, bounded calls into the core and the chart builders (keyed on frozen settings)."""

from __future__ import annotations

import streamlit as st

from linreg_core import History, train_many

from . import charts
from .compute import Run, run

#: Cache bounds: each entry is one run's arrays (at most ~10,000 samples and 5,001 epochs),
#: so even a full cache stays in the low tens of megabytes.
MAX_RUNS = 32
MAX_FIGURES = 32


@st.cache_data(max_entries=MAX_RUNS, show_spinner=False)
def cached_run(settings) -> Run:
    return run(settings)


@st.cache_data(max_entries=MAX_FIGURES, show_spinner=False)
def cached_playground_figure(
    settings, style: charts.ChartStyle, show_ls: bool, log_loss: bool, seconds: float
) -> dict:
    return charts.playground_figure(
        cached_run(settings), style=style, show_ls=show_ls, log_loss=log_loss, seconds=seconds
    )


@st.cache_data(max_entries=MAX_RUNS, show_spinner=False)
def cached_race(settings, lrs: tuple[float, ...]) -> tuple[History, ...]:
    r = cached_run(settings)
    return train_many(r.stats, lrs, settings.epochs, settings.w0, settings.b0)
