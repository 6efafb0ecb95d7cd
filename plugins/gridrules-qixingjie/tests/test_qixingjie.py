"""qixingjie: the readings of 社区网格化服务管理人员工作考核细则 (七星街社区) worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants); they state the
社区及街道考评 section's points and grade at every boundary. The tests here pin what they cannot
say: the grade bands as written, which share 90, 75 and 60 and are refused, the grade printed on
the part's own line and none for the total, 分值以整数计 applying to that part only, a year with
no combination of months, and the decisions each sheet shows.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib.resources import files
from typing import Any

import pytest

import gridrules
from gridrules.serialization import structure_rubric
from gridrules.testing import source_of

SOURCE = source_of("qixingjie").read_text(encoding="utf-8")
BANDS_AS_WRITTEN = "优秀90—100分;合格:75—90分;基本合格:60—75分;不合格:60分以下"
FULL = {
    "patrol_met": True,
    "visits_met": True,
    "events_met": True,
    "data_met": True,
    "street_points": 100,
    "satisfaction_points": 100,
}


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("qixingjie")


def rubric_data() -> dict[str, Any]:
    """The rubric file as plain data."""
    text = (files("gridrules_qixingjie") / "rubric.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_the_source_prints_the_bands_inside_the_street_part() -> None:
    street = SOURCE.index("2、社区及街道考评。")
    residents = SOURCE.index("3、居民满意度评价。")
    assert street < SOURCE.index(BANDS_AS_WRITTEN) < residents
    assert SOURCE.count(BANDS_AS_WRITTEN) == 1
    # the whole is 考核总分; each part's own 100 is 总分100分, in parts 1 and 2 alike
    assert "分占考核总分的30%、30%、40%" in SOURCE
    assert SOURCE.count("总分100分") == 2


@pytest.mark.parametrize(
    ("fourth", "overlaps"),
    [
        # 60分以下 with 以下 including 60, as Chinese rules usually read it: three shared scores
        (True, ["[60, 60]", "[75, 75]", "[90, 90]"]),
        # even with 60 left to 基本合格, 90 and 75 are each in two bands
        (False, ["[75, 75]", "[90, 90]"]),
    ],
)
def test_the_bands_as_written_are_refused(fourth: bool, overlaps: list[str]) -> None:
    data = rubric_data()
    street = data["children"][0]["children"][1]
    assert street["id"] == "street"

    def band(name: str, lower: str, upper: str, upper_inclusive: bool = True) -> dict[str, Any]:
        interval = {"lower": lower, "upper": upper, "upper_inclusive": upper_inclusive}
        return {"name": name, "interval": interval}

    street["grades"]["bands"] = [
        band("优秀", "90", "100"),  # 优秀90—100分
        band("合格", "75", "90"),  # 合格:75—90分
        band("基本合格", "60", "75"),  # 基本合格:60—75分
        band("不合格", "0", "60", upper_inclusive=fourth),  # 不合格:60分以下
    ]
    with pytest.raises(gridrules.DataFileError) as refused:
        structure_rubric(data, "qixingjie with its bands as written")
    message = str(refused.value)
    assert "section 'street' grades" in message
    found = [
        part for part in ("[60, 60]", "[75, 75]", "[90, 90]") if f"overlap on {part}" in message
    ]
    assert found == overlaps


def test_the_rubric_resolves_each_shared_score_upward(rubric: gridrules.Rubric) -> None:
    bands = rubric.node("street").grades
    assert bands is not None
    assert bands.clause in SOURCE
    assert [band.name for band in bands.bands] == ["优秀", "合格", "基本合格", "不合格"]
    assert [bands.grade(Decimal(score)) for score in (90, 75, 60)] == ["优秀", "合格", "基本合格"]
    assert bands.problems(Decimal(100)) == []


def test_the_street_line_prints_its_grade_and_the_total_none(rubric: gridrules.Rubric) -> None:
    # the points and grades at every boundary are in scenarios_street_grades.toml and
    # scenarios_whole_points.toml; here, what the sheet prints: 89.5 → 90 (分值以整数计) → 优秀
    # on the part's own line (A7-bands-scope), and no 考核等次 for the total
    text = rubric.score({**FULL, "street_points": "89.5"}).to_text()
    assert "【社区及街道考评】 90 / 100" in text
    assert "等次：优秀" in text
    assert "考核等次" not in text


def test_whole_points_apply_to_the_street_part_only(rubric: gridrules.Rubric) -> None:
    assert "分值以整数计" in SOURCE
    rounded = {node.id: node.rounding for node in rubric.nodes() if node.rounding is not None}
    assert rounded == {"street_review": gridrules.Rounding(0)}
    assert rubric.rounding is None
    sheet = rubric.score({**FULL, "street_points": "87.5", "satisfaction_points": "92.45"})
    # 30 + 0.3 × 88 + 0.4 × 92.45 = 30 + 26.4 + 36.98
    assert sheet.line("street_review").points == 88
    assert sheet.line("satisfaction").points == Decimal("92.45")
    assert sheet.total == Decimal("93.38")


def test_the_year_is_one_sheet_with_no_combination_of_months(rubric: gridrules.Rubric) -> None:
    # 每月进行考核 is the 网格长's 平时考核, with no points in this text: no months are combined
    # (the year scored whole is in scenarios_totals.toml)
    assert "每月进行考核" in SOURCE
    assert rubric.combinations == ()


def test_every_sheet_says_what_was_decided(rubric: gridrules.Rubric) -> None:
    sheet = rubric.score({**FULL, "street_points": "74.5"}, period="2026")
    shown = [a.id for a in sheet.assumptions]
    assert {"A2-indicators", "A5-whole-points", "A6-band-boundaries", "A7-bands-scope"} <= set(
        shown
    )
    text = sheet.to_text()
    assert "考核时间：2026" in text
    assert "共用的分数归入较高的等次" in text
    assert "等次只评定社区及街道考评这一部分的得分" in text
