"""Where a run's points come from: the synthetic sample, a classic data set, placed points, a file.

A :class:`Source` is a field of :class:`~app.model.settings.Settings`, so it keys the run
caches. Placed points travel in it as their link value (``?points=``), a classic data
set as its name (``?dataset=``); an upload is known by a digest of its bytes and chosen
columns, and carries its points in a field that neither compares nor hashes. Uploads
never go into a link. Pure: no Streamlit here.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from linreg_core import Dataset

from .data.catalogue import BUNDLED, load_bundled
from .data.points import Points
from .data.points_link import decode_points, encode_points
from .links import show

__all__ = [
    "DATASET",
    "DEFAULT",
    "KINDS",
    "POINTS",
    "RAVINE_KAPPA",
    "SYNTHETIC",
    "UPLOAD",
    "Source",
    "bundled_source",
    "parse_source",
    "plot_text",
    "points_source",
    "source_query",
    "upload_source",
]

SYNTHETIC, DATASET, POINTS, UPLOAD = "synthetic", "dataset", "points", "upload"
#: The kinds of source, as the sidebar offers them.
KINDS = {
    SYNTHETIC: "Synthetic: a known line plus noise",
    DATASET: "A classic data set",
    POINTS: "Points you place by clicking",
    UPLOAD: "Your own CSV file",
}
#: A loss valley whose curvatures differ more than this is a ravine (as ``Bundled.ravine``).
RAVINE_KAPPA = 100.0


@dataclass(frozen=True)
class Source:
    """Where the points come from; hashable, so it keys the run caches.

    ``name`` is a ``BUNDLED`` key (dataset) or the uploaded file's name; ``points`` the
    placed points' link value; ``digest`` an upload's identity; ``xy`` an upload's
    points, shape (2, n), read-only, left out of comparisons (``digest`` stands for it).
    """

    kind: str = SYNTHETIC
    name: str = ""
    points: str = ""
    digest: str = ""
    x_label: str = "x"
    y_label: str = "y"
    xy: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def synthetic(self) -> bool:
        return self.kind == SYNTHETIC

    def xy_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The given points ``(x, y)``, shape (n,) each; empty for the synthetic source."""
        if self.kind == DATASET:
            return load_bundled(self.name)
        if self.kind == POINTS:
            p = decode_points(self.points)
            return p.x, p.y
        if self.kind == UPLOAD and self.xy is not None:
            return self.xy[0], self.xy[1]
        return np.zeros(0), np.zeros(0)

    def dataset(self) -> Dataset:
        """The given points as a :class:`~linreg_core.Dataset` (raises with fewer than 2)."""
        return Dataset.from_points(*self.xy_points())

    @property
    def title(self) -> str:
        """What the data is, in a few words; safe as Markdown (never the file's own text)."""
        if self.kind == DATASET:
            return BUNDLED[self.name].title
        if self.kind == POINTS:
            return "Your points"
        if self.kind == UPLOAD:
            return "Your file"
        return "Synthetic data"


#: The synthetic source: the notebook's data, drawn from the sidebar's controls.
DEFAULT = Source()


def bundled_source(name: str) -> Source:
    """A classic data set by its link name (a key of ``BUNDLED``)."""
    entry = BUNDLED[name]
    return Source(DATASET, name=name, x_label=entry.x_label, y_label=entry.y_label)


def points_source(x, y) -> Source:
    """Placed points (at most ``MAX_POINTS``, within ``±POINT_LIMIT``), as a link carries them."""
    return Source(POINTS, points=encode_points(x, y))


def upload_source(points: Points, file_name: str, raw: bytes, x_name: str, y_name: str) -> Source:
    """Points read from an uploaded file's chosen columns; ``raw`` is the file's bytes."""
    digest = hashlib.sha256(raw + b"\0" + f"{x_name}\0{y_name}".encode()).hexdigest()[:32]
    xy = np.array([points.x, points.y])  # (2, n)
    xy.setflags(write=False)
    name = file_name[:60] or "upload"
    return Source(UPLOAD, name=name, digest=digest, x_label=x_name, y_label=y_name, xy=xy)


def parse_source(query: Mapping[str, str]) -> tuple[Source, tuple[str, ...]]:
    """The source a link asks for (``dataset`` or ``points``), and notices; never raises."""
    notices: list[str] = []
    name, points = query.get("dataset"), query.get("points")
    if name is not None and points is not None:
        notices.append("The link names both a data set and points; using the data set.")
    if name is not None:
        if name in BUNDLED:
            return bundled_source(name), tuple(notices)
        notices.append(f"Unknown data set {show(name)}; the data sets are {', '.join(BUNDLED)}.")
        return Source(), tuple(notices)
    if points is not None:
        decoded = decode_points(points)
        notices += decoded.notices
        return points_source(decoded.x, decoded.y), tuple(notices)
    return Source(), ()


def source_query(source: Source) -> dict[str, str]:
    """The link parameters that reproduce ``source`` (none for synthetic data or an upload)."""
    if source.kind == DATASET:
        return {"dataset": source.name}
    if source.kind == POINTS:
        return {"points": source.points}
    return {}


def plot_text(text: str) -> str:
    """Plain text for a Plotly title or legend: its tags (``<a href>``, ``<b>``) escaped."""
    return html.escape(text, quote=False)
