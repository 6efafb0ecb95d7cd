"""xize2017: the readings of 社区网格员考核细则2017 worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: the maxima as
labelled and as written (平安建设 60 against its five items' 50, refused without the assumption:
A3-total, A4-safety-50), quotes that leave out the row labels the scrape put inside the clauses
(A2-labels), the findings that set the flags as the sheet names them (A15, A16), the daily duties
held working day by working day with their working on the sheet (A7-working-days), the 近期内
window printed on the sheet and changing no number (A8-recent-window), and the 领导点评 remark.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import gridrules

SOURCE = Path(gridrules.plugins.registry().info("xize2017").source or "").read_text(
    encoding="utf-8"
)

# November 2026: 21 working days (2-6, 9-13, 16-20, 23-27, 30 November)
DAYS = 21
FULL: dict[str, object] = {
    "cases_entered": 5,
    "records_clause2_deduction": 0,
    "departmental_work_done": ["公安", "安监", "消防", "食药监"],
    "informants": 8,
    "households_visited": [10] * DAYS,
    "publicity_campaigns": [1],
    "volunteer_activities": [1],
    "key_site_patrols": [1] * DAYS,
    "five_small_reports": [1] * DAYS,
    "stability_reports": [1] * DAYS,
}


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("xize2017")


def test_the_maxima_as_written_rest_on_their_assumptions(rubric: gridrules.Rubric) -> None:
    # A3-total, A4-safety-50: 20 + 10 + 10 + 60 + 10 = 110 as labelled; 平安建设's five items 50
    # (each part's points at full marks are in scenarios_totals.toml); no stars, no rounding
    assert rubric.maximum_assumption == "A3-total"
    assert rubric.node("safety").maximum_assumption == "A4-safety-50"
    assert (rubric.stars, rubric.rounding) == (None, None)


def test_the_literal_60_is_refused_without_the_assumption(rubric: gridrules.Rubric) -> None:
    # the core refuses a section whose stated maximum its parts do not reach, naming both
    safety = rubric.node("safety")
    literal = attrs.evolve(safety, maximum_assumption=None)
    children = [literal if child.id == "safety" else child for child in rubric.children]
    with pytest.raises(gridrules.RubricError) as refused:
        attrs.evolve(rubric, children=children)
    assert "section 'safety' states a maximum of 60 but its parts allow 50" in str(refused.value)


# the row labels the scrape put inside the clauses: their points, and the pieces of them that are
# no words of a clause (A2-labels)
LABEL_PIECES = [
    "(10分)",
    "(5分)",
    "(20分)",
    "(60",
    "平台维",
    "网格巡访巡",
    "维稳信息上",
    "开展服务管",
    "网格员在位",
]


def quotes(rubric: gridrules.Rubric) -> list[str]:
    found = [rule.clause for item in rubric.items() for rule in item.rules if rule.clause]
    return found + [veto.clause for veto in rubric.vetoes]


def test_no_clause_quotes_a_row_label(rubric: gridrules.Rubric) -> None:
    flat = "".join(SOURCE.split())
    for quote in quotes(rubric):
        assert "".join(quote.split()) in flat
        assert not any(piece in quote for piece in LABEL_PIECES), quote
    # a clause the label cut in two is quoted up to the label, and read whole (A2-labels)
    assert "按社办件情况区每个网格5件" in flat
    cases = next(rule for rule in rubric.node("cases").rules if rule.field == "cases_entered")
    assert cases.clause.endswith("录入数,按社")


def test_the_flags_touch_no_points(rubric: gridrules.Rubric) -> None:
    # A15: 1 × 5 = 5 inside “五小”问题排查; A16: 维稳信息上报 zeroed; the flags add nothing more
    # (the points, the flags and no penalty or grade are in scenarios_flags.toml): the sheet
    # names the finding that set each flag
    sheet = rubric.score({**FULL, "five_small_incidents": 1, "stability_major_problem": True},
                         period="2026-11")  # fmt: skip
    assert [(v.id, v.flag) for v in sheet.vetoes] == [
        ("five-small-incident", "accountability"),
        ("stability-major-problem", "responsibility_inquiry"),
    ]
    text = sheet.to_text()
    assert "标记 accountability" in text
    assert "标记 responsibility_inquiry" in text


def test_each_working_day_is_held_on_its_own(rubric: gridrules.Rubric) -> None:
    # A7: 12 on 2 November covers nothing of 8 on 3 November: 2 short × 0.1 = 0.2
    households = [12, 8] + [10] * (DAYS - 2)
    sheet = rubric.score({**FULL, "households_visited": households}, period="2026-11")
    [reason] = sheet.line("creation").reasons
    assert reason.arithmetic == (
        "每个工作日目标10，逐个工作日实际12、8、"
        + "、".join(["10"] * (DAYS - 2))
        + "，共少2 × 0.1 = 0.2"
    )
    assert reason.clause == "社区网格员每天入户走访未达到10户以上的,每少1户扣0.1分"
    assert "21个工作日" in sheet.to_text()


def test_departments_name_the_work_not_carried_out(rubric: gridrules.Rubric) -> None:
    # A18: 公安、安监、消防、食药监 is a closed list; the sheet names what is missing
    sheet = rubric.score({**FULL, "departmental_work_done": ["安监", "公安"]}, period="2026-11")
    [reason] = sheet.line("departments").reasons
    assert reason.arithmetic == "缺消防、食药监，2 × 1 = 2"


def test_the_recent_window_is_printed_and_changes_no_number(rubric: gridrules.Rubric) -> None:
    # A8: 近期内 is a name the community gives; 考核期内 when it gives none
    record = {**FULL, "cases_entered": 3}
    default = rubric.score(record, period="2026-11")
    given = rubric.score(record, {"recent_window": "检查日前30天"}, period="2026-11")
    assert default.total == given.total == Decimal("98.4")
    assert [(p.name, p.value, p.source) for p in default.parameters] == [
        ("recent_window", "考核期内", "default")
    ]
    assert [(p.name, p.value, p.source) for p in given.parameters] == [
        ("recent_window", "检查日前30天", "given")
    ]
    assert "recent_window = 检查日前30天" in given.to_text()


def test_the_lost_clause_leaves_its_item_quoting_its_label(rubric: gridrules.Rubric) -> None:
    # A9: 信息采录及更新 2、 has no text; the assessors' deduction for it (required, within the
    # item's 10) is in scenarios_evidence_errors.toml and scenarios_totals.toml
    assert rubric.node("records").clause == "信息采录及更新(10分)"


def test_the_leader_comment_is_printed_and_never_scored(rubric: gridrules.Rubric) -> None:
    # A20-remark: 领导点评 is a column of the form: a remark on the sheet, no points
    plain = rubric.score(FULL, period="2026-11")
    remarked = rubric.score(
        {**FULL, "leader_comment": "入户走访扎实，台账清楚。"}, period="2026-11"
    )
    assert remarked.total == plain.total
    assert [r.text for r in remarked.remarks] == ["入户走访扎实，台账清楚。"]
    assert "领导点评：入户走访扎实，台账清楚。" in remarked.to_text()
