"""Rubrics and score sheets to and from plain data, JSON and TOML.

One cattrs converter does all of it. Rule kinds are a tagged union (``kind = "PerOccurrence"``),
nodes are tagged ``node = "item"`` or ``node = "section"``, and Decimals are written as strings so
that nothing passes through a float. Loading a file only parses data: nothing in it is executed.

>>> import gridrules
>>> rubric = gridrules.Rubric(
...     name="demo", title="示例", maximum=10,
...     children=[gridrules.Item("meetings", "会议情况", 10, clause="缺勤一次扣1分",
...               rules=[gridrules.PerOccurrence("missed_meetings", 1)])],
... )
>>> structure_rubric(unstructure_rubric(rubric)) == rubric
True
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Union, get_origin

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.strategies import configure_tagged_union

from ._kinds import RULE_TYPES
from ._numbers import to_decimal
from ._rubric import Item, Rubric, Section
from ._rules import Rule
from ._sheet import (
    ItemLine,
    Reason,
    ScoreSheet,
    SectionLine,
    _arithmetic_text,
    _finished,
    _finished_evidence,
    _finished_sections,
    _value_text,
)
from ._values import FromField, Number, Param, PerWorkingDay, number
from .errors import DataFileError, GridrulesError

__all__ = [
    "converter",
    "dump_rubric",
    "dump_sheet",
    "load_params",
    "load_rubric",
    "loads_rubric",
    "structure_rubric",
    "structure_sheet",
    "unstructure_rubric",
    "unstructure_sheet",
]

converter = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)
"""The converter for every gridrules value type."""


def _structure_decimal(value: object, _: type) -> Decimal:
    return to_decimal(value)


def _unstructure_number(value: Number) -> object:
    if isinstance(value, Param):
        return {"param": value.param}
    if isinstance(value, FromField):
        return {"field": value.field}
    if isinstance(value, PerWorkingDay):
        return {"per_working_day": _unstructure_number(value.per_working_day)}
    return str(value)


def _structure_number(value: object, _: object) -> Number:
    return number(value)


def _structure_optional_number(value: object, _: object) -> Number | None:
    # "uncapped" spells out a deliberate absence of a cap (加分幅度不封顶), since TOML has no null
    return None if value is None or value == "uncapped" else number(value)


converter.register_structure_hook(Decimal, _structure_decimal)
converter.register_unstructure_hook(Decimal, str)
converter.register_unstructure_hook(Param, _unstructure_number)
converter.register_unstructure_hook(FromField, _unstructure_number)
converter.register_unstructure_hook(PerWorkingDay, _unstructure_number)
converter.register_structure_hook(Number, _structure_number)
converter.register_structure_hook(Number | None, _structure_optional_number)
converter.register_unstructure_hook_func(
    lambda t: get_origin(t) is frozenset or t is frozenset,  # type: ignore[comparison-overlap]
    lambda value: sorted(converter.unstructure(v) for v in value),
)


def _bonus_unstructure_factory(cls: type) -> Any:
    plain: Any = make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)

    def unstructure(rule: Any) -> dict[str, Any]:
        data: dict[str, Any] = plain(rule)
        if data.get("cap", "uncapped") is None:
            data["cap"] = "uncapped"
        return data

    return unstructure


for _cls in RULE_TYPES:
    if _cls.__name__ == "Bonus":
        converter.register_unstructure_hook(_cls, _bonus_unstructure_factory(_cls))

_RuleUnion = Union[tuple(RULE_TYPES)]  # type: ignore[valid-type]  # noqa: UP007
configure_tagged_union(
    _RuleUnion, converter, tag_generator=lambda cls: str(vars(cls)["kind"]), tag_name="kind"
)
converter.register_structure_hook(
    Rule,
    lambda value, _: converter.structure(value, _RuleUnion),  # type: ignore[arg-type]
)
converter.register_unstructure_hook(
    Rule, lambda rule: converter.unstructure(rule, unstructure_as=_RuleUnion)
)
configure_tagged_union(
    Item | Section, converter, tag_generator=lambda cls: cls.__name__.lower(), tag_name="node"
)


# A sheet's lazy attributes (see _sheet.py) are private attrs fields under public aliases: they
# are written out finished, under the public name, in the field order, so the JSON is the same
# as when they were formatted eagerly; read back, they hold the finished values.
_Lines, _Sections = tuple[ItemLine, ...], tuple[SectionLine, ...]


def _structure_as(kind: Any) -> Any:
    return lambda value, _: converter.structure(value, kind)


converter.register_unstructure_hook(
    Reason,
    make_dict_unstructure_fn(
        Reason,
        converter,
        _cattrs_use_alias=True,
        _value=override(unstruct_hook=_value_text),
        _arithmetic=override(unstruct_hook=_arithmetic_text),
    ),
)
converter.register_structure_hook(
    Reason,
    make_dict_structure_fn(
        Reason,
        converter,
        _cattrs_use_alias=True,
        _value=override(struct_hook=_structure_as(str)),
        _arithmetic=override(struct_hook=_structure_as(str)),
    ),
)
converter.register_unstructure_hook(
    ScoreSheet,
    make_dict_unstructure_fn(
        ScoreSheet,
        converter,
        _cattrs_omit_if_default=False,
        _cattrs_use_alias=True,
        _lines=override(unstruct_hook=lambda v: converter.unstructure(_finished(v), _Lines)),
        _sections=override(
            unstruct_hook=lambda v: converter.unstructure(_finished_sections(v), _Sections)
        ),
        _evidence=override(unstruct_hook=lambda v: dict(_finished_evidence(v))),
    ),
)
converter.register_structure_hook(
    ScoreSheet,
    make_dict_structure_fn(
        ScoreSheet,
        converter,
        _cattrs_use_alias=True,
        _lines=override(struct_hook=_structure_as(_Lines)),
        _sections=override(struct_hook=_structure_as(_Sections)),
        _evidence=override(struct_hook=_structure_as(dict[str, str])),
    ),
)


def _describe(exc: BaseException, type_: Any) -> str:
    """A problem found while structuring, in the words of whoever found it."""
    if (
        isinstance(exc, GridrulesError | ValueError | TypeError)
        and str(exc)
        and not isinstance(exc, cattrs.errors.ForbiddenExtraKeysError)
    ):
        return str(exc)
    return cattrs.v.format_exception(exc, type_)


def _messages(error: BaseException) -> list[str]:
    return cattrs.transform_error(error, path="$", format_exception=_describe)


def _strip_none(data: Any) -> Any:
    """TOML has no null: drop keys whose value is None."""
    if isinstance(data, dict):
        return {k: _strip_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_strip_none(v) for v in data]
    return data


def unstructure_rubric(rubric: Rubric) -> dict[str, Any]:
    """The rubric as plain data (dicts, lists, strings, numbers).

    :raises GridrulesError: a rule is of a class serialisation does not know (a subclass defined
        outside gridrules); name it, since only the building blocks can be written as data.
    """
    known = set(RULE_TYPES)
    for item in rubric.items():
        for rule in item.rules:
            if type(rule) not in known:
                raise GridrulesError(
                    f"rubric {rubric.name!r}, item {item.id!r}: rule class "
                    f"{type(rule).__qualname__} is not one of the building blocks "
                    f"({', '.join(t.kind for t in RULE_TYPES)}), so it cannot be written as data"
                )
    data: dict[str, Any] = converter.unstructure(rubric)
    return {"format": "gridrules-rubric/1", **_strip_none(data)}


def structure_rubric(data: Mapping[str, Any], where: str = "rubric data") -> Rubric:
    """Build a rubric from plain data; every problem is reported with its path.

    :raises DataFileError: the data does not describe a valid rubric.
    """
    if not isinstance(data, Mapping):
        raise DataFileError(
            f"{where}: expected a table of rubric fields, got {type(data).__name__}"
        )
    body = dict(data)
    fmt_tag = body.pop("format", "gridrules-rubric/1")
    if fmt_tag != "gridrules-rubric/1":
        raise DataFileError(f"{where}: unknown format {fmt_tag!r}; expected 'gridrules-rubric/1'")
    try:
        return converter.structure(body, Rubric)
    except GridrulesError as error:
        raise DataFileError(f"{where}: {error}") from None
    except Exception as error:  # cattrs reports nested problems as exception groups
        messages = _messages(error)
        raise DataFileError(
            f"{where}: not a valid rubric:\n" + "\n".join(f"  - {m}" for m in messages)
        ) from None


def _parse(text: str, fmt: str, where: str) -> Any:
    try:
        return tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise DataFileError(f"{where}: not valid {fmt.upper()}: {error}") from None


def _read(path: Path, what: str) -> tuple[str, str]:
    """The text of a TOML or JSON data file and its format; errors name the file."""
    fmt = _format_of(path)
    try:
        return path.read_text(encoding="utf-8-sig"), fmt
    except OSError as error:
        raise DataFileError(f"{path}: cannot read the {what} file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise DataFileError(f"{path}: not UTF-8 text ({error.reason})") from None


def loads_rubric(text: str, fmt: str = "toml", where: str = "rubric text") -> Rubric:
    """Parse a rubric from TOML or JSON text."""
    return structure_rubric(_parse(text, fmt, where), where)


def load_rubric(path: str | Path) -> Rubric:
    """Read a rubric file (``.toml`` or ``.json``)."""
    path = Path(path)
    text, fmt = _read(path, "rubric")
    return loads_rubric(text, fmt, str(path))


def load_params(path: str | Path) -> dict[str, Any]:
    """Read a parameters file (TOML or JSON): one table from parameter names to values.

    The values are checked when they are bound to a rubric (:func:`gridrules.load` with
    ``params=``, :meth:`Rubric.with_params`, or scoring), which reports every missing or invalid
    parameter at once, each quoting the clause it fills.

    :raises DataFileError: the file cannot be read or parsed, or is not one flat table.
    """
    path = Path(path)
    text, fmt = _read(path, "parameters")
    data = _parse(text, fmt, str(path))
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: expected one table of parameter names to values")
    nested = [key for key, value in data.items() if isinstance(value, dict | list)]
    if nested:
        raise DataFileError(
            f"{path}: parameter values must be numbers or text; {', '.join(nested)} "
            "hold tables or lists"
        )
    return data


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".toml", ".json"):
        return suffix[1:]
    raise DataFileError(f"{path}: unknown file type {suffix!r}; expected .toml or .json")


def dump_rubric(rubric: Rubric, fmt: str = "toml") -> str:
    """The rubric as TOML (needs the ``tomli-w`` package) or JSON text."""
    data = unstructure_rubric(rubric)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        import tomli_w
    except ImportError:  # pragma: no cover - depends on the environment
        raise GridrulesError(
            "writing TOML needs the tomli-w package: pip install 'gridrules[toml-write]'"
        ) from None
    return tomli_w.dumps(data)


def unstructure_sheet(sheet: ScoreSheet) -> dict[str, Any]:
    """The score sheet as plain data; Decimals are strings, flags a sorted list."""
    data: dict[str, Any] = converter.unstructure(sheet)
    for line, raw in zip(sheet.lines, data["lines"], strict=True):
        raw["deducted"] = str(line.deducted)
    return data


def structure_sheet(data: Mapping[str, Any]) -> ScoreSheet:
    """Rebuild a score sheet from :func:`unstructure_sheet` output."""
    body = dict(data)
    lines = [{k: v for k, v in line.items() if k != "deducted"} for line in body["lines"]]
    body["lines"] = lines
    try:
        return converter.structure(body, ScoreSheet)
    except Exception as error:
        messages = _messages(error)
        raise DataFileError("not a valid score sheet:\n" + "\n".join(messages)) from None


def dump_sheet(sheet: ScoreSheet) -> str:
    """The score sheet as JSON text (UTF-8, Chinese kept readable)."""
    return json.dumps(unstructure_sheet(sheet), ensure_ascii=False, indent=2) + "\n"
