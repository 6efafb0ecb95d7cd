"""One unit test per building block, with worked examples taken from the source documents.

The arithmetic of every expected value is written beside it.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from helpers import one_item, score

import gridrules as gr


class TestPerOccurrence:
    def test_each_occurrence_deducts(self) -> None:
        # jiangcheng 考勤情况(10分): 缺一次扣0.5分; 3 missed → 3 × 0.5 = 1.5 → 10 − 1.5 = 8.5
        sheet = score([gr.PerOccurrence("missed", "0.5")], {"missed": 3})
        assert sheet.total == D("8.5")
        (reason,) = sheet.line("item").reasons
        assert reason.arithmetic == "3 × 0.5 = 1.5"
        assert reason.amount == D("1.5")

    def test_deductions_stop_at_the_floor(self) -> None:
        # zengdu 例会(10分): 每缺席一次,扣2分,直至扣完本项分; 6 absences → 12 > 10 → 0
        assert score([gr.PerOccurrence("absent", 2)], {"absent": 6}).total == 0

    def test_a_cap_limits_one_rule(self) -> None:
        # xiaofang: 每旬未完成检查任务的,一旬扣5分,共15分; 4 旬 → 20, capped at 15 → 60 − 15 = 45
        sheet = score([gr.PerOccurrence("xun", 5, cap=15)], {"xun": 4}, maximum=60)
        assert sheet.total == 45
        assert "共15分封顶" in sheet.line("item").reasons[0].arithmetic

    def test_a_declared_floor_above_zero(self) -> None:
        item = gr.Item("i", "项目", 10, [gr.PerOccurrence("n", 1)], clause="c", floor=4)
        rubric = gr.Rubric(name="u", title="t", maximum=10, children=[item])
        # 9 × 1 = 9 → 10 − 9 = 1, under the floor 4 → 4
        assert rubric.score({"n": 9}).total == 4

    def test_zero_occurrences_leave_no_reason(self) -> None:
        sheet = score([gr.PerOccurrence("missed", "0.5")], {"missed": 0})
        assert sheet.line("item").reasons == ()
        assert sheet.total == 10


class TestQuota:
    def test_each_unit_short_deducts(self) -> None:
        # xingji 办件收集10分: 每月不少于10件少一件分别扣1分; 7 collected → 3 short → 10 − 3 = 7
        sheet = score([gr.Quota("cases", target=10, points=1)], {"cases": 7})
        assert sheet.total == 7
        assert sheet.line("item").reasons[0].arithmetic == "目标10，实际7，少3 × 1 = 3"

    def test_meeting_the_target_deducts_nothing(self) -> None:
        assert score([gr.Quota("cases", target=10, points=1)], {"cases": 12}).total == 10

    def test_target_from_a_parameter(self) -> None:
        rubric = one_item(
            [gr.Quota("events", target=gr.Param("monthly_events"), points="0.5")],
            parameters=[
                gr.Parameter("monthly_events", "每月上报事件数", "每天N条", kind=gr.FieldKind.COUNT)
            ],
        )
        # target 22, 20 reported → 2 short × 0.5 = 1 → 9
        assert rubric.score({"events": 20}, {"monthly_events": 22}).total == 9

    def test_target_from_the_evidence(self) -> None:
        # a platform's per-person target (每天10户 × 21 working days = 210), 200 visited:
        # 10 short × 0.1 = 1 → 10 − 1 = 9
        rule = gr.Quota("visited", target=gr.FromField("visit_target"), points="0.1")
        assert score([rule], {"visited": 200, "visit_target": 210}).total == 9


class TestRateShortfall:
    @pytest.mark.parametrize(
        ("partial", "rate", "expected"),
        [
            # xingji 实有人口采集5分: 不低于10%,少一个百分点扣1分
            ("whole", "7", D(2)),  # 3 points short → 5 − 3 = 2
            ("whole", "9.5", D(5)),  # 0.5 short: no whole point → 5
            ("started", "9.5", D(4)),  # a started point counts → 5 − 1 = 4
            ("exact", "9.5", D("4.5")),  # 0.5 × 1 = 0.5 → 4.5
            ("whole", "8.5", D(4)),  # 1.5 short → 1 whole point → 4
            ("started", "8.5", D(3)),  # 1.5 short → 2 started points → 3
            ("whole", "10", D(5)),  # at the target → 5
        ],
    )
    def test_partial_points(self, partial: str, rate: str, expected: D) -> None:
        rule = gr.RateShortfall("rate", target=10, points=1, partial=partial)  # type: ignore[arg-type]
        assert score([rule], {"rate": rate}, maximum=5).total == expected

    def test_a_rate_target_over_100_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="percentage"):
            gr.RateShortfall("rate", target=120, points=1)


XIAOFANG = [
    gr.Tier.below(60, 10),
    gr.Tier.below(70, 6),
    gr.Tier.below(80, 3),
    gr.Tier.below(90, 1),
    gr.Tier(0, gr.Interval(90, 100, True, True)),
]


class TestTiers:
    @pytest.mark.parametrize(
        ("rate", "deduction"),
        # xiaofang: 整改率未达到60%,扣10分;未达到70%扣6分;未达到80%扣3分;未达到90%的,扣1分
        [
            ("59.99", 10),
            ("60", 6),
            ("69.99", 6),
            ("70", 3),
            ("79.99", 3),
            ("80", 1),
            ("89.99", 1),
            ("90", 0),
            ("100", 0),
            ("0", 10),
        ],
    )
    def test_first_match(self, rate: str, deduction: int) -> None:
        sheet = score([gr.Tiers("rate", XIAOFANG)], {"rate": rate}, maximum=10)
        assert sheet.total == 10 - deduction

    def test_a_gap_is_rejected_naming_it(self) -> None:
        with pytest.raises(gr.BandError, match=r"\[60, 70\) falls in no tier"):
            gr.Tiers(
                "rate",
                [gr.Tier(10, gr.Interval(0, 60)), gr.Tier(0, gr.Interval(70, 100, True, True))],
            )

    def test_overlaps_are_rejected_when_unique(self) -> None:
        with pytest.raises(gr.BandError, match="overlap"):
            gr.Tiers("rate", XIAOFANG, hit="unique")

    def test_points_outcome_sets_the_item(self) -> None:
        tiers = [gr.Tier(10, gr.Interval(90, 100, True, True)), gr.Tier(5, gr.Interval(0, 90))]
        rule = gr.Tiers("satisfaction", tiers, outcome="points", hit="unique")
        assert score([rule], {"satisfaction": "92"}).total == 10
        assert score([rule], {"satisfaction": "89.9"}).total == 5


class TestZeroIf:
    def test_a_flag_zeroes_the_item(self) -> None:
        # jiangcheng 巡查情况(20分): 没有记录,本项不得分
        rules = [gr.PerOccurrence("bad", "0.5"), gr.ZeroIf(gr.When("no_records"))]
        assert score(rules, {"bad": 1, "no_records": True}, maximum=20).total == 0
        assert score(rules, {"bad": 1}, maximum=20).total == D("19.5")

    def test_a_threshold_zeroes_the_item(self) -> None:
        # shixing: 6个月未更新数据的,本项不得分
        rule = gr.ZeroIf(gr.When("months_stale", ">=", 6))
        assert score([rule], {"months_stale": 6}).total == 0
        assert score([rule], {"months_stale": 5}).total == 10


class TestPenalty:
    def test_goes_beyond_the_item(self) -> None:
        # zengdu (10分): 不闻不问的,每发生一起,扣3分,直至扣完本项分 ...
        # 造成信访、矛盾纠纷扩大的,倒扣10分
        item = gr.Item(
            "help",
            "帮扶",
            10,
            [gr.PerOccurrence("ignored", 3), gr.Penalty("escalated", 10, per="flag")],
            clause="倒扣10分",
        )
        other = gr.Item("other", "其他", 15, [gr.PerOccurrence("x", 1)], clause="c")
        rubric = gr.Rubric(name="u", title="t", maximum=25, children=[item, other])
        sheet = rubric.score({"ignored": 4, "escalated": True})
        # help: 10 − 12 → 0; other: 15; penalty 10 → 15 − 10 = 5
        assert (sheet.line("help").points, sheet.penalty, sheet.total) == (0, 10, 5)

    def test_total_floor(self) -> None:
        sheet = score([gr.Penalty("major", 5)], {"major": 3}, maximum=10)
        # 10 − 3 × 5 = −5, stopped at the rubric floor 0
        assert sheet.total == 0
        unfloored = one_item([gr.Penalty("major", 5)], floor=None).score({"major": 3})
        assert unfloored.total == -5


class TestBonus:
    def test_uncapped_bonus_is_kept_apart(self) -> None:
        # zengdu: 每一例加3分,加分幅度不封顶; 5 cases → 15 bonus over a full base of 10 → 25
        sheet = score([gr.Bonus("mediated", 3, cap=None)], {"mediated": 5})
        assert (sheet.base, sheet.bonus, sheet.total) == (10, 15, 25)

    def test_capped_bonus(self) -> None:
        sheet = score([gr.Bonus("articles", 1, cap=3)], {"articles": 5})
        # 5 × 1 = 5, capped at 3
        assert sheet.bonus == 3

    def test_rubric_wide_bonus_cap(self) -> None:
        rules = [gr.Bonus("a", 2, cap=None), gr.Bonus("b", 2, cap=None)]
        sheet = one_item(rules, bonus_cap=5).score({"a": 2, "b": 1})
        # 2 × 2 + 1 × 2 = 6, rubric cap 5
        assert (sheet.bonus, sheet.bonus_before_cap, sheet.total) == (5, 6, 15)

    def test_the_cap_must_be_declared(self) -> None:
        with pytest.raises(TypeError):
            gr.Bonus("a", 2)  # type: ignore[call-arg]


class TestAwardLevel:
    LEVELS = (gr.Level("示范", 5), gr.Level("全区", 5), gr.Level("全市", 6), gr.Level("全省", 8))

    def test_highest_level_counts(self) -> None:
        # shequ-pingtai 创新奖: 全区5分 / 全市6分 / 全省8分, highest reached
        sheet = score([gr.AwardLevel("award", self.LEVELS, cap=10)], {"award": ["全区", "全省"]})
        assert sheet.bonus == 8

    def test_no_award_gives_nothing(self) -> None:
        assert score([gr.AwardLevel("award", self.LEVELS)], {}).bonus == 0

    def test_unknown_level_is_rejected(self) -> None:
        with pytest.raises(gr.EvidenceError, match="全国"):
            score([gr.AwardLevel("award", self.LEVELS)], {"award": "全国"})

    def test_levels_from_parameters_in_a_graded_rubric(self) -> None:
        # 全区x分 / 全市y分, the points left to the region: the grades cannot know how high a
        # total goes until they are bound, so the bands are checked without a ceiling
        levels = [gr.Level("全区", {"param": "district"}), gr.Level("全市", {"param": "city"})]
        bands = gr.GradeBands(
            [
                gr.Band.between("优秀", 12, None),
                gr.Band.between("合格", None, 12, upper_inclusive=False),
            ]
        )
        rubric = one_item(
            [gr.AwardLevel("award", levels)],
            grades=bands,
            parameters=[
                gr.Parameter("district", "全区表彰加分", "全区x分", default=1),
                gr.Parameter("city", "全市表彰加分", "全市y分", default=3),
            ],
        )
        assert rubric.bonus_ceiling is None
        # 10 (the item untouched) + 全市 3 = 13: 优秀
        result = rubric.score({"award": ["全区", "全市"]})
        assert (result.total, result.grade) == (13, "优秀")


class TestAssessorPoints:
    def test_points_given(self) -> None:
        # liujiaoting 社区考核30分: 考评组打分 26.5
        assert score([gr.AssessorPoints("given")], {"given": "26.5"}, maximum=30).total == D("26.5")

    def test_points_over_the_maximum_are_rejected(self) -> None:
        with pytest.raises(gr.EvidenceError, match="points must be from 0 to 30"):
            score([gr.AssessorPoints("given", maximum=30)], {"given": 31}, maximum=30)

    def test_discretionary_deduction(self) -> None:
        # shixing: 酌情扣分, assessor deducts 2.5 of 20
        rule = gr.AssessorPoints("discretion", "deduction", maximum=20)
        assert score([rule], {"discretion": "2.5"}, maximum=20).total == D("17.5")


class TestAllOrNothing:
    def test_met_or_not(self) -> None:
        # qixingjie 系统考核: 未完成指标的,该子项不计分
        rule = gr.AllOrNothing("met")
        assert score([rule], {"met": True}, maximum=20).total == 20
        assert score([rule], {"met": False}, maximum=20).total == 0


class TestChecklist:
    def test_each_missing_element_named(self) -> None:
        # shixing: 每缺一项制度扣1分
        rule = gr.Checklist("systems", ["例会制度", "巡查制度", "考核制度"], points=1)
        sheet = score([rule], {"systems": ["巡查制度"]}, maximum=5)
        # missing 例会制度 and 考核制度: 2 × 1 = 2 → 3
        assert sheet.total == 3
        assert sheet.line("item").reasons[0].value == "例会制度、考核制度"

    def test_elements_given_as_text(self) -> None:
        rule = gr.Checklist("systems", ["例会制度", "巡查制度"], points=1)
        assert score([rule], {"systems": "例会制度、巡查制度"}).total == 10


class TestWeightedComposite:
    def test_parts_on_their_own_scales(self) -> None:
        # qixingjie: 系统考核30% / 社区和街道考核30% / 居民满意度40%, each scored out of 100
        parts = [
            gr.Item("system", "系统", 100, [gr.AssessorPoints("system_points")], clause="30%"),
            gr.Item("street", "社区街道", 100, [gr.AssessorPoints("street_points")], clause="30%"),
            gr.Item(
                "residents", "满意度", 100, [gr.AssessorPoints("residents_points")], clause="40%"
            ),
        ]
        weights = [
            gr.Weight("system", "0.3"),
            gr.Weight("street", "0.3"),
            gr.Weight("residents", "0.4"),
        ]
        rubric = gr.Rubric(name="q", title="t", maximum=100, children=parts, weights=weights)
        sheet = rubric.score({"system_points": 80, "street_points": 90, "residents_points": 70})
        # 0.3 × 80 + 0.3 × 90 + 0.4 × 70 = 24 + 27 + 28 = 79
        assert sheet.total == 79
        # each line says its weight and what it adds to the total
        line = sheet.line("residents")
        assert (line.weight, line.contribution) == (D("0.4"), D(28))
        assert "权重0.4：70 折合 28分" in sheet.to_text()

    def test_weights_must_sum_to_one(self) -> None:
        parts = [gr.Item("a", "a", 10, [], clause="c"), gr.Item("b", "b", 10, [], clause="c")]
        with pytest.raises(gr.RubricError, match="weights must sum to 1"):
            gr.Rubric(
                name="q",
                title="t",
                maximum=10,
                children=parts,
                weights=[gr.Weight("a", "0.5"), gr.Weight("b", "0.6")],
            )


class TestRounding:
    def test_round_half_up_at_a_declared_node(self) -> None:
        # qixingjie: 分值以整数计 (四舍五入): 8.5 → 9, 8.4 → 8
        rubric = one_item([gr.PerOccurrence("n", "0.5")], rounding=gr.Rounding(0))
        assert rubric.score({"n": 3}).total == 9  # 10 − 1.5 = 8.5 → 9
        assert (
            one_item([gr.PerOccurrence("n", "0.2")], rounding=gr.Rounding(0)).score({"n": 8}).total
            == 8
        )  # 10 − 1.6 = 8.4 → 8


class TestPerOccurrenceOnAFlag:
    def test_deducts_once_inside_the_item(self) -> None:
        # xiaofang (60分): 人员不懂得使用自己账号密码登陆网格E通,扣5分 → 60 − 5 = 55
        rule = gr.PerOccurrence("cannot_log_in", 5, per="flag")
        sheet = score([rule], {"cannot_log_in": True}, maximum=60)
        assert sheet.total == 55
        assert sheet.line("item").reasons[0].arithmetic == "cannot_log_in 为是，扣5分"
        assert score([rule], {}, maximum=60).total == 60

    def test_a_count_is_rejected(self) -> None:
        with pytest.raises(gr.EvidenceError, match="expected true or false"):
            score([gr.PerOccurrence("x", 5, per="flag")], {"x": 2})


class TestQuotaPerWorkingDay:
    RUBRIC = one_item(
        [gr.Quota("events_reported", target=gr.PerWorkingDay(gr.Param("per_day")), points="0.1")],
        parameters=[
            gr.Parameter(
                "per_day",
                "每天上报条数",
                "网格长按每天条上报(周末、节假日除外)",
                kind=gr.FieldKind.COUNT,
            )
        ],
    )

    def test_target_from_the_working_days_of_the_period(self) -> None:
        # October 2026 has 18 working days (National Day week off, Saturday 10 October worked):
        # 2 a day × 18 = 36 expected; 30 reported → 6 short × 0.1 = 0.6 → 10 − 0.6 = 9.4
        sheet = self.RUBRIC.score({"events_reported": 30}, {"per_day": 2}, period="2026-10")
        assert sheet.total == D("9.4")
        assert sheet.calendar is not None
        assert sheet.calendar.endswith("18个工作日")
        assert (
            sheet.line("item").reasons[0].arithmetic
            == "目标36（2 × 18个工作日），实际30，少6 × 0.1 = 0.6"
        )

    def test_february_has_fewer_working_days(self) -> None:
        # February 2026: 16 working days (Spring Festival 15-23 off, 14 and 28 worked):
        # 2 × 16 = 32; 30 reported → 2 short × 0.1 = 0.2 → 9.8
        sheet = self.RUBRIC.score({"events_reported": 30}, {"per_day": 2}, period="2026-02")
        assert sheet.total == D("9.8")

    def test_the_period_is_required(self) -> None:
        with pytest.raises(gr.GridrulesError, match="score it with period="):
            self.RUBRIC.score({"events_reported": 30}, {"per_day": 2})

    def test_round_trip(self) -> None:
        from gridrules.serialization import structure_rubric, unstructure_rubric

        data = unstructure_rubric(self.RUBRIC)
        rule = data["children"][0]["rules"][0]
        assert rule["target"] == {"per_working_day": {"param": "per_day"}}
        assert structure_rubric(data) == self.RUBRIC

    def test_only_a_quota_target_may_use_it(self) -> None:
        with pytest.raises(gr.RubricError, match="only a quota's target"):
            one_item([gr.PerOccurrence("n", gr.PerWorkingDay(1))])


class TestQuotaPerUnit:
    """每月不少于1次 inside a quarter's sheet: the target per unit of time, held together or unit
    by unit (the training quota of shixing, xize2017's monthly publicity, wanggezhang's 每月一通报).
    """

    @staticmethod
    def rubric(judged: str = "together", unit: str = "month") -> gr.Rubric:
        return one_item(
            [
                gr.Quota(
                    "trainings",
                    target=gr.PerUnit(unit, 1),
                    points="0.5",
                    judged=judged,  # type: ignore[arg-type]
                    clause="社区每月组织培训不少于1次,缺1次扣0.5分",
                )
            ]
        )

    def test_a_quarter_holds_three_months(self) -> None:
        # 2026-Q3: 1 a month × 3 months = 3 expected; 2 held → 1 short × 0.5 = 0.5 → 9.5
        sheet = self.rubric().score({"trainings": 2}, period="2026-Q3")
        assert sheet.total == D("9.5")
        reason = sheet.line("item").reasons[0]
        assert reason.arithmetic == "目标3（1 × 3月），实际2，少1 × 0.5 = 0.5"

    def test_together_one_months_surplus_covers_anothers_shortfall(self) -> None:
        # 0, 1 and 2 trainings in the three months: 3 in all, the target of 3 met → 10
        assert self.rubric().score({"trainings": 3}, period="2026-Q3").total == 10

    def test_each_month_is_judged_on_its_own(self) -> None:
        # [0, 1, 2]: July 1 short, August met, September's surplus covers nothing
        # → 1 short × 0.5 = 0.5 → 9.5
        sheet = self.rubric("each").score({"trainings": [0, 1, 2]}, period="2026-Q3")
        assert sheet.total == D("9.5")
        assert sheet.line("item").reasons[0].arithmetic == (
            "每月目标1，逐月实际0、1、2，共少1 × 0.5 = 0.5"
        )
        assert sheet.evidence["trainings"] == "0、1、2"
        # [1, 1, 1]: every month met → 10; the text "1、1、1" reads the same
        assert self.rubric("each").score({"trainings": "1、1、1"}, period="2026-Q3").total == 10

    def test_each_needs_one_count_per_unit(self) -> None:
        with pytest.raises(gr.EvidenceError, match="expected 3 counts, one per month of 2026-Q3"):
            self.rubric("each").score({"trainings": [1, 1]}, period="2026-Q3")
        with pytest.raises(gr.EvidenceError, match="count 2: a count cannot be negative"):
            self.rubric("each").score({"trainings": [1, -1, 1]}, period="2026-Q3")

    def test_weeks_count_where_their_thursday_falls(self) -> None:
        # October 2026 holds the Thursdays 1, 8, 15, 22 and 29: 5 weeks → 5 expected, 3 held
        # → 2 short × 0.5 = 1 → 9
        assert self.rubric(unit="week").score({"trainings": 3}, period="2026-10").total == 9
        # 旬: a month holds three → 3 expected; 2 held → 9.5
        assert self.rubric(unit="xun").score({"trainings": 2}, period="2026-10").total == D("9.5")

    def test_a_target_per_unit_needs_the_period(self) -> None:
        with pytest.raises(gr.GridrulesError, match="sets targets per unit of time"):
            self.rubric().score({"trainings": 2})

    def test_each_needs_a_target_per_unit(self) -> None:
        with pytest.raises(ValueError, match='judged = "each" needs a target per unit'):
            gr.Quota("trainings", target=3, points=1, judged="each")

    def test_a_target_is_not_the_field_it_counts(self) -> None:
        with pytest.raises(ValueError, match="the target cannot be the field it counts"):
            gr.Quota("cases", target=gr.FromField("cases"), points=1)

    def test_per_units_round_trip_as_data(self) -> None:
        from gridrules.serialization import structure_rubric, unstructure_rubric

        rubric = self.rubric("each", "week")
        data = unstructure_rubric(rubric)
        assert data["children"][0]["rules"][0]["target"] == {"per_week": "1"}
        assert structure_rubric(data) == rubric
