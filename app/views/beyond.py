"""The second lesson, "Beyond the notebook": its reveals, run by the lesson engine."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ..charts import race_figure
from ..model.compute import Run
from ..model.lessons.beyond import (
    BEYOND_STEPS,
    BEYOND_TAKEAWAYS,
    CALM,
    Beyond,
    BeyondFacts,
    BeyondReveal,
    beyond,
    beyond_facts,
    excess_loss,
    first_steps,
)
from ..model.text import race_summary, status_message
from ..ui.cache import cached_run
from ..ui.chart import chart_style, show_figure
from ..ui.lesson_engine import LessonPage, lesson_done, run_lesson, show_run, show_takeaways

PREFIX = "beyond_"


@st.cache_resource(max_entries=1, show_spinner=False)
def _lesson_runs() -> tuple[Beyond, BeyondFacts]:
    """The lesson's runs and numbers: the same for every learner, so made once."""
    runs = beyond(cached_run)
    return runs, beyond_facts(runs)


def _load() -> tuple[tuple, BeyondFacts]:
    runs, facts = _lesson_runs()
    return (runs,), facts


#: The page; each reveal function below registers itself for its kind.
BEYOND = LessonPage(
    title="Lesson: beyond the notebook", prefix=PREFIX, steps=BEYOND_STEPS, load=_load
)


def _open_in_playground(preset: str, what: str = "it") -> str:
    """A Markdown link that opens the Playground on ``preset`` (a new tab: the lesson stays).

    Relative, so that it works under any base path the app is served from."""
    return f"[Open {what} in the Playground](./playground?{urlencode({'preset': preset})})"


def _playground(run: Run, name: str, preset: str | None = None) -> None:
    show_run(run, key=f"{PREFIX}fig_{name}", filename=f"beyond-{name}")
    link = f" {_open_in_playground(preset)}." if preset else ""
    st.caption(status_message(run)[1] + link)


@BEYOND.reveal(BeyondReveal.CURVATURE)
def _curvature(b: Beyond, facts: BeyondFacts) -> None:
    s = b.notebook.stats
    st.latex(
        rf"H = 2\begin{{bmatrix}} \mathrm{{mean}}(x^2) & \mathrm{{mean}}(x) \\ \mathrm{{mean}}(x)"
        rf" & 1 \end{{bmatrix}} = \begin{{bmatrix}} {2 * (s.var_x + s.x_mean**2):.3f} & "
        rf"{2 * s.x_mean:.3f} \\ {2 * s.x_mean:.3f} & 2 \end{{bmatrix}},\quad "
        rf"\lambda = {facts.lam_min:.3f},\ {facts.lam_max:.2f}"
    )
    st.dataframe(
        {
            "direction": ["gentle (mostly b)", "steep (mostly w)"],
            "curvature λ": [facts.lam_min, facts.lam_max],
            f"factor per epoch at lr {facts.lr:g}": [facts.slow, facts.fast],
        },
        hide_index=True,
        key=f"{PREFIX}curvature",
    )
    _playground(b.notebook, "notebook")


@BEYOND.reveal(BeyondReveal.RAVINE)
def _ravine(b: Beyond, facts: BeyondFacts) -> None:
    _playground(b.ravine, "ravine", "ravine")


@BEYOND.reveal(BeyondReveal.STANDARDIZED)
def _standardized(b: Beyond, facts: BeyondFacts) -> None:
    _playground(b.standardized, "standardized", "standardized")


@BEYOND.reveal(BeyondReveal.POLYAK)
def _polyak(b: Beyond, facts: BeyondFacts) -> None:
    style = chart_style()
    summary = race_summary(b.polyak, "optimizer")
    show_figure(  # drawn on the momentum run's landscape: its window holds both paths
        race_figure(b.polyak, b.momentum, style=style, by="optimizer", current=None),
        key=f"{PREFIX}polyak",
        filename="beyond-polyak",
        alt=f"The ravine: gradient descent against momentum. {summary}.",
        style=style,
    )
    st.caption(f"The ravine and momentum presets, {facts.polyak_epochs} epochs each. {summary}.")
    t, m = b.ravine.stability, b.momentum.settings
    st.dataframe(
        {
            "method": ["best plain gradient descent", "Polyak's momentum", "momentum preset"],
            "lr": [t.lr_fastest, t.lr_polyak, m.lr],
            "β": [0.0, t.beta_polyak, m.beta],
            "theory: factor per epoch, long run": [
                t.rate_fastest,
                t.rate_polyak,
                t.contraction(m.lr, m.method),
            ],
            "theory: epochs from (0, 0) to 1 %": [
                facts.t_best_epochs,
                facts.t_polyak_epochs,
                facts.p_predicted,
            ],
        },
        hide_index=True,
        key=f"{PREFIX}polyak_table",
    )


@BEYOND.reveal(BeyondReveal.ADAM)
def _adam(b: Beyond, facts: BeyondFacts) -> None:
    lr = facts.a_lr
    gd = first_steps(b.ravine, b.ravine.settings.method, lr)
    st.dataframe(
        {
            f"first step at lr {lr:g}": ["gradient descent", "Adam"],
            "move in w": [gd[0], facts.a_dw],
            "move in b": [gd[1], facts.a_db],
        },
        hide_index=True,
        key=f"{PREFIX}first_steps",
    )
    _playground(b.adam, "adam", "adam")


@BEYOND.reveal(BeyondReveal.NOISE)
def _noise(b: Beyond, facts: BeyondFacts) -> None:
    style = chart_style()
    summary = race_summary(b.calm, "batch")
    show_figure(
        race_figure(b.calm, b.noisy, style=style, by="batch", current="the preset"),
        key=f"{PREFIX}noise",
        filename="beyond-mini-batch-noise",
        alt=f"Mini-batch runs on the notebook's data. {summary}.",
        style=style,
    )
    floor = b.noisy.least_squares.loss
    st.dataframe(
        {
            "run": [words for words, _ in CALM],
            "batch": [h.batch_size for h in b.calm],
            "lr": [h.lr for h in b.calm],
            "loss above the floor (second half)": [excess_loss(h, floor) for h in b.calm],
        },
        hide_index=True,
        key=f"{PREFIX}noise_table",
    )
    st.caption(f"{_open_in_playground('mini-batch', 'the first')}. {summary}.")


@BEYOND.reveal(BeyondReveal.TAKEAWAYS)
def _takeaways(b: Beyond, facts: BeyondFacts) -> None:
    show_takeaways(BEYOND_TAKEAWAYS, facts)
    lesson_done(
        "Every run in this lesson is a scenario in the Playground (ravine, standardized, "
        "momentum, adam, mini-batch): change the optimizer, β, the batch size or the learning "
        "rate there and watch what theory says."
    )


def beyond_lesson() -> None:
    """Feature scaling, momentum, Adam and mini-batches, each predicted before it is shown."""
    run_lesson(BEYOND)
