"""The playground's animation from the keyboard: Alt+P plays and pauses, Alt+, and Alt+. step.

Behaviour only: the timings live in ``benchmarks/bench_interaction.py``.
"""

from __future__ import annotations

import time

from tests.e2e.conftest import assert_no_exception, open_app

GRAPH = ".st-key-playground_chart .js-plotly-plot"
ACTIVE = f"() => document.querySelector('{GRAPH}')._fullLayout.sliders[0].active"
PLAYING = f"() => !!document.querySelector('{GRAPH}')._transitionData._animationRaf"


def _wait_until(page, condition: str, arg=None, timeout_s: float = 15) -> None:
    page.wait_for_function(condition, arg=arg, timeout=timeout_s * 1000, polling=50)


def _open(page, app_server):
    open_app(page, app_server)
    page.wait_for_selector(f"{GRAPH} .slider-rail-touch-rect", state="attached")
    page.locator("h1").first.click()  # focus somewhere neutral in the page
    return page


def test_alt_p_plays_and_pauses(page, app_server):
    _open(page, app_server)
    assert page.evaluate(ACTIVE) == 0
    page.keyboard.press("Alt+p")
    _wait_until(page, f"() => ({ACTIVE[6:]}) >= 3")
    page.keyboard.press("Alt+p")
    _wait_until(page, f"() => !({PLAYING[6:]})")
    paused_at = page.evaluate(ACTIVE)
    time.sleep(0.5)  # not a timing assertion: the frame must simply stay put while paused
    assert page.evaluate(ACTIVE) == paused_at
    assert 3 <= paused_at < 100
    assert_no_exception(page)


def test_alt_period_and_comma_step_one_frame(page, app_server):
    _open(page, app_server)
    page.keyboard.press("Alt+.")
    _wait_until(page, f"() => ({ACTIVE[6:]}) === 1")
    page.keyboard.press("Alt+.")
    _wait_until(page, f"() => ({ACTIVE[6:]}) === 2")
    page.keyboard.press("Alt+,")
    _wait_until(page, f"() => ({ACTIVE[6:]}) === 1")
    page.keyboard.press("Alt+,")
    page.keyboard.press("Alt+,")  # already at the first frame: stays there
    _wait_until(page, f"() => ({ACTIVE[6:]}) === 0")
    assert not [e for e in page.errors if "live_chart" in e or "animation" in e]


def test_shortcuts_are_ignored_while_typing(page, app_server):
    _open(page, app_server)
    page.locator("[data-testid=stSidebar] input[type=number]").first.focus()
    page.keyboard.press("Alt+.")
    time.sleep(0.5)  # give a wrongly handled key the chance to move the frame
    assert page.evaluate(ACTIVE) == 0
