"""What stands outside an item's own bounds: 倒扣 (a penalty on the total, past the item's floor),
加分 (bonus points, capped or 不封顶), and awards by the highest level reached."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Literal

import attrs

from ..conditions import number_text
from ..fields import Field, FieldKind
from ..numbers import ZERO, as_tuple, fmt
from ..refs import Number, identifier, number, optional_number
from ..steps import Context, Effect, Step
from .base import Rule, cap_note, capped, non_negative, per_occurrence_step

__all__ = ["UNCAPPED", "AwardLevel", "Bonus", "Level", "Penalty"]

UNCAPPED = "uncapped"
"""How a rubric file spells 加分幅度不封顶, a bonus with no cap (TOML has no null)."""


@attrs.frozen
class Penalty(Rule):
    """倒扣N分: a deduction taken from the rubric total, not stopped by the item's floor.

    Counts occurrences of a count field (``per="occurrence"``), or applies once when a flag is set
    (``per="flag"``).
    """

    kind: ClassVar[str] = "Penalty"
    field: str = attrs.field(validator=identifier)
    points: Number = attrs.field(converter=number, validator=non_negative)
    per: Literal["occurrence", "flag"] = attrs.field(
        default="occurrence", validator=attrs.validators.in_(("occurrence", "flag"))
    )
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=non_negative
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

    def compile(self, ctx: Context) -> Step:
        return per_occurrence_step(
            self,
            ctx,
            Effect.PENALTY,
            once=lambda field, amount: f"倒扣{fmt(amount)}分",
            then="，倒扣",
        )

    def describe(self) -> str:
        return f"倒扣{number_text(self.points)}分" + ("" if self.per == "flag" else "/次")


def _bonus_cap(value: object) -> Number | None:
    if value is None or value == UNCAPPED:
        return None
    return number(value)


@attrs.frozen
class Bonus(Rule):
    """每一例加N分: bonus points per occurrence, kept apart from the base on the sheet.

    ``cap`` must be given: a number, or ``None`` for 加分幅度不封顶 (uncapped), so that no bonus is
    unbounded by accident. A rubric-wide bonus cap may apply as well.
    """

    kind: ClassVar[str] = "Bonus"
    field: str = attrs.field(validator=identifier)
    points: Number = attrs.field(converter=number, validator=non_negative)
    cap: Number | None = attrs.field(converter=_bonus_cap, validator=non_negative)
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    @property
    def effect(self) -> Effect:
        return Effect.BONUS

    @property
    def bonus_ceiling(self) -> Decimal | None:
        return self.cap if isinstance(self.cap, Decimal) else None

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, FieldKind.COUNT, self.label, default=0)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return (("points", self.points), ("cap", self.cap))

    def compile(self, ctx: Context) -> Step:
        return per_occurrence_step(self, ctx, Effect.BONUS, capped_words="，加分封顶{cap}分")

    def describe(self) -> str:
        return f"每例加{number_text(self.points)}分，" + (
            "加分幅度不封顶" if self.cap is None else f"最多加{number_text(self.cap)}分"
        )


@attrs.frozen
class Level:
    """One level of an :class:`AwardLevel`: its name (全市) and points."""

    name: str
    points: Number = attrs.field(converter=number, validator=non_negative)


@attrs.frozen
class AwardLevel(Rule):
    """全区5分 / 全市6分 / 全省8分: the highest level reached gives its points, once.

    The evidence names the level reached, or every level reached (the highest counts). Points go
    to the bonus when ``bonus`` is true, else they are the item's points.
    """

    kind: ClassVar[str] = "AwardLevel"
    field: str = attrs.field(validator=identifier)
    levels: tuple[Level, ...] = attrs.field(converter=as_tuple)
    bonus: bool = attrs.field(default=True, kw_only=True)
    cap: Number | None = attrs.field(
        default=None, converter=optional_number, validator=non_negative
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

    @property
    def bonus_ceiling(self) -> Decimal | None:
        if self.cap is not None:
            return self.cap if isinstance(self.cap, Decimal) else None
        points = [level.points for level in self.levels if isinstance(level.points, Decimal)]
        # a level whose points are a parameter: known only once bound
        return max(points) if len(points) == len(self.levels) else None

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

    def compile(self, ctx: Context) -> Step:
        points = {lv.name: ctx.value(lv.points, f"level {lv.name}") for lv in self.levels}
        cap = ctx.optional(self.cap, "cap")
        field, bonus = self.field, self.effect is Effect.BONUS

        def highest(values: Mapping[str, Any]) -> str:
            """The highest level reached, or nothing."""
            reached = values[field]
            return max(reached, key=points.__getitem__) if reached else ""

        def amount(values: Mapping[str, Any], units: Any) -> Decimal | None:
            best = highest(values)
            if not best:
                return None if bonus else ZERO
            return capped(points[best], cap)

        def explain(values: Mapping[str, Any], amount: Decimal, units: Any) -> str:
            best = highest(values)
            if not best:
                return "未获奖，0分"
            note = cap_note(amount, points[best], "，封顶{cap}分")
            return f"最高级别{best}，{fmt(points[best])}分{note}"

        return Step(self, self.effect, explain, amount=amount, reads=(field,), shown=highest)

    def describe(self) -> str:
        levels = " / ".join(f"{lv.name}{number_text(lv.points)}分" for lv in self.levels)
        cap = "" if self.cap is None else f"，最多{number_text(self.cap)}分"
        return f"按最高级别：{levels}{cap}"
