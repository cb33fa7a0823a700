"""The race: several learning rates (the notebook's exercise 7), or several optimizers."""

from __future__ import annotations

import streamlit as st

from linreg_core import KINDS

from ..charts import ChartStyle, race_figure
from ..model.compute import Run
from ..model.params import LR_OPTIONS, RACE_LRS, optimizer_name
from ..model.text import lr_limit_caption, race_summary
from .cache import cached_optimizer_race, cached_race
from .chart import show_figure

#: What the race can compare, in words.
RACE_BY = {"lr": "Learning rates", "optimizer": "Optimizers"}


def _lr_runs(run: Run):
    chosen = st.multiselect(
        "Learning rates to race (the current one is always included)",
        LR_OPTIONS,
        default=list(RACE_LRS),
        format_func=lambda v: f"{v:g}",
        key="race_lrs",
        max_selections=6,
        help="Same data, same start, same number of epochs, same optimizer.",
    )
    lrs = tuple(sorted({*chosen, run.settings.lr}))
    return cached_race(run.settings, lrs)


def _optimizer_runs(run: Run):
    chosen = st.multiselect(
        "Optimizers to race (the current one is always included)",
        KINDS,
        default=list(KINDS),
        format_func=optimizer_name,
        key="race_optimizers",
        help="Same data, same start, same epochs, learning rate, β, β2, batch size and scaling.",
    )
    kinds = tuple(k for k in KINDS if k in {*chosen, run.settings.optimizer})
    return cached_optimizer_race(run.settings, kinds)


def race(run: Run, style: ChartStyle) -> None:
    """Loss curves of several learning rates or optimizers, and their paths, on this data."""
    by = st.segmented_control(
        "Race", list(RACE_BY), format_func=RACE_BY.get, default="lr", key="race_by"
    )
    by = by or "lr"  # a segmented control can be cleared
    histories = _lr_runs(run) if by == "lr" else _optimizer_runs(run)
    fig = race_figure(histories, run, style=style, by=by)
    summary = race_summary(histories, by)
    show_figure(
        fig,
        alt=f"{RACE_BY[by][:-1]} race. {summary}.",
        filename="learning-rate-race" if by == "lr" else "optimizer-race",
        key="race_chart",
        style=style,
    )
    if by == "lr":
        st.caption(f"{lr_limit_caption(run)} {summary}.")
    else:
        st.caption(
            f"All at lr = {run.settings.lr:g}: each optimizer has its own best learning rate, "
            f"so try others too. {summary}."
        )
