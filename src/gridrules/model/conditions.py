"""Conditions on the evidence: a flag that is set, or a number against a threshold or against
another field times a factor (不足一半)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .fields import Field, FieldKind
from .numbers import ONE, fmt
from .rates import FieldTimes
from .refs import FromField, Number, PerUnit, identifier, optional_number, resolve

__all__ = ["OPERATORS", "When", "compared", "number_text"]

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
_SIGNS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "="}
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


def number_text(value: Number | FieldTimes | None) -> str:
    """A rubric number as the rubric table shows it: ``0.5``, ``[参数 x]``, 不封顶 for none."""
    if value is None:
        return "不封顶"
    if isinstance(value, FieldTimes):
        return str(value)
    return fmt(value) if isinstance(value, Decimal) else f"[{value}]"


_FIELD_TIMES = frozenset({"field", "times", "label"})


def compared(value: object) -> Number | FieldTimes | None:
    """attrs converter: what a condition compares with: a number, ``{param = ...}``, or another
    field times a factor (``{field = "meetings_held", times = "0.5"}``)."""
    if isinstance(value, FieldTimes):
        return value
    if isinstance(value, Mapping) and "field" in value and set(value) <= _FIELD_TIMES:
        return FieldTimes(**value)
    return optional_number(value)


@attrs.frozen
class When:
    """A condition on one evidence field: a flag that is set, or a number against a threshold
    or against another field times a factor.

    ``When("major_accident")`` holds when the flag is true; ``When("months_stale", ">=", 6)``
    compares a count; ``When("meetings_attended", "<", FieldTimes("meetings_held", "0.5"))``
    (in a rubric file ``value = { field = "meetings_held", times = "0.5" }``) compares it with
    half of another count, exactly: 参加5次 < 12 × 0.5 = 6. ``value_kind`` is the fields' kind for
    comparisons (count by default); a flag defaults to false, a number to ``default`` when one is
    given.
    """

    field: str = attrs.field(validator=identifier)
    op: str = attrs.field(default="is_true", validator=attrs.validators.in_(tuple(OPERATORS)))
    value: Number | FieldTimes | None = attrs.field(default=None, converter=compared)
    value_kind: FieldKind = attrs.field(default=FieldKind.COUNT, kw_only=True)
    default: int | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        flag = self.op in _FLAG_ARGUMENT
        if flag and self.value is not None:
            raise ValueError(f"When({self.field!r}, {self.op!r}) takes no value")
        if not flag and self.value is None:
            raise ValueError(f"When({self.field!r}, {self.op!r}) needs a value to compare with")
        if isinstance(self.value, FromField | PerUnit):
            raise ValueError("When.value must be a number, a parameter or {field = ..., times}")
        if isinstance(self.value, FieldTimes) and self.value.field == self.field:
            raise ValueError(f"When({self.field!r}) compares the field with another field")

    @property
    def ratio(self) -> FieldTimes | None:
        """The other field and its factor, when the condition compares two fields."""
        return self.value if isinstance(self.value, FieldTimes) else None

    @property
    def reads(self) -> tuple[str, ...]:
        """The evidence fields the condition reads: its field, and the other one if any."""
        ratio = self.ratio
        return (self.field,) if ratio is None else (self.field, ratio.field)

    def fields(self, description: str) -> Iterator[Field]:
        """The evidence fields the condition reads, as fields."""
        if self.op in _FLAG_ARGUMENT:
            yield Field(self.field, FieldKind.FLAG, description, default=False)
            return
        yield Field(self.field, self.value_kind, description, self.default)
        if self.ratio is not None:
            yield Field(self.ratio.field, self.value_kind, self.ratio.label, self.default)

    def numbers(self) -> Iterator[tuple[str, Number | None]]:
        """The condition's numbers by name, for the rubric's checks of its parameters."""
        if self.ratio is not None:
            yield "when.value.times", self.ratio.times
        elif not isinstance(self.value, FieldTimes):
            yield "when.value", self.value

    def test(self, params: Mapping[str, Any]) -> tuple[str, Callable[[Any, Any], bool], Any] | None:
        """The condition as data, its parameter filled in: ``(field, operator, argument)``, which
        holds when ``operator(value, argument)``; ``None`` for a condition on two fields."""
        if self.ratio is not None:
            return None
        argument: bool | Decimal | None = _FLAG_ARGUMENT.get(self.op)
        if self.value is not None:
            assert not isinstance(self.value, FieldTimes)
            argument = resolve(self.value, params, str(self))
        return self.field, OPERATORS[self.op], argument

    def compile(self, params: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], bool]:
        """The condition as a function of one record's values."""
        found = self.test(params)
        if found is None:
            field, other, times = self._ratio(params)
            compare = OPERATORS[self.op]

            def holds_against(values: Mapping[str, Any]) -> bool:
                return compare(values[field], values[other] * times)

            return holds_against
        field, test, argument = found

        def holds(values: Mapping[str, Any]) -> bool:
            return test(values[field], argument)

        return holds

    def _ratio(self, params: Mapping[str, Any]) -> tuple[str, str, Decimal]:
        ratio = self.ratio
        assert ratio is not None
        return self.field, ratio.field, resolve(ratio.times, params, str(self))

    def explainer(self, params: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], str]:
        """How the condition reads for one record, for the sheet: the condition itself, or for
        two fields the working, ``meetings_attended 5 < meetings_held 12 × 0.5 = 6``."""
        if self.ratio is None:
            text = str(self)
            return lambda values: text
        field, other, times = self._ratio(params)
        sign = _SIGNS[self.op]

        def working(values: Mapping[str, Any]) -> str:
            mine, theirs = values[field], values[other]
            if times == ONE:
                return f"{field} {fmt(mine)} {sign} {other} {fmt(theirs)}"
            return (
                f"{field} {fmt(mine)} {sign} {other} {fmt(theirs)} × {fmt(times)} = "
                f"{fmt(theirs * times)}"
            )

        return working

    def __str__(self) -> str:
        tail = "" if self.value is None else number_text(self.value)
        return f"{self.field} {_OPERATOR_WORDS[self.op]}{tail}"
