"""shixing: the readings of 网格考核评分标准(试行) worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants): the five parts and
their points, the parts the text never reaches left to the assessors within those points, the
monthly duties judged month by month, 6个月以上 counted from 6. The tests here pin what they
cannot say: where the source text stops, and what every sheet says was decided.
"""

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


def test_no_stars(rubric: gridrules.Rubric) -> None:
    # the five parts and their points, and no grade, are in scenarios_totals.toml; the text sets
    # no stars either
    assert rubric.stars is None


def test_every_sheet_says_what_was_decided(rubric: gridrules.Rubric) -> None:
    sheet = rubric.score(CLEAN_YEAR, period="2026")
    assert sheet.total == 100
    shown = {a.id for a in sheet.assumptions}
    assert {"A1-period", "A2-truncated", "A3-evaluations"} <= shown
    text = sheet.to_text()
    assert "考核时间：2026" in text
    assert "原文在日常工作“人员履职情况”第2项（网格管理员）之后中断" in text
    # a missing part is a whole text, not a blank number: no parameter stands in for it
    assert "不能用全地区统一的参数代替" in text
    # 外评价 is read as 系统外评价 (A4-external)
    assert sheet.line("external").label == "外评价（系统外评价）"
