"""An experiment, predict first: one point far from the line swings least squares.

Anscombe's set 3 is ten points on a straight line and one far above it. The learner
places the ten, predicts what adding the eleventh will do, then adds it and sees the
least-squares line and the gradient-descent path move (the chart, and numbers before
and after). The points are placed points, so Undo and clicking work on them too.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from ..model.outlier import outlier_height, outlier_parts, outlier_training
from ..model.params import FULL
from ..model.settings import Settings
from ..model.sources import points_source
from .cache import cached_run
from .controls import PRESET_KEY
from .data_source import add_point, place_points
from .page_rerun import ask_for_the_whole_page

__all__ = ["CHOICES", "RIGHT", "outlier_experiment"]

CHOICES = (
    "It barely moves: one point among eleven hardly counts",
    "It tilts toward the new point: the slope grows, and the line leaves the other ten",
    "It moves straight up and keeps its slope",
)
RIGHT = 1
_GUESS = "outlier_guess"
_LOCKED = "outlier_locked"
_STARTED = "outlier_started"


def _start() -> None:
    (x, y), _ = outlier_parts()
    place_points(x, y)
    lr, epochs = outlier_training()
    # Plain, full-batch gradient descent, long enough to reach the best line on both sets.
    st.session_state.update(
        optimizer="gd", batch=FULL, standardize=False, lr=lr, epochs=epochs, w0=0.0, b0=0.0
    )
    st.session_state[PRESET_KEY] = None  # no scenario describes these settings any more
    st.session_state[_STARTED] = True
    ask_for_the_whole_page()  # the sidebar shows the new data and method
    st.session_state.pop(_LOCKED, None)


def _add_outlier() -> None:
    _, (x, y) = outlier_parts()
    st.session_state[_LOCKED] = st.session_state[_GUESS]
    add_point(x, y)


def _reveal(settings: Settings) -> None:
    (x, y), (ox, oy) = outlier_parts()
    before = cached_run(replace(settings, source=points_source(x, y)))
    after = cached_run(replace(settings, source=points_source(np.append(x, ox), np.append(y, oy))))
    said = st.session_state[_LOCKED]
    verdict = ":green[**Right**]" if said == CHOICES[RIGHT] else ":orange[**Not this time**]"
    st.markdown(f"**Your prediction:** {said}\n\n**What happened** — {verdict}: {CHOICES[RIGHT]}")
    rows = ("least-squares w", "least-squares b", "gradient descent's w", "gradient descent's b")
    values = [
        (r.least_squares.w, r.least_squares.b, float(r.history.w[-1]), float(r.history.b[-1]))
        for r in (before, after)
    ]
    st.dataframe(
        {"": rows, "ten points": values[0], "with the far point": values[1]},
        hide_index=True,
        column_config={
            c: st.column_config.NumberColumn(format="%.4f")
            for c in ("ten points", "with the far point")
        },
    )
    above = outlier_height()
    st.info(
        f"Least squares adds up *squared* errors, so the one point {above:.2f} "
        f"above the line costs as much as many small misses: the best line tilts toward it, "
        f"its slope rising from {values[0][0]:.3f} to {values[1][0]:.3f}, and now misses all "
        "ten others. The optimum moved, so gradient descent's path on the landscape (bottom "
        "right) ends somewhere else. Press Undo in the sidebar, or click the point on the "
        "chart, to take it back and watch the line return.",
        icon=":material/lightbulb:",
    )


def outlier_experiment(settings: Settings) -> None:
    """The experiment's steps: place ten points, predict, add the far one, compare."""
    _, (ox, oy) = outlier_parts()
    lr, epochs = outlier_training()
    st.markdown(
        "Anscombe's set 3 has ten points on one straight line and an eleventh far above "
        f"it, at x = {ox:g}, y = {oy:g}. Place the ten, watch gradient descent fit them, "
        "then predict what the eleventh will do. Placing them also sets plain gradient "
        f"descent at lr = {lr:g} for {epochs:,} epochs: their x lie far from 0, a ravine "
        "where the default 100 epochs would leave the line well short of the points."
    )
    st.button("Place the ten points", key="outlier_start", on_click=_start)
    if not st.session_state.get(_STARTED):
        return
    if _LOCKED in st.session_state:
        _reveal(settings)
        return
    st.radio(
        f"What will the least-squares line do when the point ({ox:g}, {oy:g}) is added?",
        CHOICES,
        index=None,
        key=_GUESS,
    )
    st.button(
        "Lock in my prediction and add the point",
        type="primary",
        key="outlier_lock",
        disabled=st.session_state.get(_GUESS) is None,
        on_click=_add_outlier,
    )
