"""The live class's runs (issue 24, items 3 and 8): a scenario sent from the playground,
"What will this run do?" on it, the real run after the reveal, and the class challenge.

The teacher sends the playground's current settings with **Send to class**, shown in the
playground only while the session holds a live class's teacher token (the console puts it
there): one press, no link to copy, and nothing private on the projected playground. A
teacher who set the run up elsewhere pastes its playground link on the console instead.
Every answer and every challenge score is computed on the server by the core
(:mod:`app.classroom.scenario`); a browser sends settings only.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import streamlit as st

from ..charts.style import ChartStyle
from ..classroom.rules import question
from ..classroom.scenario import (
    EPOCHS_RANGE,
    FEWEST_EPOCHS,
    GOALS,
    LARGEST_LR,
    RUN_QUESTIONS,
    Goal,
    Missed,
    goal_json,
    is_run_question,
    read_goal,
    read_scenario,
    read_try,
    refuse_question,
    refuse_target,
    run_facts,
    run_question,
    scenario_json,
    score,
    settings_from_link,
    shown_score,
    try_from_link,
)
from ..model.lessons.steps import Facts, Question
from ..model.links import share_query
from ..model.method_text import method_label
from ..model.numbers import number_text
from ..model.settings import Settings, View
from ..storage.records import Asked, ClassInfo, Seat
from ..ui.cache import cached_playground_figure, cached_run
from ..ui.chart import show_figure
from ..ui.class_store import class_store, plain, shared_challenge

__all__ = ["TEACH_KEY", "back_to_class", "send_to_class"]

#: Session state: the teacher token of the class this session teaches (set by the console).
TEACH_KEY = "class_teach_token"
#: Submissions one student may make to one challenge (each one runs the core).
SUBMISSIONS_LIMIT = 30
_SENT = "class_sent"  # session state: the confirmation to show in the playground


def _now() -> float:
    return time.time()


def _style() -> ChartStyle:
    return ChartStyle.lecture(st.context.theme.type == "dark")


def _asked_question(asked: Asked) -> tuple[Question, Facts]:
    """The question on the board and the facts its texts and answer come from."""
    if is_run_question(asked.key):
        settings = read_scenario(asked.scenario_json)
        return run_question(asked.key), run_facts(cached_run(settings))
    from .class_page import _facts  # the lessons' facts, cached by their pages

    return question(asked.key), _facts(asked.key)


def _ask_run(class_id: int, settings: Settings, key: str) -> str | None:
    """Put a question on the run on the board; the reason when it cannot be asked."""
    try:
        scenario = scenario_json(settings)
    except ValueError as e:
        return str(e)
    refusal = refuse_question(key, run_facts(cached_run(settings)))
    if refusal:
        return refusal
    class_store().ask(class_id, key, scenario, _now())
    return None


def _setup_text(settings: Settings) -> str:
    r = cached_run(settings)
    return (
        f"{method_label(r.history.optimizer)}, learning rate {settings.lr:g}, "
        f"{settings.epochs} epochs, {plain(settings.source.title.lower())}"
    )


# --- The playground's Send to class ------------------------------------------------------------


def send_to_class(settings: Settings) -> None:
    """In the playground, for a session teaching a live class: send these settings to it."""
    token = st.session_state.get(TEACH_KEY)
    if not token:
        return
    cls = class_store().class_by_teach_token(token, _now())
    if cls is None:
        return
    with st.container(border=True, key="class_send_box"):
        sent = st.session_state.pop(_SENT, None)
        if sent:
            st.success(sent)
        key = st.selectbox(
            f"Ask class {cls.code}",
            list(RUN_QUESTIONS),
            format_func=RUN_QUESTIONS.__getitem__,
            key="class_send_kind",
        )
        back = st.toggle("Then go to the class", value=True, key="class_send_back")
        if st.button("Send to class", type="primary", icon=":material/send:", width="stretch"):
            refusal = _ask_run(cls.class_id, settings, key)
            if refusal:
                st.error(refusal)
                return
            if back:
                from .class_page import class_page

                page = st.Page(class_page, title="Class", url_path="class")
                st.switch_page(page, query_params={"teach": token})
            st.session_state[_SENT] = f"Sent to class {cls.code}: {_setup_text(settings)}."
            st.rerun()


def back_to_class() -> None:
    """On the Class page's front door, for a session teaching a live class: the way back
    to its console (the top navigation drops the link's ``?teach=``)."""
    token = st.session_state.get(TEACH_KEY)
    cls = class_store().class_by_teach_token(token, _now()) if token else None
    if cls is None:
        return
    if st.button(f"Back to class {cls.code}", type="primary", icon=":material/arrow_back:"):
        st.query_params.clear()
        st.query_params["teach"] = token
        st.rerun()


# --- The teacher's console ---------------------------------------------------------------------


def _real_run(asked: Asked) -> None:
    """After the reveal: the run itself, drawn by the playground's chart."""
    settings = read_scenario(asked.scenario_json)
    r = cached_run(settings)
    facts = run_facts(r)
    st.markdown(f"### The real run: {_setup_text(settings)}")
    show_figure(
        cached_playground_figure(settings, _style(), View(lecture=True)),
        alt=(
            f"The real run: {facts.state.lower()}. Final w = {number_text(facts.w_end)}, "
            f"b = {number_text(facts.b_end)}, loss = {number_text(facts.loss_end)}."
        ),
        filename=f"class-run_lr{settings.lr:g}_epochs{settings.epochs}",
        key="class_run_chart",
        style=_style(),
    )


def _run_controls(store, cls: ClassInfo, asked: Asked | None) -> None:
    """Ask about a pasted playground run, and set or end the class challenge."""
    st.divider()
    st.markdown("#### A run of the playground")
    st.caption(
        "In the Playground, set a run up and press **Send to class** (it shows while this "
        "class is open in this browser tab). Or paste a playground link here."
    )
    link_col, kind_col, ask_col = st.columns([3.5, 3, 1.9], vertical_alignment="bottom")
    link = link_col.text_input("Playground link", key="class_run_link", placeholder="https://…")
    key = kind_col.selectbox(
        "Question about the run",
        list(RUN_QUESTIONS),
        format_func=RUN_QUESTIONS.__getitem__,
        key="class_run_q",
    )
    if ask_col.button("Ask about this run", width="stretch"):
        try:
            settings, notices = settings_from_link(link)
        except ValueError as e:
            st.error(str(e))
        else:
            refusal = _ask_run(cls.class_id, settings, key)
            if refusal:
                st.error(refusal)
            else:
                if notices:
                    st.session_state["class_run_notices"] = notices
                st.rerun()
    for notice in st.session_state.pop("class_run_notices", ()):
        st.warning(f"From the link: {notice}")
    _challenge_controls(store, cls, asked)


def _challenge_controls(store, cls: ClassInfo, asked: Asked | None) -> None:
    st.markdown("#### Class challenge")
    current = store.challenge(cls.class_id)
    if current:
        goal = read_goal(current)
        st.caption(f"Running: {goal.text()} ({_setup_text(goal.settings)}).")
    if asked is None or not is_run_question(asked.key):
        st.caption("Send a run to the class first: the challenge is set on it.")
        scenario = None
    else:
        scenario = asked.scenario_json
    kind_col, target_col, start_col, end_col = st.columns(
        [3, 1.5, 1.3, 1.3], vertical_alignment="bottom"
    )
    kind = kind_col.selectbox(
        "Goal", list(GOALS), format_func=GOALS.__getitem__, key="class_goal_kind"
    )
    suggested = None
    if scenario is not None:
        suggested = float(f"{1.05 * cached_run(read_scenario(scenario)).least_squares.loss:.3g}")
    target = target_col.number_input(
        "Loss below",
        value=suggested,
        format="%.3f",
        step=0.1,
        disabled=kind != FEWEST_EPOCHS,
        # One widget a run: each run on the board brings its own suggestion.
        key=f"class_goal_target_{asked.question_id if scenario else 0}",
    )
    if start_col.button("Start challenge", disabled=scenario is None, width="stretch"):
        goal = Goal(kind, scenario, None)
        if kind == FEWEST_EPOCHS:
            refusal = refuse_target(cached_run(read_scenario(scenario)), target)
            if refusal:
                st.error(refusal)
                return
            goal = Goal(kind, scenario, float(target))
        store.set_challenge(cls.class_id, goal_json(goal), _now())
        st.rerun()
    if end_col.button("End challenge", disabled=current is None, width="stretch"):
        store.end_challenge(cls.class_id, _now())
        st.rerun()


def _leaderboard(store, cls: ClassInfo) -> None:
    """On the projector: the challenge and its best scores, one line a student."""
    current = store.challenge(cls.class_id)
    if not current:
        return
    goal = read_goal(current)
    head, hide = st.columns([4, 1.3], vertical_alignment="bottom")
    head.markdown(f"### Challenge: {goal.text()}")
    hidden = hide.toggle("Hide names", key="class_hide_names")
    entries = store.best_by_student(cls.class_id)
    if not entries:
        st.caption(f"On {_setup_text(goal.settings)}. Scores appear as students submit.")
        return
    lines = ["| # | Student | Result |", "|--:|---|---|"]
    for rank, e in enumerate(entries, 1):
        name = f"Student {rank}" if hidden else plain(e.nickname)
        lines.append(f"| {rank} | {name} | {plain(shown_score(goal, e.score))} |")
    st.markdown("\n".join(lines))
    st.caption("Every score was computed by the server from the settings submitted.")


# --- A student's phone -------------------------------------------------------------------------


def _submit(cls: ClassInfo, me: Seat, goal: Goal) -> None:
    """The form's callback: check, run on the server, store only a scored submission."""
    link = str(st.session_state.get("class_try_link") or "").strip()
    try:
        if link:
            tried = try_from_link(link)
        else:
            tried = read_try(
                st.session_state.get("class_try_lr"), st.session_state.get("class_try_epochs")
            )
    except ValueError as e:
        st.session_state["class_try_message"] = ("error", f"Not submitted: {e}")
        return
    store = class_store()
    if store.submissions_by(cls.class_id, me.student_id) >= SUBMISSIONS_LIMIT:
        st.session_state["class_try_message"] = (
            "error",
            f"Not submitted: at most {SUBMISSIONS_LIMIT} tries per challenge.",
        )
        return
    result = score(goal, tried)
    if isinstance(result, Missed):
        st.session_state["class_try_message"] = ("warning", f"Not on the board: {result.reason}")
        return
    settings = json.dumps(share_query({"lr": tried.lr, "epochs": tried.epochs}), sort_keys=True)
    store.submit(cls.class_id, me.student_id, settings, result.score, _now())
    st.session_state["class_try_message"] = ("success", f"On the board: {result.shown}.")


def _challenge_seat(cls: ClassInfo, me: Seat) -> None:
    current = shared_challenge(cls.class_id)
    if not current:
        return
    goal = read_goal(current)
    s = goal.settings
    st.divider()
    st.subheader(f"Challenge: {goal.text()}")
    query = json.loads(goal.scenario)
    st.markdown(
        f"On {_setup_text(s)}. Try runs in the [playground](/playground?{urlencode(query)}), "
        "then submit your settings: the server runs them."
    )
    kind, text = st.session_state.pop("class_try_message", (None, None))
    if kind:
        {"error": st.error, "warning": st.warning, "success": st.success}[kind](text)
    with st.form("class_try", border=False):
        st.number_input("Learning rate", value=s.lr, step=0.001, format="%.4f", key="class_try_lr")
        if goal.kind == FEWEST_EPOCHS:
            st.number_input(
                "Epochs",
                value=s.epochs,
                step=1,
                key="class_try_epochs",
                help=f"From {EPOCHS_RANGE[0]} to {EPOCHS_RANGE[1]}.",
            )
        else:
            st.session_state["class_try_epochs"] = s.epochs
            st.caption(f"Epochs: {s.epochs}, as in the class's run.")
        st.text_input(
            "Or paste a playground link",
            key="class_try_link",
            help="Its learning rate and epochs count; the data stays the class's.",
        )
        st.form_submit_button(
            "Submit", type="primary", on_click=_submit, args=(cls, me, goal), width="stretch"
        )
    if goal.kind == LARGEST_LR:
        st.caption("Tip: halve the gap between a rate that diverges and one that does not.")
