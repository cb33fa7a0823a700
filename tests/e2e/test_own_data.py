"""Own data in a real browser: click to add and remove points, upload files, hostile files.

The hostile files are the cases of ``tests/test_own_data.py``, written out and uploaded
with Playwright's ``set_input_files``: each must show its notice, no exception, and
leave the chart's data as it was.
"""

from __future__ import annotations

import itertools
import json
import urllib.parse

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app.model.data.points_link import decode_points
from tests.e2e.conftest import assert_no_exception, open_app, wait_for_rerun
from tests.e2e.player import PLAY, RESULT_CELLS
from tests.helpers import HOSTILE_FILES, NOTED_FILES

CHART = ".live-chart"


def _renders(page: Page) -> int:
    """How often the chart has drawn (0 before its first draw)."""
    page.wait_for_selector(f"{CHART}[data-renders]", state="attached", timeout=30_000)
    return int(page.locator(CHART).get_attribute("data-renders"))


def _pixel(page: Page, x: float, y: float) -> tuple[float, float]:
    """Where the data point (x, y) of the first panel is on the page, in CSS pixels."""
    _renders(page)
    return tuple(
        page.evaluate(
            """([x, y]) => {
              const root = deep(".live-chart");
              const gd = root.querySelector(".js-plotly-plot");
              const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
              const r = gd.getBoundingClientRect();
              return [r.left + xa._offset + xa.d2p(x), r.top + ya._offset + ya.d2p(y)];
            }""",
            [x, y],
        )
    )


def _points(page: Page) -> tuple[np.ndarray, np.ndarray]:
    """The placed points the address bar carries."""
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    p = decode_points(query.get("points", [""])[-1])
    return p.x, p.y


def _chart_points(page: Page) -> int:
    """How many points the chart's first trace draws."""
    _renders(page)
    return page.evaluate(
        """() => {
          const gd = deep(".live-chart .js-plotly-plot");
          return gd._fullData[0].x.length;
        }"""
    )


def _click_at(page: Page, x: float, y: float, placed: int) -> None:
    """Click the first panel at data point (x, y); wait until ``placed`` points are drawn."""
    page.mouse.click(*_pixel(page, x, y))
    wait_for_rerun(page)
    page.wait_for_function(
        """n => {
          const gd = deep(".live-chart .js-plotly-plot");
          return gd && gd._fullData[0].x.length === n;
        }""",
        arg=placed,
    )
    wait_for_rerun(page)


def test_click_adds_a_point_and_clicking_it_removes_it(page, app_server):
    open_app(page, app_server, "points=")
    expect(page.locator(CHART)).to_have_attribute("data-clickable", "true")
    expect(page.locator(PLAY)).to_be_hidden()  # nothing trained: no player
    for n, (x, y) in enumerate(((-5.0, -3.0), (4.0, 6.0), (1.0, 1.0)), start=1):
        _click_at(page, x, y, n)
    xs, ys = _points(page)
    assert len(xs) == 3
    np.testing.assert_allclose(xs, [-5, 4, 1], atol=0.15)  # a pixel is about 0.03 here
    np.testing.assert_allclose(ys, [-3, 6, 1], atol=0.15)
    expect(page.locator(RESULT_CELLS).first).to_be_visible()  # trained
    assert _chart_points(page) == 3
    _click_at(page, float(xs[1]), float(ys[1]), 2)  # on a point: removes it
    xs2, _ = _points(page)
    assert len(xs2) == 2 and float(xs[1]) not in xs2.tolist()
    page.get_by_role("button", name="Undo").click()
    wait_for_rerun(page)
    assert len(_points(page)[0]) == 3
    page.get_by_role("button", name="Clear").click()
    wait_for_rerun(page)
    assert len(_points(page)[0]) == 0
    expect(page.locator(PLAY)).to_be_hidden()  # not the last run's player, stale
    assert_no_exception(page)
    assert not page.errors, page.errors


def test_the_synthetic_chart_takes_no_clicks(page, app_server):
    open_app(page, app_server)
    expect(page.locator(CHART)).to_have_attribute("data-clickable", "false")
    page.mouse.click(*_pixel(page, 0.0, 0.0))
    wait_for_rerun(page)
    assert "points" not in page.url
    assert_no_exception(page)


# --- uploads ---


def _choose_upload(page: Page) -> None:
    page.locator("[data-testid=stSidebar]").get_by_text("Your own CSV file").click()
    wait_for_rerun(page)


def _upload(page: Page, tmp_path, name: str, raw: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    wait_for_rerun(page)


def _figure_data(page: Page) -> list:
    """The first trace's points as the chart draws them."""
    _renders(page)
    return page.evaluate(
        """() => {
          const t = deep(".live-chart .js-plotly-plot")._fullData[0];
          return [Array.from(t.x), Array.from(t.y)];
        }"""
    )


def test_an_uploaded_file_is_fitted_and_named_on_the_axes(page, app_server, tmp_path):
    open_app(page, app_server)
    _choose_upload(page)
    rows = "\n".join(f"{i},{2 * i + 1}" for i in range(10))
    _upload(page, tmp_path, "mine.csv", f"height,weight\n{rows}\n".encode())
    assert_no_exception(page)
    x, y = _figure_data(page)
    assert x == list(range(10)) and y == [2 * i + 1 for i in range(10)]
    expect(page.locator(CHART).get_by_text("weight").first).to_be_attached()
    expect(page.get_by_text("not stored and does not go into the link")).to_be_visible()
    assert "points" not in page.url and "dataset" not in page.url


def _no_two_notices_alike_in_a_row(files: dict) -> list:
    """The files in an order where each notice differs from the one before it, so a notice
    left over from the previous upload cannot pass for this one's."""
    left, order = dict(files), []
    while left:
        name = next(
            (n for n, v in left.items() if not order or v[1] != order[-1][1][1]), next(iter(left))
        )
        order.append((name, left.pop(name)))
    assert all(a[1][1] != b[1][1] for a, b in itertools.pairwise(order)), "no such order"
    return order


def test_each_hostile_file_shows_its_notice_and_leaves_the_data(page, app_server, tmp_path):
    """Every hostile file, one after another in one page (AppTest checks each on its own)."""
    open_app(page, app_server, "dataset=anscombe-1")
    before = _figure_data(page)
    _choose_upload(page)
    failures = []
    for name, (raw, words) in _no_two_notices_alike_in_a_row(HOSTILE_FILES):
        page.errors.clear()
        _upload(page, tmp_path, name, raw)
        if page.locator("[data-testid=stException]").count():
            failures.append(f"{name}: exception element")
        try:  # a loaded machine may take a moment past the rerun to draw it
            expect(page.get_by_text(words).first).to_be_visible(timeout=10_000)
        except AssertionError:
            failures.append(f"{name}: no visible notice {words!r}")
        if _figure_data(page) != before:
            failures.append(f"{name}: the chart's data changed")
        if [e for e in page.errors if "live_chart" in e]:
            failures.append(f"{name}: {page.errors}")
    assert not failures, "\n".join(failures)


def test_each_file_read_with_changes_says_what_changed(page, app_server, tmp_path):
    """Every file read with changes, one after another in one page."""
    open_app(page, app_server)
    _choose_upload(page)
    for name, (raw, words, (want_x, want_y)) in NOTED_FILES.items():
        _upload(page, tmp_path, name, raw)
        assert_no_exception(page)
        expect(page.get_by_text(words).first).to_be_visible()
        assert _figure_data(page) == [want_x, want_y], name


def test_the_figure_json_of_a_data_set_is_its_file(page, app_server):
    open_app(page, app_server, "dataset=anscombe-4")
    x, y = _figure_data(page)
    assert sorted(x) == sorted([8.0] * 10 + [19.0])
    assert max(y) == pytest.approx(12.5)
    assert json.dumps(x)  # plain numbers
