"""Event logs to evidence on an engine: the steps every engine shares, and the DuckDB engine.

:func:`aggregate` runs a set of feeds (aggregators with their options and fields) over event logs
for one period. The steps are the same on every engine:

1. the engine reads its inputs into one *raw* relation (its own readers: DuckDB reads JSON lines
   line by line, numbered, and Parquet files; CSV and Excel logs are first turned into JSON lines
   by the table readers of :mod:`gridrules.io.tables`, which number rows as a spreadsheet does
   and tell UTF-8 from GBK);
2. the shared SQL of :mod:`gridrules.io.eventsql` checks every row and normalises the good ones;
   the good rows that can count in the period are folded into a small ``events`` table and the
   bad ones counted, the first ``limit`` of them listed;
3. the calendar (working days, the 旬 or weeks assessed) and the roster are joined as small
   tables, and each feed's SQL (:mod:`gridrules.io.aggregators`) gives its counts.

A listed bad row's reason is worked out by the reference check of :mod:`gridrules.io.events` from
the row itself, so it reads the same whichever engine found it.

:class:`DuckDBEngine` is the default engine: DuckDB runs in this process, with no server, and
streams the logs, so memory follows the number of distinct facts counted (assessees times days),
not the length of the logs.
"""

from __future__ import annotations

import abc
import contextlib
import glob
import importlib
import json
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..dates.calendars import WorkingCalendar
from ..dates.periods import Period
from ..errors import DataFileError
from . import events as ref
from .aggregators import Aggregator, Query, output_column
from .eventsql import (
    CORE_FIELDS,
    DUCKDB,
    Dialect,
    checked_sql,
    day_rows,
    event_columns,
    field_column,
    raw_name,
    unit_rows,
    values_sql,
    who_sql,
    window_condition,
)

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MEMORY",
    "Aggregated",
    "DuckDBEngine",
    "LogEngine",
    "LogSource",
    "PlannedFeed",
    "aggregate",
    "feed_fields",
    "log_sources",
]

DEFAULT_LIMIT = 100
"""How many rejected rows are listed by default (all are counted)."""

DEFAULT_MEMORY = "400MB"
"""The DuckDB engine's working memory by default; beyond it, DuckDB spills to disk."""

LOG_FORMATS = ("jsonl", "csv", "xlsx", "parquet")


@attrs.frozen
class LogSource:
    """One input: a file (``jsonl``, ``csv``, ``xlsx``, ``parquet``) or, on Spark, a table."""

    name: str
    format: str

    @property
    def unit(self) -> str:
        """What a rejected row's number counts here: ``line`` or ``row``."""
        return "line" if self.format == "jsonl" else "row"


def log_sources(
    paths: Sequence[str | os.PathLike[str]], format: str | None = None
) -> list[LogSource]:
    """The log files named by ``paths``, each path a file or a glob (``logs/2026-10-*.jsonl``).

    :raises DataFileError: a path or glob matches no file, or a file's format cannot be told.
    """
    found: list[LogSource] = []
    for given in paths:
        text = os.fspath(given)
        if any(c in text for c in "*?["):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise DataFileError(f"{text}: no event log matches this pattern")
        else:
            if not Path(text).is_file():
                raise DataFileError(f"{text}: no such event log")
            matches = [text]
        for match in matches:
            found.append(LogSource(match, _format_of(match, format)))
    if not found:
        raise DataFileError("no event log given")
    return found


def _format_of(name: str, given: str | None) -> str:
    if given is not None:
        if given not in LOG_FORMATS:
            raise DataFileError(
                f"{name}: unknown event log format {given!r}; expected one of "
                f"{', '.join(LOG_FORMATS)}"
            )
        return given
    if name.lower().endswith(".parquet"):
        return "parquet"
    try:
        return ref.log_format(name)
    except ValueError:
        raise DataFileError(
            f"{name}: cannot tell the event log format from its suffix; use .jsonl, .ndjson, "
            ".csv, .xlsx or .parquet, or name the format"
        ) from None


@attrs.frozen
class PlannedFeed:
    """One aggregator to run: its checked options and the fields its outputs fill."""

    aggregator: Aggregator
    options: Mapping[str, Any]
    fields: Mapping[str, str]
    """Output name (for ``count_by_type``, the event type) -> evidence field id."""


def feed_fields(feeds: Sequence[PlannedFeed]) -> list[str]:
    """The log fields the feeds read besides the core ones (a household, a status), in order:
    the engines read them into the events, and every engine, the reference included, requires
    them to be text or a whole number where given."""
    found: list[str] = []
    for feed in feeds:
        for name in feed.aggregator.reads(feed.options):
            if name not in found and name not in CORE_FIELDS:
                found.append(name)
    return found


@attrs.frozen
class Aggregated:
    """What :func:`aggregate` found: evidence per assessee and the rejected rows.

    :param evidence: assessee -> field id -> count, every assessee (roster and logs), sorted.
    :param rejected: the first rejected rows, in input order.
    :param rejected_count: how many rows were rejected in all.
    """

    evidence: dict[str, dict[str, int]]
    rejected: tuple[ref.RowError, ...]
    rejected_count: int


class LogEngine(abc.ABC):
    """An engine that runs the shared SQL: reads inputs, runs queries, holds small tables."""

    dialect: Dialect
    problems: list[ref.RowError]
    """Rows rejected while reading, before the SQL (a CSV row with more cells than columns)."""

    @abc.abstractmethod
    def raw(self, sources: Sequence[LogSource], fields: Sequence[str]) -> str:
        """A relation (a query or a view name) of the raw rows of ``sources``, reading ``fields``
        (the core ones then the aggregators' own, ``v_e0``...)."""

    def fast_raw(self, sources: Sequence[LogSource], fields: Sequence[str]) -> str | None:
        """A quicker relation of the same rows without their numbers or text (``pos`` and
        ``raw_text`` NULL), if the engine has one: :meth:`fold` then counts with it and goes
        back to :meth:`raw` only to list the bad rows, when there are any."""
        return None

    @abc.abstractmethod
    def fold(
        self,
        checked: str,
        columns: Sequence[str],
        window: str,
        target: str,
        limit: int,
        fast: str | None = None,
    ) -> tuple[int, list[tuple[int, int, str]]]:
        """Make table ``target`` of the good rows of ``checked`` (a query) meeting ``window``,
        identical ones folded (``columns`` and their number ``n``), and return the number of bad
        rows with the first ``limit`` of them as (src_index, pos, raw_text). With ``fast`` (the
        checked query of :meth:`fast_raw`), count with that and list from ``checked``."""

    @abc.abstractmethod
    def table(self, name: str, query: str) -> None:
        """Make a temporary table ``name`` holding the rows of ``query``."""

    @abc.abstractmethod
    def rows(self, query: str) -> list[tuple[Any, ...]]:
        """The rows of ``query``."""

    @abc.abstractmethod
    def drop(self, names: Sequence[str]) -> None:
        """Drop the temporary tables ``names``."""

    def close(self) -> None:  # noqa: B027 - most engines hold nothing to release
        """Release what the engine holds for the run."""


def aggregate(
    engine: LogEngine,
    sources: Sequence[LogSource],
    period: Period,
    feeds: Sequence[PlannedFeed],
    *,
    calendar: WorkingCalendar | None = None,
    roster: Sequence[str] = (),
    timezone: str = ref.DEFAULT_TIMEZONE,
    limit: int = DEFAULT_LIMIT,
) -> Aggregated:
    """Run ``feeds`` over the logs ``sources`` for ``period`` on ``engine``.

    :param calendar: the working-day calendar (needed by the aggregators counting working days).
    :param roster: assessees to include even with no record.
    :param limit: how many rejected rows to list (all are counted).
    :raises CalendarError: the calendar does not know a year of the period.
    """
    if any(f.aggregator.needs_calendar for f in feeds) and calendar is None:
        raise ValueError("these aggregators count working days: pass a working-day calendar")
    extra = feed_fields(feeds)
    columns = {name: field_column(i) for i, name in enumerate(extra)}
    d = engine.dialect
    run = "gr_" + uuid.uuid4().hex[:12] + "_"
    names = {k: run + k for k in ("events", "who", "days", "roster")}
    made: list[str] = []
    try:
        fields = [*CORE_FIELDS, *extra]
        checked = checked_sql(d, engine.raw(sources, fields), extra, timezone, period)
        fast = engine.fast_raw(sources, fields)
        made.append(names["events"])
        bad_count, bad_rows = engine.fold(
            checked,
            event_columns(extra),
            window_condition(period),
            names["events"],
            limit,
            None if fast is None else checked_sql(d, fast, extra, timezone, period),
        )
        bad_count += len(engine.problems)
        roster_rows = [(a,) for a in sorted(set(roster))]
        for table, query in (
            ("roster", values_sql(d, roster_rows, ["assessee"], ["STRING"])),
            ("days", values_sql(d, day_rows(period, calendar), ["day", "working"])),
        ):
            made.append(names[table])
            engine.table(names[table], query)
        made.append(names["who"])
        engine.table(names["who"], who_sql(names["events"], names["roster"]))
        working = sum(1 for _, w in day_rows(period, calendar) if w)
        evidence: dict[str, dict[str, int]] = {
            a: {} for (a,) in engine.rows(f"SELECT assessee FROM {names['who']}")
        }
        for index, feed in enumerate(feeds):
            units = f"{run}units{index}"
            if feed.aggregator.units is not None:
                made.append(units)
                rows = unit_rows(feed.aggregator.units(period, feed.options))
                engine.table(units, values_sql(d, rows, ["day", "unit"]))
            tables = Query(d, names["events"], names["who"], names["days"], units, columns, working)
            roles = list(feed.fields)
            sql = feed.aggregator.sql(tables, feed.options, roles)
            picked = [
                (output_column(feed.aggregator, role, roles), feed.fields[role]) for role in roles
            ]
            wanted = ", ".join(f"q.{column}" for column, _ in picked)
            for row in engine.rows(f"SELECT q.assessee, {wanted} FROM ({sql}) q"):
                target = evidence.setdefault(row[0], {})
                for (_, field), value in zip(picked, row[1:], strict=True):
                    target[field] = int(value)
    finally:
        engine.drop(made)
    zone = ref.timezone_info(timezone)
    listed = sorted(
        [*engine.problems, *_explain(sources, bad_rows, zone, extra)],
        key=lambda r: ([s.name for s in sources].index(r.source), r.line),
    )
    return Aggregated(dict(sorted(evidence.items())), tuple(listed[:limit]), bad_count)


def _explain(
    sources: Sequence[LogSource],
    rows: Sequence[tuple[int, int, str]],
    zone: Any,
    read_fields: Sequence[str],
) -> Iterator[ref.RowError]:
    for src_index, pos, raw in sorted(rows, key=lambda r: (r[0], r[1] or 0)):
        source = sources[src_index]
        reason = ref.explain_json_line(raw, zone, read_fields=read_fields)
        if reason is None:
            raise AssertionError(
                f"{source.name}, {source.unit} {pos}: the engine rejected a row the reference "
                f"check accepts; please report this with the row: {raw}"
            )
        yield ref.RowError(int(pos or 0), reason, raw, source.unit, source.name)


# -- CSV and Excel: through the table readers -----------------------------------------------------


@contextlib.contextmanager
def as_json_lines(source: LogSource, problems: list[ref.RowError]) -> Iterator[str]:
    """A temporary JSON lines copy of a CSV or Excel log, each record on the line numbered as its
    row (the header's line and blank rows left blank), so that an engine's line numbers are the
    rows a spreadsheet shows. Rows the table reader cannot split go to ``problems`` instead."""
    handle, name = tempfile.mkstemp(prefix="gridrules-", suffix=".jsonl")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            line = 1  # the header's line, left blank
            out.write("\n")
            for number, record in ref.table_records(source.name, source.format):
                out.write("\n" * (number - 1 - line))
                line = number
                if isinstance(record, str):
                    problems.append(ref.RowError(number, record, "", "row", source.name))
                    out.write("\n")
                    continue
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        yield name
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


# -- DuckDB -------------------------------------------------------------------------------------


def _duckdb() -> Any:
    try:
        return importlib.import_module("duckdb")
    except ImportError:
        raise DataFileError(
            "the DuckDB engine needs duckdb: pip install 'gridrules[duckdb]' (or use the "
            "pure-Python engine)"
        ) from None


_SIGNED = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
_INTEGER_TYPES = _SIGNED + tuple("U" + t for t in _SIGNED)


def _kind(json_type: str, value: str) -> str:
    """The kind (``text``, ``int``, ``other``) of a JSON value of type ``json_type`` whose text is
    ``value``: DuckDB types whole numbers BIGINT or, from 0 up to 2^64 - 1, UBIGINT; only those
    within signed 64 bits are ``int``, as on every engine."""
    t = json_type
    return (
        f"CASE WHEN {t} IS NULL OR {t} = 'NULL' THEN NULL WHEN {t} = 'VARCHAR' THEN 'text' "
        f"WHEN {t} IN ('BIGINT', 'UBIGINT') AND TRY_CAST({value} AS BIGINT) IS NOT NULL "
        "THEN 'int' ELSE 'other' END"
    )


class DuckDBEngine(LogEngine):
    """DuckDB in this process: the default engine.

    :param connection: a DuckDB connection to use (default: a new in-memory database).
    :param memory_limit: DuckDB's ``memory_limit`` for a new database: 400 MB by default, so
        that memory stays flat as the logs grow (what does not fit spills to ``temp_directory``).
    :param temp_directory: where DuckDB spills (default: a ``gridrules-duckdb`` folder in the
        system's temporary folder).
    :param threads: DuckDB's ``threads`` (default: one per core).
    """

    dialect = DUCKDB

    def __init__(
        self,
        connection: Any = None,
        *,
        memory_limit: str | None = DEFAULT_MEMORY,
        temp_directory: str | None = None,
        threads: int | None = None,
    ) -> None:
        duckdb = _duckdb()
        self._own = connection is None
        self.connection = duckdb.connect() if connection is None else connection
        if self._own:
            spill = temp_directory or os.path.join(tempfile.gettempdir(), "gridrules-duckdb")
            self.connection.execute(f"SET temp_directory = {DUCKDB.literal(spill)}")
            if memory_limit is not None:
                self.connection.execute(f"SET memory_limit = {DUCKDB.literal(memory_limit)}")
        if threads is not None:
            self.connection.execute(f"SET threads = {int(threads)}")
        self._stack = contextlib.ExitStack()
        self._paths: dict[str, str] = {}  # CSV and Excel logs: their JSON lines copies
        self.problems = []

    def raw(self, sources: Sequence[LogSource], fields: Sequence[str]) -> str:
        parts = []
        for index, source in enumerate(sources):
            if source.format == "parquet":
                parts.append(self._parquet(index, source, fields))
                continue
            path = source.name
            if source.format in ("csv", "xlsx"):
                path = self._stack.enter_context(as_json_lines(source, self.problems))
                self._paths[source.name] = path
            parts.append(self._json_lines(index, path, fields))
        return " UNION ALL ".join(parts)

    def fast_raw(self, sources: Sequence[LogSource], fields: Sequence[str]) -> str | None:
        # JSON lines through DuckDB's own reader, in parallel: each field read as its JSON text,
        # so that its kind shows; a line that is not a JSON object reads as all NULL, and so is
        # rejected as the numbered reading rejects it. That reader takes a key given twice
        # silently (its first value): a first pass, cheaper than the numbered reading, looks for
        # one with the numbered reading's own check, and where it finds one the numbered reading
        # counts, so that such a line is rejected, never counted
        if any(source.format == "parquet" for source in sources):
            return None
        paths = [self._paths.get(source.name, source.name) for source in sources]
        if any(self._has_key_twice(path) for path in paths):
            return None
        parts = []
        for index, path in enumerate(paths):
            columns = ", ".join(f"{DUCKDB.literal(f)}: 'JSON'" for f in fields)
            scan = (
                f"read_json({DUCKDB.literal(path)}, format = 'newline_delimited', "
                f"columns = {{{columns}}}, ignore_errors = true)"
            )
            values = []
            for i, field in enumerate(fields):
                c, name = f'"{field}"', raw_name(field, i)
                text = f"substr({c}, 1, 1) = '\"'"
                value = (
                    f"CASE WHEN {c} IS NULL OR {c} = 'null' THEN NULL WHEN {text} THEN "
                    f"CASE WHEN contains({c}, '\\') THEN {c} ->> '$' "
                    f"ELSE substr({c}, 2, length({c}) - 2) END ELSE CAST({c} AS VARCHAR) END"
                )
                kind = _kind(f"json_type({c})", f"CAST({c} AS VARCHAR)")
                values.append(f"{value} AS v_{name}")
                values.append(
                    f"CASE WHEN {c} IS NULL OR {c} = 'null' THEN NULL WHEN {text} THEN 'text' "
                    f"ELSE {kind} END AS k_{name}"
                )
            parts.append(
                f"SELECT {index} AS src_index, CAST(NULL AS BIGINT) AS pos, "
                "CAST(NULL AS VARCHAR) AS raw_text, CAST(NULL AS VARCHAR) AS problem, "
                f"{', '.join(values)} FROM {scan}"
            )
        return " UNION ALL ".join(parts)

    def _has_key_twice(self, path: str) -> bool:
        """Whether a line of the JSON lines file ``path`` gives a key twice (see
        :func:`_key_twice`); a file DuckDB cannot read is left to the numbered reading, which
        says why."""
        duckdb = _duckdb()
        lines = _lines(self.dialect, path, numbered=False)
        objects = f"SELECT line, json_keys(line) AS keys FROM ({lines}) l WHERE json_valid(line)"
        query = f"SELECT EXISTS (SELECT 1 FROM ({objects}) o WHERE {_key_twice('line', 'keys')})"
        try:
            found = self.connection.execute(query).fetchone()
        except (duckdb.InvalidInputException, duckdb.IOException):
            return True
        return bool(found and found[0])

    def _json_lines(self, index: int, path: str, fields: Sequence[str]) -> str:
        """The raw rows of a JSON lines file, numbered by line: a line that is not JSON, not an
        object, or that gives a key twice anywhere (which value is meant cannot be known) has a
        ``problem``, as the reference rejects it."""
        d = self.dialect
        names = [raw_name(f, i) for i, f in enumerate(fields)]
        paths = ", ".join(d.literal(_json_path(f)) for f in fields)
        values = ", ".join(f"v[{i + 1}] AS v_{name}" for i, name in enumerate(names))
        kinds = ", ".join(
            f"{_kind(f'k[{i + 2}]', f'v[{i + 1}]')} AS k_{name}" for i, name in enumerate(names)
        )
        parsed = (
            "SELECT pos, line, CASE WHEN json_valid(line) THEN line END AS j "
            f"FROM ({_lines(d, path, numbered=True)}) l "
            f"WHERE line IS NOT NULL AND {d.strip('line')} <> ''"
        )
        # k: the types of the line itself, then of each field; keys: its own keys
        top = (
            f"SELECT pos, line, j, json_type(j, ['$', {paths}]) AS k, json_keys(j) AS keys "
            f"FROM ({parsed}) p"
        )
        typed = (
            "SELECT pos, line, CASE WHEN j IS NULL THEN 'json' WHEN k[1] <> 'OBJECT' "
            f"THEN 'object' WHEN {_key_twice('j', 'keys')} THEN 'json' END AS problem, "
            f"CASE WHEN k[1] = 'OBJECT' THEN json_extract_string(j, [{paths}]) END AS v, k "
            f"FROM ({top}) p"
        )
        return (
            f"SELECT {index} AS src_index, pos, line AS raw_text, problem, {values}, {kinds} "
            f"FROM ({typed}) t"
        )

    def _parquet(self, index: int, source: LogSource, fields: Sequence[str]) -> str:
        d = self.dialect
        scan = f"read_parquet({d.literal(source.name)}, file_row_number = true)"
        try:
            described = self.connection.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        except Exception as exc:
            raise DataFileError(f"{source.name}: not a readable Parquet file: {exc}") from None
        types = {
            name: str(kind).upper() for name, kind, *_ in described if name != "file_row_number"
        }
        columns = []
        for i, field in enumerate(fields):
            name = raw_name(field, i)
            kind = types.get(field)
            if kind is None:
                columns += [
                    f"CAST(NULL AS VARCHAR) AS v_{name}",
                    f"CAST(NULL AS VARCHAR) AS k_{name}",
                ]
                continue
            quoted = _quoted(field)
            if kind in ("VARCHAR", "DATE") or kind.startswith("TIMESTAMP"):
                category = "'text'"
            elif kind in _INTEGER_TYPES or (kind.startswith("DECIMAL(") and kind.endswith(",0)")):
                # a whole number: within signed 64 bits, as on every engine
                category = (
                    f"CASE WHEN TRY_CAST({quoted} AS BIGINT) IS NULL THEN 'other' ELSE 'int' END"
                )
            else:
                category = "'other'"
            columns.append(f"CAST({quoted} AS VARCHAR) AS v_{name}")
            columns.append(f"CASE WHEN {quoted} IS NULL THEN NULL ELSE {category} END AS k_{name}")
        # a row's text: the JSON object of its cells, which the reference check reads
        record = ", ".join(f"{d.literal(c)}, {_quoted(c)}" for c in types)
        return (
            f"SELECT {index} AS src_index, file_row_number + 1 AS pos, "
            f"CAST(json_object({record}) AS VARCHAR) AS raw_text, "
            f"CAST(NULL AS VARCHAR) AS problem, {', '.join(columns)} FROM {scan}"
        )

    def fold(
        self,
        checked: str,
        columns: Sequence[str],
        window: str,
        target: str,
        limit: int,
        fast: str | None = None,
    ) -> tuple[int, list[tuple[int, int, str]]]:
        # one scan of the logs: the good rows folded into the events table; the bad ones, their
        # event columns blanked, fall in one group of their own (a good event always has an
        # assessee), counted, and with the numbered reading the first ``limit`` of them kept
        listed = ", ".join(columns)
        blanked = ", ".join(f"CASE WHEN bad THEN NULL ELSE {c} END AS {c}" for c in columns)
        scan = f"{target}_scan"
        keep = (
            "NULL AS first_bad"
            if fast is not None
            else f"min(bad_row, {max(limit, 1)}) AS first_bad"
        )
        self._execute(
            f"CREATE TEMP TABLE {scan} AS SELECT {listed}, COUNT(*) AS n, {keep} FROM (SELECT "
            "CASE WHEN bad THEN {'s': src_index, 'p': pos, 'r': raw_text} END AS bad_row, "
            f"{blanked} FROM ({fast or checked}) c WHERE bad OR {window}) f GROUP BY {listed}"
        )
        try:
            self.connection.execute(
                f"CREATE TEMP TABLE {target} AS SELECT {listed}, n FROM {scan} "
                "WHERE assessee IS NOT NULL"
            )
            found = self.connection.execute(
                f"SELECT n, first_bad FROM {scan} WHERE assessee IS NULL"
            ).fetchall()
        finally:
            self.connection.execute(f"DROP TABLE IF EXISTS {scan}")
        if not found:
            return 0, []
        count, first = found[0]
        if fast is not None:  # the bad rows again, numbered this time, to list the first ones
            first = [
                {"s": s, "p": p, "r": r}
                for s, p, r in self.connection.execute(
                    f"SELECT src_index, pos, raw_text FROM ({checked}) c WHERE bad "
                    f"ORDER BY src_index, pos LIMIT {max(limit, 1)}"
                ).fetchall()
            ]
        return int(count), [(r["s"], r["p"], r["r"]) for r in (first or [])][:limit]

    def _execute(self, query: str) -> None:
        """Run ``query``; a log DuckDB cannot read (bytes that are not UTF-8, a line over its
        limit, a broken Parquet file) is a :class:`DataFileError` with DuckDB's own words."""
        duckdb = _duckdb()
        try:
            self.connection.execute(query)
        except (duckdb.InvalidInputException, duckdb.IOException) as exc:
            text = str(exc)
            files = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("file = ")]
            head = " ".join(text.split("\n\n")[0].split())
            where = f" ({files[0]})" if files else ""
            raise DataFileError(f"cannot read the event logs{where}: {head}") from None

    def table(self, name: str, query: str) -> None:
        self.connection.execute(f"CREATE TEMP TABLE {name} AS {query}")

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(query).fetchall())

    def drop(self, names: Sequence[str]) -> None:
        for name in names:
            self.connection.execute(f"DROP TABLE IF EXISTS {name}")

    def close(self) -> None:
        self._stack.close()
        if self._own:
            self.connection.close()


def _json_path(field: str) -> str:
    return '$."' + field + '"'


def _quoted(name: str) -> str:
    """A column name as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def _lines(d: Dialect, path: str, *, numbered: bool) -> str:
    """The lines of a JSON lines file as ``line`` (NULL for an empty one), with their numbers as
    ``pos`` or, not ``numbered``, NULL: numbering is a window over the whole file, which keeps
    DuckDB from reading it in parallel."""
    position = "row_number() OVER ()" if numbered else "CAST(NULL AS BIGINT)"
    return (
        f"SELECT {position} AS pos, line FROM read_csv({d.literal(path)}, "
        "columns = {'line': 'VARCHAR'}, header = false, delim = chr(1), quote = '', "
        "escape = '', auto_detect = false, strict_mode = false)"
    )


def _key_twice(j: str, keys: str) -> str:
    """Whether the JSON object ``j`` (the text of a line), its own keys in ``keys``, gives a key
    twice at any depth, as the reference rejects it. A key is its own keys' first of that name
    or a repeat (cheaper than a set of them); nested objects are looked at only where the text
    may hold one (a ``{`` past the first character, or a ``[``)."""
    own = f"list_bool_or(list_transform({keys}, lambda x, i: list_position({keys}, x) <> i))"
    nested = f"contains(substr({j}, 2), '{{') OR contains({j}, '[')"
    inner = "len(json_keys(x)) <> len(list_distinct(json_keys(x)))"
    deep = f"list_bool_or(list_transform(json_extract({j}, '$..*'), lambda x: {inner}))"
    return f"(COALESCE({own}, FALSE) OR (({nested}) AND COALESCE({deep}, FALSE)))"
