"""shequ-pingtai: the readings of 社区网格化工作管理工作考核办法整理版 worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). Here: the table's parts
as the text allows them, 17 for a 看现场 row stated 15 and 22 for a 管理精细化 stated 25, the
literal maxima refused (A4-site-17, A5-management); what the sheet prints when the cap of
创新奖励分 cuts it (A6-innovation); 检查考核组简要评语 as a remark (A9-remarks); and a street
office's table of communities read through the labels, an empty 表彰 cell refused.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

import gridrules
from gridrules import cli
from gridrules.serialization import loads_rubric
from gridrules.testing import source_of

CHECKS = (
    "database_built",
    "platform_running",
    "info_base_built",
    "ledgers_kept",
    "public_log_kept",
    "grid_diary_kept",
    "handling_timely",
    "feedback_recorded",
    "co_building_held",
    "volunteers_registered",
)
ALL_MET = {**dict.fromkeys(CHECKS, True), "model_role": True, "honour_levels": ["全区"]}


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("shequ-pingtai")


def rubric_text() -> str:
    return source_of("shequ-pingtai").with_name("rubric.toml").read_text(encoding="utf-8")


def test_the_parts_as_the_text_allows_them(rubric: gridrules.Rubric) -> None:
    # 平台 6 + 4 = 10; 看现场 3 + 2 + 5 + 2 + 3 + 2 = 17 (stated 15); 优化服务资源 2 + 3 = 5;
    # 管理精细化 17 + 5 = 22 (stated 25); 创新奖励分 5 + 8 = 13 capped at 10; 10 + 22 + 10 = 42
    maxima = {
        node_id: (rubric.node(node_id).maximum, rubric.node(node_id).effective_maximum)
        for node_id in ("platform", "workflow_site", "resources", "management", "innovation")
    }
    assert maxima == {
        "platform": (10, 10),
        "workflow_site": (15, 17),
        "resources": (5, 5),
        "management": (25, 22),
        "innovation": (10, 10),
    }
    assert rubric.node("workflow_site").maximum_assumption == "A4-site-17"
    assert rubric.node("management").maximum_assumption == "A5-management"
    assert rubric.node("innovation").children_maximum == 13
    assert rubric.maximum == rubric.effective_maximum == 42
    # nothing beyond the table: no parameter, grade, bonus, penalty, stars or rounding (A8-total)
    assert rubric.parameters == ()
    assert (rubric.grades, rubric.stars, rubric.rounding, rubric.vetoes) == (None, None, None, ())
    assert rubric.bonus_ceiling == 0


@pytest.mark.parametrize(
    ("assumption", "message"),
    [
        ("A4-site-17", "section 'workflow_site' states a maximum of 15 but its parts allow 17"),
        ("A5-management", "section 'management' states a maximum of 25 but its parts allow 22"),
    ],
)
def test_the_stated_maxima_are_refused_without_their_assumption(
    assumption: str, message: str
) -> None:
    line = f'maximum_assumption = "{assumption}"\n'
    text = rubric_text()
    assert line in text
    with pytest.raises(gridrules.DataFileError, match=message):
        loads_rubric(text.replace(line, ""))


def test_every_check_gives_all_its_points_or_none(rubric: gridrules.Rubric) -> None:
    # A3-checks: met or not, no part; each check is required
    for item in rubric.items():
        if item.id == "honours":
            continue
        [rule] = item.rules
        assert isinstance(rule, gridrules.AllOrNothing)
        assert rubric.fields[rule.field].required
    assert rubric.fields["honour_levels"].required


def test_the_sheet_says_what_the_cap_took(rubric: gridrules.Rubric) -> None:
    # the points and the sum the cap cut (before_cap) are in scenarios_innovation_cap.toml; here,
    # what the 创新奖励分 line prints: 5 + 8 = 13 → 10 says so, 5 + 5 = 10 has nothing to say
    over = rubric.score({**ALL_MET, "honour_levels": ["全省"]}).to_text()
    at = rubric.score(ALL_MET).to_text()
    assert "【创新奖励分】 10 / 10（合计13分，封顶10分）" in over
    assert "封顶" not in at.split("【创新奖励分】")[1].splitlines()[0]


def test_the_remark_is_printed_and_never_scored(rubric: gridrules.Rubric) -> None:
    # its clause is among the citations; its limit and its refusals are in scenarios_remarks.toml
    plain = rubric.score(ALL_MET)
    remarked = rubric.score({**ALL_MET, "panel_remarks": "台账齐全，创新工作获全区表彰。"})
    assert (plain.total, plain.lines) == (remarked.total, remarked.lines)
    assert "检查考核组简要评语：台账齐全，创新工作获全区表彰。" in remarked.to_text()
    assert "panel_remarks" not in remarked.evidence
    assert "{0,300}" in str(rubric.evidence_schema()["properties"]["panel_remarks"])


def test_a_street_offices_table_of_communities(tmp_path: Path) -> None:
    # columns named by the fields' labels, 是/否 for the checks, the levels as one text
    labels = {
        field: info.description for field, info in gridrules.load("shequ-pingtai").fields.items()
    }
    header = ["被考核人", *(labels[check] for check in CHECKS), labels["model_role"],
              labels["honour_levels"], "检查考核组简要评语"]  # fmt: skip
    rows = [
        # 10 + (3 + 2 + 5 + 0 + 3 + 0) + (2 + 3) + min(5 + 6, 10) = 10 + 13 + 5 + 10 = 38
        ["和平社区", "是", "是", "是", "是", "是", "否", "是", "否", "是", "是", "是", "全区、全市",
         "创新工作获全市表彰。"],
        # (6 + 0) + (3 + 2 + 0 + 2 + 0 + 2) + (2 + 0) + 0 = 6 + 9 + 2 = 17
        ["东风社区", "是", "否", "是", "是", "否", "是", "否", "是", "是", "否", "否", "无", ""],
        # 10 + 17 + 5 + (0 + 8) = 40
        ["青年社区", *["是"] * 10, "否", "全省", ""],
        # the 表彰 cell left empty: not written, so refused, never taken as 无 (A7)
        ["新华社区", *["是"] * 10, "是", "", ""],
    ]  # fmt: skip
    table = tmp_path / "2026.csv"
    with table.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, *rows])
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(cli.main, ["batch", "shequ-pingtai", str(table), "-o", str(out)])
    assert result.exit_code == 1, result.output  # one row rejected, the others scored
    assert "4 rows read = 3 scored + 1 rejected" in result.output
    with out.open(encoding="utf-8-sig") as stream:
        scored = list(csv.DictReader(stream))
    assert [(r["assessee"], r["total"]) for r in scored] == [
        ("和平社区", "38"),
        ("东风社区", "17"),
        ("青年社区", "40"),
    ]
    with out.with_name("scores.errors.csv").open(encoding="utf-8-sig") as stream:
        [rejected] = list(csv.DictReader(stream))
    assert (rejected["assessee"], rejected["field"]) == ("新华社区", "honour_levels")
    assert rejected["reason"].startswith("missing required level field")
