"""Working-day calendars: China's official arrangements, unknown years, local adjustments."""

from __future__ import annotations

import importlib.metadata
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import holidays
import pytest
from helpers import END_YEAR, LAST_KNOWN, calendar_plugin, daily_rubric, needs_2027_unknown
from hypothesis import given, settings
from hypothesis import strategies as st

from gridrules.calendars import (
    PROVISIONAL_MARK,
    CalendarError,
    HolidaysCalendar,
    LocalCalendar,
    SpecialDay,
    UnknownYearWarning,
    WorkingCalendar,
    get_calendar,
    load_local_calendar,
)
from gridrules.errors import DataFileError, GridrulesError
from gridrules.periods import Period

FAST = settings(database=None, deadline=None, max_examples=60)
HOLIDAYS_VERSION = importlib.metadata.version("holidays")

# One calendar for the read-only tests: it caches each year's working days once.
CN = get_calendar("CN")

known_days = st.dates(min_value=date(2001, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def known_windows(draw: st.DrawFn) -> Period:
    first = draw(known_days)
    length = draw(st.integers(min_value=0, max_value=500))
    return Period.window(first, min(first + timedelta(days=length), date(2026, 12, 31)))


# -- China 2026, checked by hand against the State Council notice for 2026 ---------------------


def test_october_2026_national_day_and_make_up_days() -> None:
    # October 2026 starts on a Thursday: Thursdays and Fridays occur 5 times, Monday to
    # Wednesday 4 times, so 5 + 5 + 4 + 4 + 4 = 22 weekdays.
    # 国庆节 1-7 October: the weekdays off are Thu 1, Fri 2, Mon 5, Tue 6, Wed 7 -> 22 - 5 = 17.
    # Saturday 10 October is a make-up working day (调休上班)   -> 17 + 1 = 18.
    # (The other make-up day, Sunday 20 September, is in September.)
    assert CN.working_days(Period.month(2026, 10)) == 18
    assert CN.is_working_day(date(2026, 10, 10))
    assert date(2026, 10, 10).weekday() == 5  # a Saturday
    for day in range(1, 8):
        assert not CN.is_working_day(date(2026, 10, day)), day
    assert CN.is_working_day(date(2026, 10, 8))
    assert not CN.is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert CN.is_working_day(date(2026, 9, 20))  # Sunday, make-up day for National Day
    # The first 旬 of October has only 8, 9 and 10 October as working days.
    assert CN.working_dates(Period.parse("2026-10-X1")) == (
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
    )


def test_february_2026_spring_festival() -> None:
    # February 2026 starts on a Sunday and has 28 days: exactly 4 weeks, 20 weekdays.
    # 春节 15-23 February: the weekdays off are Mon 16 to Fri 20 and Mon 23 -> 20 - 6 = 14.
    # Saturdays 14 and 28 February are make-up working days -> 14 + 2 = 16.
    assert CN.working_days(Period.month(2026, 2)) == 16
    assert CN.is_working_day(date(2026, 2, 14))
    assert CN.is_working_day(date(2026, 2, 28))
    assert not CN.is_working_day(date(2026, 2, 16))
    assert not CN.is_working_day(date(2026, 2, 23))
    assert CN.is_working_day(date(2026, 2, 24))


def test_the_whole_of_2026() -> None:
    # 2026 starts on a Thursday and has 365 days: 52 weeks and a Thursday, 261 weekdays.
    # Weekdays off: 元旦 Jan 1, 2; 春节 Feb 16-20, 23; 清明 Apr 6; 劳动节 May 1, 4, 5; 端午 Jun 19;
    # 中秋 Sep 25; 国庆 Oct 1, 2, 5, 6, 7: 2 + 6 + 1 + 3 + 1 + 1 + 5 = 19 -> 242.
    # Make-up days: Jan 4 (Sun), Feb 14 (Sat), Feb 28 (Sat), May 9 (Sat), Sep 20 (Sun),
    # Oct 10 (Sat): 6 -> 248.
    assert CN.working_days(Period.year(2026)) == 248
    assert [CN.working_days(m) for m in Period.year(2026).split("month")] == [
        21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23,
    ]  # fmt: skip


def test_name_shows_the_country_and_the_package_version() -> None:
    assert CN.name == f"CN (holidays {HOLIDAYS_VERSION})"
    assert CN.country == "CN"
    assert isinstance(CN, WorkingCalendar)


def test_known_years_are_those_with_an_official_arrangement() -> None:
    calendar = HolidaysCalendar("CN")
    known = calendar.known_years
    assert isinstance(known, range)
    assert known.start == 2001
    assert calendar.knows_year(2026)
    assert not calendar.knows_year(known.stop)
    assert not calendar.knows_year(2000)


# -- properties -------------------------------------------------------------------------------


@FAST
@given(known_windows())
def test_working_days_of_a_period_are_the_sum_over_its_months(period: Period) -> None:
    total = CN.working_days(period)
    assert total == sum(CN.working_days(part) for part in period.split("month"))
    assert total == sum(1 for day in period.days() if CN.is_working_day(day))


@FAST
@given(known_windows())
def test_agrees_with_the_holidays_package(period: Period) -> None:
    package = holidays.country_holidays("CN")
    assert CN.working_days(period) == package.get_working_days_count(period.start, period.end)


@FAST
@given(known_days)
def test_working_dates_are_the_working_days_in_order(day: date) -> None:
    month = Period.containing(day, "month")
    dates = CN.working_dates(month)
    assert list(dates) == sorted(dates)
    assert all(month.contains(d) and CN.is_working_day(d) for d in dates)
    assert len(dates) == CN.working_days(month)


# -- unknown years ----------------------------------------------------------------------------


def test_an_unknown_year_is_an_error_naming_the_year_and_the_calendar() -> None:
    with pytest.raises(CalendarError) as info:
        CN.working_days(Period.month(2100, 1))
    message = str(info.value)
    assert "2100" in message
    assert f"CN (holidays {HOLIDAYS_VERSION})" in message
    assert "weekdays_fallback=True" in message
    assert "2100-01" in message
    assert isinstance(info.value, GridrulesError)
    with pytest.raises(CalendarError, match="does not know the working days of 2100"):
        CN.is_working_day(date(2100, 3, 3))


def test_the_year_after_the_package_data_is_unknown() -> None:
    # holidays 0.109 estimates later years' statutory days but not their make-up days, which
    # is not the official calendar: that year must be an error, not a silent guess.
    known = HolidaysCalendar("CN").known_years
    assert isinstance(known, range)
    first_unknown = known.stop
    with pytest.raises(CalendarError, match=f"working days of {first_unknown}"):
        CN.working_days(Period.year(first_unknown))


def test_weekdays_fallback_warns_and_counts_monday_to_friday() -> None:
    calendar = get_calendar("CN", weekdays_fallback=True)
    assert "Mon-Fri for unknown years" in calendar.name
    # January 2100 starts on a Friday: Fri, Sat and Sun occur 5 times, the other days 4 times,
    # so 5 + 4 + 4 + 4 + 4 = 21 weekdays.
    with pytest.warns(UnknownYearWarning, match="does not know 2100"):
        assert calendar.working_days(Period.month(2100, 1)) == 21
    # Known years are still official: no warning, make-up Saturday included.
    assert calendar.working_days(Period.month(2026, 10)) == 18
    # Every use of an unknown year warns again: nothing is counted silently.
    with pytest.warns(UnknownYearWarning):
        assert calendar.is_working_day(date(2100, 1, 1))


def test_unknown_country_is_an_error() -> None:
    with pytest.raises(CalendarError, match="no calendar for country 'XX'"):
        get_calendar("XX")


# -- local calendars --------------------------------------------------------------------------


LIUJIAOTING_2027 = """\
name = "六角亭街道 2027"
base = "CN"
years = [2027]

[[holiday]]
date = 2027-01-01
name = "元旦"

[[workday]]
date = 2027-02-07
name = "春节调休上班"
"""


def write(tmp_path: Path, text: str, name: str = "local.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_local_file_makes_a_year_known(tmp_path: Path) -> None:
    calendar = get_calendar("CN", local=write(tmp_path, LIUJIAOTING_2027))
    assert calendar.name == f"CN (holidays {HOLIDAYS_VERSION}) + 六角亭街道 2027"
    assert calendar.knows_year(2027)
    # January 2027 starts on a Friday: 21 weekdays (see the fallback test for 2100, same
    # layout); 元旦 Friday 1 January is off -> 20.
    assert calendar.working_days(Period.month(2027, 1)) == 20
    # February 2027 starts on a Monday, 28 days: 20 weekdays; Sunday 7 February works -> 21.
    assert calendar.working_days(Period.month(2027, 2)) == 21
    assert calendar.is_working_day(date(2027, 2, 7))
    # The package's own estimate for 2027 (Spring Festival from 5 February) is not used:
    # the file is the complete arrangement for a year the base does not know.
    assert calendar.is_working_day(date(2027, 2, 9))
    # Years the file does not declare remain as the base has them.
    assert calendar.working_days(Period.month(2026, 10)) == 18
    with pytest.raises(CalendarError, match="2028"):
        calendar.working_days(Period.year(2028))


def test_local_file_adjusts_a_known_year(tmp_path: Path) -> None:
    text = """\
name = "六角亭街道 local"
[[holiday]]
date = 2026-10-09
name = "街道活动日"
[[workday]]
date = 2026-10-11
name = "补班"
"""
    calendar = load_local_calendar(write(tmp_path, text))
    assert calendar.local_name == "六角亭街道 local"
    assert calendar.years == frozenset()
    # Official October 2026 has 18 working days; Friday 9 off (-1), Sunday 11 on (+1).
    assert calendar.working_days(Period.month(2026, 10)) == 18
    assert not calendar.is_working_day(date(2026, 10, 9))
    assert calendar.is_working_day(date(2026, 10, 11))
    assert calendar.holidays == {date(2026, 10, 9): "街道活动日"}
    assert calendar.workdays == {date(2026, 10, 11): "补班"}


def test_local_files_are_layered_in_order(tmp_path: Path) -> None:
    first = write(tmp_path, LIUJIAOTING_2027, "a.toml")
    second = write(
        tmp_path,
        'name = "社区 extra"\n[[holiday]]\ndate = 2027-01-04\nname = "社区活动"\n',
        "b.toml",
    )
    calendar = get_calendar("CN", local=[first, second])
    assert calendar.name.endswith("+ 六角亭街道 2027 + 社区 extra")
    # 20 from the first file, Monday 4 January off in the second -> 19.
    assert calendar.working_days(Period.month(2027, 1)) == 19


def test_python_constructor() -> None:
    base = HolidaysCalendar("CN")
    calendar = LocalCalendar(
        base,
        "test office",
        holidays={date(2027, 1, 1): "元旦"},
        workdays=[date(2027, 2, 7)],
        years=[2027],
    )
    assert calendar.working_days(Period.month(2027, 1)) == 20
    assert calendar.base is base
    with pytest.raises(CalendarError, match="2027-01-01 listed both as holiday and as workday"):
        LocalCalendar(base, "bad", holidays=[date(2027, 1, 1)], workdays=[date(2027, 1, 1)])
    with pytest.raises(CalendarError, match="non-empty name"):
        LocalCalendar(base, " ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = \n", "not valid TOML"),
        ("base = 'CN'\n", "'name' must be non-empty text"),
        ("name = 'x'\nyear = [2027]\n", "unknown key(s) year"),
        ("name = 'x'\nyears = ['2027']\n", "'years' must be a list of years"),
        (
            "name = 'x'\n[[holiday]]\ndate = '2027-01-01'\nname = '元旦'\n",
            "holiday entry 1: date must be a TOML date",
        ),
        (
            "name = 'x'\n[[holiday]]\ndate = 2027-01-01T00:00:00\nname = '元旦'\n",
            "holiday entry 1: date must be a TOML date",
        ),
        ("name = 'x'\n[[workday]]\nname = '补班'\n", "workday entry 1: missing date"),
        (
            "name = 'x'\n[[workday]]\ndate = 2027-02-07\n",
            "workday entry 1 (date 2027-02-07): name must be non-empty text",
        ),
        (
            "name = 'x'\n[[workday]]\ndate = 2027-02-07\nname = 'a'\nnote = 'b'\n",
            "workday entry 1: unknown key(s) note",
        ),
        (
            "name = 'x'\n[[holiday]]\ndate = 2027-01-01\nname = 'a'\n"
            "[[holiday]]\ndate = 2027-01-01\nname = 'b'\n",
            "holiday entry 2 (date 2027-01-01): the date is listed twice",
        ),
        (
            "name = 'x'\n[[holiday]]\ndate = 2027-01-01\nname = 'a'\n"
            "[[workday]]\ndate = 2027-01-01\nname = 'b'\n",
            "2027-01-01 listed both as holiday and as workday",
        ),
        ("name = 'x'\nholiday = 3\n", "[[holiday]] must be an array of tables"),
        ("name = 'x'\nbase = 'XX'\n", "base 'XX'"),
    ],
)
def test_malformed_local_files_name_the_file_entry_and_reason(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as info:
        load_local_calendar(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message


def test_local_file_for_another_country_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "name = 'x'\nbase = 'HK'\n")
    with pytest.raises(DataFileError, match="adjusts calendar 'HK' but was applied to CN"):
        get_calendar("CN", local=path)


def test_missing_local_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read the local calendar"):
        get_calendar("CN", local=tmp_path / "absent.toml")


def test_a_plugin_provides_a_local_calendar_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridrules import plugins
    from gridrules.calendars import installed_calendars

    path = write(tmp_path, LIUJIAOTING_2027)
    registry = calendar_plugin("gridrules-liujiaoting-calendar", path)
    # a plugin of calendars only is not a broken rubric plugin
    assert registry.available() == []
    assert installed_calendars(registry) == {"六角亭街道 2027": path}
    monkeypatch.setattr(plugins, "_REGISTRY", registry)
    calendar = get_calendar("CN", local="六角亭街道 2027")
    # as in test_local_file_makes_a_year_known: January 2027 has 20 working days
    assert calendar.working_days(Period.month(2027, 1)) == 20
    with pytest.raises(CalendarError, match=r"installed: 六角亭街道 2027"):
        get_calendar("CN", local="东门街道 2027")


# -- provisional years (临时日历) ---------------------------------------------------------------


PROVISIONAL = get_calendar("CN", provisional=True)
provisional_days = st.dates(min_value=date(LAST_KNOWN + 1, 1, 1), max_value=date(2035, 12, 31))


def test_a_provisional_calendar_says_so_in_its_name() -> None:
    assert PROVISIONAL_MARK == "临时日历：未含调休安排"
    assert PROVISIONAL.name == (
        f"CN (holidays {HOLIDAYS_VERSION}; {LAST_KNOWN + 1}年起为临时日历：未含调休安排)"
    )
    assert PROVISIONAL.provisional_years == range(LAST_KNOWN + 1, END_YEAR + 1)
    # provisional years are not known years: nothing pretends to hold their arrangement
    assert PROVISIONAL.known_years == CN.known_years
    assert not PROVISIONAL.knows_year(LAST_KNOWN + 1)
    assert not CN.provisional_years


@needs_2027_unknown
def test_2027_provisionally_by_hand() -> None:
    # holidays 0.109 knows 2027's statutory days but none of its 调休. 2027 starts on a Friday
    # and has 365 days: 261 weekdays. Weekdays off, from the package: 元旦 Fri 1 Jan; 除夕 Fri 5
    # Feb, 初三 Mon 8 Feb, 补假 Tue 9 and Wed 10 Feb (初一 and 初二 fall on the weekend);
    # 清明 Mon 5 Apr; 劳动节 补假 Mon 3 and Tue 4 May (1 and 2 May are a weekend); 端午 Wed 9
    # Jun; 中秋 Wed 15 Sep; 国庆 Fri 1 Oct, 补假 Mon 4 and Tue 5 Oct: 13 days -> 248. No Saturday
    # or Sunday is worked.
    off = [
        date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9),
        date(2027, 2, 10), date(2027, 4, 5), date(2027, 5, 3), date(2027, 5, 4),
        date(2027, 6, 9), date(2027, 9, 15), date(2027, 10, 1), date(2027, 10, 4),
        date(2027, 10, 5),
    ]  # fmt: skip
    special = PROVISIONAL.special_days(2027)
    assert [d.day for d in special] == off
    assert not any(d.working for d in special)
    assert {d.source for d in special} == {f"holidays {HOLIDAYS_VERSION} (provisional)"}
    assert special[2].name == "春节"
    assert special[3].name == "春节（补假）"
    assert PROVISIONAL.working_days(Period.year(2027)) == 261 - 13
    # January: 21 weekdays (see the fallback test), 1 off -> 20. February starts on a Monday,
    # 28 days: 20 weekdays, 4 off -> 16. October starts on a Friday: 21 weekdays, 3 off -> 18.
    assert [PROVISIONAL.working_days(m) for m in Period.year(2027).split("month")] == [
        20, 16, 23, 21, 19, 21, 22, 22, 21, 18, 22, 23,
    ]  # fmt: skip
    assert "临时日历：未含调休安排" in PROVISIONAL.describe_year(2027)


@FAST
@given(provisional_days)
def test_provisional_days_are_the_package_statutory_days_and_weekends(day: date) -> None:
    statutory = holidays.country_holidays("CN")
    assert PROVISIONAL.is_working_day(day) == (day.weekday() < 5 and day not in statutory)


@FAST
@given(known_windows())
def test_known_years_are_the_same_on_a_provisional_calendar(period: Period) -> None:
    assert PROVISIONAL.working_dates(period) == CN.working_dates(period)


def test_provisional_is_only_for_the_years_after_the_last_arrangement() -> None:
    with pytest.raises(CalendarError, match="working days of 2000"):
        PROVISIONAL.working_days(Period.year(2000))
    with pytest.raises(CalendarError, match=f"working days of {END_YEAR + 1}"):
        PROVISIONAL.working_days(Period.year(END_YEAR + 1))


def test_the_refusal_of_an_unknown_year_offers_the_provisional_mode() -> None:
    with pytest.raises(CalendarError) as info:
        CN.working_days(Period.month(LAST_KNOWN + 1, 1))
    assert "provisional=True (--calendar provisional" in str(info.value)
    assert "--local-calendar FILE" in str(info.value)


def test_provisional_and_weekdays_fallback_together() -> None:
    calendar = get_calendar("CN", provisional=True, weekdays_fallback=True)
    assert calendar.name.endswith("临时日历：未含调休安排; Mon-Fri for unknown years)")
    # provisional years: the statutory days, no warning (pytest turns warnings into errors)
    assert calendar.working_days(Period.month(2027, 1)) == PROVISIONAL.working_days(
        Period.month(2027, 1)
    )
    with pytest.warns(UnknownYearWarning):
        calendar.working_days(Period.month(END_YEAR + 1, 1))


def test_a_country_without_swapped_days_has_no_provisional_years() -> None:
    calendar = HolidaysCalendar("DE", provisional=True)
    assert calendar.provisional_years == range(0)
    assert "临时" not in calendar.name


@needs_2027_unknown
def test_a_sheet_counted_provisionally_says_so_where_an_assessor_reads() -> None:
    from gridrules import render
    from gridrules.serialization import structure_sheet, unstructure_sheet

    rubric = daily_rubric()
    # January 2027 provisionally: 20 working days -> target 40; 30 reported: 10 short x 0.1 = 1
    sheet = rubric.score({"events_reported": 30}, period="2027-01", calendar=PROVISIONAL)
    assert sheet.total == Decimal("9")
    assert sheet.calendar == f"{PROVISIONAL.name}：20个工作日"
    for text in (
        render.sheet_text(sheet),
        render.sheet_markdown(sheet),
        render.sheet_html(sheet),
    ):
        assert f"{LAST_KNOWN + 1}年起为临时日历：未含调休安排" in text
        assert "工作日历" in text
    assert PROVISIONAL_MARK in (structure_sheet(unstructure_sheet(sheet)).calendar or "")
    # without the mode the year is refused, not guessed
    with pytest.raises(CalendarError, match="does not know the working days of 2027"):
        rubric.score({"events_reported": 30}, period="2027-01")


# -- special days and their sources -----------------------------------------------------------


def test_the_special_days_of_2026_by_hand() -> None:
    # the 19 weekdays off and the 6 make-up days of test_the_whole_of_2026, with their names
    special = CN.special_days(2026)
    worked = [d.day for d in special if d.working]
    assert worked == [
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
        date(2026, 9, 20), date(2026, 10, 10),
    ]  # fmt: skip
    assert len([d for d in special if not d.working]) == 19
    first = special[0]
    assert first == SpecialDay(date(2026, 1, 1), False, "元旦", f"holidays {HOLIDAYS_VERSION}")
    assert special[2] == SpecialDay(
        date(2026, 1, 4), True, "调休上班", f"holidays {HOLIDAYS_VERSION}"
    )
    assert CN.describe_year(2026) == f"official arrangement (holidays {HOLIDAYS_VERSION})"
    assert CN.describe_year(2027) == "not known"


@FAST
@given(st.integers(min_value=2001, max_value=2026))
def test_working_days_are_monday_to_friday_less_the_days_off_plus_the_days_worked(
    year: int,
) -> None:
    special = CN.special_days(year)
    assert [d.day for d in special] == sorted({d.day for d in special})
    weekdays = {d for d in Period.year(year).days() if d.weekday() < 5}
    expected = (weekdays - {d.day for d in special if not d.working}) | {
        d.day for d in special if d.working
    }
    assert CN.working_dates_of_year(year) == expected


def test_a_special_day_departs_from_monday_to_friday() -> None:
    with pytest.raises(ValueError, match="working must be False"):
        SpecialDay(date(2026, 10, 12), True, "x", "y")  # a Monday
    with pytest.raises(ValueError, match="working must be True"):
        SpecialDay(date(2026, 10, 10), False, "x", "y")  # a Saturday
    with pytest.raises(TypeError):
        SpecialDay(datetime(2026, 10, 12, 8), False, "x", "y")


def test_a_custom_calendar_gets_its_special_days_from_its_working_days() -> None:
    class EveryDay(WorkingCalendar):
        name = country = "every day"
        known_years = range(2026, 2027)

        def knows_year(self, year: int) -> bool:
            return year == 2026

        def working_dates_of_year(self, year: int) -> frozenset[date]:
            return frozenset(Period.year(year).days())

    special = EveryDay().special_days(2026)
    assert len(special) == 365 - 261
    assert all(d.working for d in special)
    assert EveryDay().describe_year(2026) == "known to every day"


def test_local_days_take_over_and_name_their_source(tmp_path: Path) -> None:
    text = """\
name = "东门街道 2026"
[[holiday]]
date = 2026-10-09
name = "街道活动日"
[[holiday]]
date = 2026-10-10
name = "取消补班"
[[workday]]
date = 2026-10-05
name = "值班"
"""
    calendar = get_calendar("CN", local=write(tmp_path, text))
    october = {d.day: d for d in calendar.special_days(2026) if d.day.month == 10}
    # Friday 9 off, from the file; Saturday 10 no longer a make-up day; Monday 5 worked again
    assert october[date(2026, 10, 9)] == SpecialDay(
        date(2026, 10, 9), False, "街道活动日", "东门街道 2026"
    )
    assert date(2026, 10, 10) not in october
    assert date(2026, 10, 5) not in october
    assert october[date(2026, 10, 6)].source == f"holidays {HOLIDAYS_VERSION}"
    # 18 official; -1 (Fri 9), -1 (Sat 10), +1 (Mon 5) -> 17
    assert calendar.working_days(Period.month(2026, 10)) == 17
    assert calendar.describe_year(2026).endswith(", adjusted by 东门街道 2026")
    assert calendar.describe_year(2025) == CN.describe_year(2025)


def test_a_complete_local_year_replaces_a_provisional_count(tmp_path: Path) -> None:
    calendar = get_calendar("CN", provisional=True, local=write(tmp_path, LIUJIAOTING_2027))
    assert calendar.knows_year(2027)
    assert 2027 not in calendar.provisional_years
    assert 2028 in calendar.provisional_years
    assert calendar.known_years == range(2001, 2028)
    # as in test_local_file_makes_a_year_known: the file, not the package's estimate
    assert calendar.working_days(Period.month(2027, 2)) == 21
    assert calendar.describe_year(2027) == "local calendar 六角亭街道 2027 (the whole year)"
    assert [(d.day, d.working) for d in calendar.special_days(2027)] == [
        (date(2027, 1, 1), False),
        (date(2027, 2, 7), True),
    ]


def test_calendars_survive_pickling_for_worker_processes(tmp_path: Path) -> None:
    import pickle

    local = get_calendar("CN", provisional=True, local=write(tmp_path, LIUJIAOTING_2027))
    for calendar in (PROVISIONAL, local):
        copy = pickle.loads(pickle.dumps(calendar))
        assert copy.name == calendar.name
        assert copy.working_days(Period.year(2027)) == calendar.working_days(Period.year(2027))


# -- local files written from the State Council's notice ---------------------------------------


EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "calendars"


def test_the_2026_example_transcribes_the_notice_exactly() -> None:
    # On a calendar that does not know 2026, the file alone must give the package's 2026.
    before = HolidaysCalendar("CN", known_years=range(2001, 2026))
    calendar = load_local_calendar(EXAMPLES / "cn-2026.toml", base=before)
    assert calendar.years == {2026}
    assert calendar.working_dates_of_year(2026) == CN.working_dates_of_year(2026)
    assert [(d.day, d.working) for d in calendar.special_days(2026)] == [
        (d.day, d.working) for d in CN.special_days(2026)
    ]
    # and on the package itself it changes nothing
    on_top = load_local_calendar(EXAMPLES / "cn-2026.toml")
    assert on_top.working_dates_of_year(2026) == CN.working_dates_of_year(2026)


def test_the_2027_example_by_hand() -> None:
    calendar = get_calendar("CN", local=EXAMPLES / "cn-2027-example.toml")
    assert "示例" in calendar.name
    assert "非官方" in calendar.name
    # 261 weekdays. Off: 元旦 Fri 1 Jan; 春节 Fri 5, Mon 8 to Fri 12 Feb (6); 清明 Mon 5 Apr;
    # 劳动节 Mon 3 to Wed 5 May (3); 端午 Wed 9 Jun; 中秋 Wed 15 Sep; 国庆 Fri 1, Mon 4 to Thu 7
    # Oct (5): 18 -> 243. Worked: Sun 31 Jan, Sat 20 Feb, Sat 8 May, Sun 26 Sep, Sat 9 Oct: 5
    # -> 248. February: 20 weekdays - 6 + 1 = 15; October: 21 - 5 + 1 = 17.
    assert [calendar.working_days(m) for m in Period.year(2027).split("month")] == [
        21, 15, 23, 21, 19, 21, 22, 22, 22, 17, 22, 23,
    ]  # fmt: skip
    assert calendar.working_days(Period.year(2027)) == 248


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("from = 2027-02-05\nto = 2027-02-12\ndays = 7", "these are 8 days, but days = 7"),
        ("from = 2027-02-12\nto = 2027-02-05", "(2027-02-12 to 2027-02-05): to comes before"),
        ("from = 2027-02-05\nto = 2027-03-15", "39 days is longer than any arrangement"),
        ("from = 2027-02-05", "a range of days needs both from and to"),
        ("date = 2027-02-05\nto = 2027-02-06", "give either date or from and to, not both"),
        ("from = '2027-02-05'\nto = 2027-02-06", "from must be a TOML date"),
        ("date = 2027-02-05\ndays = 0", "days must be a whole number of days"),
        ("date = 2027-02-05\ndays = 2", "these are 1 days, but days = 2"),
    ],
)
def test_malformed_ranges_name_the_entry_and_reason(
    tmp_path: Path, entry: str, expected: str
) -> None:
    path = write(tmp_path, f"name = 'x'\n[[holiday]]\nname = '春节'\n{entry}\n")
    with pytest.raises(DataFileError) as info:
        load_local_calendar(path)
    assert f"{path}: holiday entry 1" in str(info.value)
    assert expected in str(info.value)


def test_overlapping_ranges_are_refused(tmp_path: Path) -> None:
    text = (
        "name = 'x'\n[[holiday]]\nname = 'a'\nfrom = 2027-10-01\nto = 2027-10-07\n"
        "[[holiday]]\nname = 'b'\nfrom = 2027-10-07\nto = 2027-10-08\n"
    )
    with pytest.raises(DataFileError, match="the date 2027-10-07 is listed twice under holiday"):
        load_local_calendar(write(tmp_path, text))


def test_a_range_gives_every_day_its_name(tmp_path: Path) -> None:
    text = (
        "name = 'x'\n[[holiday]]\nname = '国庆节'\nfrom = 2027-10-01\nto = 2027-10-07\ndays = 7\n"
    )
    calendar = load_local_calendar(write(tmp_path, text))
    assert calendar.holidays == {date(2027, 10, d): "国庆节" for d in range(1, 8)}


@needs_2027_unknown
@pytest.mark.parametrize("workers", [1, 2])
def test_rows_scored_in_batches_use_the_calendar_given(workers: int) -> None:
    from gridrules.batch import Row, Scored, score_rows

    rows = [
        Row(1, {"events_reported": "30"}, period="2027-01"),
        Row(2, {"events_reported": "30"}, period="2026-10"),
    ]
    # January 2027 provisionally: 20 working days -> 40; 10 short x 0.1 = 1 -> 9.
    # October 2026, official: 18 -> 36; 6 short -> 9.4
    outcomes = list(score_rows(daily_rubric(), rows, workers=workers, calendar=PROVISIONAL))
    assert all(isinstance(o, Scored) for o in outcomes)
    assert [o.result.total for o in outcomes if isinstance(o, Scored)] == [
        Decimal("9"),
        Decimal("9.4"),
    ]
    # without it, the year is refused for its rows, and the others are scored
    refused, scored = list(score_rows(daily_rubric(), rows, workers=workers))
    assert not isinstance(refused, Scored)
    assert "does not know the working days of 2027" in refused.problems[0].message
    assert isinstance(scored, Scored)
