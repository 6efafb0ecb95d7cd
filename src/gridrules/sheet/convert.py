"""Plain data to and from every gridrules value: rubrics, rules, score sheets.

One cattrs converter does all of it. Rule kinds are a tagged union (``kind = "PerOccurrence"``),
nodes are tagged ``node = "item"`` or ``node = "section"``, and Decimals are written as strings in
one form (:func:`~gridrules.model.numbers.fmt`: ``"93"``, never ``"93.00"``), so that nothing
passes through a float. Reading data only parses it: nothing in it is executed.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar, get_origin

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.strategies import configure_tagged_union

from ..errors import DataFileError, GridrulesError, brief
from ..model.grades import BandInterval
from ..model.intervals import Interval
from ..model.numbers import fmt, to_figure
from ..model.rates import FieldTimes, Rate, rate_or_field
from ..model.refs import FromField, Number, Param, PerUnit, number
from ..model.rubric import RubricDefinition
from ..model.rules import RULE_TYPES, UNCAPPED, Bonus, Rule
from ..model.tree import Node
from .audit import Audit
from .content import (
    FORMAT_VERSION,
    SheetContent,
    finished_evidence,
    finished_lines,
    finished_sections,
)
from .lines import ItemLine, ParameterLine, Reason, SectionLine, arithmetic_text, value_text

__all__ = [
    "NODE_TAG",
    "RUBRIC_FORMAT",
    "converter",
    "node_tag",
    "problems_of",
    "structure_rubric_as",
    "structure_sheet_as",
    "unstructure_rubric",
    "unstructure_sheet",
]

RUBRIC_FORMAT = "gridrules-rubric/1"
"""The ``format`` tag of a rubric written as data."""

_S = TypeVar("_S", bound=SheetContent)

converter = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)
"""The converter for every gridrules value type."""


def _structure_decimal(value: object, _: type) -> Decimal:
    """A figure as written, exactly (:func:`~gridrules.model.numbers.to_figure`). The numbers a
    rubric or evidence gives are held to their sizes where they are read; a sheet's figures may
    be longer (a ballot mean carried to 28 digits)."""
    if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
        try:
            return to_figure(value)
        except TypeError:
            pass
    raise ValueError(f"expected a number written as text, got {brief(value)}")


def _unstructure_number(value: Number) -> object:
    if isinstance(value, Param):
        return {"param": value.param}
    if isinstance(value, FromField):
        return {"field": value.field}
    if isinstance(value, PerUnit):
        return {f"per_{value.unit}": _unstructure_number(value.per)}
    return fmt(value)


def _structure_number(value: object, _: object) -> Number:
    return number(value)


def _structure_optional_number(value: object, _: object) -> Number | None:
    # "uncapped" spells out a deliberate absence of a cap (加分幅度不封顶), since TOML has no null
    return None if value is None or value == "uncapped" else number(value)


converter.register_structure_hook(Decimal, _structure_decimal)
converter.register_unstructure_hook(Decimal, fmt)
converter.register_unstructure_hook(Param, _unstructure_number)
converter.register_unstructure_hook(FromField, _unstructure_number)
converter.register_unstructure_hook(PerUnit, _unstructure_number)
converter.register_structure_hook(Number, _structure_number)
converter.register_structure_hook(Number | None, _structure_optional_number)


def _structure_parameter_value(value: object, _: object) -> object:
    """A parameter's default or value, as written: the parameter reads it by its kind."""
    if value is None or (isinstance(value, str | int | Decimal) and not isinstance(value, bool)):
        return value
    raise ValueError(f"expected a number or a name, got {brief(value)}")


def _structure_text_or_param(value: object, _: object) -> str | Param:
    if isinstance(value, Mapping) and set(value) == {"param"}:
        return Param(value["param"])
    if isinstance(value, str):
        return value
    raise ValueError(f"expected a name or {{param = ...}}, got {brief(value)}")


def _structure_bound(value: object, _: object) -> Decimal | Param | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return _structure_text_or_param(value, None)  # type: ignore[return-value]
    return _structure_decimal(value, Decimal)


def _structure_interval(value: object, _: object) -> Interval | BandInterval:
    if not isinstance(value, Mapping):
        raise ValueError(f"an interval is a table of bounds, got {brief(value)}")
    return converter.structure(value, BandInterval).narrowed()


def _structure_parameter_line(value: object, _: object) -> ParameterLine:
    if not isinstance(value, Mapping):
        raise ValueError(f"a parameter line is a table, got {brief(value)}")
    data = dict(value)
    raw = data.get("value")
    if data.get("text") is not True:
        data["value"] = _structure_decimal(raw, Decimal)
    elif not isinstance(raw, str):
        raise ValueError(f"a text parameter's value is text, got {brief(raw)}")
    line: ParameterLine = _plain_parameter_line(data, ParameterLine)
    return line


def _structure_source(value: object, _: object) -> str | Rate:
    return rate_or_field(value)


def _structure_compared(value: object, _: object) -> Number | FieldTimes | None:
    if (
        isinstance(value, Mapping)
        and "field" in value
        and set(value) <= {"field", "times", "label"}
    ):
        return FieldTimes(**value)
    return _structure_optional_number(value, None)


def _unstructure_field_times(value: FieldTimes) -> dict[str, object]:
    data = {"field": value.field, "times": _unstructure_number(value.times)}
    return data | ({"label": value.label} if value.label else {})


converter.register_structure_hook(str | Rate, _structure_source)
converter.register_structure_hook(Number | FieldTimes | None, _structure_compared)
converter.register_unstructure_hook(FieldTimes, _unstructure_field_times)
converter.register_structure_hook(Decimal | str | None, _structure_parameter_value)
converter.register_structure_hook(str | Param, _structure_text_or_param)
converter.register_structure_hook(Decimal | Param | None, _structure_bound)
converter.register_structure_hook(Interval | BandInterval, _structure_interval)
converter.register_unstructure_hook(BandInterval, make_dict_unstructure_fn(BandInterval, converter))
_plain_parameter_line = make_dict_structure_fn(
    ParameterLine, converter, value=override(struct_hook=lambda v, _: v)
)
converter.register_structure_hook(ParameterLine, _structure_parameter_line)
converter.register_unstructure_hook_func(
    lambda t: get_origin(t) is frozenset or t is frozenset,  # type: ignore[comparison-overlap]
    lambda value: sorted(converter.unstructure(v) for v in value),
)


def _bonus_unstructure_factory(cls: type) -> Any:
    plain: Any = make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)

    def unstructure(rule: Any) -> dict[str, Any]:
        data: dict[str, Any] = plain(rule)
        if data.get("cap", UNCAPPED) is None:
            data["cap"] = UNCAPPED
        return data

    return unstructure


converter.register_unstructure_hook(Bonus, _bonus_unstructure_factory(Bonus))

_RULES_BY_KIND: dict[str, type[Rule]] = {vars(cls)["kind"]: cls for cls in RULE_TYPES}


def _structure_rule(value: object, _: object) -> Rule:
    """A rule from its table, by its ``kind``; an unknown kind is named with the closest one."""
    if not isinstance(value, Mapping):
        raise TypeError(f"a rule is a table with a kind, got {type(value).__name__}")
    kind = value.get("kind")
    cls = _RULES_BY_KIND.get(kind) if isinstance(kind, str) else None
    if cls is None:
        if kind is None:
            raise ValueError(f"a rule needs a kind, one of {', '.join(_RULES_BY_KIND)}")
        close = difflib.get_close_matches(str(kind), list(_RULES_BY_KIND), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"unknown rule kind {kind!r}{hint} (the kinds: {', '.join(_RULES_BY_KIND)})"
        )
    return converter.structure({k: v for k, v in value.items() if k != "kind"}, cls)


def _unstructure_rule(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = converter.unstructure(rule, unstructure_as=type(rule))
    return {"kind": rule.kind, **data}


# registered for the base class itself: each building block is then structured as the attrs
# class it is
converter.register_structure_hook_func(lambda kind: kind is Rule, _structure_rule)
converter.register_unstructure_hook_func(lambda kind: kind is Rule, _unstructure_rule)

NODE_TAG = "node"
"""The key that says what a node of a rubric file is (``node = "item"``)."""


def node_tag(cls: type) -> str:
    """How a rubric file names a node class under :data:`NODE_TAG`: ``item``, ``section``."""
    return cls.__name__.lower()


configure_tagged_union(Node, converter, tag_generator=node_tag, tag_name=NODE_TAG)


# A sheet's lazy attributes (see content.py) are private attrs fields under public aliases: they
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
        _value=override(unstruct_hook=value_text),
        _arithmetic=override(unstruct_hook=arithmetic_text),
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


def _is_sheet(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, SheetContent)


def _unstructure_sheet_fn(kind: type[SheetContent]) -> Any:
    return make_dict_unstructure_fn(
        kind,
        converter,
        _cattrs_omit_if_default=False,
        _cattrs_use_alias=True,
        _lines=override(unstruct_hook=lambda v: converter.unstructure(finished_lines(v), _Lines)),
        _sections=override(
            unstruct_hook=lambda v: converter.unstructure(finished_sections(v), _Sections)
        ),
        _evidence=override(unstruct_hook=lambda v: dict(finished_evidence(v))),
    )


def _structure_sheet_fn(kind: type[SheetContent]) -> Any:
    return make_dict_structure_fn(
        kind,
        converter,
        _cattrs_use_alias=True,
        _lines=override(struct_hook=_structure_as(_Lines)),
        _sections=override(struct_hook=_structure_as(_Sections)),
        _evidence=override(struct_hook=_structure_as(dict[str, str])),
    )


# the audit stamp says every one of its keys, null or not, on sheets and batches alike
converter.register_unstructure_hook(
    Audit, make_dict_unstructure_fn(Audit, converter, _cattrs_omit_if_default=False)
)
converter.register_unstructure_hook_factory(_is_sheet, _unstructure_sheet_fn)
converter.register_structure_hook_factory(_is_sheet, _structure_sheet_fn)


def _describe(exc: BaseException, type_: Any) -> str:
    """A problem found while structuring, in the words of whoever found it."""
    if (
        isinstance(exc, GridrulesError | ValueError | TypeError)
        and str(exc)
        and not isinstance(exc, cattrs.errors.ForbiddenExtraKeysError)
    ):
        return str(exc)
    return cattrs.v.format_exception(exc, type_)


def problems_of(error: BaseException) -> list[str]:
    """What cattrs found wrong while structuring, each with its path (``$.children[0]...``)."""
    return cattrs.transform_error(error, path="$", format_exception=_describe)


def _strip_none(data: Any) -> Any:
    """TOML has no null: drop keys whose value is None."""
    if isinstance(data, dict):
        return {k: _strip_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_strip_none(v) for v in data]
    return data


def unstructure_rubric(rubric: RubricDefinition) -> dict[str, Any]:
    """The rubric as plain data (dicts, lists, strings, numbers).

    :raises GridrulesError: a rule is of a class serialisation does not know (a subclass defined
        outside gridrules); name it, since only the building blocks can be written as data.
    """
    for item in rubric.items():
        for rule in item.rules:
            if type(rule) not in RULE_TYPES:
                raise GridrulesError(
                    f"rubric {rubric.name!r}, item {item.id!r}: rule class "
                    f"{type(rule).__qualname__} is not one of the building blocks "
                    f"({', '.join(_RULES_BY_KIND)}), so it cannot be written as data"
                )
    data: dict[str, Any] = converter.unstructure(rubric, unstructure_as=RubricDefinition)
    data.pop("origin", None)  # where it was loaded from, not part of the rubric
    return {"format": RUBRIC_FORMAT, **_strip_none(data)}


_R = TypeVar("_R", bound=RubricDefinition)


def structure_rubric_as(data: object, kind: type[_R], where: str = "rubric data") -> _R:
    """Build a rubric of class ``kind`` from plain data; every problem is reported with its path.

    :raises DataFileError: the data does not describe a valid rubric.
    """
    if not isinstance(data, Mapping):
        raise DataFileError(
            f"{where}: expected a table of rubric fields, got {type(data).__name__}"
        )
    body = dict(data)
    if "origin" in body:  # set by the plugin that registers a rubric, never by its file
        raise DataFileError(f"{where}: not a valid rubric:\n  - unknown key 'origin'")
    tag = body.pop("format", RUBRIC_FORMAT)
    if tag != RUBRIC_FORMAT:
        raise DataFileError(f"{where}: unknown format {tag!r}; expected {RUBRIC_FORMAT!r}")
    try:
        return converter.structure(body, kind)
    except GridrulesError as error:
        raise DataFileError(f"{where}: {error}") from None
    except Exception as error:  # cattrs reports nested problems as exception groups
        raise DataFileError(
            f"{where}: not a valid rubric:\n" + "\n".join(f"  - {m}" for m in problems_of(error))
        ) from None


def unstructure_sheet(sheet: SheetContent) -> dict[str, Any]:
    """The score sheet as plain data: Decimals as text in one form, flags a sorted list."""
    data: dict[str, Any] = converter.unstructure(sheet)
    for line, raw in zip(sheet.lines, data["lines"], strict=True):
        raw["deducted"] = fmt(line.deducted)
    return data


def structure_sheet_as(data: Mapping[str, Any], kind: type[_S]) -> _S:
    """Rebuild a score sheet of class ``kind`` from :func:`unstructure_sheet`'s data.

    :raises DataFileError: the data is not a score sheet, with every problem found.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("lines"), list):
        raise DataFileError("not a valid score sheet: expected a table with its lines")
    version = data.get("format_version", FORMAT_VERSION)
    if type(version) is int and version > FORMAT_VERSION:
        raise DataFileError(
            f"not a score sheet this gridrules reads: its format is version {version}, newer "
            f"than this version's {FORMAT_VERSION}; upgrade gridrules to read it"
        )
    body = dict(data)
    body["lines"] = [
        {k: v for k, v in line.items() if k != "deducted"} if isinstance(line, Mapping) else line
        for line in body["lines"]
    ]
    try:
        return converter.structure(body, kind)
    except Exception as error:
        raise DataFileError("not a valid score sheet:\n" + "\n".join(problems_of(error))) from None
