"""wangluo: the readings of 网格员考核细则 (网络治理) worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: the shape chosen
for a text without points (A1-hundred, A3-aspects), which aspects are 定性 and which 定量
(A4-qualitative, A5-quantitative), and a rubric that announces grades but names none
(A6-no-grades): no bands, no grade-name parameters, no grade on any sheet.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import gridrules
from gridrules.serialization import load_params

PARAMS_FILE = Path(__file__).resolve().parents[3] / "examples" / "wangluo" / "params.toml"

QUALITATIVE = "以考核评价表为依据,对不同方面进行评分"
QUANTITATIVE = "考核标准包括两个层面:定性评估和定量评估。"
GRADING = "并对评分划定等级"

# the typical quarter of scenarios_composite.toml
TYPICAL = {
    "security_work_points": 90,
    "service_work_points": 85,
    "supervision_work_points": 80,
    "network_basics_points": 88,
    "security_knowledge_points": 92,
    "management_skills_points": 75,
    "integrity_points": 95,
    "teamwork_points": 90,
    "customer_service_points": 85,
}


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("wangluo")


@pytest.fixture(scope="module")
def params() -> dict[str, Any]:
    return load_params(PARAMS_FILE)


def test_three_parts_of_three_aspects_each_out_of_100(rubric: gridrules.Rubric) -> None:
    # 2.1 工作业绩, 2.2 知识技能, 2.3 专业素养, each with its three •方面 (A3-aspects); every node
    # is out of 100 and every aspect one figure of points (A1-hundred)
    shape = {
        child.id: [grandchild.id for grandchild in getattr(child, "children", ())]
        for child in rubric.children
    }
    assert shape == {
        "performance": ["security_work", "service_work", "supervision_work"],
        "skills": ["network_basics", "security_knowledge", "management_skills"],
        "conduct": ["integrity", "teamwork", "customer_service"],
    }
    assert {node.maximum for node in rubric.nodes()} == {Decimal(100)}
    assert rubric.maximum == rubric.effective_maximum == 100
    for item in rubric.items():
        (rule,) = item.rules
        assert isinstance(rule, gridrules.AssessorPoints)
        assert (rule.mode, rule.field) == ("points", f"{item.id}_points")


def test_qualitative_parts_cite_the_evaluation_table_and_skills_the_quantitative_layer(
    rubric: gridrules.Rubric,
) -> None:
    # 3.1 定性评估针对工作业绩和专业素养 (A4-qualitative); 知识技能 is left to the 定量评估 whose
    # section is missing (A5-quantitative)
    cited: dict[str, set[str]] = {}
    for part in rubric.children:
        assert isinstance(part, gridrules.Section)
        for item in part.children:
            assert isinstance(item, gridrules.Item)
            cited.setdefault(part.id, set()).update(rule.clause for rule in item.rules)
    assert cited == {
        "performance": {QUALITATIVE},
        "skills": {QUANTITATIVE},
        "conduct": {QUALITATIVE},
    }


def test_every_weight_is_a_required_parameter(rubric: gridrules.Rubric) -> None:
    # the source gives no points or shares: 3 + 3 × 3 = 12 weights, none with a default
    assert len(rubric.parameters) == 12
    assert all(p.required for p in rubric.parameters)
    assert {p.name for p in rubric.parameters} == {f"{node.id}_weight" for node in rubric.nodes()}
    assert {p.kind for p in rubric.parameters} == {gridrules.FieldKind.AMOUNT}


def test_grades_announced_but_never_named_are_not_invented(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    # 对评分划定等级 gives no names, no count and no bounds (A6-no-grades): no bands, no text
    # parameters naming grades, no grade a veto could force, and no grade on the sheet
    assert rubric.grades is None
    assert rubric.veto_grades == ()
    assert rubric.vetoes == ()
    assert rubric.stars is None
    assert rubric.rounding is None
    assert not [p for p in rubric.parameters if p.kind is gridrules.FieldKind.TEXT]
    scorer = rubric.prepare(params)
    assert scorer.grade_names == ()
    sheet = scorer.score(TYPICAL)
    assert (sheet.grade, sheet.stars, sheet.flags) == (None, None, frozenset())
    assert sheet.bonus == sheet.penalty == Decimal(0)
    assert "考核等次" not in sheet.to_text()
    assert next(scorer.results([TYPICAL])).grade is None
    # the grading clause is quoted by the assumption that explains it, and by nothing else
    (assumption,) = [a for a in rubric.assumptions if GRADING in a.quote]
    assert assumption.id == "A6-no-grades"
    assert "A6-no-grades" in {a.id for a in sheet.assumptions}


def test_the_sheet_shows_each_parts_points_and_share(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    # 工作业绩 = 0.4 × 90 + 0.3 × 85 + 0.3 × 80 = 85.5, × 0.5 = 42.75
    # 知识技能 = 0.3 × 88 + 0.4 × 92 + 0.3 × 75 = 85.7, × 0.2 = 17.14
    # 专业素养 = 0.4 × 95 + 0.3 × 90 + 0.3 × 85 = 90.5, × 0.3 = 27.15
    sheet = rubric.score(TYPICAL, params)
    sections = {s.section_id: (s.points, s.weight, s.contribution) for s in sheet.sections}
    assert sections == {
        "performance": (Decimal("85.5"), Decimal("0.5"), Decimal("42.75")),
        "skills": (Decimal("85.7"), Decimal("0.2"), Decimal("17.14")),
        "conduct": (Decimal("90.5"), Decimal("0.3"), Decimal("27.15")),
    }
    # 42.75 + 17.14 + 27.15 = 87.04
    assert sheet.total == Decimal("87.04")
    assert {a.id for a in sheet.assumptions} >= {
        "A1-hundred",
        "A2-weights",
        "A4-qualitative",
        "A5-quantitative",
    }
