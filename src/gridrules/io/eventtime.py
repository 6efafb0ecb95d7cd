"""Times in event logs: the one grammar every reader and engine accepts, and the local day and hour.

An event's time is ISO 8601 text, ``2026-10-09T08:30``, ``2026-10-09 08:30:00.25`` or with an
offset, ``2026-10-09T00:30:00Z``, ``2026-10-09T08:30+08:00``, ``+0800`` or ``+08``. The grammar is
written once, as :data:`TIME_PATTERN`: the pure-Python reader matches it with :mod:`re`, and the
engines (DuckDB, Spark) with the same pattern in SQL, so all of them accept and refuse the very
same texts. The pattern has no backslash, so it reads alike in every SQL dialect.

A time without an offset is a wall-clock time in the assessment's timezone; one with an offset is
converted to it. The engines do not use their own timezone functions: :func:`zone_offsets` lists
the timezone's offsets over the period (from the same tz database Python uses) and the SQL picks
the right one, so that day and hour agree with Python to the microsecond.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

__all__ = [
    "BLANKS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "SLOTS",
    "TIME_EXAMPLES",
    "TIME_PATTERN",
    "TimeTextError",
    "day_number",
    "parse_time",
    "zone_offsets",
]

BLANKS = " \t\r\n"
"""What is stripped from the ends of a value: the same four characters in Python and in SQL."""

SLOTS = {"am": "am", "pm": "pm", "上午": "am", "下午": "pm"}
"""The spellings of a record's 上午/下午 (its ``slot`` field, stripped of :data:`BLANKS` and in
lower case) and the half of the day each names: the reference and the engines' SQL read these."""

TIME_PATTERN = (
    "^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})"
    "(?::([0-9]{2})([.][0-9]{1,9})?)?(Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?$"
)
"""The accepted times: date, ``T`` or a space, hours and minutes, optional seconds and fraction,
optional offset (``Z``, ``+08:00``, ``+0800``, ``+08``). Groups: year, month, day, hour, minute,
second, fraction (with its dot), offset."""

TIME_EXAMPLES = "expected e.g. 2026-10-10T08:30:00 or 2026-10-10 08:30+08:00"

FIRST_YEAR = 1900
"""Years before this are refused: a log dated earlier is a typo, not a record."""
LAST_YEAR = 2999
"""Years after this are refused, for the same reason."""

_TIME = re.compile(TIME_PATTERN)
_EPOCH = date(1970, 1, 1)
_MARGIN = timedelta(days=40)


class TimeTextError(ValueError):
    """A text is not a time of the grammar, or names no real moment: the message says why."""


def parse_time(text: str, zone: tzinfo) -> datetime:
    """The moment ``text`` names, as an aware datetime in ``zone``.

    A text without an offset is a wall-clock time in ``zone`` (in the hour a clock change repeats,
    the first of the two; in the hour it skips, the offset before the change, as
    :class:`zoneinfo.ZoneInfo` reads ``fold=0``). Fractions past microseconds are cut off.

    :raises TimeTextError: the text is not of :data:`TIME_PATTERN`, or names no real moment (a
        31 November, an hour 24, an offset of 24 hours or more, a year outside 1900-2999).
    """
    match = _TIME.match(text.strip(BLANKS))
    if match is None:
        raise TimeTextError(f"is not an ISO 8601 date and time ({TIME_EXAMPLES})")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise TimeTextError(
            f"is not a valid date and time (year {year} is outside {FIRST_YEAR}-{LAST_YEAR})"
        )
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        wall = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro
        )
    except ValueError as error:
        raise TimeTextError(f"is not a valid date and time ({error})") from None
    if not offset:
        return wall.replace(tzinfo=zone)
    if offset in ("Z", "z"):
        return wall.replace(tzinfo=UTC).astimezone(zone)
    hours, minutes = int(offset[1:3]), int(offset[-2:]) if len(offset) > 3 else 0
    if hours > 23 or minutes > 59:
        raise TimeTextError(f"is not a valid date and time (offset {offset} is out of range)")
    sign = -1 if offset[0] == "-" else 1
    given = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return wall.replace(tzinfo=given).astimezone(zone)


def day_number(day: date) -> int:
    """Days since 1 January 1970: how the engines name a day (no date type in the shared SQL)."""
    return (day - _EPOCH).days


def zone_offsets(zone: str, first: date, last: date) -> tuple[tuple[int, int], ...]:
    """The UTC offsets of ``zone`` from ``first`` to ``last`` (with 40 days' margin each side).

    Returns ``((since, offset), ...)`` in microseconds: ``offset`` applies from the UTC instant
    ``since`` on (microseconds since 1970); the first pair's ``since`` is ``None``-like 0 and
    applies before too, the last applies after too. A timezone without clock changes in the range
    has one pair.
    """
    info = zoneinfo.ZoneInfo(zone)
    start = datetime.combine(first - _MARGIN, datetime.min.time(), UTC)
    end = datetime.combine(last + _MARGIN, datetime.min.time(), UTC)

    def offset_at(moment: datetime) -> timedelta:
        found = moment.astimezone(info).utcoffset()
        assert found is not None
        return found

    pairs = [(0, _micros(offset_at(start)))]
    step = timedelta(hours=1)
    here, current = start, offset_at(start)
    while here < end:
        nxt = here + step
        after = offset_at(nxt)
        if after != current:
            low, high = here, nxt  # the change lies in (low, high]: find its second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset_at(middle) == current:
                    low = middle
                else:
                    high = middle
            since = high.replace(microsecond=0)
            if offset_at(since) == current:
                since += timedelta(seconds=1)
            pairs.append((_micros(since - datetime(1970, 1, 1, tzinfo=UTC)), _micros(after)))
            current = after
        here = nxt
    return tuple(pairs)


def _micros(delta: timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
