"""liujiaoting: registration, citations, the grade bands, the annual combination, invariants.

The worked scenarios of one period's sheet are in scenarios.toml beside this file (collected by
gridrules' pytest plugin); the annual 40% / 60% combination of two sheets is tested here.
"""

import re
from decimal import Decimal

import attrs
import pytest

import gridrules
from gridrules.serialization import loads_rubric
from gridrules.testing import check_citations, source_of

SOURCE_TEXT = source_of("liujiaoting").read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("liujiaoting")


def _sheet(
    rubric: gridrules.Rubric, dept: str, community: str, service: str, **bonus: object
) -> gridrules.ScoreSheet:
    evidence = {"dept_points": dept, "community_points": community, "service_points": service}
    return rubric.score({**evidence, **bonus})


def test_every_clause_is_quoted_from_the_source(rubric: gridrules.Rubric) -> None:
    assert check_citations(rubric, SOURCE_TEXT) == []
    # check_citations does not look at combinations: the 40%/60% clause is checked here
    for combination in rubric.combinations:
        assert _flat(combination.clause) in _flat(SOURCE_TEXT)


def test_source_is_the_verbatim_excerpt() -> None:
    assert "其中办事处部门考核560分,社区考核30分,服务对象测评10分。" in SOURCE_TEXT


def test_three_parts_are_60_30_10_and_sum_to_100(rubric: gridrules.Rubric) -> None:
    # 其中办事处部门考核560分 (read as 60, A1-typo-560), 社区考核30分, 服务对象测评10分:
    # 60 + 30 + 10 = 100 (实行“百分制”); the bonus items have maximum 0
    maxima = {item.id: item.maximum for item in rubric.items()}
    assert maxima == {
        "dept": 60,
        "community": 30,
        "service": 10,
        "articles": 0,
        "highlights": 0,
        "commendations": 0,
    }
    assert rubric.effective_maximum == rubric.maximum == 100
    assert rubric.node("parts").effective_maximum == 100
    assert "A1-typo-560" in {a.id for a in rubric.assumptions}


def test_bonuses_are_uncapped(rubric: gridrules.Rubric) -> None:
    # no cap in the source (A6-bonus-uncapped): no rubric-wide cap, no ceiling on the bonus
    assert rubric.bonus_cap is None
    assert rubric.bonus_ceiling is None
    assert rubric.grade_ceiling is None


def test_sheet_carries_the_assumptions(rubric: gridrules.Rubric) -> None:
    sheet = _sheet(rubric, "60", "30", "10")
    assert {a.id for a in sheet.assumptions} >= {
        "A1-typo-560",
        "A3-annual-weights",
        "A5-grade-bands",
        "A6-bonus-uncapped",
    }
    assert sheet.line("dept").clause == "办事处部门考核560分"


# -- grade bands -------------------------------------------------------------------------------

# 优秀(95分以上)、合格(80-94分)、基本合格(70-79分)和不合格(60分以下), taken literally.
# Two readings of 60分以下: with 60 (以上/以下 包括本数, the statutory convention) or without it.
LITERAL_WITH_60 = [
    gridrules.Band.between("优秀", 95, None),
    gridrules.Band.between("合格", 80, 94),
    gridrules.Band.between("基本合格", 70, 79),
    gridrules.Band.between("不合格", 0, 60),
]
LITERAL_WITHOUT_60 = [
    *LITERAL_WITH_60[:3],
    gridrules.Band.between("不合格", 0, 60, upper_inclusive=False),
]


@pytest.mark.parametrize(
    ("bands", "low_gap"),
    [
        (LITERAL_WITH_60, "(60, 70) falls in no band"),
        (LITERAL_WITHOUT_60, "[60, 70) falls in no band"),
    ],
)
def test_literal_bands_name_their_gaps(bands: list[gridrules.Band], low_gap: str) -> None:
    # uncapped bonus: the bands must cover [0, +∞)
    assert gridrules.GradeBands(bands).problems(None) == [
        low_gap,
        "(79, 80) falls in no band",
        "(94, 95) falls in no band",
    ]


@pytest.mark.parametrize(
    ("bands", "low_gap"),
    [(LITERAL_WITH_60, r"\(60, 70\)"), (LITERAL_WITHOUT_60, r"\[60, 70\)")],
)
def test_literal_bands_fail_validation(
    rubric: gridrules.Rubric, bands: list[gridrules.Band], low_gap: str
) -> None:
    with pytest.raises(gridrules.BandError) as caught:
        attrs.evolve(rubric, grades=gridrules.GradeBands(bands))
    message = str(caught.value)
    assert message.startswith("rubric 'liujiaoting': grades: grade bands ")
    assert re.search(low_gap + " falls in no band", message)
    assert "(79, 80) falls in no band" in message
    assert "(94, 95) falls in no band" in message


def test_literal_bands_in_the_rubric_file_fail_to_load() -> None:
    text = source_of("liujiaoting").with_name("rubric.toml").read_text(encoding="utf-8")
    head, _, tail = text.partition("[grades]")
    _, _, combinations = tail.partition("# -- the annual result")
    literal = """[grades]
low = "0"
bands = [
  { name = "优秀", interval = { lower = "95" } },
  { name = "合格", interval = { lower = "80", upper = "94", upper_inclusive = true } },
  { name = "基本合格", interval = { lower = "70", upper = "79", upper_inclusive = true } },
  { name = "不合格", interval = { lower = "0", upper = "60", upper_inclusive = true } },
]

"""
    with pytest.raises(gridrules.DataFileError, match=r"\(60, 70\) falls in no band"):
        loads_rubric(head + literal + "# -- the annual result" + combinations)


def test_resolved_bands_cover_every_total(rubric: gridrules.Rubric) -> None:
    assert rubric.grades is not None
    assert rubric.grades.problems(None) == []
    assert rubric.grades.names == ("优秀", "合格", "基本合格", "不合格")


@pytest.mark.parametrize(
    ("total", "grade"),
    # A5: 优秀 [95, +∞), 合格 [80, 95), 基本合格 [70, 80), 不合格 [0, 70)
    [
        ("120", "优秀"),
        ("95", "优秀"),
        ("94.9", "合格"),
        ("80", "合格"),
        ("79.9", "基本合格"),
        ("70", "基本合格"),
        ("69.9", "不合格"),
        ("65", "不合格"),
        ("60", "不合格"),
        ("0", "不合格"),
    ],
)
def test_grade_of_a_total(rubric: gridrules.Rubric, total: str, grade: str) -> None:
    assert rubric.grades is not None
    assert rubric.grades.grade(Decimal(total)) == grade


# -- the annual result: 半年考核占40%, 年终考核占60% -------------------------------------------


def test_annual_combination_is_declared(rubric: gridrules.Rubric) -> None:
    (annual,) = rubric.combinations
    assert annual.id == "annual"
    assert annual.method == "weighted"
    assert annual.rounding is None  # A4-no-rounding
    assert [(p.id, p.weight) for p in annual.parts] == [
        ("half_year", Decimal("0.4")),
        ("year_end", Decimal("0.6")),
    ]


def test_annual_total_is_40_percent_half_year_plus_60_percent_year_end(
    rubric: gridrules.Rubric,
) -> None:
    # 半年: 52 + 26 + 8 = 86, 稿件 2 × 1 + 1 × 2 = 4 → 90 (合格)
    half = _sheet(rubric, "52", "26", "8", local_articles=2, prefecture_articles=1)
    # 年终: 50 + 25 + 9 = 84 (合格)
    year_end = _sheet(rubric, "50", "25", "9")
    assert (half.total, year_end.total) == (90, 84)
    combined = rubric.combine("annual", {"half_year": half, "year_end": year_end})
    # 90 × 40% = 36; 84 × 60% = 50.4; 36 + 50.4 = 86.4 (not rounded, A4) → 合格 [80, 95)
    assert combined.total == Decimal("86.4")
    assert combined.grade == "合格"
    assert combined.parts == (
        ("half_year", Decimal(90), Decimal(36)),
        ("year_end", Decimal(84), Decimal("50.4")),
    )
    assert combined.arithmetic == "90 × 40% + 84 × 60% = 86.4"
    assert combined.label == "年度总考核得分"


def test_annual_total_is_not_rounded_up_into_the_next_grade(rubric: gridrules.Rubric) -> None:
    # 半年: 56 + 28 + 10 = 94 (合格); 年终: 57.5 + 28 + 10 = 95.5 (优秀)
    half = _sheet(rubric, "56", "28", "10")
    year_end = _sheet(rubric, "57.5", "28", "10")
    assert (half.grade, year_end.grade) == ("合格", "优秀")
    combined = rubric.combine("annual", {"half_year": half, "year_end": year_end})
    # 94 × 0.4 = 37.6; 95.5 × 0.6 = 57.3; 37.6 + 57.3 = 94.9: no rounding (A4), so under 95
    # → 合格, not 优秀
    assert combined.total == Decimal("94.9")
    assert combined.grade == "合格"


def test_annual_weights_differ_from_a_plain_sum_or_mean(rubric: gridrules.Rubric) -> None:
    # 半年: 40 + 20 + 5 = 65 (不合格); 年终: 60 + 30 + 10 = 100 (优秀)
    half = _sheet(rubric, "40", "20", "5")
    year_end = _sheet(rubric, "60", "30", "10")
    combined = rubric.combine("annual", {"half_year": half, "year_end": year_end})
    # 65 × 0.4 = 26; 100 × 0.6 = 60; 26 + 60 = 86 → 合格 (the plain mean would be 82.5, the plain
    # sum 165: A3-annual-weights)
    assert combined.total == 86
    assert combined.grade == "合格"


def test_annual_total_keeps_uncapped_bonuses(rubric: gridrules.Rubric) -> None:
    # 半年: 100 + 3 × 1 + 2 × 2 + 2 + 2 = 111; 年终: 55 + 27 + 9 = 91
    half = _sheet(
        rubric,
        "60",
        "30",
        "10",
        local_articles=3,
        prefecture_articles=2,
        highlights=1,
        commendation="市级以上",
    )
    year_end = _sheet(rubric, "55", "27", "9")
    assert (half.total, year_end.total) == (111, 91)
    combined = rubric.combine("annual", {"half_year": half, "year_end": year_end})
    # 111 × 0.4 = 44.4; 91 × 0.6 = 54.6; 44.4 + 54.6 = 99 → 优秀
    assert combined.total == 99
    assert combined.grade == "优秀"


def test_annual_combination_needs_both_periods(rubric: gridrules.Rubric) -> None:
    half = _sheet(rubric, "52", "26", "8")
    with pytest.raises(gridrules.GridrulesError, match="missing the sheet of year_end"):
        rubric.combine("annual", {"half_year": half})
    with pytest.raises(gridrules.GridrulesError, match="unknown part"):
        rubric.combine("annual", {"half_year": half, "year_end": half, "q3": half})


def test_unknown_combination_is_named(rubric: gridrules.Rubric) -> None:
    half = _sheet(rubric, "52", "26", "8")
    expected = r"no combination 'yearly' \(declared: annual\)"
    with pytest.raises(gridrules.RubricError, match=expected):
        rubric.combine("yearly", {"half_year": half, "year_end": half})


# -- the core's invariants ---------------------------------------------------------------------
