"""Assessment periods: month, 旬, ISO week, quarter, half-year, year and custom windows.

Every period is a closed range of calendar days (``start`` and ``end`` both included) with a kind
and a canonical text form that :meth:`Period.parse` reads back:

=============  ==========================  =================================================
kind           text                        days
=============  ==========================  =================================================
year           ``2026``                    1 January to 31 December
half-year      ``2026-H1``, ``2026-H2``    January-June, July-December
quarter        ``2026-Q3``                 Q1 January-March ... Q4 October-December
month          ``2026-10``                 the calendar month
xun (旬)       ``2026-10-X1`` ... ``X3``   X1 days 1-10, X2 days 11-20, X3 day 21 to month end
week           ``2026-W41``                ISO 8601 week, Monday to Sunday, ISO week-year
window         ``2026-03-05..2026-12-31``  any range of days, both ends included
=============  ==========================  =================================================

旬 are written ``X1``/``X2``/``X3`` (for *xun*) so the text stays ASCII: 上旬 is ``X1``,
中旬 is ``X2`` and 下旬 is ``X3``; 下旬 runs from day 21 to the month's last day, so it has 8 to 11
days.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import ClassVar

import attrs
import pendulum

from ..errors import GridrulesError, brief

__all__ = ["Period", "PeriodError", "PeriodKind"]

_ONE_DAY = timedelta(days=1)


class PeriodError(GridrulesError, ValueError):
    """A period cannot be read or built: names the text or dates and the accepted forms."""


class PeriodKind(enum.Enum):
    """What a period is: a named calendar unit, or a custom window of days."""

    YEAR = "year"
    HALF_YEAR = "half-year"
    QUARTER = "quarter"
    MONTH = "month"
    XUN = "xun"
    WEEK = "week"
    WINDOW = "window"

    @classmethod
    def coerce(cls, value: PeriodKind | str) -> PeriodKind:
        """Return ``value`` as a kind; strings are the kind's value (``"month"``, ``"xun"``, ...).

        :raises PeriodError: naming the value and the kinds there are.
        """
        if isinstance(value, PeriodKind):
            return value
        try:
            return cls(value)
        except ValueError:
            known = ", ".join(repr(k.value) for k in cls)
            raise PeriodError(f"unknown period kind {value!r}; expected one of {known}") from None


ACCEPTED_FORMS = (
    "2026 (year), 2026-H1 or 2026-H2 (half-year), 2026-Q1 to 2026-Q4 (quarter), "
    "2026-10 (month), 2026-10-X1, 2026-10-X2 or 2026-10-X3 (xun, ten-day period: X1 = days 1-10, "
    "X2 = days 11-20, X3 = day 21 to month end), 2026-W41 (ISO week), "
    "the same in Chinese (2026年, 2026年上半年, 2026年第三季度, 2026年10月, 2026年10月上旬, "
    "2026年第41周), "
    "2026-03-05..2026-12-31 (window of days, both ends included)"
)

_CHINESE_NUMBERS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_CHINESE: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"(?P<y>\d{4})年度?"), lambda m: m["y"]),
    (
        re.compile(r"(?P<y>\d{4})年?(?P<h>[上下])半年度?"),
        lambda m: f"{m['y']}-H{1 if m['h'] == '上' else 2}",
    ),
    (
        re.compile(r"(?P<y>\d{4})年?第?(?P<q>[一二三四1-4])季度"),
        lambda m: f"{m['y']}-Q{_CHINESE_NUMBERS.get(m['q'], m['q'])}",
    ),
    (re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月份?"), lambda m: f"{m['y']}-{int(m['m']):02d}"),
    (
        re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<x>[上中下])旬"),
        lambda m: f"{m['y']}-{int(m['m']):02d}-X{'上中下'.index(m['x']) + 1}",
    ),
    (re.compile(r"(?P<y>\d{4})年第(?P<w>\d{1,2})周"), lambda m: f"{m['y']}-W{int(m['w']):02d}"),
)
"""Periods as a street office writes them (2026年上半年, 2026年第三季度, 2026年10月上旬), each
with the form :meth:`Period.parse` reads it as."""

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    (PeriodKind.YEAR, re.compile(r"(?P<year>\d{4})")),
    (PeriodKind.HALF_YEAR, re.compile(r"(?P<year>\d{4})-H(?P<n>\d)", re.IGNORECASE)),
    (PeriodKind.QUARTER, re.compile(r"(?P<year>\d{4})-Q(?P<n>\d)", re.IGNORECASE)),
    (PeriodKind.MONTH, re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")),
    (PeriodKind.XUN, re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-X(?P<n>\d)", re.IGNORECASE)),
    (PeriodKind.WEEK, re.compile(r"(?P<year>\d{4})-W(?P<n>\d{2})", re.IGNORECASE)),
    (
        PeriodKind.WINDOW,
        re.compile(r"(?P<start>\d{4}-\d{2}-\d{2})\s*\.\.\s*(?P<end>\d{4}-\d{2}-\d{2})"),
    ),
)


def as_date(value: object, what: str = "date") -> date:
    """Return ``value`` as a plain :class:`datetime.date` (a pendulum ``Date`` is accepted).

    A ``datetime`` is refused rather than truncated: which day an instant falls on depends on the
    timezone, and that choice belongs to the caller.

    :raises TypeError: when ``value`` is not a date.
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what}: expected a date, got {type(value).__name__} {value!r}")
    if type(value) is date:
        return value
    return date(value.year, value.month, value.day)


def _month_end(year: int, month: int) -> date:
    return date(year, month, pendulum.date(year, month, 1).days_in_month)


def _xun_bounds(year: int, month: int, n: int) -> tuple[date, date]:
    if n == 1:
        return date(year, month, 1), date(year, month, 10)
    if n == 2:
        return date(year, month, 11), date(year, month, 20)
    return date(year, month, 21), _month_end(year, month)


def _check_year(year: int) -> None:
    if not 1 <= year <= 9999:
        raise PeriodError(f"year {year} is outside 1-9999")


def _canonical_text(kind: PeriodKind, start: date, end: date) -> str:
    if kind is PeriodKind.YEAR:
        return f"{start.year:04d}"
    if kind is PeriodKind.HALF_YEAR:
        return f"{start.year:04d}-H{1 if start.month <= 6 else 2}"
    if kind is PeriodKind.QUARTER:
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    if kind is PeriodKind.MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    if kind is PeriodKind.XUN:
        return f"{start.year:04d}-{start.month:02d}-X{min(start.day // 10 + 1, 3)}"
    if kind is PeriodKind.WEEK:
        iso_year, week, _ = start.isocalendar()
        return f"{iso_year:04d}-W{week:02d}"
    return f"{start.isoformat()}..{end.isoformat()}"


def _containing_bounds(day: date, kind: PeriodKind) -> tuple[date, date]:
    y, m = day.year, day.month
    if kind is PeriodKind.YEAR:
        return date(y, 1, 1), date(y, 12, 31)
    if kind is PeriodKind.HALF_YEAR:
        return (date(y, 1, 1), date(y, 6, 30)) if m <= 6 else (date(y, 7, 1), date(y, 12, 31))
    if kind is PeriodKind.QUARTER:
        first = 3 * ((m - 1) // 3) + 1
        return date(y, first, 1), _month_end(y, first + 2)
    if kind is PeriodKind.MONTH:
        return date(y, m, 1), _month_end(y, m)
    if kind is PeriodKind.XUN:
        return _xun_bounds(y, m, min((day.day - 1) // 10 + 1, 3))
    if kind is PeriodKind.WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    raise PeriodError(
        "a window has no 'containing' period: build it with Period.window(start, end)"
    )


def _start_date(value: object) -> date:
    return as_date(value, "period start")


def _end_date(value: object) -> date:
    return as_date(value, "period end")


def _kind(value: PeriodKind | str) -> PeriodKind:
    return PeriodKind.coerce(value)


def _default_label(instance: Period) -> str:
    return _canonical_text(instance.kind, instance.start, instance.end)


def _check_label(instance: Period, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise PeriodError(f"period {instance}: label must be non-empty text, got {value!r}")


@attrs.frozen(order=False)
class Period:
    """A closed range of days with a kind: the unit a rule is assessed over (考核周期).

    Build one with :meth:`parse` or a named constructor (:meth:`month`, :meth:`xun`, :meth:`week`,
    :meth:`quarter`, :meth:`half_year`, :meth:`year`, :meth:`window`, :meth:`containing`); building
    one from ``start``, ``end`` and ``kind`` directly checks that the days really are that kind of
    period (a ``MONTH`` must start on the 1st and end on the month's last day).

    ``label`` is for display only (``"三角镇 2026"``) and defaults to the canonical text; two
    periods with the same days and kind are equal whatever their labels. ``str(period)`` is
    always the canonical text, so ``Period.parse(str(p)) == p``.

    :param start: first day, included.
    :param end: last day, included.
    :param kind: the kind of period.
    :param label: a display name; defaults to the canonical text.
    """

    start: date = attrs.field(converter=_start_date)
    end: date = attrs.field(converter=_end_date)
    kind: PeriodKind = attrs.field(default=PeriodKind.WINDOW, converter=_kind)
    label: str = attrs.field(
        default=attrs.Factory(_default_label, takes_self=True),
        eq=False,
        validator=_check_label,
    )

    accepted_forms: ClassVar[str] = ACCEPTED_FORMS

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(
                f"a period cannot end ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()})"
            )
        if self.kind is not PeriodKind.WINDOW:
            expected = _containing_bounds(self.start, self.kind)
            if expected != (self.start, self.end):
                raise PeriodError(
                    f"{self.start.isoformat()}..{self.end.isoformat()} is not a {self.kind.value}; "
                    f"the {self.kind.value} starting then runs "
                    f"{expected[0].isoformat()}..{expected[1].isoformat()}"
                )

    def __str__(self) -> str:
        return _canonical_text(self.kind, self.start, self.end)

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period from its text form (see the module table); the inverse of ``str()``.

        >>> p = Period.parse("2026-10-X3")
        >>> p.start.isoformat(), p.end.isoformat(), p.kind.value
        ('2026-10-21', '2026-10-31', 'xun')

        :raises PeriodError: naming the text and listing the accepted forms.
        """
        if not isinstance(text, str):
            raise PeriodError(f"expected period text, got {type(text).__name__} {brief(text)}")
        stripped = text.strip()
        for chinese, canonical in _CHINESE:
            written = chinese.fullmatch(stripped)
            if written is not None:
                stripped = canonical(written)
                break
        for kind, pattern in _PATTERNS:
            match = pattern.fullmatch(stripped)
            if match is None:
                continue
            try:
                return cls._from_match(kind, match)
            except PeriodError as exc:
                raise PeriodError(
                    f"cannot read {brief(text)} as a period: {exc}; "
                    f"accepted forms: {ACCEPTED_FORMS}"
                ) from None
        raise PeriodError(
            f"cannot read {brief(text)} as a period; accepted forms: {ACCEPTED_FORMS}"
        )

    @classmethod
    def _from_match(cls, kind: PeriodKind, match: re.Match[str]) -> Period:
        groups = match.groupdict()
        if kind is PeriodKind.WINDOW:
            try:
                start = date.fromisoformat(groups["start"])
                end = date.fromisoformat(groups["end"])
            except ValueError as exc:
                raise PeriodError(f"invalid date ({exc})") from None
            return cls.window(start, end)
        year = int(groups["year"])
        if kind is PeriodKind.YEAR:
            return cls.year(year)
        if kind is PeriodKind.HALF_YEAR:
            return cls.half_year(year, int(groups["n"]))
        if kind is PeriodKind.QUARTER:
            return cls.quarter(year, int(groups["n"]))
        if kind is PeriodKind.MONTH:
            return cls.month(year, int(groups["month"]))
        if kind is PeriodKind.XUN:
            return cls.xun(year, int(groups["month"]), int(groups["n"]))
        return cls.week(year, int(groups["n"]))

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year ``year`` (``2026``)."""
        _check_year(year)
        return cls(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR)

    @classmethod
    def half_year(cls, year: int, half: int) -> Period:
        """半年: half 1 is January-June (``2026-H1``), half 2 July-December (``2026-H2``)."""
        _check_year(year)
        if half not in (1, 2):
            raise PeriodError(f"half-year must be 1 or 2, got {half!r}")
        return cls.containing(date(year, 6 * half, 1), PeriodKind.HALF_YEAR)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """季度: quarter 1-4 of ``year`` (``2026-Q3`` is July-September)."""
        _check_year(year)
        if quarter not in (1, 2, 3, 4):
            raise PeriodError(f"quarter must be 1 to 4, got {quarter!r}")
        return cls.containing(date(year, 3 * quarter, 1), PeriodKind.QUARTER)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month (``2026-10``)."""
        _check_year(year)
        if not 1 <= month <= 12:
            raise PeriodError(f"month must be 1 to 12, got {month!r}")
        return cls(date(year, month, 1), _month_end(year, month), PeriodKind.MONTH)

    @classmethod
    def xun(cls, year: int, month: int, part: int) -> Period:
        """旬 (ten-day period): part 1 is days 1-10, 2 is days 11-20, 3 is day 21 to month end."""
        _check_year(year)
        if not 1 <= month <= 12:
            raise PeriodError(f"month must be 1 to 12, got {month!r}")
        if part not in (1, 2, 3):
            raise PeriodError(
                f"xun must be X1 (days 1-10), X2 (days 11-20) or X3 (day 21 to month end), "
                f"got X{part}"
            )
        start, end = _xun_bounds(year, month, part)
        return cls(start, end, PeriodKind.XUN)

    @classmethod
    def week(cls, iso_year: int, week: int) -> Period:
        """ISO 8601 week ``week`` of ISO week-year ``iso_year``, Monday to Sunday (``2026-W41``).

        ISO week 1 is the week holding the year's first Thursday, so ``2026-W01`` starts on Monday
        2025-12-29 and some years have a week 53.
        """
        _check_year(iso_year)
        try:
            monday = date.fromisocalendar(iso_year, week, 1)
        except ValueError:
            last = date(iso_year, 12, 28).isocalendar()[1]
            raise PeriodError(
                f"ISO week-year {iso_year} has weeks 1 to {last}, got week {week}"
            ) from None
        return cls(monday, monday + timedelta(days=6), PeriodKind.WEEK)

    @classmethod
    def window(cls, start: date, end: date, label: str | None = None) -> Period:
        """A custom range of days, both ends included (``2026-03-05..2026-12-31``).

        Used when an assessment does not follow the calendar, e.g. fire-safety inspections that
        count from 1 January in 三角镇 and from 5 March in the other towns.

        :param label: display name; defaults to the canonical text.
        """
        if label is None:
            return cls(start, end, PeriodKind.WINDOW)
        return cls(start, end, PeriodKind.WINDOW, label)

    @classmethod
    def containing(cls, day: date, kind: PeriodKind | str) -> Period:
        """The period of ``kind`` that holds ``day``: ``containing(date(2026, 10, 15), "xun")``.

        :raises PeriodError: for the window kind, which has no natural boundaries.
        """
        kind = PeriodKind.coerce(kind)
        start, end = _containing_bounds(as_date(day), kind)
        return cls(start, end, kind)

    # -- questions ------------------------------------------------------------------------------

    @property
    def day_count(self) -> int:
        """Number of days in the period, both ends counted."""
        return (self.end - self.start).days + 1

    @property
    def is_whole(self) -> bool:
        """True for a named calendar unit, False for a window (including a clipped part)."""
        return self.kind is not PeriodKind.WINDOW

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls within the period (both ends included).

        :raises TypeError: for a ``datetime``; convert it to the local date first.
        """
        return self.start <= as_date(day) <= self.end

    def __contains__(self, day: object) -> bool:
        return self.contains(as_date(day))

    def days(self) -> Iterator[date]:
        """Iterate the days of the period in order."""
        day = self.start
        while day <= self.end:
            yield day
            day += _ONE_DAY

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def clip(self, other: Period) -> Period | None:
        """The part of ``other`` inside this period: ``other`` itself when it lies wholly inside,
        a window (labelled "part of ...") when it is cut, ``None`` when they do not overlap."""
        if not self.overlaps(other):
            return None
        if self.start <= other.start and other.end <= self.end:
            return other
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Period(start, end, PeriodKind.WINDOW, f"part of {other} ({start}..{end})")

    def split(self, kind: PeriodKind | str) -> tuple[Period, ...]:
        """Split into the periods of ``kind`` that overlap this one, in order, clipped to it.

        A year splits into 2 half-years, 4 quarters or 12 months; a month into 3 旬. Sub-periods
        that lie wholly inside keep their kind; one cut by this period's edge (an ISO week at a
        month's edge, the March of a window starting on 5 March) becomes a window holding only the
        days inside. The parts never overlap and together cover every day exactly once.

        :raises PeriodError: for ``kind="window"``.
        """
        kind = PeriodKind.coerce(kind)
        if kind is PeriodKind.WINDOW:
            raise PeriodError("cannot split into windows; split into a named kind of period")
        parts: list[Period] = []
        day = self.start
        while day <= self.end:
            whole = Period.containing(day, kind)
            part = self.clip(whole)
            assert part is not None
            parts.append(part)
            day = whole.end + _ONE_DAY
        return tuple(parts)

    def count(self, kind: PeriodKind | str) -> int:
        """How many periods of ``kind`` this one counts: each whole period of that kind counts
        toward the period that holds its middle day.

        A month counts 1 month and 3 旬; a quarter 3 months, 9 旬 and 13 weeks (or 12 or 14).
        A week counts where its Thursday falls (as ISO 8601 gives weeks to years), so that the
        weeks of the months of a year add up to the year's; a 旬 where its 5th, 15th or 26th
        falls; a month where its 15th or 16th does. A window counts the units whose middle day
        it holds.

        :raises PeriodError: for ``kind="window"``.
        """
        kind = PeriodKind.coerce(kind)
        if kind is PeriodKind.WINDOW:
            raise PeriodError("cannot count windows; count a named kind of period")
        found, day = 0, self.start
        while day <= self.end:
            whole = Period.containing(day, kind)
            middle = whole.start + timedelta(days=(whole.end - whole.start).days // 2)
            found += self.start <= middle <= self.end
            day = whole.end + _ONE_DAY
        return found

    def xuns(self) -> tuple[Period, ...]:
        """Shortcut for ``split("xun")``: the 旬 of the period (上旬, 中旬, 下旬 of each month)."""
        return self.split(PeriodKind.XUN)

    def sort_key(self) -> tuple[date, date]:
        """Key to sort periods chronologically: ``sorted(periods, key=Period.sort_key)``."""
        return (self.start, self.end)
