"""The lessons' machinery (predict, lock in, reveal, explain), and the first lesson's reveals.

:func:`run_lesson` runs any :class:`LessonPage`; the first lesson (the notebook's
exercises 1–7) is :data:`NOTEBOOK`, and "Beyond the notebook" lives in
:mod:`app.views.beyond`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

import streamlit as st

from ..charts import data_figure, race_figure
from ..charts.traces import equation
from ..model.compute import Run
from ..model.lessons.notebook import (
    STEPS,
    TAKEAWAYS,
    Question,
    Reveal,
    Step,
    grade_number,
    lesson_facts,
    progress_line,
    progress_rows,
    sample_predictions,
)
from ..model.params import RACE_LRS
from ..model.settings import Settings, View
from ..model.text import race_summary
from ..ui.cache import cached_playground_figure, cached_race, cached_run
from ..ui.chart import chart_style, show_figure

PREFIX = "lesson_"
STEP_KEY = "lesson_step"  # 1-based


@dataclass(frozen=True)
class LessonPage:
    """One lesson: its steps, where it keeps its state, its numbers and how it reveals.

    ``load()`` returns ``(args, facts)``: each reveal is drawn as
    ``reveals[step.reveal](*args, facts)``. Every session-state key the lesson
    uses starts with ``prefix``, so lessons never share a prediction, and
    Start over forgets only its own.
    """

    title: str
    prefix: str
    steps: tuple[Step, ...]
    load: Callable[[], tuple[tuple, dict]]
    reveals: Mapping[Enum, Callable[..., None]]

    @property
    def step_key(self) -> str:
        return f"{self.prefix}step"


def _answer_key(page: LessonPage, q: Question) -> str:
    """Where a locked-in prediction is kept (survives leaving the step)."""
    return f"{page.prefix}answer_{q.key}"


def _input_key(page: LessonPage, q: Question) -> str:
    """The widget's own key: Streamlit drops it once the widget is off screen."""
    return f"{page.prefix}input_{q.key}"


def _go(page: LessonPage, delta: int) -> None:
    k = st.session_state[page.step_key] + delta
    st.session_state[page.step_key] = min(max(k, 1), len(page.steps))


def _start_over(page: LessonPage) -> None:
    for key in [k for k in st.session_state if str(k).startswith(page.prefix)]:
        del st.session_state[key]


def _lock(page: LessonPage, questions: tuple[Question, ...]) -> None:
    for q in questions:
        st.session_state[_answer_key(page, q)] = st.session_state[_input_key(page, q)]


def _locked(page: LessonPage, step: Step) -> bool:
    return all(_answer_key(page, q) in st.session_state for q in step.questions)


def run_lesson(page: LessonPage) -> None:
    """Walk through a lesson's steps: explain, predict, lock in, reveal, explain why."""
    st.session_state.setdefault(page.step_key, 1)
    k = st.session_state[page.step_key]
    step = page.steps[k - 1]
    args, facts = page.load()

    st.title(page.title)
    st.progress(k / len(page.steps), text=f"Step {k} of {len(page.steps)}")
    st.header(f"{k}. {step.title.format_map(facts)}")
    st.markdown(step.intro.format_map(facts))

    if not step.questions:
        page.reveals[step.reveal](*args, facts)
    elif not _locked(page, step):
        _ask(page, step, facts)
    else:
        _compare(page, step, facts)
        page.reveals[step.reveal](*args, facts)
        st.info(step.why.format_map(facts), icon=":material/lightbulb:")
    _nav(page, k, step)


def _notebook() -> tuple[tuple, dict]:
    settings = Settings()  # the notebook's run: seed 42, lr 0.01, 100 epochs from (0, 0)
    run = cached_run(settings)
    race = cached_race(settings, RACE_LRS)
    return (run, race), lesson_facts(run, race)


def lesson() -> None:
    """The first lesson: the notebook's exercises, each with a predict-first question."""
    run_lesson(NOTEBOOK)


def _ask(page: LessonPage, step: Step, facts: dict) -> None:
    for q in step.questions:
        if q.choices:
            st.radio(
                q.prompt.format_map(facts),
                [c.format_map(facts) for c in q.choices],
                index=None,
                key=_input_key(page, q),
            )
        else:
            st.number_input(
                q.prompt.format_map(facts),
                value=None,
                step=0.5,
                format="%.2f",
                key=_input_key(page, q),
                placeholder="Type your estimate",
            )
    missing = any(st.session_state.get(_input_key(page, q)) is None for q in step.questions)
    st.button(
        "Lock in my prediction",
        type="primary",
        disabled=missing,
        on_click=_lock,
        args=(page, step.questions),
        key=f"{page.prefix}lock_{step.questions[0].key}",
        help="Answer first; the result appears once your prediction is locked in.",
    )


def _compare(page: LessonPage, step: Step, facts: dict) -> None:
    """The learner's locked-in answer next to what actually happened."""
    for q in step.questions:
        said = st.session_state[_answer_key(page, q)]
        truth = q.correct(facts)
        if q.choices:
            verdict = ":green[**Right**]" if said == truth else ":orange[**Not this time**]"
        else:
            verdict = grade_number(said, facts[q.answer])
            said = f"{said:.4f}"
        mine, real = st.columns(2, border=True)
        mine.markdown(f"**Your prediction** · {q.prompt.format_map(facts)}\n\n{said}")
        real.markdown(f"**What happened** — {verdict}\n\n{truth}")


def _playground(run: Run, name: str) -> None:
    style = chart_style()
    h = run.history
    show_figure(
        cached_playground_figure(run.settings, style, View()),
        style=style,
        key=f"{PREFIX}fig_{name}",
        filename=f"lesson-{name}",
        alt=f"The notebook's run: data with true, least-squares and fitted lines; loss, "
        f"w and b over {h.epochs_run} epochs; and the path over the loss landscape. "
        f"Final w = {h.w[-1]:.4f}, b = {h.b[-1]:.4f}.",
    )


def _reveal_data(run: Run, race, facts: dict) -> None:
    show_figure(
        data_figure(run, style=chart_style()),
        key=f"{PREFIX}fig_data",
        filename="lesson-data",
        alt=f"Scatter plot of {run.data.n_samples} points spread around the true line "
        f"{equation(run.settings.true_w, run.settings.true_b)}.",
    )


def _reveal_start(run: Run, race, facts: dict) -> None:
    s = run.settings
    model = sample_predictions(s.w0, s.b0)
    true = sample_predictions(s.true_w, s.true_b)
    st.dataframe(
        {
            "x": [r["x"] for r in model],
            f"model ŷ = {s.w0:g}·x + {s.b0:g}": [r["ŷ"] for r in model],
            f"true line {s.true_w:g}·x + {s.true_b:g}": [r["ŷ"] for r in true],
        },
        hide_index=True,
        key=f"{PREFIX}predictions",
    )


def _reveal_step(run: Run, race, facts: dict) -> None:
    st.latex(
        rf"\frac{{\partial L}}{{\partial w}} = \frac{{1}}{{n}}\sum_i -2\,x_i\,(y_i - \hat y_i)"
        rf" = -2\cdot\mathrm{{mean}}(x\,y) = {facts['dw0']:.4f}"
    )
    st.latex(
        rf"\frac{{\partial L}}{{\partial b}} = \frac{{1}}{{n}}\sum_i -2\,(y_i - \hat y_i)"
        rf" = {facts['db0']:.4f}"
    )
    st.latex(
        rf"w \leftarrow {facts['w0']:g} - {facts['lr']:g} \times ({facts['dw0']:.4f})"
        rf" = {facts['new_w0']:.4f}"
        rf",\quad b \leftarrow {facts['b0']:g} - {facts['lr']:g} \times ({facts['db0']:.4f})"
        rf" = {facts['new_b0']:.4f}"
    )


def _four_decimals(*names: str) -> dict:
    """Numbers shown as the notebook prints them, still sortable and right-aligned."""
    return {name: st.column_config.NumberColumn(format="%.4f") for name in names}


def _reveal_train(run: Run, race, facts: dict) -> None:
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
    with st.expander("The same numbers as the notebook prints them"):
        st.code("\n".join(progress_line(r) for r in rows), language=None)


def _reveal_plots(run: Run, race, facts: dict) -> None:
    _playground(run, "plots")


def _reveal_animation(run: Run, race, facts: dict) -> None:
    _playground(run, "animation")


def _reveal_race(run: Run, race, facts: dict) -> None:
    summary = race_summary(race)
    show_figure(
        race_figure(race, run, style=chart_style(), current="the notebook's"),
        key=f"{PREFIX}race",
        filename="lesson-learning-rate-race",
        alt=f"Learning-rate race. {summary}.",
    )
    st.caption(f"Stability limit for this data: lr ≈ {facts['lr_max']:.3g}. {summary}.")


def _takeaways(run: Run, race, facts: dict) -> None:
    for i, (heading, text) in enumerate(TAKEAWAYS, start=1):
        st.subheader(f"{i}. {heading}")
        st.markdown(text.format_map(facts))
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
    st.success(
        "That is the whole notebook. The Playground (in the bar at the top) lets you change "
        "any of these settings and watch what happens.",
        icon=":material/celebration:",
    )


#: How each kind of reveal is drawn.
_REVEALS = {
    Reveal.DATA: _reveal_data,
    Reveal.START: _reveal_start,
    Reveal.STEP: _reveal_step,
    Reveal.TRAIN: _reveal_train,
    Reveal.PLOTS: _reveal_plots,
    Reveal.ANIMATION: _reveal_animation,
    Reveal.RACE: _reveal_race,
    Reveal.TAKEAWAYS: _takeaways,
}


NOTEBOOK = LessonPage(
    title="Lesson: gradient descent from scratch",
    prefix=PREFIX,
    steps=STEPS,
    load=_notebook,
    reveals=_REVEALS,
)


def _nav(page: LessonPage, k: int, step: Step) -> None:
    st.divider()
    back, restart, nxt = st.columns(3)
    p = page.prefix
    back.button(
        "◀ Back", disabled=k == 1, on_click=_go, args=(page, -1), key=f"{p}back", width="stretch"
    )
    restart.button(
        "↺ Start over", on_click=_start_over, args=(page,), key=f"{p}restart", width="stretch"
    )
    nxt.button(
        "Next ▶",
        disabled=k == len(page.steps) or not _locked(page, step),
        on_click=_go,
        args=(page, 1),
        key=f"{p}next",
        width="stretch",
        type="primary",
        help="Lock in your prediction to move on.",
    )
