"""The item rules: how evidence about one item turns into deductions, points and vetoes.

Each rule reads the evidence fields it declares, and, once a rubric is prepared, is compiled into
a plain function from the validated record to an :class:`~gridrules.Outcome` (or ``None`` when it
has nothing to say). The arithmetic shown on a score sheet is written out only when read.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from ._evidence import Field, FieldKind
from ._intervals import Interval, coverage_problems, first_holding
from ._numbers import HUNDRED, ZERO, as_tuple, fmt, to_decimal
from ._outcome import Effect, Outcome
from ._values import (
    WORKING_DAYS,
    FromField,
    Number,
    PerWorkingDay,
    number,
    optional_number,
    resolve,
)

__all__ = [
    "AllOrNothing",
    "AssessorPoints",
    "AwardLevel",
    "Bonus",
    "Checklist",
    "Level",
    "Penalty",
    "PerOccurrence",
    "Quota",
    "RateShortfall",
    "Rule",
    "Tier",
    "Tiers",
    "When",
    "ZeroIf",
]

Compiled: TypeAlias = Callable[[Mapping[str, Any]], Outcome | None]
ZeroTest: TypeAlias = tuple[str, Callable[[Any, Any], bool], Any]
"""See :meth:`Rule.zero_test`."""
Amount: TypeAlias = Callable[[Mapping[str, Any]], Decimal | None]
"""A rule's points only, for scoring without explanations: ``None`` when it has nothing to say."""


def amounts_of(run: Compiled) -> Amount:
    """The points of a compiled rule's outcomes, for a rule whose outcomes all have its effect."""

    def amount(values: Mapping[str, Any]) -> Decimal | None:
        outcome = run(values)
        return None if outcome is None else outcome.amount

    return amount


def _field_id(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value or not value.isascii() or " " in value:
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be an ASCII field id without "
            f"spaces, got {value!r}"
        )


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Decimal) and value < 0:
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be 0 or more, got {fmt(value)} "
            "(write deductions as positive points)"
        )


_ONE = Decimal(1)


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "maximum")


def _cap_amount(amount: Decimal, cap: Decimal | None) -> tuple[Decimal, bool]:
    if cap is not None and amount > cap:
        return cap, True
    return amount, False


def _cap_text(outcome: Outcome, cap: Decimal | None) -> str:
    return f"，共{fmt(cap)}分封顶" if outcome.capped and cap is not None else ""


def _per_unit_amount(
    rule: PerOccurrence | Penalty | Bonus, ctx: Context, *, flag: bool = False
) -> Amount:
    """The points-only form of the rules that count ``field × points`` (once when the field is a
    yes/no ``per="flag"``), up to their ``cap``: nothing for a count of 0 or a no."""
    field, points = rule.field, ctx.value(rule.points, "points")
    cap = None if rule.cap is None else ctx.value(rule.cap, "cap")

    def amount(values: Mapping[str, Any]) -> Decimal | None:
        count = values[field]
        if not count:
            return None
        amount: Decimal = (1 if flag else count) * points
        return cap if cap is not None and amount > cap else amount

    return amount


class Context:
    """What a rule may know when it is compiled: bound parameters and its item."""

    __slots__ = ("item_id", "item_maximum", "params")

    def __init__(self, params: Mapping[str, Decimal], item_id: str, item_maximum: Decimal) -> None:
        self.params = params
        self.item_id = item_id
        self.item_maximum = item_maximum

    def value(self, value: Number, where: str) -> Decimal:
        return resolve(value, self.params, f"item {self.item_id!r}, {where}")


class Rule:
    """Base of the item rules.

    Subclasses are frozen attrs classes with a ``clause`` (the exact quote they implement; empty
    means the item's clause) and a ``label`` (a short Chinese name shown on the sheet).
    """

    kind: ClassVar[str]
    clause: str
    label: str

    def fields(self) -> Iterable[Field]:
        """The evidence fields this rule reads."""
        raise NotImplementedError

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        """The rule's numbers by attribute name, for parameter and reference checks."""
        return ()

    def problems(self, item_maximum: Decimal) -> list[str]:
        """What is wrong with this rule inside an item of ``item_maximum`` points."""
        return []

    def compile(self, ctx: Context) -> Compiled:
        raise NotImplementedError

    def compile_amount(self, ctx: Context) -> Amount | None:
        """Like :meth:`compile`, but the function returns the points alone, and faster.

        Scoring without explanations uses it for every rule whose outcomes always have the rule's
        :attr:`effect`; it must give exactly the amount :meth:`compile`'s outcome carries. The
        default ``None`` means the rule has no such form, and its item is scored through
        :meth:`compile`.
        """
        return None

    def compile_column(
        self, ctx: Context
    ) -> Callable[[Sequence[Any]], list[Decimal | None]] | None:
        """For a rule that sets its item's points (effect SET), always with an amount: a
        function from a column of raw values of its field, one per record, to their amounts,
        ``None`` for a value the function leaves to the one-record path.

        :meth:`Scorer.results <gridrules.Scorer.results>` uses it for a rule whose raw values
        rarely repeat (ballots), where remembering each one's points would not pay; the
        amounts must be exactly :meth:`compile_amount`'s. ``None`` (the default) when the rule
        has no such form.
        """
        return None

    def per_unit(self, ctx: Context) -> tuple[str, Decimal] | None:
        """``(field, points)`` when the rule deducts exactly ``count × points`` of a count field.

        Nothing when the count is 0, no cap, no condition: the item then does that arithmetic
        itself, saving a call per rule and record. ``None`` (the default) when it is not so.
        """
        return None

    def zero_test(self, ctx: Context) -> ZeroTest | None:
        """``(field, test, argument)`` when the rule zeroes its item exactly when
        ``test(values[field], argument)`` holds, ``test`` a plain two-argument function.

        Like :meth:`per_unit`, it lets the item check the condition itself, without a call per
        rule and record. ``None`` (the default) when it is not so.
        """
        return None

    def arithmetic(self, outcome: Outcome) -> str:
        raise NotImplementedError

    def describe(self) -> str:
        """The rule in a few Chinese words, for the rubric table."""
        raise NotImplementedError

    @property
    def effect(self) -> Effect:
        return Effect.DEDUCT

    @property
    def primary_field(self) -> str:
        """The evidence field the rule is about (shown beside its reasons)."""
        return next(iter(self.fields())).id


def _d(value: Number | None) -> str:
    if value is None:
        return "不封顶"
    return fmt(value) if isinstance(value, Decimal) else f"[{value}]"


# -- deductions ------------------------------------------------------------------------------


@attrs.frozen
class PerOccurrence(Rule):
    """每发现一次扣N分: a deduction per occurrence, optionally capped (共N分).

    Also 缺一次扣0.5分, 每缺席一次扣2分, 发现一条扣0.5分. ``cap`` limits this rule's deductions
    within its item (一旬扣5分, 共15分); the item's own floor applies as well. With
    ``per="flag"`` the field is yes or no and the points are deducted once when it is yes
    (人员不懂得使用自己账号密码登陆网格E通,扣5分), still inside the item.
    """

    kind: ClassVar[str] = "PerOccurrence"
    field: str = attrs.field(validator=_field_id)
    points: Number = attrs.field(converter=number, validator=_non_negative)
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=_non_negative
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

    def compile(self, ctx: Context) -> Compiled:
        field, points = self.field, ctx.value(self.points, "points")
        cap = None if self.cap is None else ctx.value(self.cap, "cap")
        rule, deduct, flag = self, Effect.DEDUCT, self.per == "flag"

        def run(values: Mapping[str, Any]) -> Outcome | None:
            count = values[field]
            if not count:
                return None
            if flag:
                count = _ONE
            amount = count * points
            if cap is not None and amount > cap:
                return Outcome(rule, deduct, cap, count, points, True)
            return Outcome(rule, deduct, amount, count, points)

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        return _per_unit_amount(self, ctx, flag=self.per == "flag")

    def per_unit(self, ctx: Context) -> tuple[str, Decimal] | None:
        if self.cap is not None:
            return None
        return self.field, ctx.value(self.points, "points")

    def arithmetic(self, outcome: Outcome) -> str:
        if self.per == "flag":
            return f"{self.primary_field} 为是，扣{fmt(outcome.amount)}分"
        raw = outcome.value * outcome.detail
        return f"{fmt(outcome.value)} × {fmt(outcome.detail)} = {fmt(raw)}" + (
            f"，共{fmt(outcome.amount)}分封顶" if outcome.capped else ""
        )

    def describe(self) -> str:
        if self.per == "flag":
            return f"发生即扣{_d(self.points)}分"
        cap = "" if self.cap is None else f"，共{_d(self.cap)}分"
        return f"每次扣{_d(self.points)}分{cap}"


@attrs.frozen
class Quota(Rule):
    """少一件扣N分: a deduction per unit short of a target (每月不少于10件).

    The ``target`` is a number, a :class:`Param`, a :class:`FromField` (a target the platform
    computes), or a :class:`PerWorkingDay` (每天N条, 周末、节假日除外: the daily quota times the
    working days of the period the record is scored for).
    """

    kind: ClassVar[str] = "Quota"
    field: str = attrs.field(validator=_field_id)
    target: Number = attrs.field(converter=number, validator=_non_negative)
    points: Number = attrs.field(converter=number, validator=_non_negative)
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=_non_negative
    )
    default: int | None = attrs.field(default=None, kw_only=True)
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, FieldKind.COUNT, self.label, self.default)
        if isinstance(self.target, FromField):
            yield Field(self.target.field, FieldKind.COUNT, f"{self.label}目标数")

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        target = self.target
        if isinstance(target, PerWorkingDay):
            yield ("target.per_working_day", target.per_working_day)
        else:
            yield ("target", target)
        yield ("points", self.points)
        yield ("cap", self.cap)

    def compile(self, ctx: Context) -> Compiled:
        field, points = self.field, ctx.value(self.points, "points")
        cap = None if self.cap is None else ctx.value(self.cap, "cap")
        target = self.target
        target_field, per_day = None, None
        if isinstance(target, FromField):
            target_field = target.field
        elif isinstance(target, PerWorkingDay):
            target_field = WORKING_DAYS
            per_day = ctx.value(target.per_working_day, "target per working day")
        fixed = None if target_field else ctx.value(target, "target")
        rule, deduct = self, Effect.DEDUCT

        def run(values: Mapping[str, Any]) -> Outcome | None:
            if target_field is None:
                target = fixed
            elif per_day is None:
                target = values[target_field]
            else:
                target = per_day * values[target_field]
            short = target - values[field]
            if short <= 0:
                return None
            amount, capped = _cap_amount(short * points, cap)
            return Outcome(rule, deduct, amount, values[field], (target, short, points), capped)

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        field, points = self.field, ctx.value(self.points, "points")
        cap = None if self.cap is None else ctx.value(self.cap, "cap")
        target = self.target
        if isinstance(target, PerWorkingDay):
            return amounts_of(self.compile(ctx))  # rarer; the same work as the full rule
        if isinstance(target, FromField):
            target_field = target.field

            def from_field(values: Mapping[str, Any]) -> Decimal | None:
                short: Decimal = values[target_field] - values[field]
                if short <= 0:
                    return None
                return _cap_amount(short * points, cap)[0]

            return from_field
        fixed = ctx.value(target, "target")

        def amount(values: Mapping[str, Any]) -> Decimal | None:
            short: Decimal = fixed - values[field]
            if short <= 0:
                return None
            return _cap_amount(short * points, cap)[0]

        return amount

    def arithmetic(self, outcome: Outcome) -> str:
        target, short, points = outcome.detail
        return (
            f"目标{fmt(target)}，实际{fmt(outcome.value)}，少{fmt(short)} × {fmt(points)} = "
            f"{fmt(short * points)}"
        ) + _cap_text(outcome, outcome.amount)

    def describe(self) -> str:
        cap = "" if self.cap is None else f"，共{_d(self.cap)}分"
        return f"不少于{_d(self.target)}，少一个扣{_d(self.points)}分{cap}"


PartialPoint = Literal["whole", "started", "exact"]


@attrs.frozen
class RateShortfall(Rule):
    """少一个百分点扣N分: a deduction per percentage point under a target rate (不低于10%).

    ``partial`` declares what a partial point counts for: ``"whole"`` counts whole points only
    (9.5% against 10% is 0 points short), ``"started"`` counts any started point as one (1 point),
    ``"exact"`` deducts in proportion (0.5 points short).
    """

    kind: ClassVar[str] = "RateShortfall"
    field: str = attrs.field(validator=_field_id)
    target: Number = attrs.field(converter=number, validator=_non_negative)
    points: Number = attrs.field(converter=number, validator=_non_negative)
    partial: PartialPoint = attrs.field(
        default="whole", validator=attrs.validators.in_(("whole", "started", "exact"))
    )
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=_non_negative
    )
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.target, Decimal) and self.target > HUNDRED:
            raise ValueError(f"RateShortfall.target is a percentage, got {fmt(self.target)}")
        if isinstance(self.target, FromField | PerWorkingDay):
            raise ValueError("RateShortfall.target must be a number or a parameter")

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, FieldKind.PERCENTAGE, self.label)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return (("target", self.target), ("points", self.points), ("cap", self.cap))

    def compile(self, ctx: Context) -> Compiled:
        field, points = self.field, ctx.value(self.points, "points")
        target = ctx.value(self.target, "target")
        cap = None if self.cap is None else ctx.value(self.cap, "cap")
        rounding = {"whole": ROUND_FLOOR, "started": ROUND_CEILING}.get(self.partial)
        rule, deduct = self, Effect.DEDUCT

        def run(values: Mapping[str, Any]) -> Outcome | None:
            rate = values[field]
            short = target - rate
            if short <= 0:
                return None
            if rounding is not None:
                short = short.to_integral_value(rounding=rounding)
                if not short:
                    return None
            amount, capped = _cap_amount(short * points, cap)
            return Outcome(rule, deduct, amount, rate, (target, short, points), capped)

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        field, points = self.field, ctx.value(self.points, "points")
        target = ctx.value(self.target, "target")
        cap = None if self.cap is None else ctx.value(self.cap, "cap")
        rounding = {"whole": ROUND_FLOOR, "started": ROUND_CEILING}.get(self.partial)

        def amount(values: Mapping[str, Any]) -> Decimal | None:
            short: Decimal = target - values[field]
            if short <= 0:
                return None
            if rounding is not None:
                short = short.to_integral_value(rounding=rounding)
                if not short:
                    return None
            return _cap_amount(short * points, cap)[0]

        return amount

    def arithmetic(self, outcome: Outcome) -> str:
        target, short, points = outcome.detail
        return (
            f"目标{fmt(target)}%，实际{fmt(outcome.value)}%，少{fmt(short)}个百分点 × "
            f"{fmt(points)} = {fmt(short * points)}"
        ) + _cap_text(outcome, outcome.amount)

    def describe(self) -> str:
        cap = "" if self.cap is None else f"，共{_d(self.cap)}分"
        partial = {
            "whole": "不足一个百分点不扣",
            "started": "不足一个百分点按一个百分点扣",
            "exact": "不足一个百分点按比例扣",
        }[self.partial]
        return f"不低于{_d(self.target)}%，少一个百分点扣{_d(self.points)}分（{partial}）{cap}"


@attrs.frozen
class Tier:
    """One row of a :class:`Tiers` table: an interval of the value and its points."""

    points: Number = attrs.field(converter=number, validator=_non_negative)
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
    naming it. ``effect="deduct"`` takes the points off the item, ``effect="points"`` gives the
    item those points.
    """

    kind: ClassVar[str] = "Tiers"
    field: str = attrs.field(validator=_field_id)
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
        top = HUNDRED if self.value_kind is FieldKind.PERCENTAGE else None
        rows = [(t.label or f"#{i + 1}", t.interval) for i, t in enumerate(self.tiers)]
        problems = coverage_problems(
            rows, ZERO, top, what="tier", allow_overlap=self.hit == "first"
        )
        if problems:
            from .errors import BandError

            raise BandError(f"tiers on {self.field!r}: " + "; ".join(problems))

    @property
    def effect(self) -> Effect:
        return Effect.SET if self.outcome == "points" else Effect.DEDUCT

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, self.value_kind, self.label)

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

    def compile(self, ctx: Context) -> Compiled:
        rows = [(t.interval.contains, ctx.value(t.points, "tier points"), t) for t in self.tiers]
        field, rule, effect = self.field, self, self.effect
        sets = effect is Effect.SET

        def run(values: Mapping[str, Any]) -> Outcome | None:
            value = values[field]
            for contains, points, tier in rows:
                if contains(value):
                    if not points and not sets:
                        return None
                    return Outcome(rule, effect, points, value, tier)
            raise AssertionError("tiers were validated to cover every value")  # pragma: no cover

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        sets = self.effect is Effect.SET
        # what each row gives: its points, or None for a deduction of nothing (as compile's)
        gives = [
            None if not points and not sets else points
            for points in (ctx.value(t.points, "tier points") for t in self.tiers)
        ]
        row, field = first_holding([t.interval for t in self.tiers]), self.field

        def amount(values: Mapping[str, Any]) -> Decimal | None:
            n = row(values[field])
            if n is None:  # pragma: no cover
                raise AssertionError("tiers were validated to cover every value")
            return gives[n]

        return amount

    def arithmetic(self, outcome: Outcome) -> str:
        unit = "%" if self.value_kind is FieldKind.PERCENTAGE else ""
        verb = "得" if self.effect is Effect.SET else "扣"
        tier: Tier = outcome.detail
        interval = tier.interval
        if interval.lower is None and interval.upper is not None and not interval.upper_inclusive:
            where = f"未达到{fmt(interval.upper)}{unit}"
        else:
            where = f"落在 {interval}"
        return f"{fmt(outcome.value)}{unit}，{where}，{verb}{fmt(outcome.amount)}分"

    def describe(self) -> str:
        verb = "得" if self.effect is Effect.SET else "扣"
        return "；".join(f"{t.interval}{verb}{_d(t.points)}分" for t in self.tiers)


@attrs.frozen
class Checklist(Rule):
    """每缺一项制度扣N分: one deduction per missing required element, naming each missing one.

    The evidence lists the elements present; the sheet names the ones missing.
    """

    kind: ClassVar[str] = "Checklist"
    field: str = attrs.field(validator=_field_id)
    required: tuple[str, ...] = attrs.field(converter=as_tuple)
    points: Number = attrs.field(converter=number, validator=_non_negative)
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=_non_negative
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

    def compile(self, ctx: Context) -> Compiled:
        field, points, required = self.field, ctx.value(self.points, "points"), self.required
        cap = None if self.cap is None else ctx.value(self.cap, "cap")
        rule, deduct = self, Effect.DEDUCT

        def run(values: Mapping[str, Any]) -> Outcome | None:
            present = values[field]
            missing = tuple(name for name in required if name not in present)
            if not missing:
                return None
            amount, capped = _cap_amount(len(missing) * points, cap)
            return Outcome(rule, deduct, amount, missing, points, capped)

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        field, points, required = self.field, ctx.value(self.points, "points"), self.required
        cap = None if self.cap is None else ctx.value(self.cap, "cap")

        wanted = frozenset(required)  # distinct, as checked when the rule was made

        def amount(values: Mapping[str, Any]) -> Decimal | None:
            # the present elements are a frozenset once validated: one set difference counts
            # the missing ones
            missing = len(wanted.difference(values[field]))
            if not missing:
                return None
            return _cap_amount(missing * points, cap)[0]

        return amount

    def arithmetic(self, outcome: Outcome) -> str:
        missing = outcome.value
        return (
            f"缺{'、'.join(missing)}，{len(missing)} × {fmt(outcome.detail)} = "
            f"{fmt(len(missing) * outcome.detail)}"
        ) + _cap_text(outcome, outcome.amount)

    def describe(self) -> str:
        return f"应有{'、'.join(self.required)}，每缺一项扣{_d(self.points)}分"


# -- points that replace the item's own ----------------------------------------------------


@attrs.frozen
class AssessorPoints(Rule):
    """考评组打分 / 酌情扣分: points an assessor gives, or deducts at discretion, within bounds.

    With ``mode="points"`` the item scores what the assessor gave, from 0 to ``maximum`` (the
    item's maximum when not given). With ``mode="deduction"`` the assessor's figure, from 0 to
    ``maximum``, is taken off the item.
    """

    kind: ClassVar[str] = "AssessorPoints"
    field: str = attrs.field(validator=_field_id)
    mode: Literal["points", "deduction"] = attrs.field(
        default="points", validator=attrs.validators.in_(("points", "deduction"))
    )
    maximum: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    @property
    def effect(self) -> Effect:
        return Effect.SET if self.mode == "points" else Effect.DEDUCT

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, FieldKind.POINTS, self.label, maximum=self.maximum)

    def problems(self, item_maximum: Decimal) -> list[str]:
        if self.maximum is not None and self.maximum > item_maximum:
            return [
                f"assessor points up to {fmt(self.maximum)} exceed the item's {fmt(item_maximum)}"
            ]
        return []

    def compile(self, ctx: Context) -> Compiled:
        field, rule, effect = self.field, self, self.effect
        top = self.maximum if self.maximum is not None else ctx.item_maximum
        sets = effect is Effect.SET

        def run(values: Mapping[str, Any]) -> Outcome | None:
            given = values[field]
            if given > top:
                _over_top(ctx, field, top, given)
            if not given and not sets:
                return None
            return Outcome(rule, effect, given, given)

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        field, sets = self.field, self.effect is Effect.SET
        top = self.maximum if self.maximum is not None else ctx.item_maximum

        def amount(values: Mapping[str, Any]) -> Decimal | None:
            given: Decimal = values[field]
            if given > top:
                _over_top(ctx, field, top, given)
            if not given and not sets:
                return None
            return given

        return amount

    def arithmetic(self, outcome: Outcome) -> str:
        if self.effect is Effect.SET:
            return f"考评组打分 {fmt(outcome.amount)}"
        return f"考评组酌情扣 {fmt(outcome.amount)}"

    def describe(self) -> str:
        return "考评组打分" if self.mode == "points" else "考评组酌情扣分"


def _over_top(ctx: Context, field: str, top: Decimal, given: Decimal) -> None:
    """Assessor points over the item's maximum: refused, naming the field."""
    from .errors import EvidenceError, Problem

    raise EvidenceError(
        f"item {ctx.item_id!r}",
        [Problem(field, f"points must be from 0 to {fmt(top)}, got {given}", given)],
    )


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "is_true": lambda v, _: v is True,
    "is_false": lambda v, _: v is False,
    "<": lambda v, t: v < t,
    "<=": lambda v, t: v <= t,
    ">": lambda v, t: v > t,
    ">=": lambda v, t: v >= t,
    "==": lambda v, t: v == t,
}
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}
_OPERATOR_WORDS = {
    "is_true": "为是",
    "is_false": "为否",
    "<": "小于",
    "<=": "不超过",
    ">": "大于",
    ">=": "达到",
    "==": "等于",
}


@attrs.frozen
class When:
    """A condition on one evidence field: a flag that is set, or a number against a threshold.

    ``When("major_accident")`` holds when the flag is true; ``When("months_stale", ">=", 6)``
    compares a count. ``value_kind`` is the field's kind for comparisons (count by default);
    a flag defaults to false, a number to ``default`` when one is given.
    """

    field: str = attrs.field(validator=_field_id)
    op: str = attrs.field(default="is_true", validator=attrs.validators.in_(tuple(OPERATORS)))
    value: Number | None = attrs.field(default=None, converter=optional_number)
    value_kind: FieldKind = attrs.field(default=FieldKind.COUNT, kw_only=True)
    default: int | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        flag = self.op in ("is_true", "is_false")
        if flag and self.value is not None:
            raise ValueError(f"When({self.field!r}, {self.op!r}) takes no value")
        if not flag and self.value is None:
            raise ValueError(f"When({self.field!r}, {self.op!r}) needs a value to compare with")
        if isinstance(self.value, FromField | PerWorkingDay):
            raise ValueError("When.value must be a number or a parameter")

    def field_spec(self, description: str) -> Field:
        if self.op in ("is_true", "is_false"):
            return Field(self.field, FieldKind.FLAG, description, default=False)
        return Field(self.field, self.value_kind, description, self.default)

    def compile(self, params: Mapping[str, Decimal]) -> Callable[[Mapping[str, Any]], bool]:
        test, field = OPERATORS[self.op], self.field
        threshold = None if self.value is None else resolve(self.value, params, str(self))
        return lambda values: test(values[field], threshold)

    def test(self, params: Mapping[str, Decimal]) -> ZeroTest:
        """``(field, test, argument)``: the condition holds when ``test(value, argument)``.

        The same condition as :meth:`compile`'s, with the operator module's functions in place
        of the lambdas (a flag is always a bool once validated, so ``is True`` is the test).
        """
        if self.op == "is_true":
            return self.field, operator.is_, True
        if self.op == "is_false":
            return self.field, operator.is_, False
        threshold = resolve(self.value, params, str(self)) if self.value is not None else None
        return self.field, _COMPARISONS[self.op], threshold

    def __str__(self) -> str:
        tail = "" if self.value is None else _d(self.value)
        return f"{self.field} {_OPERATOR_WORDS[self.op]}{tail}"


@attrs.frozen
class ZeroIf(Rule):
    """本项不得分 / 扣除该项所有分值: a condition zeroes the item, whatever else it scored."""

    kind: ClassVar[str] = "ZeroIf"
    when: When
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    @property
    def effect(self) -> Effect:
        return Effect.ZERO

    def fields(self) -> Iterable[Field]:
        yield self.when.field_spec(self.label)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return (("when.value", self.when.value),)

    def compile(self, ctx: Context) -> Compiled:
        holds, rule, field = self.when.compile(ctx.params), self, self.when.field

        def run(values: Mapping[str, Any]) -> Outcome | None:
            if holds(values):
                return Outcome(rule, Effect.ZERO, ctx.item_maximum, values[field])
            return None

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        top, field = ctx.item_maximum, self.when.field
        if self.when.op == "is_true":
            # 没有记录, 本项不得分: the usual form, a flag read directly
            def flagged(values: Mapping[str, Any]) -> Decimal | None:
                return top if values[field] is True else None

            return flagged
        holds = self.when.compile(ctx.params)

        def amount(values: Mapping[str, Any]) -> Decimal | None:
            return top if holds(values) else None

        return amount

    def zero_test(self, ctx: Context) -> ZeroTest:
        return self.when.test(ctx.params)

    def arithmetic(self, outcome: Outcome) -> str:
        return f"{self.when}，本项不得分"

    def describe(self) -> str:
        return f"{self.when}时本项不得分"


@attrs.frozen
class AllOrNothing(Rule):
    """未完成指标的, 该子项不计分: full marks when the target was met, else 0."""

    kind: ClassVar[str] = "AllOrNothing"
    field: str = attrs.field(validator=_field_id)
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    @property
    def effect(self) -> Effect:
        return Effect.ZERO

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, FieldKind.FLAG, self.label)

    def compile(self, ctx: Context) -> Compiled:
        field, rule = self.field, self

        def run(values: Mapping[str, Any]) -> Outcome | None:
            if values[field]:
                return None
            return Outcome(rule, Effect.ZERO, ctx.item_maximum, False)

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        field, top = self.field, ctx.item_maximum

        def amount(values: Mapping[str, Any]) -> Decimal | None:
            return None if values[field] else top

        return amount

    def zero_test(self, ctx: Context) -> ZeroTest:
        # the field is a flag, a bool once validated: falsy means False
        return self.field, operator.is_, False

    def arithmetic(self, outcome: Outcome) -> str:
        return "未完成指标，该项不计分"

    def describe(self) -> str:
        return "完成指标得满分，未完成不计分"


# -- outside the item: penalties and bonuses ------------------------------------------------


@attrs.frozen
class Penalty(Rule):
    """倒扣N分: a deduction taken from the rubric total, not stopped by the item's floor.

    Counts occurrences of a count field (``per="occurrence"``), or applies once when a flag is set
    (``per="flag"``).
    """

    kind: ClassVar[str] = "Penalty"
    field: str = attrs.field(validator=_field_id)
    points: Number = attrs.field(converter=number, validator=_non_negative)
    per: Literal["occurrence", "flag"] = attrs.field(
        default="occurrence", validator=attrs.validators.in_(("occurrence", "flag"))
    )
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=_non_negative
    )
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    @property
    def effect(self) -> Effect:
        return Effect.PENALTY

    def fields(self) -> Iterable[Field]:
        if self.per == "flag":
            yield Field(self.field, FieldKind.FLAG, self.label, default=False)
        else:
            yield Field(self.field, FieldKind.COUNT, self.label, default=0)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return (("points", self.points), ("cap", self.cap))

    def compile(self, ctx: Context) -> Compiled:
        field, points, rule = self.field, ctx.value(self.points, "points"), self
        cap = None if self.cap is None else ctx.value(self.cap, "cap")
        flag = self.per == "flag"

        def run(values: Mapping[str, Any]) -> Outcome | None:
            value = values[field]
            if not value:
                return None
            count = 1 if flag else value
            amount, capped = _cap_amount(count * points, cap)
            return Outcome(rule, Effect.PENALTY, amount, value, count, capped)

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        return _per_unit_amount(self, ctx, flag=self.per == "flag")

    def arithmetic(self, outcome: Outcome) -> str:
        points = self.points if isinstance(self.points, Decimal) else outcome.amount
        if self.per == "flag":
            return f"倒扣{fmt(outcome.amount)}分"
        return f"{fmt(outcome.detail)} × {fmt(points)} = {fmt(outcome.detail * points)}，倒扣" + (
            f"，共{fmt(outcome.amount)}分封顶" if outcome.capped else ""
        )

    def describe(self) -> str:
        return f"倒扣{_d(self.points)}分" + ("" if self.per == "flag" else "/次")


_UNCAPPED = "uncapped"


def _bonus_cap(value: object) -> Number | None:
    if value is None or value == _UNCAPPED:
        return None
    return number(value)


@attrs.frozen
class Bonus(Rule):
    """每一例加N分: bonus points per occurrence, kept apart from the base on the sheet.

    ``cap`` must be given: a number, or ``None`` for 加分幅度不封顶 (uncapped), so that no bonus is
    unbounded by accident. A rubric-wide bonus cap may apply as well.
    """

    kind: ClassVar[str] = "Bonus"
    field: str = attrs.field(validator=_field_id)
    points: Number = attrs.field(converter=number, validator=_non_negative)
    cap: Number | None = attrs.field(converter=_bonus_cap, validator=_non_negative)
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    @property
    def effect(self) -> Effect:
        return Effect.BONUS

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, FieldKind.COUNT, self.label, default=0)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return (("points", self.points), ("cap", self.cap))

    def compile(self, ctx: Context) -> Compiled:
        field, points, rule = self.field, ctx.value(self.points, "points"), self
        cap = None if self.cap is None else ctx.value(self.cap, "cap")

        def run(values: Mapping[str, Any]) -> Outcome | None:
            count = values[field]
            if not count:
                return None
            amount, capped = _cap_amount(count * points, cap)
            return Outcome(rule, Effect.BONUS, amount, count, points, capped)

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        return _per_unit_amount(self, ctx)

    def arithmetic(self, outcome: Outcome) -> str:
        return (
            f"{fmt(outcome.value)} × {fmt(outcome.detail)} = "
            + fmt(outcome.value * outcome.detail)
            + (f"，加分封顶{fmt(outcome.amount)}分" if outcome.capped else "")
        )

    def describe(self) -> str:
        return f"每例加{_d(self.points)}分，" + (
            "加分幅度不封顶" if self.cap is None else f"最多加{_d(self.cap)}分"
        )


@attrs.frozen
class Level:
    """One level of an :class:`AwardLevel`: its name (全市) and points."""

    name: str
    points: Number = attrs.field(converter=number, validator=_non_negative)


@attrs.frozen
class AwardLevel(Rule):
    """全区5分 / 全市6分 / 全省8分: the highest level reached gives its points, once.

    The evidence names the level reached, or every level reached (the highest counts). Points go
    to the bonus when ``bonus`` is true, else they are the item's points.
    """

    kind: ClassVar[str] = "AwardLevel"
    field: str = attrs.field(validator=_field_id)
    levels: tuple[Level, ...] = attrs.field(converter=as_tuple)
    bonus: bool = attrs.field(default=True, kw_only=True)
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=_non_negative
    )
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        names = [level.name for level in self.levels]
        if not names or len(set(names)) != len(names):
            raise ValueError("AwardLevel.levels must name distinct levels")

    @property
    def effect(self) -> Effect:
        return Effect.BONUS if self.bonus else Effect.SET

    def fields(self) -> Iterable[Field]:
        yield Field(
            self.field,
            FieldKind.LEVEL,
            self.label,
            default=() if self.bonus else None,
            choices=tuple(level.name for level in self.levels),
        )

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        yield ("cap", self.cap)
        for i, level in enumerate(self.levels):
            yield (f"levels[{i}].points", level.points)

    def problems(self, item_maximum: Decimal) -> list[str]:
        if self.bonus:
            return []
        return [
            f"level {lv.name} gives {fmt(lv.points)} points, more than the item's "
            f"{fmt(item_maximum)}"
            for lv in self.levels
            if isinstance(lv.points, Decimal) and lv.points > item_maximum
        ]

    def compile(self, ctx: Context) -> Compiled:
        points = {lv.name: ctx.value(lv.points, f"level {lv.name}") for lv in self.levels}
        cap = None if self.cap is None else ctx.value(self.cap, "cap")
        field, rule, effect = self.field, self, self.effect

        def run(values: Mapping[str, Any]) -> Outcome | None:
            reached = values[field]
            if not reached:
                return None if effect is Effect.BONUS else Outcome(rule, effect, ZERO, "")
            best = max(reached, key=points.__getitem__)
            amount, capped = _cap_amount(points[best], cap)
            return Outcome(rule, effect, amount, best, points[best], capped)

        return run

    def compile_amount(self, ctx: Context) -> Amount:
        points = {lv.name: ctx.value(lv.points, f"level {lv.name}") for lv in self.levels}
        cap = None if self.cap is None else ctx.value(self.cap, "cap")
        field, bonus = self.field, self.effect is Effect.BONUS

        def amount(values: Mapping[str, Any]) -> Decimal | None:
            reached = values[field]
            if not reached:
                return None if bonus else ZERO
            best = points[max(reached, key=points.__getitem__)]
            return cap if cap is not None and best > cap else best

        return amount

    def arithmetic(self, outcome: Outcome) -> str:
        if not outcome.value:
            return "未获奖，0分"
        return f"最高级别{outcome.value}，{fmt(outcome.detail)}分" + (
            f"，封顶{fmt(outcome.amount)}分" if outcome.capped else ""
        )

    def describe(self) -> str:
        levels = " / ".join(f"{lv.name}{_d(lv.points)}分" for lv in self.levels)
        cap = "" if self.cap is None else f"，最多{_d(self.cap)}分"
        return f"按最高级别：{levels}{cap}"


RULE_TYPES: tuple[type[Rule], ...] = (
    PerOccurrence,
    Quota,
    RateShortfall,
    Tiers,
    Checklist,
    AssessorPoints,
    ZeroIf,
    AllOrNothing,
    Penalty,
    Bonus,
    AwardLevel,
)
