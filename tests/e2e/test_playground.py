"""The playground in a real Chromium: four panels, the player animates, the keyboard updates."""

import base64
import re

import pytest
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg

from app.model.outlier import outlier_training
from tests.e2e.conftest import assert_no_exception, open_app, wait_for_rerun
from tests.e2e.player import (
    CHART,
    GRAPH,
    LABEL,
    PLAY,
    SCRUBBER,
    frame,
    last_frame,
    playing,
    wait_for_frame,
    wait_for_player,
)

LR_SLIDER = "[data-testid=stMain] [role=group][aria-label='Learning rate']"
# Remembers the chart's graph div, Plotly's SVG in it and its draw count; the second script
# says, later, whether the div and the SVG are the same nodes and whether it has drawn since.
MARK_CHART = (
    f"() => {{ window.__graph = deep('{GRAPH}'); window.__svg = deep('{GRAPH} .main-svg');"
    f" window.__renders = Number(deep('{CHART}').dataset.renders); }}"
)
SAME_CHART = (
    f"() => [window.__graph === deep('{GRAPH}'), window.__svg === deep('{GRAPH} .main-svg'),"
    f" Number(deep('{CHART}').dataset.renders) > window.__renders]"
)


def focus_learning_rate(page) -> None:
    """Put the keyboard on the learning-rate slider (above the chart)."""
    page.locator(LR_SLIDER).locator("input[type=range]").first.focus()


def test_four_panels_render_without_exception(page, app_server):
    open_app(page, app_server)
    wait_for_player(page)
    graph = page.locator(GRAPH)
    expect(graph.locator(".cartesianlayer .subplot")).to_have_count(4)
    # The landscape is one PNG image under the fourth panel.
    images = graph.locator("image").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert len(images) == 1 and images[0].startswith("data:image/png;base64,")
    titles = graph.locator(".annotation-text").evaluate_all("els => els.map(e => e.textContent)")
    assert "Loss landscape over (w, b)" in titles
    chart = page.locator(CHART)
    assert chart.get_attribute("role") == "figure"
    assert chart.get_attribute("aria-label").startswith("Four linked charts of gradient descent")
    assert_no_exception(page)
    page.screenshot(path="test-artifacts/playground-default.png", full_page=True)


def test_the_chart_opens_on_the_last_epoch(page, app_server):
    open_app(page, app_server)
    wait_for_player(page)
    assert frame(page) == last_frame(page) == 100
    label = page.locator(LABEL).inner_text()
    assert label.startswith("epoch 100 · w = 1.4206 · b = 1.7024")  # as the notebook prints
    assert page.locator(SCRUBBER).get_attribute("aria-valuetext") == label
    assert page.locator(SCRUBBER).get_attribute("aria-label") == "Epoch"
    expect(page.locator(PLAY)).to_have_text("▶ Play")


def test_play_replays_from_the_start_and_pause_stops(page, app_server):
    open_app(page, app_server)
    wait_for_player(page)
    page.locator(PLAY).click()
    wait_for_frame(page, "i >= 3 && i < 90")  # from the end, Play starts again at epoch 0
    assert playing(page)
    expect(page.locator(PLAY)).to_have_text("❚❚ Pause")
    page.locator(PLAY).click()
    expect(page.locator(PLAY)).to_have_text("▶ Play")
    assert not playing(page)
    paused_at = frame(page)
    page.wait_for_timeout(500)  # not a timing assertion: the frame must stay put while paused
    assert frame(page) == paused_at
    assert page.locator(LABEL).inner_text().startswith(f"epoch {paused_at} ·")
    # Pausing interrupts Play's animation: Plotly rejects its promise, which is no error.
    assert not [e for e in page.errors if e.startswith("page error")], page.errors


def test_the_scrubber_keeps_its_width_while_a_diverging_run_plays(page, app_server):
    open_app(page, app_server, "preset=diverges")  # the loss label grows to 5.606e+13
    wait_for_player(page)
    widths = [page.locator(SCRUBBER).bounding_box()["width"]]
    page.locator(SCRUBBER).fill("0")
    wait_for_frame(page, "i === 0")
    widths.append(page.locator(SCRUBBER).bounding_box()["width"])
    page.locator(PLAY).click()
    for k in (2, 5):
        wait_for_frame(page, f"i >= {k}")
        widths.append(page.locator(SCRUBBER).bounding_box()["width"])
    assert max(widths) - min(widths) <= 1, widths


def test_dragging_the_scrubber_shows_that_epoch(page, app_server):
    open_app(page, app_server)
    wait_for_player(page)
    page.locator(SCRUBBER).fill("10")  # sets the value and fires "input"
    wait_for_frame(page, "i === 10")
    # The notebook prints, after epoch 10: w = 1.1755, b = 0.3233 (w, b after 10 updates).
    label = re.compile(r"^epoch 10 · w = 1\.1755 · b = 0\.3233 · ")
    expect(page.locator(LABEL)).to_have_text(label)


def test_learning_rate_by_keyboard_updates_the_chart_in_place(page, app_server):
    open_app(page, app_server)
    wait_for_player(page)
    expect(page.get_by_text("Still converging")).to_be_visible()
    renders = int(page.locator(CHART).get_attribute("data-renders"))
    page.evaluate(MARK_CHART)
    focus_learning_rate(page)
    for _ in range(10):  # 0.01 -> 0.015 -> ... -> 0.5: ten steps up the log grid
        page.keyboard.press("ArrowRight")
        wait_for_rerun(page)  # one finished run per step (quicker presses: the test below)
    expect(page.get_by_text("Diverged at epoch").first).to_be_visible(timeout=15_000)
    page.wait_for_function(
        "([s, n]) => Number(deep(s).dataset.renders) > n",
        arg=[CHART, renders],
        timeout=15_000,
    )
    # The same graph div, redrawn: the chart was updated in place, not re-created. Its SVG
    # is the same too: Plotly did not start over (as it does when its config changes).
    same_graph, same_svg, _ = page.evaluate(SAME_CHART)
    assert same_graph
    assert same_svg
    wait_for_frame(page, "i === 7")  # a diverged run stops at epoch 7: it opens there
    assert_no_exception(page)
    page.screenshot(path="test-artifacts/playground-diverged.png", full_page=True)


def test_png_download_is_named_after_the_current_run(page, app_server):
    open_app(page, app_server)
    wait_for_player(page)
    focus_learning_rate(page)
    page.keyboard.press("ArrowRight")  # 0.01 -> 0.015: the file name must follow
    wait_for_rerun(page)
    page.wait_for_function("(s) => Number(deep(s).dataset.renders) >= 2", arg=CHART, timeout=15_000)
    page.locator(GRAPH).hover()
    with page.expect_download() as info:
        page.locator(f"{GRAPH} .modebar-btn[data-title='Download plot as a PNG']").click()
    name = info.value.suggested_filename
    assert name == "gradient-descent_lr0.015_epochs100_seed42.png", name


def test_quick_key_presses_keep_the_chart_and_the_connection(page, app_server):
    """Holding an arrow key on a slider: runs are cut short by the next press. The chart
    must stay the same drawing, updated in place (it was re-created in 3 of 5 bursts), and
    the connection must survive (Streamlit's message cache lost track: "Connection error")."""
    open_app(page, app_server)
    wait_for_player(page)
    for burst, key in enumerate(("ArrowRight", "ArrowLeft", "ArrowRight", "ArrowLeft")):
        page.evaluate(MARK_CHART)
        focus_learning_rate(page)
        for _ in range(8):
            page.keyboard.press(key)
            page.wait_for_timeout(25)
        wait_for_rerun(page)
        page.wait_for_timeout(500)
        expect(page.get_by_text("Connection error")).to_have_count(0)
        kept = page.evaluate(SAME_CHART)
        assert kept == [True, True, True], f"burst {burst}: same div, same SVG, redrawn: {kept}"
    # Four bursts of eight, up and down: back at the default rate, and drawn for it.
    expect(page.locator(LR_SLIDER)).to_contain_text("0.01")
    wait_for_frame(page, "i === 100")
    assert_no_exception(page)


# What Plotly has drawn of every trace: its line's path and its markers' paths and places.
DRAWN = f"""() => [...deep('{GRAPH}').querySelectorAll('.scatterlayer .trace')].map((t) =>
  [...t.querySelectorAll('path.js-line, path.point')]
    .map((p) => `${{p.getAttribute('d')}}@${{p.getAttribute('transform') || ''}}`).join(' '))"""
# The pictures Plotly has drawn: the landscape, and the data points past 500 of them.
PICTURES = f"""() => [...deep('{GRAPH}').querySelectorAll('image')]
  .map((i) => i.getAttribute('href'))"""
COUNT_FULL_DRAWS = (
    f"() => {{ window.__full = 0; deep('{GRAPH}').on('plotly_afterplot', () => window.__full++); }}"
)


@pytest.mark.parametrize("query", ["", "n_samples=10000&epochs=5000"])
def test_a_new_learning_rate_redraws_only_its_traces_and_as_a_fresh_page_would(
    page, app_server, query
):
    """A learning rate changes only the run's traces: they alone are redrawn (no full
    Plotly.react), and the result is what the same link draws from scratch in a new page,
    down to every path, before and after scrubbing to an early epoch."""
    open_app(page, app_server, query)
    wait_for_player(page)
    assert page.locator(CHART).get_attribute("data-update") == "full"  # the first draw
    page.evaluate(COUNT_FULL_DRAWS)
    focus_learning_rate(page)
    page.keyboard.press("ArrowRight")
    wait_for_rerun(page)
    page.wait_for_function("(s) => Number(deep(s).dataset.renders) >= 2", arg=CHART)
    assert page.locator(CHART).get_attribute("data-update") == "traces"
    assert page.evaluate("() => window.__full") == 0
    assert "lr=0.015" in page.url
    fresh = page.context.new_page()
    open_app(fresh, app_server, page.url.split("?", 1)[1])  # the link the page shows now
    wait_for_player(fresh)
    assert fresh.locator(CHART).get_attribute("data-update") == "full"
    for shown in (page, fresh):
        expect(shown.locator(LABEL)).to_have_text(re.compile(r"^epoch (100|5000) · "))
    assert page.evaluate(DRAWN) == fresh.evaluate(DRAWN)
    pictures = page.evaluate(PICTURES)
    assert len(pictures) == (2 if query else 1)  # 2,000 data points are a picture
    assert pictures == fresh.evaluate(PICTURES)
    assert page.locator(LABEL).inner_text() == fresh.locator(LABEL).inner_text()
    # The new run's frames: scrubbing shows its epoch 10 as the fresh page does.
    for shown in (page, fresh):
        shown.locator(SCRUBBER).fill("10")
        wait_for_frame(shown, "i === 10")
    assert page.evaluate(DRAWN) == fresh.evaluate(DRAWN)
    assert page.locator(LABEL).inner_text() == fresh.locator(LABEL).inner_text()
    assert_no_exception(page)
    assert_no_exception(fresh)


# Records what the page sends on its websocket (base64).
RECORD_SOCKET = """(() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const bytes = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    window.__sent.push(btoa(String.fromCharCode(...bytes)));
    return send.call(this, data);
  };
})();"""


def last_rerun_request(page) -> BackMsg:
    """The last rerun request the page sent."""
    for data in reversed(page.evaluate("() => window.__sent")):
        msg = BackMsg.FromString(base64.b64decode(data))
        if msg.WhichOneof("type") == "rerun_script":
            return msg
    raise AssertionError("the page sent no rerun request")


def test_a_training_control_reruns_its_part_and_the_outlier_experiment_the_page(page, app_server):
    """The training controls and the run are one fragment, which a move reruns alone. The
    outlier experiment's first button (in the fragment) changes the data and the method,
    which the sidebar shows, so it makes the whole page run again."""
    page.add_init_script(RECORD_SOCKET)
    open_app(page, app_server)
    sidebar = page.locator("[data-testid=stSidebar]")
    focus_learning_rate(page)
    page.keyboard.press("ArrowRight")
    wait_for_rerun(page)
    expect(page.locator(LABEL)).to_contain_text("epoch 100")
    assert "lr=0.015" in page.url
    assert last_rerun_request(page).rerun_script.fragment_id  # the fragment alone
    page.locator("[data-testid=stButtonGroup] button", has_text="Outlier experiment").click()
    wait_for_rerun(page)
    page.get_by_role("button", name="Place the ten points").click()
    wait_for_rerun(page)
    expect(sidebar.get_by_role("radio", name="Points you place by clicking")).to_be_checked()
    _, epochs = outlier_training()
    epochs_slider = page.locator("[data-testid=stMain]").get_by_role("slider", name="Epochs")
    expect(epochs_slider).to_have_attribute("aria-valuetext", str(epochs))
    expect(page.locator(LABEL)).to_contain_text(f"epoch {epochs} ")
    assert_no_exception(page)


def test_more_epochs_redraw_the_whole_chart(page, app_server):
    """The epoch axis changes with the number of epochs: that update is a full Plotly.react."""
    open_app(page, app_server)
    wait_for_player(page)
    page.evaluate(COUNT_FULL_DRAWS)
    page.locator("[data-testid=stMain] [role=group][aria-label='Epochs']").locator(
        "input[type=range]"
    ).first.focus()
    page.keyboard.press("ArrowRight")
    wait_for_rerun(page)
    page.wait_for_function("(s) => Number(deep(s).dataset.renders) >= 2", arg=CHART)
    assert page.locator(CHART).get_attribute("data-update") == "full"
    assert page.evaluate("() => window.__full") >= 1
    # The loss and parameter panels' epoch axes now end at the new number of epochs.
    ends = page.evaluate(
        f"() => ['xaxis2', 'xaxis3'].map((a) => deep('{GRAPH}')._fullLayout[a].range[1])"
    )
    assert all(end > 100 for end in ends), ends
    assert_no_exception(page)


# Every trace of the figure: at default settings, and at the maximum with Adam (WebGL
# points, typed arrays from the base64 data, more landmarks).
@pytest.mark.parametrize("query", ["", "n_samples=10000&epochs=5000&optimizer=adam"])
def test_plotly_finds_the_same_array_attributes_without_concat(page, app_server, query):
    """The chart's concat-free findArrayAttributes agrees with plotly.js's own on every trace."""
    open_app(page, app_server, query)
    wait_for_player(page)
    found = page.evaluate(
        f"""() => {{
          const find = Plotly.PlotSchema.findArrayAttributes;
          if (typeof find.original !== 'function') return null;
          return deep('{GRAPH}')._fullData.map((t) => [t.name, find(t), find.original(t)]);
        }}"""
    )
    assert found is not None, "the concat-free findArrayAttributes is not installed"
    for name, fast, original in found:
        assert fast == original, name
    by_name = {name: set(fast) for name, fast, _ in found}
    assert {"x", "y"} <= by_name["route"]
    assert {"marker.symbol", "marker.size", "marker.color"} <= by_name["landmarks"]
    assert_no_exception(page)


def test_a_corrected_link_leaves_the_address_that_reloads_the_same_run(page, app_server):
    """A link the page had to correct: the address bar says the values the page uses (and
    Streamlit does not drop them), the controls stay bound to it, and a reload gives the
    same run."""
    open_app(page, app_server, "lr=0.9&epochs=-5&seed=abc&n_samples=99999999")
    assert page.url.endswith("/?lr=1&epochs=1&n_samples=10000"), page.url
    focus_learning_rate(page)
    page.keyboard.press("ArrowLeft")  # the first move of a widget drawn unbound at first
    wait_for_rerun(page)
    expect(page.locator(LR_SLIDER).get_by_role("slider")).to_have_attribute("aria-valuetext", "0.7")
    assert "lr=0.7" in page.url and "epochs=1" in page.url, page.url
    open_app(page, app_server, page.url.split("?", 1)[1])  # a reload
    expect(page.locator(LR_SLIDER).get_by_role("slider")).to_have_attribute("aria-valuetext", "0.7")
    expect(page.locator(LABEL)).to_contain_text("epoch 1 ")
    assert_no_exception(page)


def test_back_from_another_page_comes_back_to_the_same_run(page, app_server):
    """Leaving the playground, Streamlit takes the bound controls' values out of the address
    of the history entry it leaves, and on Back it read the bare address as the defaults:
    the learner's run was gone. The session's run is put back in the address instead."""
    open_app(page, app_server, "lr=0.05&epochs=300")
    page.get_by_role("link", name="Lesson").first.click()
    page.wait_for_url(re.compile(r"/lesson"))
    wait_for_rerun(page)
    page.go_back()
    wait_for_rerun(page)
    page.wait_for_function("location.search.includes('lr=0.05')")
    assert "epochs=300" in page.url, page.url
    expect(page.locator(CHART)).to_have_attribute(
        "aria-label", re.compile("over 300 epochs at learning rate 0.05")
    )
    focus_learning_rate(page)
    page.keyboard.press("ArrowRight")  # still bound: the move is written into the address
    wait_for_rerun(page)
    page.wait_for_function("location.search.includes('lr=0.07')")
    open_app(page, app_server, page.url.split("?", 1)[1])  # a reload
    expect(page.locator(CHART)).to_have_attribute(
        "aria-label", re.compile("over 300 epochs at learning rate 0.07")
    )
    assert_no_exception(page)
