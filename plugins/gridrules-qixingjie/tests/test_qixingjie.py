"""qixingjie: the readings of 社区网格化服务管理人员工作考核细则 (七星街社区) worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). The tests here pin
what the rubric decided where the text is defective or silent: the grade bands that share 90, 75
and 60 (refused as written, resolved upward), the grades belonging to 社区及街道考评 alone and
shown on its line (a scenario file cannot state a section's grade), 分值以整数计 applying to that
part only, the all-or-nothing sub-items of 系统自评, and a year with no combination of months.
"""

from __future__ import annotations

import itertools
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
SUB_ITEMS = [("patrol", "patrol_met", 20), ("visits", "visits_met", 30),
             ("events", "events_met", 30), ("data", "data_met", 20)]  # fmt: skip


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("qixingjie")


def rubric_data() -> dict[str, Any]:
    """The rubric file as plain data."""
    text = (files("gridrules_qixingjie") / "rubric.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def street_line(sheet: gridrules.ScoreSheet) -> Any:
    (line,) = [s for s in sheet.sections if s.section_id == "street"]
    return line


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


@pytest.mark.parametrize(
    ("given", "points", "grade"),
    [
        (100, 100, "优秀"),
        (90, 90, "优秀"),  # shared by 优秀 and 合格: 优秀
        ("89.5", 90, "优秀"),  # 分值以整数计: 四舍五入 to 90 first
        ("89.49", 89, "合格"),
        (89, 89, "合格"),
        (75, 75, "合格"),  # shared by 合格 and 基本合格: 合格
        ("74.5", 75, "合格"),
        ("74.4", 74, "基本合格"),
        (74, 74, "基本合格"),
        (60, 60, "基本合格"),  # shared by 基本合格 and 60分以下: 基本合格
        ("59.5", 60, "基本合格"),
        ("59.4", 59, "不合格"),
        (59, 59, "不合格"),
        (0, 0, "不合格"),
    ],
)
def test_the_street_part_is_graded_on_its_own_line(
    rubric: gridrules.Rubric, given: object, points: int, grade: str
) -> None:
    sheet = rubric.score({**FULL, "street_points": given})
    line = street_line(sheet)
    assert (line.points, line.grade) == (points, grade)
    assert f"【社区及街道考评】 {points} / 100" in sheet.to_text()
    assert f"等次：{grade}" in sheet.to_text()
    assert sheet.grade is None  # the total is not graded (A7-bands-scope)
    assert gridrules.ScoreSheet.from_dict(sheet.to_dict()) == sheet


def test_only_the_street_part_carries_grades(rubric: gridrules.Rubric) -> None:
    assert rubric.grades is None
    assert rubric.veto_grades == ()
    assert rubric.vetoes == ()
    graded = [node.id for node in rubric.nodes() if getattr(node, "grades", None) is not None]
    assert graded == ["street"]
    # a total over 90 beside a 合格 part, and a 优秀 part beside a low total: neither lends its
    # grade to the other
    high = rubric.score({**FULL, "street_points": 80})  # 30 + 24 + 40 = 94
    assert (high.total, high.grade, street_line(high).grade) == (94, None, "合格")
    low_system = {field: False for _, field, _ in SUB_ITEMS}
    low = rubric.score({**FULL, **low_system, "street_points": 95, "satisfaction_points": 50})
    assert (low.total, low.grade, street_line(low).grade) == (Decimal("48.5"), None, "优秀")
    assert "考核等次" not in low.to_text()


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


@pytest.mark.parametrize("met", list(itertools.product((True, False), repeat=4)))
def test_each_sub_item_is_all_or_nothing(
    rubric: gridrules.Rubric, met: tuple[bool, bool, bool, bool]
) -> None:
    record = {**FULL, **{field: flag for (_, field, _), flag in zip(SUB_ITEMS, met, strict=True)}}
    sheet = rubric.score(record)
    for (item_id, _, points), flag in zip(SUB_ITEMS, met, strict=True):
        assert sheet.line(item_id).points == (points if flag else 0)
    system = sum(points for (_, _, points), flag in zip(SUB_ITEMS, met, strict=True) if flag)
    # A3-system-points: the part can only be one of these
    assert system in (0, 20, 30, 40, 50, 60, 70, 80, 100)
    assert sheet.total == Decimal("0.3") * system + 30 + 40


def test_the_sub_items_shares_are_their_points(rubric: gridrules.Rubric) -> None:
    for item_id, field, points in SUB_ITEMS:
        item = rubric.node(item_id)
        assert f"{item.label}(占{points}%)" in SOURCE
        (rule,) = item.rules
        assert isinstance(rule, gridrules.AllOrNothing)
        assert (item.maximum, rule.field) == (points, field)
    assert rubric.node("system").maximum == 100


def test_the_parts_weigh_30_30_40_and_nothing_is_a_parameter(rubric: gridrules.Rubric) -> None:
    (assessment,) = rubric.children
    assert isinstance(assessment, gridrules.Section)
    weights = {w.child: w.weight for w in assessment.weights}
    assert weights == {"system": Decimal("0.3"), "street": Decimal("0.3"),
                       "residents": Decimal("0.4")}  # fmt: skip
    assert rubric.parameters == ()


def test_the_year_is_one_sheet_with_no_combination_of_months(rubric: gridrules.Rubric) -> None:
    assert "考核年度为自1月1日至12月31日止。" in SOURCE
    assert "每月进行考核" in SOURCE  # 平时考核: the 网格长's, with no points in this text
    assert rubric.combinations == ()
    assert not rubric.needs_working_days
    year = rubric.score(FULL, period="2026")
    assert year.total == rubric.score(FULL).total == 100


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
