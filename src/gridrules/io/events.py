"""Event logs to evidence: platform records in, the counts the rules need out.

Grid platforms (网格E通 and the like) keep raw records, not counts: one row per sign-in, household
visit, inspection, dispatch or website update. This module reads such logs (JSON lines or CSV)
into :class:`Event` values and turns them into per-assessee evidence for a :class:`Period`.

Every record needs ``assessee``, ``type`` and ``time`` (ISO 8601). A time without an offset is
taken in the reader's timezone (``Asia/Shanghai`` by default); a time with one is converted to it,
so the day and the 上午/下午 of every event are those of the assessment's timezone. Other columns
are kept as text in :attr:`Event.fields`; ``dispatched`` and ``arrived`` are read as times too.

A bad row is never dropped silently: the reader keeps the good events and lists every rejected row
with its line number and reason (:class:`RowError`), or in strict mode raises
:class:`EventLogError` listing all of them.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import IO, Literal

import attrs
import pendulum

from ..dates.calendars import WorkingCalendar
from ..dates.periods import Period, PeriodKind
from ..errors import DataFileError

__all__ = [
    "DEFAULT_TIMEZONE",
    "Event",
    "EventLog",
    "EventLogError",
    "EventReader",
    "RowError",
    "count_by_type",
    "late_arrivals",
    "merge_evidence",
    "missed_sign_ins",
    "read_events",
    "visit_shortfall",
    "weeks_below_minimum",
    "xun_without_inspection",
]

DEFAULT_TIMEZONE = "Asia/Shanghai"
"""Naive times in an event log are read in this timezone unless the reader is told otherwise."""

REQUIRED_FIELDS = ("assessee", "type", "time")
DEFAULT_TIME_FIELDS = ("dispatched", "arrived")

_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_SLOTS = {"am": "am", "pm": "pm", "上午": "am", "下午": "pm"}
_NOON = 12

Slot = Literal["am", "pm"]
Evidence = dict[str, dict[str, int]]
"""Per-assessee evidence: assessee id -> {field id -> count}."""


# -- records --------------------------------------------------------------------------------------


@attrs.frozen
class RowError:
    """A row of an event log that was rejected: its line number, why, and its text.

    :param line: 1-based line number of the row in the file (the first line of a CSV row that
        spans several lines).
    :param reason: what is wrong and what was expected.
    :param raw: the row's text as read.
    """

    line: int
    reason: str
    raw: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class EventLogError(DataFileError):
    """An event log has rows that cannot be used: lists every rejected row, not only the first.

    :param source: the file (or stream name) read.
    :param rows: the rejected rows.
    :param detail: a problem with the file as a whole (a missing CSV column), if any.
    """

    def __init__(
        self, source: str, rows: Iterable[RowError] = (), detail: str | None = None
    ) -> None:
        self.source = source
        self.rows: tuple[RowError, ...] = tuple(rows)
        self.detail = detail
        lines = [f"{source}: {detail}"] if detail else []
        if self.rows:
            count = len(self.rows)
            lines.append(f"{source}: {count} rejected row{'s' if count != 1 else ''}:")
            lines.extend(f"  - {row}" for row in self.rows)
        super().__init__("\n".join(lines) or f"{source}: unusable event log")


def _frozen_text_fields(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def _frozen_time_fields(value: Mapping[str, datetime]) -> Mapping[str, datetime]:
    for name, moment in value.items():
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise TypeError(f"event time field {name!r} must be an aware datetime, got {moment!r}")
    return MappingProxyType(dict(value))


def _check_aware(instance: Event, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise TypeError(f"event time must be an aware datetime, got {value!r}")


def _check_text(instance: Event, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"event {attribute.name} must be non-empty text, got {value!r}")


@attrs.frozen
class Event:
    """One timestamped record of an event log (签到, 走访, 巡查, 派单, 更新, ...).

    Built by the readers, or directly in Python (then ``time`` must already be in the timezone of
    the assessment: its date and hour are taken as they stand).

    :param assessee: who the record is about (the grid worker's id or name).
    :param type: what happened: ``sign_in``, ``visit``, ``inspection``, ``dispatch``, ``update``
        or any other name the aggregators are told about.
    :param time: when, an aware datetime in the assessment's timezone.
    :param fields: the record's other fields, as text (``household``, ``status``, ``slot``, ...).
    :param times: fields read as aware times (``dispatched``, ``arrived``).
    :param line: line number in the source file (0 when built in Python).
    :param source: the file it was read from.
    """

    assessee: str = attrs.field(validator=_check_text)
    type: str = attrs.field(validator=_check_text)
    time: datetime = attrs.field(validator=_check_aware)
    fields: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_text_fields, hash=False)
    times: Mapping[str, datetime] = attrs.field(
        factory=dict, converter=_frozen_time_fields, hash=False
    )
    line: int = attrs.field(default=0, eq=False)
    source: str = attrs.field(default="", eq=False)

    @property
    def date(self) -> date:
        """The calendar day of :attr:`time` (in the timezone the time is in)."""
        return date(self.time.year, self.time.month, self.time.day)

    @property
    def slot(self) -> Slot:
        """上午 (``"am"``) or 下午 (``"pm"``): the ``slot`` field, else before 12:00 is am."""
        given = self.fields.get("slot")
        if given is not None:
            normalised = _SLOTS.get(given.strip().lower())
            if normalised == "am":
                return "am"
            if normalised == "pm":
                return "pm"
            raise ValueError(f"event slot must be am or pm (上午/下午), got {given!r}")
        return "am" if self.time.hour < _NOON else "pm"

    def get(self, name: str, default: str | None = None) -> str | None:
        """The text field ``name``, or ``default`` when the record has none."""
        return self.fields.get(name, default)

    def where(self) -> str:
        """``file:line`` of the record, for messages."""
        return f"{self.source or '<python>'}:{self.line}"


# -- reading --------------------------------------------------------------------------------------


def _timezone(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    try:
        return pendulum.timezone(name)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"unknown timezone {name!r}: {exc}") from None


def _parse_time(
    value: object, field: str, zone: pendulum.Timezone | pendulum.FixedTimezone
) -> datetime:
    if not isinstance(value, str):
        raise _Reject(f"{field} must be an ISO 8601 date and time as text, got {value!r}")
    text = value.strip()
    if not _ISO_DATETIME.match(text):
        raise _Reject(
            f"{field} {value!r} is not an ISO 8601 date and time (expected e.g. "
            f"2026-10-10T08:30:00 or 2026-10-10 08:30+08:00)"
        )
    try:
        parsed = pendulum.parse(text, exact=True, tz=None)
    except ValueError as exc:
        raise _Reject(f"{field} {value!r} is not a valid date and time ({exc})") from None
    if not isinstance(parsed, datetime):
        raise _Reject(f"{field} {value!r} is not a date and time")
    return zone.convert(parsed)


class _Reject(Exception):
    """Internal: a row is rejected for the given reason."""


def _text(value: object) -> str | None:
    """A field value as text; None and empty text mean the field is absent."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _required_text(record: Mapping[str, object], name: str) -> str:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Reject(f"missing {name}")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Reject(f"{name} must be text, got {value!r}")
    return str(value).strip()


class EventReader:
    """Read an event log row by row: iterate it for the good events, then look at ``rejected``.

    The file is read lazily, one row at a time, so logs larger than memory can be aggregated.
    Iterating again reads the file again (a path) and refills :attr:`rejected`.

    :param source: a path, or an open text stream (then ``format`` is required).
    :param format: ``"jsonl"`` or ``"csv"``; by default from the file suffix (``.jsonl``,
        ``.ndjson``, ``.csv``).
    :param timezone: IANA name of the timezone naive times are in and aware ones are converted to.
    :param time_fields: further fields read as times when present (default ``dispatched`` and
        ``arrived``); a record must not have ``arrived`` before ``dispatched`` (or before its
        ``time`` when it has no ``dispatched``).
    :param strict: raise :class:`EventLogError` with every rejected row once the log has been read.
    :param name: how the source is named in messages (default: the path).
    """

    def __init__(
        self,
        source: str | os.PathLike[str] | IO[str],
        *,
        format: Literal["jsonl", "csv"] | None = None,
        timezone: str = DEFAULT_TIMEZONE,
        time_fields: Iterable[str] = DEFAULT_TIME_FIELDS,
        strict: bool = False,
        name: str | None = None,
    ) -> None:
        self._source = source
        if isinstance(source, str | os.PathLike):
            self.name = name or os.fspath(source)
            suffix = os.path.splitext(self.name)[1].lower()
            guessed = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}.get(suffix)
        else:
            self.name = name or str(getattr(source, "name", "<stream>"))
            guessed = None
        chosen = format or guessed
        if chosen == "jsonl":
            self.format: Literal["jsonl", "csv"] = "jsonl"
        elif chosen == "csv":
            self.format = "csv"
        else:
            raise ValueError(
                f"{self.name}: cannot tell the event log format from {chosen!r}; "
                f"pass format='jsonl' or 'csv'"
            )
        self.timezone = timezone
        self._zone = _timezone(timezone)
        self._time_fields = tuple(time_fields)
        self.strict = strict
        self.rejected: list[RowError] = []
        """Rows rejected by the last (or current) iteration, in file order."""

    def __iter__(self) -> Iterator[Event]:
        self.rejected = []
        with self._open() as handle:
            rows = self._jsonl_rows(handle) if self.format == "jsonl" else self._csv_rows(handle)
            while True:
                try:
                    line, raw, record = next(rows)
                except StopIteration:
                    break
                except UnicodeDecodeError as exc:
                    raise EventLogError(
                        self.name, self.rejected, detail=f"not UTF-8 text ({exc})"
                    ) from None
                if isinstance(record, str):
                    self.rejected.append(RowError(line, record, raw))
                    continue
                try:
                    event = self._event(record, line)
                except _Reject as exc:
                    self.rejected.append(RowError(line, str(exc), raw))
                    continue
                yield event
        if self.strict and self.rejected:
            raise EventLogError(self.name, self.rejected)

    @contextlib.contextmanager
    def _open(self) -> Iterator[IO[str]]:
        if not isinstance(self._source, str | os.PathLike):
            yield self._source  # the caller's stream: read it, leave it open
            return
        newline = "" if self.format == "csv" else None
        try:
            # utf-8-sig: spreadsheet exports start with a byte-order mark, others do not.
            handle = open(self._source, encoding="utf-8-sig", newline=newline)  # noqa: SIM115
        except OSError as exc:
            raise EventLogError(self.name, detail=f"cannot open the event log: {exc}") from None
        with handle:
            yield handle

    def _jsonl_rows(self, handle: IO[str]) -> Iterator[tuple[int, str, dict[str, object] | str]]:
        for number, line in enumerate(handle, start=1):
            text = line.removeprefix("\ufeff") if number == 1 else line
            raw = text.rstrip("\r\n")
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield number, raw, f"not valid JSON: {exc.msg} at column {exc.colno}"
                continue
            if not isinstance(value, dict):
                yield number, raw, f"expected a JSON object, got {type(value).__name__}"
                continue
            yield number, raw, value

    def _csv_rows(self, handle: IO[str]) -> Iterator[tuple[int, str, dict[str, object] | str]]:
        consumed: list[str] = []

        def lines() -> Iterator[str]:
            for count, line in enumerate(handle):
                text = line.removeprefix("\ufeff") if count == 0 else line
                consumed.append(text)
                yield text

        reader = csv.reader(lines())
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise EventLogError(self.name, detail=f"cannot read the CSV header: {exc}") from None
        columns = [column.strip() for column in header]
        missing = [name for name in REQUIRED_FIELDS if name not in columns]
        if missing:
            raise EventLogError(
                self.name,
                detail=(
                    f"the CSV header has no column {', '.join(missing)} (found "
                    f"{', '.join(columns) or 'no columns'}); every event needs "
                    f"{', '.join(REQUIRED_FIELDS)}"
                ),
            )
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            raise EventLogError(
                self.name, detail=f"the CSV header repeats column {', '.join(duplicated)}"
            )
        consumed.clear()
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = reader.line_num
                raw = "".join(consumed).rstrip("\r\n")
                consumed.clear()
                yield line, raw, f"cannot read the CSV row: {exc}"
                continue
            leading_blank = 0
            while leading_blank < len(consumed) and not consumed[leading_blank].strip():
                leading_blank += 1
            first_line = reader.line_num - len(consumed) + 1 + leading_blank
            raw = "".join(consumed[leading_blank:]).rstrip("\r\n")
            consumed.clear()
            if not values:
                continue
            if len(values) > len(columns):
                yield first_line, raw, f"{len(values)} values for {len(columns)} columns"
                continue
            yield first_line, raw, dict(zip(columns, values, strict=False))

    def _event(self, record: Mapping[str, object], line: int) -> Event:
        assessee = _required_text(record, "assessee")
        kind = _required_text(record, "type")
        if record.get("time") in (None, ""):
            raise _Reject("missing time")
        time = _parse_time(record["time"], "time", self._zone)
        fields: dict[str, str] = {}
        times: dict[str, datetime] = {}
        for key, value in record.items():
            if key in REQUIRED_FIELDS:
                continue
            if key in self._time_fields:
                if value is not None and value != "":
                    times[key] = _parse_time(value, key, self._zone)
                continue
            text = _text(value)
            if text is not None:
                fields[key] = text
        slot = fields.get("slot")
        if slot is not None:
            if slot.strip().lower() not in _SLOTS:
                raise _Reject(f"slot must be am or pm (上午/下午), got {slot!r}")
            fields["slot"] = _SLOTS[slot.strip().lower()]
        # Without its own dispatched time a dispatch was dispatched at the record's time.
        dispatched, arrived = times.get("dispatched", time), times.get("arrived")
        if arrived is not None and arrived < dispatched:
            raise _Reject(
                f"arrived {arrived.isoformat()} is before dispatched {dispatched.isoformat()}"
            )
        return Event(assessee, kind, time, fields, times, line=line, source=self.name)


@attrs.frozen
class EventLog:
    """A whole event log read into memory: the good events and the rejected rows.

    :param source: the file read.
    :param events: the good events, in file order.
    :param rejected: every rejected row, in file order.
    """

    source: str
    events: tuple[Event, ...]
    rejected: tuple[RowError, ...]

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)


def read_events(
    source: str | os.PathLike[str] | IO[str],
    *,
    format: Literal["jsonl", "csv"] | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    time_fields: Iterable[str] = DEFAULT_TIME_FIELDS,
    strict: bool = False,
    name: str | None = None,
) -> EventLog:
    """Read a whole event log: the good events plus every rejected row.

    For logs too large for memory, iterate an :class:`EventReader` instead.
    Parameters are those of :class:`EventReader`.

    :raises EventLogError: in strict mode, listing every rejected row; always for a file that
        cannot be opened or a CSV header without ``assessee``, ``type`` or ``time``.
    """
    reader = EventReader(
        source, format=format, timezone=timezone, time_fields=time_fields, strict=strict, name=name
    )
    events = tuple(reader)
    return EventLog(reader.name, events, tuple(reader.rejected))


# -- aggregation ----------------------------------------------------------------------------------


class _Table:
    """Per-assessee evidence with every assessee present, zero-filled, sorted by assessee."""

    def __init__(self, assessees: Iterable[str]) -> None:
        self.seen: set[str] = set(assessees)

    def see(self, event: Event, period: Period) -> bool:
        """Record the event's assessee when it falls in the period; return whether it does."""
        if period.contains(event.date):
            self.seen.add(event.assessee)
            return True
        return False

    def build(self, compute: Callable[[str], dict[str, int]]) -> Evidence:
        return {assessee: compute(assessee) for assessee in sorted(self.seen)}


def _field_ids(**named: str | None) -> None:
    taken: dict[str, str] = {}
    for option, field in named.items():
        if field is None:
            continue
        if not isinstance(field, str) or not field.strip():
            raise ValueError(f"{option} must be a non-empty field id, got {field!r}")
        if field in taken:
            raise ValueError(f"{option} and {taken[field]} both name the field {field!r}")
        taken[field] = option


def missed_sign_ins(
    events: Iterable[Event],
    period: Period,
    calendar: WorkingCalendar,
    *,
    event_type: str = "sign_in",
    assessees: Iterable[str] = (),
    field: str = "missed_sign_ins",
    expected_field: str | None = None,
    signed_field: str | None = None,
) -> Evidence:
    """缺签 (missed sign-ins): 上午、下午 sign-ins expected on every working day of the period.

    expected = 2 × working days; missed = expected − distinct (working day, slot) pairs signed.
    Signing twice in one slot counts once; sign-ins on weekends and holidays count toward
    nothing. The slot is the record's ``slot`` (``am``/``pm``) or, without one, its hour: before
    12:00 is 上午.

    Every assessee with any event in the period appears, and every one in ``assessees`` (pass
    the roster so that someone who never signed in is counted as missing every sign-in).

    :param field: output field id for the missed count.
    :param expected_field: if given, also output the expected count under this id.
    :param signed_field: if given, also output the count of (day, slot) pairs signed.
    :raises CalendarError: when the calendar does not know a year of the period.
    """
    _field_ids(field=field, expected_field=expected_field, signed_field=signed_field)
    working = frozenset(calendar.working_dates(period))
    expected = 2 * len(working)
    table = _Table(assessees)
    signed: dict[str, set[tuple[date, str]]] = defaultdict(set)
    for event in events:
        if table.see(event, period) and event.type == event_type and event.date in working:
            signed[event.assessee].add((event.date, event.slot))

    def compute(assessee: str) -> dict[str, int]:
        done = len(signed.get(assessee, ()))
        out = {field: expected - done}
        if expected_field is not None:
            out[expected_field] = expected
        if signed_field is not None:
            out[signed_field] = done
        return out

    return table.build(compute)


def visit_shortfall(
    events: Iterable[Event],
    period: Period,
    calendar: WorkingCalendar,
    *,
    quota: int = 10,
    event_type: str = "visit",
    distinct_by: str | None = "household",
    assessees: Iterable[str] = (),
    days_field: str = "days_below_quota",
    shortfall_field: str = "household_shortfall",
) -> Evidence:
    """每天走访N户 (households visited per working day) against a daily quota.

    For each working day of the period the households visited are counted; a day below ``quota``
    adds 1 to ``days_field`` and ``quota − visited`` to ``shortfall_field`` (每少1户). Visits on
    weekends and holidays make up for nothing. With ``distinct_by`` (default ``household``) a
    household visited twice on one day counts once; a record without that field counts as one
    visit of its own.

    :param quota: households expected per working day (每天10户 is 10).
    :raises CalendarError: when the calendar does not know a year of the period.
    """
    if isinstance(quota, bool) or not isinstance(quota, int) or quota < 1:
        raise ValueError(f"quota must be a whole number of households of at least 1, got {quota!r}")
    _field_ids(days_field=days_field, shortfall_field=shortfall_field)
    working = calendar.working_dates(period)
    working_set = frozenset(working)
    table = _Table(assessees)
    households: dict[tuple[str, date], set[str]] = defaultdict(set)
    unnamed: dict[tuple[str, date], int] = defaultdict(int)
    for event in events:
        if table.see(event, period) and event.type == event_type and event.date in working_set:
            key = event.get(distinct_by) if distinct_by is not None else None
            if key is None:
                unnamed[(event.assessee, event.date)] += 1
            else:
                households[(event.assessee, event.date)].add(key)

    def compute(assessee: str) -> dict[str, int]:
        days = shortfall = 0
        for day in working:
            count = len(households.get((assessee, day), ())) + unnamed.get((assessee, day), 0)
            if count < quota:
                days += 1
                shortfall += quota - count
        return {days_field: days, shortfall_field: shortfall}

    return table.build(compute)


def _completed(event: Event, status_field: str | None, completed: frozenset[str]) -> bool:
    if status_field is None:
        return True
    status = event.get(status_field)
    return status is None or status.strip().lower() in completed


def xun_without_inspection(
    events: Iterable[Event],
    period: Period,
    *,
    event_type: str = "inspection",
    status_field: str | None = "status",
    completed: Iterable[str] = ("completed",),
    partial: Literal["include", "exclude"] = "include",
    assessees: Iterable[str] = (),
    field: str = "xun_without_inspection",
) -> Evidence:
    """每旬 (per ten-day period) tasks: the number of 旬 with no completed inspection.

    The period is split into 旬 (X1 days 1-10, X2 11-20, X3 21 to month end). A record counts as
    a completed inspection when it has no ``status`` or its status is one of ``completed``
    (compared case-insensitively); ``status = "pending"`` does not count.

    A 旬 cut by the period's edge (a window starting on 5 March cuts 1-10 March) is assessed on
    its days inside the period with ``partial="include"`` (the default: the worker was due an
    inspection in that part), or left out with ``partial="exclude"``.
    """
    _field_ids(field=field)
    done_values = frozenset(value.strip().lower() for value in completed)
    if partial not in ("include", "exclude"):
        raise ValueError(f"partial must be 'include' or 'exclude', got {partial!r}")
    parts = [part for part in period.xuns() if partial == "include" or part.kind is PeriodKind.XUN]
    table = _Table(assessees)
    covered: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if (
            table.see(event, period)
            and event.type == event_type
            and _completed(event, status_field, done_values)
        ):
            for index, part in enumerate(parts):
                if part.contains(event.date):
                    covered[event.assessee].add(index)
                    break

    return table.build(lambda a: {field: len(parts) - len(covered.get(a, ()))})


def late_arrivals(
    events: Iterable[Event],
    period: Period,
    *,
    event_type: str = "dispatch",
    limit: timedelta = timedelta(minutes=15),
    assessees: Iterable[str] = (),
    late_field: str = "late_arrivals",
    ignored_field: str = "ignored_dispatches",
) -> Evidence:
    """必须在15分钟内赶到 (arrive within 15 minutes of dispatch): late and never-arrived dispatches.

    The dispatch time is the record's ``dispatched`` time, or its ``time`` without one; the
    dispatch belongs to the period holding that day. Arriving exactly ``limit`` after dispatch is
    on time ("within 15 minutes"); one second more is late. A dispatch without ``arrived`` was
    never answered (置之不理) and counts under ``ignored_field``, not as late.

    :param limit: the time allowed, 15 minutes by default.
    :raises EventLogError: for an event built in Python whose arrival precedes its dispatch.
    """
    _field_ids(late_field=late_field, ignored_field=ignored_field)
    if limit < timedelta(0):
        raise ValueError(f"limit must not be negative, got {limit}")
    table = _Table(assessees)
    late: dict[str, int] = defaultdict(int)
    ignored: dict[str, int] = defaultdict(int)
    for event in events:
        if event.type != event_type:
            table.see(event, period)
            continue
        dispatched = event.times.get("dispatched", event.time)
        day = date(dispatched.year, dispatched.month, dispatched.day)
        if not period.contains(day):
            table.see(event, period)
            continue
        table.seen.add(event.assessee)
        arrived = event.times.get("arrived")
        if arrived is None:
            ignored[event.assessee] += 1
        elif arrived < dispatched:
            reason = f"arrived {arrived.isoformat()} is before dispatched {dispatched.isoformat()}"
            raise EventLogError(event.source or "<python>", [RowError(event.line, reason, "")])
        elif arrived - dispatched > limit:
            late[event.assessee] += 1

    return table.build(lambda a: {late_field: late.get(a, 0), ignored_field: ignored.get(a, 0)})


WeekRule = Literal["thursday", "all", "none"]


def _assessed_weeks(period: Period, partial_weeks: WeekRule) -> list[Period]:
    weeks: list[Period] = []
    for part in period.split(PeriodKind.WEEK):
        if part.kind is PeriodKind.WEEK or partial_weeks == "all":
            weeks.append(part)
        elif partial_weeks == "thursday":
            thursday = Period.containing(part.start, PeriodKind.WEEK).start + timedelta(days=3)
            if part.contains(thursday):
                weeks.append(part)
        elif partial_weeks != "none":
            raise ValueError(
                f"partial_weeks must be 'thursday', 'all' or 'none', got {partial_weeks!r}"
            )
    return weeks


def weeks_below_minimum(
    events: Iterable[Event],
    period: Period,
    *,
    minimum: int = 2,
    event_type: str = "update",
    partial_weeks: WeekRule = "thursday",
    assessees: Iterable[str] = (),
    field: str = "weeks_below_minimum",
    weeks_field: str | None = None,
) -> Evidence:
    """每周不少于N次 (at least N a week): the number of weeks with fewer than ``minimum`` records.

    Weeks are ISO weeks, Monday to Sunday, clipped to the period; only records dated inside the
    period count. A week cut by the period's edge is assessed according to ``partial_weeks``:

    - ``"thursday"`` (default): assessed when it holds the week's Thursday, i.e. at least four of
      its seven days fall in the period, with the full ``minimum``. This is the ISO 8601 rule that
      gives each week to one year; applied to months it gives every week to exactly one month, so
      consecutive monthly assessments neither skip a week nor assess one twice.
    - ``"all"``: every cut part is assessed with the full ``minimum``.
    - ``"none"``: only weeks wholly inside the period are assessed.

    :param minimum: records needed per week (每周不少于2次 is 2).
    :param weeks_field: if given, also output the number of weeks assessed.
    """
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise ValueError(f"minimum must be a whole number of at least 1, got {minimum!r}")
    _field_ids(field=field, weeks_field=weeks_field)
    weeks = _assessed_weeks(period, partial_weeks)
    table = _Table(assessees)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for event in events:
        if table.see(event, period) and event.type == event_type:
            for index, week in enumerate(weeks):
                if week.contains(event.date):
                    counts[(event.assessee, index)] += 1
                    break

    def compute(assessee: str) -> dict[str, int]:
        below = sum(1 for i in range(len(weeks)) if counts.get((assessee, i), 0) < minimum)
        out = {field: below}
        if weeks_field is not None:
            out[weeks_field] = len(weeks)
        return out

    return table.build(compute)


def count_by_type(
    events: Iterable[Event],
    period: Period,
    *,
    types: Mapping[str, str] | Iterable[str] | None = None,
    assessees: Iterable[str] = (),
) -> Evidence:
    """Count records of each type per assessee in the period (办件数, 上报事件数, ...).

    :param types: which types to count: a mapping of type to output field id, or type names used
        as their own field ids; by default every type found, each under its own name. Listed
        types are reported as 0 for assessees without such records.
    """
    if types is None:
        wanted: dict[str, str] | None = None
    elif isinstance(types, Mapping):
        wanted = dict(types)
    else:
        wanted = {name: name for name in types}
    if wanted is not None:
        _field_ids(**{f"types[{k!r}]": v for k, v in wanted.items()})
    table = _Table(assessees)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    found_types: set[str] = set()
    for event in events:
        if table.see(event, period) and (wanted is None or event.type in wanted):
            counts[event.assessee][event.type] += 1
            found_types.add(event.type)
    mapping = wanted if wanted is not None else {t: t for t in sorted(found_types)}

    def compute(assessee: str) -> dict[str, int]:
        mine = counts.get(assessee, {})
        return {field: mine.get(kind, 0) for kind, field in mapping.items()}

    return table.build(compute)


def merge_evidence(
    *parts: Mapping[str, Mapping[str, int | Decimal]],
) -> dict[str, dict[str, int | Decimal]]:
    """Merge the outputs of several aggregators into one evidence record per assessee.

    :raises ValueError: when two parts give the same field of the same assessee.
    """
    merged: dict[str, dict[str, int | Decimal]] = {}
    for part in parts:
        for assessee, fields in part.items():
            target = merged.setdefault(assessee, {})
            for field, value in fields.items():
                if field in target:
                    raise ValueError(f"assessee {assessee!r}: field {field!r} is given twice")
                target[field] = value
    return {assessee: merged[assessee] for assessee in sorted(merged)}
