"""Invariants over generated rubrics and evidence, built from every building block."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import PERIOD, rubrics

import gridrules as gr
from gridrules.serialization import (
    loads_rubric,
    structure_rubric,
    structure_sheet,
    unstructure_rubric,
    unstructure_sheet,
)
from gridrules.testing import _check_record, evidence


@settings(max_examples=40)
@given(st.data(), rubrics())
def test_invariants_hold_on_generated_rubrics(data: st.DataObject, rubric: gr.Rubric) -> None:
    # every item within [floor, max] (or zeroed), total <= maximum + bonus cap, one more
    # occurrence of a deduction never raises the total, grade matches its band (or the veto),
    # stars within range, the sheet round-trips
    scorer = rubric.prepare()
    for _ in range(5):
        _check_record(rubric, scorer, data.draw(evidence(rubric, period=PERIOD)), PERIOD)


@given(rubrics())
def test_rubrics_round_trip_through_plain_data(rubric: gr.Rubric) -> None:
    assert structure_rubric(unstructure_rubric(rubric)) == rubric


@settings(max_examples=30)
@given(rubrics())
def test_rubrics_round_trip_through_json_text(rubric: gr.Rubric) -> None:
    from gridrules.serialization import dump_rubric

    assert loads_rubric(dump_rubric(rubric, "json"), "json") == rubric
    assert loads_rubric(dump_rubric(rubric, "toml"), "toml") == rubric


@settings(max_examples=40)
@given(st.data(), rubrics())
def test_sheets_round_trip(data: st.DataObject, rubric: gr.Rubric) -> None:
    sheet = rubric.score(data.draw(evidence(rubric, period=PERIOD)), period=PERIOD)
    assert structure_sheet(unstructure_sheet(sheet)) == sheet


@settings(max_examples=40)
@given(st.data(), rubrics())
def test_scores_are_decimal_end_to_end(data: st.DataObject, rubric: gr.Rubric) -> None:
    sheet = rubric.score(data.draw(evidence(rubric, period=PERIOD)), period=PERIOD)
    numbers = [sheet.total, sheet.maximum, sheet.base, sheet.bonus, sheet.penalty]
    numbers += [line.points for line in sheet.lines]
    numbers += [reason.amount for line in sheet.lines for reason in line.reasons]
    assert all(type(n) is Decimal for n in numbers)


@settings(max_examples=40)
@given(st.data(), rubrics())
def test_the_fast_result_agrees_with_the_sheet(data: st.DataObject, rubric: gr.Rubric) -> None:
    record = data.draw(evidence(rubric, period=PERIOD))
    scorer = rubric.prepare()
    sheet, result = scorer.score(record, period=PERIOD), scorer.result(record, period=PERIOD)
    assert (result.total, result.grade, result.stars, result.flags) == (
        sheet.total,
        sheet.grade,
        sheet.stars,
        sheet.flags,
    )
    assert result.items == sheet.points
