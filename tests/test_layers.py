"""The package's layers: imports point one way, never round in a circle, never at private names.

Every ``import`` statement of every module under src/gridrules is read, wherever it stands (at
the top, inside a function, under ``if TYPE_CHECKING:``): a lazy import that dodges a cycle is
still a cycle. See docs/architecture.md for the layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "gridrules"

LAYERS = {
    "gridrules.errors": 0,
    "gridrules.dates": 1,
    "gridrules.model": 2,
    "gridrules.sheet": 3,
    "gridrules.engine": 4,
    "gridrules.io": 5,
}
"""Each layer's package (or module) and its height; everything else is an edge (6): the public
faces, plugins, the command line, the testing kit, the pytest plugin, the Sphinx extension, the
service."""
EDGE = 6
EDGES_ONLY_THE_CLI_IMPORTS = ("gridrules.service",)
"""Edges no module imports but the command line (and their own modules)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def layer(module: str) -> int:
    for prefix, height in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return height
    return EDGE


def imports(module: str) -> Iterator[tuple[str, list[str], int]]:
    """``(imported module, names imported from it, line)`` for every import of ``module``."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
            # "from . import x" imports the module x when there is one
            submodules = [n for n in names if f"{target}.{n}" in MODULES]
            for name in submodules:
                yield f"{target}.{name}", [], node.lineno
            rest = [n for n in names if n not in submodules]
            if rest or not submodules:
                yield target, rest, node.lineno


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {module: set() for module in MODULES}
    for module in MODULES:
        for target, _, _ in imports(module):
            if target in MODULES and target != module:
                edges[module].add(target)
    return edges


def test_there_are_modules_to_read() -> None:
    assert {"gridrules", "gridrules.engine.walk", "gridrules.model.rules.base"} <= set(MODULES)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``edges`` (``a → b → a``), or ``None`` when there is none."""
    done: set[str] = set()
    for start in sorted(edges):
        if start in done:
            continue
        path = [start]
        stack: list[Iterator[str]] = [iter(sorted(edges[start]))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                done.add(path.pop())
            elif child in path:
                return [*path[path.index(child) :], child]
            elif child not in done:
                path.append(child)
                stack.append(iter(sorted(edges.get(child, ()))))
    return None


def test_no_import_cycles() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_search_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{module} (layer {layer(module)}) imports {target} (layer {layer(target)}), line {line}"
        for module in MODULES
        for target, _, line in imports(module)
        if target in MODULES and layer(target) > layer(module)
    ]
    assert not upward, "\n".join(upward)


def test_no_module_imports_another_modules_private_names() -> None:
    private = [
        f"{module} imports {', '.join(n for n in names if n.startswith('_'))} from {target}, "
        f"line {line}"
        for module in MODULES
        for target, names, line in imports(module)
        if target.startswith("gridrules")
        and target != module
        and any(n.startswith("_") and not n.startswith("__") for n in names)
    ]
    assert not private, "\n".join(private)


def test_the_service_is_an_edge_only_the_command_line_imports() -> None:
    assert layer("gridrules.service.app") == EDGE
    for edge in EDGES_ONLY_THE_CLI_IMPORTS:
        importers = {
            module
            for module in MODULES
            for target, _, _ in imports(module)
            if (target == edge or target.startswith(edge + "."))
            and not (module == edge or module.startswith(edge + "."))
        }
        assert importers <= {"gridrules.cli"}, f"{edge} is imported by {sorted(importers)}"
        assert importers, f"the command line no longer imports {edge}"
