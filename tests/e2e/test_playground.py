"""The playground in a real Chromium: four panels, Play animates, keyboard updates the status."""

import time

from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_exception, open_app, wait_for_rerun

GRAPH = ".js-plotly-plot"
ACTIVE_FRAME = f"() => document.querySelector('{GRAPH}')._fullLayout.sliders[0].active"


def test_four_panels_render_without_exception(page, app_server):
    open_app(page, app_server)
    page.wait_for_selector(GRAPH)
    graph = page.locator(GRAPH).first
    expect(graph.locator(".cartesianlayer .subplot")).to_have_count(4)
    expect(graph.locator(".scatterlayer .trace .fills path")).not_to_have_count(0)
    titles = graph.locator(".annotation-text").evaluate_all("els => els.map(e => e.textContent)")
    assert "Loss landscape over (w, b)" in titles
    assert_no_exception(page)
    page.screenshot(path="test-artifacts/playground-default.png", full_page=True)


def test_play_advances_the_frames(page, app_server):
    open_app(page, app_server)
    page.wait_for_selector(f"{GRAPH} .updatemenu-button")
    assert page.evaluate(ACTIVE_FRAME) == 0
    page.locator(f"{GRAPH} .updatemenu-button").first.click(force=True)
    deadline = time.monotonic() + 10
    while page.evaluate(ACTIVE_FRAME) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert page.evaluate(ACTIVE_FRAME) >= 3


def test_learning_rate_by_keyboard_updates_the_status(page, app_server):
    open_app(page, app_server)
    expect(page.get_by_text("Still converging")).to_be_visible()
    thumb = page.locator("[data-testid=stSidebar] [role=group][aria-label='Learning rate']")
    thumb.locator("input[type=range]").first.focus()
    for _ in range(10):  # 0.01 -> 0.15 -> ... -> 0.5: ten steps up the log grid
        page.keyboard.press("ArrowRight")
    wait_for_rerun(page)
    expect(page.get_by_text("Diverged at epoch").first).to_be_visible(timeout=15_000)
    assert_no_exception(page)
    page.screenshot(path="test-artifacts/playground-diverged.png", full_page=True)
