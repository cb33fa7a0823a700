"""Profile the app's reruns on a real server: where a slider move's server CPU goes.

Starts ``streamlit run app/streamlit_app.py`` through a launcher that wraps each script
run in ``cProfile`` (CPU time of the script's thread, ``time.thread_time``), one profile
for runs of the whole page and one for fragment runs, and profiles the server's main
thread (Tornado's event loop: the websocket, the messages' serialisation) the same way.
One session of ``load_test.py`` then moves for ``--seconds`` with each of ``--moves``;
at the end the server writes its profiles and this prints, for each, the CPU per run
and the functions with the most cumulative time.

    .venv/bin/python benchmarks/profile_rerun.py --moves page,fragment,lr --seconds 15
    .venv/bin/python benchmarks/profile_rerun.py --moves lr --top 40 --save /tmp/prof

Timing lives in the benchmarks; cProfile roughly doubles the cost of a Python call, so
read the shares, not the absolute figures (``load_test.py --compare`` measures those).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import load_test  # noqa: E402
from deploy import streamlit_server  # noqa: E402

# Run as the server's ``python -c``: the patch, then Streamlit's own command line.
LAUNCHER = """
import cProfile, signal, sys, threading, time
from collections import Counter
from streamlit.runtime.scriptrunner import script_runner

OUT = sys.argv.pop(1)
PROFILE = sys.argv.pop(1) == "profile"  # else only the script thread's CPU time is counted
profiles = {kind: cProfile.Profile(time.thread_time) for kind in ("page", "fragment")}
runs, cpu = Counter(), Counter()
lock = threading.Lock()  # one run profiled at a time (the driver runs one session)
_run_script = script_runner.ScriptRunner._run_script

def _profiled(self, rerun_data):
    kind = "fragment" if rerun_data.fragment_id_queue else "page"
    with lock:
        t0 = time.thread_time()
        if PROFILE:
            profiles[kind].enable()
        try:
            return _run_script(self, rerun_data)
        finally:
            if PROFILE:
                profiles[kind].disable()
            cpu[kind] += time.thread_time() - t0
            runs[kind] += 1

script_runner.ScriptRunner._run_script = _profiled
main_thread = cProfile.Profile(time.thread_time)

def _dump(*_):
    main_thread.disable()
    with lock:
        for kind, profile in profiles.items():
            profile.dump_stats(f"{OUT}/{kind}.prof")
        main_thread.dump_stats(f"{OUT}/main.prof")
        with open(f"{OUT}/runs.txt", "w") as f:
            for kind in profiles:
                f.write(f"{kind} {runs[kind]} {cpu[kind]}\\n")
    main_thread.enable()

def _reset(*_):
    global main_thread
    with lock:
        for kind in profiles:
            profiles[kind] = cProfile.Profile(time.thread_time)
        runs.clear()
        cpu.clear()
    main_thread.disable()
    main_thread = cProfile.Profile(time.thread_time)
    if PROFILE:
        main_thread.enable()

signal.signal(signal.SIGUSR1, _dump)
signal.signal(signal.SIGUSR2, _reset)
if PROFILE:
    main_thread.enable()
from streamlit.web.cli import main
sys.argv = ["streamlit", *sys.argv[1:]]
main()
"""


def drive(url: str, moves: str, seconds: float) -> None:
    how = load_test.Behaviour(think=0.2, jitter=0.3, moves=moves, downloads=False)
    steps, _ = asyncio.run(load_test.ramp(load_test.Target(url), [1], seconds, how, ramp_in=0))
    step = steps[0]
    print(f"{moves}: {step.reruns} reruns, errors {len(step.errors)} {step.errors[:2]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", default="page,fragment,lr", help="load_test.py's --moves")
    parser.add_argument("--seconds", type=float, default=15, help="of each kind of move")
    parser.add_argument("--top", type=int, default=25, help="functions shown per profile")
    parser.add_argument("--save", help="a folder to keep the .prof files in")
    parser.add_argument(
        "--no-profile",
        action="store_true",
        help="no cProfile: the script thread's CPU per run beside the process's",
    )
    args = parser.parse_args()
    out = Path(args.save or tempfile.mkdtemp(prefix="profile_rerun_"))
    out.mkdir(parents=True, exist_ok=True)
    port = streamlit_server.free_port()
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
    mode = "count" if args.no_profile else "profile"
    command = [sys.executable, "-c", LAUNCHER, str(out), mode, "run", str(streamlit_server.APP)]
    command += ["--server.headless", "true", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        streamlit_server.wait_healthy(f"{url}/_stcore/health", process, log)
        drive(url, "lr", 3)  # imports and first runs: not profiled
        os.kill(process.pid, signal.SIGUSR2)
        time.sleep(0.5)
        cpu0 = load_test.cpu_seconds(process.pid)
        for moves in args.moves.split(","):
            drive(url, moves, args.seconds)
        cpu = load_test.cpu_seconds(process.pid) - cpu0
        os.kill(process.pid, signal.SIGUSR1)
        time.sleep(2)
        rows = [line.split() for line in (out / "runs.txt").read_text().splitlines()]
        for kind, n, thread_cpu in rows:
            if int(n):
                print(
                    f"{kind} runs: {n}, {1e3 * float(thread_cpu) / int(n):.1f} ms of "
                    f"script-thread CPU each{'' if args.no_profile else ' (profiled)'}"
                )
        runs = sum(int(n) for _, n, _ in rows)
        print(f"the server process: {1e3 * cpu / max(runs, 1):.1f} ms of CPU per run, all threads")
        if args.no_profile:
            return 0
        for kind in ("page", "fragment", "main"):
            stream = io.StringIO()
            try:
                stats = pstats.Stats(str(out / f"{kind}.prof"), stream=stream)
            except TypeError:  # no run of this kind: an empty profile
                continue
            stats.sort_stats("cumulative").print_stats(args.top)
            print(f"\n===== {kind}: cumulative CPU =====")
            print(stream.getvalue())
    finally:
        streamlit_server.stop(process)
        log.close()
    print(f"profiles in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
