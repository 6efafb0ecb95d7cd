"""Evidence from event logs, ready for a batch: one row per assessee, fed fields filled.

:func:`collect_evidence` runs a rubric's feeds over its event logs for one period, on an engine
(``duckdb``, the default, or ``python``, the pure-Python reference, which streams), and merges a
*side file*: the fields no feed fills, given by an assessor, one row per assessee. The result has
a row for everyone on the roster (a worker with no record at all included), everyone in the logs
and everyone in the side file, and is written by :meth:`EvidenceTable.write` as a table
``gridrules batch`` reads (``assessee``, ``period``, then the fields).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..dates.calendars import WorkingCalendar, get_calendar
from ..dates.periods import Period
from ..engine.rubric import Rubric
from ..errors import DataFileError
from . import events as ref
from .batch import ASSESSEE_COLUMNS, ASSESSOR_COLUMNS, PERIOD_COLUMNS
from .feeds import Feeds
from .logengine import (
    DEFAULT_LIMIT,
    Aggregated,
    DuckDBEngine,
    LogEngine,
    LogSource,
    PlannedFeed,
    aggregate,
    feed_fields,
    log_sources,
)
from .tables import Record, open_reader, open_writer

__all__ = [
    "ENGINES",
    "EvidenceTable",
    "SideFile",
    "aggregate_python",
    "collect_evidence",
    "params_in_force",
    "read_roster",
    "read_side_file",
]

ENGINES = ("duckdb", "python")
"""The engines :func:`collect_evidence` runs on this machine (Spark: :mod:`gridrules.spark`)."""


def _id_column(path: Path, columns: Sequence[str], named: str | None) -> str:
    if named is not None:
        if named not in columns:
            raise DataFileError(f"{path}: no column {named!r} (columns: {', '.join(columns)})")
        return named
    for candidate in ASSESSEE_COLUMNS:
        if candidate in columns:
            return candidate
    raise DataFileError(
        f"{path}: no assessee column; name one of {', '.join(ASSESSEE_COLUMNS)} "
        f"(columns: {', '.join(c for c in columns if c) or 'none'})"
    )


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_roster(path: str | Path, column: str | None = None) -> list[str]:
    """The assessees listed in a roster (CSV in UTF-8 or GBK, JSON lines or Excel), in order.

    The id is the ``column`` named, else the first of ``assessee``, ``id``, ``被考核人员``,
    ``姓名``; other columns are ignored.

    :raises DataFileError: the file cannot be read, has no id column, a row has no id, or an id
        is listed twice (each problem named with its row).
    """
    path = Path(path)
    with open_reader(path) as reader:
        rows = iter(reader)
        first = next(rows, None)
        name = _id_column(path, reader.columns or list(first.cells if first else ()), column)
        found = _by_assessee(
            itertools.chain([first] if first else [], rows),
            reader.location,
            name,
            f"{path}: the roster",
        )
    return list(found)


def _by_assessee(rows: Iterable[Record], location: str, name: str, what: str) -> dict[str, Record]:
    """The rows by their assessee id (the ``name`` column), in order.

    :raises DataFileError: a row is not read, has no id, or repeats an id: every such row named,
        with its number, at once.
    """
    found: dict[str, Record] = {}
    problems: list[str] = []
    for row in rows:
        where = f"{location} {row.number}"
        if row.problem is not None:
            problems.append(f"{where}: {row.problem}")
            continue
        assessee = _cell_text(row.cells.get(name))
        if assessee is None:
            problems.append(f"{where}: no {name}")
        elif assessee in found:
            first = found[assessee].number
            problems.append(f"{where}: {assessee} is listed twice (first at {first})")
        else:
            found[assessee] = row
    if problems:
        raise DataFileError(f"{what} has problems:\n  - " + "\n  - ".join(problems))
    return found


@attrs.frozen
class SideFile:
    """The fields an assessor gives, by assessee: what no feed fills."""

    source: str
    columns: tuple[str, ...]
    rows: Mapping[str, Mapping[str, Any]]


def read_side_file(
    path: str | Path, rubric: Rubric, feeds: Feeds, column: str | None = None
) -> SideFile:
    """The side file of assessor-given fields: one row per assessee, one column per field.

    Its columns are the assessee id, optionally the assessor (``assessor``, ``考核人``), and
    fields of the rubric that no feed fills; cells are kept as read (``batch`` checks them).

    :raises DataFileError: a column is a fed field or no field of the rubric, an assessee is
        given twice or has no id.
    """
    path = Path(path)
    fed = set(feeds.fields)
    declared = rubric.fields
    with open_reader(path) as reader:
        records = list(reader)
        columns = list(reader.columns) or list(dict.fromkeys(k for r in records for k in r.cells))
        name = _id_column(path, columns, column)
        keep = [c for c in columns if c and c != name]
        for c in keep:
            if c in fed:
                raise DataFileError(
                    f"{path}: column {c!r} is filled from the event logs; leave it out of the "
                    "side file"
                )
            if c in PERIOD_COLUMNS:
                raise DataFileError(
                    f"{path}: column {c!r}: the period is the one the evidence is collected for; "
                    "leave it out of the side file"
                )
            if c not in declared and c not in ASSESSOR_COLUMNS:
                raise DataFileError(
                    f"{path}: column {c!r} is not a field of rubric {rubric.name!r} (fields given "
                    f"by the assessor: {', '.join(f for f in declared if f not in fed)})"
                )
        found = _by_assessee(records, reader.location, name, f"{path}: the side file")
    rows = {assessee: {c: row.cells.get(c) for c in keep} for assessee, row in found.items()}
    return SideFile(str(path), tuple(keep), rows)


@attrs.frozen
class EvidenceTable:
    """Evidence for a batch: the columns, one row per assessee, and the log rows rejected."""

    period: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    rejected: tuple[ref.RowError, ...]
    rejected_count: int

    def write(self, path: str | Path, *, encoding: str = "utf-8-sig") -> None:
        """Write the table (``.csv``, ``.jsonl`` or ``.xlsx``), atomically."""
        with open_writer(Path(path), self.columns, encoding=encoding) as out:
            for row in self.rows:
                out.write(row)
            out.commit()

    def write_rejected(self, path: str | Path, *, encoding: str = "utf-8-sig") -> None:
        """Write the rejected log rows: file, unit, number, reason, row (as read)."""
        with open_writer(
            Path(path), ("file", "unit", "number", "reason", "raw"), encoding=encoding
        ) as out:
            for row in self.rejected:
                out.write((row.source, row.unit, row.line, row.reason, row.raw))
            out.commit()


def aggregate_python(
    sources: Sequence[LogSource],
    period: Period,
    feeds: Sequence[PlannedFeed],
    *,
    calendar: WorkingCalendar | None = None,
    roster: Sequence[str] = (),
    timezone: str = ref.DEFAULT_TIMEZONE,
    limit: int = DEFAULT_LIMIT,
) -> Aggregated:
    """:func:`~gridrules.io.logengine.aggregate` on the pure-Python reference.

    Each feed reads the logs once, a row at a time: memory holds the counts, never the log.
    Without feeds the logs are read once still, for who is in them (an event that can count in
    the period, by its day or its dispatch's day, as for every aggregator) and the bad rows.
    """
    for source in sources:
        if source.format not in ref.FORMATS:
            raise DataFileError(
                f"{source.name}: the pure-Python engine reads JSON lines, CSV and Excel logs; "
                "read Parquet with the DuckDB engine"
            )
    rejected: list[ref.RowError] = []
    rejected_count = 0
    evidence: dict[str, dict[str, int]] = {a: {} for a in roster}
    read_fields = feed_fields(feeds)
    # without feeds the logs are still read: who is in them, and which rows are bad
    for number, feed in enumerate(feeds or [None]):
        readers = [
            ref.EventReader(
                s.name, format=s.format, timezone=timezone, read_fields=read_fields, limit=limit
            )
            for s in sources
        ]
        events: Iterator[ref.Event] = itertools.chain.from_iterable(readers)
        part = (
            ref.count_by_type(events, period, types={}, assessees=roster)
            if feed is None
            else feed.aggregator.reference(
                events, period, calendar, feed.options, feed.fields, roster
            )
        )
        for assessee, values in part.items():
            evidence.setdefault(assessee, {}).update(values)
        if number == 0:
            for reader in readers:
                rejected.extend(reader.rejected)
                rejected_count += reader.rejected_count
    return Aggregated(dict(sorted(evidence.items())), tuple(rejected[:limit]), rejected_count)


def params_in_force(rubric: Rubric, params: Mapping[str, object] | None) -> dict[str, Any]:
    """The parameters given, checked, and the others' bound values or defaults, where they have
    one (a feed reading a parameter with neither is refused when it is planned)."""
    return dict(rubric.bind(params, require_all=False))


def collect_evidence(
    rubric: Rubric,
    feeds: Feeds,
    logs: Sequence[str | os.PathLike[str]] | Sequence[LogSource],
    period: Period | str,
    *,
    params: Mapping[str, object] | None = None,
    roster: Iterable[str] = (),
    side: SideFile | None = None,
    engine: str | LogEngine = "duckdb",
    calendar: WorkingCalendar | None = None,
    timezone: str = ref.DEFAULT_TIMEZONE,
    limit: int = DEFAULT_LIMIT,
) -> EvidenceTable:
    """Evidence for ``rubric`` from its event ``logs`` for ``period``, with the side file merged.

    :param params: the rubric's parameters, as given (feeds' options may take them; those not
        given take their defaults, and only those the feeds read need be set).
    :param roster: the assessees to include even with no record.
    :param engine: ``duckdb`` (default), ``python``, or an engine object.
    :param calendar: working days (default: China's, ``get_calendar("CN")``).
    """
    period = period if isinstance(period, Period) else Period.parse(period)
    planned = feeds.plan(params_in_force(rubric, params))
    if calendar is None and any(f.aggregator.needs_calendar for f in planned):
        calendar = get_calendar("CN")
    sources = [s if isinstance(s, LogSource) else None for s in logs]
    listed: list[LogSource] = (
        [s for s in sources if s is not None]
        if all(s is not None for s in sources)
        else log_sources([os.fspath(p) for p in logs])  # type: ignore[arg-type]
    )
    everyone = list(dict.fromkeys([*roster, *(side.rows if side is not None else ())]))
    if engine == "python":
        found = aggregate_python(
            listed, period, planned, calendar=calendar, roster=everyone, timezone=timezone,
            limit=limit,
        )  # fmt: skip
    else:
        if isinstance(engine, str) and engine != "duckdb":
            raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
        runner = DuckDBEngine() if isinstance(engine, str) else engine
        try:
            found = aggregate(
                runner, listed, period, planned, calendar=calendar, roster=everyone,
                timezone=timezone, limit=limit,
            )  # fmt: skip
        finally:
            if isinstance(engine, str):
                runner.close()
    fed = list(feeds.fields)
    side_columns = list(side.columns) if side is not None else []
    columns = ("assessee", "period", *fed, *side_columns)
    rows = []
    for assessee, values in found.evidence.items():
        given = side.rows.get(assessee, {}) if side is not None else {}
        rows.append(
            (
                assessee,
                str(period),
                *(values.get(f) for f in fed),
                *(given.get(c) for c in side_columns),
            )
        )
    return EvidenceTable(str(period), columns, tuple(rows), found.rejected, found.rejected_count)
