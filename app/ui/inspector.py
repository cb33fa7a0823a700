"""The step inspector: one epoch's forward pass, loss, gradients and update, with numbers."""

from __future__ import annotations

import streamlit as st

from linreg_core import train_step

from ..model.compute import Run
from ..model.method_text import inspector_note

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
    # A static table and one formula block: each KaTeX block and data grid is a separate
    # piece of work for the browser on every slider change.
    st.table(
        {
            "x": [f"{v:.4f}" for v in x],
            "y": [f"{v:.4f}" for v in y],
            "ŷ = w·x + b": [f"{v:.4f}" for v in step.y_pred[:ROWS]],
            "residual y − ŷ": [f"{v:.4f}" for v in y - step.y_pred[:ROWS]],
        }
    )
    st.markdown(
        "**2. Loss**: the mean of the squared residuals. **3. Backward pass**: the gradient, "
        "by the chain rule; it points uphill. **4. Update**: a step downhill, scaled by the "
        f"learning rate {h.lr:g}."
    )
    # No column of step names inside the formula (the sentence above has them): on a
    # phone the aligned block must fit 390 px, where it was cut off at the right edge.
    st.latex(
        r"\begin{aligned}"
        rf"L &= \tfrac{{1}}{{n}}\textstyle\sum_i (y_i - \hat y_i)^2 = {step.loss:.4f} \\"
        rf"\tfrac{{\partial L}}{{\partial w}} &= \tfrac{{1}}{{n}}"
        rf"\textstyle\sum_i -2\,x_i\,(y_i - \hat y_i) = {step.dw:.4f} \\"
        rf"\tfrac{{\partial L}}{{\partial b}} &= \tfrac{{1}}{{n}}"
        rf"\textstyle\sum_i -2\,(y_i - \hat y_i) = {step.db:.4f} \\"
        rf"w &\leftarrow {step.w:.4f} - {h.lr:g} \times ({step.dw:.4f}) = {step.new_w:.4f} \\"
        rf"b &\leftarrow {step.b:.4f} - {h.lr:g} \times ({step.db:.4f}) = {step.new_b:.4f}"
        r"\end{aligned}"
    )
    st.html(_NARROW_MATH_CSS)
    if note := inspector_note(h, k, step.dw, step.db):
        st.info(note, icon=":material/info:")


# Constant text, no user input. Below 640 px (a phone) the formulas get a smaller type.
_NARROW_MATH_CSS = """<style>
@media (max-width: 640px) { .stApp .katex-display { font-size: 0.85em; } }
</style>"""
