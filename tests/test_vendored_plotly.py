"""The app's plotly.js: npm's ``plotly.js-basic-dist-min`` 4.1.1, committed as it is.

Community Cloud installs only ``requirements.txt``, so the partial bundle the chart loads
lives in ``app/static/plotly/`` with its licence. The basic bundle has the scatter, bar
and pie traces and all of plotly.js's components (the landscape is a layout image, not a
trace); it is 1.19 MB (395 KB gzipped) against the cartesian bundle's 1.50 MB (497 KB).
These tests check that the file is exactly the one in the pinned npm package, that it is
the plotly.js version plotly.py ships (the figures are written by plotly.py's
conventions), and that it has every trace type and layout part the app's figures use.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile
import urllib.request
from importlib import resources
from pathlib import Path

import pytest

from app.charts import data_figure, figure_json, playground_figure, race_figure
from app.charts.class_chart import class_figure
from app.model.compute import run
from app.model.params import RACE_LRS
from app.model.settings import Settings
from linreg_core import train_many

FOLDER = Path(__file__).resolve().parents[1] / "app" / "static" / "plotly"
BUNDLE = FOLDER / "plotly-basic-4.1.1.min.js"
#: ``npm view plotly.js-basic-dist-min@4.1.1 dist.integrity``: the package's tarball.
NPM_INTEGRITY = (
    "sha512-1oNF8PeQx2hv/y7tqEVWKD3JGwn/MGEMQ8mL9HUwsaqG9FGy/"
    "OU5FHUHvzqbqxN4mnwZGI9abTiE775C4kkjMQ=="
)
NPM_TARBALL = (
    "https://registry.npmjs.org/plotly.js-basic-dist-min/-/plotly.js-basic-dist-min-4.1.1.tgz"
)
#: The SHA-512 of ``package/plotly-basic.min.js`` in that tarball.
BUNDLE_SHA512 = (
    "sha512-orZ6OgVLrRp8vSfEJ9XXGswEzLgmW4nqH1ja1cWJ"
    "RPqwAkyU0GcrM42aDvIcJjrK9EmGWyVZ3tpMmHXbCrrIaA=="
)


def _integrity(data: bytes) -> str:
    """npm's (Subresource Integrity) form of a SHA-512."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _version(bundle: bytes) -> str:
    """The version in a plotly.js bundle's banner (its first lines)."""
    found = re.search(rb"\* plotly\.js (?:\([^)]*\) )?v(\d+\.\d+\.\d+)", bundle[:300])
    assert found, bundle[:300]
    return found.group(1).decode()


def _modules(bundle: bytes, kind: str) -> set[str]:
    """The modules of one kind (``trace``, ``component``) a bundle registers."""
    found = re.findall(rb'moduleType:"' + kind.encode() + rb'",name:"(\w+)"', bundle)
    return {m.decode() for m in found}


def test_the_bundle_is_the_pinned_file_with_its_licence():
    assert _integrity(BUNDLE.read_bytes()) == BUNDLE_SHA512
    licence = (FOLDER / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Plotly Technologies Inc." in licence


def test_the_bundle_is_the_plotly_js_that_plotly_py_ships():
    shipped = (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    assert _version(BUNDLE.read_bytes()) == _version(shipped) == "4.1.1"


def _figures() -> list[dict]:
    """Each kind of figure the app draws, as the browser receives it."""
    default, many = run(Settings()), run(Settings(n_samples=10000, epochs=1000))
    figures = [
        playground_figure(default),
        playground_figure(many),
        data_figure(many),
        race_figure(train_many(default.stats, RACE_LRS, 100), default),
        class_figure([[1, 2, 0, 1], [3, 1, 0, 0]], edges=[0, 1, 2, 3, 4], truth=1.5),
        class_figure([[3, 1, 2]], labels=["a", "b", "c"], truth=0),
    ]
    return [json.loads(figure_json(figure)) for figure in figures]


def test_the_bundle_has_every_trace_type_the_figures_use():
    used = {trace.get("type", "scatter") for figure in _figures() for trace in figure["data"]}
    bundle = _modules(BUNDLE.read_bytes(), "trace")
    assert {"scatter", "bar"} <= used and "scattergl" not in bundle
    assert used <= bundle, used - bundle


def test_the_bundle_has_the_layout_parts_the_figures_use():
    """The landscape is a layout image (``layout.images``), the truth and the epoch marks
    shapes, the titles annotations: components, all of them in the basic bundle."""
    used = {
        part
        for figure in _figures()
        for part in ("images", "shapes", "annotations")
        if figure["layout"].get(part)
    }
    assert used == {"images", "shapes", "annotations"}, used
    assert used <= _modules(BUNDLE.read_bytes(), "component")


def test_the_pinned_file_is_the_npm_package():
    """Against npm itself, when the registry answers: the tarball has the pinned integrity
    and holds exactly the committed file and licence."""
    try:
        with urllib.request.urlopen(NPM_TARBALL, timeout=15) as response:
            tarball = response.read()
    except OSError as e:
        pytest.skip(f"npm's registry is not reachable: {e}")
    assert _integrity(tarball) == NPM_INTEGRITY
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:

        def member(name: str) -> bytes:
            file = archive.extractfile(f"package/{name}")
            assert file is not None, name
            return file.read()

        assert member("plotly-basic.min.js") == BUNDLE.read_bytes()
        assert member("LICENSE") == (FOLDER / "LICENSE").read_bytes()
