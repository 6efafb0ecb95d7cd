"""Rates and ratios of two counts: 走访率 = 已走访户数 ÷ 应走访户数, 参加例会次数不足一半.

A platform often gives the counts, not the rate: households visited and households due, meetings
attended and meetings held. Two building blocks read them:

- :class:`Rate`, a percentage worked out from two count fields, for the rules that read a rate
  (``Tiers``, ``RateShortfall``): ``numerator × 100 ÷ denominator``, carried to 28 significant
  digits (:func:`~gridrules.model.numbers.divide`). What an empty denominator (nothing was due)
  means is the rubric's declared choice, never a guess: refused, a full rate, or none.
- :class:`FieldTimes`, the other side of a condition (:class:`~gridrules.When`): another field
  times a factor, compared exactly by multiplying, never by dividing (参加5次 < 12 × 0.5 = 6).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from ..errors import EvidenceError, Problem
from .fields import Field, FieldKind
from .numbers import HUNDRED, ONE, ZERO, divide, fmt
from .refs import Param, identifier, number

__all__ = ["EMPTY_CHOICES", "FieldTimes", "Rate", "rate_or_field"]

EMPTY_CHOICES = ("refuse", "full", "zero")
"""What a rate with an empty denominator (nothing was due) may be declared to mean: the record
is refused, the rate is 100% (nothing due, nothing missed), or 0%."""
_EMPTY_WORDS = {"full": "按100%计", "zero": "按0%计", "refuse": "不能计算"}


def _times(value: object) -> Decimal | Param:
    read = number(value)
    if not isinstance(read, Decimal | Param):
        raise ValueError("a factor is a number or {param = ...}")
    if isinstance(read, Decimal) and read < 0:
        raise ValueError(f"a factor must be 0 or more, got {fmt(read)}")
    return read


@attrs.frozen
class Rate:
    """走访率 = 已走访户数 ÷ 应走访户数: a percentage worked out from two counts of a record.

    ``empty`` declares what the rate is when the denominator is 0: ``"refuse"`` (the record is
    refused, naming both fields), ``"full"`` (100%: nothing was due, so nothing was missed) or
    ``"zero"`` (0%). A numerator over its denominator is refused: a rate is at most 100%.
    """

    numerator: str = attrs.field(validator=identifier)
    denominator: str = attrs.field(validator=identifier)
    empty: Literal["refuse", "full", "zero"] = attrs.field(
        default="refuse", validator=attrs.validators.in_(EMPTY_CHOICES)
    )

    def __attrs_post_init__(self) -> None:
        if self.numerator == self.denominator:
            raise ValueError(f"a rate's numerator and denominator are two fields, got {self}")

    @property
    def id(self) -> str:
        """The rate as a sheet names it: ``households_visited/households_due``."""
        return f"{self.numerator}/{self.denominator}"

    def fields(self, description: str = "") -> Iterator[Field]:
        """The two count fields the rate is worked out from."""
        yield Field(
            self.numerator, FieldKind.COUNT, f"{description}（分子）" if description else ""
        )
        yield Field(
            self.denominator, FieldKind.COUNT, f"{description}（分母）" if description else ""
        )

    def reader(self, where: str) -> Callable[[Mapping[str, Any]], Decimal]:
        """The rate of one record's values, as a function; ``where`` names the rule for the
        error of a record whose counts make no rate."""
        numerator, denominator, empty = self.numerator, self.denominator, self.empty

        def rate(values: Mapping[str, Any]) -> Decimal:
            done, due = values[numerator], values[denominator]
            if not due:
                if empty == "full":
                    return HUNDRED
                if empty == "zero":
                    return ZERO
                problem = f"is 0: the rate {numerator} ÷ {denominator} has no value"
                raise EvidenceError(where, [Problem(denominator, problem, due)])
            if done > due:
                raise EvidenceError(
                    where,
                    [
                        Problem(
                            numerator,
                            f"{fmt(done)} is more than {denominator} ({fmt(due)}): a rate is at "
                            "most 100%",
                            done,
                        )
                    ],
                )
            if done == due:
                return HUNDRED
            return divide(done * HUNDRED, due)

        return rate

    def working(self, values: Mapping[str, Any], rate: Decimal) -> str:
        """How the rate was worked out: ``9 ÷ 10 = 90%``, or what an empty denominator meant."""
        done, due = values[self.numerator], values[self.denominator]
        if not due:
            return f"{fmt(done)} ÷ 0，{_EMPTY_WORDS[self.empty]}"
        return f"{fmt(done)} ÷ {fmt(due)} = {fmt(rate)}%"

    def __str__(self) -> str:
        return f"{self.numerator} ÷ {self.denominator}"


def rate_or_field(value: object) -> str | Rate:
    """attrs converter: a field id as it is, a table ``{numerator = ..., denominator = ...,
    empty = ...}`` read as a :class:`Rate`."""
    if isinstance(value, Mapping):
        return Rate(**value)
    if isinstance(value, Rate):
        return value
    if not isinstance(value, str) or not value or not value.isascii() or " " in value:
        raise ValueError(
            "a field is a non-empty ASCII id, or a rate {numerator = ..., denominator = ...}, "
            f"got {value!r}"
        )
    return value


@attrs.frozen
class FieldTimes:
    """The other side of a condition: another field of the record times a factor, as in
    不足一半 (``meetings_attended < meetings_held × 0.5``) or 投诉率不超过5%
    (``complaints <= services × 0.05``). Compared by multiplying, exactly. The other field has a
    label of its own (``label``); the condition's label names its first field."""

    field: str = attrs.field(validator=identifier)
    times: Decimal | Param = attrs.field(default=ONE, converter=_times)
    label: str = ""
    """The other field's label (召开例会次数), as a column of evidence is named by it."""

    def __str__(self) -> str:
        times = fmt(self.times) if isinstance(self.times, Decimal) else f"[{self.times}]"
        return self.field if self.times == ONE else f"{self.field} × {times}"
