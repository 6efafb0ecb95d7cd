"""Event logs: reading JSON lines and CSV, rejecting bad rows, and aggregating evidence."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pendulum
import pytest

from gridrules.calendars import get_calendar
from gridrules.errors import DataFileError
from gridrules.events import (
    Event,
    EventLogError,
    EventReader,
    RowError,
    count_by_type,
    late_arrivals,
    merge_evidence,
    missed_sign_ins,
    missed_weekly_visits,
    read_events,
    visit_shortfall,
    weeks_below_minimum,
    weeks_short_of_days,
    xun_without_inspection,
)
from gridrules.periods import Period

CN = get_calendar("CN")
SHANGHAI = pendulum.timezone("Asia/Shanghai")


def jsonl(*records: dict[str, object] | str) -> io.StringIO:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return io.StringIO("\n".join(lines) + "\n")


def at(text: str) -> datetime:
    """A Shanghai wall-clock time, for events built in Python."""
    return SHANGHAI.convert(datetime.fromisoformat(text))


def event(assessee: str, kind: str, time: str, **fields: str) -> Event:
    return Event(assessee, kind, at(time), fields)


# -- reading ----------------------------------------------------------------------------------


def test_naive_and_aware_times_end_up_in_shanghai() -> None:
    log = read_events(
        jsonl(
            {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T08:30:00"},
            # 06:00 UTC is 14:00 in Shanghai: an afternoon sign-in.
            {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T06:00:00Z"},
            # 23:30 UTC on the 9th is 07:30 on the 10th in Shanghai.
            {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T23:30:00+00:00"},
        ),
        format="jsonl",
    )
    assert log.rejected == ()
    first, second, third = log.events
    assert first.time.isoformat() == "2026-10-09T08:30:00+08:00"
    assert (first.date, first.slot) == (date(2026, 10, 9), "am")
    assert second.time.isoformat() == "2026-10-09T14:00:00+08:00"
    assert (second.date, second.slot) == (date(2026, 10, 9), "pm")
    assert third.time.isoformat() == "2026-10-10T07:30:00+08:00"
    assert (third.date, third.slot) == (date(2026, 10, 10), "am")


def test_configured_timezone_changes_the_day() -> None:
    source = jsonl({"assessee": "w1", "type": "sign_in", "time": "2026-10-09T20:00:00"})
    (utc_event,) = read_events(source, format="jsonl", timezone="UTC")
    assert utc_event.time.utcoffset() == timedelta(0)
    source = jsonl({"assessee": "w1", "type": "sign_in", "time": "2026-10-09T20:00:00Z"})
    (converted,) = read_events(source, format="jsonl")
    # 20:00 UTC is 04:00 the next morning in Shanghai.
    assert (converted.date, converted.slot) == (date(2026, 10, 10), "am")
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Base'"):
        EventReader(io.StringIO(""), format="jsonl", timezone="Mars/Base")


def test_bad_rows_are_reported_with_their_line_numbers() -> None:
    source = jsonl(
        {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T08:30"},
        "",  # blank lines are skipped but still counted
        "not json",
        {"assessee": "w1", "type": "sign_in"},
        {"assessee": "", "type": "sign_in", "time": "2026-10-09T08:30"},
        {"assessee": "w1", "type": "visit", "time": "2026-10-09"},
        {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T08:30", "slot": "noon"},
        ["a", "list"],  # type: ignore[arg-type]
        {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T25:00"},
        {"assessee": "w1", "type": "sign_in", "time": "2026-10-09 14:00", "slot": "上午"},
    )
    log = read_events(source, format="jsonl")
    assert [e.line for e in log.events] == [1, 10]
    assert log.events[1].slot == "am"  # the explicit slot wins over the hour
    reasons = {row.line: row.reason for row in log.rejected}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert reasons[3].startswith("not valid JSON")
    assert reasons[4] == "missing time"
    assert reasons[5] == "missing assessee"
    assert "is not an ISO 8601 date and time" in reasons[6]
    assert reasons[7] == "slot must be am or pm (上午/下午), got 'noon'"
    assert reasons[8] == "expected a JSON object, got list"
    assert "not a valid date and time" in reasons[9]
    assert log.rejected[0].raw == "not json"
    assert str(log.rejected[0]).startswith("line 3: not valid JSON")


def test_whole_numbers_beyond_64_bits_are_refused_with_their_reason() -> None:
    # Every engine reads a whole number as a signed 64-bit integer: a larger assessee or
    # household would be read differently by each, so it is refused, and its text asked for.
    big = 2**63
    log = read_events(
        jsonl(
            {"assessee": big - 1, "type": "visit", "time": "2026-10-09T08:30"},
            {"assessee": big, "type": "visit", "time": "2026-10-09T08:30"},
            {"assessee": -big - 1, "type": "visit", "time": "2026-10-09T08:30"},
            {"assessee": "w1", "type": "visit", "time": "2026-10-09T08:30", "household": 2**64},
            {"assessee": str(big), "type": "visit", "time": "2026-10-09T08:30"},
        ),
        format="jsonl",
        read_fields=["household"],
    )
    assert [e.assessee for e in log.events] == [str(big - 1), str(big)]
    beyond = f"is a whole number beyond 64 bits (-{big} to {big - 1}); give it as text"
    assert [(r.line, r.reason) for r in log.rejected] == [
        (2, f"assessee {big} {beyond}"),
        (3, f"assessee {-big - 1} {beyond}"),
        (4, f"household {2**64} {beyond}"),
    ]


def test_fields_the_aggregators_read_are_text_or_whole_numbers() -> None:
    # A household given as an object, a fraction or a boolean has no one text every engine
    # agrees on ({"a": 1, "b": 2} and {"b": 2, "a": 1} are one household or two, 1.0 is "1.0" or
    # "1"): where an aggregator reads the field, such a record is refused; elsewhere it is kept.
    records = [
        {"assessee": "w1", "type": "visit", "time": "2026-10-09T08:30", "household": "H1"},
        {"assessee": "w1", "type": "visit", "time": "2026-10-09T08:40", "household": 12},
        {"assessee": "w1", "type": "visit", "time": "2026-10-09T08:50", "household": {"b": 2}},
        {"assessee": "w1", "type": "visit", "time": "2026-10-09T09:00", "household": 1.0},
        {"assessee": "w1", "type": "visit", "time": "2026-10-09T09:10", "household": True},
        {"assessee": "w1", "type": "visit", "time": "2026-10-09T09:20", "household": " "},
    ]
    read = read_events(jsonl(*records), format="jsonl", read_fields=["household"])
    assert [(e.line, e.get("household")) for e in read.events] == [(1, "H1"), (2, "12"), (6, None)]
    assert [(r.line, r.reason) for r in read.rejected] == [
        (3, 'household must be text or a whole number, got {"b": 2}'),
        (4, "household must be text or a whole number, got 1.0"),
        (5, "household must be text or a whole number, got true"),
    ]
    unread = read_events(jsonl(*records), format="jsonl")
    assert len(unread.events) == 6
    assert unread.events[2].get("household") == '{"b": 2}'


def test_a_key_given_twice_is_refused_at_any_depth() -> None:
    log = read_events(
        jsonl(
            '{"assessee": "w1", "assessee": "w2", "type": "visit", "time": "2026-10-09T08:30"}',
            '{"assessee": "w1", "type": "visit", "time": "2026-10-09T08:30", "meta": {"a": 1, '
            '"a": 2}}',
            '{"assessee": "w1", "type": "visit", "time": "2026-10-09T08:30", "n": 1, "n": 1}',
        ),
        format="jsonl",
    )
    assert log.events == ()
    assert [(r.line, r.reason) for r in log.rejected] == [
        (1, "the key 'assessee' is given twice in one table: which value is meant cannot be known"),
        (2, "the key 'a' is given twice in one table: which value is meant cannot be known"),
        (3, "the key 'n' is given twice in one table: which value is meant cannot be known"),
    ]


def test_strict_mode_raises_with_every_bad_row() -> None:
    source = jsonl(
        "not json",
        {"assessee": "w1", "type": "sign_in", "time": "2026-10-09T08:30"},
        {"assessee": "w1", "type": "sign_in"},
    )
    with pytest.raises(EventLogError) as info:
        read_events(source, format="jsonl", strict=True, name="signins.jsonl")
    error = info.value
    assert isinstance(error, DataFileError)
    assert [row.line for row in error.rows] == [1, 3]
    assert "signins.jsonl: 2 rejected rows" in str(error)
    assert "line 3: missing time" in str(error)


def test_csv_with_bom_quotes_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "visits.csv"
    text = (
        "assessee,type,time,household,note\n"  # row 1, the header
        "w1,visit,2026-10-09T09:00,H1,\n"  # row 2
        'w1,visit,2026-10-09T09:30,H2,"two\nlines"\n'  # row 3, on two lines
        "w1,visit,2026-10-09T10:00,H3,x,extra\n"  # row 4: too many values
        "w1,visit,,H4,\n"  # row 5: no time
        "\n"  # row 6: blank
        "w2,visit,2026-10-09T10:00+08:00,H5\n"  # row 7: short row, note missing
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    log = read_events(path)
    # rows are numbered as a spreadsheet shows them, as gridrules batch numbers them
    assert [(e.line, e.get("household")) for e in log.events] == [(2, "H1"), (3, "H2"), (7, "H5")]
    assert log.events[1].get("note") == "two\nlines"
    assert "note" not in log.events[0].fields  # an empty cell is an absent field
    assert [(r.line, r.reason) for r in log.rejected] == [
        (4, "the row has 6 cells but the header names 5 columns"),
        (5, "missing time"),
    ]
    assert str(log.rejected[1]) == "row 5: missing time"
    assert json.loads(log.rejected[1].raw)["household"] == "H4"
    assert log.source == str(path)


def test_a_csv_that_breaks_off_is_an_event_log_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        'assessee,type,time\nw1,visit,2026-10-09T09:00\nw1,"vis"it,2026-10-09T09:00\n',
        encoding="utf-8",
    )
    with pytest.raises(EventLogError) as info:
        read_events(path)
    assert str(info.value).startswith(f"{path}: line 3: not valid CSV: ")


def test_csv_header_without_required_columns_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("worker,type,when\nw1,visit,2026-10-09T09:00\n", encoding="utf-8")
    with pytest.raises(EventLogError, match="the header has no column assessee, time"):
        read_events(path)


def test_jsonl_file_with_bom_and_other_fields(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    record = {"assessee": 7, "type": "visit", "time": "2026-10-09T09:00", "household": 12}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(record).encode() + b"\n")
    (visit,) = read_events(path)
    assert visit.assessee == "7"
    assert visit.get("household") == "12"
    assert visit.where() == f"{path}:1"


def test_gbk_csv_is_read_and_other_bytes_are_a_file_error(tmp_path: Path) -> None:
    # Platform exports from Chinese Excel are often GBK: told from UTF-8 as gridrules batch does.
    path = tmp_path / "gbk.csv"
    path.write_bytes("assessee,type,time\n张三,visit,2026-10-09T09:00\n".encode("gbk"))
    (visit,) = read_events(path)
    assert visit.assessee == "张三"
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b'{"assessee": "w1", "type": "x", "time": "2026-10-09T09:00"}\n\xff\n')
    with pytest.raises(EventLogError, match="line 2: not UTF-8 text"):
        read_events(broken)


def test_unknown_format_must_be_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pass format='jsonl', 'csv' or 'xlsx'"):
        EventReader(tmp_path / "log.txt")
    with pytest.raises(ValueError, match="pass format"):
        EventReader(io.StringIO(""))


def test_missing_file_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(EventLogError, match="cannot open the event log"):
        read_events(tmp_path / "absent.jsonl")


def test_reader_streams_rows_one_at_a_time() -> None:
    pulled: list[int] = []

    class Lines(io.StringIO):
        def __iter__(self) -> Iterator[str]:  # type: ignore[override]
            for number, line in enumerate(self.getvalue().splitlines(keepends=True), 1):
                pulled.append(number)
                yield line

    source = Lines(
        "\n".join(
            json.dumps({"assessee": "w1", "type": "update", "time": f"2026-10-0{d}T09:00"})
            for d in range(1, 10)
        )
    )
    reader = EventReader(source, format="jsonl")
    iterator = iter(reader)
    first = next(iterator)
    assert first.line == 1
    assert pulled == [1]  # nothing beyond the first row was read yet
    assert len(list(iterator)) == 8
    assert reader.rejected == []


def test_dispatch_times_are_read_and_checked() -> None:
    log = read_events(
        jsonl(
            {
                "assessee": "w1",
                "type": "dispatch",
                "time": "2026-10-12T09:00",
                "dispatched": "2026-10-12T09:00",
                "arrived": "2026-10-12T01:10Z",
            },
            {
                "assessee": "w1",
                "type": "dispatch",
                "time": "2026-10-12T09:00",
                "dispatched": "2026-10-12T09:00",
                "arrived": "2026-10-12T08:59",
            },
            {"assessee": "w1", "type": "dispatch", "time": "2026-10-12T09:00", "arrived": "soon"},
        ),
        format="jsonl",
    )
    assert log.events[0].times["arrived"].isoformat() == "2026-10-12T09:10:00+08:00"
    assert [(r.line, r.reason) for r in log.rejected] == [
        (2, "arrived 2026-10-12T08:59:00+08:00 is before dispatched 2026-10-12T09:00:00+08:00"),
        (
            3,
            "arrived 'soon' is not an ISO 8601 date and time "
            "(expected e.g. 2026-10-10T08:30:00 or 2026-10-10 08:30+08:00)",
        ),
    ]


def test_events_built_in_python_need_aware_times() -> None:
    with pytest.raises(TypeError, match="aware datetime"):
        Event("w1", "sign_in", datetime(2026, 10, 9, 8))
    with pytest.raises(TypeError, match="assessee must be non-empty text"):
        Event("", "sign_in", at("2026-10-09T08:00"))
    aware = Event("w1", "sign_in", datetime(2026, 10, 9, 8, tzinfo=UTC))
    assert aware.date == date(2026, 10, 9)


# -- missed sign-ins --------------------------------------------------------------------------


def test_missed_sign_ins_in_national_day_week() -> None:
    # 2026-W41 is Monday 5 to Sunday 11 October. Mon 5 to Wed 7 are National Day holidays,
    # Thu 8 and Fri 9 are working days and Saturday 10 is a make-up working day: 3 working
    # days, so 2 x 3 = 6 sign-ins are expected.
    week = Period.parse("2026-W41")
    events = [
        event("w1", "sign_in", "2026-10-08T08:31"),  # Thu am
        event("w1", "sign_in", "2026-10-08T08:45"),  # Thu am again: counts once
        event("w1", "sign_in", "2026-10-08T14:00"),  # Thu pm
        event("w1", "sign_in", "2026-10-10T11:59"),  # make-up Saturday am
        event("w1", "sign_in", "2026-10-06T09:00"),  # holiday: counts toward nothing
        event("w1", "sign_in", "2026-10-11T09:00"),  # Sunday: counts toward nothing
        event("w1", "sign_in", "2026-10-12T09:00"),  # next week: outside the period
        event("w2", "visit", "2026-10-09T10:00"),  # w2 never signed in
    ]
    # w1 signed 3 distinct (working day, slot) pairs: 6 - 3 = 3 missed. w2 and w3 missed all 6.
    result = missed_sign_ins(
        events, week, CN, assessees=["w3"], expected_field="expected", signed_field="signed"
    )
    assert result == {
        "w1": {"missed_signins": 3, "expected": 6, "signed": 3},
        "w2": {"missed_signins": 6, "expected": 6, "signed": 0},
        "w3": {"missed_signins": 6, "expected": 6, "signed": 0},
    }
    assert list(result) == ["w1", "w2", "w3"]


def test_missed_sign_ins_field_name_and_noon_boundary() -> None:
    day = Period.window(date(2026, 10, 9), date(2026, 10, 9))
    events = [event("w1", "sign_in", "2026-10-09T12:00")]  # 12:00 is 下午
    result = missed_sign_ins(events, day, CN, field="缺签次数")
    assert result == {"w1": {"缺签次数": 1}}
    assert events[0].slot == "pm"


# -- household visits -------------------------------------------------------------------------


def test_household_visits_against_a_daily_quota() -> None:
    # Thursday 8 to Sunday 11 October 2026: working days are 8, 9 and 10 (make-up Saturday).
    window = Period.window(date(2026, 10, 8), date(2026, 10, 11))
    events = [event("w1", "visit", "2026-10-08T09:00", household=f"H{i}") for i in range(10)]
    # Friday: 8 records but H0 twice, so 7 households: 3 short.
    events += [event("w1", "visit", "2026-10-09T09:00", household=f"H{i}") for i in range(7)]
    events.append(event("w1", "visit", "2026-10-09T15:00", household="H0"))
    # Saturday (a working day): nothing, 10 short. Sunday's 12 visits make up for nothing.
    events += [event("w1", "visit", "2026-10-11T09:00", household=f"S{i}") for i in range(12)]
    result = visit_shortfall(events, window, CN, quota=10)
    # Days below quota: Friday and Saturday = 2; households short: 3 + 10 = 13.
    assert result == {"w1": {"days_below_quota": 2, "household_shortfall": 13}}


def test_visits_without_household_ids_count_one_each() -> None:
    day = Period.window(date(2026, 10, 9), date(2026, 10, 9))
    events = [event("w1", "visit", "2026-10-09T09:00") for _ in range(4)]
    result = visit_shortfall(events, day, CN, quota=5, days_field="d", shortfall_field="s")
    assert result == {"w1": {"d": 1, "s": 1}}
    with pytest.raises(ValueError, match="quota"):
        visit_shortfall(events, day, CN, quota=0)


# -- 旬 inspections ----------------------------------------------------------------------------


def test_xun_without_a_completed_inspection() -> None:
    october = Period.month(2026, 10)
    events = [
        event("w1", "inspection", "2026-10-03T10:00"),  # X1: no status, so completed
        event("w1", "inspection", "2026-10-15T10:00", status="pending"),  # X2: not completed
        event("w1", "inspection", "2026-10-31T10:00", status="Completed"),  # X3: completed
        event("w2", "inspection", "2026-10-20T23:59", status="completed"),  # w2: X2 only
    ]
    # w1 lacks X2 only: 1. w2 lacks X1 and X3: 2.
    assert xun_without_inspection(events, october) == {
        "w1": {"missed_xun": 1},
        "w2": {"missed_xun": 2},
    }


def test_partial_xun_at_a_window_edge() -> None:
    # Other towns count from 5 March: 5-10 March is a cut 上旬.
    towns = Period.window(date(2026, 3, 5), date(2026, 3, 31))
    events = [event("w1", "inspection", "2026-03-12T10:00")]
    # include (default): 3 parts (5-10, X2, X3), only X2 inspected -> 2.
    assert xun_without_inspection(events, towns) == {"w1": {"missed_xun": 2}}
    # exclude: the cut 5-10 March is not assessed -> X2, X3 -> 1.
    assert xun_without_inspection(events, towns, partial="exclude") == {"w1": {"missed_xun": 1}}


# -- dispatches -------------------------------------------------------------------------------


def test_exactly_fifteen_minutes_is_on_time_one_second_more_is_late() -> None:
    source = jsonl(
        {
            "assessee": "w1",
            "type": "dispatch",
            "time": "2026-10-12T09:00:00",
            "dispatched": "2026-10-12T09:00:00",
            "arrived": "2026-10-12T09:15:00",  # exactly 15 minutes: within 15 minutes
        },
        {
            "assessee": "w1",
            "type": "dispatch",
            "time": "2026-10-12T10:00:00",
            "dispatched": "2026-10-12T10:00:00",
            "arrived": "2026-10-12T10:15:01",  # 15 min 1 s: late
        },
        {
            "assessee": "w1",
            "type": "dispatch",
            # dispatched at 09:00 Shanghai, written in UTC; arrived 09:16 Shanghai: late
            "time": "2026-10-12T01:00:00Z",
            "arrived": "2026-10-12T09:16:00",
        },
        {
            "assessee": "w1",
            "type": "dispatch",
            "time": "2026-10-12T11:00:00",
            "dispatched": "2026-10-12T11:00:00",
        },  # never arrived: 置之不理
        {
            "assessee": "w2",
            "type": "dispatch",
            "time": "2026-10-31T23:50:00",
            "dispatched": "2026-10-31T23:50:00",
            "arrived": "2026-11-01T00:04:00",  # 14 minutes, across midnight: on time
        },
        {
            "assessee": "w2",
            "type": "dispatch",
            "time": "2026-11-01T00:10:00",
            "dispatched": "2026-11-01T00:10:00",
        },  # November: outside the period
    )
    result = late_arrivals(read_events(source, format="jsonl"), Period.month(2026, 10))
    assert result == {
        "w1": {"late_arrivals": 2, "ignored_disputes": 1},
        "w2": {"late_arrivals": 0, "ignored_disputes": 0},
    }


def test_late_arrival_limit_is_configurable() -> None:
    dispatch = Event(
        "w1",
        "dispatch",
        at("2026-10-12T09:00"),
        times={"dispatched": at("2026-10-12T09:00"), "arrived": at("2026-10-12T09:10")},
    )
    month = Period.month(2026, 10)
    assert late_arrivals([dispatch], month, limit=timedelta(minutes=10))["w1"]["late_arrivals"] == 0
    late = late_arrivals([dispatch], month, limit=timedelta(minutes=5), late_field="迟到")
    assert late == {"w1": {"迟到": 1, "ignored_disputes": 0}}


def test_arrival_before_dispatch_built_in_python_is_an_error() -> None:
    dispatch = Event(
        "w1",
        "dispatch",
        at("2026-10-12T09:00"),
        times={"arrived": at("2026-10-12T08:00")},
        line=4,
        source="py",
    )
    with pytest.raises(EventLogError, match=r"line 4: arrived .* is before dispatched"):
        late_arrivals([dispatch], Period.month(2026, 10))


# -- weekly updates ---------------------------------------------------------------------------


def _updates(*times: str) -> list[Event]:
    return [event("w1", "update", t) for t in times]


def test_weeks_below_minimum_with_partial_weeks() -> None:
    # November 2026 starts on a Sunday and ends on a Monday. Its week parts:
    #   Sun 1 (ISO week of 26 Oct - 1 Nov, Thursday 29 Oct in October)   -> cut, 1 day
    #   2-8, 9-15, 16-22, 23-29                                           -> 4 whole weeks
    #   Mon 30 (ISO week of 30 Nov - 6 Dec, Thursday 3 Dec in December)   -> cut, 1 day
    november = Period.month(2026, 11)
    events = _updates(
        "2026-11-03T09:00",
        "2026-11-05T09:00",  # week 2-8: 2 updates, enough
        "2026-11-10T09:00",  # week 9-15: 1, below
        "2026-11-16T09:00",
        "2026-11-22T21:00",  # week 16-22: 2, enough
        # week 23-29: none, below
        "2026-11-30T09:00",  # Mon 30: 1 (only counted under "all")
        "2026-10-30T09:00",  # October: outside the period
    )
    # "thursday": the cut stubs hold no Thursday -> 4 weeks assessed, 2 below.
    assert weeks_below_minimum(events, november, weeks_field="weeks") == {
        "w1": {"weeks_below_minimum": 2, "weeks": 4}
    }
    # "none": the same 4 whole weeks.
    assert weeks_below_minimum(events, november, partial_weeks="none")["w1"] == {
        "weeks_below_minimum": 2
    }
    # "all": 6 parts; Sun 1 has 0 and Mon 30 has 1 update, both below 2 -> 4.
    assert weeks_below_minimum(events, november, partial_weeks="all")["w1"] == {
        "weeks_below_minimum": 4
    }


def test_thursday_rule_assesses_every_iso_week_in_exactly_one_month() -> None:
    assessed: list[str] = []
    for month in Period.year(2026).split("month"):
        # With no updates at all every assessed week is below the minimum; weeks_field reports
        # how many weeks the month assessed, checked against the parts holding their Thursday.
        result = weeks_below_minimum([], month, assessees=["w1"], weeks_field="weeks")
        weeks = result["w1"]["weeks"]
        assert result["w1"]["weeks_below_minimum"] == weeks
        parts = [
            Period.containing(p.start, "week")
            for p in month.split("week")
            if p.contains(Period.containing(p.start, "week").start + timedelta(days=3))
        ]
        assert weeks == len(parts)
        assessed.extend(str(w) for w in parts)
    # ISO year 2026 has 53 weeks, and each one is assessed by exactly one month.
    assert len(assessed) == len(set(assessed)) == 53
    assert assessed[0] == "2026-W01"
    assert assessed[-1] == "2026-W53"


def test_weeks_minimum_is_configurable() -> None:
    week = Period.parse("2026-W46")
    events = _updates("2026-11-09T09:00", "2026-11-10T09:00")
    assert weeks_below_minimum(events, week, minimum=3)["w1"]["weeks_below_minimum"] == 1
    assert weeks_below_minimum(events, week, minimum=2)["w1"]["weeks_below_minimum"] == 0


# -- generic counts and merging ---------------------------------------------------------------


def test_count_by_type() -> None:
    month = Period.month(2026, 10)
    events = [
        event("w1", "case", "2026-10-09T09:00"),
        event("w1", "case", "2026-10-19T09:00"),
        event("w1", "report", "2026-10-19T10:00"),
        event("w2", "report", "2026-10-20T10:00"),
        event("w2", "case", "2026-09-30T10:00"),  # September: not counted
    ]
    assert count_by_type(events, month) == {
        "w1": {"case": 2, "report": 1},
        "w2": {"case": 0, "report": 1},
    }
    named = count_by_type(events, month, types={"case": "办件数"}, assessees=["w3"])
    assert named == {"w1": {"办件数": 2}, "w2": {"办件数": 0}, "w3": {"办件数": 0}}
    assert count_by_type(events, month, types=["meeting"])["w1"] == {"meeting": 0}


def test_merge_evidence_refuses_a_field_given_twice() -> None:
    a = {"w1": {"missed_signins": 3}}
    b = {"w1": {"late_arrivals": 1}, "w2": {"late_arrivals": 0}}
    assert merge_evidence(a, b) == {
        "w1": {"missed_signins": 3, "late_arrivals": 1},
        "w2": {"late_arrivals": 0},
    }
    with pytest.raises(ValueError, match="'w1': field 'missed_signins' is given twice"):
        merge_evidence(a, a)


def test_output_field_ids_must_differ() -> None:
    with pytest.raises(ValueError, match="both name the field 'x'"):
        late_arrivals([], Period.month(2026, 10), late_field="x", ignored_field="x")


def test_row_error_is_a_plain_value() -> None:
    row = RowError(3, "missing time", "{}")
    assert row == RowError(3, "missing time", "{}")
    assert str(row) == "line 3: missing time"


# -- what the other schemes count with ----------------------------------------------------------


def test_approved_absences_are_excused_from_missed_sign_ins() -> None:
    # zengdu: 须经批准并在签到薄上注明原因. Week 2026-W42, Monday 12 to Friday 16 October: 5
    # working days, 10 sign-ins expected.
    week = Period.parse("2026-W42")
    events = [
        event("w1", "sign_in", "2026-10-12T08:30"),
        event("w1", "absence", "2026-10-13T08:00", status="approved"),  # Tuesday: whole day
        event("w1", "absence", "2026-10-14T08:00", slot="下午", status="Approved"),  # Wed pm
        event("w1", "absence", "2026-10-15T08:00", status="pending"),  # not approved: no excuse
        event("w1", "absence", "2026-10-17T08:00"),  # Saturday: no working day to excuse
    ]
    result = missed_sign_ins(
        events, week, CN, absence_type="absence", expected_field="e", excused_field="x"
    )
    # excused: Tue am, Tue pm, Wed pm = 3; expected 10 - 3 = 7; signed Mon am = 1; missed 6
    assert result == {"w1": {"missed_signins": 6, "e": 7, "x": 3}}
    # without absence_type, absences excuse nothing: 10 - 1 = 9
    assert missed_sign_ins(events, week, CN)["w1"] == {"missed_signins": 9}


def test_weeks_short_of_days_on_duty() -> None:
    # ernvqiao: 每周不少于三天时间在网格上履职尽责. 2026-W42 and W43, the first half of a window.
    window = Period.parse("2026-10-12..2026-10-25")
    events = [
        event("w1", "duty", "2026-10-12T09:00"),
        event("w1", "duty", "2026-10-12T15:00"),  # the same day again: still one day
        event("w1", "duty", "2026-10-13T09:00"),
        event("w1", "duty", "2026-10-18T09:00"),  # Sunday counts: 3 days in W42
        event("w1", "duty", "2026-10-20T09:00"),  # W43: 1 day, 2 short
    ]
    assert weeks_short_of_days(events, window, shortfall_field="short", weeks_field="n") == {
        "w1": {"weeks_short_of_days": 1, "short": 2, "n": 2}
    }


def test_missed_weekly_visits_per_person() -> None:
    # xize2017: 每少1人(次)扣1分, three people a week. W42: p1, p2 and p1 again (2 people, 1
    # short); W43: p1, p2, p3, p4 (the extra visit covers no other week); W44 is cut by the end
    # of October with its Thursday in it, so it is assessed: nobody visited, 3 short.
    october = Period.month(2026, 10)
    events = [
        event("w1", "visit", "2026-10-12T09:00", person="p1"),
        event("w1", "visit", "2026-10-13T09:00", person="p2"),
        event("w1", "visit", "2026-10-14T09:00", person="p1"),
        *(event("w1", "visit", "2026-10-20T09:00", person=f"p{i}") for i in range(1, 5)),
    ]
    # October's weeks (Thursday rule): W40 (28 Sep-4 Oct), W41, W42, W43, W44: W40 3 short, W41
    # 3, W42 1, W43 0, W44 3 = 10
    assert missed_weekly_visits(events, october, quota=3) == {"w1": {"missed_visits": 10}}
