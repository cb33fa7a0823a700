"""What a whole-page rerun of the playground sends (``load_test.py --deltas``).

Every message costs the server CPU in the script's thread and the event loop (about
0.1 ms an element, ``benchmarks/element_cost.py``), so the count is held: an element
more than this is a choice to make in the README's speed section, not by accident.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks import load_test
from deploy import streamlit_server

#: A default whole-page move (learning rate and noise) sends at most this many messages.
#: 38 since the scenario menu is a popover (its block and its radio) instead of one select
#: box: a message more a move, for 141 KB less on every first load (README: Performance).
MOVE_MESSAGES = 38


def _run(coroutine):
    """``asyncio.run`` in a thread of its own (the e2e tests may keep a loop in this one)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def counted():
    with streamlit_server.serve() as server:
        how = load_test.Behaviour(think=0, jitter=0, moves="page")
        return _run(load_test.count_deltas(server.url, how))


def test_a_whole_page_move_sends_no_more_messages_than_counted(counted):
    first, move = counted
    assert first.status == move.status == "FINISHED_SUCCESSFULLY"
    assert not first.exceptions and not move.exceptions
    assert sum(move.kinds.values()) <= MOVE_MESSAGES, dict(move.kinds)
    # The page's parts, each once: its styles, the chart, the status, the sections' toggles.
    for kind in ("html", "bidi_component", "alert", "button_group"):
        assert move.kinds[f"new_element:{kind}"] == 1, kind
    assert move.kinds["add_block:vertical"] == 3  # the fragment, the status and the notes


def test_delta_kind_names_the_element_and_the_block():
    fm = ForwardMsg()
    fm.delta.new_element.markdown.body = "x"
    assert load_test.delta_kind(fm) == "new_element:markdown"
    fm = ForwardMsg()
    fm.delta.add_block.flex_container.direction = fm.delta.add_block.flex_container.HORIZONTAL
    assert load_test.delta_kind(fm) == "add_block:horizontal"
    fm.delta.add_block.flex_container.direction = fm.delta.add_block.flex_container.VERTICAL
    assert load_test.delta_kind(fm) == "add_block:vertical"
    fm = ForwardMsg()
    fm.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    assert load_test.delta_kind(fm) == "script_finished"
