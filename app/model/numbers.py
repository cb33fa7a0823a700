"""How the app writes a number for a person to read: one rule for the results table, the
status, the chart's player label and the race summary.

- below 10 in size: 4 decimals, as the notebook prints them (``1.4206``; never ``-0.0000``);
- from 10: at most 4 significant digits, with thousands separators (``25.12``, ``-67,180``);
- from a million: 4 significant digits times a power of ten (``1.771 × 10⁶``);
- not a number at all (a run that overflowed): the word ``diverged``.
"""

from __future__ import annotations

import math

#: What a value that is not a finite number is called.
DIVERGED = "diverged"
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number_text(value: float) -> str:
    """``value`` written by the rule above.

    >>> [number_text(v) for v in (1.42064, -1e-17, 25.1234, -67177.5572, 1.7712e6, float("nan"))]
    ['1.4206', '0.0000', '25.12', '-67,180', '1.771 × 10⁶', 'diverged']
    """
    value = float(value)
    if not math.isfinite(value):
        return DIVERGED
    if abs(value) < 9.99995:  # what rounds to 10.0000 takes the next rule
        text = f"{value:.4f}"
        return "0.0000" if text == "-0.0000" else text
    rounded = float(f"{value:.4g}")  # 4 significant digits; may carry into the next power
    exponent = math.floor(math.log10(abs(rounded)))
    if exponent >= 6:
        mantissa = rounded / 10**exponent
        return f"{mantissa:.3f} × 10{str(exponent).translate(_SUPERSCRIPT)}"
    decimals = max(0, 3 - exponent)
    return f"{rounded:,.{decimals}f}"
