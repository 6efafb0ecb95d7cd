"""Working-day calendars: which days count toward 每天 quotas (see :mod:`gridrules.dates`).

The calendars themselves live in :mod:`gridrules.dates.calendars`; this face adds the local
calendars that installed plugins provide, found by name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .dates import calendars as _calendars
from .dates.calendars import (
    CalendarError,
    HolidaysCalendar,
    LocalCalendar,
    SpecialDay,
    UnknownYearWarning,
    WorkingCalendar,
    load_local_calendar,
)
from .plugins import Registry, registry

__all__ = [
    "PROVISIONAL_MARK",
    "CalendarError",
    "HolidaysCalendar",
    "LocalCalendar",
    "SpecialDay",
    "UnknownYearWarning",
    "WorkingCalendar",
    "get_calendar",
    "installed_calendars",
    "load_local_calendar",
]

#: What a provisional calendar's name says, and so every score sheet counted with it:
#: ``"临时日历：未含调休安排"`` (a provisional calendar, without the make-up working days).
PROVISIONAL_MARK = _calendars.PROVISIONAL_MARK


def installed_calendars(plugins: Registry | None = None) -> dict[str, Path]:
    """Local calendars that installed plugins provide (``gridrules_calendars``), by their name.

    ``get_calendar(local="六角亭街道 2027")`` uses one of them by name.

    :raises DataFileError: a plugin's calendar file is malformed (naming the file and entry).
    """
    found: dict[str, Path] = {}
    for _, _, path in (plugins or registry()).calendar_files():
        found[load_local_calendar(path).local_name] = path
    return found


def get_calendar(
    name: str = "CN",
    *,
    local: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    weekdays_fallback: bool = False,
    provisional: bool = False,
) -> WorkingCalendar:
    """Build a working-day calendar: the official one for ``name``, adjusted by local files.

    Each call builds a fresh calendar, so tests and concurrent assessments never share state.

    :param name: country code understood by the ``holidays`` package (``"CN"``).
    :param local: one TOML file or several, applied in order on top of the official calendar; a
        text that names no file is the name of a calendar an installed plugin provides.
    :param weekdays_fallback: count Monday to Friday, with a warning, for unknown years.
    :param provisional: for the years after the package's last official arrangement, count the
        statutory holidays it computes and the weekends, without make-up working days; the
        calendar's name, and so every sheet counted with it, says so (:data:`PROVISIONAL_MARK`).
    :raises CalendarError: for an unknown country or calendar name.
    :raises DataFileError: for a malformed local file.
    """
    return _calendars.get_calendar(
        name,
        local=local,
        weekdays_fallback=weekdays_fallback,
        provisional=provisional,
        installed=installed_calendars,
    )
