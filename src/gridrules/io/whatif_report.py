"""A comparison of two rubrics (:mod:`gridrules.io.whatif`) written out: table, workbook, page.

- CSV or JSON lines: one row per assessee (both totals, the change, both grades and the grade's
  move, both star counts, each item's change, and why a rubric could not score the row), with
  Chinese headers (``zh``) or ids (``id``, the default), as ``gridrules batch`` writes scores.
- Excel (``zh`` headers by default): the same rows, then a sheet each for the groups' figures,
  the grade distribution before and after, the moves from grade to grade, the items' changes,
  the fields and parameters that differ, the rows not scored, and what was compared.
- HTML: one page in Chinese, printable on A4, loading nothing: the figures, the distribution
  before and after drawn with the district report's chart, the largest gains and losses, the
  items, fields and parameters that differ, and the rows not scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import DataFileError, Problem
from ..model.numbers import fmt
from .changes import (
    MOVE_NAMES,
    SIDE_NAMES,
    STATUS_NAMES,
    Compared,
    GroupChange,
    item_status_name,
)
from .files import write_text
from .headers import HEADER_STYLES
from .reasons import chinese_problem, problem_value
from .report import bar_chart, render_page
from .tables import format_of, open_writer
from .whatif import DEFAULT_MOVERS, Comparison

__all__ = [
    "OUTPUT_FORMATS",
    "Page",
    "page",
    "row_columns",
    "row_values",
    "write_comparison",
    "write_html",
    "write_table",
]

OUTPUT_FORMATS = ("csv", "jsonl", "xlsx", "html")
"""What a comparison is written as, by the output's suffix."""

_ROW_HEADERS = {
    "row": "行号",
    "assessee": "被考核人员",
    "status": "状态",
    "old_total": "调整前总分",
    "new_total": "调整后总分",
    "change": "总分变化",
    "old_grade": "调整前等级",
    "new_grade": "调整后等级",
    "grade_move": "等级变动",
    "old_stars": "调整前星级",
    "new_stars": "调整后星级",
    "star_change": "星级变化",
    "reasons": "未计分原因",
}
_SHEETS = {
    "zh": (
        "对比结果",
        "分组汇总",
        "等级分布",
        "等级变动",
        "分项变化",
        "字段差异",
        "参数",
        "未计分行",
        "说明",
    ),
    "id": (
        "rows",
        "groups",
        "distribution",
        "transitions",
        "items",
        "fields",
        "parameters",
        "rejected",
        "about",
    ),
}
_MOVE_IDS = {1: "up", -1: "down", 0: "same"}


def row_columns(comparison: Comparison, headers: str = "id") -> list[str]:
    """The columns of the per-assessee table: row, assessee, the kept columns, status, both
    totals and the change, both grades and the move, both star counts and the change, each
    item's change, and the reasons a rubric could not score the row."""
    if headers not in HEADER_STYLES:
        raise ValueError(f"headers must be one of {HEADER_STYLES}, got {headers!r}")
    names = [*_ROW_HEADERS][:-1]
    items = [*((i.id, i.label) for i in comparison.items)]
    items.sort(key=_item_order(comparison))
    if headers == "zh":
        head = [_ROW_HEADERS[n] for n in names[:2]] + list(comparison.keep)
        head += [_ROW_HEADERS[n] for n in names[2:]]
        head += [f"{label}变化" for _, label in items]
        return [*head, _ROW_HEADERS["reasons"]]
    head = [*names[:2], *comparison.keep, *names[2:]]
    return [*head, *(f"change.{i}" for i, _ in items), "reasons"]


def _item_order(comparison: Comparison) -> Any:
    """Items in the rubrics' order (the new rubric's, then the removed), not by their change."""
    ids = [i.id for i in comparison.new.items()]
    ids += [i.id for i in comparison.old.items() if i.id not in ids]
    at = {i: n for n, i in enumerate(ids)}
    return lambda entry: at[entry[0]]


def row_values(comparison: Comparison, row: Compared, headers: str = "id") -> list[Any]:
    """One assessee's row of the per-assessee table (see :func:`row_columns`): Decimals as
    they are, None for a value there is not."""
    zh = headers == "zh"
    old, new = row.old, row.new
    items = sorted(((i.id, i.label) for i in comparison.items), key=_item_order(comparison))
    move = None if row.grade_move is None else (MOVE_NAMES if zh else _MOVE_IDS)[row.grade_move]
    return [
        row.number,
        row.assessee,
        *row.kept,
        STATUS_NAMES[row.status] if zh else row.status,
        None if old is None else old.total,
        None if new is None else new.total,
        row.change,
        None if old is None else old.grade,
        None if new is None else new.grade,
        move,
        None if old is None else old.stars,
        None if new is None else new.stars,
        row.star_change,
        *(row.item_change(i) for i, _ in items),
        _reasons(comparison, row, zh) or None,
    ]


def _labels(comparison: Comparison) -> dict[str, str]:
    """Each field's label, the new rubric's first."""
    found = {fid: f.description or fid for fid, f in comparison.old.fields.items()}
    found.update({fid: f.description or fid for fid, f in comparison.new.fields.items()})
    return found


def _problem_text(problem: Problem, labels: dict[str, str], zh: bool) -> str:
    if not zh:
        return str(problem)
    place, reason = chinese_problem(problem, labels)
    return f"{place}：{reason}"


def _reasons(comparison: Comparison, row: Compared, zh: bool) -> str:
    labels = _labels(comparison) if zh else {}
    parts = []
    for side, problems in (("old", row.old_problems), ("new", row.new_problems)):
        if problems:
            text = (
                "；".join(_problem_text(p, labels, zh) for p in problems)
                if zh
                else "; ".join(_problem_text(p, labels, zh) for p in problems)
            )
            parts.append(f"{SIDE_NAMES[side]}：{text}" if zh else f"{side}: {text}")
    return ("　" if zh else " | ").join(parts)


# -- tables -----------------------------------------------------------------------------------


def write_comparison(
    comparison: Comparison,
    path: Path,
    *,
    headers: str | None = None,
    title: str | None = None,
    movers: int = DEFAULT_MOVERS,
    encoding: str = "utf-8-sig",
) -> str:
    """Write ``comparison`` to ``path`` as its suffix says (.csv, .jsonl, .xlsx or .html; see
    :func:`write_table` and :func:`write_html`), whole or not at all; returns the format.

    :raises DataFileError: the suffix is none of these, or the file cannot be written.
    """
    kind = path.suffix.lower().lstrip(".")
    if kind in ("html", "htm"):
        write_html(comparison, path, title=title, movers=movers)
        return "html"
    if kind not in OUTPUT_FORMATS:
        raise DataFileError(
            f"{path}: a comparison is written as .csv, .jsonl, .xlsx or .html, not "
            f"{path.suffix or '(no suffix)'!r}"
        )
    write_table(comparison, path, headers=headers, encoding=encoding)
    return kind


def write_table(
    comparison: Comparison,
    path: Path,
    *,
    headers: str | None = None,
    fmt: str | None = None,
    encoding: str = "utf-8-sig",
) -> None:
    """The per-assessee table as CSV or JSON lines, or a workbook of it and the figures.

    ``headers`` is ``"zh"`` (Chinese columns, statuses and reasons; the default for Excel) or
    ``"id"`` (the default for CSV and JSON lines). Text from the input that a spreadsheet would
    run as a formula is written so that it is not, and Excel cells hold text as text.
    """
    kind = format_of(path, fmt)
    style = headers or ("zh" if kind == "xlsx" else "id")
    if style not in HEADER_STYLES:
        raise DataFileError(
            f"unknown headers {style!r}; expected one of {', '.join(HEADER_STYLES)}"
        )
    names = _SHEETS[style]
    with open_writer(
        path, row_columns(comparison, style), kind, encoding=encoding, sheet=names[0]
    ) as out:
        for row in comparison.rows:  # input text is made safe from formulas by the writer
            out.write(row_values(comparison, row, style))
        if kind == "xlsx":
            for name, (columns, rows) in zip(
                names[1:], _figure_sheets(comparison, style), strict=True
            ):
                out.add_sheet(name, columns).write(rows)
        out.commit()


def _figure_sheets(comparison: Comparison, style: str) -> list[tuple[list[str], list[list[Any]]]]:
    """The workbook's sheets after the rows: groups, distribution, transitions, items, fields,
    parameters, rejected rows, about."""
    zh = style == "zh"
    return [
        _groups_sheet(comparison, zh),
        _distribution_sheet(comparison, zh),
        _transitions_sheet(comparison, zh),
        _items_sheet(comparison, zh),
        _fields_sheet(comparison, zh),
        _parameters_sheet(comparison, zh),
        _rejected_sheet(comparison, zh),
        _about_sheet(comparison, zh),
    ]


def _group_label(comparison: Comparison, zh: bool) -> list[str]:
    return list(comparison.group_by) or (["分组"] if zh else ["group"])


def _group_cells(comparison: Comparison, group: GroupChange, zh: bool) -> list[Any]:
    if group.key:
        return list(group.key)
    return ["全部" if zh else "all", *[None] * (max(1, len(comparison.group_by)) - 1)]


def _every_group(comparison: Comparison) -> list[GroupChange]:
    return [*(comparison.groups if comparison.group_by else []), comparison.overall]


def _groups_sheet(comparison: Comparison, zh: bool) -> tuple[list[str], list[list[Any]]]:
    columns = _group_label(comparison, zh)
    if zh:
        columns += [
            "对比人数",
            "未计分人数",
            "调整前平均分",
            "调整后平均分",
            "平均变化",
            "变化标准差",
            "变化最小值",
            "变化最大值",
            "总分上升人数",
            "总分下降人数",
            "总分不变人数",
        ]
    else:
        columns += [
            "compared",
            "rejected",
            "old_mean",
            "new_mean",
            "mean_change",
            "spread",
            "lowest_change",
            "highest_change",
            "raised",
            "lowered",
            "unchanged",
        ]
    if comparison.by_grade:
        columns += (
            ["等级上升人数", "等级下降人数", "等级不变人数"]
            if zh
            else ["grades_up", "grades_down", "grades_same"]
        )
    if comparison.stars_compared:
        columns += (
            ["星级上升人数", "星级下降人数", "星级不变人数"]
            if zh
            else ["stars_up", "stars_down", "stars_same"]
        )
    rows = []
    for group in _every_group(comparison):
        row = [
            *_group_cells(comparison, group, zh),
            group.count,
            group.rejected,
            group.old.mean,
            group.new.mean,
            group.mean,
            group.spread,
            group.lowest,
            group.highest,
            group.raised,
            group.lowered,
            group.unchanged,
        ]
        if comparison.by_grade:
            row += [group.grades_up, group.grades_down, group.grades_same]
        if comparison.stars_compared:
            row += [group.stars_up, group.stars_down, group.stars_same]
        rows.append(row)
    return columns, rows


def _distribution_sheet(comparison: Comparison, zh: bool) -> tuple[list[str], list[list[Any]]]:
    columns = _group_label(comparison, zh)
    columns += (
        ["类别", "名称", "调整前人数", "调整后人数", "变化"]
        if zh
        else ["kind", "name", "old", "new", "change"]
    )
    rows = []
    for group in _every_group(comparison):
        cells = _group_cells(comparison, group, zh)
        kind = comparison.category_label if zh else ("grade" if comparison.by_grade else "band")
        for name, before, after in comparison.distribution(group):
            rows.append([*cells, kind, name, before, after, after - before])
        if not comparison.by_grade:  # the grades one rubric gives, on their own
            for side, rubric, figures in (
                ("old", comparison.old, group.old),
                ("new", comparison.new, group.new),
            ):
                if rubric.grades is None:
                    continue
                label = f"{SIDE_NAMES[side]}等级" if zh else f"{side} grade"
                for grade in rubric.grades.names:
                    count = figures.grades.get(grade, 0)
                    rows.append(
                        [
                            *cells,
                            label,
                            grade,
                            *((count, None) if side == "old" else (None, count)),
                            None,
                        ]
                    )
    return columns, rows


def _transitions_sheet(comparison: Comparison, zh: bool) -> tuple[list[str], list[list[Any]]]:
    corner = f"调整前{comparison.category_label}＼调整后" if zh else "old \\ new"
    columns = [corner, *comparison.categories]
    rows = [
        [
            before,
            *(comparison.transitions.get((before, after), 0) for after in comparison.categories),
        ]
        for before in comparison.categories
    ]
    return columns, rows


def _items_sheet(comparison: Comparison, zh: bool) -> tuple[list[str], list[list[Any]]]:
    if zh:
        columns = [
            "项目编号",
            "项目",
            "状态",
            "调整前满分",
            "调整后满分",
            "调整前得分合计",
            "调整后得分合计",
            "变化合计",
            "变化人数",
        ]
    else:
        columns = [
            "item",
            "label",
            "status",
            "old_maximum",
            "new_maximum",
            "old_points",
            "new_points",
            "change",
            "changed",
        ]
    rows: list[list[Any]] = [
        [
            i.id,
            i.label,
            item_status_name(i.status) if zh else i.status,
            i.old_maximum,
            i.new_maximum,
            i.old_points,
            i.new_points,
            i.change,
            i.changed,
        ]
        for i in comparison.items
    ]
    beyond = comparison.beyond_items
    for key, name in _BEYOND:
        rows.append([key, name if zh else key, None, None, None, None, None, beyond[key], None])
    return columns, rows


_BEYOND = (
    ("bonus", "加分（项目之外）"),
    ("penalty", "倒扣（计入总分时减去）"),
    ("other", "其他（权重、加分封顶、保底、取整）"),
    ("total", "总分变化合计"),
)


def _fields_sheet(comparison: Comparison, zh: bool) -> tuple[list[str], list[list[Any]]]:
    columns = (
        ["字段", "名称", "读取", "填报条数", "说明"]
        if zh
        else ["field", "label", "read_by", "given", "note"]
    )
    reads = {"old": "仅调整前", "new": "仅调整后", "both": "两者（有差异）"}
    rows = [
        [f.id, f.label, reads[f.read_by] if zh else f.read_by, f.given, f.describe()]
        for f in comparison.fields
    ]
    return columns, rows


def _parameters_sheet(comparison: Comparison, zh: bool) -> tuple[list[str], list[list[Any]]]:
    columns = (
        ["参数", "说明", "调整前取值", "调整后取值", "是否变化"]
        if zh
        else ["parameter", "description", "old", "new", "changed"]
    )
    rows = [
        [p.name, p.description, p.old, p.new, ("是" if p.changed else "否") if zh else p.changed]
        for p in comparison.parameters
    ]
    return columns, rows


def _rejected_sheet(comparison: Comparison, zh: bool) -> tuple[list[str], list[list[Any]]]:
    columns = (
        ["行号", "被考核人员", "细则", "字段", "值", "原因"]
        if zh
        else ["row", "assessee", "rubric", "field", "value", "reason"]
    )
    labels = _labels(comparison)
    rows = []
    for row in comparison.rejected:
        for side, problems in (("old", row.old_problems), ("new", row.new_problems)):
            for problem in problems:
                field, reason = (
                    chinese_problem(problem, labels) if zh else (problem.field, problem.message)
                )
                rows.append(
                    [
                        row.number,
                        row.assessee,
                        SIDE_NAMES[side] if zh else side,
                        field,
                        problem_value(problem.value),
                        reason,
                    ]
                )
    return columns, rows


def _about_sheet(comparison: Comparison, zh: bool) -> tuple[list[str], list[list[Any]]]:
    columns = ["项目", "内容"] if zh else ["what", "value"]
    old, new = comparison.old, comparison.new
    rows: list[list[Any]] = [
        ["调整前细则" if zh else "old", f"{old.title}（{comparison.old_label}）"],
        ["调整后细则" if zh else "new", f"{new.title}（{comparison.new_label}）"],
    ]
    if comparison.source:
        rows.append(["考核数据" if zh else "evidence", comparison.source])
    rows.append(["记录数" if zh else "rows", len(comparison.rows)])
    rows.append(["对比人数" if zh else "compared", len(comparison.compared)])
    rows.append(["未计分行数" if zh else "rejected", len(comparison.rejected)])
    rows.append(
        [
            "分布类别" if zh else "distribution",
            comparison.category_label
            if zh
            else ("grades" if comparison.by_grade else "score bands"),
        ]
    )
    return columns, rows


# -- the page ---------------------------------------------------------------------------------


class Page:
    """What the comparison's page shows, worked out once for its template (``compare.html``)."""

    def __init__(self, comparison: Comparison, title: str, movers: int = DEFAULT_MOVERS) -> None:
        self.comparison = comparison
        self.title = title
        self.gains, self.losses = comparison.movers(movers)
        self.groups = _every_group(comparison)
        self.labels = _labels(comparison)
        overall = comparison.overall
        self.used = [
            c
            for c in comparison.categories
            if overall.old_categories.get(c) or overall.new_categories.get(c)
        ]
        """The grades (or score bands) someone has before or after: the tables' rows."""

    def chart(self) -> str:
        """The distribution before and after as the district report draws it: a bar before and
        a bar after for each group (or for everyone), stacked by grade or score band."""
        comparison = self.comparison
        rows: list[tuple[str, Sequence[int], int]] = []
        for group in comparison.groups if comparison.group_by else [comparison.overall]:
            prefix = f"{group.name} " if comparison.group_by else ""
            counts = comparison.distribution(group)
            rows.append((f"{prefix}调整前", [before for _, before, _ in counts], group.count))
            rows.append((f"{prefix}调整后", [after for _, _, after in counts], group.count))
        label = comparison.category_label
        return bar_chart(f"调整前后{label}分布", f"{label}分布", comparison.categories, rows)

    def reasons(self, row: Compared) -> list[tuple[str, str]]:
        """Each rubric's reasons for not scoring ``row``, in Chinese."""
        found = []
        for side, problems in (("old", row.old_problems), ("new", row.new_problems)):
            if problems:
                found.append(
                    (
                        SIDE_NAMES[side],
                        "；".join(_problem_text(p, self.labels, True) for p in problems),
                    )
                )
        return found

    @staticmethod
    def move(row: Compared) -> str:
        """A grade's move in Chinese (升, 降, 不变), empty when not compared."""
        return "" if row.grade_move is None else MOVE_NAMES[row.grade_move]

    @staticmethod
    def status(row: Compared) -> str:
        return STATUS_NAMES[row.status]

    @staticmethod
    def item_status(status: str) -> str:
        return item_status_name(status)

    @staticmethod
    def signed(value: Decimal | int | None) -> str:
        """A change with its sign (+2, -1.5, 0)."""
        if value is None:
            return ""
        text = fmt(value) if isinstance(value, Decimal) else str(value)
        return f"+{text}" if value > 0 else text


def write_html(
    comparison: Comparison,
    path: Path,
    *,
    title: str | None = None,
    movers: int = DEFAULT_MOVERS,
) -> None:
    """The comparison as one HTML page in Chinese, printable on A4, loading nothing; whole or
    not at all. ``movers`` is how many of the largest gains and of the largest losses it lists.
    """
    write_text(path, page(comparison, title=title, movers=movers))


def page(comparison: Comparison, *, title: str | None = None, movers: int = DEFAULT_MOVERS) -> str:
    """The text of :func:`write_html`'s page."""
    heading = title or "考核细则调整前后对比"
    return render_page("compare.html", page=Page(comparison, heading, movers))
