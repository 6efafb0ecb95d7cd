"""juweihui: the readings of 居委会网格员考核办法 worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: the shape chosen
for targets without points (A1-met-or-not: fourteen items, each met or not, whatever the
evidence), every target's threshold read from its own clause and held inclusively
(A3-inclusive), the rates read as percentages (A7-rates), the duties that are not scored
(A16-duties), a sheet without grades or vetoes (A17-no-grades), and the month a record needs.
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

# each rate target: its item, the percentage field it reads, and whether it is met from the
# target up (达, 以上) or up to it (不超过)
RATES = [
    ("visits_rate", "visit_rate", "at least"),
    ("info_accuracy", "accuracy_rate", "at least"),
    ("info_floating_special", "floating_rate", "at least"),
    ("info_floating_special", "special_rate", "at least"),
    ("disputes_screening", "dispute_screening_rate", "at least"),
    ("disputes_entry", "dispute_entry_rate", "at least"),
    ("hazards_screening", "hazard_screening_rate", "at least"),
    ("hazards_major", "major_hazard_report_rate", "at least"),
    ("familiarity", "familiarity_rate", "at least"),
    ("satisfaction", "satisfaction_rate", "at least"),
    ("complaints", "complaint_rate", "at most"),
]

# March 2026, every target met (the base month of the scenario files)
MET: dict[str, Any] = {
    "daily_visits": [10] * 22,
    "visit_rate": "93.5",
    "weekly_updates": [1, 1, 2, 1],
    "accuracy_rate": "97",
    "floating_rate": "100",
    "special_rate": "100",
    "dispute_screening_rate": "100",
    "dispute_entry_rate": "100",
    "disputes_escalated": 0,
    "hazard_screening_rate": "96",
    "major_hazard_report_rate": "100",
    "familiarity_rate": "96.5",
    "satisfaction_rate": "92",
    "complaint_rate": "1.2",
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


@pytest.mark.parametrize(("item", "field", "side"), RATES)
def test_each_threshold_is_its_clauses_number_held_inclusively(
    item: str, field: str, side: str
) -> None:
    # 达 / 以上 include the target and 不超过 includes it too (A3-inclusive); a hundredth past it
    # loses the item's weight
    target = _target(item)
    past = target - Decimal("0.01") if side == "at least" else target + Decimal("0.01")
    at = SCORER.result({**MET, field: str(target)}, period="2026-03")
    beyond = SCORER.result({**MET, field: str(past)}, period="2026-03")
    assert (at.items[item], beyond.items[item]) == (100, 0)
    assert at.total - beyond.total == 100 * Decimal(PARAMS[f"{item}_weight"])


def test_rates_are_percentages_not_counts() -> None:
    # A7-rates: the platform's (or the survey's) rate is the evidence; the counts behind it are
    # not read, so a rate is checked as a percentage and nothing else
    fields = RUBRIC.fields
    for _, field, _ in RATES:
        assert fields[field].kind is gridrules.FieldKind.PERCENTAGE
    assert not {"households_visited", "grid_households", "complaints"} & set(fields)


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
