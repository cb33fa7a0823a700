"""Keyboard shortcuts for a Plotly animation: Alt+P play/pause, Alt+, and Alt+. step.

A ``st.components.v2`` module (plain DOM in the app page, no iframe, nothing
drawn) that finds the graph div inside the element with the given ``key`` and
presses its Play/Pause buttons and its epoch slider for the keyboard user. It
works with ``st.plotly_chart`` and with :func:`live_plotly_chart` alike, since it
only uses the chart's DOM and the graph div's state.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.components import v2 as components_v2

__all__ = ["SHORTCUTS", "animation_shortcuts"]

#: What the keys do, for a caption or help text.
SHORTCUTS = {"Alt+P": "play / pause", "Alt+,": "previous frame", "Alt+.": "next frame"}

_JS = (Path(__file__).parent / "frontend" / "animation_keys.js").read_text(encoding="utf-8")
_mount = components_v2.component("live_chart.animation_keys", js=_JS)


def animation_shortcuts(target: str) -> None:
    """Let Alt+P, Alt+, and Alt+. drive the animation of the chart keyed ``target``.

    Keys typed into a text field are left alone. Call it once per run, next to
    the chart; it draws nothing.
    """
    _mount(key=f"{target}-keys", data={"target": target}, height=0)
