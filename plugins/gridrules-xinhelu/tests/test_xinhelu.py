"""xinhelu: the readings of 社区网格化管理督查考核办法 worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: the shape chosen
for a text without points (A1-hundred, A3-areas, A4-population), the paragraph about the
社区计生专干 that is not scored (A5-specialist), one rubric for every role (A7-one-rubric), and a
sheet without grades, bonuses or vetoes (A10-no-grades, A11-no-rewards).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import gridrules
from gridrules.serialization import load_params
from gridrules.testing import source_of

PARAMS_FILE = Path(__file__).resolve().parents[3] / "examples" / "xinhelu" / "params.toml"
SOURCE_FILE = source_of("xinhelu")
assert SOURCE_FILE is not None
SOURCE = SOURCE_FILE.read_text(encoding="utf-8")

# the typical 督查 of scenarios_composite.toml
TYPICAL = {
    "tasks_points": 90,
    "party_points": 85,
    "population_info_points": 80,
    "population_women_points": 90,
    "population_outside_policy_points": 100,
    "civil_visits_points": 70,
    "civil_policy_points": 85,
    "militia_conscription_points": 95,
    "militia_families_points": 80,
    "militia_contact_points": 60,
}


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("xinhelu")


@pytest.fixture(scope="module")
def params() -> dict[str, Any]:
    return load_params(PARAMS_FILE)


def _flat(text: str) -> str:
    return "".join(text.split())


def test_five_areas_and_their_listed_sub_criteria_each_out_of_100(rubric: gridrules.Rubric) -> None:
    # 五、考核内容 1-5: areas 1 and 2 list no sub-criteria (A3-areas); area 3 has its three 是否
    # (A4-population); 4 and 5 their numbered 1、2 and 1、2、3. Every node is out of 100.
    assert [child.id for child in rubric.children] == [
        "tasks",
        "party",
        "population",
        "civil",
        "militia",
    ]
    shape = {
        child.id: [grandchild.id for grandchild in getattr(child, "children", ())]
        for child in rubric.children
    }
    assert shape == {
        "tasks": [],
        "party": [],
        "population": ["population_info", "population_women", "population_outside_policy"],
        "civil": ["civil_visits", "civil_policy"],
        "militia": ["militia_conscription", "militia_families", "militia_contact"],
    }
    assert {node.maximum for node in rubric.nodes()} == {Decimal(100)}
    assert rubric.maximum == rubric.effective_maximum == 100
    for item in rubric.items():
        (rule,) = item.rules
        assert isinstance(rule, gridrules.AssessorPoints)
        assert rule.mode == "points"


def test_every_weight_is_a_required_parameter(rubric: gridrules.Rubric) -> None:
    # the source gives no points or shares: 13 weights, none with a default (A2-weights)
    assert len(rubric.parameters) == 13
    assert all(p.required for p in rubric.parameters)
    assert {p.name for p in rubric.parameters} == {f"{node.id}_weight" for node in rubric.nodes()}


def test_the_specialists_paragraph_is_not_scored(rubric: gridrules.Rubric) -> None:
    # 社区计生专干是否做到及时核实、录入建档;是否定期对…进行检查和督查 is another person's work
    # (A5-specialist): quoted by the assumption only, never by an item, a rule or a parameter.
    specialist = "社区计生专干是否做到及时核实、录入建档"
    assert _flat(specialist) in _flat(SOURCE)
    quoted = [node.clause for node in rubric.nodes()]
    quoted += [rule.clause for item in rubric.items() for rule in item.rules]
    quoted += [p.clause for p in rubric.parameters]
    assert not any(specialist in clause or "检查和督查" in clause for clause in quoted)
    (assumption,) = [a for a in rubric.assumptions if a.id == "A5-specialist"]
    assert specialist in assumption.quote


def test_one_rubric_for_every_role() -> None:
    # 网格长 and 片区负责人 are assessed on the same 考核内容 (A7-one-rubric): no role variants
    names = {info.name for info in gridrules.available() if info.name.startswith("xinhelu")}
    assert names == {"xinhelu"}


def test_no_grades_bonus_penalty_or_veto(rubric: gridrules.Rubric, params: dict[str, Any]) -> None:
    # the text names no grade (A10-no-grades) and sets no reward or sanction (A11-no-rewards)
    assert rubric.grades is None
    assert rubric.stars is None
    assert rubric.vetoes == ()
    assert rubric.rounding is None
    sheet = rubric.score(TYPICAL, params)
    assert (sheet.grade, sheet.stars, sheet.flags) == (None, None, frozenset())
    assert sheet.bonus == sheet.penalty == Decimal(0)


def test_the_sheet_shows_each_areas_points_and_share(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    # 3 = 0.4 × 80 + 0.3 × 90 + 0.3 × 100 = 89, × 0.2 = 17.8
    # 4 = 0.6 × 70 + 0.4 × 85 = 76, × 0.2 = 15.2
    # 5 = 0.5 × 95 + 0.25 × 80 + 0.25 × 60 = 82.5, × 0.15 = 12.375
    sheet = rubric.score(TYPICAL, params)
    sections = {s.section_id: (s.points, s.weight, s.contribution) for s in sheet.sections}
    assert sections == {
        "population": (89, Decimal("0.2"), Decimal("17.8")),
        "civil": (76, Decimal("0.2"), Decimal("15.2")),
        "militia": (Decimal("82.5"), Decimal("0.15"), Decimal("12.375")),
    }
    # 0.3 × 90 + 0.15 × 85 + 17.8 + 15.2 + 12.375 = 27 + 12.75 + 45.375 = 85.125
    assert sheet.total == Decimal("85.125")
    assert {a.id for a in sheet.assumptions} >= {"A1-hundred", "A2-weights", "A5-specialist"}
