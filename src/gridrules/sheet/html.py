"""A score sheet as one printable A4 page in Chinese, laid out like the paper form."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from ..model.numbers import shown
from .content import SheetContent
from .lines import SectionLine
from .words import h as _h
from .words import notes, reason_texts, results, section_notes, sheet_rows, stamp_text

__all__ = ["sheet_html", "sheet_section", "sheets_html"]


# The page is A4 with 12 mm margins: 186 mm by 273 mm to fill. The sheet's font size is chosen so
# that the estimated height fits; the estimate counts wrapped lines per column width.
_PAGE_HEIGHT_MM = 273.0
_BASE_PT = 10.0
_PT_MM = 0.3528


def _wrapped(text: str, chars_per_line: float) -> int:
    width = sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)
    return max(1, math.ceil(width / chars_per_line))


def _estimated_height(sheet: SheetContent, scale: float) -> float:
    """The sheet's height in mm at ``scale`` times the base font size (a generous estimate)."""
    size_mm = _BASE_PT * scale * _PT_MM
    line = size_mm * 1.45
    small = line * 0.88
    # the 依据 column is 58% of 186 mm; the notes run the full width
    basis_chars = 186 * 0.58 / (size_mm * 0.9) - 1
    full_chars = 186 / (size_mm * 0.85) - 2
    height = 2.4 * line + 3 * line + 6  # title, subtitle, header table and gaps
    height += line + 2.5  # table head
    for entry in sheet_rows(sheet):
        if isinstance(entry, SectionLine):
            height += line + 2
            continue
        lines = sum(_wrapped(f"{w}「{c}」", basis_chars) for w, c in reason_texts(entry))
        label_lines = _wrapped(entry.label, 186 * 0.17 / size_mm)
        height += max(lines * small, label_lines * line, line) + 2
    height += 4 + sum(_wrapped(f"{k}：{v}", full_chars) for k, v in results(sheet)) * line * 1.1
    for _, texts in notes(sheet):
        height += line + sum(_wrapped(t, full_chars) for t in texts) * small * 0.95
    height += 3 * line + 8  # signatures
    return height


def _scale(sheet: SheetContent) -> float:
    scale = 1.0
    while scale > 0.56 and _estimated_height(sheet, scale) > _PAGE_HEIGHT_MM:
        scale -= 0.04
    return round(scale, 2)


_SHEET_CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
       "Microsoft YaHei", "PingFang SC", "SimSun", sans-serif; color: #000;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
.sheet { font-size: var(--size); line-height: 1.35; break-after: page; }
.sheet:last-child { break-after: auto; }
@media screen { .sheet { width: 186mm; margin: 12mm auto; } }
h1 { font-size: 1.6em; text-align: center; margin: 0 0 .2em; letter-spacing: .08em; }
.subtitle { text-align: center; font-size: .85em; margin: 0 0 .8em; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: .6pt solid #000; padding: .25em .4em; vertical-align: middle; }
th { background: #eee; font-weight: bold; }
table.head { margin-bottom: .6em; }
table.head th { width: 13%; }
table.items th.label { width: 17%; }
table.items th.num { width: 8.3%; }
td.num { text-align: center; white-space: nowrap; }
td.basis { font-size: .88em; }
tr.section td { font-weight: bold; background: #f3f3f3; }
.basis p { margin: 0; }
.quote { color: #222; }
.results { margin: .7em 0 .4em; }
.results p { margin: .15em 0; }
.total { font-size: 1.25em; font-weight: bold; }
.notes { font-size: .85em; }
.notes h2 { font-size: 1em; margin: .5em 0 .1em; }
.notes ul { margin: 0; padding-left: 1.4em; }
.signatures { display: flex; justify-content: space-between; margin-top: 1.6em; }
.footer { font-size: .7em; color: #555; margin-top: 1em; text-align: right; }
"""


def sheet_html(sheet: SheetContent, *, assessor: str | None = None) -> str:
    """The sheet as one printable A4 page in Chinese, laid out like the paper form.

    被考核人员, 考核时间 and 考核人 head the page (left blank to fill in by hand when unknown), then
    the table 考核内容 / 分值 / 扣分 / 得分 / 依据, then 考核得分, the grade or stars, the vetoes,
    and the parameters and assumptions the score rests on, and lines to sign.
    """
    who = sheet.assessee or ""
    title = f"{sheet.rubric_title} 考核评分表{(' — ' + who) if who else ''}"
    return "".join(sheets_html([sheet_section(sheet, assessor=assessor)], title))


def sheets_html(sections: Iterable[str], title: str) -> Iterator[str]:
    """One HTML document of many sheets, each made by :func:`sheet_section`, a page each.

    Printed, every sheet starts on a new A4 page: a whole street's sheets in one document, to
    print (or turn into one PDF) at once. The document is yielded in pieces, so that a thousand
    sheets need not be held in memory together.
    """
    yield (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_h(title)}</title>\n<style>{_SHEET_CSS}</style>\n</head>\n<body>\n"
    )
    yield from sections
    yield "</body>\n</html>\n"


def sheet_section(sheet: SheetContent, *, assessor: str | None = None) -> str:
    """The sheet as a ``<section>`` of :func:`sheets_html`'s document: one A4 page."""
    size = f"{_BASE_PT * _scale(sheet):.1f}pt"
    who = sheet.assessee or ""
    out = [
        f'<section class="sheet" style="--size: {size}">',
        f"<h1>{_h(sheet.rubric_title)}</h1>",
        f'<p class="subtitle">考核评分表（{_h(sheet.rubric)} {_h(sheet.rubric_version)}）</p>',
        '<table class="head"><tr>',
        f"<th>被考核人员</th><td>{_h(who)}</td>",
        f"<th>考核时间</th><td>{_h(sheet.period or '')}</td>",
        f"<th>考核人</th><td>{_h(assessor or sheet.assessor or '')}</td>",
        "</tr></table>",
        '<table class="items">',
        '<thead><tr><th class="label">考核内容</th><th class="num">分值</th>'
        '<th class="num">扣分</th><th class="num">得分</th><th>依据</th></tr></thead>',
        "<tbody>",
    ]
    for entry in sheet_rows(sheet):
        if isinstance(entry, SectionLine):
            out.append(
                f'<tr class="section"><td>{_h(entry.label)}</td>'
                f'<td class="num">{shown(entry.maximum)}</td>'
                f'<td class="num">{shown(entry.deducted)}</td>'
                f'<td class="num">{shown(entry.points)}</td>'
                f"<td>{_h('；'.join(section_notes(entry)))}</td></tr>"
            )
            continue
        basis = (
            "".join(
                f'<p>{_h(work)}<span class="quote">「{_h(clause)}」</span></p>'
                if clause
                else f"<p>{_h(work)}</p>"
                for work, clause in reason_texts(entry)
            )
            or "<p>无扣分</p>"
        )
        out.append(
            f'<tr><td>{_h(entry.label)}</td><td class="num">{shown(entry.maximum)}</td>'
            f'<td class="num">{shown(entry.deducted)}</td>'
            f'<td class="num">{shown(entry.points)}</td>'
            f'<td class="basis">{basis}</td></tr>'
        )
    out += ["</tbody>", "</table>", '<div class="results">']
    for label, value in results(sheet):
        css = ' class="total"' if label == "考核得分" else ""
        out.append(f"<p{css}>{_h(label)}：{_h(value)}</p>")
    out.append("</div>")
    written = notes(sheet)
    if written:
        out.append('<div class="notes">')
        for title, texts in written:
            out.append(f"<h2>{_h(title)}</h2><ul>")
            out.extend(f"<li>{_h(text)}</li>" for text in texts)
            out.append("</ul>")
        out.append("</div>")
    out += [
        '<div class="signatures"><span>被考核人员（签字）：＿＿＿＿＿＿</span>'
        "<span>考核人（签字）：＿＿＿＿＿＿</span><span>日期：＿＿＿＿年＿＿月＿＿日</span></div>",
        f'<p class="footer">gridrules · {_h(sheet.rubric)} {_h(sheet.rubric_version)}'
        f"{_h(stamp_text(sheet.audit))}</p>",
        "</section>",
    ]
    return "\n".join(out) + "\n"
