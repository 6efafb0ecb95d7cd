"""xiaofang: registration, citations, the rate tiers, the caps, the start date and the 旬 helper.

The worked scenarios are in scenarios.toml beside this file (collected by gridrules' pytest
plugin).
"""

from datetime import date
from decimal import Decimal

import pytest
from gridrules_xiaofang import (
    OTHER_TOWNS_START,
    SANJIAO_START,
    count_missed_xun,
    start_date,
    start_for_town,
    xun_scope,
)

import gridrules
from gridrules.periods import Period, PeriodError, PeriodKind
from gridrules.testing import check_rubric, source_of

PERFECT = {"rectification_rate": "100"}


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("xiaofang")


def test_source_is_the_excerpt() -> None:
    text = source_of("xiaofang").read_text(encoding="utf-8")
    assert text.startswith("# seed 000_0c706be2daee18e9.txt, lines 310-345")


def test_parts_are_60_30_10(rubric: gridrules.Rubric) -> None:
    # (一)手机终端运行情况(60分) + (二)实际运行情况(30分) + (一)网格化宣传情况(10分) = 100
    assert [(i.id, i.maximum) for i in rubric.items()] == [
        ("terminal", 60),
        ("field_check", 30),
        ("grid_publicity", 10),
    ]
    assert rubric.effective_maximum == rubric.maximum == 100


def test_the_heading_of_10_over_a_body_of_90_is_an_assumption(rubric: gridrules.Rubric) -> None:
    work = rubric.node("work")
    assert isinstance(work, gridrules.Section)
    # 一、工作开展情况(10分) over 60 + 30: the section allows what its parts allow
    assert work.maximum == 10
    assert work.effective_maximum == 90
    assert work.maximum_assumption == "A1-heading"
    sheet = rubric.score(PERFECT)
    assert {s.section_id: s.maximum for s in sheet.sections} == {"work": 90, "publicity": 10}


def test_the_literal_heading_is_rejected_without_the_assumption(rubric: gridrules.Rubric) -> None:
    import attrs

    work = rubric.node("work")
    with pytest.raises(
        gridrules.RubricError, match="states a maximum of 10 but its parts allow 90"
    ):
        attrs.evolve(
            rubric, children=[attrs.evolve(work, maximum_assumption=None), *rubric.children[1:]]
        )


# -- 整改率 tiers -------------------------------------------------------------------------------
# 未达到60%,扣10分;未达到70%扣6分;未达到80%扣3分;未达到90%的,扣1分 (未达到 = strictly below)
TIERS = [
    ("0", 10),
    ("59.99", 10),
    ("60", 6),
    ("69.99", 6),
    ("70", 3),
    ("79.99", 3),
    ("80", 1),
    ("89.99", 1),
    ("90", 0),
    ("100", 0),
]


@pytest.mark.parametrize(("rate", "deducted"), TIERS)
def test_rectification_rate_tiers(rubric: gridrules.Rubric, rate: str, deducted: int) -> None:
    sheet = rubric.score({"rectification_rate": rate})
    line = sheet.line("terminal")
    assert line.points == 60 - deducted
    assert sheet.total == 100 - deducted
    if deducted:
        (reason,) = line.reasons
        assert reason.field == "rectification_rate"
        assert reason.amount == deducted
        assert "发现隐患整改率未达到60%" in reason.clause
    else:
        assert line.reasons == ()


def test_the_literal_tiers_overlap_so_they_need_the_first_hit_policy(
    rubric: gridrules.Rubric,
) -> None:
    (tiers,) = [r for r in rubric.node("terminal").rules if isinstance(r, gridrules.Tiers)]
    assert tiers.hit == "first"
    with pytest.raises(gridrules.BandError, match="overlap"):
        gridrules.Tiers("rectification_rate", tiers.tiers, hit="unique")
    # without the 0 tier for 90% and above, the rates from 90 up would fall in no tier
    with pytest.raises(gridrules.BandError, match=r"\[90, 100\] falls in no tier"):
        gridrules.Tiers("rectification_rate", tiers.tiers[:-1])


# -- caps of single rules and the item floors ---------------------------------------------------
# (field, count, deduction by hand: count × points, stopped at the rule's 共N分)
CAPS = [
    ("terminal", "missed_xun", 2, 10),  # 2 × 5
    ("terminal", "missed_xun", 3, 15),  # 3 × 5 = 共15分
    ("terminal", "missed_xun", 4, 15),  # 20 > 15
    ("terminal", "missed_xun", 40, 15),
    ("terminal", "overdue_transfers", 2, 10),  # 2 × 5 = 共10分
    ("terminal", "overdue_transfers", 3, 10),  # 15 > 10
    ("field_check", "remaining_hazards", 3, 15),  # 3 × 5 = 共15分
    ("field_check", "remaining_hazards", 4, 15),  # 20 > 15
    ("field_check", "system_lapses", 5, 5),  # 5 × 1 = 共5分
    ("field_check", "system_lapses", 6, 5),  # 6 > 5
    ("field_check", "falsified_inspections", 1, 5),
    ("field_check", "falsified_inspections", 5, 25),  # no cap of its own
    ("field_check", "falsified_inspections", 7, 30),  # 35 > 30: the item stops at 0
]


@pytest.mark.parametrize(("item", "field", "count", "deducted"), CAPS)
def test_caps(rubric: gridrules.Rubric, item: str, field: str, count: int, deducted: int) -> None:
    sheet = rubric.score({**PERFECT, field: count})
    line = sheet.line(item)
    assert line.maximum - line.points == deducted
    assert sheet.total == 100 - deducted


# (item, flag, deduction by hand: taken once when true, A3-once)
ONCE = [
    ("terminal", "cannot_log_in", 5),
    ("terminal", "cannot_operate_app", 20),
    ("field_check", "unfamiliar_with_grid", 5),
    ("grid_publicity", "no_training", 10),
]


@pytest.mark.parametrize(("item", "field", "deducted"), ONCE)
def test_one_time_deductions_are_flags(
    rubric: gridrules.Rubric, item: str, field: str, deducted: int
) -> None:
    assert rubric.fields[field].kind is gridrules.FieldKind.FLAG
    sheet = rubric.score({**PERFECT, field: True})
    line = sheet.line(item)
    assert line.maximum - line.points == deducted
    assert sheet.total == 100 - deducted
    (reason,) = line.reasons
    assert reason.arithmetic == f"{field} 为是，扣{deducted}分"
    assert rubric.score({**PERFECT, field: False}).total == 100


@pytest.mark.parametrize("field", [field for _, field, _ in ONCE])
def test_a_count_of_one_time_findings_is_rejected(rubric: gridrules.Rubric, field: str) -> None:
    # 扣N分 with no 每次 is a yes/no finding: a count of 2 is not evidence for it
    with pytest.raises(gridrules.EvidenceError, match=f"{field}: expected true or false"):
        rubric.score({**PERFECT, field: 2})


def test_a_capped_rule_says_so_on_the_sheet(rubric: gridrules.Rubric) -> None:
    (reason,) = rubric.score({**PERFECT, "missed_xun": 4}).line("terminal").reasons
    assert reason.amount == 15
    assert reason.arithmetic == "4 × 5 = 20，共15分封顶"


def test_rules_add_up_to_the_item_floor(rubric: gridrules.Rubric) -> None:
    # 不熟悉 5 + 隐患 15 (capped) + 系统问题 5 (capped) + 未到场 2 × 5 = 10 → 35 > 30 → 0
    evidence = {
        **PERFECT,
        "unfamiliar_with_grid": True,
        "remaining_hazards": 9,
        "system_lapses": 9,
        "falsified_inspections": 2,
    }
    sheet = rubric.score(evidence)
    line = sheet.line("field_check")
    assert line.points == 0
    assert sum(r.amount for r in line.reasons) == 35
    assert sheet.line("terminal").points == 60  # nothing spills over into another item
    assert sheet.total == 70


# -- the start date parameter --------------------------------------------------------------------


def test_the_start_date_defaults_to_5_march(rubric: gridrules.Rubric) -> None:
    (param,) = rubric.parameters
    assert param.name == "xun_start_mmdd"
    assert param.default == OTHER_TOWNS_START == 305
    assert not param.required
    sheet = rubric.score(PERFECT)
    assert {(p.name, p.value, p.source) for p in sheet.parameters} == {
        ("xun_start_mmdd", Decimal(305), "default")
    }


def test_sanjiao_gives_its_start_date(rubric: gridrules.Rubric) -> None:
    start = start_for_town("三角镇")
    sheet = rubric.score({**PERFECT, "missed_xun": 1}, {"xun_start_mmdd": start})
    assert {(p.name, p.value, p.source) for p in sheet.parameters} == {
        ("xun_start_mmdd", Decimal(101), "given")
    }
    # 1 旬 × 5 = 5, whichever the start date
    assert sheet.line("terminal").points == 55
    assert {a.id for a in sheet.assumptions} >= {"A5-xun", "A4-tiers"}


def test_a_start_that_is_not_a_whole_number_is_rejected(rubric: gridrules.Rubric) -> None:
    with pytest.raises(gridrules.ParameterError) as caught:
        rubric.score(PERFECT, {"xun_start_mmdd": "30.5"})
    (problem,) = caught.value.problems
    assert problem.field == "xun_start_mmdd"
    assert "三角从1月1日开始,其他镇区从3月5日开始" in problem.message


# -- the 旬 helper -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("town", "start"),
    [("三角", 101), ("三角镇", 101), (" 三角镇 ", 101), ("小榄镇", 305), ("石岐区", 305)],
)
def test_start_for_town(town: str, start: int) -> None:
    assert start_for_town(town) == start


def test_start_date() -> None:
    assert start_date(SANJIAO_START, 2026) == date(2026, 1, 1)
    assert start_date(305, 2026) == date(2026, 3, 5)
    assert start_date(Decimal(305), 2027) == date(2027, 3, 5)
    assert start_date(date(2025, 3, 5), 2026) == date(2025, 3, 5)
    assert start_date(229, 2028) == date(2028, 2, 29)


@pytest.mark.parametrize("bad", [0, 230, 1301, 1232, 32, Decimal("305.5"), True, "305"])
def test_start_date_rejects_what_is_not_mmdd(bad: object) -> None:
    with pytest.raises(PeriodError):
        start_date(bad, 2026)  # type: ignore[arg-type]


def test_first_quarter_other_towns_from_5_march() -> None:
    # 5 March falls in 3月上旬: 5-10 March counts as one 旬, then 中旬 and 下旬
    scope = xun_scope("2026-Q1", 305)
    assert [str(p) for p in scope] == ["2026-03-05..2026-03-10", "2026-03-X2", "2026-03-X3"]
    assert scope[0].kind is PeriodKind.WINDOW
    assert [p.kind for p in scope[1:]] == [PeriodKind.XUN, PeriodKind.XUN]


def test_first_quarter_sanjiao_from_1_january() -> None:
    # January, February, March × 3 旬 = 9, all whole
    scope = xun_scope("2026-Q1", SANJIAO_START)
    assert len(scope) == 9
    assert str(scope[0]) == "2026-01-X1"
    assert all(p.kind is PeriodKind.XUN for p in scope)


def test_whole_year() -> None:
    # 三角: 12 months × 3 = 36; other towns: March from the 5th (3) + April-December 9 × 3 = 30
    assert len(xun_scope("2026", SANJIAO_START)) == 36
    assert len(xun_scope("2026", OTHER_TOWNS_START)) == 30
    assert len(xun_scope(Period.year(2026))) == 30  # the default is 5 March


def test_a_period_before_the_start_holds_no_xun() -> None:
    assert xun_scope("2026-02", 305) == ()
    assert xun_scope("2026-03-04..2026-03-04", 305) == ()
    assert len(xun_scope("2026-02", 101)) == 3


def test_a_start_on_a_xun_boundary_keeps_whole_xun() -> None:
    assert [str(p) for p in xun_scope("2026-03", 311)] == ["2026-03-X2", "2026-03-X3"]
    assert [str(p) for p in xun_scope("2026-03", 310)] == [
        "2026-03-10..2026-03-10",
        "2026-03-X2",
        "2026-03-X3",
    ]


def test_a_period_after_the_start_is_wholly_in_scope() -> None:
    assert [str(p) for p in xun_scope("2026-04", 305)] == [
        "2026-04-X1",
        "2026-04-X2",
        "2026-04-X3",
    ]


def test_the_start_is_taken_in_the_year_the_period_starts() -> None:
    # 2025-12-21..2026-03-10 starts after 5 March 2025: all 8 旬 count
    # (2025-12-X3, 2026-01 × 3, 2026-02 × 3, 2026-03-X1)
    assert len(xun_scope("2025-12-21..2026-03-10", 305)) == 8
    # a full date as the start: the rollout on 5 March 2026
    scope = xun_scope("2025-12-21..2026-03-10", date(2026, 3, 5))
    assert [str(p) for p in scope] == ["2026-03-05..2026-03-10"]


def test_count_missed_xun() -> None:
    # other towns, Q1: 3 旬 in scope; X1 (the partial 5-10 March) and X3 completed → 1 missed
    assert count_missed_xun("2026-Q1", ["2026-03-X1", "2026-03-X3"], 305) == 1
    assert count_missed_xun("2026-Q1", [], 305) == 3
    # 三角, Q1: 9 in scope; January done, February and March not → 6; 旬 outside are ignored
    done = ["2026-01-X1", "2026-01-X2", "2026-01-X3", "2025-12-X3", "2026-04-X1"]
    assert count_missed_xun("2026-Q1", done, SANJIAO_START) == 6
    assert count_missed_xun("2026-Q1", [Period.xun(2026, 3, 2)], 305) == 2


def test_count_missed_xun_refuses_what_is_not_a_xun() -> None:
    with pytest.raises(PeriodError, match="2026-03"):
        count_missed_xun("2026-Q1", ["2026-03"], 305)


def test_helper_feeds_the_rubric(rubric: gridrules.Rubric) -> None:
    # 三角, whole year 2026: 36 旬, the first 4 not done → 4 missed: 4 × 5 = 20 > 共15分 → 15
    all_xun = [str(p) for p in xun_scope("2026", SANJIAO_START)]
    missed = count_missed_xun("2026", all_xun[4:], SANJIAO_START)
    assert missed == 4
    sheet = rubric.score({**PERFECT, "missed_xun": missed}, {"xun_start_mmdd": SANJIAO_START})
    assert sheet.line("terminal").points == 45


# -- the core's invariants -----------------------------------------------------------------------


def test_invariants_for_sanjiao(rubric: gridrules.Rubric) -> None:
    check_rubric(rubric, {"xun_start_mmdd": SANJIAO_START}, max_examples=50)
