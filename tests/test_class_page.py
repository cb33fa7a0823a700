"""The Class page through AppTest: a teacher and students, each their own AppTest session,
sharing one SQLite database in a temporary folder."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from app.classroom.rules import QUESTIONS, true_answer
from app.classroom.wake import Waker
from app.storage import schema
from app.ui.class_store import changed, class_store
from app.ui.class_wake import waker
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
    """A fresh SQLite file for each test; the process's cached store is dropped around it.

    The class waker forgets the last test's classes first: its thread reads boards through
    the cached store, and a read racing the swap would cache a store of the old file."""
    waker().forget()
    monkeypatch.setenv("LINREG_CLASS_DB", f"sqlite:///{tmp_path / 'class.sqlite3'}")
    class_store.clear()
    changed()  # every shared read
    yield
    waker().forget()
    class_store.clear()
    changed()


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
    """What the wake component does when the board changed: run the page again."""
    changed()
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


def test_the_qr_enlarges_for_the_back_row_and_the_menu_names_the_pages_as_the_navigation():
    teacher, code = _start()
    assert len(teacher.get("image")) == 1 and not teacher.get("dialog")
    _button(teacher, "Enlarge the QR").click().run()
    assert not teacher.exception
    assert len(teacher.get("dialog")) == 1
    small, large = teacher.get("image")
    assert large.proto.imgs[0].url == small.proto.imgs[0].url  # the same join link
    assert any(m.value.startswith("Or go to ") and code in m.value for m in teacher.markdown)
    # The question menu says the lessons' names as the page's navigation does.
    lessons = {o.split(" · ")[0] for o in teacher.selectbox[0].options}
    assert lessons == {"Lesson", "Beyond the notebook"}, lessons


def test_student_joins_by_link_and_keeps_the_seat_on_reload():
    _, code = _start()
    student = _join(code, "Ada")
    seat = student.query_params["seat"]
    assert student.query_params["join"] == code and len(seat) >= 30
    assert "you are **Ada**" in _texts(student)
    reloaded = _app({"join": code, "seat": seat})
    assert "you are **Ada**" in _texts(reloaded)
    assert "Waiting for the teacher's question" in _texts(reloaded)


def test_a_phone_reads_its_seat_once_and_never_for_another_class(monkeypatch):
    """Every wake is a rerun of the phone's page: its seat is asked of the database once a
    session, and a seat found for one class is not taken for another."""
    from app.storage.store import ClassStore

    reads = []
    seat_by_token = ClassStore.seat_by_token
    monkeypatch.setattr(
        ClassStore,
        "seat_by_token",
        lambda self, *args: reads.append(args) or seat_by_token(self, *args),
    )
    teacher, code = _start()
    student = _join(code, "Ada")
    seat = student.query_params["seat"]
    for _ in range(3):
        _rerun(student)
    _ask(teacher, CHOICE_Q)
    _rerun(student)
    assert student.radio and "you are **Ada**" in _texts(student)
    assert len(reads) == 1, reads
    # The same session, the same seat token, another class: asked again, and not seated.
    _, other = _start()
    student.query_params["join"] = other
    _rerun(student)
    assert len(reads) == 2
    assert "That seat link is not for this class" in _texts(student)
    assert "you are **Ada**" not in _texts(student)
    assert student.query_params["seat"] == seat


def test_without_a_writable_wake_folder_a_phone_still_follows_the_board(monkeypatch, caplog):
    """A read-only checkout: no wake file can be written, and the student's page, instead of
    failing, looks at the board itself (a fragment) and still shows the teacher's Ask."""

    def read_only(*args):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(Waker, "watch", read_only)
    teacher, code = _start()
    student = _join(code, "Ada")
    assert "Waiting for the teacher's question" in _texts(student)
    assert "no wake file" in caplog.text
    _ask(teacher, CHOICE_Q)
    _rerun(student)  # what the fragment's look does once the board changed
    assert student.radio, "the question's choices are on the phone"


def test_student_joins_by_typing_the_code_with_a_default_nickname():
    _, code = _start()
    student = _app()
    student.text_input[0].set_value(code.lower()[:3] + "-" + code.lower()[3:])
    _button(student, "Join").click().run()
    (nickname,) = student.text_input
    # The placeholder promises no number: the seat's is known only once it is taken.
    assert not any(c.isdigit() for c in nickname.placeholder), nickname.placeholder
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
    assert "0 of 1 right (0 %)" in _texts(teacher)  # spaced as the band below says "35 %"
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
    assert "1 of 1 right (100 %)" in text and "1 moved to the right answer" in text
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


# --- A run of the playground: "What will this run do?", the real run, the challenge ----------

RUN_LINK = "http://localhost:8501/playground?lr=0.15&epochs=40"  # above 2/λmax ≈ 0.113


def _ask_run(teacher: AppTest, link: str, key: str = "run:state") -> None:
    teacher.text_input(key="class_run_link").set_value(link)
    teacher.selectbox(key="class_run_q").set_value(key)
    _button(teacher, "Ask about this run").click().run()
    assert not teacher.exception


def test_what_will_this_run_do_from_a_pasted_link_then_the_real_run_on_the_projector():
    teacher, code = _start()
    student = _join(code, "Ada")
    _ask_run(teacher, RUN_LINK)
    asked = class_store().current(class_store().class_by_code(code, time.time()).class_id)
    assert asked.key == "run:state" and json.loads(asked.scenario_json) == {
        "lr": "0.15",
        "epochs": "40",
    }
    _rerun(student)
    assert "What will this run do? Gradient descent at learning rate 0.15" in _texts(student)
    labels = student.radio[0].options
    assert labels == [
        "It converges within these epochs",
        "It is still converging at the end",
        "It oscillates (zig-zags) but closes in",
        "It diverges",
    ]
    student.radio[0].set_value(1).run()  # "still converging": wrong, lr = 0.15 diverges
    _button(student, "Lock in").click().run()
    _rerun(teacher)
    assert "1 of 1 answered" in _texts(teacher)
    assert len(figures(teacher)) == 1  # the class's bars only: no run before the reveal
    _button(teacher, "Reveal").click().run()
    text = _texts(teacher)
    assert "The answer: It diverges" in text and "0 of 1 right" in text
    assert "The real run: Gradient descent, learning rate 0.15, 40 epochs" in text
    bars, run = figures(teacher)
    assert bars["data"][0]["type"] == "bar"
    assert len(run["data"]) > 3  # the playground's four panels, drawn for this run
    _rerun(student)
    assert "It diverges" in _texts(student) and "Not this time" in _texts(student)
    lines = _csv(class_store(), class_store().class_by_code(code, time.time())).splitlines()
    assert lines[1].startswith("Ada,run:state,It is still converging at the end,1,")


def test_a_number_question_on_a_diverging_run_is_refused_and_nothing_is_asked():
    teacher, code = _start()
    _ask_run(teacher, RUN_LINK, "run:w")
    assert "This run diverges" in _texts(teacher)
    assert class_store().current(class_store().class_by_code(code, time.time()).class_id) is None
    _ask_run(teacher, "http://localhost:8501/class?join=ABCDEF")
    assert "not a playground link" in _texts(teacher)


def test_final_w_question_is_the_cores_number():
    from app.classroom.scenario import read_scenario
    from app.model.compute import run

    teacher, code = _start()
    student = _join(code)
    _ask_run(teacher, "localhost:8501/playground?lr=0.02&epochs=30", "run:w")
    cls = class_store().class_by_code(code, time.time())
    scenario = read_scenario(class_store().current(cls.class_id).scenario_json)
    truth = float(run(scenario).history.w[-1])
    _rerun(student)
    student.number_input[0].set_value(round(truth, 2)).run()
    _button(student, "Lock in").click().run()
    _rerun(teacher)
    _button(teacher, "Reveal").click().run()
    assert f"The answer: {truth:.4f}" in _texts(teacher) and "1 of 1 right" in _texts(teacher)


def test_send_to_class_from_the_playground_needs_the_teachers_session():
    from app.views.class_run import TEACH_KEY

    from .helpers import start

    teacher, code = _start()
    token = teacher.query_params["teach"]
    assert teacher.session_state[TEACH_KEY] == token
    nobody = start({"lr": "0.05"})
    assert not [b for b in nobody.button if b.label == "Send to class"]
    at = start({"lr": "0.05", "epochs": "60"}, state={TEACH_KEY: token})
    assert f"Ask class {code}" in [s.label for s in at.selectbox]
    at.toggle(key="class_send_back").set_value(False).run()
    _button(at, "Send to class").click().run()
    assert not at.exception
    assert f"Sent to class {code}" in " ".join(s.value for s in at.success)
    asked = class_store().current(class_store().class_by_code(code, time.time()).class_id)
    assert asked.key == "run:state"
    assert json.loads(asked.scenario_json) == {"lr": "0.05", "epochs": "60"}
    assert token not in json.dumps([m.value for m in at.markdown])  # nothing private shown


def _challenge(teacher: AppTest, kind: str, target: float | None = None) -> None:
    teacher.selectbox(key="class_goal_kind").set_value(kind).run()
    if target is not None:
        (box,) = [n for n in teacher.number_input if n.label == "Loss below"]
        box.set_value(target).run()
    _button(teacher, "Start challenge").click().run()
    assert not teacher.exception


def _submit(student: AppTest, lr=None, epochs=None, link="") -> str:
    if lr is not None:
        student.number_input(key="class_try_lr").set_value(lr)
    if epochs is not None:
        student.number_input(key="class_try_epochs").set_value(epochs)
    student.text_input(key="class_try_link").set_value(link)
    _button(student, "Submit").click().run()
    assert not student.exception
    return _texts(student)


def _submissions() -> int:
    with class_store().engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.submissions)).scalar_one()


def test_challenge_largest_lr_recomputed_by_the_server_and_a_leaderboard_of_nicknames():
    teacher, code = _start()
    ada, bob = _join(code, "Ada"), _join(code, "<b>Bob</b>")
    _ask_run(teacher, "http://localhost:8501/playground?lr=0.05&epochs=100")
    _challenge(teacher, "largest_lr")
    for s in (ada, bob):
        _rerun(s)
        assert "Challenge: Find the largest learning rate that does not diverge" in _texts(s)
    assert "Not on the board: At learning rate 0.12 the run diverges" in _submit(ada, 0.12)
    assert "must be a finite number" in _submit(ada, link="?lr=inf")
    assert "between 0.0001 and 1" in _submit(ada, link="?lr=5")
    assert "between 0.0001 and 1" in _submit(ada, -0.1)
    assert _submissions() == 0  # nothing refused was stored
    assert "On the board: lr = 0.11" in _submit(ada, 0.11)
    assert "On the board: lr = 0.1" in _submit(bob, link="http://x/playground?lr=0.1")
    _submit(ada, 0.05)  # a worse try does not push Ada down
    _rerun(teacher)
    board_text = _texts(teacher)
    assert "| 1 | Ada | lr \\= 0\\.11 |" in board_text
    assert "| 2 | \\<b\\>Bob\\</b\\> | lr \\= 0\\.1 |" in board_text
    teacher.toggle(key="class_hide_names").set_value(True).run()
    assert "Ada" not in _texts(teacher) and "| 1 | Student 1 |" in _texts(teacher)


def test_challenge_fewest_epochs_scores_the_first_epoch_below_the_target():
    from app.classroom.scenario import read_scenario
    from app.model.compute import run

    teacher, code = _start()
    student = _join(code)
    _ask_run(teacher, "http://localhost:8501/playground?lr=0.05&epochs=100")
    (box,) = [n for n in teacher.number_input if n.label == "Loss below"]
    suggested = box.value  # 5 % above the least-squares loss of the run on the board
    cls = class_store().class_by_code(code, time.time())
    scenario = read_scenario(class_store().current(cls.class_id).scenario_json)
    assert suggested == pytest.approx(1.05 * run(scenario).least_squares.loss, rel=5e-3)
    _challenge(teacher, "fewest_epochs", 1.0)  # below the least-squares loss: refused
    assert "No line has a loss below the least-squares loss" in _texts(teacher)
    _challenge(teacher, "fewest_epochs", 2.5)
    assert "Challenge: Reach a loss below 2.5 in the fewest epochs" in _texts(teacher)
    _rerun(student)
    assert "Not on the board: After 5 epochs" in _submit(student, 0.01, 5)
    assert "whole number from 1 to 5000" in _submit(student, 0.05, 6000)
    from dataclasses import replace

    loss = run(replace(scenario, lr=0.1, epochs=50)).history.loss
    first = int(np.flatnonzero(loss < 2.5)[0])
    assert f"On the board: {first} epochs at lr = 0.1" in _submit(student, 0.1, 50)
    _rerun(teacher)
    assert f"| 1 | Student 1 | {first} epochs |" in _texts(teacher)
    _button(teacher, "End challenge").click().run()
    assert "Challenge:" not in _texts(teacher) and _submissions() == 0


def test_a_teacher_back_on_the_front_door_finds_the_way_back_to_the_console():
    from app.views.class_run import TEACH_KEY

    teacher, code = _start()
    token = teacher.query_params["teach"]
    front = AppTest.from_function(_class_app, default_timeout=60)
    front.session_state[TEACH_KEY] = token
    front.run()
    _button(front, f"Back to class {code}").click().run()
    assert front.query_params["teach"] == token and f"Class code {code}" in _texts(front)
    assert not [b for b in _app().button if b.label.startswith("Back to class")]


def test_send_to_class_goes_back_to_the_console_with_the_run_on_the_board():
    from app.views.class_run import TEACH_KEY

    from .helpers import start

    teacher, code = _start()
    token = teacher.query_params["teach"]
    at = start({"lr": "0.5"}, state={TEACH_KEY: token})
    at.selectbox(key="class_send_kind").set_value("run:w").run()
    _button(at, "Send to class").click().run()
    assert "This run diverges" in " ".join(e.value for e in at.error)  # nothing asked
    at.selectbox(key="class_send_kind").set_value("run:state").run()
    _button(at, "Send to class").click().run()
    assert not at.exception
    assert at.query_params["teach"] == token
    text = _texts(at)
    assert f"Class code {code}" in text and "What will this run do?" in text
    assert "learning rate 0.5 for 100 epochs" in text
