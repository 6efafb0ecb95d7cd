"""Turning a total into a grade and stars, and the vetoes that override them."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from ..errors import BandError, brief
from .conditions import When
from .fields import Field
from .intervals import Interval, coverage_problems, first_holding
from .numbers import ZERO, as_tuple, fmt, to_decimal
from .refs import Param

__all__ = ["Band", "BandInterval", "GradeBands", "StarRating", "Veto"]


def _bound(value: object) -> Decimal | Param | None:
    if value is None or isinstance(value, Param):
        return value
    if isinstance(value, Mapping) and set(value) == {"param"}:
        return Param(value["param"])
    return to_decimal(value, "band bound")


@attrs.frozen
class BandInterval:
    """A band's interval whose bounds a region fills in: each bound a number or a parameter
    (``{param = "excellent_from"}``), as in 综合评价实行百分制，分为优秀、良好、合格、不合格四项,
    where the source names the grades but not their scores. It becomes an :class:`Interval`
    when the parameters are bound, and the bands are then checked for gaps and overlaps."""

    lower: Decimal | Param | None = attrs.field(default=None, converter=_bound)
    upper: Decimal | Param | None = attrs.field(default=None, converter=_bound)
    lower_inclusive: bool = True
    upper_inclusive: bool = False

    def narrowed(self) -> Interval | BandInterval:
        """An :class:`Interval` when no bound is a parameter, else itself."""
        lower, upper = self.lower, self.upper
        if isinstance(lower, Param) or isinstance(upper, Param):
            return self
        return Interval(lower, upper, self.lower_inclusive, self.upper_inclusive)

    def params(self) -> Iterator[str]:
        """The parameters its bounds read."""
        for bound in (self.lower, self.upper):
            if isinstance(bound, Param):
                yield bound.param

    def resolve(self, params: Mapping[str, Any]) -> Interval:
        """The interval with its parameters filled in (:class:`ValueError` when it is empty)."""

        def value(bound: Decimal | Param | None) -> Decimal | None:
            return params[bound.param] if isinstance(bound, Param) else bound

        return Interval(
            value(self.lower), value(self.upper), self.lower_inclusive, self.upper_inclusive
        )

    def __str__(self) -> str:
        def shown(bound: Decimal | Param | None, none: str) -> str:
            if bound is None:
                return none
            return fmt(bound) if isinstance(bound, Decimal) else f"[{bound}]"

        left = ("[" if self.lower_inclusive else "(") if self.lower is not None else ""
        right = ("]" if self.upper_inclusive else ")") if self.upper is not None else ""
        return f"{left or '('}{shown(self.lower, '-∞')}, {shown(self.upper, '+∞')}{right or ')'}"


def _interval(value: object) -> Interval | BandInterval:
    """A band's interval: an :class:`Interval` when its bounds are numbers, a
    :class:`BandInterval` when a parameter gives one."""
    if isinstance(value, Interval):
        return value
    if isinstance(value, Mapping):
        value = BandInterval(**value)
    if not isinstance(value, BandInterval):
        raise TypeError(f"a band's interval is a table of bounds, got {brief(value)}")
    return value.narrowed()


def _name(value: object) -> str | Param:
    if isinstance(value, Mapping) and set(value) == {"param"}:
        return Param(value["param"])
    if isinstance(value, Param):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"a grade's name is text or {{param = ...}}, got {brief(value)}")
    return value


@attrs.frozen
class Band:
    """One grade: its name in the source (优秀, 合格) and its interval of totals.

    Where the source leaves them to the region, the name may be a text parameter and the bounds
    parameters (``{param = ...}``): the band is then filled in when the parameters are bound.
    """

    name: str | Param = attrs.field(converter=_name)
    interval: Interval | BandInterval = attrs.field(converter=_interval)

    def params(self) -> Iterator[str]:
        """The parameters the band reads (its name's, its bounds')."""
        if isinstance(self.name, Param):
            yield self.name.param
        if isinstance(self.interval, BandInterval):
            yield from self.interval.params()

    def resolve(self, params: Mapping[str, Any]) -> Band:
        """The band with its parameters filled in."""
        name = params[self.name.param] if isinstance(self.name, Param) else self.name
        interval = self.interval
        if isinstance(interval, BandInterval):
            interval = interval.resolve(params)
        return Band(name, interval)

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
    clause: str = ""
    """The source's words for the grades (综合评价实行百分制,分为...), quoted."""

    def __attrs_post_init__(self) -> None:
        names = [band.name for band in self.bands if isinstance(band.name, str)]
        if len(set(names)) != len(names):
            raise BandError(f"grade bands repeat a name: {names}")

    @property
    def parametric(self) -> bool:
        """Whether a band's name or bound is a parameter, filled in when parameters are bound."""
        return any(True for band in self.bands for _ in band.params())

    def params(self) -> Iterator[tuple[str, bool]]:
        """Each parameter the bands read, and whether it names a grade (else it is a bound)."""
        for band in self.bands:
            if isinstance(band.name, Param):
                yield band.name.param, True
            if isinstance(band.interval, BandInterval):
                for name in band.interval.params():
                    yield name, False

    def resolve(self, params: Mapping[str, Any]) -> GradeBands:
        """The bands with their parameters filled in (themselves when none is a parameter).

        :raises BandError: a band came out empty, or two bands the same name.
        """
        if not self.parametric:
            return self
        bands = []
        for band in self.bands:
            try:
                bands.append(band.resolve(params))
            except ValueError as error:
                raise BandError(f"band {band.name}: {error}") from None
        return GradeBands(bands, self.low, self.clause)

    def problems(self, high: Decimal | None) -> list[str]:
        """Every gap and overlap over [low, high] (``None``: unbounded), as readable messages
        (of bands whose bounds are numbers: a parametric band is checked once filled in)."""
        literal = [
            (str(b.name), b.interval) for b in self.bands if isinstance(b.interval, Interval)
        ]
        if len(literal) < len(self.bands):
            return []
        return coverage_problems(literal, self.low, high, what="band")

    def validate(self, high: Decimal | None, where: str) -> None:
        """Raise :class:`~gridrules.BandError` naming every gap and overlap, if any."""
        problems = self.problems(high)
        if problems:
            raise BandError(f"{where}: grade bands " + "; ".join(problems))

    @property
    def names(self) -> tuple[str, ...]:
        """The grade names, in the order declared (those given by the rubric itself)."""
        return tuple(band.name for band in self.bands if isinstance(band.name, str))

    def grade(self, total: Decimal) -> str:
        """The name of the band holding ``total`` (of bands filled in: see :meth:`resolve`)."""
        for band in self.bands:
            interval = band.interval
            if isinstance(interval, Interval) and interval.contains(total):
                return str(band.name)
        raise BandError(f"the total {fmt(total)} falls in no grade band")

    def grader(self) -> Callable[[Decimal], str]:
        """:meth:`grade` as a lookup prepared once, for scoring many records.

        A total is placed among the bands' bounds by bisection (see
        ``gridrules.model.intervals.first_holding``): a few exact comparisons, whatever its
        digits. A memo keyed by the total had to hash it, and totals with 28 digits, from ballots
        or weights, rarely repeat. A total in no band goes to :meth:`grade`, which raises the same
        error as ever.
        """
        if self.parametric:
            raise BandError("grade bands with parameters are filled in (resolve) before use")
        holding = first_holding([band.interval for band in self.bands])  # type: ignore[misc]
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

    def fields(self) -> Iterator[Field]:
        """The evidence fields the veto's condition reads."""
        return self.when.fields(self.label)
