"""Waking students' phones: a tiny file per class that changes when the class's board does.

An idle phone must cost the server (almost) nothing, so it does not rerun Streamlit's
script to look at the board. Instead each process keeps one :class:`Waker`: a thread that
reads the boards of the classes its phones show (at most every half second, and at once
after a write of this process) and, when a board changed, writes ``CODE.json`` holding the
board's digest into a folder the app serves as a static file. A phone asks for that
file's headers every poll (``HEAD``: no body, no script run), fetches it when its
``ETag`` moved, and reruns its page only when the digest differs from the one the page
was drawn with (``app/static/class_wake/pure.js``).

The file names only the class code (which students know) and holds only a digest of what
a phone shows: never an answer, a nickname, a seat or the teacher's token.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from .codes import read_code

__all__ = [
    "POLL_ENV",
    "POLL_RANGE_S",
    "Waker",
    "board_digest",
    "clear_stale",
    "poll_seconds",
    "remove_wake",
    "wake_name",
    "write_wake",
]

_LOG = logging.getLogger(__name__)

#: The environment variable that gives a deployment its own poll period, in seconds. The
#: replica deploy (``deploy/run_replicas.py``) sets it: each replica has only its share of
#: the phones, so their Ask's reruns queue less, and the idle class costs every replica.
POLL_ENV = "LINREG_WAKE_POLL_S"
#: The periods it may set: faster floods the server's one event loop, slower leaves no room
#: for the page's rerun within the question's 3 s.
POLL_RANGE_S = (0.5, 2.5)


def poll_seconds(value: str | None, default: float) -> float:
    """How often a phone asks for its wake file: ``value`` (``$LINREG_WAKE_POLL_S``) when
    it is a number in :data:`POLL_RANGE_S`, else ``default`` (and a warning if it was set)."""
    if value is None or not value.strip():
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    lo, hi = POLL_RANGE_S
    if not lo <= seconds <= hi:  # NaN fails too
        _LOG.warning("%s=%r is not a number of seconds from %g to %g", POLL_ENV, value, lo, hi)
        return default
    return seconds


def board_digest(board: Hashable) -> str:
    """A short digest of what a student's screen shows (the class's board tuple).

    Parameters
    ----------
    board : tuple
        The board as :func:`app.ui.class_store.board` reads it: plain values only.

    Returns
    -------
    str
        16 hex digits; equal boards give equal digests, in every process.

    Examples
    --------
    >>> board_digest((True, 0, 0, "", None)) == board_digest((True, 0, 0, "", None))
    True
    >>> board_digest((True, 0, 0, "", None)) == board_digest((True, 7, 1, "open", None))
    False
    """
    return hashlib.sha256(repr(board).encode()).hexdigest()[:16]


def wake_name(code: str) -> str:
    """The wake file's name for a class code: ``CODE.json``.

    Raises
    ------
    ValueError
        If ``code`` is not exactly a class code (six letters of the code alphabet), so no
        other text can ever name a file.
    """
    if read_code(code) != code:
        raise ValueError(f"not a class code: {code!r}")
    return f"{code}.json"


def write_wake(folder: Path, code: str, digest: str) -> Path:
    """Write ``folder/CODE.json`` = ``{"digest": digest}`` atomically (a temporary file, then
    ``os.replace``), so a reader sees the old file or the new one, never half of one.

    Returns
    -------
    Path
        The file written.
    """
    if len(digest) != 16 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"not a board digest: {digest!r}")
    target = folder / wake_name(code)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    temporary.write_text(json.dumps({"digest": digest}))
    os.replace(temporary, target)
    return target


def remove_wake(folder: Path, code: str) -> None:
    """Delete a class's wake file (no error when there is none)."""
    (folder / wake_name(code)).unlink(missing_ok=True)


@dataclass
class _Watched:
    code: str
    digest: str  # the digest in the class's file
    ended_at: float | None = None  # when the board first read "not live"


class Waker:
    """Keeps the wake files of the classes this process's phones show up to date.

    Parameters
    ----------
    folder : Path
        Where the files go (a folder under the app's static folder, one per process).
    read_board : callable
        ``read_board(class_id) -> tuple``: the class's board, read afresh from the database
        (so a replica sees another's write within ``every_s``).
    on_change : callable
        Runs before the files of changed boards are written: the app drops its shared reads
        there, so a page woken by the file draws the board the file names (or a newer one).
    poked : threading.Event
        Set after a write to any class (the store's ``on_write``): the next sweep runs at
        once instead of at the end of its interval.
    every_s : float
        The longest time between two sweeps (each reads each watched board once).
    keep_ended_s : float
        How long an ended class's file stays, so that phones still polling it see the end
        (and rerun onto the page that says so) before it goes.
    """

    def __init__(
        self,
        folder: Path,
        read_board: Callable[[int], Hashable],
        poked: threading.Event,
        on_change: Callable[[], None] = lambda: None,
        *,
        every_s: float = 0.5,
        keep_ended_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self._read_board = read_board
        self._on_change = on_change
        self.poked = poked
        self.every_s = every_s
        self.keep_ended_s = keep_ended_s
        self._clock = clock
        self._watched: dict[int, _Watched] = {}
        self._lock = threading.Lock()  # guards _watched
        self._sweeping = threading.Lock()  # held for a whole sweep

    def watch(self, class_id: int, code: str, digest: str) -> str:
        """Follow a class from now on; the first time, write its file with ``digest`` (the
        board a page was just drawn with), so the page's first poll finds it.

        Returns
        -------
        str
            The file's name in :attr:`folder`.
        """
        name = wake_name(code)
        with self._lock:
            if class_id not in self._watched:
                write_wake(self.folder, code, digest)
                self._watched[class_id] = _Watched(code, digest)
        return name

    def forget(self) -> None:
        """Follow no class any more (after a sweep under way has ended): nothing is read
        until a page follows a class again."""
        with self._sweeping, self._lock:
            self._watched.clear()

    def watched(self) -> dict[int, str]:
        """The classes followed: class id -> the digest in its file."""
        with self._lock:
            return {k: w.digest for k, w in self._watched.items()}

    def sweep(self) -> list[str]:
        """Read each followed board once; rewrite the files whose board changed; forget
        classes that ended more than ``keep_ended_s`` ago. Returns the codes rewritten."""
        with self._sweeping:
            return self._sweep()

    def _sweep(self) -> list[str]:
        with self._lock:
            watched = list(self._watched.items())
        boards = [(class_id, w, self._read_board(class_id)) for class_id, w in watched]
        moved = [(w, d) for _, w, board in boards if (d := board_digest(board)) != w.digest]
        if moved:
            self._on_change()
        for w, digest in moved:
            write_wake(self.folder, w.code, digest)
            w.digest = digest
        now = self._clock()
        for class_id, w, board in boards:
            live = bool(board[0]) if isinstance(board, tuple) and board else True
            if live:
                w.ended_at = None
            elif w.ended_at is None:
                w.ended_at = now
            elif now - w.ended_at > self.keep_ended_s:
                remove_wake(self.folder, w.code)
                with self._lock:
                    self._watched.pop(class_id, None)
        return [w.code for w, _ in moved]

    def run(self, stop: threading.Event, min_gap_s: float = 0.1) -> None:
        """The thread's loop: sweep when poked or every ``every_s``, never more often than
        every ``min_gap_s`` (150 commits in 10 s poke it 150 times)."""
        while not stop.is_set():
            self.poked.wait(max(0.0, self.every_s - min_gap_s))
            self.poked.clear()
            try:
                self.sweep()
            except Exception:  # a database hiccup: the next sweep tries again
                _LOG.exception("class wake sweep failed")
            stop.wait(min_gap_s)

    def start(self) -> threading.Event:
        """Run :meth:`run` in a daemon thread; returns the event that stops it."""
        stop = threading.Event()
        threading.Thread(target=self.run, args=(stop,), name="class-waker", daemon=True).start()
        return stop


def clear_stale(root: Path, keep: str, older_than_s: float) -> None:
    """Delete the folders under ``root`` (other processes' wake folders) not touched for
    ``older_than_s`` seconds, except ``keep``: what a process that is gone left behind."""
    if not root.is_dir():
        return
    now = time.time()
    for folder in root.iterdir():
        if folder.name != keep and folder.is_dir() and now - folder.stat().st_mtime > older_than_s:
            shutil.rmtree(folder, ignore_errors=True)
