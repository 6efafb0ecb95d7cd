"""Numbers in a rubric that are filled in later: from a parameter or from the evidence."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from .numbers import to_decimal

__all__ = [
    "FromField",
    "Number",
    "Param",
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


def _daily(value: object) -> Decimal | Param:
    return value if isinstance(value, Param) else to_decimal(value, "per_working_day")


@attrs.frozen
class PerWorkingDay:
    """每天N条 (周末、节假日除外): a daily quota times the working days of the scored period.

    The working days come from the calendar the record is scored with (China's by default), so a
    record scored this way needs its period.
    """

    per_working_day: Decimal | Param = attrs.field(converter=_daily)

    def __str__(self) -> str:
        return f"每个工作日{self.per_working_day}"


Number: TypeAlias = Decimal | Param | FromField | PerWorkingDay
"""A rubric number: a literal Decimal, a :class:`Param`, or (where allowed) a :class:`FromField`
or :class:`PerWorkingDay`."""


def number(value: object) -> Number:
    """attrs converter: literal numbers to Decimal, references kept, mappings read as references."""
    if isinstance(value, Param | FromField | PerWorkingDay):
        return value
    if isinstance(value, Mapping):
        if set(value) == {"param"}:
            return Param(value["param"])
        if set(value) == {"field"}:
            return FromField(value["field"])
        if set(value) == {"per_working_day"}:
            inner = value["per_working_day"]
            return PerWorkingDay(Param(inner["param"]) if isinstance(inner, Mapping) else inner)
        raise ValueError(
            "expected a number, {param = ...}, {field = ...} or {per_working_day = ...}, got "
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
