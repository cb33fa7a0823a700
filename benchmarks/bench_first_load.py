"""Benchmark: a first visit, in a real Chromium with an empty cache, against a trivial app.

Each round opens, in a fresh browser context (nothing cached), the trivial one-slider app
of ``bench_interaction`` and the playground (``app/streamlit_app.py``) at 1366 x 650, in
turn, and records for each:

* **ready ms**: from the navigation's start (``performance.timeOrigin``) to the trivial
  app's slider on the page, or to the playground's chart drawn (four subplots, the script
  run over);
* **CLS**: the cumulative layout shift from the start to one second after ready (the
  ``layout-shift`` entries without recent input, summed, as Chromium reports them);
* **bytes**: every HTTP response's bytes as sent on the wire (Chromium's
  ``encodedDataLength``: headers and body, compressed if it was), websocket frames not
  included. The app's own bytes are the playground's minus the trivial app's.

``--nginx`` also loads both through nginx with the deploy's config (one replica each,
gzip on), as a school's server would send them.

Timing lives here only; the tests assert behaviour, never time.

Run: ``.venv/bin/python benchmarks/bench_first_load.py [--rounds 15] [--nginx]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import bench_interaction as interaction  # noqa: E402
from deploy import run_replicas  # noqa: E402
from deploy.streamlit_server import start, stop  # noqa: E402

APP = ROOT / "app/streamlit_app.py"
VIEWPORT = {"width": 1366, "height": 650}
READY = {
    "trivial": f"() => {interaction.IDLE} && !!document.querySelector('[data-testid=stSlider]')",
    "app": (
        f"() => {{ const gd = {interaction.FIND_GD}; return {interaction.IDLE} && !!gd && "
        "gd.querySelectorAll('.cartesianlayer .subplot').length >= 4; }"
    ),
}
# Installed before the page's own scripts: layout shifts as they happen.
CLS_JS = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({type: "layout-shift", buffered: true});
"""


@dataclass
class Target:
    name: str
    url: str
    ready: str
    ms: list[float] = field(default_factory=list)
    cls: list[float] = field(default_factory=list)
    bytes: list[int] = field(default_factory=list)


def visit(browser, target: Target) -> None:
    """One first visit with an empty cache."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(CLS_JS)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        sent = {}
        cdp.on(
            "Network.loadingFinished",
            lambda e: sent.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        page.goto(target.url)
        page.wait_for_function(target.ready, polling="raf", timeout=120_000)
        target.ms.append(page.evaluate("performance.now()"))
        page.wait_for_timeout(1000)
        target.cls.append(page.evaluate("window.__cls"))
        target.bytes.append(int(sum(sent.values())))
    finally:
        context.close()


def report(trivial: Target, app: Target, label: str) -> None:
    n = len(app.ms)
    print(f"\n{label}: first visit, {n} rounds at 1366x650 (load {interaction.loadavg()})")
    print(f"{'':<10}{'ready p50 ms':>14}{'p95':>8}{'CLS p50':>9}{'max':>7}{'KB sent':>10}")
    for t in (trivial, app):
        print(
            f"{t.name:<10}{np.median(t.ms):14.0f}{np.percentile(t.ms, 95):8.0f}"
            f"{np.median(t.cls):9.3f}{max(t.cls):7.3f}{np.median(t.bytes) / 1000:10.0f}"
        )
    lo, hi = interaction.ratio_interval(app.ms, trivial.ms)
    print(
        f"app / trivial, ready: {np.median(app.ms) / np.median(trivial.ms):.2f}x "
        f"(95 % interval {lo:.2f}-{hi:.2f}); the app's own bytes on top of Streamlit's: "
        f"{(np.median(app.bytes) - np.median(trivial.bytes)) / 1000:,.0f} KB"
    )


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--nginx", action="store_true", help="also through nginx (gzip)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_first_load_"))
    (tmp / "trivial.py").write_text(interaction.TRIVIAL_APP)
    print(f"load at start {interaction.loadavg()}")
    with ExitStack() as stack:
        fronts = {}
        for name, script in (("trivial", tmp / "trivial.py"), ("app", APP)):
            server = start(script)
            stack.callback(stop, server)
            fronts.setdefault("direct (as Streamlit sends)", {})[name] = server.url
            if args.nginx:
                front = stack.enter_context(run_replicas.cluster(1, script=script))
                fronts.setdefault("through nginx (gzip)", {})[name] = front.url
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", args=interaction.CHROMIUM_ARGS
            )
            for label, urls in fronts.items():
                trivial = Target("trivial", urls["trivial"] + "/", READY["trivial"])
                app = Target("app", urls["app"] + "/", READY["app"])
                visit(browser, trivial)  # warm the servers (and the app's caches) once
                visit(browser, app)
                trivial.ms, trivial.cls, trivial.bytes = [], [], []
                app.ms, app.cls, app.bytes = [], [], []
                for i in range(args.rounds):  # alternate, so load hits both alike
                    for t in (trivial, app) if i % 2 == 0 else (app, trivial):
                        visit(browser, t)
                report(trivial, app, label)
            browser.close()
    print(f"load at end {interaction.loadavg()}")


if __name__ == "__main__":
    main()
