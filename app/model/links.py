"""Links: the one place where a URL's query turns into the app's state, and back.

Reading a link: defaults, then the preset (``?preset=NAME``), then any control
named in the link, each cleaned against the control table
(:data:`app.model.params.PARAMS`): clamped, snapped or defaulted, with a notice.
``?mode=lecture`` turns on lecture mode; ``?hide=noise,seed`` or
``?noise_hide=true`` (as TensorFlow Playground spells it) hide controls, so a
teacher can hand out a focused link. Nothing here raises: every problem becomes
a notice for the page to show.

Writing a link: :func:`share_query` keeps only what differs from the defaults.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .params import FULL, PARAMS, Param, canonical, defaults
from .presets import PRESETS

__all__ = [
    "GROUPS",
    "TRUE_WORDS",
    "LinkState",
    "address_changes",
    "asks_for_lecture",
    "clean",
    "parse_query",
    "share_query",
    "show",
    "validate",
    "whole",
]

#: Names that hide a whole group of controls.
GROUPS = ("data", "train", "method", "view")
#: Words a link may use for true and for false (any case).
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})
#: Keys read elsewhere: the data's source (``dataset``, ``points``) in ``app.model.sources``.
_OWN_KEYS = {"preset", "mode", "hide", "dataset", "points"}
_MAX_HIDE_NAMES = 50


def whole(value: float) -> int:
    """Round half up, as the seed's "%.0f" display in the browser does (5.5 -> 6)."""
    return math.floor(value + 0.5)


def show(value: Any, limit: int = 40) -> str:
    """A value from a link, quoted, cut short, and as a Markdown code span, for a notice.

    Notices are shown as Markdown: inside a code span a link's text can never become a
    link, an image, a bare-URL autolink, a colour or a formula on the page.
    """
    text = str(value)
    shown = repr(text if len(text) <= limit else text[:limit] + "…")  # quotes; no newlines
    fence = "`" * (max(map(len, re.findall("`+", shown)), default=0) + 1)
    return f"{fence}{shown}{fence}"


def _to_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _clean_bool(param: Param, value: Any) -> tuple[bool, str | None]:
    if isinstance(value, bool):
        return value, None
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True, None
    if text in FALSE_WORDS:
        return False, None
    return param.default, f"{param.label}: {show(value)} is not true/false, using {param.default}"


def _nearest_option(param: Param, number: float) -> float:
    """The offered number closest to ``number`` (on a log scale when all of them are positive)."""
    numbers = [o for o in param.options if not isinstance(o, str)]
    log = number > 0 and min(numbers) > 0  # β's options start at 0: on a plain scale
    return min(
        numbers,
        key=lambda o: abs(math.log(o) - math.log(number)) if log else abs(o - number),
    )


def _default_text(param: Param) -> str:
    return "the optimizer's own default" if param.default is None else str(param.default)


def _choice(param: Param, value: Any) -> str | None:
    """The option ``value`` names, by its name ("momentum") or its shown text ("Momentum",
    as the address bar has it), in any case; None if it names none."""
    if value in param.options:
        return value
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold()
    for option in param.options:
        if wanted in (option.casefold(), param.show(option).casefold()):
            return option
    return None


def clean(param: Param, value: Any) -> tuple[Any, str | None]:
    """Return ``(valid value, notice or None)``: clamp, snap or fall back to the default."""
    if isinstance(param.default, bool):
        return _clean_bool(param, value)
    if param.is_choice:
        choice = _choice(param, value)
        if choice is not None:
            return choice, None
        default = param.show(param.default)
        return param.default, f"{param.label}: unknown choice {show(value)}, using {default}"
    is_full = isinstance(value, str) and value.strip().lower() == FULL
    if is_full and param.options is not None and FULL in param.options:  # the batch size
        return FULL, None
    number = _to_number(value)
    if number is None:
        default = _default_text(param)
        return param.default, f"{param.label}: {show(value)} is not a number, using {default}"
    if param.options is not None:  # numeric choice: snap to the nearest option
        nearest = _nearest_option(param, number)
        if nearest == number:
            return nearest, None
        return nearest, f"{param.label}: {show(value)} is not offered, using {nearest}"
    clamped = min(max(number, param.lo), param.hi)
    if param.integer:
        # As the widget will read a link's "4.7" (the link's value wins over session
        # state on the first run): Streamlit's int widgets truncate; a float widget
        # shows it rounded half up, and its value is rounded the same way.
        clamped = whole(clamped) if param.float_widget else int(clamped)
    # A float between slider steps is kept as it is: Streamlit's slider takes an
    # in-range URL value unchanged on the first run, so snapping here would disagree.
    if clamped != number:
        why = (
            f"is outside {param.lo}…{param.hi}"
            if not param.lo <= number <= param.hi
            else "is not a whole number"
        )
        return clamped, f"{param.label}: {show(value)} {why}, using {clamped}"
    return clamped, None


def validate(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Turn untrusted values (a URL's query, a preset) into valid ones.

    Unknown keys are ignored here (other layers own them); missing keys take their
    default. Nothing here raises: every problem becomes a notice.

    Returns
    -------
    values : dict
        A valid value for every key of :data:`PARAMS`.
    notices : list of str
        One plain sentence per value that was changed or ignored.
    """
    values, notices = defaults(), []
    for key, value in raw.items():
        param = PARAMS.get(key)
        if param is None:
            continue
        values[key], notice = clean(param, value)
        if notice:
            notices.append(notice)
    return values, notices


def _link_text(param: Param, value: Any) -> str:
    """A value as a link writes it: true/false, whole numbers without ".0", and a choice
    as its widget shows it ("Momentum"): Streamlit's widgets bound to the address write the
    option's shown text there, and read only that back."""
    if param.options is not None:
        return param.show(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) or abs(value) >= 1e16 else str(int(value))
    return str(value)


def share_query(values: Mapping[str, Any]) -> dict[str, str]:
    """The query parameters that reproduce ``values``: every control not at its default.

    β and β2 are left out where the optimizer ignores them, and β2 at the optimizer's
    own default too (see :func:`~app.model.params.canonical`).
    """
    query = {}
    values = canonical(values)
    for key, param in PARAMS.items():
        value = values.get(key, param.default)
        if value != param.default:
            query[key] = _link_text(param, value)
    return query


def address_changes(query: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, str | None]:
    """What the address ``query`` must say differently to give the run ``values``, as
    :func:`share_query` writes it: name -> the text to write, or None to leave it out.

    >>> address_changes({"lr": "0.05", "epochs": "300"}, {"lr": 0.05})
    {'epochs': None}
    >>> address_changes({}, {"optimizer": "adam", "lr": 0.2})
    {'lr': '0.2', 'optimizer': 'Adam'}
    """
    wanted = share_query(defaults() | dict(values))
    return {key: wanted.get(key) for key in PARAMS if query.get(key) != wanted.get(key)}


@dataclass(frozen=True)
class LinkState:
    """What a link asks for, made valid."""

    values: dict[str, Any]
    hidden: frozenset[str]
    preset: str | None
    notices: tuple[str, ...]
    #: What the address should say instead (see :func:`_corrected`): name -> the text to
    #: write, or None to leave the name out.
    corrected: dict[str, str | None] = field(default_factory=dict)


def asks_for_lecture(query: Mapping[str, str]) -> bool:
    """Whether a link opens lecture mode: ``?mode=lecture``, or ``?lecture=true`` (how the
    page writes it back, see :func:`_corrected`)."""
    if "lecture" in query:  # as parse_query reads it: the control wins over the mode
        return _clean_bool(PARAMS["lecture"], query["lecture"])[0]
    return query.get("mode") == "lecture"


def _hidden(query: Mapping[str, str], notices: list[str]) -> frozenset[str]:
    wanted = [n.strip() for n in query.get("hide", "").split(",") if n.strip()]
    wanted += [
        k.removesuffix("_hide")
        for k, v in query.items()
        if k.endswith("_hide") and str(v).strip().lower() in TRUE_WORDS
    ]
    hidden: set[str] = set()
    for item in wanted[:_MAX_HIDE_NAMES]:
        if item in GROUPS:
            hidden.update(k for k, p in PARAMS.items() if p.group == item)
        elif item in PARAMS:
            hidden.add(item)
        else:
            notices.append(f"Cannot hide {show(item)}: no control has that name.")
    return frozenset(hidden)


def parse_query(query: Mapping[str, str]) -> LinkState:
    """Turn a link's query (name -> last value) into a valid starting state."""
    notices: list[str] = []
    raw: dict[str, Any] = {}
    preset = None
    name = query.get("preset")
    if name is not None:
        if name in PRESETS:
            preset = name
            raw.update(PRESETS[name].values)
        else:
            notices.append(
                f"Unknown preset {show(name)}; the presets are " + ", ".join(PRESETS) + "."
            )
    mode = query.get("mode")
    if mode is not None:
        if mode == "lecture":
            raw["lecture"] = True
        else:
            notices.append(f"Unknown mode {show(mode)}; the only mode is 'lecture'.")
    hidden = _hidden(query, notices)
    unknown = [
        k for k in query if k not in PARAMS and k not in _OWN_KEYS and not k.endswith("_hide")
    ]
    if unknown:
        notices.append(
            "Ignored unknown link parameters: "
            + ", ".join(show(k, 20) for k in unknown[:10])
            + (" …" if len(unknown) > 10 else "")
            + "."
        )
    raw.update({k: v for k, v in query.items() if k in PARAMS})
    values, value_notices = validate(raw)
    return LinkState(
        values=values,
        hidden=hidden,
        preset=preset,
        notices=tuple(value_notices + notices),
        corrected=_corrected(query, values, preset),
    )


def _corrected(
    query: Mapping[str, str], values: Mapping[str, Any], preset: str | None
) -> dict[str, str | None]:
    """What the address should say instead of what the link said: name -> the text to
    write, or None to leave the name out.

    A control's value as :func:`share_query` writes it, where the link said it another way
    or the value had to be corrected. A preset is written out as its values, and its name
    left out: the controls are bound to the address, which leaves out a control at its
    default, so ``?preset=diverges`` with the learning rate moved back to 0.01 would
    otherwise read as the preset's 0.5 again. ``?mode=lecture`` becomes ``?lecture=true``
    for the same reason: lecture mode switched off would come back on a reload.
    """
    keys = [k for k in query if k in PARAMS]
    corrected: dict[str, str | None] = {}
    if "preset" in query:  # unknown or written out
        corrected["preset"] = None
    if preset is not None:
        keys += [k for k in PRESETS[preset].values if k not in query]
    if "mode" in query:  # unknown, or ?mode=lecture written as the control it turns on
        corrected["mode"] = None
        if query["mode"] == "lecture" and "lecture" not in keys:
            keys.append("lecture")
    for key in keys:
        value = values[key]
        text = None if value == PARAMS[key].default else _link_text(PARAMS[key], value)
        if text != query.get(key):
            corrected[key] = text
    return corrected
