"""The printable sheet: HTML and Markdown content, and one A4 page in a real headless browser."""

from __future__ import annotations

import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from browser import chromium_run, is_a4, pdf_info, pdf_text
from helpers import example_evidence

import gridrules as gr
from gridrules import serialization
from gridrules.model.numbers import fmt
from gridrules.render import (
    rubric_html,
    rubric_json,
    rubric_markdown,
    sheet_html,
    sheet_markdown,
    sheet_text,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _example(name: str, evidence: str) -> tuple[gr.Rubric, dict[str, object], dict[str, object]]:
    folder = EXAMPLES / name
    record = tomllib.loads((folder / evidence).read_text(encoding="utf-8"))
    meta = record.pop("_meta", {})
    params_file = folder / "params.toml"
    params = tomllib.loads(params_file.read_text(encoding="utf-8")) if params_file.exists() else {}
    return gr.load(name, params or None), record, meta


@pytest.fixture
def wang_fang() -> gr.ScoreSheet:
    rubric, record, meta = _example("jiangcheng", "wang-fang.toml")
    return rubric.score(record, assessee=meta["assessee"], period=meta["period"])


def dense_rubric(items: int = 24) -> gr.Rubric:
    """A long rubric with sections, grades, stars, a veto, a bonus: the hardest page to fit."""
    clause = "每发现一次未按规定开展网格巡查、未及时录入社管信息平台或记录不准确的，扣1分，扣完为止"
    sections = []
    per = items // 4
    for s in range(4):
        children = [
            gr.Item(
                f"i{s}_{k}",
                f"第{s + 1}部分工作事项{k + 1}",
                5,
                clause=clause,
                rules=[gr.PerOccurrence(f"f{s}_{k}", 1, label=f"未按规定开展{s + 1}-{k + 1}")],
            )
            for k in range(per)
        ]
        sections.append(gr.Section(f"s{s}", f"第{s + 1}部分", 5 * per, children=children))
    sections.append(
        gr.Section(
            "extra",
            "加分项目",
            0,
            children=[
                gr.Item(
                    "bonus",
                    "调解纠纷",
                    0,
                    clause="每一例加3分,加分幅度不封顶",
                    rules=[gr.Bonus("mediated", 3, None)],
                )
            ],
        )
    )
    total = 5 * per * 4
    return gr.Rubric(
        name="dense",
        title="社区网格员年度绩效考核细则（测试用长表）",
        maximum=total,
        children=sections,
        grades=gr.GradeBands(
            [
                gr.Band.between("优秀", 100, None),
                gr.Band.between("合格", 60, 100, upper_inclusive=False),
                gr.Band.between("不合格", None, 60, upper_inclusive=False),
            ]
        ),
        stars=gr.StarRating(5, 24),
        vetoes=[
            gr.Veto(
                "accident",
                gr.When("major_accident"),
                grade="不合格",
                label="重大事故",
                clause="发生重大安全事故的，列为不合格档次",
            )
        ],
        assumptions=[
            gr.Assumption(f"A{n}", "原文" * 12, "按字面执行，由考评组认定。" * 4)
            for n in range(1, 4)
        ],
    )


@pytest.fixture
def dense_sheet() -> gr.ScoreSheet:
    rubric = dense_rubric()
    record: dict[str, object] = {f"f{s}_{k}": (s + k) % 4 for s in range(4) for k in range(6)}
    record.update(mediated=2, major_accident=False)
    return rubric.score(record, assessee="欧阳建国（第12网格）", period="2026年度")


# -- content ----------------------------------------------------------------------------------


PAPER_FORM = (
    "被考核人员",
    "王芳（第3网格）",
    "考核时间",
    "2026-10",
    "考核人",
    "李主任",
    "考核内容",
    "分值",
    "扣分",
    "得分",
    "依据",
)
"""The head and the table columns of the paper form, as filled in for 王芳 by 李主任."""


def test_html_sheet_holds_the_paper_form(wang_fang: gr.ScoreSheet) -> None:
    page = sheet_html(wang_fang, assessor="李主任")
    for text in (
        *PAPER_FORM,
        "考核得分",
        "依据的假设",
        "@page { size: A4",
    ):
        assert text in page, text
    # 考勤情况: 10 − 3 × 0.5 = 8.5, with its working and clause in the 依据 column
    row = re.search(r"<tr><td>考勤情况</td>(.*?)</tr>", page, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
    assert cells == ["10", "1.5", "8.5"]
    assert "3 × 0.5 = 1.5，扣1.5分" in row.group(1)
    assert "「上午、下午必须到社区签到登记,缺一次扣0.5分」" in row.group(1)
    assert '<p class="total">考核得分：92（满分100）</p>' in page


def test_html_sheet_escapes_text(wang_fang: gr.ScoreSheet) -> None:
    sheet = gr.Rubric(
        name="esc",
        title='A<B>&"',
        maximum=1,
        children=[gr.Item("x", "<script>", 1, clause="c", rules=[gr.PerOccurrence("n", 1)])],
    ).score({"n": 0}, assessee="<b>王</b>")
    page = sheet_html(sheet, assessor="&me")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "&lt;b&gt;王&lt;/b&gt;" in page
    assert "&amp;me" in page


def test_blank_header_fields_stay_blank_to_fill_by_hand(wang_fang: gr.ScoreSheet) -> None:
    sheet = gr.load("jiangcheng", {"monthly_visit_deduction": 1, "quarterly_visit_deduction": 2})
    page = sheet_html(sheet.score(dict.fromkeys(("missed_signins",), 0) | _zeros(sheet)))
    assert "<th>考核人</th><td></td>" in page
    assert "<th>被考核人员</th><td></td>" in page


def _zeros(rubric: gr.Rubric) -> dict[str, object]:
    return {fid: (False if f.kind is gr.FieldKind.FLAG else 0) for fid, f in rubric.fields.items()}


def test_markdown_sheet(wang_fang: gr.ScoreSheet) -> None:
    text = sheet_markdown(wang_fang, assessor="李主任")
    assert "- 考核人：李主任" in text
    assert (
        "| 考勤情况 | 10 | 1.5 | 8.5 | 缺签到：3 × 0.5 = 1.5，扣1.5分"
        "「上午、下午必须到社区签到登记,缺一次扣0.5分」 |"
    ) in text
    assert "| 守法情况 | 10 | 0 | 10 | 无扣分 |" in text
    assert "- **考核得分：92（满分100）**" in text


def test_text_sheet_adds_the_assessor(wang_fang: gr.ScoreSheet) -> None:
    lines = sheet_text(wang_fang, assessor="李主任").splitlines()
    assert lines[1:4] == ["被考核人员：王芳（第3网格）", "考核时间：2026-10", "考核人：李主任"]
    assert sheet_text(wang_fang) == wang_fang.to_text()


def test_sheet_with_sections_grades_stars_and_bonus(dense_sheet: gr.ScoreSheet) -> None:
    page = sheet_html(dense_sheet, assessor="考评组")
    # 24 items of 5: deductions (s + k) % 4 summed over s < 4, k < 6 = 36; 120 − 36 = 84; +6 bonus
    assert dense_sheet.base == 84
    assert dense_sheet.bonus == 6
    assert dense_sheet.total == 90
    assert "考核等次：合格" in page
    assert "星级：★★★（3星）" in page  # 90 // 24 = 3
    assert "其中：基本得分 84；加分 6" in page
    assert '<tr class="section"><td>第1部分</td>' in page


def test_rubric_renderings() -> None:
    rubric = gr.load("jiangcheng")
    md = rubric_markdown(rubric)
    assert "| 考核项目 | 分值 | 考核细则 | 原文 |" in md
    assert "| 考勤情况 `attendance` | 10 | 每次扣0.5分 ← `missed_signins` |" in md
    assert "## 参数" in md
    assert "`monthly_visit_deduction`" in md
    assert "必填" in md
    page = rubric_html(rubric)
    assert "<th>考核项目</th>" in page
    assert "A1-signin" in page
    assert serialization.structure_rubric(json.loads(rubric_json(rubric))) == rubric


def test_dense_sheet_is_set_smaller_than_a_short_one(
    wang_fang: gr.ScoreSheet, dense_sheet: gr.ScoreSheet
) -> None:
    def size(page: str) -> Decimal:
        found = re.search(r"--size: ([\d.]+)pt", page)
        assert found is not None
        return Decimal(found.group(1))

    assert size(sheet_html(wang_fang)) == 10
    assert size(sheet_html(dense_sheet)) < 10


# -- the browser ------------------------------------------------------------------------------


def _print_pdf(chromium: str, page: str, tmp_path: Path) -> tuple[dict[str, str], str]:
    source = tmp_path / "sheet.html"
    source.write_text(page, encoding="utf-8")
    pdf = tmp_path / "sheet.pdf"
    done = chromium_run(
        chromium, source, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer"
    )
    assert pdf.exists(), f"chromium wrote no PDF (exit {done.returncode}): {done.stderr[-2000:]}"
    return pdf_info(pdf), pdf_text(pdf)


def _one_a4_page(fields: dict[str, str]) -> None:
    assert fields["Pages"] == "1", fields
    assert is_a4(fields), fields["Page size"]


def test_sheet_prints_on_one_a4_page(
    chromium: str, wang_fang: gr.ScoreSheet, tmp_path: Path
) -> None:
    fields, text = _print_pdf(chromium, sheet_html(wang_fang, assessor="李主任"), tmp_path)
    _one_a4_page(fields)
    for expected in (
        "网格员考核奖惩制度",
        *PAPER_FORM,
        "考勤情况",
        "纠纷处置情况",
        "考核得分：92（满分100）",
        "依据的假设",
        "A4-third-copy",
        "被考核人员（签字）",
    ):
        assert expected in text, expected


def test_long_sheet_still_prints_on_one_a4_page(
    chromium: str, dense_sheet: gr.ScoreSheet, tmp_path: Path
) -> None:
    fields, text = _print_pdf(chromium, sheet_html(dense_sheet, assessor="考评组"), tmp_path)
    _one_a4_page(fields)
    for expected in (
        "欧阳建国（第12网格）",
        "第4部分工作事项6",
        "考核得分：90（满分120）",
        "考核等次：合格",
        "考评组",
    ):
        assert expected in text, expected


EXAMPLE_SHEETS = example_evidence()


def test_every_example_sheet_prints_on_one_a4_page(chromium: str, tmp_path: Path) -> None:
    assert len(EXAMPLE_SHEETS) >= 8
    for evidence in EXAMPLE_SHEETS:
        installed = {info.name for info in gr.available()}
        variant = f"{evidence.parent.name}-{evidence.stem.split('-')[0]}"
        rubric_name = variant if variant in installed else evidence.parent.name
        if evidence.suffix == ".json":
            record = json.loads(evidence.read_text(encoding="utf-8"))
        else:
            record = tomllib.loads(evidence.read_text(encoding="utf-8"))
        meta = record.pop("_meta")
        params_file = evidence.parent / "params.toml"
        params = (
            tomllib.loads(params_file.read_text(encoding="utf-8")) if params_file.exists() else None
        )
        sheet = gr.load(rubric_name, params).score(
            record, assessee=meta["assessee"], period=meta["period"]
        )
        folder = tmp_path / f"{evidence.parent.name}-{evidence.stem}"
        folder.mkdir()
        assessor = meta.get("assessor", "考核组")
        fields, text = _print_pdf(chromium, sheet_html(sheet, assessor=assessor), folder)
        _one_a4_page(fields)
        for expected in (meta["assessee"], assessor, f"考核得分：{fmt(sheet.total)}"):
            assert "".join(expected.split()) in text, (evidence.name, expected)
