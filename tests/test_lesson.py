"""The lesson page: its numbers against the core and the notebook, and a full walk-through."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from streamlit.testing.v1 import AppTest

from app.model.compute import run
from app.model.lessons.notebook import (
    STEPS,
    TAKEAWAYS,
    Reveal,
    gap_shares,
    grade_number,
    lesson_facts,
    progress_line,
    progress_rows,
    race_verdict,
    settle_epoch,
    uphill_losses,
)
from app.model.params import RACE_LRS
from app.model.settings import Settings
from app.ui.lesson_engine import LessonPage
from app.views import lesson as lesson_page
from linreg_core import (
    LrRegime,
    classify_lr,
    make_dataset,
    train,
    train_by_steps,
    train_many,
    train_step,
)
from tests.helpers import ROOT, chart_payloads, open_page
from tests.notebook_reference import PRINTED_PROGRESS, notebook_data, notebook_training

RUN = run(Settings())
RACE = train_many(RUN.stats, RACE_LRS, RUN.settings.epochs)
FACTS = lesson_facts(RUN, RACE)

# --- Pure content -----------------------------------------------------------------------------


def test_progress_table_prints_the_notebooks_lines():
    lines = [progress_line(r) for r in progress_rows(RUN.history)]
    assert lines == PRINTED_PROGRESS.splitlines()


def test_progress_rows_match_the_plain_loop_and_the_notebook():
    """The fast path's rows against train_by_steps and the notebook's own loop, unrounded."""
    fast = progress_rows(RUN.history)
    plain = progress_rows(train_by_steps(make_dataset(), 0.01, 100))
    losses, ws, bs = notebook_training(*notebook_data(), 0.01)
    oracle = [(e, losses[e - 1], ws[e - 1], bs[e - 1]) for e in range(10, 101, 10)]
    assert [r[0] for r in fast] == [r[0] for r in oracle] == list(range(10, 101, 10))
    assert_allclose(np.array(fast), np.array(plain), rtol=1e-10)
    assert_allclose(np.array(fast), np.array(oracle), rtol=1e-10)


def test_first_step_numbers_match_the_notebook_formula():
    x, y = notebook_data()  # y_pred = 0 at the start, so the residual is y itself
    assert_allclose(FACTS["dw0"], np.mean(-2 * x * y), rtol=1e-12)
    assert_allclose(FACTS["db0"], np.mean(-2 * y), rtol=1e-12)
    assert_allclose(FACTS["loss0"], np.mean(y**2), rtol=1e-12)
    assert_allclose(FACTS["new_w0"], -0.01 * np.mean(-2 * x * y), rtol=1e-12)


@pytest.mark.parametrize("w, b", [(0.0, 0.0), (1.0, -3.0), (2.5, 4.0)])
def test_the_gradient_points_uphill(w, b):
    down, here, up = uphill_losses(RUN.data, w, b)
    assert down < here < up


def test_gap_shares_split_the_gap():
    assert_allclose(gap_shares(2.0, 1.9, 1.5), (0.2, 0.8))
    assert gap_shares(2.0, 2.0, 2.0) == (0.0, 0.0)
    noise, unfinished = FACTS["noise_share"], FACTS["unfinished_share"]
    assert_allclose(noise + unfinished, 1.0)  # least squares lies between truth and GD here
    assert_allclose(
        unfinished, (RUN.least_squares.b - RUN.history.b[-1]) / (2.0 - RUN.history.b[-1])
    )
    assert unfinished > 0.9  # the lesson's claim: most of b's gap is unfinished training


def test_settle_epoch():
    values = np.array([0.0, 5.0, 8.0, 9.0, 9.5])
    assert settle_epoch(values, 10.0) == 3
    assert settle_epoch(values, 10.0, share=0.99) is None
    assert settle_epoch(values, 0.0) == 0
    w_settle = FACTS["w_settle"]
    assert RUN.history.w[w_settle] >= 0.9 * RUN.least_squares.w > RUN.history.w[w_settle - 1]


def test_race_verdict_agrees_with_the_stability_limit():
    diverge, slow = race_verdict(RACE)
    assert classify_lr(RUN.stability, diverge) is LrRegime.DIVERGING
    assert (diverge, slow) == (0.5, 0.001)
    assert all(classify_lr(RUN.stability, lr) is not LrRegime.DIVERGING for lr in (0.001, 0.01))
    assert race_verdict(RACE[:1]) == (None, None)  # one stable run: nothing to call slow


def test_grade_number():
    assert grade_number(-24.0, -24.15) == "Spot on"
    assert grade_number(-10.0, -24.15) == "Right sign, different size"
    assert grade_number(5.0, -24.15) == "Opposite sign"


QUESTIONS = {q.key: q for step in STEPS for q in step.questions}


def _right_choice(key: str) -> str:
    return QUESTIONS[key].correct(FACTS)


def test_fixed_answers_agree_with_the_run():
    """Questions whose answer is written into the content: the run must bear them out."""
    h = RUN.history
    assert _right_choice("2") == "ŷ = 0 for every x"
    assert_allclose(h.w[0] * np.array([-4.0, 4.0]) + h.b[0], 0.0)
    assert _right_choice("4") == "w close to 1.5, but b still well short of 2"
    assert abs(h.w[-1] - 1.5) < 0.1 and 2.0 - h.b[-1] > 0.2
    assert h.w.max() < 1.5 and h.b.max() < 2.0  # no overshoot
    assert _right_choice("5") == "Steep at first, then flattening"
    assert FACTS["early_drop"] > 0.5
    # Step 3 asks for the derivation (the notebook's exercise), not to plug into it: the
    # prompt has no formula, and its hint's estimate, −2·1.5·mean(x²), is near the answer.
    assert "mean(−2" not in QUESTIONS["3"].prompt
    assert abs(-2 * 1.5 * 100 / 12 - FACTS["dw0"]) < 0.1 * abs(FACTS["dw0"])
    # Two losses at epoch 100, both named: the notebook's printout (before the last update)
    # and the final w and b's, which the player and the later steps show.
    assert round(FACTS["loss_printed_end"], 4) == 1.8930  # as the notebook prints it
    assert FACTS["loss_end"] < FACTS["loss_printed_end"]
    plots_why = next(st.why for st in STEPS if st.reveal is Reveal.PLOTS).format_map(FACTS)
    assert f"{FACTS['loss_end']:.4f} at the final w and b" in plots_why and "1.8930" in plots_why
    assert _right_choice("6") == "Both: it rotates and shifts"
    assert FACTS["w_settle"] < 30 and FACTS["b_share"] < 0.9


def test_answers_read_off_the_run_are_the_notebooks():
    """Questions whose answer is a lesson fact: the fact exists and says what the notebook did."""
    for q in QUESTIONS.values():
        if isinstance(q.answer, str):
            assert q.answer in FACTS, f"question {q.key}: no lesson fact {q.answer!r}"
            if q.choices:  # the run's answer is one of the choices offered
                assert q.correct(FACTS) in [c.format_map(FACTS) for c in q.choices], q.key
        else:
            assert 0 <= q.answer < len(q.choices), f"question {q.key}: no choice {q.answer}"
    x, y = notebook_data()
    final_loss = {lr: notebook_training(x, y, lr)[0][-1] for lr in RACE_LRS}
    blown_up = [lr for lr, loss in final_loss.items() if not loss < 1e6]
    assert [float(_right_choice("7a"))] == blown_up == [0.5]
    slowest = max((lr for lr in RACE_LRS if lr not in blown_up), key=final_loss.get)
    assert float(_right_choice("7b")) == slowest == 0.001
    # The typed estimate of dL/dw at the start, as the notebook's formula gives it.
    assert float(_right_choice("3")) == pytest.approx(np.mean(-2 * x * y), abs=5e-5)


def test_every_steps_reveal_is_drawn():
    assert {step.reveal for step in STEPS} == set(Reveal)
    assert set(lesson_page.NOTEBOOK.reveals) == set(Reveal)  # one drawing function per kind


def test_a_kind_of_reveal_takes_one_function():
    page = LessonPage(title="t", prefix="t_", steps=(), load=lambda: ((), {}))
    page.reveal(Reveal.DATA)(print)
    with pytest.raises(ValueError, match="has a reveal already"):
        page.reveal(Reveal.DATA)(repr)
    assert page.reveals == {Reveal.DATA: print}


def test_step_one_does_not_talk_about_panels():
    """Step 1 reveals the data chart alone: a single panel."""
    step = STEPS[0]
    assert step.reveal is Reveal.DATA
    texts = [step.title, step.intro, step.why, *(q.prompt for q in step.questions)]
    assert not [t for t in texts if "panel" in t.lower()]


def test_every_template_fills_in():
    for step in STEPS:
        for text in (step.title, step.intro, step.why):
            assert "{" not in text.format_map(FACTS)
        for q in step.questions:
            assert "{" not in q.prompt.format_map(FACTS)
            assert all("{" not in c.format_map(FACTS) for c in q.choices)
    for _, text in TAKEAWAYS:
        assert "{" not in text.format_map(FACTS)


# --- The page, driven through AppTest ---------------------------------------------------------

SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from app.views.lesson import lesson
lesson()
"""


def _lesson() -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _progress(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


# What the learner answers at each step (a mix of right and wrong).
CHOICES = {
    "1": "Scattered around a straight line",
    "2": "The average of the y values",
    "4": "w close to 1.5, but b still well short of 2",
    "5": "A straight line down",
    "6": "Both: it rotates and shifts",
    "7a": "0.5",
    "7b": "0.01",
}
RIGHT = {"1": True, "2": False, "4": True, "5": False, "6": True, "7a": True, "7b": False}
GUESS_DW = -20.0


def _answer_and_lock(at: AppTest, k: int) -> AppTest:
    step = STEPS[k - 1]
    lock = at.button(key=f"lesson_lock_{step.questions[0].key}")
    assert lock.disabled, "the lock must wait for an answer"
    assert at.button(key="lesson_next").disabled, "Next must wait for a locked-in prediction"
    assert at.button(key="lesson_next").help == "Lock in your prediction to move on."
    assert not chart_payloads(at) and not at.dataframe  # nothing revealed yet
    for q in step.questions:
        if q.choices:
            at.radio(key=f"lesson_input_{q.key}").set_value(CHOICES[q.key])
        else:
            at.number_input(key=f"lesson_input_{q.key}").set_value(GUESS_DW)
    at.run()
    assert not at.exception
    at.button(key=f"lesson_lock_{step.questions[0].key}").click().run()
    assert not at.exception
    return at


def _check_reveal(at: AppTest, k: int) -> None:
    text = _texts(at)
    for q in STEPS[k - 1].questions:
        if q.key in RIGHT:
            assert CHOICES[q.key] in text
            assert (":green[**Right**]" in text) or not RIGHT[q.key]
            assert (":orange[**Not this time**]" in text) or RIGHT[q.key]
    data = make_dataset()
    if k in (1, 5, 6):
        (chart,) = chart_payloads(at)
        assert chart["config"]["toImageButtonOptions"]["filename"].startswith("lesson-")
    if k == 2:
        table = at.dataframe[0].value
        # The lines are formulas above the table (KaTeX), the headers plain words.
        assert list(table.columns) == ["x", "the model's ŷ", "the true line's y"]
        assert r"$\hat{y} = 0\,x + 0$" in text and r"$y = 1.5\,x + 2$" in text
        assert_allclose(table.iloc[:, 1], 0.0)
        assert_allclose(table.iloc[:, 2], 1.5 * table["x"] + 2.0)
    if k == 3:
        first = train_step(data.x, data.y, 0.0, 0.0, 0.01)
        assert f"{GUESS_DW:.4f}" in text and f"{first.dw:.4f}" in text
        assert "Right sign, different size" in text
        latex = "\n".join(e.value for e in at.latex)
        for v in (first.dw, first.db, first.new_w, first.new_b):
            assert f"{v:.4f}" in latex
    if k == 4:
        h = train(data, 0.01, 100)
        table = at.dataframe[0].value
        assert list(table["epoch"]) == list(range(10, 101, 10))
        epochs = np.array(table["epoch"])
        assert_allclose(table["loss"], h.epoch_loss[epochs - 1], rtol=1e-12)
        assert_allclose(table["w"], h.w[epochs], rtol=1e-12)
        assert_allclose(table["b"], h.b[epochs], rtol=1e-12)
        shown = [
            progress_line(r)
            for r in zip(epochs, table["loss"], table["w"], table["b"], strict=True)
        ]
        assert shown == PRINTED_PROGRESS.splitlines()  # at 4 decimals, the notebook's print
        assert at.code[0].value.splitlines() == PRINTED_PROGRESS.splitlines()
        # The last row says 1.8930; the chart's label 1.8899: the caption says why, here.
        assert f"At the final w and b the loss is {h.final_loss:.4f}" in at.caption[0].value
        assert f"{h.final_loss:.4f}" != f"{h.epoch_loss[-1]:.4f}"
    if k == 7:
        (chart,) = chart_payloads(at)
        assert chart["config"]["toImageButtonOptions"]["filename"] == "lesson-learning-rate-race"
        names = [t.get("name") for t in chart["figure"]["data"]]
        assert "lr = 0.01 (the notebook's)" in names
        assert f"{RUN.stability.lr_max:.3g}" in at.caption[0].value
        assert "lr 0.5: diverged at epoch" in at.caption[0].value


def test_walk_the_whole_lesson():
    at = _lesson()
    assert at.button(key="lesson_back").disabled
    for k in range(1, len(STEPS)):
        assert _progress(at) == f"Step {k} of {len(STEPS)}"
        at = _answer_and_lock(at, k)
        _check_reveal(at, k)
        assert at.button(key="lesson_next").help == f"On to step {k + 1} of {len(STEPS)}."
        at.button(key="lesson_next").click().run()
        assert not at.exception
    # The takeaways: each idea with its number from the core.
    assert _progress(at) == f"Step {len(STEPS)} of {len(STEPS)}"
    assert at.button(key="lesson_next").disabled
    assert at.button(key="lesson_next").help == "This is the lesson's last step."
    text = _texts(at)
    down, here, up = uphill_losses(RUN.data, 0.0, 0.0)
    for v in (down, here, up, RUN.least_squares.b, RUN.history.b[-1]):
        assert f"{v:.4f}" in text
    assert f"{FACTS['unfinished_share']:.0%}" in text
    gap = at.dataframe[0].value
    assert_allclose(gap["b"], [2.0, RUN.least_squares.b, RUN.history.b[-1]], rtol=1e-12)
    assert_allclose(gap["w"], [1.5, RUN.least_squares.w, RUN.history.w[-1]], rtol=1e-12)

    # Back keeps earlier predictions: step 7 is still revealed with the learner's answers.
    at.button(key="lesson_back").click().run()
    assert _progress(at) == f"Step 7 of {len(STEPS)}"
    assert at.session_state["lesson_answer_7b"] == "0.01"
    assert len(chart_payloads(at)) == 1 and not at.radio

    # Start over forgets everything.
    at.button(key="lesson_restart").click().run()
    assert not at.exception
    assert _progress(at) == f"Step 1 of {len(STEPS)}"
    answers = [f"lesson_answer_{q.key}" for s in STEPS for q in s.questions]
    assert not [key for key in answers if key in at.session_state]
    assert at.radio(key="lesson_input_1").value is None


def test_the_app_registers_the_lesson():
    at, lesson = open_page("lesson")
    assert lesson["page_name"] == "Lesson"
    assert not at.exception
    assert [t.value for t in at.title] == ["Lesson: gradient descent from scratch"]
