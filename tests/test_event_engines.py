"""The engines agree: DuckDB, Spark and the pure-Python reference give the same counts and reject
the same rows, on generated logs and on a log of the edge cases worked out by hand.

Spark runs in local mode, one session for the whole test run, on a few small logs only.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridrules.calendars import get_calendar
from gridrules.events import (
    AGGREGATORS,
    DuckDBEngine,
    EventLogError,
    PlannedFeed,
    aggregate,
    log_sources,
)
from gridrules.io.evidence import aggregate_python
from gridrules.periods import Period

CN = get_calendar("CN")
ROOT = Path(__file__).resolve().parent.parent


def feed(name: str, fields: dict[str, str] | None = None, **options: Any) -> PlannedFeed:
    aggregator = AGGREGATORS[name]
    if fields is None:
        fields = {role: f"{name}.{role}" for role, _ in aggregator.outputs}
    return PlannedFeed(aggregator, aggregator.check_options(options, "test"), fields)


FEEDS = [
    feed("missed_sign_ins", absence_type="absence", approved=["approved", "批准"]),
    feed("visit_shortfall", quota=2),
    feed("xun_without_inspection"),
    feed("xun_without_inspection", {"missed": "xun_from_13th"}, start_mmdd=1013, partial="exclude"),
    feed("late_arrivals", limit_minutes=15),
    feed("weeks_below_minimum", event_type="weekly", minimum=1),
    feed(
        "weeks_below_minimum",
        {"below": "days_below", "shortfall": "days_short"},
        count="days",
        event_type="sign_in",
        minimum=3,
        partial_weeks="all",
    ),
    feed("weeks_short_of_days", event_type="sign_in"),
    feed("missed_weekly_visits", quota=2, event_type="visit", partial_weeks="none"),
    feed("count_by_type", {"event_report": "reports", "visit": "visits"}),
]


def run_reference(
    path: Path, period: Period, roster: Sequence[str], feeds: Sequence[PlannedFeed] = FEEDS
) -> tuple[Any, ...]:
    found = aggregate_python(log_sources([path]), period, feeds, calendar=CN, roster=roster)
    return found.evidence, [(r.line, r.reason) for r in found.rejected], found.rejected_count


def run_engine(
    engine: Any,
    path: Path,
    period: Period,
    roster: Sequence[str],
    feeds: Sequence[PlannedFeed] = FEEDS,
) -> tuple[Any, ...]:
    found = aggregate(engine, log_sources([path]), period, feeds, calendar=CN, roster=roster)
    return found.evidence, [(r.line, r.reason) for r in found.rejected], found.rejected_count


def run_duckdb(path: Path, period: Period, feeds: Sequence[PlannedFeed]) -> tuple[Any, ...]:
    engine = DuckDBEngine()
    try:
        return run_engine(engine, path, period, [], feeds)
    finally:
        engine.close()


# -- generated logs ---------------------------------------------------------------------------

ASSESSEES = st.sampled_from(["w1", "w2", "w3", " w1 ", 7])
TYPES = st.sampled_from(
    ["sign_in", "sign_in", "sign_in", "absence", "visit", "inspection", "dispatch", "weekly",
     "event_report"]
)  # fmt: skip


@st.composite
def times(draw: st.DrawFn) -> str:
    """Times around October 2026: the noon boundary, offsets, fractions, month ends."""
    day = draw(st.sampled_from([28, 29, 30, 1, 5, 9, 10, 11, 12, 20, 21, 26, 30, 31, 1, 2]))
    month = 9 if day >= 28 and draw(st.booleans()) else 10
    if day <= 2 and draw(st.booleans()):
        month = 11
    if month == 9 and day == 31:
        day = 30
    hour, minute, second = draw(
        st.sampled_from(
            [(8, 30, 0), (11, 59, 59), (12, 0, 0), (3, 59, 0), (4, 0, 0), (15, 45, 30),
             (23, 59, 0), (0, 10, 0), (16, 30, 0)]
        )
    )  # fmt: skip
    sep = draw(st.sampled_from(["T", " "]))
    text = f"2026-{month:02d}-{day:02d}{sep}{hour:02d}:{minute:02d}"
    if draw(st.booleans()):
        text += f":{second:02d}"
        if draw(st.booleans()):
            text += draw(st.sampled_from([".5", ".999999", ".1234567"]))
    text += draw(st.sampled_from(["", "", "", "Z", "+08:00", "+0800", "-05:00", "+08"]))
    return text


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any] | str:
    kind = draw(TYPES)
    record: dict[str, Any] = {"assessee": draw(ASSESSEES), "type": kind, "time": draw(times())}
    if draw(st.integers(0, 4)) == 0:
        record["slot"] = draw(st.sampled_from(["am", "PM", "上午", "下午", " pm ", "noon"]))
    if kind in ("inspection", "absence") and draw(st.booleans()):
        record["status"] = draw(st.sampled_from(["completed", "Completed ", "pending", "批准",
                                                 "approved", ""]))  # fmt: skip
    if kind == "visit":
        record["household"] = draw(st.sampled_from(["H1", "H2", "H3", 12]))
        record["person"] = draw(st.sampled_from(["p1", "p2", "p3"]))
        if draw(st.integers(0, 6)) == 0:  # no one text on every engine: refused where read
            record["household"] = draw(st.sampled_from([{"a": 1, "b": 2}, 1.0, True, 2**63]))
    if kind == "dispatch":
        if draw(st.booleans()):
            record["dispatched"] = draw(times())
        if draw(st.booleans()):
            record["arrived"] = draw(times())
    bad = draw(st.integers(0, 12))
    if bad == 0:
        del record[draw(st.sampled_from(["assessee", "type", "time"]))]
    elif bad == 1:
        wrong = ["2026-02-30T10:00", "2026-10-09", "soon", "", "2026-10-09T24:00"]
        record["time"] = draw(st.sampled_from([*wrong, "3026-10-09T08:00", 20261009]))
    elif bad == 2:
        return draw(st.sampled_from(["not json", "[1, 2]", '{"assessee": "w1",', "null"]))
    elif bad == 3:
        record["assessee"] = draw(st.sampled_from([True, 1.5, {"id": 1}, "  ", 2**63, 2**64]))
    elif bad == 4:  # a key given twice: at the top, in a field nobody reads, nested
        text = json.dumps(record, ensure_ascii=False)[:-1]
        twice = draw(st.sampled_from(['"assessee": "w9"', '"note": 1, "note": 2',
                                      '"meta": [{"a": 1, "a": 1}]']))  # fmt: skip
        return text + ", " + twice + "}"
    return record


def write_log(path: Path, rows: Sequence[dict[str, Any] | str]) -> None:
    lines = []
    for row in rows:
        lines.append(row if isinstance(row, str) else json.dumps(row, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


LOGS = st.lists(records(), min_size=1, max_size=40).flatmap(
    lambda rows: st.lists(st.sampled_from(rows), max_size=5).map(lambda dup: rows + dup + [""])
)
PERIODS = st.sampled_from(
    [Period.month(2026, 10), Period.parse("2026-W44"), Period.parse("2026-10-05..2026-10-25")]
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(rows=LOGS, period=PERIODS, roster=st.lists(st.sampled_from(["w1", "w4"]), unique=True))
def test_duckdb_agrees_with_the_reference(
    tmp_path: Path, rows: list[Any], period: Period, roster: list[str]
) -> None:
    path = tmp_path / "log.jsonl"
    write_log(path, rows)
    expected = run_reference(path, period, roster)
    engine = DuckDBEngine()
    try:
        assert run_engine(engine, path, period, roster) == expected
    finally:
        engine.close()


# -- the edge cases, worked out by hand -------------------------------------------------------

EDGES = [
    # 上午/下午 at 12:00 in Asia/Shanghai, written with and without offsets (Fri 9 October)
    {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T11:59:59.999999"},  # am
    {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T04:00:00Z"},  # 12:00: pm
    {"assessee": "w2", "type": "sign_in", "time": "2026-10-09T03:59:00Z"},  # 11:59: am
    {"assessee": "w2", "type": "sign_in", "time": "2026-10-08 23:30-00:30"},  # 9th 08:00: am
    {"assessee": "w2", "type": "sign_in", "time": "2026-10-09T08:00"},  # duplicate of the above
    {"assessee": "w2", "type": "sign_in", "time": "2026-10-09T08:00"},  # and again
    # make-up working Saturday 10 October; holiday Monday 5 October; Sunday 11 October
    {"assessee": "w3", "type": "sign_in", "time": "2026-10-10T09:00"},
    {"assessee": "w3", "type": "sign_in", "time": "2026-10-05T09:00"},
    {"assessee": "w3", "type": "sign_in", "time": "2026-10-11T09:00"},
    # 旬 at month end: 31 October 23:59 is X3; 31 October 16:30 UTC is 1 November in Shanghai
    {"assessee": "w1", "type": "inspection", "time": "2026-10-31T23:59"},
    {"assessee": "w2", "type": "inspection", "time": "2026-10-31T16:30:00Z"},
    # the week of 26 October to 1 November spans two months: 1 November is outside October
    {"assessee": "w1", "type": "weekly", "time": "2026-11-01T10:00"},
    {"assessee": "w2", "type": "weekly", "time": "2026-10-30T10:00"},
    # dispatches: exactly 15 minutes is on time; across midnight; never answered
    {"assessee": "w1", "type": "dispatch", "time": "2026-10-12T09:00",
     "arrived": "2026-10-12T09:15"},
    {"assessee": "w2", "type": "dispatch", "time": "2026-10-31T23:50",
     "arrived": "2026-11-01T00:06"},
    {"assessee": "w3", "type": "dispatch", "time": "2026-10-12T09:00"},
    # an approved absence excuses Thursday 8 October's morning
    {"assessee": "w3", "type": "absence", "time": "2026-10-08T08:00", "slot": "上午",
     "status": "批准"},
    "not json",
    {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T25:00"},
]  # fmt: skip


def check_edges(found: tuple[Any, ...]) -> None:
    evidence, rejected, count = found
    # October 2026 has 18 working days (National Day 1-8 October off but the make-up 10th): 36
    w1, w2, w3 = evidence["w1"], evidence["w2"], evidence["w3"]
    # w1 signed the 9th am and pm: 36 - 2; w2 the 9th am only (three times): 36 - 1
    assert w1["missed_sign_ins.missed"] == 34
    assert w2["missed_sign_ins.missed"] == 35
    # w3 signed the make-up Saturday (holiday and Sunday count nothing) and was excused
    # Thursday morning: 36 - 1 signed - 1 excused = 34; 35 expected
    assert (w3["missed_sign_ins.missed"], w3["missed_sign_ins.expected"]) == (34, 35)
    # 旬: w1 inspected X3; w2's inspection fell on 1 November
    assert w1["xun_without_inspection.missed"] == 2
    assert w2["xun_without_inspection.missed"] == 3
    # weeks assessed in October (Thursday rule): 28 Sep-4 Oct ... 26 Oct-1 Nov, 5 weeks; w2
    # reported in the last, w1's report of 1 November is outside October
    assert (w1["weeks_below_minimum.below"], w2["weeks_below_minimum.below"]) == (5, 4)
    # dispatches: 15 minutes is on time; 16 minutes across midnight is late; w3 never arrived
    assert (w1["late_arrivals.late"], w2["late_arrivals.late"]) == (0, 1)
    assert w3["late_arrivals.ignored"] == 1
    assert rejected == [
        (18, "not valid JSON: Expecting value at column 1"),
        (19, "time '2026-10-09T25:00' is not a valid date and time (hour must be in 0..23)"),
    ]
    assert count == 2


def test_edge_cases_on_the_reference_and_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "edges.jsonl"
    write_log(path, EDGES)
    period = Period.month(2026, 10)
    check_edges(run_reference(path, period, []))
    engine = DuckDBEngine()
    try:
        check_edges(run_engine(engine, path, period, []))
    finally:
        engine.close()


# -- rows the engines once read otherwise than the reference -----------------------------------

HOSTILE_FEEDS = [
    feed("count_by_type", {"visit": "visits"}),
    feed("visit_shortfall", quota=2),
    feed("missed_sign_ins", absence_type="absence", approved=["批准\u3000", " OK "]),
]

HOSTILE = [
    {"assessee": "w1", "type": "visit", "time": "2026-10-09T09:00", "household": "H1"},
    # a key given twice, anywhere: which value is meant cannot be known (lines 2-5)
    '{"assessee": "w1", "assessee": "w2", "type": "visit", "time": "2026-10-09T09:00"}',
    '{"assessee": "w1", "type": "visit", "time": "2026-10-09T09:00", "note": 1, "note": 1}',
    '{"assessee": "w1", "type": "visit", "time": "2026-10-09T09:00", "m": [{"a": 1, "a": 2}]}',
    '{"a\\u0062": 1, "ab": 2, "assessee": "w1", "type": "visit", "time": "2026-10-09T09:00"}',
    # whole numbers beyond signed 64 bits (lines 6-8); 2^63 - 1 is a good assessee (line 9)
    {"assessee": 2**63, "type": "visit", "time": "2026-10-09T09:00"},
    {"assessee": 2**64 - 1, "type": "visit", "time": "2026-10-09T09:00"},
    {"assessee": "w1", "type": "visit", "time": "2026-10-09T09:00", "household": 2**70},
    {"assessee": 2**63 - 1, "type": "visit", "time": "2026-10-09T09:00"},
    # a household with no one text: the same object in two orders, a fraction (lines 10-12)
    {"assessee": "w1", "type": "visit", "time": "2026-10-09T09:00", "household": {"a": 1, "b": 2}},
    {"assessee": "w1", "type": "visit", "time": "2026-10-09T09:00", "household": {"b": 2, "a": 1}},
    {"assessee": "w1", "type": "visit", "time": "2026-10-09T09:00", "household": 1.0},
    # statuses compared stripped of blanks (space, tab, CR, LF: not U+3000) and in lower case:
    # "批准" is not "批准\u3000" (Friday 9 October not excused); "ok" is " OK " (Monday 12 is)
    {"assessee": "w1", "type": "absence", "time": "2026-10-09T08:00", "status": "批准"},
    {"assessee": "w1", "type": "absence", "time": "2026-10-12T08:00", "status": "ok"},
]  # fmt: skip


def check_hostile(found: tuple[Any, ...]) -> None:
    evidence, rejected, count = found
    twice = "is given twice in one table: which value is meant cannot be known"
    beyond = "is a whole number beyond 64 bits (-9223372036854775808 to 9223372036854775807)"
    assert rejected == [
        (2, f"the key 'assessee' {twice}"),
        (3, f"the key 'note' {twice}"),
        (4, f"the key 'a' {twice}"),
        (5, f"the key 'ab' {twice}"),
        (6, f"assessee 9223372036854775808 {beyond}; give it as text"),
        (7, f"assessee 18446744073709551615 {beyond}; give it as text"),
        (8, f"household 1180591620717411303424 {beyond}; give it as text"),
        (10, 'household must be text or a whole number, got {"a": 1, "b": 2}'),
        (11, 'household must be text or a whole number, got {"b": 2, "a": 1}'),
        (12, "household must be text or a whole number, got 1.0"),
    ]
    assert count == 10
    w1 = evidence["w1"]
    # one good visit of w1 (line 1), one household on Friday 9 October: 18 working days of
    # October, 17 with no visit and 1 one short of 2: 18 days below the quota, 35 short
    assert (w1["visits"], w1["visit_shortfall.days"], w1["visit_shortfall.shortfall"]) == (
        1,
        18,
        35,
    )
    # the absence of Monday 12 October excuses 2 halves: 36 - 2 expected, none signed
    assert (w1["missed_sign_ins.excused"], w1["missed_sign_ins.missed"]) == (2, 34)
    assert evidence[str(2**63 - 1)]["visits"] == 1
    assert sorted(evidence) == ["9223372036854775807", "w1"]


def test_hostile_rows_on_the_reference_and_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "hostile.jsonl"
    write_log(path, HOSTILE)
    period = Period.month(2026, 10)
    check_hostile(run_reference(path, period, [], HOSTILE_FEEDS))
    check_hostile(run_duckdb(path, period, HOSTILE_FEEDS))


def test_a_key_given_twice_is_not_counted_when_it_is_the_only_bad_row(tmp_path: Path) -> None:
    # DuckDB counts with its parallel JSON reader, which takes a repeated key's first value, and
    # reads the log line by line only to list bad rows: a first pass finds the key given twice
    path = tmp_path / "twice.jsonl"
    good = {"assessee": "w1", "type": "visit", "time": "2026-10-09T09:00"}
    for line in (
        '{"assessee": "w1", "assessee": "w2", "type": "visit", "time": "2026-10-09T09:00"}',
        '{"assessee": "w2", "type": "visit", "time": "2026-10-09T09:00", "m": {"k": 1, "k": 2}}',
    ):
        write_log(path, [good, line])
        expected = run_reference(path, Period.month(2026, 10), [], HOSTILE_FEEDS[:1])
        assert expected[0] == {"w1": {"visits": 1}}
        assert expected[2] == 1
        assert run_duckdb(path, Period.month(2026, 10), HOSTILE_FEEDS[:1]) == expected


BEYOND = (
    "assessee 9223372036854775808 is a whole number beyond 64 bits (-9223372036854775808 to "
    "9223372036854775807); give it as text"
)


def whole_numbers_parquet(path: Path, kind: str) -> Path:
    """A Parquet log of two visits by assessees 7 and 2^63, the column of type ``kind``."""
    duckdb = pytest.importorskip("duckdb")
    duckdb.sql(
        f"COPY (SELECT CAST(a AS {kind}) AS assessee, 'visit' AS type, "
        "'2026-10-09T09:00' AS time FROM (VALUES (7), (9223372036854775808)) t(a)) "
        f"TO '{path}' (FORMAT parquet)"
    )
    return path


def test_whole_numbers_beyond_64_bits_in_parquet(tmp_path: Path) -> None:
    period = Period.month(2026, 10)
    for kind in ("UBIGINT", "DECIMAL(20, 0)"):  # an unsigned column, a whole decimal one
        path = whole_numbers_parquet(tmp_path / f"log-{kind[:3]}.parquet", kind)
        found = run_duckdb(path, period, HOSTILE_FEEDS[:1])
        assert found == ({"7": {"visits": 1}}, [(2, BEYOND)], 1), kind


def test_without_feeds_everyone_with_an_event_that_can_count_is_listed(tmp_path: Path) -> None:
    # A dispatch of 31 October reached on 1 November belongs to October by its dispatch day
    # (late_arrivals counts it there): its assessee is one of October's on every engine
    path = tmp_path / "log.jsonl"
    write_log(
        path,
        [
            {"assessee": "w1", "type": "dispatch", "time": "2026-11-01T00:10",
             "dispatched": "2026-10-31T23:55"},
            {"assessee": "w2", "type": "visit", "time": "2026-11-01T09:00"},
        ],
    )  # fmt: skip
    period = Period.month(2026, 10)
    assert run_reference(path, period, ["w3"], []) == ({"w1": {}, "w3": {}}, [], 0)
    engine = DuckDBEngine()
    try:
        assert run_engine(engine, path, period, ["w3"], []) == ({"w1": {}, "w3": {}}, [], 0)
    finally:
        engine.close()


def test_a_table_log_that_breaks_off_is_an_event_log_error_on_every_engine(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        'assessee,type,time\nw1,visit,2026-10-09T09:00\nw1,"vis"it,2026-10-09T09:00\n',
        encoding="utf-8",
    )
    period = Period.month(2026, 10)
    with pytest.raises(EventLogError, match=r"broken\.csv: line 3: not valid CSV"):
        run_reference(path, period, [], HOSTILE_FEEDS[:1])
    with pytest.raises(EventLogError, match=r"broken\.csv: line 3: not valid CSV"):
        run_duckdb(path, period, HOSTILE_FEEDS[:1])


# -- Spark --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pyspark = pytest.importorskip("pyspark.sql")
    session = (
        pyspark.SparkSession.builder.master("local[2]")
        .appName("gridrules-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_agrees_on_the_edge_cases(spark: Any, tmp_path: Path) -> None:
    from gridrules.spark import SparkEngine

    path = tmp_path / "edges.jsonl"
    write_log(path, EDGES)
    period = Period.month(2026, 10)
    engine = SparkEngine(spark)
    try:
        found = run_engine(engine, path, period, [])  # no roster: an empty table to join
    finally:
        engine.close()
    check_edges(found)
    assert found == run_reference(path, period, [])


def test_spark_agrees_on_the_hostile_rows(spark: Any, tmp_path: Path) -> None:
    from gridrules.spark import SparkEngine

    path = tmp_path / "hostile.jsonl"
    write_log(path, HOSTILE)
    engine = SparkEngine(spark)
    try:
        found = run_engine(engine, path, Period.month(2026, 10), [], HOSTILE_FEEDS)
    finally:
        engine.close()
    check_hostile(found)
    # Parquet: an unsigned 64-bit column is read by Spark as a whole decimal; its rows have no
    # numbers
    path = whole_numbers_parquet(tmp_path / "log.parquet", "UBIGINT")
    engine = SparkEngine(spark)
    try:
        found = run_engine(engine, path, Period.month(2026, 10), [], HOSTILE_FEEDS[:1])
    finally:
        engine.close()
    assert found == ({"7": {"visits": 1}}, [(0, BEYOND)], 1)


@settings(max_examples=3, suppress_health_check=list(HealthCheck), deadline=None)
@given(rows=LOGS, period=PERIODS)
def test_spark_duckdb_and_the_reference_agree(
    spark: Any, tmp_path_factory: pytest.TempPathFactory, rows: list[Any], period: Period
) -> None:
    from gridrules.spark import SparkEngine

    path = tmp_path_factory.mktemp("spark") / "log.jsonl"
    write_log(path, rows)
    expected = run_reference(path, period, ["w4"])
    duck = DuckDBEngine()
    engine = SparkEngine(spark)
    try:
        assert run_engine(duck, path, period, ["w4"]) == expected
        assert run_engine(engine, path, period, ["w4"]) == expected
    finally:
        engine.close()
        duck.close()


def test_spark_scores_as_gridrules_batch_does(spark: Any, tmp_path: Path) -> None:
    import tomllib

    from gridrules import plugins
    from gridrules.batch import run_batch
    from gridrules.spark import aggregate as spark_aggregate
    from gridrules.spark import score

    rubric = plugins.load("jiangcheng")
    params = tomllib.loads((ROOT / "examples" / "jiangcheng" / "params.toml").read_text("utf-8"))
    path = tmp_path / "edges.jsonl"
    write_log(path, EDGES)
    evidence, found = spark_aggregate(
        spark, path, period="2026-10", rubric=rubric, feeds=plugins.feeds("jiangcheng"),
        roster=["w4"],
    )  # fmt: skip
    assert found.rejected_count == 2
    local = tmp_path / "evidence.csv"
    rows = evidence.orderBy("assessee").collect()
    with local.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(evidence.columns)
        writer.writerows([list(r) for r in rows])
    run_batch(rubric, local, tmp_path / "scores.csv", params=params)
    with (tmp_path / "scores.csv").open(encoding="utf-8-sig", newline="") as stream:
        expected = {r["assessee"]: r for r in csv.DictReader(stream)}
    # one bad row among the good: a negative count is refused, its place kept
    bad = spark.createDataFrame(
        [("w5", "2026-10", -1)], "assessee STRING, period STRING, missed_signins BIGINT"
    )
    got = score(evidence.unionByName(bad, allowMissingColumns=True).repartition(2), rubric, params)
    scored = {r["assessee"]: r.asDict() for r in got.collect()}
    assert scored["w5"]["total"] is None
    assert "missed_signins" in scored["w5"]["problems"]
    for assessee, row in expected.items():
        mine = scored[assessee]
        for column in ("total", "base", "bonus", "penalty", "grade", "flags", "attendance",
                       "work", "disputes"):  # fmt: skip
            assert (mine[column] or "") == row[column], (assessee, column)
