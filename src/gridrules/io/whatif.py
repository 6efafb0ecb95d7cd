"""What-if: two rubrics score the same evidence, and who wins and who loses.

A district revising its 考核细则 wants to know, before it adopts a draft, what the draft would
have given last month's grid workers. :func:`compare_rubrics` (:func:`gridrules.compare` with
the rubrics loaded) scores the same records with the rubric in force (OLD) and the draft (NEW),
each through :func:`~gridrules.batch.score_rows` (that is, :meth:`Scorer.results
<gridrules.Scorer.results>`, a chunk of records at a time), and sets the two results side by
side:

- per assessee (:class:`Compared`): both totals, the change, both grades and whether the grade
  went up or down, both star counts; a record one rubric rejects keeps its reason;
- per group and overall (:class:`GroupChange`): how many were compared, the mean and spread of
  the change, how many gained, lost or kept points, moved up or down a grade or a star, and
  each side's distribution (grades when both rubrics grade, else score bands);
- per item (:class:`ItemChange`, items matched by id): what the item gave before and after, in
  all; items the draft adds or removes are marked so;
- once for the whole comparison (:class:`FieldDifference`): the fields one rubric reads and the
  other does not, or reads otherwise; a record gives each rubric only the fields it reads, so
  that a field new to the draft is never reported row by row as unknown to the rubric in force.

The files a comparison is written to (a table, a workbook, a page) are made by
:mod:`gridrules.io.whatif_report`.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ..dates.calendars import WorkingCalendar
from ..engine.result import Result
from ..engine.rubric import Rubric
from ..engine.scorer import Scorer
from ..errors import ParameterError, Problem
from ..model.fields import Field, FieldKind
from ..model.numbers import ZERO, fmt
from .datafiles import Evidence
from .standings import SCORE_BANDS, GroupFigures, score_band

if TYPE_CHECKING:
    from .batch import Layout, Row

__all__ = [
    "DEFAULT_MOVERS",
    "SIDES",
    "Compared",
    "Comparison",
    "FieldDifference",
    "GroupChange",
    "ItemChange",
    "ParameterChange",
    "compare_rubrics",
    "grade_move",
    "grade_order",
    "item_status_name",
    "read_records",
    "split_params",
]

SIDES = ("old", "new")
"""The two rubrics compared: ``old``, the one in force, and ``new``, the draft."""

SIDE_NAMES = {"old": "调整前", "new": "调整后"}
"""What a street office calls each side."""

DEFAULT_MOVERS = 10
"""How many of the largest gains and losses a report lists, by default."""

_FIGURES = decimal.Context(
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


def grade_order(rubric: Rubric) -> dict[str, tuple[int, Decimal, int]]:
    """Each grade of ``rubric`` with a key that sorts the better grade higher: its band's lower
    bound (an open bound lowest of all; an excluded bound just above the same bound included).
    Empty when the rubric grades no one."""
    if rubric.grades is None:
        return {}
    order: dict[str, tuple[int, Decimal, int]] = {}
    for band in rubric.grades.bands:
        lower = band.interval.lower
        order[band.name] = (
            (0, ZERO, 0) if lower is None else (1, lower, 0 if band.interval.lower_inclusive else 1)
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


def _ladder(old: Rubric, new: Rubric) -> list[str]:
    """The grades of both rubrics, best first: the new rubric's, with those only the old one
    gives placed among them by their bands' lower bounds."""
    old_order, new_order = grade_order(old), grade_order(new)
    ranked = [(key, 0, name) for name, key in new_order.items()]
    ranked += [(key, 1, name) for name, key in old_order.items() if name not in new_order]
    ranked.sort(key=lambda entry: (entry[0], -entry[1]), reverse=True)
    return [name for _, _, name in ranked]


# -- parameters -------------------------------------------------------------------------------


def split_params(
    old: Rubric,
    new: Rubric,
    params: Mapping[str, object] | None = None,
    old_params: Mapping[str, object] | None = None,
    new_params: Mapping[str, object] | None = None,
) -> tuple[dict[str, object], dict[str, object]]:
    """The parameters given to each rubric.

    ``params`` fill both: each rubric takes the names it declares, and a name neither declares
    is an error. ``old_params`` and ``new_params`` fill one rubric each, over ``params`` name by
    name (a draft that changes one value needs only that value); a name the rubric does not
    declare is an error, as it is when scoring.

    :raises ParameterError: a name of ``params`` that neither rubric declares.
    """
    old_names = {p.name for p in old.parameters}
    new_names = {p.name for p in new.parameters}
    shared = dict(params or {})
    unknown = [
        Problem(
            str(name),
            f"declared by neither rubric (the old declares {sorted(old_names) or 'none'}, the "
            f"new {sorted(new_names) or 'none'})",
            value,
        )
        for name, value in shared.items()
        if name not in old_names and name not in new_names
    ]
    if unknown:
        raise ParameterError("the parameters of both rubrics", unknown)
    return (
        {**{k: v for k, v in shared.items() if k in old_names}, **dict(old_params or {})},
        {**{k: v for k, v in shared.items() if k in new_names}, **dict(new_params or {})},
    )


def _scorer(rubric: Rubric, params: Mapping[str, object], side: str) -> Scorer:
    try:
        return Scorer(rubric, params)
    except ParameterError as error:
        raise ParameterError(
            f"the {side} rubric ({error.where}, version {rubric.version})",
            error.problems,
            error.omitted,
        ) from None


@attrs.frozen
class ParameterChange:
    """A parameter of either rubric and its value in force on each side (``None``: the rubric
    has no such parameter)."""

    name: str
    description: str
    old: Decimal | None
    new: Decimal | None

    @property
    def changed(self) -> bool:
        """Whether the two sides differ."""
        return self.old != self.new


# -- fields -----------------------------------------------------------------------------------

_KIND_NAMES = {
    FieldKind.COUNT: "次数",
    FieldKind.AMOUNT: "数量",
    FieldKind.PERCENTAGE: "百分比",
    FieldKind.FLAG: "是/否",
    FieldKind.LEVEL: "级别",
    FieldKind.POINTS: "分数",
    FieldKind.ELEMENTS: "名称清单",
    FieldKind.BALLOTS: "评议票",
    FieldKind.COUNTS: "分时段次数",
}


def _default_text(field: Field) -> str:
    default = field.default
    if default is None:
        return "无（必填）"
    if isinstance(default, bool):
        return "是" if default else "否"
    if isinstance(default, Decimal | int):
        return fmt(Decimal(default))
    if isinstance(default, tuple | list | frozenset) and not default:
        return "无"
    return str(default)


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
        """What the difference means for the comparison, in Chinese."""
        given = f"{self.given}条记录填报了此项"
        if self.read_by == "old":
            return f"仅调整前细则读取，调整后不再计分；{given}"
        if self.read_by == "new":
            assert self.new is not None
            if self.new.required:
                return f"仅调整后细则读取，必须填报：未填报的记录调整后不能计分；{given}"
            return f"仅调整后细则读取，未填报的按默认值{_default_text(self.new)}计；{given}"
        old, new = self.old, self.new
        assert old is not None
        assert new is not None
        changes = []
        if old.description != new.description:
            changes.append(f"名称由“{old.description or old.id}”改为“{new.description or new.id}”")
        if old.kind is not new.kind:
            changes.append(f"类型由{_KIND_NAMES[old.kind]}改为{_KIND_NAMES[new.kind]}")
        if old.default != new.default:
            changes.append(f"默认值由{_default_text(old)}改为{_default_text(new)}")
        if old.maximum != new.maximum:
            top = [fmt(m) if m is not None else "无" for m in (old.maximum, new.maximum)]
            changes.append(f"上限由{top[0]}改为{top[1]}")
        if old.choices != new.choices or old.criteria != new.criteria:
            changes.append(
                f"可选项由{'、'.join(old.choices) or '无'}改为{'、'.join(new.choices) or '无'}"
            )
        return "两份细则都读取，但" + "，".join(changes) + f"；{given}"


def _field_differences(old: Rubric, new: Rubric, given: Mapping[str, int]) -> list[FieldDifference]:
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
    ``new`` are each side's :class:`~gridrules.io.standings.GroupFigures` (totals, grades,
    stars); ``old_categories`` and ``new_categories`` count each side's grade (or score band,
    see :attr:`Comparison.categories`). ``rejected`` counts the group's records that either
    rubric rejected.
    """

    __slots__ = (
        "count",
        "grades_down",
        "grades_same",
        "grades_up",
        "highest",
        "key",
        "lowered",
        "lowest",
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
        "sum",
        "unchanged",
    )

    def __init__(self, key: tuple[str | None, ...]) -> None:
        self.key = key
        self.count = self.rejected = 0
        self.old, self.new = GroupFigures(), GroupFigures()
        self.old_categories: dict[str, int] = {}
        self.new_categories: dict[str, int] = {}
        self.sum = self.squares = ZERO
        self.lowest: Decimal | None = None
        self.highest: Decimal | None = None
        self.raised = self.lowered = self.unchanged = 0
        self.grades_up = self.grades_down = self.grades_same = 0
        self.stars_up = self.stars_down = self.stars_same = 0
        self.mean: Decimal | None = None
        self.spread: Decimal | None = None

    @property
    def name(self) -> str:
        """The group's name: its cells joined by `` / `` (``全部`` for everyone)."""
        return " / ".join(k or "" for k in self.key) or "全部"

    def add(self, row: Compared, old_category: str, new_category: str) -> None:
        """Count a record both rubrics scored."""
        old, new, change = row.old, row.new, row.change
        assert old is not None
        assert new is not None
        assert change is not None
        self.count += 1
        self.old.add(old.total, old.grade, old.stars)
        self.new.add(new.total, new.grade, new.stars)
        self.old_categories[old_category] = self.old_categories.get(old_category, 0) + 1
        self.new_categories[new_category] = self.new_categories.get(new_category, 0) + 1
        self.sum += change
        self.squares += change * change
        if self.lowest is None or change < self.lowest:
            self.lowest = change
        if self.highest is None or change > self.highest:
            self.highest = change
        if change > 0:
            self.raised += 1
        elif change < 0:
            self.lowered += 1
        else:
            self.unchanged += 1
        if row.grade_move == 1:
            self.grades_up += 1
        elif row.grade_move == -1:
            self.grades_down += 1
        elif row.grade_move == 0:
            self.grades_same += 1
        if row.star_change is not None:
            if row.star_change > 0:
                self.stars_up += 1
            elif row.star_change < 0:
                self.stars_down += 1
            else:
                self.stars_same += 1

    def merge(self, other: GroupChange) -> None:
        """Add another group's figures (everyone's from the groups')."""
        self.count += other.count
        self.rejected += other.rejected
        self.old.merge(other.old)
        self.new.merge(other.new)
        for mine, theirs in (
            (self.old_categories, other.old_categories),
            (self.new_categories, other.new_categories),
        ):
            for category, n in theirs.items():
                mine[category] = mine.get(category, 0) + n
        self.sum += other.sum
        self.squares += other.squares
        for bound in (other.lowest, other.highest):
            if bound is not None:
                if self.lowest is None or bound < self.lowest:
                    self.lowest = bound
                if self.highest is None or bound > self.highest:
                    self.highest = bound
        for name in (
            "raised",
            "lowered",
            "unchanged",
            "grades_up",
            "grades_down",
            "grades_same",
            "stars_up",
            "stars_down",
            "stars_same",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def finish(self) -> None:
        """Work out the mean and spread (in the figures' own context)."""
        if not self.count:
            return
        mean = self.sum / self.count
        variance = max(ZERO, self.squares / self.count - mean * mean)
        self.mean = mean.quantize(_CENT, ROUND_HALF_UP)
        self.spread = variance.sqrt().quantize(_CENT, ROUND_HALF_UP)

    def __repr__(self) -> str:
        mean = "—" if self.mean is None else fmt(self.mean)
        return f"GroupChange({self.name}: {self.count} compared, mean change {mean})"


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


def _item_changes(old: Rubric, new: Rubric, rows: Sequence[Compared]) -> list[ItemChange]:
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


# -- the comparison ---------------------------------------------------------------------------


class Comparison:
    """Two rubrics' results for the same records, and the figures of the change.

    ``rows`` holds every record in input order (:class:`Compared`); the records both rubrics
    scored are :attr:`compared`, the others :attr:`rejected`, each with its reasons. The
    figures are worked out once, when the comparison is made.
    """

    def __init__(
        self,
        old: Rubric,
        new: Rubric,
        old_params: Mapping[str, Decimal],
        new_params: Mapping[str, Decimal],
        rows: list[Compared],
        *,
        keep: Sequence[str] = (),
        group_by: Sequence[str] = (),
        given: Mapping[str, int] | None = None,
        source: str | None = None,
    ) -> None:
        self.old, self.new = old, new
        self.old_params, self.new_params = dict(old_params), dict(new_params)
        self.rows = rows
        self.keep = tuple(keep)
        self.group_by = tuple(group_by)
        self.source = source
        """Where the records came from (the evidence file), when they came from one."""
        self.by_grade = old.grades is not None and new.grades is not None
        """Whether both rubrics grade: the distributions are then of grades, else of score
        bands (90分及以上, 80-89分, ...), as the street office's report does."""
        self.categories: list[str] = _ladder(old, new) if self.by_grade else list(SCORE_BANDS)
        """The grades of both rubrics best first, or the score bands."""
        self.category_label = "等级" if self.by_grade else "分数段"
        self.fields = _field_differences(old, new, given or {})
        """The fields one rubric reads and the other does not, or reads otherwise."""
        self.parameters = [
            ParameterChange(
                name,
                description,
                self.old_params.get(name),
                self.new_params.get(name),
            )
            for name, description in {
                **{p.name: p.description for p in old.parameters},
                **{p.name: p.description for p in new.parameters},
            }.items()
        ]
        """Every parameter of either rubric, with its value in force on each side."""
        with decimal.localcontext(_FIGURES):
            self.compared = [row for row in rows if row.change is not None]
            """The records both rubrics scored."""
            self.rejected = [row for row in rows if row.change is None]
            """The records either rubric rejected."""
            self.items = _item_changes(old, new, self.compared)
            """Each item's change, the largest first."""
            bonus = penalty = total = ZERO
            for row in self.compared:
                assert row.old is not None
                assert row.new is not None
                assert row.change is not None
                bonus += row.new.bonus - row.old.bonus
                penalty += row.new.penalty - row.old.penalty
                total += row.change
            items = sum((i.change for i in self.items), ZERO)
            self.beyond_items = {
                "bonus": bonus,
                "penalty": penalty,
                "other": total - items - bonus + penalty,
                "total": total,
            }
            """The change of the total beyond the items', in all: ``bonus`` (加分 beyond the
            items), ``penalty`` (倒扣: it lowers the total), ``other`` (what weights, the bonus
            cap, the floor and rounding made of the rest), and ``total``, so that the items'
            changes + bonus - penalty + other = total."""
            by_group: dict[tuple[str | None, ...], GroupChange] = {}
            self.transitions: dict[tuple[str, str], int] = {}
            """How many went from each grade (or score band) before to each after."""
            for row in rows:
                group = by_group.get(row.group)
                if group is None:
                    group = by_group[row.group] = GroupChange(row.group)
                if row.old is None or row.new is None:
                    group.rejected += 1
                    continue
                before, after = self._category(row.old), self._category(row.new)
                group.add(row, before, after)
                self.transitions[before, after] = self.transitions.get((before, after), 0) + 1
            self.groups = [
                by_group[key] for key in sorted(by_group, key=lambda k: tuple(c or "" for c in k))
            ]
            """Each group's figures, in the order of their names (one group of everyone when
            there is no ``group_by``)."""
            self.overall = GroupChange(())
            """Everyone's figures."""
            for group in self.groups:
                self.overall.merge(group)
                group.finish()
            self.overall.finish()

    def _category(self, result: Result) -> str:
        if self.by_grade and result.grade is not None:
            return result.grade
        return score_band(result.total)

    # -- views ------------------------------------------------------------------------------

    @property
    def old_label(self) -> str:
        """The rubric in force as people name it: its name and version."""
        return f"{self.old.name} {self.old.version}"

    @property
    def new_label(self) -> str:
        """The draft as people name it: its name and version."""
        return f"{self.new.name} {self.new.version}"

    @property
    def grades_compared(self) -> bool:
        """Whether grades moves are counted: both rubrics grade."""
        return self.by_grade

    @property
    def stars_compared(self) -> bool:
        """Whether star moves are counted: both rubrics give stars."""
        return self.old.stars is not None and self.new.stars is not None

    def movers(self, count: int = DEFAULT_MOVERS) -> tuple[list[Compared], list[Compared]]:
        """The ``count`` largest gains and the ``count`` largest losses (the largest first,
        equal changes in input order); a record whose total did not change is in neither."""
        gains = [r for r in self.compared if r.change is not None and r.change > 0]
        losses = [r for r in self.compared if r.change is not None and r.change < 0]
        gains.sort(key=lambda r: -r.change)  # type: ignore[operator]
        losses.sort(key=lambda r: r.change)  # type: ignore[arg-type,return-value]
        return gains[:count], losses[:count]

    def distribution(self, group: GroupChange | None = None) -> list[tuple[str, int, int]]:
        """Each grade (or score band) with its count before and after, in a group or overall."""
        figures = group or self.overall
        return [
            (c, figures.old_categories.get(c, 0), figures.new_categories.get(c, 0))
            for c in self.categories
        ]

    def summary(self) -> str:
        """The comparison in a few lines of English, for the terminal."""
        overall = self.overall
        both = sum(1 for r in self.rejected if r.status == "both_rejected")
        only_old = sum(1 for r in self.rejected if r.status == "old_rejected")
        only_new = sum(1 for r in self.rejected if r.status == "new_rejected")
        lines = [f"old: {self.old_label} ({self.old.title})"]
        lines.append(f"new: {self.new_label} ({self.new.title})")
        rows = "row" if len(self.rows) == 1 else "rows"
        lines.append(
            f"{len(self.rows)} {rows} = {len(self.compared)} compared + {len(self.rejected)} "
            f"rejected ({both} by both, {only_old} by the old only, {only_new} by the new only)"
        )
        if overall.count:
            assert overall.mean is not None
            assert overall.lowest is not None
            assert overall.highest is not None
            assert overall.spread is not None
            lines.append(
                f"change of the total: mean {fmt(overall.mean)}, spread {fmt(overall.spread)}, "
                f"from {fmt(overall.lowest)} to {fmt(overall.highest)}; {overall.raised} up, "
                f"{overall.lowered} down, {overall.unchanged} unchanged"
            )
        if self.grades_compared:
            lines.append(
                f"grades: {overall.grades_up} up, {overall.grades_down} down, "
                f"{overall.grades_same} kept"
            )
        else:
            graded = [s for s, r in (("old", self.old), ("new", self.new)) if r.grades]
            lines.append(
                "grades: not compared ("
                + (f"only the {graded[0]} rubric grades" if graded else "neither rubric grades")
                + ")"
            )
        if self.stars_compared:
            lines.append(
                f"stars: {overall.stars_up} up, {overall.stars_down} down, "
                f"{overall.stars_same} kept"
            )
        moved = [i for i in self.items if i.change]
        if moved:
            lines.append(
                "items: "
                + ", ".join(
                    f"{i.id} {'+' if i.change > 0 else ''}{fmt(i.change)}"
                    + ("" if i.status == "both" else f" ({i.status})")
                    for i in moved
                )
            )
        for difference in self.fields:
            reads = {
                "old": "read by the old rubric only",
                "new": "read by the new rubric only",
                "both": "read by both, differently",
            }[difference.read_by]
            lines.append(
                f"field {difference.id} ({difference.label}): {reads}; given in "
                f"{difference.given} of {len(self.rows)} {rows}"
            )
        for parameter in self.parameters:
            if parameter.changed:
                values = ["-" if v is None else fmt(v) for v in (parameter.old, parameter.new)]
                lines.append(f"parameter {parameter.name}: {values[0]} -> {values[1]}")
        return "\n".join(lines)

    def to_dict(self, movers: int = DEFAULT_MOVERS) -> dict[str, Any]:
        """The comparison as plain data (numbers as text in one form, ``"-1.5"``): the
        rubrics, the rows, the groups and everyone's figures, the items, the fields, the
        parameters and the largest movers."""

        def number(value: Decimal | None) -> str | None:
            return None if value is None else fmt(value)

        def side(result: Result | None, problems: Sequence[Problem]) -> dict[str, Any]:
            if result is None:
                return {"problems": [_problem_dict(p) for p in problems]}
            return result.to_dict()

        def group(figures: GroupChange) -> dict[str, Any]:
            return {
                "group": list(figures.key),
                "name": figures.name,
                "count": figures.count,
                "rejected": figures.rejected,
                "mean": number(figures.mean),
                "spread": number(figures.spread),
                "lowest": number(figures.lowest),
                "highest": number(figures.highest),
                "raised": figures.raised,
                "lowered": figures.lowered,
                "unchanged": figures.unchanged,
                "grades": {
                    "up": figures.grades_up,
                    "down": figures.grades_down,
                    "same": figures.grades_same,
                }
                if self.grades_compared
                else None,
                "stars": {
                    "up": figures.stars_up,
                    "down": figures.stars_down,
                    "same": figures.stars_same,
                }
                if self.stars_compared
                else None,
                "distribution": [
                    {"category": c, "old": before, "new": after}
                    for c, before, after in self.distribution(figures)
                ],
            }

        gains, losses = self.movers(movers)
        return {
            "old": {"name": self.old.name, "version": self.old.version, "title": self.old.title},
            "new": {"name": self.new.name, "version": self.new.version, "title": self.new.title},
            "categories": {"label": self.category_label, "names": self.categories},
            "rows": [
                {
                    "row": r.number,
                    "assessee": r.assessee,
                    "kept": dict(zip(self.keep, r.kept, strict=True)),
                    "status": r.status,
                    "old": side(r.old, r.old_problems),
                    "new": side(r.new, r.new_problems),
                    "change": number(r.change),
                    "grade_move": r.grade_move,
                    "star_change": r.star_change,
                }
                for r in self.rows
            ],
            "overall": group(self.overall),
            "groups": [group(g) for g in self.groups] if self.group_by else [],
            "transitions": [
                {"old": before, "new": after, "count": n}
                for (before, after), n in self.transitions.items()
            ],
            "items": [
                {
                    "id": i.id,
                    "label": i.label,
                    "status": i.status,
                    "old_points": fmt(i.old_points),
                    "new_points": fmt(i.new_points),
                    "change": fmt(i.change),
                    "changed": i.changed,
                }
                for i in self.items
            ],
            "beyond_items": {k: fmt(v) for k, v in self.beyond_items.items()},
            "fields": [
                {
                    "id": f.id,
                    "label": f.label,
                    "read_by": f.read_by,
                    "given": f.given,
                    "note": f.describe(),
                }
                for f in self.fields
            ],
            "parameters": [
                {
                    "name": p.name,
                    "description": p.description,
                    "old": number(p.old),
                    "new": number(p.new),
                }
                for p in self.parameters
            ],
            "movers": {
                "gains": [r.number for r in gains],
                "losses": [r.number for r in losses],
            },
        }

    def __repr__(self) -> str:
        return (
            f"Comparison({self.old_label} -> {self.new_label}: {len(self.compared)} compared, "
            f"{len(self.rejected)} rejected)"
        )


def _problem_dict(problem: Problem) -> dict[str, Any]:
    value = problem.value
    return {
        "field": problem.field,
        "message": problem.message,
        "value": None if value is None else str(value),
    }


# -- scoring both -----------------------------------------------------------------------------


def compare_rubrics(
    old: Rubric,
    new: Rubric,
    records: Iterable[Mapping[str, Any] | Evidence | Row],
    *,
    params: Mapping[str, object] | None = None,
    old_params: Mapping[str, object] | None = None,
    new_params: Mapping[str, object] | None = None,
    id: str | None = None,
    keep: str | Sequence[str] = (),
    group_by: str | Sequence[str] = (),
    period: object = None,
    calendar: WorkingCalendar | None = None,
    chunk_size: int | None = None,
    source: str | Path | None = None,
) -> Comparison:
    """Score ``records`` with ``old`` (the rubric in force) and ``new`` (a draft) and compare.

    Each record is scored by each rubric through :func:`~gridrules.batch.score_rows` (that is,
    :meth:`Scorer.results <gridrules.Scorer.results>`, ``chunk_size`` records at a time), given
    only the fields that rubric reads: a field only the other rubric reads is left out, and
    listed once in :attr:`Comparison.fields`. A key neither reads goes to both, and both reject
    the record naming it. A record a rubric rejects stays in the comparison with its reasons.

    ``params`` fill the parameters of both rubrics, ``old_params`` and ``new_params`` those of
    one, over ``params`` (see :func:`split_params`).

    A record that is a mapping has its evidence by field id; the key ``id`` names the assessee,
    the keys ``keep`` are carried along (not evidence), and the keys ``group_by`` (kept too)
    group the figures (``group_by="社区"``). ``period`` (``"2026-10"``) is the period of every
    record, needed by a rubric with quotas per working day (counted on ``calendar``, China's
    official one by default); a :class:`~gridrules.batch.Row` or an
    :class:`~gridrules.Evidence` carries its own.

    :raises ParameterError: the parameters do not fit a rubric (the message names which).
    """
    from .batch import DEFAULT_CHUNK, Row, Scored, read_ballot_text, score_rows

    keep = (keep,) if isinstance(keep, str) else tuple(keep)
    group_by = (group_by,) if isinstance(group_by, str) else tuple(group_by)
    keep = tuple(dict.fromkeys((*keep, *group_by)))
    old_given, new_given = split_params(old, new, params, old_params, new_params)
    scorers = {"old": _scorer(old, old_given, "old"), "new": _scorer(new, new_given, "new")}
    text_period = None if period is None else str(period)
    rows: list[Row] = []
    for number, record in enumerate(records, 1):
        if isinstance(record, Row):
            rows.append(record)
        elif isinstance(record, Evidence):
            rows.append(
                Row(
                    number,
                    record.record,
                    assessee=record.assessee,
                    assessor=record.assessor,
                    period=record.period or text_period,
                )
            )
        elif isinstance(record, Mapping):
            taken = {id, *keep} - {None}
            rows.append(
                Row(
                    number,
                    {k: v for k, v in record.items() if k not in taken},
                    assessee=None if id is None or record.get(id) is None else str(record[id]),
                    period=text_period,
                    extra=[None if record.get(k) is None else str(record[k]) for k in keep],
                )
            )
        else:
            raise TypeError(
                f"record {number}: expected a mapping of evidence, an Evidence or a Row, got "
                f"{type(record).__name__}"
            )
    only = {
        "old": frozenset(old.fields) - frozenset(new.fields),
        "new": frozenset(new.fields) - frozenset(old.fields),
    }
    given: dict[str, int] = {}
    for row in rows:
        for fid in row.evidence:
            given[fid] = given.get(fid, 0) + 1
    outcomes: dict[str, list[Result | tuple[Problem, ...]]] = {}
    for side, other in (("old", "new"), ("new", "old")):
        scorer = scorers[side]
        with_period = scorer.needs_working_days
        leave_out = only[other]
        ballots = [f.id for f in scorer.rubric.fields.values() if f.kind is FieldKind.BALLOTS]
        side_rows = []
        for row in rows:
            evidence = {k: v for k, v in row.evidence.items() if k not in leave_out}
            # ballots in a cell are JSON text, read as batch reads them, for this rubric
            unread = read_ballot_text(evidence, ballots) if ballots else ()
            side_rows.append(
                Row(
                    row.number,
                    evidence,
                    assessee=row.assessee,
                    period=row.period if with_period else None,
                    problems=(*row.problems, *unread),
                )
            )
        outcomes[side] = [
            outcome.result if isinstance(outcome, Scored) else outcome.problems
            for outcome in score_rows(
                scorer, side_rows, chunk_size=chunk_size or DEFAULT_CHUNK, calendar=calendar
            )
        ]
    old_order, new_order = grade_order(old), grade_order(new)
    group_at = [keep.index(g) for g in group_by]
    compared: list[Compared] = []
    with decimal.localcontext(_FIGURES):
        for row, before, after in zip(rows, outcomes["old"], outcomes["new"], strict=True):
            kept = tuple(row.extra) if len(row.extra) == len(keep) else (None,) * len(keep)
            move = None
            if isinstance(before, Result) and isinstance(after, Result):
                move = grade_move(before.grade, after.grade, old_order, new_order)
            compared.append(
                Compared(
                    row.number,
                    row.assessee,
                    kept,
                    tuple(kept[i] for i in group_at),
                    before,
                    after,
                    move,
                )
            )
    return Comparison(
        old,
        new,
        scorers["old"].params,
        scorers["new"].params,
        compared,
        keep=keep,
        group_by=group_by,
        given=given,
        source=None if source is None else str(source),
    )


def read_records(
    old: Rubric,
    new: Rubric,
    path: Path,
    layout: Layout | None = None,
    *,
    input_format: str | None = None,
    encoding: str = "auto",
    sheet: str | None = None,
    header_row: int | None = None,
) -> list[Row]:
    """The rows of the evidence table at ``path`` (CSV, JSON lines or Excel), read for both
    rubrics as ``gridrules batch`` reads a table for one: a column is the field whose id or
    Chinese label (of either rubric) it bears, or the one ``layout.mapping`` maps it onto; the
    assessee, assessor and period columns are found by their usual names or ``layout``'s; a
    column that is none of these, nor kept, fails the table once, naming the closest field.

    :raises DataFileError: the table cannot be read, or a column is no field of either rubric.
    :raises RubricError: a label is one field of one rubric and another field of the other, so
        that a column named by it cannot be read for both.
    """
    from .batch import read_rows
    from .tables import open_reader

    with open_reader(
        path, input_format, encoding=encoding, sheet=sheet, header_row=header_row
    ) as reader:
        return list(read_rows(reader, layout, (old, new)))
