"""Writing a CSV that a spreadsheet opens safely: no cell is ever run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

import numpy as np

from .cells import FORMULA_START, NUMBER

__all__ = ["safe_csv_cell", "to_csv"]


def safe_csv_cell(text: str) -> str:
    """Text for a CSV cell that no spreadsheet runs as a formula (OWASP: prefix a quote).

    A number such as ``-1.5`` is left as it is.

    Examples
    --------
    >>> safe_csv_cell("=HYPERLINK(1)"), safe_csv_cell("-1.5"), safe_csv_cell("mass")
    ("'=HYPERLINK(1)", '-1.5', 'mass')
    """
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def to_csv(columns: Mapping[str, Sequence[float | str] | np.ndarray]) -> str:
    """A comma-separated CSV of equally long columns, safe to open in a spreadsheet.

    Numbers are written with ``repr``, the shortest text that reads back as the same
    float; text cells and names go through ``safe_csv_cell``. Lines end in CRLF (RFC
    4180), so a cell holding a lone CR or LF is quoted. Raises ``ValueError`` when the
    columns differ in length (a programming error, not a user's).

    Examples
    --------
    >>> to_csv({"x": [0.1, -2.0], "=y": ["@a", 3]}).splitlines()
    ["x,'=y", "0.1,'@a", '-2.0,3.0']
    """
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_csv_cell(str(name)) for name in columns])
    cells = [v.tolist() if isinstance(v, np.ndarray) else list(v) for v in columns.values()]
    for row in zip(*cells, strict=True):
        writer.writerow([_cell_text(v) for v in row])
    return out.getvalue()


def _cell_text(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(float(value))
    return safe_csv_cell(str(value))
