"""The classic data sets shipped in ``sets/``: what each one is, and reading it."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .csv_read import Table, choose_columns, parse_csv
from .points import Points

__all__ = ["BUNDLED", "FILES", "Bundled", "load_bundled"]

#: The folder of the data sets (their sources and licences are in its README.md).
_SETS = Path(__file__).parent / "sets"
#: The only files this module reads: a data set's name (as a link writes it,
#: ``?dataset=anscombe-1``) -> its file in ``sets/``. A name from a link is looked up
#: here; it never becomes part of a path (``tests/test_security.py`` checks this table).
FILES = {
    "anscombe-1": "anscombe-1.csv",
    "anscombe-2": "anscombe-2.csv",
    "anscombe-3": "anscombe-3.csv",
    "anscombe-4": "anscombe-4.csv",
    "penguins": "penguins.csv",
}


@dataclass(frozen=True)
class Bundled:
    """A classic data set shipped in ``sets/``.

    ``ravine`` says that x far from 0 compared with its spread makes the loss a long,
    narrow valley, where gradient descent crawls and feature scaling helps.
    """

    title: str
    x_label: str
    y_label: str
    source: str
    licence: str
    note: str
    ravine: bool


_ANSCOMBE_SOURCE = (
    "F. J. Anscombe (1973), Graphs in Statistical Analysis, The American Statistician "
    "27(1): 17–21; values from the seaborn-data repository"
)
_ANSCOMBE_LICENCE = "Published facts with no licence terms; the paper is cited"


def _anscombe(number: int, note: str) -> Bundled:
    return Bundled(
        title=f"Anscombe's quartet, set {number}",
        x_label="x",
        y_label="y",
        source=_ANSCOMBE_SOURCE,
        licence=_ANSCOMBE_LICENCE,
        note=note,
        ravine=True,
    )


#: The classic data sets, by the name a link uses; each has its file in :data:`FILES`.
BUNDLED: dict[str, Bundled] = {
    "anscombe-1": _anscombe(1, "A noisy straight line: the case least squares is made for."),
    "anscombe-2": _anscombe(
        2, "A smooth curve: the same best line as set 1, but a line is the wrong model."
    ),
    "anscombe-3": _anscombe(3, "A perfect line but for one outlier, which tilts the fitted line."),
    "anscombe-4": _anscombe(4, "Every x is 8 but one: that single point decides the slope."),
    "penguins": Bundled(
        title="Palmer penguins: flipper length and body mass",
        x_label="Flipper length (mm)",
        y_label="Body mass (g)",
        source=(
            "K. B. Gorman, T. D. Williams, W. R. Fraser (2014), PLoS ONE 9(3): e90081, "
            "Palmer Station Antarctica LTER; via the palmerpenguins R package"
        ),
        licence="CC0 1.0 (public domain dedication)",
        note="342 real penguins: longer flippers, heavier birds, close to a straight line.",
        ravine=True,
    ),
}


@functools.cache
def load_bundled(name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)``, read-only arrays of shape (n,), of the data set ``BUNDLED[name]``.

    The file goes through ``parse_csv`` like an upload; x is its first column and y its
    second. Raises ``KeyError`` for a name not in ``BUNDLED`` (check links against it).

    Examples
    --------
    >>> x, y = load_bundled("anscombe-4")
    >>> x.shape, float(x.max()), float(y.max())
    ((11,), 19.0, 12.5)
    """
    table = parse_csv(_SETS.joinpath(FILES[name]).read_bytes())
    if isinstance(table, Table) and not table.notices:
        points = choose_columns(table, *table.columns[:2])
        if isinstance(points, Points) and not points.notices:
            return points.x, points.y
    raise RuntimeError(f"the bundled data set {name!r} no longer reads cleanly")
