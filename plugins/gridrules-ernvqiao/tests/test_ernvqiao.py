"""ernvqiao: the readings of 二女桥社区网格化管理考核制度 worth pinning.

The worked scenarios of one quarter's sheet are in the scenarios_*.toml files beside this file
(collected by gridrules' pytest plugin, which also checks the citations and the core's
invariants). Here: the shape chosen for nine criteria without points (A1-hundred, A2-weights),
每周不少于三天 judged week by week on the sheet (A3-duty-days), the four grades of the source with
bounds a community sets (A4-grade-bounds), and the annual result, the mean of the quarters present
(A5-annual, A6-missing-quarter), which no scenario file can hold.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import gridrules
from gridrules.serialization import load_params

PARAMS_FILE = Path(__file__).resolve().parents[3] / "examples" / "ernvqiao" / "params.toml"
CRITERIA = (
    "duty",
    "collection",
    "log",
    "satisfaction",
    "discovery",
    "communication",
    "handling",
    "stability",
    "knowledge",
)
THIRTEEN = [3] * 13


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("ernvqiao")


@pytest.fixture(scope="module")
def params() -> dict[str, Any]:
    return load_params(PARAMS_FILE)


def record(points: object, days: list[int] | None = None, **over: object) -> dict[str, Any]:
    """Every criterion at ``points`` (or as ``over`` says), and the week's day counts."""
    evidence: dict[str, Any] = {f"{c}_points": over.get(c, points) for c in CRITERIA}
    evidence["duty_days"] = THIRTEEN if days is None else days
    return evidence


def quarter(
    rubric: gridrules.Rubric,
    params: dict[str, Any],
    q: int,
    evidence: dict[str, Any],
    assessee: str = "王莉（第3网格网格长）",
) -> gridrules.ScoreSheet:
    weeks = {1: 13, 2: 13, 3: 13, 4: 14}[q]
    if len(evidence["duty_days"]) != weeks:
        evidence = {**evidence, "duty_days": [3] * weeks}
    return rubric.score(evidence, params, period=f"2026-Q{q}", assessee=assessee)


# -- the shape ------------------------------------------------------------------------------


def test_nine_criteria_each_out_of_100_weighted_by_the_community(
    rubric: gridrules.Rubric,
) -> None:
    # 1、… 9、: no points in the text, so each is the 考核小组's points out of 100 (A1-hundred),
    # and the total is their weighted sum with nine required weights (A2-weights)
    assert [item.id for item in rubric.items()] == list(CRITERIA)
    assert {item.maximum for item in rubric.items()} == {Decimal(100)}
    assert rubric.maximum == rubric.effective_maximum == 100
    assert [w.child for w in rubric.weights] == list(CRITERIA)
    for item in rubric.items():
        assert isinstance(item.rules[0], gridrules.AssessorPoints)
        assert item.rules[0].mode == "points"
    required = sorted(p.name for p in rubric.parameters if p.required)
    assert required == sorted([f"{c}_weight" for c in CRITERIA] + ["duty_day_deduction"])
    assert (rubric.stars, rubric.rounding, rubric.bonus_cap) == (None, None, None)
    assert rubric.vetoes == ()


def test_three_days_a_week_is_judged_week_by_week(rubric: gridrules.Rubric) -> None:
    # 每周不少于三天 (A3-duty-days): one count per week, a week's surplus covering no other
    duty = next(item for item in rubric.items() if item.id == "duty")
    [_, quota] = duty.rules
    assert isinstance(quota, gridrules.Quota)
    assert quota.judged == "each"
    assert quota.target == gridrules.PerUnit("week", 3)
    assert quota.points == gridrules.Param("duty_day_deduction")
    assert rubric.fields["duty_days"].kind is gridrules.FieldKind.COUNTS
    assert quota.clause == "网格长每周不少于三天时间在网格上履职尽责"


def test_the_sheet_shows_every_weeks_days(rubric: gridrules.Rubric, params: dict[str, Any]) -> None:
    # assessors 92; the sixth week 2 days: 1 × 5 = 5 → 87; the 0.2 weight makes it 17.4
    days = [3, 4, 3, 5, 3, 2, 3, 3, 4, 3, 3, 3, 4]
    sheet = rubric.score(record(100, days, duty=92), params, period="2026-Q3")
    line = sheet.line("duty")
    assert line.points == 87
    assert [r.arithmetic for r in line.reasons] == [
        "考评组打分 92",
        "每周目标3，逐周实际3、4、3、5、3、2、3、3、4、3、3、3、4，共少1 × 5 = 5",
    ]
    assert "权重0.2：87 折合 17.4分" in sheet.to_text()
    assert sheet.total == Decimal("97.4")  # 17.4 + 0.8 × 100


# -- the grades -------------------------------------------------------------------------------


def test_the_four_grades_are_the_sources_with_bounds_from_parameters(
    rubric: gridrules.Rubric,
) -> None:
    # 分为“优秀”、“良好”、“合格”、“不合格”四项, no scores (A4-grade-bounds)
    assert rubric.grades is not None
    assert rubric.grades.parametric
    assert rubric.grade_names() == ("优秀", "良好", "合格", "不合格")
    bounds = {p.name: p.default for p in rubric.parameters if p.name.endswith("_from")}
    assert bounds == {"excellent_from": 90, "good_from": 80, "pass_from": 60}


def test_the_sheet_says_whether_the_bounds_are_the_default(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    required = {k: v for k, v in params.items() if not k.endswith("_from")}
    defaulted = rubric.score(record(85), required, period="2026-Q3")
    given = rubric.score(record(85), {**required, "excellent_from": 85}, period="2026-Q3")
    sources = {p.name: p.source for p in defaulted.parameters if p.name.endswith("_from")}
    assert set(sources.values()) == {"default"}
    assert (defaulted.grade, given.grade) == ("良好", "优秀")
    assert "A4-grade-bounds" in {a.id for a in defaulted.assumptions}


def test_a_quarter_graded_with_the_bounds_bound_into_the_rubric(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    # a community fixes its parameters once: 优秀 from 85
    own = rubric.with_params({**params, "excellent_from": 85})
    assert own.score(record(85), period="2026-Q3").grade == "优秀"
    assert own.score(record("84.99"), period="2026-Q3").grade == "良好"


# -- the annual result ----------------------------------------------------------------------


def test_the_annual_result_is_the_mean_of_the_four_quarters(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    # (96 + 88 + 89.6 + 90.4) ÷ 4 = 364 ÷ 4 = 91 → 优秀
    sheets = {
        "q1": quarter(rubric, params, 1, record(96)),
        "q2": quarter(rubric, params, 2, record(88)),
        "q3": quarter(rubric, params, 3, record("89.6")),
        "q4": quarter(rubric, params, 4, record("90.4")),
    }
    assert [s.grade for s in sheets.values()] == ["优秀", "良好", "良好", "优秀"]
    annual = rubric.combine("annual", sheets)
    assert (annual.total, annual.grade, annual.missing) == (Decimal(91), "优秀", ())
    assert annual.arithmetic == "(96 + 88 + 89.6 + 90.4) ÷ 4 = 91"
    assert annual.assessee == "王莉（第3网格网格长）"
    assert annual.clause == "年度考核综合季度考核结果,评定考核等次"


def test_a_grid_leader_hired_in_april_is_graded_on_three_quarters(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    # A6-missing-quarter: no q1 sheet; (88 + 95 + 92) ÷ 3 = 275 ÷ 3 = 91.67 (exactly 91.666…),
    # named as missing on the result, 优秀
    [combination] = rubric.combinations
    assert (combination.method, combination.missing) == ("mean", "mean_of_present")
    sheets = {q: quarter(rubric, params, n, record(t)) for q, n, t in
              (("q2", 2, 88), ("q3", 3, 95), ("q4", 4, 92))}  # fmt: skip
    annual = rubric.combine("annual", sheets)
    assert annual.missing == ("q1",)
    assert annual.total.quantize(Decimal("0.0001")) == Decimal("91.6667")
    assert annual.grade == "优秀"
    text = annual.to_text()
    assert "年度考核：≈91.67" in text
    assert "计入：q2、q3、q4；缺：q1（按已有部分平均）" in text
    assert gridrules.CombinedSheet.from_dict(annual.to_dict()) == annual


def test_a_mean_a_hair_under_a_bound_is_not_rounded_over_it(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    # A5-annual: no rounding; (90 + 90 + 89.99) ÷ 3 = 269.99 ÷ 3 = 89.99666… → 良好, not 优秀
    sheets = {q: quarter(rubric, params, n, record(t)) for q, n, t in
              (("q1", 1, 90), ("q2", 2, 90), ("q3", 3, "89.99"))}  # fmt: skip
    annual = rubric.combine("annual", sheets)
    assert Decimal("89.996") < annual.total < 90
    assert annual.grade == "良好"


def test_no_quarter_at_all_is_refused(rubric: gridrules.Rubric) -> None:
    with pytest.raises(gridrules.GridrulesError, match="missing the sheet of q1, q2, q3, q4"):
        rubric.combine("annual", {})


def test_quarters_scored_with_different_parameters_are_not_combined(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    # A5-annual: the bounds (and weights) must be the same all year
    sheets = {
        "q1": quarter(rubric, params, 1, record(90)),
        "q2": rubric.score(record(90), {**params, "excellent_from": 85}, period="2026-Q2"),
    }
    with pytest.raises(gridrules.GridrulesError, match="different values of parameter"):
        rubric.combine("annual", sheets)


def test_two_grid_leaders_quarters_are_not_combined(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    sheets = {
        "q1": quarter(rubric, params, 1, record(90)),
        "q2": quarter(rubric, params, 2, record(90), assessee="赵刚（第17网格网格长）"),
    }
    with pytest.raises(gridrules.GridrulesError, match="one assessee's sheets"):
        rubric.combine("annual", sheets)


def test_each_quarter_takes_only_its_own_sheet(
    rubric: gridrules.Rubric, params: dict[str, Any]
) -> None:
    # A5-annual: the parts declare their quarter; a 2026-Q2 sheet given as q1 is refused
    sheets = {
        "q1": quarter(rubric, params, 2, record(90)),
        "q3": quarter(rubric, params, 3, record(90)),
    }
    with pytest.raises(gridrules.GridrulesError, match="q1"):
        rubric.combine("annual", sheets)
