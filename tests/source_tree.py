"""The app's own source, read as syntax trees: what the layer and security tests walk.

One walk for every test that reads the source (the layers, the security hygiene, the one
chart path), so each states only its rule.
"""

from __future__ import annotations

import ast
import concurrent.futures
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The packages whose source the tests read.
PACKAGES = ("app", "linreg_core")


@dataclass(frozen=True)
class Source:
    """One module: its file, its dotted name and its syntax tree."""

    path: Path
    module: str
    tree: ast.Module

    @property
    def where(self) -> str:
        return str(self.path.relative_to(ROOT))

    @property
    def package(self) -> str:
        """The package that a relative import in this module starts from."""
        return self.module if self.path.name == "__init__.py" else self.module.rpartition(".")[0]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def sources(*packages: str) -> tuple[Source, ...]:
    """Every module of ``packages`` (all of :data:`PACKAGES` by default), parsed.

    Parsed in a thread of its own: after the e2e tests, Playwright's greenlets leave
    CPython 3.11's parser a recursion count it rejects ("AST constructor recursion depth
    mismatch").
    """
    paths = sorted(p for package in packages or PACKAGES for p in (ROOT / package).rglob("*.py"))

    def parse() -> tuple[Source, ...]:
        return tuple(
            Source(p, _module_name(p), ast.parse(p.read_text(encoding="utf-8"), filename=str(p)))
            for p in paths
        )

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(parse).result()


def imported(source: Source) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for each import in ``source``, relative imports made absolute.

    ``from . import charts`` yields the package (``app``) and the names as submodules
    (``app.charts``): a name imported from a package may be a module of it.
    """
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = source.package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def call_name(func: ast.expr) -> str:
    """The called name: ``f`` for ``f(...)`` and ``x.f(...)``."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def calls(source: Source, names: set[str]) -> Iterator[ast.Call]:
    """Every call in ``source`` of a function or method named in ``names``."""
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Call) and call_name(node.func) in names:
            yield node
