"""juweihui: the readings of 居委会网格员考核办法 worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: the shape chosen
for targets without points (A1-met-or-not: fourteen items, each met or not, whatever the
evidence), every target's threshold read from its own clause and held inclusively
(A3-inclusive), the rates worked out from the platform's counts with a declared meaning for an
empty denominator and the survey's two rates read as percentages (A7-rates, A13-survey), the
duties that are not scored (A16-duties), a sheet without grades or vetoes (A17-no-grades), and
the month a record needs.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import gridrules
from gridrules.serialization import load_params
from gridrules.testing import evidence

PARAMS_FILE = Path(__file__).resolve().parents[3] / "examples" / "juweihui" / "params.toml"
RUBRIC = gridrules.load("juweihui")
PARAMS = load_params(PARAMS_FILE)
SCORER = RUBRIC.prepare(PARAMS)

# each rate worked out from two counts: its item, numerator, denominator, and what a month with
# nothing due (a denominator of 0) is declared to mean (A7-rates)
RATES = [
    ("visits_rate", "households_visited", "grid_households", "refuse"),
    ("info_accuracy", "records_accurate", "records_checked", "refuse"),
    ("info_floating_special", "floating_known", "floating_residents", "full"),
    ("info_floating_special", "special_known", "special_people", "full"),
    ("disputes_screening", "disputes_found", "disputes_total", "full"),
    ("hazards_screening", "hazards_found", "hazards_total", "full"),
    ("hazards_major", "major_hazards_reported", "major_hazards_total", "full"),
]
# the survey's figures, percentages (A13-survey)
SURVEY = [("familiarity", "familiarity_rate"), ("satisfaction", "satisfaction_rate")]

# March 2026, every target met (the base month of the scenario files)
MET: dict[str, Any] = {
    "daily_visits": [10] * 22,
    "households_visited": 187,
    "grid_households": 200,
    "weekly_updates": [1, 1, 2, 1],
    "records_accurate": 97,
    "records_checked": 100,
    "floating_known": 40,
    "floating_residents": 40,
    "special_known": 6,
    "special_people": 6,
    "disputes_found": 3,
    "disputes_total": 3,
    "disputes_entered": 3,
    "disputes_escalated": 0,
    "hazards_found": 24,
    "hazards_total": 25,
    "major_hazards_reported": 1,
    "major_hazards_total": 1,
    "familiarity_rate": "96.5",
    "satisfaction_rate": "92",
    "complaints": 2,
    "patrols_met": True,
}


def _target(item_id: str) -> Decimal:
    """The percentage the item's own clause names: 达90%, 达95%以上, 不超过5%."""
    (item,) = [item for item in RUBRIC.items() if item.id == item_id]
    (number,) = re.findall(r"(\d+)%", item.clause)
    return Decimal(number)


def test_fourteen_targets_each_out_of_100_weighted_to_100() -> None:
    # (二)基本工作要求 1-6: 2 + 3 + 3 + 2 + 3 targets and the fragment 6.巡查等情况 (A15-patrols)
    assert [item.id for item in RUBRIC.items()] == [
        "visits_daily",
        "visits_rate",
        "info_weekly",
        "info_accuracy",
        "info_floating_special",
        "disputes_screening",
        "disputes_entry",
        "disputes_calm",
        "hazards_screening",
        "hazards_major",
        "familiarity",
        "satisfaction",
        "complaints",
        "patrols",
    ]
    assert {item.maximum for item in RUBRIC.items()} == {Decimal(100)}
    assert RUBRIC.maximum == RUBRIC.effective_maximum == 100
    # one composite: every weight a required parameter, the fourteen summing to 1 (A2-weights)
    assert all(p.required for p in RUBRIC.parameters)
    assert {p.name for p in RUBRIC.parameters} == {f"{i.id}_weight" for i in RUBRIC.items()}
    ((names, total),) = RUBRIC.weight_groups()
    assert (len(names), total) == (14, 1)


@settings(max_examples=60, deadline=None)
@given(evidence(RUBRIC, period="2026-03"))
def test_every_target_is_met_or_not(record: dict[str, Any]) -> None:
    # no partial credit (A1-met-or-not): an item is 100 or 0 whatever the evidence, and the total
    # is 100 × the weights of the targets met
    result = SCORER.result(record, period="2026-03")
    assert set(result.items.values()) <= {Decimal(0), Decimal(100)}
    weights = {p.name.removesuffix("_weight"): PARAMS[p.name] for p in RUBRIC.parameters}
    met = sum(
        (Decimal(weights[item]) for item, points in result.items.items() if points),
        Decimal(0),
    )
    assert result.total == 100 * met


def _points(item: str, *records: dict[str, Any]) -> tuple[Decimal, ...]:
    """The item's points for each record (the base month, 2026-03)."""
    return tuple(SCORER.result(r, period="2026-03").items[item] for r in records)


@pytest.mark.parametrize(("item", "numerator", "denominator", "empty"), RATES)
def test_each_rate_from_counts_is_met_at_its_clauses_number(
    item: str, numerator: str, denominator: str, empty: str
) -> None:
    # 达 / 以上 include the target (A3-inclusive): of 10000, target × 100 meets it and one fewer,
    # a hundredth of a point under, loses the item's weight; never rounded (A7-rates)
    at = int(_target(item) * 100)
    extra = {"disputes_entered": at} if numerator == "disputes_found" else {}
    met = {**MET, numerator: at, denominator: 10000, **extra}
    short = {**met, numerator: at - 1, **({"disputes_entered": at - 1} if extra else {})}
    assert _points(item, met, short) == (100, 0)
    gap = SCORER.result(met, period="2026-03").total - SCORER.result(short, period="2026-03").total
    assert gap == 100 * Decimal(PARAMS[f"{item}_weight"])


@pytest.mark.parametrize(("item", "field"), SURVEY)
def test_each_survey_rate_is_met_at_its_clauses_number(item: str, field: str) -> None:
    # the survey's percentage (A13-survey): the target meets it, a hundredth under does not
    target = _target(item)
    pair = ({**MET, field: str(target)}, {**MET, field: str(target - Decimal("0.01"))})
    assert _points(item, *pair) == (100, 0)


def test_entry_and_complaints_compare_counts_by_multiplying() -> None:
    # 录入率达95%以上: entered ≥ found × 0.95; 投诉率不超过5%: complaints ≤ households × 0.05
    # (A11-disputes, A14-complaints), both inclusive at the target
    entry = {**MET, "disputes_found": 20, "disputes_total": 20}
    # 20 found: 19 entered ≥ 19 meets it, 18 < 19 does not
    entered = ({**entry, "disputes_entered": 19}, {**entry, "disputes_entered": 18})
    assert _points("disputes_entry", *entered) == (100, 0)
    # 200 households: 10 complaints ≤ 10 meets it, 11 > 10 does not
    complaints = ({**MET, "complaints": 10}, {**MET, "complaints": 11})
    assert _points("complaints", *complaints) == (100, 0)
    # the sheet shows the working, exactly: 219 × 0.05 = 10.95, so 11 complaints is over 5%
    sheet = RUBRIC.score(
        {
            **MET,
            "households_visited": 198,
            "grid_households": 219,
            "complaints": 11,
            "disputes_found": 9,
            "disputes_total": 9,
            "disputes_entered": 8,
        },
        PARAMS,
        period="2026-03",
    )
    [entered] = sheet.line("disputes_entry").reasons
    assert entered.arithmetic == "disputes_entered 8 < disputes_found 9 × 0.95 = 8.55，本项不得分"
    [complained] = sheet.line("complaints").reasons
    assert complained.arithmetic == (
        "complaints 11 > grid_households 219 × 0.05 = 10.95，本项不得分"
    )
    assert sheet.line("visits_rate").points == 100  # 198 ÷ 219 = 90.41…%


def test_a_rate_is_worked_out_exactly_never_rounded_up() -> None:
    # 189 ÷ 199 = 94.97…%: under 95, whatever a rounded figure would say (A7-rates)
    sheet = RUBRIC.score(
        {**MET, "records_accurate": 189, "records_checked": 199}, PARAMS, period="2026-03"
    )
    [reason] = sheet.line("info_accuracy").reasons
    assert reason.arithmetic.startswith("189 ÷ 199 = 94.97487437185929648")
    assert reason.arithmetic.endswith("未达到95%，扣100分")
    assert sheet.line("info_accuracy").points == 0


def test_rates_are_read_from_counts_but_the_surveys() -> None:
    # A7-rates: the platform's counts are the evidence and each rate declares what an empty
    # denominator means; only 熟悉率 and 满意率, the survey's own figures, stay percentages
    declared = {
        (item.id, rule.field.numerator, rule.field.denominator, rule.field.empty)
        for item in RUBRIC.items()
        for rule in item.rules
        if isinstance(getattr(rule, "field", None), gridrules.Rate)
    }
    assert declared == set(RATES)
    fields = RUBRIC.fields
    percentages = {f for f, field in fields.items() if field.kind is gridrules.FieldKind.PERCENTAGE}
    assert percentages == {field for _, field in SURVEY}
    assert fields["complaints"].kind is fields["disputes_entered"].kind is gridrules.FieldKind.COUNT


@pytest.mark.parametrize(("item", "numerator", "denominator", "empty"), RATES)
def test_an_empty_denominator_means_what_is_declared(
    item: str, numerator: str, denominator: str, empty: str
) -> None:
    # nothing to miss → met (empty = "full"); nothing to compute from (no household, no check)
    # → the record is refused, never met or unmet (A8-visit-rate, A9-accuracy)
    record = {**MET, numerator: 0, denominator: 0}
    if numerator == "disputes_found":
        record["disputes_entered"] = 0
    if numerator == "households_visited":
        record["complaints"] = 0
    if empty == "full":
        assert SCORER.result(record, period="2026-03").items[item] == 100
    else:
        with pytest.raises(gridrules.EvidenceError, match=f"{denominator}: is 0"):
            SCORER.result(record, period="2026-03")


def test_nothing_found_leaves_nothing_to_enter() -> None:
    # 录入 with no dispute found: 0 < 0 × 0.95 does not hold → met (A11-disputes)
    record = {**MET, "disputes_found": 0, "disputes_total": 2, "disputes_entered": 0}
    result = SCORER.result(record, period="2026-03")
    assert (result.items["disputes_screening"], result.items["disputes_entry"]) == (0, 100)


def test_the_duties_are_not_scored() -> None:
    # (一)主要职责任务 1-7 describe duties with no target (A16-duties): quoted by the assumption
    # only, never by an item, a rule or a parameter
    quoted = [item.clause for item in RUBRIC.items()]
    quoted += [rule.clause for item in RUBRIC.items() for rule in item.rules]
    quoted += [p.clause for p in RUBRIC.parameters]
    duties = ("全面走访居委会居民", "积极向居民群众宣传", "组织居委会居民开展", "三级管理运行体制")
    for duty in duties:
        assert not any(duty in clause for clause in quoted)
    assert any(a.quote == "(一)主要职责任务" for a in RUBRIC.assumptions)


def test_no_grades_bonus_penalty_or_veto() -> None:
    # the text names no grade, reward or sanction (A17-no-grades)
    assert (RUBRIC.grades, RUBRIC.stars, RUBRIC.vetoes, RUBRIC.rounding) == (None, None, (), None)
    sheet = RUBRIC.score(MET, PARAMS, period="2026-03")
    assert (sheet.total, sheet.grade, sheet.stars, sheet.flags) == (100, None, None, frozenset())
    assert sheet.bonus == sheet.penalty == 0


def test_a_record_is_scored_for_its_month() -> None:
    # every working day and every week of the month is judged (A4-month, A5-daily, A6-weekly):
    # without the period there is nothing to count them on
    with pytest.raises(gridrules.GridrulesError, match="score it with period="):
        RUBRIC.score(MET, PARAMS)
    sheet = RUBRIC.score(MET, PARAMS, period="2026-03")
    assert sheet.period is not None
    assert str(sheet.period) == "2026-03"
