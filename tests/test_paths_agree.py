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
from strategies import rubrics

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
        record = data.draw(evidence(rubric))
        assert from_result(scorer.result(record)) == from_sheet(scorer.score(record))


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
