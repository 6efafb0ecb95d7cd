"""What-if: two rubrics score the same evidence (:func:`gridrules.compare`), and the comparison
written as a table, a workbook or a page.

The public face of ``gridrules.io.whatif`` and ``gridrules.io.changes`` (the figures) and of
``gridrules.io.whatif_report`` (the files); the guide is :doc:`/compare`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .dates.calendars import WorkingCalendar
from .engine.rubric import Rubric
from .io.batch import Layout, Row
from .io.changes import (
    Compared,
    FieldDifference,
    GroupChange,
    ItemChange,
    ParameterChange,
    grade_move,
)
from .io.datafiles import Evidence
from .io.whatif import Comparison, compare_rubrics, read_records, split_params
from .io.whatif_report import write_comparison, write_html, write_table
from .plugins import load

__all__ = [
    "Compared",
    "Comparison",
    "FieldDifference",
    "GroupChange",
    "ItemChange",
    "ParameterChange",
    "compare",
    "grade_move",
    "read_records",
    "split_params",
    "write_comparison",
    "write_html",
    "write_table",
]


def _rubric(given: Rubric | str | os.PathLike[str], side: str) -> Rubric:
    if isinstance(given, Rubric):
        return given
    if isinstance(given, str | os.PathLike):
        return load(given if isinstance(given, str) else Path(given))
    raise TypeError(
        f"{side}: expected a Rubric, an installed rubric's name (NAME or NAME==VERSION) or a "
        f"rubric file's path, got {type(given).__name__}"
    )


def compare(
    old: Rubric | str | os.PathLike[str],
    new: Rubric | str | os.PathLike[str],
    records: Iterable[Mapping[str, Any] | Evidence | Row] | str | os.PathLike[str],
    *,
    params: Mapping[str, object] | None = None,
    old_params: Mapping[str, object] | None = None,
    new_params: Mapping[str, object] | None = None,
    id: str | None = None,
    keep: str | Sequence[str] = (),
    group_by: str | Sequence[str] = (),
    period: object = None,
    calendar: WorkingCalendar | None = None,
) -> Comparison:
    """Score the same ``records`` with ``old`` (the rubric in force) and ``new`` (a draft) and
    compare: per assessee both totals, the change, both grades, both star counts; per group
    and overall the mean and spread of the change and who moved up or down a grade; per item
    the change in all; the fields one rubric reads and the other does not, listed once.

    ``old`` and ``new`` are each a :class:`~gridrules.Rubric`, an installed rubric's name
    (``"jiangcheng"``, or ``"jiangcheng==1.0.0"`` to pin its version, see
    :func:`~gridrules.load`) or a rubric file's path.

    ``records`` are mappings of evidence by field id, :class:`~gridrules.Evidence` read from
    files, or the path of a table (CSV, JSON lines or Excel) read as ``gridrules batch`` reads
    one: columns by field id or Chinese label of either rubric. The assessee is found by the
    usual names (``assessee``, ``id``, 被考核人员, 姓名, 被考核人), of a mapping's keys or a
    table's columns, or named by ``id``; the keys (or columns) ``keep`` are carried along, and
    ``group_by`` (kept too) groups the figures.

    ``params`` fill the parameters of both rubrics (each takes the names it declares; a name
    neither declares is an error); ``old_params`` and ``new_params`` fill one side each, over
    ``params`` name by name. ``period`` (``"2026-10"``) is the period of records that name none,
    for quotas per working day, counted on ``calendar`` (China's official one by default).

    Each side scores through :meth:`Scorer.results <gridrules.Scorer.results>`, a chunk of
    records at a time; a record a rubric rejects stays in the comparison, with its reasons.

    >>> import gridrules as gr
    >>> old = gr.Rubric(name="demo", title="示例", maximum=10, children=[
    ...     gr.Item("meetings", "会议情况", 10, clause="缺勤一次扣1分",
    ...             rules=[gr.PerOccurrence("missed_meetings", 1)])])
    >>> new = gr.Rubric(name="demo", title="示例（修订稿）", version="2.0", maximum=10, children=[
    ...     gr.Item("meetings", "会议情况", 10, clause="缺勤一次扣2分",
    ...             rules=[gr.PerOccurrence("missed_meetings", 2)])])
    >>> comparison = gr.compare(old, new, [
    ...     {"name": "王芳", "missed_meetings": 1}, {"name": "李强", "missed_meetings": 3}],
    ...     id="name")
    >>> [(r.assessee, str(r.old.total), str(r.new.total), str(r.change)) for r in comparison.rows]
    [('王芳', '9', '8', '-1'), ('李强', '7', '4', '-3')]
    >>> print(comparison.overall.mean, comparison.items[0].change)
    -2.00 -4

    :raises PluginError: a rubric is not installed, or not of the version pinned.
    :raises ParameterError: the parameters do not fit a rubric (the message says which side).
    :raises DataFileError: the table cannot be read, or a column is no field of either rubric.
    """
    before, after = _rubric(old, "old"), _rubric(new, "new")
    keep = (keep,) if isinstance(keep, str) else tuple(keep)
    group_by = (group_by,) if isinstance(group_by, str) else tuple(group_by)
    source = None
    if isinstance(records, str | os.PathLike):
        source = Path(records)
        layout = Layout(
            assessee=id,
            keep=(*keep, *(g for g in group_by if g not in keep)),
            default_period=None if period is None else str(period),
        )
        records = read_records(before, after, source, layout)
    return compare_rubrics(
        before,
        after,
        records,
        params=params,
        old_params=old_params,
        new_params=new_params,
        id=id,
        keep=keep,
        group_by=group_by,
        period=period,
        calendar=calendar,
        source=source,
    )
