"""The playground through Streamlit's AppTest: renders, reacts to each control, shows the core."""

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from streamlit.testing.v1 import AppTest

from app.compute import run
from app.params import PARAMS, Settings
from tests.test_charts import by_name, decode

APP = str(Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py")


def start(state: dict | None = None, **query) -> AppTest:
    """Run the app as opened from a link with ``query``, with session ``state`` set first."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({k: str(v) for k, v in query.items()})
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def chart(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def status(at: AppTest) -> str:
    return " ".join(
        e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)
    )


def test_default_page_renders_the_notebook_run():
    at = start()
    assert not at.exception
    assert "Still converging" in status(at)
    assert [m.value for m in at.metric] == ["1.4206", "1.7024", "1.89"]
    assert any("Stable below lr ≈ 0.113" in c.value for c in at.sidebar.caption)
    assert len(at.get("plotly_chart")) == 1  # the race is closed, so its chart is not drawn
    assert not at.latex  # nor is the step inspector
    keys = " ".join(c.value for c in at.caption)
    assert all(k in keys for k in ("Alt+P", "Alt+,", "Alt+.", "Alt+D"))


def test_every_control_has_its_widget_and_help():
    at = start()
    keys = {
        w.key
        for kind in ("slider", "select_slider", "number_input", "toggle", "radio")
        for w in getattr(at.sidebar, kind)
    }
    assert keys == set(PARAMS)
    for w in at.sidebar.slider:
        assert w.help


def test_chart_data_equals_the_core():
    at = start()
    fig = chart(at)
    expected = run(Settings())
    assert_allclose(decode(by_name(fig, "w")["y"]), expected.history.w, rtol=1e-6, atol=1e-7)
    assert_allclose(decode(by_name(fig, "loss")["y"]), expected.history.loss, rtol=1e-6)
    assert len(fig["frames"]) == 101


def test_large_learning_rate_diverges():
    at = start()
    at.select_slider(key="lr").set_value(0.5).run()
    assert not at.exception
    assert "Diverged at epoch 7" in status(at)
    assert len(at.error) == 1


def test_zero_noise_converges_to_the_true_line():
    at = start()
    at.slider(key="noise").set_value(0.0).run()
    at.slider(key="epochs").set_value(3000).run()
    assert not at.exception
    assert "Converged" in status(at)
    w, b = (float(m.value) for m in at.metric[:2])
    assert w == pytest.approx(1.5, abs=1e-3) and b == pytest.approx(2.0, abs=1e-3)


def test_more_samples_reach_the_chart():
    at = start()
    at.select_slider(key="n_samples").set_value(1000).run()
    assert not at.exception
    assert len(decode(by_name(chart(at), "data")["x"])) == 1000


def test_new_data_button_changes_the_seed():
    at = start()
    at.button(key="new_data").click().run()
    assert at.number_input(key="seed").value != 42
    assert not at.exception


def test_starting_point_moves_the_path():
    at = start()
    at.slider(key="w0").set_value(-5.0).run()
    at.slider(key="b0").set_value(8.0).run()
    start_marker = by_name(chart(at), "start")
    assert (start_marker["x"], start_marker["y"]) == ([-5.0], [8.0])


def test_url_values_are_used_and_bad_ones_reported():
    at = start(lr="0.1", epochs="abc", noise="1e309", n_samples="7")
    assert not at.exception
    assert at.select_slider(key="lr").value == 0.1
    assert at.slider(key="epochs").value == 100
    notices = " ".join(w.value for w in at.warning)
    assert "Epochs" in notices and "Noise" in notices and "Number of samples" in notices
    assert at.select_slider(key="n_samples").value == 5


def test_step_inspector_shows_the_cores_step():
    at = start({"inspect_open": True})
    at.slider(key="inspect_epoch").set_value(10).run()
    h = run(Settings()).history
    latex = " ".join(e.body for e in at.latex)
    assert f"{h.loss[10]:.4f}" in latex
    assert f"{h.w[11]:.4f}" in latex and f"{h.b[11]:.4f}" in latex
    at.button(key="inspect_next").click().run()
    assert at.slider(key="inspect_epoch").value == 11


def test_race_includes_current_rate_and_marks_divergence():
    at = start({"race_open": True})
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    race = figs[1]
    names = [t.get("name", "") for t in race["data"]]
    assert "lr = 0.01 (current)" in names
    assert any(n.startswith("lr = 0.5: diverged") for n in names)
    assert np.isfinite(decode(race["data"][1]["y"])).all()


def test_epoch_table_is_a_text_alternative_to_the_chart():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["table"] = True  # the expander is open
    at.run()
    h = run(Settings()).history
    (table,) = [d for d in at.dataframe if "loss" in d.value.columns]
    assert table.value["epoch"].iloc[-1] == h.epochs_run
    assert_allclose(table.value["w"].iloc[-1], h.w[-1])
    assert len(table.value) <= 50
