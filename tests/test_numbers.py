"""Exact numbers whatever the host does: the library's own context, numbers too long to keep
exact refused by name, one way of printing a number, long quotients shown rounded and said so."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from helpers import one_item

import gridrules as gr
from gridrules.model.numbers import canonical, fmt, shown, to_decimal
from gridrules.serialization import loads_rubric

POINTS = gr.Rubric(
    name="dept",
    title="部门评价",
    maximum=100,
    children=[
        gr.Item(
            "dept",
            "部门评价",
            100,
            rules=[gr.AssessorPoints("dept_points")],
            clause="部门考评组打分",
        )
    ],
    grades=gr.GradeBands(
        [
            gr.Band.between("优秀", 55, None),
            gr.Band.between("合格", None, 55, upper_inclusive=False),
        ]
    ),
)


def test_a_host_context_of_three_digits_changes_no_score() -> None:
    # liujiaoting's worked example: 93 points; a host that sets prec = 3 must not make it 92.9
    rubric = gr.load("liujiaoting")
    evidence = {"dept_points": "56.50", "community_points": "27.5", "service_points": 9}
    expected = rubric.score(evidence).total  # 56.5 + 27.5 + 9 = 93, no bonus
    with decimal.localcontext(prec=3, rounding=decimal.ROUND_DOWN):
        sheet = rubric.score(evidence)
        result = rubric.prepare().result(evidence)
        assert fmt(sheet.total) == "93"
    assert sheet.total == result.total == expected == 93
    assert decimal.getcontext().prec == 28  # the caller's context is left as it was


def test_a_number_with_more_digits_than_kept_is_refused_not_rounded() -> None:
    # 54.99999999999999999999999999999 is under 55 (合格); rounded to 28 digits it would be 55
    # (优秀). It is refused, naming the field, rather than graded on a rounded value.
    with pytest.raises(gr.EvidenceError) as caught:
        POINTS.score({"dept_points": "54.99999999999999999999999999999"})
    (problem,) = caught.value.problems
    assert problem.field == "dept_points"
    assert "29 decimal places" in problem.message
    # what fits is kept exact, and graded exactly
    assert POINTS.score({"dept_points": "54.999999999999"}).grade == "合格"
    assert POINTS.score({"dept_points": "55"}).grade == "优秀"


def test_huge_and_endless_numbers_are_refused_by_name() -> None:
    rubric = one_item([gr.PerOccurrence("missed", "0.5")])
    for value, words in (
        (10**28, "digits before the decimal point"),
        ("1" * 2_000_000, "characters is too long"),
        (1e300, "digits before the decimal point"),
        ("1e400", "whole number of occurrences"),  # text is plain decimals: no exponent
        ("NaN", "whole number of occurrences"),
    ):
        with pytest.raises(gr.EvidenceError, match=words):
            rubric.score({"missed": value})
    with pytest.raises(ValueError, match="digits before the decimal point"):
        gr.PerOccurrence("missed", "1e400")
    # a rubric file saying points = "1e400" is refused when it is read, not when it is shown
    text = """
name = "huge"
title = "大"
maximum = 10
[[children]]
node = "item"
id = "item"
label = "项"
maximum = 10
clause = "每次扣分"
[[children.rules]]
kind = "PerOccurrence"
field = "missed"
points = "1e400"
"""
    with pytest.raises(gr.DataFileError) as caught:
        loads_rubric(text)
    assert "401 digits before the decimal point" in str(caught.value)
    assert "@ $.children[0].rules[0].points" in str(caught.value)


def test_one_number_one_form() -> None:
    # "92.50", 92.5 and Decimal("92.500") are one number; "3.0" and 3 one count; -0 is 0
    assert repr(to_decimal("92.50")) == repr(to_decimal(92.5)) == repr(Decimal("92.5"))
    assert repr(to_decimal("3.0")) == repr(to_decimal(Decimal("3.00"))) == repr(Decimal(3))
    assert repr(canonical(Decimal("-0.0"))) == repr(Decimal(0))
    assert repr(to_decimal("1E+2")) == repr(Decimal(100))


def test_the_same_total_prints_one_way_on_every_path() -> None:
    # 98.0 from a float, "98" from text: one total, printed 98 by the sheet, the result and JSON
    rubric = one_item([gr.AssessorPoints("given")], maximum=100)
    from_float = rubric.score({"given": 98.0})
    from_text = rubric.score({"given": "98.00"})
    assert fmt(from_float.total) == fmt(from_text.total) == "98"
    assert from_float.to_dict()["total"] == from_text.to_dict()["total"] == "98"
    assert rubric.prepare().result({"given": 98.0}).to_dict()["total"] == "98"
    assert "考核得分：98" in from_float.to_text()


def test_a_negative_zero_rate_prints_as_zero() -> None:
    rubric = one_item([gr.RateShortfall("rate", target=10, points=1)])
    sheet = rubric.score({"rate": "-0"})
    assert sheet.evidence["rate"] == "0"
    assert "实际0%" in sheet.line("item").reasons[0].arithmetic
    assert "-0" not in sheet.to_text()


def test_a_long_quotient_is_exact_inside_and_shown_rounded_on_the_sheet() -> None:
    # three ballots of 80, 82, 100 − 0 … the mean of 262 ÷ 3 runs on: 87.333…
    rubric = one_item(
        [
            gr.Ballots(
                "votes",
                [gr.BallotType("A", "群众", 1)],
                [gr.Criterion("all", "总体", 100)],
                void_if_all_full=False,
            )
        ],
        maximum=100,
    )
    sheet = rubric.score({"votes": {"A": [[80], [82], [100]]}})
    # 262 ÷ 3 carried to 28 significant digits inside: 87.33333333333333333333333333
    assert sheet.total == Decimal("87.33333333333333333333333333")
    text = sheet.to_text()
    assert "87.33333333333333333333333333" not in text
    assert "≈87.33" in text
    assert "四舍五入保留2位小数" in text
    assert shown(Decimal("87.5")) == "87.5"
