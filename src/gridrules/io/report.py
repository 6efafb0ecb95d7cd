"""A district's summary from score files: groups, ranking, grades, trends, who fell short.

``gridrules report`` reads one or more score files written by ``gridrules batch`` (CSV, JSON
lines or Excel; Chinese or id headers; several street offices, several months) and writes:

- per period and group (社区): count, mean, lowest and highest total, and each grade's count;
- the grade distribution as a chart drawn into the page (SVG; the score bands 90 and above,
  80-89, ... when the rubric grades no one);
- the ranking within each group, ties ranked alike (1, 2, 2, 4);
- where several periods are given, each group's mean period by period with its change;
- the workers below a threshold.

As HTML printable on A4 (the page loads nothing: styles and chart are in it) or as a workbook of
the same tables. The page is made from a Jinja2 template (the ``report`` extra).
"""

from __future__ import annotations

import importlib
import importlib.resources
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..dates.periods import Period, PeriodError
from ..errors import DataFileError, brief
from ..model.numbers import fmt, to_figure
from .files import AtomicFile, write_error, write_text
from .headers import FIXED_HEADERS, RESULT_HEADERS
from .standings import SCORE_BANDS, GroupFigures, figures_by, ranks_within, score_band
from .tables import open_reader, optional_module

__all__ = ["DEFAULT_THRESHOLD", "Entry", "Report", "bar_chart", "read_scores", "render_page"]

DEFAULT_THRESHOLD = Decimal(60)
"""Workers whose total is below this are listed (``--below``)."""

_NAMES = {
    "assessee": ("assessee", FIXED_HEADERS["assessee"]),
    "period": ("period", FIXED_HEADERS["period"]),
    "total": ("total", RESULT_HEADERS["total"]),
    "grade": ("grade", RESULT_HEADERS["grade"]),
    "stars": ("stars", RESULT_HEADERS["stars"]),
}
_PALETTE = ("#2e7d32", "#66bb6a", "#fbc02d", "#fb8c00", "#e53935", "#8e24aa", "#546e7a")


class Entry:
    """One assessee's result as read from a score file."""

    __slots__ = ("assessee", "grade", "group", "period", "rank", "source", "stars", "total")

    def __init__(
        self,
        assessee: str,
        total: Decimal,
        grade: str | None,
        stars: int | None,
        period: str,
        group: tuple[str, ...],
        source: str,
    ) -> None:
        self.assessee = assessee
        self.total = total
        self.grade = grade
        self.stars = stars
        self.period = period
        self.group = group
        self.source = source
        self.rank = 0

    @property
    def group_name(self) -> str:
        return " / ".join(self.group) or "全部"


def _column(columns: Sequence[str], role: str, path: Path, required: bool) -> str | None:
    for name in _NAMES[role]:
        if name in columns:
            return name
    if required:
        raise DataFileError(
            f"{path}: no {' or '.join(_NAMES[role])} column; expected a score file written by "
            "gridrules batch"
        )
    return None


def read_scores(paths: Sequence[Path], group_by: Sequence[str]) -> list[Entry]:
    """Every assessee of the score files, with the period (the file's period column, else the
    file's name) and the group (the ``group_by`` columns' cells).

    :raises DataFileError: a file is not a score file, lacks a group-by column, or holds a
        total that is not a number.
    """
    entries: list[Entry] = []
    for path in paths:
        with open_reader(path) as reader:
            columns = reader.columns
            if not columns:  # JSON lines name their columns per row: read the first
                records = list(reader)
                columns = tuple(records[0].cells) if records else ()
            else:
                records = None
            names = {
                role: _column(columns, role, path, role in ("assessee", "total")) for role in _NAMES
            }
            missing = [g for g in group_by if g not in columns]
            if missing:
                raise DataFileError(
                    f"{path}: no column {', '.join(map(repr, missing))} to group by (columns: "
                    f"{', '.join(c for c in columns if c)})"
                )
            for record in records if records is not None else reader:
                if record.problem is not None:
                    raise DataFileError(f"{path}, row {record.number}: {record.problem}")
                cells = record.cells
                entries.append(_entry(cells, names, group_by, path, record.number))
    return entries


def _entry(
    cells: Mapping[str, Any],
    names: Mapping[str, str | None],
    group_by: Sequence[str],
    path: Path,
    number: int,
) -> Entry:
    def cell(role: str) -> Any:
        name = names[role]
        return None if name is None else cells.get(name)

    raw = cell("total")
    try:
        total = to_figure(raw, f"{path}, row {number}: the total {brief(raw)}")
    except TypeError:
        raise DataFileError(
            f"{path}, row {number}: the total {brief(raw)} is not a number"
        ) from None
    except ValueError as error:
        raise DataFileError(str(error)) from None
    stars = cell("stars")
    period = cell("period")
    return Entry(
        str(cell("assessee") or ""),
        total,
        str(cell("grade")) if cell("grade") not in (None, "") else None,
        int(stars) if stars not in (None, "") else None,
        str(period).strip() if period not in (None, "") else path.stem,
        tuple(str(cells.get(g) or "") for g in group_by),
        path.name,
    )


def _period_key(text: str) -> tuple[int, str]:
    try:
        return 0, Period.parse(text).start.isoformat()
    except (PeriodError, ValueError):
        return 1, text


class Report:
    """The figures of a report, worked out once, for the HTML page and the workbook alike."""

    def __init__(
        self,
        entries: Sequence[Entry],
        *,
        title: str,
        group_by: Sequence[str] = (),
        threshold: Decimal = DEFAULT_THRESHOLD,
    ) -> None:
        if not entries:
            raise DataFileError("the score files hold no scored row to report on")
        self.title = title
        self.group_by = tuple(group_by)
        self.threshold = threshold
        self.periods = sorted(dict.fromkeys(e.period for e in entries), key=_period_key)
        self.latest = self.periods[-1]
        # grades when every result has one, best first (by the mean total of each grade);
        # else score bands
        self.by_grade = all(e.grade is not None for e in entries)
        if self.by_grade:
            by_grade = figures_by((e.grade, e.total, None, None) for e in entries)
            self.categories: list[str] = [
                g for g in sorted(by_grade, key=lambda g: -(by_grade[g].mean or 0)) if g is not None
            ]
        else:
            self.categories = list(SCORE_BANDS)
        self.category_label = "等级" if self.by_grade else "分数段"
        self.with_stars = any(e.stars is not None for e in entries)
        self.groups = sorted(dict.fromkeys(e.group for e in entries))
        # ranks within each group of each period, ties alike
        ranks = ranks_within([e.total for e in entries], [(e.period, e.group) for e in entries])
        for entry, rank in zip(entries, ranks, strict=True):
            entry.rank = rank
        self.entries = list(entries)
        self.figures: dict[str, dict[tuple[str, ...], GroupFigures]] = {
            period: figures_by(
                (e.group, e.total, self._category(e), e.stars)
                for e in entries
                if e.period == period
            )
            for period in self.periods
        }

    def _category(self, entry: Entry) -> str:
        return entry.grade if self.by_grade and entry.grade is not None else score_band(entry.total)

    # -- tables ------------------------------------------------------------------------------

    def group_rows(self, period: str) -> list[dict[str, Any]]:
        """Each group's figures in ``period``, then the total."""
        figures = self.figures[period]
        overall = GroupFigures()
        rows = []
        for group in self.groups:
            found = figures.get(group)
            if found is None:
                continue
            overall.merge(found)
            rows.append(self._figure_row(" / ".join(group) or "全部", found))
        if len(rows) != 1 or self.group_by:
            rows.append(self._figure_row("合计", overall))
        return rows

    def _figure_row(self, name: str, group: GroupFigures) -> dict[str, Any]:
        return {
            "name": name,
            "count": group.count,
            "mean": group.mean,
            "lowest": group.lowest,
            "highest": group.highest,
            "categories": [group.grades.get(c, 0) for c in self.categories],
            "shares": [group.share(group.grades.get(c, 0)) for c in self.categories],
        }

    def ranking(self, period: str) -> list[tuple[str, list[Entry]]]:
        """Each group's assessees in ``period``, best first (input order among equals)."""
        out = []
        for group in self.groups:
            members = [e for e in self.entries if e.period == period and e.group == group]
            if members:
                members.sort(key=lambda e: e.rank)
                out.append((" / ".join(group) or "全部", members))
        return out

    def trend(self) -> list[dict[str, Any]]:
        """Each group's mean in every period, with the change from the period before."""
        rows = []
        for group in self.groups:
            means: list[Decimal | None] = []
            for period in self.periods:
                found = self.figures[period].get(group)
                means.append(found.mean if found is not None else None)
            changes: list[Decimal | None] = [None]
            for before, after in itertools.pairwise(means):
                changes.append(None if before is None or after is None else after - before)
            rows.append({"name": " / ".join(group) or "全部", "means": means, "changes": changes})
        return rows

    def below(self) -> list[Entry]:
        """Every assessee under the threshold, by period, lowest first."""
        found = [e for e in self.entries if e.total < self.threshold]
        order = {p: i for i, p in enumerate(self.periods)}
        return sorted(found, key=lambda e: (order[e.period], e.total, e.group))

    # -- the chart -----------------------------------------------------------------------------

    def chart(self, period: str) -> str:
        """The distribution in ``period`` as an SVG bar chart: a bar per group, stacked by
        grade (or score band), with a legend; drawn in the page, nothing loaded."""
        rows = [r for r in self.group_rows(period) if r["name"] != "合计"] or self.group_rows(
            period
        )
        return bar_chart(
            f"{period} {self.category_label}分布",
            f"{self.category_label}分布",
            self.categories,
            [(r["name"], r["categories"], r["count"]) for r in rows],
        )

    # -- outputs -------------------------------------------------------------------------------

    def html(self) -> str:
        """The report as one HTML page, printable on A4."""
        return render_page("report.html", report=self)

    def write_html(self, path: Path) -> None:
        """Write :meth:`html` to ``path``, whole or not at all."""
        write_text(path, self.html())

    def write_xlsx(self, path: Path) -> None:
        """The same tables as a workbook: 汇总, 排名, 环比 (several periods), 低分人员."""
        xlsxwriter = optional_module("xlsxwriter", "xlsx", "the report's workbook")
        with AtomicFile(path) as atomic:
            book = xlsxwriter.Workbook(str(atomic.name), {"strings_to_formulas": False})
            bold = book.add_format({"bold": True})
            head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
            summary = book.add_worksheet("汇总")
            row = 0
            summary.write_string(row, 0, self.title, bold)
            row += 2
            for period in self.periods:
                summary.write_string(row, 0, f"{period}", bold)
                row += 1
                columns = [
                    "分组",
                    "人数",
                    "平均分",
                    "最低分",
                    "最高分",
                    *[f"{c}人数" for c in self.categories],
                    *[f"{c}占比(%)" for c in self.categories],
                ]
                summary.write_row(row, 0, columns, head)
                row += 1
                for figures in self.group_rows(period):
                    values = [
                        figures["name"],
                        figures["count"],
                        figures["mean"],
                        figures["lowest"],
                        figures["highest"],
                        *figures["categories"],
                        *figures["shares"],
                    ]
                    _write_row(summary, row, values)
                    row += 1
                row += 1
            summary.set_column(0, 0, 18)
            summary.set_column(1, 4 + 2 * len(self.categories), 11)
            ranking = book.add_worksheet("排名")
            ranking.write_row(
                0, 0, ["考核时间", "分组", "名次", "被考核人员", "总分", "等级"], head
            )
            row = 1
            for period in self.periods:
                for group, members in self.ranking(period):
                    for entry in members:
                        _write_row(
                            ranking,
                            row,
                            [period, group, entry.rank, entry.assessee, entry.total, entry.grade],
                        )
                        row += 1
            ranking.freeze_panes(1, 0)
            ranking.autofilter(0, 0, max(row - 1, 1), 5)
            ranking.set_column(0, 1, 14)
            ranking.set_column(3, 3, 24)
            if len(self.periods) > 1:
                trend = book.add_worksheet("环比")
                columns = ["分组", *self.periods, *[f"{p}变化" for p in self.periods[1:]]]
                trend.write_row(0, 0, columns, head)
                for number, line in enumerate(self.trend(), 1):
                    _write_row(trend, number, [line["name"], *line["means"], *line["changes"][1:]])
                trend.set_column(0, len(columns), 14)
            low = book.add_worksheet("低分人员")  # below the threshold
            low.write_row(0, 0, ["考核时间", "分组", "被考核人员", "总分", "等级"], head)
            for number, entry in enumerate(self.below(), 1):
                _write_row(
                    low,
                    number,
                    [entry.period, entry.group_name, entry.assessee, entry.total, entry.grade],
                )
            low.set_column(0, 2, 18)
            try:
                book.close()
            except OSError as error:
                raise write_error(path, error) from None
            atomic.commit()


def bar_chart(
    title: str,
    label: str,
    categories: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int], int]],
) -> str:
    """A horizontal bar chart in SVG, drawn into a page (nothing loaded): a bar for each of
    ``rows`` (its name, its count in each of ``categories``, its count in all), stacked by
    category in the palette's colours, with a legend and an axis of counts.

    The street office's report draws a bar per group, the comparison of two rubrics a bar per
    group before and after.
    """
    width, bar_h, gap, left, top = 660, 22, 10, 150, 34
    height = top + len(rows) * (bar_h + gap) + 40
    most = max((count for _, _, count in rows), default=1) or 1
    scale = (width - left - 60) / most
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{_x(label)}">',
        f"<title>{_x(title)}</title>",
    ]
    x: float = left
    for index, category in enumerate(categories):  # the legend
        colour = _PALETTE[index % len(_PALETTE)]
        out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="16" font-size="11">{_x(category)}</text>')
        x += 28 + 12 * len(category)
    for row_index, (name, counts, total) in enumerate(rows):
        y = top + row_index * (bar_h + gap)
        out.append(
            f'<text x="{left - 8}" y="{y + bar_h - 6}" font-size="12" '
            f'text-anchor="end">{_x(name)}</text>'
        )
        x = float(left)
        for index, count in enumerate(counts):
            if not count:
                continue
            w = count * scale
            colour = _PALETTE[index % len(_PALETTE)]
            out.append(
                f'<rect class="bar" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{colour}"><title>{_x(name)} {_x(categories[index])}：'
                f"{count}人</title></rect>"
            )
            if w >= 16:
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_h - 6}" font-size="11" '
                    f'fill="#fff" text-anchor="middle">{count}</text>'
                )
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + bar_h - 6}" font-size="11">{total}人</text>')
    axis_y = top + len(rows) * (bar_h + gap)
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - 40}" y2="{axis_y}" stroke="#999"/>')
    for tick in _ticks(most):
        tx = left + tick * scale
        out.append(
            f'<text x="{tx:.1f}" y="{axis_y + 14}" font-size="10" '
            f'text-anchor="middle">{tick}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def render_page(template: str, **context: Any) -> str:
    """The page a template of ``gridrules/io/templates`` makes (Jinja2, the ``report`` extra):
    autoescaped, an undefined name an error, with the filters ``num`` (a number as
    :func:`~gridrules.model.numbers.fmt` prints it) and ``change`` (↑ 2, ↓ 1.5, 持平); a
    template may include another (the A4 page's styles, ``page.css``)."""
    jinja2 = optional_module("jinja2", "report", "the report's page")
    folder = importlib.resources.files("gridrules.io").joinpath("templates")

    def source(name: str) -> str:
        return folder.joinpath(name).read_text(encoding="utf-8")

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(source),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = _num
    env.filters["change"] = _change
    return str(env.get_template(template).render(**context))


def _write_row(sheet: Any, row: int, values: Iterable[Any]) -> None:
    """Text as text (never a formula), numbers as numbers, None as an empty cell."""
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            sheet.write_number(row, col, float(value))
        else:
            sheet.write_string(row, col, str(value))


def _x(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


def _ticks(most: int) -> list[int]:
    step = max(1, 10 ** int(math.log10(most)) if most >= 10 else 1)
    while most / step > 8:
        step *= 2
    return list(range(0, most + 1, step))


def _num(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return fmt(value) if isinstance(value, Decimal) else str(value)


def _change(value: Decimal | None) -> str:
    if value is None:
        return ""
    if value > 0:
        return f"↑ {fmt(value)}"
    if value < 0:
        return f"↓ {fmt(-value)}"
    return "持平"
