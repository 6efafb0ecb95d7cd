"""The batch API: streaming rows through a scorer, table formats and encodings, atomic output."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import daily_rubric

import gridrules as gr
from gridrules.batch import Layout, Rejected, Row, Scored, run_batch, score_rows
from gridrules.errors import DataFileError, ParameterError
from gridrules.io import batch
from gridrules.io.sheets import SheetMaker
from gridrules.io.tables import detect_encoding, open_reader
from gridrules.model.numbers import fmt

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def full_rubric() -> gr.Rubric:
    """Sections, a quota, tiers, a bonus with a cap, a penalty, grades, stars and two vetoes."""
    return gr.Rubric(
        name="full",
        title="社区网格员考核细则（测试）",
        maximum=40,
        children=[
            gr.Section(
                "basic",
                "基础工作",
                30,
                children=[
                    gr.Item(
                        "attendance",
                        "考勤情况",
                        10,
                        clause="缺一次扣0.5分",
                        rules=[gr.PerOccurrence("missed_signins", "0.5")],
                    ),
                    gr.Item(
                        "cases",
                        "办件收集",
                        10,
                        clause="每月不少于10件少一件分别扣1分",
                        rules=[gr.Quota("cases_collected", target=10, points=1)],
                    ),
                    gr.Item(
                        "rectification",
                        "隐患整改",
                        10,
                        clause="整改率未达到60%,扣10分;未达到90%的,扣1分",
                        rules=[
                            gr.Tiers(
                                "rectification_rate",
                                [
                                    gr.Tier.below(60, 10),
                                    gr.Tier.below(90, 1),
                                    gr.Tier(0, gr.Interval(90, 100, True, True)),
                                ],
                            )
                        ],
                    ),
                ],
            ),
            gr.Item(
                "meetings",
                "会议情况",
                10,
                clause="每缺席一次,扣2分,直至扣完本项分",
                rules=[
                    gr.PerOccurrence("missed_meetings", 2),
                    gr.Penalty("fake_records", 5, label="弄虚作假", clause="倒扣5分"),
                    gr.Bonus("mediated", 3, 6, label="调解纠纷", clause="每一例加3分"),
                ],
            ),
        ],
        grades=gr.GradeBands(
            [
                gr.Band.between("优秀", 36, None),
                gr.Band.between("合格", 24, 36, upper_inclusive=False),
                gr.Band.between("不合格", None, 24, upper_inclusive=False),
            ]
        ),
        stars=gr.StarRating(5, 8),
        vetoes=[
            gr.Veto(
                "accident",
                gr.When("major_accident"),
                grade="不合格",
                label="重大事故",
                clause="发生重大事故的，列为不合格档次",
            ),
            gr.Veto(
                "complaint",
                gr.When("complaints", ">=", 2, default=0),
                flag="no_award",
                label="有效投诉",
                clause="取消评选树优资格",
            ),
        ],
    )


FIELDS = (
    "missed_signins",
    "cases_collected",
    "rectification_rate",
    "missed_meetings",
    "fake_records",
    "mediated",
    "major_accident",
    "complaints",
)


def random_cells(rng: random.Random) -> dict[str, str]:
    """One row of an export as text cells; about one in ten is wrong somewhere."""
    cells = {
        "missed_signins": str(rng.randint(0, 25)),
        "cases_collected": str(rng.randint(0, 14)),
        "rectification_rate": rng.choice(["100", "95.5", "89.99", "60", "59", "0", "88%"]),
        "missed_meetings": rng.choice(["", "0", "1", "3", "6"]),
        "fake_records": rng.choice(["", "0", "0", "1"]),
        "mediated": rng.choice(["", "0", "1", "2", "3"]),
        "major_accident": rng.choice(["", "否", "否", "false", "是"]),
        "complaints": rng.choice(["", "0", "1", "2"]),
    }
    if rng.random() < 0.1:
        cells[rng.choice(FIELDS)] = rng.choice(["-1", "abc", "1.5", "101", "也许"])
    return cells


def random_rows(count: int, seed: int = 7) -> list[Row]:
    rng = random.Random(seed)
    return [Row(n + 2, random_cells(rng), assessee=f"网格员{n}") for n in range(count)]


def _summary(outcome: Scored | Rejected) -> tuple[Any, ...]:
    if isinstance(outcome, Scored):
        r = outcome.result
        return (
            outcome.row.number,
            "scored",
            r.total,
            r.base,
            r.bonus,
            r.penalty,
            r.grade,
            r.stars,
            tuple(sorted(r.flags)),
            tuple(r.items.items()),
        )
    return (outcome.row.number, "rejected", tuple((p.field, p.message) for p in outcome.problems))


# -- score_rows -------------------------------------------------------------------------------


def test_score_rows_agrees_with_the_explained_sheet() -> None:
    rubric = full_rubric()
    scorer = rubric.prepare()
    outcomes = list(score_rows(rubric, random_rows(300)))
    assert len(outcomes) == 300
    assert 10 < sum(isinstance(o, Rejected) for o in outcomes) < 60
    for outcome in outcomes:
        if isinstance(outcome, Rejected):
            with pytest.raises(gr.EvidenceError) as error:
                scorer.score(outcome.row.evidence)
            assert error.value.problems == outcome.problems
            continue
        sheet = scorer.score(outcome.row.evidence)
        result = outcome.result
        assert (result.total, result.grade, result.stars, result.flags) == (
            sheet.total,
            sheet.grade,
            sheet.stars,
            sheet.flags,
        )
        assert result.items == sheet.points


def test_single_batch_and_parallel_paths_are_identical() -> None:
    rubric = full_rubric()
    rows = random_rows(700, seed=11)
    rows[5] = Row(7, {}, problems=[gr.Problem("<row>", "not valid JSON")])
    serial = [_summary(o) for o in score_rows(rubric, rows)]
    parallel = [_summary(o) for o in score_rows(rubric, rows, workers=2, chunk_size=37)]
    assert parallel == serial
    assert [s[0] for s in serial] == [row.number for row in rows]  # input order
    # and one record at a time through the public Scorer, the way `gridrules score` does it
    scorer = gr.Scorer(rubric)
    for row, expected in zip(rows, serial, strict=True):
        if expected[1] == "scored":
            result = scorer.result(row.evidence)
            assert expected[2:4] == (result.total, result.base)
            assert expected[-1] == tuple(result.items.items())


def test_a_hand_worked_row() -> None:
    # 考勤 3 × 0.5 = 1.5 → 8.5; 办件 8 of 10 → 8; 整改率 88% < 90 → 9: 基础工作 25.5
    # 会议 1 × 2 → 8; 倒扣 5; 加分 3 × 3 = 9 capped at 6
    # total 25.5 + 8 − 5 + 6 = 34.5 → 合格 (24 ≤ 34.5 < 36); stars ⌊34.5 ÷ 8⌋ = 4
    # 2 complaints → flag no_award
    row = Row(
        2,
        {
            "missed_signins": "3",
            "cases_collected": " 8 ",
            "rectification_rate": "88%",
            "missed_meetings": "1",
            "fake_records": "1",
            "mediated": "3",
            "major_accident": "否",
            "complaints": "2",
        },
    )
    (outcome,) = score_rows(full_rubric(), [row])
    assert isinstance(outcome, Scored)
    r = outcome.result
    assert (r.total, r.base, r.bonus, r.penalty) == (Decimal("34.5"), Decimal("33.5"), 6, 5)
    assert (r.grade, r.stars, r.flags) == ("合格", 4, frozenset({"no_award"}))
    assert r.items == {"attendance": Decimal("8.5"), "cases": 8, "rectification": 9, "meetings": 8}


def test_empty_cells_are_not_given_so_defaults_apply() -> None:
    row = Row(
        2,
        {
            "missed_signins": "",
            "cases_collected": "10",
            "rectification_rate": "90",
            "missed_meetings": None,
            "major_accident": "  ",
        },
    )
    assert row.evidence == {"cases_collected": "10", "rectification_rate": "90"}
    (outcome,) = score_rows(full_rubric(), [row])
    assert isinstance(outcome, Scored)
    assert outcome.result.total == 40


def test_rejected_row_names_every_problem() -> None:
    row = Row(
        9, {"cases_collected": "十", "rectification_rate": "120", "unknown": "1"}, assessee="王芳"
    )
    (outcome,) = score_rows(full_rubric(), [row])
    assert isinstance(outcome, Rejected)
    assert sorted(p.field for p in outcome.problems) == [
        "cases_collected",
        "rectification_rate",
        "unknown",
    ]
    assert str(outcome).startswith("row 9 (王芳): rejected: ")


def test_plain_mappings_are_numbered_from_one() -> None:
    outcomes = list(
        score_rows(
            full_rubric(),
            [{"cases_collected": 10, "rectification_rate": 100}, {"cases_collected": -1}],
        )
    )
    assert [(o.row.number, type(o).__name__) for o in outcomes] == [(1, "Scored"), (2, "Rejected")]


def test_score_rows_streams() -> None:
    consumed = 0

    def rows() -> Iterator[Row]:
        nonlocal consumed
        for n in range(10**9):
            consumed += 1
            yield Row(n, {"cases_collected": "10", "rectification_rate": "100"})

    # an endless input: rows are read a chunk at a time, and no further than the chunk needed
    outcomes = score_rows(full_rubric(), rows(), chunk_size=5)
    for _ in range(3):
        next(outcomes)
    assert consumed == 5
    for _ in range(3):
        next(outcomes)
    assert consumed == 10


def test_bad_parameters_fail_before_any_row() -> None:
    rubric = gr.load("jiangcheng")
    with pytest.raises(ParameterError, match="monthly_visit_deduction"):
        score_rows(rubric, [], {"quarterly_visit_deduction": 1})


# -- files ------------------------------------------------------------------------------------


HEADER = ["assessee", "assessor", *FIELDS]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


# 34.5: see the hand-worked row above
GOOD = ["王芳", "李主任", "3", "8", "88%", "1", "1", "3", "否", "2"]
CLEAN = ["李强", "", "0", "10", "100", "", "", "", "", ""]  # 40
BAD = ["张伟", "李主任", "-1", "8", "88", "1", "0", "0", "否", "是否"]


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    source = write_csv(tmp_path / "in.csv", [GOOD, CLEAN], encoding)
    assert detect_encoding(source) == encoding
    summary = run_batch(full_rubric(), source, tmp_path / "out.csv")
    assert (summary.read, summary.scored, summary.rejected) == (2, 2, 0)
    rows = read_csv(tmp_path / "out.csv")
    assert [(r["assessee"], r["total"], r["grade"], r["stars"], r["flags"]) for r in rows] == [
        ("王芳", "34.5", "合格", "4", "no_award"),
        ("李强", "40", "优秀", "5", ""),
    ]
    assert rows[0]["attendance"] == "8.5"
    assert rows[0]["assessor"] == "李主任"
    assert encoding.upper() in summary.input


def test_a_wrong_encoding_flag_names_the_line(tmp_path: Path) -> None:
    ascii_row = ["li", "", "0", "10", "100", "", "", "", "", ""]
    source = write_csv(tmp_path / "in.csv", [ascii_row, ascii_row, GOOD], "gbk")
    with pytest.raises(DataFileError, match=r"in\.csv, line 4: not valid UTF-8"):
        run_batch(full_rubric(), source, tmp_path / "out.csv", encoding="utf-8")


def test_bad_rows_go_to_the_errors_file_and_the_run_goes_on(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "in.csv",
        [
            GOOD,
            BAD,
            ["", "", "", "", "", "", "", "", "", ""],
            CLEAN,
            ["赵六", "", "1", "10", "100", "", "", "", "", "", "surplus"],
        ],
    )
    summary = run_batch(full_rubric(), source, tmp_path / "out.csv")
    assert (summary.read, summary.scored, summary.rejected, summary.blank) == (4, 2, 2, 1)
    assert summary.read == summary.scored + summary.rejected
    assert [r["row"] for r in read_csv(tmp_path / "out.csv")] == ["2", "5"]
    errors = read_csv(tmp_path / "out.errors.csv")
    assert [(e["row"], e["assessee"], e["field"], e["value"]) for e in errors] == [
        ("3", "张伟", "missed_signins", "-1"),
        ("3", "张伟", "complaints", "是否"),
        ("6", "", "<row>", ""),
    ]
    assert errors[0]["file"] == str(source)
    assert "cannot be negative" in errors[0]["reason"]
    assert "11 cells but the header names 10" in errors[2]["reason"]
    assert "2 scored + 2 rejected" in summary.text()


def test_jsonl_in_and_out(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps(
            {
                "id": "a1",
                "period": "2026-10",
                "cases_collected": 8,
                "rectification_rate": 88.5,
                "mediated": None,
            },
            ensure_ascii=False,
        ),
        "",
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"id": "a4", "cases_collected": 10, "rectification_rate": "100"}),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = run_batch(full_rubric(), source, tmp_path / "out.jsonl")
    assert (summary.read, summary.scored, summary.rejected, summary.blank) == (4, 2, 2, 1)
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    # 办件 8 → 8; 整改率 88.5 < 90 → 9; 40 − 2 − 1 = 37
    assert [(o["row"], o["assessee"], o["period"], o["total"], o["flags"]) for o in out] == [
        (1, "a1", "2026-10", "37", []),
        (5, "a4", None, "40", []),
    ]
    errors = [
        json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text("utf-8").splitlines()
    ]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "<line>"), (4, "<line>")]
    assert errors[0]["reason"].startswith("not valid JSON")


def test_xlsx_in_and_out(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "十月"
    sheet.append(
        ["被考核人员", "考核人", "cases_collected", "rectification_rate", "major_accident", "社区"]
    )
    sheet.append(["王芳", "李主任", 8, 88.5, False, "东门"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["李强", None, 10, "100", True, "西关"])
    sheet.append(["张伟", None, "x", 100, None, "西关"])
    source = tmp_path / "in.xlsx"
    book.save(source)
    summary = run_batch(
        full_rubric(),
        source,
        tmp_path / "out.xlsx",
        layout=Layout(keep=["社区"], default_period="2026-10"),
        headers="id",
    )
    assert (summary.read, summary.scored, summary.rejected, summary.blank) == (3, 2, 1, 1)
    result = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    try:
        values = list(result.worksheets[0].iter_rows(values_only=True))
    finally:
        result.close()
    header = values[0]
    assert header[:12] == (
        "row",
        "assessee",
        "assessor",
        "period",
        "社区",
        "total",
        "base",
        "bonus",
        "penalty",
        "grade",
        "stars",
        "flags",
    )
    rows = [dict(zip(header, v, strict=True)) for v in values[1:]]
    assert [
        (r["row"], r["assessee"], r["社区"], r["period"], r["total"], r["grade"]) for r in rows
    ] == [(2, "王芳", "东门", "2026-10", 37, "优秀"), (4, "李强", "西关", "2026-10", 40, "不合格")]
    assert rows[0]["assessor"] == "李主任"
    assert rows[1]["assessor"] is None


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx"])
def test_output_is_atomic_on_error(tmp_path: Path, suffix: str) -> None:
    source = write_csv(tmp_path / "in.csv", [GOOD] * 50)
    out = tmp_path / f"out{suffix}"
    out.write_text("the previous run\n", encoding="utf-8")
    seen = []

    def interrupt(rows: int, done: int, total: int | None) -> None:
        seen.append(rows)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(full_rubric(), source, out, chunk_size=10, progress=interrupt)
    assert seen == [10]
    assert out.read_text(encoding="utf-8") == "the previous run\n"
    # no errors file, no temporary file left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", out.name]


def test_malformed_input_fails_as_a_whole(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("assessee,cases_collected,cases_collected\n王芳,1,2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"row 1: column 'cases_collected' appears twice"):
        run_batch(full_rubric(), source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("in.txt", "cannot tell the table format"),
        ("missing.csv", "no such input file"),
    ],
)
def test_unreadable_inputs(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "in.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        run_batch(full_rubric(), tmp_path / name, tmp_path / "out.csv")


def test_output_may_not_overwrite_the_input(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [GOOD])
    with pytest.raises(DataFileError, match="would overwrite the input"):
        run_batch(full_rubric(), source, source)


def test_named_columns_must_exist(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [GOOD])
    with pytest.raises(DataFileError, match="the assessee column '工号' is not in the header"):
        run_batch(full_rubric(), source, tmp_path / "out.csv", layout=Layout(assessee="工号"))


def test_gbk_output(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [GOOD])
    run_batch(full_rubric(), source, tmp_path / "out.csv", output_encoding="gbk")
    assert read_csv(tmp_path / "out.csv", "gbk")[0]["assessee"] == "王芳"


def test_item_ids_colliding_with_result_columns_are_prefixed() -> None:
    rubric = gr.Rubric(
        name="c",
        title="t",
        maximum=2,
        children=[
            gr.Item("total", "合计", 1, clause="c", rules=[gr.PerOccurrence("a", 1)]),
            gr.Item("x", "x", 1, clause="c", rules=[gr.PerOccurrence("b", 1)]),
        ],
    )
    assert batch.output_columns(rubric)[-2:] == ("item.total", "x")


def test_reader_numbers_rows_as_a_spreadsheet_does(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text('assessee,note\n"a","two\nlines"\n\nb,x\n', encoding="utf-8")
    with open_reader(source) as reader:
        numbers = [record.number for record in reader]
    assert numbers == [2, 4]


def test_example_batch_files_score_without_rejections(tmp_path: Path) -> None:
    params = {"monthly_visit_deduction": 1, "quarterly_visit_deduction": 2}
    cases = [
        ("jiangcheng", "street-office-2026-10.csv", params, 6),
        ("liujiaoting", "half-year-2026.csv", None, 5),
        ("xiaofang", "q3-2026.csv", None, 4),
        ("xingji", "november-2026.jsonl", None, 4),
    ]
    for name, file, given, count in cases:
        source = EXAMPLES / name / file
        out = tmp_path / f"{name}{source.suffix}"
        summary = run_batch(
            gr.load(name),
            source,
            out,
            params=given,
            layout=Layout(keep=["社区"] if name == "jiangcheng" else ()),
        )
        assert (summary.read, summary.scored, summary.rejected) == (count, count, 0), name


# -- the CSV fast path ------------------------------------------------------------------------


def messy_csv(path: Path, count: int, seed: int = 5) -> Path:
    """An export as people make them: padded cells, blank and whitespace rows, a quoted name over
    two lines, short rows, surplus cells (empty or not), an unnamed column, wrong values."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["assessee", "assessor", "", *FIELDS, "社区"])
        for n in range(count):
            cells = list(random_cells(rng).values())
            if n % 7 == 1:
                cells = [f" {c}\u3000" if c else "  " for c in cells]
            row = [
                f"网格员{n}" if n % 11 else f"王\n芳{n}",
                "" if n % 3 else " 刘敏 ",
                "",
                *cells,
                rng.choice(["东门", "", " 西关 "]),
            ]
            kind = n % 29
            if kind == 3:
                row = ["", "  ", "", *([""] * len(FIELDS)), "\t"]  # blank
            elif kind == 5:
                row = row[:4]  # short: the rest not given
            elif kind == 7:
                row = [*row, "", ""]  # surplus empty cells: fine
            elif kind == 9:
                row = [*row, "surplus"]
            elif kind == 11:
                row[2] = "unnamed"
            writer.writerow(row)
        stream.write("\n")  # a blank line at the end
    return path


def test_csv_fast_path_agrees_with_reading_rows(tmp_path: Path) -> None:
    # run_batch splits CSV rows itself; read_rows + score_rows is the general way: same answers
    source = messy_csv(tmp_path / "in.csv", 400)
    rubric = full_rubric()
    layout = Layout(keep=["社区"], default_period="2026-10")
    with batch.open_table(source) as table:
        expected = list(score_rows(rubric, batch.read_rows(table, layout)))
    items = [item.id for item in rubric.items()]
    scored = [
        (
            str(o.row.number),
            o.row.assessee or "",
            o.row.assessor or "",
            o.row.period or "",
            o.row.extra[0] or "",
            fmt(o.result.total),
            o.result.grade or "",
            str(o.result.stars),
            ";".join(sorted(o.result.flags)),
            *[fmt(o.result.items[i]) for i in items],
        )
        for o in expected
        if isinstance(o, Scored)
    ]
    problems = [
        (
            str(o.row.number),
            o.row.assessee or "",
            p.field,
            "" if p.value is None else str(p.value),
            p.message,
        )
        for o in expected
        if isinstance(o, Rejected)
        for p in o.problems
    ]
    assert 200 < len(scored) < 400
    assert len(problems) > 20
    for workers in (1, 2):
        out = tmp_path / f"out{workers}.csv"
        summary = run_batch(rubric, source, out, layout=layout, workers=workers, chunk_size=23)
        assert (summary.read, summary.scored, summary.blank) == (len(expected), len(scored), 15)
        got = [
            (
                r["row"],
                r["assessee"],
                r["assessor"],
                r["period"],
                r["社区"],
                r["total"],
                r["grade"],
                r["stars"],
                r["flags"],
                *[r[i] for i in items],
            )
            for r in read_csv(out)
        ]
        assert got == scored
        errors = [
            (e["row"], e["assessee"], e["field"], e["value"], e["reason"])
            for e in read_csv(tmp_path / f"out{workers}.errors.csv")
        ]
        assert errors == problems
    assert (tmp_path / "out1.csv").read_bytes() == (tmp_path / "out2.csv").read_bytes()


def test_the_period_reaches_quotas_per_working_day(tmp_path: Path) -> None:
    rubric = daily_rubric()
    source = tmp_path / "in.csv"
    # October 2026: 18 working days, 36 expected; 30 reported → 6 × 0.1 → 9.4
    source.write_text("id,period,events_reported\na,2026-10,30\nb,,30\n", encoding="utf-8")
    for workers in (1, 2):
        summary = run_batch(rubric, source, tmp_path / "out.csv", workers=workers)
        assert (summary.scored, summary.rejected) == (1, 1)
        assert [r["total"] for r in read_csv(tmp_path / "out.csv")] == ["9.4"]
        (error,) = read_csv(tmp_path / "out.errors.csv")
        assert (error["row"], error["field"]) == ("3", "<row>")
        assert "period=" in error["reason"]


def test_sheets_are_written_for_scored_rows_with_workers_too(tmp_path: Path) -> None:
    source = messy_csv(tmp_path / "in.csv", 120)
    seen: dict[int, list[tuple[Any, ...]]] = {}
    for workers in (1, 2):
        rows = seen[workers] = []
        summary = run_batch(
            full_rubric(),
            source,
            tmp_path / "out.csv",
            workers=workers,
            chunk_size=17,
            layout=Layout(keep=["社区"]),
            sheets=SheetMaker("json"),
            on_sheet=lambda row, text, rows=rows: rows.append(
                (row.number, row.assessee, row.evidence, json.loads(text)["total"])
            ),
        )
        assert summary.sheets == summary.scored == len(rows)
    assert seen[1] == seen[2]
    assert [n for n, *_ in seen[1]] == [int(r["row"]) for r in read_csv(tmp_path / "out.csv")]


def test_workers_are_spawned_while_another_thread_runs(tmp_path: Path) -> None:
    # forking a process with threads can copy a held lock: then the workers are spawned, and
    # get the batch's plan pickled
    import threading

    source = messy_csv(tmp_path / "in.csv", 60)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert batch._context().get_start_method() == "spawn"
        run_batch(
            full_rubric(),
            source,
            tmp_path / "spawned.csv",
            workers=2,
            chunk_size=9,
            layout=Layout(keep=["社区"]),
        )
    finally:
        stop.set()
        thread.join()
    run_batch(full_rubric(), source, tmp_path / "one.csv", layout=Layout(keep=["社区"]))
    assert (tmp_path / "spawned.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_decimal_text_remembers_values_and_prints_zero_one_way() -> None:
    from gridrules.io.tables import DecimalText

    text = DecimalText()
    values = ["19.0", "19", "0", "-0", "0.00", "-0.0", "8.50", "-2.5", "1E+1"]
    for _ in range(2):  # the second time from memory
        assert [text(Decimal(v)) for v in values] == [fmt(Decimal(v)) for v in values]
    # a negative zero prints as 0, as fmt prints it everywhere
    assert text(Decimal("-0")) == text(Decimal("0")) == "0"
