"""Turning a total into a grade and stars, and the vetoes that override them."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from decimal import Decimal
from typing import Literal

import attrs

from ..errors import BandError
from .conditions import When
from .fields import Field
from .intervals import Interval, coverage_problems, first_holding
from .numbers import ZERO, as_tuple, fmt, to_decimal

__all__ = ["Band", "GradeBands", "StarRating", "Veto"]


@attrs.frozen
class Band:
    """One grade: its name in the source (优秀, 合格) and its interval of totals."""

    name: str
    interval: Interval

    @classmethod
    def between(
        cls,
        name: str,
        lower: object,
        upper: object,
        *,
        lower_inclusive: bool = True,
        upper_inclusive: bool = True,
    ) -> Band:
        """A band from ``lower`` to ``upper``; ``None`` leaves that side open."""
        return cls(name, Interval(lower, upper, lower_inclusive, upper_inclusive))


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "low")


@attrs.frozen
class GradeBands:
    """优秀 / 合格 / 基本合格 / 不合格: named bands of the total, with no gap and no overlap.

    The bands must cover every total from ``low`` (default 0) to ``high`` (default: the rubric's
    maximum plus its bonus cap, or unbounded when a bonus is uncapped) exactly once. A literal
    reading of a source whose bands leave gaps, such as 合格(80-94分) and 优秀(95分以上), is
    rejected with the gap named: "(94, 95) falls in no band".
    """

    bands: tuple[Band, ...] = attrs.field(converter=as_tuple)
    low: Decimal | None = attrs.field(default=ZERO, converter=_optional_decimal)

    def __attrs_post_init__(self) -> None:
        names = [band.name for band in self.bands]
        if len(set(names)) != len(names):
            raise BandError(f"grade bands repeat a name: {names}")

    def problems(self, high: Decimal | None) -> list[str]:
        """Every gap and overlap over [low, high] (``None``: unbounded), as readable messages."""
        return coverage_problems(
            [(b.name, b.interval) for b in self.bands], self.low, high, what="band"
        )

    def validate(self, high: Decimal | None, where: str) -> None:
        """Raise :class:`~gridrules.BandError` naming every gap and overlap, if any."""
        problems = self.problems(high)
        if problems:
            raise BandError(f"{where}: grade bands " + "; ".join(problems))

    @property
    def names(self) -> tuple[str, ...]:
        """The grade names, in the order declared."""
        return tuple(band.name for band in self.bands)

    def grade(self, total: Decimal) -> str:
        """The name of the band holding ``total``."""
        for band in self.bands:
            if band.interval.contains(total):
                return band.name
        raise BandError(f"the total {fmt(total)} falls in no grade band")

    def grader(self) -> Callable[[Decimal], str]:
        """:meth:`grade` as a lookup prepared once, for scoring many records.

        A total is placed among the bands' bounds by bisection (see
        :func:`~gridrules.model.intervals.first_holding`): a few exact comparisons, whatever its
        digits. A memo keyed by the total had to hash it, and totals with 28 digits, from ballots
        or weights, rarely repeat. A total in no band goes to :meth:`grade`, which raises the same
        error as ever.
        """
        holding = first_holding([band.interval for band in self.bands])
        names = self.names
        grade = self.grade

        def lookup(total: Decimal) -> str:
            n = holding(total)
            return grade(total) if n is None else names[n]

        return lookup

    def band(self, name: str) -> Band:
        """The band called ``name`` (:class:`KeyError` when there is none)."""
        for band in self.bands:
            if band.name == name:
                return band
        raise KeyError(name)


@attrs.frozen
class StarRating:
    """星级: stars from points (每20分为一个星级) or from deductions (扣分达20分的取消一个星级).

    ``basis="points"``: one star for every ``step`` points of the total, at most ``stars``.
    ``basis="deductions"``: start from ``stars`` and lose one for every ``step`` points deducted
    (the maximum minus the base points, plus penalties), never below 0.
    """

    stars: int = 5
    step: Decimal = attrs.field(default=Decimal(20), converter=to_decimal)
    basis: Literal["points", "deductions"] = attrs.field(
        default="points", validator=attrs.validators.in_(("points", "deductions"))
    )

    def __attrs_post_init__(self) -> None:
        if self.stars < 1 or self.step <= 0:
            raise ValueError("StarRating needs at least one star and a positive step")

    def rate(self, total: Decimal, deducted: Decimal) -> int:
        """The stars for a ``total`` from which ``deducted`` points were lost."""
        return self.rater()(total, deducted)

    def rater(self) -> Callable[[Decimal, Decimal], int]:
        """:meth:`rate` prepared once, for scoring many records.

        Reaching ``k`` steps (``k × step`` points earned, or deducted) is one exact comparison
        with ``k × step``; so the steps reached, capped at ``stars``, are the count of the
        multiples ``step, 2 × step, ... stars × step`` not above the value: one bisection, no
        division (which rounds to 28 digits, and could round 39.999... up to 2 steps of 20).
        """
        cuts = [self.step * k for k in range(1, self.stars + 1)]
        stars = self.stars
        if self.basis == "points":
            return lambda total, deducted: bisect_right(cuts, total)
        return lambda total, deducted: stars - bisect_right(cuts, deducted)

    def describe(self) -> str:
        """The rating in a few Chinese words, for the rubric table."""
        if self.basis == "points":
            return f"{self.stars}星制，每{fmt(self.step)}分为一个星级"
        return f"{self.stars}星制，扣分每达{fmt(self.step)}分取消一个星级"


@attrs.frozen
class Veto:
    """列为不合格档次 / 取消评选树优资格: a condition that forces a grade or sets a flag.

    ``grade`` forces the named grade whatever the total; ``flag`` (an ASCII id) is added to the
    result's flags without touching points. At least one must be given.
    """

    id: str
    when: When
    grade: str | None = None
    flag: str | None = None
    label: str = ""
    clause: str = ""

    def __attrs_post_init__(self) -> None:
        if self.grade is None and self.flag is None:
            raise ValueError(f"veto {self.id!r} must force a grade or set a flag")
        if self.flag is not None and (not self.flag.isascii() or " " in self.flag):
            raise ValueError(f"veto {self.id!r}: flag must be an ASCII id, got {self.flag!r}")

    def describe(self) -> str:
        """The veto in a few Chinese words, for the rubric table."""
        effects = []
        if self.grade is not None:
            effects.append(f"列为{self.grade}")
        if self.flag is not None:
            effects.append(f"标记 {self.flag}")
        return f"{self.when}时" + "，".join(effects)

    def field_spec(self) -> Field:
        """The evidence field the veto's condition reads."""
        return self.when.field_spec(self.label)
