"""Reading an uploaded CSV: parse it, check it, and pick the two columns of the points.

Pure functions (NumPy and the standard library). Every byte of an upload is hostile:
nothing here raises on bad input. A file that cannot be used becomes a ``Refusal`` whose
reason says why and what to do; anything that was changed or dropped on the way becomes a
plain-language notice. Values from the input
appear in notices only through ``_show`` (a Markdown code span), so a hostile cell or
column name never renders as a link or HTML.

Decisions, stated once:

* A file over ``MAX_UPLOAD_BYTES`` or with more than ``MAX_ROWS`` data rows or
  ``MAX_COLUMNS`` columns is refused, not truncated: keeping the first rows of a sorted
  file would silently show a different data set.
* Encodings: UTF-8 (with or without BOM), UTF-16 with BOM, and Windows-1252 (which
  reads every printable Latin-1 file) when the bytes are not UTF-8. UTF-32, UTF-16
  without BOM and anything with NUL bytes or control characters are refused.
* Delimiters: tab, semicolon, comma, then runs of spaces, chosen by which one splits
  the first lines into the same number (at least two) of columns, in that order of
  preference: a semicolon or tab is rarely part of a value, a comma may be a decimal
  comma.
* Decimal commas (``1,5``) are read as 1.5 when the delimiter is not a comma, with a
  notice. Thousands separators are not read (``1,234.5`` is text).
* Numbers are plain ASCII decimals (``-1.5``, ``+2``, ``.5``, ``3e-4``). Everything else
  is text and is never evaluated; a cell that starts like a spreadsheet formula
  (``=``, ``+``, ``-``, ``@``, tab, carriage return) and is not a number is counted as
  a formula in a notice. ``NaN``/``inf`` cells and numbers beyond ``MAX_ABS_VALUE``
  are not usable; empty cells and ``NA``-style markers are missing values.
* The header row is optional: a first row of numbers only is data, and the columns are
  named "column 1", "column 2", ….
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import re
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from ..links import show as _show
from ..params import N_SAMPLES_OPTIONS
from .cells import FORMULA_START, NUMBER
from .points import Points, read_only

__all__ = [
    "MAX_ABS_VALUE",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "MIN_POINTS",
    "UPLOADER_LIMIT_MB",
    "Cell",
    "Refusal",
    "Table",
    "choose_columns",
    "parse_csv",
]

# --- limits: the one place where each is written down ---
#: Largest upload read at all, in bytes (1 MB).
MAX_UPLOAD_BYTES = 1_000_000
#: The upload widget's own limit, in MB: above it the widget stops a file with only a
#: tooltip for a reason, so it is well above MAX_UPLOAD_BYTES, and a file between the two
#: reaches the parser and gets its notice on the page. nginx's body limit follows it.
UPLOADER_LIMIT_MB = 10
#: Most data rows in an upload: the app's largest sample.
MAX_ROWS = max(N_SAMPLES_OPTIONS)
#: Most columns in an upload.
MAX_COLUMNS = 100
#: A line needs two points.
MIN_POINTS = 2
#: Larger magnitudes are not usable: the loss landscape's squares stay far from overflow.
MAX_ABS_VALUE = 1e9

_NAME_CHARS = 60  # a column name longer than this is cut, with "…"
_SAMPLE_LINES = 50  # lines read to choose the delimiter
_DELIMITERS = {"\t": "tabs", ";": "semicolons", ",": "commas", " ": "spaces"}
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_MISSING_WORDS = {"", "na", "n/a", "null", "none", "-", "?", "."}
_NOT_FINITE_WORDS = {f"{s}{w}" for s in ("", "+", "-") for w in ("nan", "inf", "infinity")}
#: C0 and C1 control characters other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MAGIC = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip archive",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
}
_SAVE_AS_CSV = "Save it from your spreadsheet as “CSV UTF-8” and upload that."


class Cell(IntEnum):
    """What a cell holds; every value but ``NUMBER`` drops its row when chosen."""

    NUMBER = 0
    MISSING = 1
    NOT_FINITE = 2
    TOO_LARGE = 3
    FORMULA = 4
    TEXT = 5


#: How a notice counts dropped rows: "3 with ...".
_CELL_WORDS = {
    Cell.MISSING: "an empty or missing value",
    Cell.NOT_FINITE: "NaN or infinity",
    Cell.TOO_LARGE: f"a number beyond ±{MAX_ABS_VALUE:,.0f}",
    Cell.FORMULA: "a spreadsheet formula (never run)",
    Cell.TEXT: "text that is not a number",
}


@dataclass(frozen=True)
class Refusal:
    """An upload that cannot be used; ``reason`` is a notice for the page."""

    reason: str


@dataclass(frozen=True, eq=False)
class Table:
    """A parsed CSV: the column names, and every cell as a number or a reason why not.

    Attributes
    ----------
    columns : tuple of str
        Unique, printable column names, at most ``_NAME_CHARS`` long. They come from
        the file: show them as plain text, or in notices through ``_show``.
    values : ndarray of shape (n_rows, n_columns)
        The numbers; NaN wherever ``kinds`` is not ``Cell.NUMBER``. Read-only.
    kinds : ndarray of shape (n_rows, n_columns)
        A ``Cell`` code per cell. Read-only.
    rows : ndarray of shape (n_rows,)
        Each data row's row number as a spreadsheet shows it (the header is row 1).
    delimiter : str
        The delimiter that was detected: tab, ``;``, ``,`` or space.
    notices : tuple of str
        What was read in a way the learner may not expect.
    """

    columns: tuple[str, ...]
    values: np.ndarray
    kinds: np.ndarray
    rows: np.ndarray
    delimiter: str
    notices: tuple[str, ...]

    @property
    def numeric_columns(self) -> tuple[str, ...]:
        """Columns with at least ``MIN_POINTS`` usable numbers: the choices for x and y."""
        counts = (self.kinds == Cell.NUMBER).sum(axis=0)  # (n_columns,)
        return tuple(c for c, k in zip(self.columns, counts, strict=True) if k >= MIN_POINTS)


def parse_csv(raw: bytes) -> Table | Refusal:
    """Read an uploaded CSV file's bytes into a ``Table``, or say why not.

    Examples
    --------
    >>> table = parse_csv(b"height;weight\\n1,5;60\\n1,8;75\\n")
    >>> table.columns, table.values[:, 0].tolist()
    (('height', 'weight'), [1.5, 1.8])
    >>> parse_csv(b"").reason
    'The file is empty.'
    """
    if len(raw) == 0:
        return Refusal("The file is empty.")
    if len(raw) > MAX_UPLOAD_BYTES:
        return Refusal(
            f"The file has {len(raw):,} bytes; the limit is {MAX_UPLOAD_BYTES:,} (1 MB). "
            f"Upload at most {MAX_ROWS:,} rows with just the columns you need."
        )
    decoded = _decode(bytes(raw))
    if isinstance(decoded, Refusal):
        return decoded
    text, notices = decoded
    if not text.strip():
        return Refusal("The file is empty.")
    control = _CONTROL.search(text)
    if control:
        return Refusal(
            f"The file holds a control character ({_show(control.group())}), so it is not a "
            f"text file. {_SAVE_AS_CSV}"
        )
    delimiter = _choose_delimiter(text)
    if delimiter is None:
        return Refusal(
            "The file has only one column; x and y need two. Separate the columns "
            "with commas, semicolons or tabs."
        )
    records = _records(text, delimiter)
    if isinstance(records, Refusal):
        return records
    return _table(records, delimiter, notices)


def _decode(raw: bytes) -> tuple[str, list[str]] | Refusal:
    """The text of the file and a notice about its encoding, or why it cannot be read."""
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            return Refusal(f"This looks like {what}, not a CSV file. {_SAVE_AS_CSV}")
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return Refusal(f"The file is UTF-32 text, which the app does not read. {_SAVE_AS_CSV}")
    if raw.startswith(codecs.BOM_UTF8):
        encoding, name = "utf-8-sig", None
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, name = "utf-16", "UTF-16"
    elif b"\x00" in raw:
        return Refusal(
            "The file holds NUL bytes: it is binary, or UTF-16 text without a byte-order "
            f"mark. {_SAVE_AS_CSV}"
        )
    else:
        try:
            return raw.decode("utf-8"), []
        except UnicodeDecodeError:
            encoding, name = "cp1252", "Windows-1252 (Latin-1)"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return Refusal(
            "The file is not text in an encoding the app reads (UTF-8, UTF-16 with a "
            f"byte-order mark, or Windows-1252). {_SAVE_AS_CSV}"
        )
    return text, ([f"Read the file as {name} text."] if name else [])


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def _split_line(line: str, delimiter: str) -> list[str]:
    if delimiter == " ":
        return [cell.strip('"') for cell in line.split()]
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a cell over the csv module's size limit: count cells roughly
        return line.split(delimiter)


def _choose_delimiter(text: str) -> str | None:
    """The first delimiter that splits the first lines evenly into two or more columns.

    Failing that, the first that splits most of them into two or more (ragged rows).
    """
    sample = list(itertools.islice((s for s in _lines(text) if s.strip()), _SAMPLE_LINES))
    fallback = None
    for delimiter in _DELIMITERS:
        counts = [len(_split_line(line, delimiter)) for line in sample]
        if counts[0] < 2:
            continue
        if sum(c == counts[0] for c in counts) >= 0.8 * len(counts):
            return delimiter
        if sum(c >= 2 for c in counts) >= 0.8 * len(counts):
            fallback = fallback or delimiter
    return fallback


def _records(text: str, delimiter: str) -> list[list[str]] | Refusal:
    """Every line of the file split into cells, blank lines as ``[]``."""
    if delimiter == " ":
        return [_split_line(line, " ") for line in _lines(text)]
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:  # e.g. one cell longer than the csv module's limit of 131,072 characters
        return Refusal(f"The file could not be read as CSV. {_SAVE_AS_CSV}")


def _table(records: list[list[str]], delimiter: str, notices: list[str]) -> Table | Refusal:
    numbered = [(i + 1, r) for i, r in enumerate(records) if any(c.strip() for c in r)]
    if not numbered:  # e.g. only delimiters and quotes
        return Refusal("The file holds no values.")
    decimal_comma = delimiter != ","
    first = [_read_cell(c, decimal_comma)[0] for c in numbered[0][1]]
    has_header = any(k in (Cell.TEXT, Cell.FORMULA) for k in first)
    n_columns = len(numbered[0][1])
    if n_columns > MAX_COLUMNS:
        return Refusal(
            f"The file has {n_columns:,} columns; the limit is {MAX_COLUMNS}. "
            "Upload just the columns you need."
        )
    if n_columns < 2:
        return Refusal("The file has only one column; x and y need two.")
    if has_header:
        columns = _names(numbered[0][1], notices)
        numbered = numbered[1:]
    else:
        columns = tuple(f"column {j + 1}" for j in range(n_columns))
        notices.append("The first row holds numbers, so it is data; the columns are numbered.")
    if len(numbered) > MAX_ROWS:
        return Refusal(
            f"The file has {len(numbered):,} rows of data; the limit is {MAX_ROWS:,}, the "
            f"app's largest sample. Upload a sample of at most {MAX_ROWS:,} rows."
        )
    if len(numbered) < MIN_POINTS:
        found = "no rows" if not numbered else "only one row"
        return Refusal(f"The file has {found} of data; a line needs at least two points.")

    too_long = [
        n for n, r in numbered if len(r) > n_columns and any(c.strip() for c in r[n_columns:])
    ]
    if too_long:
        notices.append(
            f"Skipped {_rows(len(too_long))} with more cells than the header has columns "
            f"(the first is row {too_long[0]})."
        )
        skip = set(too_long)
        numbered = [(n, r) for n, r in numbered if n not in skip]
        if len(numbered) < MIN_POINTS:
            return Refusal("Fewer than two rows have as many cells as the header has columns.")

    values, kinds = _read_cells(numbered, n_columns, decimal_comma, notices)
    counts = (kinds == Cell.NUMBER).sum(axis=0)  # (n_columns,)
    usable = [c for c, k in zip(columns, counts, strict=True) if k >= MIN_POINTS]
    others = [c for c in columns if c not in usable]
    if len(usable) < 2:
        found = f"only {_show(usable[0])}" if usable else "none"
        return Refusal(
            f"x and y need two columns of numbers, each with at least two numbers; found {found}."
        )
    if others:
        notices.append(
            "These columns have fewer than two numbers, so they cannot be x or y: "
            + ", ".join(_show(c) for c in others[:10])
            + (" …" if len(others) > 10 else "")
            + "."
        )
    return Table(
        columns=columns,
        values=read_only(values),
        kinds=read_only(kinds),
        rows=read_only(np.array([r for r, _ in numbered])),
        delimiter=delimiter,
        notices=tuple(notices),
    )


def _read_cells(
    numbered: list[tuple[int, list[str]]], n_columns: int, decimal_comma: bool, notices: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Every cell's number and kind, shape (n_rows, n_columns) each; notes decimal commas
    and formulas in ``notices``."""
    n = len(numbered)
    values = np.full((n, n_columns), np.nan)
    kinds = np.zeros((n, n_columns), dtype=np.int8)
    commas = 0
    formula = None
    for i, (row, cells) in enumerate(numbered):
        for j in range(n_columns):
            cell = cells[j] if j < len(cells) else ""  # a short row's missing cells are empty
            kind, value = _read_cell(cell, decimal_comma)
            kinds[i, j] = kind
            if kind == Cell.NUMBER:
                values[i, j] = value
                commas += "," in cell
            elif kind == Cell.FORMULA and formula is None:
                formula = (row, cell)
    if commas:
        notices.append(f"Read {commas:,} numbers with a decimal comma, such as 1,5 as 1.5.")
    if formula is not None:
        count = int((kinds == Cell.FORMULA).sum())
        notices.append(
            f"{count:,} {'cells look' if count > 1 else 'cell looks'} like a spreadsheet "
            f"formula, such as {_show(formula[1])} in row {formula[0]}. Formulas are never "
            "run: they count as text."
        )
    return values, kinds


def _read_cell(cell: str, decimal_comma: bool) -> tuple[Cell, float]:
    """Classify one cell; only ``Cell.NUMBER`` comes with a value."""
    text = cell.strip()
    if NUMBER.fullmatch(text) or (decimal_comma and _DECIMAL_COMMA.fullmatch(text)):
        value = float(text.replace(",", "."))
        if not math.isfinite(value):  # e.g. 1e999
            return Cell.NOT_FINITE, math.nan
        if abs(value) > MAX_ABS_VALUE:
            return Cell.TOO_LARGE, math.nan
        return Cell.NUMBER, value
    lower = text.lower()
    if lower in _MISSING_WORDS:
        return Cell.MISSING, math.nan
    if lower in _NOT_FINITE_WORDS:
        return Cell.NOT_FINITE, math.nan
    if cell.startswith(FORMULA_START) or text.startswith(FORMULA_START):
        return Cell.FORMULA, math.nan
    return Cell.TEXT, math.nan


def _names(cells: list[str], notices: list[str]) -> tuple[str, ...]:
    """Printable, unique, short column names; an empty name becomes "column j"."""
    names: list[str] = []
    for j, cell in enumerate(cells):
        name = " ".join("".join(ch for ch in cell if ch.isprintable()).split())
        if len(name) > _NAME_CHARS:
            name = name[: _NAME_CHARS - 1] + "…"
        base = name or f"column {j + 1}"
        name, k = base, 1
        while name in names:
            k += 1
            name = f"{base} ({k})"
        names.append(name)
    renamed = [n for n, c in zip(names, cells, strict=True) if n != c.strip()]
    if renamed:
        notices.append(
            "Renamed columns whose names were empty, repeated, too long or held "
            "unprintable characters: " + ", ".join(_show(n) for n in renamed[:10]) + "."
        )
    return tuple(names)


def _rows(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}"


def choose_columns(table: Table, x_name: str, y_name: str) -> Points | Refusal:
    """The points ``(x, y)`` from two columns, without rows that lack a number in either.

    Examples
    --------
    >>> table = parse_csv(b"a,b\\n1,2\\n2,oops\\n3,6\\n")
    >>> points = choose_columns(table, "a", "b")
    >>> points.x.tolist(), points.y.tolist()
    ([1.0, 3.0], [2.0, 6.0])
    >>> points.notices[0]
    'Dropped 1 of 3 rows: 1 with text that is not a number (the first is row 3).'
    """
    for name in (x_name, y_name):
        if name not in table.columns:
            return Refusal(f"The file has no column named {_show(name)}.")
    i, j = table.columns.index(x_name), table.columns.index(y_name)
    kinds = np.maximum(table.kinds[:, i], table.kinds[:, j])  # (n_rows,) the worse of the two
    keep = kinds == Cell.NUMBER
    notices = []
    if not keep.all():
        counts = [(int((kinds == k).sum()), words) for k, words in _CELL_WORDS.items()]
        notices.append(
            f"Dropped {int((~keep).sum()):,} of {_rows(len(keep))}: "
            + ", ".join(f"{c:,} with {words}" for c, words in counts if c)
            + f" (the first is row {int(table.rows[~keep][0])})."
        )
    if keep.sum() < MIN_POINTS:
        return Refusal(
            f"Only {int(keep.sum())} row{'s' if keep.sum() != 1 else ''} "
            f"{'have' if keep.sum() != 1 else 'has'} a number in both {_show(x_name)} and "
            f"{_show(y_name)}; a line needs at least two points."
        )
    x = table.values[keep, i].copy()  # (n,)
    y = table.values[keep, j].copy()  # (n,)
    if i == j:
        notices.append("x and y are the same column, so every point lies on the line y = x.")
    if np.all(x == x[0]):  # no best line: every diagnosis and limit would be about nothing
        return Refusal(
            f"Every x in {_show(x_name)} is {x[0]:g}, so there is no best line to learn: "
            f"every line through the mean of y at x = {x[0]:g} fits equally well. A line "
            "needs points at two different x values at least."
        )
    return Points(read_only(x), read_only(y), tuple(notices))
