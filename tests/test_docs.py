"""The documentation covers what gridrules ships: every public name, building block and rubric.

These tests read the Markdown sources under docs/ and never run Sphinx (``nox -s docs`` builds
the pages and runs their doctests). Each failure says what to add and where.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import gridrules as gr

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PLUGINS = ROOT / "plugins"

# Public modules documented elsewhere than the API reference, and why.
DOCUMENTED_ELSEWHERE = {
    "gridrules.cli": "the command line is documented in docs/cli.md",
}

CJK = re.compile(r"[\u3400-\u9fff]")
PUNCTUATION = re.compile(r"[\s,，;；、:：.。()（）“”\"']")
FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})\s*(\{[\w:-]+\})?\s*(.*)$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
REST_DIRECTIVE = re.compile(r"^\s*\.\.\s+([\w:-]+)::\s*(\S*)", re.MULTILINE)


# -- reading the Markdown sources ------------------------------------------------------------


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def directives(text: str) -> Iterator[tuple[str, str]]:
    """Every directive of a MyST page as (name, argument): fenced ones and reST ones inside."""
    for line in text.splitlines():
        match = FENCE.match(line.strip())
        if match and match[2]:
            yield match[2][1:-1], match[3].strip()
    for match in REST_DIRECTIVE.finditer(text):
        yield match[1], match[2]


def sections(text: str) -> list[tuple[int, str, str]]:
    """The headings of a page as (level, heading, body up to the next heading of that level)."""
    lines = text.splitlines()
    headings: list[tuple[int, int, str]] = []
    fence: str | None = None
    for number, line in enumerate(lines):
        stripped = line.strip()
        match = FENCE.match(stripped)
        if match:
            marker = match[1]
            if fence is None:
                fence = marker
            elif marker.startswith(fence[0]) and len(marker) >= len(fence) and not match[2]:
                fence = None
            continue
        if fence is None:
            heading = HEADING.match(line)
            if heading:
                headings.append((number, len(heading[1]), heading[2]))
    result = []
    for index, (number, level, title) in enumerate(headings):
        end = len(lines)
        for later, later_level, _ in headings[index + 1 :]:
            if later_level <= level:
                end = later
                break
        result.append((level, title, "\n".join(lines[number + 1 : end])))
    return result


def _normal(text: str) -> str:
    return PUNCTUATION.sub("", text)


# -- the API reference -----------------------------------------------------------------------


def _api() -> str:
    return _read(DOCS / "api.md")


def _explicit_targets() -> set[str]:
    """Objects named by an autodoc or ``py:`` directive in the API reference."""
    return {
        target
        for name, target in directives(_api())
        if (name.startswith("auto") and name != "automodule") or name.startswith("py:")
    }


def _automodules() -> dict[str, set[str]]:
    """Modules with an ``automodule`` directive, and its options."""
    found: dict[str, set[str]] = {}
    text = _api()
    for match in re.finditer(r"^\.\. automodule:: (\S+)\n((?:[ \t]+:[^\n]*\n?)*)", text, re.M):
        found[match[1]] = set(re.findall(r":([\w-]+):", match[2]))
    return found


def public_modules() -> list[str]:
    """The public faces: gridrules' top-level modules and packages not starting with ``_``.

    A layer's package (``gridrules.model``, ``gridrules.io``, ...) exports nothing itself; its
    modules are documented where a public face re-exports them.
    """
    return sorted(
        f"gridrules.{info.name}"
        for info in pkgutil.iter_modules(gr.__path__)
        if not info.name.startswith("_")
    )


def _has_attribute_doc(module: str, name: str) -> bool:
    from sphinx.pycode import ModuleAnalyzer

    docs = ModuleAnalyzer.for_module(module).find_attr_docs()
    return ("", name) in docs


def _excluded(module: str) -> set[str]:
    match = re.search(
        rf"^\.\. automodule:: {re.escape(module)}\n(?:[ \t]+:[^\n]*\n)*?"
        r"[ \t]+:exclude-members:([^\n]*)",
        _api(),
        re.M,
    )
    return {name.strip() for name in match[1].split(",")} if match else set()


def _is_code(obj: object) -> bool:
    return inspect.isclass(obj) or inspect.isroutine(obj)


def documented() -> tuple[set[int], set[str]]:
    """What the API reference documents: classes and functions by identity, anything by name.

    A name is documented by its own autodoc directive, or by an ``automodule`` with ``:members:``
    (which takes a class or function that has a docstring, or any with ``:undoc-members:``, and
    data that has a docstring). An object re-exported from another module (a layer's module
    re-exported by its public face) is documented once.
    """
    explicit, automodules = _explicit_targets(), _automodules()
    objects: set[int] = set()
    names: set[str] = set()
    for module_name in dict.fromkeys(["gridrules", *public_modules(), *automodules]):
        module = importlib.import_module(module_name)
        options = automodules.get(module_name, set())
        excluded = _excluded(module_name)
        for name in getattr(module, "__all__", ()):
            qualified, obj = f"{module_name}.{name}", getattr(module, name)
            found = qualified in explicit
            if not found and "members" in options and name not in excluded:
                if _is_code(obj):
                    found = "undoc-members" in options or bool(inspect.getdoc(obj))
                else:
                    found = _has_attribute_doc(module_name, name)
            if found:
                names.add(qualified)
                objects.add(id(obj))
    return objects, names


def _undocumented(module: ModuleType) -> list[str]:
    """The names of a module's ``__all__`` that the API reference does not document."""
    objects, names = documented()
    missing = []
    for name in getattr(module, "__all__", ()):
        if name.startswith("__"):
            continue
        qualified, obj = f"{module.__name__}.{name}", getattr(module, name)
        if qualified in names or id(obj) in objects:
            continue
        missing.append(qualified)
    return missing


def test_every_public_name_of_gridrules_is_in_the_api_reference() -> None:
    missing = _undocumented(gr)
    assert not missing, (
        "add these to docs/api.md (an autoclass/autofunction/autoexception directive in the "
        f"section they belong to): {missing}"
    )


@pytest.mark.parametrize("name", [m for m in public_modules() if m not in DOCUMENTED_ELSEWHERE])
def test_every_public_module_is_in_the_api_reference(name: str) -> None:
    pytest.importorskip("sphinx")
    module = importlib.import_module(name)
    if not hasattr(module, "__all__"):
        assert name in _automodules(), f"add '.. automodule:: {name}' to docs/api.md"
        return
    missing = _undocumented(module)
    assert not missing, (
        f"docs/api.md does not document {missing}: add '.. automodule:: {name}' with "
        "':members:' (each needs a docstring, or a '#:' comment for data), or an autodoc "
        "directive for each"
    )


def test_the_modules_documented_elsewhere_are() -> None:
    assert "{gridrules-rubrics}" in _read(DOCS / "rubrics.md")
    for module, reason in DOCUMENTED_ELSEWHERE.items():
        page = reason.split("docs/")[1]
        assert (DOCS / page).exists(), f"{module}: {reason}, but {page} does not exist"


def test_every_api_directive_names_something_that_exists() -> None:
    stale = []
    for target in sorted(_explicit_targets()):
        module, _, name = target.rpartition(".")
        try:
            getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            stale.append(target)
    assert not stale, f"docs/api.md documents names that no longer exist: {stale}"


# -- the building blocks on the concepts page ------------------------------------------------


def building_blocks() -> dict[str, tuple[type, str | None]]:
    """Block name to (class, a heading word besides the class name)."""
    rules: set[type] = {
        obj
        for name in gr.__all__
        if inspect.isclass(obj := getattr(gr, name))
        and issubclass(obj, gr.Rule)
        and obj is not gr.Rule
    }
    for module in ("gridrules.model.rules",):
        try:
            rules.update(getattr(importlib.import_module(module), "RULE_TYPES", ()))
        except ImportError:
            continue
    blocks: dict[str, tuple[type, str | None]] = {r.__name__: (r, None) for r in rules}
    for cls in (gr.GradeBands, gr.StarRating, gr.Veto, gr.PeriodCombination, gr.Rounding):
        blocks[cls.__name__] = (cls, None)
    blocks["Section weights"] = (gr.Section, "weight")
    return dict(sorted(blocks.items()))


def counting_words(cls: type, block: str) -> list[str]:
    """The Chinese terms a block implements: its docstring's first line, before the colon."""
    if block == "Section weights":
        return ["分占", "权重"]  # 分占考核总分的30%、30%、40%; 各项权重
    first = (inspect.getdoc(cls) or "").splitlines()[0] if inspect.getdoc(cls) else ""
    term = first.split(": ", 1)[0] if ": " in first else ""
    if not CJK.search(term):
        return []
    return [part.strip() for part in re.split(r" / |; ", term) if part.strip()]


def _matches(term: str, text: str) -> bool:
    """Whether ``term`` occurs in ``text``, punctuation aside; N stands for any number."""
    pattern = "".join(
        r"(?:N|\d+(?:\.\d+)?)" if char == "N" else re.escape(char) for char in _normal(term)
    )
    return re.search(pattern, _normal(text)) is not None


@pytest.mark.parametrize(("block", "spec"), list(building_blocks().items()))
def test_every_building_block_is_explained_on_the_concepts_page(
    block: str, spec: tuple[type, str | None]
) -> None:
    cls, extra = spec
    found = [
        (title, body)
        for _, title, body in sections(_read(DOCS / "concepts.md"))
        if f"`{cls.__name__}`" in title and (extra is None or extra in title)
    ]
    assert found, (
        f"docs/concepts.md has no heading naming `{cls.__name__}`"
        + (f" and '{extra}'" if extra else "")
        + f": add a section for {block}"
    )
    title, body = found[0]
    words = counting_words(cls, block)
    assert words, (
        f"the docstring of {cls.__name__} should start with the Chinese words it implements "
        "(STYLE.md), e.g. '每发现一次扣N分: ...'"
    )
    assert any(_matches(word, title + "\n" + body) for word in words), (
        f"docs/concepts.md, section {title!r}: quote the counting words {block} implements, "
        f"one of {words}"
    )
    assert "```{doctest}" in body, (
        f"docs/concepts.md, section {title!r}: add a doctested example of {block}"
    )


# -- one page per rubric ---------------------------------------------------------------------


def documented_rubrics() -> dict[str, Path]:
    pages = [DOCS / "rubrics.md", *sorted((DOCS / "rubrics").rglob("*.md"))]
    found: dict[str, Path] = {}
    for page in pages:
        if page.exists():
            for name, argument in directives(_read(page)):
                if name == "gridrules-rubric":
                    found[argument] = page
    return found


def bundled_plugins() -> dict[str, Path]:
    """Entry-point name to plugin folder, for every plugin under plugins/."""
    plugins = {}
    for project in sorted(PLUGINS.glob("gridrules-*/pyproject.toml")):
        data = tomllib.loads(_read(project))
        for name in data.get("project", {}).get("entry-points", {}).get("gridrules", {}):
            plugins[name] = project.parent
    return plugins


def _rubric_names() -> list[str]:
    return sorted(info.name for info in gr.available() if info.ok)


@pytest.mark.parametrize("name", _rubric_names())
def test_every_installed_rubric_has_a_page(name: str) -> None:
    assert name in documented_rubrics(), (
        f"the installed rubric {name!r} has no page: add docs/rubrics/{name}.md holding\n"
        f"```{{gridrules-rubric}} {name}\n```"
    )


@pytest.mark.parametrize("plugin", sorted(bundled_plugins()))
def test_every_bundled_plugin_has_its_rubrics_documented(plugin: str) -> None:
    documented = [
        name for name in documented_rubrics() if name == plugin or name.startswith(plugin + "-")
    ]
    assert documented, (
        f"{bundled_plugins()[plugin].relative_to(ROOT)} has no page: add "
        f"docs/rubrics/{plugin}.md holding\n```{{gridrules-rubric}} {plugin}\n```"
    )


def test_every_rubric_page_is_of_a_bundled_or_installed_rubric() -> None:
    plugins = bundled_plugins()
    installed = set(_rubric_names())
    stale = {
        name: str(page.relative_to(ROOT))
        for name, page in documented_rubrics().items()
        if name not in installed
        and name.split("-")[0] not in plugins
        and not any(name.startswith(p + "-") for p in plugins)
    }
    assert not stale, f"pages document rubrics that are neither bundled nor installed: {stale}"


@pytest.mark.parametrize("name", _rubric_names())
def test_the_page_of_every_installed_rubric_can_be_rendered(name: str) -> None:
    pytest.importorskip("sphinx")
    from docutils import nodes

    from gridrules.sphinxext import rubric_nodes

    rubric = gr.load(name)
    section = rubric_nodes(rubric)
    text = section.astext()
    assert rubric.title in text
    for item in rubric.items():
        assert item.label in text, f"item {item.id!r} is missing from the page of {name!r}"
    for assumption in rubric.assumptions:
        assert assumption.id in text
    for parameter in rubric.parameters:
        assert parameter.name in text
    assert any(isinstance(node, nodes.table) for node in section.findall(nodes.table))


# -- the parsers themselves ------------------------------------------------------------------


def test_directives_are_found_in_every_fence_style() -> None:
    text = (
        "```{gridrules-rubric} a\n```\n:::{gridrules-rubric} b\n:::\n```{eval-rst}\n"
        ".. autoclass:: gridrules.Rubric\n```\n"
    )
    assert list(directives(text)) == [
        ("gridrules-rubric", "a"),
        ("gridrules-rubric", "b"),
        ("eval-rst", ""),
        ("autoclass", "gridrules.Rubric"),
    ]


def test_headings_inside_code_are_not_sections() -> None:
    text = "# A\n```toml\n# not a heading\n```\n## B\nbody\n# C\n"
    assert [(level, title) for level, title, _ in sections(text)] == [(1, "A"), (2, "B"), (1, "C")]
    assert sections(text)[1][2] == "body"


def test_counting_words_allow_any_number_for_n() -> None:
    assert _matches("每发现一次扣N分", "每发现一次扣0.5分")
    assert _matches("未完成指标的, 该子项不计分", "未完成指标的,该子项不计分")
    assert not _matches("倒扣N分", "扣10分")
