"""The one rule for numbers a person reads (app.model.numbers), against answers written out."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.model.numbers import DIVERGED, number_text

_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.42064, "1.4206"),  # the notebook's 4 decimals
        (-0.00004, "0.0000"),  # no "-0.0000"
        (9.99994, "9.9999"),
        (9.99996, "10.00"),  # would print as 10.0000: the next rule takes it
        (25.1234, "25.12"),
        (-67177.5572, "-67,180"),
        (999_949.0, "999,900"),
        (999_951.0, "1.000 × 10⁶"),  # rounds up into the next power
        (1_771_234.0, "1.771 × 10⁶"),
        (-2.5e-300, "0.0000"),
        (3.14159e42, "3.142 × 10⁴²"),
        (math.inf, DIVERGED),
        (-math.inf, DIVERGED),
        (math.nan, DIVERGED),
    ],
)
def test_each_range_is_written_by_its_rule(value, text):
    assert number_text(value) == text


def _read(text: str) -> float:
    if " × 10" in text:
        mantissa, power = text.split(" × 10")
        return float(mantissa) * 10 ** int(power.translate(_DIGITS))
    return float(text.replace(",", ""))


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_the_text_reads_back_to_the_value_within_its_rounding(value):
    text = number_text(value)
    back = _read(text)
    if abs(value) < 9.99995:
        assert back == pytest.approx(value, abs=5e-5)
    else:
        assert back == pytest.approx(value, rel=5e-4)
        significant = text.split(" × ")[0].replace(",", "").replace("-", "").replace(".", "")
        assert len(significant.lstrip("0").rstrip("0") or "0") <= 4
