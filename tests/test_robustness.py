"""Hostile input and numerical edges: URL values, extreme settings, degenerate data, bounds.

Three layers are tested against the same promise: ``validate`` (every value made valid,
every change reported), the app through AppTest (a friendly warning, never an exception
element) and ``compute.run`` + ``charts.playground_figure`` (finite numbers or an explicit
divergence, and a figure that is strict JSON).
"""

from __future__ import annotations

import base64
import json
import math
import pickle
from typing import Any

import numpy as np
import plotly.io as pio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import linreg_core as core
from app import charts
from app.charts import MAX_FRAMES, figure_json, playground_figure
from app.model.compute import run
from app.model.links import validate, whole
from app.model.params import N_SAMPLES_OPTIONS, PARAMS, SPEEDS, Param, applies
from app.model.settings import Settings, View, split
from app.ui import cache
from tests.helpers import chart_payloads, control_values, start
from tests.hostile_links import one_control_links

#: Values no control accepts: each must come back as the default, with a notice.
GARBAGE = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1e309",
    "abc",
    "%00",
    "\x00",
    "<script>alert(1)</script>",
    '<img src=x onerror="window.__xss=1">',
    "[click](https://example.com)",
    "A" * 10_000,
    "1" * 10_000,  # float() of it is inf
    " ",
    "0x10",
    "1,5",
]
#: Numbers outside (or between) what the numeric controls accept.
OUT_OF_RANGE = ["-1", "0", "0.5", "-0.5", "999999999", "-999999999", "1e308", "4.7"]
MAX_NOTICE_CHARS = 300


def assert_valid(param: Param, value: Any) -> None:
    """``value`` is one the control itself could hold."""
    if isinstance(param.default, bool):
        assert isinstance(value, bool), (param.key, value)
    elif param.options is not None:
        if value is None:  # beta2: the optimizer's own default
            assert param.default is None, param.key
            return
        assert value in param.options, (param.key, value)
        assert type(value) in {type(o) for o in param.options}, (param.key, value)
        assert not isinstance(value, bool), (param.key, value)
    else:
        assert isinstance(value, int | float) and not isinstance(value, bool), (param.key, value)
        assert math.isfinite(value) and param.lo <= value <= param.hi, (param.key, value)
        # The seed is a whole number held by a float widget shown as "%.0f" (see
        # Param.float_widget): a link's "5.5" stays in the widget as 5.5 and shows as 6;
        # validate, the notice and the run all round it half up to 6 with whole().
        if param.integer and not param.float_widget:
            assert isinstance(value, int), (param.key, value)


def assert_strict_json_and_finite(fig: dict) -> dict:
    """The figure as the browser gets it: strict JSON, no NaN/Infinity, typed arrays finite."""
    text = pio.to_json(fig, validate=False)

    def reject(constant: str):
        raise AssertionError(f"{constant} in the figure JSON")

    spec = json.loads(text, parse_constant=reject)

    def walk(node):
        if isinstance(node, dict):
            if "bdata" in node:
                array = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
                assert np.isfinite(array).all(), "non-finite value in a typed array"
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return spec


def assert_sane_run(s: Settings):
    """Run the settings; the history is finite, and a divergence is explicit."""
    r = run(s)
    h = r.history
    for name in ("w", "b", "loss"):
        assert np.isfinite(getattr(h, name)).all(), name
    if h.truncated:  # a mini-batch run cut to the whole epochs within the step bound
        assert h.batch_size is not None and h.epochs_run < s.epochs
        assert h.epochs_run * -(-s.n_samples // h.batch_size) <= core.MAX_STEPS
    elif h.diverged_at is None:
        assert h.epochs_run == s.epochs
    else:
        assert 0 < h.diverged_at <= s.epochs and h.epochs_run <= h.diverged_at
    ls = r.least_squares
    assert np.isfinite([ls.w, ls.b, ls.loss]).all()
    assert np.isfinite(r.grid.loss).all()
    return r


# --- validate(): the URL layer ----------------------------------------------------------------


@pytest.mark.parametrize("value", [*GARBAGE, None, [], ["0.1", "abc"], {"a": 1}, object()])
@pytest.mark.parametrize("key", list(PARAMS))
def test_garbage_gives_the_default_and_a_short_notice(key, value):
    param = PARAMS[key]
    values, notices = validate({key: value})
    assert_valid(param, values[key])
    assert values[key] == param.default
    assert len(notices) == 1 and notices[0].startswith(param.label)
    assert len(notices[0]) <= MAX_NOTICE_CHARS  # a 10,000-character value is cut short


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("key", [k for k, p in PARAMS.items() if p.lo is not None or p.integer])
def test_numbers_out_of_range_are_clamped_with_a_notice(key, value):
    param = PARAMS[key]
    values, notices = validate({key: value})
    assert_valid(param, values[key])
    number = float(value)
    if param.options is None and param.lo <= number <= param.hi and number == values[key]:
        assert notices == []  # in range and on a step: taken as it is
    else:
        assert len(notices) == 1 and param.label in notices[0]


def test_specific_clamps():
    values, _ = validate(
        {"epochs": "-1", "n_samples": "999999999", "seed": "-5", "lr": "1e-9", "noise": "7"}
    )
    assert values["epochs"] == 1
    assert values["n_samples"] == max(N_SAMPLES_OPTIONS)
    assert values["seed"] == 0
    assert values["lr"] == min(PARAMS["lr"].options)
    assert values["noise"] == PARAMS["noise"].hi
    assert validate({"epochs": "0.5"})[0]["epochs"] == 1
    assert validate({"epochs": "4.7"})[0]["epochs"] == 4  # as Streamlit's int slider reads it


def test_unknown_keys_are_left_to_other_layers_and_missing_keys_take_defaults():
    values, notices = validate({"nope": "1", "": "", "A" * 5000: "x", "__class__": "x"})
    assert values == {k: p.default for k, p in PARAMS.items()} and notices == []


def _any_value(param: Param) -> st.SearchStrategy:
    """Anything a URL, a preset or a careless caller could hand over for this control."""
    hostile = st.one_of(
        st.text(max_size=30),
        st.floats(),
        st.integers(min_value=-(10**400), max_value=10**400),
        st.booleans(),
        st.none(),
        st.lists(st.text(max_size=5), max_size=3),
        # By index: a strategy's repr would otherwise hold the 10,000-character values.
        st.integers(0, len(GARBAGE + OUT_OF_RANGE) - 1).map(lambda i: (GARBAGE + OUT_OF_RANGE)[i]),
        st.floats().map(repr),
    )
    if isinstance(param.default, bool):
        valid = st.sampled_from(["true", "false", "TRUE", "0", "1"])
    elif param.options is not None and isinstance(param.options[0], str):
        valid = st.sampled_from(param.options)
    elif param.options is not None:
        valid = st.sampled_from(param.options).flatmap(
            lambda o: st.sampled_from([o, o.upper() if isinstance(o, str) else f"{o:g}"])
        )
    else:
        valid = st.floats(param.lo, param.hi).flatmap(lambda v: st.sampled_from([v, repr(v)]))
    return st.one_of(hostile, valid, valid)  # valid twice: the runs cover the real range too


RAW_QUERIES = st.fixed_dictionaries({}, optional={k: _any_value(p) for k, p in PARAMS.items()})


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=RAW_QUERIES)
def test_any_query_validates_runs_and_draws_strict_json(raw):
    values, notices = validate(raw)
    assert set(values) == set(PARAMS)
    for key, param in PARAMS.items():
        assert_valid(param, values[key])
    assert all(isinstance(n, str) and len(n) <= MAX_NOTICE_CHARS for n in notices)
    assert all(isinstance(values[k], int) for k, p in PARAMS.items() if p.integer)
    s, view = split(values)
    hash(s), hash(view)  # cache keys
    r = assert_sane_run(s)
    assert_strict_json_and_finite(playground_figure(r, view=view))


# --- validate() through the app: AppTest -------------------------------------------------------


def notice_text(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


def shown_defaults(optimizer: str = "gd") -> dict[str, Any]:
    """What the sidebar shows at the defaults: the controls that apply, β2 resolved."""
    shown = {k: p.default for k, p in PARAMS.items() if applies(k, optimizer)}
    if "beta2" in shown:
        shown["beta2"] = core.DEFAULT_BETA2[optimizer]
    return shown


def assert_renders_sanely(at: AppTest) -> dict[str, Any]:
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and at.title[0].value
    assert len(chart_payloads(at)) == 1
    shown = control_values(at, PARAMS)
    optimizer = shown["optimizer"]
    assert set(shown) == {k for k in PARAMS if applies(k, optimizer)}
    for key, value in shown.items():
        assert_valid(PARAMS[key], value)
    assert shown.get("beta2") is not None or optimizer not in core.DEFAULT_BETA2
    return shown


#: Values whose float() overflows, or that overflow int(): tried on the seed on their own.
OVERFLOWING = {"inf", "-inf", "1e309", "-1e309", "1" * 10_000}


@pytest.mark.parametrize("value", [v for v in GARBAGE if v.strip()], ids=lambda v: repr(v)[:20])
def test_app_every_control_garbage(value):
    keys = [k for k in PARAMS if not (k == "seed" and value in OVERFLOWING)]
    at = start(dict.fromkeys(keys, value))
    shown = assert_renders_sanely(at)
    assert shown == shown_defaults()
    notices = notice_text(at)
    for key in keys:
        assert PARAMS[key].label in notices


@pytest.mark.parametrize("value", sorted(OVERFLOWING, key=len), ids=lambda v: repr(v)[:12])
def test_app_seed_that_overflows(value):
    # Streamlit 1.67's integer number_input raises OverflowError on these (int(inf)) before
    # the app runs; the seed therefore uses a float widget shown as a whole number.
    at = start({"seed": value})
    assert_renders_sanely(at)
    assert at.number_input(key="seed").value == PARAMS["seed"].default


@pytest.mark.parametrize(
    ("key", "value"), one_control_links(), ids=lambda v: repr(v)[:20] if isinstance(v, str) else v
)
def test_app_each_control_alone_with_a_hostile_value(key, value):
    """The links of the Chromium sweep that set one control alone (its links with every
    control at once stay in the browser: tests/e2e/test_hostile_urls.py)."""
    at = start({key: value})
    assert_renders_sanely(at)
    assert "Gradient descent" in at.title[0].value
    # The page's HTML (constant styles) and Markdown that may hold HTML never carry the value.
    if value.strip():
        assert not [h for h in at.get("html") if value in h.proto.body]
        assert not [m for m in at.markdown if m.proto.allow_html and value in m.value]


@pytest.mark.parametrize("value", ["-1", "0.5", "999999999", "-999999999", "1e308"])
def test_app_every_control_out_of_range(value):
    # Every numeric control at once, epochs too: clamped to 1 it makes a one-epoch run,
    # which test_app_one_epoch_run below checks on its own.
    query = {k: value for k, p in PARAMS.items() if p.lo is not None or p.options}
    at = start(query)
    shown = assert_renders_sanely(at)
    assert shown["n_samples"] in N_SAMPLES_OPTIONS
    assert "could not be used" in notice_text(at)


@pytest.mark.parametrize(
    "query",
    [
        {"epochs": "-1"},
        {"epochs": "0.5"},
        {"epochs": "1"},
        {"epochs": "1", "lr": "1"},
    ],
    ids=str,
)
def test_app_one_epoch_run(query):
    at = start(query, state={"sections": ["inspect"]})  # the inspector once crashed on one epoch
    assert_renders_sanely(at)
    assert "only step" in " ".join(m.value for m in at.markdown)


def test_app_empty_values_are_harmless():
    at = start(dict.fromkeys(PARAMS, ""))
    assert assert_renders_sanely(at) == shown_defaults()


def test_app_repeated_keys_use_the_last_value():
    at = start({"lr": ["0.1", "abc"], "noise": ["1", "2"], "epochs": ["50", "60", "x"]})
    shown = assert_renders_sanely(at)
    assert shown["noise"] == 2.0
    assert shown["lr"] == PARAMS["lr"].default and shown["epochs"] == PARAMS["epochs"].default
    assert "Learning rate" in notice_text(at) and "Epochs" in notice_text(at)


def test_app_unknown_and_page_like_keys_are_ignored_with_a_notice():
    at = start(
        {
            "foo": "1",
            "page": "../../etc/passwd",
            "embed": "true",
            "__proto__": "x",
            "B" * 5000: "1",
        }
    )
    assert assert_renders_sanely(at) == shown_defaults()
    assert "foo" in notice_text(at)
    assert len(notice_text(at)) < 2000  # the 5,000-character key is cut short


@pytest.mark.parametrize(
    "query",
    [
        {"epochs": "4.7"},
        {"seed": "5.5"},
        {"true_w": "99"},
        {"lr": "0.0101"},
        {"n_samples": "7"},
        {"show_ls": "yes"},
        {"true_w": "1.55"},
    ],
    ids=str,
)
def test_app_widget_shows_what_the_notice_says(query):
    at = start(query)
    shown = assert_renders_sanely(at)
    values, _ = validate(query)
    shown["seed"] = whole(shown["seed"])  # a float widget shown as "%.0f": the run rounds so
    assert shown == {k: v for k, v in values.items() if k in shown_defaults()}


# --- Numerical edges through compute + charts -------------------------------------------------

EDGES = {
    "smallest lr": Settings(lr=1e-4),
    "largest lr (diverges)": Settings(lr=1.0),
    "diverges at max size": Settings(lr=1.0, epochs=5000, n_samples=10000),
    "2 samples": Settings(n_samples=2),
    "2 samples, zero noise, long": Settings(n_samples=2, noise=0.0, lr=0.1, epochs=5000),
    "zero noise converges": Settings(noise=0.0, lr=0.1, epochs=5000),
    "max epochs and samples": Settings(epochs=5000, n_samples=10000),
    "far start, steep line": Settings(w0=10.0, b0=-10.0, true_w=-5.0, true_b=5.0, noise=5.0),
    "far start diverges": Settings(w0=-10.0, b0=10.0, true_w=5.0, true_b=-5.0, lr=1.0),
    "one epoch": Settings(epochs=1),
    "starts on the optimum-ish": Settings(w0=1.5, b0=2.0, noise=0.0),
    "largest seed": Settings(seed=2**31 - 1),
    "x far from 0, narrow: a ravine": Settings(x_center=50.0, x_spread=0.5, epochs=5000),
    "x far from 0, wide, diverges": Settings(x_center=-50.0, x_spread=25.0, lr=0.01),
    "widest x at 0": Settings(x_spread=25.0, lr=1e-4),
}


@pytest.mark.parametrize("s", EDGES.values(), ids=EDGES.keys())
@pytest.mark.parametrize("log_loss", [True, False])
def test_edge_settings_build_finite_strict_figures(s, log_loss):
    r = assert_sane_run(s)
    spec = assert_strict_json_and_finite(playground_figure(r, view=View(log_loss=log_loss)))
    assert 1 <= len(spec["frames"]) <= MAX_FRAMES
    if s.lr == 1.0:
        assert r.history.diverged_at is not None
    assert_strict_json_and_finite(charts.data_figure(r))


# --- Numerical edges in the core (test_core.py covers constant x at 3.0 and x near ±1e100) -----

X_RANGES = {
    "identical x (next float)": (3.0, float(np.nextafter(3.0, 4.0))),
    "identical x at 0": (0.0, 5e-324),
    "tiny range": (-1e-12, 1e-12),
    "subnormal scale": (0.0, 1e-300),
    "tiny spread far out": (1e6, 1e6 + 1e-6),
    "unit spread at 1e15": (1e15, 1e15 + 1.0),
    "huge, squares still finite": (-1e150, 1e150),
}


@pytest.mark.parametrize(("x_min", "x_max"), X_RANGES.values(), ids=X_RANGES.keys())
@pytest.mark.parametrize("n_samples", [2, 1000])
@pytest.mark.parametrize("noise_std", [0.0, 1.5])
def test_extreme_x_ranges_train_and_stay_finite(x_min, x_max, n_samples, noise_std):
    data = core.make_dataset(x_min=x_min, x_max=x_max, n_samples=n_samples, noise_std=noise_std)
    stats = core.sufficient_stats(data)  # RuntimeWarnings are errors in this suite
    fit = core.least_squares(stats)
    assert np.isfinite([fit.w, fit.b, fit.loss]).all() and fit.loss >= 0
    stab = core.stability(stats)
    assert stab.lam_max >= stab.lam_min >= 0
    for lr in (1e-4, 0.01, 1.0):
        h = core.train(stats, lr, 500, w0=-3.0, b0=4.0)
        assert np.isfinite(h.w).all() and np.isfinite(h.b).all() and np.isfinite(h.loss).all()
        assert h.diverged_at is not None or h.epochs_run == 500
        d = core.diagnose(h, stats)
        assert d.state is not None and not math.isnan(d.distance)
    grid = core.loss_grid(stats, np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    assert np.isfinite(grid).all()


@pytest.mark.parametrize(("x_min", "x_max"), [(-1e160, 1e160), (1e300, 1.1e300), (-1e308, 1e308)])
def test_data_too_large_for_float64_is_a_clear_error(x_min, x_max):
    with pytest.raises(ValueError, match="too large"):
        core.sufficient_stats(core.make_dataset(x_min=x_min, x_max=x_max, n_samples=10))


def test_inf_start_limit_still_cuts_an_overflowing_run():
    # Start loss ~1e299: the divergence limit (1e12 x start) is inf, yet inf losses are cut.
    stats = core.sufficient_stats(core.make_dataset(x_min=-1e150, x_max=1e150, n_samples=100))
    h = core.train(stats, 0.01, 200)
    assert h.diverged_at == 1 and np.isfinite(h.loss).all()


# --- Resource bounds ---------------------------------------------------------------------------


def test_resource_bounds_hold_for_the_largest_run():
    """The largest inputs the controls accept, and what the caches can hold at worst."""
    worst = run(Settings(epochs=int(PARAMS["epochs"].hi), n_samples=max(N_SAMPLES_OPTIONS)))
    slowest = View(speed=max(SPEEDS, key=SPEEDS.get))  # the slowest speed has the most frames
    fig = playground_figure(worst, view=slowest)
    assert len(fig["frames"]) <= MAX_FRAMES
    # st.cache_resource keeps the objects themselves: a run (its pickle is about the size
    # of its arrays) and a figure as its JSON text, which is also one websocket message.
    run_bytes = len(pickle.dumps(worst))
    fig_bytes = len(figure_json(fig))
    assert run_bytes < 1_000_000 and fig_bytes < 1_000_000
    assert cache.MAX_RUNS * run_bytes + cache.MAX_FIGURES * fig_bytes < 64_000_000
