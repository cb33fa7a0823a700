"""Hostile links in a real browser: the page renders, warns, and never runs injected code.

One server and one page for all the links (``page.goto`` per link), so the whole
sweep takes about a minute.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import Page

from app.model.params import PARAMS
from tests.e2e.conftest import open_app

XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=1</script>"
MD_LINK = "[pwn](https://example.com/pwn)"
MD_IMAGE = "![pwn](https://example.com/pwn.png)"

VALUES = [
    "",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-1",
    "0.5",
    "999999999",
    "abc",
    "\x00",
    "<script>alert(1)</script>",
    XSS_IMG,
    XSS_SCRIPT,
    MD_LINK,
    MD_IMAGE,
    "A" * 5000,
    "javascript:window.__xss=1",
    "$\\frac{1}{0}$ :red[x] :material/home:",
    "' OR 1=1 --",
    "../../../../etc/passwd",
]


def hostile_queries() -> list[str]:
    """More than 50 query strings: every value on every control, one by one and all at once."""
    queries: list[str] = []
    keys = list(PARAMS)
    for value in VALUES:  # all controls at once
        value = value[:500]  # 15 keys x 5,000 characters would be a 75 kB URL: 500 is enough
        pairs = [(k, value) for k in keys]
        queries.append(urlencode(pairs))
    for i, key in enumerate(keys):  # each control alone, three values each, rotating
        for value in (VALUES[(3 * i + j) % len(VALUES)] for j in range(3)):
            queries.append(urlencode({key: value}))
    queries += [
        "seed=inf",
        "seed=1e309",
        "epochs=-1",
        "epochs=0.5",  # once crashed the page
        urlencode({XSS_IMG: "1", MD_LINK: "2", "A" * 5000: "3"}),  # unknown keys
        "lr=0.1&lr=abc&lr=" + quote(XSS_IMG),  # repeated keys
        "noise=1&noise=2&noise=3&noise=nan",
        "page=lesson&page=" + quote("../../etc/passwd"),  # page-like keys
        "embed=true&embed_options=" + quote(XSS_IMG),
        "preset=" + quote(XSS_IMG) + "&mode=" + quote(MD_LINK),
        "hide=" + quote(",".join([XSS_IMG, MD_LINK, "noise"] * 40)),
        "noise_hide=" + quote(XSS_IMG) + "&" + quote(XSS_SCRIPT) + "_hide=true",
        "%E0%A4%A&%%%=%&&&==&=",  # malformed percent-encoding and separators
        "lr",  # a key with no "="
        "a" * 20_000 + "=1",
    ]
    return queries


CHUNKS = 4  # the links in four tests, so the suite's workers share them


def test_there_are_enough_hostile_links():
    assert len(hostile_queries()) >= 50


@pytest.mark.parametrize("chunk", range(CHUNKS))
@pytest.mark.timeout(600)  # about 1 s a link on an idle machine; leave room for a busy one
def test_hostile_links_render_safely(app_server: str, page: Page, chunk: int):
    failures = []
    for query in hostile_queries()[chunk::CHUNKS]:
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
