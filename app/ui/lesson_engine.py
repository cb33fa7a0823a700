"""The lessons' machinery: predict, lock in, reveal, explain why.

A lesson is data (:mod:`app.model.lessons.steps`: steps, questions, frozen facts) plus
reveal functions, one per kind of reveal, each registered where it is defined with
``@page.reveal(kind)``; :class:`LessonPage` ties them together and :func:`run_lesson` walks
any of them. The two lessons' pages are
:mod:`app.views.lesson` and :mod:`app.views.beyond`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

import streamlit as st

from ..model.compute import Run
from ..model.lessons.notebook import grade_number
from ..model.lessons.steps import Facts, Question, Step
from ..model.method_text import method_label
from ..model.settings import View
from .cache import cached_playground_figure
from .chart import chart_style, show_figure
from .page_css import apply_lesson_css

__all__ = ["LessonPage", "lesson_done", "run_lesson", "show_run", "show_takeaways"]


@dataclass(frozen=True)
class LessonPage:
    """One lesson: its steps, where it keeps its state, its numbers and how it reveals.

    ``load()`` returns ``(args, facts)``: each reveal is drawn as
    ``reveals[step.reveal](*args, facts)``, by the function registered for that kind
    with :meth:`reveal`. Every session-state key the lesson uses starts with
    ``prefix``, so lessons never share a prediction, and Start over forgets only its own.
    """

    title: str
    prefix: str
    steps: tuple[Step, ...]
    load: Callable[[], tuple[tuple, Facts]]
    reveals: dict[Enum, Callable[..., None]] = field(default_factory=dict)

    def reveal(self, kind: Enum) -> Callable[[Callable[..., None]], Callable[..., None]]:
        """Decorator: the function that draws this kind of reveal (one per kind)."""

        def register(draw: Callable[..., None]) -> Callable[..., None]:
            if kind in self.reveals:
                raise ValueError(f"{self.title}: {kind} has a reveal already")
            self.reveals[kind] = draw
            return draw

        return register

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

    apply_lesson_css()  # first: styles that arrive later move the page as it loads
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


def _ask(page: LessonPage, step: Step, facts: Facts) -> None:
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


def _compare(page: LessonPage, step: Step, facts: Facts) -> None:
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
    # Room under the cards: a touch screen shows a table's toolbar above the table all the
    # time, and it sat on the last card's border.
    st.space("small")


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
    last, locked = k == len(page.steps), _locked(page, step)
    nxt.button(
        "Next ▶",
        disabled=last or not locked,
        on_click=_go,
        args=(page, 1),
        key=f"{p}next",
        width="stretch",
        type="primary",
        help=(
            "This is the lesson's last step."
            if last
            else f"On to step {k + 1} of {len(page.steps)}."
            if locked
            else "Lock in your prediction to move on."
        ),
    )


def show_run(run: Run, key: str, filename: str) -> None:
    """A lesson's run in the playground's four-panel chart, with its text alternative."""
    style = chart_style()
    h = run.history
    show_figure(
        cached_playground_figure(run.settings, style, View()),
        style=style,
        key=key,
        filename=filename,
        alt=f"{method_label(h.optimizer)} over {h.epochs_run} epochs at lr {h.lr:g}: data and "
        f"lines, loss, w and b, and the path over the loss landscape. "
        f"Final w = {h.w[-1]:.4f}, b = {h.b[-1]:.4f}.",
    )


def show_takeaways(takeaways: tuple[tuple[str, str], ...], facts: Facts) -> None:
    """The lesson's last step: its numbered takeaways, filled from this run's facts."""
    for i, (heading, text) in enumerate(takeaways, start=1):
        st.subheader(f"{i}. {heading}")
        st.markdown(text.format_map(facts))


def lesson_done(text: str) -> None:
    """The closing line of a lesson, where it sends the learner next."""
    st.success(text, icon=":material/celebration:")
