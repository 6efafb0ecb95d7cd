"""xiangxi: what the scenarios of 象溪镇便民服务平台网格员工作绩效考核细则 cannot say.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: what the sheet
prints for the 不合格 the meetings veto forces and for a total without it (A3-under-half,
A4-no-bands), the working of 不足一半, the finding that zeroes 社区服务 (A6-incident), the
appendix each 条块 item quotes (A7-appendices), and the rubric's want of stars and rounding
(A8-items).
"""

from __future__ import annotations

import pytest

import gridrules

FULL = {
    "meetings_held": 12,
    "meetings_attended": 12,
    "service_points": 15,
    "civil_affairs_points": 30,
    "family_planning_points": 25,
    "social_security_points": 20,
}


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("xiangxi")


def test_nothing_beyond_the_five_items(rubric: gridrules.Rubric) -> None:
    # A8-items: no stars, no rounding and no assumed maximum (the items, bonus, penalty and
    # parameters are pinned by scenarios_totals.toml and scenarios_parameters.toml)
    assert (rubric.stars, rubric.rounding, rubric.maximum_assumption) == (None, None, None)


def test_only_the_veto_puts_a_grade_on_the_sheet(rubric: gridrules.Rubric) -> None:
    # the totals and grades are in scenarios_veto.toml; here, what the sheet prints: a low total
    # (10 + 3 + 8 + 6 + 4 = 31) has no 考核等次 line, the veto's 不合格 has one
    low = {**FULL, "service_points": 3, "civil_affairs_points": 8,
           "family_planning_points": 6, "social_security_points": 4}  # fmt: skip
    vetoed = {**FULL, "meetings_attended": 5, "excused_absences": 7}
    assert "考核等次：" not in rubric.score(low).to_text()
    assert "考核等次：不合格" in rubric.score(vetoed).to_text()


def test_the_sheet_shows_the_working_of_under_half(rubric: gridrules.Rubric) -> None:
    sheet = rubric.score({**FULL, "meetings_attended": 5, "unexcused_absences": 2,
                          "excused_absences": 5})  # fmt: skip
    meetings = sheet.line("meetings")
    assert meetings.points == 0
    zero = meetings.reasons[-1]
    assert zero.arithmetic == "meetings_attended 5 < meetings_held 12 × 0.5 = 6，本项不得分"
    assert zero.clause == "一年参加例会次数不足一半的,扣除该项所有分值"
    [veto] = sheet.vetoes
    assert veto.working == "meetings_attended 5 < meetings_held 12 × 0.5 = 6"
    vetoed = "一年参加例会次数不足一半（meetings_attended 5 < meetings_held 12 × 0.5 = 6）"
    assert f"{vetoed}，列为不合格" in sheet.to_text()
    assert {"A2-meetings", "A3-under-half", "A4-no-bands"} <= {a.id for a in sheet.assumptions}


@pytest.mark.parametrize("finding", ["group_incident", "negative_impact"])
def test_a_work_error_names_its_finding_on_the_sheet(
    rubric: gridrules.Rubric, finding: str
) -> None:
    # A6-incident: the points (社区服务 0, total 85, no grade) are in scenarios_incident.toml
    [zero] = [r for r in rubric.score({**FULL, finding: True}).line("service").reasons
              if r.arithmetic.endswith("本项不得分")]  # fmt: skip
    assert zero.arithmetic == f"{finding} 为是，本项不得分"


def test_each_appendix_item_quotes_its_own_appendix(rubric: gridrules.Rubric) -> None:
    # A7-appendices: the bounds and the required scores are in scenarios_appendices.toml
    clauses = {item.id: item.clause for item in rubric.items()}
    assert clauses["civil_affairs"].endswith("附表一")
    assert clauses["family_planning"].endswith("附表二")
    assert clauses["social_security"].endswith("附表三")
