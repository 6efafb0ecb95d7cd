"""Conditions on a ratio of two fields, and rates worked out from two counts.

xiangxi: 一年参加例会次数不足一半的,扣除该项所有分值,并在年度考核评定时列为不合格档次;
juweihui: 每月走访率达90% / 投诉率不超过5%, where the platform gives counts.
"""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from helpers import one_item
from hypothesis import given
from hypothesis import strategies as st

import gridrules as gr
from gridrules.serialization import dump_rubric, loads_rubric

UNDER_HALF = gr.When(
    "meetings_attended", "<", gr.FieldTimes("meetings_held", "0.5", label="召开例会次数")
)
CLAUSE = "一年参加例会次数不足一半的,扣除该项所有分值,并在年度考核评定时列为不合格档次"


def xiangxi() -> gr.Rubric:
    """例会 10 points: 2 off per unexcused absence; under half attended zeroes it and forces
    不合格 (the source has no bands)."""
    return one_item(
        [
            gr.PerOccurrence("unexcused_absences", 2),
            gr.ZeroIf(UNDER_HALF, label="参加例会不足一半"),
        ],
        clause=CLAUSE,
        vetoes=[
            gr.Veto(
                "under-half", UNDER_HALF, grade="不合格", label="参加例会不足一半", clause=CLAUSE
            )
        ],
        veto_grades=["不合格"],
    )


class TestFieldTimes:
    def test_under_half_zeroes_the_item_and_forces_the_grade(self) -> None:
        # attended 5 of 12: 5 < 12 × 0.5 = 6 → 本项不得分 and 列为不合格
        sheet = xiangxi().score(
            {"meetings_attended": 5, "meetings_held": 12, "unexcused_absences": 1}
        )
        assert (sheet.total, sheet.grade) == (D(0), "不合格")
        [_, zero] = sheet.lines[0].reasons
        assert zero.arithmetic == "meetings_attended 5 < meetings_held 12 × 0.5 = 6，本项不得分"
        [veto] = sheet.vetoes
        assert veto.working == "meetings_attended 5 < meetings_held 12 × 0.5 = 6"
        assert (
            "参加例会不足一半（meetings_attended 5 < meetings_held 12 × 0.5 = 6），列为不合格"
            in (sheet.to_text())
        )

    def test_exactly_half_is_not_under_half(self) -> None:
        # 6 of 12: 6 < 6 fails; one unexcused absence: 10 − 2 = 8, no grade
        sheet = xiangxi().score(
            {"meetings_attended": 6, "meetings_held": 12, "unexcused_absences": 1}
        )
        assert (sheet.total, sheet.grade, sheet.vetoes) == (D(8), None, ())

    def test_an_odd_number_held_compares_exactly(self) -> None:
        # 11 held: half is 5.5; 5 attended is under it, 6 is not
        rubric = xiangxi()
        assert rubric.score({"meetings_attended": 5, "meetings_held": 11}).total == 0
        assert rubric.score({"meetings_attended": 6, "meetings_held": 11}).total == 10

    def test_every_path_agrees(self) -> None:
        scorer = xiangxi().prepare()
        records = [
            {"meetings_attended": a, "meetings_held": h, "unexcused_absences": u}
            for a in range(0, 13, 3)
            for h in (0, 11, 12)
            for u in (0, 2)
        ]
        results = list(scorer.results(records))
        assert results == [scorer.result(r) for r in records]
        assert [r.total for r in results] == [scorer.score(r).total for r in records]

    @given(
        st.integers(0, 400),
        st.integers(0, 400),
        st.decimals(min_value=0, max_value=3, places=3, allow_nan=False, allow_infinity=False),
        st.sampled_from(["<", "<=", ">", ">=", "=="]),
    )
    def test_the_comparison_is_exact(self, mine: int, other: int, times: D, op: str) -> None:
        when = gr.When("a", op, {"field": "b", "times": str(times)})
        holds = when.compile({})({"a": D(mine), "b": D(other)})
        left, right = Fraction(mine), Fraction(other) * Fraction(times)
        expected = {
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
            "==": left == right,
        }[op]
        assert holds is expected

    def test_the_factor_may_be_a_parameter(self) -> None:
        when = gr.When("attended", "<", {"field": "held", "times": {"param": "share"}})
        rubric = one_item(
            [gr.ZeroIf(when)],
            parameters=[gr.Parameter("share", "出勤比例", "条款", kind=gr.FieldKind.AMOUNT)],
        )
        assert rubric.score({"attended": 7, "held": 10}, {"share": "0.75"}).total == 0
        assert rubric.score({"attended": 8, "held": 10}, {"share": "0.75"}).total == 10

    def test_both_fields_are_evidence_of_the_condition_kind(self) -> None:
        fields = xiangxi().fields
        assert fields["meetings_held"].kind is gr.FieldKind.COUNT
        assert fields["meetings_attended"].kind is gr.FieldKind.COUNT
        with pytest.raises(gr.EvidenceError, match="meetings_held"):
            xiangxi().score({"meetings_attended": 5})

    def test_each_field_has_its_own_label(self) -> None:
        # the condition's label names its field; the other field's is the FieldTimes's
        labels = xiangxi().field_labels
        assert labels == {"参加例会不足一半": "meetings_attended", "召开例会次数": "meetings_held"}

    def test_a_field_is_not_compared_with_itself(self) -> None:
        with pytest.raises(ValueError, match="another field"):
            gr.When("a", "<", {"field": "a", "times": "0.5"})

    def test_the_rubric_file_reads_and_writes_it(self) -> None:
        rubric = xiangxi()
        assert loads_rubric(dump_rubric(rubric, "json"), "json") == rubric
        text = """
name = "demo"
title = "示例"
maximum = 10
veto_grades = ["不合格"]

[[children]]
node = "item"
id = "meetings"
label = "例会"
maximum = 10
clause = "参加例会次数不足一半的,扣除该项所有分值"

  [[children.rules]]
  kind = "ZeroIf"
  when = { field = "attended", op = "<", value = { field = "held", times = "0.5" } }
"""
        read = loads_rubric(text)
        assert read.score({"attended": 2, "held": 5}).total == 0
        assert read.score({"attended": 3, "held": 5}).total == 10


VISITS = gr.Rate("households_visited", "households_due", empty="full")


def juweihui(empty: str = "full") -> gr.Rubric:
    """走访 10 points: 每月走访率达90%; under 90% loses 5, under 60% all."""
    rate = gr.Rate("households_visited", "households_due", empty=empty)  # type: ignore[arg-type]
    return one_item(
        [
            gr.Tiers(
                rate,
                [
                    gr.Tier.below(60, 10),
                    gr.Tier.below(90, 5),
                    gr.Tier(0, gr.Interval(90, 100, True, True)),
                ],
                label="走访率",
            )
        ],
        clause="每月走访率达90%",
    )


class TestRate:
    @pytest.mark.parametrize(
        ("visited", "due", "total"),
        # 9 ÷ 10 = 90% meets it; 8 ÷ 10 = 80% < 90: −5; 5 ÷ 10 = 50% < 60: −10
        [(9, 10, 10), (10, 10, 10), (8, 10, 5), (6, 10, 5), (5, 10, 0), (0, 10, 0)],
    )
    def test_tiers_on_a_rate_from_counts(self, visited: int, due: int, total: int) -> None:
        scorer = juweihui().prepare()
        record = {"households_visited": visited, "households_due": due}
        assert scorer.score(record).total == total
        assert next(scorer.results([record])).total == total

    def test_the_sheet_shows_the_working(self) -> None:
        sheet = juweihui().score({"households_visited": 8, "households_due": 10})
        [reason] = sheet.lines[0].reasons
        assert reason.arithmetic == "8 ÷ 10 = 80%，未达到90%，扣5分"
        assert reason.value == "80"

    def test_a_rate_that_does_not_divide_evenly(self) -> None:
        # 2 ÷ 3 = 66.666...%: carried to 28 digits, under 90
        sheet = juweihui().score({"households_visited": 2, "households_due": 3})
        assert sheet.total == 5
        assert "2 ÷ 3 = 66.66666666666666666666666667%" in sheet.lines[0].reasons[0].arithmetic

    @pytest.mark.parametrize(("empty", "total"), [("full", 10), ("zero", 0)])
    def test_an_empty_denominator_means_what_the_rubric_declares(
        self, empty: str, total: int
    ) -> None:
        sheet = juweihui(empty).score({"households_visited": 0, "households_due": 0})
        assert sheet.total == total
        if empty == "zero":
            words = "按0%计"
            assert words in sheet.lines[0].reasons[0].arithmetic

    def test_an_empty_denominator_is_refused_by_default(self) -> None:
        scorer = juweihui("refuse").prepare()
        with pytest.raises(gr.EvidenceError, match="households_due: is 0"):
            scorer.score({"households_visited": 0, "households_due": 0})
        records = [
            {"households_visited": 9, "households_due": 10},
            {"households_visited": 0, "households_due": 0},
        ]
        out = list(scorer.results(records, return_errors=True))
        assert out[0].total == 10  # type: ignore[union-attr]
        assert isinstance(out[1], gr.EvidenceError)

    def test_more_done_than_due_is_refused(self) -> None:
        with pytest.raises(gr.EvidenceError, match="households_visited: 11 is more than"):
            juweihui().score({"households_visited": 11, "households_due": 10})

    def test_a_rate_shortfall_on_counts(self) -> None:
        # 不低于95%, 少一个百分点扣1分 (exact): 93 ÷ 100 = 93%, 2 points short: −2
        rule = gr.RateShortfall(
            {"numerator": "accurate", "denominator": "collected"}, 95, 1, partial="exact"
        )
        sheet = one_item([rule], clause="信息采集准确率达95%").score(
            {"accurate": 93, "collected": 100}
        )
        assert sheet.total == 8
        assert sheet.lines[0].reasons[0].arithmetic == (
            "目标95%，实际93 ÷ 100 = 93%，少2个百分点 × 1 = 2"
        )

    def test_the_rubric_file_reads_and_writes_it(self) -> None:
        rubric = juweihui("zero")
        assert loads_rubric(dump_rubric(rubric, "json"), "json") == rubric
        read = loads_rubric(
            """
name = "demo"
title = "示例"
maximum = 10

[[children]]
node = "item"
id = "visits"
label = "走访"
maximum = 10
clause = "每月走访率达90%"

  [[children.rules]]
  kind = "RateShortfall"
  field = { numerator = "visited", denominator = "due", empty = "full" }
  target = 90
  points = 1
"""
        )
        assert read.score({"visited": 85, "due": 100}).total == 5
        assert read.score({"visited": 0, "due": 0}).total == 10

    def test_a_rate_reads_two_different_fields(self) -> None:
        with pytest.raises(ValueError, match="two fields"):
            gr.Rate("a", "a")
        with pytest.raises(ValueError, match="empty"):
            gr.Rate("a", "b", empty="half")  # type: ignore[arg-type]
