"""Event logs to evidence, and evidence to scores, on Apache Spark (``gridrules[spark]``).

For platforms whose logs already sit in a data lake. Two steps, each the same as on one machine:

- :func:`aggregate` counts a rubric's evidence from event logs (JSON lines files, Parquet files,
  a table, or a DataFrame) with the rubric's feeds, running the very SQL the DuckDB engine runs
  (:mod:`gridrules.io.aggregators`): the counts are identical. It returns a DataFrame with one row
  per assessee (the roster's and the logs'), the fed fields filled, and the rejected rows.
- :func:`score` scores an evidence DataFrame with a rubric, partition by partition, through
  :meth:`Scorer.results <gridrules.Scorer.results>` in ``mapInArrow``: each executor prepares
  the rubric once and scores its rows in chunks, as ``gridrules batch`` does. The result has, per
  row, the assessee, period, total, base, bonus, penalty, grade, stars, flags, the problems of a
  row that could not be scored, and each item's points, written as ``gridrules batch`` writes
  them (numbers as exact decimal text).

On a cluster, install gridrules and the plugins of the rubrics scored on every executor (a
wheel in ``--py-files`` or the cluster's Python environment), and read logs every executor can
reach (a table, Parquet or JSON lines on shared storage): CSV and Excel logs are turned into JSON
lines on the driver, so they suit local mode only. Rejected rows of JSON lines files are numbered
by line; rows of tables and Parquet files have no number and are shown by their values.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .dates.calendars import WorkingCalendar, get_calendar
from .dates.periods import Period
from .engine.rubric import Rubric
from .io import events as ref
from .io.batch import Rejected, Row, score_rows
from .io.eventsql import SPARK, raw_name
from .io.evidence import params_in_force
from .io.feeds import Feeds
from .io.logengine import (
    DEFAULT_LIMIT,
    Aggregated,
    LogEngine,
    LogSource,
    as_json_lines,
    log_sources,
)
from .io.logengine import (
    aggregate as _run,
)
from .io.tables import DecimalText

__all__ = ["SparkEngine", "aggregate", "score", "score_columns", "score_schema"]

_INTS = ("BIGINT", "INT", "SMALLINT", "TINYINT")
_MASK = (1 << 33) - 1  # monotonically_increasing_id: partition in the upper bits, row in these


class SparkEngine(LogEngine):
    """Spark as an engine for the shared SQL: inputs read by Spark, the SQL run by Spark SQL.

    :param spark: the SparkSession.
    :param frames: DataFrames given as logs, by the name their :class:`LogSource` carries.
    """

    dialect = SPARK

    def __init__(self, spark: Any, frames: Mapping[str, Any] | None = None) -> None:
        self.spark = spark
        self.frames = dict(frames or {})
        self.problems = []
        self._stack = contextlib.ExitStack()
        self._views: list[str] = []
        self._prefix = f"gr_{os.getpid()}_{id(self):x}_"

    def _view(self, frame: Any, name: str) -> str:
        view = self._prefix + name
        frame.createOrReplaceTempView(view)
        self._views.append(view)
        return view

    def raw(self, sources: Sequence[LogSource], fields: Sequence[str]) -> str:
        parts = []
        for index, source in enumerate(sources):
            if source.format in ("table", "dataframe", "parquet"):
                if source.format == "table":
                    frame = self.spark.table(source.name)
                elif source.format == "parquet":
                    frame = self.spark.read.parquet(source.name)
                else:
                    frame = self.frames[source.name]
                parts.append(self._typed(index, frame, fields))
                continue
            path = source.name
            if source.format in ("csv", "xlsx"):
                path = self._stack.enter_context(as_json_lines(source, self.problems))
            parts.append(self._json_lines(index, path, fields))
        return " UNION ALL ".join(parts)

    def _json_lines(self, index: int, path: str, fields: Sequence[str]) -> str:
        from pyspark.sql import functions as F

        d = self.dialect
        lines = self.spark.read.text(path).withColumn("m", F.monotonically_increasing_id())
        # a line's number: the lines of the partitions before its own, plus its place in its own
        per_part = lines.groupBy(F.shiftright(F.col("m"), 33).alias("p")).count().collect()
        counts = sorted((int(r["p"]), int(r["count"])) for r in per_part)
        offsets, total = [], 0
        for part, n in counts:
            offsets.append((part, total))
            total += n
        table = self._view(lines, f"lines{index}")
        starts = "0"
        if offsets:
            cases = " ".join(
                f"WHEN m >= {part * (_MASK + 1)} THEN {start - part * (_MASK + 1)}"
                for part, start in reversed(offsets)
            )
            starts = f"CASE {cases} ELSE 0 END"
        numbered = f"SELECT m + ({starts}) + 1 AS pos, value FROM {table}"
        bom = d.literal("\ufeff")
        text = (
            f"CASE WHEN pos = 1 AND substr(value, 1, 1) = {bom} THEN substr(value, 2) "
            "ELSE value END"
        )
        cleaned = f"SELECT pos, {text} AS line FROM ({numbered}) n"
        parsed = (
            f"SELECT pos, line, try_parse_json(line) AS j FROM ({cleaned}) c "
            f"WHERE {d.strip('line')} <> ''"
        )
        columns = []
        for i, field in enumerate(fields):
            name = raw_name(field, i)
            path_text = d.literal(f"$['{field}']")
            value = f"try_variant_get(j, {path_text}, 'string')"
            kind = f"schema_of_variant(try_variant_get(j, {path_text}, 'variant'))"
            columns.append(f"CASE WHEN is_object THEN {value} END AS v_{name}")
            columns.append(
                f"CASE WHEN NOT is_object OR {kind} IS NULL OR {kind} = 'VOID' THEN NULL "
                f"WHEN {kind} = 'STRING' THEN 'text' "
                f"WHEN {kind} IN ({', '.join(map(d.literal, _INTS))}) THEN 'int' ELSE 'other' END "
                f"AS k_{name}"
            )
        typed = (
            "SELECT pos, line, j, "
            "COALESCE(schema_of_variant(j) LIKE 'OBJECT%', FALSE) AS is_object "
            f"FROM ({parsed}) p"
        )
        return (
            f"SELECT {index} AS src_index, pos, line AS raw_text, CASE WHEN j IS NULL THEN 'json' "
            f"WHEN NOT is_object THEN 'object' END AS problem, {', '.join(columns)} "
            f"FROM ({typed}) t"
        )

    def _typed(self, index: int, frame: Any, fields: Sequence[str]) -> str:
        types = {f.name: f.dataType.simpleString().upper() for f in frame.schema.fields}
        table = self._view(frame, f"typed{index}")
        columns = []
        for i, field in enumerate(fields):
            name = raw_name(field, i)
            kind = types.get(field)
            if kind is None:
                columns.append(f"CAST(NULL AS STRING) AS v_{name}")
                columns.append(f"CAST(NULL AS STRING) AS k_{name}")
                continue
            quoted = "`" + field.replace("`", "``") + "`"
            value = f"CAST({quoted} AS STRING)"
            if kind.startswith("TIMESTAMP"):
                value = f"date_format({quoted}, \"yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX\")"
                category = "'text'"
            elif kind in ("STRING", "DATE"):
                category = "'text'"
            elif kind in _INTS:
                category = "'int'"
            elif kind.startswith("DECIMAL(") and kind.endswith(",0)"):
                # a whole number (an unsigned 64-bit Parquet column is one): within signed 64
                # bits, as on every engine
                category = (
                    f"CASE WHEN try_cast({quoted} AS BIGINT) IS NULL THEN 'other' ELSE 'int' END"
                )
            else:
                category = "'other'"
            columns.append(f"{value} AS v_{name}")
            columns.append(f"CASE WHEN {quoted} IS NULL THEN NULL ELSE {category} END AS k_{name}")
        return (
            f"SELECT {index} AS src_index, CAST(NULL AS BIGINT) AS pos, to_json(struct(*)) "
            f"AS raw_text, CAST(NULL AS STRING) AS problem, {', '.join(columns)} FROM {table}"
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
        listed = ", ".join(columns)
        rows = self.spark.sql(checked).persist()
        try:
            rows.createOrReplaceTempView(target + "_checked")
            events = self.spark.sql(
                f"SELECT {listed}, COUNT(*) AS n FROM {target}_checked WHERE NOT bad AND {window} "
                f"GROUP BY {listed}"
            ).localCheckpoint()
            events.createOrReplaceTempView(target)
            count = self.spark.sql(f"SELECT COUNT(*) FROM {target}_checked WHERE bad").first()[0]
            first = self.spark.sql(
                f"SELECT src_index, pos, raw_text FROM {target}_checked WHERE bad "
                f"ORDER BY src_index, pos LIMIT {max(limit, 1)}"
            ).collect()
        finally:
            self.spark.catalog.dropTempView(target + "_checked")
            rows.unpersist()
        return int(count), [(r[0], r[1], r[2]) for r in first][:limit]

    def table(self, name: str, query: str) -> None:
        self.spark.sql(query).localCheckpoint().createOrReplaceTempView(name)

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(query).collect()]

    def drop(self, names: Sequence[str]) -> None:
        for name in names:
            self.spark.catalog.dropTempView(name)

    def close(self) -> None:
        self.drop(self._views)
        self._views.clear()
        self._stack.close()


def _sources(logs: Any, table: str | None) -> tuple[list[LogSource], dict[str, Any]]:
    if table is not None:
        return [LogSource(table, "table")], {}
    if hasattr(logs, "schema") and hasattr(logs, "createOrReplaceTempView"):
        return [LogSource("<DataFrame>", "dataframe")], {"<DataFrame>": logs}
    if isinstance(logs, str | os.PathLike):
        logs = [logs]
    return log_sources(list(logs)), {}


def aggregate(
    spark: Any,
    logs: Any = None,
    *,
    period: Period | str,
    rubric: Rubric,
    feeds: Feeds,
    table: str | None = None,
    params: Mapping[str, object] | None = None,
    roster: Iterable[str] = (),
    calendar: WorkingCalendar | None = None,
    timezone: str = ref.DEFAULT_TIMEZONE,
    limit: int = DEFAULT_LIMIT,
) -> tuple[Any, Aggregated]:
    """Count ``rubric``'s fed evidence from event logs for ``period`` on Spark.

    :param logs: JSON lines or Parquet files (paths or globs), or a DataFrame of records.
    :param table: a table name to read the records from instead.
    :param feeds: the rubric's feeds (``gridrules.plugins.feeds(name)``).
    :returns: a DataFrame (``assessee``, ``period`` and the fed fields, one row per assessee)
        and what :func:`gridrules.events.aggregate` found (the evidence and the rejected
        rows, listed and counted).
    """
    period = period if isinstance(period, Period) else Period.parse(period)
    planned = feeds.plan(params_in_force(rubric, params))
    if calendar is None and any(f.aggregator.needs_calendar for f in planned):
        calendar = get_calendar("CN")
    sources, frames = _sources(logs, table)
    engine = SparkEngine(spark, frames)
    try:
        found = _run(
            engine, sources, period, planned, calendar=calendar, roster=list(roster),
            timezone=timezone, limit=limit,
        )  # fmt: skip
    finally:
        engine.close()
    fields = list(feeds.fields)
    schema = ", ".join(["assessee STRING", "period STRING", *(f"`{f}` BIGINT" for f in fields)])
    rows = [
        (assessee, str(period), *(values.get(f) for f in fields))
        for assessee, values in found.evidence.items()
    ]
    return spark.createDataFrame(rows, schema), found


RESULTS = ("total", "base", "bonus", "penalty", "grade", "stars", "flags", "problems")


def score_columns(rubric: Rubric) -> list[str]:
    """The columns of :func:`score`'s result, in order."""
    head = ["row", "assessee", "assessor", "period", *RESULTS]
    taken = set(head)
    return head + [f"item.{i.id}" if i.id in taken else i.id for i in rubric.items()]


def score_schema(rubric: Rubric) -> str:
    """The DDL schema of :func:`score`'s result: numbers as exact decimal text."""
    return ", ".join(
        f"`{c}` {'BIGINT' if c in ('row', 'stars') else 'STRING'}" for c in score_columns(rubric)
    )


def score(
    evidence: Any,
    rubric: Rubric,
    params: Mapping[str, object] | None = None,
    *,
    assessee: str = "assessee",
    period: str = "period",
    assessor: str = "assessor",
) -> Any:
    """Score every row of the evidence DataFrame with ``rubric``, partition by partition.

    Each row's columns other than ``assessee``, ``period`` and ``assessor`` are its evidence
    (null: not given). Rows are scored through :meth:`Scorer.results
    <gridrules.Scorer.results>` in chunks, by :func:`gridrules.batch.score_rows`, the path of
    ``gridrules batch``; a row that cannot be scored keeps its place, with its ``problems``
    and no total.

    :returns: a DataFrame of :func:`score_schema`: row (the row's place in its partition, from
        1), assessee, assessor, period, total, base, bonus, penalty, grade, stars, flags (``;``
        between), problems, and each item's points; numbers as exact decimal text, as
        ``gridrules batch`` writes them.
    :raises ParameterError: the parameters do not fit the rubric (on the driver, before any
        task runs).
    """
    rubric.prepare(params)  # the parameters checked here, not in every task
    columns = score_columns(rubric)
    ids = [item.id for item in rubric.items()]
    items = list(zip(ids, columns[len(columns) - len(ids) :], strict=True))
    given = dict(params or {})

    def score_batches(batches: Iterator[Any]) -> Iterator[Any]:
        pa: Any = importlib.import_module("pyarrow")  # ships with pyspark's Arrow support

        text = DecimalText()
        scorer = rubric.prepare(given or None)
        number = 0
        for batch in batches:
            rows = []
            for record in batch.to_pylist():
                number += 1
                who, when = record.pop(assessee, None), record.pop(period, None)
                by = record.pop(assessor, None)
                rows.append(
                    Row(
                        number,
                        {k: v for k, v in record.items() if v is not None},
                        assessee=None if who is None else str(who),
                        period=None if when is None else str(when),
                        assessor=None if by is None else str(by),
                    )
                )
            out: dict[str, list[Any]] = {name: [] for name in columns}
            for outcome in score_rows(scorer, rows):
                row = outcome.row
                values: dict[str, Any] = dict.fromkeys(columns)
                values.update(
                    row=row.number, assessee=row.assessee, assessor=row.assessor, period=row.period
                )
                if isinstance(outcome, Rejected):
                    values["problems"] = "; ".join(str(p) for p in outcome.problems)
                else:
                    result = outcome.result
                    values.update(
                        total=text(result.total),
                        base=text(result.base),
                        bonus=text(result.bonus),
                        penalty=text(result.penalty),
                        grade=result.grade,
                        stars=result.stars,
                        flags=";".join(sorted(result.flags)),
                    )
                    for item, column in items:
                        values[column] = text(result.items[item])
                for name in columns:
                    out[name].append(values[name])
            yield pa.RecordBatch.from_pydict(out)

    return evidence.mapInArrow(score_batches, score_schema(rubric))
