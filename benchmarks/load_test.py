"""Load test: N browser-like sessions moving sliders against one Streamlit server.

Starts its own server on a free loopback port, opens ``--sessions`` websocket sessions
that speak Streamlit's protocol (as the browser does: a ``rerun_script`` BackMsg with the
widget states, then ForwardMsgs until ``script_finished``), and has each one change the
learning rate and the noise in a loop for ``--seconds``. It reports:

* errors (must be 0): an exception element in the deltas, a run that does not finish
  successfully, a timeout or a dropped connection;
* the response time of a rerun (request sent -> ``script_finished``), p50 / p95 / max;
* the server's resident memory (VmRSS) before, at its peak during, and after the
  sessions close (``--settle`` seconds later);
* before the load: build times of the edge settings and the traced memory of one
  session's computation at the largest settings.

    .venv/bin/python benchmarks/load_test.py --sessions 30 --seconds 60

Exits 1 if there was any error. Needs ``websockets`` (installed with Streamlit).
"""

from __future__ import annotations

import argparse
import asyncio
import pickle
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import plotly.io as pio
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.charts import playground_figure  # noqa: E402
from app.compute import run  # noqa: E402
from app.params import PARAMS  # noqa: E402
from app.settings import Settings  # noqa: E402

APP = ROOT / "app" / "streamlit_app.py"
RUN_TIMEOUT_S = 60
LRS = [f"{v:g}" for v in PARAMS["lr"].options]  # the select_slider's labels


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (no psutil needed)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def start_server(port: int, session_ttl: int, log) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        f"--server.disconnectedSessionTTL={session_ttl}",
    ]
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server was not healthy after 60 s")


# --- one session --------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reruns: int = 0


def rerun_msg(widgets: dict[str, tuple[str, object]], query_string: str = "") -> bytes:
    bm = BackMsg()
    cs = bm.rerun_script
    cs.query_string = query_string
    cs.context_info.timezone = "UTC"
    cs.context_info.color_scheme = "light"
    for wid, (kind, value) in widgets.items():
        w = cs.widget_states.widgets.add()
        w.id = wid
        if kind == "double":
            w.double_array_value.data.append(value)
        else:
            w.string_array_value.data.append(value)
    return bm.SerializeToString()


async def read_run(ws) -> tuple[dict[str, str], list[str], str]:
    """Read ForwardMsgs until the run ends: (widget key -> id, exception messages, status)."""
    ids, exceptions = {}, []
    while True:
        fm = ForwardMsg()
        fm.ParseFromString(await asyncio.wait_for(ws.recv(), RUN_TIMEOUT_S))
        kind = fm.WhichOneof("type")
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            element = fm.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                exceptions.append(element.exception.message[:200])
            elif which in ("slider", "select_slider") or hasattr(
                getattr(element, which, None), "id"
            ):
                proto = getattr(element, which)
                wid = getattr(proto, "id", "")
                if wid and "-" in wid:
                    ids[wid.rsplit("-", 1)[-1]] = wid
        elif kind == "script_finished":
            return ids, exceptions, ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)


async def session(k: int, url: str, until: float, stats: Stats) -> None:
    rnd = random.Random(k)
    try:
        async with websockets.connect(
            url, subprotocols=["streamlit"], max_size=None, open_timeout=RUN_TIMEOUT_S
        ) as ws:
            await ws.send(rerun_msg({}))  # the page load
            ids, exceptions, status = await read_run(ws)
            stats.errors += [f"session {k} first run: {e}" for e in exceptions]
            if status != "FINISHED_SUCCESSFULLY":
                stats.errors.append(f"session {k} first run: {status}")
            lr_id, noise_id = ids.get("lr"), ids.get("noise")
            if not (lr_id and noise_id):
                stats.errors.append(f"session {k}: lr/noise widgets not found in {sorted(ids)}")
                return
            while time.monotonic() < until:  # bounded by the clock
                lr, noise = rnd.choice(LRS), round(rnd.randrange(0, 51) * 0.1, 1)
                t0 = time.perf_counter()
                await ws.send(
                    rerun_msg(
                        {lr_id: ("string", lr), noise_id: ("double", noise)},
                        query_string=f"lr={lr}&noise={noise:g}",
                    )
                )
                _, exceptions, status = await read_run(ws)
                stats.latencies.append(time.perf_counter() - t0)
                stats.reruns += 1
                stats.errors += [f"session {k} lr={lr} noise={noise}: {e}" for e in exceptions]
                if status != "FINISHED_SUCCESSFULLY":
                    stats.errors.append(f"session {k} lr={lr} noise={noise}: {status}")
                await asyncio.sleep(rnd.uniform(0.0, 0.2))  # a user's pause between moves
    except (TimeoutError, OSError, websockets.WebSocketException) as e:
        stats.errors.append(f"session {k}: {type(e).__name__}: {e}")


async def sample_rss(pid: int, stop: asyncio.Event, peak: list[float]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mb(pid))
        await asyncio.sleep(0.25)


async def load(pid: int, url: str, n: int, seconds: float) -> tuple[Stats, float]:
    stats, peak, stop = Stats(), [rss_mb(pid)], asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, stop, peak))
    until = time.monotonic() + seconds
    await asyncio.gather(*(session(k, url, until, stats) for k in range(n)))
    stop.set()
    await sampler
    return stats, peak[0]


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
    print("Build times at the edges (compute.run + playground_figure + to_json, best of 3):")
    for name, s in EDGES.items():
        best = [float("inf")] * 3
        for _ in range(3):
            t0 = time.perf_counter()
            r = run(s)
            t1 = time.perf_counter()
            fig = playground_figure(r)
            t2 = time.perf_counter()
            text = pio.to_json(fig, validate=False)
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
    text = pio.to_json(fig, validate=False)
    cached = pickle.dumps(r), pickle.dumps(fig)  # what st.cache_data stores
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"Memory of one session's computation at 5000 epochs x 10,000 samples (tracemalloc):\n"
        f"  peak {peak / 1e6:.1f} MB while building, {current / 1e6:.1f} MB held after "
        f"(run + figure + JSON + the two cache pickles: {len(cached[0]) / 1e6:.2f} MB run, "
        f"{len(cached[1]) / 1e6:.2f} MB figure, JSON {len(text) / 1e6:.2f} MB)"
    )


# --- main ---------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if values else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--settle", type=float, default=15, help="wait after closing (s)")
    parser.add_argument(
        "--session-ttl",
        type=int,
        default=5,
        help="server.disconnectedSessionTTL (s); Streamlit's default is 120",
    )
    args = parser.parse_args()
    if not (1 <= args.sessions <= 200 and 0 < args.seconds <= 900):
        parser.error("--sessions must be 1..200 and --seconds 0..900")

    edge_timings()
    session_memory()

    port = free_port()
    with tempfile.TemporaryFile(mode="w+") as log:
        server = start_server(port, args.session_ttl, log)
        try:
            url = f"ws://127.0.0.1:{port}/_stcore/stream"
            # One session first, so imports and the first cache entry are not the load's.
            warm, _ = asyncio.run(load(server.pid, url, 1, 2))
            time.sleep(1)
            before = rss_mb(server.pid)
            print(
                f"\nLoad: {args.sessions} sessions x {args.seconds:g} s on 127.0.0.1:{port} "
                f"(server pid {server.pid}, disconnectedSessionTTL {args.session_ttl} s)"
            )
            t0 = time.perf_counter()
            stats, peak = asyncio.run(load(server.pid, url, args.sessions, args.seconds))
            elapsed = time.perf_counter() - t0
            time.sleep(args.settle)
            after = rss_mb(server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    errors = warm.errors + stats.errors
    lat = sorted(stats.latencies)
    print(f"  reruns        {stats.reruns} in {elapsed:.1f} s ({stats.reruns / elapsed:.1f}/s)")
    print(f"  errors        {len(errors)}")
    for e in errors[:10]:
        print(f"    {e}")
    if lat:
        print(
            f"  rerun -> script_finished: p50 {1e3 * percentile(lat, 50):.0f} ms, "
            f"p95 {1e3 * percentile(lat, 95):.0f} ms, max {1e3 * lat[-1]:.0f} ms"
        )
    growth = peak - before
    print(
        f"  server RSS    before {before:.0f} MB, peak {peak:.0f} MB (+{growth:.0f} MB, "
        f"{growth / args.sessions:.1f} MB a session), {args.settle:g} s after closing "
        f"{after:.0f} MB ({after - before:+.0f} MB from before)"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
