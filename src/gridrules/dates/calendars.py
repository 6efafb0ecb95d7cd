"""Working-day calendars: which days count toward 每天 quotas (周末、节假日除外).

China moves working days around every year: the State Council's 放假安排 notice, published each
November for the next year, turns some weekdays into days off and some Saturdays and Sundays into
make-up working days (调休上班). :class:`HolidaysCalendar` reads those arrangements from the
`holidays <https://pypi.org/project/holidays/>`_ package; :class:`LocalCalendar` adds or removes
days on top of another calendar, for a year whose notice came out after the package's release or
for a street office's own arrangements.

A calendar never guesses unasked. A year it has no official arrangement for is an error
(:class:`CalendarError`) unless the caller opted into one of two stopgaps, each of which says so
in the calendar's :attr:`~WorkingCalendar.name`, and so on every score sheet counted with it:

- ``provisional=True`` (临时日历) counts, for the years after the last official arrangement, the
  statutory holidays the package computes from the law (补假 for those falling on a weekend
  included) and weekends otherwise, without the make-up working days only the notice sets;
- ``weekdays_fallback=True`` counts Monday to Friday, and warns (:class:`UnknownYearWarning`)
  every time it is used.
"""

from __future__ import annotations

import abc
import functools
import importlib.metadata
import itertools
import os
import tomllib
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import holidays as holidays_package

from ..errors import DataFileError, GridrulesError
from .periods import Period, as_date

__all__ = [
    "PROVISIONAL_MARK",
    "UNITS",
    "CalendarError",
    "HolidaysCalendar",
    "LocalCalendar",
    "PeriodUnits",
    "SpecialDay",
    "UnknownYearWarning",
    "WorkingCalendar",
    "get_calendar",
    "load_local_calendar",
]

PROVISIONAL_MARK = "临时日历：未含调休安排"
"""What the name of a provisional calendar says, and so every score sheet counted with it."""

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5
_LONGEST_RANGE = 31  # days; no arrangement is longer, so a longer range is a typing mistake


class CalendarError(GridrulesError):
    """A calendar cannot answer: an unknown year, an unknown country, or contradictory days."""


class UnknownYearWarning(UserWarning):
    """A calendar counted Monday to Friday for a year it has no official arrangement for."""


def _check_departs(instance: SpecialDay, attribute: attrs.Attribute[bool], working: bool) -> None:
    if isinstance(instance.day, datetime):
        raise TypeError(f"a special day is a date, not a date and time: got {instance.day!r}")
    weekend = instance.day.weekday() >= _SATURDAY
    if working != weekend:
        raise ValueError(
            f"{instance.day.isoformat()} is a {instance.day.strftime('%A')}: a special day is a "
            f"weekday off or a Saturday or Sunday worked, so working must be {weekend}"
        )


@attrs.frozen
class SpecialDay:
    """放假 / 调休上班: a day on which a calendar departs from Monday to Friday.

    ``working`` is false for a weekday off (a statutory holiday, its 补假, or a day off moved by
    调休) and true for a Saturday or Sunday worked (调休上班). ``name`` is the day's name as its
    source gives it; ``source`` says where the day comes from: ``"holidays 0.109"`` (the package
    and its version) or the name of the local calendar that set it.
    """

    day: date = attrs.field(validator=attrs.validators.instance_of(date))
    working: bool = attrs.field(validator=[attrs.validators.instance_of(bool), _check_departs])
    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    source: str = attrs.field(validator=attrs.validators.instance_of(str))


@functools.lru_cache(maxsize=64)
def _weekdays_of_year(year: int) -> frozenset[date]:
    day, last = date(year, 1, 1), date(year, 12, 31)
    found = set()
    while day <= last:
        if day.weekday() < _SATURDAY:
            found.add(day)
        day += _ONE_DAY
    return frozenset(found)


UNITS = ("day", "working_day", "week", "xun", "month")
"""The units of time a target may be set per (每天, 每个工作日, 每周, 每旬, 每月)."""


@attrs.frozen(eq=False)
class PeriodUnits:
    """The period a record is scored for, counted in units of time: what a target per unit
    (每月不少于1次, 每天N条 周末、节假日除外) is multiplied by. Scoring hands it to the rules that
    need it; each count is worked out the first time it is asked for.

    Days are the calendar days; working days are counted on ``calendar`` (a make-up Saturday
    counts, a holiday Monday does not); weeks, 旬 and months count where their middle day falls
    (:meth:`Period.count <gridrules.periods.Period.count>`).
    """

    period: Period
    calendar: WorkingCalendar | None = None
    _counts: dict[str, Decimal] = attrs.field(factory=dict, init=False, repr=False)

    def count(self, unit: str) -> Decimal:
        """How many ``unit`` (one of ``UNITS``) the period holds.

        :raises CalendarError: for working days on a calendar that does not know the year, or
            with no calendar.
        """
        found = self._counts.get(unit)
        if found is None:
            if unit == "day":
                found = Decimal(self.period.day_count)
            elif unit == "working_day":
                if self.calendar is None:
                    raise CalendarError(
                        f"counting the working days of {self.period} needs a calendar"
                    )
                found = Decimal(self.calendar.working_days(self.period))
            elif unit in UNITS:
                found = Decimal(self.period.count(unit))
            else:
                raise ValueError(f"unknown unit of time {unit!r}; expected one of {UNITS}")
            self._counts[unit] = found
        return found

    @property
    def working_days(self) -> Decimal:
        """The working days of the period on the calendar."""
        return self.count("working_day")

    @property
    def counted(self) -> tuple[str, ...]:
        """The units counted so far (``"working_day"`` once the calendar has been asked)."""
        return tuple(self._counts)


def _working_dates(year: int, special: Iterable[SpecialDay]) -> frozenset[date]:
    """Monday to Friday of ``year``, without the days off, with the days worked."""
    dates = set(_weekdays_of_year(year))
    for entry in special:
        if entry.working:
            dates.add(entry.day)
        else:
            dates.discard(entry.day)
    return frozenset(dates)


def _compact(years: Iterable[int]) -> range | frozenset[int]:
    """Years as a range when they run without a gap, else as a set."""
    found = frozenset(years)
    if found and max(found) - min(found) + 1 == len(found):
        return range(min(found), max(found) + 1)
    return found


def _describe_years(years: Iterable[int]) -> str:
    found = sorted(years)
    if not found:
        return "no year"
    if found[-1] - found[0] + 1 == len(found):
        return str(found[0]) if len(found) == 1 else f"{found[0]} to {found[-1]}"
    return ", ".join(map(str, found))


class WorkingCalendar(abc.ABC):
    """工作日 (working days): the days on which per-day quotas and sign-ins are expected.

    Subclasses answer :attr:`known_years`, :meth:`knows_year` and :meth:`working_dates_of_year`;
    everything else is built on those. :meth:`special_days` and :meth:`describe_year` say where
    a year's days come from; subclasses give them names and sources.
    """

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """How the calendar is shown on a score sheet, e.g. ``"CN (holidays 0.109)"``."""

    @property
    @abc.abstractmethod
    def country(self) -> str:
        """The country code of the official calendar at the bottom (``"CN"``)."""

    @property
    @abc.abstractmethod
    def known_years(self) -> range | frozenset[int]:
        """The years the calendar holds a complete arrangement for."""

    @property
    def provisional_years(self) -> range | frozenset[int]:
        """The years counted provisionally, without make-up days; none unless asked for.

        See :data:`~gridrules.calendars.PROVISIONAL_MARK`.
        """
        return frozenset()

    @abc.abstractmethod
    def knows_year(self, year: int) -> bool:
        """Whether the calendar holds the official arrangement of ``year``."""

    @abc.abstractmethod
    def working_dates_of_year(self, year: int) -> frozenset[date]:
        """Every working day of ``year``.

        :raises CalendarError: when the year is unknown and no fallback was chosen.
        """

    def special_days(self, year: int) -> tuple[SpecialDay, ...]:
        """The days of ``year`` that depart from Monday to Friday, in order.

        The working days of the year are Monday to Friday without the weekdays off listed here,
        with the Saturdays and Sundays worked listed here.

        :raises CalendarError: when the year is unknown and no fallback was chosen.
        """
        working = self.working_dates_of_year(year)
        departing = sorted(working ^ _weekdays_of_year(year))
        return tuple(SpecialDay(day, day in working, "", self.name) for day in departing)

    def describe_year(self, year: int) -> str:
        """Where the working days of ``year`` come from, in a few words (never raises)."""
        if self.knows_year(year):
            return f"known to {self.name}"
        if year in self.provisional_years:
            return f"provisional ({PROVISIONAL_MARK})"
        return "not known"

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (a make-up Saturday is; a holiday Monday is not).

        :raises CalendarError: when the day's year is unknown to the calendar.
        """
        day = as_date(day, "day")
        return day in self.working_dates_of_year(day.year)

    def working_dates(self, period: Period) -> tuple[date, ...]:
        """The working days of ``period``, in order.

        :raises CalendarError: naming the year and the period when a year is unknown.
        """
        found: list[date] = []
        for year in range(period.start.year, period.end.year + 1):
            try:
                dates = self.working_dates_of_year(year)
            except CalendarError as exc:
                raise CalendarError(f"{exc} (needed for the period {period})") from exc
            found.extend(d for d in dates if period.start <= d <= period.end)
        found.sort()
        return tuple(found)

    def working_days(self, period: Period) -> int:
        """The number of working days in ``period``.

        :raises CalendarError: naming the year and the period when a year is unknown.
        """
        return len(self.working_dates(period))

    def units(self, period: Period) -> PeriodUnits:
        """What targets per unit of time multiply when ``period`` is scored on this calendar."""
        return PeriodUnits(period, self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def _package_version() -> str:
    try:
        return importlib.metadata.version("holidays")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - vendored copies
        return "unknown version"


def _official_years(entity: Any) -> range:
    """The years the holidays package holds an official arrangement for.

    Countries that publish a yearly arrangement with swapped days (China) are stored by the
    package as ``special_public_holidays`` keyed by year; a later year only gets the statutory
    days computed from rules, without the swaps, which is not the official calendar. For such a
    country the known years run from the first to the last year listed there. A country without
    swapped days follows its rules, so every year the package supports is known.
    """
    start, end = int(entity.start_year), int(entity.end_year)
    special = getattr(entity, "special_public_holidays", None)
    if getattr(entity, "has_substituted_holidays", False) and special:
        start, end = max(start, min(special)), min(end, max(special))
    return range(start, end + 1)


def _country_entity(country: str, subdiv: str | None) -> Any:
    """The package's calendar of ``country``, naming days in the country's own language."""
    try:
        entity = holidays_package.country_holidays(country, subdiv=subdiv)
        language = getattr(entity, "default_language", None)
        if language:
            entity = holidays_package.country_holidays(country, subdiv=subdiv, language=language)
    except NotImplementedError as exc:
        raise CalendarError(
            f"the holidays package has no calendar for country {country!r}"
            + (f" subdivision {subdiv!r}" if subdiv else "")
            + f": {exc}"
        ) from None
    return entity


class HolidaysCalendar(WorkingCalendar):
    """An official national calendar from the ``holidays`` package, make-up workdays included.

    Known years are the years the package holds the official arrangement for (for China 2001 to
    the last year whose State Council notice it encodes; see :attr:`known_years`). Any other year
    raises :class:`CalendarError`, unless one of two stopgaps was asked for:

    - ``provisional``: for each year after the last known one that the package computes
      statutory holidays for, those holidays (补假 included) are days off and the weekends are,
      with no make-up working day; :attr:`name` then ends with
      ``"2027年起为临时日历：未含调休安排"``
      (:data:`~gridrules.calendars.PROVISIONAL_MARK`);
    - ``weekdays_fallback``: Monday to Friday count as working days and
      :class:`UnknownYearWarning` is issued each time.

    Both may be asked for: provisional years are provisional, later ones Monday to Friday.

    :param country: ISO 3166 country code understood by ``holidays`` (``"CN"``).
    :param subdiv: optional subdivision code.
    :param weekdays_fallback: count Monday to Friday, with a warning, for unknown years.
    :param provisional: count the statutory holidays, without make-up days, for the years after
        the last official arrangement.
    :param known_years: override the years treated as known (for a package whose data you have
        checked yourself).
    :raises CalendarError: for a country or subdivision the package does not have.
    """

    def __init__(
        self,
        country: str = "CN",
        *,
        subdiv: str | None = None,
        weekdays_fallback: bool = False,
        provisional: bool = False,
        known_years: Iterable[int] | None = None,
    ) -> None:
        entity = _country_entity(country, subdiv)
        self._entity = entity
        self._country = country
        self._subdiv = subdiv
        self._fallback = bool(weekdays_fallback)
        self._years: frozenset[int] = (
            frozenset(_official_years(entity)) if known_years is None else frozenset(known_years)
        )
        last = max(self._years, default=None)
        self._provisional = (
            range(last + 1, max(last, int(entity.end_year)) + 1)
            if provisional and last is not None
            else range(0)
        )
        self._cache: dict[int, tuple[frozenset[date], tuple[SpecialDay, ...]]] = {}
        version = _package_version()
        self._source = f"holidays {version}"
        code = country if subdiv is None else f"{country}-{subdiv}"
        notes = []
        if self._provisional:
            notes.append(f"{self._provisional.start}年起为{PROVISIONAL_MARK}")
        if self._fallback:
            notes.append("Mon-Fri for unknown years")
        self._name = f"{code} ({'; '.join([self._source, *notes])})"
        chinese = str(getattr(entity, "language", None) or "").startswith("zh")
        self._workday_name = "调休上班" if chinese else "make-up working day"

    @property
    def name(self) -> str:
        return self._name

    @property
    def country(self) -> str:
        return self._country

    @property
    def weekdays_fallback(self) -> bool:
        """Whether unknown years are counted Monday to Friday (with a warning)."""
        return self._fallback

    @property
    def known_years(self) -> range | frozenset[int]:
        """The years this calendar holds the official arrangement for."""
        return _compact(self._years)

    @property
    def provisional_years(self) -> range:
        """The years counted provisionally: empty unless ``provisional=True`` was asked for."""
        return self._provisional

    def knows_year(self, year: int) -> bool:
        return year in self._years

    def describe_year(self, year: int) -> str:
        if year in self._years:
            return f"official arrangement ({self._source})"
        if year in self._provisional:
            return (
                f"provisional: statutory holidays from {self._source} and weekends, no make-up "
                f"working days ({PROVISIONAL_MARK})"
            )
        if self._fallback:
            return "Monday to Friday: an unknown year, counted so on request"
        return "not known"

    def _unknown(self, year: int) -> None:
        """Refuse ``year``, or warn that it is counted Monday to Friday."""
        if not self._fallback:
            provisional = (
                f", count its statutory holidays without make-up days with provisional=True "
                f"(--calendar provisional; sheets then say {PROVISIONAL_MARK}),"
                if self._years and max(self._years) < year <= int(self._entity.end_year)
                else ""
            )
            raise CalendarError(
                f"calendar {self._name} does not know the working days of {year}: it holds "
                f"the official arrangement for {_describe_years(self._years)}; supply the year "
                f"with a local calendar file declaring years = [{year}] (on the command line: "
                f"--local-calendar FILE){provisional} or opt into weekdays_fallback=True to "
                f"count Monday to Friday"
            )
        warnings.warn(
            f"calendar {self._name} does not know {year}; counting Monday to Friday as "
            f"working days, ignoring that year's holidays and make-up workdays",
            UnknownYearWarning,
            stacklevel=4,
        )

    def _year(self, year: int) -> tuple[frozenset[date], tuple[SpecialDay, ...]]:
        """The working days and special days of a known or provisional year, worked out once."""
        cached = self._cache.get(year)
        if cached is None:
            entity = self._entity
            official = year in self._years
            source = self._source if official else f"{self._source} (provisional)"
            found = []
            day, last = date(year, 1, 1), date(year, 12, 31)
            while day <= last:
                weekday = day.weekday() < _SATURDAY
                # provisional: the package's statutory days, never its (absent) make-up days
                working = entity.is_working_day(day) if official else weekday and day not in entity
                if working != weekday:
                    name = self._workday_name if working else str(entity.get(day))
                    found.append(SpecialDay(day, working, name, source))
                day += _ONE_DAY
            special = tuple(found)
            cached = self._cache[year] = (_working_dates(year, special), special)
        return cached

    def working_dates_of_year(self, year: int) -> frozenset[date]:
        if year in self._years or year in self._provisional:
            return self._year(year)[0]
        self._unknown(year)
        return _weekdays_of_year(year)

    def special_days(self, year: int) -> tuple[SpecialDay, ...]:
        if year in self._years or year in self._provisional:
            return self._year(year)[1]
        self._unknown(year)
        return ()


def _as_day_names(value: Mapping[date, str] | Iterable[date], what: str) -> dict[date, str]:
    items = value.items() if isinstance(value, Mapping) else ((d, "") for d in value)
    result: dict[date, str] = {}
    for day, label in items:
        try:
            key = as_date(day, what)
        except TypeError as exc:
            raise CalendarError(str(exc)) from None
        if not isinstance(label, str):
            raise CalendarError(f"{what} {key}: name must be text, got {label!r}")
        result[key] = label
    return result


class LocalCalendar(WorkingCalendar):
    """A calendar that adds days off and make-up workdays on top of another (地方调整).

    For a year listed in ``years`` the local arrangement is complete knowledge: when the base does
    not know that year, Monday to Friday are working days except the listed ``holidays``, and
    Saturday and Sunday are days off except the listed ``workdays`` (the base's guesses, a
    provisional count among them, are not used). For any other year the listed days change the
    base's answer and unknown years stay unknown.

    :param base: the calendar to adjust (usually ``HolidaysCalendar("CN")``).
    :param name: the local arrangement's name (``"六角亭街道 2027"``).
    :param holidays: days off, as a mapping of date to name or an iterable of dates.
    :param workdays: make-up working days, same forms.
    :param years: years this arrangement declares complete.
    :param source: where it was read from (a file), for messages and listings.
    :raises CalendarError: when a day is both a holiday and a workday, or a value is not a date.
    """

    def __init__(
        self,
        base: WorkingCalendar,
        name: str,
        *,
        holidays: Mapping[date, str] | Iterable[date] = (),
        workdays: Mapping[date, str] | Iterable[date] = (),
        years: Iterable[int] = (),
        source: str | None = None,
    ) -> None:
        if not isinstance(name, str) or not name.strip():
            raise CalendarError(f"a local calendar needs a non-empty name, got {name!r}")
        self._base = base
        self._local_name = name
        self._source = source
        off = _as_day_names(holidays, "holiday")
        on = _as_day_names(workdays, "workday")
        clash = sorted(set(off) & set(on))
        if clash:
            days = ", ".join(d.isoformat() for d in clash)
            raise CalendarError(
                f"local calendar {name!r}: {days} listed both as holiday and as workday"
            )
        self._holidays = off
        self._workdays = on
        declared = frozenset(years)
        for year in declared:
            if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 9999:
                raise CalendarError(f"local calendar {name!r}: {year!r} is not a year")
        self._years = declared

    @property
    def name(self) -> str:
        return f"{self._base.name} + {self._local_name}"

    @property
    def local_name(self) -> str:
        """The local arrangement's own name, without the base."""
        return self._local_name

    @property
    def source(self) -> str | None:
        """The file the arrangement was read from, if any."""
        return self._source

    @property
    def country(self) -> str:
        return self._base.country

    @property
    def base(self) -> WorkingCalendar:
        """The calendar this one adjusts."""
        return self._base

    @property
    def holidays(self) -> Mapping[date, str]:
        """Days off added by this arrangement, with their names."""
        return MappingProxyType(self._holidays)

    @property
    def workdays(self) -> Mapping[date, str]:
        """Make-up working days added by this arrangement, with their names."""
        return MappingProxyType(self._workdays)

    @property
    def years(self) -> frozenset[int]:
        """Years this arrangement declares complete."""
        return self._years

    @property
    def known_years(self) -> range | frozenset[int]:
        """The base's known years and the years this arrangement declares complete."""
        return _compact(frozenset(self._base.known_years) | self._years)

    @property
    def provisional_years(self) -> range | frozenset[int]:
        """The base's provisional years but those this arrangement declares complete."""
        return _compact(frozenset(self._base.provisional_years) - self._years)

    def knows_year(self, year: int) -> bool:
        return year in self._years or self._base.knows_year(year)

    def _whole_year(self, year: int) -> bool:
        """Whether this arrangement alone makes ``year``: declared complete, unknown below."""
        return year in self._years and not self._base.knows_year(year)

    def _adjusts(self, year: int) -> bool:
        return any(d.year == year for d in itertools.chain(self._holidays, self._workdays))

    def describe_year(self, year: int) -> str:
        if self._whole_year(year):
            return f"local calendar {self._local_name} (the whole year)"
        below = self._base.describe_year(year)
        return f"{below}, adjusted by {self._local_name}" if self._adjusts(year) else below

    def special_days(self, year: int) -> tuple[SpecialDay, ...]:
        found = {} if self._whole_year(year) else {s.day: s for s in self._base.special_days(year)}
        source = self._local_name
        for day, label in self._holidays.items():
            if day.year == year:
                if day.weekday() < _SATURDAY:
                    found[day] = SpecialDay(day, False, label, source)
                else:  # a weekend day off: no longer a make-up day, if it was one
                    found.pop(day, None)
        for day, label in self._workdays.items():
            if day.year == year:
                if day.weekday() >= _SATURDAY:
                    found[day] = SpecialDay(day, True, label, source)
                else:  # a weekday worked: no longer a day off, if it was one
                    found.pop(day, None)
        return tuple(found[day] for day in sorted(found))

    def working_dates_of_year(self, year: int) -> frozenset[date]:
        return _working_dates(year, self.special_days(year))


_TOP_KEYS = frozenset({"name", "base", "years", "holiday", "workday"})
_ENTRY_KEYS = frozenset({"date", "from", "to", "days", "name"})


def _toml_date(value: object, where: str, key: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DataFileError(
            f"{where}: {key} must be a TOML date such as 2027-02-07 (no quotes, no time), "
            f"got {value!r}"
        )
    return value


def _entry_days(entry: Mapping[str, Any], where: str) -> tuple[list[date], str]:
    """The days of one entry (``date``, or ``from`` and ``to``), and how to name them."""
    single, first, last = entry.get("date"), entry.get("from"), entry.get("to")
    if single is not None:
        if first is not None or last is not None:
            raise DataFileError(f"{where}: give either date or from and to, not both")
        day = _toml_date(single, where, "date")
        return [day], f"date {day.isoformat()}"
    if first is None and last is None:
        raise DataFileError(f"{where}: missing date (or from and to, for a range of days)")
    if first is None or last is None:
        raise DataFileError(f"{where}: a range of days needs both from and to")
    first, last = _toml_date(first, where, "from"), _toml_date(last, where, "to")
    span = f"{first.isoformat()} to {last.isoformat()}"
    count = (last - first).days + 1
    if count < 1:
        raise DataFileError(f"{where} ({span}): to comes before from")
    if count > _LONGEST_RANGE:
        raise DataFileError(
            f"{where} ({span}): {count} days is longer than any arrangement "
            f"(at most {_LONGEST_RANGE}); check the dates, or split the range if it is meant"
        )
    return [first + timedelta(days=n) for n in range(count)], span


def _read_entries(path: str, data: Mapping[str, Any], key: str) -> dict[date, str]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise DataFileError(
            f"{path}: [[{key}]] must be an array of tables, got {type(entries).__name__}"
        )
    found: dict[date, str] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: {key} entry {number}"
        if not isinstance(entry, dict):
            raise DataFileError(f"{where}: expected a table with date and name, got {entry!r}")
        unknown = sorted(set(entry) - _ENTRY_KEYS)
        if unknown:
            raise DataFileError(
                f"{where}: unknown key(s) {', '.join(unknown)}; expected date (or from and to), "
                f"name and, optionally, days"
            )
        days, span = _entry_days(entry, where)
        where = f"{where} ({span})"
        label = entry.get("name")
        if not isinstance(label, str) or not label.strip():
            raise DataFileError(f"{where}: name must be non-empty text, got {label!r}")
        expected = entry.get("days")
        if expected is not None:
            if not isinstance(expected, int) or isinstance(expected, bool) or expected < 1:
                raise DataFileError(
                    f"{where}: days must be a whole number of days (共N天), got {expected!r}"
                )
            if expected != len(days):
                raise DataFileError(
                    f"{where}: these are {len(days)} days, but days = {expected} (共{expected}天); "
                    f"check the dates against the notice"
                )
        for day in days:
            if day in found:
                raise DataFileError(
                    f"{where}: the date is listed twice under {key}"
                    if len(days) == 1
                    else f"{where}: the date {day.isoformat()} is listed twice under {key}"
                )
            found[day] = label
    return found


def load_local_calendar(
    path: str | os.PathLike[str],
    *,
    base: WorkingCalendar | None = None,
    weekdays_fallback: bool = False,
    provisional: bool = False,
) -> LocalCalendar:
    """Read a local arrangement from a TOML file (see the docs for the format).

    ``name`` is required; ``base`` is the country code of the calendar below (default ``"CN"``);
    ``years`` lists years the file declares complete; each ``[[holiday]]`` and ``[[workday]]``
    has a ``name`` and either a TOML ``date`` or a range ``from`` one date ``to`` another (both
    included), with, optionally, the number of ``days`` the range should hold (the notice's 共N天).

    :param path: the TOML file.
    :param base: the calendar to adjust; by default ``HolidaysCalendar(file's base)``. When given,
        its country must match the file's ``base``.
    :param weekdays_fallback: passed to the default base calendar.
    :param provisional: passed to the default base calendar.
    :raises DataFileError: naming the file, the entry and why, when the file cannot be used.
    """
    where = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise DataFileError(f"{where}: cannot read the local calendar: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{where}: not valid TOML: {exc}") from None
    except ValueError as exc:  # a whole number of more than 4,300 digits
        reason = str(exc).split(";")[0]
        raise DataFileError(f"{where}: a number is too long to read ({reason})") from None
    except RecursionError:
        raise DataFileError(f"{where}: nested too deeply to read") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise DataFileError(
            f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(_TOP_KEYS))}"
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DataFileError(f"{where}: 'name' must be non-empty text, got {name!r}")
    base_code = data.get("base", "CN")
    if not isinstance(base_code, str) or not base_code.strip():
        raise DataFileError(f"{where}: 'base' must be a country code such as \"CN\"")
    years = data.get("years", [])
    if not isinstance(years, list) or not all(
        isinstance(y, int) and not isinstance(y, bool) and 1 <= y <= 9999 for y in years
    ):
        raise DataFileError(f"{where}: 'years' must be a list of years such as [2027]")
    holidays = _read_entries(where, data, "holiday")
    workdays = _read_entries(where, data, "workday")
    if base is None:
        try:
            base = HolidaysCalendar(
                base_code, weekdays_fallback=weekdays_fallback, provisional=provisional
            )
        except CalendarError as exc:
            raise DataFileError(f"{where}: base {base_code!r}: {exc}") from None
    elif base.country != base_code:
        raise DataFileError(
            f"{where}: the file adjusts calendar {base_code!r} but was applied to {base.name} "
            f"(country {base.country!r})"
        )
    try:
        return LocalCalendar(
            base, name, holidays=holidays, workdays=workdays, years=years, source=where
        )
    except CalendarError as exc:
        raise DataFileError(f"{where}: {exc}") from None


def get_calendar(
    name: str = "CN",
    *,
    local: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    weekdays_fallback: bool = False,
    provisional: bool = False,
    installed: Callable[[], Mapping[str, Path]] | None = None,
) -> WorkingCalendar:
    """Build a working-day calendar: the official one for ``name``, adjusted by local files.

    Each call builds a fresh calendar, so tests and concurrent assessments never share state.

    :param name: country code understood by the ``holidays`` package (``"CN"``).
    :param local: one TOML file or several, applied in order on top of the official calendar; a
        text that names no file is looked up among the ``installed`` calendars by name.
    :param weekdays_fallback: count Monday to Friday, with a warning, for unknown years.
    :param provisional: count the statutory holidays, without make-up days, for the years after
        the package's last official arrangement; the calendar's name says so
        (:data:`~gridrules.calendars.PROVISIONAL_MARK`), and so does every sheet counted with it.
    :param installed: the local calendars installed plugins provide, by name
        (:func:`gridrules.calendars.installed_calendars`); asked only when a name is used.
    :raises CalendarError: for an unknown country or an unknown calendar name.
    :raises DataFileError: for a malformed local file.
    """
    calendar: WorkingCalendar = HolidaysCalendar(
        name, weekdays_fallback=weekdays_fallback, provisional=provisional
    )
    if local is None:
        return calendar
    paths = [local] if isinstance(local, str | os.PathLike) else list(local)
    known: Mapping[str, Path] | None = None
    for path in paths:
        if isinstance(path, str) and not os.path.exists(path):
            if known is None:
                known = installed() if installed is not None else {}
            if path not in known:
                raise CalendarError(
                    f"no local calendar file or installed calendar named {path!r} "
                    f"(installed: {', '.join(sorted(known)) or 'none'})"
                )
            path = known[path]
        calendar = load_local_calendar(path, base=calendar)
    return calendar
