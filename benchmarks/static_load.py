"""Benchmark: a class's first loads of the chart's plotly.js, all at once, through nginx.

A class that opens the playground together asks for ``app/static/plotly/...`` once per
student. Streamlit gzips ``app/static/`` itself, at level 5, on every request, in the
replica's Python process, where the students' reruns also run. This sends ``--students``
GETs of that file (``--concurrency`` at a time, each asking for gzip as a browser does)
through nginx in front of one replica (``deploy/run_replicas.py``, the deploy's config),
and prints the wall time, the replica's CPU (``/proc/<pid>/stat``) and nginx's, and the
bytes sent; ``--rounds`` repeats it, with medians. It stops if a GET came back other than
gzipped, as the figures would then measure another download.

    .venv/bin/python benchmarks/static_load.py --students 150 --rounds 5

Timing lives here only; the tests assert behaviour, never time.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load_test import cpu_seconds  # noqa: E402
from deploy import run_replicas  # noqa: E402

PATH = "/app/static/plotly/plotly-basic-4.1.1.min.js"  # app/ui/live_chart: _PLOTLY
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (nginx's workers), from ``/proc/<pid>/task``."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(v) for v in text]
    return out


def fetch(url: str) -> tuple[int, str]:
    """The bytes of one GET as a browser asks for it, and the encoding they came in."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with _OPENER.open(request, timeout=60) as response:
        return len(response.read()), response.headers.get("Content-Encoding", "identity")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=150)
    parser.add_argument("--concurrency", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the start")
    with run_replicas.cluster(1) as c:
        replica, url = c.replicas[0].pid, c.url + PATH
        fetch(url)  # the first request warms the file
        rows = []
        for _ in range(args.rounds):
            nginx = [c.nginx.pid, *children(c.nginx.pid)]
            before = cpu_seconds(replica), sum(cpu_seconds(p) for p in nginx)
            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
                answers = list(pool.map(fetch, [url] * args.students))
            wall = time.perf_counter() - start
            after = cpu_seconds(replica), sum(cpu_seconds(p) for p in nginx)
            encodings = {encoding for _, encoding in answers}
            if encodings != {"gzip"}:  # the figures would measure another download
                sys.exit(f"the file came back as {sorted(encodings)}, not gzip alone")
            sizes = sum(size for size, _ in answers)
            rows.append((wall, after[0] - before[0], after[1] - before[1], sizes))
    print(f"{args.students} GETs of {PATH}, {args.concurrency} at a time, {args.rounds} rounds")
    print(f"{'':<26}{'median':>10}{'min':>10}{'max':>10}")
    for i, name in enumerate(("wall s", "replica CPU s", "nginx CPU s", "MB sent")):
        values = [r[i] / (1e6 if i == 3 else 1) for r in rows]
        print(f"{name:<26}{statistics.median(values):10.2f}{min(values):10.2f}{max(values):10.2f}")
    per = statistics.median(r[1] for r in rows) / args.students * 1000
    print(f"replica CPU per student: {per:.1f} ms; load average {os.getloadavg()[0]:.2f} now")


if __name__ == "__main__":
    main()
