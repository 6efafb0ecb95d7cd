"""The JSON Schema of the rubric file format, so that an editor can check and complete a rubric.

The schema is made, never written by hand: from the model's attrs classes (their attributes,
types, defaults, validators and docstrings) and from the rules the converter
(:mod:`gridrules.sheet.convert`) reads them by. A new rule kind in ``RULE_TYPES``, or a new
attribute of any class a rubric file holds, is in the schema as soon as it is in the model.

What is taken from where:

- every attrs class is an object of its attributes, the attributes without a default required,
  and no other key (the converter forbids extra keys); its docstring is the help an editor shows;
- ``Literal`` types, enums and ``attrs.validators.in_`` give the allowed values (``enum``); the
  model's validators of ids and of numbers 0 or more give patterns and minima;
- a rule is one of the rule kinds, told by its ``kind``; a node one of item and section, told by
  its ``node``;
- the types the converter reads with hooks of their own are those of the table ``_HOOKED``: a
  number as a number or as text (``"0.5"``), ``{param = ...}``, and where a rule says so
  (:attr:`Rule.evidence_numbers <gridrules.Rule.evidence_numbers>`) ``{field = ...}`` or a target
  per unit of time (``{per_month = ...}``); ``"uncapped"`` for a cap; a rate
  ``{numerator, denominator, empty}`` for a field; ``{field, times, label}`` for what a condition
  compares with; a band's bounds and names. An attribute of a type the generator does not know is
  an error, so that a new hook cannot be left out of the schema.

The schema says what a file may hold, not everything a rubric must satisfy: sums of maxima, ids
used once, grade bands without gaps are checked when the rubric is loaded. It uses ``$ref`` with
no keyword beside it and ``enum`` rather than ``const``, so that editors that read older drafts
(taplo, "Even Better TOML") read it as it is meant.
"""

from __future__ import annotations

import ast
import enum
import inspect
import itertools
import re
import textwrap
import typing
from collections.abc import Callable
from decimal import Decimal
from types import NoneType, UnionType
from typing import Any, Literal, TypeAlias

import attrs

from ..model.grades import BandInterval
from ..model.intervals import Interval
from ..model.numbers import DECIMAL_PLACES, INTEGER_DIGITS
from ..model.rates import FieldTimes, Rate
from ..model.refs import UNIT_WORDS, FromField, Number, Param, PerUnit, PerWorkingDay, identifier
from ..model.rubric import RubricDefinition
from ..model.rules import RULE_TYPES, UNCAPPED, Rule
from ..model.rules.base import non_negative
from ..model.tree import Node, node_id
from .convert import NODE_TAG, RUBRIC_FORMAT, converter, node_tag

__all__ = ["JSON_SCHEMA_DIALECT", "NUMBER_TEXT", "rubric_schema"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The draft of JSON Schema the rubric schema is written in."""

NUMBER_TEXT = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"
"""A number written as text, as a rubric file may write one (``"0.5"``, ``"100"``)."""
_UNSIGNED_TEXT = r"^\s*\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"
_IDENTIFIER = r"^[!-~]+$"  # refs.identifier: ASCII, no spaces
_NODE_ID = r"^[A-Za-z0-9_.-]*[A-Za-z0-9][A-Za-z0-9_.-]*$"  # tree.node_id
_RULE_TAG = "kind"  # the name of the class attribute every rule kind is named by

_Schema: TypeAlias = dict[str, Any]
_FACTORY: type = attrs.Factory  # type: ignore[assignment]  # a class, typed as a function


class _Builder:
    """Makes the schema of each type once, as a definition under ``$defs``, and refers to it."""

    def __init__(self) -> None:
        self.defs: dict[str, _Schema] = {}

    def ref(self, name: str, make: Callable[[], _Schema]) -> _Schema:
        """A reference to the definition ``name``, made by ``make`` the first time it is asked
        for (a node holds nodes: the name is taken before it is made)."""
        if name not in self.defs:
            self.defs[name] = {}
            self.defs[name] = make()
        return {"$ref": f"#/$defs/{name}"}

    # -- numbers -----------------------------------------------------------------------------------

    def decimal(self, at_least_zero: bool = False) -> _Schema:
        """A number, exact: a TOML or JSON number, or the number written as text."""

        def make() -> _Schema:
            title = "a number 0 or more" if at_least_zero else "a number"
            schema: _Schema = {
                "title": title,
                "description": (
                    f'{title.capitalize()}, exact: written as a number or as text ("0.5", '
                    '"100"), read as a decimal, never through a float. At most '
                    f"{INTEGER_DIGITS} digits before the point and {DECIMAL_PLACES} after it."
                ),
                "type": ["number", "string"],
                "pattern": _UNSIGNED_TEXT if at_least_zero else NUMBER_TEXT,
            }
            if at_least_zero:
                schema["minimum"] = 0
            return schema

        return self.ref("NumberAtLeastZero" if at_least_zero else "Number", make)

    def amount(self, at_least_zero: bool = False, outside: bool = False) -> _Schema:
        """A rubric number: written out or ``{param = ...}``; when ``outside``, also
        ``{field = ...}`` or a target per unit of time."""
        name = ("Target" if outside else "NumberOrParam") + ("AtLeastZero" if at_least_zero else "")

        def make() -> _Schema:
            forms = [self.decimal(at_least_zero), self.attrs_class(Param)]
            if outside:
                forms += [self.attrs_class(FromField), self.per_unit()]
                description = (
                    "A number, a parameter ({param = ...}), a number read from the evidence "
                    "({field = ...}), or a target per unit of time ({per_month = ...}, "
                    "{per_working_day = ...}, ...)."
                )
            else:
                description = "A number, or a parameter ({param = ...}) the region fills in."
            return {"description": description, "anyOf": forms}

        return self.ref(name, make)

    def per_unit(self) -> _Schema:
        """A target per unit of time: ``{per_month = ...}``, one key of :data:`UNIT_WORDS`."""

        def make() -> _Schema:
            per = _hints(PerUnit)["per"]
            forms = []
            for unit in UNIT_WORDS:
                cls = PerWorkingDay if unit == "working_day" else PerUnit
                key = f"per_{unit}"
                forms.append(
                    {
                        "title": key,
                        "description": _described(cls)["description"],
                        "type": "object",
                        "properties": {key: self.of(per)},
                        "required": [key],
                        "additionalProperties": False,
                    }
                )
            return {**_described(PerUnit), "anyOf": forms}

        return self.ref("PerUnit", make)

    # -- types -------------------------------------------------------------------------------------

    def of(self, kind: Any, owner: type | None = None, attribute: Any = None) -> _Schema:
        """The schema of a value of type ``kind``, the attribute ``attribute`` of ``owner``."""
        checks = _checks(attribute)
        hooked = _HOOKED.get(kind)
        if hooked is not None:
            outside = (
                attribute is not None
                and isinstance(owner, type)
                and attribute.name in getattr(owner, "evidence_numbers", ())
            )
            return hooked(self, checks.get("minimum") == 0, outside)
        origin, args = typing.get_origin(kind), typing.get_args(kind)
        if kind is Rule:
            return self.ref("Rule", self.rules)
        if origin in (UnionType, typing.Union) and NoneType in args:
            # TOML has no null: an attribute that may be None is left out
            rest = tuple(arg for arg in args if arg is not NoneType)
            inner = rest[0] if len(rest) == 1 else typing.Union[rest]  # noqa: UP007
            return self.of(inner, owner, attribute)
        if origin is Literal:
            return {"enum": list(args)}
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": self.of(args[0])}
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            allowed = checks.get("enum", list(kind))
            return {"enum": [member.value for member in allowed]}
        if kind is bool:
            return {"type": "boolean"}
        if kind is int:
            return {"type": "integer"}
        if kind is str:
            schema: _Schema = {"type": "string"}
            if "enum" in checks:
                return {"enum": checks["enum"]}
            if "pattern" in checks:
                schema["pattern"] = checks["pattern"]
            return schema
        if attrs.has(kind):
            return self.attrs_class(kind)
        raise TypeError(
            f"no JSON Schema for {kind!r}"
            + (f" ({owner.__name__}.{attribute.name})" if owner and attribute else "")
            + ": add how the converter reads it to the rubric schema"
        )

    def attrs_class(self, cls: type) -> _Schema:
        return self.ref(cls.__name__, lambda: self.object_of(cls))

    def object_of(self, cls: type, tag: tuple[str, str] | None = None) -> _Schema:
        """An attrs class as an object of its attributes; ``tag``, the key and value that say
        which class of a union it is."""
        hints = _hints(cls)
        docs = _attribute_docs(cls)
        properties: dict[str, _Schema] = {}
        required: list[str] = []
        if tag is not None:
            key, value = tag
            properties[key] = {"enum": [value]}
            required.append(key)
        for attribute in attrs.fields(cls):
            if not attribute.init:
                continue
            schema = self.of(hints[attribute.name], cls, attribute)
            notes: _Schema = {}
            if attribute.name in docs:
                notes["description"] = docs[attribute.name]
            default = attribute.default
            if default is attrs.NOTHING:
                required.append(attribute.name)
            else:
                if isinstance(default, _FACTORY):
                    default = default.factory()  # type: ignore[attr-defined]
                if default is not None:
                    notes["default"] = converter.unstructure(default)
            properties[attribute.name] = _annotated(schema, notes)
        schema = {"title": cls.__name__, **_described(cls), "type": "object"}
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def tagged(self, cls: type, key: str, value: str) -> _Schema:
        """A class of a tagged union, its tag ``key = value`` required."""
        return self.ref(cls.__name__, lambda: self.object_of(cls, (key, value)))

    def rules(self) -> _Schema:
        """A rule: one of the rule kinds, told by its ``kind``."""
        return self.union(
            "Rule",
            "A rule of an item, one of the building blocks, named by its kind.",
            _RULE_TAG,
            {cls: vars(cls)[_RULE_TAG] for cls in RULE_TYPES},
        )

    def nodes(self) -> _Schema:
        """A node: an item or a section, told by its ``node``."""
        return self.union(
            "Node",
            'A part of the rubric: an item (node = "item") or a section (node = "section").',
            NODE_TAG,
            {cls: node_tag(cls) for cls in typing.get_args(Node)},
        )

    def union(self, title: str, description: str, key: str, tags: dict[type, str]) -> _Schema:
        """One of ``tags``' classes, told by the value of ``key``; each value is described by
        its class's docstring when an editor offers it."""
        notes = [_described(cls).get("description", "") for cls in tags]
        return {
            "title": title,
            "description": description,
            "type": "object",
            "properties": {
                key: {
                    "enum": list(tags.values()),
                    "enumDescriptions": notes,  # VS Code
                    "x-taplo": {"docs": {"enumValues": notes}},  # taplo, "Even Better TOML"
                }
            },
            "required": [key],
            "oneOf": [self.tagged(cls, key, value) for cls, value in tags.items()],
        }


def _hints(cls: type) -> dict[str, Any]:
    """The resolved types of a class's attributes (its module's names, and its bases')."""
    return typing.get_type_hints(cls)


def _checks(attribute: Any) -> _Schema:
    """What the model's validator of ``attribute`` allows, as schema keywords."""
    validator = None if attribute is None else attribute.validator
    if validator is None:
        return {}
    if validator is node_id:
        return {"pattern": _NODE_ID}
    if validator is identifier:
        return {"pattern": _IDENTIFIER}
    if validator is non_negative:
        return {"minimum": 0}
    options = getattr(validator, "options", None)
    if isinstance(options, tuple):
        return {"enum": list(options)}
    return {}


def _hooked_source(builder: _Builder, at_least_zero: bool, outside: bool) -> _Schema:
    # a field id, or a rate worked out from two count fields
    return {"anyOf": [{"type": "string", "pattern": _IDENTIFIER}, builder.attrs_class(Rate)]}


def _hooked_cap(builder: _Builder, at_least_zero: bool, outside: bool) -> _Schema:
    name = "CapAtLeastZero" if at_least_zero else "Cap"

    def make() -> _Schema:
        return {
            "description": "A cap: a number, a parameter ({param = ...}), or "
            f'"{UNCAPPED}" for none (不封顶).',
            "anyOf": [
                builder.amount(at_least_zero, outside),
                {"enum": [UNCAPPED], "description": "No cap (不封顶); TOML has no null."},
            ],
        }

    return builder.ref(name, make)


def _hooked_compared(builder: _Builder, at_least_zero: bool, outside: bool) -> _Schema:
    return {"anyOf": [builder.amount(at_least_zero), builder.attrs_class(FieldTimes)]}


def _hooked_parameter_value(builder: _Builder, at_least_zero: bool, outside: bool) -> _Schema:
    return {
        "description": "A number (a parameter of a number kind) or a name (a text parameter).",
        "type": ["number", "string"],
    }


def _hooked_name(builder: _Builder, at_least_zero: bool, outside: bool) -> _Schema:
    return {
        "anyOf": [
            {"type": "string", "minLength": 1, "pattern": r"\S"},
            builder.attrs_class(Param),
        ]
    }


_HOOKED: dict[Any, Callable[[_Builder, bool, bool], _Schema]] = {
    Decimal: lambda b, zero, outside: b.decimal(zero),
    Decimal | Param: lambda b, zero, outside: b.amount(zero),
    Number: lambda b, zero, outside: b.amount(zero, outside),
    Number | None: _hooked_cap,
    Number | FieldTimes | None: _hooked_compared,
    str | Rate: _hooked_source,
    Decimal | str | None: _hooked_parameter_value,
    str | Param: _hooked_name,
    Decimal | Param | None: lambda b, zero, outside: b.amount(zero),
    Interval | BandInterval: lambda b, zero, outside: b.attrs_class(BandInterval),
    Node: lambda b, zero, outside: b.ref("Node", b.nodes),
}
"""The types the converter reads with hooks of their own (see :mod:`~gridrules.sheet.convert`),
and ``Decimal | Param``, the factor or target per unit that the classes those hooks build read;
and how each is written in a file. The arguments: whether the attribute's numbers are 0 or more,
and whether it may come from the evidence or the period scored."""


# -- help from the docstrings ----------------------------------------------------------------------

_ROLE = re.compile(
    r":[a-z]+(?::[a-z]+)?:`(?P<tilde>~?)(?:(?P<title>[^`<]+?)\s*<[^`>]+>|(?P<name>[^`]+))`"
)
_LITERAL = re.compile(r"``([^`]+)``")


def _plain(text: str) -> str:
    """Docstring text as an editor shows it (Markdown): roles as the names Sphinx shows, and
    literals in single backquotes."""

    def name(match: re.Match[str]) -> str:
        # as Sphinx shows it: the title given, else the target, only its last part after a ~
        if match["title"]:
            return f"`{match['title']}`"
        name = match["name"]
        return f"`{name.rsplit('.', 1)[-1] if match['tilde'] else name}`"

    return _LITERAL.sub(r"`\1`", _ROLE.sub(name, text))


def _paragraphs(doc: str | None) -> list[str]:
    text = inspect.cleandoc(doc or "")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _described(cls: type) -> _Schema:
    """``description`` (the first paragraph of the class's docstring) and
    ``markdownDescription`` (all of it), for an editor's help."""
    paragraphs = _paragraphs(cls.__doc__)
    if not paragraphs:
        return {}
    found = {"description": _plain(paragraphs[0])}
    if len(paragraphs) > 1:
        found["markdownDescription"] = "\n\n".join(_plain(p) for p in paragraphs)
    return found


def _annotated(schema: _Schema, notes: _Schema) -> _Schema:
    """An attribute's schema with its own description and default, if any."""
    if not notes:
        return schema
    if "$ref" in schema:  # nothing beside a $ref: older drafts would drop it
        schema = {"allOf": [schema]}
    return {**notes, **schema}


def _attribute_docs(cls: type) -> dict[str, str]:
    """The docstrings written under attributes (``x: int = 0`` then ``\"\"\"...\"\"\"``), of
    ``cls`` and its bases, as the first paragraph of each."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):  # no source at hand: no help beyond the classes'
            continue
        tree = ast.parse(source)
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for statement, following in itertools.pairwise(body):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                paragraphs = _paragraphs(following.value.value)
                if paragraphs:
                    docs[statement.target.id] = _plain(paragraphs[0])
    return docs


# -- the schema ------------------------------------------------------------------------------------


def rubric_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a rubric file, TOML or JSON, for editors and checks.

    Made from the model's classes and the converter's rules each time it is asked for: a rule
    kind or an attribute added to the model is in it at once. A file the schema refuses does not
    load; a file it accepts may still be refused when loaded, for what a schema cannot say (sums
    of maxima, ids used twice, gaps between grade bands), with a message naming where and why.
    """
    builder = _Builder()
    root = builder.object_of(RubricDefinition)
    properties = {
        "format": {
            "description": "The format of the file (optional: this format when left out).",
            "enum": [RUBRIC_FORMAT],
        },
        **root["properties"],
    }
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "gridrules rubric file",
        "description": root.get("description", ""),
        **(
            {"markdownDescription": root["markdownDescription"]}
            if "markdownDescription" in root
            else {}
        ),
        "type": "object",
        "properties": properties,
        "required": root["required"],
        "additionalProperties": False,
        "$defs": dict(sorted(builder.defs.items())),
    }
