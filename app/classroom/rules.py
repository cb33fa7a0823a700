"""Nicknames, answers, tallies and the CSV of a live class."""

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from app.model.lessons.beyond import BEYOND_STEPS
from app.model.lessons.notebook import NUMBER_TOLERANCE, STEPS
from app.model.lessons.steps import Facts, Question

__all__ = [
    "ANSWER_LIMIT",
    "NICKNAME_LENGTH",
    "QUESTIONS",
    "Histogram",
    "choice_counts",
    "clean_nickname",
    "csv_cell",
    "csv_rows",
    "histogram",
    "histograms",
    "is_right",
    "moved_to_right",
    "question",
    "read_answer",
    "true_answer",
]

NICKNAME_LENGTH = 24
ANSWER_LIMIT = 1e6
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def clean_nickname(text: str, seat: int) -> str:
    """A nickname safe to store and show.

    Parameters
    ----------
    text : str
        What the student typed.
    seat : int
        The seat number, used when nothing is left.

    Returns
    -------
    str
        Control characters removed, whitespace collapsed, at most 24 characters;
        ``"Student <seat>"`` when empty.
    """
    kept = "".join(
        " " if c.isspace() else c
        for c in str(text)
        if c.isspace() or unicodedata.category(c)[0] != "C"
    )
    name = " ".join(kept.split())[:NICKNAME_LENGTH].strip()
    return name or f"Student {seat}"


def _catalogue() -> dict[str, Question]:
    found: dict[str, Question] = {}
    for prefix, steps in (("notebook", STEPS), ("beyond", BEYOND_STEPS)):
        for step in steps:
            for q in step.questions:
                found[f"{prefix}:{q.key}"] = q
    return found


QUESTIONS: dict[str, Question] = _catalogue()


def question(question_key: str) -> Question:
    """The lesson's question for a key such as ``"notebook:<key>"``.

    Raises
    ------
    ValueError
        When no lesson has that question.
    """
    try:
        return QUESTIONS[question_key]
    except KeyError:
        raise ValueError(f"There is no question {question_key!r}.") from None


def read_answer(q: Question, raw: object) -> float | int:
    """A student's answer checked against the question.

    Parameters
    ----------
    q : Question
        The question; with choices the answer is a choice index, else a number.
    raw : object
        What arrived from the browser.

    Returns
    -------
    int or float
        The choice index, or the number.

    Raises
    ------
    ValueError
        With a message a student can read.
    """
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise ValueError("Please enter a number.") from None
    if not math.isfinite(value):
        raise ValueError("Please enter a finite number.")
    if abs(value) > ANSWER_LIMIT:
        raise ValueError("That number is out of range (at most 1,000,000 either way).")
    if q.choices:
        if value != int(value) or not 0 <= int(value) < len(q.choices):
            raise ValueError(f"Please pick one of the {len(q.choices)} choices.")
        return int(value)
    return value


def true_answer(q: Question, facts: Facts) -> float | int:
    """The right answer in the form a student commits: a choice index, or the number.

    Parameters
    ----------
    q : Question
        A lesson's question.
    facts : Facts
        That lesson's facts, computed by the core.
    """
    if not q.choices:
        return float(facts[q.answer])
    if isinstance(q.answer, int):
        return q.answer
    labels = [c.format_map(facts) for c in q.choices]
    return labels.index(str(facts[q.answer]))


def is_right(q: Question, value: float | None, truth: float) -> bool:
    """Whether an answer counts as right: the same choice, or a number within 10 %."""
    if value is None:
        return False
    if q.choices:
        return value == truth
    return abs(value - truth) <= NUMBER_TOLERANCE * abs(truth)


def choice_counts(answers: Iterable[float], n_choices: int) -> tuple[int, ...]:
    """How many answers picked each choice (indices out of range are ignored)."""
    counts = [0] * n_choices
    for a in answers:
        i = int(a)
        if i == a and 0 <= i < n_choices:
            counts[i] += 1
    return tuple(counts)


@dataclass(frozen=True)
class Histogram:
    """Bars of numeric answers: ``edges`` has one more entry than ``counts``."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]


def histogram(answers: Sequence[float], truth: float | None = None, bins: int = 10) -> Histogram:
    """A histogram of numbers whose range covers the answers and the truth.

    Parameters
    ----------
    answers : sequence of float
        The class's numbers.
    truth : float, optional
        The right answer, so it falls inside the bars.
    bins : int
        How many bars.
    """
    values = [float(a) for a in answers] + ([float(truth)] if truth is not None else [])
    if not values:
        return Histogram((), ())
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(np.asarray(answers, dtype=float), bins=bins, range=(lo, hi))
    return Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts))


def histograms(
    rounds: Sequence[Sequence[float]], truth: float | None = None, bins: int = 10
) -> tuple[Histogram, ...]:
    """One histogram per round, all on the same bins (from every round's answers and the truth).

    Pass ``truth`` only once it is revealed: the bins' range would give it away.
    """
    every = [a for answers in rounds for a in answers]
    shared = histogram(every, truth, bins)
    if not shared.edges:
        return tuple(Histogram((), ()) for _ in rounds)
    lo, hi = shared.edges[0], shared.edges[-1]
    out = []
    for answers in rounds:
        counts, _ = np.histogram(np.asarray(answers, dtype=float), bins=bins, range=(lo, hi))
        out.append(Histogram(shared.edges, tuple(int(c) for c in counts)))
    return tuple(out)


def moved_to_right(first: float | None, second: float | None, truth: float) -> bool:
    """Whether a student went from a wrong answer (or none) to the right one on the vote again."""
    return second is not None and second == truth and first != truth


def csv_cell(text: object) -> str:
    """A cell a spreadsheet will not run: a leading ``= + - @ tab CR`` gets a ``'``."""
    s = str(text)
    return "'" + s if s.startswith(FORMULA_PREFIXES) else s


def csv_rows(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """The export's rows (nickname, question, answer, round, time), every cell neutralised."""
    header = ["nickname", "question", "answer", "round", "time"]
    return [header] + [[csv_cell(c) for c in row] for row in rows]
