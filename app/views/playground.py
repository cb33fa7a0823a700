"""The playground: sliders drive one animated view of the lines, loss, parameters and landscape."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

import streamlit as st

from ..charts import frame_epochs
from ..model.compute import Run
from ..model.export import data_csv, data_filename, history_csv, reproduce_script
from ..model.links import share_query
from ..model.method_text import method_label
from ..model.numbers import number_text
from ..model.settings import Settings, View
from ..model.sources import POINTS, UPLOAD, source_query
from ..model.text import (
    intro_text,
    lr_limit_caption,
    ravine_hint,
    result_table,
    status_message,
)
from ..ui.cache import cached_playground_figure, cached_run
from ..ui.chart import apply_lecture_css, chart_style, show_figure
from ..ui.controls import (
    RESET_SHORTCUT,
    init_state,
    sidebar,
    training_controls,
    training_in_sidebar,
)
from ..ui.data_source import on_chart_click, placing_canvas, source_notices
from ..ui.inspector import step_inspector
from ..ui.outlier import outlier_experiment
from ..ui.page_css import apply_playground_css
from ..ui.page_rerun import clear_page_request, rerun_page_if_asked
from ..ui.race import race
from .class_run import send_to_class

_CHART_KEY = "playground_chart"
#: The sections under the chart: name -> (its toggle's label, its heading). One row of
#: toggles instead of five expanders: a closed section costs a slider move nothing either
#: way, but every element on the page is drawn again on each rerun, and this is one
#: element instead of five (a press settled about 5 ms sooner).
SECTIONS = {
    "table": ("Table of the run", "The run as a table (a text alternative to the chart)"),
    "inspect": (
        "Step inspector",
        "Step inspector: one epoch's forward pass, loss, gradient and update",
    ),
    "race": ("Learning-rate race", "Learning-rate race: several rates on this data"),
    "outlier": ("Outlier experiment", "Experiment: one point far away (predict first)"),
    "share": ("Share & export", "Share & export: link to this run, CSV, Python script"),
}
#: Session-state key of the open sections (a list of their names).
SECTIONS_KEY = "sections"
#: The page's keyboard keys, listed under the chart (after the player's own).
KEYS = {
    RESET_SHORTCUT: "reset",
    "Tab": "next control (the arrow keys move a slider)",
}
_STATUS = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}


def playground() -> None:
    clear_page_request()
    link = init_state()
    if not st.session_state["lecture"]:
        apply_playground_css()  # first: styles that arrive later move the page as it loads
    settings, view = sidebar(link)
    if view.lecture:
        apply_lecture_css()  # and no title: at a projector the chart needs the screen
    _link_notices(link.notices + source_notices())
    # A click on the chart places a point, which changes the data that the sidebar's part
    # of the script reads; in lecture mode the training controls are in the sidebar. Either
    # way a move needs the whole page, so the run is no fragment.
    if settings.source.kind == POINTS or training_in_sidebar(view.lecture):
        _training_and_run(settings, view, link.hidden)
    else:
        _training_and_run_fragment(settings, view, link.hidden)


#: The widths of the column of controls and of the chart beside it (a phone stacks them).
COLUMNS = (1, 3.7)


def _training_and_run(settings: Settings, view: View, hidden: frozenset[str]) -> None:
    """The training controls (unless they are in the sidebar), the run and everything
    drawn from it.

    On a laptop everything the learner turns and reads while moving the learning rate is
    on one screen: the title, the learning rate, the epochs and the status in a narrow
    column, and beside it the chart's four panels and its player from the top of the page.
    The starting point and the stability caption are under the status, the results table
    and the intro under both. At a projector (lecture mode) the controls are in the sidebar
    and the chart has the page's width.
    """
    rerun_page_if_asked()
    placing = settings.source.kind == POINTS
    in_sidebar = training_in_sidebar(view.lecture)
    if in_sidebar:
        notes, chart_place = st.sidebar, st.container()
        status_place = chart_place
    else:
        side, chart_place = st.columns(COLUMNS, gap="small")
        with side:
            st.title("Gradient descent, step by step")
        # The sliders go straight into the column (a container of their own was one
        # message more per run, with the same look). The status and the notes stand under
        # them but are drawn after the run, so they are a container each, made once the
        # sliders are drawn; the starting point's section goes into the notes.
        places: list = []

        def under_the_sliders():  # called in the column, once the sliders are drawn
            places.extend((st.container(), st.container()))
            return places[1]

        settings = training_controls(settings, hidden, sliders=side, more=under_the_sliders)
        status_place, notes = places
    style = chart_style(view.lecture)
    on_click = (lambda: on_chart_click(_CHART_KEY)) if placing else None
    with chart_place:
        if placing and placing_canvas(style, key=_CHART_KEY, on_click=on_click):
            return  # fewer than two points: nothing to fit yet

    run = cached_run(settings)
    kind, message = status_message(run)
    with status_place:
        _STATUS[kind](message)
    # Under the starting point, or at the foot of the sidebar.
    notes.caption(lr_limit_caption(run))
    with notes:
        send_to_class(run.settings)  # only for a session teaching a live class
    if hint := ravine_hint(run):
        notes.info(hint, icon=":material/straighten:")

    with chart_place:
        show_figure(
            cached_playground_figure(settings, style, view),
            alt=_chart_alt(run, message),
            filename=_filename(settings),
            key=_CHART_KEY,
            style=style,
            on_click=on_click,
            # Listed under the player by the chart: one Streamlit element fewer per move.
            keys=KEYS,
        )
    if not view.lecture:
        # Under the chart and its column, the page's width: on a laptop the panels need
        # the top of the screen, and here the chart's drawing (when plotly.js has loaded)
        # does not push them down. At a projector the chart has the screen, and the
        # player's label has the numbers.
        st.markdown(_table_markdown(result_table(run)))
        st.caption(intro_text(hidden))
    _explore_further(run, style, view, hidden)


def _explore_further(run: Run, style, view: View, hidden: frozenset[str]) -> None:
    """The row of toggles under the chart, and the sections that are open."""
    draw = {
        "table": lambda: _epoch_table(run),
        "inspect": lambda: step_inspector(run),
        "race": lambda: race(run, style),
        "outlier": lambda: outlier_experiment(run.settings),
        "share": lambda: _share_and_export(run, view, hidden),
    }
    chosen = st.pills(
        "Explore further",
        list(SECTIONS),
        format_func=lambda key: SECTIONS[key][0],
        selection_mode="multi",
        key=SECTIONS_KEY,
        help="Each one opens below; several can be open at once.",
    )
    for key, (_, heading) in SECTIONS.items():
        if key in chosen:
            st.subheader(heading)
            draw[key]()


def _table_markdown(table: dict[str, list]) -> str:
    """The run's table (:func:`~app.model.text.result_table`) as a Markdown table: one
    element, drawn with the page's first run, before plotly.js has loaded."""
    lines = [
        "| " + " | ".join(table["columns"]) + " |",
        "|" + "---|" + "--:|" * (len(table["columns"]) - 1),
        *("| " + " | ".join(row) + " |" for row in table["rows"]),
    ]
    return "\n".join(lines)


#: The same as a fragment: a move of a training control, or of anything under the chart,
#: reruns this part of the page alone, not the sidebar (with the keys listed by the chart,
#: a learning-rate key press settled about 6 ms sooner; see the README's Performance).
_training_and_run_fragment = st.fragment(_training_and_run)


def _link_notices(notices: tuple[str, ...]) -> None:
    if notices:
        st.warning(
            "Some parts of the link could not be used as they were:\n\n"
            + "\n".join(f"- {n}" for n in notices)
        )


def _epoch_table(run: Run) -> None:
    h = run.history
    k = frame_epochs(h.epochs_run, 50)
    st.dataframe(
        {"epoch": k, "w": h.w[k], "b": h.b[k], "loss": h.loss[k]},
        hide_index=True,
        width="stretch",
        height=260,
    )
    st.caption(
        f"{len(k)} of {h.epochs_run + 1} epochs shown, evenly spaced; the full history "
        "is in Share & export."
    )


def _share_and_export(run: Run, view: View, hidden: frozenset[str]) -> None:
    query = share_query(asdict(run.settings) | asdict(view)) | source_query(run.settings.source)
    if hidden:
        query["hide"] = ",".join(sorted(hidden))
    base = st.context.url or ""
    link = base + ("?" + urlencode(query) if query else "")
    st.markdown(
        "**Link to this run** — opening it reproduces exactly what you see "
        "(copy with the button on the right):"
    )
    st.code(link, language=None, wrap_lines=True)
    if run.settings.source.kind == UPLOAD:
        st.caption(
            "Uploaded data is not stored and is not in this link: it opens with the "
            "synthetic data. Share the Data set CSV below with it."
        )
    st.caption(
        "Teachers: add `hide=noise,seed` (or `noise_hide=true`) to hide controls, "
        "`preset=NAME` for a scenario, `mode=lecture` for large text."
    )
    s = run.settings
    stem = _filename(s)
    # The files are made now, while this section is open, not on click: Streamlit 1.67 files
    # a deferred download under no session, and two reruns of other sessions in between
    # delete it, so under classroom load a click could get a 404 (seen in the load test).
    downloads = (
        (
            "Training history (CSV)",
            history_csv(run),
            f"{stem}_history.csv",
            "text/csv",
            "dl_history",
        ),
        (
            "Data set (CSV)",
            data_csv(run),
            data_filename(s),
            "text/csv",
            "dl_data",
        ),
        (
            "Python script (NumPy only)",
            reproduce_script(s, run),
            f"{stem}.py",
            "text/x-python",
            "dl_script",
        ),
    )
    for column, (label, make, name, mime, key) in zip(st.columns(3), downloads, strict=True):
        column.download_button(label, make, name, mime, width="stretch", key=key)
    st.caption("The chart's camera icon saves a PNG named after the run.")


def _chart_alt(run: Run, status: str) -> str:
    h = run.history
    return (
        f"Four linked charts of {method_label(h.optimizer).lower()} over {h.epochs_run} "
        f"epochs at learning "
        f"rate {h.lr:g}: the data with the true, least-squares and fitted lines; the loss "
        f"per epoch; w and b per epoch; and the path over the loss landscape. {status} "
        f"Final w = {number_text(h.w[-1])}, b = {number_text(h.b[-1])}, "
        f"loss = {number_text(h.final_loss)}."
    )


def _filename(s: Settings) -> str:
    data = (
        f"seed{s.seed}"
        if s.source.synthetic
        else s.source.name
        if s.source.kind == "dataset"
        else s.source.kind
    )
    method = "" if s.optimizer == "gd" else f"_{s.optimizer}"
    method += "" if s.batch_size is None else f"_batch{s.batch_size}"
    method += "_standardized" if s.standardize else ""
    return f"gradient-descent_lr{s.lr:g}_epochs{s.epochs}_{data}{method}"
