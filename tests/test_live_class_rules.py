import hashlib
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.classroom.codes import CODE_ALPHABET, new_code, read_code
from app.classroom.rules import (
    QUESTIONS,
    choice_counts,
    clean_nickname,
    csv_rows,
    histogram,
    moved_to_right,
    question,
    read_answer,
)
from app.classroom.tokens import new_token, token_hash
from app.model.lessons.steps import Question

CHOICE = Question("k", "p", ("a", "b", "c"), 1)
NUMBER = Question("n", "p", (), "w_end")


def test_alphabet_has_no_lookalikes():
    assert not set("IL01O") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == 31


def test_new_code_reads_back():
    for _ in range(50):
        c = new_code()
        assert len(c) == 6 and read_code(c) == c


@pytest.mark.parametrize(
    "text,code",
    [
        (" abc-def ", "ABCDEF"),
        ("ab cd ef", "ABCDEF"),
        ("k2m-9pq", "K2M9PQ"),
        ("ABCDE", None),
        ("ABCDEI", None),
    ],
)
def test_read_code(text, code):
    assert read_code(text) == code


def test_token_hash_is_sha256():
    t = new_token()
    assert len(t) >= 32
    assert token_hash(t) == hashlib.sha256(t.encode()).hexdigest()


def test_nickname():
    assert clean_nickname("  Ada\x00\n  Lovelace ", 3) == "Ada Lovelace"
    assert clean_nickname("\x07 \t", 5) == "Student 5"
    assert clean_nickname("x" * 10_000, 1) == "x" * 24
    assert clean_nickname("<b>hi</b>", 1) == "<b>hi</b>"  # escaped by the UI, kept verbatim


@given(st.text())
def test_nickname_property(text):
    name = clean_nickname(text, 7)
    assert 0 < len(name) <= 24
    assert not any(ord(c) < 32 for c in name)


def test_read_answer():
    assert read_answer(CHOICE, "2") == 2
    assert read_answer(NUMBER, " 1.5 ") == 1.5
    for bad, words in [("3", "choices"), ("-1", "choices"), ("0.5", "choices")]:
        with pytest.raises(ValueError, match=words):
            read_answer(CHOICE, bad)
    for bad, words in [("nan", "finite"), ("inf", "finite"), ("2e6", "range"), ("abc", "number")]:
        with pytest.raises(ValueError, match=words):
            read_answer(NUMBER, bad)


def test_catalogue_keys():
    assert QUESTIONS and all(k.split(":")[0] in ("notebook", "beyond") for k in QUESTIONS)
    for k, q in QUESTIONS.items():
        assert question(k) is q
    with pytest.raises(ValueError, match="no question"):
        question("notebook:nope")


def test_tallies():
    assert choice_counts([0, 1, 1, 2, 5, 0.5], 3) == (1, 2, 1)
    h = histogram([1.0, 2.0, 2.5], truth=10.0, bins=3)
    assert h.edges == (1.0, 4.0, 7.0, 10.0) and h.counts == (3, 0, 0)
    assert sum(histogram([3.0] * 4).counts) == 4
    assert moved_to_right(0, 1, 1) and not moved_to_right(1, 1, 1) and not moved_to_right(1, 0, 1)
    assert moved_to_right(None, 1, 1)


def test_csv_neutralises_formulas():
    rows = csv_rows([("=cmd()", "+1", "-2", "@x", 1, "\tz"), ("\rq", "ok", math.pi, 2, "t")])
    assert rows[0] == ["nickname", "question", "answer", "round", "time"]
    assert rows[1] == ["'=cmd()", "'+1", "'-2", "'@x", "1", "'\tz"]
    assert rows[2][0] == "'\rq" and rows[2][1] == "ok"


def test_true_answers_come_from_the_lessons_facts():
    from app.classroom.rules import QUESTIONS, is_right, true_answer
    from app.model.compute import lr_race, run
    from app.model.lessons.beyond import beyond, beyond_facts
    from app.model.lessons.notebook import lesson_facts
    from app.model.params import RACE_LRS
    from app.model.settings import Settings

    first = run(Settings())
    notebook = lesson_facts(first, lr_race(first, RACE_LRS))
    second = beyond_facts(beyond(run))
    for key, q in QUESTIONS.items():
        facts = notebook if key.startswith("notebook:") else second
        truth = true_answer(q, facts)
        assert is_right(q, truth, truth)
        if q.choices:
            assert q.choices[truth].format_map(facts) == q.correct(facts)
            assert not is_right(q, (truth + 1) % len(q.choices), truth)
        else:
            assert truth == facts[q.answer]
            assert not is_right(q, truth + 0.2 * abs(truth) + 1, truth)
    assert not is_right(QUESTIONS["notebook:1"], None, 1)
