"""Tiered thresholds: 未达到60%扣10分; 未达到70%扣6分, or the points each band of a value gives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Literal

import attrs

from ...errors import BandError
from ..conditions import number_text
from ..fields import Field, FieldKind
from ..intervals import Interval, coverage_problems, first_holding
from ..numbers import HUNDRED, ZERO, as_tuple, fmt, to_decimal
from ..rates import Rate, rate_or_field
from ..refs import Number, number
from ..steps import Context, Effect, Step
from .base import Rule, non_negative, source_reader, source_reads

__all__ = ["Tier", "Tiers"]


@attrs.frozen
class Tier:
    """One row of a :class:`Tiers` table: an interval of the value and its points."""

    points: Number = attrs.field(converter=number, validator=non_negative)
    interval: Interval = attrs.field(factory=Interval)
    label: str = ""

    @classmethod
    def below(cls, upper: object, points: object, label: str = "") -> Tier:
        """未达到N: the values under ``upper``."""
        return cls(number(points), Interval(None, to_decimal(upper), True, False), label)


@attrs.frozen
class Tiers(Rule):
    """未达到60%扣10分; 未达到70%扣6分: a table from a value to points, with a hit policy.

    ``hit="first"`` takes the first row whose interval holds the value, so rows may overlap and
    their order matters (the source's own reading of 未达到60%扣10分; 未达到70%扣6分);
    ``hit="unique"`` requires the rows not to overlap. Either way the rows must cover every value
    the field can take, with a 0-point row for the range that loses nothing: a gap is rejected
    naming it. ``outcome="deduct"`` takes the points off the item, ``outcome="points"`` gives
    the item those points.

    ``field`` may be a :class:`~gridrules.model.rates.Rate` worked out from two counts
    (``{numerator = ..., denominator = ..., empty = ...}``) where the platform gives counts.
    """

    kind: ClassVar[str] = "Tiers"
    field: str | Rate = attrs.field(converter=rate_or_field)
    tiers: tuple[Tier, ...] = attrs.field(converter=as_tuple)
    value_kind: FieldKind = attrs.field(default=FieldKind.PERCENTAGE, kw_only=True)
    hit: Literal["first", "unique"] = attrs.field(
        default="first", kw_only=True, validator=attrs.validators.in_(("first", "unique"))
    )
    outcome: Literal["deduct", "points"] = attrs.field(
        default="deduct", kw_only=True, validator=attrs.validators.in_(("deduct", "points"))
    )
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.value_kind not in (FieldKind.PERCENTAGE, FieldKind.AMOUNT, FieldKind.COUNT):
            raise ValueError("Tiers.value_kind must be percentage, amount or count")
        if isinstance(self.field, Rate) and self.value_kind is not FieldKind.PERCENTAGE:
            raise ValueError("tiers on a rate read a percentage")
        top = HUNDRED if self.value_kind is FieldKind.PERCENTAGE else None
        rows = [(t.label or f"#{i + 1}", t.interval) for i, t in enumerate(self.tiers)]
        problems = coverage_problems(
            rows, ZERO, top, what="tier", allow_overlap=self.hit == "first"
        )
        if problems:
            raise BandError(f"tiers on {str(self.field)!r}: " + "; ".join(problems))

    @property
    def effect(self) -> Effect:
        return Effect.SET if self.outcome == "points" else Effect.DEDUCT

    def fields(self) -> Iterable[Field]:
        if isinstance(self.field, Rate):
            return self.field.fields(self.label)
        return (Field(self.field, self.value_kind, self.label),)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return ((f"tiers[{i}].points", t.points) for i, t in enumerate(self.tiers))

    def problems(self, item_maximum: Decimal) -> list[str]:
        if self.outcome == "deduct":
            return []
        return [
            f"tier {i + 1} gives {fmt(t.points)} points, more than the item's {fmt(item_maximum)}"
            for i, t in enumerate(self.tiers)
            if isinstance(t.points, Decimal) and t.points > item_maximum
        ]

    def compile(self, ctx: Context) -> Step:
        sets = self.effect is Effect.SET
        points = [ctx.value(t.points, "tier points") for t in self.tiers]
        # what each row gives: its points, or nothing for a deduction of nothing
        gives = [None if not p and not sets else p for p in points]
        row, source = first_holding([t.interval for t in self.tiers]), self.field
        field = str(source)
        read = source_reader(source, f"item {ctx.item_id!r}, Tiers")
        unit = "%" if self.value_kind is FieldKind.PERCENTAGE else ""
        verb = "得" if sets else "扣"
        tiers = self.tiers

        def holding(value: Decimal) -> int:
            n = row(value)
            if n is None:  # pragma: no cover - the rows were checked to cover every value
                raise AssertionError(f"tiers on {field!r} were checked to cover every value")
            return n

        def amount(values: Mapping[str, Any], units: Any) -> Decimal | None:
            return gives[holding(read(values))]

        def explain(values: Mapping[str, Any], amount: Decimal, units: Any) -> str:
            value = read(values)
            interval = tiers[holding(value)].interval
            if (
                interval.lower is None
                and interval.upper is not None
                and not interval.upper_inclusive
            ):
                where = f"未达到{fmt(interval.upper)}{unit}"
            else:
                where = f"落在 {interval}"
            if isinstance(source, Rate):
                return f"{source.working(values, value)}，{where}，{verb}{fmt(amount)}分"
            return f"{fmt(value)}{unit}，{where}，{verb}{fmt(amount)}分"

        return Step(
            self,
            self.effect,
            explain,
            amount=amount,
            reads=source_reads(source),
            shown=read if isinstance(source, Rate) else None,
        )

    def describe(self) -> str:
        verb = "得" if self.effect is Effect.SET else "扣"
        return "；".join(f"{t.interval}{verb}{number_text(t.points)}分" for t in self.tiers)
