"""The model modules' docstring examples (doctest collection covers ``tests`` and
``linreg_core`` only; the chart modules' are run by tests/test_charts.py)."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "name", ["links", "presets", "lessons.steps", "data.points_link", "numbers"]
)
def test_the_model_modules_examples_run(name):
    result = doctest.testmod(importlib.import_module(f"app.model.{name}"))
    assert result.attempted > 0 and result.failed == 0
