"""Grades a region fills in: band bounds and names from parameters, and grades only a veto gives.

ernvqiao: 综合评价实行百分制,分为“优秀”、“良好”、“合格”、“不合格”四项 (names, no bounds);
wangluo: 对评分划定等级 (neither names nor bounds); xiangxi: 在年度考核评定时列为不合格档次 (no
bands at all).
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import ClassVar

import pytest
from helpers import one_item

import gridrules as gr
from gridrules.serialization import dump_rubric, loads_rubric

CLAUSE = "综合评价实行百分制,分为“优秀”、“良好”、“合格”、“不合格”四项"


def _bound(name: str, description: str) -> gr.Parameter:
    return gr.Parameter(name, description, CLAUSE, kind=gr.FieldKind.AMOUNT)


ERNVQIAO_BANDS = gr.GradeBands(
    [
        gr.Band("优秀", gr.BandInterval({"param": "excellent_from"}, None)),
        gr.Band("良好", gr.BandInterval({"param": "good_from"}, {"param": "excellent_from"})),
        gr.Band("合格", gr.BandInterval({"param": "pass_from"}, {"param": "good_from"})),
        gr.Band("不合格", gr.BandInterval(0, {"param": "pass_from"})),
    ],
    clause=CLAUSE,
)
ERNVQIAO_PARAMETERS = [
    _bound("excellent_from", "优秀的最低分"),
    _bound("good_from", "良好的最低分"),
    _bound("pass_from", "合格的最低分"),
]
GOOD = {"excellent_from": 90, "good_from": 80, "pass_from": 60}


def ernvqiao(**kw: object) -> gr.Rubric:
    """100 points, 1 off per missed day; the four grades' bounds are parameters."""
    return one_item(
        [gr.PerOccurrence("missed", 1)],
        maximum=100,
        grades=ERNVQIAO_BANDS,
        parameters=ERNVQIAO_PARAMETERS,
        **kw,
    )


class TestBoundsFromParameters:
    @pytest.mark.parametrize(
        ("missed", "grade"),
        # 100 − missed, graded with 优秀 [90, +∞), 良好 [80, 90), 合格 [60, 80), 不合格 [0, 60)
        [(0, "优秀"), (10, "优秀"), (11, "良好"), (20, "良好"), (21, "合格"), (40, "合格"),
         (41, "不合格")],
    )  # fmt: skip
    def test_the_bound_bands_grade(self, missed: int, grade: str) -> None:
        scorer = ernvqiao().prepare(GOOD)
        assert scorer.score({"missed": missed}).grade == grade
        assert next(scorer.results([{"missed": missed}])).grade == grade

    def test_the_rubric_checks_what_it_can_before_the_parameters(self) -> None:
        rubric = ernvqiao()
        assert rubric.grades is not None
        assert rubric.grades.parametric
        assert rubric.grade_names() == ("优秀", "良好", "合格", "不合格")

    @staticmethod
    def fixed_end() -> gr.Rubric:
        """良好 ends at 85 whatever 优秀's start."""
        bands = gr.GradeBands(
            [
                gr.Band("优秀", gr.BandInterval({"param": "excellent_from"}, None)),
                gr.Band("良好", gr.BandInterval({"param": "good_from"}, 85)),
                gr.Band("合格", gr.BandInterval({"param": "pass_from"}, {"param": "good_from"})),
                gr.Band("不合格", gr.BandInterval(0, {"param": "pass_from"})),
            ],
            clause=CLAUSE,
        )
        return one_item(
            [gr.PerOccurrence("missed", 1)],
            maximum=100,
            grades=bands,
            parameters=ERNVQIAO_PARAMETERS,
        )

    def test_a_gap_is_a_parameter_error_naming_it(self) -> None:
        # 良好 ends at 85 and 优秀 starts at 90
        with pytest.raises(gr.ParameterError) as caught:
            self.fixed_end().prepare({"excellent_from": 90, "good_from": 80, "pass_from": 60})
        [problem] = caught.value.problems
        assert problem.field == "excellent_from + good_from + pass_from"
        assert "[85, 90) falls in no band" in problem.message
        assert CLAUSE in problem.message

    def test_an_overlap_is_a_parameter_error(self) -> None:
        # 优秀 from 80, 良好 up to 85
        with pytest.raises(gr.ParameterError, match=r"'良好' and '优秀' overlap on \[80, 85\)"):
            self.fixed_end().prepare({"excellent_from": 80, "good_from": 70, "pass_from": 60})

    def test_an_empty_band_is_a_parameter_error(self) -> None:
        # 合格 from 80 to 60: empty
        with pytest.raises(gr.ParameterError, match=r"band 合格: interval \[80, 60\) is empty"):
            ernvqiao().prepare({"excellent_from": 90, "good_from": 60, "pass_from": 80})

    def test_a_missing_bound_is_a_missing_parameter_quoting_the_clause(self) -> None:
        with pytest.raises(gr.ParameterError) as caught:
            ernvqiao().prepare({"excellent_from": 90, "good_from": 80})
        assert [p.field for p in caught.value.problems] == ["pass_from"]
        assert CLAUSE in caught.value.problems[0].message

    def test_bound_parameters_can_be_bound_in_the_rubric(self) -> None:
        rubric = ernvqiao().with_params(GOOD)
        assert rubric.score({"missed": 15}).grade == "良好"

    def test_an_undeclared_parameter_is_refused(self) -> None:
        with pytest.raises(gr.RubricError, match="'good_from', which is not declared"):
            one_item(
                [gr.PerOccurrence("missed", 1)],
                maximum=100,
                grades=ERNVQIAO_BANDS,
                parameters=ERNVQIAO_PARAMETERS[:1] + ERNVQIAO_PARAMETERS[2:],
            )

    def test_a_bound_must_be_a_number_parameter(self) -> None:
        text = gr.Parameter("good_from", "良好", CLAUSE, kind=gr.FieldKind.TEXT)
        with pytest.raises(gr.RubricError, match="a band's bound must be a number parameter"):
            one_item(
                [gr.PerOccurrence("missed", 1)],
                maximum=100,
                grades=ERNVQIAO_BANDS,
                parameters=[ERNVQIAO_PARAMETERS[0], text, ERNVQIAO_PARAMETERS[2]],
            )

    def test_the_rubric_file_reads_and_writes_them(self) -> None:
        rubric = ernvqiao()
        again = loads_rubric(dump_rubric(rubric, "json"), "json")
        assert again == rubric
        text = """
name = "demo"
title = "示例"
maximum = 100

[[children]]
node = "item"
id = "work"
label = "履职"
maximum = 100
clause = "缺一天扣1分"
rules = [{ kind = "PerOccurrence", field = "missed", points = 1 }]

[[parameters]]
name = "pass_from"
description = "合格的最低分"
clause = "分为合格、不合格"

[grades]
clause = "分为合格、不合格"
bands = [
  { name = "合格", interval = { lower = { param = "pass_from" } } },
  { name = "不合格", interval = { lower = 0, upper = { param = "pass_from" } } },
]
"""
        read = loads_rubric(text)
        assert read.score({"missed": 30}, {"pass_from": 70}).grade == "合格"
        assert read.score({"missed": 31}, {"pass_from": 70}).grade == "不合格"

    def test_a_combination_grades_with_the_parts_values(self) -> None:
        combination = gr.PeriodCombination(
            "annual",
            "年度",
            [gr.PeriodPart("q1", "一季度"), gr.PeriodPart("q2", "二季度")],
            method="mean",
        )
        rubric = ernvqiao(combinations=[combination])
        # (95 + 83) ÷ 2 = 89: 良好 with 优秀 from 90
        sheets = {
            "q1": rubric.score({"missed": 5}, GOOD, period="2026-Q1"),
            "q2": rubric.score({"missed": 17}, GOOD, period="2026-Q2"),
        }
        combined = rubric.combine("annual", sheets)
        assert (combined.total, combined.grade) == (D(89), "良好")
        # the parts scored with different bounds cannot be graded together
        sheets["q2"] = rubric.score(
            {"missed": 17}, {**GOOD, "excellent_from": 85}, period="2026-Q2"
        )
        with pytest.raises(gr.GridrulesError, match="different values of parameter"):
            rubric.combine("annual", sheets)


class TestNamesFromParameters:
    """wangluo: 对评分划定等级: the region names the grades and sets their bounds."""

    NAMES = gr.GradeBands(
        [
            gr.Band({"param": "upper_grade"}, gr.BandInterval({"param": "upper_from"}, None)),
            gr.Band({"param": "lower_grade"}, gr.BandInterval(0, {"param": "upper_from"})),
        ],
        clause="对评分划定等级",
    )
    PARAMETERS = (
        gr.Parameter("upper_grade", "较高等级的名称", "对评分划定等级", kind=gr.FieldKind.TEXT),
        gr.Parameter("lower_grade", "较低等级的名称", "对评分划定等级", kind=gr.FieldKind.TEXT),
        gr.Parameter("upper_from", "较高等级的最低分", "对评分划定等级"),
    )
    VALUES: ClassVar[dict[str, object]] = {
        "upper_grade": "称职",
        "lower_grade": "基本称职",
        "upper_from": 80,
    }

    def rubric(self) -> gr.Rubric:
        return one_item(
            [gr.PerOccurrence("missed", 1)],
            maximum=100,
            grades=self.NAMES,
            parameters=self.PARAMETERS,
        )

    def test_the_names_come_from_the_parameters(self) -> None:
        scorer = self.rubric().prepare(self.VALUES)
        sheet = scorer.score({"missed": 21})  # 79 < 80
        assert sheet.grade == "基本称职"
        assert scorer.score({"missed": 20}).grade == "称职"
        assert scorer.grade_names == ("称职", "基本称职")
        assert "upper_grade = 称职（地方设定；较高等级的名称）" in sheet.to_text()

    def test_a_sheet_with_text_parameters_reads_back(self) -> None:
        sheet = self.rubric().score({"missed": 3}, self.VALUES)
        again = gr.ScoreSheet.from_dict(sheet.to_dict())
        assert again == sheet
        assert [p.value for p in again.parameters] == ["称职", "基本称职", D(80)]

    def test_two_bands_of_one_name_are_refused_when_bound(self) -> None:
        with pytest.raises(gr.ParameterError, match="repeat a name"):
            self.rubric().prepare({**self.VALUES, "lower_grade": "称职"})

    def test_a_name_is_text_and_never_empty(self) -> None:
        with pytest.raises(gr.ParameterError) as caught:
            self.rubric().prepare({**self.VALUES, "upper_grade": "  ", "lower_grade": 3})
        fields = [p.field for p in caught.value.problems]
        assert fields == ["upper_grade", "lower_grade"]

    def test_a_name_must_be_a_text_parameter(self) -> None:
        number = gr.Parameter("upper_grade", "名称", "对评分划定等级")
        with pytest.raises(gr.RubricError, match="a grade's name must be a text parameter"):
            one_item(
                [gr.PerOccurrence("missed", 1)],
                maximum=100,
                grades=self.NAMES,
                parameters=[number, *self.PARAMETERS[1:]],
            )

    def test_a_text_parameter_is_never_a_number(self) -> None:
        text = gr.Parameter("points", "扣分", "缺一次扣分", kind=gr.FieldKind.TEXT)
        with pytest.raises(gr.RubricError, match="text parameter 'points' as a number"):
            one_item([gr.PerOccurrence("missed", {"param": "points"})], parameters=[text])

    def test_a_text_default_must_be_a_name(self) -> None:
        with pytest.raises(gr.RubricError, match="its value must be a name"):
            gr.Parameter("g", "名称", "条款", kind=gr.FieldKind.TEXT, default=3)
        with pytest.raises(gr.RubricError, match="is a number"):
            gr.Parameter("n", "分值", "条款", default="优秀")


class TestGradesOnlyAVetoGives:
    """xiangxi: 一年参加例会次数不足一半的,扣除该项所有分值,并在年度考核评定时列为不合格档次."""

    VETO = gr.Veto(
        "meetings",
        gr.When("under_half_meetings"),
        grade="不合格",
        label="参加例会次数不足一半",
        clause="在年度考核评定时列为不合格档次",
    )

    def test_no_grade_unless_the_veto_fires(self) -> None:
        rubric = one_item([gr.PerOccurrence("n", 1)], vetoes=[self.VETO], veto_grades=["不合格"])
        assert rubric.score({"n": 0}).grade is None
        vetoed = rubric.score({"n": 0, "under_half_meetings": True})
        assert (vetoed.total, vetoed.grade) == (D(10), "不合格")
        assert "考核等次：不合格" in vetoed.to_text()
        assert "考核等次" not in rubric.score({"n": 0}).to_text()
        assert rubric.prepare().grade_names == ("不合格",)
        records = [{"n": 0}, {"n": 1, "under_half_meetings": True}]
        assert [r.grade for r in rubric.prepare().results(records)] == [None, "不合格"]

    def test_the_veto_must_force_a_declared_grade(self) -> None:
        with pytest.raises(gr.RubricError, match=r"veto_grades \(none declared\)"):
            one_item([gr.PerOccurrence("n", 1)], vetoes=[self.VETO])

    def test_bands_name_the_grades_themselves(self) -> None:
        bands = gr.GradeBands([gr.Band.between("不合格", 0, None)])
        with pytest.raises(gr.RubricError, match="veto_grades are for a rubric without"):
            one_item(
                [gr.PerOccurrence("n", 1)],
                grades=bands,
                vetoes=[self.VETO],
                veto_grades=["不合格"],
            )
