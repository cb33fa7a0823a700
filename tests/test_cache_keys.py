"""The caches key their records by ``repr``: equal records, equal keys; different, different."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from app.charts import ChartStyle
from app.model.settings import Settings, View
from app.model.sources import UPLOAD, Source
from app.ui.cache import _KEYS

_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
_text = st.text(max_size=12)

sources = st.builds(
    Source,
    kind=st.sampled_from(["synthetic", "dataset", "points", UPLOAD]),
    name=_text,
    points=_text,
    digest=_text,
    x_label=_text,
    y_label=_text,
)
settings = st.builds(
    Settings,
    true_w=_floats,
    true_b=_floats,
    noise=_floats,
    n_samples=st.integers(2, 10_000),
    seed=st.integers(0, 2**31),
    lr=_floats,
    epochs=st.integers(1, 5000),
    optimizer=st.sampled_from(["gd", "momentum", "adam"]),
    beta2=st.none() | _floats,
    batch=st.sampled_from(["full", 1, 10]),
    standardize=st.booleans(),
    source=sources,
)


@given(settings, settings, st.data())
def test_settings_keys_agree_with_equality(a, b, data):
    key = _KEYS[Settings]
    assert key(a) == key(dataclasses.replace(a))
    if a != b:
        assert key(a) != key(b)
    # One field changed to another field's value of b: the nearest different record.
    name = data.draw(st.sampled_from([f.name for f in dataclasses.fields(Settings)]))
    near = dataclasses.replace(a, **{name: getattr(b, name)})
    if near != a:
        assert key(near) != key(a), f"{name} changed but the key did not"


def test_an_upload_is_keyed_by_its_digest_not_its_points():
    key = _KEYS[Settings]
    xy = np.array([[0.0, 1.0], [2.0, 3.0]])
    a = Settings(source=Source(kind=UPLOAD, name="a.csv", digest="d1", xy=xy))
    same = Settings(source=Source(kind=UPLOAD, name="a.csv", digest="d1", xy=xy.copy()))
    other = Settings(source=Source(kind=UPLOAD, name="a.csv", digest="d2", xy=xy))
    assert key(a) == key(same) and "array" not in key(a)
    assert key(a) != key(other)


def test_view_and_style_keys_tell_every_field_apart():
    for record in (View(), ChartStyle()):
        key = _KEYS[type(record)]
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            if isinstance(value, bool):
                changed = not value
            elif isinstance(value, str):
                changed = value + "x"
            elif value is None:  # an optional size, unset
                changed = 1
            else:
                changed = value * 2 + 1
            assert key(dataclasses.replace(record, **{f.name: changed})) != key(record), f.name
