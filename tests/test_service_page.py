"""The street office's page, driven in headless Chromium as a clerk would use it: pick the
rubric, upload the month's workbook, read the table, download the scores and the sheets, open
one worker's sheet; a table with mistakes; a month of 1,000 workers.

Playwright drives the system's Chromium (the ``chromium`` fixture installs it when missing);
it never downloads a browser of its own.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM_FLAGS, is_a4, pdf_info, pdf_text
from servers import serving

import gridrules as gr
from gridrules.batch import Layout, open_table, read_rows
from gridrules.io.template import read_parameters
from gridrules.model.numbers import fmt

playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("fastapi", reason="the serve extra is not installed")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WORKBOOK = EXAMPLES / "jiangcheng/2026-10.xlsx"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving() as base:
        yield base


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=chromium, args=[f for f in CHROMIUM_FLAGS if f != "--headless"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN"
    )
    opened = context.new_page()
    yield opened
    context.close()


def upload(page: Any, url: str, rubric: str, table: Path, **fields: Any) -> None:
    """Do what a clerk does on the page: pick the rubric, choose the files, fill the rest in,
    press 开始评分."""
    page.goto(url)
    assert page.locator("h1").inner_text() == "网格员考核评分"
    page.check(f"input[name=rubric][value={rubric}]")
    page.set_input_files("input[name=table]", str(table))
    if "params" in fields:
        page.set_input_files("input[name=params]", str(fields.pop("params")))
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    page.click("#submit")
    page.wait_for_load_state()


def table_of(page: Any, selector: str) -> tuple[list[str], list[list[str]]]:
    head = page.locator(f"{selector} thead th").all_inner_texts()
    rows = page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))",
    )
    return head, rows


def library_totals(rubric: gr.Rubric, table: Path, params: Any) -> dict[str, str]:
    """Each worker's total, as the library scores the table."""
    with open_table(table) as reader:
        keep = [c for c in reader.columns if c == "社区"]
        rows = list(read_rows(reader, Layout(keep=keep), rubric))
    scorer = rubric.prepare(params)
    results = scorer.results([row.evidence for row in rows], return_errors=True)
    return {
        str(row.assessee): fmt(result.total)
        for row, result in zip(rows, results, strict=True)
        if isinstance(result, gr.Result)
    }


def test_a_month_from_the_workbook_to_the_printed_sheets(
    page: Any, url: str, tmp_path: Path
) -> None:
    upload(page, url, "jiangcheng", WORKBOOK, group="社区")
    assert "/batches/" in page.url
    assert page.locator("#scored").inner_text() == "36"
    assert page.locator("#rejected").inner_text() == "0"
    head, rows = table_of(page, "#scores")
    assert head[0] == "被考核人员"
    assert {"总分", "社区", "社区排名", "总排名", "考勤情况", "评分表"} <= set(head)
    assert len(rows) == 36
    at = {name: head.index(name) for name in head}
    totals = library_totals(gr.load("jiangcheng"), WORKBOOK, read_parameters(WORKBOOK))
    assert {row[0]: row[at["总分"]] for row in rows} == totals
    # ranks: 1 for the best total of the street, competition ranking (ties share)
    best = max(rows, key=lambda row: Decimal(row[at["总分"]]))
    assert best[at["总排名"]] == "1"
    assert page.locator("#no-rejected").inner_text() == "所有行都已计分。"

    page.screenshot(path=str(tmp_path / "scores.png"), full_page=True)
    assert (tmp_path / "scores.png").stat().st_size > 50_000

    # the scores as a workbook
    with page.expect_download() as caught:
        page.click("#download-xlsx")
    workbook = tmp_path / "scores.xlsx"
    caught.value.save_as(workbook)
    assert caught.value.suggested_filename == "2026-10-评分结果.xlsx"
    import openpyxl

    book = openpyxl.load_workbook(workbook, read_only=True)
    assert book.sheetnames == ["评分结果", "等级分布", "未计分行"]
    sheet_rows = list(book["评分结果"].iter_rows(values_only=True))
    assert len(sheet_rows) == 1 + 36
    names = sheet_rows[0]
    assert {str(r[names.index("被考核人员")]) for r in sheet_rows[1:]} == set(totals)

    # every sheet, one A4 page each, as one PDF
    with page.expect_download(timeout=120_000) as caught:
        page.click("#download-pdf")
    pdf = tmp_path / "sheets.pdf"
    caught.value.save_as(pdf)
    info = pdf_info(pdf)
    assert info["Pages"] == "36"
    assert is_a4(info)
    first = pdf_text(pdf, 1)
    assert "网格员考核奖惩制度" in first
    # grouped by 社区, as the table was ranked: the first community's workers first
    community = sheet_rows[1][names.index("社区")]
    first_two = [r for r in sheet_rows[1:] if r[names.index("社区")] == community][:2]
    for number, worker in enumerate(first_two, 1):
        assert "".join(str(worker[names.index("被考核人员")]).split()) in pdf_text(pdf, number)

    # one worker's printable sheet
    name = rows[5][0]
    with page.context.expect_page() as opened:
        page.locator("#scores tbody tr").nth(5).get_by_text("查看/打印").click()
    sheet = opened.value
    sheet.wait_for_load_state()
    text = sheet.locator("section.sheet").inner_text()
    assert name in text
    assert f"考核得分：{totals[name]}" in text
    sheet.screenshot(path=str(tmp_path / "sheet.png"))


def test_rows_with_mistakes_are_listed_with_their_reasons_in_chinese(page: Any, url: str) -> None:
    upload(
        page,
        url,
        "jiangcheng",
        EXAMPLES / "jiangcheng/export-gbk-with-mistakes.csv",
        params=EXAMPLES / "jiangcheng/params.toml",
        period="2026-10",
    )
    assert page.locator("#scored").inner_text() == "3"
    assert page.locator("#rejected").inner_text() == "2"
    head, rows = table_of(page, "#rejected-rows")
    assert head == ["行号", "被考核人员", "字段", "值", "原因"]
    reasons = [row[head.index("原因")] for row in rows]
    assert reasons
    # every reason is written for the clerk, in Chinese
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in reason) for reason in reasons)
    assert any("负数" in reason or "整数" in reason for reason in reasons), reasons


def test_a_misspelt_column_is_named_with_the_field_it_may_be(
    page: Any, url: str, tmp_path: Path
) -> None:
    table = tmp_path / "typo.csv"
    table.write_text("被考核人员,社区,缺签道,会议缺勤\n王芳,东门社区,1,0\n", encoding="utf-8")
    upload(page, url, "jiangcheng", table, params=EXAMPLES / "jiangcheng/params.toml")
    error = page.locator("#error").inner_text()
    assert "“缺签道”不是本细则的字段，是否应为“缺签到”？" in error
    assert page.locator("input[name=rubric][value=jiangcheng]").is_checked()


def test_the_page_stays_usable_at_a_thousand_rows(page: Any, url: str, tmp_path: Path) -> None:
    rubric = gr.load("jiangcheng")
    labels = {fid: field.description for fid, field in rubric.fields.items()}
    rng = random.Random(1000)
    table = tmp_path / "千人.csv"
    with table.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["被考核人员", "社区", *labels.values()])
        for n in range(1000):
            cells = [
                rng.choice(["否", "否", "否", "是"])
                if field.kind is gr.FieldKind.FLAG
                else rng.choice([0, 0, 0, 1, 2, 3])
                for field in rubric.fields.values()
            ]
            writer.writerow([f"网格员{n:04d}", f"第{n % 12 + 1}社区", *cells])
    upload(page, url, "jiangcheng", table, params=EXAMPLES / "jiangcheng/params.toml", group="社区")
    assert page.locator("#scored").inner_text() == "1000"
    assert page.locator("#scores tbody tr").count() == 1000
    assert page.locator("#scores tbody a", has_text="查看/打印").count() == 1000
    # the page itself is no wider than the window: the table scrolls within its box
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide
    # scrolled to the end, the header stays in view
    box = page.locator("#scores").locator("xpath=..")
    box.evaluate("element => { element.scrollTop = element.scrollHeight; }")
    header = page.locator("#scores thead th").first.bounding_box()
    frame = box.bounding_box()
    assert header is not None
    assert frame is not None
    assert frame["y"] - 1 <= header["y"] <= frame["y"] + 5
    last = page.locator("#scores tbody tr").last
    assert last.is_visible()
    # the filter finds one worker among a thousand
    page.fill("#filter", "网格员0999")
    assert page.locator("#scores tbody tr:visible").count() == 1
    assert page.locator("#shown").inner_text() == "显示 1 / 1000 人"
    page.fill("#filter", "第3社区")
    assert page.locator("#scores tbody tr:visible").count() == 84  # 3, 15, ..., 999
    page.fill("#filter", "")
    assert page.locator("#scores tbody tr:visible").count() == 1000
    page.screenshot(path=str(tmp_path / "thousand.png"))


def test_the_page_loads_nothing_from_the_network(page: Any, url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    upload(page, url, "jiangcheng", WORKBOOK)
    page.goto(url)
    assert requested
    assert all(address.startswith(url) for address in requested), requested
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_missing_parameters_are_named_by_what_they_fill(page: Any, url: str) -> None:
    upload(page, url, "jiangcheng", EXAMPLES / "jiangcheng/street-office-2026-10.csv")
    error = page.locator("#error").inner_text()
    assert error.startswith("参数有问题：缺少参数“")
    assert "（monthly_visit_deduction）" in error
    assert "参数文件" in error
