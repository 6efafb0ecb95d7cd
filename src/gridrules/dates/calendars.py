"""Working-day calendars: which days count toward 每天 quotas (周末、节假日除外).

China moves working days around every year: the State Council's 放假安排 notice, published each
November for the next year, turns some weekdays into days off and some Saturdays and Sundays into
make-up working days (调休上班). :class:`HolidaysCalendar` reads those arrangements from the
`holidays <https://pypi.org/project/holidays/>`_ package; :class:`LocalCalendar` adds or removes
days on top of another calendar, for a year whose notice came out after the package's release or
for a street office's own arrangements.

A calendar never guesses. A year it has no official arrangement for is an error
(:class:`CalendarError`) unless the caller opted into counting Monday to Friday with
``weekdays_fallback=True``, which warns (:class:`UnknownYearWarning`) every time it is used and
says so in the calendar's :attr:`~WorkingCalendar.name`.
"""

from __future__ import annotations

import abc
import importlib.metadata
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
    "CalendarError",
    "HolidaysCalendar",
    "LocalCalendar",
    "PeriodUnits",
    "UnknownYearWarning",
    "WorkingCalendar",
    "get_calendar",
    "load_local_calendar",
]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class CalendarError(GridrulesError):
    """A calendar cannot answer: an unknown year, an unknown country, or contradictory days."""


class UnknownYearWarning(UserWarning):
    """A calendar counted Monday to Friday for a year it has no official arrangement for."""


def _weekdays_of_year(year: int) -> frozenset[date]:
    day, last = date(year, 1, 1), date(year, 12, 31)
    found = set()
    while day <= last:
        if day.weekday() < _SATURDAY:
            found.add(day)
        day += _ONE_DAY
    return frozenset(found)


@attrs.frozen
class PeriodUnits:
    """The period a record is scored for, counted on a calendar: what a target per working day
    (每天N条, 周末、节假日除外) is multiplied by. Scoring hands it to the rules that need it."""

    period: Period
    working_days: Decimal
    """The working days of the period on the calendar (a make-up Saturday counts, a holiday
    Monday does not)."""
    calendar: str
    """The calendar's name, shown on the sheet."""


class WorkingCalendar(abc.ABC):
    """工作日 (working days): the days on which per-day quotas and sign-ins are expected.

    Subclasses answer :meth:`knows_year` and :meth:`working_dates_of_year`; everything else is
    built on those two.
    """

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """How the calendar is shown on a score sheet, e.g. ``"CN (holidays 0.109)"``."""

    @property
    @abc.abstractmethod
    def country(self) -> str:
        """The country code of the official calendar at the bottom (``"CN"``)."""

    @abc.abstractmethod
    def knows_year(self, year: int) -> bool:
        """Whether the calendar holds the official arrangement of ``year``."""

    @abc.abstractmethod
    def working_dates_of_year(self, year: int) -> frozenset[date]:
        """Every working day of ``year``.

        :raises CalendarError: when the year is unknown and no fallback was chosen.
        """

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
        """What targets per unit of time multiply when ``period`` is scored on this calendar.

        :raises CalendarError: naming the year and the period when a year is unknown.
        """
        return PeriodUnits(period, Decimal(self.working_days(period)), self.name)

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


class HolidaysCalendar(WorkingCalendar):
    """An official national calendar from the ``holidays`` package, make-up workdays included.

    Known years are the years the package holds the official arrangement for (for China 2001 to
    the last year whose State Council notice it encodes; see :attr:`known_years`). Any other year
    raises :class:`CalendarError`, unless ``weekdays_fallback`` is true: then Monday to Friday
    count as working days and :class:`UnknownYearWarning` is issued each time.

    :param country: ISO 3166 country code understood by ``holidays`` (``"CN"``).
    :param subdiv: optional subdivision code.
    :param weekdays_fallback: count Monday to Friday, with a warning, for unknown years.
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
        known_years: Iterable[int] | None = None,
    ) -> None:
        try:
            entity = holidays_package.country_holidays(country, subdiv=subdiv)
        except NotImplementedError as exc:
            raise CalendarError(
                f"the holidays package has no calendar for country {country!r}"
                + (f" subdivision {subdiv!r}" if subdiv else "")
                + f": {exc}"
            ) from None
        self._entity = entity
        self._country = country
        self._subdiv = subdiv
        self._fallback = bool(weekdays_fallback)
        self._years: frozenset[int] = (
            frozenset(_official_years(entity)) if known_years is None else frozenset(known_years)
        )
        self._cache: dict[int, frozenset[date]] = {}
        code = country if subdiv is None else f"{country}-{subdiv}"
        suffix = "; Mon-Fri for unknown years" if self._fallback else ""
        self._name = f"{code} (holidays {_package_version()}{suffix})"

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
        years = sorted(self._years)
        if years and years[-1] - years[0] + 1 == len(years):
            return range(years[0], years[-1] + 1)
        return self._years

    def knows_year(self, year: int) -> bool:
        return year in self._years

    def _describe_known(self) -> str:
        years = sorted(self._years)
        if not years:
            return "no year"
        if years[-1] - years[0] + 1 == len(years):
            return f"{years[0]} to {years[-1]}"
        return ", ".join(map(str, years))

    def working_dates_of_year(self, year: int) -> frozenset[date]:
        if year not in self._years:
            if not self._fallback:
                raise CalendarError(
                    f"calendar {self._name} does not know the working days of {year}: it holds "
                    f"the official arrangement for {self._describe_known()}; supply the year "
                    f"with a local calendar file declaring years = [{year}], or opt into "
                    f"weekdays_fallback=True to count Monday to Friday"
                )
            warnings.warn(
                f"calendar {self._name} does not know {year}; counting Monday to Friday as "
                f"working days, ignoring that year's holidays and make-up workdays",
                UnknownYearWarning,
                stacklevel=3,
            )
            return _weekdays_of_year(year)
        cached = self._cache.get(year)
        if cached is None:
            day, last = date(year, 1, 1), date(year, 12, 31)
            found = set()
            while day <= last:
                if self._entity.is_working_day(day):
                    found.add(day)
                day += _ONE_DAY
            cached = self._cache[year] = frozenset(found)
        return cached


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
    Saturday and Sunday are days off except the listed ``workdays`` (the base's guesses are not
    used). For any other year the listed days change the base's answer and unknown years stay
    unknown.

    :param base: the calendar to adjust (usually ``HolidaysCalendar("CN")``).
    :param name: the local arrangement's name (``"六角亭街道 2027"``).
    :param holidays: days off, as a mapping of date to name or an iterable of dates.
    :param workdays: make-up working days, same forms.
    :param years: years this arrangement declares complete.
    :param source: where it was read from, for messages.
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
        self._holidays: Mapping[date, str] = MappingProxyType(off)
        self._workdays: Mapping[date, str] = MappingProxyType(on)
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
    def country(self) -> str:
        return self._base.country

    @property
    def base(self) -> WorkingCalendar:
        """The calendar this one adjusts."""
        return self._base

    @property
    def holidays(self) -> Mapping[date, str]:
        """Days off added by this arrangement, with their names."""
        return self._holidays

    @property
    def workdays(self) -> Mapping[date, str]:
        """Make-up working days added by this arrangement, with their names."""
        return self._workdays

    @property
    def years(self) -> frozenset[int]:
        """Years this arrangement declares complete."""
        return self._years

    def knows_year(self, year: int) -> bool:
        return year in self._years or self._base.knows_year(year)

    def working_dates_of_year(self, year: int) -> frozenset[date]:
        if year in self._years and not self._base.knows_year(year):
            dates = set(_weekdays_of_year(year))
        else:
            dates = set(self._base.working_dates_of_year(year))
        dates.difference_update(d for d in self._holidays if d.year == year)
        dates.update(d for d in self._workdays if d.year == year)
        return frozenset(dates)


_TOP_KEYS = frozenset({"name", "base", "years", "holiday", "workday"})
_ENTRY_KEYS = frozenset({"date", "name"})


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
                f"{where}: unknown key(s) {', '.join(unknown)}; expected only date and name"
            )
        day = entry.get("date")
        if day is None:
            raise DataFileError(f"{where}: missing date")
        if isinstance(day, datetime) or not isinstance(day, date):
            raise DataFileError(
                f"{where}: date must be a TOML date such as 2027-02-07 (no quotes, no time), "
                f"got {day!r}"
            )
        where = f"{where} (date {day.isoformat()})"
        label = entry.get("name")
        if not isinstance(label, str) or not label.strip():
            raise DataFileError(f"{where}: name must be non-empty text, got {label!r}")
        if day in found:
            raise DataFileError(f"{where}: the date is listed twice under {key}")
        found[day] = label
    return found


def load_local_calendar(
    path: str | os.PathLike[str],
    *,
    base: WorkingCalendar | None = None,
    weekdays_fallback: bool = False,
) -> LocalCalendar:
    """Read a local arrangement from a TOML file (see the docs for the format).

    ``name`` is required; ``base`` is the country code of the calendar below (default ``"CN"``);
    ``years`` lists years the file declares complete; each ``[[holiday]]`` and ``[[workday]]``
    has a TOML ``date`` and a ``name``.

    :param path: the TOML file.
    :param base: the calendar to adjust; by default ``HolidaysCalendar(file's base)``. When given,
        its country must match the file's ``base``.
    :param weekdays_fallback: passed to the default base calendar.
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
            base = HolidaysCalendar(base_code, weekdays_fallback=weekdays_fallback)
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
    installed: Callable[[], Mapping[str, Path]] | None = None,
) -> WorkingCalendar:
    """Build a working-day calendar: the official one for ``name``, adjusted by local files.

    Each call builds a fresh calendar, so tests and concurrent assessments never share state.

    :param name: country code understood by the ``holidays`` package (``"CN"``).
    :param local: one TOML file or several, applied in order on top of the official calendar; a
        text that names no file is looked up among the ``installed`` calendars by name.
    :param weekdays_fallback: count Monday to Friday, with a warning, for unknown years.
    :param installed: the local calendars installed plugins provide, by name
        (:func:`gridrules.calendars.installed_calendars`); asked only when a name is used.
    :raises CalendarError: for an unknown country or an unknown calendar name.
    :raises DataFileError: for a malformed local file.
    """
    calendar: WorkingCalendar = HolidaysCalendar(name, weekdays_fallback=weekdays_fallback)
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
