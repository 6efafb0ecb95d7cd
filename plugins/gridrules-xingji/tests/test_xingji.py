"""xingji: registration, citations, structure, the star rating and the core's invariants.

The worked scenarios are in scenarios.toml beside this file (collected by gridrules' pytest
plugin); they cover both sides of every star boundary through scoring. The tests here pin the
star decision itself (assumption A1-stars) and the other readings the rubric depends on.
"""

from decimal import Decimal

import pytest

import gridrules
from gridrules.testing import source_of

D = Decimal

# On target for the two fields without a default: 10 办件 and a 10% entry rate lose nothing.
ON_TARGET = {"cases_collected": 10, "population_entry_rate": "10"}

STAR_SENTENCE = "考评按五星标准评定,每20分为一个星级,扣分达20分的取消一个星级。"


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("xingji")


def test_source_is_the_excerpt_verbatim() -> None:
    text = source_of("xingji").read_text(encoding="utf-8")
    assert text.startswith("# seed 000_0c706be2daee18e9.txt, lines 148-186\n")
    assert STAR_SENTENCE in text


def test_sections_40_50_10_sum_to_100(rubric: gridrules.Rubric) -> None:
    # 信息平台 10 + 10 + 5 + 5 + 10 = 40; 人员管理 5 × 10 = 50; 其他 10; 40 + 50 + 10 = 100
    sections = [(n.id, n.maximum) for n in rubric.children]
    assert sections == [("platform", 40), ("staff", 50), ("other", 10)]
    assert [item.maximum for item in rubric.items()] == [10, 10, 5, 5, 10, 10, 10, 10, 10, 10, 10]
    assert rubric.effective_maximum == rubric.maximum == 100
    assert rubric.parameters == ()


def test_the_star_rating_follows_the_deductions_sentence(rubric: gridrules.Rubric) -> None:
    # A1-stars: 扣分达20分的取消一个星级 governs; 每20分为一个星级 sets the 20-point step.
    assert rubric.stars == gridrules.StarRating(5, 20, "deductions")
    (a1,) = [a for a in rubric.assumptions if a.id == "A1-stars"]
    assert a1.quote == STAR_SENTENCE
    assert "每20分为一个星级" in a1.decision
    assert "扣分达20分的取消一个星级" in a1.decision


# (扣分, stars) worked by hand: 5 − ⌊扣分 ÷ 20⌋, both sides of every multiple of 20.
DEDUCTION_BOUNDARIES = [
    ("0", 5),
    ("0.5", 5),
    ("19.5", 5),
    ("20", 4),
    ("20.5", 4),
    ("39.5", 4),
    ("40", 3),
    ("40.5", 3),
    ("59.5", 3),
    ("60", 2),
    ("60.5", 2),
    ("79.5", 2),
    ("80", 1),
    ("80.5", 1),
    ("97", 1),  # the most this rubric can deduct (实有房屋采集 never loses more than 2)
    ("99.5", 1),
    ("100", 0),
]


@pytest.mark.parametrize(("deducted", "stars"), DEDUCTION_BOUNDARIES)
def test_star_boundaries_on_the_deductions(
    rubric: gridrules.Rubric, deducted: str, stars: int
) -> None:
    assert rubric.stars is not None
    total = D(100) - D(deducted)
    assert rubric.stars.rate(total, D(deducted)) == stars


# (total, stars under A1, stars under 每20分为一个星级 alone = ⌊total ÷ 20⌋), by hand. The readings
# agree on multiples of 20 and differ by one star everywhere else.
READINGS = [
    ("100", 5, 5),
    ("99.5", 5, 4),
    ("85", 5, 4),
    ("80.5", 5, 4),
    ("80", 4, 4),
    ("79.5", 4, 3),
    ("60", 3, 3),
    ("59.5", 3, 2),
    ("40", 2, 2),
    ("39.5", 2, 1),
    ("20", 1, 1),
    ("19.5", 1, 0),
    ("3", 1, 0),
]


@pytest.mark.parametrize(("total", "chosen", "points_reading"), READINGS)
def test_where_the_two_star_sentences_disagree(
    rubric: gridrules.Rubric, total: str, chosen: int, points_reading: int
) -> None:
    assert rubric.stars is not None
    deducted = D(100) - D(total)
    assert rubric.stars.rate(D(total), deducted) == chosen
    assert gridrules.StarRating(5, 20, "points").rate(D(total), deducted) == points_reading
    assert (chosen == points_reading) == (D(total) % 20 == 0)


def test_85_points_is_five_stars_when_scored(rubric: gridrules.Rubric) -> None:
    # 不到岗 10 × 1 = 10 → 到岗 0; 未挂牌 5 × 1 = 5 → 挂牌 5; 85 points, 15 deducted < 20 → 5 stars
    sheet = rubric.score({**ON_TARGET, "not_on_duty": 10, "not_badged": 5})
    assert (sheet.total, sheet.stars) == (D(85), 5)
    assert "A1-stars" in {a.id for a in sheet.assumptions}


def test_the_lowest_possible_score_is_3_and_one_star(rubric: gridrules.Rubric) -> None:
    # Every count far past its item: each item at 0 except 实有房屋采集, whose only rule (a yes/no
    # flag) takes 2 of its 5 (A3: 扣2分 once) → total 3, 扣分 97 → 5 − ⌊97/20⌋ = 1 star.
    worst: dict[str, object] = {
        field: 1000 for field, f in rubric.fields.items() if f.kind.value == "count"
    }
    worst.update(cases_collected=0, population_entry_rate="0", housing_not_grown=True)
    sheet = rubric.score(worst)
    assert sheet.points["housing"] == 3
    assert (sheet.total, sheet.stars) == (D(3), 1)


def test_housing_not_grown_is_a_flag_deducted_once(rubric: gridrules.Rubric) -> None:
    # 采集录入未有效增长或变化的扣2分 (A3): true → 5 − 2 = 3, total 98; false → nothing
    assert rubric.fields["housing_not_grown"].kind is gridrules.FieldKind.FLAG
    sheet = rubric.score({**ON_TARGET, "housing_not_grown": True})
    (reason,) = sheet.line("housing").reasons
    assert reason.amount == 2
    assert reason.arithmetic == "housing_not_grown 为是，扣2分"
    assert (sheet.points["housing"], sheet.total) == (D(3), D(98))
    assert rubric.score({**ON_TARGET, "housing_not_grown": False}).total == 100
    with pytest.raises(gridrules.EvidenceError, match="housing_not_grown: expected true or false"):
        rubric.score({**ON_TARGET, "housing_not_grown": 2})


def test_the_rate_counts_whole_points_only(rubric: gridrules.Rubric) -> None:
    # A2: 少一个百分点扣1分 counts whole points: 9.5% → 0 short, 9% and 8.5% → 1 short.
    points = {
        rate: rubric.score({**ON_TARGET, "population_entry_rate": rate}).points["population"]
        for rate in ("10", "9.5", "9", "8.5", "0.5")
    }
    # 0.5%: 少9.5 → ⌊9.5⌋ = 9 > 5 → 0
    assert points == {"10": 5, "9.5": 5, "9": 4, "8.5": 4, "0.5": 0}


def test_the_typo_is_recorded_and_shown(rubric: gridrules.Rubric) -> None:
    # 为开展的扣1分 read as 未开展 (A8); 3 × 1 = 3 → 便民服务 7
    sheet = rubric.score({**ON_TARGET, "services_not_carried_out": 3})
    (reason,) = sheet.line("services").reasons
    assert reason.clause == "为开展的扣1分"
    assert reason.label == "便民服务未开展"
    assert sheet.line("services").points == 7
    assert "A8-typo-weikaizhan" in {a.id for a in sheet.assumptions}
