"""jiangcheng: registration, citations, parameters and the core's invariants.

The worked scenarios are in scenarios.toml beside this file (collected by gridrules' pytest
plugin).
"""

from decimal import Decimal

import gridrules_jiangcheng
import pytest

import gridrules
from gridrules.testing import check_citations, check_rubric

PARAMS = {"monthly_visit_deduction": "1", "quarterly_visit_deduction": "2"}


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("jiangcheng")


def test_registered_through_the_entry_point() -> None:
    (info,) = [i for i in gridrules.available() if i.name == "jiangcheng"]
    assert info.status == "ok"
    assert info.distribution == "gridrules-jiangcheng"
    assert info.title == "网格员考核奖惩制度"


def test_every_clause_is_quoted_from_the_source(rubric: gridrules.Rubric) -> None:
    assert check_citations(rubric, gridrules_jiangcheng.SOURCE.read_text(encoding="utf-8")) == []


def test_items_sum_to_the_base_of_100(rubric: gridrules.Rubric) -> None:
    # 10 + 20 + 20 + 10 + 10 + 10 + 20 = 100 (考核分值基础分为100分)
    assert [item.maximum for item in rubric.items()] == [10, 20, 20, 10, 10, 10, 20]
    assert rubric.effective_maximum == rubric.maximum == 100


def test_the_blank_visit_deductions_are_required_parameters(rubric: gridrules.Rubric) -> None:
    with pytest.raises(gridrules.ParameterError) as caught:
        rubric.score({})
    problems = {p.field: p.message for p in caught.value.problems}
    assert set(problems) == {"monthly_visit_deduction", "quarterly_visit_deduction"}
    assert (
        "每月对网格内的空巢老人、留守儿童、流动人口、特殊人群家庭走访一次,缺一次扣分"
        in problems["monthly_visit_deduction"]
    )


def test_parameters_appear_on_the_sheet(rubric: gridrules.Rubric) -> None:
    sheet = rubric.score({"missed_monthly_visits": 3}, PARAMS)
    # 3 missed monthly visits × 1 (the region's value) = 3: 工作情况 20 − 3 = 17
    assert sheet.line("work").points == Decimal(17)
    assert {(p.name, p.value, p.source) for p in sheet.parameters} == {
        ("monthly_visit_deduction", Decimal(1), "given"),
        ("quarterly_visit_deduction", Decimal(2), "given"),
    }
    assert {a.id for a in sheet.assumptions} >= {"A1-signin", "A2-accident"}


def test_invariants_with_the_example_parameters(rubric: gridrules.Rubric) -> None:
    check_rubric(rubric, PARAMS)


def test_invariants_with_generated_parameters(rubric: gridrules.Rubric) -> None:
    check_rubric(rubric, max_examples=50)
