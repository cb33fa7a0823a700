"""Benchmark: how fast the playground answers a slider key press, in a real Chromium.

One run starts the Streamlit servers and drives them with Playwright:

* ``a``  a trivial app: one slider and one line of text (the cost of any rerun);
* ``b``  a bare app that only re-sends the playground's own figure, built in advance
  for lr 0.01 and 0.015, through ``app.ui.chart.show_figure`` (the floor for drawing
  that figure with the chart mechanism the app uses);
* ``c``  the app itself (``app/streamlit_app.py``), at default settings and at the
  maximum (``?n_samples=10000&epochs=5000``).

For each it focuses the ``Learning rate`` slider, presses ArrowRight/ArrowLeft in
turn, and times keydown -> the last DOM mutation before 300 ms of quiet with the
script state ``notRunning``. It also records the websocket bytes received per
rerun, the animation's smoothness (requestAnimationFrame callbacks and Plotly frame
advances per second while Play runs, and its measured vs promised duration) and
the cold start (server process start -> first complete render).

``b`` and ``c`` run once per chart backend (``GD_CHART_BACKEND``). Timing lives
here only; the tests assert behaviour, never time.

Run: ``.venv/bin/python benchmarks/bench_interaction.py [--presses 20] [--mode both]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy import streamlit_server  # noqa: E402

PYTHON = sys.executable
APP = ROOT / "app/streamlit_app.py"
LABEL = "Learning rate"
MAX_QUERY = "n_samples=10000&epochs=5000"
QUIET_MS = 300
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

TRIVIAL_APP = f"""
import streamlit as st
v = st.slider({LABEL!r}, 0, 100, 10)
st.write(f"value = {{v}}")
"""

# The floor: the app's own figure for two learning rates, built once at startup,
# shown with the app's show_figure (so the same backend as the app).
FIGURE_APP = textwrap.dedent(f"""
    import sys
    sys.path.insert(0, {str(ROOT)!r})
    import streamlit as st
    from app.charts import ChartStyle, playground_figure
    from app.compute import run
    from app.params import SPEEDS, defaults, settings_from
    from app.ui.chart import show_figure

    LRS = (0.01, 0.015)

    @st.cache_resource
    def figures(n_samples, epochs):
        out = {{}}
        for lr in LRS:
            v = defaults() | {{"lr": lr, "n_samples": n_samples, "epochs": epochs}}
            out[lr] = playground_figure(
                run(settings_from(v)), style=ChartStyle(), show_ls=v["show_ls"],
                log_loss=v["log_loss"], seconds=SPEEDS[v["speed"]])
        return out

    q = st.query_params
    figs = figures(int(q.get("n_samples", 100)), int(q.get("epochs", 100)))
    lr = st.select_slider({LABEL!r}, LRS, format_func=lambda v: f"{{v:g}}")
    show_figure(figs[lr], alt="Gradient descent", filename="bench", key="playground_chart")
""")

# Installed before the page's own scripts: the time of the key press, of the last
# DOM mutation and of the last websocket message, and the number of messages.
TRACKER_JS = """
(() => {
  const s = (window.__b = {t0: null, mutation: null, message: null, msgs: 0, msgsAtT0: 0});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => { s.msgs += 1; s.message = performance.now(); });
    }
  };
  new MutationObserver(() => (s.mutation = performance.now())).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
  addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      Object.assign(s, {t0: performance.now(), mutation: null, message: null, msgsAtT0: s.msgs});
    }
  }, true);
})();
"""
# Done: a rerun happened (messages arrived), the script is idle, and neither the DOM
# nor the websocket has changed for QUIET_MS.
QUIET_JS = """(quiet) => {
  const s = window.__b, now = performance.now();
  const state = document.querySelector("[data-testid=stApp]")?.dataset.testScriptState;
  return s.t0 !== null && s.msgs > s.msgsAtT0 && s.mutation !== null && state === "notRunning"
    && now - Math.max(s.mutation, s.message ?? 0) >= quiet;
}"""
GRAPH = ".js-plotly-plot"
IDLE = "document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
READY_TEXT = f"() => {IDLE} && !!document.querySelector('[data-testid=stMarkdown]')"
READY_CHART = (
    f"() => {IDLE} && document.querySelectorAll('{GRAPH} .cartesianlayer .subplot').length >= 4"
)

# While Play runs: requestAnimationFrame callbacks, Plotly frame events, and whether
# the landscape's filled levels stay drawn. Resolves when the last frame is shown.
ANIMATION_JS = """async ([sel, timeoutMs]) => {
  const gd = document.querySelector(sel);
  const nFrames = gd._transitionData._frames.length;
  const frameMs = gd.layout.updatemenus[0].buttons[0].args[1].frame.duration;
  // the landscape's filled level sets: scatter fills in the fourth panel
  const fills = () => gd.querySelectorAll(".cartesianlayer .fills path").length;
  const fillsBefore = fills();
  let raf = 0, minFills = fillsBefore, running = true;
  const times = [];
  const tick = () => { raf += 1; if (running) requestAnimationFrame(tick); };
  gd.on("plotly_animatingframe", () => {
    times.push(performance.now());
    minFills = Math.min(minFills, fills());
  });
  const t0 = performance.now();
  requestAnimationFrame(tick);
  gd.querySelector(".updatemenu-button").dispatchEvent(new MouseEvent("click", {bubbles: true}));
  while (gd._fullLayout.sliders[0].active < nFrames - 1 && performance.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 100));
  running = false;
  const first = times[0], last = times[times.length - 1];
  const seconds = (last - first) / 1000;
  const rafDuring = raf;  // over the whole play, click to end
  const tickMs = 1000 / 60;  // Plotly shows a frame at the next display frame
  return {nFrames, frameMs, promised: Math.ceil(frameMs / tickMs) * tickMs * (nFrames - 1) / 1000,
          measured: seconds,
          fromClick: (last - t0) / 1000, frameEvents: times.length,
          fps: rafDuring / ((performance.now() - t0) / 1000),
          framesPerSecond: (times.length - 1) / seconds,
          reachedEnd: gd._fullLayout.sliders[0].active === nFrames - 1,
          fillsBefore, minFills};
}"""


@dataclass
class Target:
    """One page to measure: a server (app + backend) opened at a query string."""

    name: str
    backend: str
    url: str
    ready: str
    page: object = None
    key: str = "ArrowRight"
    wire: list = field(default_factory=lambda: [0])  # websocket bytes since the last reset
    samples: list = field(default_factory=list)  # (total ms, script ms, bytes)
    cold_s: float | None = None
    new_bytes: int = 0  # websocket bytes of the first press (a figure the page has not seen)


def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wait_for_low_load(limit: float, max_wait_s: float) -> None:
    """Wait (bounded) until the 1-minute load average drops below ``limit``."""
    deadline = time.monotonic() + max_wait_s
    while load1() >= limit and time.monotonic() < deadline:
        print(f"  load {loadavg()} >= {limit}: waiting…", flush=True)
        time.sleep(30)


def start_server(script: Path, port: int, backend: str) -> tuple[subprocess.Popen, float]:
    """Start ``streamlit run`` (repo config) and return the process and its start time."""
    env = os.environ | {"GD_CHART_BACKEND": backend}
    t0 = time.perf_counter()
    server = streamlit_server.start(script, port, env=env, timeout=90)
    return server.process, t0


def open_target(browser, target: Target) -> float:
    """Open the page, wait for the first complete render; return seconds taken."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(TRACKER_JS)
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda p: target.wire.__setitem__(0, target.wire[0] + len(p))
        ),
    )
    t = time.perf_counter()
    page.goto(target.url)
    page.wait_for_function(target.ready, polling=50, timeout=120_000)
    target.page = page
    focus_slider(page)
    return time.perf_counter() - t


def focus_slider(page) -> None:
    page.locator(f"[role=group][aria-label='{LABEL}'] input[type=range]").first.focus()


def press(target: Target) -> tuple[float, float, int]:
    """One key press; returns (ms to the last DOM change, ms to the last message, bytes)."""
    page = target.page
    if not page.evaluate("() => document.activeElement?.type === 'range'"):
        focus_slider(page)
    target.wire[0] = 0
    page.keyboard.press(target.key)
    target.key = "ArrowLeft" if target.key == "ArrowRight" else "ArrowRight"
    page.wait_for_function(QUIET_JS, arg=QUIET_MS, polling=20, timeout=120_000)
    total, script = page.evaluate("() => [__b.mutation - __b.t0, __b.message - __b.t0]")
    return total, script, target.wire[0]


def measure(targets: list[Target], presses: int, warmup: int) -> None:
    """Round-robin presses over all pages, rotating the order, so load hits all alike."""
    for i in range(warmup + presses):
        k = i % len(targets)
        for target in targets[k:] + targets[:k]:
            sample = press(target)
            if i == 0:
                target.new_bytes = sample[2]
            if i >= warmup:
                target.samples.append(sample)


def animate(browser, target: Target) -> dict:
    """Play once on a fresh page; rAF rate, frame rate and duration vs the promise."""
    fresh = Target(target.name, target.backend, target.url, target.ready)
    open_target(browser, fresh)
    fresh.page.wait_for_timeout(500)
    result = fresh.page.evaluate(ANIMATION_JS, [GRAPH, 60_000])
    fresh.page.close()
    return result


def pct(values, q: float) -> float:
    return float(np.percentile(values, q))


def print_latency(targets: list[Target], presses: int) -> dict:
    print(f"\nkey press -> page updated, {presses} presses each   (load {loadavg()})")
    print("KB new: websocket bytes of a rerun showing a figure the page has not had yet;")
    print("KB seen: median over the timed presses (Streamlit re-sends cached elements by hash)")
    print(
        f"{'case':<16}{'backend':<14}{'p50 ms':>8}{'p95 ms':>8}{'mean':>7}"
        f"{'script p50':>11}{'KB new':>8}{'KB seen':>8}{'cold s':>8}"
    )
    stats = {}
    for t in targets:
        total = [s[0] for s in t.samples]
        script = [s[1] for s in t.samples]
        kb = np.median([s[2] for s in t.samples]) / 1024
        stats[t.name, t.backend] = (pct(total, 50), pct(total, 95))
        cold = f"{t.cold_s:8.1f}" if t.cold_s is not None else f"{'':8}"
        print(
            f"{t.name:<16}{t.backend:<14}{pct(total, 50):8.0f}{pct(total, 95):8.0f}"
            f"{np.mean(total):7.0f}{pct(script, 50):11.0f}{t.new_bytes / 1024:8.1f}{kb:8.1f}{cold}"
        )
    return stats


def print_ratios(stats: dict, backends: list[str]) -> None:
    a50, a95 = stats["a trivial", "-"]
    print(f"\nratios (p50 / p95)   (load {loadavg()})")
    for backend in backends:
        for which in ("default", "max"):
            c50, c95 = stats[f"c app {which}", backend]
            b50, b95 = stats[f"b figure {which}", backend]
            print(
                f"  {backend:<13} {which:<8} c/a {c50 / a50:5.2f} / {c95 / a95:5.2f}"
                f"   c/b {c50 / b50:5.2f} / {c95 / b95:5.2f}"
                f"{'' if c50 / b50 <= 1.3 else '   (over the c/b <= 1.3 budget)'}"
            )
    if len(backends) == 2:
        for which in ("default", "max"):
            ca = [stats[f"c app {which}", b][0] / a50 for b in backends]
            print(f"  c/a {which}: {backends[0]} / {backends[1]} = {ca[0] / ca[1]:.2f}x")


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--mode", choices=["plotly_chart", "live", "both"], default="both")
    parser.add_argument("--port", type=int, default=8711)
    parser.add_argument("--max-load", type=float, default=2.0, help="wait for a lower load")
    parser.add_argument("--load-wait", type=float, default=600, help="seconds to wait at most")
    args = parser.parse_args()
    backends = ["plotly_chart", "live"] if args.mode == "both" else [args.mode]

    print(f"load at start {loadavg()}")
    wait_for_low_load(args.max_load, args.load_wait)
    tmp = Path(tempfile.mkdtemp(prefix="bench_interaction_"))
    (tmp / "trivial.py").write_text(TRIVIAL_APP)
    (tmp / "figure.py").write_text(FIGURE_APP)
    servers = [("a trivial", tmp / "trivial.py", "-")]
    for backend in backends:
        servers += [("b figure", tmp / "figure.py", backend), ("c app", APP, backend)]

    procs, targets = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for i, (name, script, backend) in enumerate(servers):
                port = args.port + i
                base = f"http://127.0.0.1:{port}/"
                ready = READY_TEXT if name.startswith("a") else READY_CHART
                proc, t0 = start_server(script, port, "plotly_chart" if backend == "-" else backend)
                procs.append(proc)
                if name.startswith("a"):
                    target = Target(name, backend, base, ready)
                    open_target(browser, target)
                    target.cold_s = time.perf_counter() - t0
                    targets.append(target)
                    continue
                for which, query in (("default", ""), ("max", MAX_QUERY)):
                    target = Target(
                        f"{name} {which}", backend, base + "?" * bool(query) + query, ready
                    )
                    open_target(browser, target)
                    if which == "default":
                        target.cold_s = time.perf_counter() - t0
                    targets.append(target)
            print(f"servers up, measuring (load {loadavg()})", flush=True)
            measure(targets, args.presses, args.warmup)
            stats = print_latency(targets, args.presses)
            print_ratios(stats, backends)

            print(f"\nanimation (Play, normal speed)   (load {loadavg()})")
            print(
                f"{'case':<16}{'backend':<14}{'rAF fps':>8}{'frames/s':>9}{'frames':>7}"
                f"{'measured s':>11}{'promised s':>11}{'landscape':>14}"
            )
            for t in targets:
                if not t.name.startswith("c"):
                    continue
                r = animate(browser, t)
                fill = f"{r['fillsBefore']}->{r['minFills']}"
                print(
                    f"{t.name:<16}{t.backend:<14}{r['fps']:8.1f}{r['framesPerSecond']:9.1f}"
                    f"{r['nFrames']:7d}{r['measured']:11.2f}{r['promised']:11.2f}{fill:>14}"
                    f"{'' if r['reachedEnd'] else '  (did not reach the end)'}"
                )
            browser.close()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    print(f"\nload at end {loadavg()}")


if __name__ == "__main__":
    main()
