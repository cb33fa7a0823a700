"""Reading a link: the one place where a URL's query turns into the app's starting state.

Order: defaults, then the preset (``?preset=NAME``), then any control named in the
link. ``?mode=lecture`` turns on lecture mode; ``?hide=noise,seed`` or
``?noise_hide=true`` (as TensorFlow Playground spells it) hide controls, so a
teacher can hand out a focused link. Nothing here raises: every problem becomes
a notice for the page to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .params import PARAMS, _show, validate
from .presets import PRESETS

__all__ = ["GROUPS", "LinkState", "parse_query"]

#: Names that hide a whole group of controls.
GROUPS = ("data", "train", "view")
_OWN_KEYS = {"preset", "mode", "hide"}
_MAX_HIDE_NAMES = 50


@dataclass(frozen=True)
class LinkState:
    """What a link asks for, made valid."""

    values: dict[str, Any]
    hidden: frozenset[str]
    preset: str | None
    notices: tuple[str, ...]


def _truthy(text: str) -> bool:
    return text.strip().lower() in {"true", "1", "yes", "on"}


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
                f"Unknown preset {_show(name)}; the presets are " + ", ".join(PRESETS) + "."
            )
    mode = query.get("mode")
    if mode is not None:
        if mode == "lecture":
            raw["lecture"] = True
        else:
            notices.append(f"Unknown mode {_show(mode)}; the only mode is 'lecture'.")

    hidden: set[str] = set()
    wanted = [n.strip() for n in query.get("hide", "").split(",") if n.strip()]
    wanted += [
        k.removesuffix("_hide") for k, v in query.items() if k.endswith("_hide") and _truthy(str(v))
    ]
    for item in wanted[:_MAX_HIDE_NAMES]:
        if item in GROUPS:
            hidden.update(k for k, p in PARAMS.items() if p.group == item)
        elif item in PARAMS:
            hidden.add(item)
        else:
            notices.append(f"Cannot hide {_show(item)}: no control has that name.")

    unknown = [
        k for k in query if k not in PARAMS and k not in _OWN_KEYS and not k.endswith("_hide")
    ]
    if unknown:
        notices.append(
            "Ignored unknown link parameters: "
            + ", ".join(_show(k, 20) for k in unknown[:10])
            + (" …" if len(unknown) > 10 else "")
            + "."
        )
    raw.update({k: v for k, v in query.items() if k in PARAMS})
    values, value_notices = validate(raw)
    return LinkState(
        values=values,
        hidden=frozenset(hidden),
        preset=preset,
        notices=tuple(value_notices + notices),
    )
