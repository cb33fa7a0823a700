"""The playground through Streamlit's AppTest: renders, reacts to each control, shows the core."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from streamlit.testing.v1 import AppTest

from app.model.compute import run
from app.model.numbers import number_text
from app.model.params import PARAMS, applies, group_keys
from app.model.settings import Settings
from app.ui.controls import SECTIONS
from app.ui.data_source import KIND_KEY
from tests.helpers import (
    APP,
    by_name,
    chart_payloads,
    control_widgets,
    decode,
    figures,
    result,
    start,
    status,
)
from tests.notebook_reference import PRINTED_PROGRESS, notebook_data, notebook_training


def test_default_page_shows_the_notebooks_numbers():
    at = start()
    assert not at.exception
    assert "Still converging" in status(at)
    # What the notebook printed after its last epoch, read from its own output.
    w_printed, b_printed = PRINTED_PROGRESS.splitlines()[-1].split("w = ")[1].split(", b = ")
    table = result(at)
    assert table["columns"][1] == "Gradient descent, 100 epochs"
    assert (table["w"][0], table["b"][0]) == (w_printed, b_printed)
    # The loss shown is the loss AT the final (w, b), one update after the notebook's last
    # printed loss (1.8930, taken before that update): computed here with the notebook's code.
    x, y = notebook_data()
    losses, ws, bs = notebook_training(x, y, 0.01)
    final_loss = np.mean((y - (ws[-1] * x + bs[-1])) ** 2)
    assert final_loss < losses[-1] == pytest.approx(1.8930, abs=5e-5)
    assert table["Loss (MSE)"][0] == f"{final_loss:.4f}"
    # Beside it: the best fit (NumPy's own least squares) and the true line on this sample.
    w_ls, b_ls = np.polyfit(x, y, 1)
    loss_ls = np.mean((y - (w_ls * x + b_ls)) ** 2)
    loss_true = np.mean((y - (1.5 * x + 2.0)) ** 2)
    assert table["w"][1:] == [f"{w_ls:.4f}", "1.5"]
    assert table["b"][1:] == [f"{b_ls:.4f}", "2"]
    assert table["Loss (MSE)"][1:] == [f"{loss_ls:.4f}", f"{loss_true:.4f}"]
    assert loss_ls < loss_true  # the noise: the best line for the sample beats the true one
    assert not at.metric  # the numbers are one table under the chart, not five elements
    assert any("Stable below lr ≈ 0.113" in c.value for c in at.main.caption)  # under lr
    assert len(chart_payloads(at)) == 1  # the race is closed, so its chart is not drawn
    assert not at.latex  # nor is the step inspector
    # The keys are listed by the chart, under its player.
    payload = chart_payloads(at)[0]
    keys = dict(payload["player_keys"] + payload["keys"])
    assert {"Alt+P", "Alt+,", "Alt+.", "Alt+Z", "Tab"} <= set(keys) and all(keys.values())


def test_the_result_table_drops_the_true_line_for_real_data_and_shortens_huge_numbers():
    at = start({"dataset": "anscombe-1"})
    table = result(at)
    assert table["columns"][1:] == ["Gradient descent, 100 epochs", "Best fit (least squares)"]
    assert all(len(table[row]) == 2 for row in ("w", "b", "Loss (MSE)"))
    r = run(Settings(lr=0.5))  # the diverging preset's rate: the loss is in the millions
    at = start({"lr": "0.5"})
    table = result(at)
    assert r.history.diverged_at is not None and r.history.final_loss > 1e6
    # w and b are meaningless after a divergence: the table says so in words ...
    assert (table["w"][0], table["b"][0]) == ("diverged", "diverged")
    # ... and the loss is written in 4 significant digits times a power of ten.
    mantissa, power = table["Loss (MSE)"][0].split(" × 10")
    exponent = int(power.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")))
    assert exponent == int(np.floor(np.log10(r.history.final_loss)))
    assert float(mantissa) == pytest.approx(r.history.final_loss / 10**exponent, abs=5e-4)
    # The player's label under the chart writes the same loss the same way.
    label = figures(at)[0]["animation"]["labels"][-1]
    assert label.endswith(f"loss = {table['Loss (MSE)'][0]}") and "e+" not in label
    # A value that rounds to 0 from below reads 0, not -0.0000 (a b of symmetric points).
    assert [number_text(v) for v in (-1e-17, -0.0)] == ["0.0000", "0.0000"]


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
def test_every_control_that_applies_has_its_widget_and_help(optimizer):
    at = start({"optimizer": optimizer})
    widgets = control_widgets(at)
    shown = {w.key for w in widgets} - {KIND_KEY}  # and where the data comes from
    assert shown == {k for k in PARAMS if applies(k, optimizer)}
    # The training controls are above the chart, every other one is in the sidebar.
    assert {w.key for w in control_widgets(at.main)} == set(group_keys("train"))
    in_sidebar = (shown | {KIND_KEY}) - set(group_keys("train"))
    assert {w.key for w in control_widgets(at.sidebar)} == in_sidebar
    assert ("beta" in shown) == (optimizer in ("momentum", "nesterov", "adam"))
    assert ("beta2" in shown) == (optimizer in ("rmsprop", "adam"))
    assert all(w.help for w in widgets)


def test_the_chart_carries_the_run_its_name_and_its_description():
    at = start()
    (payload,) = chart_payloads(at)
    assert payload["config"]["toImageButtonOptions"]["filename"] == (
        "gradient-descent_lr0.01_epochs100_seed42"
    )
    assert "Final w = 1.4206, b = 1.7024" in payload["alt"]
    fig = figures(at)[0]
    _, ws, _ = notebook_training(*notebook_data(), 0.01)
    assert_allclose(decode(by_name(fig, "w")["y"])[1:], ws, rtol=1e-6)
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
    table = result(at)
    w, b = float(table["w"][0]), float(table["b"][0])
    assert w == pytest.approx(1.5, abs=1e-3) and b == pytest.approx(2.0, abs=1e-3)


def test_more_samples_reach_the_chart():
    at = start()
    at.select_slider(key="n_samples").set_value(1000).run()
    assert not at.exception
    assert len(decode(by_name(figures(at)[0], "data")["x"])) == 1000


def test_x_range_controls_move_the_data():
    at = start()
    at.slider(key="x_center").set_value(20.0).run()
    at.slider(key="x_spread").set_value(2.0).run()
    assert not at.exception
    x = decode(by_name(figures(at)[0], "data")["x"])
    assert x.min() >= 18.0 and x.max() <= 22.0 and x.max() - x.min() > 3.0


def test_new_data_button_changes_the_seed():
    at = start()
    at.button(key="new_data").click().run()
    assert at.number_input(key="seed").value != 42
    assert not at.exception


def test_starting_point_moves_the_path():
    at = start()
    at.slider(key="w0").set_value(-5.0).run()
    at.slider(key="b0").set_value(8.0).run()
    fig = figures(at)[0]
    marks = by_name(fig, "landmarks")
    start_at = marks["text"].index("start")
    assert (marks["x"][start_at], marks["y"][start_at]) == (-5.0, 8.0)
    assert fig["frames"][0]["data"][-1]["x"] == [-5.0]  # the path starts there


def test_url_values_are_used_and_bad_ones_reported():
    at = start({"lr": "0.1", "epochs": "abc", "noise": "1e309", "n_samples": "7"})
    assert not at.exception
    assert at.select_slider(key="lr").value == 0.1
    assert at.slider(key="epochs").value == 100
    notices = " ".join(w.value for w in at.warning)
    assert "Epochs" in notices and "Noise" in notices and "Number of samples" in notices
    assert at.select_slider(key="n_samples").value == 5


def test_step_inspector_shows_the_notebooks_step():
    at = start(state={"sections": ["inspect"]})
    at.slider(key="inspect_epoch").set_value(10).run()
    losses, ws, bs = notebook_training(*notebook_data(), 0.01)
    latex = " ".join(e.body for e in at.latex)
    # Epoch 10 (0-based): the loss before the 11th update, and w, b after it.
    assert f"{losses[10]:.4f}" in latex
    assert f"{ws[10]:.4f}" in latex and f"{bs[10]:.4f}" in latex
    at.button(key="inspect_next").click().run()
    assert at.slider(key="inspect_epoch").value == 11


def test_race_includes_current_rate_and_marks_divergence():
    at = start(state={"sections": ["race"]})
    payloads = chart_payloads(at)
    assert len(payloads) == 2
    assert payloads[1]["config"]["toImageButtonOptions"]["filename"] == "learning-rate-race"
    race = figures(at)[1]
    names = [t.get("name", "") for t in race["data"]]
    assert "lr = 0.01 (current)" in names
    assert any(n.startswith("lr = 0.5: diverged") for n in names)
    curves = [t for t in race["data"] if t.get("xaxis") == "x" and t.get("mode") == "lines"]
    assert len(curves) == 3
    assert all(np.isfinite(decode(t["y"])).all() for t in curves)


def test_epoch_table_is_a_text_alternative_to_the_chart():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["sections"] = ["table"]  # its section is open
    at.run()
    h = run(Settings()).history
    (table,) = [d for d in at.dataframe if "loss" in d.value.columns]
    assert table.value["epoch"].iloc[-1] == h.epochs_run
    assert_allclose(table.value["w"].iloc[-1], 1.4206, atol=5e-5)  # the notebook's final w
    assert len(table.value) <= 50


def test_closed_sections_draw_no_widgets_but_keep_their_values():
    """Seed, x range, start and view controls sit in sections drawn only while open."""
    closed = {f"more_{group}": False for group in SECTIONS}
    at = start({"w0": "-5", "seed": "7", "log_loss": "false"}, state=closed)
    drawn = {w.key for w in control_widgets(at)}
    assert drawn & set(PARAMS) == {k for k, p in PARAMS.items() if not p.more and applies(k, "gd")}
    fig = figures(at)[0]
    marks = by_name(fig, "landmarks")
    assert marks["x"][marks["text"].index("start")] == -5.0
    assert fig["layout"]["yaxis2"]["type"] == "linear"
    at.session_state["more_train"] = True
    at.run()
    assert at.slider(key="w0").value == -5.0
    at.select_slider(key="lr").set_value(0.02).run()  # a rerun with the section open
    at.session_state["more_train"] = False
    at.run()
    marks = by_name(figures(at)[0], "landmarks")
    assert marks["x"][marks["text"].index("start")] == -5.0  # kept while closed


def _scenario_button(at) -> str:
    (menu,) = at.sidebar.get("popover")
    return menu.proto.popover.label


def test_the_scenario_menu_names_the_link_s_scenario_and_forgets_it_on_reset():
    at = start({"preset": "diverges"})
    assert _scenario_button(at) == "Scenario: Too large: diverges"
    assert at.radio(key="preset_choice").value == "diverges"
    assert at.session_state["lr"] == 0.5
    at.button(key="reset").click().run()
    assert _scenario_button(at) == "Choose a teaching scenario"
    assert at.radio(key="preset_choice").value is None
    assert not at.exception


def test_the_scenario_menu_lets_go_of_a_scenario_once_its_run_is_changed():
    """Moving a run control away from the scenario's value leaves a run the scenario's
    caption no longer describes: the menu says so, and picking the scenario again sets it
    again. A view control (the log scale) changes no run, and the scenario stays."""
    at = start({"preset": "diverges"})
    at.toggle(key="log_loss").set_value(True).run()
    assert _scenario_button(at) == "Scenario: Too large: diverges"
    at.select_slider(key="lr").set_value(0.01).run()
    assert _scenario_button(at) == "Choose a teaching scenario"
    assert at.radio(key="preset_choice").value is None
    assert not [c for c in at.sidebar.caption if "overshoot" in c.value]
    at.radio(key="preset_choice").set_value("diverges").run()
    assert at.session_state["lr"] == 0.5
    assert _scenario_button(at) == "Scenario: Too large: diverges"
    # Own data is not the synthetic data every scenario describes.
    at.session_state[KIND_KEY] = "points"
    at.run()
    assert _scenario_button(at) == "Choose a teaching scenario"
    assert not at.exception
