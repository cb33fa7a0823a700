"""The live class's Streamlit side: one store per process, the shared version read, the QR.

The engine and its :class:`~app.storage.store.ClassStore` are one ``st.cache_resource``
per process; the database URL comes from the environment (``LINREG_CLASS_DB``), else
``class_db`` in ``secrets.toml``, else the default SQLite file. What every student's page
reads (:func:`board`, the class, the question, the challenge) is shared by every session of
the process for half a second. Students' pages do not poll it: the process's class waker
(:mod:`app.ui.class_wake`) reads each followed board afresh every quarter second and wakes the
phones whose board changed. Every write through the store clears the shared reads and pokes
the waker (:func:`changed`, the store's ``on_write``), so this process's phones hear of it
at once; other replicas' wakers see it within a quarter of a second.
"""

from __future__ import annotations

import os
import re
import threading
import time

import segno
import streamlit as st

from ..storage.engine import make_engine
from ..storage.records import Asked, ClassInfo
from ..storage.store import ClassStore

__all__ = [
    "WRITTEN",
    "board",
    "changed",
    "class_store",
    "class_version",
    "plain",
    "qr_svg",
    "read_board",
    "refresh",
    "shared_challenge",
    "shared_class",
    "shared_question",
]


def _url() -> str | None:
    url = os.environ.get("LINREG_CLASS_DB")
    if url:
        return url
    try:
        return st.secrets.get("class_db")
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return None


@st.cache_resource(show_spinner=False)
def class_store() -> ClassStore:
    """The process's ClassStore (its engine pools connections for every session)."""
    return ClassStore(make_engine(_url()), on_write=changed)


@st.cache_resource(ttl=1, show_spinner=False, max_entries=1000)
def class_version(class_id: int) -> int:
    """The class's version, shared by the process's sessions for a second (0 when ended)."""
    return class_store().version(class_id)


#: How long a shared read lives: pages that redraw together (150 phones woken by an Ask)
#: make one read of each, not 150.
BOARD_TTL_S = 0.5

#: Set after every write of this process (:func:`changed`): the class waker sweeps at once.
WRITTEN = threading.Event()


def read_board(class_id: int) -> tuple[bool, int, int, str, float | None]:
    """What a student's screen depends on, read now: whether the class is live, the question
    on the board (id, round, state; 0, 0, "" when none), and when the challenge was set
    (None when there is none)."""
    store = class_store()
    if store.version(class_id) == 0:
        return (False, 0, 0, "", None)
    q = store.current(class_id)
    on_board = (True, 0, 0, "") if q is None else (True, q.question_id, q.round, q.state)
    return (*on_board, store.challenge_set_at(class_id))


# cache_resource, not cache_data: every session gets the same immutable tuple, without a
# pickled copy on each of the 75 looks a second of an idle class of 150.
@st.cache_resource(ttl=BOARD_TTL_S, show_spinner=False, max_entries=1000)
def board(class_id: int) -> tuple[bool, int, int, str, float | None]:
    """:func:`read_board`, shared by the process's sessions for half a second."""
    return read_board(class_id)


# What every student's page reads, the same for all of them: shared like the board, so
# that 150 phones redrawing after an Ask make one read of each, not 150.
@st.cache_resource(ttl=BOARD_TTL_S, show_spinner=False, max_entries=1000)
def shared_class(code: str) -> ClassInfo | None:
    """The live class with this code (None when there is none)."""
    return class_store().class_by_code(code, time.time())


@st.cache_resource(ttl=BOARD_TTL_S, show_spinner=False, max_entries=1000)
def shared_question(class_id: int) -> Asked | None:
    """The question on the class's board (None before the first Ask)."""
    return class_store().current(class_id)


@st.cache_resource(ttl=BOARD_TTL_S, show_spinner=False, max_entries=1000)
def shared_challenge(class_id: int) -> str | None:
    """The class's challenge, as stored (None when there is none)."""
    return class_store().challenge(class_id)


_SHARED = (board, class_version, shared_class, shared_question, shared_challenge)


def refresh() -> None:
    """Drop the process's shared reads, so the next look is fresh."""
    for cached in _SHARED:
        cached.clear()


def changed() -> None:
    """After a write to a class (the store calls it): fresh reads from now on, and the class
    waker looks at its boards at once."""
    refresh()
    WRITTEN.set()


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as an SVG document (segno), dark on white with a quiet zone."""
    return segno.make(text, error="m").svg_inline(scale=8, dark="#000", light="#fff")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^])")


def plain(text: str) -> str:
    """Text for ``st.markdown`` that shows as typed: Markdown and LaTeX marks escaped.

    Streamlit already escapes HTML; this keeps ``**``, links and ``$…$`` literal too.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
