"""Real-browser fixtures: the app served by Streamlit, driven by headless Chromium.

Every test in this folder is marked ``e2e``. Helpers for the tests:
``new_page``, ``open_app``, ``wait_for_rerun`` and ``assert_no_exception``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from deploy import streamlit_server
from tests.e2e.player import DEEP_JS

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_SCRIPT = REPO_ROOT / "app/streamlit_app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60
QUIET_MS = 150  # the page has settled after this long without a DOM mutation or a message
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_HERE = Path(__file__).resolve().parent
_APP_STATE = "[data-testid=stApp][data-test-script-state={}]"
_LOADING = "[data-testid=stSkeleton], [data-testid=stSpinner]"

# Installed in the page before Streamlit's own scripts. Polling the stApp attribute
# (and even a MutationObserver) can miss a fast rerun: React may apply `running` and
# `notRunning` in one render, so the attribute never changes. Every run does send
# messages over the WebSocket, though, so the tracker counts those; and it notes the
# time of the last message and of the last DOM mutation, for "quiet" waits.
_TRACKER_JS = """
(() => {
  if (window.__st) return;
  const st = (window.__st = {
    received: 0,
    lastEvent: performance.now(),
    idle: () => ["notRunning", "compilationError"].includes(
      document.querySelector("[data-testid=stApp]")?.dataset.testScriptState),
    quietFor: () => performance.now() - st.lastEvent,
  });
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => {
        st.received += 1;
        st.lastEvent = performance.now();
      });
    }
  };
  new MutationObserver(() => (st.lastEvent = performance.now())).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
})();
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under this folder ``e2e`` (the hook sees the whole session's items)."""
    for item in items:
        if item.path.is_relative_to(_HERE):
            item.add_marker(pytest.mark.e2e)


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_server() -> Iterator[str]:
    """Serve ``APP_SCRIPT`` with Streamlit on a free port; yields the base URL."""
    assert APP_SCRIPT.is_file(), f"the app script {APP_SCRIPT} does not exist"
    # .streamlit/config.toml hides tracebacks from visitors; a failing test should show them.
    extra = ["--client.showErrorDetails", "full"]
    try:
        server = streamlit_server.start(APP_SCRIPT, extra=extra, timeout=SERVER_START_TIMEOUT_S)
    except streamlit_server.ServerError as e:
        pytest.fail(str(e))
    try:
        yield server.url
    finally:
        streamlit_server.stop(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium through Playwright (skipped without it, except in CI)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install it with `apt-get install chromium`"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true, so the e2e tests may not be skipped)")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def _context(browser: Browser) -> Iterator[BrowserContext]:
    """One 1400x900 browser context for the ``page`` fixture's pages, so that they share
    the HTTP cache (and the compiled code) of Streamlit's and the chart's scripts, as a
    visitor's browser does: a page in a new context cost 4.0 s of CPU, in this one 2.6-2.9 s
    (8 loads each, /tmp figures in the commit message)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(DEEP_JS)
    yield context
    context.close()


@pytest.fixture
def page(_context: BrowserContext) -> Iterator[Page]:
    """A new 1400x900 page; ``page.errors`` collects console errors and page errors.

    The pages share one context (see ``_context``), and each test starts from what a new
    context holds: no pages of earlier tests, no cookies, no permissions, no local storage.
    """
    page = _context.new_page()
    page.errors = []
    page.on(
        "console",
        lambda message: (
            page.errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page.errors.append(f"page error: {error}"))
    yield page
    for opened in _context.pages:  # the test's page and any it opened
        if opened.url.startswith("http"):
            opened.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        opened.close()
    _context.clear_cookies()
    _context.clear_permissions()


# --- Helpers ----------------------------------------------------------------------------------


@contextmanager
def new_page(browser: Browser, *scripts: str, **options) -> Iterator[Page]:
    """A page in a fresh browser context (``options``: ``browser.new_context``'s) with
    ``DEEP_JS`` and ``scripts`` installed; ``page.errors`` collects its page errors. The
    context closes on leaving."""
    context = browser.new_context(**options)
    for script in (DEEP_JS, *scripts):
        context.add_init_script(script)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


def open_app(page: Page, base_url: str, query: str = "", timeout_ms: int = 60_000) -> Page:
    """Go to the app (``query`` is a URL query string) and wait for its first run to finish.

    Then waits, best effort, for skeletons and spinners to go and the page to settle.
    """
    if not getattr(page, "_st_tracker", False):
        page.add_init_script(_TRACKER_JS)
        page._st_tracker = True
    query = query.lstrip("?")
    page.goto(f"{base_url.rstrip('/')}/" + (f"?{query}" if query else ""))
    page.wait_for_selector(
        f"{_APP_STATE.format('notRunning')}, {_APP_STATE.format('compilationError')}",
        state="attached",
        timeout=timeout_ms,
    )
    _settle(page)
    return page


def wait_for_rerun(page: Page, timeout_ms: int = 30_000, start_timeout_ms: int = 2_000) -> Page:
    """After an interaction on a page from ``open_app``: wait for the script run it caused.

    A run has started once the stApp attribute leaves ``notRunning`` or the server
    has sent a message since the page last settled (which catches runs too fast for
    the attribute to change). Then waits for ``notRunning`` and for ``QUIET_MS``
    without a message or a DOM mutation. If nothing starts within
    ``start_timeout_ms``, the interaction caused no run: only the quiet wait is done.
    """
    try:
        page.wait_for_function(
            "seen => window.__st.received > seen || !window.__st.idle()",
            arg=page._st_received,
            timeout=start_timeout_ms,
            polling=20,
        )
    except PlaywrightTimeoutError:
        pass  # no rerun
    else:
        page.wait_for_function("() => window.__st.idle()", timeout=timeout_ms, polling=20)
    _settle(page)
    return page


def assert_no_exception(page: Page) -> None:
    """Fail with the message shown if the app displays an exception."""
    exceptions = page.locator("[data-testid=stException]")
    if exceptions.count():
        pytest.fail(f"the app shows an exception:\n{exceptions.first.inner_text()}")


def _settle(page: Page, timeout_ms: int = 10_000) -> None:
    """Best effort: no skeletons or spinners, then ``QUIET_MS`` without a message or mutation.

    Also notes how many messages the page has received, for ``wait_for_rerun``.
    """
    try:
        page.wait_for_function(
            f"() => !document.querySelector({_LOADING!r})", timeout=timeout_ms, polling=50
        )
        page.wait_for_function(
            "quiet => window.__st.idle() && window.__st.quietFor() >= quiet",
            arg=QUIET_MS,
            timeout=timeout_ms,
            polling=50,
        )
    except PlaywrightTimeoutError:
        pass  # something keeps moving (an animation, say): carry on
    page._st_received = page.evaluate("window.__st.received")
