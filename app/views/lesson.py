"""The first lesson, the notebook's exercises 1–7: its reveals, run by the lesson engine.

The steps, questions and facts are data (:mod:`app.model.lessons.notebook`); this page
adds how each kind of :class:`~app.model.lessons.notebook.Reveal` is drawn, and
:func:`~app.ui.lesson_engine.run_lesson` does the rest.
"""

from __future__ import annotations

import streamlit as st

from ..charts import data_figure, race_figure
from ..charts.traces import equation, latex_equation
from ..model.compute import Run
from ..model.lessons.notebook import (
    STEPS,
    TAKEAWAYS,
    NotebookFacts,
    Reveal,
    lesson_facts,
    progress_line,
    progress_rows,
    sample_predictions,
)
from ..model.params import RACE_LRS
from ..model.settings import Settings
from ..model.text import race_summary
from ..ui.cache import cached_race, cached_run
from ..ui.chart import chart_style, show_figure
from ..ui.lesson_engine import LessonPage, lesson_done, run_lesson, show_run, show_takeaways

PREFIX = "lesson_"


def _notebook() -> tuple[tuple, NotebookFacts]:
    settings = Settings()  # the notebook's run: seed 42, lr 0.01, 100 epochs from (0, 0)
    run = cached_run(settings)
    race = cached_race(settings, RACE_LRS)
    return (run, race), lesson_facts(run, race)


#: The page; each reveal function below registers itself for its kind.
NOTEBOOK = LessonPage(
    title="Lesson: gradient descent from scratch", prefix=PREFIX, steps=STEPS, load=_notebook
)


def lesson() -> None:
    """The first lesson: the notebook's exercises, each with a predict-first question."""
    run_lesson(NOTEBOOK)


@NOTEBOOK.reveal(Reveal.DATA)
def _reveal_data(run: Run, race, facts: NotebookFacts) -> None:
    show_figure(
        data_figure(run, style=chart_style()),
        key=f"{PREFIX}fig_data",
        filename="lesson-data",
        alt=f"Scatter plot of {run.data.n_samples} points spread around the true line "
        f"{equation(run.settings.true_w, run.settings.true_b)}.",
    )


@NOTEBOOK.reveal(Reveal.START)
def _reveal_start(run: Run, race, facts: NotebookFacts) -> None:
    s = run.settings
    model = sample_predictions(s.w0, s.b0)
    true = sample_predictions(s.true_w, s.true_b)
    # The lines as formulas (KaTeX), above the table: a table's header cells take plain text.
    st.markdown(
        f"The model's line ${latex_equation(s.w0, s.b0, model=True)}$ against the true line "
        f"${latex_equation(s.true_w, s.true_b)}$, at a few inputs:"
    )
    st.dataframe(
        {
            "x": [r["x"] for r in model],
            "the model's ŷ": [r["ŷ"] for r in model],
            "the true line's y": [r["ŷ"] for r in true],
        },
        hide_index=True,
        key=f"{PREFIX}predictions",
    )


@NOTEBOOK.reveal(Reveal.STEP)
def _reveal_step(run: Run, race, facts: NotebookFacts) -> None:
    st.latex(
        rf"\frac{{\partial L}}{{\partial w}} = \frac{{1}}{{n}}\sum_i -2\,x_i\,(y_i - \hat y_i)"
        rf" = -2\cdot\mathrm{{mean}}(x\,y) = {facts.dw0:.4f}"
    )
    st.latex(
        rf"\frac{{\partial L}}{{\partial b}} = \frac{{1}}{{n}}\sum_i -2\,(y_i - \hat y_i)"
        rf" = {facts.db0:.4f}"
    )
    st.latex(
        rf"w \leftarrow {facts.w0:g} - {facts.lr:g} \times ({facts.dw0:.4f})"
        rf" = {facts.new_w0:.4f}"
        rf",\quad b \leftarrow {facts.b0:g} - {facts.lr:g} \times ({facts.db0:.4f})"
        rf" = {facts.new_b0:.4f}"
    )


def _four_decimals(*names: str) -> dict:
    """Numbers shown as the notebook prints them, still sortable and right-aligned."""
    return {name: st.column_config.NumberColumn(format="%.4f") for name in names}


@NOTEBOOK.reveal(Reveal.TRAIN)
def _reveal_train(run: Run, race, facts: NotebookFacts) -> None:
    rows = progress_rows(run.history)
    st.dataframe(
        {
            "epoch": [r[0] for r in rows],
            "loss": [r[1] for r in rows],
            "w": [r[2] for r in rows],
            "b": [r[3] for r in rows],
        },
        hide_index=True,
        column_config=_four_decimals("loss", "w", "b"),
        key=f"{PREFIX}progress",
    )
    st.caption(
        "Each row's loss is the one its epoch computed before its update, as the notebook "
        f"prints it; w and b are after the update. At the final w and b the loss is "
        f"{facts.loss_end:.4f}, where the charts of the next steps end."
    )
    with st.expander("The same numbers as the notebook prints them"):
        st.code("\n".join(progress_line(r) for r in rows), language=None)


@NOTEBOOK.reveal(Reveal.PLOTS)
def _reveal_plots(run: Run, race, facts: NotebookFacts) -> None:
    show_run(run, key=f"{PREFIX}fig_plots", filename="lesson-plots")


@NOTEBOOK.reveal(Reveal.ANIMATION)
def _reveal_animation(run: Run, race, facts: NotebookFacts) -> None:
    show_run(run, key=f"{PREFIX}fig_animation", filename="lesson-animation")


@NOTEBOOK.reveal(Reveal.RACE)
def _reveal_race(run: Run, race, facts: NotebookFacts) -> None:
    summary = race_summary(race)
    show_figure(
        race_figure(race, run, style=chart_style(), current="the notebook's"),
        key=f"{PREFIX}race",
        filename="lesson-learning-rate-race",
        alt=f"Learning-rate race. {summary}.",
    )
    st.caption(f"Stability limit for this data: lr ≈ {facts.lr_max:.3g}. {summary}.")


@NOTEBOOK.reveal(Reveal.TAKEAWAYS)
def _takeaways(run: Run, race, facts: NotebookFacts) -> None:
    show_takeaways(TAKEAWAYS, facts)
    s, h, ls = run.settings, run.history, run.least_squares
    st.dataframe(
        {
            "": [
                "true line",
                "least squares (best possible)",
                f"gradient descent, {h.epochs_run} epochs",
            ],
            "w": [s.true_w, ls.w, float(h.w[-1])],
            "b": [s.true_b, ls.b, float(h.b[-1])],
        },
        hide_index=True,
        column_config=_four_decimals("w", "b"),
        key=f"{PREFIX}gap",
    )
    lesson_done(
        "That is the whole notebook. The Playground (in the bar at the top) lets you change "
        "any of these settings and watch what happens."
    )
