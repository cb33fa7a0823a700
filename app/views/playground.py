"""The playground: sliders drive one animated view of fit, loss, parameters and landscape."""

from __future__ import annotations

import streamlit as st

from ..cache import cached_playground_figure, cached_run
from ..params import SPEEDS, settings_from
from ..text import lr_limit_caption, status_message
from ..ui.chart import chart_style, show_figure
from ..ui.controls import init_state, render_group
from ..ui.inspector import step_inspector
from ..ui.race import race

_STATUS = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}


def playground() -> None:
    notices = init_state()
    st.title("Gradient descent, step by step")
    st.caption(
        "Fit a line y = w·x + b to noisy points by gradient descent. Change anything in "
        "the sidebar; press ▶ Play under the chart to watch every epoch."
    )
    if notices:
        st.warning(
            "Some values in the link could not be used as they were:\n\n"
            + "\n".join(f"- {n}" for n in notices)
        )

    with st.sidebar:
        st.header("Data")
        values = render_group("data")
        st.header("Training")
        values |= render_group("train")
        st.header("View")
        values |= render_group("view")

    settings = settings_from(values)
    run = cached_run(settings)
    with st.sidebar:
        st.caption(lr_limit_caption(run))

    kind, message = status_message(run)
    _STATUS[kind](message)
    _metrics(run)

    style = chart_style()
    fig = cached_playground_figure(
        settings, style, values["show_ls"], values["log_loss"], SPEEDS[values["speed"]]
    )
    show_figure(
        fig, alt=_chart_alt(run, message), filename=_filename(settings), key="playground_chart"
    )

    inspect, compare = st.tabs(["Step inspector", "Learning-rate race"])
    with inspect:
        step_inspector(run)
    with compare:
        race(run, style)


def _metrics(run) -> None:
    h, s, fit = run.history, run.settings, run.fit
    w_col, b_col, loss_col = st.columns(3)
    w_col.metric(
        "w after training",
        f"{h.w[-1]:.4f}",
        help=f"True w = {s.true_w:g}; least-squares w = {fit.w:.4f}.",
        delta=f"{h.w[-1] - fit.w:+.4f} from least squares",
        delta_color="off",
    )
    b_col.metric(
        "b after training",
        f"{h.b[-1]:.4f}",
        help=f"True b = {s.true_b:g}; least-squares b = {fit.b:.4f}.",
        delta=f"{h.b[-1] - fit.b:+.4f} from least squares",
        delta_color="off",
    )
    loss_col.metric(
        "Loss (MSE)",
        f"{h.final_loss:.4g}",
        help=f"The least-squares loss {fit.loss:.4f} is the lowest any line can get.",
        delta=f"floor {fit.loss:.4f}",
        delta_color="off",
    )
    st.caption(
        f"True line: w = {s.true_w:g}, b = {s.true_b:g} · least squares on this sample: "
        f"w = {fit.w:.4f}, b = {fit.b:.4f} · gradient descent after {h.epochs_run} "
        f"epochs: w = {h.w[-1]:.4f}, b = {h.b[-1]:.4f}"
    )


def _chart_alt(run, status: str) -> str:
    h = run.history
    return (
        f"Four linked charts of gradient descent over {h.epochs_run} epochs at learning "
        f"rate {h.lr:g}: the data with the true, least-squares and fitted lines; the loss "
        f"per epoch; w and b per epoch; and the path over the loss landscape. {status}"
    )


def _filename(s) -> str:
    return f"gradient-descent_lr{s.lr:g}_epochs{s.epochs}_seed{s.seed}"
