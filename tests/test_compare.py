"""What-if: two rubrics scoring the same evidence (gridrules.compare, gridrules compare), with the
figures worked out by hand from the rubrics' clauses, the invariants as properties, every output
format through the command line, and the page looked at in a real browser."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from browser import (
    chromium_run,
    holds_colour,
    is_a4,
    overflowing,
    page_colours,
    pdf_info,
    pdf_text,
)
from click.testing import Result
from helpers import read_csv, run
from hypothesis import given
from hypothesis import strategies as st
from strategies import PERIOD, rubrics

import gridrules as gr
import gridrules.testing
from gridrules.errors import DataFileError, ParameterError, PluginError, RubricError
from gridrules.whatif import grade_move, split_params, write_comparison

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DRAFT = EXAMPLES / "compare" / "jiangcheng-draft.toml"
EVIDENCE = EXAMPLES / "compare" / "2026-10.csv"
PARAMS = EXAMPLES / "jiangcheng" / "params.toml"


def params() -> dict[str, Any]:
    return tomllib.loads(PARAMS.read_text(encoding="utf-8"))


# -- the example: jiangcheng 1.0.0 against its draft ------------------------------------------
#
# jiangcheng 1.0.0 (params.toml: 缺每月走访 1 a time) and the draft (examples/compare): 缺签到
# 0.5 → 1 a time; 纠纷处置 20 → 10 points; a new item 培训情况 of 10 (缺席培训 2 a time); grades
# 优秀 ≥ 95, 合格 [80, 95), 不合格 < 80. Every total starts from 100; the draft's from its 8 items.
#
# row 2 王芳 东门: 缺签到 3, 会议缺勤 1
#   old: 考勤 3 × 0.5 = 1.5 → 8.5, 会议 9: 100 − 1.5 − 1 = 97.5
#   new: 考勤 3 × 1 = 3 → 7, 会议 9:        100 − 3 − 1 = 96, 优秀          change −1.5
# row 3 李强 东门: nothing                  old 100, new 100 优秀                 change 0
# row 4 赵敏 东门: 缺签到 12, 上报不及时 2
#   old: 考勤 12 × 0.5 = 6 → 4, 上报 8:    100 − 6 − 2 = 92
#   new: 考勤 12 × 1 = 12 → 0 (扣完为止), 上报 8: 100 − 10 − 2 = 88, 合格     change −4
# row 5 陈晓东 西关: 未及时赶到现场 4, 缺席培训 1 (the old rubric does not read it)
#   old: 纠纷 20 − 4 = 16:                 100 − 4 = 96
#   new: 纠纷 10 − 4 = 6, 培训 10 − 2 = 8:  100 − 4 − 2 = 94, 合格            change −2
# row 6 周婷 西关: 置之不理 1 (纠纷 本项不得分)
#   old: 纠纷 0 of 20: 80;  new: 纠纷 0 of 10: 90, 合格                         change +10
# row 7 吴刚 西关: 缺每月走访 2, 缺席培训 3
#   old: 工作 20 − 2 × 1 = 18: 98
#   new: 工作 18, 培训 10 − 3 × 2 = 4:     100 − 2 − 6 = 92, 合格            change −6
# row 8 孙丽 西关: 缺签到 −1: both rubrics reject it (a count cannot be negative)
# row 9 郑强 东门: 缺席培训 "两次": the old rubric scores 100 (it reads no 缺席培训), the draft
#   rejects it
#
# 东门 (王芳, 李强, 赵敏): changes −1.5, 0, −4: mean −5.5 / 3 = −1.8333 → −1.83; squares 2.25 +
#   0 + 16 = 18.25, / 3 = 6.0833, less the mean squared 3.3611 = 2.7222, √ = 1.6499 → 1.65
# 西关 (陈晓东, 周婷, 吴刚): −2, +10, −6: mean 2 / 3 → 0.67; 140 / 3 − 0.4444 = 46.2222, √ → 6.80
# 全部: −1.5, 0, −4, −2, 10, −6: mean −3.5 / 6 → −0.58; 158.25 / 6 − 0.3403 = 26.0347, √ → 5.10
#   1 up (周婷), 4 down, 1 unchanged (李强)
# Items over the six: 培训 new, 0 → 10 + 10 + 10 + 8 + 10 + 4 = 52 (+52); 纠纷 96 → 46 (−50:
#   −10 each but 周婷's, 0 either way); 考勤 52.5 → 47 (−5.5); +52 − 50 − 5.5 = −3.5, the sum of
#   the changes of the totals.
# Score bands (the old rubric grades no one): 90分及以上 → 90分及以上 4 (王芳, 李强, 陈晓东, 吴刚),
#   90分及以上 → 80-89分 1 (赵敏), 80-89分 → 90分及以上 1 (周婷).

EXPECTED_ROWS = {
    "王芳（第3网格）": ("97.5", "96", "-1.5", "优秀"),
    "李强（第7网格）": ("100", "100", "0", "优秀"),
    "赵敏（第12网格）": ("92", "88", "-4", "合格"),
    "陈晓东（第15网格）": ("96", "94", "-2", "合格"),
    "周婷（第18网格）": ("80", "90", "10", "合格"),
    "吴刚（第21网格）": ("98", "92", "-6", "合格"),
}


@pytest.fixture(scope="module")
def example() -> gr.Comparison:
    return gr.compare("jiangcheng==1.0.0", DRAFT, EVIDENCE, params=params(), group_by="社区")


def test_the_example_compares_as_worked_out_by_hand(example: gr.Comparison) -> None:
    assert [r.number for r in example.rows] == [2, 3, 4, 5, 6, 7, 8, 9]  # nothing lost
    for row in example.compared:
        assert row.old is not None
        assert row.new is not None
        old, new, change, grade = EXPECTED_ROWS[row.assessee or ""]
        assert (row.old.total, row.new.total, row.change) == tuple(map(Decimal, (old, new, change)))
        assert (row.old.grade, row.new.grade, row.grade_move) == (None, grade, None)
    assert len(example.compared) == 6


def test_rows_a_rubric_rejects_keep_their_reasons(example: gr.Comparison) -> None:
    both, only_new = example.rejected
    assert (both.assessee, both.status) == ("孙丽（第22网格）", "both_rejected")
    for problems in (both.old_problems, both.new_problems):
        assert [(p.field, p.message) for p in problems] == [
            ("missed_signins", "a count cannot be negative, got '-1'")
        ]
    assert (only_new.assessee, only_new.status) == ("郑强（第9网格）", "new_rejected")
    assert only_new.old is not None
    assert only_new.old.total == 100
    assert only_new.old_problems == ()
    assert [p.field for p in only_new.new_problems] == ["missed_trainings"]


def test_the_groups_mean_and_spread_as_worked_out(example: gr.Comparison) -> None:
    east, west = example.groups
    assert (east.name, east.count, east.rejected) == ("东门社区", 3, 1)
    assert (east.mean, east.spread, east.lowest, east.highest) == tuple(
        map(Decimal, ("-1.83", "1.65", "-4", "0"))
    )
    assert (west.name, west.mean, west.spread) == ("西关社区", Decimal("0.67"), Decimal("6.80"))
    overall = example.overall
    assert (overall.count, overall.rejected) == (6, 2)
    assert (overall.mean, overall.spread) == (Decimal("-0.58"), Decimal("5.10"))
    assert (overall.raised, overall.lowered, overall.unchanged) == (1, 4, 1)
    # 调整前 (97.5 + 100 + 92 + 96 + 80 + 98) / 6 = 93.916… → 93.92; 调整后 560 / 6 → 93.33
    assert (overall.old.mean, overall.new.mean) == (Decimal("93.92"), Decimal("93.33"))


def test_the_items_that_drive_the_change(example: gr.Comparison) -> None:
    moved = [(i.id, i.status, i.old_points, i.new_points, i.change) for i in example.items[:3]]
    assert moved == [
        ("training", "new", 0, 52, 52),
        ("disputes", "both", 96, 46, -50),
        ("attendance", "both", Decimal("52.5"), 47, Decimal("-5.5")),
    ]
    assert all(i.change == 0 for i in example.items[3:])
    assert {i.id for i in example.items} == {
        "attendance", "patrol", "work", "meetings", "law", "reporting", "disputes", "training"
    }  # fmt: skip
    disputes = example.items[1]
    assert (disputes.old_maximum, disputes.new_maximum, disputes.changed) == (20, 10, 5)
    beyond = example.beyond_items
    assert beyond == {"bonus": 0, "penalty": 0, "other": 0, "total": Decimal("-3.5")}


def test_grades_are_not_compared_when_one_rubric_grades_no_one(example: gr.Comparison) -> None:
    assert not example.by_grade
    assert example.category_label == "分数段"
    assert example.transitions == {
        ("90分及以上", "90分及以上"): 4,
        ("90分及以上", "80-89分"): 1,
        ("80-89分", "90分及以上"): 1,
    }
    assert example.overall.new.grades == {"优秀": 2, "合格": 4}
    assert "grades: not compared (only the new rubric grades)" in example.summary()


def test_a_field_only_one_rubric_reads_is_listed_once(example: gr.Comparison) -> None:
    (field,) = example.fields
    assert (field.id, field.label, field.read_by, field.given) == (
        "missed_trainings", "缺席培训", "new", 3
    )  # fmt: skip
    assert field.describe() == "仅调整后细则读取（次数：0或正整数，不填按0）；3条记录填报了此项"
    # never per row: the old rubric was not given the field it does not read
    assert not any("missed_trainings" in str(p) for r in example.rows for p in r.old_problems)


def test_separate_parameters_for_the_draft(tmp_path: Path) -> None:
    # --new-params: the draft takes 缺每月走访 2 a time: 吴刚's 工作 20 − 2 × 2 = 16, new total
    # 100 − 4 − 6 = 90, change −8; the old side keeps 1 a time (98)
    comparison = gr.compare(
        "jiangcheng",
        DRAFT,
        EVIDENCE,
        params=params(),
        new_params={"monthly_visit_deduction": 2},
        keep="社区",
    )
    (wu,) = [r for r in comparison.rows if r.assessee == "吴刚（第21网格）"]
    assert wu.old is not None
    assert wu.new is not None
    assert (wu.old.total, wu.new.total, wu.change) == (98, 90, -8)
    changed = [(p.name, p.old, p.new) for p in comparison.parameters if p.changed]
    assert changed == [("monthly_visit_deduction", 1, 2)]
    assert "parameter monthly_visit_deduction: 1 -> 2" in comparison.summary()


# -- parameters ------------------------------------------------------------------------------


def test_shared_parameters_go_to_the_rubrics_that_declare_them() -> None:
    old = gr.load("jiangcheng")
    new = attrs.evolve(
        gr.load(DRAFT),
        parameters=[
            *gr.load(DRAFT).parameters,
            gr.Parameter("training_deduction", "缺席培训扣分", "缺席一次扣分", default=2),
        ],
    )
    shared = {"monthly_visit_deduction": 1, "training_deduction": 3}
    before, after = split_params(old, new, shared, new_params={"monthly_visit_deduction": 2})
    assert before == {"monthly_visit_deduction": 1}
    assert after == {"monthly_visit_deduction": 2, "training_deduction": 3}
    with pytest.raises(ParameterError, match="nobody_declares: declared by neither rubric"):
        split_params(old, new, {"nobody_declares": 1})


def test_a_parameter_problem_names_the_side(tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as found:
        gr.compare(
            "jiangcheng", DRAFT, [{"missed_signins": 1}], params=params(), new_params={"wrong": 1}
        )
    message = str(found.value)
    assert message.startswith("the new rubric (rubric 'jiangcheng', version 2027-draft)")
    assert "wrong: unknown parameter" in message


# -- records of every kind -----------------------------------------------------------------------


def test_records_as_mappings_evidence_files_or_a_table_give_the_same_figures(
    example: gr.Comparison,
) -> None:
    with EVIDENCE.open(encoding="utf-8-sig", newline="") as stream:
        table = list(csv.DictReader(stream))
    labels = {f.description: fid for r in (example.old, example.new) for fid, f in r.fields.items()}
    records = [{labels.get(k, k): v for k, v in row.items() if k != "考核时间"} for row in table]
    again = gr.compare(
        "jiangcheng", DRAFT, records, params=params(), id="被考核人员", group_by="社区"
    )
    assert [r.change for r in again.rows] == [r.change for r in example.rows]
    assert [r.assessee for r in again.rows] == [r.assessee for r in example.rows]
    assert again.to_dict()["overall"] == example.to_dict()["overall"]
    assert again.to_dict()["groups"] == example.to_dict()["groups"]


def test_evidence_files_compare_with_their_own_names() -> None:
    files = [gr.load_evidence(EXAMPLES / "jiangcheng" / f) for f in ("wang-fang.toml",)]
    comparison = gr.compare("jiangcheng", "jiangcheng", files, params=params())
    (row,) = comparison.rows
    assert row.assessee == files[0].assessee
    assert row.change == 0


def test_a_record_of_another_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="record 1: expected a mapping of evidence"):
        gr.compare("jiangcheng", "jiangcheng", [["missed_signins", 1]], params=params())


def test_a_key_neither_rubric_reads_is_each_rubric_s_problem() -> None:
    comparison = gr.compare("jiangcheng", DRAFT, [{"mised_meetings": 1}], params=params())
    (row,) = comparison.rows
    assert row.status == "both_rejected"
    for problems in (row.old_problems, row.new_problems):
        assert "unknown field" in problems[0].message


def test_a_required_field_the_draft_adds_rejects_the_rows_that_lack_it() -> None:
    old = gr.load("jiangcheng")
    needed = gr.Item(
        "ledger",
        "台账",
        0,
        [gr.ZeroIf(gr.When("ledger_gaps", ">=", 1))],
        clause="台账缺失的本项不得分",
    )
    new = attrs.evolve(old, children=[*old.children, needed])
    records = [{"missed_signins": 1}, {"ledger_gaps": 0}]
    comparison = gr.compare(old, new, records, params=params())
    first, second = comparison.rows
    assert first.status == "new_rejected"
    assert [p.field for p in first.new_problems] == ["ledger_gaps"]
    assert second.status == "compared"
    (field,) = comparison.fields
    assert field.describe().startswith("仅调整后细则读取，必填")


# -- grades ------------------------------------------------------------------------------------


def graded(name: str, points: str, bands: list[gr.Band], version: str = "1") -> gr.Rubric:
    return gr.Rubric(
        name=name,
        title="会议考核",
        version=version,
        maximum=100,
        children=[
            gr.Item(
                "meetings",
                "会议情况",
                100,
                [gr.PerOccurrence("missed", points)],
                clause="缺一次扣分",
            )
        ],
        grades=gr.GradeBands(bands),
    )


OLD_BANDS = [
    gr.Band.between("优秀", 90, None),
    gr.Band.between("合格", 60, 90, upper_inclusive=False),
    gr.Band.between("不合格", 0, 60, upper_inclusive=False),
]
NEW_BANDS = [
    gr.Band.between("优秀", 90, None),
    gr.Band.between("良好", 80, 90, upper_inclusive=False),
    gr.Band.between("合格", 60, 80, upper_inclusive=False),
    gr.Band.between("不合格", 0, 60, upper_inclusive=False),
]


def test_grade_moves_with_a_band_inserted() -> None:
    # old: 5 off a missed meeting; new: 10 off, and 良好 inserted between 优秀 and 合格
    # misses  old total grade      new total grade    move
    #   0      100 优秀             100 优秀           kept
    #   1       95 优秀              90 优秀           kept
    #   2       90 优秀              80 良好           down (良好 is below 优秀 in the new bands)
    #   3       85 合格              70 合格           kept
    #   5       75 合格              50 不合格         down
    #   9       55 不合格            10 不合格         kept
    old, new = graded("m", "5", OLD_BANDS), graded("m", "10", NEW_BANDS, "2")
    comparison = gr.compare(old, new, [{"missed": n} for n in (0, 1, 2, 3, 5, 9)])
    assert [r.grade_move for r in comparison.rows] == [0, 0, -1, 0, -1, 0]
    overall = comparison.overall
    assert (overall.grades_up, overall.grades_down, overall.grades_same) == (0, 2, 4)
    assert comparison.categories == ["优秀", "良好", "合格", "不合格"]
    assert comparison.distribution() == [
        ("优秀", 3, 2), ("良好", 0, 1), ("合格", 2, 1), ("不合格", 1, 2)
    ]  # fmt: skip
    assert comparison.transitions == {
        ("优秀", "优秀"): 2,
        ("优秀", "良好"): 1,
        ("合格", "合格"): 1,
        ("合格", "不合格"): 1,
        ("不合格", "不合格"): 1,
    }


def test_grade_moves_between_two_rubrics_bands() -> None:
    old = _orders(OLD_BANDS)
    new = _orders(NEW_BANDS)
    assert grade_move("合格", "良好", old, new) == 1  # the new bands put 良好 above 合格
    assert grade_move("优秀", "良好", old, new) == -1
    assert grade_move("合格", "合格", old, new) == 0  # one name, one grade, whatever its band
    assert grade_move(None, "合格", old, new) is None
    renamed = _orders([*NEW_BANDS[:3], gr.Band.between("不称职", 0, 60, upper_inclusive=False)])
    assert grade_move("不合格", "不称职", old, renamed) == 0  # a band renamed: same lower bound
    assert grade_move("不合格", "良好", old, renamed) == 1


def _orders(bands: list[gr.Band]) -> dict[str, Any]:
    from gridrules.io.whatif import grade_order

    return grade_order(graded("x", "1", bands).grades)


def test_a_veto_s_grade_is_compared_as_any_grade() -> None:
    old = graded("v", "5", OLD_BANDS)
    new = attrs.evolve(
        graded("v", "5", OLD_BANDS, "2"),
        vetoes=[gr.Veto("accident", gr.When("accident"), grade="不合格")],
    )
    comparison = gr.compare(old, new, [{"missed": 0, "accident": True}, {"missed": 0}])
    first, second = comparison.rows
    assert (first.change, first.grade_move) == (0, -1)  # 100 优秀 → 100 不合格 (列为不合格)
    assert (second.change, second.grade_move) == (0, 0)
    (field,) = comparison.fields
    assert (field.id, field.read_by) == ("accident", "new")


# -- properties ---------------------------------------------------------------------------------


def _replaced(rubric: gr.Rubric, item_id: str, change: Any) -> gr.Rubric:
    """``rubric`` with item ``item_id`` replaced by ``change(item)``, wherever it is."""

    def walk(nodes: tuple[Any, ...]) -> list[Any]:
        return [
            attrs.evolve(node, children=walk(node.children))
            if isinstance(node, gr.Section)
            else change(node)
            if node.id == item_id
            else node
            for node in nodes
        ]

    return attrs.evolve(rubric, children=walk(rubric.children))


def _raised(rubric: gr.Rubric, target: tuple[str, int], by: Decimal) -> gr.Rubric:
    """``rubric`` with the points of rule ``target`` (item id, rule index) raised by ``by``."""

    def raise_one(item: gr.Item) -> gr.Item:
        rules = list(item.rules)
        rules[target[1]] = attrs.evolve(rules[target[1]], points=rules[target[1]].points + by)
        return attrs.evolve(item, rules=rules)

    return attrs.evolve(_replaced(rubric, target[0], raise_one), version="draft")


def _deductions(rubric: gr.Rubric) -> list[tuple[str, int]]:
    return [
        (item.id, at)
        for item in rubric.items()
        for at, rule in enumerate(item.rules)
        if isinstance(rule, gr.PerOccurrence | gr.Penalty)
    ]


@st.composite
def drafts(draw: st.DrawFn) -> tuple[gr.Rubric, gr.Rubric, list[dict[str, Any]]]:
    """A rubric, a draft of it that only raises one deduction, and records for both."""
    rubric = draw(rubrics())
    if not _deductions(rubric):  # give the first item one: 每缺一次扣N分
        first = next(rubric.items())
        rule = gr.PerOccurrence("extra_misses", draw(st.decimals(0, 5, places=1)))
        rubric = _replaced(
            rubric, first.id, lambda item: attrs.evolve(item, rules=[*item.rules, rule])
        )
    target = draw(st.sampled_from(_deductions(rubric)))
    by = draw(st.decimals(min_value="0.1", max_value=10, places=1))
    records = draw(st.lists(gr.testing.evidence(rubric, period=PERIOD), min_size=1, max_size=5))
    return rubric, _raised(rubric, target, by), records


@given(drafts())
def test_a_draft_that_only_raises_one_deduction_never_raises_a_total(
    case: tuple[gr.Rubric, gr.Rubric, list[dict[str, Any]]],
) -> None:
    old, new, records = case
    comparison = gr.compare(old, new, records, period=PERIOD)
    assert not comparison.rejected
    for row in comparison.rows:
        assert row.change is not None
        assert row.change <= 0, (row.old, row.new)
        # no move without bands on both sides (a grade only a veto gives has no place)
        assert row.grade_move in ((0, -1) if old.grades is not None else (0, -1, None))
        assert row.star_change is None or row.star_change <= 0
    assert all(item.change <= 0 for item in comparison.items)
    assert comparison.overall.raised == 0
    assert comparison.fields == []


@given(st.data())
def test_identical_rubrics_give_zero_change(data: st.DataObject) -> None:
    rubric = data.draw(rubrics())
    records = data.draw(st.lists(gr.testing.evidence(rubric, period=PERIOD), max_size=5))
    comparison = gr.compare(rubric, rubric, records, period=PERIOD)
    assert len(comparison.rows) == len(records)
    for row in comparison.rows:
        assert row.change == 0
        # no move; none at all for a record that has no grade (no bands, no veto fired)
        assert row.grade_move in (0, None)
        assert row.star_change in (None, 0)
        assert row.old == row.new
    assert all(i.change == 0 and i.changed == 0 for i in comparison.items)
    assert comparison.fields == []
    assert not any(p.changed for p in comparison.parameters)
    overall = comparison.overall
    if records:
        assert (overall.mean, overall.spread) == (0, 0)
    assert (overall.raised, overall.lowered, overall.grades_up, overall.grades_down) == (0,) * 4
    assert set(comparison.transitions) <= {(c, c) for c in comparison.categories}


def test_the_bundled_example_workbook_against_itself_changes_nothing() -> None:
    comparison = gr.compare(
        "jiangcheng",
        "jiangcheng",
        EXAMPLES / "jiangcheng" / "2026-10.xlsx",
        params=params(),
        group_by="社区",
    )
    assert [g.name for g in comparison.groups] == ["东门社区", "南湖社区", "西关社区"]
    assert len(comparison.compared) == 36
    assert {r.change for r in comparison.rows} == {0}


# -- version pinning -----------------------------------------------------------------------------


def test_load_pins_a_version() -> None:
    assert gr.load("jiangcheng", version="1.0.0").version == "1.0.0"
    assert gr.load("jiangcheng==1.0.0").version == "1.0.0"
    with pytest.raises(PluginError) as found:
        gr.load("jiangcheng", version="2.0")
    assert str(found.value) == (
        "rubric 'jiangcheng' is installed in version 1.0.0 (from gridrules-jiangcheng), not "
        "version 2.0 as asked; install that version, or give the rubric file of it"
    )
    with pytest.raises(PluginError, match=r"installed in version 1\.0\.0 .*not version 9 as asked"):
        gr.load("jiangcheng==9")
    with pytest.raises(PluginError, match=r"pins version 1\.0\.0, and version='2' another"):
        gr.load("jiangcheng==1.0.0", version="2")
    with pytest.raises(PluginError, match="expected NAME==VERSION"):
        gr.load("jiangcheng==")
    with pytest.raises(PluginError, match="no rubric named 'nosuch' is installed"):
        gr.load("nosuch==1.0.0")


def test_a_rubric_file_is_pinned_by_its_own_version() -> None:
    assert gr.load(f"{DRAFT}==2027-draft").version == "2027-draft"
    assert gr.load(DRAFT, version="2027-draft").title.endswith("（修订征求意见稿）")
    with pytest.raises(
        PluginError, match="holds version 2027-draft of 'jiangcheng', not version 1"
    ):
        gr.load(DRAFT, version="1")


# -- reading one table for both rubrics ---------------------------------------------------------


def test_a_column_is_read_by_either_rubric_s_label(tmp_path: Path) -> None:
    # the draft renames 会议缺勤 to 缺席会议: a workbook of either rubric's labels is read
    new = gr.load(DRAFT)
    renamed = attrs.evolve(
        new,
        children=[
            attrs.evolve(
                node,
                rules=[attrs.evolve(node.rules[0], label="缺席会议")],
            )
            if node.id == "meetings"
            else node
            for node in new.children
        ],
    )
    assert renamed.fields["missed_meetings"].description == "缺席会议"
    for header in ("会议缺勤", "缺席会议"):
        table = tmp_path / f"{header}.csv"
        table.write_text(f"姓名,{header}\n甲,2\n", encoding="utf-8")
        comparison = gr.compare("jiangcheng", renamed, table, params=params())
        (row,) = comparison.rows
        assert (row.assessee, row.change) == ("甲", 0)  # 2 off the meetings either way
        assert row.old is not None
        assert row.old.total == 98
    (field,) = [f for f in comparison.fields if f.id == "missed_meetings"]
    assert field.describe().startswith("两份细则都读取，但名称由“会议缺勤”改为“缺席会议”")


def test_a_label_of_two_different_fields_is_refused(tmp_path: Path) -> None:
    # the draft calls its missed sign-ins 漏签到 and gives 缺签到 to missed trainings: a column
    # 缺签到 would be one field for the rubric in force and another for the draft
    new = gr.load(DRAFT)
    labels = {"attendance": "漏签到", "training": "缺签到"}
    clash = attrs.evolve(
        new,
        children=[
            attrs.evolve(node, rules=[attrs.evolve(node.rules[0], label=labels[node.id])])
            if node.id in labels
            else node
            for node in new.children
        ],
    )
    table = tmp_path / "t.csv"
    table.write_text("姓名,缺签到\n甲,1\n", encoding="utf-8")
    with pytest.raises(RubricError) as found:
        gr.compare("jiangcheng", clash, table, params=params())
    assert str(found.value) == (
        "the label '缺签到' is the field 'missed_signins' of rubric 'jiangcheng' and the field "
        "'missed_trainings' of rubric 'jiangcheng'; a column named by it cannot be read for "
        "both: give the two fields one id, or one of them another label"
    )


def test_a_column_of_neither_rubric_fails_the_table_once(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("姓名,缺席培训,缺席陪训\n甲,1,1\n", encoding="utf-8")
    with pytest.raises(DataFileError) as found:
        gr.compare("jiangcheng", DRAFT, table, params=params())
    message = str(found.value)
    assert "1 column is not a field of rubric 'jiangcheng':" in message
    assert "'缺席陪训': did you mean '缺席培训' (missed_trainings)?" in message


# -- the command line ---------------------------------------------------------------------------


def compare_cli(output: Path, *extra: object) -> Result:
    """The example compared on the command line (the 社区 column kept, unless grouped by)."""
    keep = () if "--group-by" in extra else ("--keep", "社区")
    return run(
        "compare", "jiangcheng==1.0.0", DRAFT, EVIDENCE, "--params", PARAMS, "-o", output, *keep,
        *extra,
    )  # fmt: skip


def test_compare_writes_csv_with_id_headers(tmp_path: Path) -> None:
    out = tmp_path / "diff.csv"
    result = compare_cli(out, "--group-by", "社区")
    assert result.exit_code == 1, result.output  # two rows rejected, both kept in the output
    rows = read_csv(out)
    assert [r["assessee"] for r in rows][-2:] == ["孙丽（第22网格）", "郑强（第9网格）"]
    for row in rows[:6]:
        old, new, change, grade = EXPECTED_ROWS[row["assessee"]]
        assert (row["old_total"], row["new_total"], row["change"], row["new_grade"]) == (
            old, new, change, grade
        )  # fmt: skip
        assert row["status"] == "compared"
    wang = rows[0]
    assert (wang["社区"], wang["change.attendance"], wang["change.training"]) == (
        "东门社区", "-1.5", "10"
    )  # fmt: skip
    assert rows[7]["status"] == "new_rejected"
    assert rows[7]["old_total"] == "100"
    assert "new: missed_trainings: expected a whole number" in rows[7]["reasons"]
    summary = result.stderr
    assert "8 rows = 6 compared + 2 rejected (1 by both, 0 by the old only, 1 by the new only)" in (
        summary
    )
    assert "mean -0.58, spread 5.1, from -6 to 10; 1 up, 4 down, 1 unchanged" in summary
    assert "items: training +52 (new), disputes -50, attendance -5.5" in summary
    assert "field missed_trainings (缺席培训): read by the new rubric only; given in 3" in summary


def test_compare_writes_csv_with_chinese_headers(tmp_path: Path) -> None:
    out = tmp_path / "diff.csv"
    compare_cli(out, "--headers", "zh")
    rows = read_csv(out)
    assert list(rows[0])[:7] == [
        "行号",
        "被考核人员",
        "社区",
        "状态",
        "调整前总分",
        "调整后总分",
        "总分变化",
    ]
    assert rows[0]["考勤情况变化"] == "-1.5"
    assert rows[6]["状态"] == "均未计分"
    assert rows[6]["未计分原因"].startswith("调整前：缺签到：次数不能为负数")


def test_compare_writes_json_lines(tmp_path: Path) -> None:
    out = tmp_path / "diff.jsonl"
    compare_cli(out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 8
    assert lines[4]["assessee"] == "周婷（第18网格）"
    assert (lines[4]["old_total"], lines[4]["new_total"], lines[4]["change"]) == ("80", "90", "10")


def test_compare_writes_a_workbook_of_rows_and_figures(tmp_path: Path) -> None:
    out = tmp_path / "diff.xlsx"
    result = compare_cli(out, "--group-by", "社区")
    assert result.exit_code == 1, result.output
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        assert book.sheetnames == [
            "对比结果", "分组汇总", "等级分布", "等级变动", "分项变化", "字段差异", "参数",
            "未计分行", "说明",
        ]  # fmt: skip
        rows = list(book["对比结果"].iter_rows(values_only=True))
        assert rows[0][:7] == (
            "行号",
            "被考核人员",
            "社区",
            "状态",
            "调整前总分",
            "调整后总分",
            "总分变化",
        )
        assert rows[5][:7] == (6, "周婷（第18网格）", "西关社区", "已对比", 80, 90, 10)
        groups = list(book["分组汇总"].iter_rows(values_only=True))
        # 东门: 调整前 (97.5 + 100 + 92) / 3 = 96.5, 调整后 (96 + 100 + 88) / 3 = 94.67
        assert groups[1][:10] == ("东门社区", 3, 1, 96.5, 94.67, -1.83, 1.65, -4, 0, 0)
        assert groups[3][:7] == ("全部", 6, 2, 93.92, 93.33, -0.58, 5.1)
        items = list(book["分项变化"].iter_rows(values_only=True))
        assert items[1] == ("training", "培训情况", "新增", None, 10, 0, 52, 52, 6)
        assert items[-1][1] == "总分变化合计"
        assert items[-1][7] == -3.5
        transitions = list(book["等级变动"].iter_rows(values_only=True))
        assert transitions[1][:3] == ("90分及以上", 4, 1)
        assert transitions[2][:3] == ("80-89分", 1, 0)
        rejected = list(book["未计分行"].iter_rows(values_only=True))
        assert rejected[1:] == [
            (8, "孙丽（第22网格）", "调整前", "缺签到", "-1", "次数不能为负数，实际为 '-1'"),
            (8, "孙丽（第22网格）", "调整后", "缺签到", "-1", "次数不能为负数，实际为 '-1'"),
            (
                9,
                "郑强（第9网格）",
                "调整后",
                "缺席培训",
                "两次",
                "应填0或正整数（次数），实际为 '两次'",
            ),
        ]
        fields = list(book["字段差异"].iter_rows(values_only=True))
        assert fields[1][:4] == ("missed_trainings", "缺席培训", "仅调整后", 3)
    finally:
        book.close()


def test_compare_writes_a_page(tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    result = compare_cli(out, "--group-by", "社区", "--title", "江城街道考核细则修订测算")
    assert result.exit_code == 1, result.output
    text = out.read_text(encoding="utf-8")
    assert "<h1>江城街道考核细则修订测算</h1>" in text
    assert text.count("<svg") == 1
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # loads nothing
    for expected in (
        "总体情况",
        "调整前后分数段分布",
        "分项变化",
        "变化最大的人员",
        "读取字段的差异",
        "未计分的记录",
        "东门社区 调整前",
        "+52",
        "-50",
    ):
        assert expected in text, expected


def test_compare_refuses_a_wrong_version_before_reading(tmp_path: Path) -> None:
    result = run("compare", "jiangcheng==2.0", DRAFT, EVIDENCE, "-o", tmp_path / "d.csv")
    assert result.exit_code == 2
    assert "OLD: rubric 'jiangcheng' is installed in version 1.0.0" in result.stderr
    assert not (tmp_path / "d.csv").exists()


def test_compare_refuses_an_unknown_output_and_overwriting_the_evidence(tmp_path: Path) -> None:
    result = run("compare", "jiangcheng", DRAFT, EVIDENCE, "-o", tmp_path / "d.pdf")
    assert result.exit_code == 2
    assert "written as .xlsx, .csv, .jsonl or .html" in result.stderr
    copy = tmp_path / "e.csv"
    copy.write_bytes(EVIDENCE.read_bytes())
    result = run("compare", "jiangcheng", DRAFT, copy, "-o", copy)
    assert result.exit_code == 2
    assert "would overwrite the evidence file" in result.stderr


def test_compare_with_separate_parameter_files(tmp_path: Path) -> None:
    draft_params = tmp_path / "draft-params.toml"
    draft_params.write_text("monthly_visit_deduction = 2\n", encoding="utf-8")
    out = tmp_path / "d.csv"
    result = compare_cli(out, "--new-params", draft_params)
    assert result.exit_code == 1, result.output
    wu = read_csv(out)[5]
    assert (wu["assessee"], wu["old_total"], wu["new_total"], wu["change"]) == (
        "吴刚（第21网格）", "98", "90", "-8"
    )  # fmt: skip
    assert "parameter monthly_visit_deduction: 1 -> 2" in result.stderr


def test_compare_a_template_workbook_takes_its_parameters(tmp_path: Path) -> None:
    out = tmp_path / "d.xlsx"
    workbook = EXAMPLES / "jiangcheng" / "2026-10.xlsx"
    result = run("compare", "jiangcheng", "jiangcheng", workbook, "--group-by", "社区", "-o", out)
    assert result.exit_code == 0, result.output
    assert "36 rows = 36 compared + 0 rejected" in result.stderr


# -- the page in a browser ------------------------------------------------------------------------


def test_the_page_in_a_browser_shows_the_figures_and_the_chart(
    chromium: str, tmp_path: Path
) -> None:
    page = tmp_path / "compare.html"
    result = compare_cli(page, "--group-by", "社区")
    assert result.exit_code == 1, result.output
    shot = tmp_path / "compare.png"
    done = chromium_run(chromium, page, tmp_path, "--window-size=794,1400", f"--screenshot={shot}")
    assert shot.exists(), done.stderr[-1000:]
    assert shot.stat().st_size > 20_000
    pdf = tmp_path / "compare.pdf"
    chromium_run(chromium, page, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert is_a4(pdf_info(pdf))
    text = pdf_text(pdf)
    for expected in (
        "考核细则调整前后对比",
        "网格员考核奖惩制度（jiangcheng1.0.0）",
        "总体情况",
        "调整前后分数段分布",
        "东门社区调整前",
        "西关社区调整后",
        "分项变化",
        "培训情况",
        "总分升幅最大",
        "周婷（第18网格）",
        "读取字段的差异",
        "未计分的记录",
        "孙丽（第22网格）",
    ):
        assert expected in text, expected
    # the chart is drawn: the first page, as pixels, holds its bars' green (90分及以上) and
    # light green (80-89分)
    colours = page_colours(pdf, tmp_path)
    assert holds_colour(colours, 0x2E7D32)
    assert holds_colour(colours, 0x66BB6A)
    assert overflowing(chromium, page, tmp_path) == {"cells": [], "page": False}


# -- more of what a user does ----------------------------------------------------------------------


def test_the_docstring_example_runs() -> None:
    import doctest

    import gridrules.whatif

    found = doctest.DocTestFinder().find(gridrules.whatif.compare, "compare", globs={})
    (test,) = found
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert (runner.failures, runner.tries) == (0, len(test.examples))
    assert runner.tries >= 5


def test_the_comparison_as_plain_data(example: gr.Comparison) -> None:
    data = json.loads(json.dumps(example.to_dict(), ensure_ascii=False))
    assert data["old"] == {"name": "jiangcheng", "version": "1.0.0", "title": "网格员考核奖惩制度"}
    assert data["overall"]["mean"] == "-0.58"
    assert data["overall"]["grades"] is None  # the rubric in force grades no one
    assert [g["name"] for g in data["groups"]] == ["东门社区", "西关社区"]
    zhou = data["rows"][4]
    assert (zhou["assessee"], zhou["change"], zhou["new"]["grade"]) == (
        "周婷（第18网格）",
        "10",
        "合格",
    )
    assert zhou["kept"] == {"社区": "西关社区"}
    assert data["rows"][7]["new"]["problems"][0]["field"] == "missed_trainings"
    assert data["movers"] == {"gains": [6], "losses": [7, 4, 5, 2]}
    assert data["beyond_items"]["total"] == "-3.5"


def test_ballots_written_as_json_in_cells_are_read_for_each_rubric() -> None:
    # the member rubric's month: ballots (评议票) as JSON text in a cell, as batch reads them
    comparison = gr.compare(
        "wanggezhang-member",
        "wanggezhang-member",
        EXAMPLES / "wanggezhang" / "2026-Q3-member.xlsx",
        params=tomllib.loads((EXAMPLES / "wanggezhang" / "params.toml").read_text("utf-8")),
        group_by="社区",
    )
    assert (len(comparison.compared), len(comparison.rejected)) == (36, 0)
    assert {r.change for r in comparison.rows} == {0}


def test_a_header_map_names_a_field_of_the_draft(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("姓名,培训缺勤次数,缺签到\n甲,2,1\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('"培训缺勤次数" = "缺席培训"\n', encoding="utf-8")
    out = tmp_path / "d.csv"
    result = run(
        "compare", "jiangcheng", DRAFT, table, "--params", PARAMS, "--header-map", mapping,
        "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (row,) = read_csv(out)
    # old: 缺签到 1 × 0.5 → 99.5; new: 缺签到 1 × 1, 培训 2 × 2 = 4 → 100 − 1 − 4 = 95
    assert (row["old_total"], row["new_total"], row["change"]) == ("99.5", "95", "-4.5")


def test_the_page_of_two_graded_rubrics_charts_grades(tmp_path: Path) -> None:
    from gridrules.whatif import write_html

    old, new = graded("m", "5", OLD_BANDS), graded("m", "10", NEW_BANDS, "2")
    comparison = gr.compare(old, new, [{"missed": n} for n in (0, 1, 2, 3, 5, 9)])
    page = tmp_path / "p.html"
    write_html(comparison, page, title="会议考核修订测算")
    text = page.read_text(encoding="utf-8")
    assert "<h2>调整前后等级分布</h2>" in text
    assert "分数段" not in text
    # the legend names each grade of both rubrics, best first
    legend = re.findall(r'font-size="11">([^<]+)</text>', text.split("<svg")[1])
    assert legend[:4] == ["优秀", "良好", "合格", "不合格"]
    assert '等级上升 / 下降 / 不变</th><td class="num">0 / 2 / 4' in text
    assert "（降）" in text  # 90 优秀 → 80 良好, a loss listed with its grade's move


def test_the_workbook_and_table_in_id_headers(tmp_path: Path) -> None:
    from gridrules.whatif import write_table

    old, new = graded("m", "5", OLD_BANDS), graded("m", "10", NEW_BANDS, "2")
    comparison = gr.compare(old, new, [{"name": "甲", "missed": 2}], id="name")
    book_path = tmp_path / "d.xlsx"
    write_table(comparison, book_path, headers="id")
    book = openpyxl.load_workbook(book_path, read_only=True)
    try:
        assert book.sheetnames[:3] == ["rows", "groups", "distribution"]
        rows = list(book["rows"].iter_rows(values_only=True))
        assert rows[1][:10] == (1, "甲", "compared", 90, 80, -10, "优秀", "良好", "down", None)
        groups = list(book["groups"].iter_rows(values_only=True))
        assert groups[0][-3:] == ("grades_up", "grades_down", "grades_same")
        assert groups[1][-3:] == (0, 1, 0)
    finally:
        book.close()
    with pytest.raises(DataFileError, match="unknown headers 'en'"):
        write_table(comparison, tmp_path / "d.csv", headers="en")


def test_a_mapping_s_usual_keys_name_the_assessee_and_the_period() -> None:
    from helpers import daily_rubric

    # 每天2条, 0.1 off for each short: the period gives the target, record by record
    daily = daily_rubric()
    records = [
        {"被考核人员": "甲", "考核时间": "2026-10", "events_reported": 0},
        {"被考核人员": "乙", "考核时间": "2026-11", "events_reported": 0},
        {"被考核人员": "丙", "考核时间": "不是时间", "events_reported": 0},
        {"被考核人员": "丁", "events_reported": 0},
    ]
    comparison = gr.compare(daily, daily, records)
    first, second, bad, none = comparison.rows
    assert [r.assessee for r in comparison.rows] == ["甲", "乙", "丙", "丁"]
    assert first.change == second.change == 0
    assert first.old is not None
    assert second.old is not None
    # 2026-10 has 18 working days: 36 short × 0.1 = 3.6 off → 6.4; 2026-11 21: 4.2 off → 5.8
    assert (first.old.total, second.old.total) == (Decimal("6.4"), Decimal("5.8"))
    assert bad.status == none.status == "both_rejected"
    assert "不是时间" in str(bad.old_problems[0])
    assert "period" in str(none.old_problems[0])
    again = gr.compare(daily, daily, records[3:], period="2026-10")
    assert again.rows[0].status == "compared"


def test_an_empty_table_compares_no_one_and_says_so(tmp_path: Path) -> None:
    table = tmp_path / "empty.csv"
    table.write_text("被考核人员,缺签到\n", encoding="utf-8")
    out = tmp_path / "d.html"
    result = run("compare", "jiangcheng", DRAFT, table, "--params", PARAMS, "-o", out)
    assert result.exit_code == 0, result.output
    assert "holds no row to compare" in result.stderr
    assert "每条记录两份细则都已计分" in out.read_text(encoding="utf-8")


def test_a_rejected_value_shows_as_the_batch_s_errors_file_shows_it(tmp_path: Path) -> None:
    # a value of 300 digits is cut to its first 199 and its length, as in the batch's errors file
    table = tmp_path / "long.csv"
    table.write_text(f"被考核人员,缺签到\n王芳,{'9' * 300}\n", encoding="utf-8")
    scores = tmp_path / "scores.csv"
    run("batch", "jiangcheng", table, "-o", scores, "--params", PARAMS, "--headers", "zh")
    (error,) = read_csv(tmp_path / "scores.errors.csv")
    shown = "9" * 199 + "…(300 characters)"
    assert error["值"] == shown
    out = tmp_path / "diff.xlsx"
    result = run("compare", "jiangcheng", DRAFT, table, "--params", PARAMS, "-o", out)
    assert result.exit_code == 1, result.output
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        rejected = list(book["未计分行"].iter_rows(values_only=True))
    finally:
        book.close()
    assert [(r[2], r[3], r[4]) for r in rejected[1:]] == [
        ("调整前", "缺签到", shown),
        ("调整后", "缺签到", shown),
    ]
    assert [r[5] for r in rejected[1:]] == [error["原因"]] * 2
    # a number is written as everywhere else: -1.50 as -1.5
    records = [{"missed_signins": Decimal("-1.50")}]
    comparison = gr.compare("jiangcheng", DRAFT, records, params=params())
    table_out = tmp_path / "diff-ids.xlsx"
    write_comparison(comparison, table_out, headers="id")
    book = openpyxl.load_workbook(table_out, read_only=True)
    try:
        rejected = list(book["rejected"].iter_rows(values_only=True))
    finally:
        book.close()
    assert rejected[1][2:5] == ("old", "missed_signins", "-1.5")
