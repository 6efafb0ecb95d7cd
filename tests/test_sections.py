"""Sections capped at their stated maximum (封顶), and sections graded on their own.

shequ-pingtai: 创新奖励分(10分): 示范引领 5, 全区 5, 全市 6, 全省 8, which read as additive
can sum past 10; qixingjie prints 优秀/合格/... inside 社区及街道考评, which a plugin may read
as that part's own grades.
"""

from __future__ import annotations

import csv
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gridrules as gr
from gridrules.serialization import dump_rubric, loads_rubric

CLAUSE = "创新奖励分(10分)"


def award(item_id: str, label: str, points: int) -> gr.Item:
    """An award of ``points`` given when the flag ``item_id`` is yes (else 0)."""
    return gr.Item(
        item_id,
        label,
        points,
        clause=CLAUSE,
        rules=[gr.ZeroIf(gr.When(item_id, "is_false"))],
    )


def innovation(**section: object) -> gr.Rubric:
    """创新奖励分 capped at 10 (5 + 5 + 6 + 8 = 24 as written), beside a 90-point part."""
    awards = gr.Section(
        "innovation",
        "创新奖励分",
        10,
        [
            award("model", "示范引领", 5),
            award("district", "全区推广", 5),
            award("city", "全市推广", 6),
            award("province", "全省推广", 8),
        ],
        clause=CLAUSE,
        capped=True,
        **section,  # type: ignore[arg-type]
    )
    work = gr.Item(
        "work", "日常工作", 90, clause="缺一次扣1分", rules=[gr.PerOccurrence("missed", 1)]
    )
    return gr.Rubric(name="capped", title="封顶示例", maximum=100, children=[work, awards])


FLAGS = ("model", "district", "city", "province")


class TestCappedSection:
    @pytest.mark.parametrize(
        ("given_awards", "section", "summed"),
        [
            ((), 0, None),  # nothing
            (("model",), 5, None),  # 5 ≤ 10
            (("model", "district"), 10, None),  # 5 + 5 = 10: at the cap, not past it
            (("city", "model"), 10, D(11)),  # 5 + 6 = 11 > 10: 10
            (FLAGS, 10, D(24)),  # 5 + 5 + 6 + 8 = 24 > 10: 10
        ],
    )
    def test_the_section_scores_at_most_its_maximum(
        self, given_awards: tuple[str, ...], section: int, summed: D | None
    ) -> None:
        record = {"missed": 0, **{flag: flag in given_awards for flag in FLAGS}}
        scorer = innovation().prepare()
        sheet = scorer.score(record)
        [line] = sheet.sections
        assert (line.points, line.maximum, line.before_cap) == (section, 10, summed)
        assert sheet.total == 90 + section
        assert scorer.result(record).total == sheet.total
        assert next(scorer.results([record])).total == sheet.total

    def test_the_sheet_says_what_the_cap_took(self) -> None:
        sheet = innovation().score({"missed": 2, **dict.fromkeys(FLAGS, True)})
        text = sheet.to_text()
        assert "【创新奖励分】 10 / 10（合计24分，封顶10分）" in text
        assert "合计24分，封顶10分" in sheet.to_markdown()
        assert "合计24分，封顶10分" in sheet.to_html()
        assert gr.ScoreSheet.from_dict(sheet.to_dict()) == sheet

    def test_the_rubric_reaches_the_cap_not_the_sum(self) -> None:
        rubric = innovation()
        assert rubric.node("innovation").effective_maximum == 10
        assert rubric.effective_maximum == 100

    def test_a_cap_that_never_applies_is_refused(self) -> None:
        with pytest.raises(gr.RubricError, match="parts allow only 5: the cap never applies"):
            gr.Section("s", "部分", 10, [award("model", "示范引领", 5)], capped=True)

    def test_a_weighted_section_is_not_capped(self) -> None:
        with pytest.raises(gr.RubricError, match="scaled to its maximum already"):
            gr.Section(
                "s",
                "部分",
                10,
                [award("a", "甲", 8), award("b", "乙", 8)],
                weights=[gr.Weight("a", "0.5"), gr.Weight("b", "0.5")],
                capped=True,
            )

    def test_the_rubric_file_reads_and_writes_it(self) -> None:
        rubric = innovation()
        assert loads_rubric(dump_rubric(rubric, "json"), "json") == rubric

    @given(st.fixed_dictionaries({flag: st.booleans() for flag in FLAGS}), st.integers(0, 100))
    def test_the_section_is_never_past_its_cap(self, flags: dict[str, bool], missed: int) -> None:
        sheet = innovation().score({"missed": missed, **flags})
        [line] = sheet.sections
        written = sum((item.maximum for item in innovation().node("innovation").children
                       if flags[item.id]), D(0))  # fmt: skip
        assert line.points == min(written, D(10))
        assert sheet.total <= 100


BANDS = gr.GradeBands(
    [
        gr.Band.between("优秀", 90, 100),
        gr.Band.between("合格", 75, 90, upper_inclusive=False),
        gr.Band.between("基本合格", 60, 75, upper_inclusive=False),
        gr.Band.between("不合格", 0, 60, upper_inclusive=False),
    ]
)


def graded_part() -> gr.Rubric:
    """社区及街道考评 (100, graded on its own) and 居民满意度 (100), weighted 30% / 70%."""
    street = gr.Section(
        "street",
        "社区及街道考评",
        100,
        [gr.Item("review", "考评", 100, clause="考评", rules=[gr.AssessorPoints("review_points")])],
        grades=BANDS,
    )
    residents = gr.Item(
        "residents", "居民满意度", 100, clause="满意度", rules=[gr.AssessorPoints("satisfaction")]
    )
    return gr.Rubric(
        name="graded",
        title="分部分等次",
        maximum=100,
        children=[street, residents],
        weights=[gr.Weight("street", "0.3"), gr.Weight("residents", "0.7")],
    )


class TestSectionGrades:
    @pytest.mark.parametrize(
        ("points", "grade"),
        [(100, "优秀"), (90, "优秀"), ("89.5", "合格"), (75, "合格"), (74, "基本合格"),
         (60, "基本合格"), (59, "不合格"), (0, "不合格")],
    )  # fmt: skip
    def test_the_section_line_shows_its_grade(self, points: object, grade: str) -> None:
        sheet = graded_part().score({"review_points": points, "satisfaction": 80})
        [line] = sheet.sections
        assert line.grade == grade
        assert f"等次：{grade}" in sheet.to_text()
        assert sheet.grade is None  # the rubric itself grades nothing

    def test_the_section_grade_reads_back(self) -> None:
        sheet = graded_part().score({"review_points": 80, "satisfaction": 80})
        assert gr.ScoreSheet.from_dict(sheet.to_dict()) == sheet

    def test_literal_bands_with_shared_boundaries_are_refused(self) -> None:
        literal = gr.GradeBands(
            [gr.Band.between("合格", 75, 90), gr.Band.between("优秀", 90, 100),
             gr.Band.between("不合格", 0, 75, upper_inclusive=False)]
        )  # fmt: skip
        with pytest.raises(gr.BandError, match=r"section 'street' grades.*overlap on \[90, 90\]"):
            gr.Rubric(
                name="graded",
                title="分部分等次",
                maximum=100,
                children=[
                    gr.Section(
                        "street",
                        "社区及街道考评",
                        100,
                        [gr.Item("r", "考评", 100, clause="考评", rules=[gr.AssessorPoints("p")])],
                        grades=literal,
                    )
                ],
            )

    def test_bands_must_cover_the_section_not_the_rubric(self) -> None:
        short = gr.GradeBands([gr.Band.between("合格", 0, 50)])
        with pytest.raises(gr.BandError, match=r"\(50, 100\] falls in no band"):
            gr.Rubric(
                name="graded",
                title="分部分等次",
                maximum=100,
                children=[
                    gr.Section(
                        "street",
                        "社区及街道考评",
                        100,
                        [gr.Item("r", "考评", 100, clause="考评", rules=[gr.AssessorPoints("p")])],
                        grades=short,
                    )
                ],
            )


class TestSectionGradesWithoutSheets:
    """A section's grade is a figure too: in every Result, and a column of batch's output."""

    @pytest.mark.parametrize("points", [59, "89.5", 90])
    def test_every_path_gives_the_sections_grade(self, points: object) -> None:
        scorer = graded_part().prepare()
        record = {"review_points": points, "satisfaction": 80}
        sheet = scorer.score(record)
        expected = {"street": sheet.sections[0].grade}
        assert scorer.result(record).section_grades == expected
        assert next(scorer.results([record])).section_grades == expected
        again = gr.Result.from_dict(scorer.result(record).to_dict())
        assert again == scorer.result(record)

    @pytest.mark.parametrize("workers", [1, 2])
    def test_batch_writes_a_column_of_the_sections_grade(
        self, tmp_path: Path, workers: int
    ) -> None:
        from gridrules.batch import run_batch

        table = tmp_path / "in.csv"
        table.write_text(
            "被考核人员,review_points,satisfaction\n王立,95,80\n陈晓,74,90\n", encoding="utf-8"
        )
        out = tmp_path / "out.csv"
        run_batch(graded_part(), table, out, workers=workers, group_by=())
        with out.open(encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
        assert [(r["assessee"], r["grade.street"]) for r in rows] == [
            ("王立", "优秀"),
            ("陈晓", "基本合格"),
        ]
