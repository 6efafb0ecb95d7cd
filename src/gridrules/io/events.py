"""Event logs to evidence: platform records in, the counts the rules need out.

Grid platforms (网格E通 and the like) keep raw records, not counts: one row per sign-in, household
visit, inspection, dispatch or website update. This module reads such logs (JSON lines, CSV in
UTF-8 or GBK, Excel) into :class:`Event` values and turns them into per-assessee evidence for a
:class:`Period`. It is the pure-Python reference: the engines of :mod:`gridrules.io.aggregators`
(DuckDB, Spark) compute the same counts from the same records, and are tested against it.

Every record needs ``assessee``, ``type`` and ``time`` (ISO 8601). A time without an offset is
taken in the reader's timezone (``Asia/Shanghai`` by default); a time with one is converted to it,
so the day and the 上午/下午 of every event are those of the assessment's timezone. Other columns
are kept as text in :attr:`Event.fields`; ``dispatched`` and ``arrived`` are read as times too.

A bad row is never dropped silently: the reader keeps the good events and lists every rejected row
with its line (JSON lines) or row (CSV, Excel) number and reason (:class:`RowError`), or in strict
mode raises :class:`EventLogError` listing them.
"""

from __future__ import annotations

import json
import os
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import IO, Literal

import attrs
import pendulum

from ..dates.calendars import WorkingCalendar
from ..dates.periods import Period, PeriodKind
from ..errors import DataFileError
from .datafiles import DuplicateKey, unique_keys
from .eventtime import BLANKS, SLOTS, TimeTextError, parse_time
from .tables import open_reader

__all__ = [
    "DEFAULT_TIMEZONE",
    "DEFAULT_TIME_FIELDS",
    "FORMATS",
    "Event",
    "EventLog",
    "EventLogError",
    "EventReader",
    "RowError",
    "RowRejected",
    "assessed_weeks",
    "count_by_type",
    "explain_json_line",
    "late_arrivals",
    "log_format",
    "make_event",
    "merge_evidence",
    "missed_sign_ins",
    "missed_weekly_visits",
    "normalised",
    "read_events",
    "record_of_cells",
    "table_records",
    "timezone_info",
    "visit_shortfall",
    "weeks_below_minimum",
    "weeks_short_of_days",
    "xun_parts",
    "xun_scope",
    "xun_without_inspection",
]

DEFAULT_TIMEZONE = "Asia/Shanghai"
"""Naive times in an event log are read in this timezone unless the reader is told otherwise."""

REQUIRED_FIELDS = ("assessee", "type", "time")
DEFAULT_TIME_FIELDS = ("dispatched", "arrived")

_NOON = 12
_INT64 = (-(2**63), 2**63 - 1)

Slot = Literal["am", "pm"]
Evidence = dict[str, dict[str, int]]
"""Per-assessee evidence: assessee id -> {field id -> count}."""


# -- records --------------------------------------------------------------------------------------


@attrs.frozen
class RowError:
    """A row of an event log that was rejected: where it is, why, and its text.

    :param line: 1-based number of the row: its line in a JSON lines file, its row in a CSV file
        or sheet as a spreadsheet shows it (the header is row 1); 0 where the source has no
        numbers (a table on Spark).
    :param reason: what is wrong and what was expected.
    :param raw: the row's text as read (a CSV or Excel row as the JSON of its cells).
    :param unit: ``"line"`` or ``"row"``: what :attr:`line` counts.
    :param source: the file (or table) it is in.
    """

    line: int
    reason: str
    raw: str
    unit: str = "line"
    source: str = ""

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.reason}" if self.line else self.reason


class EventLogError(DataFileError):
    """An event log has rows that cannot be used: lists the rejected rows, not only the first.

    :param source: the file (or stream name) read.
    :param rows: the rejected rows listed.
    :param detail: a problem with the file as a whole (a missing CSV column), if any.
    :param total: how many rows were rejected in all, when more than those listed.
    """

    def __init__(
        self,
        source: str,
        rows: Iterable[RowError] = (),
        detail: str | None = None,
        total: int | None = None,
    ) -> None:
        self.source = source
        self.rows: tuple[RowError, ...] = tuple(rows)
        self.detail = detail
        self.total = max(total or 0, len(self.rows))
        lines = [f"{source}: {detail}"] if detail else []
        if self.rows:
            count = self.total
            shown = "" if count == len(self.rows) else f" (the first {len(self.rows)} listed)"
            lines.append(f"{source}: {count} rejected row{'s' if count != 1 else ''}{shown}:")
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
            half = SLOTS.get(normalised(given))
            if half == "am":
                return "am"
            if half == "pm":
                return "pm"
            raise ValueError(f"event slot must be am or pm (上午/下午), got {given!r}")
        return "am" if self.time.hour < _NOON else "pm"

    @property
    def slot_given(self) -> bool:
        """Whether the record names its 上午/下午 (``slot``) rather than leaving it to the hour."""
        return "slot" in self.fields

    def get(self, name: str, default: str | None = None) -> str | None:
        """The text field ``name``, or ``default`` when the record has none."""
        return self.fields.get(name, default)

    def where(self) -> str:
        """``file:line`` of the record, for messages."""
        return f"{self.source or '<python>'}:{self.line}"


# -- reading --------------------------------------------------------------------------------------


def timezone_info(name: str) -> tzinfo:
    """The timezone named ``name`` (IANA: ``Asia/Shanghai``; ``UTC``).

    :raises ValueError: naming the unknown timezone.
    """
    return _timezone(name)


def _timezone(name: str) -> tzinfo:
    try:
        zone = pendulum.timezone(name)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"unknown timezone {name!r}: {exc}") from None
    if not isinstance(zone, zoneinfo.ZoneInfo):  # a fixed offset: UTC and the like
        return zone
    return zoneinfo.ZoneInfo(name)


def _parse_time(value: object, field: str, zone: tzinfo) -> datetime:
    if not isinstance(value, str):
        raise _Reject(f"{field} must be an ISO 8601 date and time as text, got {_shown(value)}")
    try:
        return parse_time(value, zone)
    except TimeTextError as exc:
        raise _Reject(f"{field} {value!r} {exc}") from None


class _Reject(Exception):
    """Internal: a row is rejected for the given reason."""


def _shown(value: object) -> str:
    """A value as a message shows it: JSON text, as the log holds it."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _text(value: object) -> str | None:
    """A field value as text; None and blank text mean the field is absent."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip(BLANKS) else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def normalised(value: str) -> str:
    """A status or slot as it is compared: stripped of ``BLANKS`` (:mod:`gridrules.io.eventtime`),
    in lower case; the engines' SQL compares ``Dialect.normalised`` of it
    (:mod:`gridrules.io.eventsql`)."""
    return value.strip(BLANKS).lower()


def _required_text(record: Mapping[str, object], name: str) -> str:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip(BLANKS)):
        raise _Reject(f"missing {name}")
    return _key_text(value, name)


def _key_text(value: object, name: str) -> str:
    """A value that must be text or a whole number (an assessee, a type, a field the aggregators
    read), as text: every engine reads such a value, and reads it alike, as text or as a signed
    64-bit integer."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Reject(f"{name} must be text or a whole number, got {_shown(value)}")
    if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
        raise _Reject(
            f"{name} {value} is a whole number beyond 64 bits ({_INT64[0]} to {_INT64[1]}); "
            "give it as text"
        )
    return str(value).strip(BLANKS)


def _cell(value: object) -> object:
    """A table cell as a JSON value: times as ISO text, exact numbers as numbers or text."""
    if isinstance(value, datetime):
        return value.isoformat(sep="T")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def record_of_cells(cells: Mapping[str, object]) -> dict[str, object]:
    """A CSV or Excel row's cells as the record the checks read (the same for every engine)."""
    return {key: _cell(value) for key, value in cells.items()}


def make_event(
    record: Mapping[str, object],
    zone: tzinfo,
    *,
    time_fields: Iterable[str] = DEFAULT_TIME_FIELDS,
    read_fields: Iterable[str] = (),
    line: int = 0,
    source: str = "",
) -> Event:
    """The event a log record stands for, or :class:`RowRejected` saying why it cannot be one.

    The one check of a record: the reader applies it to every row, and the engines to each row
    they list as rejected, so that a reason reads the same whichever engine found it.

    :param read_fields: the fields the aggregators read besides ``assessee``, ``type``, ``time``
        and the time fields (a household, a person, a status): where given, each must be text or
        a whole number, as ``assessee`` must, so that every engine reads the same value (an
        object's or a fraction's text is written differently by each).
    """
    try:
        return _event(record, zone, tuple(time_fields), frozenset(read_fields), line, source)
    except _Reject as exc:
        raise RowRejected(str(exc)) from None


class RowRejected(ValueError):
    """A record is not a usable event; the message is the reason."""


def _event(
    record: Mapping[str, object],
    zone: tzinfo,
    time_fields: tuple[str, ...],
    read_fields: frozenset[str],
    line: int,
    source: str,
) -> Event:
    assessee = _required_text(record, "assessee")
    kind = _required_text(record, "type")
    if record.get("time") in (None, ""):
        raise _Reject("missing time")
    time = _parse_time(record["time"], "time", zone)
    fields: dict[str, str] = {}
    times: dict[str, datetime] = {}
    for key, value in record.items():
        if key in REQUIRED_FIELDS:
            continue
        if key in time_fields:
            if value is not None and value != "":
                times[key] = _parse_time(value, key, zone)
            continue
        text = _text(value)
        if text is not None:
            if key in read_fields:
                _key_text(value, key)
            fields[key] = text
    slot = fields.get("slot")
    if slot is not None:
        if normalised(slot) not in SLOTS:
            raise _Reject(f"slot must be am or pm (上午/下午), got {slot!r}")
        fields["slot"] = SLOTS[normalised(slot)]
    # Without its own dispatched time a dispatch was dispatched at the record's time.
    dispatched, arrived = times.get("dispatched", time), times.get("arrived")
    if arrived is not None and _utc(arrived) < _utc(dispatched):
        raise _Reject(
            f"arrived {arrived.isoformat()} is before dispatched {dispatched.isoformat()}"
        )
    return Event(assessee, kind, time, fields, times, line=line, source=source)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def explain_json_line(
    text: str,
    zone: tzinfo,
    time_fields: Iterable[str] = DEFAULT_TIME_FIELDS,
    read_fields: Iterable[str] = (),
) -> str | None:
    """Why a line of a JSON lines log is rejected, or None if it is a good event (``read_fields``
    as for :func:`make_event`)."""
    outcome = _json_record(text)
    if isinstance(outcome, str):
        return outcome
    try:
        make_event(outcome, zone, time_fields=time_fields, read_fields=read_fields)
    except RowRejected as exc:
        return str(exc)
    return None


def _json_record(text: str) -> dict[str, object] | str:
    """The JSON object on a line, or why there is none."""
    try:
        value = json.loads(text, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at column {exc.colno}"
    except DuplicateKey as exc:
        return f"{exc}: which value is meant cannot be known"
    except RecursionError:
        return "nested too deeply to be read"
    except ValueError:  # a whole number of more than 4,300 digits
        return "holds a number too long to read"
    if not isinstance(value, dict):
        return f"expected a JSON object, got {type(value).__name__}"
    return value


FORMATS = ("jsonl", "csv", "xlsx")
"""The formats of event logs the pure-Python reader reads (the engines add Parquet)."""


def log_format(name: str, given: str | None = None) -> str:
    """The format of the log ``name``: ``given`` if set, else from the suffix."""
    if given is not None:
        if given not in FORMATS:
            raise ValueError(
                f"{name}: unknown event log format {given!r}; expected one of {', '.join(FORMATS)}"
            )
        return given
    suffix = os.path.splitext(name)[1].lower()
    found = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}.get(suffix)
    if found is None:
        raise ValueError(
            f"{name}: cannot tell the event log format from {suffix or 'a name without suffix'!r};"
            " pass format='jsonl', 'csv' or 'xlsx'"
        )
    return found


class EventReader:
    """Read an event log row by row: iterate it for the good events, then look at ``rejected``.

    The file is read lazily, one row at a time, so logs larger than memory can be aggregated.
    Iterating again reads the file again (a path) and refills :attr:`rejected`.

    JSON lines are numbered by line; CSV (UTF-8 with or without BOM, or GBK, told apart as
    ``gridrules batch`` does) and Excel rows as a spreadsheet shows them, the header being row 1.

    :param source: a path, or an open text stream of JSON lines (then ``format`` is required).
    :param format: ``"jsonl"``, ``"csv"`` or ``"xlsx"``; by default from the file suffix
        (``.jsonl``, ``.ndjson``, ``.csv``, ``.xlsx``).
    :param timezone: IANA name of the timezone naive times are in and aware ones are converted to.
    :param time_fields: further fields read as times when present (default ``dispatched`` and
        ``arrived``); a record must not have ``arrived`` before ``dispatched`` (or before its
        ``time`` when it has no ``dispatched``).
    :param read_fields: fields the aggregators will read (a household, a status): where given,
        each must be text or a whole number (see :func:`make_event`).
    :param strict: raise :class:`EventLogError` with every rejected row once the log has been read.
    :param name: how the source is named in messages (default: the path).
    :param limit: list at most this many rejected rows (``None``: all); :attr:`rejected_count`
        counts them all, so that a log of bad rows takes no more memory than a good one.
    """

    def __init__(
        self,
        source: str | os.PathLike[str] | IO[str],
        *,
        format: str | None = None,
        timezone: str = DEFAULT_TIMEZONE,
        time_fields: Iterable[str] = DEFAULT_TIME_FIELDS,
        read_fields: Iterable[str] = (),
        strict: bool = False,
        name: str | None = None,
        limit: int | None = None,
    ) -> None:
        self._source = source
        if isinstance(source, str | os.PathLike):
            self.name = name or os.fspath(source)
            self.format = log_format(self.name, format)
        else:
            self.name = name or str(getattr(source, "name", "<stream>"))
            if format is None:
                raise ValueError(
                    f"{self.name}: cannot tell the event log format of a stream; pass "
                    "format='jsonl'"
                )
            self.format = log_format(self.name, format)
            if self.format != "jsonl":
                raise ValueError(f"{self.name}: CSV and Excel logs are read from a file path")
        self.unit = "line" if self.format == "jsonl" else "row"
        self.timezone = timezone
        self._zone = _timezone(timezone)
        self._time_fields = tuple(time_fields)
        self._read_fields = frozenset(read_fields)
        self.strict = strict
        self.limit = limit
        self.rejected: list[RowError] = []
        """Rows rejected by the last (or current) iteration, in file order (at most ``limit``)."""
        self.rejected_count = 0
        """How many rows the last (or current) iteration rejected, listed or not."""

    def _reject(self, line: int, reason: str, raw: str) -> None:
        self.rejected_count += 1
        if self.limit is None or len(self.rejected) < self.limit:
            self.rejected.append(RowError(line, reason, raw, self.unit, self.name))

    def __iter__(self) -> Iterator[Event]:
        self.rejected = []
        self.rejected_count = 0
        rows = self._jsonl_rows() if self.format == "jsonl" else self._table_rows()
        for line, raw, record in rows:
            if isinstance(record, str):
                self._reject(line, record, raw)
                continue
            try:
                event = _event(
                    record, self._zone, self._time_fields, self._read_fields, line, self.name
                )
            except _Reject as exc:
                self._reject(line, str(exc), raw)
                continue
            yield event
        if self.strict and self.rejected_count:
            raise EventLogError(self.name, self.rejected, total=self.rejected_count)

    def _lines(self) -> Iterator[str]:
        """The lines of a JSON lines source as text; a path is decoded a line at a time, so that
        a byte that is not UTF-8 is reported on its own line."""
        if not isinstance(self._source, str | os.PathLike):
            yield from self._source  # the caller's stream: read it, leave it open
            return
        try:
            handle = open(self._source, "rb")  # noqa: SIM115
        except OSError as exc:
            raise EventLogError(self.name, detail=f"cannot open the event log: {exc}") from None
        with handle:
            for number, data in enumerate(handle, 1):
                try:
                    yield data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise EventLogError(
                        self.name,
                        self.rejected,
                        detail=f"line {number}: not UTF-8 text ({exc.reason})",
                        total=self.rejected_count,
                    ) from None

    def _jsonl_rows(self) -> Iterator[tuple[int, str, dict[str, object] | str]]:
        for number, line in enumerate(self._lines(), 1):
            # a byte-order mark starts some exports and not others
            text = line.removeprefix("\ufeff") if number == 1 else line
            raw = text.rstrip("\r\n")
            if not raw.strip(BLANKS):
                continue
            yield number, raw, _json_record(raw)

    def _table_rows(self) -> Iterator[tuple[int, str, dict[str, object] | str]]:
        path = Path(self._source)  # type: ignore[arg-type]
        for number, record in table_records(path, self.format, self.name):
            if isinstance(record, str):
                yield number, "", record
            else:
                yield number, json.dumps(record, ensure_ascii=False), record


def table_records(
    path: str | os.PathLike[str], format: str, name: str | None = None
) -> Iterator[tuple[int, dict[str, object] | str]]:
    """The rows of a CSV or Excel event log, read a row at a time: (row number, the record its
    cells make, or why the row cannot be read). Rows are numbered as a spreadsheet shows them,
    the header being row 1; blank rows are skipped.

    The one reading of a table log: the pure-Python reader checks these records, and the engines
    read them as JSON lines (``as_json_lines`` of :mod:`gridrules.io.logengine`).

    :param name: how the log is named in messages (default: the path).
    :raises EventLogError: the file cannot be opened or read to its end, or its header lacks
        ``assessee``, ``type`` or ``time``.
    """
    path = Path(path)
    name = name or os.fspath(path)

    def detail(exc: DataFileError) -> str:
        text = str(exc)
        return text[len(str(path)) :].lstrip(":, ") if text.startswith(str(path)) else text

    try:
        reader = open_reader(path, format)
    except DataFileError as exc:
        raise EventLogError(name, detail=detail(exc)) from None
    with reader:
        columns = list(reader.columns)
        missing = [field for field in REQUIRED_FIELDS if field not in columns]
        if missing:
            raise EventLogError(
                name,
                detail=(
                    f"the header has no column {', '.join(missing)} (found "
                    f"{', '.join(c for c in columns if c) or 'no columns'}); every event "
                    f"needs {', '.join(REQUIRED_FIELDS)}"
                ),
            )
        try:
            for row in reader:
                if row.problem is not None:
                    yield row.number, row.problem
                else:
                    yield row.number, record_of_cells(row.cells)
        except DataFileError as exc:
            raise EventLogError(name, detail=detail(exc)) from None


@attrs.frozen
class EventLog:
    """A whole event log read into memory: the good events and the rejected rows.

    :param source: the file read.
    :param events: the good events, in file order.
    :param rejected: the rejected rows listed, in file order.
    :param rejected_count: how many rows were rejected, listed or not.
    """

    source: str
    events: tuple[Event, ...]
    rejected: tuple[RowError, ...]
    rejected_count: int = 0

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)


def read_events(
    source: str | os.PathLike[str] | IO[str],
    *,
    format: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    time_fields: Iterable[str] = DEFAULT_TIME_FIELDS,
    read_fields: Iterable[str] = (),
    strict: bool = False,
    name: str | None = None,
    limit: int | None = None,
) -> EventLog:
    """Read a whole event log: the good events plus the rejected rows.

    For logs too large for memory, iterate an :class:`EventReader` instead (the aggregators take
    any iterable of events and keep only their counts). Parameters are those of
    :class:`EventReader`.

    :raises EventLogError: in strict mode, listing the rejected rows; always for a file that
        cannot be opened or a CSV header without ``assessee``, ``type`` or ``time``.
    """
    reader = EventReader(
        source,
        format=format,
        timezone=timezone,
        time_fields=time_fields,
        read_fields=read_fields,
        strict=strict,
        name=name,
        limit=limit,
    )
    events = tuple(reader)
    return EventLog(reader.name, events, tuple(reader.rejected), reader.rejected_count)


# -- aggregation ----------------------------------------------------------------------------------
#
# These are the reference aggregators: plain Python over any iterable of events, one pass, memory
# bounded by what they count (assessees times days), never by the length of the log. The engines
# (gridrules.io.aggregators) compute the same counts in SQL; the tests hold them to these.


def _dispatch_day(event: Event) -> date:
    dispatched = event.times.get("dispatched", event.time)
    return date(dispatched.year, dispatched.month, dispatched.day)


class _Table:
    """Per-assessee evidence with every assessee present, zero-filled, sorted by assessee."""

    def __init__(self, assessees: Iterable[str]) -> None:
        self.seen: set[str] = set(assessees)

    def see(self, event: Event, period: Period) -> bool:
        """Note the event's assessee when the event can count in the period (its day, or its
        dispatch's day, is in it); return whether its own day is in the period."""
        inside = period.contains(event.date)
        if inside or period.contains(_dispatch_day(event)):
            self.seen.add(event.assessee)
        return inside

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


def _whole(value: object, what: str, least: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"{what} must be a whole number of at least {least}, got {value!r}")
    return value


def _status_ok(event: Event, status_field: str | None, accepted: frozenset[str]) -> bool:
    """No status, or a status among ``accepted`` (compared stripped and in lower case)."""
    if status_field is None:
        return True
    status = event.get(status_field)
    return status is None or normalised(status) in accepted


def _lowered(values: Iterable[str]) -> frozenset[str]:
    return frozenset(normalised(value) for value in values)


def missed_sign_ins(
    events: Iterable[Event],
    period: Period,
    calendar: WorkingCalendar,
    *,
    event_type: str = "sign_in",
    absence_type: str | None = None,
    status_field: str | None = "status",
    approved: Iterable[str] = ("approved",),
    assessees: Iterable[str] = (),
    field: str = "missed_signins",
    expected_field: str | None = None,
    signed_field: str | None = None,
    excused_field: str | None = None,
) -> Evidence:
    """缺签 (missed sign-ins): 上午、下午 sign-ins expected on every working day of the period.

    missed = 2 × working days − the distinct (working day, slot) pairs signed or excused.
    Signing twice in one slot counts once; sign-ins on weekends and holidays count toward
    nothing. The slot is the record's ``slot`` (``am``/``pm``) or, without one, its hour: before
    12:00 is 上午.

    请假 (approved absences, zengdu: 须经批准并在签到薄上注明原因): with ``absence_type``, a record
    of that type excuses its working day's half (its ``slot``) or, without a ``slot``, the whole
    day, when it is approved: it has no ``status_field``, or its status is one of ``approved``.
    An excused half is neither expected nor missed.

    Every assessee with any event in the period appears, and every one in ``assessees`` (pass
    the roster so that someone who never signed in is counted as missing every sign-in).

    :param field: output field id for the missed count.
    :param expected_field: if given, also output the expected count (2 × working days − excused).
    :param signed_field: if given, also output the count of (day, slot) pairs signed.
    :param excused_field: if given, also output the count of (day, slot) pairs excused.
    :raises CalendarError: when the calendar does not know a year of the period.
    """
    _field_ids(
        field=field,
        expected_field=expected_field,
        signed_field=signed_field,
        excused_field=excused_field,
    )
    working = frozenset(calendar.working_dates(period))
    halves = 2 * len(working)
    accepted = _lowered(approved)
    table = _Table(assessees)
    signed: dict[str, set[tuple[date, str]]] = defaultdict(set)
    excused: dict[str, set[tuple[date, str]]] = defaultdict(set)
    for event in events:
        if not table.see(event, period) or event.date not in working:
            continue
        if event.type == event_type:
            signed[event.assessee].add((event.date, event.slot))
        elif (
            absence_type is not None
            and event.type == absence_type
            and _status_ok(event, status_field, accepted)
        ):
            slots = (event.slot,) if event.slot_given else ("am", "pm")
            excused[event.assessee].update((event.date, slot) for slot in slots)

    def compute(assessee: str) -> dict[str, int]:
        done, off = signed.get(assessee, set()), excused.get(assessee, set())
        out = {field: halves - len(done | off)}
        if expected_field is not None:
            out[expected_field] = halves - len(off)
        if signed_field is not None:
            out[signed_field] = len(done)
        if excused_field is not None:
            out[excused_field] = len(off)
        return out

    return table.build(compute)


def _distinct_count(values: Iterable[str | None]) -> int:
    """Distinct values, each record without one counting on its own."""
    named: set[str] = set()
    unnamed = 0
    for value in values:
        if value is None:
            unnamed += 1
        else:
            named.add(value)
    return len(named) + unnamed


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
    _whole(quota, "quota")
    _field_ids(days_field=days_field, shortfall_field=shortfall_field)
    working = calendar.working_dates(period)
    working_set = frozenset(working)
    table = _Table(assessees)
    named: dict[tuple[str, date], set[str]] = defaultdict(set)
    unnamed: dict[tuple[str, date], int] = defaultdict(int)
    for event in events:
        if table.see(event, period) and event.type == event_type and event.date in working_set:
            key = event.get(distinct_by) if distinct_by is not None else None
            if key is None:
                unnamed[(event.assessee, event.date)] += 1
            else:
                named[(event.assessee, event.date)].add(key)

    def compute(assessee: str) -> dict[str, int]:
        days = shortfall = 0
        for day in working:
            count = len(named.get((assessee, day), ())) + unnamed.get((assessee, day), 0)
            if count < quota:
                days += 1
                shortfall += quota - count
        return {days_field: days, shortfall_field: shortfall}

    return table.build(compute)


def xun_scope(period: Period, start_mmdd: int | None = None) -> tuple[Period, ...]:
    """The 旬 of ``period`` that are assessed: all of them, or those from a start day on.

    ``start_mmdd`` is a month and day written as a number (305 is 5 March), taken in the year the
    period starts: 旬 before it are out of scope and the 旬 holding it counts from that day.
    """
    if start_mmdd is None:
        return period.xuns()
    month, day = divmod(_whole(start_mmdd, "start_mmdd", 101), 100)
    try:
        first = date(period.start.year, month, day)
    except ValueError:
        raise ValueError(
            f"start_mmdd {start_mmdd} is not a month and day (MMDD: 101 is 1 January, 305 is "
            f"5 March) in {period.start.year}"
        ) from None
    if period.end < first:
        return ()
    if period.start < first:
        period = Period.window(first, period.end)
    return period.xuns()


def xun_parts(
    period: Period,
    partial: Literal["include", "exclude"] = "include",
    start_mmdd: int | None = None,
) -> tuple[Period, ...]:
    """The 旬 assessed by :func:`xun_without_inspection` (see there)."""
    if partial not in ("include", "exclude"):
        raise ValueError(f"partial must be 'include' or 'exclude', got {partial!r}")
    return tuple(
        part
        for part in xun_scope(period, start_mmdd)
        if partial == "include" or part.kind is PeriodKind.XUN
    )


def xun_without_inspection(
    events: Iterable[Event],
    period: Period,
    *,
    event_type: str = "inspection",
    status_field: str | None = "status",
    completed: Iterable[str] = ("completed",),
    partial: Literal["include", "exclude"] = "include",
    start_mmdd: int | None = None,
    assessees: Iterable[str] = (),
    field: str = "missed_xun",
) -> Evidence:
    """每旬 (per ten-day period) tasks: the number of 旬 with no completed inspection.

    The period is split into 旬 (X1 days 1-10, X2 11-20, X3 21 to month end). A record counts as
    a completed inspection when it has no ``status`` or its status is one of ``completed``
    (compared case-insensitively); ``status = "pending"`` does not count.

    A 旬 cut by the period's edge (a window starting on 5 March cuts 1-10 March) is assessed on
    its days inside the period with ``partial="include"`` (the default: the worker was due an
    inspection in that part), or left out with ``partial="exclude"``. With ``start_mmdd``
    (xiaofang: 三角从1月1日开始,其他镇区从3月5日开始, 305 for 5 March) only the 旬 from that day
    on count, the one holding it from that day.
    """
    _field_ids(field=field)
    accepted = _lowered(completed)
    parts = xun_parts(period, partial, start_mmdd)
    table = _Table(assessees)
    covered: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if (
            table.see(event, period)
            and event.type == event_type
            and _status_ok(event, status_field, accepted)
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
    ignored_field: str = "ignored_disputes",
) -> Evidence:
    """必须在15分钟内赶到 (arrive within 15 minutes of dispatch): late and never-arrived dispatches.

    The dispatch time is the record's ``dispatched`` time, or its ``time`` without one; the
    dispatch belongs to the period holding that day. Arriving exactly ``limit`` after dispatch is
    on time ("within 15 minutes"); one microsecond more is late. A dispatch without ``arrived``
    was never answered (置之不理) and counts under ``ignored_field``, not as late.

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
        table.see(event, period)
        if event.type != event_type or not period.contains(_dispatch_day(event)):
            continue
        dispatched = event.times.get("dispatched", event.time)
        arrived = event.times.get("arrived")
        if arrived is None:
            ignored[event.assessee] += 1
        elif _utc(arrived) < _utc(dispatched):
            reason = f"arrived {arrived.isoformat()} is before dispatched {dispatched.isoformat()}"
            raise EventLogError(event.source or "<python>", [RowError(event.line, reason, "")])
        elif _utc(arrived) - _utc(dispatched) > limit:
            late[event.assessee] += 1

    return table.build(lambda a: {late_field: late.get(a, 0), ignored_field: ignored.get(a, 0)})


WeekRule = Literal["thursday", "all", "none"]
WeekCount = Literal["records", "days"]


def assessed_weeks(period: Period, partial_weeks: WeekRule = "thursday") -> list[Period]:
    """The weeks :func:`weeks_below_minimum` assesses in ``period`` (see there)."""
    weeks: list[Period] = []
    if partial_weeks not in ("thursday", "all", "none"):
        raise ValueError(
            f"partial_weeks must be 'thursday', 'all' or 'none', got {partial_weeks!r}"
        )
    for part in period.split(PeriodKind.WEEK):
        if part.kind is PeriodKind.WEEK or partial_weeks == "all":
            weeks.append(part)
        elif partial_weeks == "thursday":
            thursday = Period.containing(part.start, PeriodKind.WEEK).start + timedelta(days=3)
            if part.contains(thursday):
                weeks.append(part)
    return weeks


def weeks_below_minimum(
    events: Iterable[Event],
    period: Period,
    *,
    minimum: int = 2,
    event_type: str = "update",
    partial_weeks: WeekRule = "thursday",
    count: WeekCount = "records",
    distinct_by: str | None = None,
    assessees: Iterable[str] = (),
    field: str | None = "weeks_below_minimum",
    weeks_field: str | None = None,
    shortfall_field: str | None = None,
) -> Evidence:
    """每周不少于N次 (at least N a week): the weeks with fewer than ``minimum``, and the shortfall.

    What a week counts is set by ``count`` and ``distinct_by``: its records (``"records"``, the
    default), the distinct days with a record (``"days"``: ernvqiao 每周不少于三天), or, with
    ``distinct_by``, the distinct values of that field (a person visited twice in a week counts
    once; a record without the field counts on its own). ``field`` counts the weeks below the
    minimum; ``shortfall_field`` adds up ``minimum − count`` over those weeks (xingji 每周不少于2次,
    少一次扣1分; xize2017 每少1人(次)扣1分), one week's surplus never covering another's lack.

    Weeks are ISO weeks, Monday to Sunday, clipped to the period; only records dated inside the
    period count. A week cut by the period's edge is assessed according to ``partial_weeks``:

    - ``"thursday"`` (default): assessed when it holds the week's Thursday, i.e. at least four of
      its seven days fall in the period, with the full ``minimum``. This is the ISO 8601 rule that
      gives each week to one year; applied to months it gives every week to exactly one month, so
      consecutive monthly assessments neither skip a week nor assess one twice.
    - ``"all"``: every cut part is assessed with the full ``minimum``.
    - ``"none"``: only weeks wholly inside the period are assessed.

    :param minimum: what a week needs (每周不少于2次 is 2).
    :param weeks_field: if given, also output the number of weeks assessed.
    """
    _whole(minimum, "minimum")
    if count not in ("records", "days"):
        raise ValueError(f"count must be 'records' or 'days', got {count!r}")
    if count == "days" and distinct_by is not None:
        raise ValueError("count='days' and distinct_by cannot be used together")
    _field_ids(field=field, weeks_field=weeks_field, shortfall_field=shortfall_field)
    weeks = assessed_weeks(period, partial_weeks)
    table = _Table(assessees)
    records: dict[tuple[str, int], int] = defaultdict(int)
    keys: dict[tuple[str, int], set[str]] = defaultdict(set)
    for event in events:
        if table.see(event, period) and event.type == event_type:
            for index, week in enumerate(weeks):
                if week.contains(event.date):
                    key = (event.assessee, index)
                    if count == "days":
                        keys[key].add(event.date.isoformat())
                    elif distinct_by is not None and event.get(distinct_by) is not None:
                        keys[key].add(event.get(distinct_by) or "")
                    else:
                        records[key] += 1
                    break

    def compute(assessee: str) -> dict[str, int]:
        tally = [
            records.get((assessee, i), 0) + len(keys.get((assessee, i), ()))
            for i in range(len(weeks))
        ]
        out: dict[str, int] = {}
        if field is not None:
            out[field] = sum(1 for n in tally if n < minimum)
        if weeks_field is not None:
            out[weeks_field] = len(weeks)
        if shortfall_field is not None:
            out[shortfall_field] = sum(minimum - n for n in tally if n < minimum)
        return out

    return table.build(compute)


def weeks_short_of_days(
    events: Iterable[Event],
    period: Period,
    *,
    minimum: int = 3,
    event_type: str = "duty",
    partial_weeks: WeekRule = "thursday",
    assessees: Iterable[str] = (),
    field: str | None = "weeks_short_of_days",
    weeks_field: str | None = None,
    shortfall_field: str | None = None,
) -> Evidence:
    """每周不少于三天 (ernvqiao: 每周不少于三天时间在网格上履职尽责): weeks with fewer than
    ``minimum`` distinct days on duty.

    A day counts once however many records it has. This is :func:`weeks_below_minimum` counting
    days; see there for the weeks at a period's edge.
    """
    return weeks_below_minimum(
        events,
        period,
        minimum=minimum,
        event_type=event_type,
        partial_weeks=partial_weeks,
        count="days",
        assessees=assessees,
        field=field,
        weeks_field=weeks_field,
        shortfall_field=shortfall_field,
    )


def missed_weekly_visits(
    events: Iterable[Event],
    period: Period,
    *,
    quota: int = 1,
    event_type: str = "visit",
    distinct_by: str = "person",
    partial_weeks: WeekRule = "thursday",
    assessees: Iterable[str] = (),
    field: str | None = "missed_visits",
    weeks_field: str | None = None,
) -> Evidence:
    """每少1人(次) (xize2017: missed visits per person per week): the people short each week.

    Each assessed week ``quota`` distinct people (``distinct_by``, default ``person``) are to be
    visited; every one short in a week counts 1, and a week's extra visits cover no other week.
    This is :func:`weeks_below_minimum`'s shortfall counting distinct people.
    """
    return weeks_below_minimum(
        events,
        period,
        minimum=quota,
        event_type=event_type,
        partial_weeks=partial_weeks,
        distinct_by=distinct_by,
        assessees=assessees,
        field=None,
        weeks_field=weeks_field,
        shortfall_field=field,
    )


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
