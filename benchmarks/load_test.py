"""Load test: browser-like sessions moving sliders against the app, with a student's pauses.

Each session behaves like a browser: it GETs ``/`` (through nginx this sets the route
cookie; Streamlit sets its XSRF cookie), opens the websocket with those cookies and
speaks Streamlit's protocol (a ``rerun_script`` BackMsg with the widget states, then
ForwardMsgs until ``script_finished``). Between moves it thinks for ``--think`` seconds
(jittered uniformly by ±``--jitter``), then changes the learning rate and the noise
(new data on every rerun), or with ``--cache-hit`` alternates between two settings that
every session shares (so the app's caches hit). Every few moves it also makes the plain
HTTP requests of a browser with the same cookies: ``/_stcore/host-config`` and a data
download (a deferred download button: a ``backend_operation_request`` over the
websocket, then a GET of the ``/media/...`` URL it returns, which only the session's own
process can serve).

Errors (must be 0): an exception element in the deltas, a run that does not finish
successfully, a timeout, a dropped connection, an HTTP status other than 200.

Modes:

* ``--sessions N`` (default 30): one step of N sessions for ``--seconds``; when the test
  starts its own server it first prints the in-process build times at the edge settings
  and one session's traced memory.
* ``--ramp``: steps through ``--steps`` (25, 50, 100, 150, 200) concurrent sessions.
  Sessions are added gradually (over ``--ramp-in`` seconds) and stay; each step is
  measured for ``--seconds`` once its new sessions have had their first run.
* ``--deltas``: one session's first run and first move, their messages counted by kind
  (element or block type), for the app and ``--baseline``'s. ``--port-base P`` puts the
  servers of ``--compare`` and ``--deltas`` on ports P, P+1, ... instead of free ones.
* ``--compare``: the app and a trivial one-slider app (:data:`TRIVIAL_APP`), each on a
  server of its own, driven in turn by ``--sessions`` sessions for ``--rounds`` rounds of
  ``--seconds``: server CPU per rerun of each and their ratio, with a 95 % bootstrap
  interval; ``--baseline DIR`` adds another checkout's app (e.g. main's) beside them.

``--moves`` says what a move changes (:data:`MOVES`): ``page`` (default) the learning
rate and the noise, new data and a run of the whole page; ``fragment`` the learning rate
and the epochs, new data within the playground's fragment; ``lr`` the learning rate alone
at the default data, whose runs every session shares.

For each step: reruns, p50/p95/max rerun time (request sent -> ``script_finished``),
errors, the servers' CPU (``/proc/<pid>/stat`` utime+stime: % of one core, and ms of
server CPU per rerun), their resident memory (peak), and the load generator's own CPU
beside it, since both share the machine's cores, and the CPU of everything else on the
machine (from ``/proc/stat``): if that is not near 0, another program skewed the step.

Targets: by default a server of its own on a free loopback port; ``--replicas K``
starts K replicas behind nginx (``deploy/run_replicas.py``); ``--url`` drives a running
server or nginx front (``--pids`` names the server processes whose CPU to read).

    .venv/bin/python benchmarks/load_test.py --ramp --seconds 30
    .venv/bin/python benchmarks/load_test.py --ramp --seconds 30 --replicas 2
    .venv/bin/python benchmarks/load_test.py --ramp --cache-hit --steps 25,50
    .venv/bin/python benchmarks/load_test.py --compare --moves lr --sessions 4 --think 0.3
    .venv/bin/python benchmarks/load_test.py --compare --baseline /tmp/main-checkout
    .venv/bin/python benchmarks/load_test.py --deltas --baseline /tmp/main-checkout
    .venv/bin/python benchmarks/load_test.py --ramp --server-args "--runner.postScriptGC false"
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:8080 --pids 123,456

Exits 1 if there was any error. Needs ``websockets`` (installed with Streamlit).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import pickle
import random
import shlex
import statistics
import sys
import tempfile
import time
import tracemalloc
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.charts import figure_json, playground_figure  # noqa: E402
from app.model.compute import run  # noqa: E402
from app.model.params import PARAMS  # noqa: E402
from app.model.settings import Settings  # noqa: E402
from app.views.playground import SECTIONS, SECTIONS_KEY  # noqa: E402
from benchmarks.bench_interaction import ratio_interval  # noqa: E402
from deploy import run_replicas, streamlit_server  # noqa: E402

RUN_TIMEOUT_S = 60
HTTP_TIMEOUT_S = 30
LRS = [f"{v:g}" for v in PARAMS["lr"].options]  # the select_slider's labels
NOISES = [round(0.1 * k, 1) for k in range(51)]  # 0.0 .. 5.0, the slider's steps
CACHE_HIT_MOVES = (("0.01", 1.5), ("0.015", 1.5))  # two settings every session shares
HTTP_EVERY = 4  # every so many moves, a plain HTTP request of a browser
DOWNLOAD_EVERY = 8  # every so many moves, open "Share & export" and download the data
SHARE_LABEL = SECTIONS["share"][0]  # its toggle among the sections under the chart
DOWNLOAD_KEY = "dl_data"  # its data-set download button (a deferred download)
DOWNLOAD_TRIES = 3  # clicks on a download before a 404 is an error (see download)
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- the server's processes ---------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (no psutil needed)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "; comm may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_busy_seconds() -> float:
    """CPU time all processes of the machine have used so far (from /proc/stat), in seconds."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes (as ``uptime`` prints it)."""
    return ", ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass(frozen=True)
class Target:
    """Where the sessions go: a base URL, and the server processes to watch (may be none)."""

    base: str  # http://127.0.0.1:8501
    pids: tuple[int, ...] = ()

    @property
    def ws_url(self) -> str:
        return self.base.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"


# --- one session --------------------------------------------------------------------------------


@dataclass
class Recorder:
    """What all sessions report: (time finished, seconds) per rerun, and errors."""

    reruns: list[tuple[float, float]] = field(default_factory=list)
    received: list[tuple[float, int]] = field(default_factory=list)  # (time, bytes) per rerun
    errors: list[str] = field(default_factory=list)
    replicas: Counter = field(default_factory=Counter)  # route cookie's replica -> sessions
    ready: int = 0  # sessions whose first run has finished
    downloads: int = 0  # /media/... downloads served
    download_retries: int = 0  # GETs of /media/ that lost Streamlit's race (see download)
    ended: int = 0  # sessions that have ended (normally or not)


def rerun_msg(
    widgets: dict[str, tuple[str, object]], query_string: str = "", fragment_id: str = ""
) -> bytes:
    """A ``rerun_script`` BackMsg with these widget states (id -> (kind, value)); with a
    ``fragment_id``, as the browser sends it for a widget inside that fragment."""
    bm = BackMsg()
    cs = bm.rerun_script
    cs.query_string = query_string
    cs.fragment_id = fragment_id
    cs.context_info.timezone = "UTC"
    cs.context_info.color_scheme = "light"
    for wid, (kind, value) in widgets.items():
        w = cs.widget_states.widgets.add()
        w.id = wid
        if kind == "double":
            w.double_array_value.data.append(value)
        elif kind == "bool":
            w.bool_value = value
        elif kind == "strings":
            w.string_array_value.data.extend(value)
        else:
            w.string_array_value.data.append(value)
    return bm.SerializeToString()


@dataclass
class RunResult:
    ids: dict[str, str]  # widget (or keyed expander) key -> widget id
    deferred: dict[str, str]  # download button key -> deferred file id
    exceptions: list[str]
    status: str
    session_id: str = ""  # from new_session (sent with every run)
    fragments: dict[str, str] = field(default_factory=dict)  # widget key -> its fragment
    received: int = 0  # bytes of the run's messages, as the websocket delivered them
    kinds: Counter = field(default_factory=Counter)  # the run's messages, by kind (delta_kind)


def delta_kind(fm: ForwardMsg) -> str:
    """What a ForwardMsg carries: its type, and for a delta its element or block's type
    (``new_element:markdown``, ``add_block:vertical``, ``add_block:column``...)."""
    kind = fm.WhichOneof("type")
    if kind != "delta":
        return kind
    delta = fm.delta.WhichOneof("type")
    if delta == "new_element":
        return f"new_element:{fm.delta.new_element.WhichOneof('type')}"
    if delta == "add_block":
        block = fm.delta.add_block.WhichOneof("type")
        if block == "flex_container":  # st.container, and a column's row
            flex = fm.delta.add_block.flex_container
            block = "horizontal" if flex.direction == flex.HORIZONTAL else "vertical"
        return f"add_block:{block}"
    return delta


async def read_run(ws) -> RunResult:
    """Read ForwardMsgs until the run ends."""
    result = RunResult({}, {}, [], "")
    while True:
        fm = ForwardMsg()
        raw = await asyncio.wait_for(ws.recv(), RUN_TIMEOUT_S)
        result.received += len(raw)
        fm.ParseFromString(raw)
        result.kinds[delta_kind(fm)] += 1
        kind = fm.WhichOneof("type")
        delta = fm.delta.WhichOneof("type") if kind == "delta" else None
        if delta == "add_block" and fm.delta.add_block.WhichOneof("type") == "expandable":
            wid = fm.delta.add_block.expandable.id
            if "-" in wid:
                result.ids[wid.rsplit("-", 1)[-1]] = wid
        elif delta == "new_element":
            element = fm.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                result.exceptions.append(element.exception.message[:200])
                continue
            wid = getattr(getattr(element, which, None), "id", "")
            if isinstance(wid, str) and "-" in wid:
                key = wid.rsplit("-", 1)[-1]  # widget ids end in "-<key>"
                result.ids[key] = wid
                if fm.delta.fragment_id:  # drawn by a fragment: a move of it reruns that alone
                    result.fragments[key] = fm.delta.fragment_id
                if which == "download_button":  # a deferred file id, or the file's own URL
                    button = element.download_button
                    result.deferred[key] = button.deferred_file_id or _URL + button.url
        elif kind == "new_session":
            result.session_id = fm.new_session.initialize.session_id
        elif kind == "script_finished":
            result.status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
            return result


async def http_get(target: Target, path: str, cookies: dict[str, str]) -> int:
    """GET ``path`` as a browser would (with its cookies); store the cookies set; the status."""
    url = urllib.parse.urlsplit(target.base)
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(url.hostname, url.port), HTTP_TIMEOUT_S
    )
    try:
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        request = f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n"
        request += f"Cookie: {cookie}\r\n" if cookie else ""
        writer.write((request + "\r\n").encode())
        response = await asyncio.wait_for(reader.read(), HTTP_TIMEOUT_S)  # until close
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            key, _, val = value.strip().split(";", 1)[0].partition("=")
            cookies[key] = val
    return int(head[0].split()[1])


_URL = "url:"  # marks a download made during the run: its /media/ URL is already known


async def media_url(ws, session_id: str, file_id: str) -> str:
    """Ask for a deferred download over the websocket; its ``/media/...`` URL."""
    if file_id.startswith(_URL):
        return file_id.removeprefix(_URL)
    bm = BackMsg()
    bm.backend_operation_request.request_id = file_id
    bm.backend_operation_request.session_id = session_id
    bm.backend_operation_request.deferred_file.file_id = file_id
    await ws.send(bm.SerializeToString())
    while True:
        fm = ForwardMsg()
        fm.ParseFromString(await asyncio.wait_for(ws.recv(), RUN_TIMEOUT_S))
        if fm.WhichOneof("type") == "backend_operation_response":
            break
    response = fm.backend_operation_response
    if response.error_msg or not response.deferred_file.url:
        raise ValueError(f"download: {response.error_msg or 'no URL'}")
    return response.deferred_file.url


async def download(
    ws, target: Target, session_id: str, file_id: str, cookies: dict[str, str], rec: Recorder
) -> str | None:
    """A deferred download's URL, then a GET of it as the browser does; an error or None.

    Streamlit 1.67 stores the generated file unreferenced by any session, so two script
    runs of *other* sessions finishing between the URL and the GET delete it (404), a
    race that a busy server does lose now and then. A student would click again: so
    does this, up to twice, and every retry is counted (``rec.download_retries``).
    """
    for attempt in range(DOWNLOAD_TRIES):
        try:
            url = await media_url(ws, session_id, file_id)
        except ValueError as e:
            return str(e)
        status = await http_get(target, url, cookies)
        if status == 200:
            rec.downloads += 1
            return None
        if status == 404 and attempt < DOWNLOAD_TRIES - 1:
            rec.download_retries += 1
            continue
    return f"GET {url}: HTTP {status}"


@dataclass(frozen=True)
class Behaviour:
    """How a student moves: the mean pause between moves and its jitter, which settings.

    ``moves`` (see :data:`MOVES`): ``page`` changes the learning rate and the noise (new
    data on every move; the noise is in the sidebar, so each move is a run of the whole
    page); ``fragment`` the learning rate and the epochs near their default (new data on
    every move, within the playground's fragment); ``lr`` the learning rate alone at the
    default data (a fragment run whose run every session shares after its first time);
    ``trivial`` the one slider of :data:`TRIVIAL_APP`. ``cache_hit`` (with ``page``)
    alternates two settings every session shares instead. ``downloads``: open "Share &
    export" and download the data every :data:`DOWNLOAD_EVERY` moves (app moves only).
    """

    think: float = 3.0
    jitter: float = 0.5  # the pause is think * uniform(1 - jitter, 1 + jitter)
    cache_hit: bool = False
    moves: str = "page"
    downloads: bool = True


#: The kinds of move (``--moves``): what each changes, in words for the report.
MOVES = {
    "page": "learning rate and noise (a whole-page run, new data)",
    "fragment": "learning rate and epochs 60-140 (the fragment alone, new data)",
    "lr": "learning rate alone at the default data (the fragment; shared runs)",
    "trivial": "the trivial app's one slider",
}
#: The trivial app: one slider and one line of text (bench_interaction.py's, with a key so
#: that the load test finds its widget id). It runs from the repository's root, under the
#: same ``.streamlit/config.toml`` as the app.
TRIVIAL_APP = """import streamlit as st

v = st.slider("Learning rate", 0, 100, 10, key="v")
st.write(f"value = {v}")
"""
TRIVIAL_VALUES = tuple(float(v) for v in range(101))
EPOCHS = tuple(range(60, 141))  # around the default 100: a figure of the default's size
DONE = ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")


def moves(rnd: random.Random, how: Behaviour):
    """The settings a session moves to, as ``{widget key: (kind, value)}`` (see
    :class:`Behaviour`)."""
    last: dict[str, object] = {}

    def new(key: str, values) -> object:  # a value other than this session's last one
        last[key] = rnd.choice([v for v in values if v != last.get(key)])
        return last[key]

    for i in range(10**9):
        if how.moves == "trivial":
            yield {"v": ("double", new("v", TRIVIAL_VALUES))}
        elif how.moves == "lr":
            yield {"lr": ("string", new("lr", LRS))}
        elif how.moves == "fragment":
            yield {"lr": ("string", new("lr", LRS)), "epochs": ("double", new("epochs", EPOCHS))}
        elif how.cache_hit:
            lr, noise = CACHE_HIT_MOVES[i % 2]
            yield {"lr": ("string", lr), "noise": ("double", noise)}
        else:  # new data on every rerun
            yield {"lr": ("string", new("lr", LRS)), "noise": ("double", new("noise", NOISES))}


def _query(move: dict[str, tuple[str, object]]) -> str:
    """The address bar's query after a move: the app binds its widgets to the URL."""
    return urllib.parse.urlencode(
        {k: f"{v:g}" if isinstance(v, float) else v for k, (_, v) in move.items()}
    )


async def session(
    k: int, target: Target, how: Behaviour, stop: asyncio.Event, rec: Recorder
) -> None:
    rnd = random.Random(k)
    cookies: dict[str, str] = {}
    where = f"session {k}"
    trivial = how.moves == "trivial"
    downloads = how.downloads and not trivial
    try:
        status = await http_get(target, "/", cookies)  # the page load
        if status != 200:
            rec.errors.append(f"{where}: GET /: HTTP {status}")
            return
        replica = cookies.get("route", "").split(".")[0] or "-"
        rec.replicas[replica] += 1
        where += f" ({replica})" if replica != "-" else ""
        header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        async with websockets.connect(
            target.ws_url,
            subprotocols=["streamlit"],
            additional_headers=header,
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
            ping_interval=None,  # as a browser: no protocol-level pings from the client
            proxy=None,
        ) as ws:
            await ws.send(rerun_msg({}))  # the script's first run
            first = await read_run(ws)
            rec.errors += [f"{where} first run: {e}" for e in first.exceptions]
            if first.status != "FINISHED_SUCCESSFULLY":
                rec.errors.append(f"{where} first run: {first.status}")
            keys = ("v",) if trivial else ("lr", "noise", "epochs")
            if missing := [key for key in keys if key not in first.ids]:
                rec.errors.append(f"{where}: widgets {missing} not found in {sorted(first.ids)}")
                return
            rec.ready += 1
            share_id = first.ids.get(SECTIONS_KEY)
            if downloads and not share_id:
                rec.errors.append(f"{where}: no {SECTIONS_KEY!r} toggles for {SHARE_LABEL}")
                return
            for n, move in enumerate(moves(rnd, how), start=1):
                pause = how.think * rnd.uniform(1 - how.jitter, 1 + how.jitter)
                with contextlib.suppress(TimeoutError):  # TimeoutError: the pause is over
                    await asyncio.wait_for(stop.wait(), pause)
                if stop.is_set():
                    break
                widgets = {first.ids[key]: value for key, value in move.items()}
                share = downloads and n % DOWNLOAD_EVERY == 0  # open it for this move
                if downloads:
                    widgets[share_id] = ("strings", [SHARE_LABEL] if share else [])
                # A move of widgets that are all in one fragment reruns that fragment alone,
                # as the browser asks for it.
                fragments = {first.fragments.get(key, "") for key in move}
                if share_id:
                    fragments.add(first.fragments.get(SECTIONS_KEY, ""))
                fragment = fragments.pop() if len(fragments) == 1 else ""
                what = " ".join(f"{key}={value}" for key, (_, value) in move.items())
                t0 = time.perf_counter()
                await ws.send(rerun_msg(widgets, "" if trivial else _query(move), fragment))
                result = await read_run(ws)
                rec.reruns.append((time.monotonic(), time.perf_counter() - t0))
                rec.received.append((rec.reruns[-1][0], result.received))
                rec.errors += [f"{where} {what}: {e}" for e in result.exceptions]
                if result.status not in DONE or (result.status == DONE[1]) != bool(fragment):
                    rec.errors.append(f"{where} {what}: {result.status}")
                if n % HTTP_EVERY == 0:  # a browser's plain request, with the same cookies
                    status = await http_get(target, "/_stcore/host-config", cookies)
                    if status != 200:
                        rec.errors.append(f"{where}: GET /_stcore/host-config: HTTP {status}")
                if share:  # the download is served by this session's own process only
                    deferred = result.deferred.get(DOWNLOAD_KEY)
                    error = (
                        await download(ws, target, result.session_id, deferred, cookies, rec)
                        if deferred
                        else f"no {DOWNLOAD_KEY} button in Share & export"
                    )
                    if error:
                        rec.errors.append(f"{where}: {error}")
    except (TimeoutError, OSError, ValueError, websockets.WebSocketException) as e:
        rec.errors.append(f"{where}: {type(e).__name__}: {e}")
    finally:
        rec.ended += 1


# --- steps --------------------------------------------------------------------------------------


@dataclass
class Step:
    """One step's figures."""

    sessions: int  # opened so far
    live: int  # of those still running at the end of the step
    seconds: float
    latencies: list[float]
    errors: list[str]
    server_cpu: list[float]  # seconds of CPU per server process during the step
    loadgen_cpu: float  # seconds of this process's CPU during the step
    other_cpu: float  # seconds of CPU of everything else on the machine during the step
    rss_peak: float  # MB, all servers together
    received: list[int] = field(default_factory=list)  # bytes of each rerun's messages

    @property
    def reruns(self) -> int:
        return len(self.latencies)

    def kb_per_rerun(self) -> float:
        return statistics.fmean(self.received) / 1e3 if self.received else float("nan")

    def server_ms_per_rerun(self) -> float | None:
        return 1e3 * sum(self.server_cpu) / self.reruns if self.server_cpu and self.reruns else None


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def sample_rss(pids: tuple[int, ...], peak: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(OSError, RuntimeError):  # a server may have gone
            peak[0] = max(peak[0], sum(rss_mb(p) for p in pids))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)


def server_cpu(pids: tuple[int, ...]) -> list[float]:
    out = []
    for pid in pids:
        try:
            out.append(cpu_seconds(pid))
        except OSError:
            out.append(float("nan"))
    return out


async def ramp(
    target: Target,
    steps: list[int],
    seconds: float,
    how: Behaviour,
    ramp_in: float = 2.0,
    report=None,
) -> tuple[list[Step], Recorder]:
    """Add sessions step by step (they stay) and measure each step for ``seconds``.

    ``report(step)`` is called after each step (to print as it goes).
    """
    rec, stop, tasks, results = Recorder(), asyncio.Event(), [], []
    try:
        for n in steps:
            first_error = len(rec.errors)
            new = n - len(tasks)
            for _ in range(new):  # gradually, so the connection storm is not measured
                k = len(tasks)
                tasks.append(asyncio.create_task(session(k, target, how, stop, rec)))
                await asyncio.sleep(ramp_in / max(new, 1))
            deadline = time.monotonic() + RUN_TIMEOUT_S
            while rec.ready + rec.ended < len(tasks) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)  # every new session has had its first run
            peak, stop_rss = [0.0], asyncio.Event()
            sampler = asyncio.create_task(sample_rss(target.pids, peak, stop_rss))
            cpu0, own0, t0 = server_cpu(target.pids), time.process_time(), time.monotonic()
            all0 = machine_busy_seconds()
            await asyncio.sleep(seconds)
            cpu1, own1, t1 = server_cpu(target.pids), time.process_time(), time.monotonic()
            all1 = machine_busy_seconds()
            stop_rss.set()
            await sampler
            step = Step(
                sessions=n,
                live=sum(not t.done() for t in tasks),
                seconds=t1 - t0,
                latencies=[lat for end, lat in rec.reruns if t0 <= end < t1],
                errors=rec.errors[first_error:],
                server_cpu=[b - a for a, b in zip(cpu0, cpu1, strict=True)],
                loadgen_cpu=own1 - own0,
                other_cpu=(all1 - all0) - sum(cpu1) + sum(cpu0) - (own1 - own0),
                rss_peak=peak[0],
                received=[size for end, size in rec.received if t0 <= end < t1],
            )
            results.append(step)
            if report:
                report(step)
    finally:
        stop.set()
        await asyncio.gather(*tasks)  # each ends after its run in flight (bounded by timeouts)
    if results:  # errors while closing belong to the last step
        seen = sum(len(s.errors) for s in results)
        results[-1].errors += rec.errors[seen:]
    return results, rec


HEADER = (
    f"{'sessions':>8} {'live':>5} {'reruns':>7} {'/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
    f"{'max ms':>7} {'errors':>6} {'server CPU %':>13} {'ms CPU/rerun':>12} "
    f"{'RSS MB':>7} {'loadgen CPU %':>13} {'other CPU %':>11}"
)


def row(s: Step, pids_known: bool = True) -> str:
    lat = sorted(s.latencies)
    cpu = "/".join(f"{100 * c / s.seconds:.0f}" for c in s.server_cpu) or "-"
    per = s.server_ms_per_rerun()
    return (
        f"{s.sessions:8d} {s.live:5d} {s.reruns:7d} {s.reruns / s.seconds:6.1f} "
        f"{1e3 * percentile(lat, 50):7.0f} {1e3 * percentile(lat, 95):7.0f} "
        f"{1e3 * (lat[-1] if lat else 0):7.0f} {len(s.errors):6d} {cpu:>13} "
        f"{(f'{per:.0f}' if per is not None else '-'):>12} "
        f"{(f'{s.rss_peak:.0f}' if pids_known else '-'):>7} "
        f"{100 * s.loadgen_cpu / s.seconds:13.0f} {100 * s.other_cpu / s.seconds:11.0f}"
    )


# --- in-process figures -------------------------------------------------------------------------

EDGES = {
    "default": Settings(),
    "lr 1e-4": Settings(lr=1e-4),
    "lr 1.0 (diverges)": Settings(lr=1.0),
    "2 samples": Settings(n_samples=2),
    "zero noise, 5000 epochs": Settings(noise=0.0, lr=0.1, epochs=5000),
    "5000 epochs x 10,000 samples": Settings(epochs=5000, n_samples=10_000),
}


def edge_timings() -> None:
    print("Build times at the edges (compute.run + playground_figure + figure_json, best of 3):")
    for name, s in EDGES.items():
        best = [float("inf")] * 3
        for _ in range(3):
            t0 = time.perf_counter()
            r = run(s)
            t1 = time.perf_counter()
            fig = playground_figure(r)
            t2 = time.perf_counter()
            text = figure_json(fig)  # what the chart is sent
            t3 = time.perf_counter()
            best = [min(a, b) for a, b in zip(best, (t1 - t0, t2 - t1, t3 - t2), strict=True)]
        ms = [f"{1e3 * v:6.1f}" for v in best]
        print(
            f"  {name:30s} run {ms[0]} ms  figure {ms[1]} ms  json {ms[2]} ms"
            f"  ({len(text) / 1e3:.0f} kB)"
        )


def session_memory() -> None:
    """Traced Python allocations of one session's computation at the largest settings."""
    s = Settings(epochs=5000, n_samples=10_000)
    run(s)  # warm up imports and caches of the builders
    tracemalloc.start()
    r = run(s)
    fig = playground_figure(r)
    text = figure_json(fig)
    cached = pickle.dumps(r), pickle.dumps(fig)  # what st.cache_data stores
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"Memory of one session's computation at 5000 epochs x 10,000 samples (tracemalloc):\n"
        f"  peak {peak / 1e6:.1f} MB while building, {current / 1e6:.1f} MB held after "
        f"(run + figure + JSON + the two cache pickles: {len(cached[0]) / 1e6:.2f} MB run, "
        f"{len(cached[1]) / 1e6:.2f} MB figure, JSON {len(text) / 1e6:.2f} MB)"
    )


# --- the app beside the trivial app --------------------------------------------------------------


def compare(args: argparse.Namespace, how: Behaviour, extra: list[str]) -> int:
    """The app and the trivial app, each a server of its own from the repository's root (one
    ``.streamlit/config.toml``), driven in turn by the same sessions for ``--rounds``
    rounds (the order changes every round); server CPU per rerun of each, and their ratio
    with a 95 % bootstrap interval over the rounds. Downloads are left out (the trivial
    app has none); each session's plain HTTP requests stay. With ``--baseline DIR`` (a
    checkout of another version, e.g. ``git worktree add /tmp/base main``) its app runs
    as a third server beside them, with the same moves."""
    how = dataclasses.replace(how, downloads=False)
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        script = Path(tmp) / "trivial_app.py"
        script.write_text(TRIVIAL_APP)
        apps = {"app": (streamlit_server.APP, how)}
        if args.baseline:
            apps["baseline"] = (Path(args.baseline) / "app" / "streamlit_app.py", how)
        apps["trivial"] = (script, dataclasses.replace(how, moves="trivial"))
        servers = {
            name: (
                stack.enter_context(streamlit_server.serve(path, _port(args, i), extra=extra)),
                behaviour,
            )
            for i, (name, (path, behaviour)) in enumerate(apps.items())
        }
        print(
            f"{' and '.join(servers)}: the apps' moves {MOVES[how.moves]}; "
            f"{args.sessions} sessions, think {how.think:g} s ±{100 * how.jitter:.0f} %, "
            f"{args.rounds} rounds of {args.seconds:g} s each; {os.cpu_count()} cores; "
            f"load average {load_average()}",
            flush=True,
        )
        for name, (server, behaviour) in servers.items():  # imports, first cache entries
            warm, _ = asyncio.run(ramp(Target(server.url), [1], 2, behaviour, ramp_in=0))
            errors += [f"{name} warm-up: {e}" for e in warm[0].errors]
        print(f"{'round':>5} {'server':>8} " + HEADER, flush=True)
        per: dict[str, list[float]] = {name: [] for name in servers}
        p50: dict[str, list[float]] = {name: [] for name in servers}
        kb: dict[str, list[float]] = {name: [] for name in servers}
        names = list(servers)
        for r in range(args.rounds):
            shift = r % len(names)
            for name in names[shift:] + names[:shift]:
                server, behaviour = servers[name]
                target = Target(server.url, (server.pid,))
                steps, _ = asyncio.run(
                    ramp(target, [args.sessions], args.seconds, behaviour, args.ramp_in)
                )
                step = steps[0]
                errors += [f"{name} round {r + 1}: {e}" for e in step.errors]
                per[name].append(step.server_ms_per_rerun() or float("nan"))
                p50[name].append(1e3 * percentile(sorted(step.latencies), 50))
                kb[name].append(step.kb_per_rerun())
                print(f"{r + 1:5d} {name:>8} " + row(step), flush=True)
    mean = {k: statistics.fmean(v) for k, v in per.items()}
    print(
        "server CPU per rerun (means of the rounds): "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in mean.items())
    )
    pairs = [(a, "trivial") for a in servers if a != "trivial"]
    pairs += [("app", "baseline")] if "baseline" in servers else []
    for a, b in pairs:
        lo, hi = ratio_interval(per[a], per[b], stat=np.mean)  # the rounds, paired
        ratios = " ".join(f"{x / y:.2f}" for x, y in zip(per[a], per[b], strict=True))
        print(
            f"  {a} / {b}: {mean[a] / mean[b]:.2f}x, 95 % interval {lo:.2f}-{hi:.2f}x "
            f"(rounds: {ratios})"
        )
    print(
        "bytes a rerun sends (websocket messages, mean of the rounds): "
        + ", ".join(f"{k} {statistics.fmean(v):.1f} KB" for k, v in kb.items())
    )
    print(
        "rerun p50 (median of the rounds): "
        + ", ".join(f"{k} {statistics.median(v):.0f} ms" for k, v in p50.items())
        + f"; load average now {load_average()}"
    )
    return exit_code("errors", errors, 10)


async def count_deltas(url: str, how: Behaviour) -> tuple[RunResult, RunResult]:
    """One session's first run and its first move (``--moves``), with each run's messages
    counted by kind."""
    target, cookies = Target(url), {}
    await http_get(target, "/", cookies)
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    async with websockets.connect(
        target.ws_url, subprotocols=["streamlit"], additional_headers=header, max_size=None
    ) as ws:
        await ws.send(rerun_msg({}))
        first = await read_run(ws)
        move = next(moves(random.Random(0), how))
        widgets = {first.ids[key]: value for key, value in move.items()}
        fragments = {first.fragments.get(key, "") for key in move}
        fragment = fragments.pop() if len(fragments) == 1 else ""
        await ws.send(rerun_msg(widgets, _query(move), fragment))
        return first, await read_run(ws)


def _port(args: argparse.Namespace, i: int) -> int | None:
    """The port of the ``i``-th server started: from ``--port-base`` on, else a free one."""
    return args.port_base + i if args.port_base else None


def deltas(args: argparse.Namespace, how: Behaviour, extra: list[str]) -> int:
    """``--deltas``: the messages a first run and a move send, by kind, for the app (and
    ``--baseline``'s beside it)."""
    apps = {"app": streamlit_server.APP}
    if args.baseline:
        apps["baseline"] = Path(args.baseline) / "app" / "streamlit_app.py"
    counts: dict[str, tuple[Counter, Counter]] = {}
    errors: list[str] = []
    for i, (name, path) in enumerate(apps.items()):
        with streamlit_server.serve(path, _port(args, i), extra=extra) as server:
            first, move = asyncio.run(count_deltas(server.url, how))
        counts[name] = (first.kinds, move.kinds)
        errors += [f"{name}: {e}" for e in first.exceptions + move.exceptions]
        if move.status not in DONE:
            errors.append(f"{name} move: {move.status}")
    names = list(counts)
    print(f"messages a run sends, by kind (a move: {MOVES[how.moves]})")
    print(f"{'kind':<34}" + "".join(f"{n + ' first':>16}{n + ' move':>15}" for n in names))
    kinds = sorted({k for pair in counts.values() for c in pair for k in c})
    for kind in [*kinds, "total"]:
        cells = "".join(
            f"{(sum(c.values()) if kind == 'total' else c[kind]):>16}{''}"
            if i == 0
            else f"{(sum(c.values()) if kind == 'total' else c[kind]):>15}"
            for pair in counts.values()
            for i, c in enumerate(pair)
        )
        print(f"{kind:<34}{cells}")
    return exit_code("errors", errors, 10)


# --- main ---------------------------------------------------------------------------------------


def exit_code(what: str, problems: list[str], shown: int) -> int:
    """Print how many ``problems`` there were and the first ``shown``; 1 if any, else 0."""
    print(f"{what}: {len(problems)}")
    for p in problems[:shown]:
        print(f"  {p}")
    return 1 if problems else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="sessions, without --ramp")
    parser.add_argument("--ramp", action="store_true", help="step through --steps sessions")
    parser.add_argument("--steps", default="25,50,100,150,200", help="sessions at each step")
    parser.add_argument("--seconds", type=float, default=60, help="measured time of a step")
    parser.add_argument("--think", type=float, default=3.0, help="mean pause between moves (s)")
    parser.add_argument("--jitter", type=float, default=0.5, help="± fraction of --think")
    parser.add_argument("--ramp-in", type=float, default=2.0, help="seconds to open a step's")
    parser.add_argument("--cache-hit", action="store_true", help="two shared settings in turn")
    parser.add_argument(
        "--moves",
        choices=[m for m in MOVES if m != "trivial"],
        default="page",
        help="what a move changes",
    )
    parser.add_argument("--compare", action="store_true", help="server CPU per rerun vs trivial")
    parser.add_argument(
        "--deltas", action="store_true", help="count a first run's and a move's messages"
    )
    parser.add_argument("--rounds", type=int, default=6, help="with --compare: rounds of each")
    parser.add_argument(
        "--baseline", help="with --compare: a checkout of another version, run beside them"
    )
    parser.add_argument(
        "--port-base", type=int, default=0, help="--compare/--deltas: servers' ports from here"
    )
    parser.add_argument("--url", help="drive a running server or nginx front instead")
    parser.add_argument("--pids", default="", help="with --url: server pids, e.g. 123,456")
    parser.add_argument("--replicas", type=int, default=0, help="start K replicas behind nginx")
    parser.add_argument("--server-args", default="", help="extra flags for our servers")
    parser.add_argument("--settle", type=float, default=15, help="wait after closing (s)")
    parser.add_argument(
        "--session-ttl",
        type=int,
        default=5,
        help="server.disconnectedSessionTTL (s) of our servers; Streamlit's default is 120",
    )
    args = parser.parse_args()
    args.steps = [int(n) for n in args.steps.split(",")] if args.ramp else [args.sessions]
    if not all(1 <= n <= 300 for n in args.steps) or args.steps != sorted(args.steps):
        parser.error("sessions must be 1..300, and --steps increasing")
    if not (0 < args.seconds <= 900 and 0 <= args.think <= 60 and 0 <= args.jitter <= 1):
        parser.error("--seconds must be 0..900, --think 0..60 and --jitter 0..1")
    if args.url and (args.replicas or args.server_args):
        parser.error("--url drives a running server: no --replicas or --server-args")
    if args.compare and (args.url or args.replicas or args.ramp or args.cache_hit):
        parser.error(
            "--compare starts its own two servers: no --url, --replicas, --ramp or --cache-hit"
        )
    if args.cache_hit and args.moves != "page":
        parser.error("--cache-hit alternates two settings of the default moves (--moves page)")
    if args.baseline and not (Path(args.baseline) / "app" / "streamlit_app.py").is_file():
        parser.error("--baseline must be a checkout of the repository (app/streamlit_app.py)")
    if args.baseline and not (args.compare or args.deltas):
        parser.error("--baseline goes with --compare or --deltas")
    if not 2 <= args.rounds <= 50:
        parser.error("--rounds must be 2..50")
    if args.url and urllib.parse.urlsplit(args.url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--url must be on this machine (127.0.0.1)")
    return args


def main() -> int:
    args = parse_args()
    how = Behaviour(
        think=args.think, jitter=args.jitter, cache_hit=args.cache_hit, moves=args.moves
    )
    extra = [f"--server.disconnectedSessionTTL={args.session_ttl}"]
    extra += shlex.split(args.server_args)
    if args.compare:
        return compare(args, how, extra)
    if args.deltas:
        return deltas(args, how, extra)
    with contextlib.ExitStack() as stack:
        if args.url:
            pids = tuple(int(p) for p in args.pids.split(",") if p)
            target, what = Target(args.url.rstrip("/"), pids), args.url
        elif args.replicas:
            c = stack.enter_context(run_replicas.cluster(args.replicas, extra=extra))
            target = Target(c.url, tuple(c.pids))
            what = f"nginx {c.url} -> {args.replicas} replicas (pids {c.pids}, logs {c.workdir})"
        else:
            if not args.ramp:
                edge_timings()
                session_memory()
            server = stack.enter_context(streamlit_server.serve(extra=extra))
            target, what = Target(server.url, (server.pid,)), f"{server.url} (pid {server.pid})"
        print(
            f"\nLoad on {what}: steps {args.steps}, {args.seconds:g} s each, think "
            f"{args.think:g} s ±{100 * args.jitter:.0f} %, "
            f"{'cache hits (two shared settings)' if args.cache_hit else MOVES[args.moves]}"
            f"{', server flags ' + args.server_args if args.server_args else ''}"
            f"; {os.cpu_count()} cores; load average {load_average()}",
            flush=True,
        )
        # One session first, so imports and the first cache entries are not the load's.
        warm, _ = asyncio.run(ramp(target, [1], 2, dataclasses.replace(how, think=0.2), ramp_in=0))
        time.sleep(1)
        before = sum(rss_mb(p) for p in target.pids) if target.pids else None
        print(HEADER, flush=True)
        steps, rec = asyncio.run(
            ramp(
                target,
                args.steps,
                args.seconds,
                how,
                args.ramp_in,
                report=lambda s: print(row(s, bool(target.pids)), flush=True),
            )
        )
        if target.pids and not args.ramp:
            time.sleep(args.settle)
            after = sum(rss_mb(p) for p in target.pids)
            print(
                f"server RSS before {before:.0f} MB, {args.settle:g} s after closing "
                f"{after:.0f} MB ({after - before:+.0f} MB)"
            )
    errors = warm[0].errors + [e for s in steps for e in s.errors]
    if rec.replicas and rec.replicas.keys() != {"-"}:
        print(
            "sessions per replica (route cookie): "
            + ", ".join(f"{k} {v}" for k, v in sorted(rec.replicas.items()))
        )
    print(
        "bytes a rerun sends (websocket messages, mean), by step: "
        + ", ".join(f"{s.kb_per_rerun():.1f} KB" for s in steps)
    )
    print(
        f"downloads through /media/: {rec.downloads} "
        f"({rec.download_retries} GETs were 404 and clicked again); "
        f"load average now {load_average()}"
    )
    return exit_code("errors", errors, 10)


if __name__ == "__main__":
    sys.exit(main())
