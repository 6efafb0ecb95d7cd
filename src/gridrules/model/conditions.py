"""Conditions on the evidence: a flag that is set, or a number against a threshold."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .fields import Field, FieldKind
from .numbers import fmt
from .refs import FromField, Number, PerUnit, identifier, optional_number, resolve

__all__ = ["OPERATORS", "When", "number_text"]

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "is_true": operator.is_,
    "is_false": operator.is_,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}
"""Each operator a condition may name, as the test of ``(value, argument)``; a flag is a bool
once validated, so ``is True`` is its test."""
_FLAG_ARGUMENT = {"is_true": True, "is_false": False}
_OPERATOR_WORDS = {
    "is_true": "为是",
    "is_false": "为否",
    "<": "小于",
    "<=": "不超过",
    ">": "大于",
    ">=": "达到",
    "==": "等于",
}


def number_text(value: Number | None) -> str:
    """A rubric number as the rubric table shows it: ``0.5``, ``[参数 x]``, 不封顶 for none."""
    if value is None:
        return "不封顶"
    return fmt(value) if isinstance(value, Decimal) else f"[{value}]"


@attrs.frozen
class When:
    """A condition on one evidence field: a flag that is set, or a number against a threshold.

    ``When("major_accident")`` holds when the flag is true; ``When("months_stale", ">=", 6)``
    compares a count. ``value_kind`` is the field's kind for comparisons (count by default);
    a flag defaults to false, a number to ``default`` when one is given.
    """

    field: str = attrs.field(validator=identifier)
    op: str = attrs.field(default="is_true", validator=attrs.validators.in_(tuple(OPERATORS)))
    value: Number | None = attrs.field(default=None, converter=optional_number)
    value_kind: FieldKind = attrs.field(default=FieldKind.COUNT, kw_only=True)
    default: int | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        flag = self.op in _FLAG_ARGUMENT
        if flag and self.value is not None:
            raise ValueError(f"When({self.field!r}, {self.op!r}) takes no value")
        if not flag and self.value is None:
            raise ValueError(f"When({self.field!r}, {self.op!r}) needs a value to compare with")
        if isinstance(self.value, FromField | PerUnit):
            raise ValueError("When.value must be a number or a parameter")

    def field_spec(self, description: str) -> Field:
        """The evidence field the condition reads."""
        if self.op in _FLAG_ARGUMENT:
            return Field(self.field, FieldKind.FLAG, description, default=False)
        return Field(self.field, self.value_kind, description, self.default)

    def test(self, params: Mapping[str, Any]) -> tuple[str, Callable[[Any, Any], bool], Any]:
        """The condition as data, its parameter filled in: ``(field, operator, argument)``, which
        holds when ``operator(value, argument)``."""
        argument: bool | Decimal | None = _FLAG_ARGUMENT.get(self.op)
        if self.value is not None:
            argument = resolve(self.value, params, str(self))
        return self.field, OPERATORS[self.op], argument

    def compile(self, params: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], bool]:
        """The condition as a function of one record's values (its :meth:`test`, applied)."""
        field, test, argument = self.test(params)

        def holds(values: Mapping[str, Any]) -> bool:
            return test(values[field], argument)

        return holds

    def __str__(self) -> str:
        tail = "" if self.value is None else number_text(self.value)
        return f"{self.field} {_OPERATOR_WORDS[self.op]}{tail}"
