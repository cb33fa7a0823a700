"""A run the teacher sends to the class: "What will this run do?", and the class challenge.

Pure and Streamlit-free. A scenario travels as the playground's own link query (the
shareable link codec, :func:`~app.model.links.share_query` and
:func:`~app.model.sources.source_query`), stored as JSON, and is read back through the
same :func:`~app.model.links.parse_query`, so a stored scenario is always a valid run.
Every answer and every score is computed here by the core from the stored settings;
nothing a browser sends is taken as a result.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields, replace
from urllib.parse import parse_qsl, urlsplit

from app.model.compute import Run, make_data, train_run
from app.model.lessons.steps import Facts, Question
from app.model.links import parse_query, share_query
from app.model.method_text import method_label
from app.model.numbers import number_text
from app.model.params import LR_OPTIONS, PARAMS
from app.model.settings import Settings, split
from app.model.sources import UPLOAD, parse_source, source_query
from linreg_core import RunState, diagnose, sufficient_stats

__all__ = [
    "EPOCHS_RANGE",
    "FEWEST_EPOCHS",
    "GOALS",
    "LARGEST_LR",
    "LR_RANGE",
    "RUN_QUESTIONS",
    "STATE_CHOICES",
    "Goal",
    "Missed",
    "RunFacts",
    "Scored",
    "Tried",
    "goal_json",
    "is_run_question",
    "read_goal",
    "read_scenario",
    "read_try",
    "refuse_question",
    "refuse_target",
    "run_facts",
    "run_question",
    "scenario_json",
    "score",
    "settings_from_link",
    "try_from_link",
]

#: The run's states as the core classifies them (:class:`~linreg_core.RunState`), in words.
STATE_CHOICES = {
    RunState.CONVERGED: "It converges within these epochs",
    RunState.CONVERGING: "It is still converging at the end",
    RunState.OSCILLATING: "It oscillates (zig-zags) but closes in",
    RunState.DIVERGED: "It diverges",
}
#: The questions on a scenario: key -> what the teacher picks.
RUN_QUESTIONS = {
    "run:state": "What will this run do? (converges / still converging / oscillates / diverges)",
    "run:w": "What will w be at the end?",
    "run:loss": "What will the loss be at the end?",
}
FEWEST_EPOCHS, LARGEST_LR = "fewest_epochs", "largest_lr"
#: The challenge's goals: kind -> what the teacher picks.
GOALS = {
    FEWEST_EPOCHS: "Loss below a target in the fewest epochs",
    LARGEST_LR: "The largest learning rate that does not diverge",
}
#: What a submission may ask for: the playground's own ranges.
LR_RANGE = (min(LR_OPTIONS), max(LR_OPTIONS))
EPOCHS_RANGE = (int(PARAMS["epochs"].lo), int(PARAMS["epochs"].hi))
#: A pasted link longer than this is refused unread.
LINK_LIMIT = 20_000


def is_run_question(key: str) -> bool:
    """Whether a question key asks about a sent scenario (not a lesson's question)."""
    return key in RUN_QUESTIONS


# --- The scenario as the playground's link ----------------------------------------------------


def _query(settings: Settings) -> dict[str, str]:
    if settings.source.kind == UPLOAD:
        raise ValueError(
            "Uploaded data is not in a link, so it cannot be sent to the class: "
            "use the synthetic data, a classic data set or placed points."
        )
    values = {k: v for k, v in asdict(settings).items() if k != "source"}
    return share_query(values) | source_query(settings.source)


def scenario_json(settings: Settings) -> str:
    """The settings as the playground's link query, in JSON (raises for an upload)."""
    return json.dumps(_query(settings), sort_keys=True)


def _settings(query: dict[str, str]) -> tuple[Settings, tuple[str, ...]]:
    link = parse_query(query)
    source, source_notices = parse_source(query)
    settings, _ = split(link.values, source)
    return settings, link.notices + source_notices


def read_scenario(text: str) -> Settings:
    """The settings a stored scenario names (as the playground would open its link)."""
    query = json.loads(text)
    if not isinstance(query, dict):
        raise ValueError("A scenario is a link's query.")
    return _settings({str(k): str(v) for k, v in query.items()})[0]


def _link_query(link: str) -> dict[str, str]:
    text = str(link).strip()
    if not text:
        raise ValueError("Paste a playground link first.")
    if len(text) > LINK_LIMIT:
        raise ValueError("That link is too long to be a playground link.")
    parts = urlsplit(text if "://" in text or text.startswith("?") else "//" + text)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))  # the last value wins
    if parts.path.rstrip("/").endswith(("/class", "/lesson", "/beyond")):
        raise ValueError("That is not a playground link: open the Playground and copy its link.")
    return query


def settings_from_link(link: str) -> tuple[Settings, tuple[str, ...]]:
    """The run a pasted playground link opens, and the link's notices (as the page shows them).

    Raises
    ------
    ValueError
        For an empty, over-long or non-playground link, with a message to show.
    """
    return _settings(_link_query(link))


# --- "What will this run do?" ------------------------------------------------------------------


@dataclass(frozen=True)
class RunFacts(Facts):
    """What the core says about one run: the texts of a scenario question quote these."""

    method: str
    lr: float
    epochs: int
    data: str
    state: str
    w_end: float
    b_end: float
    loss_end: float


def run_facts(r: Run) -> RunFacts:
    """The facts of a run: its settings in words and its outcome, by the core."""
    s, h = r.settings, r.history
    return RunFacts(
        method=method_label(h.optimizer),
        lr=s.lr,
        epochs=s.epochs,
        data=s.source.title.lower() if s.source.synthetic else s.source.title,
        state=STATE_CHOICES[r.diagnosis.state],
        w_end=float(h.w[-1]),
        b_end=float(h.b[-1]),
        loss_end=float(h.final_loss),
    )


_SETUP = "{method} at learning rate {lr:g} for {epochs} epochs on {data}"


def run_question(key: str) -> Question:
    """The question ``key`` of :data:`RUN_QUESTIONS` on a scenario, as the lessons ask theirs."""
    if key == "run:state":
        return Question(
            key="state",
            prompt=f"What will this run do? {_SETUP}.",
            choices=tuple(STATE_CHOICES.values()),
            answer="state",
        )
    if key == "run:w":
        return Question(key="w", prompt=f"What will w be at the end? {_SETUP}.", answer="w_end")
    if key == "run:loss":
        return Question(
            key="loss", prompt=f"What will the loss be at the end? {_SETUP}.", answer="loss_end"
        )
    raise ValueError(f"There is no scenario question {key!r}.")


def refuse_question(key: str, facts: RunFacts) -> str | None:
    """Why a number question cannot be asked on this run (it diverges), else None."""
    if key != "run:state" and facts.state == STATE_CHOICES[RunState.DIVERGED]:
        return (
            "This run diverges, so its final numbers mean nothing: ask what the run will do "
            "instead, or lower the learning rate."
        )
    return None


# --- The class challenge -----------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """The challenge on a scenario: its kind, the scenario's JSON and the loss target."""

    kind: str
    scenario: str
    target: float | None = None

    def text(self) -> str:
        """The goal in words, for the projector and the phones."""
        if self.kind == FEWEST_EPOCHS:
            return f"Reach a loss below {self.target:g} in the fewest epochs"
        return "Find the largest learning rate that does not diverge"

    @property
    def settings(self) -> Settings:
        return read_scenario(self.scenario)


def goal_json(goal: Goal) -> str:
    return json.dumps({f.name: getattr(goal, f.name) for f in fields(Goal)}, sort_keys=True)


def read_goal(text: str) -> Goal:
    raw = json.loads(text)
    return Goal(raw["kind"], raw["scenario"], raw.get("target"))


def refuse_target(r: Run, target: object) -> str | None:
    """Why ``target`` cannot be the loss to beat on this run, else None."""
    try:
        x = float(str(target))
    except ValueError:
        return "The target loss must be a number."
    if not math.isfinite(x):
        return "The target loss must be a finite number."
    best = r.least_squares.loss
    if x <= best:
        return (
            f"No line has a loss below the least-squares loss {number_text(best)} on this "
            "data: pick a target above it."
        )
    start = float(r.history.loss[0])
    if x >= start:
        return f"The run starts with a loss of {number_text(start)}: pick a target below it."
    return None


@dataclass(frozen=True)
class Tried:
    """A student's settings, checked: the learning rate and the epochs."""

    lr: float
    epochs: int


@dataclass(frozen=True)
class Scored:
    """A submission the core ran: ``score`` is lower-better, ``shown`` in words."""

    score: float
    shown: str


@dataclass(frozen=True)
class Missed:
    """A submission that ran but does not meet the goal, and why (nothing is stored)."""

    reason: str


def _number(raw: object, name: str) -> float:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(f"Please enter the {name}.")
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise ValueError(f"The {name} must be a number.") from None
    if not math.isfinite(value):
        raise ValueError(f"The {name} must be a finite number.")
    return value


def read_try(lr: object, epochs: object) -> Tried:
    """A student's learning rate and epochs, checked against the playground's ranges.

    Raises
    ------
    ValueError
        With a message a student can read: missing, not a number, not finite, out of range.
    """
    rate = _number(lr, "learning rate")
    lo, hi = LR_RANGE
    if not lo <= rate <= hi:
        raise ValueError(f"The learning rate must be between {lo:g} and {hi:g}.")
    n = _number(epochs, "number of epochs")
    lo_e, hi_e = EPOCHS_RANGE
    if n != int(n) or not lo_e <= n <= hi_e:
        raise ValueError(f"The epochs must be a whole number from {lo_e} to {hi_e}.")
    return Tried(rate, int(n))


def try_from_link(link: str) -> Tried:
    """The learning rate and epochs of a pasted playground link, checked as :func:`read_try`
    (the link's own values, not snapped to the slider's steps)."""
    query = _link_query(link)
    return read_try(
        query.get("lr", PARAMS["lr"].default), query.get("epochs", PARAMS["epochs"].default)
    )


def score(goal: Goal, tried: Tried) -> Scored | Missed:
    """Run the scenario with the student's settings on the server, and score it by the goal.

    Fewest epochs: the first epoch whose loss is below the target (the run must not
    diverge). Largest learning rate: the run with the scenario's epochs must not diverge
    (the core's :class:`~linreg_core.RunState`); the score is ``-lr``.
    """
    base = goal.settings
    epochs = tried.epochs if goal.kind == FEWEST_EPOCHS else base.epochs
    s = replace(base, lr=tried.lr, epochs=epochs)
    data = make_data(s)
    stats = sufficient_stats(data)
    history = train_run(s, data, stats)
    state = diagnose(history, stats).state
    if state is RunState.DIVERGED:
        return Missed(f"At learning rate {tried.lr:g} the run diverges.")
    if goal.kind == LARGEST_LR:
        return Scored(-tried.lr, f"lr = {tried.lr:g}")
    below = [i for i, v in enumerate(history.loss.tolist()) if v < goal.target]
    if not below:
        return Missed(
            f"After {epochs} epochs at learning rate {tried.lr:g} the loss is "
            f"{number_text(history.final_loss)}, not below {goal.target:g}."
        )
    return Scored(float(below[0]), f"{_epochs(below[0])} at lr = {tried.lr:g}")


def _epochs(n: int) -> str:
    return f"{n} epoch" if n == 1 else f"{n} epochs"


def shown_score(goal: Goal, value: float) -> str:
    """A stored score in words: epochs, or the learning rate."""
    return f"lr = {-value:g}" if goal.kind == LARGEST_LR else _epochs(int(value))
