"""What-if: two rubrics score the same evidence, and who wins and who loses.

A district revising its 考核细则 wants to know, before it adopts a draft, what the draft would
have given last month's grid workers. :func:`compare_rubrics` (:func:`gridrules.compare` with
the rubrics loaded) scores the same records with the rubric in force (OLD) and the draft (NEW),
each through :func:`~gridrules.batch.score_rows` (that is, :meth:`Scorer.results
<gridrules.Scorer.results>`, a chunk of records at a time), and sets the two results side by
side in a :class:`Comparison`:

- per assessee (:class:`~gridrules.whatif.Compared`): both totals, the change, both grades and
  whether the grade went up or down, both star counts; a record one rubric rejects keeps its
  reasons;
- per group and overall (:class:`~gridrules.whatif.GroupChange`): how many were compared, the
  mean and spread of the change, how many gained, lost or kept points, moved up or down a grade
  or a star, and each side's distribution (grades when both rubrics grade, else score bands);
- per item (:class:`~gridrules.whatif.ItemChange`, items matched by id): what the item gave
  before and after, in all; items the draft adds or removes are marked so;
- once for the whole comparison (:class:`~gridrules.whatif.FieldDifference`): the fields one
  rubric reads and the other does not, or reads otherwise; a record gives each rubric only the
  fields it reads, so that a field new to the draft is never reported row by row as unknown to
  the rubric in force.

The figures of one assessee, group, item or field are :mod:`gridrules.io.changes`; the files a
comparison is written to (a table, a workbook, a page) are made by
:mod:`gridrules.io.whatif_report`.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..dates.calendars import WorkingCalendar
from ..engine.result import Result
from ..engine.rubric import Rubric
from ..engine.scorer import Scorer
from ..errors import ParameterError, Problem
from ..model.fields import FieldKind
from ..model.numbers import ZERO, fmt
from ..sheet.lines import show
from .batch import DEFAULT_CHUNK, Layout, Row, Scored, read_ballot_text, read_rows, score_rows
from .changes import (
    FIGURES,
    Compared,
    GroupChange,
    ParameterChange,
    field_differences,
    grade_move,
    grade_order,
    item_changes,
    ladder,
)
from .datafiles import Evidence
from .headers import ROLE_NAMES
from .standings import SCORE_BANDS, score_band
from .tables import open_reader

__all__ = [
    "DEFAULT_MOVERS",
    "Comparison",
    "compare_rubrics",
    "read_records",
    "split_params",
]

DEFAULT_MOVERS = 10
"""How many of the largest gains and losses a report lists, by default."""

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
        old_params: Mapping[str, Decimal | str],
        new_params: Mapping[str, Decimal | str],
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
        """Whether both rubrics grade: moves up and down a grade are then counted, and the
        distributions are of grades; else of score bands (90分及以上, 80-89分, ...), as the
        street office's report counts a rubric that grades no one."""
        self.categories: list[str] = (
            ladder(old.bound_grades(self.old_params), new.bound_grades(self.new_params))
            if self.by_grade
            else list(SCORE_BANDS)
        )
        """The grades of both rubrics best first, or the score bands."""
        self.category_label = "等级" if self.by_grade else "分数段"
        self.fields = field_differences(old, new, given or {})
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
        with decimal.localcontext(FIGURES):
            self.compared = [row for row in rows if row.change is not None]
            """The records both rubrics scored."""
            self.rejected = [row for row in rows if row.change is None]
            """The records either rubric rejected."""
            self.items = item_changes(old, new, self.compared)
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
    def stars_compared(self) -> bool:
        """Whether star moves are counted: both rubrics give stars."""
        return self.old.stars is not None and self.new.stars is not None

    def movers(self, count: int = DEFAULT_MOVERS) -> tuple[list[Compared], list[Compared]]:
        """The ``count`` largest gains and the ``count`` largest losses (the largest first,
        equal changes in input order); a record whose total did not change is in neither."""
        changes = [(r.change, r) for r in self.compared if r.change]
        gains = sorted((c for c in changes if c[0] > 0), key=lambda c: -c[0])
        losses = sorted((c for c in changes if c[0] < 0), key=lambda c: c[0])
        return [r for _, r in gains[:count]], [r for _, r in losses[:count]]

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
        if self.by_grade:
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
                values = ["-" if v is None else show(v) for v in (parameter.old, parameter.new)]
                lines.append(f"parameter {parameter.name}: {values[0]} -> {values[1]}")
        return "\n".join(lines)

    def to_dict(self, movers: int = DEFAULT_MOVERS) -> dict[str, Any]:
        """The comparison as plain data (numbers as text in one form, ``"-1.5"``): the
        rubrics, the rows, the groups and everyone's figures, the items, the fields, the
        parameters and the largest movers."""

        def number(value: Decimal | str | None) -> str | None:
            return None if value is None else show(value)

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
                if self.by_grade
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

    A record that is a mapping has its evidence by field id. The key ``id`` names the assessee
    (by default the first of ``assessee``, ``id``, 被考核人员, 姓名, 被考核人 that the record has
    and neither rubric reads, as a table's columns are found); ``assessor`` or 考核人, and
    ``period`` or 考核时间, are taken out likewise. The keys ``keep`` are carried along (not
    evidence), and the keys ``group_by`` (kept too) group the figures (``group_by="社区"``).
    ``period`` (``"2026-10"``) is the period of the records that name none, needed by a rubric
    with quotas per working day (counted on ``calendar``, China's official one by default); a
    :class:`~gridrules.batch.Row` or an :class:`~gridrules.Evidence` carries its own.

    :raises ParameterError: the parameters do not fit a rubric (the message names which).
    """
    keep = (keep,) if isinstance(keep, str) else tuple(keep)
    group_by = (group_by,) if isinstance(group_by, str) else tuple(group_by)
    keep = tuple(dict.fromkeys((*keep, *group_by)))
    fields = {*old.fields, *new.fields}
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
            roles = {
                role: named
                if named is not None
                else next((k for k in ROLE_NAMES[role] if k in record and k not in fields), None)
                for role, named in (("assessee", id), ("assessor", None), ("period", None))
            }
            taken = {*roles.values(), *keep}
            rows.append(
                Row(
                    number,
                    {k: v for k, v in record.items() if k not in taken},
                    assessee=_cell(record, roles["assessee"]),
                    assessor=_cell(record, roles["assessor"]),
                    period=_cell(record, roles["period"]) or text_period,
                    extra=[_cell(record, k) for k in keep],
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
                    period=row.period,  # read by both sides, whatever they count on
                    problems=(*row.problems, *unread),
                )
            )
        outcomes[side] = [
            outcome.result if isinstance(outcome, Scored) else outcome.problems
            for outcome in score_rows(
                scorer, side_rows, chunk_size=chunk_size or DEFAULT_CHUNK, calendar=calendar
            )
        ]
    old_order, new_order = grade_order(scorers["old"].grades), grade_order(scorers["new"].grades)
    group_at = [keep.index(g) for g in group_by]
    compared: list[Compared] = []
    with decimal.localcontext(FIGURES):
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


def _cell(record: Mapping[str, Any], key: str | None) -> str | None:
    """A mapping's value at ``key`` as text (None when absent, empty or None)."""
    value = None if key is None else record.get(key)
    if value is None:
        return None
    return (fmt(value) if isinstance(value, Decimal) else str(value)).strip() or None


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
    with open_reader(
        path, input_format, encoding=encoding, sheet=sheet, header_row=header_row
    ) as reader:
        return list(read_rows(reader, layout, (old, new)))
