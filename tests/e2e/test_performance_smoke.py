"""The playground's player from the keyboard: Alt+P plays and pauses, Alt+, and Alt+. step.

Behaviour only: the timings live in ``benchmarks/bench_interaction.py``.
"""

from __future__ import annotations

from app.ui.controls import RESET_SHORTCUT
from tests.e2e.conftest import assert_no_exception, open_app, wait_for_rerun
from tests.e2e.player import frame, last_frame, playing, wait_for_frame, wait_for_player


def _open(page, app_server):
    open_app(page, app_server)
    wait_for_player(page)
    page.locator("h1").first.click()  # focus somewhere neutral in the page
    return page


def test_alt_p_plays_and_pauses(page, app_server):
    _open(page, app_server)
    assert frame(page) == last_frame(page) == 100  # it opens on the last epoch
    page.keyboard.press("Alt+p")
    wait_for_frame(page, "i >= 3 && i < 90")  # replays from the start
    page.keyboard.press("Alt+p")
    page.wait_for_function("() => deep('.live-chart').dataset.playing === 'false'", timeout=5000)
    paused_at = frame(page)
    page.wait_for_timeout(500)  # not a timing assertion: the frame must stay put while paused
    assert frame(page) == paused_at and not playing(page)
    assert 3 <= paused_at < 100
    assert_no_exception(page)


def test_alt_period_and_comma_step_one_frame(page, app_server):
    _open(page, app_server)
    page.keyboard.press("Alt+,")
    wait_for_frame(page, "i === 99")
    page.keyboard.press("Alt+,")
    wait_for_frame(page, "i === 98")
    page.keyboard.press("Alt+.")
    wait_for_frame(page, "i === 99")
    page.keyboard.press("Alt+.")
    page.keyboard.press("Alt+.")  # already at the last frame: stays there
    wait_for_frame(page, "i === 100")
    page.wait_for_timeout(300)
    assert frame(page) == 100
    assert not [e for e in page.errors if "live_chart" in e]


def test_shortcuts_are_ignored_while_typing(page, app_server):
    _open(page, app_server)
    page.get_by_text("Seed and x range").click()  # the seed's section, drawn only when open
    wait_for_rerun(page)
    page.locator("[data-testid=stSidebar] input[type=number]").first.focus()
    page.keyboard.press("Alt+,")
    page.wait_for_timeout(500)  # give a wrongly handled key the chance to move the frame
    assert frame(page) == 100


def test_the_reset_key_puts_the_controls_back(page, app_server):
    _open(page, app_server)
    epochs = page.locator("[data-testid=stMain] [role=group][aria-label='Epochs']")
    slider = epochs.locator("input[type=range]").first
    start = slider.input_value()
    slider.focus()
    page.keyboard.press("End")
    wait_for_rerun(page)
    assert slider.input_value() != start
    page.wait_for_function("location.search.includes('epochs=')")  # the move is in the link
    page.locator("h1").first.click()
    page.keyboard.press(RESET_SHORTCUT)
    wait_for_rerun(page)
    assert slider.input_value() == start
    # Back at the defaults, the link is the plain one again: no control writes its default.
    page.wait_for_function("location.search === ''")
    assert_no_exception(page)


def test_reset_clears_a_closed_section_s_value_from_the_address(page, app_server):
    """A link's value for a control in a closed section (x spread) was never bound to the
    address, so Streamlit left it there after a reset, and a reload brought it back."""
    open_app(page, app_server, "x_spread=3&lr=0.05")
    page.locator("[data-testid=stSidebar]").get_by_role("button", name="Reset").click()
    wait_for_rerun(page)
    page.wait_for_function("location.search === ''")
    assert_no_exception(page)
