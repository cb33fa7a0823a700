"""What ClassStore returns: frozen dataclasses only."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NewClass:
    """A class just opened; ``teach_token`` is shown once and stored only hashed."""

    class_id: int
    code: str
    teach_token: str


@dataclass(frozen=True)
class ClassInfo:
    """A live class."""

    class_id: int
    code: str
    version: int


@dataclass(frozen=True)
class Seat:
    """A student's seat; ``seat_token`` is empty when read back (only its hash is kept)."""

    student_id: int
    seat_number: int
    nickname: str
    seat_token: str


@dataclass(frozen=True)
class Asked:
    """The question on the board."""

    question_id: int
    key: str
    scenario_json: str
    round: int
    state: str


@dataclass(frozen=True)
class Committed:
    """An answer locked in."""

    value: float


@dataclass(frozen=True)
class Refused:
    """An answer not stored, and why."""

    reason: str


@dataclass(frozen=True)
class Count:
    """``answered`` of ``joined`` for the open round."""

    answered: int
    joined: int


@dataclass(frozen=True)
class Entry:
    """One line of the challenge's leaderboard."""

    nickname: str
    score: float
    settings_json: str


@dataclass(frozen=True)
class ExportRow:
    """One line of the CSV."""

    nickname: str
    question_key: str
    value: float
    round: int
    at: float
