"""Phones in Chromium: one panel a row, nothing overlaps, no sideways scrolling, touch works."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Browser, expect

from app.model.lessons.beyond import BEYOND_STEPS
from tests.e2e.boxes import BOXES_INIT_JS, overlap
from tests.e2e.conftest import assert_no_exception, new_page, open_app, wait_for_rerun
from tests.e2e.lessons import next_step, predict_and_lock
from tests.e2e.player import (
    CHART,
    PLAY,
    frame,
    last_frame,
    wait_for_frame,
    wait_for_player,
)

PHONES = [(390, 844), (360, 740)]

# Boxes of every text and control in and around the chart that must not overlap: panel
# titles, axis titles, tick labels, legend entries, and the player's parts.
BOXES_JS = """(chart) => {
  const root = deep(chart);
  const gd = root.querySelector('.js-plotly-plot');
  const out = chartTexts(root);
  root.querySelectorAll('.live-chart-play, .live-chart-scrub, .live-chart-label')
    .forEach(e => out.push(box(e, 'player')));
  const axes = Object.keys(gd._fullLayout).filter(k => /^[xy]axis\\d*$/.test(k))
    .map(k => ({name: k, length: gd._fullLayout[k]._length}));
  return {boxes: out.filter(b => b.w > 0 && b.h > 0), axes};
}"""


# The boxes of every toolbar shown (tables' and charts'), of the prediction cards and of
# the charts' titles (a one-panel chart's, and each panel's).
TOOLBAR_BOXES_JS = """() => {
  const shown = (b) => b.w > 0 && b.h > 0;
  const all = (selector, kind) => deepAll(selector).map((e) => box(e, kind)).filter(shown);
  return {
    toolbars: [
      ...all('[data-testid=stElementToolbar]', 'table toolbar'),
      ...all('.live-chart .modebar-container .modebar', 'chart toolbar'),
    ],
    cards: all('[data-testid=stMain] [data-testid=stColumn]', 'card'),
    titles: all('.live-chart .gtitle, .live-chart .annotation-text', 'title'),
  };
}"""


@pytest.fixture(params=PHONES, ids=lambda s: f"{s[0]}x{s[1]}")
def phone(request, browser: Browser):
    width, height = request.param
    viewport = {"width": width, "height": height}
    with new_page(
        browser, BOXES_INIT_JS, viewport=viewport, is_mobile=True, has_touch=True
    ) as page:
        yield page, width, height


def test_panels_stand_in_one_column_and_nothing_overlaps(phone, app_server):
    page, width, _ = phone
    open_app(page, app_server)
    wait_for_player(page)
    found = page.evaluate(BOXES_JS, CHART)
    lengths = {a["name"]: a["length"] for a in found["axes"]}
    for n in ("", "2", "3", "4"):
        assert lengths[f"xaxis{n}"] >= 0.6 * width, lengths  # each panel: 60 % of the width
        assert lengths[f"yaxis{n}"] >= 150, lengths  # and 150 px tall
    boxes = [b for b in found["boxes"]]
    clashes = [
        (a, b)
        for a, b in itertools.combinations(boxes, 2)
        if not (a["kind"] == b["kind"] == "tick") and overlap(a, b)
    ]
    assert not clashes, clashes[:5]
    sideways = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " ...[...document.querySelectorAll('[data-testid=stMain]')]"
        ".map(e => e.scrollWidth - e.clientWidth)]"
    )
    assert sideways[0] <= sideways[1] and all(d <= 0 for d in sideways[2:]), sideways
    assert not page.errors
    page.screenshot(path=f"test-artifacts/phone-{width}.png", full_page=True)


def test_the_race_and_the_step_inspector_fit_a_phone(phone, app_server):
    page, width, _ = phone
    open_app(page, app_server)
    wait_for_player(page)
    for label in ("Step inspector", "Learning-rate race"):
        page.locator("[data-testid=stButtonGroup] button", has_text=label).tap()
        wait_for_rerun(page)
    race = ".st-key-race_chart .live-chart"
    page.wait_for_function(
        "(c) => { const r = deep(c); return r && Number(r.dataset.renders || 0) >= 1; }",
        arg=race,
    )
    found = page.evaluate(BOXES_JS, race)
    lengths = {a["name"]: a["length"] for a in found["axes"]}
    assert lengths["xaxis"] >= 0.6 * width and lengths["xaxis2"] >= 0.6 * width  # stacked
    titles = [b for b in found["boxes"] if b["kind"] in ("panel title", "axis title", "legend")]
    clashes = [(a, b) for a, b in itertools.combinations(titles, 2) if overlap(a, b)]
    assert not clashes, clashes[:5]
    # The inspector's formulas fit the column: no part of them cut off at the right edge.
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('.katex-display')]"
        ".map(e => e.scrollWidth - e.clientWidth)"
    )
    assert overflow and all(d <= 3 for d in overflow), overflow  # KaTeX struts: 2 px
    assert not page.errors


def test_play_pause_and_the_scrubber_work_by_touch(phone, app_server):
    page, _, _ = phone
    open_app(page, app_server)
    wait_for_player(page)
    page.locator(PLAY).tap()
    wait_for_frame(page, "i > 0 && i < 60")  # Play from the end replays from epoch 0
    page.locator(PLAY).tap()  # pause
    paused_at = frame(page)
    page.wait_for_timeout(400)
    assert frame(page) == paused_at < last_frame(page)
    box = page.locator(f"{CHART} .live-chart-scrub input").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    wait_for_frame(page, f"Math.abs(i - {last_frame(page) // 2}) <= 3")
    assert_no_exception(page)


def tap_right_of_thumb(page, slider) -> None:
    """Tap a slider's track a little right of its thumb."""
    slider.scroll_into_view_if_needed()
    expect(slider).to_be_visible()
    thumb = slider.bounding_box()
    page.touchscreen.tap(thumb["x"] + thumb["width"] / 2 + 80, thumb["y"] + thumb["height"] / 2)
    wait_for_rerun(page)


def test_sliders_move_by_touch(phone, app_server):
    page, _, _ = phone
    open_app(page, app_server)
    # The training controls are above the chart: no menu to open.
    tap_right_of_thumb(page, page.get_by_role("slider", name="Epochs", exact=False).first)
    assert "epochs=" in page.url  # the slider moved off its default, and the link says so
    page.locator(
        "[data-testid=stExpandSidebarButton], [data-testid=stSidebarCollapsedControl] button"
    ).first.tap()
    tap_right_of_thumb(page, page.get_by_role("slider", name="Number of samples").first)
    assert "n_samples=" in page.url
    assert_no_exception(page)


@pytest.mark.parametrize(
    ("path", "steps", "last"),
    [
        ("lesson", 8, "Close is not the same as true"),
        ("beyond", len(BEYOND_STEPS), "Momentum pays √κ"),
    ],
)
def test_each_lesson_works_at_phone_width(phone, app_server, path, steps, last):
    page, width, _ = phone
    open_app(page, app_server.rstrip("/") + f"/{path}")
    main = page.locator("[data-testid=stMain]")
    for k in range(1, steps + 1):
        expect(main.get_by_text(f"Step {k} of {steps}")).to_be_visible()
        if main.get_by_role("button", name="Lock in my prediction").count():
            predict_and_lock(page, main, touch=True)
        assert_no_exception(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        # A touch screen shows the toolbars all the time: a table's sits above the table,
        # not on the prediction cards; a chart's lies above its title, not on it.
        boxes = page.evaluate(TOOLBAR_BOXES_JS)
        crowded = [
            (bar, other)
            for bar in boxes["toolbars"]
            for other in boxes["cards"] + boxes["titles"]
            if overlap(bar, other)
        ]
        assert not crowded, (k, crowded)
        if k < steps:
            next_step(page, main, touch=True)
    expect(main.get_by_text(last)).to_be_visible()


@pytest.mark.parametrize(("width", "height"), [(660, 900), (880, 900), (1024, 768)])
def test_a_tablet_stacks_the_controls_above_the_chart(browser: Browser, app_server, width, height):
    """Under 860 px of main area the controls' column would be ~150 px beside the chart."""
    viewport = {"width": width, "height": height}
    with new_page(browser, BOXES_INIT_JS, viewport=viewport) as page:
        open_app(page, app_server)
        wait_for_player(page)
        main = page.locator("[data-testid=stMainBlockContainer]").bounding_box()
        slider = page.locator("[data-testid=stMain] [data-testid=stSlider]").first.bounding_box()
        status = page.locator("[data-testid=stMain] [data-testid=stAlert]").first.bounding_box()
        chart = page.locator(".st-key-playground_chart").bounding_box()
        assert slider["width"] >= 0.8 * main["width"], (slider, main)
        assert status["y"] + status["height"] <= chart["y"], (status, chart)
        found = page.evaluate(BOXES_JS, CHART)
        lengths = {a["name"]: a["length"] for a in found["axes"]}
        panels = [lengths[f"xaxis{n}"] for n in ("", "2", "3", "4")]
        assert min(panels) >= 0.3 * main["width"], lengths
        assert_no_exception(page)
        page.screenshot(path=f"test-artifacts/tablet-{width}x{height}.png")
