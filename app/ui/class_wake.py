"""A student's page wakes itself when the class's board changes, without a Streamlit rerun
while it waits.

Before, every phone ran a 2 s ``st.fragment``: 75 Streamlit reruns a second for a class of
150 that nobody was touching, and almost all of their cost was Streamlit's own per-rerun
work (README, live class). Now one thread per process (:func:`waker`, an
:class:`~app.classroom.wake.Waker`) reads the boards of the classes this process's phones
show every quarter of a second (and at once after this process's own writes), and writes
each changed board's digest to ``app/static/wake/<process>/CODE.json``, which Streamlit's
static file serving (``server.enableStaticServing``) serves. The page mounts
:func:`follow_board`, a ``st.components.v2`` component without a look of its own: its
JavaScript (``app/static/class_wake/pure.js``) asks for that file's headers every
:data:`WAKE_POLL_S` seconds and, when their ETag moved since a look that found the page
current, or when the digest in the file is not the one the page was drawn with, sends a
trigger, which reruns the page.

A ``HEAD`` of a static file is the cheapest request found in Streamlit's server that
answers 200 (a missing file would answer 404, which browsers log as an error): about
1.3 ms of server CPU, against about 2.1 ms for a ``GET`` of the same file (Streamlit's
static route makes several thread hops per file) and 2.4 ms for the empty fragment rerun it
replaces (``benchmarks/class_load.py --floor``; the README has the figures).

The folder is the process's own (a random name), so replicas that share a checkout never
write each other's files, and a phone's page and its file always come from the same
process's reads (nginx keeps a browser on its replica, cookies and all).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import secrets
import shutil
from pathlib import Path

import streamlit as st
from streamlit.components import v2 as components_v2

from ..classroom.wake import POLL_ENV, Waker, board_digest, clear_stale, poll_seconds
from .class_store import WRITTEN, board, read_board, refresh
from .static_url import static_url

__all__ = ["WAKE_POLL_S", "follow_board", "waker"]

#: How often a phone asks whether its board changed. An Ask reaches a phone within this, plus
#: :data:`SWEEP_S` on another replica, plus the page's rerun. Measured with 150 phones
#: (README, live class; the goals: every phone within 3 s, the idle class at most 20 % of a
#: core): on one server with SQLite, every 2 s cost 11-14 % idle and brought the last phone
#: its question 2.1-2.5 s after the Ask; every 1.5 s costs 14-17 % and 1.7-2.3 s. On two
#: replicas with PostgreSQL every 1.5 s cost 21 % in all (each process has its own fixed
#: costs, its waker's sweeps of the database among them), every 2 s 17 % with the last
#: phone at 2.3 s: the replica deploy sets 2 s (``$LINREG_WAKE_POLL_S``,
#: :func:`~app.classroom.wake.poll_seconds`).
WAKE_POLL_S = poll_seconds(os.environ.get(POLL_ENV), default=1.5)

#: How often the waker reads its classes' boards when nothing in this process wrote: what
#: another replica's write waits before this replica's phones can hear of it (each sweep is
#: three small queries per class).
SWEEP_S = 0.25
#: Without a wake file a phone reruns a fragment to look at the board, which costs the server
#: more than a ``HEAD``: at most every 2 s (150 phones: about 20 % of a core, README).
FALLBACK_POLL_S = 2.0

_PURE = "class_wake/pure.js"
#: The pure module's content in its URL, so no browser keeps an old copy of it.
_PURE_VERSION = hashlib.sha256(
    (Path(__file__).parent.parent / "static" / "class_wake" / "pure.js").read_bytes()
).hexdigest()[:12]
#: Where the wake files go: under the static folder, one folder per process.
_WAKE_ROOT = Path(__file__).parent.parent / "static" / "wake"
#: Folders of processes gone for this long are deleted by the next process that starts.
_STALE_S = 24 * 3600.0

# The poller lives in pure.js; this loader only keeps one poller per element and gives it
# the browser's fetch, timer and clock. The element has no content: nothing shows.
_LOADER = """
const POLLERS = new WeakMap();
let pure;
export default function ({ data, parentElement, setTriggerValue }) {
  if (!data) return;
  let entry = POLLERS.get(parentElement);
  if (!entry) POLLERS.set(parentElement, (entry = {}));
  entry.wake = setTriggerValue;
  if (!pure) {
    pure = import(new URL(data.pure_src, location.href).href).catch((err) => {
      pure = undefined;
      throw err;
    });
  }
  pure.then((m) => {
    entry.poller ||= m.poller({
      fetch: (url, options) => fetch(url, options),
      setTimeout: (f, ms) => setTimeout(f, ms),
      now: () => performance.now(),
      wake: (digest) => entry.wake("wake", digest ?? "moved"),
      alive: () => parentElement.isConnected,
      hidden: () => document.hidden,
    });
    entry.poller.update({ ...data, src: new URL(data.src, location.href).href });
  });
}
"""

_LOG = logging.getLogger(__name__)

_mount = components_v2.component("class_wake.follow_board", js=_LOADER, isolate_styles=False)


@st.cache_resource(show_spinner=False)
def waker() -> Waker:
    """The process's class waker, its thread started once (and its folder removed at exit)."""
    name = secrets.token_hex(6)
    clear_stale(_WAKE_ROOT, keep=name, older_than_s=_STALE_S)
    found = Waker(_WAKE_ROOT / name, read_board, WRITTEN, on_change=refresh, every_s=SWEEP_S)
    found.start()
    atexit.register(shutil.rmtree, found.folder, True)
    return found


def follow_board(class_id: int, code: str, drawn: tuple) -> None:
    """On a student's page, last: rerun the page when the class's board is no longer
    ``drawn`` (the board the page was drawn with).

    Where the app's folder cannot be written (a read-only checkout), there is no wake file:
    the phone then looks at the board itself with a fragment every :data:`FALLBACK_POLL_S`
    seconds (or :data:`WAKE_POLL_S`, if slower), as it did before the wake file: dearer
    while a class waits, the same within 3 s."""
    w = waker()
    digest = board_digest(drawn)
    try:
        name = w.watch(class_id, code, digest)
    except OSError:
        _LOG.warning("no wake file in %s; phones look at the board", w.folder, exc_info=True)
        _look_at_the_board(class_id, drawn)
        return
    _mount(
        key="class_wake",
        data={
            "src": static_url(f"wake/{w.folder.name}/{name}"),
            "pure_src": static_url(f"{_PURE}?v={_PURE_VERSION}"),
            "drawn": digest,
            "every_ms": round(WAKE_POLL_S * 1000),
        },
        height="content",
        on_wake_change=_woken,
    )


@st.fragment(run_every=max(WAKE_POLL_S, FALLBACK_POLL_S))
def _look_at_the_board(class_id: int, drawn: tuple) -> None:
    """Without a wake file: a shared read of the board (one a process each half second);
    the page reruns when it changed."""
    if board(class_id) != drawn:
        st.rerun(scope="app")


def _woken() -> None:
    """The trigger's callback: nothing to do, the rerun it causes is the point."""
