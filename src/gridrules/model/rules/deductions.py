"""Deductions from an item: per occurrence, per unit short of a quota or a rate, per missing
element (扣完为止: the item stops at its floor)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, ClassVar, Literal

import attrs

from ...dates.calendars import PeriodUnits
from ...errors import EvidenceError, Problem
from ..conditions import number_text
from ..fields import Field, FieldKind
from ..numbers import HUNDRED, ZERO, as_tuple, fmt
from ..rates import Rate, rate_or_field
from ..refs import UNIT_WORDS, FromField, Number, PerUnit, identifier, number, optional_number
from ..steps import Context, Effect, Step
from .base import (
    Rule,
    cap_note,
    capped,
    non_negative,
    per_occurrence_step,
    source_reader,
    source_reads,
)

__all__ = ["Checklist", "PerOccurrence", "Quota", "RateShortfall"]


@attrs.frozen
class PerOccurrence(Rule):
    """每发现一次扣N分: a deduction per occurrence, optionally capped (共N分).

    Also 缺一次扣0.5分, 每缺席一次扣2分, 发现一条扣0.5分. ``cap`` limits this rule's deductions
    within its item (一旬扣5分, 共15分); the item's own floor applies as well. With
    ``per="flag"`` the field is yes or no and the points are deducted once when it is yes
    (人员不懂得使用自己账号密码登陆网格E通,扣5分), still inside the item.
    """

    kind: ClassVar[str] = "PerOccurrence"
    field: str = attrs.field(validator=identifier)
    points: Number = attrs.field(converter=number, validator=non_negative)
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=non_negative
    )
    per: Literal["occurrence", "flag"] = attrs.field(
        default="occurrence", kw_only=True, validator=attrs.validators.in_(("occurrence", "flag"))
    )
    default: int | None = attrs.field(default=0, kw_only=True)
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def fields(self) -> Iterable[Field]:
        if self.per == "flag":
            yield Field(self.field, FieldKind.FLAG, self.label, default=False)
        else:
            yield Field(self.field, FieldKind.COUNT, self.label, self.default)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return (("points", self.points), ("cap", self.cap))

    def compile(self, ctx: Context) -> Step:
        return per_occurrence_step(
            self, ctx, Effect.DEDUCT, once=lambda field, amount: f"{field} 为是，扣{fmt(amount)}分"
        )

    def describe(self) -> str:
        if self.per == "flag":
            return f"发生即扣{number_text(self.points)}分"
        cap = "" if self.cap is None else f"，共{number_text(self.cap)}分"
        return f"每次扣{number_text(self.points)}分{cap}"


Judged = Literal["together", "each"]


@attrs.frozen
class Quota(Rule):
    """少一件扣N分: a deduction per unit short of a target (每月不少于10件).

    The ``target`` is a number, a :class:`Param`, a :class:`FromField` (a target the platform
    computes), or a target per unit of time: :class:`PerUnit` (每月不少于1次, 每周2次: the target
    times the months or weeks of the period scored) or :class:`PerWorkingDay` (每天N条,
    周末、节假日除外: times its working days).

    ``judged`` says how a target per unit of time is held against the evidence: ``"together"``
    (the default) compares the period's count with the period's target, so that one month's
    surplus covers another's shortfall; ``"each"`` judges every unit on its own, from a list of
    counts, one per unit of the period (``[1, 0, 2]`` for a quarter's three months), and adds up
    the units' shortfalls: a surplus covers nothing.
    """

    kind: ClassVar[str] = "Quota"
    evidence_numbers: ClassVar[frozenset[str]] = frozenset({"target"})
    field: str = attrs.field(validator=identifier)
    target: Number = attrs.field(converter=number, validator=non_negative)
    points: Number = attrs.field(converter=number, validator=non_negative)
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=non_negative
    )
    judged: Judged = attrs.field(
        default="together", kw_only=True, validator=attrs.validators.in_(("together", "each"))
    )
    default: int | None = attrs.field(default=None, kw_only=True)
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.target, FromField) and self.target.field == self.field:
            raise ValueError(
                f"Quota on {self.field!r}: the target cannot be the field it counts; name the "
                "field that holds the target"
            )
        if self.judged == "each" and not isinstance(self.target, PerUnit):
            raise ValueError(
                f'Quota on {self.field!r}: judged = "each" needs a target per unit of time '
                "(per_month, per_week, ...), each unit being judged on its own"
            )

    def fields(self) -> Iterable[Field]:
        if self.judged == "each":
            yield Field(self.field, FieldKind.COUNTS, self.label)
        else:
            yield Field(self.field, FieldKind.COUNT, self.label, self.default)
        if isinstance(self.target, FromField):
            yield Field(self.target.field, FieldKind.COUNT, f"{self.label}目标数")

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        target = self.target
        yield ("target.per", target.per) if isinstance(target, PerUnit) else ("target", target)
        yield ("points", self.points)
        yield ("cap", self.cap)

    @property
    def needs_period(self) -> bool:
        """Whether the target is counted on the period scored (a target per unit of time)."""
        return isinstance(self.target, PerUnit)

    def compile(self, ctx: Context) -> Step:
        field, target = self.field, self.target
        points, cap = ctx.value(self.points, "points"), ctx.optional(self.cap, "cap")
        if self.judged == "each":
            assert isinstance(target, PerUnit)
            return self._each(ctx, target.unit, ctx.value(target.per, "target per unit"))
        fixed = per = None
        unit = target_field = ""
        if isinstance(target, FromField):
            target_field = target.field
        elif isinstance(target, PerUnit):
            unit, per = target.unit, ctx.value(target.per, "target per unit")
        else:
            fixed = ctx.value(target, "target")

        def goal(values: Mapping[str, Any], units: PeriodUnits | None) -> Decimal:
            """The target this record is held to."""
            if fixed is not None:
                return fixed
            if per is not None:
                assert units is not None, "the engine hands a target per unit its period"
                return per * units.count(unit)
            return values[target_field]  # type: ignore[no-any-return]

        def amount(values: Mapping[str, Any], units: PeriodUnits | None) -> Decimal | None:
            short: Decimal = goal(values, units) - values[field]
            return None if short <= 0 else capped(short * points, cap)

        def explain(values: Mapping[str, Any], amount: Decimal, units: PeriodUnits | None) -> str:
            aim = goal(values, units)
            short = aim - values[field]
            of = (
                ""
                if per is None or units is None
                else (f"（{fmt(per)} × {fmt(units.count(unit))}{UNIT_WORDS[unit]}）")
            )
            return (
                f"目标{fmt(aim)}{of}，实际{fmt(values[field])}，少{fmt(short)} × {fmt(points)} = "
                f"{fmt(short * points)}"
            ) + cap_note(amount, short * points)

        reads = (field, target_field) if target_field else (field,)
        return Step(self, Effect.DEDUCT, explain, amount=amount, reads=reads)

    def _each(self, ctx: Context, unit: str, per: Decimal) -> Step:
        """Every unit of the period judged on its own: the shortfalls of the units added up."""
        field = self.field
        points, cap = ctx.value(self.points, "points"), ctx.optional(self.cap, "cap")
        item = ctx.item_id

        def shortfalls(values: Mapping[str, Any], units: PeriodUnits | None) -> list[Decimal]:
            assert units is not None, "the engine hands a target per unit its period"
            counts = values[field]
            expected = units.count(unit)
            if len(counts) != expected:
                raise EvidenceError(
                    f"item {item!r}",
                    [
                        Problem(
                            field,
                            f"expected {fmt(expected)} counts, one per {unit} of {units.period}, "
                            f"got {len(counts)}",
                            counts,
                        )
                    ],
                )
            return [max(per - count, ZERO) for count in counts]

        def amount(values: Mapping[str, Any], units: PeriodUnits | None) -> Decimal | None:
            short = sum(shortfalls(values, units), ZERO)
            return None if not short else capped(short * points, cap)

        def explain(values: Mapping[str, Any], amount: Decimal, units: PeriodUnits | None) -> str:
            short = sum(shortfalls(values, units), ZERO)
            each = "、".join(fmt(count) for count in values[field])
            return (
                f"每{UNIT_WORDS[unit]}目标{fmt(per)}，逐{UNIT_WORDS[unit]}实际{each}，"
                f"共少{fmt(short)} × {fmt(points)} = {fmt(short * points)}"
            ) + cap_note(amount, short * points)

        return Step(self, Effect.DEDUCT, explain, amount=amount, reads=(field,))

    def describe(self) -> str:
        cap = "" if self.cap is None else f"，共{number_text(self.cap)}分"
        each = "，逐单位计算" if self.judged == "each" else ""
        return f"不少于{number_text(self.target)}，少一个扣{number_text(self.points)}分{cap}{each}"


PartialPoint = Literal["whole", "started", "exact"]
_PARTIAL_ROUNDING = {"whole": ROUND_FLOOR, "started": ROUND_CEILING}


@attrs.frozen
class RateShortfall(Rule):
    """少一个百分点扣N分: a deduction per percentage point under a target rate (不低于10%).

    ``partial`` declares what a partial point counts for: ``"whole"`` counts whole points only
    (9.5% against 10% is 0 points short), ``"started"`` counts any started point as one (1 point),
    ``"exact"`` deducts in proportion (0.5 points short).

    ``field`` may be a :class:`~gridrules.model.rates.Rate` worked out from two counts.
    """

    kind: ClassVar[str] = "RateShortfall"
    field: str | Rate = attrs.field(converter=rate_or_field)
    target: Number = attrs.field(converter=number, validator=non_negative)
    points: Number = attrs.field(converter=number, validator=non_negative)
    partial: PartialPoint = attrs.field(
        default="whole", validator=attrs.validators.in_(("whole", "started", "exact"))
    )
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=non_negative
    )
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.target, Decimal) and self.target > HUNDRED:
            raise ValueError(f"RateShortfall.target is a percentage, got {fmt(self.target)}")
        if isinstance(self.target, FromField | PerUnit):
            raise ValueError("RateShortfall.target must be a number or a parameter")

    def fields(self) -> Iterable[Field]:
        if isinstance(self.field, Rate):
            return self.field.fields(self.label)
        return (Field(self.field, FieldKind.PERCENTAGE, self.label),)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return (("target", self.target), ("points", self.points), ("cap", self.cap))

    def compile(self, ctx: Context) -> Step:
        source, points = self.field, ctx.value(self.points, "points")
        read = source_reader(source, f"item {ctx.item_id!r}, RateShortfall")
        target, cap = ctx.value(self.target, "target"), ctx.optional(self.cap, "cap")
        rounding = _PARTIAL_ROUNDING.get(self.partial)

        def points_short(rate: Decimal) -> Decimal:
            """The percentage points short of the target, counted as ``partial`` says."""
            short = target - rate
            if rounding is not None and short > 0:
                return short.to_integral_value(rounding=rounding)
            return short

        def amount(values: Mapping[str, Any], units: Any) -> Decimal | None:
            short = points_short(read(values))
            return None if short <= 0 else capped(short * points, cap)

        def explain(values: Mapping[str, Any], amount: Decimal, units: Any) -> str:
            rate = read(values)
            short = points_short(rate)
            actual = source.working(values, rate) if isinstance(source, Rate) else f"{fmt(rate)}%"
            return (
                f"目标{fmt(target)}%，实际{actual}，少{fmt(short)}个百分点 × "
                f"{fmt(points)} = {fmt(short * points)}"
            ) + cap_note(amount, short * points)

        return Step(
            self,
            Effect.DEDUCT,
            explain,
            amount=amount,
            reads=source_reads(source),
            shown=read if isinstance(source, Rate) else None,
        )

    def describe(self) -> str:
        cap = "" if self.cap is None else f"，共{number_text(self.cap)}分"
        partial = {
            "whole": "不足一个百分点不扣",
            "started": "不足一个百分点按一个百分点扣",
            "exact": "不足一个百分点按比例扣",
        }[self.partial]
        return (
            f"不低于{number_text(self.target)}%，少一个百分点扣{number_text(self.points)}分"
            f"（{partial}）{cap}"
        )


@attrs.frozen
class Checklist(Rule):
    """每缺一项制度扣N分: one deduction per missing required element, naming each missing one.

    The evidence lists the elements present; the sheet names the ones missing.
    """

    kind: ClassVar[str] = "Checklist"
    field: str = attrs.field(validator=identifier)
    required: tuple[str, ...] = attrs.field(converter=as_tuple)
    points: Number = attrs.field(converter=number, validator=non_negative)
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=non_negative
    )
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.required or len(set(self.required)) != len(self.required):
            raise ValueError("Checklist.required must list distinct elements")

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, FieldKind.ELEMENTS, self.label, choices=self.required)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return (("points", self.points), ("cap", self.cap))

    def compile(self, ctx: Context) -> Step:
        field, required = self.field, self.required
        points, cap = ctx.value(self.points, "points"), ctx.optional(self.cap, "cap")
        wanted = frozenset(required)  # distinct, as checked when the rule was made

        def amount(values: Mapping[str, Any], units: Any) -> Decimal | None:
            # the present elements are a frozenset once validated: one set difference counts
            # the missing ones
            missing = len(wanted.difference(values[field]))
            return None if not missing else capped(missing * points, cap)

        def missing(values: Mapping[str, Any]) -> tuple[str, ...]:
            present = values[field]
            return tuple(name for name in required if name not in present)

        def explain(values: Mapping[str, Any], amount: Decimal, units: Any) -> str:
            absent = missing(values)
            raw = len(absent) * points
            return f"缺{'、'.join(absent)}，{len(absent)} × {fmt(points)} = {fmt(raw)}" + cap_note(
                amount, raw
            )

        return Step(self, Effect.DEDUCT, explain, amount=amount, reads=(field,), shown=missing)

    def describe(self) -> str:
        return f"应有{'、'.join(self.required)}，每缺一项扣{number_text(self.points)}分"
