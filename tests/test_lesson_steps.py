"""The lessons as data: each text quotes only facts its lesson has, checked before a page runs."""

import re

import pytest

from app.model.lessons.beyond import BEYOND_STEPS, BEYOND_TAKEAWAYS, BeyondFacts
from app.model.lessons.notebook import STEPS, TAKEAWAYS, NotebookFacts
from app.model.lessons.steps import Facts, template_fields

LESSONS = [
    pytest.param(STEPS, TAKEAWAYS, NotebookFacts, id="notebook"),
    pytest.param(BEYOND_STEPS, BEYOND_TAKEAWAYS, BeyondFacts, id="beyond"),
]


def _texts(steps, takeaways):
    for step in steps:
        yield from step.templates()
    for pair in takeaways:
        yield from pair


@pytest.mark.parametrize(("steps", "takeaways", "facts"), LESSONS)
def test_every_template_quotes_a_fact_of_its_lesson(steps, takeaways, facts):
    names = facts.names()
    quoted = set()
    for text in _texts(steps, takeaways):
        missing = template_fields(text) - names
        assert not missing, f"{sorted(missing)} quoted in {text[:60]!r} are not facts"
        quoted |= template_fields(text)
    assert quoted, "no text quotes a fact: the check above checked nothing"


@pytest.mark.parametrize(("steps", "takeaways", "facts"), LESSONS)
def test_answers_named_by_a_fact_name_a_real_one(steps, takeaways, facts):
    named = [q.answer for s in steps for q in s.questions if isinstance(q.answer, str)]
    assert named
    assert set(named) <= facts.names()


def test_a_misspelt_fact_is_an_error():
    """Templates fill through ``format_map``: a name that is no field fails loudly."""
    with pytest.raises(KeyError):
        "{w_ennd}".format_map(_any(NotebookFacts))
    assert "w_ennd" not in _any(NotebookFacts)


def test_facts_are_frozen():
    facts = _any(NotebookFacts)
    with pytest.raises(AttributeError):
        facts.w_end = 0.0  # type: ignore[misc]


def _any(cls: type[Facts], value: float = 0) -> Facts:
    """An instance of a facts class with every field ``value``: the shape, not the numbers."""
    return cls(**{name: value for name in cls.names()})


@pytest.mark.parametrize(("steps", "takeaways", "facts"), LESSONS)
def test_a_quoted_share_is_written_as_the_app_writes_percentages(steps, takeaways, facts):
    """Shares as "35 %", with a space, as the status line and the projector write them (a template's
    ``{x:.0%}`` alone would write "35%")."""
    shares = _any(facts, 0.35)
    texts = [text.format_map(shares) for text in _texts(steps, takeaways) if "%}" in text]
    assert texts, "no template quotes a share: the check below checked nothing"
    for text in texts:
        assert "35 %" in text and not re.search(r"\d%", text), text


def test_a_quoted_number_keeps_its_other_formats():
    facts = _any(NotebookFacts, 0.35)
    assert "{w_end:.4f} · {w_end} · {epochs:,} · {w_end:.1%}".format_map(facts) == (
        "0.3500 · 0.35 · 0.35 · 35.0 %"
    )
