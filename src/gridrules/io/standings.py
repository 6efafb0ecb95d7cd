"""Ranks and distributions: 排名 within a community and overall, grades and stars per group.

Offices rank as sports do: equal totals share a rank and the next rank skips (1, 2, 2, 4), and
the best total is 1. A group's figures are its count, mean, lowest and highest total, and how
many (and what share) got each grade and each number of stars. Totals are Decimals throughout;
means and shares are rounded half up (四舍五入) to two places and one.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

__all__ = [
    "SCORE_BANDS",
    "GroupFigures",
    "competition_ranks",
    "figures_by",
    "ranks_within",
    "score_band",
]

_Key = TypeVar("_Key", bound=Hashable)

_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")

SCORE_BANDS = ("90分及以上", "80-89分", "70-79分", "60-69分", "60分以下")
"""The bands of totals a distribution is counted in when the rubric grades no one, best first."""


def score_band(total: Decimal) -> str:
    """The score band of :data:`SCORE_BANDS` a total falls in (89.5 is in 80-89分)."""
    if total >= 90:
        return SCORE_BANDS[0]
    if total < 60:
        return SCORE_BANDS[4]
    return SCORE_BANDS[1 + (89 - int(total)) // 10]


def competition_ranks(totals: Sequence[Decimal]) -> list[int]:
    """The rank of each total, best first, ties sharing a rank: 95, 90, 90, 80 → 1, 2, 2, 4."""
    ordered = sorted(totals)
    count = len(ordered)
    # the rank is one more than the number of totals strictly above this one
    return [count - bisect.bisect_right(ordered, total) + 1 for total in totals]


def ranks_within(totals: Sequence[Decimal], keys: Sequence[_Key]) -> list[int]:
    """Each total's competition rank among the totals of the same key (its group)."""
    groups: dict[_Key, list[int]] = {}
    for at, key in enumerate(keys):
        groups.setdefault(key, []).append(at)
    ranks = [0] * len(totals)
    for members in groups.values():
        for at, rank in zip(members, competition_ranks([totals[m] for m in members]), strict=True):
            ranks[at] = rank
    return ranks


class GroupFigures:
    """A group's totals summed up as they come: count, mean, range, grades and stars."""

    __slots__ = ("count", "grades", "highest", "lowest", "stars", "sum")

    def __init__(self) -> None:
        self.count = 0
        self.sum = Decimal(0)
        self.lowest: Decimal | None = None
        self.highest: Decimal | None = None
        self.grades: dict[str, int] = {}
        self.stars: dict[int, int] = {}

    def add(self, total: Decimal, grade: str | None, stars: int | None) -> None:
        """Count one assessee's result."""
        self.count += 1
        self.sum += total
        if self.lowest is None or total < self.lowest:
            self.lowest = total
        if self.highest is None or total > self.highest:
            self.highest = total
        if grade is not None:
            self.grades[grade] = self.grades.get(grade, 0) + 1
        if stars is not None:
            self.stars[stars] = self.stars.get(stars, 0) + 1

    def merge(self, other: GroupFigures) -> None:
        """Add another group's figures to these (the overall figures from the groups')."""
        self.count += other.count
        self.sum += other.sum
        for bound in (other.lowest, other.highest):
            if bound is not None:
                if self.lowest is None or bound < self.lowest:
                    self.lowest = bound
                if self.highest is None or bound > self.highest:
                    self.highest = bound
        for grade, n in other.grades.items():
            self.grades[grade] = self.grades.get(grade, 0) + n
        for stars, n in other.stars.items():
            self.stars[stars] = self.stars.get(stars, 0) + n

    @property
    def mean(self) -> Decimal | None:
        """The mean total to two places (half up), None for an empty group."""
        if not self.count:
            return None
        return (self.sum / self.count).quantize(_CENT, ROUND_HALF_UP)

    def share(self, count: int) -> Decimal:
        """``count`` as a percentage of the group, to one place (half up)."""
        if not self.count:
            return Decimal(0)
        return (Decimal(count) * 100 / self.count).quantize(_TENTH, ROUND_HALF_UP)


def figures_by(
    results: Iterable[tuple[_Key, Decimal, str | None, int | None]],
) -> dict[_Key, GroupFigures]:
    """The figures of each group from ``(key, total, grade, stars)``, in the order keys come."""
    groups: dict[_Key, GroupFigures] = {}
    for key, total, grade, stars in results:
        figures = groups.get(key)
        if figures is None:
            figures = groups[key] = GroupFigures()
        figures.add(total, grade, stars)
    return groups
