"""The import rules between the layers, checked by reading the source (ast), not by importing it.

- ``minutes/`` (the model, the format, the renderers) is pure: no Textual, Rich
  or TinyDB, and none of ``storage``, ``screens``, ``tui``.
- ``storage/`` knows nothing of the UI: no Textual, Rich, ``screens`` or ``tui``.
- ``screens/`` and ``tui/`` never import TinyDB: they go through ``storage``.
- ``tui/widgets/`` are leaves: neither ``storage`` nor ``screens``.
- ``tui/cli.py`` imports no Textual at module level (``list`` and ``export``
  answer without loading it).

Every import counts, wherever it stands (inside a function, under
``if TYPE_CHECKING``), and so does ``importlib.import_module("…")`` or
``__import__("…")`` with a literal name.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Import:
    module: str  # the absolute dotted name imported
    line: int
    top_level: bool  # executed when the module is imported (not inside a def or class body's function)


def _package_of(path: Path) -> list[str]:
    """The dotted package that holds ``path`` (``tui/widgets/agenda.py`` → ``["tui", "widgets"]``)."""
    relative = path.relative_to(REPO).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        return parts[:-1]
    return parts[:-1]


def _resolve(node: ast.ImportFrom, package: list[str]) -> list[str]:
    """The absolute names an ``from … import …`` brings in."""
    if node.level == 0:
        base = node.module or ""
    else:
        anchor = package[: len(package) - (node.level - 1)] if node.level > 1 else package
        base = ".".join(anchor + ([node.module] if node.module else []))
    if node.module:
        return [base]
    # ``from . import a, b``: each name may be a submodule.
    return [f"{base}.{alias.name}" if base else alias.name for alias in node.names]


class _Collector(ast.NodeVisitor):
    def __init__(self, package: list[str]) -> None:
        self.package = package
        self.depth = 0  # nesting in function bodies
        self.imports: list[Import] = []

    def _add(self, name: str, node: ast.AST) -> None:
        self.imports.append(Import(name, node.lineno, self.depth == 0))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.depth += 1
        for statement in node.body:
            self.visit(statement)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for name in _resolve(node, self.package):
            self._add(name, node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        dynamic = (isinstance(func, ast.Name) and func.id in ("__import__", "import_module")) or (
            isinstance(func, ast.Attribute) and func.attr == "import_module"
        )
        if dynamic and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            self._add(node.args[0].value, node)
        self.generic_visit(node)


def imports_of_source(source: str, package: list[str], filename: str = "<source>") -> list[Import]:
    tree = ast.parse(source, filename=filename)
    collector = _Collector(package)
    collector.visit(tree)
    return collector.imports


def imports_of(path: Path) -> list[Import]:
    return imports_of_source(path.read_text(encoding="utf-8"), _package_of(path), str(path))


def python_files(folder: str) -> list[Path]:
    root = REPO / folder
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _hits(module: str, forbidden: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in forbidden)


def violations(files: list[Path], forbidden: tuple[str, ...], *, top_level_only: bool = False) -> list[str]:
    found = []
    for path in files:
        for imp in imports_of(path):
            if top_level_only and not imp.top_level:
                continue
            if _hits(imp.module, forbidden):
                found.append(f"{path.relative_to(REPO)}:{imp.line}: imports {imp.module}")
    return found


RULES = [
    ("minutes", ("textual", "rich", "tinydb", "storage", "screens", "tui")),
    ("storage", ("textual", "rich", "screens", "tui")),
    ("screens", ("tinydb",)),
    ("tui", ("tinydb",)),
    ("tui/widgets", ("storage", "screens")),
]


@pytest.mark.parametrize(("folder", "forbidden"), RULES, ids=[f"{f}/ !{','.join(x)}" for f, x in RULES])
def test_layer_imports(folder, forbidden):
    files = python_files(folder)
    assert files, f"no Python files under {folder}/"
    found = violations(files, forbidden)
    assert not found, f"{folder}/ must not import {', '.join(forbidden)}:\n" + "\n".join(found)


def test_cli_imports_no_textual_at_module_level():
    cli = REPO / "tui" / "cli.py"
    found = violations([cli], ("textual", "rich", "tui.app", "screens", "tui.widgets"), top_level_only=True)
    assert not found, "tui/cli.py must load the app only inside the commands that open it:\n" + "\n".join(found)
    # And the modules it imports at module level from this project follow the same rule.
    for imp in imports_of(cli):
        if imp.top_level and imp.module.startswith("tui.") and imp.module != "tui.cli":
            target = REPO / (imp.module.replace(".", "/") + ".py")
            if target.exists():
                assert not violations([target], ("textual", "rich"), top_level_only=True), target


def test_screens_go_through_the_data_folder_not_its_parts():
    # DataDir is what the UI uses: its library (TinyDB) and backups objects are its own.
    pattern = re.compile(r"\bdatadir\.(library|backups|lock)\b")
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for folder in ("screens", "tui")
        for path in python_files(folder)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "screens and tui use DataDir's methods:\n" + "\n".join(found)


# -- the checker itself ---------------------------------------------------------------------------


def test_collector_sees_every_kind_of_import():
    source = '''
import textual.app
from rich import print
from tinydb import TinyDB as DB
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from screens.meeting import MeetingScreen
from . import model
from .. import storage
from ..tui.widgets import agenda
import importlib
late = importlib.import_module("textual.widgets")
also = __import__("tinydb")

def later():
    import textual
'''
    found = imports_of_source(source, ["minutes", "sub"])
    names = {imp.module for imp in found}
    assert {
        "textual.app",
        "rich",
        "tinydb",
        "screens.meeting",
        "minutes.sub.model",
        "minutes.storage",
        "minutes.tui.widgets",
        "textual.widgets",
        "textual",
    } <= names
    top = {imp.module: imp.top_level for imp in found}
    assert top["textual.app"] is True
    assert [imp.top_level for imp in found if imp.module == "textual"] == [False]


def test_relative_imports_resolve_against_the_package():
    found = imports_of_source("from ..storage import DataDir\nfrom .agenda import x\n", ["tui", "widgets"])
    assert [imp.module for imp in found] == ["tui.storage", "tui.widgets.agenda"]
    assert _hits("storage.paths", ("storage",))
    assert not _hits("storages", ("storage",))


# -- the modules screens may use from tui, and cycles ----------------------------------------------
#: What screens may import from ``tui``: leaves that import nothing of the app, the screens or storage.
TUI_LEAVES = ("tui.widgets", "tui.clock", "tui.heap", "tui.keymap", "tui.read_only")


def _module_name(path: Path) -> str:
    relative = path.relative_to(REPO).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def test_screens_use_only_the_leaves_of_tui():
    found = [
        f"{path.relative_to(REPO)}:{imp.line}: imports {imp.module}"
        for path in python_files("screens")
        for imp in imports_of(path)
        if _hits(imp.module, ("tui",)) and not _hits(imp.module, TUI_LEAVES)  # also a bare "from tui import …"
    ]
    assert not found, "screens/ may import from tui/ only " + ", ".join(TUI_LEAVES) + ":\n" + "\n".join(found)


def test_the_leaves_of_tui_import_no_app_screen_or_storage():
    leaves = python_files("tui/widgets") + [REPO / "tui" / f"{name.split('.')[1]}.py" for name in TUI_LEAVES[1:]]
    found = []
    for path in leaves:
        for imp in imports_of(path):
            if _hits(imp.module, ("screens", "storage")) or (
                _hits(imp.module, ("tui",)) and not _hits(imp.module, TUI_LEAVES)
            ):
                found.append(f"{path.relative_to(REPO)}:{imp.line}: imports {imp.module}")
    assert not found, "the leaves of tui/ import only minutes/ and each other:\n" + "\n".join(found)


def import_graph() -> dict[str, set[str]]:
    """Each module of the app and the app's modules it imports (anywhere in it, even inside a function)."""
    paths = [p for folder in ("minutes", "storage", "screens", "tui") for p in python_files(folder)]
    modules = {_module_name(p): p for p in paths}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imp in imports_of(path):
            # ``from a.b import c`` names a.b (or the submodule a.b.c): take the longest module that exists.
            parts = imp.module.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            if parts and ".".join(parts) != name:
                targets.add(".".join(parts))
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as the list of modules around it, or ``None``."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_no_module_imports_itself_back():
    # An import cycle (a screen importing a widget from another screen that imports it back) makes
    # the order of imports matter; the package __init__ modules are left out (a package imports its parts).
    graph = {name: {t for t in targets if not _is_package(t)} for name, targets in import_graph().items() if not _is_package(name)}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def _is_package(name: str) -> bool:
    return (REPO / name.replace(".", "/") / "__init__.py").exists()


def test_the_cycle_check_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
