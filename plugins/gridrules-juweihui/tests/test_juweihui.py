"""juweihui: the readings of 居委会网格员考核办法 worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: targets
without points, each met or not whatever the evidence (A1-met-or-not, a property), every rate's
threshold read from its own clause and held inclusively (A3-inclusive), the working of the rates
and of the two-count comparisons as the sheet shows it (A7-rates, A11-disputes, A14-complaints),
the duties that are not scored (A16-duties), a sheet without grades or vetoes (A17-no-grades),
and the month a record needs.
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


def test_the_sheet_compares_counts_by_multiplying() -> None:
    # 录入率达95%以上: entered ≥ found × 0.95; 投诉率不超过5%: complaints ≤ households × 0.05
    # (A11-disputes, A14-complaints; the points on both sides of each target are in
    # scenarios_disputes.toml and scenarios_residents.toml): the sheet shows the working, exactly:
    # 219 × 0.05 = 10.95, so 11 complaints is over 5%
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


def test_a_rate_is_worked_out_exactly_never_rounded_up() -> None:
    # 189 ÷ 199 = 94.97…%: under 95, whatever a rounded figure would say (A7-rates; the item's 0
    # is in scenarios_information.toml): the sheet shows the exact quotient
    sheet = RUBRIC.score(
        {**MET, "records_accurate": 189, "records_checked": 199}, PARAMS, period="2026-03"
    )
    [reason] = sheet.line("info_accuracy").reasons
    assert reason.arithmetic.startswith("189 ÷ 199 = 94.97487437185929648")
    assert reason.arithmetic.endswith("未达到95%，扣100分")


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
