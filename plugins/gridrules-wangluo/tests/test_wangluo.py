"""wangluo: what the scenarios of 网格员考核细则 (网络治理) cannot say.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants); scenarios_composite.toml
states each part's points and that no sheet and no part has a grade. Here: which aspects are
定性 and which 定量 (A4-qualitative, A5-quantitative), and a rubric that announces grades but
names none (A6-no-grades): no bands, no grade-name parameters, no stars.
"""

from __future__ import annotations

import pytest

import gridrules

QUALITATIVE = "以考核评价表为依据,对不同方面进行评分"
QUANTITATIVE = "考核标准包括两个层面:定性评估和定量评估。"
GRADING = "并对评分划定等级"


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("wangluo")


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


def test_grades_announced_but_never_named_are_not_invented(rubric: gridrules.Rubric) -> None:
    # 对评分划定等级 gives no names, no count and no bounds (A6-no-grades): no grade any record
    # could get (no bands, no grade a veto could force), no text parameter naming grades, no
    # stars; the sheets without a grade are in scenarios_composite.toml
    assert rubric.grade_names() == ()
    assert rubric.stars is None
    assert not [p for p in rubric.parameters if p.kind is gridrules.FieldKind.TEXT]
    # the grading clause is quoted by the assumption that explains it
    (assumption,) = [a for a in rubric.assumptions if GRADING in a.quote]
    assert assumption.id == "A6-no-grades"
