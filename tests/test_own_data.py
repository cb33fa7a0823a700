"""The learner's own data: hostile uploads, safe exports, points in a link, bundled data sets.

Independent answers: the numbers a generated CSV was written from, ``np.polyfit``, and
Anscombe's published line y = 3.00 + 0.500 x.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import re
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from app.model.data.catalogue import BUNDLED, FILES, load_bundled
from app.model.data.csv_read import (
    MAX_ABS_VALUE,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    Cell,
    Refusal,
    Table,
    choose_columns,
    parse_csv,
)
from app.model.data.csv_write import safe_csv_cell, to_csv
from app.model.data.points import Points
from app.model.data.points_link import MAX_POINTS, POINT_LIMIT, decode_points, encode_points
from linreg_core import Dataset, least_squares, sufficient_stats

DATASETS = Path(__file__).resolve().parents[1] / "app" / "model" / "data" / "sets"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def table(raw: bytes) -> Table:
    result = parse_csv(raw)
    assert isinstance(result, Table), result
    return result


def refusal(raw: bytes) -> str:
    result = parse_csv(raw)
    assert isinstance(result, Refusal), result
    assert result.reason
    return result.reason


def points(t: Table, x_name: str, y_name: str) -> Points:
    result = choose_columns(t, x_name, y_name)
    assert isinstance(result, Points), result
    return result


# --- generated tables parse back to the numbers they were written from ---

finite = st.floats(-MAX_ABS_VALUE, MAX_ABS_VALUE, allow_nan=False, allow_infinity=False)


@st.composite
def csv_files(draw):
    """A random numeric table, written as a CSV file in a random dialect and encoding."""
    n_rows = draw(st.integers(2, 25))
    n_cols = draw(st.integers(2, 5))
    values = np.array(draw(st.lists(finite, min_size=n_rows * n_cols, max_size=n_rows * n_cols)))
    values = values.reshape(n_rows, n_cols)
    delimiter = draw(st.sampled_from([",", ";", "\t", " "]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.booleans())
    # Decimal commas only where the delimiter is not a comma and not spaces.
    decimal_comma = delimiter in ";\t" and draw(st.booleans())
    names = [
        f"{draw(st.sampled_from(['x', 'y', 'mass', 'höhe', 'café']))}{j}" for j in range(n_cols)
    ]

    def write(v: float) -> str:
        text = repr(float(v))
        return text.replace(".", ",") if decimal_comma and "e" not in text else text

    lines = [delimiter.join(names)] if header else []
    lines += [delimiter.join(write(v) for v in row) for row in values]
    raw = newline.join(lines).encode(encoding)
    return raw, values, names if header else [f"column {j + 1}" for j in range(n_cols)], delimiter


@given(csv_files())
@settings(max_examples=300, deadline=None)
def test_generated_csv_reads_back_the_same_numbers(case):
    raw, values, names, delimiter = case
    t = table(raw)
    assert list(t.columns) == names
    assert t.delimiter == delimiter
    assert_array_equal(t.values, values)
    assert (t.kinds == Cell.NUMBER).all()
    if np.all(values[:, 0] == values[0, 0]):  # one x value: refused, with the reason
        assert "two different x" in choose_columns(t, names[0], names[-1]).reason
        return
    p = points(t, names[0], names[-1])
    assert_array_equal(p.x, values[:, 0])
    assert_array_equal(p.y, values[:, -1])


def _check_invariants(result: Table | Refusal) -> None:
    if isinstance(result, Refusal):
        assert isinstance(result.reason, str) and result.reason
        return
    number = result.kinds == Cell.NUMBER
    assert np.isfinite(result.values[number]).all()
    assert (np.abs(result.values[number]) <= MAX_ABS_VALUE).all()
    assert np.isnan(result.values[~number]).all()
    assert len(set(result.columns)) == len(result.columns)
    assert all(c.isprintable() and c for c in result.columns)
    assert len(result.numeric_columns) >= 2
    assert 2 <= len(result.rows) <= MAX_ROWS
    chosen = choose_columns(result, *result.numeric_columns[:2])
    if isinstance(chosen, Points):
        assert len(chosen.x) == len(chosen.y) >= 2
        assert np.isfinite(chosen.x).all() and np.isfinite(chosen.y).all()


@given(st.binary(max_size=3000))
@settings(max_examples=500, deadline=None)
def test_arbitrary_bytes_never_raise(raw):
    _check_invariants(parse_csv(raw))


@given(st.text(alphabet=",;\t \n\r\"'0123456789.-+eE=@NaInfé,x\x00", max_size=400))
@settings(max_examples=500, deadline=None)
def test_csv_like_text_never_raises(text):
    for encoding in ("utf-8", "utf-16"):
        _check_invariants(parse_csv(text.encode(encoding)))


# --- one test per hostile file ---


@pytest.mark.parametrize("raw", [b"", b"   \n\n\r\n", b"\xef\xbb\xbf", b",,\n;;\n"])
def test_an_empty_file_is_refused(raw):
    assert re.search("empty|no values|one column", refusal(raw))


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"x,y\n1,2\x00\n3,4\n", "NUL"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel"),
        (b"%PDF-1.7\n", "PDF"),
        (bytes(range(256)) * 4, "NUL"),
        (b"x,y\n1,2\n\x1b[31m3,4\n", "control character"),
        (b"x,y\n\x81\x8d\x8f,2\n3,4\n", "encoding"),  # not UTF-8, undefined in Windows-1252
    ],
)
def test_binary_junk_is_refused(raw, words):
    assert words in refusal(raw)


def test_a_control_character_is_shown_safely():
    assert "`'\\x1b'`" in refusal(b"x,y\n1,2\n\x1b3,4\n")


@pytest.mark.parametrize("raw", [b"x\n1\n2\n3\n", b"1\n2\n3\n", b'"body mass"\n3750\n3800\n'])
def test_one_column_is_refused(raw):
    assert "only one column" in refusal(raw)


def test_non_numeric_columns_are_named_and_rows_with_text_are_dropped_and_counted():
    raw = b"species,flipper,mass\nAdelie,181,3750\nGentoo,217,5200\nChinstrap,195,3.8 kg\n"
    t = table(raw)
    assert t.numeric_columns == ("flipper", "mass")
    assert any("`'species'`" in n and "cannot be x or y" in n for n in t.notices)
    assert isinstance(choose_columns(t, "species", "mass"), Refusal)
    p = points(t, "flipper", "mass")
    assert_array_equal(p.x, [181, 217])
    assert p.notices == (
        "Dropped 1 of 3 rows: 1 with text that is not a number (the first is row 4).",
    )


def test_nan_inf_missing_and_huge_rows_are_dropped_and_counted():
    raw = b"x,y\n1,2\n2,NaN\n3,inf\n-Infinity,4\n5,\n6,NA\n7,1e999\n8,2e9\n9,10\n"
    p = points(table(raw), "x", "y")
    assert_array_equal(p.x, [1, 9])
    assert_array_equal(p.y, [2, 10])
    (notice,) = p.notices
    assert notice.startswith("Dropped 7 of 9 rows: ")
    assert "2 with an empty or missing value" in notice
    assert "4 with NaN or infinity" in notice  # 1e999 overflows to inf
    assert "1 with a number beyond ±1,000,000,000" in notice
    assert "(the first is row 3)" in notice


def test_a_file_over_the_size_limit_is_refused():
    raw = b"x,y\n" + b"1,2" + b" " * MAX_UPLOAD_BYTES + b"\n3,4\n"
    assert "1,000,000" in refusal(raw)


def test_the_row_limit_is_the_apps_largest_sample():
    rows = [f"{i},{2 * i}" for i in range(MAX_ROWS + 1)]
    assert len(table(("x,y\n" + "\n".join(rows[:MAX_ROWS])).encode()).rows) == MAX_ROWS
    reason = refusal(("x,y\n" + "\n".join(rows)).encode())
    assert "10,001 rows" in reason and "10,000" in reason


def test_the_column_limit():
    assert table((",".join(["1"] * MAX_COLUMNS) + "\n").encode() * 2).values.shape == (
        2,
        MAX_COLUMNS,
    )
    assert str(MAX_COLUMNS) in refusal((",".join(["1"] * (MAX_COLUMNS + 1)) + "\n").encode() * 2)


@pytest.mark.parametrize("raw", [b"x,y\n1,2\n", b"1,2\n", b"x,y\n1,2\n\n\n", b"x,y\n"])
def test_a_single_row_is_refused(raw):
    assert re.search(
        "(only one row|no rows) of data; a line needs at least two points", refusal(raw)
    )


def test_fewer_than_two_usable_rows_in_the_chosen_columns_is_refused():
    t = table(b"x,y,z\n1,2,a\n3,4,5\nb,6,7\n")
    result = choose_columns(t, "x", "z")
    assert isinstance(result, Refusal)
    assert "Only 1 row has a number in both `'x'` and `'z'`" in result.reason


@pytest.mark.parametrize("delimiter", [",", ";", "\t", " ", "  "])
def test_delimiters(delimiter):
    raw = f"x{delimiter}y\n1.5{delimiter}-2\n3{delimiter}4e1\n".encode()
    p = points(table(raw), "x", "y")
    assert_array_equal(p.x, [1.5, 3])
    assert_array_equal(p.y, [-2, 40])


def test_decimal_commas_are_read_beside_semicolons_and_noted():
    t = table(b"height;mass\n1,5;60,25\n-1,75;0,5\n")
    assert_array_equal(t.values, [[1.5, 60.25], [-1.75, 0.5]])
    assert any("decimal comma" in n for n in t.notices)


def test_a_quoted_comma_in_a_comma_separated_file_is_not_a_decimal_comma():
    t = table(b'x,y\n1,"1,5"\n3,4\n5,6\n')
    assert t.kinds[0, 1] == Cell.TEXT
    assert_array_equal(points(t, "x", "y").y, [4, 6])


@pytest.mark.parametrize(
    ("encoding", "notice"),
    [
        ("utf-8", None),
        ("utf-8-sig", None),
        ("utf-16", "UTF-16"),
        ("utf-16-le", None),  # gets a BOM prepended below
        ("utf-16-be", None),
        ("cp1252", "Windows-1252"),
    ],
)
def test_common_encodings_are_read(encoding, notice):
    text = "Größe (m),Gewicht – kg\n1.5,60\n1.8,75\n"
    raw = text.encode(encoding)
    if encoding == "utf-16-le":
        raw = b"\xff\xfe" + raw
    elif encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    t = table(raw)
    assert t.columns == ("Größe (m)", "Gewicht – kg")
    assert_array_equal(t.values, [[1.5, 60], [1.8, 75]])
    if notice:
        assert any(notice in n for n in t.notices)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("x,y\n1,2\n3,4\n".encode("utf-32"), "UTF-32"),
        ("x,y\n1,2\n3,4\n".encode("utf-16-le"), "NUL"),  # no byte-order mark
        (b"\xff\xfex\x00,\x00\x00\xd8\n\x00", "encoding"),  # a lone surrogate in UTF-16
    ],
)
def test_other_encodings_are_refused(raw, words):
    assert words in refusal(raw)


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", '=HYPERLINK("http://x")', "-2-3", "=-1.5"]
)
def test_formula_cells_are_text_never_numbers(cell):
    raw = f'x,y\n1,2\n3,"{cell}"\n5,6\n'.encode()
    t = table(raw)
    assert t.kinds[1, 1] == Cell.FORMULA
    assert any("spreadsheet formula" in n and "row 3" in n for n in t.notices)
    assert_array_equal(points(t, "x", "y").y, [2, 6])


def test_a_formula_behind_a_tab_or_return_is_text():
    t = table(b'x,y\n1,"\t=1+1"\n2,"\r=1+1"\n3,4\n5,6\n')
    assert list(t.kinds[:2, 1]) == [Cell.FORMULA, Cell.FORMULA]


@pytest.mark.parametrize("cell", ["-1.5", "+2", ".5", "-.5e-3", "1E+5", " 7 "])
def test_signed_numbers_are_numbers_not_formulas(cell):
    t = table(f"x,y\n1,{cell}\n2,3\n".encode())
    assert t.kinds[0, 1] == Cell.NUMBER
    assert t.values[0, 1] == float(cell)


@pytest.mark.parametrize("cell", ["١٢", "1_000", "0x10", "1,234.5", "(3)", "−1", "1/2", "½"])
def test_lookalike_numbers_are_text(cell):
    t = table(f'x,y\n1,"{cell}"\n2,3\n4,5\n'.encode())
    assert t.kinds[0, 1] == Cell.TEXT


def test_a_first_row_of_numbers_is_data():
    t = table(b"1,2\n3,4\n")
    assert t.columns == ("column 1", "column 2")
    assert_array_equal(t.values, [[1, 2], [3, 4]])
    assert any("columns are numbered" in n for n in t.notices)


def test_hostile_names_are_printable_unique_short_and_quoted_in_notices():
    name = "[click](http://evil.example)<script>"
    raw = f'"{name}",,x,x,"{"a" * 500}","b\u202ec"\nu,1,2,3,4,5\nv,6,7,8,9,10\n'.encode()
    t = table(raw)
    assert t.columns[0] == name
    assert t.columns[1] == "column 2"
    assert t.columns[2:4] == ("x", "x (2)")
    assert len(t.columns[4]) == 60 and t.columns[4].endswith("…")
    assert t.columns[5] == "bc"  # the right-to-left override is gone
    assert any(f"`'{name}'`" in n for n in t.notices)  # a column without numbers
    for notice in t.notices:
        assert name not in notice.replace(f"`'{name}'`", "")  # only ever inside a code span


def test_a_row_with_extra_cells_is_skipped_and_a_short_row_is_missing():
    t = table(b"x,y\n1,2\n3,4,oops\n5,6,,\n7\n9,10\n")
    assert any("Skipped 1 row" in n and "row 3" in n for n in t.notices)
    p = points(t, "x", "y")
    assert_array_equal(p.x, [1, 5, 9])
    assert "1 with an empty or missing value" in p.notices[0]


def test_a_cell_longer_than_the_csv_module_allows_is_refused():
    assert "could not be read" in refusal(b'x,y\n1,"' + b"a" * 200_000 + b'"\n3,4\n')


def test_an_unknown_column_is_refused():
    result = choose_columns(table(b"x,y\n1,2\n3,4\n"), "x", "[z](http://e)")
    assert isinstance(result, Refusal)
    assert "`'[z](http://e)'`" in result.reason


def test_the_same_column_for_x_and_y_is_allowed_and_said():
    p = points(table(b"x,y\n1,2\n3,4\n"), "y", "y")
    assert_array_equal(p.x, p.y)
    assert any("same column" in n for n in p.notices)


def test_constant_x_is_refused_with_the_reason():
    refusal = choose_columns(table(b"x,y\n3,1\n3,2\n3,4\n"), "x", "y")
    assert isinstance(refusal, Refusal) and "Every x in" in refusal.reason
    assert "two different x" in refusal.reason
    assert not points(table(b"x,y\n3,1\n4,2\n"), "x", "y").notices  # two x values: fine


def test_results_are_read_only():
    t = table(b"x,y\n1,2\n3,4\n")
    p = points(t, "x", "y")
    for array in (t.values, t.kinds, t.rows, p.x, p.y):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0


def test_a_large_file_is_parsed_quickly():
    rows = "\n".join(f"{i * 0.001!r};{i * 1e-7!r};text{i}" for i in range(MAX_ROWS))
    start = time.perf_counter()
    t = table(("a;b;c\n" + rows).encode())
    assert time.perf_counter() - start < 2.0
    assert t.values.shape == (MAX_ROWS, 3)


# --- exports ---


def test_safe_csv_cell_neutralises_formulas_and_keeps_numbers():
    assert safe_csv_cell("=1+1") == "'=1+1"
    assert safe_csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_csv_cell("\t=1") == "'\t=1"
    assert safe_csv_cell("-1.5") == "-1.5"
    assert safe_csv_cell("+3e2") == "+3e2"
    assert safe_csv_cell("mass") == "mass"


@given(st.text(max_size=30))
def test_a_safe_cell_never_starts_like_a_formula_and_keeps_the_text(text):
    safe = safe_csv_cell(text)
    assert safe in (text, "'" + text)
    assert not safe.startswith(TRIGGERS) or NUMBER.fullmatch(safe)


@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.lists(finite, min_size=n, max_size=n), st.lists(finite, min_size=n, max_size=n)
        )
    )
)
@settings(max_examples=200, deadline=None)
def test_an_export_of_uploaded_data_reads_back_exactly(columns):
    x, y = (np.array(c) for c in columns)
    if len(x) < 2:
        x, y = np.append(x, 0.0), np.append(y, 1.0)
    t = table(to_csv({"x": x, "=y": y}).encode())
    assert t.columns == ("x", "'=y")
    assert_array_equal(t.values, np.column_stack([x, y]))


def test_an_export_neutralises_formula_text_and_reads_back():
    hostile = ["=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=2", "ok"]
    x = np.array([0.1, -1.5, 1e-9, 2.5e8, -0.0, 7.0, 1 / 3])
    text = to_csv({"=HYPERLINK(1)": hostile, "x": x, "y": -x})
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert not [c for c in cells if c.startswith(TRIGGERS) and not NUMBER.fullmatch(c)]
    t = table(text.encode())
    assert t.columns == ("'=HYPERLINK(1)", "x", "y")
    assert not (t.kinds == Cell.FORMULA).any()  # each starts with the quote now
    p = points(t, "x", "y")
    assert_array_equal(p.x, x)
    assert_array_equal(p.y, -x)


def test_to_csv_refuses_columns_of_different_lengths():
    with pytest.raises(ValueError, match="different lengths"):
        to_csv({"x": [1.0, 2.0], "y": [1.0]})


# --- points in a link ---

hundredths = st.integers(-5000, 5000)


@given(st.lists(st.tuples(hundredths, hundredths), max_size=MAX_POINTS))
def test_points_round_trip_exactly(pairs):
    xy = np.array(pairs, dtype=float).reshape(-1, 2) / 100
    text = encode_points(xy[:, 0], xy[:, 1])
    assert re.fullmatch(r"[A-Za-z0-9_-]*", text)
    assert urllib.parse.quote(text, safe="") == text
    assert len(text) == math.ceil(len(pairs) * 32 / 6)
    p = decode_points(text)
    assert p.notices == ()
    assert_array_equal(p.x, xy[:, 0])
    assert_array_equal(p.y, xy[:, 1])


@given(st.lists(st.tuples(*[st.floats(-POINT_LIMIT, POINT_LIMIT)] * 2), max_size=MAX_POINTS))
def test_clicked_points_travel_rounded_to_hundredths(pairs):
    xy = np.array(pairs, dtype=float).reshape(-1, 2)
    p = decode_points(encode_points(xy[:, 0], xy[:, 1]))
    assert np.all(np.abs(p.x - xy[:, 0]) <= 0.005 + 1e-12)
    assert np.all(np.abs(p.y - xy[:, 1]) <= 0.005 + 1e-12)


def test_a_hundred_points_make_a_short_link():
    x = np.linspace(-POINT_LIMIT, POINT_LIMIT, MAX_POINTS)
    assert len(encode_points(x, -x)) == 534


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (np.zeros(MAX_POINTS + 1), np.zeros(MAX_POINTS + 1)),
        ([math.nan], [0.0]),
        ([0.0], [math.inf]),
        ([50.01], [0.0]),
        ([1.0, 2.0], [1.0]),
    ],
)
def test_encode_refuses_points_the_app_never_places(x, y):
    with pytest.raises(ValueError):
        encode_points(x, y)


@pytest.mark.parametrize(
    "value",
    [
        "!!!",
        "AJYA AP8f",
        "AJYAA",  # five characters are never base64
        "<script>alert(1)</script>",
        "[a](http://evil.example)",
        "AJYAAP8fE4g=",
        "garbage",  # base64 of one point out of range and a byte: one notice, not two
        "\x00",
        "é" * 10_000,
        "!" * 10_000,
    ],
)
def test_garbage_in_a_link_places_no_points_and_says_so_safely(value):
    start = time.perf_counter()
    p = decode_points(value)
    assert time.perf_counter() - start < 0.1
    assert len(p.x) == len(p.y) == 0
    assert len(p.notices) == 1 and "not in the app's format" in p.notices[0]
    assert all(re.search(r"`'.*'`", n) for n in p.notices if "format" in n)


@pytest.mark.parametrize("value", ["", "   ", None, 5])
def test_an_empty_or_odd_value_never_raises(value):
    p = decode_points(value)
    assert isinstance(p, Points)
    assert len(p.x) == len(p.y)


def test_too_many_points_keep_the_first_hundred():
    x = np.arange(MAX_POINTS) / 10
    value = encode_points(x, x) * 100  # 53,400 characters
    p = decode_points(value)
    assert_array_equal(p.x, x)
    assert p.notices == (
        f"The link has more than {MAX_POINTS} points; kept the first {MAX_POINTS}.",
    )


def test_points_outside_the_range_are_left_out():
    raw = np.array([[100, 200], [5001, 0], [0, -32768], [-5000, 5000]], dtype=">i2").tobytes()
    p = decode_points(base64.urlsafe_b64encode(raw).decode().rstrip("="))
    assert_array_equal(p.x, [1.0, -50.0])
    assert_array_equal(p.y, [2.0, 50.0])
    assert p.notices == (
        "Left out 2 of the link's points outside ±50, the range of the data panel.",
    )


def test_an_incomplete_last_point_is_left_out():
    p = decode_points(encode_points([1.0, 2.0], [3.0, 4.0])[:-1])
    assert_array_equal(p.x, [1.0])
    assert any("incomplete" in n for n in p.notices)


def test_repeated_points_are_kept():
    p = decode_points(encode_points([1.0, 1.0], [2.0, 2.0]))
    assert_array_equal(p.x, [1.0, 1.0])
    assert p.notices == ()


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
def test_any_link_value_gives_finite_points_in_range(value):
    p = decode_points(value)
    assert len(p.x) == len(p.y) <= MAX_POINTS
    assert np.all(np.abs(p.x) <= POINT_LIMIT) and np.all(np.abs(p.y) <= POINT_LIMIT)


# --- bundled data sets ---


def test_every_bundled_file_is_listed_and_each_data_set_has_its_own_file():
    assert sorted(p.name for p in DATASETS.glob("*.csv")) == sorted(FILES.values())
    assert set(FILES) == set(BUNDLED)
    assert len(set(FILES.values())) == len(FILES)  # no two data sets share a file
    for name, entry in BUNDLED.items():
        assert FILES[name] == f"{name}.csv"
        assert entry.title and entry.source and entry.licence and entry.note


@pytest.mark.parametrize("name", list(BUNDLED))
def test_the_apps_least_squares_line_for_each_data_set_matches_polyfit(name):
    x, y = load_bundled(name)
    data = Dataset(xy=np.vstack([x, y]), true_w=math.nan, true_b=math.nan, noise_std=0.0, seed=0)
    fit = least_squares(sufficient_stats(data))
    w, b = np.polyfit(x, y, 1)
    assert fit.w == pytest.approx(w, rel=1e-9)
    assert fit.b == pytest.approx(b, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_anscombes_four_share_the_published_line(number):
    x, y = load_bundled(f"anscombe-{number}")
    w, b = np.polyfit(x, y, 1)
    assert len(x) == 11
    assert round(w, 3) == 0.500
    assert round(b, 2) == 3.00


def test_penguins_heavier_with_longer_flippers():
    x, y = load_bundled("penguins")
    assert len(x) == 342
    w, b = np.polyfit(x, y, 1)
    # The widely reported fit lm(body_mass_g ~ flipper_length_mm) on palmerpenguins.
    assert round(w, 2) == 49.69
    assert round(b, 1) == -5780.8
    assert np.corrcoef(x, y)[0, 1] > 0.87


@pytest.mark.parametrize("name", list(BUNDLED))
def test_the_ravine_flag_follows_the_curvature(name):
    """Hessian of the mean squared error over (w, b): 2 [[mean x², mean x], [mean x, 1]]."""
    x, _ = load_bundled(name)
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    lam = np.linalg.eigvalsh(hessian)
    assert BUNDLED[name].ravine == (lam[1] / lam[0] > 100)


def test_bundled_data_is_read_only_and_unknown_names_are_a_key_error():
    x, _ = load_bundled("anscombe-1")
    with pytest.raises(ValueError, match="read-only"):
        x[0] = 0
    with pytest.raises(KeyError):
        load_bundled("../../etc/passwd")
