"""Security hygiene, read from the source and the config: no raw HTML from users, no code or
paths from users, safe server settings, exact dependency pins."""

from __future__ import annotations

import ast
import concurrent.futures
import fnmatch
import re
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
APP_FILES = sorted((ROOT / "app").rglob("*.py"))

#: Calls that run code or open files or processes: none belongs in a teaching app.
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__", "open", "breakpoint"}
FORBIDDEN_METHODS = {"import_module", "system", "popen", "execv", "spawnl", "load_module"}
FORBIDDEN_MODULES = {"subprocess", "pickle", "marshal", "shelve", "ctypes"}
#: Streamlit calls that put raw HTML into the page.
HTML_CALLS = {"html"}  # st.html and components.v1.html


def _trees() -> list[tuple[Path, ast.Module]]:
    """Every app file's syntax tree, parsed in a thread of its own: after the e2e tests,
    Playwright's greenlets leave CPython 3.11's parser a recursion count it rejects
    ("AST constructor recursion depth mismatch")."""

    def parse() -> list[tuple[Path, ast.Module]]:
        return [(p, ast.parse(p.read_text(encoding="utf-8"), filename=str(p))) for p in APP_FILES]

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(parse).result()


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


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
    assert len(APP_FILES) >= 10


def test_no_unsafe_html_or_javascript_flags():
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword)
        and node.arg in {"unsafe_allow_html", "unsafe_allow_javascript"}
        and not (isinstance(node.value, ast.Constant) and node.value.value is False)
    ]
    assert not found, f"unsafe_allow_html/javascript used at {found}"


def test_raw_html_is_only_ever_a_constant():
    bad = []
    for path, tree in _trees():
        constants = _constant_strings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) in HTML_CALLS and node.args):
                continue
            body = node.args[0]
            literal = isinstance(body, ast.Constant) and isinstance(body.value, str)
            if not (literal or (isinstance(body, ast.Name) and body.id in constants)):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, f"html() with a non-constant body at {bad}"


def test_no_code_execution_file_access_or_processes():
    calls = [
        f"{path.relative_to(ROOT)}:{node.lineno} {_name(node.func)}()"
        for path, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_BUILTINS)
            or (isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_METHODS)
        )
    ]
    imports = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _trees()
        for node in ast.walk(tree)
        if (
            isinstance(node, ast.Import)
            and any(a.name.split(".")[0] in FORBIDDEN_MODULES for a in node.names)
        )
        or (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").split(".")[0] in FORBIDDEN_MODULES
        )
    ]
    assert not calls and not imports, (calls, imports)


def test_files_are_read_only_from_paths_fixed_in_the_source():
    """Reading a file is fine when its path is built from ``__file__`` and literals only."""
    bad = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and _name(node.func) in {"read_text", "read_bytes", "open"}
                and isinstance(node.func, ast.Attribute)
            ):
                continue
            names = {n.id for n in ast.walk(node.func.value) if isinstance(n, ast.Name)}
            strings = all(
                isinstance(n.value, str)
                for n in ast.walk(node.func.value)
                if isinstance(n, ast.Constant)
            )
            if not (names <= {"Path", "__file__"} and strings):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, f"a file path that is not fixed in the source at {bad}"


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
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", line)
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
    assert set(runtime) == {"streamlit", "plotly", "numpy"}
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
