"""The layers of ARCHITECTURE.md: the pure core imports nothing of Sphinx.

Each module of the core is imported in a fresh interpreter, which must then
hold no module of Sphinx, docutils or sphinxcontrib; and no module of the core
imports a module of the Sphinx shell (checked on the source, so an import
inside a function counts too).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sphinx_ext"

#: The pure core, as ARCHITECTURE.md lists it (modules and packages).
CORE = (
    "_parser",
    "_matching",
    "_works",
    "_formatting",
    "_links",
    "_book",
    "_citation_map",
    "_files",
    "verify",
    "workflow",
)
FOREIGN = ("sphinx", "docutils", "sphinxcontrib")


def _core_files() -> list[Path]:
    files: list[Path] = []
    for name in CORE:
        path = PACKAGE / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")])
    return files


def _is_core(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "sphinx_ext" and len(parts) > 1 and parts[1] in CORE


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            # `from sphinx_ext import x` names module x.
            if module == "sphinx_ext":
                found.update(f"sphinx_ext.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("name", CORE)
def test_core_module_loads_no_sphinx(name: str) -> None:
    code = (
        f"import sys, sphinx_ext.{name}\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(FOREIGN)!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    ).stdout
    assert out.strip() == "[]", f"importing sphinx_ext.{name} loaded {out.strip()}"


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_imports_point_down(path: Path) -> None:
    upward = sorted(
        module
        for module in _imports(path)
        if module.split(".")[0] in FOREIGN
        or (module.startswith("sphinx_ext") and module != "sphinx_ext" and not _is_core(module))
    )
    assert upward == [], f"{path.relative_to(PACKAGE)} imports above the core: {upward}"


#: Sphinx's private or deprecated ways to the application: the builder comes from
#: ``builder-inited`` (build_state.BuildState.builder), the application from the
#: builder's constructor.
PRIVATE_SPHINX = ("._app", "env.app", "self.app", "builder.app")


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_private_sphinx_attributes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    used = [name for name in PRIVATE_SPHINX if name in text]
    assert used == [], f"{path.relative_to(PACKAGE)} uses {used}"


#: The entry points: only they may import the writers as a whole and each other.
ENTRY_POINTS = ("__init__.py", "__main__.py", "cli.py")


def _shell_files() -> list[Path]:
    core = set(_core_files())
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in core and path.relative_to(PACKAGE).as_posix() not in ENTRY_POINTS
    ]


@pytest.mark.parametrize("path", _shell_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_shell_imports_point_down(path: Path) -> None:
    """The Sphinx shell never imports the entry points, and only the writers import writers."""
    in_rendering = path.relative_to(PACKAGE).parts[0] == "rendering"
    upward = sorted(
        module
        for module in _imports(path)
        if module in {"sphinx_ext.setup", "sphinx_ext.cli", "sphinx_ext.__main__"}
        or (module.startswith("sphinx_ext.rendering") and not in_rendering)
    )
    assert upward == [], f"{path.relative_to(PACKAGE)} imports above itself: {upward}"


#: Calls that change state the whole process shares: the warning filters (which
#: ``catch_warnings`` swaps for every thread before Python 3.14) and the collector.
PROCESS_WIDE = {
    "warnings": {"catch_warnings", "simplefilter", "filterwarnings", "resetwarnings"},
    "gc": {"disable", "enable", "freeze", "unfreeze", "set_threshold", "set_debug", "collect"},
}


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_process_wide_state(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in PROCESS_WIDE:
            found += [
                f"{node.module}.{alias.name}"
                for alias in node.names
                if alias.name in PROCESS_WIDE[node.module]
            ]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr in PROCESS_WIDE.get(node.value.id, ())
        ):
            found.append(f"{node.value.id}.{node.attr}:{node.lineno}")
    assert found == [], f"{path.relative_to(PACKAGE)} changes process-wide state: {found}"


#: What only sourcecheck's network checks use.
NETWORK = ("httpx", "httpcore", "asyncio")


def test_a_book_build_loads_no_http_client(tmp_path: Path) -> None:
    # A book's HTML build reads the checks' settings and runs the static checks, no
    # network: the HTTP client (some 5 MB and 0.1 s to load) stays out of it.
    root = Path(__file__).resolve().parent / "roots" / "test-chapters"
    code = (
        "import sys\n"
        "from sphinx.cmd.build import build_main\n"
        f"status = build_main(['-q', '-b', 'html', {str(root)!r}, {str(tmp_path / 'out')!r}, "
        f"'-d', {str(tmp_path / 'doctrees')!r}])\n"
        f"print(status, sorted({{m.split('.')[0] for m in sys.modules}} & {set(NETWORK)!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    assert out.strip().splitlines()[-1] == "0 []"


def test_the_network_checks_load_on_first_use() -> None:
    code = (
        "import sys, sphinx_ext.verify as v\n"
        f"before = sorted({{m.split('.')[0] for m in sys.modules}} & {set(NETWORK)!r})\n"
        "checks = v.NetworkChecks\n"
        f"after = sorted({{m.split('.')[0] for m in sys.modules}} & {set(NETWORK)!r})\n"
        "print(before, after, checks.__module__, 'NetworkChecks' in dir(v))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    ).stdout
    assert out.split() == ["[]", "['asyncio',", "'httpx']", "sphinx_ext.verify._run", "True"]
