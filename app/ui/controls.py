"""The controls: one widget per entry of the PARAMS table, mirrored into the URL.

:func:`sidebar` draws the sidebar and returns the user's inputs as two frozen records,
the run (:class:`~app.model.settings.Settings`) and the view (:class:`~app.model.settings.View`).
The training controls are not in it but in lecture mode: :func:`training_controls` draws
them beside the chart.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import nullcontext, suppress
from dataclasses import replace
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from linreg_core import DEFAULT_BETA2

from ..model.links import LinkState, address_changes, asks_for_lecture, parse_query, whole
from ..model.params import PARAMS, Param, applies, defaults, group_keys
from ..model.presets import PRESETS, holds
from ..model.settings import Settings, View, split
from ..model.sources import SYNTHETIC
from .data_source import KIND_KEY, data_source, reset_source

__all__ = [
    "PRESET_KEY",
    "RESET_SHORTCUT",
    "init_state",
    "lecture_link",
    "note_page",
    "sidebar",
    "training_controls",
    "training_in_sidebar",
    "widget",
]

#: The control groups: group -> (heading, title of its less-used controls). Those are in
#: an expander drawn only while open: a closed one's widgets cost a rerun nothing, and
#: their values stay (``persist_state``, and the link).
SECTIONS = {
    "data": ("Data", "Seed and x range"),
    "train": ("Training", "Starting point"),
    "method": ("Method", "Batch size and feature scaling"),
    "view": ("View", "Least-squares line, log scale, speed, lecture mode"),
}
#: The group drawn beside the chart by :func:`training_controls`; the sidebar has the others.
TRAINING = "train"

_LINK_KEY = "_link_state"
#: The controls whose link value was corrected and whose widget has not been drawn yet.
_UNBOUND_KEY = "_link_corrected"
#: Those drawn unbound once, whose next drawing binds them.
_REBIND_KEY = "_link_rebind"
PRESET_KEY = "preset_choice"
#: The page this full run draws, and the one the run before it drew (see :func:`note_page`).
_PAGE_KEY = "_page"
_LAST_PAGE_KEY = "_last_page"
#: The Reset button's key combination. Not Alt+D: Chrome, Edge and Firefox on Windows and
#: Linux take it for the address bar. Not Alt+R: Streamlit refuses R (reload).
RESET_SHORTCUT = "Alt+Z"


def init_state() -> LinkState:
    """On a session's first run, take the link's values (validated) as the starting state.

    Returns what the link asked for: its hidden controls, its preset and the
    notices about values that were clamped, snapped or ignored.
    """
    if _LINK_KEY not in st.session_state:
        link = parse_query(st.query_params.to_dict())
        for key, value in link.values.items():
            # A float widget's state is a float from the start: set again on a later run,
            # it would count as a change and write itself into the URL.
            st.session_state.setdefault(key, float(value) if PARAMS[key].float_widget else value)
        st.session_state[PRESET_KEY] = link.preset
        st.session_state[_LINK_KEY] = link
        _correct_the_address(link.corrected)
    elif _came_from_another_page():
        _correct_the_address(_lost_from_the_address())
    return st.session_state[_LINK_KEY]


def note_page(name: str) -> None:
    """Remember which page this full run draws (the entry calls it on every page)."""
    st.session_state[_LAST_PAGE_KEY] = st.session_state.get(_PAGE_KEY)
    st.session_state[_PAGE_KEY] = name


def _came_from_another_page() -> bool:
    last = st.session_state.get(_LAST_PAGE_KEY)
    return last is not None and last != st.session_state.get(_PAGE_KEY)


def _lost_from_the_address() -> dict[str, str | None]:
    """The controls' values that the address no longer says, as :func:`_corrected` words them.

    Leaving the page, Streamlit takes its bound widgets' values out of the address of the
    history entry it leaves, so the browser's Back button comes back to a bare address,
    whose missing values Streamlit then reads as the widgets' defaults: the learner's run
    would be lost. The session still holds it; this puts it back in the address.
    """
    return address_changes(st.query_params, _control_values())


def _control_values() -> dict[str, Any]:
    """The controls' values in session state (a control not there yet is at its default)."""
    state = st.session_state
    return {k: state[k] for k in PARAMS if k in state}


def lecture_link() -> bool:
    """Whether the page's link asks for lecture mode (the page opens with the sidebar
    closed then: at a projector the chart needs the width)."""
    return asks_for_lecture(st.query_params)  # read in place: the entry runs on every rerun


def _correct_the_address(corrected: dict[str, str | None]) -> None:
    """Make the address bar say the values the page uses, so that a reload or a copied
    address gives the same run.

    Streamlit drops a bound widget's URL value that it cannot use (``?lr=0.9`` between
    the offered rates, ``?epochs=-5``) and never writes the value the page uses instead;
    a widget not drawn yet (a closed section's) is not bound, and its value stays as
    typed. So the corrected values are written here, and each of those widgets is drawn
    unbound the first time (:func:`_bind`).
    """
    for key, text in corrected.items():
        if text is None:
            del st.query_params[key]
        else:
            st.query_params[key] = text
    st.session_state[_UNBOUND_KEY] = set(corrected)
    st.session_state[_REBIND_KEY] = set()


def _bind(key: str) -> bool:
    """Whether a control's widget is bound to the address on this run.

    Not the first time a corrected control is drawn (see :func:`_correct_the_address`):
    bound, Streamlit would drop the address's value again. The next time it is bound,
    and its value is set again from code first: the browser did not know the widget was
    bound when the learner moved it, so Streamlit writes that move into the address
    only for a value set from code.
    """
    unbound = st.session_state.get(_UNBOUND_KEY, set())
    rebind = st.session_state.get(_REBIND_KEY, set())
    if key in unbound:
        unbound.discard(key)
        rebind.add(key)
        return False
    if key in rebind:
        rebind.discard(key)
        st.session_state[key] = st.session_state[key]
    return True


def _apply_preset() -> None:
    name = st.session_state[PRESET_KEY]
    if name is None:
        return
    values = defaults() | PRESETS[name].values
    reset_source()  # every scenario is about the synthetic data its values describe
    for key, param in PARAMS.items():
        if param.group != "view":  # a preset sets the run, not the viewer's display choices
            st.session_state[key] = values[key]


def _preset_picker() -> str | None:
    """A scenario menu; picking one sets every run control at once.

    A popover of radio buttons rather than a select box: the page's first load then needs
    none of the select box's code (141 KB as Streamlit sends it, README: Performance), and
    the list shows every scenario at once.

    A scenario whose run the learner has since changed (a run control moved, their own
    data) is let go of: its caption would describe a run that is not on screen, and the
    menu could not set it again.
    """
    name = st.session_state.get(PRESET_KEY)
    if name in PRESETS and not _still_holds(name):
        name = st.session_state[PRESET_KEY] = None
    label = f"Scenario: {PRESETS[name].title}" if name in PRESETS else "Choose a teaching scenario"
    with st.popover(
        label,
        icon=":material/school:",
        width="stretch",
        help="Ready-made runs that each show one idea. Also opened by ?preset=NAME in a link.",
    ):
        name = st.radio(
            "Scenario",
            list(PRESETS),
            index=None,
            format_func=lambda n: PRESETS[n].title,
            key=PRESET_KEY,
            on_change=_apply_preset,
        )
    if name is not None:
        st.caption(PRESETS[name].shows)
    return name


def _still_holds(name: str) -> bool:
    own_data = st.session_state.get(KIND_KEY, SYNTHETIC) != SYNTHETIC
    return not own_data and holds(name, _control_values())


def _reset() -> None:
    for key, value in defaults().items():
        if PARAMS[key].group != "view":
            st.session_state[key] = value
            _leave_out_of_the_address(key)
    st.session_state[PRESET_KEY] = None
    reset_source()


def _leave_out_of_the_address(key: str) -> None:
    """Take a control back at its default out of the address, where its widget is not
    bound to it (a closed section's, never drawn since the link opened): Streamlit leaves a
    bound widget at its default out itself, and refuses to let the app touch its value."""
    if key in st.query_params:
        with suppress(StreamlitAPIException):  # raised where it is bound
            del st.query_params[key]


def _reset_button() -> None:
    st.button(
        "Reset",
        key="reset",
        on_click=_reset,
        width="stretch",
        shortcut=RESET_SHORTCUT,
        help=f"Every data and training control back to the notebook's settings ({RESET_SHORTCUT}).",
    )


def widget(
    param: Param,
    *,
    disabled: bool = False,
    on_change: Callable[[], None] | None = None,
    default: Any = None,
) -> Any:
    """Draw the widget for one parameter (its value lives in session state under its key).

    The parameter's default is the widget's too (or ``default``, where the default depends
    on another control), so a control at its default is left out of the link, and a reset
    to the defaults leaves the plain address.
    """
    if default is None:
        default = param.default
    bound = _bind(param.key)
    common = {
        "key": param.key,
        "help": param.help,
        "bind": "query-params" if bound else None,
        "persist_state": "session",  # kept while its section is closed or it does not apply
        "disabled": disabled,
        "on_change": on_change,
    }
    if isinstance(param.default, bool):
        return st.toggle(param.label, param.default, **common)
    if param.is_choice:
        return st.radio(
            param.label,
            param.options,
            param.options.index(param.default),
            horizontal=True,
            format_func=param.show,
            **common,
        )
    if param.options is not None:
        return st.select_slider(
            param.label, param.options, default, format_func=param.show, **common
        )
    if param.float_widget:
        # Shown as a whole number with "%.0f" ("%d" makes Streamlit log a warning on every
        # run). Its float path rejects ?seed=inf and falls back to the state set here.
        if not isinstance(st.session_state[param.key], float):
            st.session_state[param.key] = float(st.session_state[param.key])
        value = st.number_input(
            param.label,
            float(param.lo),
            float(param.hi),
            float(param.default),
            step=1.0,
            format="%.0f",
            **common,
        )
        return whole(value)
    if param.integer:
        return st.slider(
            param.label,
            int(param.lo),
            int(param.hi),
            int(param.default),
            step=int(param.step or 1),
            **common,
        )
    return st.slider(
        param.label,
        float(param.lo),
        float(param.hi),
        float(param.default),
        step=param.step,
        **common,
    )


def _new_seed() -> None:
    st.session_state["seed"] = float(secrets.randbelow(int(PARAMS["seed"].hi) + 1))


def _beta2_follows_the_optimizer() -> None:
    """β2 left at one optimizer's default moves to the next one's (0.99 RMSProp, 0.999 Adam)."""
    if st.session_state.get("beta2") in DEFAULT_BETA2.values():
        st.session_state["beta2"] = None


#: Controls that change others when they change.
_ON_CHANGE = {"optimizer": _beta2_follows_the_optimizer}


def _draw(param: Param, optimizer: str) -> Any:
    default = None
    if param.key == "beta2":  # the optimizer's own, left out of the address as links do
        default = DEFAULT_BETA2[optimizer]
        if st.session_state[param.key] is None:
            st.session_state[param.key] = default
    value = widget(param, on_change=_ON_CHANGE.get(param.key), default=default)
    if param.key == "seed":
        st.button(
            "New data",
            key="new_data",
            on_click=_new_seed,
            help="Draw a fresh sample: a new seed.",
            width="stretch",
        )
    return value


def _render_group(
    group: str,
    *,
    hidden: frozenset[str] = frozenset(),
    header: bool = True,
    more_in: Any = None,
) -> dict[str, Any]:
    """Draw the widgets of one group (data, train, method or view); return their values.

    With ``more_in`` (a container, or a function called once the group's main widgets are
    drawn that returns one), the section of the less-used ones is drawn there.

    Hidden parameters, β and β2 where the optimizer ignores them, and the group's
    less-used controls while their section is closed keep their value but draw no widget.
    """
    keys = group_keys(group)
    optimizer = st.session_state.get("optimizer", PARAMS["optimizer"].default)
    values = {key: st.session_state[key] for key in keys}
    heading, more_title = SECTIONS[group]
    shown = [k for k in keys if k not in hidden and applies(k, optimizer)]
    main = [k for k in shown if not PARAMS[k].more]
    more = [k for k in shown if PARAMS[k].more]
    if main and header:
        st.header(heading, anchor=False)  # no link icon: a sidebar heading is no target
    for key in main:
        values[key] = _draw(PARAMS[key], optimizer)
    if callable(more_in):  # made now, under the widgets drawn so far
        more_in = more_in()
    if more:
        with more_in or nullcontext():
            section = st.expander(more_title, key=f"more_{group}", on_change="rerun")
        if section.open:
            with section:
                for key in more:
                    values[key] = _draw(PARAMS[key], optimizer)
    return values


def sidebar(link: LinkState) -> tuple[Settings, View]:
    """Draw the sidebar (scenarios, reset, every visible control); return the run and the view.

    The training controls (learning rate, epochs, starting point) are drawn here only in
    lecture mode, where the chart needs the projector's whole screen. Otherwise their
    widgets are beside the chart (:func:`training_controls`), and here their values are the
    ones in session state.
    """
    values: dict[str, Any] = {}
    hidden = link.hidden
    if not training_in_sidebar(st.session_state["lecture"]):
        hidden |= frozenset(group_keys(TRAINING))  # drawn by training_controls
    with st.sidebar:
        _preset_picker()
        _reset_button()
        for group in SECTIONS:
            header = group != "data"
            if group == "data":  # where the points come from; the synthetic controls need it
                all_hidden = all(k in link.hidden for k in group_keys("data"))
                if not all_hidden:
                    st.header(SECTIONS["data"][0], anchor=False)
                source = data_source(hidden=all_hidden)
                if not source.synthetic:
                    hidden = hidden | frozenset(group_keys("data"))
            values |= _render_group(group, hidden=hidden, header=header)
    return split(values, source)


def training_in_sidebar(lecture: bool) -> bool:
    """Whether the training controls are in the sidebar: in lecture mode only, since above
    the chart they would push its bottom row off a 1280 x 720 projector's screen."""
    return lecture


def training_controls(
    settings: Settings, hidden: frozenset[str], *, sliders: Any, more: Any
) -> Settings:
    """Draw the training controls, the learning rate and the epochs in ``sliders`` and the
    section of the starting point in ``more`` (two containers, the caller chooses where
    they stand; ``more`` may be a function that makes its container under the sliders,
    called once they are drawn); return the run with their values.

    They are not in the sidebar: the learning rate is the control a lesson turns most,
    and beside the chart it is beside its effect, also on a phone, where the sidebar is a
    menu that covers the chart. The playground draws them and the run in one fragment, so
    that a move reruns only that part of the page.
    """
    with sliders:
        values = _render_group(TRAINING, hidden=hidden, header=False, more_in=more)
    return replace(settings, **values)
