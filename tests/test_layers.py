"""The layers, read from the imports: each package may use only the layers under it.

From the bottom: ``linreg_core`` (NumPy only), the Streamlit-free ``app.model`` (settings,
links, runs, text, the data package, the lessons' content) and ``app.classroom`` (the live
class's rules), the pure chart builders ``app.charts``, the class storage ``app.storage``
(SQLAlchemy), then the Streamlit layers: ``app.ui`` (widgets, caches, the chart component)
and ``app.views`` (pages), and the entry script. A module that fits no layer fails too, so
a new package has to be placed here first.
"""

from __future__ import annotations

import ast
import sys

import pytest

from tests.source_tree import ROOT, Source, imported, sources

#: layer -> the app and core layers it may import (itself included).
LAYERS = {
    "linreg_core": {"linreg_core"},
    "app.model": {"linreg_core", "app.model"},
    "app.classroom": {"linreg_core", "app.model", "app.classroom"},
    "app.charts": {"linreg_core", "app.model", "app.charts"},
    "app.storage": {"app.classroom", "app.storage"},
    "app.ui": {"linreg_core", "app.model", "app.classroom", "app.charts", "app.storage", "app.ui"},
    "app.views": {
        "linreg_core",
        *("app.model", "app.classroom", "app.charts", "app.storage", "app.ui", "app.views"),
    },
    "app.streamlit_app": {"app.views", "app.ui"},
}
#: Third-party packages each layer may import (the standard library is always allowed).
OUTSIDE = {
    "linreg_core": {"numpy"},
    "app.model": {"numpy"},
    "app.classroom": {"numpy"},
    "app.charts": {"numpy", "plotly"},
    "app.storage": {"sqlalchemy"},
    "app.ui": {"numpy", "streamlit", "segno", "sqlalchemy"},
    "app.views": {"numpy", "streamlit"},
    "app.streamlit_app": {"streamlit"},
}
#: Modules of the app that belong to no layer: the package's empty ``__init__``.
PACKAGE_ROOTS = {"app"}
#: Third-party packages no app or core module imports directly. Test tools above all:
TEST_ONLY = {"pytest", "hypothesis", "playwright"}


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name, or None for a module of no layer."""
    for layer in sorted(LAYERS, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def _ours(module: str) -> bool:
    return module.split(".")[0] in {"app", "linreg_core"}


def _stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names or module == "__future__"


def _violations(source: Source) -> list[str]:
    layer = layer_of(source.module)
    if layer is None:
        return [] if source.module in PACKAGE_ROOTS else [f"{source.where}: in no layer"]
    bad = []
    for line, module in imported(source):
        if module in PACKAGE_ROOTS:  # `from .. import charts` names the package itself
            continue
        if _ours(module):
            target = layer_of(module)
            if target is None or target not in LAYERS[layer]:
                bad.append(f"{source.where}:{line} ({layer}) imports {module}")
        elif not _stdlib(module) and module.split(".")[0] not in OUTSIDE[layer]:
            bad.append(f"{source.where}:{line} ({layer}) imports {module}")
    return bad


def test_every_module_keeps_to_its_layer():
    bad = [v for source in sources() for v in _violations(source)]
    assert not bad, "\n".join(bad)


def test_the_layers_were_all_found():
    """Each layer has modules (a renamed folder would otherwise pass unchecked)."""
    found = {layer_of(s.module) for s in sources()}
    assert set(LAYERS) <= found, set(LAYERS) - found


@pytest.mark.parametrize(
    ("module", "line", "expected"),
    [
        # The checker itself: each rule catches what it is for.
        ("linreg_core.train", "from app.model import params", "imports app.model"),
        ("linreg_core.train", "import streamlit", "imports streamlit"),
        ("app.model.text", "import streamlit as st", "imports streamlit"),
        ("app.model.text", "from ..ui.cache import cached_run", "imports app.ui.cache"),
        ("app.charts.data", "from ..ui.chart import show_figure", "imports app.ui.chart"),
        ("app.charts.data", "import streamlit", "imports streamlit"),
        ("app.storage.store", "import streamlit", "imports streamlit"),
        ("app.storage.store", "from ..views import class_page", "imports app.views"),
        ("app.ui.cache", "from ..views.playground import playground", "imports app.views"),
        ("app.classroom.codes", "import sqlalchemy", "imports sqlalchemy"),
        ("app.views.lesson", "import pytest", "imports pytest"),
        ("app.stray", "import json", "in no layer"),
    ],
)
def test_the_checker_catches_each_kind_of_arrow(module, line, expected):
    path = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    source = Source(path, module, ast.parse(line))
    found = _violations(source)
    assert found and expected in found[0], found


def test_nothing_imports_a_test_tool():
    bad = [
        f"{s.where}:{line} imports {module}"
        for s in sources()
        for line, module in imported(s)
        if module.split(".")[0] in TEST_ONLY
    ]
    assert not bad, bad
