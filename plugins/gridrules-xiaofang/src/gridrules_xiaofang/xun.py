"""The 旬 the per-旬 rule counts: 每旬未完成检查任务的,一旬扣5分,共15分.

(三角从1月1日开始,其他镇区从3月5日开始)

The rubric reads one count, ``missed_xun``: the 旬 of the assessment period whose inspection task
was not completed. Which 旬 count depends on the town's start date, the rubric parameter
``xun_start_mmdd`` (month and day written as the number MMDD: 101 for 1 January in 三角, 305 for
5 March in the other towns). These helpers turn a start date and an assessment period into the 旬
in scope, and count the missed ones::

    >>> from gridrules_xiaofang import count_missed_xun, xun_scope
    >>> [str(p) for p in xun_scope("2026-Q1", 305)]
    ['2026-03-05..2026-03-10', '2026-03-X2', '2026-03-X3']
    >>> count_missed_xun("2026-Q1", ["2026-03-X1", "2026-03-X3"], 305)
    1

The start date is taken in the year the assessment period starts (assumption A5-xun), or given as
a full :class:`~datetime.date`. The 旬 holding the start date counts, cut to the days from the
start (5-10 March is one 旬); 旬 before it are out of scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from gridrules.periods import Period, PeriodError, PeriodKind

__all__ = [
    "OTHER_TOWNS_START",
    "SANJIAO_START",
    "count_missed_xun",
    "start_date",
    "start_for_town",
    "xun_scope",
]

SANJIAO_START = 101
"""三角从1月1日开始: the start of 三角 as MMDD."""

OTHER_TOWNS_START = 305
"""其他镇区从3月5日开始: the start of every other town as MMDD (the parameter's default)."""

Start = int | Decimal | date


def start_for_town(town: str) -> int:
    """The start (MMDD) of ``town``: 101 for 三角 (三角镇), 305 for any other town."""
    name = town.strip()
    return SANJIAO_START if name in ("三角", "三角镇") else OTHER_TOWNS_START


def start_date(start: Start, year: int) -> date:
    """The start date in ``year``: ``start`` is MMDD (305 is 5 March) or already a date.

    :raises PeriodError: when MMDD is not a whole number naming a day of ``year`` (230, 1301, 0).
    """
    if isinstance(start, date):
        return start
    if isinstance(start, bool) or not isinstance(start, int | Decimal):
        raise PeriodError(f"start must be MMDD (e.g. 305 for 5 March) or a date, got {start!r}")
    if start != int(start):
        raise PeriodError(f"start MMDD must be a whole number, got {start}")
    month, day = divmod(int(start), 100)
    try:
        return date(year, month, day)
    except ValueError:
        raise PeriodError(
            f"start {start} is not a month and day (MMDD: 101 is 1 January, 305 is 5 March) "
            f"in {year}"
        ) from None


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def xun_scope(period: Period | str, start: Start = OTHER_TOWNS_START) -> tuple[Period, ...]:
    """The 旬 of ``period`` from the start date on, in order, each clipped to both.

    A 旬 wholly in scope keeps its kind (``2026-03-X2``); the one holding the start date, or one
    cut by the period's edge, is a window of the days in scope (``2026-03-05..2026-03-10``).
    Returns ``()`` when the period ends before the start date.
    """
    period = _period(period)
    first = start_date(start, period.start.year)
    if period.end < first:
        return ()
    if period.start < first:
        period = Period.window(first, period.end)
    return period.xuns()


def count_missed_xun(
    period: Period | str,
    completed: Iterable[Period | str],
    start: Start = OTHER_TOWNS_START,
) -> int:
    """How many 旬 in scope have no completed inspection task: the value of ``missed_xun``.

    ``completed`` names whole 旬 (``"2026-03-X1"``); the partial 旬 at the start date is matched by
    the whole 旬 that holds it. Completed 旬 outside the scope are ignored.

    :raises PeriodError: when an entry of ``completed`` is not a 旬.
    """
    done = set()
    for entry in completed:
        xun = _period(entry)
        if xun.kind is not PeriodKind.XUN:
            raise PeriodError(f"completed 旬 must be written like 2026-03-X1, got {entry!r}")
        done.add(xun)
    return sum(
        1 for part in xun_scope(period, start) if Period.containing(part.start, "xun") not in done
    )
