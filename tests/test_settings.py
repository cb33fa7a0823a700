"""The sidebar's two records: the run (Settings) and the view (View), and ``split``."""

from dataclasses import FrozenInstanceError, fields

import numpy as np
import pytest

from app.model.compute import run
from app.model.params import PARAMS, SPEEDS, defaults, group_keys
from app.model.settings import Settings, View, split


def test_every_control_lands_in_exactly_one_record():
    run_keys = [f.name for f in fields(Settings) if f.name != "source"]  # not a control
    view_keys = [f.name for f in fields(View)]
    assert sorted(run_keys + view_keys) == sorted(PARAMS)
    assert set(view_keys) == set(group_keys("view"))


def test_split_of_the_defaults_is_the_notebooks_run_and_the_default_view():
    settings, view = split(defaults())
    assert settings == Settings(
        true_w=1.5,
        true_b=2.0,
        noise=1.5,
        n_samples=100,
        seed=42,
        x_center=0.0,
        x_spread=5.0,
        lr=0.01,
        epochs=100,
        w0=0.0,
        b0=0.0,
    )
    assert view == View(show_ls=True, log_loss=True, lecture=False, speed="normal")


def test_split_keeps_each_value_in_its_record():
    values = defaults() | {"lr": 0.5, "epochs": 7, "lecture": True, "speed": "fast"}
    settings, view = split(values | {"preset": "diverges"})  # other keys are not controls
    assert (settings.lr, settings.epochs) == (0.5, 7)
    assert view.lecture is True and view.seconds == SPEEDS["fast"]
    assert settings == Settings(lr=0.5, epochs=7)  # nothing of the view changes the run


@pytest.mark.parametrize(("widget", "seed"), [(42.0, 42), (5.5, 6), (6.4999, 6), (0.0, 0)])
def test_split_makes_the_float_widgets_seed_whole(widget, seed):
    settings, _ = split(defaults() | {"seed": widget})
    assert settings.seed == seed and isinstance(settings.seed, int)
    hash(settings)  # a cache key


def test_split_needs_every_control():
    values = defaults()
    del values["noise"]
    with pytest.raises(KeyError):
        split(values)


def test_records_are_frozen():
    with pytest.raises(FrozenInstanceError):
        Settings().lr = 0.5  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        View().lecture = True  # type: ignore[misc]


@pytest.mark.parametrize(("centre", "spread"), [(0.0, 5.0), (20.0, 2.5), (-50.0, 0.5)])
def test_x_is_drawn_from_centre_plus_or_minus_spread(centre, spread):
    settings = Settings(x_center=centre, x_spread=spread, n_samples=1000)
    assert settings.x_range == (centre - spread, centre + spread)
    x = run(settings).data.x
    assert centre - spread <= x.min() and x.max() <= centre + spread
    # Evenly spread: both halves of the range are used about equally.
    assert abs(np.mean(x < centre) - 0.5) < 0.05
