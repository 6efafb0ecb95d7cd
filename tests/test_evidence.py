"""Evidence validation: every problem of a record at once, with field, value and expectation."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from helpers import one_item

import gridrules as gr

RUBRIC = one_item(
    [
        gr.PerOccurrence("missed", "0.5"),
        gr.RateShortfall("rate", 10, 1),
        gr.ZeroIf(gr.When("no_records")),
        gr.AssessorPoints("discretion", "deduction", maximum=5),
        gr.Checklist("systems", ["例会制度", "巡查制度"], 1),
    ]
)


def problems(record: dict[str, object]) -> dict[str, str]:
    with pytest.raises(gr.EvidenceError) as caught:
        RUBRIC.score(record)
    return {p.field: p.message for p in caught.value.problems}


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        {
            "missed": -1,
            "rate": 101,
            "no_records": "maybe",
            "discretion": 6,
            "systems": ["值班制度"],
            "extra": 1,
        }
    )
    assert found == {
        "missed": "a count cannot be negative, got -1",
        "rate": "a percentage must be from 0 to 100, got 101",
        "no_records": "expected true or false, got 'maybe'",
        "discretion": "points must be from 0 to 5, got 6",
        "systems": "unknown name(s) 值班制度; expected some of: 例会制度、巡查制度",
        "extra": "unknown field (this rubric reads 5 fields)",
    }


def test_missing_required_field() -> None:
    assert problems({"discretion": 0, "systems": []}) == {
        "rate": "missing required percentage field",
    }


def test_wrong_types() -> None:
    found = problems({"missed": 1.5, "rate": True, "discretion": [1], "systems": 3})
    assert found["missed"] == "expected a whole number of occurrences, got 1.5"
    assert found["rate"] == "expected a percentage from 0 to 100, got the boolean True"
    assert found["systems"] == "expected a list of names, got int 3"


def test_error_names_the_rubric() -> None:
    with pytest.raises(gr.EvidenceError, match="rubric 'unit': 1 problem in the evidence"):
        RUBRIC.score({"rate": 5, "discretion": 0, "systems": [], "typo": 1})


def test_floats_go_through_their_decimal_string() -> None:
    sheet = RUBRIC.score({"rate": 9.1, "discretion": 0.1, "systems": ["例会制度", "巡查制度"]})
    # rate 9.1 is 0.9 short: no whole point; discretion 0.1 → 10 − 0.1 = 9.9 exactly
    assert sheet.total == D("9.9")


def test_text_values_are_read() -> None:
    sheet = RUBRIC.score(
        {
            "missed": "2",
            "rate": "9%",
            "no_records": "否",
            "discretion": "0",
            "systems": "例会制度、巡查制度",
        }
    )
    # 2 × 0.5 = 1; rate 9% → 1 point short → 1 → 10 − 2 = 8
    assert sheet.total == 8


def test_defaults_are_listed_on_the_sheet() -> None:
    sheet = RUBRIC.score({"rate": 10, "discretion": 0, "systems": ["例会制度", "巡查制度"]})
    assert sheet.defaults == ("missed", "no_records")


def test_a_record_must_be_a_mapping() -> None:
    with pytest.raises(gr.EvidenceError, match="expected a mapping"):
        RUBRIC.score([1, 2])  # type: ignore[arg-type]


def test_json_schema_lists_every_field() -> None:
    schema = RUBRIC.evidence_schema()
    assert schema["required"] == ["discretion", "rate", "systems"]
    # a number, or the text of one (see tests/test_schema_agreement.py)
    number, text = schema["properties"]["rate"]["anyOf"]
    assert number == {"type": "number", "minimum": 0, "maximum": 100}
    assert text["type"] == "string"
    missed = schema["properties"]["missed"]
    assert missed["default"] == 0
    assert {"type": "null"} in missed["anyOf"]  # null: the default is taken
    assert {"type": "integer", "minimum": 0, "exclusiveMaximum": 10**15} in missed["anyOf"]
    assert schema["additionalProperties"] is False


def test_assessor_points_over_the_item_are_reported_with_the_other_problems() -> None:
    rubric = one_item([gr.AssessorPoints("given"), gr.PerOccurrence("missed", 1)], maximum=30)
    with pytest.raises(gr.EvidenceError, match="rubric 'unit': 2 problems") as caught:
        rubric.score({"given": 31, "missed": -1})
    assert {p.field: p.message for p in caught.value.problems}["given"] == (
        "points must be from 0 to 30, got 31"
    )
    assert rubric.evidence_schema()["properties"]["given"]["anyOf"][0]["maximum"] == 30
