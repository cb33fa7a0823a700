"""Benchmark: how fast the playground answers a slider key press, in a real Chromium.

One run starts these Streamlit servers, all from the project's folder and so under
the project's ``.streamlit/config.toml`` (the trivial app gets the same settings):

* ``a``  a trivial app: one slider and one line of text (the cost of any rerun);
* ``b``  bare apps that only show the playground's own figure, built in advance for
  lr 0.01 and 0.015, through each chart path: ``live`` (the app's in-place chart,
  ``app.ui.chart.show_figure``) and ``plotly_chart`` (Streamlit's ``st.plotly_chart``,
  the path the app used before, with Plotly's own slider and buttons for the frames);
* ``c``  the app itself (``app/streamlit_app.py``), at default settings and at the
  maximum (``?n_samples=10000&epochs=5000``).

For each it focuses the ``Learning rate`` slider, presses ArrowRight/ArrowLeft in
turn, and times keydown -> the page settled (its last DOM change before 400 ms of
quiet, with the script state ``notRunning``). It counts the chart's redraws per
update on any graph div, old or new: ``plotly_afterplot`` for a full draw,
``plotly_animated`` for a redraw of the changed traces alone. It records the
websocket bytes per rerun, and plays the app's animation once (frames per second,
duration against the promise, and whether the landscape image stays drawn).

Timing lives here only; the tests assert behaviour, never time.

Run: ``.venv/bin/python benchmarks/bench_interaction.py [--presses 20] [--cases ac]
[--baseline ../an-older-worktree]`` (``--help``: what each option does)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.streamlit_server import start, stop  # noqa: E402

APP = ROOT / "app/streamlit_app.py"
LABEL = "Learning rate"
MAX_QUERY = "n_samples=10000&epochs=5000"
QUIET_MS = 400
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

# The app's own figure for two learning rates, built once at startup and shown through
# one chart path, with a PNG file name that follows the rate as the app's does (a constant
# one hid that a new name made the live chart draw from scratch). For st.plotly_chart the
# player is Plotly's own slider and buttons (the HTML player exists only in the live chart).
FIGURE_APP = textwrap.dedent(f"""
    import sys
    sys.path.insert(0, {str(ROOT)!r})
    import plotly.graph_objects as go
    import streamlit as st
    from app.charts import ChartStyle, figure_json, playground_figure
    from app.model.compute import run
    from app.model.settings import Settings, View
    from app.ui.chart import show_figure

    LRS = (0.01, 0.015)
    PATH = sys.argv[1] if len(sys.argv) > 1 else "live"

    class Prebuilt(go.Figure):  # st.plotly_chart without re-validating the dict
        def __init__(self, spec):
            super().__init__()
            self._spec = spec
        def to_dict(self):
            return self._spec

    def plotly_player(spec):
        steps = [{{"label": f["name"], "method": "animate",
                  "args": [[f["name"]], {{"mode": "immediate", "frame": {{"duration": 0}}}}]}}
                 for f in spec["frames"]]
        play = {{"frame": {{"duration": spec["animation"]["frame_ms"], "redraw": False}},
                "fromcurrent": True, "mode": "immediate"}}
        layout = dict(spec["layout"], sliders=[{{"steps": steps, "active": len(steps) - 1}}],
                      updatemenus=[{{"type": "buttons", "buttons": [
                          {{"label": "Play", "method": "animate", "args": [None, play]}}]}}])
        return {{"data": spec["data"], "layout": layout, "frames": spec["frames"]}}

    @st.cache_resource
    def figures(n_samples, epochs):
        out = {{}}
        for lr in LRS:
            spec = playground_figure(run(Settings(lr=lr, n_samples=n_samples, epochs=epochs)),
                                     style=ChartStyle(), view=View())
            out[lr] = figure_json(spec) if PATH == "live" else plotly_player(spec)
        return out

    q = st.query_params
    figs = figures(int(q.get("n_samples", 100)), int(q.get("epochs", 100)))
    lr = st.select_slider({LABEL!r}, LRS, format_func=lambda v: f"{{v:g}}")
    if PATH == "live":
        show_figure(figs[lr], alt="Gradient descent", filename=f"bench-lr{{lr:g}}", key="chart")
    else:
        st.plotly_chart(Prebuilt(figs[lr]), theme=None, key="chart")
""")

# Installed before the page's own scripts: the time of the key press, of the last DOM
# mutation and of the last websocket message, the number of messages, and the number of
# chart draws on every graph div that appears: plotly_afterplot (a full draw) and
# plotly_animated (the changed traces redrawn in place; no Play runs while timing presses).
TRACKER_JS = """
(() => {
  const s = (window.__b = {t0: null, mutation: null, message: null, msgs: 0, msgsAtT0: 0,
                           draws: 0, drawsAtT0: 0});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => { s.msgs += 1; s.message = performance.now(); });
    }
  };
  // The chart draws inside a shadow root: observe every open shadow root too. They are
  // recorded as they are attached: a scan of every element for shadow roots, every 50 ms,
  // cost the app's page (a thousand elements and more) 3-6 ms of a key press, and the
  // trivial app's next to nothing (CPU profile).
  const hooked = new WeakSet(), roots = [];
  const onMutation = () => { s.mutation = performance.now(); };
  const observer = new MutationObserver(onMutation);
  const watch = (root) => {
    roots.push(root);
    observer.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  };
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...args) {
    const root = attachShadow.apply(this, args);
    if (args[0] && args[0].mode === "open") watch(root);
    return root;
  };
  const scan = () => {
    for (const root of roots) root.querySelectorAll(".js-plotly-plot").forEach(hook);
    document.querySelectorAll(".js-plotly-plot").forEach(hook);
  };
  const hook = (gd) => {
    if (!hooked.has(gd) && gd.on) {
      hooked.add(gd);
      gd.on("plotly_afterplot", () => s.draws++);
      gd.on("plotly_animated", () => s.draws++);
    }
  };
  watch(document);
  setInterval(scan, 50);
  addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      Object.assign(s, {t0: performance.now(), mutation: null, message: null,
                        msgsAtT0: s.msgs, drawsAtT0: s.draws});
    }
  }, true);
})();
"""
QUIET_JS = """(quiet) => {
  const s = window.__b, now = performance.now();
  const state = document.querySelector("[data-testid=stApp]")?.dataset.testScriptState;
  return s.t0 !== null && s.msgs > s.msgsAtT0 && s.mutation !== null && state === "notRunning"
    && now - Math.max(s.mutation, s.message ?? 0) >= quiet;
}"""
IDLE = "document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
READY_TEXT = f"() => {IDLE} && !!document.querySelector('[data-testid=stMarkdown]')"
# The first graph div on the page, whether in the document or in a component's shadow root.
FIND_GD = """(() => {
  const inDoc = document.querySelector('.js-plotly-plot');
  if (inDoc) return inDoc;
  for (const el of document.querySelectorAll('*')) {
    const gd = el.shadowRoot && el.shadowRoot.querySelector('.js-plotly-plot');
    if (gd) return gd;
  }
  return null;
})()"""
READY_CHART = (
    f"() => {{ const gd = {FIND_GD}; return {IDLE} && !!gd && "
    "gd.querySelectorAll('.cartesianlayer .subplot').length >= 4; }"
)

# Play once: requestAnimationFrame callbacks, frame events, and whether the landscape image
# stays drawn. Resolves when the last frame is shown.
ANIMATION_JS = """async (timeoutMs) => {
  const gd = FIND_GD, root = gd.closest(".live-chart");
  const range = root.querySelector(".live-chart-scrub input");
  const nFrames = Number(range.max) + 1, last = nFrames - 1;
  const images = () => gd.querySelectorAll("image").length;
  let raf = 0, minImages = images(), running = true;
  const times = [];
  const tick = () => { raf += 1; if (running) requestAnimationFrame(tick); };
  gd.on("plotly_animatingframe", () => {
    times.push(performance.now());
    minImages = Math.min(minImages, images());
  });
  const t0 = performance.now();
  requestAnimationFrame(tick);
  root.querySelector(".live-chart-play").click();
  await new Promise((r) => setTimeout(r, 200));
  const busy = () => Number(range.value) < last || root.dataset.playing === "true";
  while (busy() && performance.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
  }
  running = false;
  const seconds = (times[times.length - 1] - times[0]) / 1000;
  return {nFrames, measured: seconds, frameEvents: times.length,
          fps: raf / ((performance.now() - t0) / 1000), reachedEnd: Number(range.value) === last,
          imagesBefore: images(), minImages};
}""".replace("FIND_GD", FIND_GD)


@dataclass
class Target:
    """One page to measure."""

    name: str
    url: str
    ready: str
    page: object = None
    key: str = "ArrowRight"
    wire: list = field(default_factory=lambda: [0])  # websocket bytes since the last reset
    samples: list = field(default_factory=list)  # (total ms, draws, bytes)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def open_target(browser, target: Target) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(TRACKER_JS)
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda p: target.wire.__setitem__(0, target.wire[0] + len(p))
        ),
    )
    page.goto(target.url)
    page.wait_for_function(target.ready, polling=50, timeout=120_000)
    page.wait_for_timeout(1500)
    target.page = page
    page.locator(f"[role=group][aria-label='{LABEL}'] input[type=range]").first.focus()


def press(target: Target) -> tuple[float, int, int]:
    """One key press; returns (ms to the page settled, chart draws, websocket bytes)."""
    page = target.page
    if not page.evaluate("() => document.activeElement?.type === 'range'"):
        page.locator(f"[role=group][aria-label='{LABEL}'] input[type=range]").first.focus()
    target.wire[0] = 0
    page.keyboard.press(target.key)
    target.key = "ArrowLeft" if target.key == "ArrowRight" else "ArrowRight"
    page.wait_for_function(QUIET_JS, arg=QUIET_MS, polling=20, timeout=120_000)
    total, draws = page.evaluate("() => [__b.mutation - __b.t0, __b.draws - __b.drawsAtT0]")
    return total, draws, target.wire[0]


def measure(targets: list[Target], presses: int, warmup: int) -> None:
    """Round-robin presses over all pages, rotating the order, so load hits all alike."""
    for i in range(warmup + presses):
        k = i % len(targets)
        for target in targets[k:] + targets[:k]:
            sample = press(target)
            if i >= warmup:
                target.samples.append(sample)


def ratio_interval(
    case: list[float], trivial: list[float], rounds: int = 2000, stat=np.median
) -> tuple:
    """A 95 % bootstrap interval of stat(case) / stat(trivial) (the median by default):
    medians of 20-60 presses move by several ms between runs, so a ratio near its target
    needs its uncertainty beside it. Presses are taken round-robin, so the i-th of each case
    belong together: a resample draws the same presses from both."""
    rng = np.random.default_rng(0)
    a, b = np.asarray(case), np.asarray(trivial)
    picks = rng.integers(0, min(a.size, b.size), size=(rounds, min(a.size, b.size)))
    ratios = stat(a[picks], axis=1) / stat(b[picks], axis=1)
    lo, hi = np.percentile(ratios, [2.5, 97.5])
    return float(lo), float(hi)


def report(targets: list[Target]) -> None:
    print(f"\nkey press -> page settled, {len(targets[0].samples)} presses each (load {loadavg()})")
    head = ("case", "p50 ms", "p95 ms", "draws/update", "KB/rerun", "x trivial", "95 % interval")
    print(f"{head[0]:<28}" + "".join(f"{h:>{len(h) + 3}}" for h in head[1:]))
    base = [s[0] for s in targets[0].samples]
    trivial = float(np.percentile(base, 50))
    for t in targets:
        total = [s[0] for s in t.samples]
        p50 = float(np.percentile(total, 50))
        interval = "-" if t is targets[0] else "{:.2f}-{:.2f}".format(*ratio_interval(total, base))
        print(
            f"{t.name:<28}{p50:9.0f}{np.percentile(total, 95):9.0f}"
            f"{np.median([s[1] for s in t.samples]):15.1f}"
            f"{np.median([s[2] for s in t.samples]) / 1024:11.1f}{p50 / trivial:12.2f}"
            f"{interval:>16}"
        )


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--cases",
        default="abc",
        help="which cases to run, by letter: a (trivial, always run), b (the figure alone), "
        "c (the app); default abc",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of the project (a git worktree of an earlier commit): its app "
        "is measured beside this one's, as case d",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_interaction_"))
    (tmp / "trivial.py").write_text(TRIVIAL_APP)
    (tmp / "figure.py").write_text(FIGURE_APP)
    # Streamlit serves static/ beside the main script: the chart's module and plotly.js.
    (tmp / "static").symlink_to(ROOT / "app" / "static", target_is_directory=True)
    servers = [
        ("a trivial", tmp / "trivial.py", [], [""]),
        ("b figure, live", tmp / "figure.py", ["live"], ["", MAX_QUERY]),
        ("b figure, plotly_chart", tmp / "figure.py", ["plotly_chart"], ["", MAX_QUERY]),
        ("c app", APP, [], ["", MAX_QUERY]),
    ]
    if args.baseline:
        baseline = args.baseline.resolve() / "app" / "streamlit_app.py"
        servers.append((f"d app at {args.baseline.name}", baseline, [], ["", MAX_QUERY]))
    cases = set(args.cases) | {"a", "d"}
    servers = [server for server in servers if server[0][0] in cases]
    print(f"load at start {loadavg()}")
    procs, targets = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for name, script, script_args, queries in servers:
                server = start(script, extra=script_args)
                procs.append(server)
                for query in queries:
                    which = " max" if query else (" default" if len(queries) > 1 else "")
                    ready = READY_TEXT if name.startswith("a") else READY_CHART
                    target = Target(name + which, server.url + "/?" + query, ready)
                    open_target(browser, target)
                    targets.append(target)
            measure(targets, args.presses, args.warmup)
            report(targets)
            app = next((t for t in targets if t.name == "c app default"), None)
            if app is not None:
                play(app)
            browser.close()
    finally:
        for server in procs:
            stop(server)
    print(f"load at end {loadavg()}")


def play(app: Target) -> None:
    """Play the app's animation once, and print how it went."""
    r = app.page.evaluate(ANIMATION_JS, 60_000)
    print(
        f"\nPlay at normal speed (app, default): {r['nFrames']} frames, "
        f"{r['measured']:.2f} s first to last frame (promised 8 s), "
        f"{r['fps']:.0f} requestAnimationFrame callbacks/s, reached the end: "
        f"{r['reachedEnd']}, landscape images before/min during: "
        f"{r['imagesBefore']}/{r['minImages']}"
    )


if __name__ == "__main__":
    main()
