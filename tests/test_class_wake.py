"""The class waker's pure part (app/classroom/wake.py): the digest, the file's name and its
atomic write, and the sweep that rewrites a class's file only when its board changed."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.classroom.codes import CODE_ALPHABET, new_code
from app.classroom.wake import (
    POLL_ENV,
    POLL_RANGE_S,
    Waker,
    board_digest,
    clear_stale,
    poll_seconds,
    remove_wake,
    wake_name,
    write_wake,
)

BOARDS = st.tuples(
    st.booleans(),
    st.integers(0, 10**6),
    st.integers(0, 9),
    st.sampled_from(["", "open", "revealed"]),
    st.none() | st.floats(0, 2e9, allow_nan=False),
)


@given(BOARDS, BOARDS)
def test_equal_boards_and_only_they_share_a_digest(a, b):
    assert (board_digest(a) == board_digest(b)) == (a == b)
    assert len(board_digest(a)) == 16 and set(board_digest(a)) <= set("0123456789abcdef")


def test_the_poll_period_comes_from_the_environment_only_when_it_is_sane(caplog):
    assert poll_seconds(None, 1.5) == 1.5
    assert poll_seconds("  ", 1.5) == 1.5
    assert poll_seconds("2", 1.5) == 2.0
    assert poll_seconds(str(POLL_RANGE_S[0]), 1.5) == POLL_RANGE_S[0]
    assert not caplog.records
    for bad in ("fast", "nan", "inf", "-1", "0", str(POLL_RANGE_S[1] * 2)):
        assert poll_seconds(bad, 1.5) == 1.5, bad
    assert len(caplog.records) == 6 and POLL_ENV in caplog.text


def test_the_digest_is_the_same_in_every_process():
    # sha256 of the board's repr, not Python's salted hash(): replicas agree on it.
    assert board_digest((True, 3, 1, "open", None)) == "eaeb88464e1e060c"


@pytest.mark.parametrize("bad", ["", "k7pq2m", "K7PQ2", "K7PQ2MM", "K0PQ2M", "../K7PQ", "K7/Q2M"])
def test_only_a_class_code_names_a_file(bad):
    with pytest.raises(ValueError):
        wake_name(bad)


def test_a_code_names_its_json_file():
    code = new_code()
    assert wake_name(code) == f"{code}.json"
    assert set(code) <= set(CODE_ALPHABET)


def test_the_file_holds_the_digest_only_and_is_replaced_whole(tmp_path):
    folder = tmp_path / "wake" / "p1"
    path = write_wake(folder, "K7PQ2M", "0123456789abcdef")
    assert path == folder / "K7PQ2M.json"
    assert json.loads(path.read_text()) == {"digest": "0123456789abcdef"}
    inode = path.stat().st_ino
    write_wake(folder, "K7PQ2M", "fedcba9876543210")
    assert json.loads(path.read_text()) == {"digest": "fedcba9876543210"}
    assert path.stat().st_ino != inode  # a new file renamed over the old one, not rewritten
    assert sorted(p.name for p in folder.iterdir()) == ["K7PQ2M.json"]  # no temporary left
    with pytest.raises(ValueError):
        write_wake(folder, "K7PQ2M", "<script>")
    remove_wake(folder, "K7PQ2M")
    remove_wake(folder, "K7PQ2M")  # twice: no error
    assert not path.exists()


def test_readers_never_see_half_a_file(tmp_path):
    """A reader racing the writer always reads a whole JSON document."""
    folder = tmp_path / "w"
    write_wake(folder, "K7PQ2M", "0" * 16)
    stop = threading.Event()
    seen, errors = set(), []

    def read():
        while not stop.is_set():
            try:
                seen.add(json.loads((folder / "K7PQ2M.json").read_text())["digest"])
            except (json.JSONDecodeError, KeyError) as e:
                errors.append(e)

    reader = threading.Thread(target=read)
    reader.start()
    for k in range(500):
        write_wake(folder, "K7PQ2M", f"{k:016x}")
    stop.set()
    reader.join()
    assert not errors and len(seen) > 1


class Boards:
    """Boards a test sets, read the way the waker reads them (counted)."""

    def __init__(self, boards):
        self.boards = boards
        self.reads = 0

    def __call__(self, class_id):
        self.reads += 1
        return self.boards[class_id]


def _waker(tmp_path, boards, **kwargs):
    changes = []
    w = Waker(tmp_path, boards, threading.Event(), on_change=lambda: changes.append(1), **kwargs)
    return w, changes


def _digest_in(folder, code):
    return json.loads((folder / f"{code}.json").read_text())["digest"]


def test_a_followed_class_has_its_file_at_once_and_a_new_one_only_when_its_board_changed(
    tmp_path,
):
    waiting = (True, 0, 0, "", None)
    boards = Boards({1: waiting})
    w, changes = _waker(tmp_path, boards)
    assert w.watch(1, "K7PQ2M", board_digest(waiting)) == "K7PQ2M.json"
    assert _digest_in(tmp_path, "K7PQ2M") == board_digest(waiting)
    mtime = (tmp_path / "K7PQ2M.json").stat().st_mtime_ns
    assert w.sweep() == [] and changes == []
    assert (tmp_path / "K7PQ2M.json").stat().st_mtime_ns == mtime  # untouched
    asked = (True, 7, 1, "open", None)
    boards.boards[1] = asked
    assert w.sweep() == ["K7PQ2M"] and changes == [1]
    assert _digest_in(tmp_path, "K7PQ2M") == board_digest(asked)
    assert w.watch(1, "K7PQ2M", board_digest(waiting)) == "K7PQ2M.json"  # already followed
    assert _digest_in(tmp_path, "K7PQ2M") == board_digest(asked)
    assert boards.reads == 2  # one read per class per sweep


def test_a_waker_told_to_forget_reads_nothing_more(tmp_path):
    boards = Boards({1: (True, 0, 0, "", None), 2: (True, 0, 0, "", None)})
    w, _ = _waker(tmp_path, boards)
    w.watch(1, "K7PQ2M", board_digest(boards.boards[1]))
    w.watch(2, "ABCDEF", board_digest(boards.boards[2]))
    w.sweep()
    assert boards.reads == 2
    w.forget()
    assert w.sweep() == [] and boards.reads == 2 and w.watched() == {}


def test_an_ended_class_keeps_its_file_a_while_then_is_forgotten(tmp_path):
    now = [0.0]
    boards = Boards({1: (True, 0, 0, "", None)})
    w, _ = _waker(tmp_path, boards, keep_ended_s=60, clock=lambda: now[0])
    w.watch(1, "K7PQ2M", board_digest(boards.boards[1]))
    boards.boards[1] = (False, 0, 0, "", None)
    assert w.sweep() == ["K7PQ2M"]  # phones see the end, rerun, and show that it ended
    now[0] = 59.0
    w.sweep()
    assert (tmp_path / "K7PQ2M.json").exists() and w.watched()
    now[0] = 61.0
    w.sweep()
    assert not (tmp_path / "K7PQ2M.json").exists() and not w.watched()


def test_the_thread_sweeps_at_once_when_poked_and_survives_a_failing_read(tmp_path):
    boards = Boards({1: (True, 0, 0, "", None)})
    poked = threading.Event()
    w = Waker(tmp_path, boards, poked, every_s=30.0)  # only a poke wakes it in this test
    w.watch(1, "K7PQ2M", board_digest(boards.boards[1]))
    stop = w.start()
    try:
        time.sleep(0.2)
        boards.boards[1] = (True, 9, 1, "open", None)
        poked.set()
        deadline = time.monotonic() + 5
        while _digest_in(tmp_path, "K7PQ2M") != board_digest(boards.boards[1]):
            assert time.monotonic() < deadline, "the poke did not wake the sweep"
            time.sleep(0.01)
        boards.boards = {}  # the read raises KeyError: logged, and the thread goes on
        poked.set()
        time.sleep(0.3)
        boards.boards = {1: (True, 9, 2, "open", None)}
        poked.set()
        deadline = time.monotonic() + 5
        while _digest_in(tmp_path, "K7PQ2M") != board_digest(boards.boards[1]):
            assert time.monotonic() < deadline, "the thread died on a failing read"
            time.sleep(0.01)
    finally:
        stop.set()
        poked.set()


def test_folders_of_processes_long_gone_are_cleared_and_ours_kept(tmp_path):
    for name in ("ours", "gone", "recent"):
        write_wake(tmp_path / name, "K7PQ2M", "0" * 16)
    old = time.time() - 3 * 86400
    for name in ("ours", "gone"):
        os.utime(tmp_path / name, (old, old))
    clear_stale(tmp_path, keep="ours", older_than_s=86400)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours", "recent"]
    clear_stale(tmp_path / "missing", keep="ours", older_than_s=1)  # no folder: nothing to do
