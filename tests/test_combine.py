"""Period combinations: half-year 40% + year-end 60%, and the mean of quarters."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gridrules as gr

BANDS = gr.GradeBands(
    [
        gr.Band.between("优秀", 95, None),
        gr.Band.between("合格", 80, 95, upper_inclusive=False),
        gr.Band.between("不合格", None, 80, upper_inclusive=False),
    ]
)


def rubric(*combinations: gr.PeriodCombination) -> gr.Rubric:
    return gr.Rubric(
        name="periods",
        title="t",
        maximum=100,
        grades=BANDS,
        combinations=combinations,
        children=[gr.Item("i", "项目", 100, [gr.PerOccurrence("n", 1)], clause="c")],
    )


ANNUAL = gr.PeriodCombination(
    "annual",
    "年度考核",
    [gr.PeriodPart("half_year", "半年考核", "0.4"), gr.PeriodPart("year_end", "年终考核", "0.6")],
    clause="其中半年考核占年度考核分值的40%,年终考核占年度考核分值的60%",
)
QUARTERS = gr.PeriodCombination(
    "annual_mean",
    "年度考核",
    [gr.PeriodPart(f"q{i}", f"第{i}季度") for i in range(1, 5)],
    method="mean",
)


def test_weighted_half_year_and_year_end() -> None:
    r = rubric(ANNUAL)
    half, end = r.score({"n": 10}), r.score({"n": 3})
    combined = r.combine("annual", {"half_year": half, "year_end": end})
    # 90 × 40% + 97 × 60% = 36 + 58.2 = 94.2 → 合格 [80, 95)
    assert combined.total == D("94.2")
    assert combined.grade == "合格"
    assert combined.arithmetic == "90 × 40% + 97 × 60% = 94.2"


def test_mean_of_quarters() -> None:
    r = rubric(QUARTERS)
    sheets = {f"q{i}": r.score({"n": n}) for i, n in zip(range(1, 5), (0, 2, 4, 6), strict=True)}
    # (100 + 98 + 96 + 94) ÷ 4 = 388 ÷ 4 = 97 → 优秀
    combined = r.combine("annual_mean", sheets)
    assert (combined.total, combined.grade) == (97, "优秀")


def test_a_missing_part_is_named() -> None:
    r = rubric(ANNUAL)
    with pytest.raises(gr.GridrulesError, match="missing the sheet of year_end"):
        r.combine("annual", {"half_year": r.score({"n": 0})})


def test_weights_must_sum_to_one() -> None:
    with pytest.raises(gr.RubricError, match="weights must sum to 1"):
        gr.PeriodCombination(
            "a", "a", [gr.PeriodPart("x", "x", "0.5"), gr.PeriodPart("y", "y", "0.6")]
        )


def test_unknown_combination() -> None:
    with pytest.raises(gr.RubricError, match="has no combination 'annual'"):
        rubric().combine("annual", {})


def test_combinations_round_trip() -> None:
    from gridrules.serialization import structure_rubric, unstructure_rubric

    r = rubric(ANNUAL, QUARTERS)
    assert structure_rubric(unstructure_rubric(r)) == r


def test_combination_weights_are_respected() -> None:
    r = rubric(ANNUAL, QUARTERS)

    @given(st.integers(0, 100), st.integers(0, 100))
    def weighted(half: int, end: int) -> None:
        sheets = {"half_year": r.score({"n": 100 - half}), "year_end": r.score({"n": 100 - end})}
        combined = r.combine("annual", sheets)
        # exactly 40% of the half-year and 60% of the year-end, between the two
        assert combined.total == D("0.4") * half + D("0.6") * end
        assert min(half, end) <= combined.total <= max(half, end)
        assert [c for _, _, c in combined.parts] == [D("0.4") * half, D("0.6") * end]

    @given(st.lists(st.integers(0, 100), min_size=4, max_size=4))
    def mean(totals: list[int]) -> None:
        sheets = {f"q{i}": r.score({"n": 100 - t}) for i, t in enumerate(totals, 1)}
        assert r.combine("annual_mean", sheets).total == D(sum(totals)) / 4

    weighted()
    mean()


# -- a part without a sheet (a worker who joined mid-year) ------------------------------------

PRESENT_QUARTERS = gr.PeriodCombination(
    "annual_present",
    "年度考核",
    [gr.PeriodPart(f"q{i}", f"第{i}季度") for i in range(1, 5)],
    method="mean",
    clause="年度考核综合季度考核结果",
    missing="mean_of_present",
)
PRESENT_HALVES = gr.PeriodCombination(
    "annual_present",
    "年度考核",
    [gr.PeriodPart("half_year", "半年考核", "0.4"), gr.PeriodPart("year_end", "年终考核", "0.6")],
    missing="mean_of_present",
)


def test_the_mean_of_the_quarters_present() -> None:
    r = rubric(PRESENT_QUARTERS)
    # joined in April: q2 98, q3 96, q4 94 → (98 + 96 + 94) ÷ 3 = 288 ÷ 3 = 96 → 优秀
    sheets = {f"q{i}": r.score({"n": n}) for i, n in ((2, 2), (3, 4), (4, 6))}
    combined = r.combine("annual_present", sheets)
    assert (combined.total, combined.grade, combined.missing) == (96, "优秀", ("q1",))
    assert combined.arithmetic == "(98 + 96 + 94) ÷ 3 = 96"
    assert [part for part, _, _ in combined.parts] == ["q2", "q3", "q4"]
    text = combined.to_text()
    assert "计入：q2、q3、q4；缺：q1（按已有部分平均）" in text
    assert gr.CombinedSheet.from_dict(combined.to_dict()) == combined


def test_every_quarter_present_is_the_plain_mean() -> None:
    r = rubric(QUARTERS, PRESENT_QUARTERS)
    sheets = {f"q{i}": r.score({"n": n}) for i, n in zip(range(1, 5), (0, 2, 4, 6), strict=True)}
    present = r.combine("annual_present", sheets)
    assert present.total == r.combine("annual_mean", sheets).total == 97
    assert present.missing == ()
    assert "缺" not in present.to_text()


def test_the_weighted_mean_of_the_parts_present() -> None:
    r = rubric(PRESENT_HALVES)
    # only the year-end: (90 × 60%) ÷ 60% = 90
    combined = r.combine("annual_present", {"year_end": r.score({"n": 10})})
    assert (combined.total, combined.missing) == (90, ("half_year",))
    assert combined.arithmetic == "(90 × 60%) ÷ 60% = 90"


def test_no_part_at_all_is_refused_and_refuse_stays_the_default() -> None:
    r = rubric(PRESENT_QUARTERS, QUARTERS)
    with pytest.raises(gr.GridrulesError, match="missing the sheet of q1, q2, q3, q4"):
        r.combine("annual_present", {})
    with pytest.raises(gr.GridrulesError, match="missing the sheet of q1"):
        r.combine("annual_mean", {f"q{i}": r.score({"n": 0}) for i in (2, 3, 4)})


@given(st.lists(st.integers(0, 100), min_size=1, max_size=4))
def test_the_mean_of_present_parts_lies_between_them(totals: list[int]) -> None:
    r = rubric(PRESENT_QUARTERS)
    sheets = {f"q{i + 1}": r.score({"n": 100 - t}) for i, t in enumerate(totals)}
    combined = r.combine("annual_present", sheets)
    assert min(totals) <= combined.total <= max(totals)
    assert len(combined.parts) + len(combined.missing) == 4
