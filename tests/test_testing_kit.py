"""The rubric author's kit: check_rubric finds broken invariants, the pytest plugin reports."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from helpers import one_item

import gridrules as gr
from gridrules import serialization, testing
from gridrules.serialization import load_rubric
from gridrules.testing import (
    RubricCheckError,
    ScenarioFailure,
    check_rubric,
    edge_values,
    evidence,
    load_scenarios,
    run_scenario,
)


@attrs.frozen
class ForgivingPerOccurrence(gr.PerOccurrence):
    """A broken rule: it stops deducting from the third occurrence on (not monotonic)."""

    def compile(self, ctx: gr.Context) -> gr.Step:
        field, points = self.field, ctx.value(self.points, "points")

        def amount(values: Mapping[str, Any], units: Any) -> Any:
            count = values[field]
            return None if not count or count >= 3 else count * points

        return gr.Step(
            self, gr.Effect.DEDUCT, lambda values, amount, units: "", amount=amount, reads=(field,)
        )


def test_check_rubric_reports_a_minimal_failing_record(monkeypatch: pytest.MonkeyPatch) -> None:
    rubric = one_item([ForgivingPerOccurrence("missed", 1)])
    # the broken rule is not a known rule kind, so skip the rubric round trip for this test
    monkeypatch.setattr(testing, "unstructure_rubric", lambda r: {})
    monkeypatch.setattr(testing, "structure_rubric", lambda data: rubric)
    with pytest.raises(RubricCheckError) as caught:
        check_rubric(rubric, max_examples=200)
    message = str(caught.value)
    # 2 misses deduct 2 (total 8); a third one deducts nothing (total 10): the smallest witness
    assert "one more occurrence of missed raised the total from 8 to 10" in message
    assert "minimal failing evidence: {'missed': 2}" in message


def test_a_rule_class_outside_the_building_blocks_is_named_when_serialised() -> None:
    rubric = one_item([ForgivingPerOccurrence("missed", 1)])
    with pytest.raises(gr.GridrulesError, match="rule class ForgivingPerOccurrence is not one of"):
        serialization.unstructure_rubric(rubric)


def test_check_rubric_passes_a_sound_rubric() -> None:
    check_rubric(one_item([gr.PerOccurrence("missed", "0.5", cap=5)]), max_examples=50)


def test_edge_values_include_each_threshold_and_its_neighbours() -> None:
    rubric = one_item(
        [gr.Quota("cases", target=10, points=1), gr.RateShortfall("rate", target=10, points=1)]
    )
    edges = edge_values(rubric)
    assert {0, 9, 10, 11} <= edges["cases"]
    assert {gr.Interval(0, 0, True, True).lower, 9, 10, 11} <= edges["rate"]


def test_evidence_strategy_generates_valid_records() -> None:
    from hypothesis import given, settings

    rubric = one_item(
        [gr.Checklist("systems", ["例会制度", "巡查制度"], 1), gr.PerOccurrence("missed", 1)]
    )

    @settings(max_examples=30)
    @given(evidence(rubric))
    def valid(record: dict[str, Any]) -> None:
        rubric.score(record)

    valid()


RUBRIC = """
format = "gridrules-rubric/1"
name = "kit"
title = "测试"
maximum = "10"
[[children]]
node = "item"
id = "meetings"
label = "例会"
maximum = "10"
clause = "每缺席一次,扣2分"
  [[children.rules]]
  kind = "PerOccurrence"
  field = "missed_meetings"
  points = "2"
"""

SCENARIOS = """
rubric = "rubric.toml"

[[scenario]]
name = "two absences"
# 2 × 2 = 4 → 6
evidence = { missed_meetings = 2 }
expect = { total = "6", items = { meetings = "6" } }

[[scenario]]
name = "a wrong expectation"
evidence = { missed_meetings = 1 }
expect = { items = { meetings = "9" } }
"""


def test_the_pytest_plugin_runs_scenario_files(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", rubric=RUBRIC, scenarios=SCENARIOS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    # the two scenarios, then the rubric's checks: its invariants pass, and its quotes are not
    # checked, there being no source.txt beside it
    result.assert_outcomes(passed=2, failed=1, skipped=1)
    # the failure names the file, the scenario, the item, expected and actual, and the clause
    result.stdout.fnmatch_lines(
        [
            "*scenarios.toml: scenario 'a wrong expectation': item meetings: expected 9, got 8*",
            "*clause: 「每缺席一次,扣2分」*",
        ]
    )


def test_the_pytest_plugin_checks_installed_rubrics(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", "--gridrules-check", "-k", "jiangcheng")
    result.assert_outcomes(passed=1)


CAPPED = """
format = "gridrules-rubric/1"
name = "kit-capped"
title = "测试"
maximum = "10"
veto_grades = ["不合格"]

[[children]]
node = "section"
id = "awards"
label = "创新奖励分"
maximum = "10"
capped = true
clause = "创新奖励分(10分)"
grades = { bands = [
  { name = "好", interval = { lower = "8", upper_inclusive = true } },
  { name = "差", interval = { lower = "0", upper = "8" } },
] }

  [[children.children]]
  node = "item"
  id = "city"
  label = "全市"
  maximum = "6"
  clause = "全市6分"
  rules = [{ kind = "ZeroIf", when = { field = "city", op = "is_false" } }]

  [[children.children]]
  node = "item"
  id = "province"
  label = "全省"
  maximum = "8"
  clause = "全省8分"
  rules = [{ kind = "ZeroIf", when = { field = "province", op = "is_false" } }]
"""


@pytest.mark.parametrize(
    ("expect", "failure"),
    [
        # 6 + 8 = 14 > 10: capped at 10, graded 好, no grade for the rubric
        ('{ total = "10", grade = "", sections = { awards = { points = "10", grade = "好", '
         'before_cap = "14" } } }', None),
        ('{ sections = { awards = "10" } }', None),
        ('{ sections = { awards = { grade = "差" } } }',
         "section awards grade: expected 差, got 好"),
        ('{ grade = "不合格" }', "grade: expected 不合格, got no grade"),
        ('{ sections = { nowhere = "1" } }', "section nowhere: expected 1, got no such section"),
    ],
)  # fmt: skip
def test_scenarios_state_sections_and_the_absence_of_a_grade(
    tmp_path: Path, expect: str, failure: str | None
) -> None:
    (tmp_path / "rubric.toml").write_text(CAPPED, encoding="utf-8")
    scenarios = tmp_path / "scenarios.toml"
    scenarios.write_text(
        'rubric = "rubric.toml"\n[[scenario]]\nname = "both"\n'
        f"evidence = {{ city = true, province = true }}\nexpect = {expect}\n",
        encoding="utf-8",
    )
    [scenario] = load_scenarios(scenarios)
    rubric = load_rubric(tmp_path / "rubric.toml")
    if failure is None:
        run_scenario(rubric, scenario)
    else:
        with pytest.raises(ScenarioFailure, match=failure):
            run_scenario(rubric, scenario)
