"""Helpers shared by the test modules (no test module imports another)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from hypothesis import strategies as hst
from streamlit.testing.v1 import AppTest

from app.charts.encode import unpacked_frames, unpacked_labels
from app.ui.controls import PRESET_KEY, SECTIONS
from linreg_core import make_dataset

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app" / "streamlit_app.py")
#: The app's one chart element, as AppTest sees it.
LIVE_CHART = "live_chart.live_plotly_chart"
#: The widget kinds the controls use.
WIDGET_KINDS = ("slider", "select_slider", "number_input", "toggle", "radio")


#: The sections of less-used controls, open: tests see every widget.
OPEN_SECTIONS = {f"more_{group}": True for group in SECTIONS}


def start(query: Mapping[str, Any] | None = None, *, state: Mapping[str, Any] | None = None):
    """Run the app as opened from a link with ``query``, with session ``state`` set first.

    A query value may be a list: the link then repeats that key. The sidebar's sections
    of less-used controls are open unless ``state`` says otherwise.
    """
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(
        {k: v if isinstance(v, list) else str(v) for k, v in (query or {}).items()}
    )
    for key, value in (OPEN_SECTIONS | dict(state or {})).items():
        at.session_state[key] = value
    return at.run()


def chart_payloads(at: AppTest) -> list[dict]:
    """What each chart on the page sends to the browser, in page order.

    Each is the chart component's data (one JSON document, sent as bytes): ``figure``,
    ``alt``, ``config``, ``font_size``, ``plotly_src``, ``module_src``, ``clickable``,
    ``table`` and ``keys``.
    """
    elements = at.get("bidi_component")
    return [json.loads(e.proto.bytes) for e in elements if e.proto.component_name == LIVE_CHART]


def figures(at: AppTest) -> list[dict]:
    """Every chart's figure on the page, in page order, with its frames and the player's
    labels as the chart's JS uses them (packed ones unpacked)."""
    found = [p["figure"] for p in chart_payloads(at)]
    for figure in found:
        if "frames_packed" in figure:
            figure["frames"] = unpacked_frames(figure.pop("frames_packed"))
        if "labels_packed" in figure.get("animation", {}):
            player = figure["animation"]
            player["labels"] = unpacked_labels(player.pop("labels_packed"))
    return found


def result(at: AppTest) -> dict[str, list[str]]:
    """The run's table under the playground's chart (a Markdown table), by row:
    ``{"w": [run, best fit, true], ...}`` (``{"columns": [...]}`` too); empty when the
    page draws none (lecture mode)."""
    tables = [m.value for m in at.main.markdown if m.value.startswith("| ")]
    if not tables:
        return {}
    header, _, *rows = (
        [cell.strip() for cell in line.strip("|").split("|")] for line in tables[0].splitlines()
    )
    return {"columns": header} | {row[0]: row[1:] for row in rows}


def status(at: AppTest) -> str:
    """The text of every status box on the page (success, info, warning, error)."""
    return " ".join(
        e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)
    )


def control_widgets(where) -> list:
    """Every control widget in ``where``: an AppTest, or its ``sidebar`` or ``main`` (not
    the scenario menu, which sets the controls)."""
    return [w for kind in WIDGET_KINDS for w in getattr(where, kind) if w.key != PRESET_KEY]


def control_values(at: AppTest, keys) -> dict[str, Any]:
    """key -> value of every control widget whose key is in ``keys``."""
    return {w.key: w.value for w in control_widgets(at) if w.key in keys}


def decode(array) -> np.ndarray:
    """A trace array as NumPy: typed-array JSON (bdata) or a plain list."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array, dtype=float)


def by_name(fig: dict, name: str) -> dict:
    """The one trace of ``fig`` called ``name``."""
    (trace,) = [t for t in fig["data"] if t.get("name") == name]
    return trace


def plotly_figure(spec: dict) -> go.Figure:
    """Validate a figure dict against Plotly's schema (raises on any unknown property).

    ``animation`` and ``narrow`` are the chart component's own keys, not Plotly's.
    """
    return go.Figure({k: v for k, v in spec.items() if k not in ("animation", "narrow")})


#: Uploads that must be refused with a notice, leaving the data as it was: name -> (bytes,
#: words of the notice). The cases of ``tests/test_own_data.py``, as whole files.
HOSTILE_FILES = {
    "empty.csv": (b"", "empty"),
    "blank-lines.csv": (b"   \n\n\r\n", "empty"),
    "junk.csv": (bytes(range(256)) * 4, "NUL"),
    "image.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL"),
    "book.csv": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, "Excel"),
    "old-book.csv": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel"),
    "doc.csv": (b"%PDF-1.7\n", "PDF"),
    "escape.csv": (b"x,y\n1,2\n\x1b[31m3,4\n", "control character"),
    "one-column.csv": (b"x\n1\n2\n3\n", "one column"),
    "words.csv": (b"name,city\nann,oslo\nbob,rome\n", "two columns of numbers"),
    "single-row.csv": (b"x,y\n1,2\n", "only one row"),
    "constant-x.csv": (b"x,y\n3,1\n3,2\n3,4\n", "two different x"),
    "header-only.csv": (b"x,y\n", "no rows"),
    "nan-everywhere.csv": (b"x,y\n1,nan\ninf,2\n3,\n", "two columns of numbers"),
    "no-row-with-both.csv": (b"a,b\n1,\n2,\n,3\n,4\n", "Only 0 rows"),
    "too-big.csv": (b"x,y\n" + b"1,2\n" * 250_010, "limit is 1,000,000"),
    "three-mb.csv": (b"x,y\n" + b"1,2\n" * 750_000, "limit is 1,000,000"),  # on the page
    "too-many-rows.csv": (b"x,y\n" + b"1,2\n" * 10_001, "10,000"),
    "utf32.csv": ("x,y\n1,2\n3,4\n".encode("utf-32"), "UTF-32"),
    "utf16-no-bom.csv": ("x,y\n1,2\n3,4\n".encode("utf-16-le"), "NUL"),
    "formulas-only.csv": (b"x,y\n=1+2,@SUM(A1)\n=3,+cmd|' /C calc'!A0\n", "two columns of numbers"),
}
#: Uploads that are read, with something dropped or changed: name -> (bytes, notice words,
#: the points read).
NOTED_FILES = {
    "nan-inf.csv": (
        b"x,y\n1,2\nnan,3\n4,inf\n5,6\n7,8\n",
        "Dropped 2 of 5 rows",
        ([1.0, 5.0, 7.0], [2.0, 6.0, 8.0]),
    ),
    "formula.csv": (
        b"x,y\n1,2\n=1+2,3\n4,5\n6,7\n",
        "formula",
        ([1.0, 4.0, 6.0], [2.0, 5.0, 7.0]),
    ),
    "semicolon-latin1.csv": (
        "x;poids é\n1,5;2\n2,5;3\n3,5;5\n".encode("cp1252"),
        "decimal comma",
        ([1.5, 2.5, 3.5], [2.0, 3.0, 5.0]),
    ),
    "tabs-utf16.csv": (
        "x\ty\n1\t2\n2\t4\n3\t5\n".encode("utf-16"),
        "UTF-16",
        ([1.0, 2.0, 3.0], [2.0, 4.0, 5.0]),
    ),
}


def dataset_strategy(scale: float, noise: float, n_max: int, x_mins=None):
    """A Hypothesis strategy of synthetic data sets: true line within ``±scale``, noise up to
    ``noise``, 2 to ``n_max`` points, and, when given, x ranges starting at one of ``x_mins``."""
    extra = {} if x_mins is None else {"x_min": hst.sampled_from(x_mins)}
    return hst.builds(
        make_dataset,
        true_w=hst.floats(-scale, scale),
        true_b=hst.floats(-scale, scale),
        noise_std=hst.floats(0, noise),
        n_samples=hst.integers(2, n_max),
        seed=hst.integers(0, 2**32 - 1),
        **extra,
    )


def open_page(url_path: str) -> tuple[AppTest, dict]:
    """Run the app on its page at ``url_path``, returning the test and the page's record.

    AppTest.switch_page takes only file pages; the app's pages are functions, so go by the
    page's hash."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    (page,) = [p for p in at._registered_pages.values() if p.get("url_pathname") == url_path]
    at._page_hash = page["page_script_hash"]
    at.run()
    return at, page
