"""Score sheets written out lazily (issue 8) read and serialise exactly as when written eagerly.

tests/data/sheets.json holds records of several rubrics (jiangcheng, xingji, both wanggezhang
roles and the benchmark's 30-item rubric, which uses every building block) and the
``dump_sheet`` JSON of their sheets, written before explanations became lazy
(tests/data/make_sheets.py). Every sheet must still give those bytes, whether its lines are read
first or not, and compare equal to itself read back.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest

import gridrules as gr
from gridrules.serialization import dump_sheet, structure_sheet, unstructure_sheet

DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(DATA))

from make_sheets import score, unstamped  # noqa: E402

FIXTURE = json.loads((DATA / "sheets.json").read_text(encoding="utf-8"))
CASES = FIXTURE["cases"]


def sheet_of(case: dict[str, Any]) -> gr.ScoreSheet:
    return score(case, FIXTURE["rubrics"])


def read_everything(sheet: gr.ScoreSheet) -> None:
    """Touch every lazy attribute, as a reader of the sheet would."""
    for line in sheet.lines:
        for reason in line.reasons:
            assert isinstance(reason.value, str)
            assert isinstance(reason.arithmetic, str)
    assert isinstance(sheet.evidence, dict)
    assert isinstance(sheet.sections, tuple)


@pytest.mark.parametrize("number", range(len(CASES)))
def test_the_json_is_byte_identical_to_the_eager_sheets(number: int) -> None:
    case = CASES[number]
    assert unstamped(dump_sheet(sheet_of(case))) == case["dump"]
    read = sheet_of(case)
    read_everything(read)
    assert unstamped(dump_sheet(read)) == case["dump"]


@pytest.mark.parametrize("number", range(len(CASES)))
def test_lazy_and_read_back_sheets_are_equal(number: int) -> None:
    case = CASES[number]
    lazy, read = sheet_of(case), sheet_of(case)
    read_everything(read)
    back = structure_sheet(json.loads(case["dump"]))
    assert lazy == back
    assert back == lazy
    assert read == lazy
    assert structure_sheet(unstructure_sheet(lazy)) == lazy
    assert unstamped(dump_sheet(back)) == case["dump"]
    # the JSON writes each number in one form ("75", never "75.0"): read back, a sheet is equal
    # to the one scored, and its repr is stable from then on
    assert repr(structure_sheet(unstructure_sheet(back))) == repr(back)
    assert lazy.to_text() == back.to_text()


def test_reasons_written_out_match_the_rules_arithmetic() -> None:
    case = next(c for c in CASES if c["rubric"] == "jiangcheng" and c["evidence"]["late_reports"])
    data = json.loads(case["dump"])
    sheet = sheet_of(case)
    for line, raw in zip(sheet.lines, data["lines"], strict=True):
        for reason, expected in zip(line.reasons, raw["reasons"], strict=True):
            assert (reason.value, reason.arithmetic) == (expected["value"], expected["arithmetic"])
            assert reason == gr.Reason(**{**expected, "amount": reason.amount})
            assert hash(reason) == hash(gr.Reason(**{**expected, "amount": reason.amount}))
    assert sheet.evidence == data["evidence"]


def test_sheets_stay_frozen() -> None:
    sheet = sheet_of(CASES[3])
    reason = sheet.lines[1].reasons[0]
    with pytest.raises(AttributeError):
        sheet.lines = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        reason.arithmetic = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        sheet.evidence = {}  # type: ignore[misc]


def test_a_lazy_sheet_pickles_as_it_reads() -> None:
    for case in CASES[:4] + CASES[-2:]:
        sheet = sheet_of(case)
        again = pickle.loads(pickle.dumps(sheet))
        assert again == sheet
        assert unstamped(dump_sheet(again)) == case["dump"]
        assert again.audit == sheet.audit is not None
