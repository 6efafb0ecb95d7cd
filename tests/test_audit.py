"""The audit stamp on every sheet, and the effective dates a rubric may declare."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from helpers import one_item

import gridrules as gr
from gridrules import cli
from gridrules.serialization import load_rubric, unstructure_rubric

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RUBRIC = one_item([gr.PerOccurrence("missed", "0.5")], maximum=10)


# -- the stamp ---------------------------------------------------------------------------------


def test_every_sheet_is_stamped_with_versions_hashes_time_and_assessor() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    sheet = RUBRIC.score({"missed": 2}, assessor="李明")
    audit = sheet.audit
    assert audit is not None
    assert audit.gridrules_version == gr.__version__
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", audit.rubric_hash)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", audit.params_hash)
    scored = dt.datetime.fromisoformat(audit.scored_at.replace("Z", "+00:00"))
    assert audit.scored_at.endswith("Z")
    assert before <= scored <= dt.datetime.now(dt.UTC)
    assert audit.assessor == sheet.assessor == "李明"
    # built in Python: no plugin to name
    assert (audit.plugin, audit.plugin_version) == (None, None)


def test_the_stamp_names_the_plugin_that_registered_the_rubric() -> None:
    info = next(i for i in gr.available() if i.name == "xingji")
    sheet = gr.load("xingji").score({"cases_collected": 10, "population_entry_rate": 95})
    assert sheet.audit is not None
    assert (sheet.audit.plugin, sheet.audit.plugin_version) == ("gridrules-xingji", "1.0.0")
    assert info.distribution == sheet.audit.plugin


def test_the_rubric_hash_is_the_rubrics_data_and_the_params_hash_the_values_in_force() -> None:
    rubric = gr.load("xingji")
    record = {"cases_collected": 10, "population_entry_rate": 95}
    stamped = rubric.score(record).audit
    # equal rubrics hash alike, wherever they come from (a file written from the plugin's)
    again = load_rubric_data(unstructure_rubric(rubric))
    assert again == rubric
    copy = again.score(record).audit
    assert stamped is not None
    assert copy is not None
    assert copy.rubric_hash == stamped.rubric_hash
    assert copy.plugin is None
    # another number is another rubric
    other = attrs.evolve(rubric, title=rubric.title + "（修订）").score(record).audit
    assert other is not None
    assert other.rubric_hash != stamped.rubric_hash
    # the parameters in force: defaults, or given
    jiang = gr.load("jiangcheng")
    params = json.loads(
        json.dumps(gr.load_params(EXAMPLES / "jiangcheng/params.toml"), default=str)
    )
    one = jiang.prepare(params).audit()
    two = jiang.prepare({**params, "monthly_visit_deduction": "3"}).audit()
    assert one.params_hash != two.params_hash
    assert one.params_hash == jiang.prepare(dict(params)).audit().params_hash


def load_rubric_data(data: dict[str, object]) -> gr.Rubric:
    from gridrules.serialization import structure_rubric

    return structure_rubric(data)


def test_the_stamp_does_not_make_sheets_unequal_and_comes_back_from_json() -> None:
    one = RUBRIC.score({"missed": 2}, assessor="甲")
    two = RUBRIC.score({"missed": 2}, assessor="甲")
    assert one.audit != two.audit or one.audit is not None  # stamped, maybe at another moment
    assert one == two
    back = gr.ScoreSheet.from_dict(json.loads(one.to_json()))
    assert back.audit == one.audit
    assert back == one
    assert json.loads(back.to_json()) == json.loads(one.to_json())


def test_a_rubric_file_cannot_claim_a_plugin_origin(tmp_path: Path) -> None:
    data = unstructure_rubric(RUBRIC)
    data["origin"] = {"distribution": "gridrules-jiangcheng", "version": "9"}
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(gr.DataFileError, match="unknown key 'origin'"):
        load_rubric(path)
    assert "origin" not in unstructure_rubric(gr.load("xingji"))


def test_a_combined_sheet_is_stamped_too() -> None:
    rubric = gr.load("liujiaoting")
    names = [c.id for c in rubric.combinations]
    assert names
    combination = rubric.combinations[0]
    record = {"dept_points": 50, "community_points": 25, "service_points": 8}
    periods = {"H1": "2026-H1", "H2": "2026-H2", "year": "2026"}
    sheets = {
        part.id: rubric.score(record, period=periods.get(part.id), assessor="考评组")
        for part in combination.parts
    }
    combined = rubric.combine(combination.id, sheets)
    assert combined.audit is not None
    assert combined.audit.plugin == "gridrules-liujiaoting"
    assert combined.audit.assessor == "考评组"
    back = gr.CombinedSheet.from_dict(combined.to_dict())
    assert back == combined
    assert back.audit == combined.audit


def test_the_command_lines_json_keeps_the_assessor() -> None:
    done = CliRunner().invoke(
        cli.main,
        [
            "score",
            "xingji",
            str(EXAMPLES / "xingji/sun-li.toml"),
            "--format",
            "json",
            "--assessor",
            "王主任",
        ],
    )
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["assessor"] == "王主任"
    assert data["audit"]["assessor"] == "王主任"
    assert data["audit"]["plugin"] == "gridrules-xingji"
    # the same document as the library's to_dict, but for the moment it was scored
    evidence = gr.load_evidence(EXAMPLES / "xingji/sun-li.toml")
    sheet = gr.load("xingji").score(
        evidence.record, assessee=evidence.assessee, period=evidence.period, assessor="王主任"
    )
    mine = sheet.to_dict()
    for document in (mine, data):
        document["audit"].pop("scored_at")
    assert data == mine


def test_the_printed_sheet_carries_the_stamp() -> None:
    sheet = gr.load("xingji").score({"cases_collected": 10, "population_entry_rate": 95})
    assert sheet.audit is not None
    html = sheet.to_html()
    assert "gridrules-xingji 1.0.0" in html
    assert sheet.audit.rubric_hash[7:19] in html
    assert sheet.audit.scored_at in html


# -- effective dates ---------------------------------------------------------------------------

DATED = one_item(
    [gr.PerOccurrence("missed", "0.5")],
    maximum=10,
    effective="2026-01-01",
    effective_until="2026-12-31",
)


def test_a_period_within_the_dates_scores_without_a_word() -> None:
    assert DATED.score({"missed": 1}, period="2026-10").warnings == ()
    assert DATED.score({"missed": 1}).warnings == ()  # no period, nothing to hold it against


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2027-01", "考核时间2027-01（2027-01-01至2027-01-31）不在本细则的施行期间"),
        ("2025-12", "不在本细则的施行期间（2026-01-01至2026-12-31）内"),
        ("2025-12-15..2026-01-15", "有部分不在本细则的施行期间"),
    ],
)
def test_a_period_outside_the_dates_warns_on_the_sheet(period: str, words: str) -> None:
    sheet = DATED.score({"missed": 1}, period=period)
    assert len(sheet.warnings) == 1
    assert words in sheet.warnings[0]
    assert sheet.total == 9.5  # scored all the same
    assert f"提示：{sheet.warnings[0]}" in sheet.to_text()
    assert sheet.warnings[0] in sheet.to_markdown()
    assert sheet.warnings[0] in sheet.to_html()
    back = gr.ScoreSheet.from_dict(sheet.to_dict())
    assert back.warnings == sheet.warnings
    assert back == sheet


def test_strict_scoring_refuses_a_period_outside_the_dates() -> None:
    with pytest.raises(gr.GridrulesError, match=r"in force from 2026-01-01 to 2026-12-31.*strict"):
        DATED.score({"missed": 1}, period="2027-01", strict=True)
    scorer = DATED.prepare()
    with pytest.raises(gr.GridrulesError, match="partly outside"):
        scorer.result({"missed": 1}, period="2025-12-15..2026-01-15", strict=True)
    with pytest.raises(gr.GridrulesError, match="outside"):
        scorer.results([{"missed": 1}], period="2027", strict=True)
    assert scorer.result({"missed": 1}, period="2026-03", strict=True).total == 9.5


def test_open_ended_dates() -> None:
    since = one_item([gr.PerOccurrence("missed", 1)], effective="2026-07-01")
    assert "（2026-07-01起）" in since.score({"missed": 0}, period="2026-06").warnings[0]
    assert since.score({"missed": 0}, period="2030").warnings == ()
    until = one_item([gr.PerOccurrence("missed", 1)], effective_until="2026-06-30")
    assert "（至2026-06-30）" in until.score({"missed": 0}, period="2026-Q3").warnings[0]


@pytest.mark.parametrize(
    ("dates", "words"),
    [
        ({"effective_until": "2026-13-01"}, "effective_until date must be YYYY-MM-DD"),
        ({"effective": "2026/01/01"}, "effective date must be YYYY-MM-DD"),
        (
            {"effective": "2026-06-01", "effective_until": "2026-05-31"},
            "effective_until 2026-05-31 is before effective 2026-06-01",
        ),
    ],
)
def test_dates_are_checked_when_the_rubric_is_read(dates: dict[str, str], words: str) -> None:
    with pytest.raises(gr.RubricError, match=words):
        one_item([gr.PerOccurrence("missed", 1)], **dates)


def test_a_rubric_file_declares_its_dates(tmp_path: Path) -> None:
    data = unstructure_rubric(DATED)
    assert (data["effective"], data["effective_until"]) == ("2026-01-01", "2026-12-31")
    path = tmp_path / "dated.json"
    path.write_text(json.dumps({**data, "effective_until": "2025-01-01"}), encoding="utf-8")
    with pytest.raises(gr.DataFileError, match="before effective"):
        load_rubric(path)
