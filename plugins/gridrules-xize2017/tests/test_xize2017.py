"""xize2017: the readings of 社区网格员考核细则2017 worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: the maxima as
labelled and as written (平安建设 60 against its five items' 50, refused without the assumption:
A3-total, A4-safety-50), quotes that leave out the row labels the scrape put inside the clauses
(A2-labels), the flags that touch no points (A15, A16), the daily duties held working day by
working day with their working on the sheet (A7-working-days), the 近期内 window printed on the
sheet and changing no number (A8-recent-window), and a batch file read column by column.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import gridrules
from gridrules import cli

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


def test_the_labels_say_110_the_items_as_written_allow_100(rubric: gridrules.Rubric) -> None:
    # A3-total, A4-safety-50: 20 + 10 + 10 + 60 + 10 = 110 as labelled; 平安建设's five items 50
    top = [(node.id, node.maximum, node.effective_maximum) for node in rubric.children]
    assert top == [
        ("platform", 20, 20),
        ("departments", 10, 10),
        ("conduct", 10, 10),
        ("safety", 60, 50),
        ("mechanism", 10, 10),
    ]
    assert sum(node.maximum for node in rubric.children) == 110
    safety = rubric.node("safety")
    assert isinstance(safety, gridrules.Section)
    assert [child.id for child in safety.children] == [
        "creation",
        "patrols",
        "services",
        "five_small",
        "stability",
    ]
    assert safety.maximum_assumption == "A4-safety-50"
    assert (rubric.maximum, rubric.effective_maximum, rubric.maximum_assumption) == (
        100,
        100,
        "A3-total",
    )
    assert (rubric.grades, rubric.stars, rubric.rounding, rubric.veto_grades) == (None,) * 3 + ((),)


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
    assert (cases.target, cases.points) == (Decimal(5), Decimal("0.8"))


def test_the_flags_touch_no_points(rubric: gridrules.Rubric) -> None:
    # A15: 1 × 5 = 5 inside “五小”问题排查; A16: 维稳信息上报 zeroed; the flags add nothing more
    scorer = rubric.prepare()
    sheet = scorer.score({**FULL, "five_small_incidents": 1, "stability_major_problem": True},
                         period="2026-11")  # fmt: skip
    assert sheet.flags == {"accountability", "responsibility_inquiry"}
    assert sheet.total == sum(line.points for line in sheet.lines) == 85
    assert (sheet.penalty, sheet.grade) == (0, None)
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
    # the same counts summed over the month would meet 21 × 10 = 210: held together, nothing short
    assert sum(households) == 10 * DAYS
    assert sheet.total == Decimal("99.8")


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


def test_the_lost_clause_is_the_assessors_deduction_never_presumed(
    rubric: gridrules.Rubric,
) -> None:
    # A9: 信息采录及更新 2、 has no text; its deduction is required, within the item's 10
    rule = next(r for r in rubric.node("records").rules if r.field == "records_clause2_deduction")
    assert isinstance(rule, gridrules.AssessorPoints)
    assert (rule.mode, rule.maximum) == ("deduction", 10)
    assert rubric.fields["records_clause2_deduction"].required
    assert rubric.node("records").clause == "信息采录及更新(10分)"


def test_a_batch_file_reads_every_column(tmp_path: Path) -> None:
    # columns named by the fields' labels; a period column; a day's counts written 1、1、…;
    # 是/否 for a yes-or-no finding; a column left out takes its default (0, or no)
    label = {fid: field.description for fid, field in gridrules.load("xize2017").fields.items()}
    ones = "、".join(["1"] * DAYS)
    tens = "、".join(["10"] * DAYS)
    four = "公安、安监、消防、食药监"
    columns = [
        "cases_entered",
        "records_clause2_deduction",
        "departmental_work_done",
        "informants",
        "households_visited",
        "publicity_campaigns",
        "volunteer_activities",
        "key_site_patrols",
        "five_small_reports",
        "stability_reports",
        "five_small_incidents",
        "poor_attitude",
        "visit_records_irregular",
    ]
    header = ["被考核人员", "period", *(label[c] for c in columns)]
    rows = [
        # 10 + 10 + 10 + 10 + 50 + 10 = 100
        ["周敏", "2026-11", 5, 0, four, 8, tens, 1, 1, ones, ones, ones, 0, 0, "否"],
        # 办件 2 short × 0.8 = 1.6; 缺食药监 1; 怠慢 2; 1 incident × 5 (accountability); 走访记录
        # 不规范 0.5: 100 − 1.6 − 1 − 2 − 5 − 0.5 = 89.9
        ["王磊", "2026-11", 3, 0, "公安、安监、消防", 8, tens, 1, 1, ones, ones, ones, 1, 1, "是"],
    ]  # fmt: skip
    table = tmp_path / "2026-11.csv"
    with table.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, *rows])
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(cli.main, ["batch", "xize2017", str(table), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as stream:
        scored = list(csv.DictReader(stream))
    assert [(r["assessee"], r["period"], r["total"], r["flags"]) for r in scored] == [
        ("周敏", "2026-11", "100", ""),
        ("王磊", "2026-11", "89.9", "accountability"),
    ]


def test_the_leader_comment_is_printed_and_never_scored(rubric: gridrules.Rubric) -> None:
    # A20-remark: 领导点评 is a column of the form: a remark on the sheet, no points
    plain = rubric.score(FULL, period="2026-11")
    remarked = rubric.score(
        {**FULL, "leader_comment": "入户走访扎实，台账清楚。"}, period="2026-11"
    )
    assert remarked.total == plain.total
    assert [r.text for r in remarked.remarks] == ["入户走访扎实，台账清楚。"]
    assert "领导点评：入户走访扎实，台账清楚。" in remarked.to_text()
