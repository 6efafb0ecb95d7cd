"""Grade bands, star ratings and vetoes."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from helpers import one_item

import gridrules as gr

# qixingjie as written: 优秀 90-100 / 合格 75-90 / 基本合格 60-75 / 不合格 <60 (shared boundaries)
QIXINGJIE_LITERAL = [
    gr.Band.between("优秀", 90, 100),
    gr.Band.between("合格", 75, 90),
    gr.Band.between("基本合格", 60, 75),
    gr.Band.between("不合格", None, 60, upper_inclusive=False),
]
# liujiaoting as written: 优秀(95分以上) 合格(80-94分) 基本合格(70-79分) 不合格(60分以下)
LIUJIAOTING_LITERAL = [
    gr.Band.between("优秀", 95, None),
    gr.Band.between("合格", 80, 94),
    gr.Band.between("基本合格", 70, 79),
    gr.Band.between("不合格", None, 60, upper_inclusive=False),
]


def test_gaps_are_named() -> None:
    problems = gr.GradeBands(LIUJIAOTING_LITERAL).problems(D(100))
    assert problems == [
        "[60, 70) falls in no band",
        "(79, 80) falls in no band",
        "(94, 95) falls in no band",
    ]


def test_shared_boundaries_are_named_as_overlaps() -> None:
    problems = gr.GradeBands(QIXINGJIE_LITERAL).problems(D(100))
    assert problems == [
        "bands '基本合格' and '合格' overlap on [75, 75]",
        "bands '合格' and '优秀' overlap on [90, 90]",
    ]


def test_a_rubric_with_literal_bands_cannot_be_built() -> None:
    with pytest.raises(gr.BandError, match=r"\[60, 70\) falls in no band"):
        one_item([gr.PerOccurrence("n", 1)], maximum=100, grades=gr.GradeBands(LIUJIAOTING_LITERAL))


def test_bands_must_reach_the_maximum_plus_bonus() -> None:
    bands = gr.GradeBands([gr.Band.between("合格", 0, 10)])
    with pytest.raises(gr.BandError, match=r"\(10, \+∞\) falls in no band"):
        one_item([gr.Bonus("b", 1, cap=None)], grades=bands)


@pytest.mark.parametrize(
    ("total_deducted", "grade"),
    # resolved qixingjie bands: 优秀 [90, 100], 合格 [75, 90), 基本合格 [60, 75), 不合格 [0, 60)
    [
        (0, "优秀"),
        (10, "优秀"),
        (11, "合格"),
        (25, "合格"),
        (26, "基本合格"),
        (40, "基本合格"),
        (41, "不合格"),
    ],
)
def test_grade_matches_its_band(total_deducted: int, grade: str) -> None:
    bands = gr.GradeBands(
        [
            gr.Band.between("优秀", 90, 100),
            gr.Band.between("合格", 75, 90, upper_inclusive=False),
            gr.Band.between("基本合格", 60, 75, upper_inclusive=False),
            gr.Band.between("不合格", 0, 60, upper_inclusive=False),
        ]
    )
    rubric = one_item([gr.PerOccurrence("n", 1)], maximum=100, grades=bands)
    assert rubric.score({"n": total_deducted}).grade == grade


@pytest.mark.parametrize(
    "bands",
    [
        QIXINGJIE_LITERAL,  # overlapping at shared bounds: the first band declared wins
        [
            gr.Band.between("合格", "59.5", None),
            gr.Band.between("不合格", 0, "59.5", upper_inclusive=False),
        ],
        [gr.Band.between("唯一", None, None)],
    ],
)
def test_the_prepared_grader_is_grade(bands: list[gr.Band]) -> None:
    """The bisection lookup gives what trying the bands in turn gives, at and between bounds,
    for totals of 28 digits, and raises the same error for a total in no band."""
    grades = gr.GradeBands(bands)
    lookup = grades.grader()
    totals = [D(t) for t in ("-1", "0", "59.4999999999999999999999999", "59.5", "60", "74.99")]
    totals += [D(t) for t in ("75", "75.0000000000000000000000001", "90", "100", "100.5")]
    for total in totals:
        try:
            expected = grades.grade(total)
        except gr.BandError as error:
            with pytest.raises(gr.BandError, match=str(error)):
                lookup(total)
        else:
            assert lookup(total) == expected, total


class TestStars:
    def test_steps_are_compared_exactly(self) -> None:
        # 39.99…9 (28 digits) ÷ 20 rounds up to 2 at 28 digits; it is still short of 2 steps
        total = D("39.99999999999999999999999999")
        assert gr.StarRating(5, 20, "points").rate(total, D(0)) == 1
        assert gr.StarRating(5, 20, "deductions").rate(D(0), total) == 4

    def test_from_points(self) -> None:
        stars = gr.StarRating(5, 20, "points")
        # 每20分为一个星级: 100 → 5, 99.5 → 4, 80 → 4, 79.5 → 3, 19.5 → 0
        assert [stars.rate(D(t), D(0)) for t in ("100", "99.5", "80", "79.5", "19.5")] == [
            5,
            4,
            4,
            3,
            0,
        ]

    def test_from_deductions(self) -> None:
        stars = gr.StarRating(5, 20, "deductions")
        # 扣分达20分的取消一个星级: 19.5 → 5, 20 → 4, 39.5 → 4, 40 → 3, 100 → 0
        assert [stars.rate(D(0), D(d)) for d in ("19.5", "20", "39.5", "40", "100")] == [
            5,
            4,
            4,
            3,
            0,
        ]

    def test_on_the_sheet(self) -> None:
        rubric = one_item(
            [gr.PerOccurrence("n", 1)], maximum=100, stars=gr.StarRating(5, 20, "deductions")
        )
        # 15 deducted → no star lost; 20 deducted → 4 stars
        assert rubric.score({"n": 15}).stars == 5
        assert rubric.score({"n": 20}).stars == 4


class TestVeto:
    BANDS = gr.GradeBands(
        [
            gr.Band.between("合格", 60, None),
            gr.Band.between("不合格", None, 60, upper_inclusive=False),
        ]
    )

    def test_forces_a_grade(self) -> None:
        # xiangxi: 参加会议不足一半的 ... 年度考核列为不合格档次
        veto = gr.Veto(
            "meetings",
            gr.When("under_half_meetings"),
            grade="不合格",
            label="会议出勤不足一半",
            clause="列为不合格档次",
        )
        rubric = one_item([gr.PerOccurrence("n", 1)], maximum=100, grades=self.BANDS, vetoes=[veto])
        sheet = rubric.score({"n": 0, "under_half_meetings": True})
        assert (sheet.total, sheet.grade) == (100, "不合格")
        assert [v.id for v in sheet.vetoes] == ["meetings"]
        assert rubric.score({"n": 0}).grade == "合格"

    def test_sets_a_flag_without_touching_points(self) -> None:
        # wanggezhang: 取消评选树优资格
        veto = gr.Veto("falsified", gr.When("falsified"), flag="award_ineligible")
        rubric = one_item([gr.PerOccurrence("n", 1)], vetoes=[veto])
        sheet = rubric.score({"n": 1, "falsified": True})
        assert (sheet.total, sheet.flags) == (9, frozenset({"award_ineligible"}))

    def test_a_forced_grade_must_exist(self) -> None:
        veto = gr.Veto("v", gr.When("x"), grade="优秀")
        with pytest.raises(gr.RubricError, match="'优秀'"):
            one_item([gr.PerOccurrence("n", 1)], grades=self.BANDS, vetoes=[veto])
