"""Teacher presets: named scenarios, each a set of control values and what it shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .params import PARAMS, canonical, defaults

__all__ = ["PRESETS", "RAVINE", "Preset", "holds"]


@dataclass(frozen=True)
class Preset:
    """A named scenario. ``values`` override the defaults of app.model.params.PARAMS."""

    name: str  # used in the URL: ?preset=NAME
    title: str
    shows: str
    values: dict[str, Any] = field(default_factory=dict)


#: The notebook's points moved right by 10: x from 5 to 15 (the same draws, shifted).
RAVINE = {"x_center": 10.0}

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            "notebook",
            "The notebook",
            "The notebook's run: 100 epochs at lr 0.01 from (0, 0). "
            "w is nearly there; b is still climbing.",
        ),
        Preset(
            "too-small",
            "Learning rate too small",
            "lr 0.001: each step is tiny, and after 100 epochs the line has barely started to fit.",
            {"lr": 0.001},
        ),
        Preset(
            "diverges",
            "Too large: diverges",
            "lr 0.5, above this data's stability limit: "
            "every step overshoots further and the loss explodes within a few epochs.",
            {"lr": 0.5},
        ),
        Preset(
            "oscillating",
            "Oscillating",
            "lr 0.1, between the no-overshoot limit and the "
            "stability limit: the parameters zig-zag across the valley but still converge.",
            {"lr": 0.1, "epochs": 15},
        ),
        Preset(
            "no-noise",
            "No noise",
            "σ = 0: the points lie on the true line, so gradient "
            "descent can find the true w and b exactly.",
            {"noise": 0.0, "epochs": 2000},
        ),
        Preset(
            "many-samples",
            "Many samples",
            "10,000 points: the least-squares line sits "
            "almost on the true line, and training costs no more than with 100.",
            {"n_samples": 10000, "epochs": 1000},
        ),
        Preset(
            "far-start",
            "Far start",
            "Start at w = −8, b = 9: the path first runs down the "
            "steep side of the valley, then crawls along its floor.",
            {"w0": -8.0, "b0": 9.0, "lr": 0.05, "epochs": 800},
        ),
        # --- Beyond the notebook: the second lesson's scenarios ---
        Preset(
            "ravine",
            "A ravine from shifted x",
            "The same points moved right by 10 (x from 5 to 15): w and b now pull against "
            "each other and the valley becomes a narrow ravine (κ ≈ 1,200). The largest safe "
            "learning rate zig-zags across it and crawls along it.",
            RAVINE | {"lr": 0.007, "epochs": 1000},
        ),
        Preset(
            "standardized",
            "The cure: standardize x",
            "The ravine again, trained on z = (x − mean) / std: the valley is round (κ = 1), "
            "and at lr 0.5 gradient descent lands on the optimum in one step.",
            RAVINE | {"standardize": True, "lr": 0.5, "epochs": 20},
        ),
        Preset(
            "momentum",
            "Momentum through the ravine",
            "The ravine with momentum β = 0.9, close to Polyak's best β for it: the velocity "
            "builds up along the floor, and it converges in about 130 epochs where plain "
            "gradient descent needs thousands.",
            RAVINE | {"optimizer": "momentum", "beta": 0.9, "lr": 0.015, "epochs": 300},
        ),
        Preset(
            "adam",
            "Adam in the ravine",
            "Adam gives w and b steps of about the same size whatever the curvature, so at "
            "lr 0.2 it crosses the ravine without tuning the learning rate to it.",
            RAVINE | {"optimizer": "adam", "lr": 0.2, "epochs": 600},
        ),
        Preset(
            "mini-batch",
            "Mini-batch noise",
            "The notebook's data in batches of 10 at lr 0.05: ten noisy steps an epoch. "
            "The loss falls fast, then jitters above the least-squares floor.",
            {"batch": 10, "lr": 0.05, "epochs": 200},
        ),
    ]
}


def _run(values: Mapping[str, Any]) -> dict[str, Any]:
    """The run part of every control's values, as :func:`canonical` compares runs."""
    return {
        k: v for k, v in canonical(defaults() | dict(values)).items() if PARAMS[k].group != "view"
    }


def holds(name: str, values: Mapping[str, Any]) -> bool:
    """Whether ``values`` (the controls', by key) still make scenario ``name``'s run.

    The view's controls (log scale, speed) change no run, and neither does a β the
    optimizer ignores.

    >>> holds("diverges", {"lr": 0.5, "log_loss": True})
    True
    >>> holds("diverges", {"lr": 0.01})
    False
    >>> holds("notebook", {"beta": 0.5})  # gradient descent has no β
    True
    """
    return _run(values) == _run(PRESETS[name].values)
