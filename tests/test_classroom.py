"""Classroom features: links, presets, hidden controls, lecture mode, exports."""

import csv
import io
import subprocess
import sys
from dataclasses import asdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from app.charts import ChartStyle, playground_figure
from app.model.compute import run
from app.model.export import data_csv, history_csv, reproduce_script
from app.model.links import asks_for_lecture, parse_query, share_query
from app.model.params import PARAMS, applies, defaults
from app.model.presets import PRESETS
from app.model.settings import Settings, View, split
from linreg_core import DEFAULT_BETA2, MAX_STEPS, RunState
from tests.helpers import by_name, chart_payloads, control_widgets, figures, result, start
from tests.hostile_links import one_control_links

# --- Links ----------------------------------------------------------------------------------

valid_values = st.fixed_dictionaries(
    {
        key: (
            st.booleans()
            if isinstance(p.default, bool)
            else st.sampled_from(p.options)
            if p.options is not None
            else st.integers(int(p.lo), int(p.hi))
            if p.integer
            else st.integers(round(p.lo / p.step), round(p.hi / p.step)).map(
                lambda i, step=p.step: round(i * step, 10)
            )
        )
        for key, p in PARAMS.items()
    }
)


@settings(max_examples=200, deadline=None)
@given(values=valid_values)
def test_share_link_round_trips(values):
    link = parse_query(share_query(values))
    assert split(link.values) == split(values)  # the same run and the same view
    assert link.notices == ()
    assert link.corrected == {}  # the address bar is left as it is
    # Every value that matters comes back as it was; the rest is not in the link at all.
    kind = values["optimizer"]
    for key, value in values.items():
        if key == "beta2" and value == DEFAULT_BETA2.get(kind):
            assert "beta2" not in share_query(values) and link.values[key] is None
        elif applies(key, kind):
            assert link.values[key] == value, key
        else:
            assert key not in share_query(values), key


def test_default_run_has_an_empty_link():
    assert share_query(defaults()) == {}
    assert share_query(asdict(Settings()) | asdict(View())) == {}


def test_a_link_carries_only_what_changed():
    # The seed's widget holds a float: 42.0 is still the default and stays out of the link.
    assert share_query(defaults() | {"lr": 0.03}) == {"lr": "0.03"}
    assert share_query(defaults() | {"seed": 42.0, "lr": 0.03}) == {"lr": "0.03"}
    assert share_query(asdict(Settings(lr=0.03)) | asdict(View())) == {"lr": "0.03"}


def test_a_link_writes_whole_numbers_without_a_decimal_point():
    query = share_query(defaults() | {"seed": 7.0, "true_w": 2.0, "x_center": -3.0, "noise": 0.5})
    assert query == {"seed": "7", "true_w": "2", "x_center": "-3", "noise": "0.5"}
    assert share_query(defaults() | {"lecture": True}) == {"lecture": "true"}


def test_the_apps_share_link_after_moving_only_the_learning_rate():
    at = start(state={"sections": ["share"]})
    at.select_slider(key="lr").set_value(0.03).run()
    assert not at.exception
    (link,) = [c.value for c in at.code]
    assert link.endswith("?lr=0.03"), link


def corrected_query(query: dict[str, str]) -> dict[str, str]:
    """The query as the page writes it back into the address bar."""
    fixed = dict(query)
    for key, text in parse_query(query).corrected.items():
        if text is None:
            fixed.pop(key, None)
        else:
            fixed[key] = text
    return fixed


def test_a_corrected_link_says_what_the_page_uses():
    query = {"lr": "0.9", "epochs": "-5", "seed": "abc", "noise": "0.50", "w": "1"}
    assert parse_query(query).corrected == {"lr": "1", "epochs": "1", "seed": None, "noise": "0.5"}
    # The unknown "w" is not the page's to correct: it stays, as a notice says.
    assert corrected_query(query) == {"lr": "1", "epochs": "1", "noise": "0.5", "w": "1"}


def test_a_preset_link_is_written_out_as_its_values():
    # Bound to the address, the learning rate moved back to its default leaves the link;
    # with the preset's name still there a reload would give the preset's 0.5.
    assert parse_query({"preset": "diverges"}).corrected == {"preset": None, "lr": "0.5"}
    assert parse_query({"preset": "diverges", "lr": "0.01"}).corrected == {
        "preset": None,
        "lr": None,
    }
    assert parse_query({"preset": "no-such"}).corrected == {"preset": None}
    # Lecture mode's link is written as its control, which switching it off then removes.
    assert parse_query({"mode": "lecture"}).corrected == {"mode": None, "lecture": "true"}
    assert parse_query({"mode": "disco"}).corrected == {"mode": None}
    # Either way the page opens with the sidebar closed.
    assert asks_for_lecture({"mode": "lecture"}) and asks_for_lecture({"lecture": " TRUE"})
    assert not asks_for_lecture({"lecture": "false"}) and not asks_for_lecture({})
    # The sidebar opens closed exactly when the page opens in lecture mode.
    for query in (
        {"mode": "lecture", "lecture": "false"},
        {"mode": "lecture", "lecture": "garbage"},
        {"mode": "lecture", "lecture": "yes"},
        {"mode": "disco", "lecture": "1"},
        {"preset": "diverges", "mode": "lecture"},
    ):
        assert asks_for_lecture(query) == parse_query(query).values["lecture"], query


@pytest.mark.parametrize(
    "query",
    [dict([pair]) for pair in one_control_links()]
    + [{"preset": name, "epochs": "7"} for name in PRESETS]
    + [{"mode": "lecture"}, {"mode": "lecture", "lecture": "false"}],
    ids=str,
)
def test_the_corrected_address_gives_the_same_run_and_needs_no_correction(query):
    fixed = corrected_query(query)
    again = parse_query(fixed)
    assert again.values == parse_query(query).values
    assert again.corrected == {} and again.preset is None


def test_link_flags():
    link = parse_query(
        {
            "preset": "diverges",
            "mode": "lecture",
            "hide": "noise,train",
            "seed_hide": "true",
            "epochs": "50",
        }
    )
    assert link.values["lr"] == 0.5 and link.values["epochs"] == 50  # the link beats the preset
    assert link.values["lecture"] is True
    assert link.hidden == {"noise", "seed", "lr", "epochs", "w0", "b0"}
    assert link.notices == ()


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"preset": "warp-speed"}, "Unknown preset"),
        ({"mode": "disco"}, "Unknown mode"),
        ({"hide": "everything"}, "Cannot hide"),
        ({"colour": "red"}, "Ignored unknown link parameters"),
    ],
)
def test_bad_link_flags_are_reported(query, fragment):
    link = parse_query(query)
    assert any(fragment in n for n in link.notices)
    assert link.values == defaults()


# --- Presets ---------------------------------------------------------------------------------


def preset_run(name):
    settings, _ = split(defaults() | PRESETS[name].values)
    return run(settings)


def test_presets_do_what_they_promise():
    assert preset_run("notebook").settings == Settings()
    assert preset_run("too-small").diagnosis.gap_left > 0.5
    assert preset_run("diverges").diagnosis.state is RunState.DIVERGED
    assert preset_run("oscillating").diagnosis.state is RunState.OSCILLATING
    no_noise = preset_run("no-noise")
    assert no_noise.diagnosis.state is RunState.CONVERGED
    assert_allclose([no_noise.history.w[-1], no_noise.history.b[-1]], [1.5, 2.0], atol=1e-3)
    many = preset_run("many-samples")
    assert abs(many.least_squares.w - 1.5) < 0.02 and abs(many.least_squares.b - 2.0) < 0.05
    far = preset_run("far-start")
    assert far.diagnosis.state is RunState.CONVERGED and far.history.w[0] == -8.0


def test_presets_are_within_the_controls_ranges():
    for preset in PRESETS.values():
        assert parse_query({"preset": preset.name}).notices == ()


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_link_loads_in_the_app(name):
    at = start({"preset": name})
    assert not at.exception
    expected = preset_run(name)
    shown = result(at)["w"][0]
    if expected.diagnosis.state is RunState.DIVERGED:
        # A diverged run's parameters mean nothing: the table says so in words.
        assert shown == "diverged"
    else:
        assert float(shown) == pytest.approx(expected.history.w[-1], abs=5e-5)


def test_picking_a_preset_and_reset():
    at = start()
    at.radio(key="preset_choice").set_value("diverges").run()
    assert at.select_slider(key="lr").value == 0.5
    assert len(at.error) == 1
    at.button(key="reset").click().run()
    assert at.select_slider(key="lr").value == 0.01
    assert not at.exception


def test_hidden_controls_are_not_drawn_but_still_apply():
    at = start({"hide": "noise", "lr_hide": "true", "lr": "0.5"})
    keys = {w.key for w in control_widgets(at)}
    assert "noise" not in keys and "lr" not in keys and "epochs" in keys
    assert len(at.error) == 1  # lr 0.5 from the link still diverges


def test_lecture_mode_moves_the_training_controls_and_keeps_their_values():
    at = start({"lr": "0.02", "epochs": "300"})
    assert {"lr", "epochs"} <= {w.key for w in control_widgets(at.main)}
    at.session_state["more_view"] = True  # lecture mode's toggle is in the View section
    at.run()
    at.toggle(key="lecture").set_value(True).run()
    assert not control_widgets(at.main)
    assert at.sidebar.select_slider(key="lr").value == 0.02
    at.sidebar.slider(key="epochs").set_value(400).run()
    at.toggle(key="lecture").set_value(False).run()
    assert at.main.select_slider(key="lr").value == 0.02
    assert at.main.slider(key="epochs").value == 400
    assert not at.exception


def _intro(at) -> str:
    return next(c.value for c in at.main.caption if c.value.startswith("Fit a line"))


def test_hiding_training_controls_leaves_the_rest_of_them():
    at = start({"hide": "lr,epochs"})  # start() opens the sections: "Starting point" is
    assert {w.key for w in control_widgets(at.main)} == {"w0", "b0"}
    assert "Set the data and the method in the sidebar" in _intro(at)  # none beside
    at = start({"hide": "lr"})  # the intro names what is there
    assert "Set the epochs beside the chart, the data and the method" in _intro(at)
    at = start({"hide": "train", "lr": "0.5"})
    assert not control_widgets(at.main) and not at.main.expander
    assert "Set the data and the method in the sidebar" in _intro(at)
    assert len(at.error) == 1  # the hidden rate still applies: it diverges


def test_lecture_mode_from_the_link():
    at = start({"mode": "lecture"})
    assert at.toggle(key="lecture").value is True
    # At a projector the chart has the screen: no title or table of numbers above it (the
    # player's label has the numbers), the status line stays.
    assert not at.title and not result(at)
    # The training controls stay in the sidebar, with the learning rate's limit: above the
    # chart they would push its bottom row off a 1280 x 720 screen.
    assert not control_widgets(at.main)
    assert {"lr", "epochs"} <= {w.key for w in control_widgets(at.sidebar)}
    assert any("Stable below lr" in c.value for c in at.sidebar.caption)
    assert "Still converging" in at.info[0].value
    (payload,) = chart_payloads(at)
    assert payload["font_size"] >= 20  # the player's text
    layout = figures(at)[0]["layout"]
    assert layout["font"]["size"] >= 20 and layout["showlegend"] is False


# --- Exports ---------------------------------------------------------------------------------


def test_history_csv_equals_the_history():
    r = run(Settings())
    rows = list(csv.DictReader(io.StringIO(history_csv(r))))
    assert len(rows) == r.history.epochs_run + 1
    assert_allclose([float(row["w"]) for row in rows], r.history.w, rtol=1e-9)
    assert_allclose([float(row["loss"]) for row in rows], r.history.loss, rtol=1e-9)


def test_data_csv_equals_the_data():
    r = run(Settings(n_samples=20))
    table = np.loadtxt(io.StringIO(data_csv(r)), delimiter=",", skiprows=1)
    assert np.array_equal(table.T, r.data.xy)


@pytest.mark.parametrize(
    "s",
    [
        Settings(),
        Settings(lr=0.5),
        Settings(noise=0.0, seed=7, w0=-3.0, epochs=250),
        Settings(x_center=20.0, x_spread=2.5, lr=0.001, epochs=300),
        Settings(optimizer="momentum", beta=0.95, x_center=10.0, lr=0.015, epochs=300),
        Settings(optimizer="nesterov", beta=0.5, lr=0.05),
        Settings(optimizer="momentum", lr=0.3),
        Settings(optimizer="rmsprop", beta2=0.9, lr=0.005, epochs=300),
        Settings(optimizer="adam", x_center=10.0, lr=0.2, epochs=600),
        Settings(batch=10, lr=0.05, epochs=200, seed=3),
        Settings(batch=1, epochs=700),
        Settings(batch=10, lr=1.0),
        Settings(x_center=10.0, standardize=True, lr=0.5, epochs=20),
        Settings(optimizer="adam", batch=5, standardize=True, lr=0.05, x_center=-20.0),
    ],
    ids=[
        "default",
        "diverges",
        "no-noise",
        "x-range",
        "momentum",
        "nesterov",
        "momentum-diverges",
        "rmsprop",
        "adam",
        "mini-batch",
        "mini-batch-truncated",
        "mini-batch-diverges",
        "standardized",
        "adam-mini-batch-standardized",
    ],
)
def test_exported_script_prints_the_apps_final_parameters(tmp_path, s):
    path = tmp_path / "run.py"
    path.write_text(reproduce_script(s))
    out = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    lines = dict(line.split(" = ") for line in out.splitlines() if line.startswith("final"))
    h = run(s).history
    assert float(lines["final w"]) == pytest.approx(float(h.w[-1]), rel=1e-6, abs=1e-6)
    assert float(lines["final b"]) == pytest.approx(float(h.b[-1]), rel=1e-6, abs=1e-6)
    assert ("diverged at epoch" in out) == (h.diverged_at is not None)
    assert h.truncated == (s.batch == 1 and s.epochs * s.n_samples > MAX_STEPS)


def test_lecture_style_is_large():
    normal = playground_figure(run(Settings()))
    fig = playground_figure(run(Settings()), style=ChartStyle.lecture())
    layout = fig["layout"]
    assert layout["font"]["size"] >= 20
    axes = [a for a in layout if a.startswith(("xaxis", "yaxis"))]
    assert all(layout[a]["tickfont"]["size"] >= 20 for a in axes)
    assert all(a["font"]["size"] >= 20 for a in layout["annotations"])  # the panel titles
    # Lines never thinner than on a laptop (the faint level lines stay as they are) ...
    for big, small in zip(fig["data"], normal["data"], strict=True):
        if "width" in small.get("line", {}):
            assert big["line"]["width"] >= small["line"]["width"], small.get("name")
    # ... and the run itself drawn thicker and bigger.
    assert (
        by_name(fig, "gradient descent")["line"]["width"]
        > by_name(normal, "gradient descent")["line"]["width"]
    )
    assert (
        by_name(fig, "loss now")["marker"]["size"] > by_name(normal, "loss now")["marker"]["size"]
    )
    # The chart, its player and the status line share a 1280 x 720 projector's screen.
    assert layout["height"] < 720 and layout["showlegend"] is False
    assert normal["layout"]["showlegend"] is True
