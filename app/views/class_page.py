"""The Class page (issue 24): a teacher's console and projector, and a student's phone.

Everything that matters lives in the database, found again from the URL: the teacher's
``/class?teach=TOKEN`` and a student's ``/class?join=CODE&seat=TOKEN`` survive a reload, a
new websocket and a restart of the server. Students' screens redraw by themselves, with no
Streamlit rerun while they wait: the page ends with :func:`~app.ui.class_wake.follow_board`,
which reruns it when the class's board (:func:`~app.ui.class_store.board`) is no longer the
one it was drawn with.
"""

from __future__ import annotations

import csv
import functools
import io
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import streamlit as st

from ..charts.class_chart import class_figure
from ..charts.style import ChartStyle
from ..classroom.codes import read_code
from ..classroom.rules import (
    NICKNAME_LENGTH,
    QUESTIONS,
    choice_counts,
    csv_rows,
    histograms,
    is_right,
    read_answer,
    true_answer,
)
from ..classroom.scenario import is_run_question, run_question
from ..model.lessons.notebook import grade_number
from ..model.lessons.steps import Facts, Question
from ..model.numbers import number_text
from ..storage.records import Asked, ClassInfo, Refused, Seat
from ..ui.chart import apply_lecture_css, show_figure
from ..ui.class_store import (
    board,
    class_store,
    class_version,
    plain,
    qr_svg,
    shared_class,
    shared_question,
)
from ..ui.class_wake import follow_board
from .beyond import BEYOND
from .class_run import (
    TEACH_KEY,
    _asked_question,
    _challenge_seat,
    _leaderboard,
    _real_run,
    _run_controls,
    back_to_class,
)
from .lesson import NOTEBOOK

__all__ = ["class_page"]

#: Wrong codes in a row that one session may try before it must wait.
WRONG_CODES_LIMIT = 20
WRONG_CODES_PAUSE_S = 60.0
_WRONG = "class_wrong_codes"  # session state: (wrong codes in a row, time of the last)
_MESSAGE = "class_message"  # session state: a refusal to show on the next run
_ENDED = "class_ended"
_SEAT = "class_seat"  # session state: (class id, code, seat token, its Seat) once found
#: As the page navigation names the lessons.
LESSON_NAMES = {"notebook": "Lesson", "beyond": "Beyond the notebook"}


def _now() -> float:
    return time.time()


def _facts(key: str) -> Facts:
    """The facts of the lesson a question belongs to, computed by the core (cached)."""
    return _lesson_facts(key.partition(":")[0])


@functools.cache
def _lesson_facts(lesson: str) -> Facts:
    """The lesson's facts: fixed settings, so computed once per process, not on every look."""
    return (NOTEBOOK if lesson == "notebook" else BEYOND).load()[1]


def _labels(q: Question, facts: Facts) -> list[str]:
    return [c.format_map(facts) for c in q.choices]


def _shown(q: Question, facts: Facts, value: float) -> str:
    """An answer as a person reads it: the choice's label, or the number."""
    return _labels(q, facts)[int(value)] if q.choices else number_text(value)


def _base_url() -> str:
    """The app's address as the browser sees it, without the page and query."""
    url = st.context.url or "http://localhost:8501/class"
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith("/class"):
        path = path[: -len("/class")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def class_page() -> None:
    """The Class page: route by the URL's query to the teacher, a student or the front door."""
    params = st.query_params
    if params.get("teach"):
        _teacher(params["teach"])
    elif params.get("join"):
        _student(params["join"], params.get("seat"))
    else:
        _front()


# --- Front door: start a class or type a code ------------------------------------------------


def _front() -> None:
    st.title("Live class")
    back_to_class()
    if st.session_state.pop(_ENDED, False):
        st.success("The class has ended and its answers were deleted.")
    join, teach = st.columns(2, gap="large")
    with join:
        st.subheader("Join a class")
        _code_form()
    with teach:
        st.subheader("Teach")
        st.markdown(
            "Start a class, project this page, and ask the lessons' questions. Students join "
            "from their phones with the code; no account, no e-mail."
        )
        if st.button("Start a class", type="primary", icon=":material/groups:"):
            store = class_store()
            store.purge_idle(_now())
            opened = store.create_class(_now())
            st.query_params.clear()
            st.query_params["teach"] = opened.teach_token
            st.rerun()


def _code_typed() -> None:
    """Before the run: the typed code goes into the URL, and the run checks it once."""
    st.query_params.clear()
    st.query_params["join"] = str(st.session_state.get("class_code_typed") or "").strip() or "-"


def _code_form() -> None:
    with st.form("class_join_code", border=False):
        st.text_input("Class code", max_chars=12, placeholder="e.g. K7PQ2M", key="class_code_typed")
        st.form_submit_button("Join", type="primary", on_click=_code_typed)


def _refused_for_now() -> bool:
    wrong, last = st.session_state.get(_WRONG, (0, 0.0))
    if wrong < WRONG_CODES_LIMIT:
        return False
    if _now() - last > WRONG_CODES_PAUSE_S:
        st.session_state[_WRONG] = (0, 0.0)
        return False
    return True


def _wrong_code() -> None:
    wrong, _ = st.session_state.get(_WRONG, (0, 0.0))
    st.session_state[_WRONG] = (wrong + 1, _now())


# --- Student ----------------------------------------------------------------------------------


def _student(typed: str, seat_token: str | None) -> None:
    if _refused_for_now():
        st.error(
            f"{WRONG_CODES_LIMIT} wrong codes in a row: please wait a minute, then check the "
            "code with your teacher."
        )
        return
    code = read_code(typed)
    cls = shared_class(code) if code else None
    if cls is None:
        _wrong_code()
        st.title("Live class")
        st.error(
            f"No live class has the code {plain(typed[:12])}. Check it with your teacher "
            "(a class ends when the teacher ends it, or after 12 idle hours)."
        )
        _code_form()
        return
    st.session_state[_WRONG] = (0, 0.0)
    me = _my_seat(cls, seat_token) if seat_token else None
    if seat_token and me is None:
        st.warning("That seat link is not for this class. Join again below.")
    if me is None:
        _join_form(cls)
    else:
        _seat(cls, me)


def _my_seat(cls: ClassInfo, seat_token: str) -> Seat | None:
    """The seat the link's token holds in ``cls``, read from the database once a session.

    A seat never changes while its class lives, and goes with it (a class that is gone is
    not found by its code, above); every other run of the phone, each wake among them, then
    asks the database one question fewer."""
    key = (cls.class_id, cls.code, seat_token)
    known = st.session_state.get(_SEAT)
    if known is not None and known[:3] == key:
        return known[3]
    me = class_store().seat_by_token(cls.class_id, seat_token)
    if me is not None:
        st.session_state[_SEAT] = (*key, me)
    return me


def _join_form(cls: ClassInfo) -> None:
    st.title(f"Join class {cls.code}")
    with st.form("class_join", border=False):
        name = st.text_input(
            "Nickname (optional)",
            max_chars=NICKNAME_LENGTH,
            placeholder="Leave empty for “Student” and your seat’s number",
            help="Not your real name: the teacher and the class may see it.",
        )
        if st.form_submit_button("Join class", type="primary"):
            seat = class_store().join(cls.class_id, name, _now())
            st.query_params["join"] = cls.code
            st.query_params["seat"] = seat.seat_token
            st.rerun()


def _lock_in(class_id: int, student_id: int, asked: Asked, widget: str) -> None:
    q = _asked_question(asked)[0]
    try:
        value = read_answer(q, st.session_state.get(widget))
    except ValueError as e:
        st.session_state[_MESSAGE] = str(e)
        return
    result = class_store().commit(
        class_id, student_id, asked.question_id, asked.round, value, _now()
    )
    if isinstance(result, Refused):
        st.session_state[_MESSAGE] = f"Not stored: {result.reason}."


def _seat(cls: ClassInfo, me: Seat) -> None:
    drawn = board(cls.class_id)
    store = class_store()
    st.markdown(f"Class **{cls.code}** · you are **{plain(me.nickname)}**")
    asked = shared_question(cls.class_id)
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        st.error(message)
    if asked is None:
        st.info("Waiting for the teacher's question…", icon=":material/hourglass_top:")
    else:
        q, facts = _asked_question(asked)
        st.subheader(q.prompt.format_map(facts))
        if asked.round > 1:
            st.caption(f"Vote again · round {asked.round}")
        mine = store.my_answer(asked.question_id, asked.round, me.student_id)
        if asked.state == "open" and mine is None:
            _answer_widgets(cls, me, asked, q, facts)
        elif asked.state == "open":
            st.success(f"Locked in: {plain(_shown(q, facts, mine))}. Wait for the reveal.")
        else:
            _my_reveal(q, facts, mine)
    _challenge_seat(cls, me)
    follow_board(cls.class_id, cls.code, drawn)


def _answer_widgets(cls: ClassInfo, me: Seat, asked: Asked, q: Question, facts: Facts) -> None:
    widget = f"class_answer_{asked.question_id}_{asked.round}"
    if q.choices:
        labels = _labels(q, facts)
        st.radio(
            "Your answer",
            range(len(labels)),
            index=None,
            format_func=labels.__getitem__,
            key=widget,
        )
    else:
        st.number_input(
            "Your answer", value=None, step=0.5, format="%.2f", key=widget, placeholder="A number"
        )
    st.button(
        "Lock in",
        type="primary",
        disabled=st.session_state.get(widget) is None,
        on_click=_lock_in,
        args=(cls.class_id, me.student_id, asked, widget),
        help="Once locked in, an answer cannot change in this round.",
        width="stretch",
    )


def _my_reveal(q: Question, facts: Facts, mine: float | None) -> None:
    truth = true_answer(q, facts)
    yours, real = st.columns(2, border=True)
    if mine is None:
        yours.markdown("**Your answer**\n\nYou did not lock in an answer.")
    else:
        yours.markdown(f"**Your answer**\n\n{plain(_shown(q, facts, mine))}")
    if q.choices:
        verdict = ":green[**Right**]" if is_right(q, mine, truth) else ":orange[**Not this time**]"
    else:
        verdict = "" if mine is None else grade_number(mine, truth)
    title = f"**The true answer** — {verdict}" if verdict else "**The true answer**"
    real.markdown(f"{title}\n\n{q.correct(facts)}")


# --- Teacher ----------------------------------------------------------------------------------


def _teacher(token: str) -> None:
    store = class_store()
    cls = store.class_by_teach_token(token, _now())
    if cls is None:
        st.title("Live class")
        st.error(
            "This teacher link is not valid, or its class has ended. Start a new class from "
            "the Class page."
        )
        if st.button("Go to the Class page"):
            st.query_params.clear()
            st.rerun()
        return
    drawn = class_version(cls.class_id)
    st.session_state[TEACH_KEY] = token
    apply_lecture_css()
    join_url = f"{_base_url()}/class?join={cls.code}"
    count = store.counts(cls.class_id)
    asked = store.current(cls.class_id)
    # Code, count and QR on one row, so the question and its chart fit a 1280x720 projector.
    head, tally, qr = st.columns([3, 1.6, 1], vertical_alignment="center")
    with head:
        st.markdown(f"# Class code {cls.code}")
        st.markdown(f"Join at {join_url} or scan the code")
    tally.markdown(f"## {count.answered} of {count.joined} answered")
    if tally.button(  # under the count: the row is as tall as the QR and its caption anyway
        "Enlarge the QR",
        icon=":material/zoom_in:",
        help="The code and the QR as large as the screen allows, for the back row.",
    ):
        _large_qr(cls.code, join_url)
    qr.image(qr_svg(join_url), width=150, caption="Scan to join")
    if asked is None:
        st.info("No question yet: pick one below and press Ask.", icon=":material/help:")
    else:
        _projector(store, asked)
    _leaderboard(store, cls)
    _controls(store, cls, asked, token)
    _run_controls(store, cls, asked)
    _follow_version(cls.class_id, drawn)


_LARGE_QR_PX = 450


@st.dialog("Join the class", width="large")
def _large_qr(code: str, join_url: str) -> None:
    """The join screen for the back row: the code in large type and a QR three times the
    page's, which with the code fits a 1280 x 720 projector's screen."""
    with st.container(horizontal_alignment="center"):
        st.markdown(f"# Class code {code}", text_alignment="center", anchors=False)
        st.image(qr_svg(join_url), width=_LARGE_QR_PX)
        st.markdown(f"Or go to {join_url}", text_alignment="center")


def _projector(store, asked: Asked) -> None:
    q, facts = _asked_question(asked)
    revealed = asked.state == "revealed"
    st.markdown(f"#### {q.prompt.format_map(facts)}")
    rounds = [asked.round - 1, asked.round] if asked.round > 1 else [asked.round]
    answers = [store.answers(asked.question_id, r) for r in rounds]
    truth = true_answer(q, facts) if revealed else None
    if not any(answers):
        st.caption("The class's answers appear here as they lock in (no names).")
    elif q.choices:
        counts = [choice_counts(a, len(q.choices)) for a in answers]
        fig = class_figure(counts, labels=_labels(q, facts), truth=truth, style=_style())
        _show_class_chart(fig, answers)
    else:
        hs = histograms(answers, truth)
        fig = class_figure([h.counts for h in hs], edges=hs[0].edges, truth=truth, style=_style())
        _show_class_chart(fig, answers)
    if revealed:
        truth_value = true_answer(q, facts)
        last = answers[-1]
        right = sum(is_right(q, a, truth_value) for a in last)
        share = right / len(last) if last else 0.0
        line = (
            f"**The answer: {q.correct(facts)}** · {right} of {len(last)} right "
            f"({100 * share:.0f} %)"
        )
        if len(rounds) == 2:
            first = store.by_student(asked.question_id, rounds[0])
            second = store.by_student(asked.question_id, rounds[1])
            moved = sum(
                is_right(q, v, truth_value) and not is_right(q, first.get(s), truth_value)
                for s, v in second.items()
            )
            line += f" · **{moved} moved to the right answer**"
        st.success(line)
        st.caption(_band(share))
        if is_run_question(asked.key):
            _real_run(asked)


def _show_class_chart(fig: dict, answers: list) -> None:
    """The class's distribution through the app's one chart path (the vendored bundle)."""
    told = " and ".join(f"{len(a)} answers" for a in answers)
    show_figure(
        fig,
        alt=f"The class's answers: {told}",
        filename="class-answers",
        key="class_chart",
        style=_style(),
    )


def _band(share: float) -> str:
    """Peer Instruction's rule of thumb (Vickrey 2015) for what to do after a vote."""
    if share < 0.35:
        return "Under 35 % right: worth teaching this again."
    if share <= 0.7:
        return "35–70 % right: let neighbours convince each other, then Vote again."
    return "Over 70 % right: explain briefly and move on."


def _style() -> ChartStyle:
    return ChartStyle.lecture(st.context.theme.type == "dark")


def _question_label(key: str) -> str:
    lesson, _, _ = key.partition(":")
    prompt = QUESTIONS[key].prompt.format_map(_facts(key))
    short = prompt if len(prompt) <= 80 else prompt[:79] + "…"
    return f"{LESSON_NAMES[lesson]} · {short}"


def _controls(store, cls: ClassInfo, asked: Asked | None, token: str) -> None:
    st.divider()
    pick, ask, reveal, again = st.columns([5, 1.3, 1.3, 1.5], vertical_alignment="bottom")
    key = pick.selectbox("Question", list(QUESTIONS), format_func=_question_label, key="class_q")
    if ask.button("Ask", type="primary", width="stretch"):
        store.ask(cls.class_id, key, "{}", _now())
        st.rerun()
    if reveal.button("Reveal", disabled=asked is None or asked.state != "open", width="stretch"):
        store.reveal(cls.class_id, _now())
        st.rerun()
    if again.button("Vote again", disabled=asked is None, width="stretch"):
        store.vote_again(cls.class_id, _now())
        st.rerun()
    csv_col, link_col, end_col = st.columns([1.3, 3, 1.3], vertical_alignment="top")
    csv_col.download_button(
        "Download CSV",
        data=_csv(store, cls),
        file_name=f"class-{cls.code}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    with link_col.expander("Your teacher link (private: do not project)"):
        st.code(f"{_base_url()}/class?teach={token}", language=None)
        st.caption("It reopens this class after a reload or on another device.")
    with end_col.popover("End class", width="stretch"):
        st.markdown("Ending deletes the class and every answer. Download the CSV first.")
        if st.button("End and delete", type="primary"):
            store.end(cls.class_id)
            st.query_params.clear()
            st.session_state[_ENDED] = True
            st.rerun()


def _csv(store, cls: ClassInfo) -> str:
    rows = []
    for r in store.export_rows(cls.class_id):
        q = QUESTIONS.get(r.question_key)
        if is_run_question(r.question_key):
            q = run_question(r.question_key)
            answer = _shown(q, {}, r.value) if q.choices else number_text(r.value)
        else:
            answer = _shown(q, _facts(r.question_key), r.value) if q else r.value
        when = datetime.fromtimestamp(r.at, UTC).isoformat(timespec="seconds")
        rows.append((r.nickname, r.question_key, answer, r.round, when))
    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(rows))
    return out.getvalue()


@st.fragment(run_every=2)
def _follow_version(class_id: int, drawn: int) -> None:
    """Every 2 s: the class's version (shared, cached); the page reruns when it moved."""
    if class_version(class_id) != drawn:
        st.rerun(scope="app")
