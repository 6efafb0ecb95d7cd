"""One record, many paths: Scorer.score, Scorer.result and the batch paths give the same scores.

Equality here is digit for digit (``repr`` of every Decimal), not just numeric: a fast path that
changed an exponent would show in a printed score.
"""

from __future__ import annotations

import csv
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from strategies import PERIOD, rubrics

import gridrules as gr
from gridrules.batch import Rejected, Row, Scored, run_batch, score_rows
from gridrules.model.numbers import fmt
from gridrules.testing import evidence

PARAMS = {"monthly_visit_deduction": "1", "quarterly_visit_deduction": "2"}


def exact(value: Any) -> Any:
    if isinstance(value, Decimal):
        return repr(value)
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    return value


def from_sheet(sheet: gr.ScoreSheet) -> dict[str, Any]:
    return exact(
        {
            "total": sheet.total,
            "base": sheet.base,
            "bonus": sheet.bonus,
            "penalty": sheet.penalty,
            "grade": sheet.grade,
            "stars": sheet.stars,
            "flags": sheet.flags,
            "items": sheet.points,
        }
    )


def from_result(result: gr.Result) -> dict[str, Any]:
    return exact(
        {
            "total": result.total,
            "base": result.base,
            "bonus": result.bonus,
            "penalty": result.penalty,
            "grade": result.grade,
            "stars": result.stars,
            "flags": result.flags,
            "items": result.items,
        }
    )


@given(st.data(), rubrics())
def test_score_and_result_agree_on_generated_rubrics(
    data: st.DataObject, rubric: gr.Rubric
) -> None:
    scorer = rubric.prepare()
    for _ in range(3):
        record = data.draw(evidence(rubric, period=PERIOD))
        assert from_result(scorer.result(record, period=PERIOD)) == from_sheet(
            scorer.score(record, period=PERIOD)
        )


JIANGCHENG_COUNTS = sorted(
    field.id for field in gr.load("jiangcheng").fields.values() if field.kind is gr.FieldKind.COUNT
)


def jiangcheng_records(n: int, seed: int = 8) -> list[dict[str, Any]]:
    """Records as they come from a platform (ints, bools) and from a spreadsheet (text)."""
    rng = random.Random(seed)
    out = []
    for number in range(n):
        counts = {field: rng.choice([0, 0, 0, 1, 2, 3, 7, 25]) for field in JIANGCHENG_COUNTS}
        flags = {"no_patrol_records": rng.random() < 0.1, "work_not_done": rng.random() < 0.1}
        record: dict[str, Any] = {**counts, **flags}
        if number % 3 == 1:
            record = {
                k: ("是" if v else "否") if isinstance(v, bool) else str(v)
                for k, v in record.items()
            }
        elif number % 3 == 2:
            record.pop("violations")  # takes its default
            record["late_arrivals"] = None  # not given: takes its default too
            record["missed_signins"] = Decimal(record["missed_signins"])
        out.append(record)
    return out


def test_score_and_result_agree_on_jiangcheng() -> None:
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    for record in jiangcheng_records(600):
        assert from_result(scorer.result(record)) == from_sheet(scorer.score(record))


def test_bad_records_fail_the_same_way_on_both_paths() -> None:
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    good = jiangcheng_records(1)[0]
    for bad in (
        {**good, "missed_signins": -1},
        {**good, "missed_meetings": True},
        {**good, "no_patrol_records": "maybe"},
        {**good, "unknown": 1},
        {**good, "late_arrivals": 2.5, "violations": "x"},
    ):
        problems = []
        for path in (scorer.result, scorer.score):
            try:
                path(bad)
            except gr.EvidenceError as error:
                problems.append([(p.field, p.message) for p in error.problems])
        assert len(problems) == 2
        assert problems[0] == problems[1]


def outcomes(scorer: gr.Scorer, rows: list[dict[str, Any]], workers: int) -> list[Any]:
    answer = []
    for outcome in score_rows(
        scorer, [Row(n, r) for n, r in enumerate(rows, 2)], workers=workers, chunk_size=37
    ):
        if isinstance(outcome, Scored):
            answer.append(from_result(outcome.result))
        else:
            assert isinstance(outcome, Rejected)
            answer.append([(p.field, p.message) for p in outcome.problems])
    return answer


def test_batch_serial_and_parallel_agree_with_one_record_scoring() -> None:
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    rows = jiangcheng_records(300)
    rows[17]["missed_meetings"] = "三"  # rejected, in place, on every path
    expected: list[Any] = []
    for row in rows:
        try:
            expected.append(from_sheet(scorer.score(row)))
        except gr.EvidenceError as error:
            expected.append([(p.field, p.message) for p in error.problems])
    assert outcomes(scorer, rows, workers=1) == expected
    assert outcomes(scorer, rows, workers=2) == expected


def test_batch_file_holds_what_one_record_scoring_gives(tmp_path: Path) -> None:
    rubric = gr.load("jiangcheng")
    scorer = gr.Scorer(rubric, PARAMS)
    rows = jiangcheng_records(120, seed=3)
    source = tmp_path / "in.csv"
    fields = sorted({k for r in rows for k in r})
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assessee", *fields])
        for n, row in enumerate(rows):
            writer.writerow(
                [
                    f"W{n}",
                    *(
                        ("是" if row[f] else "否")
                        if isinstance(row.get(f), bool)
                        else row.get(f, "")
                        for f in fields
                    ),
                ]
            )
    items = [i.id for i in rubric.items()]
    for workers in (1, 2):
        output = tmp_path / f"out{workers}.csv"
        summary = run_batch(rubric, source, output, params=PARAMS, workers=workers, chunk_size=25)
        assert summary.scored == len(rows)
        with output.open(encoding="utf-8-sig") as handle:
            written = list(csv.DictReader(handle))
        for row, line in zip(rows, written, strict=True):
            sheet = scorer.score(row)
            assert [line[c] for c in ("total", "base", "bonus", "penalty")] == [
                fmt(sheet.total),
                fmt(sheet.base),
                fmt(sheet.bonus),
                fmt(sheet.penalty),
            ]
            assert (line["grade"], line["stars"], line["flags"]) == (
                sheet.grade or "",
                "" if sheet.stars is None else str(sheet.stars),
                ";".join(sorted(sheet.flags)),
            )
            assert [line[i] for i in items] == [fmt(sheet.points[i]) for i in items]


# -- the branches a fast path could take alone -------------------------------------------------
#
# Each rubric below exercises a shape that the memo or the column path could treat on its own;
# every record is scored explained, one at a time and many at once, and the figures must agree
# digit for digit with each other and with the working written beside them.


def all_paths(rubric: gr.Rubric, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    scorer = rubric.prepare()
    explained = [from_sheet(scorer.score(r)) for r in records]
    assert [from_result(scorer.result(r)) for r in records] == explained
    assert [from_result(r) for r in scorer.results(records)] == explained
    assert [from_result(r) for r in scorer.results(records, chunk_size=1)] == explained
    return explained


def test_points_set_inside_an_item_of_several_rules() -> None:
    # 考评组打分 out of 10, less 0.5 a missed report, zeroed when falsified
    item = gr.Item(
        "work",
        "工作情况",
        10,
        rules=[
            gr.AssessorPoints("given"),
            gr.PerOccurrence("missed_reports", "0.5"),
            gr.ZeroIf(gr.When("falsified")),
        ],
        clause="考评组打分，缺一次扣0.5分，弄虚作假本项不得分",
    )
    rubric = gr.Rubric(name="setting", title="设分", maximum=10, children=[item])
    records = [
        {"given": 8, "missed_reports": 2, "falsified": False},  # 8 − 2 × 0.5 = 7
        {"given": 8, "missed_reports": 0, "falsified": False},  # 8
        {"given": "9.5", "missed_reports": 30, "falsified": False},  # 9.5 − 15, floor 0
        {"given": 10, "missed_reports": 1, "falsified": True},  # zeroed: 0
    ] * 3
    got = [figures["total"] for figures in all_paths(rubric, records)]
    assert got[:4] == [repr(Decimal(v)) for v in ("7.0", "8", "0", "0")]


def test_item_rounding_inside_a_weighted_section() -> None:
    # two items out of 10, each 四舍五入取整, weighted 50% / 50% in a section of 100
    items = [
        gr.Item(
            name,
            name,
            10,
            rules=[gr.PerOccurrence(f"{name}_missed", "0.5")],
            clause="缺一次扣0.5分",
            rounding=gr.Rounding(0),
        )
        for name in ("a", "b")
    ]
    section = gr.Section(
        "part", "部分", 100, items, weights=[gr.Weight("a", "0.5"), gr.Weight("b", "0.5")]
    )
    rubric = gr.Rubric(name="rounded", title="取整", maximum=100, children=[section])
    records = [
        # a: 10 − 0.5 = 9.5 → 10; b: 10 − 1.5 = 8.5 → 9; 10 × 0.5 × 10 + 9 × 0.5 × 10 = 95
        {"a_missed": 1, "b_missed": 3},
        # a: 10 − 2.5 = 7.5 → 8; b: 10; 8 × 5 + 10 × 5 = 90
        {"a_missed": 5, "b_missed": 0},
    ] * 2
    got = all_paths(rubric, records)
    assert [Decimal(f["total"].split("'")[1]) for f in got[:2]] == [95, 90]
    assert [f["items"] for f in got[:2]] == [
        {"a": repr(Decimal(10)), "b": repr(Decimal(9))},
        {"a": repr(Decimal(8)), "b": repr(Decimal(10))},
    ]


def test_a_quota_whose_target_comes_from_the_evidence() -> None:
    # 每月不少于(平台下达的)件数, 少一件扣1分
    item = gr.Item(
        "cases",
        "办件",
        10,
        rules=[gr.Quota("collected", target=gr.FromField("assigned"), points=1)],
        clause="少一件扣1分",
    )
    rubric = gr.Rubric(name="fed", title="目标", maximum=10, children=[item])
    records = [
        {"collected": 9, "assigned": 12},  # 3 short × 1: 7
        {"collected": 12, "assigned": 12},  # met: 10
        {"collected": 15, "assigned": 12},  # over: 10
        {"collected": 0, "assigned": 40},  # 40 short: floor 0
    ] * 2
    got = all_paths(rubric, records)
    assert [f["total"] for f in got[:4]] == [repr(Decimal(v)) for v in (7, 10, 10, 0)]


def test_a_zero_if_with_a_comparison() -> None:
    # 6个月以上未更新数据, 本项不得分
    item = gr.Item(
        "data",
        "数据更新",
        10,
        rules=[
            gr.PerOccurrence("errors", 1),
            gr.ZeroIf(gr.When("months_stale", ">=", 6)),
        ],
        clause="6个月以上未更新数据的本项不得分",
    )
    rubric = gr.Rubric(name="stale", title="更新", maximum=10, children=[item])
    records = [
        {"errors": 1, "months_stale": 5},  # 10 − 1 = 9
        {"errors": 1, "months_stale": 6},  # zeroed: 0
        {"errors": 0, "months_stale": 7},  # zeroed: 0
        {"errors": 0, "months_stale": 0},  # 10
    ] * 2
    got = all_paths(rubric, records)
    assert [f["total"] for f in got[:4]] == [repr(Decimal(v)) for v in (9, 0, 0, 10)]
