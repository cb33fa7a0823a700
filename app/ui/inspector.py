"""The step inspector: one epoch's forward pass, loss, gradients and update, with numbers."""

from __future__ import annotations

import streamlit as st

from linreg_core import train_step

from ..compute import Run

_KEY = "inspect_epoch"
ROWS = 5  # points shown in the forward-pass table


def _shift(delta: int, last: int) -> None:
    st.session_state[_KEY] = min(max(st.session_state.get(_KEY, 0) + delta, 0), last)


def step_inspector(run: Run) -> None:
    """Pick an epoch and see the four parts of its training step."""
    h = run.history
    last = max(h.epochs_run - 1, 0)
    if h.epochs_run == 0:
        st.info("This run has no completed step to inspect.")
        return
    st.session_state[_KEY] = min(st.session_state.get(_KEY, 0), last)
    prev, pick, nxt = st.columns([2, 6, 2], vertical_alignment="bottom")
    prev.button(
        "◀ Prev",
        on_click=_shift,
        args=(-1, last),
        width="stretch",
        key="inspect_prev",
        help="The step before (Alt+Left)",
        shortcut="Alt+Left",
    )
    nxt.button(
        "Next ▶",
        on_click=_shift,
        args=(1, last),
        width="stretch",
        key="inspect_next",
        help="The step after (Alt+Right)",
        shortcut="Alt+Right",
    )
    if last == 0:  # a one-step run: nothing to choose (a slider needs min < max)
        pick.markdown("Epoch to inspect: **0**, the only step of this run.")
        k = 0
    else:
        k = pick.slider(
            "Epoch to inspect",
            0,
            last,
            key=_KEY,
            help="Each epoch is one step: forward pass, loss, backward pass, update.",
        )
    step = train_step(run.data.x, run.data.y, float(h.w[k]), float(h.b[k]), h.lr)
    x, y = run.data.x[:ROWS], run.data.y[:ROWS]

    st.markdown(
        f"**1. Forward pass** with w = {step.w:.4f}, b = {step.b:.4f}: "
        f"ŷ = w·x + b for every point (the first {min(ROWS, len(x))} of "
        f"{run.data.n_samples:,} shown)."
    )
    st.dataframe(
        {
            "x": x,
            "y": y,
            "ŷ = w·x + b": step.y_pred[:ROWS],
            "residual y − ŷ": y - step.y_pred[:ROWS],
        },
        hide_index=True,
        width="stretch",
    )
    st.markdown("**2. Loss**: the mean of the squared residuals.")
    st.latex(rf"L = \frac{{1}}{{n}}\sum_i (y_i - \hat y_i)^2 = {step.loss:.4f}")
    st.markdown("**3. Backward pass**: the gradient, by the chain rule. It points uphill.")
    st.latex(
        rf"\frac{{\partial L}}{{\partial w}} = \frac{{1}}{{n}}\sum_i -2\,x_i\,(y_i - \hat y_i)"
        rf" = {step.dw:.4f}"
    )
    st.latex(
        rf"\frac{{\partial L}}{{\partial b}} = \frac{{1}}{{n}}\sum_i -2\,(y_i - \hat y_i)"
        rf" = {step.db:.4f}"
    )
    st.markdown(f"**4. Update**: step downhill, scaled by the learning rate {h.lr:g}.")
    st.latex(rf"w \leftarrow {step.w:.4f} - {h.lr:g} \times ({step.dw:.4f}) = {step.new_w:.4f}")
    st.latex(rf"b \leftarrow {step.b:.4f} - {h.lr:g} \times ({step.db:.4f}) = {step.new_b:.4f}")
