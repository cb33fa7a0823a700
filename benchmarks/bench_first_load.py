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
  included. The app's own bytes are the playground's minus the trivial app's; a breakdown
  by resource (its path, its bytes over the trivial app's, its ``Content-Encoding``)
  says what they are, and the websocket's received bytes are printed beside it.

``--nginx`` also loads both through nginx with the deploy's config (one replica each,
gzip on), as a school's server would send them.

``--phone`` measures a student's phone instead (390 x 844, touch), the page a whole class
loads at once: ``/class?join=CODE`` of a class opened in a temporary SQLite database,
ready = its **Join class** button shown, against the trivial app's slider at the same size;
then it presses Join and waits for the waiting screen, and prints the bytes by then too
(the waiting page adds the hidden wake component).

Timing lives here only; the tests assert behaviour, never time.

Run: ``.venv/bin/python benchmarks/bench_first_load.py [--rounds 15] [--nginx] [--phone]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

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
    "phone": (
        f"() => {interaction.IDLE} && [...document.querySelectorAll('button')]"
        ".some((b) => b.innerText.trim() === 'Join class')"
    ),
}
PHONE = {"width": 390, "height": 844}
WAITING = "Waiting for the teacher's question"
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
    #: Per round: {resource: (bytes sent, Content-Encoding)}, and the websocket's bytes.
    parts: list[dict[str, tuple[int, str]]] = field(default_factory=list)
    ws: list[int] = field(default_factory=list)
    #: The screen (a phone's is touch), and for a student: Join pressed, the bytes by then.
    viewport: dict = field(default_factory=lambda: dict(VIEWPORT))
    phone: bool = False
    join: bool = False
    joined_bytes: list[int] = field(default_factory=list)

    def fresh(self) -> Target:
        """The same visit with no rounds recorded yet."""
        return Target(
            self.name,
            self.url,
            self.ready,
            viewport=self.viewport,
            phone=self.phone,
            join=self.join,
        )


def visit(browser, target: Target) -> None:
    """One first visit with an empty cache."""
    context = browser.new_context(
        viewport=target.viewport, is_mobile=target.phone, has_touch=target.phone
    )
    try:
        page = context.new_page()
        page.add_init_script(CLS_JS)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        sent, what, ws = {}, {}, [0]
        cdp.on(
            "Network.loadingFinished",
            lambda e: sent.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        cdp.on("Network.responseReceived", lambda e: what.__setitem__(e["requestId"], e))
        cdp.on(
            "Network.webSocketFrameReceived",
            lambda e: ws.__setitem__(0, ws[0] + _frame_bytes(e["response"])),
        )
        page.goto(target.url)
        page.wait_for_function(target.ready, polling="raf", timeout=120_000)
        target.ms.append(page.evaluate("performance.now()"))
        page.wait_for_timeout(1000)
        target.cls.append(page.evaluate("window.__cls"))
        target.bytes.append(int(sum(sent.values())))
        target.ws.append(ws[0])
        target.parts.append({})
        for request, size in sent.items():
            response = what.get(request, {}).get("response", {})
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            name = _resource(response.get("url", request))
            old = target.parts[-1].get(name, (0, ""))
            target.parts[-1][name] = (old[0] + int(size), headers.get("content-encoding", "-"))
        if target.join:
            page.get_by_role("button", name="Join class").click()
            page.get_by_text(WAITING).wait_for(timeout=60_000)
            page.wait_for_timeout(1000)  # the wake component's first look
            target.joined_bytes.append(int(sum(sent.values())))
    finally:
        context.close()


def _frame_bytes(frame: dict) -> int:
    """A websocket frame's payload bytes (binary frames come base64-encoded)."""
    data = frame.get("payloadData", "")
    return len(data) * 3 // 4 if frame.get("opcode") == 2 else len(data.encode())


def _resource(url: str) -> str:
    """A response's name for the breakdown: its path, without the query and host."""
    path = urlsplit(url).path
    return path.rsplit("/~/+/", 1)[-1] or "/"


def breakdown(trivial: Target, app: Target) -> None:
    """What the app's bytes on top of Streamlit's are: each resource's median bytes as
    sent (encoded) in the app's visits, less the trivial app's for the same resource."""

    def median(target: Target, name: str) -> float:
        return float(np.median([round.get(name, (0, ""))[0] for round in target.parts]))

    names = {name for t in (trivial, app) for round in t.parts for name in round}
    rows = []
    for name in names:
        extra = median(app, name) - median(trivial, name)
        encoding = next((r[name][1] for r in app.parts + trivial.parts if name in r), "-")
        if abs(extra) >= 1000:
            rows.append((extra, name, encoding))
    print(f"{'the app minus the trivial app, per resource':<60}{'KB':>8}  encoding")
    for extra, name, encoding in sorted(rows, reverse=True):
        print(f"  {name[-58:]:<58}{extra / 1000:8.1f}  {encoding}")
    rest = (np.median(app.bytes) - np.median(trivial.bytes) - sum(r[0] for r in rows)) / 1000
    print(f"  {'(the rest, each under 1 KB)':<58}{rest:8.1f}")
    print(
        f"websocket, received (not in the bytes above): trivial {np.median(trivial.ws) / 1000:.0f}"
        f" KB, app {np.median(app.ws) / 1000:.0f} KB"
    )


def report(trivial: Target, app: Target, label: str) -> None:
    n, size = len(app.ms), "x".join(str(v) for v in app.viewport.values())
    print(f"\n{label}: first visit, {n} rounds at {size} (load {interaction.loadavg()})")
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
    breakdown(trivial, app)
    if app.joined_bytes:
        extra = (np.median(app.joined_bytes) - np.median(trivial.bytes)) / 1000
        print(
            f"once joined (the waiting screen): {np.median(app.joined_bytes) / 1000:,.0f} KB "
            f"sent in all, {extra:,.0f} KB on top of the trivial app's"
        )


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--nginx", action="store_true", help="also through nginx (gzip)")
    parser.add_argument("--phone", action="store_true", help="a student's phone joining")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_first_load_"))
    (tmp / "trivial.py").write_text(interaction.TRIVIAL_APP)
    path, viewport, ready = "/", VIEWPORT, READY["app"]
    if args.phone:  # one class in a database of its own; every server started below uses it
        os.environ["LINREG_CLASS_DB"] = f"sqlite:///{tmp / 'class.sqlite3'}"
        from app.storage.engine import make_engine
        from app.storage.store import ClassStore

        code = ClassStore(make_engine()).create_class(time.time()).code
        path, viewport, ready = f"/class?join={code}", PHONE, READY["phone"]
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
                screen = {"viewport": viewport, "phone": args.phone}
                trivial = Target("trivial", urls["trivial"] + "/", READY["trivial"], **screen)
                app = Target("app", urls["app"] + path, ready, join=args.phone, **screen)
                visit(browser, trivial)  # warm the servers (and the app's caches) once
                visit(browser, app)
                trivial, app = trivial.fresh(), app.fresh()
                for i in range(args.rounds):  # alternate, so load hits both alike
                    for t in (trivial, app) if i % 2 == 0 else (app, trivial):
                        visit(browser, t)
                report(trivial, app, label)
            browser.close()
    print(f"load at end {interaction.loadavg()}")


if __name__ == "__main__":
    main()
