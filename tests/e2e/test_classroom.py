"""Classroom features in Chromium: link round trip, lecture-mode sizes, accessibility scan."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.boxes import BOXES_INIT_JS, overlap
from tests.e2e.conftest import assert_no_exception, open_app, wait_for_rerun
from tests.e2e.player import DEEP_JS, RESULT_CELLS

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def table_cells(page):
    """The run's numbers in the table under the chart."""
    return page.locator(RESULT_CELLS).all_inner_texts()


def test_copied_link_reproduces_the_run(page, app_server, browser):
    open_app(page, app_server)
    group = page.locator("[data-testid=stSidebar] [role=group][aria-label='Noise σ']")
    group.locator("input[type=range]").first.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    wait_for_rerun(page)
    group = page.locator("[data-testid=stMain] [role=group][aria-label='Epochs']")
    group.locator("input[type=range]").first.focus()
    page.keyboard.press("End")
    wait_for_rerun(page)
    expect(page.get_by_text("Converged").first).to_be_visible(timeout=15_000)
    shown = table_cells(page)
    page.locator("[data-testid=stButtonGroup] button", has_text="Share & export").click()
    wait_for_rerun(page)
    link = page.locator("[data-testid=stCode] code").first.inner_text().strip()
    # Only what differs from the defaults, whole numbers without ".0" (no "seed=42.0").
    assert link.endswith("?noise=1&epochs=5000"), link

    fresh_context = browser.new_context(viewport={"width": 1400, "height": 900})
    fresh_context.add_init_script(DEEP_JS)
    fresh = fresh_context.new_page()
    try:
        fresh.goto(link)
        fresh.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
        fresh.wait_for_selector(RESULT_CELLS)
        assert shown and table_cells(fresh) == shown
        assert_no_exception(fresh)
    finally:
        fresh.context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1024, 768), (1920, 1080)])
def test_lecture_mode_is_legible_from_the_back(page, app_server, width, height):
    page.add_init_script(BOXES_INIT_JS)
    page.set_viewport_size({"width": width, "height": height})
    open_app(page, app_server, "mode=lecture")
    page.wait_for_selector(".js-plotly-plot .xtick text")
    body = page.evaluate("""() => Array.from(deepAll(
        '.stApp [data-testid=stMarkdownContainer] p, .stApp [data-testid=stCaptionContainer]'))
        .filter(e => e.offsetParent !== null && e.textContent.trim())
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    ticks = page.evaluate("""() => Array.from(deepAll(
        '.js-plotly-plot .xtick text, .js-plotly-plot .ytick text'))
        .map(e => parseFloat(e.style.fontSize || getComputedStyle(e).fontSize))""")
    player = page.evaluate("""() => Array.from(deepAll(
        '.live-chart-play, .live-chart-label, .live-chart-keys'))
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert body and min(body) >= 20, body
    assert ticks and min(ticks) >= 20, ticks
    assert len(player) == 3 and min(player) >= 20, player  # Play, the label, the keys
    # The status line, the chart and its player fit the projector's screen without scrolling,
    # below Streamlit's header, with the sidebar closed.
    status = page.locator("[data-testid=stAlert]").first.bounding_box()
    player = page.locator(".live-chart-player").bounding_box()
    header = page.locator("[data-testid=stHeader]").bounding_box()
    top = header["y"] + header["height"] if header else 0
    assert status["y"] >= top - 1 and player["y"] + player["height"] <= height, (status, player)
    sidebar = page.locator("[data-testid=stSidebar]").bounding_box()  # closed: off screen
    assert sidebar is None or sidebar["x"] + sidebar["width"] <= 1, sidebar
    # The chart takes the height the screen has: on a 1080 px screen its panels are as tall
    # as 2 x 465 px less the room for their titles and ticks, not 720 px's.
    plots = page.evaluate(
        "() => deepAll('.live-chart .nsewdrag').map((e) => e.getBoundingClientRect().height)"
    )
    assert len(plots) == 4 and min(plots) >= (100 if height < 1000 else 250), plots
    texts = page.evaluate("() => chartTexts(deep('.live-chart').getRootNode())")
    crowded = [(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :] if overlap(a, b)]
    assert not crowded, crowded
    page.screenshot(path=f"test-artifacts/lecture-mode-{width}x{height}.png")


# Every text of the sidebar's sliders: labels, the values above the thumbs, min and max.
SLIDER_TEXTS = """() => [
  ...document.querySelectorAll('[data-testid=stSidebar] [data-testid=stSlider]')
].flatMap((s) => [
    ...[...s.querySelectorAll('[data-testid=stWidgetLabel] p')].map((e) => box(e, 'label')),
    ...[...s.querySelectorAll('[data-testid=stSliderThumbValue]')].map((e) => box(e, 'value')),
    ...[...s.querySelectorAll('[data-testid=stSliderTickBar] div')].map((e) => box(e, 'min/max')),
  ]).filter((b) => b.h > 0)"""


def test_lecture_modes_sidebar_keeps_its_slider_texts_apart(page, app_server):
    """At 22 px a slider's value above its thumb ran into its label, and its min and max
    (shown on hover) into the next slider's label."""
    page.add_init_script(BOXES_INIT_JS)
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_app(page, app_server, "mode=lecture")
    page.get_by_test_id("stExpandSidebarButton").click()
    sliders = page.locator("[data-testid=stSidebar] [data-testid=stSlider]")
    expect(sliders.first).to_be_in_viewport()
    page.wait_for_function(  # the sidebar has slid in
        "() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().x === 0"
    )
    page.wait_for_timeout(500)
    assert sliders.count() >= 6  # the data's four, the learning rate and the epochs
    # The min and max are laid out, transparent, until the pointer is over their slider.
    texts = page.evaluate(SLIDER_TEXTS)
    assert sum(t["kind"] == "min/max" for t in texts) == 2 * sliders.count(), texts
    crowded = [(a, b) for j, a in enumerate(texts) for b in texts[j + 1 :] if overlap(a, b)]
    assert not crowded, crowded


@pytest.mark.parametrize(
    ("query", "width", "height"),
    [("", 1366, 650), ("", 1920, 960), ("mode=lecture", 1280, 720), ("", 390, 844)],
    ids=["laptop", "desktop", "lecture", "phone"],
)
def test_the_toolbar_covers_no_panel_title_and_no_panel(page, app_server, query, width, height):
    """Plotly's toolbar (shown on hover, always on a touch screen) keeps off the titles and
    the plot areas: upright in the right margin, or above the first title on a phone."""
    page.set_viewport_size({"width": width, "height": height})
    open_app(page, app_server, query)
    page.wait_for_selector(".live-chart .nsewdrag")
    chart = page.locator(".live-chart .js-plotly-plot").first.bounding_box()
    page.mouse.move(chart["x"] + chart["width"] * 0.75, chart["y"] + 60)
    toolbar = page.locator(".live-chart .modebar").first
    expect(toolbar).to_be_visible()
    bar = toolbar.bounding_box()
    titles = [t.bounding_box() for t in page.locator(".live-chart .annotation-text").all()]
    panels = [p.bounding_box() for p in page.locator(".live-chart .nsewdrag").all()]
    assert len(titles) == 4 and len(panels) == 4
    assert not [b for b in titles + panels if _overlap(b, bar)], (bar, titles, panels)


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target)}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", ["", "lesson", "beyond"])
def test_axe_finds_no_serious_violations(page, app_server, path):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (bash .ci/run does)")
    open_app(page, app_server.rstrip("/") + "/" + path if path else app_server)
    page.wait_for_timeout(500)
    serious = axe_violations(page)
    assert serious == [], json.dumps(serious, indent=1)


def test_downloads_are_made_on_click(page, app_server):
    open_app(page, app_server, "lr=0.5")
    page.locator("[data-testid=stButtonGroup] button", has_text="Share & export").click()
    wait_for_rerun(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Python script (NumPy only)").click()
    download = info.value
    wait_for_rerun(page)  # a click on a download made on demand reruns the script
    assert download.suggested_filename == "gradient-descent_lr0.5_epochs100_seed42.py"
    script = Path(download.path()).read_text()
    assert "np.random.RandomState(42)" in script and "lr = 0.0, 0.0, 0.5" in script
    with page.expect_download() as info:
        page.get_by_role("button", name="Training history (CSV)").click()
    lines = Path(info.value.path()).read_text().splitlines()
    wait_for_rerun(page)
    assert lines[0] == "epoch,w,b,loss" and len(lines) == 1 + 8  # diverged at epoch 7
    assert_no_exception(page)


def test_dark_theme_draws_light_chart_text(browser, app_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme="dark")
    context.add_init_script(DEEP_JS)
    try:
        page = context.new_page()
        open_app(page, app_server)
        page.wait_for_selector(".js-plotly-plot .xtick text")
        fill = page.evaluate("() => getComputedStyle(deep('.js-plotly-plot .xtick text')).fill")
        background = page.evaluate(
            "() => getComputedStyle(deep('[data-testid=stApp]')).backgroundColor"
        )
        assert fill == "rgb(245, 245, 245)"  # ChartStyle(dark=True).ink
        red, green, blue = (int(v) for v in background[4:-1].split(",")[:3])
        assert red + green + blue < 150  # the page itself is dark
        assert_no_exception(page)
        page.screenshot(path="test-artifacts/playground-dark.png")
    finally:
        context.close()


def test_a_lecture_link_switched_off_stays_off_on_a_reload(page, app_server):
    """?mode=lecture is written as the control it turns on (?lecture=true): switched off,
    lecture mode leaves the address, and a reload no longer turns it back on."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, app_server, "mode=lecture")
    assert page.url.endswith("/?lecture=true"), page.url
    open_app(page, app_server, page.url.split("?", 1)[1])  # a reload: still lecture mode
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible()  # sidebar closed
    page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Least-squares line, log scale, speed, lecture mode").click()
    wait_for_rerun(page)
    sidebar.get_by_text("Lecture mode", exact=True).click()
    wait_for_rerun(page)
    assert "lecture" not in page.url and "mode" not in page.url, page.url
    open_app(page, app_server)  # the address the page shows now: the plain one
    expect(page.locator("[data-testid=stMain] h1")).to_have_count(1)  # the playground's title
    assert_no_exception(page)
