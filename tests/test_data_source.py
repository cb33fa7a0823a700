"""Where the data comes from, through the app: data sets, placed points, uploads, links.

Independent answers: each bundled file read with the csv module and fitted with
``np.polyfit``; the points a file was written from; ``decode_points``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.charts import figure_json, playground_figure
from app.model import sources
from app.model.compute import run
from app.model.data.catalogue import BUNDLED
from app.model.data.csv_read import choose_columns, parse_csv
from app.model.data.points import Points
from app.model.data.points_link import MAX_POINTS, decode_points
from app.model.export import data_csv, reproduce_script
from app.model.outlier import outlier_parts, outlier_training
from app.model.settings import Settings
from app.ui.data_source import KIND_KEY, PLACED_KEY
from tests.helpers import HOSTILE_FILES, NOTED_FILES, decode, figures, result, start, status

DATASETS = Path(__file__).resolve().parents[1] / "app" / "model" / "data" / "sets"


def file_points(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A bundled file's first two columns, read with the csv module."""
    with open(DATASETS / f"{name}.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    return np.array([float(r[0]) for r in rows]), np.array([float(r[1]) for r in rows])


def data_trace(at) -> tuple[np.ndarray, np.ndarray]:
    """The points the playground's data panel draws."""
    trace = figures(at)[0]["data"][0]
    return decode(trace["x"]), decode(trace["y"])


def assert_no_true_line(fig: dict) -> None:
    names = [t.get("name") or "" for t in fig["data"] + fig["layout"].get("shapes", [])]
    assert not [n for n in names if n.startswith("true")], names
    marks = [t for t in fig["data"] if t.get("name") == "landmarks"]
    assert all("true (w, b)" not in t["text"] for t in marks)


# --- the data-set chooser ---


@pytest.mark.parametrize("name", list(BUNDLED))
def test_each_data_set_by_link_draws_its_file_and_fits_polyfit(name):
    at = start({"dataset": name})
    assert not at.exception
    x, y = file_points(name)
    drawn_x, drawn_y = data_trace(at)
    np.testing.assert_array_equal(drawn_x, x.astype(np.float32))
    np.testing.assert_array_equal(drawn_y, y.astype(np.float32))
    w, b = np.polyfit(x, y, 1)
    fig = figures(at)[0]
    shapes = fig["layout"]["shapes"]
    ls = next(t for t in shapes if t.get("name", "").startswith("least squares"))
    for x_end, y_end in ((ls["x0"], ls["y0"]), (ls["x1"], ls["y1"])):
        np.testing.assert_allclose(y_end, w * x_end + b, rtol=1e-9, atol=1e-6)
    assert_no_true_line(fig)
    assert at.radio(key=KIND_KEY).value == sources.DATASET


@pytest.mark.parametrize("name", list(BUNDLED))
def test_each_data_set_chosen_in_the_sidebar(name):
    at = start()
    at.radio(key=KIND_KEY).set_value(sources.DATASET).run()
    at.selectbox(key="dataset_choice").set_value(name).run()
    assert not at.exception
    x, _ = file_points(name)
    np.testing.assert_array_equal(data_trace(at)[0], x.astype(np.float32))
    r = run(Settings(source=sources.bundled_source(name)))
    w, b = np.polyfit(*file_points(name), 1)
    assert r.least_squares.w == pytest.approx(w, rel=1e-9)
    assert r.least_squares.b == pytest.approx(b, rel=1e-9)


def test_a_data_set_hides_the_synthetic_controls_and_reset_brings_them_back():
    at = start({"dataset": "anscombe-2"})
    assert not [s for s in at.slider if s.key == "noise"]
    at.button(key="reset").click().run()
    assert at.radio(key=KIND_KEY).value == "synthetic"
    assert [s for s in at.slider if s.key == "noise"]


def test_a_ravine_points_to_standardizing_x():
    at = start({"dataset": "penguins"})
    hint = " ".join(i.value for i in at.info)
    assert "ravine" in hint and "standardize x" in hint and "Beyond the notebook" in hint
    assert "every run diverges" in hint  # lr_max ≈ 2.5e-5 is below every offered rate
    assert not start().info or "ravine" not in " ".join(i.value for i in start().info)


# --- links ---


def test_a_link_with_points_places_them_and_the_share_link_keeps_them():
    value = sources.points_source([1.5, -2.25, 3.0], [0.0, 4.0, 2.0]).points
    at = start({"points": value}, state={"sections": ["share"]})
    assert not at.exception
    assert at.session_state[PLACED_KEY] == value
    assert any(f"points={value}" in c.value for c in at.code)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"dataset": "nope"}, "Unknown data set"),
        ({"dataset": "../../etc/passwd"}, "Unknown data set"),
        ({"points": "!!not base64"}, "not in the app's format"),
        ({"points": "A" * 5000}, f"more than {MAX_POINTS} points"),
        ({"dataset": "anscombe-1", "points": "AJYAAP8fE4g"}, "both a data set and points"),
    ],
)
def test_bad_data_links_give_a_notice_and_never_an_exception(query, words):
    at = start(query)
    assert not at.exception
    assert words in " ".join(w.value for w in at.warning)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "dataset": st.one_of(st.sampled_from(list(BUNDLED)), st.text(max_size=30)),
            "points": st.one_of(
                st.text(max_size=40),
                st.text(alphabet="ABCDEFGHIJKLMNOPabcdefghijklmnop0123456789-_", max_size=600),
            ),
        },
    )
)
@settings(max_examples=25, deadline=None)
def test_any_data_link_opens_without_an_exception(query):
    at = start(query)
    assert not at.exception
    source, _ = sources.parse_source(query)
    if source.kind == sources.POINTS:
        assert at.session_state[PLACED_KEY] == source.points


@given(st.text(max_size=800))
@settings(max_examples=300, deadline=None)
def test_parse_source_never_raises_and_its_points_are_valid(text):
    for query in ({"points": text}, {"dataset": text}):
        source, notices = sources.parse_source(query)
        assert all(isinstance(n, str) for n in notices)
        x, y = source.xy_points()
        assert len(x) == len(y)
        assert source.kind != sources.POINTS or len(x) <= MAX_POINTS  # a data set may be larger
        assert sources.source_query(source) == (
            {"points": source.points} if source.kind == sources.POINTS else {"dataset": source.name}
            if source.kind == sources.DATASET else {}
        )  # fmt: skip


# --- placed points ---


def test_fewer_than_two_points_show_the_canvas_to_click_on():
    at = start({"points": ""})
    assert not at.exception
    fig = figures(at)[0]
    assert len(fig["data"]) == 1 and fig["data"][0]["x"] == []
    assert "Click on the chart" in " ".join(i.value for i in at.info)


def test_points_at_one_x_show_the_canvas_and_say_why():
    at = start({"points": sources.points_source([3, 3, 3], [1, 2, 4]).points})
    assert not at.exception
    fig = figures(at)[0]
    assert len(fig["data"]) == 1 and len(fig["data"][0]["x"]) == 3  # the points, no run
    assert "Every point you placed has x = 3" in " ".join(i.value for i in at.info)
    assert not result(at) and not at.success and not at.warning  # no diagnosis of nothing
    at2 = start({"points": sources.points_source([3, 3, 4], [1, 2, 4]).points})
    assert result(at2)["w"]  # a second x value: trained


def test_undo_and_clear():
    at = start({"points": sources.points_source([1, 2, 3], [1, 3, 2]).points})
    assert at.button(key="points_undo").disabled
    at.button(key="points_clear").click().run()
    assert decode_points(at.session_state[PLACED_KEY]).x.size == 0
    at.button(key="points_undo").click().run()
    assert decode_points(at.session_state[PLACED_KEY]).x.tolist() == [1, 2, 3]


def test_placed_points_have_no_true_line_anywhere():
    r = run(Settings(source=sources.points_source([1, 2, 3], [1, 3, 2])))
    fig = playground_figure(r)
    assert_no_true_line(fig)
    assert "true (w, b)" not in [t.get("name") for t in fig["data"]]
    figure_json(fig)  # strict JSON: no NaN from a missing true line


# --- uploads ---


def upload(at, name: str, raw: bytes):
    at.radio(key=KIND_KEY).set_value(sources.UPLOAD).run()
    at.file_uploader(key="upload_file").set_value((name, raw, "text/csv")).run()
    return at


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_a_hostile_upload_gives_its_notice_and_leaves_the_data(name):
    raw, words = HOSTILE_FILES[name]
    at = start({"dataset": "anscombe-3"})
    before = data_trace(at)
    upload(at, name, raw)
    assert not at.exception
    assert words in " ".join(e.value for e in at.error)
    np.testing.assert_array_equal(data_trace(at)[0], before[0])
    np.testing.assert_array_equal(data_trace(at)[1], before[1])


@pytest.mark.parametrize("name", list(NOTED_FILES))
def test_an_upload_read_with_changes_says_so(name):
    raw, words, (x, y) = NOTED_FILES[name]
    at = upload(start(), name, raw)
    assert not at.exception
    assert words in " ".join(w.value for w in at.warning)
    drawn_x, drawn_y = data_trace(at)
    np.testing.assert_array_equal(drawn_x, np.float32(x))
    np.testing.assert_array_equal(drawn_y, np.float32(y))


def test_an_upload_is_fitted_the_columns_can_be_swapped_and_the_link_leaves_it_out():
    rows = "\n".join(f"{i},{3 * i - 1},{i * i}" for i in range(12))
    at = upload(start(state={"sections": ["share"]}), "mine.csv", f"a,b,c\n{rows}\n".encode())
    assert not at.exception
    assert data_trace(at)[1].tolist() == [3 * i - 1 for i in range(12)]
    at.selectbox(key="upload_y").set_value("c").run()
    assert data_trace(at)[1].tolist() == [i * i for i in range(12)]
    link = " ".join(c.value for c in at.code)
    assert "points=" not in link and "dataset=" not in link
    assert "not stored" in " ".join(c.value for c in at.caption)


def _upload_run(raw: bytes, x_name: str, y_name: str):
    table = parse_csv(raw)
    points = choose_columns(table, x_name, y_name)
    assert isinstance(points, Points)
    return run(Settings(source=sources.upload_source(points, "f.csv", raw, x_name, y_name)))


def test_an_uploads_export_neutralises_formula_names_and_reads_back_exactly():
    x = [0.1, -2.5, 1e-7, 123456.789, 3.0]
    y = [1 / 3, 2.0, -0.5, 7.25, math.pi]
    raw = ("=cmd|x,@y\n" + "\n".join(f"{a!r},{b!r}" for a, b in zip(x, y, strict=True))).encode()
    r = _upload_run(raw, "=cmd|x", "@y")
    out = data_csv(r)
    assert out.splitlines()[0] == "'=cmd|x,'@y"
    back = parse_csv(out.encode())
    points = choose_columns(back, *back.columns)
    assert points.x.tolist() == x and points.y.tolist() == y
    assert r.settings.source.x_label == "=cmd|x"  # shown as plain text, exported neutralised


def test_an_uploads_script_reproduces_the_run(tmp_path):
    import subprocess
    import sys

    rows = "\n".join(f"{i / 10},{2 * i / 10 + 1}" for i in range(150))
    r = _upload_run(f"x,y\n{rows}\n".encode(), "x", "y")
    (tmp_path / "data_upload.csv").write_text(data_csv(r))
    script = reproduce_script(r.settings, r)
    (tmp_path / "s.py").write_text(script)
    out = subprocess.run(
        [sys.executable, "s.py"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert f"final w = {r.history.w[-1]:.6f}" in out


def test_settings_with_an_upload_hash_by_digest_and_ignore_the_arrays():
    raw = b"x,y\n1,2\n2,3\n4,4\n"
    table = parse_csv(raw)
    a = sources.upload_source(choose_columns(table, "x", "y"), "f.csv", raw, "x", "y")
    b = replace(a, xy=None)
    assert a == b and hash(Settings(source=a)) == hash(Settings(source=b))
    assert a != sources.upload_source(choose_columns(table, "y", "x"), "f.csv", raw, "y", "x")
    with pytest.raises(ValueError, match="read-only"):
        a.xy[0, 0] = 5


# --- the outlier experiment ---


def test_the_outlier_experiment_predicts_then_adds_the_far_point():
    at = start(state={"sections": ["outlier"]})
    at.button(key="outlier_start").click().run()
    (x, y), (ox, oy) = outlier_parts()
    assert len(x) == 10 and (ox, oy) == (13.0, 12.74)
    assert data_trace(at)[0].size == 10
    assert at.button(key="outlier_lock").disabled  # predict first
    guess = at.radio(key="outlier_guess")
    guess.set_value(guess.options[0]).run()
    at.button(key="outlier_lock").click().run()
    assert not at.exception
    assert data_trace(at)[0].size == 11
    table = at.dataframe[-1].value
    w_before, w_after = table.iloc[0, 1], table.iloc[0, 2]
    assert w_before == pytest.approx(np.polyfit(x, y, 1)[0])
    assert w_after == pytest.approx(np.polyfit(np.append(x, ox), np.append(y, oy), 1)[0])
    assert "Not this time" in " ".join(m.value for m in at.markdown)
    # The experiment trains long enough that gradient descent reaches the best line, before
    # and after (the ten points' x lie far from 0: 100 epochs left w at 0.67, not 0.35).
    assert (at.session_state["lr"], at.session_state["epochs"]) == outlier_training()
    gd_w, gd_b = table.iloc[2, 1:].tolist(), table.iloc[3, 1:].tolist()
    np.testing.assert_allclose(gd_w, table.iloc[0, 1:].tolist(), rtol=0.02)
    np.testing.assert_allclose(gd_b, table.iloc[1, 1:].tolist(), rtol=0.02)
    assert "Converged" in status(at)


def test_source_defaults_to_synthetic_and_titles_never_hold_file_text():
    assert sources.Source().synthetic and Settings().source == sources.Source()
    raw = b"[x](http://a),<b>y</b>\n1,2\n2,3\n"
    table = parse_csv(raw)
    s = sources.upload_source(choose_columns(table, *table.columns), "f.csv", raw, *table.columns)
    assert "http" not in s.title and "<" not in s.title
    fig = playground_figure(run(Settings(source=s)))
    assert "<b>" not in figure_json(fig) and "&lt;b&gt;y&lt;/b&gt;" in figure_json(fig)


def test_a_point_can_be_added_by_its_coordinates_from_the_keyboard():
    at = start({"points": ""})
    at.number_input(key="point_x").set_value(2.345).run()
    at.number_input(key="point_y").set_value(-1.5).run()
    at.button(key="point_add").click().run()
    p = decode_points(at.session_state[PLACED_KEY])
    assert p.x.tolist() == [2.35] and p.y.tolist() == [-1.5]  # hundredths, as in the link
    assert all(w.help for w in at.sidebar.number_input)


def test_a_scenario_goes_back_to_the_synthetic_data_it_describes():
    at = start({"dataset": "anscombe-1"})
    at.radio(key="preset_choice").set_value("no-noise").run()
    assert at.radio(key=KIND_KEY).value == "synthetic"
    assert not at.exception
