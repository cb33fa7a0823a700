"""Hostile links in a real browser: the page renders, warns, and never runs injected code.

One server and one page for all the links (``page.goto`` per link). Each link here holds
every value on every control at once, or is malformed in another way, so each payload
reaches every control, every notice and the chart in the page. The links that set one
control alone (60 more, tests/hostile_links.py) are AppTest's, at 0.1-0.2 s each against
about 2.6 s of CPU for a page load in Chromium:
tests/test_robustness.py::test_app_each_control_alone_with_a_hostile_value.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import open_app
from tests.hostile_links import MD_LINK, XSS_IMG, all_at_once_links, one_control_links

CHUNKS = 2  # the links in two tests, so the suite's workers share them


def test_there_are_enough_hostile_links():
    assert len(all_at_once_links()) + len(one_control_links()) >= 50


@pytest.mark.parametrize("chunk", range(CHUNKS))
@pytest.mark.timeout(600)  # about 1 s a link on an idle machine; leave room for a busy one
def test_hostile_links_render_safely(app_server: str, page: Page, chunk: int):
    failures = []
    for query in all_at_once_links()[chunk::CHUNKS]:
        page.errors.clear()
        open_app(page, app_server, query)
        label = query[:80]
        if page.locator("[data-testid=stException]").count():
            failures.append(f"{label}: exception element")
        title = page.locator("h1").first
        if not (title.is_visible() and "Gradient descent" in title.inner_text()):
            failures.append(f"{label}: no visible title")
        uncaught = [e for e in page.errors if "Uncaught" in e or e.startswith("page error")]
        if uncaught:
            failures.append(f"{label}: {uncaught[:3]}")
        if page.evaluate("window.__xss") is not None:
            failures.append(f"{label}: injected code ran (window.__xss is set)")
        injected = page.locator(
            "a[href*='example.com/pwn'], img[src*='example.com/pwn'], img[src='x']"
        ).count()
        if injected:
            failures.append(f"{label}: {injected} injected link/image element(s) rendered")
    assert not failures, "\n".join(failures)


def test_hostile_notices_are_shown_as_text(app_server: str, page: Page):
    """A payload in a value appears in the warning as plain text, not as markup."""
    open_app(page, app_server, urlencode({"speed": XSS_IMG, "noise": MD_LINK}))
    warning = page.locator("[data-testid=stAlertContentWarning]").first
    text = warning.inner_text()
    assert "Animation speed" in text and "Noise" in text
    assert "<img" in text  # the payload is visible as text ...
    assert warning.locator("img, a, script").count() == 0  # ... and rendered as nothing else
