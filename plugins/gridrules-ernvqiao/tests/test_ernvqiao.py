"""ernvqiao: the readings of 二女桥社区网格化管理考核制度 worth pinning.

The worked scenarios of one quarter's sheet are in the scenarios_*.toml files beside this file
(collected by gridrules' pytest plugin, which also checks the citations and the core's
invariants). Here: 每周不少于三天 judged week by week as the sheet shows it (A3-duty-days), the
grade bounds a community sets as the sheet reports them (A4-grade-bounds), and the annual result,
the mean of the quarters present (A5-annual, A6-missing-quarter), which no scenario file can hold.
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


def test_no_stars(rubric: gridrules.Rubric) -> None:
    # nine criteria out of 100, weighted by the community (A1-hundred, A2-weights): the items,
    # weights and parameters are in scenarios_composite.toml and scenarios_parameters.toml; the
    # text sets no stars either
    assert rubric.stars is None


def test_the_sheet_shows_every_weeks_days(rubric: gridrules.Rubric, params: dict[str, Any]) -> None:
    # assessors 92; the sixth week 2 days: 1 × 5 = 5 → 87; the 0.2 weight makes it 17.4
    days = [3, 4, 3, 5, 3, 2, 3, 3, 4, 3, 3, 3, 4]
    sheet = rubric.score(record(100, days, duty=92), params, period="2026-Q3")
    line = sheet.line("duty")
    assert line.points == 87
    # 每周不少于三天 (A3-duty-days): judged week by week, a week's surplus covering no other
    assert [r.arithmetic for r in line.reasons] == [
        "考评组打分 92",
        "每周目标3，逐周实际3、4、3、5、3、2、3、3、4、3、3、3、4，共少1 × 5 = 5",
    ]
    assert line.reasons[1].clause == "网格长每周不少于三天时间在网格上履职尽责"
    assert "权重0.2：87 折合 17.4分" in sheet.to_text()
    assert sheet.total == Decimal("97.4")  # 17.4 + 0.8 × 100


# -- the grades -------------------------------------------------------------------------------


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
