"""The live class's runs (app.classroom.scenario) against answers worked out independently:
a hand-written gradient-descent loop and the closed-form stability limit 2 / λmax."""

from __future__ import annotations

import math
from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest

from app.classroom import scenario as sc
from app.classroom.rules import is_right, true_answer
from app.model.compute import make_data, run
from app.model.settings import Settings
from app.model.sources import bundled_source, points_source, upload_source
from linreg_core import RunState


def _xy(settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    data = make_data(settings)
    return np.asarray(data.x, dtype=float), np.asarray(data.y, dtype=float)


def _limit(settings: Settings) -> float:
    """2 / λmax of the MSE's Hessian 2·[[E x², E x], [E x, 1]], in closed form."""
    x, _ = _xy(settings)
    a, c, d = 2 * np.mean(x * x), 2 * np.mean(x), 2.0
    lam_max = (a + d) / 2 + math.sqrt(((a - d) / 2) ** 2 + c * c)
    return 2.0 / lam_max


def _by_hand(settings: Settings, lr: float, epochs: int, path: list | None = None):
    """Plain full-batch gradient descent on the MSE, written out: (w, b, losses)."""
    x, y = _xy(settings)
    w, b = settings.w0, settings.b0
    losses = []
    for _ in range(epochs):
        r = y - (w * x + b)
        losses.append(float(np.mean(r * r)))
        w, b = w + lr * 2 * np.mean(x * r), b + lr * 2 * np.mean(r)
        if path is not None:
            path.append((w, b))
    r = y - (w * x + b)
    losses.append(float(np.mean(r * r)))
    return w, b, np.array(losses)


SCENARIOS = [
    Settings(),
    Settings(lr=0.002, epochs=300, true_w=-2.0, noise=0.5, seed=7, x_center=3.0),
    Settings(optimizer="momentum", beta=0.8, lr=0.005),
    Settings(source=bundled_source("anscombe-1"), lr=0.003),
    Settings(source=points_source([0.0, 1.0, 2.0], [1.0, 2.5, 2.9]), batch=2),
]


@pytest.mark.parametrize("settings", SCENARIOS)
def test_a_scenario_round_trips_through_the_playground_link(settings):
    assert sc.read_scenario(sc.scenario_json(settings)) == settings


def test_an_upload_cannot_be_sent():
    from app.model.data.points import Points

    pts = Points(np.array([0.0, 1.0]), np.array([1.0, 2.0]), ())
    with pytest.raises(ValueError, match="Uploaded data is not in a link"):
        sc.scenario_json(Settings(source=upload_source(pts, "a.csv", b"x", "x", "y")))


def test_a_pasted_link_reads_as_the_playground_opens_it():
    s, notices = sc.settings_from_link("https://example.org/app/playground?lr=0.05&epochs=60")
    assert (s.lr, s.epochs, notices) == (0.05, 60, ())
    s, _ = sc.settings_from_link("localhost:8501/?dataset=anscombe-2&lr=0.003")
    assert s.source == bundled_source("anscombe-2") and s.lr == 0.003
    s, notices = sc.settings_from_link("?lr=0.04&epochs=99999")
    assert s.epochs == 5000 and any("outside" in n for n in notices)
    for bad, why in (
        ("", "Paste a playground link"),
        ("http://x/class?join=ABCDEF", "not a playground link"),
        ("http://x/?lr=" + "1" * 30_000, "too long"),
    ):
        with pytest.raises(ValueError, match=why):
            sc.settings_from_link(bad)


@pytest.mark.parametrize("settings", [SCENARIOS[0], SCENARIOS[1]])
def test_divergence_is_the_closed_form_limit_two_over_lambda_max(settings):
    limit = _limit(settings)
    assert run(settings).stability.lr_max == pytest.approx(limit, rel=1e-12)
    q = sc.run_question("run:state")
    for lr, diverges in ((0.97 * limit, False), (1.03 * limit, True)):
        s = replace(settings, lr=lr, epochs=200)
        facts = sc.run_facts(run(s))
        assert (facts.state == sc.STATE_CHOICES[RunState.DIVERGED]) is diverges
        # The hand-written loop agrees: the loss grows without bound above the limit only.
        _, _, losses = _by_hand(s, lr, 200)
        assert bool(losses[-1] > losses[0]) is diverges
        truth = true_answer(q, facts)
        assert (truth == list(sc.STATE_CHOICES).index(RunState.DIVERGED)) is diverges


def test_converged_still_converging_and_oscillating_by_the_distance_to_least_squares():
    s = SCENARIOS[0]
    x, y = _xy(s)
    w_ls, b_ls = np.polyfit(x, y, 1)
    limit = _limit(s)
    states = {}
    for lr, epochs in ((0.05, 300), (0.001, 20), (0.9 * limit, 8)):
        facts = sc.run_facts(run(replace(s, lr=lr, epochs=epochs)))
        w, b, _ = _by_hand(s, lr, epochs)
        assert facts.w_end == pytest.approx(w, rel=1e-9) and facts.b_end == pytest.approx(b)
        gap = math.hypot(w - w_ls, b - b_ls) / math.hypot(w_ls, b_ls)
        states[lr] = (facts.state, gap)
    assert states[0.05][0] == sc.STATE_CHOICES[RunState.CONVERGED] and states[0.05][1] < 1e-3
    assert states[0.001][0] == sc.STATE_CHOICES[RunState.CONVERGING] and states[0.001][1] > 0.1
    # Above 1 / λmax each step overshoots the valley's floor: a zig-zag that closes in.
    assert states[0.9 * limit][0] == sc.STATE_CHOICES[RunState.OSCILLATING]
    path: list = []
    _by_hand(s, 0.9 * limit, 8, path)
    a, c, d = 2 * np.mean(x * x), 2 * np.mean(x), 2.0
    lam_max = (a + d) / 2 + math.sqrt(((a - d) / 2) ** 2 + c * c)
    top = np.array([c, lam_max - a])  # the steepest direction's eigenvector
    along = [float(top @ (np.array(p) - [w_ls, b_ls])) for p in path]
    assert all(u * v < 0 for u, v in pairwise(along))  # the sign flips every step
    assert abs(along[-1]) < abs(along[0])  # and the swing shrinks


def test_the_final_w_question_is_the_hand_loops_w_and_is_refused_on_a_diverging_run():
    s = replace(SCENARIOS[0], lr=0.02, epochs=30)
    q, facts = sc.run_question("run:w"), sc.run_facts(run(s))
    w, _, _ = _by_hand(s, 0.02, 30)
    assert true_answer(q, facts) == pytest.approx(w, rel=1e-9)
    assert is_right(q, 1.05 * w, true_answer(q, facts)) and not is_right(q, 1.2 * w, w)
    assert "What will w be at the end? Gradient descent at learning rate 0.02 for 30 epochs" in (
        q.prompt.format_map(facts)
    )
    assert sc.refuse_question("run:w", facts) is None
    diverging = sc.run_facts(run(replace(s, lr=0.5)))
    assert "diverges" in sc.refuse_question("run:w", diverging)
    assert sc.refuse_question("run:state", diverging) is None
    with pytest.raises(ValueError):
        sc.run_question("run:nothing")


@pytest.mark.parametrize(
    ("lr", "epochs", "why"),
    [
        (None, 10, "enter the learning rate"),
        ("abc", 10, "must be a number"),
        (float("inf"), 10, "finite"),
        (float("nan"), 10, "finite"),
        ("1e308", 10, "between 0.0001 and 1"),
        (0.0, 10, "between 0.0001 and 1"),
        (0.05, 0, "whole number from 1 to 5000"),
        (0.05, 2.5, "whole number from 1 to 5000"),
        (0.05, 5001, "whole number from 1 to 5000"),
        (0.05, "inf", "finite"),
    ],
)
def test_a_try_out_of_range_or_not_finite_is_refused(lr, epochs, why):
    with pytest.raises(ValueError, match=why):
        sc.read_try(lr, epochs)


def test_a_links_try_is_checked_not_snapped():
    assert sc.try_from_link("?lr=0.0123&epochs=20") == sc.Tried(0.0123, 20)
    assert sc.try_from_link("http://x/playground") == sc.Tried(
        0.01, 100
    )  # the playground's defaults
    with pytest.raises(ValueError, match="between"):
        sc.try_from_link("?lr=1e9")
    with pytest.raises(ValueError, match="finite"):
        sc.try_from_link("?lr=nan")


def test_largest_lr_challenge_scores_by_the_closed_form_limit():
    s = SCENARIOS[0]
    goal = sc.read_goal(sc.goal_json(sc.Goal(sc.LARGEST_LR, sc.scenario_json(s))))
    limit = _limit(s)
    below = sc.score(goal, sc.Tried(0.99 * limit, 1))
    assert below == sc.Scored(-0.99 * limit, f"lr = {0.99 * limit:g}")
    assert sc.shown_score(goal, below.score) == f"lr = {0.99 * limit:g}"
    assert isinstance(sc.score(goal, sc.Tried(1.01 * limit, 5000)), sc.Missed)
    assert goal.text() == "Find the largest learning rate that does not diverge"


def test_fewest_epochs_challenge_is_the_hand_loops_first_epoch_below_the_target():
    s = SCENARIOS[0]
    target = 2.0
    goal = sc.read_goal(sc.goal_json(sc.Goal(sc.FEWEST_EPOCHS, sc.scenario_json(s), target)))
    for lr in (0.02, 0.05, 0.1):
        _, _, losses = _by_hand(s, lr, 200)
        first = int(np.flatnonzero(losses < target)[0])
        assert sc.score(goal, sc.Tried(lr, 200)) == sc.Scored(
            float(first), f"{first} epochs at lr = {lr:g}"
        )
        missed = sc.score(goal, sc.Tried(lr, first - 1))
        assert isinstance(missed, sc.Missed) and "not below 2" in missed.reason
    assert isinstance(sc.score(goal, sc.Tried(0.5, 200)), sc.Missed)  # it diverges
    assert sc.shown_score(goal, 12.0) == "12 epochs" and sc.shown_score(goal, 1.0) == "1 epoch"


def test_the_target_loss_must_lie_between_least_squares_and_the_start():
    s = SCENARIOS[0]
    r = run(s)
    x, y = _xy(s)
    w_ls, b_ls = np.polyfit(x, y, 1)
    best = float(np.mean((y - w_ls * x - b_ls) ** 2))
    start = float(np.mean(y * y))  # w0 = b0 = 0
    assert "least-squares loss" in sc.refuse_target(r, 0.999 * best)
    assert sc.refuse_target(r, 1.001 * best) is None
    assert "starts with a loss" in sc.refuse_target(r, start)
    assert sc.refuse_target(r, 0.99 * start) is None
    assert "finite" in sc.refuse_target(r, float("nan"))
    assert "a number" in sc.refuse_target(r, "x")
