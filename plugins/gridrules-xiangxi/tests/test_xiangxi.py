"""xiangxi: the readings of 象溪镇便民服务平台网格员工作绩效考核细则 worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: a rubric without
grade bands whose only grade is the 不合格 the meetings veto forces (A3-under-half, A4-no-bands),
the working of 不足一半 on the sheet, the 社区服务 zero-outs that force no grade (A6-incident), the
missing appendices as assessors' points rather than parameters (A7-appendices), and a batch file
read column by column although the two meeting counts share one condition (A2-meetings).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import gridrules
from gridrules import cli

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


def test_five_items_make_100_with_nothing_beyond(rubric: gridrules.Rubric) -> None:
    # 10 + 15 + 30 + 25 + 20 = 100 (A8-items): no bonus, penalty, stars, rounding or parameters
    items = [(item.id, item.maximum) for item in rubric.items()]
    assert items == [
        ("meetings", 10),
        ("service", 15),
        ("civil_affairs", 30),
        ("family_planning", 25),
        ("social_security", 20),
    ]
    assert rubric.maximum == rubric.effective_maximum == 100
    assert rubric.maximum_assumption is None
    assert (rubric.stars, rubric.rounding, rubric.parameters) == (None, None, ())


def test_no_grade_unless_the_meetings_veto_forces_one(rubric: gridrules.Rubric) -> None:
    # the source has no bands (A4-no-bands): 不合格 is declared only as the veto's grade
    assert rubric.grades is None
    assert rubric.veto_grades == ("不合格",)
    assert [veto.grade for veto in rubric.vetoes] == ["不合格"]
    # a low total is not 不合格 by itself: 10 + 3 + 8 + 6 + 4 = 31
    low = {**FULL, "service_points": 3, "civil_affairs_points": 8,
           "family_planning_points": 6, "social_security_points": 4}  # fmt: skip
    # under half: 5 < 12 × 0.5 = 6 → 例会考勤 0; 15 + 30 + 25 + 20 = 90
    vetoed = {**FULL, "meetings_attended": 5, "excused_absences": 7}
    scorer = rubric.prepare()
    sheets = [scorer.score(record) for record in (FULL, low, vetoed)]
    assert [(s.total, s.grade) for s in sheets] == [
        (Decimal(100), None),
        (Decimal(31), None),
        (Decimal(90), "不合格"),
    ]
    fast = list(scorer.results([FULL, low, vetoed]))
    assert [(r.total, r.grade) for r in fast] == [(s.total, s.grade) for s in sheets]
    assert "考核等次：" not in sheets[1].to_text()
    assert "考核等次：不合格" in sheets[2].to_text()


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
def test_a_work_error_zeroes_the_service_item_and_forces_no_grade(
    rubric: gridrules.Rubric, finding: str
) -> None:
    # A6-incident: either finding alone zeroes 社区服务 (15 → 0); 10 + 0 + 75 = 85, no grade
    sheet = rubric.score({**FULL, finding: True})
    assert (sheet.total, sheet.grade, sheet.vetoes) == (Decimal(85), None, ())
    [zero] = [r for r in sheet.line("service").reasons if r.arithmetic.endswith("本项不得分")]
    assert finding in zero.arithmetic


def test_the_service_item_is_the_assessors_score_not_a_rate(rubric: gridrules.Rubric) -> None:
    # A5-service-assessed: 服务满意率 has no target or step in the text, so no rate rule reads it
    service = next(item for item in rubric.items() if item.id == "service")
    kinds = [rule.kind for rule in service.rules]
    assert kinds == ["AssessorPoints", "ZeroIf", "ZeroIf"]
    assert not any(isinstance(rule, gridrules.RateShortfall | gridrules.Tiers)
                   for item in rubric.items() for rule in item.rules)  # fmt: skip


def test_the_appendices_are_points_within_each_items_maximum(rubric: gridrules.Rubric) -> None:
    # A7-appendices: 附表一二三 are whole scoring tables, missing; each item is assessors' points
    # bounded by its own maximum, required (never presumed), and no parameter stands in for them
    for item_id, appendix in [
        ("civil_affairs", "附表一"),
        ("family_planning", "附表二"),
        ("social_security", "附表三"),
    ]:
        item = next(i for i in rubric.items() if i.id == item_id)
        [rule] = item.rules
        assert isinstance(rule, gridrules.AssessorPoints)
        assert (rule.mode, rule.maximum) == ("points", item.maximum)
        assert item.clause.endswith(appendix)
        assert rubric.fields[rule.field].required
    assert rubric.parameters == ()


def test_a_batch_file_reads_every_column(tmp_path: Path) -> None:
    # the two meeting counts are read by one condition and carry no label of their own
    # (A2-meetings): their columns are named by the field ids, the others by their labels
    table = tmp_path / "2026.csv"
    header = [
        "被考核人员",
        "meetings_held",
        "meetings_attended",
        "无故不参加例会",
        "因个人或家庭事务请假",
        "社区服务考评得分",
        "工作失误造成较大负面影响",
        "民政残联得分（按附表一）",
        "计生服务得分（按附表二）",
        "人力社保得分（按附表三）",
    ]
    rows = [
        # 10 − 1 × 2 − 1 × 1 = 7; 7 + 13.5 + 27 + 23 + 18.5 = 89
        ["郑慧", 16, 14, 1, 1, "13.5", "否", 27, 23, "18.5"],
        # 7 < 16 × 0.5 = 8 → 0; 0 + 11 + 25 + 21.5 + 17 = 74.5, 不合格
        ["林涛", 16, 7, 3, 6, 11, "否", 25, "21.5", 17],
        # 社区服务 12 → 0; 10 − 1 + 0 + 28 + 24 + 19 = 80
        ["吴敏", 14, 13, 0, 1, 12, "是", 28, 24, 19],
    ]
    with table.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, *rows])
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(cli.main, ["batch", "xiangxi", str(table), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as stream:
        scored = list(csv.DictReader(stream))
    assert [(r["assessee"], r["total"], r["grade"]) for r in scored] == [
        ("郑慧", "89", ""),
        ("林涛", "74.5", "不合格"),
        ("吴敏", "80", ""),
    ]
