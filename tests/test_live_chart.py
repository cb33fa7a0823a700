"""The chart wrapper: both backends carry the figure, the PNG name and the alt text.

AppTest-level only (no browser): what Python sends to the page. The keyboard
shortcuts and the in-place updates are driven in Chromium by
``tests/e2e/test_performance_smoke.py``; their timings by
``benchmarks/bench_interaction.py``.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from app.ui import chart

SCRIPT = """
import streamlit as st
from app.ui.chart import show_figure

animated = st.session_state.get("frames", True)
spec = {
    "data": [{"type": "scatter", "x": [0, 1, 2], "y": [0, 1, 4]}],
    "layout": {"height": 321},
    "frames": [{"name": "0", "data": [{"y": [0, 0, 0]}]}] if animated else [],
}
show_figure(spec, alt="A parabola", filename="parabola", key=st.session_state.get("key", "fig"))
"""


def _run(monkeypatch, backend: str, **state) -> AppTest:
    monkeypatch.setenv("GD_CHART_BACKEND", backend)
    at = AppTest.from_string(SCRIPT)
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    assert not at.exception
    return at


def _components(at: AppTest) -> dict[str, dict]:
    """component name -> its data, for every components.v2 element on the page."""
    return {e.proto.component_name: json.loads(e.proto.json) for e in at.get("bidi_component")}


@pytest.mark.parametrize(
    ("env", "expected"),
    [("live", "live"), ("plotly_chart", "plotly_chart"), ("nonsense", chart.CHART_BACKEND)],
)
def test_the_environment_picks_the_backend(monkeypatch, env, expected):
    monkeypatch.setenv("GD_CHART_BACKEND", env)
    assert chart.chart_backend() == expected


def test_default_backend_is_a_known_one(monkeypatch):
    monkeypatch.delenv("GD_CHART_BACKEND", raising=False)
    assert chart.chart_backend() == chart.CHART_BACKEND in chart.BACKENDS


def test_plotly_chart_backend_sends_the_figure_unchanged(monkeypatch):
    at = _run(monkeypatch, "plotly_chart")
    (element,) = at.get("plotly_chart")
    spec = json.loads(element.proto.spec)
    assert spec["data"][0]["y"] == [0, 1, 4] and len(spec["frames"]) == 1
    assert element.proto.alt == "A parabola"
    assert json.loads(element.proto.config)["toImageButtonOptions"]["filename"] == "parabola"
    assert "live_chart.live_plotly_chart" not in _components(at)


def test_live_backend_sends_figure_height_alt_and_png_name(monkeypatch):
    at = _run(monkeypatch, "live")
    assert not at.get("plotly_chart")
    data = _components(at)["live_chart.live_plotly_chart"]
    figure = json.loads(data["figure"])
    assert figure["data"][0]["y"] == [0, 1, 4] and len(figure["frames"]) == 1
    assert data["alt"] == "A parabola" and data["height"] == 321
    assert data["config"]["toImageButtonOptions"]["filename"] == "parabola"
    assert data["plotly_src"].endswith("/plotly.min.js")


@pytest.mark.parametrize("backend", chart.BACKENDS)
def test_an_animated_chart_gets_keyboard_shortcuts_for_its_key(monkeypatch, backend):
    at = _run(monkeypatch, backend, key="my_chart")
    assert _components(at)["live_chart.animation_keys"] == {"target": "my_chart"}


def test_a_still_chart_gets_no_shortcuts(monkeypatch):
    at = _run(monkeypatch, "plotly_chart", frames=False)
    assert "live_chart.animation_keys" not in _components(at)


def test_unkeyed_charts_use_plotly_chart_even_with_the_live_backend(monkeypatch):
    at = _run(monkeypatch, "live", key=None)
    assert len(at.get("plotly_chart")) == 1
    assert not _components(at)  # no live chart, and no shortcuts without a key to target
