"""The Class page through AppTest: a teacher and students, each their own AppTest session,
sharing one SQLite database in a temporary folder."""

from __future__ import annotations

import json
import re
import time

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from app.classroom.rules import QUESTIONS, true_answer
from app.storage import schema
from app.ui.class_store import board, class_store, class_version
from app.views.class_page import WRONG_CODES_LIMIT, _csv, _facts

from .helpers import figures

CODE = re.compile(r"Class code ([A-Z2-9]{6})")
CHOICE_Q = "notebook:1"  # "what will the points look like?": three choices
NUMBER_Q = "notebook:3"  # dL/dw at (0, 0): a number


def _class_app():
    from app.views.class_page import class_page

    class_page()


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    """A fresh SQLite file for each test; the process's cached store is dropped around it."""
    monkeypatch.setenv("LINREG_CLASS_DB", f"sqlite:///{tmp_path / 'class.sqlite3'}")
    for cached in (class_store, board, class_version):
        cached.clear()
    yield
    for cached in (class_store, board, class_version):
        cached.clear()


def _app(query: dict | None = None) -> AppTest:
    at = AppTest.from_function(_class_app, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.subheader]
    parts += [e.value for e in (*at.error, *at.success, *at.info, *at.warning, *at.caption)]
    return "\n".join(str(p) for p in parts)


def _start() -> tuple[AppTest, str]:
    teacher = _app()
    _button(teacher, "Start a class").click().run()
    assert not teacher.exception
    (code,) = CODE.findall(_texts(teacher))
    return teacher, code


def _join(code: str, nickname: str = "") -> AppTest:
    student = _app({"join": code})
    student.text_input[0].set_value(nickname)
    student.button[0].click().run()
    assert not student.exception
    return student


def _ask(teacher: AppTest, key: str) -> None:
    teacher.selectbox(key="class_q").set_value(key)
    _button(teacher, "Ask").click().run()
    assert not teacher.exception


def _rerun(at: AppTest) -> AppTest:
    """What the student's fragment does when the board changed: run the page again."""
    for cached in (board, class_version):
        cached.clear()
    at.run()
    assert not at.exception
    return at


def _classes() -> int:
    with class_store().engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.classes)).scalar_one()


def test_teacher_starts_a_class_and_sees_code_link_qr_count_and_private_link():
    teacher, code = _start()
    token = teacher.query_params["teach"]
    text = _texts(teacher)
    assert f"/class?join={code}" in text
    assert "0 of 0 answered" in text
    assert token not in text  # the token is in the private expander's code block only
    assert any(c.value.endswith(f"/class?teach={token}") for c in teacher.code)
    assert _classes() == 1
    # A reload (a new session with the same link) reopens the same class.
    again = _app({"teach": token})
    assert f"Class code {code}" in _texts(again)


def test_student_joins_by_link_and_keeps_the_seat_on_reload():
    _, code = _start()
    student = _join(code, "Ada")
    seat = student.query_params["seat"]
    assert student.query_params["join"] == code and len(seat) >= 30
    assert "you are **Ada**" in _texts(student)
    reloaded = _app({"join": code, "seat": seat})
    assert "you are **Ada**" in _texts(reloaded)
    assert "Waiting for the teacher's question" in _texts(reloaded)


def test_student_joins_by_typing_the_code_with_a_default_nickname():
    _, code = _start()
    student = _app()
    student.text_input[0].set_value(code.lower()[:3] + "-" + code.lower()[3:])
    _button(student, "Join").click().run()
    _button(student, "Join class").click().run()
    assert "you are **Student 1**" in _texts(student)


def test_ask_commit_count_reveal_and_vote_again():
    teacher, code = _start()
    student = _join(code)
    _ask(teacher, CHOICE_Q)
    q = QUESTIONS[CHOICE_Q]
    facts = _facts(CHOICE_Q)
    _rerun(student)
    assert q.prompt.format_map(facts) in _texts(student)
    assert _button(student, "Lock in").disabled
    wrong = (true_answer(q, facts) + 1) % len(q.choices)
    student.radio[0].set_value(wrong).run()
    _button(student, "Lock in").click().run()
    assert "Locked in: " + q.choices[wrong].format_map(facts).replace(".", "\\.") in _texts(student)
    assert not [b for b in student.button if b.label == "Lock in"]  # it cannot change
    _rerun(teacher)
    assert "1 of 1 answered" in _texts(teacher)
    assert [f for f in figures(teacher) if f["data"][0]["type"] == "bar"]  # the class's bars
    _button(teacher, "Reveal").click().run()
    assert f"The answer: {q.correct(facts)}" in _texts(teacher)
    assert "0 of 1 right" in _texts(teacher)
    _rerun(student)
    assert "The true answer" in _texts(student) and "Not this time" in _texts(student)
    # Vote again: round 2, the student now picks the right answer.
    _button(teacher, "Vote again").click().run()
    assert "0 of 1 answered" in _texts(teacher)
    _rerun(student)
    assert "Vote again · round 2" in _texts(student)
    student.radio[0].set_value(true_answer(q, facts)).run()
    _button(student, "Lock in").click().run()
    _rerun(teacher)
    _button(teacher, "Reveal").click().run()
    text = _texts(teacher)
    assert "1 of 1 right" in text and "1 moved to the right answer" in text
    assert "First vote" in json.dumps(figures(teacher)[0])
    # The CSV: both rounds, the choice's label.
    assert teacher.get("download_button")
    cls = class_store().class_by_code(code, time.time())
    lines = _csv(class_store(), cls).splitlines()
    assert lines[0] == "nickname,question,answer,round,time"
    assert [line.split(",")[3] for line in lines[1:]] == ["1", "2"]


def test_a_number_question_refuses_out_of_range_and_a_closed_question_refuses_a_commit():
    teacher, code = _start()
    student = _join(code)
    _ask(teacher, NUMBER_Q)
    _rerun(student)
    student.number_input[0].set_value(5e6).run()
    _button(student, "Lock in").click().run()
    assert "out of range" in _texts(student)
    # The teacher moves on while the student still sees the number question.
    student.number_input[0].set_value(-25.0).run()
    _ask(teacher, CHOICE_Q)
    _button(student, "Lock in").click().run()
    assert "Not stored: this question is no longer open" in _texts(student)
    assert "0 of 1 answered" in _texts(_rerun(teacher))


def test_wrong_code_message_and_twenty_in_a_row_refused():
    _, code = _start()
    student = _app({"join": "ZZZZZZ"})
    assert "No live class has the code ZZZZZZ" in _texts(student)
    for _ in range(WRONG_CODES_LIMIT - 1):  # 20 wrong codes in all
        student.text_input[0].set_value("QQQQQQ")
        _button(student, "Join").click().run()
        assert "No live class has the code QQQQQQ" in _texts(student)
    student.text_input[0].set_value(code)  # even the right one is refused for a while
    _button(student, "Join").click().run()
    assert "20 wrong codes in a row" in _texts(student)
    assert not student.text_input and not student.button  # no form, no seat
    assert "seat" not in student.query_params


def test_wrong_teach_token_is_refused_and_stores_nothing():
    at = _app({"teach": "not-a-real-token"})
    assert "This teacher link is not valid" in _texts(at)
    assert _classes() == 0


def test_html_nickname_shows_as_text():
    _, code = _start()
    nasty = "<img src=x onerror=alert(1)>"
    student = _join(code, nasty)
    (line,) = [m for m in student.markdown if "you are" in m.value]
    assert not line.proto.allow_html
    # At most 24 characters are kept, and every mark of those is escaped: no tag, no link.
    assert r"you are **\<img src\=x onerror\=alert**" in line.value
    seat = class_store().seat_by_token(
        class_store().class_by_code(code, time.time()).class_id,
        student.query_params["seat"],
    )
    assert seat.nickname == nasty[:24]
