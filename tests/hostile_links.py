"""The hostile links: for the Chromium sweep (tests/e2e/test_hostile_urls.py) and for AppTest
(tests/test_robustness.py), which share them."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from app.model.params import PARAMS

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


def all_at_once_links() -> list[str]:
    """Every value on every control at once, and links malformed in other ways: each
    payload reaches every control, every notice and the chart in one page."""
    queries: list[str] = []
    keys = list(PARAMS)
    for value in VALUES:
        value = value[:500]  # 15 keys x 5,000 characters would be a 75 kB URL: 500 is enough
        queries.append(urlencode([(k, value) for k in keys]))
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


def one_control_links() -> list[tuple[str, str]]:
    """Each control alone, three values each, rotating: (key, value)."""
    keys = list(PARAMS)
    return [
        (key, VALUES[(3 * i + j) % len(VALUES)]) for i, key in enumerate(keys) for j in range(3)
    ]
