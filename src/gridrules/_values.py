"""Numbers in a rubric that are filled in later: from a parameter or from the evidence."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from ._numbers import to_decimal

__all__ = ["FromField", "Number", "Param", "number", "optional_number"]


def _identifier(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value or not value.isascii() or " " in value:
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be a non-empty ASCII id without "
            f"spaces, got {value!r}"
        )


@attrs.frozen
class Param:
    """A value the source leaves blank (xx分, xx%), filled from a declared rubric parameter."""

    param: str = attrs.field(validator=_identifier)

    def __str__(self) -> str:
        return f"参数 {self.param}"


@attrs.frozen
class FromField:
    """A value read from the evidence, e.g. a quota target the platform computes per person."""

    field: str = attrs.field(validator=_identifier)

    def __str__(self) -> str:
        return f"字段 {self.field}"


Number: TypeAlias = Decimal | Param | FromField
"""A rubric number: a literal Decimal, a :class:`Param`, or (where allowed) a :class:`FromField`."""


def number(value: object) -> Number:
    """attrs converter: literal numbers to Decimal, references kept, mappings read as references."""
    if isinstance(value, Param | FromField):
        return value
    if isinstance(value, Mapping):
        if set(value) == {"param"}:
            return Param(value["param"])
        if set(value) == {"field"}:
            return FromField(value["field"])
        raise ValueError(f"expected a number, {{param = ...}} or {{field = ...}}, got {value!r}")
    return to_decimal(value, "rubric number")


def optional_number(value: object) -> Number | None:
    return None if value is None else number(value)


def resolve(value: Number, params: Mapping[str, Decimal], where: str) -> Decimal:
    """The literal value of ``value`` once parameters are bound (evidence refs stay unresolved)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Param):
        return params[value.param]
    raise TypeError(f"{where}: a value from the evidence cannot be used here")
