"""shixing: the readings of 网格考核评分标准(试行) worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). The tests here pin
what the rubric decided where the text is silent or stops: the five parts and their points, the
parts the text never reaches left to the assessors within those points, the monthly duties
judged month by month over a year, and 6个月以上 counted from 6.
"""

from decimal import Decimal

import pytest

import gridrules
from gridrules.testing import source_of

SOURCE = source_of("shixing").read_text(encoding="utf-8")
LAST_CLAUSE = "不履职、不按时召开例会、不填写上报工作日志,被街道分中心办公室认定的,每次扣0.5分。"
TWELVE = [1] * 12
CLEAN_YEAR = {
    "systems": ["工作例会制度", "社区工作站协调会制度", "社情民意碰头会制度", "应急处置制度"],
    "basic_forces": "网格党支部书记、网格管理员、网格助理员、网格民警、网格督导员、网格司法力量、"
    "网格消防员",
    "special_forces_deduction": 0,
    "mass_teams": 3,
    "trainings": TWELVE,
    "data_updates": TWELVE,
    "data_security": ["数据分类存储", "专用计算机设置口令", "专人负责"],
    "secretary_activities": TWELVE,
    "duties_other_points": 8,
    "daily_other_points": 29,
    "internal_points": 20,
    "external_points": 10,
    "overall_points": 10,
}
# the parts the text names with their points and never describes: (item, maximum, field)
ASSESSED = [
    ("duties_other", 8, "duties_other_points"),
    ("daily_other", 29, "daily_other_points"),
    ("internal", 20, "internal_points"),
    ("external", 10, "external_points"),
    ("overall", 10, "overall_points"),
]


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("shixing")


def test_the_source_stops_inside_daily_work() -> None:
    assert SOURCE.startswith("# seed 000_0c706be2daee18e9.txt, lines 187-236\n")
    last = SOURCE.rstrip().splitlines()[-1]
    assert last == LAST_CLAUSE
    # the three evaluations are named once, in the opening sentence, and never again
    for part in ("系统内评价", "综合评价"):
        assert SOURCE.count(part) == 1
    assert "三、" not in SOURCE


def test_five_parts_of_20_40_20_10_10(rubric: gridrules.Rubric) -> None:
    assert "基础工作,占20分;日常工作,占40分;系统内评价,占20分;外评价,占10分;综合评价占10分" in (
        SOURCE
    )
    parts = [(node.id, node.maximum) for node in rubric.children]
    assert parts == [
        ("basic", 20),
        ("daily", 40),
        ("internal", 20),
        ("external", 10),
        ("overall", 10),
    ]
    # 基础工作 3 + 11 + 6, its sub-parts written out: 11 = 3 + 2 + 3 + 3, 6 = 3 + 3
    basic = rubric.node("basic")
    assert [child.maximum for child in basic.children] == [3, 11, 6]
    assert [item.maximum for item in rubric.node("teams").children] == [3, 2, 3, 3]
    assert [item.maximum for item in rubric.node("data").children] == [3, 3]
    # the parts add up to the stated 100 with no assumption about the total
    assert rubric.maximum == rubric.effective_maximum == 100
    assert rubric.maximum_assumption is None
    assert rubric.grades is None  # the text sets no grades
    assert rubric.stars is None


def test_the_unwritten_parts_are_the_assessors_within_the_stated_points(
    rubric: gridrules.Rubric,
) -> None:
    # 人员履职情况 11 − 党支部书记 1 − 网格管理员 2 = 8; 日常工作 40 − 人员履职情况 11 = 29
    assert rubric.node("duties").maximum - 1 - 2 == 8
    assert rubric.node("daily").maximum - rubric.node("duties").maximum == 29
    for item_id, maximum, field in ASSESSED:
        item = rubric.node(item_id)
        (rule,) = item.rules
        assert isinstance(rule, gridrules.AssessorPoints), item_id
        assert (item.maximum, rule.field, rule.mode, rule.maximum) == (
            maximum,
            field,
            "points",
            maximum,
        )
    # a missing part is a whole text, not a blank number: no parameter stands in for it
    assert rubric.parameters == ()
    decisions = {a.id: a.decision for a in rubric.assumptions}
    assert "不能用全地区统一的参数代替" in decisions["A2-truncated"]
    assert "系统外评价" in rubric.node("external").label


def test_no_score_is_presumed_for_an_unwritten_part(rubric: gridrules.Rubric) -> None:
    for _, _, field in ASSESSED:
        record = {k: v for k, v in CLEAN_YEAR.items() if k != field}
        with pytest.raises(gridrules.EvidenceError, match=f"{field}: missing required"):
            rubric.score(record, period="2026")


@pytest.mark.parametrize(
    ("item_id", "field", "points"),
    [
        ("training", "trainings", Decimal("0.5")),
        ("data_collection", "data_updates", Decimal("0.2")),
        ("secretary", "secretary_activities", Decimal("0.1")),
    ],
)
def test_the_monthly_duties_are_judged_month_by_month(
    rubric: gridrules.Rubric, item_id: str, field: str, points: Decimal
) -> None:
    (quota,) = [r for r in rubric.node(item_id).rules if isinstance(r, gridrules.Quota)]
    assert (quota.field, quota.points, quota.judged) == (field, points, "each")
    assert quota.target == gridrules.PerUnit("month", 1)
    # twelve in January and none after: eleven months short, not a year's 12 met
    lumped = {**CLEAN_YEAR, field: [12] + [0] * 11}
    line = rubric.score(lumped, period="2026").line(item_id)
    assert line.points == max(rubric.node(item_id).maximum - 11 * points, Decimal(0))


def test_six_months_without_an_update_is_six_or_more(rubric: gridrules.Rubric) -> None:
    # 6个月以上 includes 6 (A9-data-stale)
    (zero,) = [r for r in rubric.node("data_collection").rules if isinstance(r, gridrules.ZeroIf)]
    assert (zero.when.field, zero.when.op, zero.when.value) == ("months_not_updated", ">=", 6)
    points = [
        rubric.score({**CLEAN_YEAR, "months_not_updated": months}, period="2026")
        .line("data_collection")
        .points
        for months in (5, 6)
    ]
    assert points == [3, 0]


def test_every_sheet_says_what_was_decided(rubric: gridrules.Rubric) -> None:
    sheet = rubric.score(CLEAN_YEAR, period="2026")
    assert sheet.total == 100
    shown = {a.id for a in sheet.assumptions}
    assert {"A1-period", "A2-truncated", "A3-evaluations"} <= shown
    text = sheet.to_text()
    assert "考核时间：2026" in text
    assert "原文在日常工作“人员履职情况”第2项（网格管理员）之后中断" in text
