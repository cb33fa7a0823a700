"""The one chart path: every chart is the live chart component, carrying figure, alt and PNG name.

AppTest-level only (no browser): what Python sends to the page. The player, the
keyboard shortcuts and the in-place updates are driven in Chromium by
``tests/e2e/test_performance_smoke.py`` and ``tests/e2e/test_playground.py``;
their timings by ``benchmarks/bench_interaction.py``.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as hst
from streamlit.testing.v1 import AppTest

from app.charts import ChartStyle, figure_json, playground_figure
from app.charts.encode import packed_frames, packed_labels, unpacked_frames, unpacked_labels
from app.model.compute import run
from app.model.settings import Settings, View
from tests.helpers import chart_payloads
from tests.source_tree import calls, sources

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import streamlit as st
from app.ui.chart import show_figure

spec = {
    "data": [{"type": "scatter", "x": [0, 1, 2], "y": [0, 1, 4]}],
    "layout": {"height": 321},
    "frames": [{"name": "0", "data": [{"y": [0, 0, 0]}]}],
}
figure = spec if st.session_state.get("as_dict", True) else st.session_state["text"]
show_figure(figure, alt="A parabola", filename="parabola", key="fig")
"""


def _run(**state) -> AppTest:
    at = AppTest.from_string(SCRIPT)
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    assert not at.exception
    return at


def test_the_chart_carries_figure_alt_and_png_name():
    at = _run()
    assert not at.get("plotly_chart")
    (data,) = chart_payloads(at)
    figure = data["figure"]
    assert figure["data"][0]["y"] == [0, 1, 4] and len(figure["frames"]) == 1
    assert figure["layout"]["height"] == 321
    assert data["alt"] == "A parabola"
    assert data["config"]["toImageButtonOptions"]["filename"] == "parabola"
    assert data["plotly_src"] == "app/static/plotly/plotly-basic-4.1.1.min.js"


def test_the_chart_s_javascript_is_served_by_streamlit_s_static_file_serving():
    """Both files the browser loads are files of ``app/static/`` (next to the app's script),
    which Streamlit serves at ``app/static/...`` once ``server.enableStaticServing`` is on;
    the module's URL changes with its content and with that of ``pure.js``, which it imports
    with the same ``?v=``."""
    (data,) = chart_payloads(_run())
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    module, version = data["module_src"].split("?v=")
    for url in (data["plotly_src"], module):
        assert url.startswith("app/static/") and (ROOT / url).is_file(), url
    code = (ROOT / module).read_bytes()
    pure = (ROOT / module).with_name("pure.js").read_bytes()
    assert version == hashlib.sha256(code + pure).hexdigest()[:12]
    assert b"await import(`./pure.js${new URL(import.meta.url).search}`)" in code


def test_a_figure_already_as_json_is_sent_as_it_is():
    text = '{"data":[{"type":"bar","y":[3,1,2]}],"layout":{}}'
    (data,) = chart_payloads(_run(as_dict=False, text=text))
    assert data["figure"] == json.loads(text)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_figure_with_nan_or_infinity_is_refused(bad):
    """Strict JSON: the browser's JSON.parse would reject NaN, so a bug must raise here."""
    with pytest.raises(ValueError):
        figure_json({"data": [{"type": "scatter", "y": [1.0, bad]}]})


def test_no_other_chart_path_is_left_in_the_app():
    """Every chart goes through ``live_plotly_chart``: no ``st.plotly_chart`` call remains."""
    found = [
        f"{s.where}:{call.lineno}" for s in sources("app") for call in calls(s, {"plotly_chart"})
    ]
    assert not found, found


# --- frames sent packed (app/charts/encode.py, packed_frames) ----------------------------


def _unpacked_by_the_chart(texts: list[str]) -> list[dict]:
    """Each figure's frames as the chart's JS hands them to Plotly (pure.js, figureFrames),
    and its player's labels (pure.js, player)."""
    script = (
        'import * as pure from "./app/static/live_chart/pure.js";\n'
        'import { readFileSync } from "node:fs";\n'
        'const texts = JSON.parse(readFileSync(0, "utf8"));\n'
        "const figures = texts.map((t) => JSON.parse(t));\n"
        "const out = figures.map((f) => ({\n"
        "  frames: pure.figureFrames(f), labels: pure.player(f).labels }));\n"
        "process.stdout.write(JSON.stringify(out));\n"
    )
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    return json.loads(out.stdout)


_RUNS = {
    "default": Settings(),
    "diverged": Settings(lr=1.2),
    "long": Settings(epochs=1000),
    "mini-batch": Settings(batch=8),
    "adam": Settings(optimizer="adam", lr=0.5),
}


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node (tests/js runs under it)")
def test_the_chart_rebuilds_the_playground_s_frames_from_their_packed_form():
    """The frames Plotly gets in the browser are, number for number, the ones Python built."""
    specs = [
        playground_figure(run(s), style=style, view=view)
        for s in _RUNS.values()
        for style, view in ((ChartStyle(), View()), (ChartStyle.lecture(True), View(show_ls=False)))
    ]
    texts = [figure_json(spec) for spec in specs]
    assert all("frames_packed" in json.loads(t) and "frames" not in json.loads(t) for t in texts)
    unpacked = _unpacked_by_the_chart(texts)
    for spec, text, got in zip(specs, texts, unpacked, strict=True):
        assert got["frames"] == json.loads(json.dumps(spec["frames"]))
        assert got["labels"] == spec["animation"]["labels"]
        assert "labels" not in json.loads(text)["animation"] or "×" in "".join(got["labels"])


def test_packed_frames_halve_the_default_figure_s_frames_and_shrink_its_json():
    spec = playground_figure(run(Settings()))
    whole = len(json.dumps(spec["frames"], separators=(",", ":")))
    packed = len(json.dumps(packed_frames(spec["frames"]), separators=(",", ":")))
    assert packed < 0.5 * whole
    assert len(figure_json(spec)) < 0.7 * len(json.dumps(spec, separators=(",", ":")))


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_packed_frame_with_nan_or_infinity_is_still_refused(bad):
    frames = [
        {"name": str(k), "traces": [0], "data": [{"y": [1.0, 2.0, bad if k else 0.0]}]}
        for k in range(3)
    ]
    with pytest.raises(ValueError):
        figure_json({"data": [{"type": "scatter", "y": [0.0]}], "frames": frames})


def test_frames_that_differ_in_shape_are_sent_whole():
    same = {"name": "0", "traces": [0], "data": [{"y": [1.0]}]}
    for other in (
        {"name": "1", "traces": [1], "data": [{"y": [1.0]}]},  # other traces
        {"name": "1", "traces": [0], "data": [{"x": [1.0]}]},  # other attributes
        {"name": "1", "traces": [0], "data": [{"marker": {"size": 3}}]},  # not an array
        {"name": "1", "traces": [0], "data": [{"y": [1.0]}], "layout": {}},  # more than data
    ):
        assert packed_frames([same, other]) is None
        assert "frames_packed" not in figure_json({"data": [], "frames": [same, other]})


@given(
    hst.lists(
        hst.tuples(
            hst.lists(hst.integers(-3, 3), max_size=6),
            hst.lists(hst.floats(allow_nan=False, allow_infinity=False), max_size=4),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_packed_frames_unpack_to_the_same_frames(values):
    frames = [
        {"name": str(k), "traces": [2, 5], "data": [{"x": x}, {"y": y, "x": x[:1]}]}
        for k, (x, y) in enumerate(values)
    ]
    packed = packed_frames(frames)
    assert unpacked_frames(packed) == frames
    added = sum(len(column["add"]) for entry in packed["data"] for column in entry.values())
    assert added <= sum(len(x) + len(y) + len(x[:1]) for x, y in values)


def test_the_player_s_labels_travel_as_their_shared_words_and_the_rest():
    labels = ["epoch 0 · w = 0.0000 · loss = 22.16", "epoch 10 · w = 1.2 · loss = 3.5"]
    packed = packed_labels(labels)
    assert packed == {
        "words": ["epoch", None, "·", "w", "=", None, "·", "loss", "=", None],
        "values": [["0", "0.0000", "22.16"], ["10", "1.2", "3.5"]],
    }
    assert unpacked_labels(packed) == labels
    assert packed_labels(["epoch 0 · w = 1.771 × 10⁶", "epoch 1 · w = 2"]) is None  # 7 and 5 words
    assert packed_labels(["one label"]) is None
    spec = playground_figure(run(Settings()))
    text = figure_json(spec)
    assert len(text) < 0.62 * len(json.dumps(spec, separators=(",", ":")))  # 46 of 76 KB
