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
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.charts import figure_json
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
    figure = json.loads(data["figure"])
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
    assert data["figure"] == text


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
