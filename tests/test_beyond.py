"""The second lesson, Beyond the notebook: its numbers against independent sums, and a walk."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from streamlit.testing.v1 import AppTest

from app.model.compute import run
from app.model.lessons.beyond import (
    BEYOND_STEPS,
    BEYOND_TAKEAWAYS,
    BeyondReveal,
    beyond,
    beyond_facts,
)
from app.views import beyond as beyond_page
from tests.helpers import ROOT, chart_payloads, open_page
from tests.notebook_reference import notebook_data

RUNS = beyond(run)
FACTS = beyond_facts(RUNS)
QUESTIONS = {q.key: q for step in BEYOND_STEPS for q in step.questions}


def hessian(x: np.ndarray) -> np.ndarray:
    """The MSE's Hessian for y = w x + b, written out: 2 [[mean x², mean x], [mean x, 1]]."""
    return 2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])


def notebook_x(shift: float = 0.0) -> np.ndarray:
    """The notebook's x, moved right by ``shift``."""
    return notebook_data()[0] + shift


# --- The numbers --------------------------------------------------------------------------------


def test_the_notebooks_curvatures_are_the_issues():
    lam = np.linalg.eigvalsh(hessian(notebook_x()))
    assert_allclose(lam, [1.977, 17.72], atol=5e-3)  # the numbers issue 12 quotes
    assert_allclose([FACTS["lam_min"], FACTS["lam_max"]], lam, rtol=1e-10)
    assert FACTS["kappa"] == pytest.approx(lam[1] / lam[0]) and 8.9 < FACTS["kappa"] < 9.0


def test_b_lies_along_the_gentle_direction_and_needs_222_epochs():
    _, vecs = np.linalg.eigh(hessian(notebook_x()))
    assert abs(vecs[1, 0]) > 0.99  # the gentle eigenvector is almost (0, 1): b
    assert QUESTIONS["b1"].correct(FACTS) == "b"
    # Plain loop: gradient descent at lr 0.01 until within 1 % of the optimum for good.
    x, y = notebook_data()
    w_ls, b_ls = np.polyfit(x, y, 1)
    w = b = 0.0
    dists = [math.hypot(w - w_ls, b - b_ls)]
    for _ in range(400):
        r = y - (w * x + b)
        w, b = w + 0.01 * np.mean(2 * x * r), b + 0.01 * np.mean(2 * r)
        dists.append(math.hypot(w - w_ls, b - b_ls))
    target = 0.01 * max(math.hypot(w_ls, b_ls), dists[0])
    settled = max(i for i, d in enumerate(dists) if d > target) + 1
    assert FACTS["took"] == settled == 222
    assert QUESTIONS["b2"].correct(FACTS) == "About 220"


def test_the_ravine_is_the_same_points_shifted():
    lam = np.linalg.eigvalsh(hessian(notebook_x(10.0)))
    assert_allclose([FACTS["r_lam_min"], FACTS["r_lam_max"]], lam, rtol=1e-8)
    assert FACTS["r_kappa"] / FACTS["kappa"] > 100
    assert QUESTIONS["r1"].correct(FACTS) == "Over 100× larger"
    assert_allclose(RUNS.ravine.data.x, notebook_x(10.0))
    assert FACTS["r_left"] > 0.2  # it crawls: a quarter of the way left after 1,000 epochs


def test_standardizing_takes_one_step():
    s = RUNS.standardized
    h = s.history
    assert_allclose([h.w[1], h.b[1]], np.polyfit(s.data.x, s.data.y, 1), rtol=1e-10)
    z = (s.data.x - s.data.x.mean()) / s.data.x.std()
    assert_allclose(np.linalg.eigvalsh(hessian(z)), [2.0, 2.0], atol=1e-12)
    assert QUESTIONS["s1"].correct(FACTS) == "1" and FACTS["s_took"] == 1


def test_polyaks_numbers_from_the_curvatures():
    lo, hi = np.linalg.eigvalsh(hessian(notebook_x(10.0)))
    beta = ((math.sqrt(hi / lo) - 1) / (math.sqrt(hi / lo) + 1)) ** 2
    assert FACTS["beta_polyak"] == pytest.approx(beta, rel=1e-8)
    assert FACTS["lr_polyak"] == pytest.approx(4 / (math.sqrt(hi) + math.sqrt(lo)) ** 2)
    assert QUESTIONS["m1"].correct(FACTS) == "0.9"
    # The speed-up is about √κ: the rates are about 1 − 2/√κ and 1 − 2/κ.
    assert FACTS["speedup"] == pytest.approx(math.sqrt(hi / lo), rel=0.05)
    assert QUESTIONS["m2"].correct(FACTS).startswith("About √κ")
    # The race: the ravine and momentum presets' methods, 300 epochs each, from (0, 0).
    plain, heavy = RUNS.polyak
    assert (plain.optimizer.kind, plain.lr, heavy.optimizer.kind, heavy.lr) == (
        "gd",
        0.007,
        "momentum",
        0.015,
    )
    assert plain.epochs_run == heavy.epochs_run == 300 and plain.w[0] == heavy.b[0] == 0.0
    assert FACTS["p_took"] < 300 and FACTS["g_left"] > 0.5
    # Theory's epochs from (0, 0) to 1 %, against a plain loop of each update rule, written
    # here: for the best plain descent, Polyak's momentum and the momentum preset.
    t, data, stats = RUNS.ravine.stability, RUNS.ravine.data, RUNS.ravine.stats
    assert_allclose(RUNS.momentum.data.x, data.x)  # the two presets share the ravine's data
    assert_allclose(RUNS.momentum.data.y, data.y)
    for lr, beta, epochs in (
        (t.lr_fastest, 0.0, FACTS["t_best_epochs"]),
        (t.lr_polyak, t.beta_polyak, FACTS["t_polyak_epochs"]),
        (0.015, 0.9, FACTS["p_predicted"]),
    ):
        assert abs(epochs - plain_loop_settles(data, stats, lr, beta, 4000)) <= 1
    # Polyak's constants win in the long run (√κ) but less from the start (critical damping:
    # k·rate^k), and the preset's less-than-optimal β gets to 1 % sooner, as the text says.
    assert FACTS["t_speedup"] == pytest.approx(FACTS["t_best_epochs"] / FACTS["t_polyak_epochs"])
    assert 10 < FACTS["t_speedup"] < FACTS["speedup"] / 1.5
    assert FACTS["p_took"] < FACTS["t_polyak_epochs"]  # the run, from the page's race


def plain_loop_settles(data, stats, lr, beta, epochs):
    """Heavy ball (β = 0: gradient descent) in a plain loop from (0, 0): the epoch from which
    it stays within 1 % of the problem's scale of the least-squares optimum."""
    theta, v = np.zeros(2), np.zeros(2)
    opt = np.array([stats.w_ls, stats.b_ls])
    dists = [np.linalg.norm(theta - opt)]
    for _ in range(epochs):
        r = data.y - theta[0] * data.x - theta[1]
        v = beta * v + np.array([np.mean(-2 * data.x * r), np.mean(-2 * r)])
        theta = theta - lr * v
        dists.append(np.linalg.norm(theta - opt))
    scale = max(np.linalg.norm(opt), dists[0])
    return int(np.flatnonzero(np.array(dists) > 0.01 * scale)[-1]) + 1


def test_adams_first_step_is_lr_in_each_parameter():
    # Adam's first step: m̂ = g, ŝ = g², so the move is lr·g/(|g| + eps) = lr in each.
    lr = FACTS["a_lr"]
    assert_allclose([FACTS["a_dw"], FACTS["a_db"]], [lr, lr], rtol=1e-6)
    x = notebook_x(10.0)
    y = RUNS.ravine.data.y
    g = [np.mean(-2 * x * y), np.mean(-2 * y)]  # the gradient at (0, 0)
    assert FACTS["grad_ratio"] == pytest.approx(g[0] / g[1], rel=1e-10)
    assert QUESTIONS["a1"].correct(FACTS) == "About the same size"
    adam_why = BEYOND_STEPS[4].why.format_map(FACTS)
    assert f"best needs about {FACTS['t_best_epochs']:,.0f}" in adam_why  # theory's best GD
    assert FACTS["a_took"] < FACTS["t_best_epochs"] / 4


def test_smaller_lr_or_larger_batch_calms_the_noise():
    floor = RUNS.noisy.least_squares.loss
    excess = [float(np.mean(h.loss[h.epochs_run // 2 :])) - floor for h in RUNS.calm]
    assert_allclose(excess, [FACTS["noise_base"], FACTS["noise_lr"], FACTS["noise_batch"]])
    assert excess[0] > 5 * max(excess[1:])
    assert [(h.batch_size, h.lr) for h in RUNS.calm] == [(10, 0.05), (10, 0.01), (50, 0.05)]
    assert QUESTIONS["n1"].correct(FACTS) == "Jitter up and down, above the floor"
    assert QUESTIONS["n2"].correct(FACTS) == "Both"


def test_every_answer_is_one_of_its_choices_and_every_template_fills_in():
    for step in BEYOND_STEPS:
        for text in (step.title, step.intro, step.why):
            assert "{" not in text.format_map(FACTS)
        for q in step.questions:
            assert q.correct(FACTS) in [c.format_map(FACTS) for c in q.choices], q.key
    for _, text in BEYOND_TAKEAWAYS:
        assert "{" not in text.format_map(FACTS)
    assert {s.reveal for s in BEYOND_STEPS} == set(BeyondReveal) == set(beyond_page.BEYOND.reveals)


# --- The page, driven through AppTest ---------------------------------------------------------

SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from app.views.beyond import beyond_lesson
beyond_lesson()
"""
#: The learner's answers: the first choice of every question (right only for some).
FIRST = {key: q.choices[0].format_map(FACTS) for key, q in QUESTIONS.items()}


def _texts(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.info, *at.caption])


def _check_reveal(at: AppTest, k: int) -> None:
    text = _texts(at)
    for q in BEYOND_STEPS[k - 1].questions:
        right = FIRST[q.key] == q.correct(FACTS)
        verdict = ":green[**Right**]" if right else ":orange[**Not this time**]"
        assert verdict in text, f"{q.key}: the learner's answer judged wrongly"
        assert q.correct(FACTS) in text
    reveal = BEYOND_STEPS[k - 1].reveal
    if reveal is BeyondReveal.CURVATURE:
        table = at.dataframe[0].value
        assert_allclose(table["curvature λ"], np.linalg.eigvalsh(hessian(notebook_x())))
        assert "222" in text
    if reveal is BeyondReveal.RAVINE:
        (chart,) = chart_payloads(at)
        assert chart["config"]["toImageButtonOptions"]["filename"] == "beyond-ravine"
        assert f"{FACTS['r_kappa']:,.0f}" in text
        assert "[Open it in the Playground](./playground?preset=ravine)" in text  # a link
    if reveal is BeyondReveal.STANDARDIZED:
        assert f"{FACTS['ls_b']:.4f}" in text
    if reveal is BeyondReveal.POLYAK:
        (chart,) = chart_payloads(at)  # the race of the ravine and momentum presets
        assert chart["config"]["toImageButtonOptions"]["filename"] == "beyond-polyak"
        names = [t.get("name", "") for t in chart["figure"]["data"]]
        assert not any("(current)" in n for n in names)  # no "current" run in a lesson
        table = at.dataframe[0].value
        assert list(table["theory: epochs from (0, 0) to 1 %"]) == [
            FACTS["t_best_epochs"],
            FACTS["t_polyak_epochs"],
            FACTS["p_predicted"],
        ]
        assert_allclose(table["β"], [0.0, FACTS["beta_polyak"], FACTS["m_beta"]])
        assert f"gets there in {FACTS['p_took']} epochs" in text
    if reveal is BeyondReveal.ADAM:
        table = at.dataframe[0].value
        assert_allclose(table["move in w"][1], FACTS["a_lr"], rtol=1e-6)
        assert_allclose(table["move in w"][0] / table["move in b"][0], FACTS["grad_ratio"])
    if reveal is BeyondReveal.NOISE:
        table = at.dataframe[0].value
        assert_allclose(table["loss above the floor (second half)"][0], FACTS["noise_base"])
        final = RUNS.calm[2].final_loss
        (chart,) = chart_payloads(at)
        names = [t.get("name", "") for t in chart["figure"]["data"]]
        assert "batch 10 · lr 0.05 (the preset)" in names and "(current)" not in str(names)
        assert f"batch 50 · lr 0.05: final loss {final:.4g}" in text


def test_walk_the_second_lesson():
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception
    n = len(BEYOND_STEPS)
    for k, step in enumerate(BEYOND_STEPS[:-1], start=1):
        assert at.get("progress")[0].proto.text == f"Step {k} of {n}"
        assert at.button(key="beyond_next").disabled and not chart_payloads(at)
        for q in step.questions:
            at.radio(key=f"beyond_input_{q.key}").set_value(FIRST[q.key])
        at.run()
        at.button(key=f"beyond_lock_{step.questions[0].key}").click().run()
        assert not at.exception
        _check_reveal(at, k)
        at.button(key="beyond_next").click().run()
        assert not at.exception
    text = _texts(at)
    assert f"{FACTS['speedup']:.0f}× fewer epochs" in text
    assert f"{FACTS['noise_base']:.4f}" in text
    # The two lessons keep separate state: Start over here leaves nothing of this lesson.
    at.button(key="beyond_restart").click().run()
    assert at.get("progress")[0].proto.text == f"Step 1 of {n}"
    assert not [k for k in at.session_state if str(k).startswith("beyond_answer")]


def test_the_app_registers_the_second_lesson():
    at, page = open_page("beyond")
    assert page["page_name"] == "Beyond the notebook"
    assert not at.exception
    assert [t.value for t in at.title] == ["Lesson: beyond the notebook"]
