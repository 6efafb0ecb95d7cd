"""Sphinx configuration: MyST Markdown, furo, autodoc, doctests and gridrules' own directives.

Built by ``nox -s docs`` with warnings as errors and nitpicky references (``-W -n``), and again
with the doctest builder, so every example on these pages runs.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import Any

import attrs

import gridrules

project = "gridrules"
author = "the gridrules authors"
copyright = "2026, the gridrules authors"
release = gridrules.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "gridrules.sphinxext",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_examples", "Thumbs.db", ".DS_Store"]
language = "en"

# -- MyST -----------------------------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

# -- HTML -----------------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"gridrules {release}"
# _static/rubric.schema.json is published at a stable address for editors (see writing-a-plugin)
html_static_path = ["_static"]

# -- autodoc --------------------------------------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_typehints_format = "short"
autodoc_class_signature = "mixed"
autodoc_preserve_defaults = False  # attrs generates __init__: its source defaults are unreadable
autodoc_inherit_docstrings = False  # a subclass's page should not repeat, say, Sphinx's own docs
python_use_unqualified_type_names = True

# -- doctest --------------------------------------------------------------------------------------

# Exception messages are part of what these pages document: compare them (Sphinx's default would
# ignore everything after the exception's name).
doctest_default_flags = doctest.ELLIPSIS | doctest.DONT_ACCEPT_TRUE_FOR_1

# Only the {doctest} blocks of these pages are tests. Examples in docstrings (shown by autodoc) are
# snippets that assume their module's names; they are not run here.
doctest_test_doctest_blocks = ""

# The doctests of the plugin guide read the example plugin and rubric files under docs/_examples.
doctest_global_setup = f"""
from pathlib import Path
EXAMPLES = Path({str(Path(__file__).resolve().parent / "_examples")!r})
"""

# -- nitpicky references ------------------------------------------------------------------------

# No intersphinx: the build must not need the network. Standard-library and third-party types in
# signatures and hints stay plain text instead of failing the nitpicky build.
nitpick_ignore_regex = [
    (
        r"py:.*",
        r"(decimal|collections|pathlib|typing|datetime|enum|types|abc|os|io|csv|zoneinfo)\..*",
    ),
    (r"py:.*", r"(pluggy|hypothesis|pytest|_pytest|attrs|attr|cattrs|click|pendulum)(\..*)?"),
    (r"py:.*", r"(Decimal|Path|Mapping|Iterable|Iterator|Sequence|Callable|Any|ClassVar)"),
    (r"py:.*", r"(SearchStrategy|PluginManager|HookimplMarker|HookspecMarker|Converter)"),
    # private classes that public signatures mention without exporting them (see _public_name)
    (r"py:.*", r"gridrules\._\w+\..*"),
    # the type variables of generic helpers (gridrules.model.numbers.exact)
    (r"py:class", r"(~?_[PRST]|gridrules\.[\w.]+\._[PRST])"),
    # the web framework's types in gridrules.service
    (r"py:.*", r"(fastapi|starlette|pydantic|uvicorn|anyio)(\..*)?"),
    (r"py:.*", r"(FastAPI|Request|Response|BaseModel|ASGIApp|Scope|Receive|Send|Message)"),
    # docutils and Sphinx types in gridrules.sphinxext
    (r"py:.*", r"(docutils|sphinx)(\..*)?"),
    (r"py:.*", r"(nodes|addnodes)\..*"),
    (r"py:.*", r"(Sphinx|Builder|BuildEnvironment|Domain|ObjType|SphinxDirective|XRefRole)"),
]

_PRIVATE = re.compile(
    r"^gridrules\.(?:_[a-z_]+|(?:dates|model|sheet|engine|io)(?:\.[a-z_]+)*)\.(?P<name>[A-Z][A-Za-z_.]*)$"
)
_PUBLIC_MODULES = (
    "gridrules",
    "gridrules.periods",
    "gridrules.calendars",
    "gridrules.events",
    "gridrules.spark",
    "gridrules.batch",
    "gridrules.testing",
    "gridrules.serialization",
    "gridrules.plugins",
    "gridrules.whatif",
)


def _public_name(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a reference the way a reader means it, when Sphinx cannot.

    Every public class lives in a layer's module and is re-exported from ``gridrules``, so type
    hints spell ``gridrules.model.rules.deductions.Quota`` where the API reference documents
    ``gridrules.Quota``;
    docstrings of one public module name another's classes unqualified (``Period``). Try the
    public modules in turn.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    match = _PRIVATE.match(target)
    name = match["name"] if match else target
    if name.startswith("gridrules."):
        return None
    domain = env.domains["py"]
    for module in _PUBLIC_MODULES:
        resolved = domain.resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], f"{module}.{name}", node, contnode
        )
        if resolved is not None:
            return resolved
    return None


def _factory_defaults(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: str | None, annotation: Any
) -> tuple[str | None, Any] | None:
    """Show an attrs field's factory default as the value it makes (``weights=()``).

    attrs marks such defaults ``NOTHING`` in the generated ``__init__``.
    """
    if what != "class" or not signature or "NOTHING" not in signature or not attrs.has(obj):
        return None
    for field in attrs.fields(obj):
        if isinstance(field.default, attrs.Factory) and not field.default.takes_self:
            made = repr(field.default.factory())
            signature = re.sub(rf"\b{field.alias}=NOTHING\b", f"{field.alias}={made}", signature)
    return signature, annotation


def setup(app: Any) -> None:
    app.connect("missing-reference", _public_name)
    app.connect("autodoc-process-signature", _factory_defaults)
