"""The live class in Chromium: one teacher at 1280x720 and five students on phones.

The walk: start a class, join by link and by typed code, ask a question, lock in, watch the
projector's count, reveal, vote again, download the CSV, end. Then the restart test: the
server is killed mid-class and started again on the same database file.

Students' screens follow the board by themselves, with no Streamlit rerun while they wait:
the page's wake component polls its class's wake file and reruns the page when the board
changed (``app/ui/class_wake.py``). The tests wait for it without reloading or tapping, allow
``FOLLOW_S`` for it, and check from the websocket that it was that path: no fragment timer on
a phone, and the rerun that brought the question was the wake component's trigger.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from deploy import streamlit_server
from tests.e2e.conftest import APP_SCRIPT, SERVER_START_TIMEOUT_S, assert_no_exception

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
#: How long a student's screen may take to follow the teacher (the issue asks for 3 s; the
#: tests run beside other tests on two cores, so they allow more and report what they saw).
FOLLOW_S = 8.0
HOSTILE_NICKNAME = "<img src=x onerror=alert(1)>"
FORMULA_NICKNAME = "=HYPERLINK(1)"
# notebook:3 is the lessons' one numeric question: dL/dw at w = b = 0 on the notebook's data.
NUMERIC_PROMPT = "Work out ∂L/∂w"
RIGHT = "-24.15"
ARTIFACTS = Path("test-artifacts")


def _server(db: Path, port: int | None = None) -> streamlit_server.Server:
    env = {**os.environ, "LINREG_CLASS_DB": f"sqlite:///{db}"}
    try:
        return streamlit_server.start(
            APP_SCRIPT,
            port=port,
            env=env,
            extra=["--client.showErrorDetails", "full"],
            timeout=SERVER_START_TIMEOUT_S,
        )
    except streamlit_server.ServerError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def class_server(tmp_path_factory) -> Iterator[str]:
    """The app on its own throwaway SQLite file, so the class tests leave nothing behind."""
    server = _server(tmp_path_factory.mktemp("class") / "class.sqlite3")
    try:
        yield server.url
    finally:
        streamlit_server.stop(server)


def _open(browser: Browser, url: str, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.errors = []
    page.sent, page.received = [], []  # the websocket's frames, with their times
    page.on("websocket", lambda ws: _record_frames(page, ws))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # An alert would mean a nickname ran as HTML.
    page.on("dialog", lambda dialog: page.errors.append(f"dialog: {dialog.message}"))
    _goto(page, url)
    return page


def _record_frames(page: Page, ws) -> None:
    if ws.url.endswith("/_stcore/stream"):
        ws.on("framesent", lambda f: page.sent.append((time.monotonic(), f)))
        ws.on("framereceived", lambda f: page.received.append((time.monotonic(), f)))


def _messages(frames: list, kind, since: float = 0.0) -> list:
    out = []
    for at, frame in frames:
        if at >= since and isinstance(frame, bytes):
            msg = kind()
            msg.ParseFromString(frame)
            out.append(msg)
    return out


def _woken_by_the_wake_file(student: Page, since: float) -> bool:
    """Whether a rerun the page sent after ``since`` was the wake component's trigger."""
    for msg in _messages(student.sent, BackMsg, since):
        if msg.WhichOneof("type") == "rerun_script":
            for w in msg.rerun_script.widget_states.widgets:
                if w.id.endswith("class_wake__events") and '"event":"wake"' in w.json_trigger_value:
                    return True
    return False


def _goto(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)


def _main_text(page: Page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


def _start_class(teacher: Page) -> tuple[str, str]:
    """Press Start a class; the class code and the teacher's token."""
    teacher.get_by_role("button", name="Start a class").click()
    heading = teacher.get_by_role("heading", name=re.compile(r"^Class code [A-Z2-9]{6}$"))
    expect(heading).to_be_visible(timeout=30_000)
    code = heading.inner_text().split()[-1]
    token = re.search(r"[?&]teach=([^&]+)", teacher.url).group(1)
    return code, token


def _expect_count(teacher: Page, answered: int, joined: int) -> None:
    heading = teacher.get_by_role("heading", name=f"{answered} of {joined} answered")
    expect(heading).to_be_visible(timeout=FOLLOW_S * 1000)


def _join(page: Page, nickname: str = "") -> None:
    if nickname:
        # Typed key by key, as a person would: the field stops at 24 characters.
        page.get_by_label("Nickname (optional)", exact=True).press_sequentially(nickname)
    page.get_by_role("button", name="Join class").click()
    expect(page.get_by_text(re.compile("you are"))).to_be_visible(timeout=30_000)


def _ask(teacher: Page, prompt: str) -> None:
    picker = teacher.locator("[data-testid=stSelectbox]").filter(
        has=teacher.get_by_text("Question", exact=True)
    )
    picker.click()
    teacher.get_by_role("option", name=prompt).click()
    teacher.get_by_role("button", name="Ask", exact=True).click()
    expect(teacher.get_by_role("heading", name=prompt)).to_be_visible(timeout=30_000)


def _until_all(students: list[Page], locator, what: str) -> list[float]:
    """Seconds each student's screen took to show ``locator(page)``, without a reload."""
    start = time.monotonic()
    seen: dict[int, float] = {}
    while len(seen) < len(students):
        for i, s in enumerate(students):
            if i not in seen and locator(s).count() and locator(s).first.is_visible():
                seen[i] = time.monotonic() - start
        if time.monotonic() - start > FOLLOW_S:
            missing = sorted(set(range(len(students))) - set(seen))
            pytest.fail(f"students {missing} did not show {what} within {FOLLOW_S} s")
        time.sleep(0.05)
    return [seen[i] for i in range(len(students))]


def _lock_in_number(student: Page, value: str) -> None:
    box = student.get_by_label("Your answer", exact=True)
    box.fill(value)
    box.press("Enter")
    button = student.get_by_role("button", name="Lock in")
    expect(button).to_be_enabled(timeout=15_000)
    button.click()
    expect(student.get_by_text("Locked in:")).to_be_visible(timeout=15_000)


def test_a_class_walks_from_join_to_export(browser: Browser, class_server: str) -> None:
    teacher = _open(browser, f"{class_server}/class", PROJECTOR)
    code, token = _start_class(teacher)
    expect(teacher.get_by_text(f"{class_server}/class?join={code}")).to_be_visible()
    assert teacher.locator("[data-testid=stImage] img").first.get_attribute("src")
    _expect_count(teacher, 0, 0)

    # Three students follow the link, two type the code on the Class page.
    nicknames = [HOSTILE_NICKNAME, FORMULA_NICKNAME, "", "Ada", ""]
    students = []
    for i, nickname in enumerate(nicknames):
        if i < 3:
            s = _open(browser, f"{class_server}/class?join={code}", PHONE)
        else:
            s = _open(browser, f"{class_server}/class", PHONE)
            s.get_by_label("Class code", exact=True).fill(code.lower())
            s.get_by_role("button", name="Join", exact=True).click()
            expect(s.get_by_role("heading", name=f"Join class {code}")).to_be_visible()
        _join(s, nickname)
        students.append(s)
    # The hostile nickname is text on its page, and no element it described exists.
    # (It is 28 characters: the field keeps the first 24, and the page shows them as text.)
    expect(students[0].get_by_text(f"you are {HOSTILE_NICKNAME[:24]}")).to_be_visible()
    assert students[0].locator("img[src=x]").count() == 0
    assert re.search(r"you are Student \d+", _main_text(students[2]))
    _expect_count(teacher, 0, 5)
    waits = _until_all(students, lambda s: s.get_by_text("Waiting for the teacher"), "waiting")

    # Ask: every phone changes by itself, woken by its wake file (no fragment timer on a phone).
    before_ask = time.monotonic()
    _ask(teacher, NUMERIC_PROMPT)
    asked = _until_all(
        students, lambda s: s.get_by_role("heading", name=NUMERIC_PROMPT), "the question"
    )
    print(f"ask -> phones (s): {[round(t, 2) for t in asked]}")
    for i, s in enumerate(students):
        assert _woken_by_the_wake_file(s, before_ask), f"student {i} was not woken by its file"
        timers = [
            m for m in _messages(s.received, ForwardMsg) if m.WhichOneof("type") == "auto_rerun"
        ]
        assert not timers, f"student {i}'s page runs a fragment timer: {timers[:1]}"

    first = [RIGHT, "7.25", "3.125", RIGHT, "-99.5"]
    for s, value in zip(students, first, strict=True):
        _lock_in_number(s, value)
    # A locked answer has no widget left to change it, even from a second browser on that seat.
    for s in students:
        assert s.get_by_role("button", name="Lock in").count() == 0
    twin = _open(browser, students[1].url, PHONE)
    expect(twin.get_by_text("Locked in: 7.25")).to_be_visible(timeout=15_000)
    assert twin.get_by_role("button", name="Lock in").count() == 0
    twin.context.close()
    _expect_count(teacher, 5, 5)
    expect(teacher.locator(".js-plotly-plot").first).to_be_visible(timeout=15_000)

    # Nobody sees another's answer, or the teacher's token, before the reveal.
    for i, s in enumerate(students):
        text, html = _main_text(s), s.content()
        others = {v for j, v in enumerate(first) if j != i and v != first[i]}
        assert not [v for v in others if v in text], (i, text)
        assert token not in html

    # Reveal: the projector marks the truth; each phone shows its answer beside the true one.
    teacher.get_by_role("button", name="Reveal").click()
    expect(teacher.get_by_text(re.compile(r"2 of 5 right"))).to_be_visible(timeout=15_000)
    revealed = _until_all(students, lambda s: s.get_by_text("The true answer"), "the reveal")
    print(f"reveal -> phones (s): {[round(t, 2) for t in revealed]}")
    expect(students[1].get_by_text("7.25")).to_be_visible()
    expect(students[0].get_by_text(re.compile(r"−24\.15|-24\.15")).first).to_be_visible()

    # Vote again: round two, the three who were wrong move to the right answer.
    teacher.get_by_role("button", name="Vote again").click()
    _until_all(students, lambda s: s.get_by_text("Vote again · round 2"), "round 2")
    _expect_count(teacher, 0, 5)
    for s in students:
        _lock_in_number(s, RIGHT)
    _expect_count(teacher, 5, 5)
    teacher.get_by_role("button", name="Reveal").click()
    expect(teacher.get_by_text(re.compile(r"5 of 5 right"))).to_be_visible(timeout=15_000)
    expect(teacher.get_by_text(re.compile(r"3 moved to the right answer"))).to_be_visible()
    # Both rounds side by side, each with its count, and the true answer marked on both.
    plot = teacher.locator(".js-plotly-plot")
    expect(plot.locator(".annotation-text", has_text="Second vote · 5 answered")).to_be_visible(
        timeout=15_000
    )
    titles = plot.locator(".annotation-text").all_text_contents()
    assert "First vote · 5 answered" in titles, titles
    assert plot.locator(".trace.bars").count() == 2
    assert plot.locator(".shapelayer path").count() >= 2
    _until_all(students, lambda s: s.get_by_text("The true answer"), "the second reveal")
    ARTIFACTS.mkdir(exist_ok=True)
    teacher.get_by_role("heading", name=f"Class code {code}").scroll_into_view_if_needed()
    teacher.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    teacher.screenshot(path=str(ARTIFACTS / "class-projector-1280x720.png"))
    students[3].screenshot(path=str(ARTIFACTS / "class-phone-390x844.png"))

    # The CSV: ten answers, nicknames as text, a formula neutralised.
    with teacher.expect_download() as download:
        teacher.get_by_role("button", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0] == ["nickname", "question", "answer", "round", "time"]
    assert len(rows) == 11, rows
    assert sorted(r[3] for r in rows[1:]) == ["1"] * 5 + ["2"] * 5
    column = {r[0] for r in rows[1:]}
    assert HOSTILE_NICKNAME[:24] in column and "'" + FORMULA_NICKNAME in column, column
    assert {r[1] for r in rows[1:]} == {"notebook:3"}

    # End: the class and its answers are gone; the students' link says so.
    teacher.get_by_role("button", name="End class").click()
    teacher.get_by_role("button", name="End and delete").click()
    expect(teacher.get_by_text("The class has ended")).to_be_visible(timeout=15_000)
    _goto(students[2], students[2].url)
    expect(students[2].get_by_text(f"No live class has the code {code}")).to_be_visible()
    for p in [teacher, *students]:
        assert_no_exception(p)
        assert not p.errors, p.errors
        p.context.close()
    print(f"waiting shown after joining (s): {[round(t, 2) for t in waits]}")


def test_a_restarted_server_keeps_the_class(browser: Browser, tmp_path: Path) -> None:
    db = tmp_path / "class.sqlite3"
    server = _server(db)
    try:
        teacher = _open(browser, f"{server.url}/class", PROJECTOR)
        code, token = _start_class(teacher)
        student = _open(browser, f"{server.url}/class?join={code}", PHONE)
        _join(student, "Grace")
        seat = re.search(r"[?&]seat=([^&]+)", student.url).group(1)
        _ask(teacher, "what will the points look like")
        expect(student.get_by_text("Scattered around a straight line")).to_be_visible(
            timeout=FOLLOW_S * 1000
        )
        student.get_by_text("Scattered around a straight line").click()
        student.get_by_role("button", name="Lock in").click()
        expect(student.get_by_text("Locked in: Scattered")).to_be_visible(timeout=15_000)
        _expect_count(teacher, 1, 1)
    finally:
        server.process.kill()  # SIGKILL: no shutdown, nothing flushed on the way out
        server.process.wait()
        server.log.close()

    again = _server(db)
    try:
        _goto(teacher, f"{again.url}/class?teach={token}")
        _expect_count(teacher, 1, 1)
        expect(teacher.get_by_role("heading", name=f"Class code {code}")).to_be_visible()
        _goto(student, f"{again.url}/class?join={code}&seat={seat}")
        expect(student.get_by_text("Locked in: Scattered around a straight line")).to_be_visible(
            timeout=15_000
        )
        assert student.get_by_role("button", name="Lock in").count() == 0
        for p in (teacher, student):
            assert_no_exception(p)
            p.context.close()
    finally:
        streamlit_server.stop(again)
