"""The street office's month: its own workbook in, scores, ranks, a district report and a printed
street out, tried as a statistician would (the command line, Excel files, a real browser)."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

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
from helpers import read_csv, run

import gridrules as gr
from gridrules.errors import DataFileError, RubricError
from gridrules.io.headers import read_header_map
from gridrules.io.report import read_scores
from gridrules.io.standings import competition_ranks, ranks_within

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PARAMS = EXAMPLES / "jiangcheng" / "params.toml"

WORKBOOKS = [
    ("jiangcheng", "jiangcheng/2026-10.xlsx"),
    ("liujiaoting", "liujiaoting/2026-H1.xlsx"),
    ("xingji", "xingji/2026-11.xlsx"),
    ("xiaofang", "xiaofang/2026-Q3.xlsx"),
    ("wanggezhang-member", "wanggezhang/2026-Q3-member.xlsx"),
]


def sheet_rows(path: Path, index: int = 0) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book.worksheets[index].iter_rows(values_only=True))
    finally:
        book.close()


# Five grid workers of 江城 by the labels of the office's own sheet. With params.toml
# (走访 1 and 2 a miss) each starts from 100:
#   甲 东门: 缺签到 3 × 0.5 = 1.5 → 98.5     乙 东门: 会议缺勤 1 × 1 → 99
#   丙 西关: 会议缺勤 1 → 99                  丁 西关: 缺签到 2 × 0.5 = 1 → 99
#   戊 西关: nothing → 100
# Overall 100, 99, 99, 99, 98.5 → ranks 1, 2, 2, 2, 5 (ties alike, the next skipped);
# 东门: 乙 99 → 1, 甲 98.5 → 2; 西关: 戊 100 → 1, 丙 and 丁 99 → 2, 2.
STREET = [
    ("甲", "东门", "3", "0"),
    ("乙", "东门", "0", "1"),
    ("丙", "西关", "0", "1"),
    ("丁", "西关", "2", "0"),
    ("戊", "西关", "0", "0"),
]
EXPECTED = {
    "甲": ("98.5", "2", "5"),
    "乙": ("99", "1", "2"),
    "丙": ("99", "2", "2"),
    "丁": ("99", "2", "2"),
    "戊": ("100", "1", "1"),
}


def street_csv(path: Path, header: tuple[str, ...], title: str | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        if title is not None:
            writer.writerow([title, "", "", ""])
        writer.writerow(header)
        writer.writerows(STREET)
    return path


# -- headers ------------------------------------------------------------------------------------


def test_labels_are_unique_in_every_bundled_rubric() -> None:
    for info in gr.available():
        labels = gr.load(info.name).field_labels
        assert len(labels) == len(set(labels.values()))
    assert gr.load("jiangcheng").field_labels["缺签到"] == "missed_signins"


def test_two_fields_with_one_label_are_refused() -> None:
    with pytest.raises(RubricError, match="'x' and 'y' share the label '缺勤'"):
        gr.Rubric(
            name="twins",
            title="重名",
            maximum=2,
            children=[
                gr.Item("a", "甲", 1, clause="c", rules=[gr.PerOccurrence("x", 1, label="缺勤")]),
                gr.Item("b", "乙", 1, clause="c", rules=[gr.PerOccurrence("y", 1, label="缺勤")]),
            ],
        )


def test_chinese_and_id_headers_give_identical_scores(tmp_path: Path) -> None:
    by_label = street_csv(tmp_path / "labels.csv", ("被考核人员", "社区", "缺签到", "会议缺勤"))
    by_id = street_csv(
        tmp_path / "ids.csv", ("assessee", "社区", "missed_signins", "missed_meetings")
    )
    outputs = []
    for source in (by_label, by_id):
        out = tmp_path / f"{source.stem}.out.csv"
        result = run("batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--keep", "社区")
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    rows = read_csv(tmp_path / "labels.out.csv")
    assert {r["assessee"]: r["total"] for r in rows} == {k: v[0] for k, v in EXPECTED.items()}


def test_a_header_map_names_the_office_s_own_columns(tmp_path: Path) -> None:
    source = street_csv(tmp_path / "own.csv", ("姓名（网格）", "社区", "签到缺勤", "会议缺席次数"))
    mapping = tmp_path / "列名.toml"
    mapping.write_text(
        '"姓名（网格）" = "assessee"\n"签到缺勤" = "missed_signins"\n"会议缺席次数" = "会议缺勤"\n',
        encoding="utf-8",
    )
    assert read_header_map(mapping)["会议缺席次数"] == "会议缺勤"
    out = tmp_path / "out.csv"
    result = run(
        "batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--keep", "社区",
        "--header-map", mapping,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {r["assessee"]: r["total"] for r in read_csv(out)} == {
        k: v[0] for k, v in EXPECTED.items()
    }
    mapping.write_text('"签到缺勤" = "签到"\n', encoding="utf-8")
    result = run(
        "batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--header-map", mapping
    )
    assert result.exit_code == 2
    assert "'签到缺勤' → '签到': not a field id or label of 'jiangcheng'" in result.stderr


def test_a_title_row_above_the_header_is_found_or_named(tmp_path: Path) -> None:
    source = street_csv(
        tmp_path / "titled.csv",
        ("被考核人员", "社区", "缺签到", "会议缺勤"),
        title="江城街道2026年10月网格员考核表",
    )
    out = tmp_path / "out.csv"
    result = run("batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--keep", "社区")
    assert result.exit_code == 0, result.output
    assert "header: row 2 (under the title '江城街道2026年10月网格员考核表')" in result.stderr
    # rows are numbered as the sheet shows them: the header is row 2, 甲 row 3
    assert [r["row"] for r in read_csv(out)] == ["3", "4", "5", "6", "7"]
    named = run(
        "batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--keep", "社区",
        "--header-row", "2",
    )  # fmt: skip
    assert named.exit_code == 0, named.output
    wrong = run("batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--header-row", "3")
    assert wrong.exit_code == 2  # 甲's row as a header: 甲 is no field


def test_a_misspelt_header_is_one_error_naming_the_closest_field(tmp_path: Path) -> None:
    rows = [("被考核人员", "缺签道", "会仪缺勤", "备注")] + [
        (f"网格员{n}", "1", "0", "") for n in range(500)
    ]
    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    out = tmp_path / "out.csv"
    result = run("batch", "jiangcheng", source, "-o", out, "--params", PARAMS)
    assert result.exit_code == 2
    assert result.stderr.count("gridrules: error:") == 1
    assert "3 columns are not a field of rubric 'jiangcheng':" in result.stderr
    assert "  - '缺签道': did you mean '缺签到' (missed_signins)?" in result.stderr
    assert "  - '会仪缺勤': did you mean '会议缺勤' (missed_meetings)?" in result.stderr
    assert "  - '备注': no field has a similar name" in result.stderr
    assert not out.exists()


# -- output -----------------------------------------------------------------------------------


def test_ranks_within_groups_and_overall_with_ties(tmp_path: Path) -> None:
    assert competition_ranks([Decimal(95), Decimal(90), Decimal("90.0"), Decimal(80)]) == [
        1,
        2,
        2,
        4,
    ]
    assert ranks_within([Decimal(1), Decimal(2), Decimal(2)], ["a", "b", "a"]) == [2, 1, 1]
    source = street_csv(tmp_path / "in.csv", ("被考核人员", "社区", "缺签到", "会议缺勤"))
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.csv"
        result = run(
            "batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--group-by", "社区",
            "--workers", workers, "--chunk-size", "2",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        rows = read_csv(out)
        assert [r["assessee"] for r in rows] == ["甲", "乙", "丙", "丁", "戊"]  # input order
        assert {r["assessee"]: (r["total"], r["rank.社区"], r["rank"]) for r in rows} == EXPECTED
    zh = tmp_path / "zh.csv"
    run(
        "batch", "jiangcheng", source, "-o", zh, "--params", PARAMS, "--group-by", "社区",
        "--headers", "zh",
    )  # fmt: skip
    rows = read_csv(zh)
    assert list(rows[0])[:8] == [
        "行号",
        "被考核人员",
        "考核人",
        "考核时间",
        "社区",
        "总分",
        "基本分",
        "加分",
    ]
    assert {r["被考核人员"]: (r["总分"], r["社区排名"], r["总排名"]) for r in rows} == EXPECTED
    assert "考勤情况" in rows[0]


def test_chinese_reasons_in_the_errors_file_english_for_programs(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("被考核人员,缺签到,会议缺勤\n王芳,-1,二\n", encoding="utf-8")
    zh = tmp_path / "zh.csv"
    result = run("batch", "jiangcheng", source, "-o", zh, "--params", PARAMS, "--headers", "zh")
    assert result.exit_code == 1
    errors = read_csv(tmp_path / "zh.errors.csv")
    assert [(e["行号"], e["被考核人员"], e["字段"], e["值"], e["原因"]) for e in errors] == [
        ("2", "王芳", "缺签到", "-1", "次数不能为负数，实际为 '-1'"),
        ("2", "王芳", "会议缺勤", "二", "应填0或正整数（次数），实际为 '二'"),
    ]
    ids = tmp_path / "id.csv"
    run("batch", "jiangcheng", source, "-o", ids, "--params", PARAMS)
    errors = read_csv(tmp_path / "id.errors.csv")
    assert errors[0]["field"] == "missed_signins"
    assert errors[0]["reason"] == "a count cannot be negative, got '-1'"


def test_the_workbook_has_named_sheets_a_frozen_bold_header_filter_and_figures(
    tmp_path: Path,
) -> None:
    out = tmp_path / "评分.xlsx"
    source = EXAMPLES / "liujiaoting" / "2026-H1.xlsx"
    result = run("batch", "liujiaoting", source, "-o", out, "--group-by", "社区")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)  # not read-only: formats, panes and filters are read
    assert book.sheetnames == ["评分结果", "等级分布", "未计分行"]
    scores = book["评分结果"]
    assert scores.freeze_panes == "A2"
    assert scores["A1"].font.b
    assert scores.auto_filter.ref == f"A1:{scores.cell(1, scores.max_column).column_letter}37"
    assert scores.column_dimensions["B"].width >= 10
    header = [c.value for c in scores[1]]
    assert header[:6] == ["行号", "被考核人员", "考核人", "考核时间", "社区", "总分"]
    totals: dict[str, list[Decimal]] = {}
    grades: dict[str, dict[str, int]] = {}
    for row in scores.iter_rows(min_row=2, values_only=True):
        record = dict(zip(header, row, strict=True))
        totals.setdefault(record["社区"], []).append(Decimal(str(record["总分"])))
        counts = grades.setdefault(record["社区"], {})
        counts[record["等级"]] = counts.get(record["等级"], 0) + 1
    assert sum(len(t) for t in totals.values()) == 36
    figures = book["等级分布"]
    head = [c.value for c in figures[1]]
    assert head[:5] == ["社区", "人数", "平均分", "最低分", "最高分"]
    assert "优秀人数" in head
    assert "不合格占比(%)" in head
    by_group = {
        row[0]: dict(zip(head, row, strict=True))
        for row in figures.iter_rows(min_row=2, values_only=True)
    }
    assert set(by_group) == {*totals, "全部"}
    for group, values in totals.items():
        figure = by_group[group]
        assert figure["人数"] == len(values)
        assert Decimal(str(figure["平均分"])) == (sum(values) / len(values)).quantize(
            Decimal("0.01")
        )
        lowest, highest = figure["最低分"], figure["最高分"]
        assert (Decimal(str(lowest)), Decimal(str(highest))) == (min(values), max(values))
        for grade, count in grades[group].items():
            assert figure[f"{grade}人数"] == count
    assert by_group["全部"]["人数"] == 36
    assert [c.value for c in book["未计分行"][1]] == [
        "文件",
        "行号",
        "被考核人员",
        "字段",
        "值",
        "原因",
    ]


# -- the template -------------------------------------------------------------------------------


def test_a_filled_template_scores_without_edits(tmp_path: Path) -> None:
    template = tmp_path / "模板.xlsx"
    result = run("template", "jiangcheng", "-o", template, "--column", "社区")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["填报", "参数", "填表说明"]
    data = book["填报"]
    header = [c.value for c in data[1]]
    assert header[:5] == ["被考核人员", "考核人", "考核时间", "社区", "缺签到"]
    assert data["E1"].comment.text.startswith("字段 missed_signins\n次数：0或正整数；不填按0")
    checks = {
        str(dv.sqref): (dv.type, dv.operator, dv.formula1)
        for dv in data.data_validations.dataValidation
    }
    assert checks["E2:E2001"] == ("whole", "greaterThanOrEqual", "0")
    assert checks["G2:G2001"][0] == "list"
    assert "是,否" in checks["G2:G2001"][2]
    guide = [row for row in book["填表说明"].iter_rows(values_only=True) if row[0] == "缺签到"]
    assert guide[0][1] == "missed_signins"
    assert "「上午、下午必须到社区签到登记,缺一次扣0.5分」" in guide[0][5]
    params = {row[0]: row for row in book["参数"].iter_rows(min_row=2, values_only=True)}
    assert set(params) == {"monthly_visit_deduction", "quarterly_visit_deduction"}
    # the office fills it in, as Excel would (here openpyxl), parameters and all
    for name, value in (("monthly_visit_deduction", 1), ("quarterly_visit_deduction", 2)):
        row = next(r for r in book["参数"].iter_rows(min_row=2) if r[0].value == name)
        row[3].value = value
    for name, community, signins, meetings in STREET:
        cells: list[Any] = [name, "街道网格办", "2026-10", community, int(signins)]
        cells += [None] * (header.index("会议缺勤") - len(cells)) + [int(meetings)]
        data.append(cells)
    filled = tmp_path / "十月.xlsx"
    book.save(filled)
    out = tmp_path / "评分.xlsx"
    result = run("batch", "jiangcheng", filled, "-o", out, "--group-by", "社区")
    assert result.exit_code == 0, result.output
    rows = sheet_rows(out)
    found = {r[1]: (r[5], r[12], r[13]) for r in rows[1:]}
    assert found == {
        k: (float(v[0]) if "." in v[0] else int(v[0]), int(v[1]), int(v[2]))
        for k, v in EXPECTED.items()
    }


# -- the report ----------------------------------------------------------------------------------


def two_months(tmp_path: Path) -> list[Path]:
    """September and October of the five workers: in October 甲 falls to 55, the rest as above."""
    files = []
    for month, signins in (("2026-09", "0"), ("2026-10", "30")):
        source = tmp_path / f"{month}.csv"
        with source.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(("被考核人员", "社区", "考核时间", "缺签到", "会议缺勤", "上报不及时"))
            for name, community, s, m in STREET:
                late = "3" if month == "2026-10" and name == "甲" else "0"
                writer.writerow((name, community, month, signins if name == "甲" else s, m, late))
        out = tmp_path / f"scores-{month}.xlsx"
        result = run(
            "batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--group-by", "社区"
        )
        assert result.exit_code == 0, result.output
        files.append(out)
    return files


def test_the_report_has_groups_ranks_trend_and_workers_below(tmp_path: Path) -> None:
    files = two_months(tmp_path)
    page = tmp_path / "报告.html"
    result = run(
        "report", *files, "-o", page, "--group-by", "社区", "--title", "江城街道网格员考核情况"
    )
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "<h1>江城街道网格员考核情况</h1>" in text
    assert text.count("<svg") == 2  # a chart per month
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # loads nothing
    # 甲 in October: 缺签到 30 × 0.5 = 15 → 考勤 0 (扣完为止, 10 at most); 上报不及时 3 × 1 → 7:
    # 100 − 10 − 3 = 87. 东门's mean: September (100 + 99) / 2 = 99.5, October (87 + 99) / 2 = 93
    assert '<td class="num">99.5</td>' in text
    assert '<td class="num">93</td>' in text
    assert "↓ 6.5" in text
    assert "低于60分的人员" in text
    assert "没有低于60分的人员" in text
    for group in ("东门", "西关"):
        assert f"<h3>{group}（" in text
    xlsx = tmp_path / "报告.xlsx"
    assert run("report", *files, "-o", xlsx, "--group-by", "社区", "--below", "90").exit_code == 0
    book = openpyxl.load_workbook(xlsx, read_only=True)
    try:
        assert book.sheetnames == ["汇总", "排名", "环比", "低分人员"]
        low = list(book["低分人员"].iter_rows(min_row=2, values_only=True))
        assert low == [("2026-10", "东门", "甲", 87, None)]
    finally:
        book.close()


def test_the_report_in_a_browser_holds_title_chart_and_every_group(
    chromium: str, tmp_path: Path
) -> None:
    files = two_months(tmp_path)
    page = tmp_path / "report.html"
    assert (
        run(
            "report", *files, "-o", page, "--group-by", "社区", "--title", "江城街道网格员考核情况"
        ).exit_code
        == 0
    )
    shot = tmp_path / "report.png"
    done = chromium_run(chromium, page, tmp_path, "--window-size=794,1400", f"--screenshot={shot}")
    assert shot.exists(), done.stderr[-1000:]
    assert shot.stat().st_size > 20_000
    pdf = tmp_path / "report.pdf"
    chromium_run(chromium, page, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    info = pdf_info(pdf)
    assert is_a4(info)
    text = pdf_text(pdf)
    for expected in (
        "江城街道网格员考核情况",
        "2026-10各组情况",
        "分数段分布",
        "各组平均分环比",
        "东门",
        "西关",
        "排名",
    ):
        assert expected in text, expected
    # the chart is drawn: the first page, as pixels, holds the bars' green
    assert holds_colour(page_colours(pdf, tmp_path), 0x2E7D32)
    found = overflowing(chromium, page, tmp_path)
    assert found == {"cells": [], "page": False}


# -- the whole street printed ---------------------------------------------------------------------


def test_the_whole_street_prints_one_sheet_per_a4_page(chromium: str, tmp_path: Path) -> None:
    source = EXAMPLES / "jiangcheng" / "2026-10.xlsx"
    out = tmp_path / "十月.xlsx"
    sheets = tmp_path / "评分表"
    result = run(
        "batch", "jiangcheng", source, "-o", out, "--group-by", "社区", "--sheets", sheets,
        "--sheets-format", "pdf", "--sheets-order", "group", "--browser", chromium,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    pdf = sheets / "十月.pdf"
    assert "sheets: " + str(pdf) + " (36 pages, one sheet each)" in result.stderr
    info = pdf_info(pdf)
    assert info["Pages"] == "36"
    assert is_a4(info)
    rows = sheet_rows(out)[1:]
    by_group = sorted(rows, key=lambda r: ["东门社区", "西关社区", "南湖社区"].index(r[4]))
    for page, row in enumerate(by_group, 1):
        text = pdf_text(pdf, page)
        assert "".join(row[1].split()) in text, page
        total = row[5]
        assert f"考核得分：{int(total) if total == int(total) else total}（满分100）" in text
        assert text.count("考核评分表") == 1  # one sheet on the page, whole
    # the document printed has no text overflowing its cell at A4's width
    from gridrules.io.sheets import SheetBook
    from gridrules.render import sheet_section

    rubric = gr.load("jiangcheng", {"monthly_visit_deduction": 1, "quarterly_visit_deduction": 2})
    with SheetBook("江城") as book:
        sheet = rubric.score({"missed_signins": 3}, assessee="欧阳建国（第12网格）长名字测试")
        book.add(sheet_section(sheet, assessor="街道网格办"))
        document = tmp_path / "one.html"
        book.write_html(document)
    assert overflowing(chromium, document, tmp_path) == {"cells": [], "page": False}


def test_pdf_without_a_browser_fails_before_scoring(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run(
        "batch", "jiangcheng", EXAMPLES / "jiangcheng" / "2026-10.xlsx", "-o", out,
        "--sheets", tmp_path / "s", "--sheets-format", "pdf", "--browser", "no-such-browser",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no browser 'no-such-browser' found" in result.stderr
    assert not out.exists()


# -- the examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("rubric", "workbook"), WORKBOOKS)
def test_every_example_workbook_scores_36_workers_in_three_communities(
    rubric: str, workbook: str, tmp_path: Path
) -> None:
    out = tmp_path / "scores.csv"
    result = run("batch", rubric, EXAMPLES / workbook, "-o", out, "--group-by", "社区")
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert len(rows) == 36
    assert len({r["社区"] for r in rows}) == 3
    assert all(r["rank.社区"] and r["rank"] for r in rows)


def test_example_reports_are_in_the_docs() -> None:
    for _rubric, workbook in WORKBOOKS:
        slug = workbook.split("/")[0]
        picture = ROOT / "docs" / "_static" / "reports" / f"{slug}.png"
        assert picture.exists(), picture
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_score_file_that_is_not_one_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("report", other, "-o", tmp_path / "r.html")
    assert result.exit_code == 2
    assert "no assessee or 被考核人员 column" in result.stderr
    with pytest.raises(DataFileError, match="no assessee or 被考核人员 column"):
        read_scores([other], ["社区"])
