"""The first screen on a laptop or a desktop, in Chromium: what the learner turns and reads
while moving the learning rate is on it without scrolling, nothing overlaps, and the page
does not jump about as it loads (issue 25, item 1 and item 2's layout shift)."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.boxes import BOXES_INIT_JS, overlap
from tests.e2e.conftest import new_page, open_app
from tests.e2e.lessons import predict_and_lock
from tests.e2e.player import CHART, GRAPH, wait_for_player

#: The most common laptop screen less the browser's own bars, a larger laptop, a desktop.
SCREENS = [(1366, 650), (1440, 780), (1920, 960)]
#: The smallest plot area of each of the four panels, in CSS pixels.
MIN_PLOT = (220, 160)

# Where each part is (getBoundingClientRect), in the page and inside the chart's shadow root.
BOXES_JS = """([chart, main]) => {
  const root = deep(chart);
  const gd = root.querySelector('.js-plotly-plot');
  const one = (selector, kind) => {
    const e = document.querySelector(selector);
    return e ? [box(e, kind)] : [];
  };
  const parts = [
    ...one(`${main} .st-key-lr [data-testid=stSlider]`, 'lr slider'),
    ...one(`${main} .st-key-epochs [data-testid=stSlider]`, 'epochs slider'),
    ...[...document.querySelectorAll(`${main} [data-testid=stAlert]`)].map(e => box(e, 'status')),
    ...[...gd.querySelectorAll('.draglayer .nsewdrag')].map(e => box(e, 'plot')),
    ...[...root.querySelectorAll('.live-chart-play, .live-chart-scrub, .live-chart-label')]
      .map(e => box(e, 'player')),
  ];
  const texts = chartTexts(root);
  gd.querySelectorAll('.modebar-group').forEach(e => texts.push(box(e, 'modebar')));
  const visible = (b) => b.w > 0 && b.h > 0;
  return {parts: parts.filter(visible), texts: texts.filter(visible),
          scrolled: document.querySelector('[data-testid=stMain]').scrollTop};
}"""
MAIN = "[data-testid=stMain]"


def _inside(b: dict, width: int, height: int) -> bool:
    return b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["w"] <= width and b["y"] + b["h"] <= height


@pytest.fixture(params=SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def screen(request, browser: Browser):
    width, height = request.param
    with new_page(browser, BOXES_INIT_JS, viewport={"width": width, "height": height}) as page:
        yield page, width, height


def _boxes(page) -> dict:
    return page.evaluate(BOXES_JS, [CHART, MAIN])


def test_controls_status_four_panels_and_player_are_on_the_first_screen(screen, app_server):
    page, width, height = screen
    open_app(page, app_server)
    wait_for_player(page)
    # As it opens by default: the sidebar is open beside the page on these screens.
    sidebar = page.locator("[data-testid=stSidebar]").bounding_box()
    assert sidebar and sidebar["x"] == 0 and sidebar["width"] >= 240, sidebar
    page.hover(f"{GRAPH} .draglayer .nsewdrag >> nth=0")  # shows the toolbar
    page.wait_for_selector(f"{GRAPH} .modebar-group", state="visible")
    found = _boxes(page)
    assert found["scrolled"] == 0
    parts = found["parts"]
    kinds = [p["kind"] for p in parts]
    assert kinds.count("lr slider") == kinds.count("epochs slider") == kinds.count("status") == 1
    assert kinds.count("plot") == 4 and kinds.count("player") == 3, kinds
    outside = [p for p in parts if not _inside(p, width, height)]
    assert not outside, outside
    small = [
        p for p in parts if p["kind"] == "plot" and (p["w"] < MIN_PLOT[0] or p["h"] < MIN_PLOT[1])
    ]
    assert not small, small
    # Nothing overlaps: the controls, the status, the panels, the player, and every text and
    # the toolbar in the chart.
    boxes = parts + found["texts"]
    assert {"panel title", "axis title", "tick", "legend", "modebar"} <= {b["kind"] for b in boxes}
    clashes = [
        (a, b)
        for a, b in itertools.combinations(boxes, 2)
        if a["kind"] != b["kind"] and {a["kind"], b["kind"]} != {"tick", "plot"} and overlap(a, b)
    ]
    assert not clashes, clashes[:5]
    # Tick labels stand outside the plot areas (by a pixel or two at most).
    ticks_in = [
        (t, p)
        for t in boxes
        if t["kind"] == "tick"
        for p in boxes
        if p["kind"] == "plot" and overlap(t, p, slack=3.0)
    ]
    assert not ticks_in, ticks_in[:5]
    assert not page.errors
    page.screenshot(path=f"test-artifacts/first-screen-{width}x{height}.png")


def test_a_lesson_steps_chart_starts_on_the_first_screen_after_a_reveal(browser, app_server):
    width, height = SCREENS[0]
    with new_page(browser, viewport={"width": width, "height": height}) as page:
        open_app(page, app_server.rstrip("/") + "/lesson")
        main = page.locator(MAIN)
        # The title stands under the page's navigation, not 110 px below it (Streamlit's 6rem).
        title = main.locator("h1").first.bounding_box()
        nav = page.get_by_test_id("stHeader").bounding_box()
        assert title["y"] - (nav["y"] + nav["height"]) < 40, (title, nav)
        predict_and_lock(page, main)  # the reveal: what happened, and the chart that shows it
        chart = page.locator(f"{MAIN} .live-chart").first
        chart.wait_for(state="visible")
        top = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=stMain]');"
            " return [m.scrollTop, deep('[data-testid=stMain] .live-chart')"
            ".getBoundingClientRect().top]; }"
        )
        assert top[0] == 0 and 0 <= top[1] < height, top


# Every layout shift from the start of the navigation (buffered), the way Core Web Vitals
# count it: shifts within half a second of an input do not count.
LAYOUT_SHIFT_JS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.hadRecentInput) window.__shifts.push({value: e.value, at: e.startTime});
  }
}).observe({type: 'layout-shift', buffered: true});
"""
#: "Good" cumulative layout shift (web.dev); above 0.25 is "poor".
GOOD_CLS = 0.1


@pytest.mark.xfail(
    strict=True,
    reason=(
        "measured 0.24-0.25 at 1366x650 in 4 of 5 loads, 0.33 in one: Streamlit's frontend "
        "draws stMain, centred and without a sidebar, before its WebSocket connects (it is "
        "in the DOM before the first message), so no style of the app's can be there in the "
        "first frame; stMain then moves x 0->300 when the sidebar's first element arrives "
        "(0.22-0.23, with the empty centred block going wide in the same frame; 0.09 more "
        "when that is a frame of its own). A 3-line app (wide, one sidebar element) measures "
        "0.23-0.31 the same way: the 0.1 goal is below Streamlit 1.67's floor with the "
        "sidebar open. The page's own CSS, which arrives late (st.html loads its code on "
        "demand), no longer counts (0.08-0.13 before): the page is hidden for 0.1 s when it "
        "applies (page_css.py); the sidebar's widgets growing from their skeletons add "
        "0.01-0.02."
    ),
)
def test_the_page_hardly_moves_while_it_loads(browser, app_server):
    width, height = SCREENS[0]
    with new_page(browser, LAYOUT_SHIFT_JS, viewport={"width": width, "height": height}) as page:
        page.goto(app_server)
        wait_for_player(page)
        page.wait_for_timeout(500)  # a shift right after the first draw counts too
        shifts = page.evaluate("window.__shifts")
        cls = sum(s["value"] for s in shifts)
        assert cls <= GOOD_CLS, shifts


def test_the_chart_s_three_files_load_at_once_and_each_once(browser, app_server):
    """The chart's loader asks for plotly.js and ``pure.js`` as it imports the chart's module
    (``app/ui/live_chart``), not one after the other: both requests start before the module
    has arrived. The module's own ``<script>`` for plotly.js and its import of ``pure.js``
    then take those responses, so each file is fetched once (a preload that nothing took
    would show as a second fetch)."""
    with new_page(browser, viewport={"width": 1366, "height": 650}) as page:
        page.goto(app_server)
        wait_for_player(page)
        fetched = page.evaluate(
            """Object.fromEntries(performance.getEntriesByType('resource')
                 .filter((e) => /\\/app\\/static\\//.test(e.name))
                 .map((e) => [e.name.split('/').pop().split('?')[0],
                              [e.initiatorType, e.startTime, e.responseEnd]]))"""
        )
        count = page.evaluate(
            "performance.getEntriesByType('resource').filter((e) => /app.static/.test(e.name))"
            ".length"
        )
        assert sorted(fetched) == ["live_chart.js", "plotly-basic-4.1.1.min.js", "pure.js"]
        assert count == 3, fetched
        module_arrived = fetched["live_chart.js"][2]
        assert fetched["plotly-basic-4.1.1.min.js"][0] == "link", fetched  # the preload's
        assert fetched["plotly-basic-4.1.1.min.js"][1] < module_arrived, fetched
        assert fetched["pure.js"][1] < module_arrived, fetched
        assert not page.errors


def test_the_first_load_needs_no_select_box_and_the_scenario_menu_works(browser, app_server):
    """The scenario menu is a popover of radio buttons: the first load fetches none of the
    select box's code (141 KB as Streamlit sends it), and picking a scenario there sets the
    run's controls (here the learning rate) and names it on the menu's button."""
    with new_page(browser, viewport={"width": 1366, "height": 650}) as page:
        open_app(page, app_server)
        wait_for_player(page)
        scripts = page.evaluate(
            "performance.getEntriesByType('resource').map((e) => e.name.split('/').pop())"
        )
        assert any(name.startswith("Radio.") for name in scripts), scripts  # it does see them
        assert not [n for n in scripts if n.startswith(("Selectbox.", "useSyncComboBox"))]
        page.get_by_role("button", name="Choose a teaching scenario").click()
        page.get_by_text("Too large: diverges").click()
        page.get_by_role("button", name="Scenario: Too large: diverges").wait_for()
        lr = page.locator(".st-key-lr [data-testid=stSliderThumbValue]")
        expect(lr).to_have_text("0.5")  # the fragment's slider arrives after the button
        assert not page.errors
