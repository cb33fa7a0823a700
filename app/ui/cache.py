"""Cached, bounded calls into the core and the chart builders (keyed on frozen settings).

``st.cache_resource``, not ``st.cache_data``: a hit hands back the same object
instead of unpickling a copy, which for a figure's JSON and a run's arrays was
most of a cache hit's cost. That is safe because nothing cached can change:
runs are frozen dataclasses over read-only arrays, figures are JSON strings.
"""

from __future__ import annotations

import streamlit as st

from linreg_core import History

from .. import charts
from ..model.compute import Run, lr_race, optimizer_race, run
from ..model.settings import Settings, View

#: How the caches key their arguments: by ``repr``, exact for these frozen records of
#: numbers, strings and booleans, and what their equality compares (an upload's points
#: are left out; its digest stands for them). Streamlit's own hashing walked each record
#: field by field: about a third of a cache hit's script time (cProfile, 3 of 9 ms).
_KEYS = {Settings: repr, View: repr, charts.ChartStyle: repr}

#: Cache bounds: each entry is one run's arrays (at most ~10,000 samples and 5,001 epochs),
#: so even a full cache stays in the low tens of megabytes.
MAX_RUNS = 32
MAX_FIGURES = 32


@st.cache_resource(max_entries=MAX_RUNS, show_spinner=False, hash_funcs=_KEYS)
def cached_run(settings: Settings) -> Run:
    return run(settings)


@st.cache_resource(max_entries=MAX_FIGURES, show_spinner=False, hash_funcs=_KEYS)
def cached_playground_figure(settings: Settings, style: charts.ChartStyle, view: View) -> str:
    """The playground's figure for a run, as JSON ready for the chart component."""
    spec = charts.playground_figure(cached_run(settings), style=style, view=view)
    return charts.figure_json(spec)


@st.cache_resource(max_entries=MAX_RUNS, show_spinner=False, hash_funcs=_KEYS)
def cached_race(settings: Settings, lrs: tuple[float, ...]) -> tuple[History, ...]:
    """The settings' method at each learning rate."""
    return lr_race(cached_run(settings), lrs)


@st.cache_resource(max_entries=MAX_RUNS, show_spinner=False, hash_funcs=_KEYS)
def cached_optimizer_race(settings: Settings, kinds: tuple[str, ...]) -> tuple[History, ...]:
    """Each optimizer with the settings' learning rate, batch size and scaling."""
    return optimizer_race(cached_run(settings), kinds)
