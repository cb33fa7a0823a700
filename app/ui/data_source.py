"""The sidebar's data source: synthetic, a classic data set, placed points, or an uploaded file.

:func:`data_source` draws the choice and returns a :class:`~app.model.sources.Source`. The
link carries a data set (``?dataset=``) or placed points (``?points=``), never an
upload. Placed points live in session state with an undo stack; a click on the data
panel arrives through :func:`on_chart_click`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from ..charts.data import canvas_figure
from ..charts.style import ChartStyle
from ..model.data.catalogue import BUNDLED
from ..model.data.csv_read import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    UPLOADER_LIMIT_MB,
    Refusal,
    choose_columns,
    parse_csv,
)
from ..model.data.points_link import MAX_POINTS, POINT_LIMIT, decode_points
from ..model.links import show as _show
from ..model.sources import (
    DATASET,
    DEFAULT,
    KINDS,
    POINTS,
    SYNTHETIC,
    UPLOAD,
    Source,
    bundled_source,
    parse_source,
    points_source,
    source_query,
    upload_source,
)
from .chart import show_figure
from .menus import titled_selectbox

__all__ = [
    "KIND_KEY",
    "PLACED_KEY",
    "add_point",
    "data_source",
    "init_source",
    "on_chart_click",
    "place_points",
    "placed_points",
    "placing_canvas",
    "reset_source",
    "source_notices",
]

KIND_KEY = "source_kind"
DATASET_KEY = "dataset_choice"
PLACED_KEY = "placed_points"  # the placed points' link value
_UNDO_KEY = "_placed_undo"  # earlier link values, newest last
_UPLOAD_KEY = "_upload_source"  # the last upload that could be used
_LAST_KEY = "_last_source"  # what the run used last: kept while a new upload is refused
_NOTICES_KEY = "_source_notices"
_MAX_UNDO = 200


def init_source() -> None:
    """On a session's first run, take the link's data set or points (validated)."""
    if _NOTICES_KEY in st.session_state:
        return
    source, notices = parse_source(st.query_params.to_dict())
    st.session_state[KIND_KEY] = source.kind
    st.session_state[DATASET_KEY] = source.name if source.kind == DATASET else next(iter(BUNDLED))
    st.session_state[PLACED_KEY] = source.points
    st.session_state[_UNDO_KEY] = []
    st.session_state[_NOTICES_KEY] = notices


def source_notices() -> tuple[str, ...]:
    """Notices about the link's ``dataset`` or ``points``, for the page's link warning."""
    return st.session_state.get(_NOTICES_KEY, ())


def reset_source() -> None:
    """Back to the synthetic data (the Reset button)."""
    st.session_state[KIND_KEY] = SYNTHETIC


def placed_points() -> tuple[np.ndarray, np.ndarray]:
    """The points placed so far, ``(x, y)`` of shape (n,) each."""
    p = decode_points(st.session_state.get(PLACED_KEY, ""))
    return p.x, p.y


def _set_points(x: np.ndarray, y: np.ndarray) -> None:
    undo = st.session_state[_UNDO_KEY]
    undo.append(st.session_state[PLACED_KEY])
    del undo[:-_MAX_UNDO]
    st.session_state[PLACED_KEY] = points_source(x, y).points


def place_points(x: np.ndarray, y: np.ndarray) -> None:
    """Switch to placed points and place these (undoable), e.g. for an experiment."""
    init_source()
    st.session_state[KIND_KEY] = POINTS
    _set_points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def add_point(x: float, y: float) -> str | None:
    """Place a point; returns why not (too many, outside the panel), or None."""
    px, py = placed_points()
    if len(px) >= MAX_POINTS:
        return f"A link holds at most {MAX_POINTS} points; remove one first."
    if not (np.isfinite([x, y]).all() and abs(x) <= POINT_LIMIT and abs(y) <= POINT_LIMIT):
        return f"Points go within ±{POINT_LIMIT:g} on both axes."
    _set_points(np.append(px, round(x, 2)), np.append(py, round(y, 2)))
    return None


def _remove_point(x: float, y: float) -> None:
    px, py = placed_points()
    if len(px) == 0:
        return
    i = int(np.argmin(np.hypot(px - x, py - y)))
    _set_points(np.delete(px, i), np.delete(py, i))


def on_chart_click(key: str) -> None:
    """A click on the data panel while placing: add a point there, or remove the one hit."""
    event = st.session_state.get(key, {}).get("click")
    if not isinstance(event, dict) or st.session_state.get(KIND_KEY) != POINTS:
        return
    try:
        x, y = float(event["x"]), float(event["y"])
    except (KeyError, TypeError, ValueError):
        return
    if event.get("action") == "remove":
        _remove_point(x, y)
    elif why := add_point(x, y):
        st.toast(why)


def _undo() -> None:
    if st.session_state[_UNDO_KEY]:
        st.session_state[PLACED_KEY] = st.session_state[_UNDO_KEY].pop()


def _clear() -> None:
    if st.session_state[PLACED_KEY]:
        _set_points(np.zeros(0), np.zeros(0))


def _points_controls() -> Source:
    x, _ = placed_points()
    st.caption(
        f"**{len(x)} of {MAX_POINTS} points.** Click an empty spot on the data panel (top "
        "left) to add a point there; click a point to remove it. The points travel in the link."
    )
    undo, clear = st.columns(2)
    undo.button(
        "Undo", key="points_undo", on_click=_undo, width="stretch",
        disabled=not st.session_state[_UNDO_KEY], help="Take back the last change to the points.",
    )  # fmt: skip
    clear.button(
        "Clear", key="points_clear", on_click=_clear, width="stretch", disabled=len(x) == 0,
        help="Remove every point (Undo brings them back).",
    )  # fmt: skip
    with st.expander("Add a point by its coordinates"):  # for the keyboard, and for exact values
        at_x = st.number_input("x", -POINT_LIMIT, POINT_LIMIT, 0.0, 0.5, key="point_x", help=_AT)
        at_y = st.number_input("y", -POINT_LIMIT, POINT_LIMIT, 0.0, 0.5, key="point_y", help=_AT)
        st.button("Add this point", key="point_add", on_click=_add_typed, args=(at_x, at_y))
    return Source(POINTS, points=st.session_state[PLACED_KEY])


_AT = f"Between −{POINT_LIMIT:g} and {POINT_LIMIT:g}, rounded to hundredths."


def _add_typed(x: float, y: float) -> None:
    if why := add_point(x, y):
        st.toast(why)


def _dataset_controls() -> Source:
    name = titled_selectbox(
        "Data set",
        BUNDLED,
        key=DATASET_KEY,
        help="Also opened by ?dataset=NAME in a link, e.g. ?dataset=anscombe-1.",
    )
    entry = BUNDLED[name]
    st.caption(entry.note)
    with st.expander("Source and licence"):
        st.caption(f"{entry.source}. Licence: {entry.licence}.")
    return bundled_source(name)


def _upload_controls() -> Source | None:
    st.caption(
        f"A CSV or text file of up to {MAX_UPLOAD_BYTES // 1000:,} kB and {MAX_ROWS:,} rows, "
        "with commas, semicolons or tabs between columns. **Uploaded data is not stored and "
        "does not go into the link.**"
    )
    # Files over the limit but under the widget's own get the parser's notice on the page,
    # which says what the limit is and what to do (the file is read and dropped at once).
    file = st.file_uploader(
        "CSV file", type=["csv", "txt", "tsv"], key="upload_file", max_upload_size=UPLOADER_LIMIT_MB
    )
    if file is None:
        if _UPLOAD_KEY not in st.session_state:
            st.caption("Until a file is read, the charts keep the data they had.")
        return st.session_state.get(_UPLOAD_KEY)
    raw = file.getvalue()
    table = parse_csv(raw)
    if isinstance(table, Refusal):
        st.error(f"{_show(file.name)} cannot be used, so the data is unchanged. {table.reason}")
        return st.session_state.get(_UPLOAD_KEY)
    columns = table.numeric_columns
    x_name = st.selectbox("x column", columns, index=0, key="upload_x")
    y_name = st.selectbox("y column", columns, index=min(1, len(columns) - 1), key="upload_y")
    points = choose_columns(table, x_name, y_name)
    notices = table.notices + (() if isinstance(points, Refusal) else points.notices)
    if isinstance(points, Refusal):
        st.error(f"These columns cannot be used, so the data is unchanged. {points.reason}")
    if notices:
        st.warning("\n".join(f"- {n}" for n in notices))
    if isinstance(points, Refusal):
        return st.session_state.get(_UPLOAD_KEY)
    source = upload_source(points, "upload", raw, x_name, y_name)
    st.session_state[_UPLOAD_KEY] = source
    return source


def _sync_link(source: Source) -> None:
    """Keep the address bar's ``dataset`` and ``points`` in step with the data."""
    wanted = source_query(source)
    for name in ("dataset", "points"):
        if st.query_params.get(name) != wanted.get(name):
            if name in wanted:
                st.query_params[name] = wanted[name]
            elif name in st.query_params:
                del st.query_params[name]


def data_source(*, hidden: bool = False) -> Source:
    """Draw the data-source choice (unless ``hidden``); return where the points come from.

    A refused upload, or an upload not made yet, leaves the data as it was.
    """
    init_source()
    last = st.session_state.get(_LAST_KEY, DEFAULT)
    if hidden:
        kind = st.session_state[KIND_KEY]
        source = {
            DATASET: lambda: bundled_source(st.session_state[DATASET_KEY]),
            POINTS: lambda: Source(POINTS, points=st.session_state[PLACED_KEY]),
        }.get(kind, lambda: DEFAULT)()
    else:
        kind = st.radio(
            "Data",
            list(KINDS),
            format_func=KINDS.get,
            key=KIND_KEY,
            help="Where the points come from. The least-squares line, the limits and the "
            "diagnosis always follow the data shown.",
        )
        controls = {
            SYNTHETIC: lambda: DEFAULT,
            DATASET: _dataset_controls,
            POINTS: _points_controls,
            UPLOAD: _upload_controls,
        }
        source = controls[kind]() or (last if last.kind != UPLOAD else DEFAULT)
    st.session_state[_LAST_KEY] = source
    _sync_link(source)
    return source


def placing_canvas(style: ChartStyle, *, key: str, on_click: Callable[[], None]) -> bool:
    """Until the placed points have two different x values, draw the canvas to click on
    instead of a run (with one x value there is no best line); say if drawn."""
    x, y = placed_points()
    if len(np.unique(x)) >= 2:
        return False
    if len(x) >= 2:
        message = (
            f"Every point you placed has x = {x[0]:g}: place one at another x. With a single "
            "x value there is no best line, since every line through the middle of the "
            "points fits them equally well."
        )
    else:
        message = (
            "Click on the chart to place points: a line needs at least two, at different x. "
            "Then gradient descent fits them, and every click trains again."
        )
    st.info(message, icon=":material/ads_click:")
    show_figure(
        canvas_figure(x, y, style=style),
        alt=f"An empty plot for placing points; {len(x)} placed so far.",
        filename="your-points",
        key=key,
        style=style,
        on_click=on_click,
    )
    return True
