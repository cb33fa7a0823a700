"""Security hygiene, read from the source and the config: no raw HTML from users, no code or
paths from users, safe server settings, exact dependency pins."""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

from app.model.data import catalogue
from tests.source_tree import ROOT, Source, call_name, calls, imported, sources

APP = sources("app")

#: Calls that run code or open files or processes: none belongs in a teaching app.
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__", "open", "breakpoint"}
FORBIDDEN_METHODS = {"import_module", "system", "popen", "execv", "spawnl", "load_module"}
FORBIDDEN_MODULES = {"subprocess", "pickle", "marshal", "shelve", "ctypes"}
#: Streamlit calls that put raw HTML into the page.
HTML_CALLS = {"html"}  # st.html and components.v1.html
#: The one module that reads files named in a table rather than in the call: the bundled
#: data sets. It reads ``_SETS.joinpath(FILES[name])``, and FILES is checked below.
CATALOGUE = catalogue.__name__


def _constant_strings(tree: ast.Module) -> set[str]:
    """Module-level names bound to a string literal (a constant the user cannot change)."""
    names = set()
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_app_sources_were_found():
    assert len(APP) >= 10


def test_no_unsafe_html_or_javascript_flags():
    found = [
        f"{source.where}:{node.lineno}"
        for source in APP
        for node in ast.walk(source.tree)
        if isinstance(node, ast.keyword)
        and node.arg in {"unsafe_allow_html", "unsafe_allow_javascript"}
        and not (isinstance(node.value, ast.Constant) and node.value.value is False)
    ]
    assert not found, f"unsafe_allow_html/javascript used at {found}"


def test_raw_html_is_only_ever_a_constant():
    bad = []
    for source in APP:
        constants = _constant_strings(source.tree)
        for node in calls(source, HTML_CALLS):
            if not node.args:
                continue
            body = node.args[0]
            literal = isinstance(body, ast.Constant) and isinstance(body.value, str)
            if not (literal or (isinstance(body, ast.Name) and body.id in constants)):
                bad.append(f"{source.where}:{node.lineno}")
    assert not bad, f"html() with a non-constant body at {bad}"


def test_no_code_execution_file_access_or_processes():
    found = [
        f"{source.where}:{node.lineno} {call_name(node.func)}()"
        for source in APP
        for node in calls(source, FORBIDDEN_BUILTINS | FORBIDDEN_METHODS)
        if (isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_BUILTINS)
        or (isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_METHODS)
    ]
    imports = [
        f"{source.where}:{line} {module}"
        for source in APP
        for line, module in imported(source)
        if module.split(".")[0] in FORBIDDEN_MODULES
    ]
    assert not found and not imports, (found, imports)


def _fixed_path(expr: ast.expr) -> bool:
    """A path built from ``Path``, ``__file__`` and string literals only."""
    names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
    strings = all(isinstance(n.value, str) for n in ast.walk(expr) if isinstance(n, ast.Constant))
    return names <= {"Path", "__file__"} and strings


def _table_path(source: Source, expr: ast.expr) -> bool:
    """In the catalogue only: ``_SETS.joinpath(FILES[...])``, a fixed folder and a file
    named in the declared table."""
    return (
        source.module == CATALOGUE
        and isinstance(expr, ast.Call)
        and call_name(expr.func) == "joinpath"
        and isinstance(expr.func, ast.Attribute)
        and isinstance(expr.func.value, ast.Name)
        and expr.func.value.id == "_SETS"
        and len(expr.args) == 1
        and isinstance(expr.args[0], ast.Subscript)
        and isinstance(expr.args[0].value, ast.Name)
        and expr.args[0].value.id == "FILES"
    )


def test_files_are_read_only_from_paths_fixed_in_the_source():
    """Reading a file is fine when its path is built from ``__file__`` and literals only,
    or is a bundled data set's file, named in the catalogue's table."""
    bad = [
        f"{source.where}:{node.lineno}"
        for source in APP
        for node in calls(source, {"read_text", "read_bytes", "open"})
        if isinstance(node.func, ast.Attribute)
        and not (_fixed_path(node.func.value) or _table_path(source, node.func.value))
    ]
    assert not bad, f"a file path that is not fixed in the source at {bad}"


def test_the_data_sets_table_names_plain_files_in_its_own_folder():
    """What the catalogue may read: plain file names, each a file of ``sets/``, fixed in
    the source (a dict literal, so no link value can add a name)."""
    (table,) = [
        node.value
        for node in next(s for s in APP if s.module == CATALOGUE).tree.body
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["FILES"]
    ]
    assert isinstance(table, ast.Dict)
    assert all(isinstance(v, ast.Constant) for v in [*table.keys, *table.values])
    folder = Path(catalogue.__file__).parent / "sets"
    for name in catalogue.FILES.values():
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.csv", name), name
        assert (folder / name).is_file(), name
    assert folder == catalogue._SETS


def test_server_config_is_safe():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
    # Visitors see no tracebacks (they go to the server log).
    assert config["client"]["showErrorDetails"] in ("none", "type")
    assert config["server"].get("enableCORS", True) is True


def test_only_community_cloud_may_control_the_app_from_a_parent_frame():
    """Streamlit's host messages (rerun, stop, ...) are taken only from Community Cloud."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    origins = config["client"]["allowedOrigins"]

    def allowed(origin: str) -> bool:  # the frontend's URLPattern check, for these patterns
        return any(fnmatch.fnmatchcase(origin, pattern) for pattern in origins)

    assert allowed("https://gradient-descent.streamlit.app")
    assert allowed("https://share.streamlit.io")
    for other in (
        "http://127.0.0.1:8501",
        "https://example.com",
        "https://evil.streamlit.app.example.com",
        "http://gradient-descent.streamlit.app",
        "https://x.staging.streamlitapp.test",
    ):
        assert not allowed(other), other


def _requirements(name: str) -> dict[str, str]:
    """``package -> specifier`` of a requirements file (comments and ``-r`` lines skipped)."""
    specs = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:\[[\w,]+\])?\s*(.*)", line)  # extras dropped
        assert match, f"unparsed requirement line {line!r} in {name}"
        specs[match.group(1).lower()] = match.group(2).replace(" ", "")
    return specs


def _pinned() -> dict[str, str]:
    return _requirements("requirements.txt") | _requirements("requirements-dev.txt")


def test_dependencies_are_pinned_exactly_except_numpy():
    for package, spec in _pinned().items():
        if package == "numpy":
            assert re.fullmatch(r">=[\d.]+,<[\d.]+", spec), spec  # a bounded range
        else:
            assert re.fullmatch(r"==[\w.]+", spec), f"{package}{spec} is not an exact pin"


def test_runtime_pins_are_the_versions_the_app_is_written_for():
    runtime = _requirements("requirements.txt")
    assert set(runtime) == {"streamlit", "plotly", "numpy", "sqlalchemy", "psycopg", "segno"}
    # components.v2, widgets bound to query params and button shortcuts: Streamlit 1.67.
    assert re.fullmatch(r"==1\.67\.\d+", runtime["streamlit"]), runtime["streamlit"]
    assert re.fullmatch(r"==7\.\d+\.\d+", runtime["plotly"]), runtime["plotly"]
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt" in dev  # the tests run against the runtime pins


def test_numpy_range_admits_a_release_for_each_supported_python():
    """NumPy 2.5 needs Python 3.12; Python 3.11 (the oldest supported) must still get a 2.4.

    (packaging comes with pytest.)
    """
    numpy = SpecifierSet(_requirements("requirements.txt")["numpy"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["requires-python"] == ">=3.11"
    assert "2.4.0" in numpy and "2.4.4" in numpy  # for Python 3.11
    assert "2.5.0" in numpy  # for Python 3.12 and later
    assert "3.0.0" not in numpy  # a new major version is a deliberate upgrade, not a surprise
