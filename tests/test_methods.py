"""Optimizers, mini-batches and standardizing in the app: links, settings, text, charts, race."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from app.charts import playground_figure, race_figure
from app.model.compute import lr_race, optimizer_race, run
from app.model.links import parse_query, share_query, validate
from app.model.method_text import factor_text, method_sentence, speedup, stable_below, theory
from app.model.params import BATCH_OPTIONS, FULL, PARAMS, defaults
from app.model.presets import PRESETS
from app.model.settings import Settings, split
from app.model.text import lr_limit_caption, status_message
from linreg_core import (
    DEFAULT_BETA2,
    KINDS,
    LrRegime,
    Optimizer,
    RunState,
    classify_lr,
    make_dataset,
    sufficient_stats,
    train,
)
from tests.helpers import by_name, decode, figures, result, start, status

# --- Links and settings -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_optimizer_is_a_link_value(kind):
    link = parse_query({"optimizer": kind})
    assert link.values["optimizer"] == kind and link.notices == ()
    assert split(link.values)[0].method == Optimizer(kind)


@pytest.mark.parametrize(
    ("value", "expected", "noticed"),
    [
        ("full", FULL, False),
        ("FULL ", FULL, False),
        ("10", 10, False),
        ("7", 5, True),  # not offered: the nearest on a log scale, as n_samples does
        ("0", 1, True),
        ("-3", 1, True),
        ("1e9", 5000, True),
        ("ten", FULL, True),
        ("inf", FULL, True),
    ],
)
def test_batch_is_full_or_an_offered_whole_number(value, expected, noticed):
    values, notices = validate({"batch": value})
    assert values["batch"] == expected
    assert type(values["batch"]) is type(expected)
    assert bool(notices) == noticed
    assert all(n.startswith("Batch size") for n in notices)


def test_beta2_defaults_to_the_optimizers_own_from_the_core():
    for kind, beta2 in DEFAULT_BETA2.items():
        settings, _ = split(parse_query({"optimizer": kind}).values)
        assert settings.beta2 is None and settings.method.beta2 == beta2
        shown = PARAMS["optimizer"].show(kind)
        assert share_query(defaults() | {"optimizer": kind, "beta2": beta2}) == {"optimizer": shown}
    assert DEFAULT_BETA2 == {"rmsprop": 0.99, "adam": 0.999}  # the issue's numbers
    values, notices = validate({"beta2": "abc"})
    assert values["beta2"] is None and "optimizer's own default" in notices[0]


def test_the_issues_choices_are_offered():
    assert {0.0, 0.5, 0.8, 0.9, 0.95, 0.99} <= set(PARAMS["beta"].options)
    assert {0.9, 0.99, 0.999} <= set(PARAMS["beta2"].options)
    assert PARAMS["beta"].default == 0.9
    assert set(PARAMS["optimizer"].options) == set(KINDS)
    assert PARAMS["optimizer"].labels == (
        "Gradient descent",
        "Momentum",
        "Nesterov",
        "RMSProp",
        "Adam",
    )
    assert FULL in BATCH_OPTIONS and PARAMS["standardize"].default is False


def test_a_link_leaves_out_what_the_optimizer_ignores():
    values = defaults() | {"beta": 0.5, "beta2": 0.9, "batch": 10, "standardize": True}
    assert share_query(values) == {"batch": "10", "standardize": "true"}  # gd ignores β, β2
    assert share_query(values | {"optimizer": "momentum"}) == {
        "optimizer": "Momentum",
        "beta": "0.5",
        "batch": "10",
        "standardize": "true",
    }
    assert share_query(values | {"optimizer": "adam"})["beta2"] == "0.9"
    assert split(values)[0] == split(defaults() | {"batch": 10, "standardize": True})[0]


def test_a_link_names_the_optimizer_as_its_radio_button_does():
    """Streamlit's radio bound to the address writes the option's shown text there
    ("Nesterov") and reads only that back, so a link says it that way too. A link that
    names it otherwise (an older link's "momentum", any case) still opens that optimizer,
    and the page corrects its address to the shown text."""
    for kind, shown in zip(KINDS, PARAMS["optimizer"].labels, strict=True):
        for said in (kind, shown, shown.upper(), f" {kind.title()} "):
            link = parse_query({"optimizer": said})
            assert link.values["optimizer"] == kind and not link.notices, said
            if kind == "gd":  # the default: the address leaves it out
                expected = {"optimizer": None}
            else:
                expected = {} if said == shown else {"optimizer": shown}
            assert link.corrected == expected, said
        link = parse_query(share_query(defaults() | {"optimizer": kind}))
        assert link.values["optimizer"] == kind and link.corrected == {}
    link = parse_query({"optimizer": "Momentumm"})
    assert link.values["optimizer"] == "gd"
    assert link.notices == ("Optimizer: unknown choice `'Momentumm'`, using Gradient descent",)


def test_settings_hand_the_core_its_options():
    s = Settings(optimizer="nesterov", beta=0.5, beta2=0.9, batch=20, standardize=True)
    assert s.method == Optimizer("nesterov", beta=0.5)  # β2 does not apply to Nesterov
    assert s.batch_size == 20 and Settings().batch_size is None


# --- The run --------------------------------------------------------------------------------


CASES = {
    "momentum": Settings(optimizer="momentum", beta=0.95, epochs=200),
    "nesterov": Settings(optimizer="nesterov", lr=0.05),
    "rmsprop": Settings(optimizer="rmsprop", lr=0.005, epochs=300),
    "adam": Settings(optimizer="adam", beta2=0.99, lr=0.05),
    "mini-batch": Settings(batch=10, lr=0.05, epochs=50),
    "standardized ravine": Settings(x_center=10.0, standardize=True, lr=0.1),
}


@pytest.mark.parametrize("s", CASES.values(), ids=CASES.keys())
def test_the_run_is_the_cores(s):
    data = make_dataset(x_min=s.x_center - 5.0, x_max=s.x_center + 5.0)
    opt = Optimizer(
        s.optimizer, beta=s.beta, beta2=s.beta2 if s.optimizer in DEFAULT_BETA2 else None
    )
    expected = train(
        data, s.lr, s.epochs, optimizer=opt, batch_size=s.batch_size, standardize=s.standardize
    )
    h = run(s).history
    assert_allclose(h.w, expected.w, rtol=1e-12)
    assert_allclose(h.b, expected.b, rtol=1e-12)
    assert h.optimizer == opt and h.standardized == s.standardize


def test_a_mini_batch_run_draws_its_steps_on_the_landscape():
    r = run(Settings(batch=10, lr=0.05, epochs=50))
    fig = playground_figure(r)
    route = by_name(fig, "route")
    assert_allclose(route["x"], r.history.path.w, rtol=1e-4)  # rounded to 5 digits
    assert len(route["x"]) == 50 * 10 + 1  # every step: 500 steps are fewer than PATH_POINTS
    # The landscape's window holds every step, so the noisy route is drawn in full.
    w, b = np.asarray(route["x"]), np.asarray(route["y"])
    assert r.grid.w[0] <= w.min() and w.max() <= r.grid.w[-1]
    assert r.grid.b[0] <= b.min() and b.max() <= r.grid.b[-1]


def test_shifted_x_draws_a_stretched_valley():
    """The level lines are ellipses whose axes have the ratio √κ: long and thin in the ravine."""
    for s, least in ((Settings(), 2.0), (Settings(**PRESETS["ravine"].values), 30.0)):
        r = run(s)
        levels = by_name(playground_figure(r), "loss levels")
        w = np.array([v for v in levels["x"] if v is not None])
        b = np.array([v for v in levels["y"] if v is not None])
        assert np.ptp(w) > 0 and np.ptp(b) > 0
        assert math.sqrt(r.stability.kappa) > least
    # The ravine's window shows the path's whole zig-zag and both ends of its floor.
    r = run(Settings(**PRESETS["ravine"].values))
    assert r.grid.w[0] <= r.history.w.min() and r.history.w.max() <= r.grid.w[-1]


# --- Theory in words --------------------------------------------------------------------------


def _limit_by_bisection(s, opt) -> float:
    """The largest stable lr, found from the spectral radius alone (classify_lr)."""
    lo, hi = 1e-9, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if classify_lr(s, mid, opt) is not LrRegime.DIVERGING else (lo, mid)
    return lo


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("kind", ["gd", "momentum", "nesterov"])
def test_stable_below_is_where_the_recurrence_stops_converging(kind, beta):
    s = run(Settings(x_center=3.0)).stability
    opt = Optimizer(kind, beta=beta)
    assert stable_below(s, opt) == pytest.approx(_limit_by_bisection(s, opt), rel=1e-9)
    assert stable_below(s, Optimizer("adam")) is None


def test_momentum_status_quotes_theory_and_the_run():
    r = run(Settings(optimizer="momentum"))
    kind, text = status_message(r)
    gd_rate = abs(1 - 0.01 * r.stability.lam_min)  # plain descent's slow direction
    factor = math.log(r.diagnosis.rate) / math.log(gd_rate)
    assert f"Momentum β = 0.9 converges about {factor:.2g}× faster" in text
    assert factor > 2
    rates = f"by {r.diagnosis.rate:.3g}, against {gd_rate:.3g} for plain descent"
    assert f"each epoch multiplies the distance to the optimum {rates}" in text
    assert f"it predicts {r.diagnosis.predicted_epochs:,.0f} epochs" in text
    assert f"the run took {r.diagnosis.converged_at}" in text and kind == "success"
    # The status says when the run got there, not only how long it ran.
    assert text.startswith(
        f"Converged: within 1 % of the optimum from epoch {r.diagnosis.converged_at};"
    )
    assert speedup(0.5, 0.5) == pytest.approx(1.0) and speedup(1.2, 0.5) is None


def test_adaptive_and_mini_batch_say_why_there_is_no_prediction():
    adam = status_message(run(Settings(optimizer="adam")))[1]
    assert "no simple linear theory" in adam and "predicted" not in adam
    noisy = status_message(run(Settings(batch=10, lr=0.05)))[1]
    assert "noisy estimate" in noisy and "a smaller learning rate or a larger batch" in noisy
    cut = status_message(run(Settings(batch=1, epochs=1000)))[1]
    assert "Cut to 500 of 1,000 epochs" in cut
    assert method_sentence(run(Settings())) is None  # the notebook's status is as it was


def test_captions_speak_about_the_method():
    assert lr_limit_caption(run(Settings())).startswith("Stable below lr ≈ 0.113")
    momentum = run(Settings(optimizer="momentum", x_center=10.0))
    t = momentum.stability
    caption = lr_limit_caption(momentum)
    assert f"stable below lr ≈ {2 * 1.9 / t.lam_max:.3g}" in caption
    assert f"β ≈ {t.beta_polyak:.2f}" in caption
    standardized = run(Settings(x_center=10.0, standardize=True))
    assert theory(standardized).kappa == pytest.approx(1.0)
    assert "one step" in lr_limit_caption(standardized)
    # lr = 1/λ on z: theory's factor is 0, said as what it does, not "shrinks by 0"
    one_step = run(Settings(x_center=10.0, standardize=True, lr=0.5))
    text = status_message(one_step)[1]
    assert "the distance to the optimum is multiplied by 0: a step or two lands on it" in text
    assert text.startswith("Converged: within 1 % of the optimum from epoch 1; after all 100")
    assert "it predicts 1 epoch to within 1 %, and the run took 1." in text
    assert factor_text(0.98) == "0.98" and factor_text(0.99998) == "1 − 2e-05"
    assert "no linear theory" in lr_limit_caption(run(Settings(optimizer="rmsprop")))


# --- Presets --------------------------------------------------------------------------------


def preset_run(name):
    return run(split(defaults() | PRESETS[name].values)[0])


def test_the_second_lessons_presets_do_what_they_promise():
    ravine = preset_run("ravine")
    assert ravine.stability.kappa > 1000 and ravine.diagnosis.gap_left > 0.2
    assert ravine.diagnosis.state is RunState.OSCILLATING  # zig-zags across the ravine
    assert preset_run("standardized").diagnosis.converged_at == 1
    momentum = preset_run("momentum")
    assert momentum.diagnosis.state is RunState.CONVERGED
    assert momentum.diagnosis.converged_at < 200 < ravine.diagnosis.predicted_epochs
    adam = preset_run("adam")
    assert adam.diagnosis.state is RunState.CONVERGED and adam.settings.optimizer == "adam"
    noisy = preset_run("mini-batch").history
    assert noisy.batch_size == 10 and np.any(np.diff(noisy.loss[20:]) > 0)
    assert noisy.loss[20:].min() > run(Settings()).least_squares.loss  # above the floor


# --- The race ---------------------------------------------------------------------------------


def test_optimizer_race_is_each_optimizer_on_the_same_data_and_start():
    r = run(Settings(x_center=10.0, lr=0.007, w0=-1.0, b0=3.0))
    histories = optimizer_race(r, KINDS)
    stats = sufficient_stats(make_dataset(x_min=5.0, x_max=15.0))
    for kind, h in zip(KINDS, histories, strict=True):
        expected = train(stats, 0.007, 100, -1.0, 3.0, Optimizer(kind))
        assert_allclose(h.w, expected.w, rtol=1e-12)
        assert h.w[0] == -1.0 and h.b[0] == 3.0
    fig = race_figure(histories, r, by="optimizer")
    curves = [t for t in fig["data"] if t.get("xaxis") == "x" and t.get("mode") == "lines"]
    names = [t["name"] for t in sorted(curves, key=lambda t: t["legendrank"])]  # legend order
    assert names[0] == "Gradient descent (current)" and "Adam (β1 = 0.9, β2 = 0.999)" in names


def test_the_learning_rate_race_uses_the_chosen_method():
    r = run(Settings(optimizer="momentum"))
    (h,) = lr_race(r, (0.05,))
    assert h.optimizer == Optimizer("momentum")
    assert_allclose(h.w, train(r.stats, 0.05, 100, optimizer=Optimizer("momentum")).w)


# --- Through AppTest ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"optimizer": "momentum"}, "Momentum β = 0.9 converges about"),
        ({"optimizer": "nesterov", "beta": "0.5"}, "Nesterov β = 0.5 converges about"),
        ({"optimizer": "rmsprop", "lr": "0.005"}, "RMSProp (β2 = 0.99) divides each"),
        ({"optimizer": "adam", "beta2": "0.99"}, "Adam (β1 = 0.9, β2 = 0.99) divides each"),
        ({"batch": "10", "lr": "0.05"}, "Mini-batches of 10"),
        ({"x_center": "10", "standardize": "true", "lr": "0.5"}, "on standardized x converges"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_each_method_by_link(query, says):
    at = start(query)
    assert not at.exception
    assert says in status(at)
    values, notices = validate(query)
    assert notices == []
    r = run(split(values)[0])
    fig = figures(at)[0]
    assert_allclose(decode(by_name(fig, "w")["y"]), r.history.w, rtol=1e-6)
    assert_allclose(decode(by_name(fig, "loss")["y"]), r.history.loss, rtol=1e-6)
    table = result(at)
    assert (table["w"][0], table["b"][0]) == (f"{r.history.w[-1]:.4f}", f"{r.history.b[-1]:.4f}")


def test_the_app_races_optimizers():
    at = start({"optimizer": "adam", "lr": "0.05"}, state={"sections": ["race"]})
    at.segmented_control(key="race_by").set_value("optimizer").run()
    assert not at.exception
    race = figures(at)[1]
    curves = {
        t["name"]: t for t in race["data"] if t.get("xaxis") == "x" and t.get("mode") == "lines"
    }
    assert set(curves) == {
        "Gradient descent",
        "Momentum β = 0.9",
        "Nesterov β = 0.9",
        "RMSProp (β2 = 0.99)",
        "Adam (β1 = 0.9, β2 = 0.999) (current)",
    }
    stats = sufficient_stats(make_dataset())
    for name, kind in (("Gradient descent", "gd"), ("RMSProp (β2 = 0.99)", "rmsprop")):
        expected = train(stats, 0.05, 100, optimizer=Optimizer(kind)).loss
        assert_allclose(decode(curves[name]["y"]), expected, rtol=1e-6)
    at.multiselect(key="race_optimizers").set_value(["gd"]).run()
    names = [
        t["name"]
        for t in figures(at)[1]["data"]
        if t.get("mode") == "lines" and t.get("xaxis") == "x"
    ]
    assert names == ["Gradient descent", "Adam (β1 = 0.9, β2 = 0.999) (current)"]  # current stays


def test_switching_optimizer_shows_and_hides_beta_and_keeps_it():
    at = start({"optimizer": "momentum", "beta": "0.5"})
    assert at.select_slider(key="beta").value == 0.5
    at.radio(key="optimizer").set_value("gd").run()
    assert "beta" not in {w.key for w in at.select_slider}
    at.radio(key="optimizer").set_value("adam").run()
    assert at.select_slider(key="beta").value == 0.5  # kept while hidden
    assert at.select_slider(key="beta2").value == 0.999
    at.radio(key="optimizer").set_value("rmsprop").run()
    assert at.select_slider(key="beta2").value == 0.99  # the default follows the optimizer
    at.select_slider(key="beta2").set_value(0.9).run()
    at.radio(key="optimizer").set_value("adam").run()
    assert at.select_slider(key="beta2").value == 0.9  # a chosen β2 stays
    assert not at.exception


@pytest.mark.parametrize("name", ["ravine", "standardized", "momentum", "adam", "mini-batch"])
def test_each_new_preset_loads_in_the_app(name):
    at = start({"preset": name})
    assert not at.exception
    assert float(result(at)["w"][0]) == pytest.approx(preset_run(name).history.w[-1], abs=5e-5)


@pytest.mark.parametrize(
    "query",
    [{"optimizer": "momentum"}, {"optimizer": "adam"}, {"batch": "10"}, {"standardize": "true"}],
    ids=str,
)
def test_the_inspector_says_what_the_method_really_did(query):
    at = start(query, state={"sections": ["inspect"], "inspect_epoch": 3})
    assert not at.exception
    note = " ".join(i.value for i in at.info if "not plain full-batch" in i.value)
    r = run(split(parse_query(query).values)[0])
    h = r.history
    assert f"moved w by {h.w[4] - h.w[3]:+.4f} and b by {h.b[4] - h.b[3]:+.4f}" in note


def test_the_inspector_adds_nothing_for_plain_gradient_descent():
    at = start(state={"sections": ["inspect"]})
    assert not [i for i in at.info if "not plain full-batch" in i.value]
