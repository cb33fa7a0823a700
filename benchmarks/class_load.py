"""Load test of the live class (issue 24): 150 students join one class and lock in, for real.

Every student and the teacher is a browser-like websocket session speaking Streamlit's
protocol as the browser does (the same cookies, the URL's query string sent with every
run, a ``run_every`` fragment's own timer for the teacher's page, widget states and button
triggers): nothing is written to the database by this script. A student's page also does
what its wake component's JavaScript does (``app/static/class_wake/pure.js``): every
``every_ms`` a ``HEAD`` of the class's wake file over a kept-alive HTTP connection (with
the page's cookies, so nginx keeps it on its replica), the component's trigger when the ETag
moved on a current page (the digest is then fetched, a ``GET``, at the first look after the
redraw) or when the digest in the file is not the one the page was drawn with, as the
browser sends it (a rerun whose widget
``$$STREAMLIT_INTERNAL_KEY_<id>__events`` holds ``[{"event": "wake", "value": ...}]``,
read off Chromium's websocket).

1. The teacher opens ``/class`` and presses **Start a class**; its URL becomes
   ``/class?teach=TOKEN``, and its page's deltas are watched for ``M of N answered``.
2. ``--students`` sessions open ``/class?join=CODE`` (over ``--join-seconds``), submit the
   join form (empty nickname) and get ``&seat=TOKEN`` in their URL.
3. **Idle**: everyone waits for the question for ``--idle-seconds``: the servers' CPU (% of
   one core), the wake polls, fetches and reruns per second.
4. The teacher presses **Ask**. Each student's screen must change by itself (the time from
   the Ask press to the question's radio on the student's screen is measured); each
   student picks a choice (a rerun, as the browser sends one on a change) and presses
   **Lock in** at a random moment within ``--commit-seconds`` after the Ask.
5. Figures: answers in the database (must equal the students), whether the teacher's page
   reached ``N of N answered``, and for each commit the time from its Lock-in press to the
   first teacher delta whose count includes it (commits ranked by their time in the database).
6. With ``--kill`` (needs ``--replicas 2``): after half the class has locked in, replica r1
   is killed (SIGKILL). Its sessions reconnect through nginx as the browser does (health
   check, then a new websocket with the same cookies and URL), must land on r0 with their
   seat (same nickname) and their locked answer; the teacher's count must never drop.

    .venv/bin/python benchmarks/class_load.py                     # one server, SQLite
    .venv/bin/python benchmarks/class_load.py --replicas 2 --postgres
    .venv/bin/python benchmarks/class_load.py --replicas 2 --postgres --kill
    .venv/bin/python benchmarks/class_load.py --floor   # Streamlit's own idle costs, for scale

Exits 1 if any check fails. Needs nginx and Debian's PostgreSQL 15 for the replica runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from sqlalchemy import create_engine, func, select
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.storage import schema  # noqa: E402
from benchmarks.load_test import (  # noqa: E402
    Target,
    cpu_seconds,
    exit_code,
    http_get,
    machine_busy_seconds,
    percentile,
    rss_mb,
)
from deploy import postgres, run_replicas, streamlit_server  # noqa: E402

RUN_TIMEOUT_S = 60
COUNT = re.compile(r"(\d+) of (\d+) answered")
CODE = re.compile(r"Class code ([A-Z0-9]{6})")
DONE = ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")


class CheckFailed(RuntimeError):
    """A session did not see what the page must show."""


@dataclass
class Element:
    kind: str  # the Element oneof: "markdown", "button", "radio", ...
    proto: object
    wid: str = ""
    label: str = ""
    text: str = ""  # markdown body, alert body


def _element(el) -> Element:
    kind = el.WhichOneof("type")
    inner = getattr(el, kind)
    text = getattr(inner, "body", "") if kind in ("markdown", "alert", "heading") else ""
    return Element(kind, inner, getattr(inner, "id", ""), getattr(inner, "label", ""), text)


@dataclass
class Browser:
    """One browser tab on the app: cookies, a websocket, the URL's query, fragment timers."""

    target: Target
    name: str
    query: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    page_hash: str = ""
    widgets: dict[str, tuple[str, object]] = field(default_factory=dict)
    elements: dict[tuple, Element] = field(default_factory=dict)
    on_text: object = None  # callback(text, time) for every markdown/alert delta
    ws: object = None
    reader: asyncio.Task | None = None
    timers: dict[str, tuple[float, asyncio.Task]] = field(default_factory=dict)
    finished: list[tuple[str, bool]] = field(default_factory=list)  # (status, fragment run?)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    run_is_fragment: bool = False
    auto_reruns: int = 0
    errors: list[str] = field(default_factory=list)
    replica: str = "-"
    wake: Wake | None = None  # the student page's wake component, once drawn

    # --- connection ---

    async def open(self, path: str) -> None:
        path, _, self.query = path.partition("?")
        status = await http_get(self.target, f"{path}?{self.query}", self.cookies)
        if status != 200:
            raise CheckFailed(f"{self.name}: GET {path}: HTTP {status}")
        await self._connect()
        await self.run({}, page_name=path.strip("/"))

    async def _connect(self) -> None:
        self.replica = self.cookies.get("route", "").split(".")[0] or "-"
        header = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self.ws = await websockets.connect(
            self.target.ws_url,
            subprotocols=["streamlit"],
            additional_headers=header,
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
            ping_interval=None,
            proxy=None,
        )
        cookie = self.ws.response.headers.get("Set-Cookie", "")  # nginx's route, on the 101
        if cookie.startswith("route="):
            self.cookies["route"] = cookie.split(";", 1)[0].partition("=")[2]
            self.replica = self.cookies["route"].split(".")[0]
        self.closed.clear()
        self.reader = asyncio.create_task(self._read())

    async def reconnect(self, timeout: float = 30) -> float:
        """What the browser does when its websocket drops: poll health, reconnect, rerun."""
        t0 = time.monotonic()
        self._stop_timers()
        while True:
            with contextlib.suppress(OSError, TimeoutError, IndexError, ValueError):
                if await http_get(self.target, "/_stcore/health", self.cookies) == 200:
                    break
            if time.monotonic() - t0 > timeout:
                raise CheckFailed(f"{self.name}: no healthy server after {timeout} s")
            await asyncio.sleep(0.2)
        await self._connect()
        await self.run({})
        return time.monotonic() - t0

    async def close(self) -> None:
        self._stop_timers()
        self._stop_wake()
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            with contextlib.suppress(Exception):
                await self.reader

    def _stop_timers(self) -> None:
        for _, task in self.timers.values():
            task.cancel()
        self.timers.clear()

    def _stop_wake(self) -> None:
        if self.wake is not None:
            self.wake.stop()

    # --- messages ---

    def _send(self, widgets, fragment_id: str = "", auto: bool = False, page_name: str = ""):
        bm = BackMsg()
        cs = bm.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        cs.page_name = "" if self.page_hash else page_name
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.context_info.timezone = "UTC"
        cs.context_info.color_scheme = "light"
        cs.context_info.url = f"{self.target.base}/class?{self.query}"
        for wid, (kind, value) in {**self.widgets, **widgets}.items():
            w = cs.widget_states.widgets.add()
            w.id = wid
            setattr(w, kind, value)
        return self.ws.send(bm.SerializeToString())

    async def _tick(self, fragment_id: str, interval: float) -> None:
        while True:  # setInterval: regardless of runs in flight
            await asyncio.sleep(interval)
            with contextlib.suppress(websockets.WebSocketException):
                await self._send({}, fragment_id, auto=True)
                self.auto_reruns += 1

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                fm = ForwardMsg()
                fm.ParseFromString(raw)
                self._handle(fm)
        except websockets.WebSocketException:
            pass
        finally:
            self._stop_timers()
            self._stop_wake()
            self.closed.set()
            self.changed.set()

    def _handle(self, fm) -> None:
        kind = fm.WhichOneof("type")
        if kind == "new_session":
            self.run_is_fragment = bool(fm.metadata.run.fragment_ids)
            if not self.run_is_fragment:
                self._stop_timers()  # cleanupAutoReruns
                self.elements = {}
        elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            el = _element(fm.delta.new_element)
            if el.kind == "exception":
                self.errors.append(f"{self.name}: exception {el.proto.message[:200]}")
            if el.kind == "bidi_component" and el.proto.component_name == WAKE_COMPONENT:
                self.wake = self.wake or Wake(self)
                self.wake.update(el.proto.id, json.loads(el.proto.json))
            self.elements[tuple(fm.metadata.delta_path)] = el
            if el.text and self.on_text:
                self.on_text(el.text, time.time())
        elif kind == "navigation":  # the page that ran (the browser's currentPageScriptHash)
            self.page_hash = fm.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = fm.page_info_changed.query_string
        elif kind == "auto_rerun":
            fid, interval = fm.auto_rerun.fragment_id, fm.auto_rerun.interval
            if fid in self.timers and self.timers[fid][0] == interval:
                return
            if fid in self.timers:
                self.timers.pop(fid)[1].cancel()
            self.timers[fid] = (interval, asyncio.create_task(self._tick(fid, interval)))
        elif kind == "stop_auto_rerun":
            for fid in fm.stop_auto_rerun.fragment_ids:
                if fid in self.timers:
                    self.timers.pop(fid)[1].cancel()
        elif kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
            self.finished.append((status, self.run_is_fragment))
            if status not in DONE and status != "FINISHED_EARLY_FOR_RERUN":
                self.errors.append(f"{self.name}: run ended {status}")
            self.changed.set()

    def trigger(self, widget_id: str, payload: str):
        """A component's trigger as the frontend sends it: a rerun with the trigger's JSON."""
        return self._send({widget_id: ("json_trigger_value", payload)})

    async def until(self, predicate, timeout: float = RUN_TIMEOUT_S):
        """Wait until ``predicate()`` is true after a finished run (or the socket closes)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if self.closed.is_set():
                raise CheckFailed(f"{self.name}: connection closed")
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise CheckFailed(f"{self.name}: timed out")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    async def run(self, widgets, page_name: str = "") -> None:
        """Send a full rerun (a click, a change) and wait for its run to finish."""
        n = len(self.finished)
        await self._send(widgets, page_name=page_name)

        def done():
            return any(s == "FINISHED_SUCCESSFULLY" for s, _ in self.finished[n:])

        await self.until(done)

    # --- what is on the page ---

    def find(self, kind: str, label: str | None = None) -> Element | None:
        for el in self.elements.values():
            if el.kind == kind and (label is None or el.label == label):
                return el
        return None

    def texts(self) -> list[str]:
        return [el.text for el in self.elements.values() if el.text]

    async def click(self, label: str) -> None:
        button = self.find("button", label)
        if button is None:
            raise CheckFailed(f"{self.name}: no button {label!r} in {self.texts()[:5]}")
        await self.run({button.wid: ("trigger_value", True)})


WAKE_COMPONENT = "class_wake.follow_board"
WAKE_RETRY_S = 5.0  # pure.js's RETRY_MS


class Http:
    """One kept-alive HTTP/1.1 connection, as a browser keeps one to the app's host."""

    def __init__(self, target: Target, cookies: dict[str, str]):
        self.url = urllib.parse.urlsplit(target.base)
        self.cookies = cookies
        self.reader = self.writer = None

    async def request(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        for attempt in range(2):  # a dropped keep-alive connection: open a new one once
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.wait_for(
                        asyncio.open_connection(self.url.hostname, self.url.port), 10
                    )
                return await asyncio.wait_for(self._exchange(method, path), 10)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, method: str, path: str):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.url.netloc}\r\nCache-Control: no-cache\r\n"
        head += f"Cookie: {cookie}\r\n" if cookie else ""
        self.writer.write((head + "\r\n").encode())
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        size = int(headers.get("content-length", "0"))
        body = b"" if method == "HEAD" else await self.reader.readexactly(size)
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Wake:
    """What a student page's wake component does in the browser (pure.js's poller)."""

    def __init__(self, browser: Browser):
        self.browser = browser
        self.http = Http(browser.target, browser.cookies)
        self.trigger_id = ""
        self.src = self.drawn = ""
        self.every_s = 2.0
        self.tag = self.file = self.woke = None
        self.woke_at = -1e9
        self.pending = False  # woken, and not redrawn since: no requests meanwhile
        self.task: asyncio.Task | None = None
        self.polls = self.fetches = self.wakes = 0
        self.fetched: list[float] = []  # wall times of the fetches that found a new digest
        self.sent: list[float] = []  # wall times of the wakes sent

    def update(self, element_id: str, data: dict) -> None:
        # The trigger's widget id, as the frontend builds it (read off Chromium's websocket).
        self.trigger_id = f"$$STREAMLIT_INTERNAL_KEY_{element_id}__events"
        self.drawn, self.every_s = data["drawn"], data["every_ms"] / 1000
        self.pending = False
        src = urllib.parse.urljoin(f"{self.browser.target.base}/class", data["src"])
        if src != self.src:
            self.src, self.tag, self.file = src, None, None
        self._check()
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._tick())

    def _check(self) -> None:
        if not self.file or self.file == self.drawn:
            return
        if self.file != self.woke or time.monotonic() - self.woke_at >= WAKE_RETRY_S:
            self.woke = self.file
            self._wake(self.file)

    def _wake(self, value: str) -> None:
        self.woke_at, self.pending = time.monotonic(), True
        self.wakes += 1
        self.sent.append(time.time())
        payload = json.dumps([{"event": "wake", "value": value}], separators=(",", ":"))
        asyncio.get_running_loop().create_task(self._send(payload))

    async def _send(self, payload: str) -> None:
        with contextlib.suppress(websockets.WebSocketException):
            await self.browser.trigger(self.trigger_id, payload)

    async def _look(self) -> None:
        path = urllib.parse.urlsplit(self.src)
        path = f"{path.path}?{path.query}" if path.query else path.path
        status, headers, _ = await self.http.request("HEAD", path)
        self.polls += 1
        if status != 200:
            return
        tag = headers.get("etag") or headers.get("last-modified")
        if tag and tag == self.tag and self.file:
            return
        if tag and self.tag and self.file and self.file == self.drawn:
            # The page was current and the file moved: wake it; the digest is fetched at
            # the first look after the redraw.
            self.fetched.append(time.time())
            self.tag = self.file = self.woke = None
            self._wake("moved")
            return
        status, headers, body = await self.http.request("GET", path)
        self.fetches += 1
        if status == 200:
            digest = json.loads(body)["digest"]
            if digest != self.file and self.file is not None:
                self.fetched.append(time.time())
            self.file = digest
            self.tag = headers.get("etag") or headers.get("last-modified")

    async def _tick(self) -> None:
        await asyncio.sleep(0)  # after the run that drew the component
        while True:
            if not (self.pending and time.monotonic() - self.woke_at < WAKE_RETRY_S):
                with contextlib.suppress(OSError, asyncio.IncompleteReadError, TimeoutError):
                    await self._look()
                self._check()
            await asyncio.sleep(self.every_s)

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self.http.close()


# --- the class ------------------------------------------------------------------------------


@dataclass
class Student:
    browser: Browser
    k: int
    nickname: str = ""
    saw_question: float | None = None  # wall time the radio was on the screen
    pressed: float | None = None  # wall time the Lock in press was sent
    locked: bool = False
    reconnect_s: float | None = None
    moved_from: str = ""


@dataclass
class Teacher:
    browser: Browser
    counts: list[tuple[float, int, int]] = field(default_factory=list)  # (time, answered, joined)

    def on_text(self, text: str, at: float) -> None:
        if m := COUNT.search(text):
            self.counts.append((at, int(m[1]), int(m[2])))


async def start_teacher(target: Target) -> tuple[Teacher, str]:
    b = Browser(target, "teacher")
    teacher = Teacher(b)
    b.on_text = teacher.on_text
    await b.open("/class")
    await b.click("Start a class")
    code = await b.until(lambda: next((m[1] for t in b.texts() if (m := CODE.search(t))), None))
    if "teach=" not in b.query:
        raise CheckFailed(f"teacher: no teach token in the URL ({b.query!r})")
    return teacher, code


async def join(target: Target, code: str, k: int) -> Student:
    b = Browser(target, f"student {k}")
    await b.open(f"/class?join={code}")
    form = b.find("button", "Join class")
    name = b.find("text_input")
    if form is None or name is None:
        raise CheckFailed(f"student {k}: no join form in {b.texts()[:4]}")
    await b.run({form.wid: ("trigger_value", True), name.wid: ("string_value", "")})
    if "seat=" not in b.query:
        raise CheckFailed(f"student {k}: no seat in the URL after joining ({b.query!r})")
    who = next((m[1] for t in b.texts() if (m := re.search(r"you are \*\*(.+?)\*\*", t))), "")
    return Student(b, k, nickname=who)


async def answer(s: Student, ask_time: float, commit_seconds: float, rnd: random.Random) -> None:
    """Wait for the question by itself, pick a choice, press Lock in at a random moment."""
    b = s.browser
    if any(t.startswith("Locked in") for t in b.texts()):  # e.g. after a reconnect
        s.locked = True
        return
    press_at = ask_time + 1.0 + rnd.uniform(0, commit_seconds - 1.0)
    radio = await b.until(lambda: b.find("radio"), timeout=30)
    s.saw_question = s.saw_question or time.time()  # the first time (not after a reconnect)
    choice = rnd.choice(list(radio.proto.options))
    b.widgets[radio.wid] = ("string_value", choice)  # the browser keeps sending it
    await b.run({})  # a change of the radio reruns the page (and enables Lock in)
    await asyncio.sleep(max(0.0, press_at - time.time()))
    s.pressed = time.time()
    await b.click("Lock in")
    await b.until(lambda: any(t.startswith("Locked in") for t in b.texts()))
    s.locked = True


def _wake_counts(students: list[Student]) -> tuple[int, int, int, int]:
    """Wake polls, fetches and wakes so far, and fragment auto-reruns, over the students."""
    wakes = [s.browser.wake for s in students if s.browser.wake is not None]
    return (
        sum(w.polls for w in wakes),
        sum(w.fetches for w in wakes),
        sum(w.wakes for w in wakes),
        sum(s.browser.auto_reruns for s in students),
    )


def _wake_report(students: list[Student], ask_time: float) -> list[str]:
    """Where the time from the Ask to a student's screen went: the wake file, the trigger,
    the page's rerun."""
    fetched, sent, shown, wakes = [], [], [], 0
    for s in students:
        w = s.browser.wake
        if w is None:
            continue
        wakes += sum(t >= ask_time for t in w.sent)
        got = next((t for t in w.fetched if t >= ask_time), None)
        woke = next((t for t in w.sent if t >= ask_time), None)
        fetched += [got - ask_time] if got else []
        sent += [woke - ask_time] if woke else []
        shown += [s.saw_question - woke] if woke and s.saw_question else []
    return [
        summary("  Ask -> the file seen to move", fetched),
        summary("  Ask -> the wake trigger sent", sent),
        summary("  the trigger sent -> the question on the screen", shown),
        f"  wakes sent after the Ask: {wakes}",
    ]


def ranked_latencies(
    students: list[Student], db_times: list[float], counts: list[tuple[float, int, int]]
) -> list[float]:
    """For each commit (ranked by its time in the database), the time from its press to the
    first teacher delta whose count includes it."""
    presses = sorted(s.pressed for s in students if s.pressed is not None)
    out = []
    for rank, (at, press) in enumerate(zip(sorted(db_times), presses, strict=False), start=1):
        seen = next((t for t, answered, _ in counts if answered >= rank and t >= at), None)
        if seen is not None:
            out.append(seen - press)
    return out


# --- measuring --------------------------------------------------------------------------------


def _cpu(pid: int) -> float:
    """CPU seconds of a server so far; 0 for one that was killed (its CPU is not counted)."""
    try:
        return cpu_seconds(pid)
    except OSError:
        return 0.0


def _rss(pid: int) -> float:
    try:
        return rss_mb(pid)
    except OSError:
        return 0.0


def uptime() -> str:
    return "load average " + ", ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class CpuWindow:
    pids: tuple[int, ...]
    t0: float = 0.0
    cpu0: list[float] = field(default_factory=list)
    own0: float = 0.0
    all0: float = 0.0

    def __enter__(self):
        self.t0, self.own0, self.all0 = (
            time.monotonic(),
            time.process_time(),
            machine_busy_seconds(),
        )
        self.cpu0 = [_cpu(p) for p in self.pids]
        return self

    def read(self) -> str:
        dt = time.monotonic() - self.t0
        cpu = [max(0.0, _cpu(p) - c) for p, c in zip(self.pids, self.cpu0, strict=True)]
        own = time.process_time() - self.own0
        other = machine_busy_seconds() - self.all0 - sum(cpu) - own
        per = " + ".join(f"{100 * c / dt:.1f}" for c in cpu)
        return (
            f"server CPU {per} = {100 * sum(cpu) / dt:.1f} % of one core over {dt:.0f} s; "
            f"load generator {100 * own / dt:.0f} %, everything else {100 * other / dt:.0f} %; "
            f"server RSS {sum(_rss(p) for p in self.pids):.0f} MB; {uptime()}"
        )

    def __exit__(self, *exc):
        return False


def summary(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: none"
    v = sorted(values)
    return (
        f"{name}: n {len(v)}, median {statistics.median(v):.2f} s, p95 {percentile(v, 95):.2f} s, "
        f"max {v[-1]:.2f} s"
    )


async def scenario(target: Target, args, db_url: str, kill=None) -> list[str]:
    """The whole class; returns the failed checks."""
    failures: list[str] = []
    teacher, code = await start_teacher(target)
    print(f"class {code}: teacher on {teacher.browser.replica}; {uptime()}", flush=True)

    t0 = time.monotonic()
    tasks = []
    for k in range(args.students):
        tasks.append(asyncio.create_task(join(target, code, k)))
        await asyncio.sleep(args.join_seconds / args.students)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    students = [r for r in results if isinstance(r, Student)]
    failures += [str(r) for r in results if not isinstance(r, Student)]
    joined_s = time.monotonic() - t0
    per_replica = {}
    for s in students:
        per_replica[s.browser.replica] = per_replica.get(s.browser.replica, 0) + 1
    print(
        f"{len(students)} of {args.students} students joined in {joined_s:.1f} s "
        f"(per replica: {per_replica})",
        flush=True,
    )
    await teacher.browser.until(
        lambda: teacher.counts and teacher.counts[-1][2] == len(students), timeout=10
    )

    # Idle: everyone waits for the question.
    await asyncio.sleep(2)
    counts0 = _wake_counts(students)
    with CpuWindow(target.pids) as cpu:
        await asyncio.sleep(args.idle_seconds)
        idle = cpu.read()
    counts1 = _wake_counts(students)
    rates = [(b - a) / args.idle_seconds for a, b in zip(counts0, counts1, strict=True)]
    print(
        f"idle, {len(students)} students waiting for the question: {idle}; per second: "
        f"{rates[0]:.0f} wake polls (HEAD), {rates[1]:.1f} fetches (GET), "
        f"{rates[2]:.1f} wakes, {rates[3]:.1f} fragment auto-reruns",
        flush=True,
    )
    if sum(s.browser.wake is not None for s in students) != len(students):
        failures.append("a student's page has no wake component")
    if rates[3]:
        failures.append("students' pages still run a fragment timer")

    # Ask, and everyone locks in within commit_seconds.
    ask_time = time.time()
    await teacher.browser.click("Ask")
    done = []
    half = asyncio.Event()

    async def one(s: Student):
        for attempt in range(2):
            try:
                await answer(s, ask_time, args.commit_seconds, random.Random(s.k))
                break
            except (CheckFailed, websockets.WebSocketException) as e:
                lost = s.browser.closed.is_set() or isinstance(e, websockets.WebSocketException)
                if kill is None or attempt or not lost:
                    failures.append(f"{s.browser.name}: {e}")
                    break
                try:  # its replica went away: reconnect as the browser does, then go on
                    s.reconnect_s = await s.browser.reconnect()
                except (CheckFailed, OSError, websockets.WebSocketException) as e2:
                    failures.append(f"{s.browser.name}: {e2}")
                    break
        done.append(s)
        if len(done) >= len(students) // 2:
            half.set()

    with CpuWindow(target.pids) as cpu:
        jobs = [asyncio.create_task(one(s)) for s in students]
        if kill is not None:
            await half.wait()
            failures += await kill(teacher, students)
        await asyncio.gather(*jobs)
        busy = cpu.read()
    last_press = max((s.pressed for s in students if s.pressed), default=ask_time)
    print(f"commits (Ask -> last press {last_press - ask_time:.1f} s): {busy}", flush=True)
    try:
        await teacher.browser.until(
            lambda: teacher.counts and teacher.counts[-1][1] >= len(students), timeout=15
        )
    except CheckFailed as e:
        failures.append(str(e))

    engine = create_engine(db_url)
    with engine.connect() as conn:
        db_times = list(conn.execute(select(schema.answers.c.at)).scalars())
        db_students = conn.execute(select(func.count()).select_from(schema.students)).scalar_one()
    engine.dispose()
    final = teacher.counts[-1] if teacher.counts else (0, 0, 0)
    seen = [s.saw_question - ask_time for s in students if s.saw_question]
    lat = ranked_latencies(students, db_times, teacher.counts)
    locked = sum(s.locked for s in students)
    print(summary("Ask -> question on a student's screen", seen))
    for line in _wake_report(students, ask_time):
        print(line)
    moved = [s.reconnect_s for s in students if s.reconnect_s is not None]
    if kill is not None:
        print(summary("reconnect after the kill (all of r1's students)", moved))
    print(summary("Lock-in press -> the projector's count includes it", lat))
    print(
        f"answers: {locked} locked in on screen, {len(db_times)} rows in the database, "
        f"{db_students} seats; the teacher's page reads '{final[1]} of {final[2]} answered'"
    )
    drops = [
        (a, b) for a, b in zip(teacher.counts, teacher.counts[1:], strict=False) if b[1] < a[1]
    ]
    if drops:
        failures.append(f"the projector's count dropped: {drops[:3]}")
    if len(db_times) != len(students) or locked != len(students):
        failures.append(f"{len(students) - len(db_times)} answers lost")
    if (final[1], final[2]) != (len(students), len(students)):
        failures.append(f"the projector ends at {final[1]} of {final[2]}")
    if lat and percentile(sorted(lat), 95) > 3.0:
        failures.append("p95 from a commit to the projector's count over 3 s")
    if seen and max(seen) > 3.0:
        failures.append(f"a student's screen took {max(seen):.1f} s to show the question")
    for s in [teacher.browser] + [s.browser for s in students]:
        failures += s.errors
    await asyncio.gather(*(s.browser.close() for s in students), teacher.browser.close())
    return failures


def make_kill(cluster):
    """SIGKILL replica r1 mid-class; check its sessions land on r0 with seat and answer."""

    async def kill(teacher: Teacher, students: list[Student]) -> list[str]:
        failures = []
        victims = [s for s in students if s.browser.replica == "r1"]
        before = teacher.counts[-1] if teacher.counts else (0, 0, 0)
        locked_before = {s.k for s in victims if s.locked}
        victim = cluster.replicas[1].process
        t_kill = time.monotonic()
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        print(
            f"killed replica r1 (pid {victim.pid}) with {len(victims)} students "
            f"({len(locked_before)} locked in), teacher on {teacher.browser.replica}; "
            f"projector read {before[1]} of {before[2]}",
            flush=True,
        )
        if teacher.browser.replica == "r1":
            await teacher.browser.until(lambda: teacher.browser.closed.is_set(), timeout=10)
            took = await teacher.browser.reconnect()
            after = teacher.counts[-1]
            print(
                f"the teacher reconnected to {teacher.browser.replica} in {took:.1f} s; "
                f"its projector reads {after[1]} of {after[2]}",
                flush=True,
            )
        for s in victims:  # the locked ones idle on their seat page: reconnect them here
            if s.k in locked_before:
                await s.browser.until(lambda b=s.browser: b.closed.is_set(), timeout=10)
        moved = await asyncio.gather(
            *(s.browser.reconnect() for s in victims if s.k in locked_before),
            return_exceptions=True,
        )
        for s, r in zip([s for s in victims if s.k in locked_before], moved, strict=True):
            if isinstance(r, Exception):
                failures.append(f"{s.browser.name}: {r}")
                continue
            s.reconnect_s = r
            b = s.browser
            texts = b.texts()
            if b.replica != "r0":
                failures.append(f"{b.name} reconnected to {b.replica}")
            if not any(f"you are **{s.nickname}**" in t for t in texts):
                failures.append(f"{b.name} lost its seat: {texts[:3]}")
            if not any(t.startswith("Locked in") for t in texts):
                failures.append(f"{b.name} lost its locked answer: {texts[:4]}")
        print(
            summary(
                "reconnect after the kill (locked-in students)",
                [r for r in moved if isinstance(r, float)],
            )
            + f"; all on r0 with seat and answer: {not failures}"
            + f"; {time.monotonic() - t_kill:.1f} s after the kill",
            flush=True,
        )
        return failures

    return kill


FLOOR_APP = """
import streamlit as st


def page():
    st.markdown("Waiting for the teacher's question")
    if FRAGMENT:

        @st.fragment(run_every=2)
        def follow():
            pass

        follow()


st.navigation([st.Page(page, title="Class", url_path="class")], position="top").run()
"""

#: The floors: Streamlit's idle sessions with nothing running; the same, each also polling a
#: static file as the wake component does (a HEAD every 2 s); and the old design's floor, an
#: empty 2 s fragment on every page.
FLOORS = {"idle": (False, 0.0), "head-2s": (False, 2.0), "fragment-2s": (True, 0.0)}


async def _head_every(target: Target, cookies: dict[str, str], every_s: float, counter: list):
    http = Http(target, cookies)
    try:
        await asyncio.sleep(random.uniform(0, every_s))
        while True:
            with contextlib.suppress(OSError, asyncio.IncompleteReadError, TimeoutError):
                await http.request("HEAD", "/app/static/wake.json")
                counter[0] += 1
            await asyncio.sleep(every_s)
    finally:
        http.close()


async def floor(target: Target, args, kind: str) -> None:
    """Streamlit's own cost of an idle class of ``--students`` sessions, one kind of floor."""
    _, every_s = FLOORS[kind]
    browsers, polls = [], []
    heads = [0]
    for k in range(args.students):
        b = Browser(target, f"session {k}")
        await b.open("/class")
        browsers.append(b)
        if every_s:
            polls.append(asyncio.create_task(_head_every(target, b.cookies, every_s, heads)))
        await asyncio.sleep(args.join_seconds / args.students)
    await asyncio.sleep(2)
    ticks0, heads0 = sum(b.auto_reruns for b in browsers), heads[0]
    with CpuWindow(target.pids) as cpu:
        await asyncio.sleep(args.idle_seconds)
        idle = cpu.read()
    ticks = sum(b.auto_reruns for b in browsers) - ticks0
    print(
        f"floor {kind}, {len(browsers)} sessions: {idle}; "
        f"{ticks / args.idle_seconds:.0f} auto-reruns/s, "
        f"{(heads[0] - heads0) / args.idle_seconds:.0f} HEADs/s",
        flush=True,
    )
    for task in polls:
        task.cancel()
    await asyncio.gather(*(b.close() for b in browsers))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--students", type=int, default=150)
    p.add_argument("--join-seconds", type=float, default=20, help="students join over this")
    p.add_argument("--idle-seconds", type=float, default=30, help="measured idle wait")
    p.add_argument("--commit-seconds", type=float, default=10, help="all lock in within this")
    p.add_argument("--replicas", type=int, default=0, help="K replicas behind nginx")
    p.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL 15")
    p.add_argument("--kill", action="store_true", help="kill replica r1 mid-class")
    p.add_argument("--floor", action="store_true", help="Streamlit's idle costs, three floors")
    args = p.parse_args()
    if args.kill and args.replicas != 2:
        p.error("--kill needs --replicas 2")
    return args


def main() -> int:
    args = parse_args()
    if args.floor:
        for kind, (fragment, _) in FLOORS.items():
            with tempfile.TemporaryDirectory(prefix="gd-floor-") as folder:
                script = Path(folder) / "floor_app.py"
                script.write_text(f"FRAGMENT = {fragment}\n" + FLOOR_APP)
                (Path(folder) / "static").mkdir()
                (Path(folder) / "static" / "wake.json").write_text('{"digest": "0123456789abcdef"}')
                extra = ["--runner.postScriptGC", "false", "--server.enableStaticServing", "true"]
                with streamlit_server.serve(script, extra=extra) as server:
                    print(f"Floor {kind}: {args.students} sessions; {uptime()}", flush=True)
                    asyncio.run(floor(Target(server.url, (server.pid,)), args, kind))
        return 0
    with contextlib.ExitStack() as stack:
        if args.postgres:
            db_url = stack.enter_context(postgres.throwaway())
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gd-class-")))
            db_url = f"sqlite:///{folder / 'class.sqlite3'}"
        os.environ["LINREG_CLASS_DB"] = db_url  # the servers' environment
        extra = ["--server.disconnectedSessionTTL=5"]
        kill = None
        if args.replicas:
            c = stack.enter_context(run_replicas.cluster(args.replicas, extra=extra))
            target, what = Target(c.url, tuple(c.pids)), f"nginx -> {args.replicas} replicas"
            kill = make_kill(c) if args.kill else None
        else:
            server = stack.enter_context(streamlit_server.serve(extra=extra))
            target, what = Target(server.url, (server.pid,)), "one server"
        print(
            f"Class load: {args.students} students, {what}, "
            f"{'PostgreSQL 15' if args.postgres else 'SQLite (WAL)'}; {os.cpu_count()} cores; "
            f"{uptime()}",
            flush=True,
        )
        failures = asyncio.run(scenario(target, args, db_url, kill))
    return exit_code("checks failed", failures, 15)


if __name__ == "__main__":
    sys.exit(main())
