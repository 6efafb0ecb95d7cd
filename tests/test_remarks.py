"""Remarks an assessor writes on the sheet (检查考核组简要评语, 领导点评): printed, never scored."""

from __future__ import annotations

import pytest
from helpers import one_item
from hypothesis import given
from hypothesis import strategies as st

import gridrules as gr
from gridrules.serialization import dump_rubric, loads_rubric

REMARK = gr.Remark("leader_comment", "领导点评", clause="领导点评", limit=50)


def rubric() -> gr.Rubric:
    return one_item([gr.PerOccurrence("missed", 1)], remarks=[REMARK])


def test_the_remark_is_printed_under_its_label() -> None:
    sheet = rubric().score({"missed": 2, "leader_comment": "  工作扎实，入户走访细致。 "})
    [line] = sheet.remarks
    assert (line.label, line.text) == ("领导点评", "工作扎实，入户走访细致。")
    assert "领导点评：工作扎实，入户走访细致。" in sheet.to_text()
    assert "领导点评：工作扎实，入户走访细致。" in sheet.to_markdown()
    assert "领导点评：工作扎实，入户走访细致。" in sheet.to_html()
    assert "leader_comment" not in sheet.evidence  # a remark, not evidence
    assert gr.ScoreSheet.from_dict(sheet.to_dict()) == sheet


def test_the_remark_is_never_scored() -> None:
    scorer = rubric().prepare()
    plain = scorer.score({"missed": 2})
    remarked = scorer.score({"missed": 2, "leader_comment": "差"})
    assert plain.remarks == ()
    assert (plain.total, plain.lines) == (remarked.total, remarked.lines)
    records = [{"missed": 2, "leader_comment": text} for text in ("好", "", "很好")]
    assert {r.total for r in scorer.results(records)} == {8}


def test_a_remark_past_its_limit_is_refused_naming_it() -> None:
    with pytest.raises(gr.EvidenceError) as caught:
        rubric().score({"missed": 0, "leader_comment": "长" * 51})
    [problem] = caught.value.problems
    assert problem.field == "leader_comment"
    assert "51 characters is longer than the 50 allowed" in problem.message


@pytest.mark.parametrize("value", [3, ["评语"], "按\x00下"])
def test_a_remark_is_plain_text(value: object) -> None:
    with pytest.raises(gr.EvidenceError, match="leader_comment"):
        rubric().score({"missed": 0, "leader_comment": value})


def test_a_remark_is_not_a_field_a_rule_reads() -> None:
    with pytest.raises(gr.RubricError, match="a remark is never scored"):
        one_item([gr.PerOccurrence("missed", 1)], remarks=[gr.Remark("missed", "评语")])


def test_the_limit_is_bounded() -> None:
    with pytest.raises(gr.RubricError, match="limit must be from 1 to 2000"):
        gr.Remark("c", "评语", limit=5000)


def test_the_rubric_file_reads_and_writes_it() -> None:
    assert loads_rubric(dump_rubric(rubric(), "json"), "json") == rubric()
    schema = rubric().evidence_schema()["properties"]["leader_comment"]
    assert "{0,50}" in str(schema)


@given(st.text(max_size=50))
def test_any_text_within_the_limit_is_kept_as_written(text: str) -> None:
    cleaned = text.strip()
    if any(ch < " " and ch not in "\n\r\t" for ch in cleaned) or "\x7f" in cleaned:
        with pytest.raises(gr.EvidenceError):
            rubric().score({"missed": 0, "leader_comment": text})
        return
    sheet = rubric().score({"missed": 0, "leader_comment": text})
    assert [r.text for r in sheet.remarks] == ([cleaned] if cleaned else [])
    assert sheet.total == 10


def test_a_sheet_of_an_older_format_reads_and_a_newer_one_is_refused() -> None:
    data = rubric().score({"missed": 1}).to_dict()
    older = {k: v for k, v in data.items() if k != "remarks"} | {"format_version": 3}
    assert gr.ScoreSheet.from_dict(older).remarks == ()
    with pytest.raises(gr.DataFileError, match="version 99, newer than this version's 4"):
        gr.ScoreSheet.from_dict(data | {"format_version": 99})


@given(st.text(max_size=60))
def test_the_schema_accepts_a_remark_exactly_when_the_library_does(text: str) -> None:
    import jsonschema

    schema = rubric().evidence_schema()
    by_schema = jsonschema.Draft202012Validator(schema).is_valid(
        {"missed": 0, "leader_comment": text}
    )
    try:
        rubric().score({"missed": 0, "leader_comment": text})
    except gr.EvidenceError:
        by_library = False
    else:
        by_library = True
    assert by_schema == by_library
