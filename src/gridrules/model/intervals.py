"""Intervals on the score line, and the check that a set of them covers a range exactly once."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from decimal import MAX_PREC, Context, Decimal
from itertools import pairwise

import attrs

from .numbers import fmt, to_decimal

__all__ = ["Interval", "coverage_problems", "first_holding"]


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "interval bound")


@attrs.frozen
class Interval:
    """An interval with explicit bounds; ``None`` is unbounded on that side.

    ``lower_inclusive`` and ``upper_inclusive`` say whether each bound itself belongs to it:
    合格(80-94分) is ``Interval(80, 94, True, True)``; 60分以下 read as "under 60" is
    ``Interval(None, 60, upper_inclusive=False)``.
    """

    lower: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    upper: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    lower_inclusive: bool = True
    upper_inclusive: bool = False

    def __attrs_post_init__(self) -> None:
        lower, upper = self.lower, self.upper
        if (
            lower is not None
            and upper is not None
            and (
                lower > upper
                or (lower == upper and not (self.lower_inclusive and self.upper_inclusive))
            )
        ):
            raise ValueError(f"interval {self} is empty")

    def contains(self, value: Decimal) -> bool:
        """Whether ``value`` lies in the interval, its bounds' inclusivity respected."""
        lower, upper = self.lower, self.upper
        if lower is not None and (value < lower or (value == lower and not self.lower_inclusive)):
            return False
        return not (
            upper is not None and (value > upper or (value == upper and not self.upper_inclusive))
        )

    def __str__(self) -> str:
        left = (
            "(-∞"
            if self.lower is None
            else ("[" if self.lower_inclusive else "(") + fmt(self.lower)
        )
        right = (
            "+∞)"
            if self.upper is None
            else fmt(self.upper) + ("]" if self.upper_inclusive else ")")
        )
        return f"{left}, {right}"


def first_holding(intervals: Sequence[Interval]) -> Callable[[Decimal], int | None]:
    """The index of the first of ``intervals`` that holds a value (``None``: none does), as a
    lookup prepared once, for grades and tiers scored on many records.

    The intervals' bounds, sorted, cut the line into the bounds themselves and the open stretches
    between them. No interval starts or ends inside a stretch, so over a whole stretch, as at each
    bound, the same intervals hold: the first is found here once per stretch and bound. A value
    is then placed by bisection, a few exact comparisons of Decimals whatever its digits, where
    testing interval after interval took two or more comparisons each.
    """
    bounds = sorted({end for i in intervals for end in (i.lower, i.upper) if end is not None})

    def first(value: Decimal) -> int | None:
        return next((n for n, i in enumerate(intervals) if i.contains(value)), None)

    # a point inside each stretch: below the first bound, between two, above the last, worked
    # out with no rounding so that it lies strictly inside whatever the bounds' digits
    exact, one = Context(prec=MAX_PREC), Decimal(1)
    inside = (
        [exact.subtract(bounds[0], one)]
        + [exact.multiply(exact.add(a, b), Decimal("0.5")) for a, b in pairwise(bounds)]
        + [exact.add(bounds[-1], one)]
        if bounds
        else [Decimal(0)]
    )
    at_bound = [first(b) for b in bounds]
    between = [first(x) for x in inside]
    last = len(bounds)

    def lookup(value: Decimal) -> int | None:
        n = bisect_left(bounds, value)
        return at_bound[n] if n < last and bounds[n] == value else between[n]

    return lookup


def _start_key(interval: Interval) -> tuple[int, Decimal, int]:
    if interval.lower is None:
        return (0, Decimal(0), 0)
    return (1, interval.lower, 0 if interval.lower_inclusive else 1)


def _gap(after: Interval, before: Interval) -> Interval | None:
    """The part of the line strictly between ``after``'s upper end and ``before``'s lower end."""
    end, start = after.upper, before.lower
    if start is None:
        return None
    assert end is not None
    if end < start:
        return Interval(end, start, not after.upper_inclusive, not before.lower_inclusive)
    if end == start and not after.upper_inclusive and not before.lower_inclusive:
        return Interval(end, end, True, True)
    return None


def _overlap(first: Interval, second: Interval) -> Interval | None:
    """The common part of two intervals where ``second`` starts no earlier than ``first``."""
    if first.upper is None:
        end, end_inclusive = second.upper, second.upper_inclusive
    elif second.upper is None or first.upper < second.upper:
        end, end_inclusive = first.upper, first.upper_inclusive
    elif second.upper < first.upper:
        end, end_inclusive = second.upper, second.upper_inclusive
    else:
        end, end_inclusive = first.upper, first.upper_inclusive and second.upper_inclusive
    start, start_inclusive = second.lower, second.lower_inclusive
    if start is None:
        start, start_inclusive = first.lower, first.lower_inclusive
    try:
        return Interval(start, end, start_inclusive, end_inclusive)
    except ValueError:
        return None


def coverage_problems(
    named: Sequence[tuple[str, Interval]],
    low: Decimal | None,
    high: Decimal | None,
    *,
    what: str = "band",
    allow_overlap: bool = False,
) -> list[str]:
    """Every gap in, and overlap between, ``named`` intervals over the range [low, high].

    ``None`` for ``low`` or ``high`` asks for coverage out to infinity on that side. Messages
    name the interval, e.g. ``"[60, 70) falls in no band"``.
    """
    problems: list[str] = []
    ordered = sorted(named, key=lambda pair: _start_key(pair[1]))
    if not ordered:
        return [f"there is no {what}"]
    first = ordered[0][1]
    if first.lower is not None and (
        low is None or first.lower > low or (first.lower == low and not first.lower_inclusive)
    ):
        problems.append(
            f"{Interval(low, first.lower, True, not first.lower_inclusive)} falls in no {what}"
        )
    reach = first
    reach_name = ordered[0][0]
    for name, interval in ordered[1:]:
        if reach.upper is None:
            if not allow_overlap:
                problems.append(f"{what}s {reach_name!r} and {name!r} overlap on {interval}")
            continue
        gap = _gap(reach, interval)
        if gap is not None and (high is None or gap.lower is None or gap.lower <= high):
            problems.append(f"{gap} falls in no {what}")
        elif gap is None and not allow_overlap:
            common = _overlap(reach, interval)
            if common is not None:
                problems.append(f"{what}s {reach_name!r} and {name!r} overlap on {common}")
        if interval.upper is None or (
            reach.upper is not None
            and (
                interval.upper > reach.upper
                or (interval.upper == reach.upper and interval.upper_inclusive)
            )
        ):
            reach, reach_name = interval, name
    if reach.upper is not None and (
        high is None or reach.upper < high or (reach.upper == high and not reach.upper_inclusive)
    ):
        problems.append(
            f"{Interval(reach.upper, high, not reach.upper_inclusive, True)} falls in no {what}"
        )
    return problems
