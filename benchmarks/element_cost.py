"""What one more Streamlit element costs the server per rerun, beside the trivial app.

Serves the trivial one-slider app of ``load_test.py`` (:data:`~benchmarks.load_test.TRIVIAL_APP`)
and copies of it that draw ``--n`` more elements of one kind after its slider (Markdown,
empty containers, sliders, and sliders as the playground draws them: bound to the URL,
with help and ``persist_state``), each a server of its own on ports from ``--port-base``.
``load_test.py``'s sessions move the trivial slider on each in turn for ``--rounds``
rounds (the order changes every round); it prints each server's CPU per rerun and, per
kind, the cost of one element: (its app's - the trivial app's) / ``--n``.

    .venv/bin/python benchmarks/element_cost.py --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import load_test  # noqa: E402
from deploy import streamlit_server  # noqa: E402

#: Each kind's lines, appended to the trivial app (``{n}``: how many).
KINDS = {
    "markdown": "for i in range({n}):\n    st.markdown(f'line {{i}}')\n",
    "container": "for i in range({n}):\n    st.container()\n",
    "slider": "for i in range({n}):\n    st.slider(f's{{i}}', 0, 10, 5, key=f's{{i}}')\n",
    "slider as the playground's": (
        "for i in range({n}):\n    st.slider(f's{{i}}', 0, 10, 5, key=f's{{i}}', "
        "help='h', bind='query-params', persist_state='session')\n"
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=30, help="elements added of each kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5, help="of each server in a round")
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--port-base", type=int, default=0, help="else free ports")
    args = parser.parse_args()
    how = load_test.Behaviour(think=0.3, jitter=0.5, moves="trivial", downloads=False)
    apps = {"trivial": ""} | {kind: body.format(n=args.n) for kind, body in KINDS.items()}
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        servers = {}
        for i, (name, body) in enumerate(apps.items()):
            script = Path(tmp) / f"app{i}.py"
            script.write_text(load_test.TRIVIAL_APP + body)
            port = args.port_base + i if args.port_base else None
            extra = ["--server.disconnectedSessionTTL=5"]
            servers[name] = stack.enter_context(streamlit_server.serve(script, port, extra=extra))
        for server in servers.values():  # imports, first runs
            asyncio.run(load_test.ramp(load_test.Target(server.url), [1], 2, how, ramp_in=0))
        print(
            f"{len(servers)} servers, {args.sessions} sessions, {args.rounds} rounds of "
            f"{args.seconds:g} s; load average {load_test.load_average()}",
            flush=True,
        )
        per: dict[str, list[float]] = {name: [] for name in servers}
        names = list(servers)
        for r in range(args.rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                server = servers[name]
                target = load_test.Target(server.url, (server.pid,))
                steps, _ = asyncio.run(
                    load_test.ramp(target, [args.sessions], args.seconds, how, 2.0)
                )
                errors += [f"{name}: {e}" for e in steps[0].errors]
                per[name].append(steps[0].server_ms_per_rerun() or float("nan"))
                print(f"{r + 1:3d} {name:>28} {per[name][-1]:6.2f} ms a rerun", flush=True)
    base = statistics.fmean(per["trivial"])
    print(f"trivial app: {base:.2f} ms of server CPU a rerun")
    for name in KINDS:
        mean = statistics.fmean(per[name])
        print(
            f"  + {args.n} {name}: {mean:.2f} ms, {1e3 * (mean - base) / args.n:.0f} µs an "
            f"element (rounds {' '.join(f'{v:.2f}' for v in per[name])})"
        )
    print(f"load average now {load_test.load_average()}")
    return load_test.exit_code("errors", errors, 10)


if __name__ == "__main__":
    sys.exit(main())
