"""Numbers in a rubric that are filled in later: from a parameter or from the evidence."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from .numbers import to_decimal

__all__ = [
    "UNIT_WORDS",
    "FromField",
    "Number",
    "Param",
    "PerUnit",
    "PerWorkingDay",
    "identifier",
    "number",
    "optional_number",
    "resolve",
]


def identifier(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value or not value.isascii() or " " in value:
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be a non-empty ASCII id without "
            f"spaces, got {value!r}"
        )


@attrs.frozen
class Param:
    """A value the source leaves blank (xx分, xx%), filled from a declared rubric parameter."""

    param: str = attrs.field(validator=identifier)

    def __str__(self) -> str:
        return f"参数 {self.param}"


@attrs.frozen
class FromField:
    """A value read from the evidence, e.g. a quota target the platform computes per person."""

    field: str = attrs.field(validator=identifier)

    def __str__(self) -> str:
        return f"字段 {self.field}"


def _per(value: object) -> Decimal | Param:
    if isinstance(value, Mapping) and set(value) == {"param"}:
        return Param(value["param"])
    return value if isinstance(value, Param) else to_decimal(value, "a target per unit")


UNIT_WORDS = {"day": "天", "working_day": "个工作日", "week": "周", "xun": "旬", "month": "月"}
"""The units of time a target may be set per, and their Chinese words (每天, 每周, ...)."""


def _unit(instance: PerUnit, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in UNIT_WORDS:
        raise ValueError(f"unknown unit of time {value!r}; expected one of {list(UNIT_WORDS)}")
    if value == "working_day" and type(instance) is PerUnit:
        raise ValueError("a target per working day is PerWorkingDay(...)")


@attrs.frozen
class PerUnit:
    """每月不少于N次 / 每周N次 / 每天N条: a target per unit of time, times the units of that kind
    the scored period holds (a quarter holds 3 months, 13 weeks, 9 旬).

    ``unit`` is ``day``, ``week``, ``xun`` (旬) or ``month``; per working day is
    :class:`PerWorkingDay`. A record scored against such a target needs its period. Weeks, 旬 and
    months count where their middle day falls (see :meth:`Period.count
    <gridrules.periods.Period.count>`).
    """

    unit: str = attrs.field(validator=_unit)
    per: Decimal | Param = attrs.field(converter=_per)

    def __str__(self) -> str:
        return f"每{UNIT_WORDS[self.unit]}{self.per}"


@attrs.frozen(init=False)
class PerWorkingDay(PerUnit):
    """每天N条 (周末、节假日除外): a daily quota times the working days of the scored period.

    The working days come from the calendar the record is scored with (China's by default), so a
    record scored this way needs its period.
    """

    def __init__(self, per_working_day: object) -> None:
        self.__attrs_init__("working_day", per_working_day)

    @property
    def per_working_day(self) -> Decimal | Param:
        """The quota per working day."""
        return self.per


Number: TypeAlias = Decimal | Param | FromField | PerUnit
"""A rubric number: a literal Decimal, a :class:`Param`, or (where allowed) a :class:`FromField`
or a target per unit of time (:class:`PerUnit`, :class:`PerWorkingDay`)."""


def number(value: object) -> Number:
    """attrs converter: literal numbers to Decimal, references kept, mappings read as references
    (``{param = ...}``, ``{field = ...}``, ``{per_month = ...}``, ``{per_working_day = ...}``)."""
    if isinstance(value, Param | FromField | PerUnit):
        return value
    if isinstance(value, Mapping):
        keys = set(value)
        if keys == {"param"}:
            return Param(value["param"])
        if keys == {"field"}:
            return FromField(value["field"])
        if keys == {"per_working_day"}:
            return PerWorkingDay(value["per_working_day"])
        if len(keys) == 1 and next(iter(keys)).startswith("per_"):
            key = next(iter(keys))
            return PerUnit(key.removeprefix("per_"), value[key])
        raise ValueError(
            "expected a number, {param = ...}, {field = ...} or a target per unit of time "
            f"({{per_month = ...}}, {{per_week = ...}}, {{per_working_day = ...}}, ...), got "
            f"{value!r}"
        )
    return to_decimal(value, "rubric number")


def optional_number(value: object) -> Number | None:
    """attrs converter: :func:`number`, or ``None`` left as it is."""
    return None if value is None else number(value)


def resolve(value: Number, params: Mapping[str, Decimal], where: str) -> Decimal:
    """The literal value of ``value`` once parameters are bound (evidence refs stay unresolved)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Param):
        return params[value.param]
    raise TypeError(f"{where}: a value from the evidence or the calendar cannot be used here")
