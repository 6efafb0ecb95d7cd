"""Periods: parsing, printing, containment and splitting into sub-periods."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridrules.errors import GridrulesError
from gridrules.periods import Period, PeriodError, PeriodKind

FAST = settings(database=None, deadline=None, max_examples=150)

NAMED_KINDS = [kind for kind in PeriodKind if kind is not PeriodKind.WINDOW]

days = st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def periods(draw: st.DrawFn) -> Period:
    kind = draw(st.sampled_from(list(PeriodKind)))
    if kind is PeriodKind.WINDOW:
        first, second = sorted((draw(days), draw(days)))
        # Keep windows short enough to split quickly into xun or weeks.
        second = min(second, first + timedelta(days=800))
        return Period.window(first, second)
    return Period.containing(draw(days), kind)


# -- parsing and printing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), PeriodKind.YEAR),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30), PeriodKind.HALF_YEAR),
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31), PeriodKind.HALF_YEAR),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), PeriodKind.QUARTER),
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31), PeriodKind.MONTH),
        ("2026-10-X1", date(2026, 10, 1), date(2026, 10, 10), PeriodKind.XUN),
        ("2026-10-X2", date(2026, 10, 11), date(2026, 10, 20), PeriodKind.XUN),
        # 下旬 runs to the month's end: 11 days in October, 8 in February 2026, 9 in 2024 (leap).
        ("2026-10-X3", date(2026, 10, 21), date(2026, 10, 31), PeriodKind.XUN),
        ("2026-02-X3", date(2026, 2, 21), date(2026, 2, 28), PeriodKind.XUN),
        ("2024-02-X3", date(2024, 2, 21), date(2024, 2, 29), PeriodKind.XUN),
        # ISO week 41 of 2026: Monday 5 October to Sunday 11 October.
        ("2026-W41", date(2026, 10, 5), date(2026, 10, 11), PeriodKind.WEEK),
        # ISO week 1 of 2026 starts in 2025 (1 January 2026 is a Thursday).
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4), PeriodKind.WEEK),
        ("2026-03-05..2026-12-31", date(2026, 3, 5), date(2026, 12, 31), PeriodKind.WINDOW),
    ],
)
def test_parse_named_forms(text: str, start: date, end: date, kind: PeriodKind) -> None:
    period = Period.parse(text)
    assert (period.start, period.end, period.kind) == (start, end, kind)
    assert str(period) == text
    assert period.label == text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [(" 2026-q3 ", "2026-Q3"), ("2026-w41", "2026-W41"), ("2026-10-x2", "2026-10-X2")],
)
def test_parse_is_lenient_on_case_and_spaces_but_prints_canonically(
    text: str, canonical: str
) -> None:
    assert str(Period.parse(text)) == canonical


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-13", "month must be 1 to 12, got 13"),
        ("2026-Q5", "quarter must be 1 to 4, got 5"),
        ("2026-H3", "half-year must be 1 or 2, got 3"),
        ("2026-10-X4", "got X4"),
        ("2025-W53", "ISO week-year 2025 has weeks 1 to 52, got week 53"),
        ("2026-12-31..2026-01-01", "cannot end (2026-01-01) before it starts (2026-12-31)"),
        ("2026-02-30..2026-03-01", "invalid date"),
        ("October 2026", None),
        ("2026-10-1", None),
        ("", None),
    ],
)
def test_malformed_text_names_the_text_and_the_accepted_forms(
    text: str, reason: str | None
) -> None:
    with pytest.raises(PeriodError) as info:
        Period.parse(text)
    message = str(info.value)
    assert repr(text) in message
    assert "2026-10-X1" in message
    assert "2026-W41" in message
    assert "2026-03-05..2026-12-31" in message
    if reason is not None:
        assert reason in message
    assert isinstance(info.value, GridrulesError)
    assert isinstance(info.value, ValueError)


def test_iso_week_53_exists_only_in_long_years() -> None:
    # 2026 ends on a Thursday, so it has 53 ISO weeks; the 53rd reaches into 2027.
    assert Period.parse("2026-W53").end == date(2027, 1, 3)


@FAST
@given(periods())
def test_parse_and_str_round_trip(period: Period) -> None:
    again = Period.parse(str(period))
    assert again == period
    assert str(again) == str(period)
    assert again.kind is period.kind


def test_label_is_display_only() -> None:
    towns = Period.window(date(2026, 3, 5), date(2026, 12, 31), label="other towns 2026")
    assert towns.label == "other towns 2026"
    assert str(towns) == "2026-03-05..2026-12-31"
    assert towns == Period.parse("2026-03-05..2026-12-31")
    assert hash(towns) == hash(Period.parse("2026-03-05..2026-12-31"))


# -- building ---------------------------------------------------------------------------------


def test_pendulum_dates_are_accepted_and_stored_as_plain_dates() -> None:
    period = Period.window(pendulum.date(2026, 1, 1), pendulum.date(2026, 12, 31))
    assert type(period.start) is date
    assert type(period.end) is date
    assert period == Period.window(date(2026, 1, 1), date(2026, 12, 31))
    assert pendulum.date(2026, 6, 1) in period


def test_a_datetime_is_refused_rather_than_truncated() -> None:
    with pytest.raises(TypeError, match="expected a date, got datetime"):
        Period.window(datetime(2026, 1, 1, 8), date(2026, 1, 2))
    with pytest.raises(TypeError, match="expected a date"):
        Period.month(2026, 10).contains(datetime(2026, 10, 1, 9))


def test_a_named_kind_must_match_its_days() -> None:
    with pytest.raises(PeriodError, match="is not a month; the month starting then runs"):
        Period(date(2026, 10, 2), date(2026, 10, 31), PeriodKind.MONTH)
    with pytest.raises(PeriodError, match="is not a xun"):
        Period(date(2026, 10, 1), date(2026, 10, 11), "xun")
    assert Period(date(2026, 10, 1), date(2026, 10, 31), "month") == Period.month(2026, 10)


def test_unknown_kind_lists_the_kinds() -> None:
    with pytest.raises(PeriodError, match=r"unknown period kind 'fortnight'.*'xun'"):
        Period.month(2026, 10).split("fortnight")


def test_containing_finds_the_period_of_a_day() -> None:
    day = date(2026, 10, 15)
    assert str(Period.containing(day, "xun")) == "2026-10-X2"
    assert str(Period.containing(day, "week")) == "2026-W42"
    assert str(Period.containing(day, PeriodKind.QUARTER)) == "2026-Q4"
    assert str(Period.containing(day, "half-year")) == "2026-H2"
    with pytest.raises(PeriodError, match="window"):
        Period.containing(day, "window")


# -- days and containment ---------------------------------------------------------------------


def test_days_and_contains() -> None:
    xun = Period.parse("2026-02-X3")
    listed = list(xun.days())
    assert listed[0] == date(2026, 2, 21)
    assert listed[-1] == date(2026, 2, 28)
    assert len(listed) == xun.day_count == 8
    assert xun.contains(date(2026, 2, 21))
    assert xun.contains(date(2026, 2, 28))
    assert not xun.contains(date(2026, 3, 1))
    assert date(2026, 2, 20) not in xun


@FAST
@given(periods(), days)
def test_contains_agrees_with_days(period: Period, day: date) -> None:
    if period.day_count <= 400:
        assert period.contains(day) == (day in set(period.days()))
    assert period.contains(day) == (period.start <= day <= period.end)


# -- splitting --------------------------------------------------------------------------------


def _assert_partition(period: Period, parts: tuple[Period, ...]) -> None:
    assert parts, "a period always splits into at least one part"
    assert parts[0].start == period.start
    assert parts[-1].end == period.end
    for before, after in itertools.pairwise(parts):
        # No gap and no overlap: each part starts the day after the previous one ends.
        assert after.start == before.end + timedelta(days=1)
    assert sum(part.day_count for part in parts) == period.day_count


@FAST
@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)))
def test_the_xun_of_a_month_partition_it(day: date) -> None:
    month = Period.containing(day, "month")
    xuns = month.xuns()
    _assert_partition(month, xuns)
    assert [str(x)[-2:] for x in xuns] == ["X1", "X2", "X3"]
    assert [x.day_count for x in xuns[:2]] == [10, 10]
    assert xuns[2].day_count == month.day_count - 20
    assert all(x.kind is PeriodKind.XUN for x in xuns)
    covered = [d for x in xuns for d in x.days()]
    assert covered == list(month.days())


@FAST
@given(st.integers(min_value=1901, max_value=2099))
def test_a_year_splits_into_half_years_quarters_and_months(year: int) -> None:
    period = Period.year(year)
    for kind, count in (("half-year", 2), ("quarter", 4), ("month", 12)):
        parts = period.split(kind)
        _assert_partition(period, parts)
        assert len(parts) == count
        assert all(part.kind is PeriodKind(kind) for part in parts)
    quarters = period.split("quarter")
    months = period.split("month")
    # Each quarter is exactly three of the months.
    for index, quarter in enumerate(quarters):
        assert quarter.split("month") == months[3 * index : 3 * index + 3]


@FAST
@given(periods(), st.sampled_from(NAMED_KINDS))
def test_split_partitions_any_period(period: Period, kind: PeriodKind) -> None:
    parts = period.split(kind)
    _assert_partition(period, parts)
    for part in parts:
        whole = Period.containing(part.start, kind)
        if part.kind is PeriodKind.WINDOW:
            # A clipped part lies inside one sub-period and is cut by the period's edge.
            assert whole.start <= part.start
            assert part.end <= whole.end
            assert part != whole
            assert part.start == period.start or part.end == period.end
        else:
            assert part == whole


def test_window_split_clips_the_edges() -> None:
    # 其他镇 count from 5 March: March is cut, April to December are whole months.
    towns = Period.window(date(2026, 3, 5), date(2026, 12, 31))
    months = towns.split("month")
    assert [str(m) for m in months[:3]] == ["2026-03-05..2026-03-31", "2026-04", "2026-05"]
    assert len(months) == 10
    assert months[0].label == "part of 2026-03 (2026-03-05..2026-03-31)"
    xuns = towns.xuns()
    assert str(xuns[0]) == "2026-03-05..2026-03-10"
    assert str(xuns[1]) == "2026-03-X2"
    assert len(xuns) == 30  # 10 months x 3 旬; the first 旬 of March is cut, not dropped


def test_year_split_into_weeks_clips_iso_weeks() -> None:
    weeks = Period.year(2026).split("week")
    # 2026-W01 begins 2025-12-29 and 2026-W53 ends 2027-01-03: both are cut to the year.
    assert str(weeks[0]) == "2026-01-01..2026-01-04"
    assert str(weeks[1]) == "2026-W02"
    assert str(weeks[-1]) == "2026-12-28..2026-12-31"
    assert len(weeks) == 53


def test_cannot_split_into_windows() -> None:
    with pytest.raises(PeriodError, match="cannot split into windows"):
        Period.year(2026).split("window")


def test_clip_and_overlaps() -> None:
    october = Period.month(2026, 10)
    assert october.clip(Period.parse("2026-11")) is None
    assert not october.overlaps(Period.parse("2026-11"))
    assert october.clip(Period.parse("2026-10-X2")) == Period.parse("2026-10-X2")
    cut = october.clip(Period.parse("2026-W40"))
    assert cut is not None
    assert str(cut) == "2026-10-01..2026-10-04"


def test_sort_key_orders_chronologically() -> None:
    items = [Period.parse(t) for t in ("2026-10-X2", "2026", "2025-W01", "2026-10")]
    ordered = [str(p) for p in sorted(items, key=Period.sort_key)]
    assert ordered == ["2025-W01", "2026", "2026-10", "2026-10-X2"]
