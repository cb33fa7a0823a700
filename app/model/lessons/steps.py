"""What every lesson is made of: steps, predict-first questions, and the facts their texts quote.

No Streamlit here. A lesson is data: a tuple of :class:`Step`, each with its
:class:`Question` objects and the kind of reveal that follows them, plus a frozen
:class:`Facts` dataclass of every number its texts quote. Texts are ``str.format``
templates; :func:`template_fields` lets a test check, before any page runs, that each
field a template names is a field of its lesson's facts.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterator
from dataclasses import dataclass, fields
from enum import Enum

__all__ = ["Facts", "Question", "Step", "template_fields"]


class _Quoted(float):
    """A fact's number as a template quotes it: a share under a ``%`` format is written
    with a space before the sign, as the rest of the app writes percentages.

    >>> "{0:.0%} and {0:.2f}".format(_Quoted(0.35))
    '35 % and 0.35'
    """

    def __format__(self, spec: str) -> str:
        text = format(float(self), spec)
        return text[:-1] + " %" if spec.endswith("%") else text


@dataclass(frozen=True)
class Facts:
    """Base of a lesson's facts: a frozen dataclass whose fields the templates name.

    Reading ``facts["w_end"]`` is the same as ``facts.w_end``, so a template fills with
    ``template.format_map(facts)``; a name that is not a field raises ``KeyError``.
    """

    def __getitem__(self, name: str) -> object:
        if name not in self.names():
            raise KeyError(name)
        value = getattr(self, name)
        return _Quoted(value) if isinstance(value, float) else value

    def __contains__(self, name: object) -> bool:
        return name in self.names()

    @classmethod
    @functools.cache
    def names(cls) -> frozenset[str]:
        """The fields' names: what a template may quote."""
        return frozenset(f.name for f in fields(cls))


@dataclass(frozen=True)
class Question:
    """One predict-first question.

    ``choices`` empty means the learner types a number. ``answer`` is either the
    index of the right choice, when the maths fixes it in advance, or the name of
    the fact that holds it, when it is read off this run: a number, or which
    learning rate of the race did what.
    """

    key: str
    prompt: str
    choices: tuple[str, ...] = ()
    answer: int | str = 0

    def correct(self, facts: Facts) -> str:
        """The right answer as shown: the choice's label, or the fact read off the run."""
        if isinstance(self.answer, str):
            value = facts[self.answer]
            return f"{value:.4f}" if isinstance(value, float) else str(value)
        return self.choices[self.answer].format_map(facts)

    def templates(self) -> Iterator[str]:
        """Every text of the question that is filled from the facts."""
        yield self.prompt
        yield from self.choices


@dataclass(frozen=True)
class Step:
    """One screen of a lesson: explain, ask, reveal, explain why."""

    title: str
    intro: str
    questions: tuple[Question, ...]
    why: str
    reveal: Enum  # each lesson has its own kinds of reveal

    def templates(self) -> Iterator[str]:
        """Every text of the step that is filled from the facts."""
        yield from (self.title, self.intro, self.why)
        for q in self.questions:
            yield from q.templates()


def takeaways_step(intro: str, reveal: Enum) -> Step:
    """A lesson's closing step: no question, the reveal lists the takeaways."""
    return Step(title="Takeaways", intro=intro, questions=(), why="", reveal=reveal)


def template_fields(template: str) -> set[str]:
    """The names a ``str.format`` template quotes.

    >>> sorted(template_fields("w = {w_end:.4f} after {epochs} epochs, {{literal}}"))
    ['epochs', 'w_end']
    """
    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    }
