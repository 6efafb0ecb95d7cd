"""Working-day calendars: China's official arrangements, unknown years, local adjustments."""

from __future__ import annotations

import importlib.metadata
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridrules.calendars import (
    CalendarError,
    HolidaysCalendar,
    LocalCalendar,
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
    import sys
    import types

    from gridrules import plugins
    from gridrules.calendars import installed_calendars
    from gridrules.hookspecs import hookimpl

    path = write(tmp_path, LIUJIAOTING_2027)
    module = types.ModuleType("fake_calendar_plugin")

    @hookimpl
    def gridrules_calendars() -> list[Path]:
        return [path]

    module.gridrules_calendars = gridrules_calendars  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_calendar_plugin", module)

    class EntryPoint:
        group, name, value = "gridrules", "liujiaoting-calendar", "fake_calendar_plugin"

        def load(self) -> types.ModuleType:
            return module

    class Dist:
        metadata: ClassVar[dict[str, str]] = {"Name": "gridrules-liujiaoting-calendar"}
        entry_points = (EntryPoint(),)
        version = "1.0"

    registry = plugins.Registry([Dist()])
    # a plugin of calendars only is not a broken rubric plugin
    assert registry.available() == []
    assert installed_calendars(registry) == {"六角亭街道 2027": path}
    monkeypatch.setattr(plugins, "_REGISTRY", registry)
    calendar = get_calendar("CN", local="六角亭街道 2027")
    # as in test_local_file_makes_a_year_known: January 2027 has 20 working days
    assert calendar.working_days(Period.month(2027, 1)) == 20
    with pytest.raises(CalendarError, match=r"installed: 六角亭街道 2027"):
        get_calendar("CN", local="东门街道 2027")
