"""The district report (``gridrules report``): ranks within a group and a period, and the totals
of a score file read back as the batch wrote them, or refused with the file, row and why."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import one_item, run

import gridrules as gr
from gridrules.errors import DataFileError
from gridrules.io.batch import run_batch
from gridrules.io.report import Entry, Report, read_scores


def entry(name: str, total: str, period: str, group: str) -> Entry:
    return Entry(name, Decimal(total), None, None, period, (group,), "scores.csv")


def test_ranks_are_counted_within_each_group_of_each_period_ties_alike() -> None:
    # 2026-09 东门: 95, 90, 90, 80 → 1, 2, 2, 4; 西关: 88 → 1
    # 2026-10 东门: 70, 90 → 2, 1 (September's totals count for nothing in October)
    entries = [
        entry("甲", "95", "2026-09", "东门"),
        entry("乙", "90", "2026-09", "东门"),
        entry("丙", "88", "2026-09", "西关"),
        entry("丁", "90.0", "2026-09", "东门"),
        entry("戊", "80", "2026-09", "东门"),
        entry("甲", "70", "2026-10", "东门"),
        entry("乙", "90", "2026-10", "东门"),
    ]
    report = Report(entries, title="报告")
    assert [e.rank for e in report.entries] == [1, 2, 1, 2, 4, 2, 1]
    east = dict(report.ranking("2026-09"))["东门"]
    assert [(e.assessee, e.rank) for e in east] == [("甲", 1), ("乙", 2), ("丁", 2), ("戊", 4)]


def scores(tmp_path: Path, *totals: str) -> Path:
    path = tmp_path / "scores.csv"
    lines = ["assessee,total", *(f"工{n},{t}" for n, t in enumerate(totals, 1))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_total_the_batch_worked_out_by_division_reads_back_digit_for_digit(
    tmp_path: Path,
) -> None:
    # three ballots of 80, 82 and 100: the mean 262 ÷ 3 is carried to 28 significant digits,
    # 87.33333333333333333333333333 (26 places, more than an input may have), and the batch
    # writes it whole
    rubric = one_item(
        [
            gr.Ballots(
                "votes",
                [gr.BallotType("A", "群众", 1)],
                [gr.Criterion("all", "总体", 100)],
                void_if_all_full=False,
            )
        ],
        maximum=100,
    )
    evidence = tmp_path / "in.jsonl"
    evidence.write_text(
        json.dumps({"assessee": "张三", "votes": {"A": [[80], [82], [100]]}}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    run_batch(rubric, evidence, out)
    (read,) = read_scores([out], ())
    assert read.total == Decimal("87.33333333333333333333333333")
    page = tmp_path / "report.html"
    assert run("report", out, "-o", page).exit_code == 0
    assert '<td class="num">87.33333333333333333333333333</td>' in page.read_text("utf-8")


def test_a_total_is_shown_as_written_less_its_trailing_zeros(tmp_path: Path) -> None:
    # 92.50 and 88 are shown 92.5 and 88; the mean (92.5 + 88) / 2 = 90.25
    page = tmp_path / "report.html"
    assert run("report", scores(tmp_path, "92.50", "88"), "-o", page).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert '<td class="num">92.5</td>' in text
    assert "92.50" not in text
    assert '<td class="num">90.25</td>' in text


@pytest.mark.parametrize(
    ("total", "why"),
    [
        ("abc", "the total 'abc' is not a number"),
        ("nan", "the total 'nan' is not a number"),
        ("", "the total '' is not a number"),
        ("1e999999", "has 1000000 digits before the decimal point"),
        ("1" * 20, "has 20 digits before the decimal point"),
        ("1" * 70, "a number of 70 characters is too long to be kept exact"),
        ("1e-999999", "has 999999 decimal places"),
    ],
)
def test_a_total_that_is_no_number_or_too_long_is_refused_naming_the_row(
    tmp_path: Path, total: str, why: str
) -> None:
    path = scores(tmp_path, "80", total)
    with pytest.raises(DataFileError, match=r"scores\.csv, row 3: the total") as error:
        read_scores([path], ())
    assert why in str(error.value)
    result = run("report", path, "-o", tmp_path / "report.html")
    assert result.exit_code == 2, result.output  # bad input, not an internal error
    assert why in result.stderr


@pytest.mark.parametrize(
    ("below", "why"),
    [
        ("abc", "--below: expected a number, got 'abc'"),
        ("nan", "--below: expected a number, got 'nan'"),
        ("1e999999", "--below: has 1000000 digits before the decimal point"),
        ("1" * 70, "--below: a number of 70 characters is too long to be kept exact"),
    ],
)
def test_a_threshold_that_is_no_number_or_too_long_is_refused(
    tmp_path: Path, below: str, why: str
) -> None:
    page = tmp_path / "report.html"
    result = run("report", scores(tmp_path, "80"), "-o", page, "--below", below)
    assert result.exit_code == 2
    assert why in result.stderr
    assert not page.exists()


def test_a_threshold_is_shown_as_written_less_its_trailing_zeros(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = run("report", scores(tmp_path, "80", "95"), "-o", page, "--below", "90.0")
    assert result.exit_code == 0, result.output
    assert "低于90分的人员" in page.read_text(encoding="utf-8")
