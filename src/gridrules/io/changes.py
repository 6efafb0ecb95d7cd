"""The figures of a change of rubric: what two rubrics gave one assessee (:class:`Compared`), a
group (:class:`GroupChange`) and each item (:class:`ItemChange`), which fields they read
otherwise (:class:`FieldDifference`) and which parameters they fill otherwise
(:class:`ParameterChange`), and how grades of two sets of bands compare (:func:`grade_move`).

:mod:`gridrules.io.whatif` scores the records and gathers these into a
:class:`~gridrules.Comparison`.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import attrs

from ..engine.result import Result
from ..engine.rubric import Rubric
from ..errors import Problem
from ..model.fields import Field
from ..model.grades import GradeBands
from ..model.intervals import Interval
from ..model.numbers import ZERO, fmt
from .standings import GroupFigures
from .template import field_default, field_requirement

__all__ = [
    "FIGURES",
    "MOVE_NAMES",
    "SIDES",
    "SIDE_NAMES",
    "STATUS_NAMES",
    "Compared",
    "FieldDifference",
    "GroupChange",
    "ItemChange",
    "ParameterChange",
    "field_differences",
    "grade_move",
    "grade_order",
    "item_changes",
    "item_status_name",
    "ladder",
]

SIDES = ("old", "new")
"""The two rubrics compared: ``old``, the one in force, and ``new``, the draft."""

SIDE_NAMES = {"old": "调整前", "new": "调整后"}
"""What a street office calls each side."""

FIGURES = decimal.Context(
    prec=80,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
"""The context the figures are worked out in, whatever the caller's: sums and differences of
totals are exact (80 digits hold them), a mean or a spread is carried to 80 digits before it is
rounded, half up, to two places."""
_CENT = Decimal("0.01")

Status = Literal["compared", "old_rejected", "new_rejected", "both_rejected"]

STATUS_NAMES: dict[str, str] = {
    "compared": "已对比",
    "old_rejected": "调整前未计分",
    "new_rejected": "调整后未计分",
    "both_rejected": "均未计分",
}
"""Each status as a street office reads it."""

MOVE_NAMES = {1: "升", -1: "降", 0: "不变"}
"""A grade's move, as a street office reads it."""


# -- grades -----------------------------------------------------------------------------------


def grade_order(bands: GradeBands | None) -> dict[str, tuple[int, Decimal, int]]:
    """Each grade of the ``bands`` (a rubric's, its parameters filled in) with a key that sorts
    the better grade higher: its band's lower bound (an open bound lowest of all; an excluded
    bound just above the same bound included). Empty when the rubric grades no one."""
    if bands is None:
        return {}
    order: dict[str, tuple[int, Decimal, int]] = {}
    for band in bands.bands:
        interval = band.interval
        assert isinstance(interval, Interval)  # filled in: no parameter is left
        lower = interval.lower
        order[str(band.name)] = (
            (0, ZERO, 0) if lower is None else (1, lower, 0 if interval.lower_inclusive else 1)
        )
    return order


def grade_move(
    old: str | None,
    new: str | None,
    old_order: Mapping[str, tuple[int, Decimal, int]],
    new_order: Mapping[str, tuple[int, Decimal, int]],
) -> int | None:
    """Whether a grade went up (1), down (-1) or stayed (0) from ``old`` (a grade of the old
    rubric) to ``new`` (one of the new); ``None`` when either is missing.

    The same name is the same grade. Two names that the new rubric both grades are ordered as
    it orders them (a band the draft inserts, 良好 between 优秀 and 合格, is above 合格), else as
    the old rubric orders them; a grade renamed (不合格 to 不称职) is ordered by its band's lower
    bound, and bands of one lower bound are the same grade.
    """
    if old is None or new is None:
        return None
    if old == new:
        return 0
    for order in (new_order, old_order):
        if old in order and new in order:
            return _sign(order[new], order[old])
    before, after = old_order.get(old), new_order.get(new)
    if before is None or after is None:
        return None
    return _sign(after, before)


def _sign(after: tuple[int, Decimal, int], before: tuple[int, Decimal, int]) -> int:
    return (after > before) - (after < before)


def ladder(old: GradeBands | None, new: GradeBands | None) -> list[str]:
    """The grades of both rubrics (their bands, filled in), best first: the new rubric's, with
    those only the old one gives placed among them by their bands' lower bounds."""
    old_order, new_order = grade_order(old), grade_order(new)
    ranked = [(key, 0, name) for name, key in new_order.items()]
    ranked += [(key, 1, name) for name, key in old_order.items() if name not in new_order]
    ranked.sort(key=lambda entry: (entry[0], -entry[1]), reverse=True)
    return [name for _, _, name in ranked]


@attrs.frozen
class ParameterChange:
    """A parameter of either rubric and its value in force on each side (``None``: the rubric
    has no such parameter)."""

    name: str
    description: str
    old: Decimal | str | None
    new: Decimal | str | None

    @property
    def changed(self) -> bool:
        """Whether the two sides differ."""
        return self.old != self.new


# -- fields -----------------------------------------------------------------------------------


@attrs.frozen
class FieldDifference:
    """An evidence field one rubric reads and the other does not, or both read otherwise.

    ``read_by`` is ``"old"`` (the draft no longer reads it), ``"new"`` (the draft reads it, the
    rubric in force does not) or ``"both"`` (both read it, with another kind, default, label,
    maximum or choices). ``given`` is how many records give it a value.
    """

    id: str
    label: str
    read_by: Literal["old", "new", "both"]
    old: Field | None
    new: Field | None
    given: int

    def describe(self) -> str:
        """What the difference means for the comparison, in Chinese: which rubric reads the
        field, what it takes and its default (as the input template says them)."""
        given = f"{self.given}条记录填报了此项"
        if self.read_by == "old":
            return f"仅调整前细则读取，调整后不再计分；{given}"
        if self.read_by == "new":
            assert self.new is not None
            if self.new.required:
                return f"仅调整后细则读取，必填：未填报的记录调整后不能计分；{given}"
            takes = f"{field_requirement(self.new)}，{field_default(self.new)}"
            return f"仅调整后细则读取（{takes}）；{given}"
        old, new = self.old, self.new
        assert old is not None
        assert new is not None
        changes = []
        if old.description != new.description:
            changes.append(f"名称由“{old.description or old.id}”改为“{new.description or new.id}”")
        for what, describe in (("填报要求", field_requirement), ("默认", field_default)):
            before, after = describe(old), describe(new)
            if before != after:
                changes.append(f"{what}由“{before}”改为“{after}”")
        if old.criteria != new.criteria:
            tops = ["、".join(fmt(c) for c in f.criteria) or "无" for f in (old, new)]
            changes.append(f"评议票各项满分由“{tops[0]}”改为“{tops[1]}”")
        return "两份细则都读取，但" + "，".join(changes or ["读取方式不同"]) + f"；{given}"


def field_differences(old: Rubric, new: Rubric, given: Mapping[str, int]) -> list[FieldDifference]:
    """The fields one rubric reads and the other does not, or both read otherwise; ``given``
    counts the records that give each field a value."""
    found: list[FieldDifference] = []
    old_fields, new_fields = old.fields, new.fields
    for fid, field in old_fields.items():
        other = new_fields.get(fid)
        if other is None:
            found.append(
                FieldDifference(fid, field.description, "old", field, None, given.get(fid, 0))
            )
        elif other != field:
            found.append(
                FieldDifference(fid, other.description, "both", field, other, given.get(fid, 0))
            )
    for fid, field in new_fields.items():
        if fid not in old_fields:
            found.append(
                FieldDifference(fid, field.description, "new", None, field, given.get(fid, 0))
            )
    return found


# -- one assessee -----------------------------------------------------------------------------


class Compared:
    """One assessee's record scored by both rubrics.

    ``old`` and ``new`` are each rubric's :class:`~gridrules.Result`, or ``None`` when that
    rubric rejected the record; ``old_problems`` and ``new_problems`` then say why. ``change``
    is the new total less the old (``None`` unless both scored it), exact; ``grade_move`` is 1,
    -1 or 0 for a grade gone up, down or kept (``None`` unless both grade it, see
    :func:`grade_move`), ``star_change`` the stars gained (negative: lost).
    """

    __slots__ = (
        "assessee",
        "change",
        "grade_move",
        "group",
        "kept",
        "new",
        "new_problems",
        "number",
        "old",
        "old_problems",
        "star_change",
    )

    def __init__(
        self,
        number: int,
        assessee: str | None,
        kept: tuple[str | None, ...],
        group: tuple[str | None, ...],
        old: Result | Sequence[Problem],
        new: Result | Sequence[Problem],
        move: int | None,
    ) -> None:
        self.number = number
        self.assessee = assessee
        self.kept = kept
        self.group = group
        self.old = old if isinstance(old, Result) else None
        self.new = new if isinstance(new, Result) else None
        self.old_problems: tuple[Problem, ...] = () if isinstance(old, Result) else tuple(old)
        self.new_problems: tuple[Problem, ...] = () if isinstance(new, Result) else tuple(new)
        self.change: Decimal | None = None
        self.star_change: int | None = None
        self.grade_move = move
        if self.old is not None and self.new is not None:
            self.change = self.new.total - self.old.total
            if self.old.stars is not None and self.new.stars is not None:
                self.star_change = self.new.stars - self.old.stars

    @property
    def status(self) -> Status:
        """``compared``, or which rubric rejected the record (``old_rejected``,
        ``new_rejected``, ``both_rejected``)."""
        if self.old is not None:
            return "compared" if self.new is not None else "new_rejected"
        return "old_rejected" if self.new is not None else "both_rejected"

    def where(self) -> str:
        """The record's place for messages: its row and, when known, the assessee."""
        return f"row {self.number}" + (f" ({self.assessee})" if self.assessee else "")

    def item_change(self, item: str) -> Decimal | None:
        """What item ``item`` gives after less what it gave before (an item a rubric lacks gives
        nothing there); ``None`` unless both rubrics scored the record."""
        if self.old is None or self.new is None:
            return None
        return self.new.items.get(item, ZERO) - self.old.items.get(item, ZERO)

    def __repr__(self) -> str:
        change = "—" if self.change is None else fmt(self.change)
        return f"Compared({self.where()}: {self.status}, change {change})"


# -- groups and items -------------------------------------------------------------------------


class GroupChange:
    """A group's figures (or everyone's): the change of the total and each side's distribution.

    Of the records both rubrics scored: ``count``; ``mean`` and ``spread`` (the population
    standard deviation) of the change, to two places (half up); ``lowest`` and ``highest``
    change; how many gained, lost or kept points (``raised``, ``lowered``, ``unchanged``), moved
    up or down a grade or kept it (``grades_up``, ``grades_down``, ``grades_same``: only when
    both rubrics grade) and a star (``stars_up``, ``stars_down``, ``stars_same``). ``old`` and
    ``new`` are each side's figures as the street office's standings count them (count, mean,
    lowest and highest total, each grade's and star's count); ``old_categories`` and
    ``new_categories`` count each side's grade (or score band, see
    :attr:`~gridrules.Comparison.categories`). ``rejected`` counts the group's records that
    either rubric rejected.
    """

    __slots__ = (
        "changes",
        "grades_down",
        "grades_same",
        "grades_up",
        "key",
        "lowered",
        "mean",
        "new",
        "new_categories",
        "old",
        "old_categories",
        "raised",
        "rejected",
        "spread",
        "squares",
        "stars_down",
        "stars_same",
        "stars_up",
        "unchanged",
    )

    _MOVES = (
        "raised",
        "lowered",
        "unchanged",
        "grades_up",
        "grades_down",
        "grades_same",
        "stars_up",
        "stars_down",
        "stars_same",
    )

    def __init__(self, key: tuple[str | None, ...]) -> None:
        self.key = key
        self.rejected = 0
        self.old, self.new = GroupFigures(), GroupFigures()
        self.changes = GroupFigures()
        """The changes of the total, counted as totals are: count, sum, lowest, highest."""
        self.squares = ZERO
        self.old_categories: dict[str, int] = {}
        self.new_categories: dict[str, int] = {}
        self.raised = self.lowered = self.unchanged = 0
        self.grades_up = self.grades_down = self.grades_same = 0
        self.stars_up = self.stars_down = self.stars_same = 0
        self.mean: Decimal | None = None
        self.spread: Decimal | None = None

    @property
    def name(self) -> str:
        """The group's name: its cells joined by `` / `` (``全部`` for everyone)."""
        return " / ".join(k or "" for k in self.key) or "全部"

    @property
    def count(self) -> int:
        """How many of the group's records both rubrics scored."""
        return self.changes.count

    @property
    def lowest(self) -> Decimal | None:
        """The lowest change (the largest loss when negative)."""
        return self.changes.lowest

    @property
    def highest(self) -> Decimal | None:
        """The highest change (the largest gain when positive)."""
        return self.changes.highest

    def add(self, row: Compared, old_category: str, new_category: str) -> None:
        """Count a record both rubrics scored."""
        old, new, change = row.old, row.new, row.change
        assert old is not None
        assert new is not None
        assert change is not None
        self.old.add(old.total, old.grade, old.stars)
        self.new.add(new.total, new.grade, new.stars)
        self.changes.add(change, None, None)
        self.squares += change * change
        self.old_categories[old_category] = self.old_categories.get(old_category, 0) + 1
        self.new_categories[new_category] = self.new_categories.get(new_category, 0) + 1
        for way, names in (
            (_way(change), ("raised", "lowered", "unchanged")),
            (_way(row.grade_move), ("grades_up", "grades_down", "grades_same")),
            (_way(row.star_change), ("stars_up", "stars_down", "stars_same")),
        ):
            if way is not None:
                setattr(self, names[way], getattr(self, names[way]) + 1)

    def merge(self, other: GroupChange) -> None:
        """Add another group's figures (everyone's from the groups')."""
        self.rejected += other.rejected
        self.old.merge(other.old)
        self.new.merge(other.new)
        self.changes.merge(other.changes)
        self.squares += other.squares
        for mine, theirs in (
            (self.old_categories, other.old_categories),
            (self.new_categories, other.new_categories),
        ):
            for category, n in theirs.items():
                mine[category] = mine.get(category, 0) + n
        for name in self._MOVES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def finish(self) -> None:
        """Work out the mean and spread (in the figures' own context)."""
        count = self.changes.count
        if not count:
            return
        mean = self.changes.sum / count
        variance = max(ZERO, self.squares / count - mean * mean)
        self.mean = mean.quantize(_CENT, ROUND_HALF_UP)
        self.spread = variance.sqrt().quantize(_CENT, ROUND_HALF_UP)

    def __repr__(self) -> str:
        mean = "—" if self.mean is None else fmt(self.mean)
        return f"GroupChange({self.name}: {self.count} compared, mean change {mean})"


def _way(change: Decimal | int | None) -> int | None:
    """Which way a change went: 0 up, 1 down, 2 neither (the order of the moves' names)."""
    if change is None:
        return None
    return 0 if change > 0 else 1 if change < 0 else 2


@attrs.frozen
class ItemChange:
    """What an item gave in all before and after, over the records both rubrics scored.

    Items are matched by id. ``status`` is ``"both"``, ``"new"`` (only the draft has it: it gave
    nothing before) or ``"removed"`` (only the rubric in force has it: it gives nothing after).
    ``change`` is ``new_points - old_points``; ``changed`` counts the assessees whose points
    from it changed. The label is the new rubric's (the old one's for a removed item).
    """

    id: str
    label: str
    status: Literal["both", "new", "removed"]
    old_label: str | None
    old_maximum: Decimal | None
    new_maximum: Decimal | None
    old_points: Decimal
    new_points: Decimal
    change: Decimal
    changed: int


_ITEM_STATUS = {"both": "两者都有", "new": "新增", "removed": "删除"}


def item_status_name(status: str) -> str:
    """An item's status in Chinese: 两者都有, 新增, 删除."""
    return _ITEM_STATUS[status]


def item_changes(old: Rubric, new: Rubric, rows: Sequence[Compared]) -> list[ItemChange]:
    old_items = {item.id: item for item in old.items()}
    new_items = {item.id: item for item in new.items()}
    ids = [*new_items, *(i for i in old_items if i not in new_items)]
    before_sums = dict.fromkeys(ids, ZERO)
    after_sums = dict.fromkeys(ids, ZERO)
    changed = dict.fromkeys(ids, 0)
    for row in rows:
        assert row.old is not None
        assert row.new is not None
        before, after = row.old.items, row.new.items
        for i in ids:
            was, now = before.get(i), after.get(i)
            before_sums[i] += was or ZERO
            after_sums[i] += now or ZERO
            if was != now:
                changed[i] += 1
    found = []
    for i in ids:
        was_item, now_item = old_items.get(i), new_items.get(i)
        status: Literal["both", "new", "removed"] = (
            "both" if was_item and now_item else "new" if now_item else "removed"
        )
        label = now_item.label if now_item is not None else old_items[i].label
        found.append(
            ItemChange(
                i,
                label,
                status,
                was_item.label if was_item else None,
                was_item.maximum if was_item else None,
                now_item.maximum if now_item else None,
                before_sums[i],
                after_sums[i],
                after_sums[i] - before_sums[i],
                changed[i],
            )
        )
    # the largest contribution first, either way; equal ones in the rubrics' order
    order = {i: at for at, i in enumerate(ids)}
    found.sort(key=lambda item: (-abs(item.change), order[item.id]))
    return found
