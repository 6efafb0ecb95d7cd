"""Rubric files: data in, data out; malformed files fail naming the file, the path and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import one_item

import gridrules as gr
from gridrules.serialization import dump_rubric, load_rubric, loads_rubric, unstructure_rubric

RUBRIC = one_item(
    [gr.PerOccurrence("missed", "0.5", cap=gr.Param("cap")), gr.Bonus("cases", 3, cap=None)],
    parameters=[gr.Parameter("cap", "封顶", "共N分", default=5)],
)


def test_toml_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text(dump_rubric(RUBRIC), encoding="utf-8")
    assert load_rubric(path) == RUBRIC
    assert gr.load(path) == RUBRIC


def test_json_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "rubric.json"
    path.write_text(dump_rubric(RUBRIC, "json"), encoding="utf-8")
    assert gr.load(str(path)) == RUBRIC


def test_parameters_and_uncapped_are_spelled_as_data() -> None:
    data = unstructure_rubric(RUBRIC)
    rules = data["children"][0]["rules"]
    assert rules[0]["cap"] == {"param": "cap"}
    assert rules[1]["cap"] == "uncapped"
    assert rules[0]["kind"] == "PerOccurrence"


def test_unknown_keys_are_reported_with_their_path() -> None:
    data = unstructure_rubric(RUBRIC)
    data["children"][0]["rules"][0]["pionts"] = "1"
    with pytest.raises(gr.DataFileError, match=r"\$\.children\[0\]\.rules\[0\]"):
        loads_rubric(json.dumps(data), "json")


def test_unknown_rule_kind() -> None:
    data = unstructure_rubric(RUBRIC)
    data["children"][0]["rules"][0]["kind"] = "Eval"
    with pytest.raises(gr.DataFileError, match="not a valid rubric"):
        loads_rubric(json.dumps(data), "json")


def test_invalid_rubric_in_a_file_names_the_file(tmp_path: Path) -> None:
    data = unstructure_rubric(RUBRIC)
    data["maximum"] = "100"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(gr.DataFileError, match=r"(?s)bad\.json.*states a maximum of 100"):
        load_rubric(path)


def test_malformed_toml(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("name = \n", encoding="utf-8")
    with pytest.raises(gr.DataFileError, match=r"broken\.toml: not valid TOML"):
        load_rubric(path)


def test_unknown_file_type(tmp_path: Path) -> None:
    with pytest.raises(gr.DataFileError, match=r"expected \.toml or \.json"):
        load_rubric(tmp_path / "rubric.yaml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(gr.DataFileError, match=r"absent\.toml: no such rubric file"):
        load_rubric(tmp_path / "absent.toml")


def test_data_is_never_executed(tmp_path: Path) -> None:
    # a value that would do something if evaluated is just text that fails to be a number
    data = unstructure_rubric(RUBRIC)
    data["children"][0]["rules"][0]["points"] = "__import__('os').getcwd()"
    with pytest.raises(gr.DataFileError, match="expected a number"):
        loads_rubric(json.dumps(data), "json")


def test_parameters_file(tmp_path: Path) -> None:
    from gridrules.serialization import load_params

    path = tmp_path / "params.toml"
    path.write_text('cap = "4"\n', encoding="utf-8")
    params = load_params(path)
    # cap 4 from the file: 10 missed × 0.5 = 5, capped at 4 → 10 − 4 = 6
    assert RUBRIC.score({"missed": 10}, params).total == 6
    nested = tmp_path / "nested.toml"
    nested.write_text("[cap]\nvalue = 1\n", encoding="utf-8")
    with pytest.raises(gr.DataFileError, match="cap hold tables or lists"):
        load_params(nested)
