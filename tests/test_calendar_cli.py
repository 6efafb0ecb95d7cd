"""The working-day calendar on the command line: ``gridrules calendar``, ``--calendar`` and
``--local-calendar`` on score and batch, through click's CliRunner.

Each path of a year: known (the package's arrangement), unknown (refused), provisional (counted
and flagged on every sheet), and a local file overriding or completing the package.
"""

from __future__ import annotations

import json
from pathlib import Path

import holidays
import pytest
from click.testing import Result
from helpers import (
    END_YEAR,
    LAST_KNOWN,
    calendar_plugin,
    daily_rubric,
    needs_2027_unknown,
    read_csv,
    run,
)

from gridrules import cli, plugins
from gridrules.calendars import PROVISIONAL_MARK
from gridrules.serialization import dump_rubric

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_2026 = ROOT / "examples" / "calendars" / "cn-2026.toml"
EXAMPLE_2027 = ROOT / "examples" / "calendars" / "cn-2027-example.toml"
WANGGEZHANG_PARAMS = ROOT / "examples" / "wanggezhang" / "params.toml"
VERSION = holidays.__version__

# -- gridrules calendar -----------------------------------------------------------------------


def test_a_known_year_lists_its_months_and_where_each_day_comes_from() -> None:
    result = run("calendar", "2026")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"calendar: CN (holidays {VERSION})"
    assert f"known years: 2001 to {LAST_KNOWN}" in lines
    assert f"2026: official arrangement (holidays {VERSION})" in lines
    # October by hand (test_calendars): 22 weekdays, 5 off, Saturday 10 worked -> 18
    assert "2026-10        22    5       1            18" in lines
    assert "2026          261   19       6           248" in lines
    assert f"2026-10-10 Sat work 调休上班 (holidays {VERSION})" in lines
    assert f"2026-10-01 Thu off  国庆节 (holidays {VERSION})" in lines


@needs_2027_unknown
def test_an_unknown_year_is_not_listed_and_says_what_to_do() -> None:
    result = run("calendar", "2027")
    assert result.exit_code == cli.EXIT_PROBLEMS
    assert "2027: not known" in result.stdout
    assert "--local-calendar FILE" in result.stdout
    assert "--calendar provisional" in result.stdout
    assert "month" not in result.stdout


@needs_2027_unknown
def test_a_provisional_year_is_listed_with_its_mark() -> None:
    result = run("calendar", "2027", "--calendar", "provisional")
    assert result.exit_code == 0, result.output
    assert f"2027年起为{PROVISIONAL_MARK}" in result.stdout.splitlines()[0]
    assert f"provisional years: 2027 to {END_YEAR} ({PROVISIONAL_MARK})" in result.stdout
    # February 2027 (test_calendars): 20 weekdays, 4 off, none worked -> 16
    assert "2027-02        20    4       0            16" in result.stdout
    assert f"2027-02-09 Tue off  春节（补假） (holidays {VERSION} (provisional))" in result.stdout


def test_a_local_file_is_a_layer_named_with_its_file() -> None:
    result = run("calendar", "2027", "--local-calendar", EXAMPLE_2027)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"  + 2027年放假安排示例（非官方）: local file {EXAMPLE_2027}" in out
    assert "2027: local calendar 2027年放假安排示例（非官方） (the whole year)" in out
    # February by hand (test_calendars): 20 weekdays, 6 off, Saturday 20 worked -> 15
    assert "2027-02        20    6       1            15" in out
    assert "2027-01-31 Sun work 春节调休上班 (2027年放假安排示例（非官方）)" in out


def test_the_listing_as_json() -> None:
    result = run("calendar", "2026", "--format", "json", "--local-calendar", EXAMPLE_2026)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["year"] == 2026
    assert data["known"] is True
    assert data["provisional"] is False
    assert data["known_years"] == [[2001, LAST_KNOWN]]
    assert [layer["kind"] for layer in data["layers"]] == ["package", "file"]
    assert data["layers"][1]["path"] == str(EXAMPLE_2026)
    assert [m["working_days"] for m in data["months"]] == [
        21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23,
    ]  # fmt: skip
    october = next(m for m in data["months"] if m["month"] == "2026-10")
    assert october == {"month": "2026-10", "weekdays": 22, "off": 5, "worked": 1,
                       "working_days": 18}  # fmt: skip
    first = data["special_days"][0]
    # the file transcribes the notice, so its days take over from the package's
    assert first == {"date": "2026-01-01", "weekday": "Thu", "working": False, "name": "元旦",
                     "source": "2026年放假安排（国务院办公厅通知）"}  # fmt: skip


def test_the_default_year_is_the_year_of_the_date() -> None:
    result = run("calendar", "--date", "2025-06-01")
    assert result.exit_code == 0, result.output
    assert f"2025: official arrangement (holidays {VERSION})" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["calendar", "next"], "expected a year such as 2027, or check; got 'next'"),
        (["calendar", "--date", "2026-13-01"], "--date: expected a date such as 2026-12-15"),
        (["calendar", "--local-calendar", "东门街道"], "no local calendar file or installed"),
    ],
)
def test_bad_usage_exits_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == cli.EXIT_BAD_INPUT
    assert message in result.stderr


# -- gridrules calendar check -----------------------------------------------------------------


def test_check_is_quiet_when_this_month_and_the_next_are_known() -> None:
    result = run("calendar", "check", "--date", "2026-10-15")
    assert result.exit_code == 0, result.output
    assert "next month, 2026-11: 2026, official arrangement" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("ok:")


@needs_2027_unknown
def test_check_warns_in_december_when_next_year_is_unknown() -> None:
    result = run("calendar", "check", "--date", "2026-12-15")
    assert result.exit_code == cli.EXIT_PROBLEMS
    assert "next month, 2027-01: 2027, not known" in result.stdout
    assert "warning: calendar CN" in result.stdout
    assert "does not know 2027: from 2027-01 a rubric with quotas per working day" in (
        result.stdout
    )
    assert "--calendar provisional" in result.stdout


@needs_2027_unknown
def test_check_counts_a_provisional_year_as_a_problem_still() -> None:
    result = run("calendar", "check", "--date", "2026-12-15", "--calendar", "provisional")
    assert result.exit_code == cli.EXIT_PROBLEMS
    assert f"warning: 2027 is counted provisionally ({PROVISIONAL_MARK})" in result.stdout
    assert "until then, --calendar provisional" not in result.stdout


def test_check_passes_once_a_local_file_supplies_the_year() -> None:
    result = run(
        "calendar", "check", "--date", "2026-12-15", "--local-calendar", EXAMPLE_2027,
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert [(m["which"], m["month"], m["state"]) for m in data["months"]] == [
        ("this month", "2026-12", "known"),
        ("next month", "2027-01", "known"),
    ]


# -- a calendar from a plugin -----------------------------------------------------------------


def test_a_plugin_calendar_is_listed_and_used_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = calendar_plugin("gridrules-dongmen-calendar", EXAMPLE_2027)
    monkeypatch.setattr(plugins, "_REGISTRY", registry)
    listed = run("calendar", "2026")
    assert "installed calendars (use with --local-calendar NAME):" in listed.stdout
    assert (
        f"  2027年放假安排示例（非官方） (plugin gridrules-dongmen-calendar, {EXAMPLE_2027})"
        in listed.stdout
    )
    used = run("calendar", "2027", "--local-calendar", "2027年放假安排示例（非官方）")
    assert used.exit_code == 0, used.output
    assert (
        f"  + 2027年放假安排示例（非官方）: plugin gridrules-dongmen-calendar ({EXAMPLE_2027})"
        in used.stdout
    )


# -- score ------------------------------------------------------------------------------------


def member_evidence(tmp_path: Path, period: str, reported: int) -> Path:
    """网格管理员 evidence (rubric wanggezhang-member), as examples/wanggezhang/ has it."""
    path = tmp_path / "member.toml"
    path.write_text(
        f"""\
_meta = {{ assessee = "王芳", period = "{period}" }}
attendance_points = 100
events_reported = {reported}
info_points = 92
visits_points = 90
grid_consecutive_missed_months = 0
grid_falsifications = 0

[ballots]
A = [[22, 22, 23, 23]]
B = [[21, 21, 21, 22]]
C = [[20, 20, 20, 20], [22, 22, 22, 22]]
""",
        encoding="utf-8",
    )
    return path


def score(evidence: Path, *args: object) -> Result:
    return run("score", "wanggezhang-member", evidence, "--params", WANGGEZHANG_PARAMS, *args)


def test_score_a_known_year_on_the_package() -> None:
    evidence = ROOT / "examples" / "wanggezhang" / "member-wang-fang.toml"
    result = score(evidence)
    assert result.exit_code == 0, result.output
    assert f"工作日历：CN (holidays {VERSION})：66个工作日" in result.stdout
    assert "calendar:" not in result.stderr  # the default calendar needs no note


@needs_2027_unknown
def test_score_refuses_an_unknown_year(tmp_path: Path) -> None:
    result = score(member_evidence(tmp_path, "2027-Q4", 110))
    assert result.exit_code == cli.EXIT_BAD_INPUT
    assert "does not know the working days of 2027" in result.stderr
    assert "--calendar provisional" in result.stderr
    assert result.stdout == ""


@needs_2027_unknown
@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_score_provisionally_says_so_on_every_sheet(tmp_path: Path, fmt: str) -> None:
    # 2027-Q4 provisionally: October 18 (21 weekdays; 1, 4, 5 off), November 22, December 23
    # = 63 working days; 网格管理员 2 a day -> target 126; 110 reported: 16 short x 2 = 32
    result = score(
        member_evidence(tmp_path, "2027-Q4", 110), "--calendar", "provisional", "--format", fmt
    )
    assert result.exit_code == 0, result.output
    assert f"2027年起为{PROVISIONAL_MARK}" in result.stdout
    assert "目标126（2 × 63个工作日），实际110，少16 × 2 = 32" in result.stdout
    assert "63个工作日" in result.stdout
    assert f"calendar: CN (holidays {VERSION}; 2027年起为{PROVISIONAL_MARK})" in result.stderr
    assert "counted without the make-up working days" in result.stderr


def test_score_on_a_local_file_for_an_unknown_year(tmp_path: Path) -> None:
    # 2027-Q4 on the example file: October 17 (21 weekdays, 5 off, Saturday 9 worked), November
    # 22, December 23 = 62 -> target 124; 110 reported: 14 short x 2 = 28 -> 72
    result = score(member_evidence(tmp_path, "2027-Q4", 110), "--local-calendar", EXAMPLE_2027)
    assert result.exit_code == 0, result.output
    assert "目标124（2 × 62个工作日），实际110，少14 × 2 = 28" in result.stdout
    assert "+ 2027年放假安排示例（非官方）：62个工作日" in result.stdout
    assert PROVISIONAL_MARK not in result.stdout


def test_score_on_a_local_file_overriding_the_package(tmp_path: Path) -> None:
    local = tmp_path / "dongmen.toml"
    local.write_text(
        'name = "东门街道 2026"\n[[holiday]]\ndate = 2026-09-18\nname = "街道集中培训"\n',
        encoding="utf-8",
    )
    # 2026-Q3: 66 official working days; Friday 18 September off -> 65; target 130;
    # 125 reported: 5 short x 2 = 10
    result = score(member_evidence(tmp_path, "2026-Q3", 125), "--local-calendar", local)
    assert result.exit_code == 0, result.output
    assert "目标130（2 × 65个工作日），实际125，少5 × 2 = 10" in result.stdout
    assert f"工作日历：CN (holidays {VERSION}) + 东门街道 2026：65个工作日" in result.stdout
    official = score(member_evidence(tmp_path, "2026-Q3", 125))
    assert "目标132（2 × 66个工作日），实际125，少7 × 2 = 14" in official.stdout


def test_a_calendar_for_a_rubric_without_working_days_is_noted() -> None:
    result = run(
        "score", "jiangcheng", ROOT / "examples" / "jiangcheng" / "wang-fang.toml",
        "--params", ROOT / "examples" / "jiangcheng" / "params.toml", "--calendar", "provisional",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "sets no quota per working day; --calendar and --local-calendar change nothing" in (
        result.stderr
    )
    assert PROVISIONAL_MARK not in result.stdout


# -- batch ------------------------------------------------------------------------------------


def daily_rubric_file(tmp_path: Path) -> Path:
    path = tmp_path / "daily.toml"
    path.write_text(dump_rubric(daily_rubric()), encoding="utf-8")
    return path


@needs_2027_unknown
@pytest.mark.parametrize("workers", [1, 2])
def test_batch_provisionally_with_sheets(tmp_path: Path, workers: int) -> None:
    rubric = daily_rubric_file(tmp_path)
    source = tmp_path / "in.csv"
    source.write_text("id,period,events_reported\na,2027-01,30\nb,2026-10,30\n", encoding="utf-8")
    out, sheets = tmp_path / "out.csv", tmp_path / "sheets"
    result = run(
        "batch", rubric, source, "-o", out, "--calendar", "provisional", "--workers", workers,
        "--sheets", sheets, "--sheets-format", "md",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # January 2027 provisionally: 20 working days -> 40; 10 short x 0.1 = 1 -> 9.
    # October 2026 officially: 18 -> 36; 6 short -> 0.6 -> 9.4
    assert [(r["assessee"], r["total"]) for r in read_csv(out)] == [("a", "9"), ("b", "9.4")]
    assert f"calendar: CN (holidays {VERSION}; 2027年起为{PROVISIONAL_MARK})" in result.stderr
    written = {p.name: p.read_text(encoding="utf-8") for p in sheets.iterdir()}
    assert sorted(written) == ["000002-a.md", "000003-b.md"]
    assert f"2027年起为{PROVISIONAL_MARK})：20个工作日" in written["000002-a.md"]
    assert "：18个工作日" in written["000003-b.md"]


@needs_2027_unknown
def test_batch_without_a_calendar_for_the_year_rejects_its_rows(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,period,events_reported\na,2027-01,30\nb,2026-10,30\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("batch", daily_rubric_file(tmp_path), source, "-o", out)
    assert result.exit_code == cli.EXIT_PROBLEMS
    assert [r["assessee"] for r in read_csv(out)] == ["b"]
    (error,) = read_csv(tmp_path / "out.errors.csv")
    assert error["assessee"] == "a"
    assert "does not know the working days of 2027" in error["reason"]
    # with the file the street office wrote, the row is scored: 21 working days in January
    # (the example's Sunday 31 January is worked) -> 42; 12 short -> 1.2 -> 8.8
    again = run(
        "batch", daily_rubric_file(tmp_path), source, "-o", out, "--local-calendar", EXAMPLE_2027
    )
    assert again.exit_code == 0, again.output
    assert [(r["assessee"], r["total"]) for r in read_csv(out)] == [("a", "8.8"), ("b", "9.4")]
