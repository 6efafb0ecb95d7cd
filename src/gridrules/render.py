"""Rubrics and score sheets for people to read: plain text, Markdown, HTML and JSON.

A rubric renders as the familiar 考核细则 table (考核项目, 分值, 考核细则, 原文), then its grades,
assumptions and parameters. A score sheet renders as the paper form an assessee signs: 被考核人员,
考核时间, 考核人, the table 考核内容 / 分值 / 扣分 / 得分 / 依据, then 考核得分, the grade or stars,
and the assumptions and parameters the score rests on. The HTML sheet is one printable A4 page.

The sheet does not record who assessed (考核人); pass ``assessor`` to the sheet renderers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal

from ._numbers import fmt
from ._rubric import Item, Node, Rubric, Section
from ._rules import Rule
from ._sheet import ItemLine, ScoreSheet, SectionLine

_SOURCE_WORDS = {"default": "默认值", "given": "地方设定"}

__all__ = [
    "rubric_html",
    "rubric_json",
    "rubric_markdown",
    "rubric_text",
    "sheet_html",
    "sheet_markdown",
    "sheet_section",
    "sheet_text",
    "sheets_html",
]

_EFFECT_WORDS = {"deduct": "扣", "set": "得", "zero": "清零", "penalty": "倒扣", "bonus": "加"}


# -- rubrics ----------------------------------------------------------------------------------


def _rule_field(rule: Rule) -> str:
    """The evidence fields a rule reads, for the 考核细则 table."""
    return "、".join(dict.fromkeys(field.id for field in rule.fields()))


def _node_lines(node: Node, depth: int) -> list[str]:
    pad = "  " * depth
    if isinstance(node, Section):
        weights = {w.child: w.weight for w in node.weights}
        lines = [f"{pad}【{node.label}】（{fmt(node.maximum)}分） [{node.id}]"]
        if node.clause:
            lines.append(f"{pad}  「{node.clause}」")
        for child in node.children:
            weight = weights.get(child.id)
            if weight is not None:
                lines.append(f"{pad}  权重 {weight}")
            lines.extend(_node_lines(child, depth + 1))
        return lines
    assert isinstance(node, Item)
    lines = [f"{pad}{node.label}（{fmt(node.maximum)}分） [{node.id}]"]
    if node.clause:
        lines.append(f"{pad}  「{node.clause}」")
    for rule in node.rules:
        lines.append(f"{pad}  - {rule.describe()}  ← {_rule_field(rule)}")
        if rule.clause and rule.clause != node.clause:
            lines.append(f"{pad}    「{rule.clause}」")
    return lines


def _metadata(rubric: Rubric) -> list[tuple[str, str]]:
    pairs = [
        (label, value)
        for label, value in (
            ("地区", rubric.region),
            ("发文单位", rubric.issuer),
            ("施行日期", rubric.effective or ""),
            ("出处", rubric.source),
        )
        if value
    ]
    maximum = fmt(rubric.effective_maximum)
    if rubric.maximum != rubric.effective_maximum:
        maximum += f"（原文{fmt(rubric.maximum)}）"
    pairs.append(("满分", maximum))
    return pairs


def _grading(rubric: Rubric) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if rubric.grades is not None:
        pairs.append(("等次", "；".join(f"{b.name} {b.interval}" for b in rubric.grades.bands)))
    if rubric.stars is not None:
        pairs.append(("星级", rubric.stars.describe()))
    for veto in rubric.vetoes:
        pairs.append(("否决", f"{veto.label or veto.id}：{veto.describe()}「{veto.clause}」"))
    if rubric.bonus_cap is not None:
        cap = rubric.bonus_cap
        pairs.append(("加分封顶", fmt(cap) if isinstance(cap, Decimal) else f"[{cap}]"))
    return pairs


def _parameter_state(rubric: Rubric) -> Iterator[tuple[str, str, str, str]]:
    for p in rubric.parameters:
        if p.value is not None:
            state = f"设定为 {fmt(p.value)}"
        elif p.default is not None:
            state = f"默认 {fmt(p.default)}"
        else:
            state = "必填"
        yield p.name, p.description, state, p.clause


def rubric_text(rubric: Rubric) -> str:
    """The rubric as plain text: metadata, the item table, grading, assumptions, parameters."""
    out = [f"{rubric.title}（{rubric.name} {rubric.version}）"]
    out.extend(f"{label}：{value}" for label, value in _metadata(rubric))
    out.append("")
    weights = {w.child: w.weight for w in rubric.weights}
    for child in rubric.children:
        if child.id in weights:
            out.append(f"权重 {weights[child.id]}")
        out.extend(_node_lines(child, 0))
    grading = _grading(rubric)
    if grading:
        out.append("")
        out.extend(f"{label}：{value}" for label, value in grading)
    if rubric.assumptions:
        out.append("")
        out.append("假设：")
        for a in rubric.assumptions:
            out.append(f"  [{a.id}] 原文「{a.quote}」：{a.decision}")
    if rubric.parameters:
        out.append("")
        out.append("参数：")
        for name, description, state, clause in _parameter_state(rubric):
            out.append(f"  {name}（{state}）：{description}「{clause}」")
    return "\n".join(out) + "\n"


class _TableRow:
    """One row of the 考核细则 table: a section or an item, at its depth."""

    __slots__ = ("clause", "depth", "is_section", "label", "maximum", "node_id", "rules", "weight")

    def __init__(self, node: Node, depth: int, weight: str | None) -> None:
        self.depth = depth
        self.node_id = node.id
        self.label = node.label
        self.maximum = fmt(node.maximum)
        self.weight = weight
        self.is_section = isinstance(node, Section)
        self.clause = node.clause
        self.rules: list[tuple[str, str, str]] = []
        if isinstance(node, Item):
            for rule in node.rules:
                extra = rule.clause if rule.clause and rule.clause not in node.clause else ""
                self.rules.append((rule.describe(), _rule_field(rule), extra))


def _table_rows(rubric: Rubric) -> Iterator[_TableRow]:
    def visit(node: Node, depth: int, weight: str | None) -> Iterator[_TableRow]:
        yield _TableRow(node, depth, weight)
        if isinstance(node, Section):
            weights = {w.child: str(w.weight) for w in node.weights}
            for child in node.children:
                yield from visit(child, depth + 1, weights.get(child.id))

    top = {w.child: str(w.weight) for w in rubric.weights}
    for child in rubric.children:
        yield from visit(child, 0, top.get(child.id))


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def rubric_markdown(rubric: Rubric) -> str:
    """The rubric as a Markdown page: the 考核细则 table, grading, assumptions, parameters."""
    out = [f"# {_md(rubric.title)}", "", f"`{rubric.name}` {_md(rubric.version)}", ""]
    out.extend(f"- {label}：{_md(value)}" for label, value in _metadata(rubric))
    out += ["", "| 考核项目 | 分值 | 考核细则 | 原文 |", "| --- | ---: | --- | --- |"]
    for row in _table_rows(rubric):
        indent = "　" * row.depth
        label = f"**{_md(row.label)}**" if row.is_section else _md(row.label)
        maximum = row.maximum + (f"（权重 {row.weight}）" if row.weight else "")
        rules = "<br>".join(
            f"{_md(text)} ← `{field}`" + (f"「{_md(extra)}」" if extra else "")
            for text, field, extra in row.rules
        )
        clause = f"「{_md(row.clause)}」" if row.clause else ""
        out.append(f"| {indent}{label} `{row.node_id}` | {maximum} | {rules} | {clause} |")
    grading = _grading(rubric)
    if grading:
        out += ["", "## 等次与否决", ""]
        out.extend(f"- {label}：{_md(value)}" for label, value in grading)
    if rubric.assumptions:
        out += ["", "## 假设", "", "| 编号 | 原文 | 处理 |", "| --- | --- | --- |"]
        out.extend(
            f"| {_md(a.id)} | 「{_md(a.quote)}」 | {_md(a.decision)} |" for a in rubric.assumptions
        )
    if rubric.parameters:
        out += ["", "## 参数", "", "| 参数 | 说明 | 取值 | 原文 |", "| --- | --- | --- | --- |"]
        out.extend(
            f"| `{name}` | {_md(description)} | {state} | 「{_md(clause)}」 |"
            for name, description, state, clause in _parameter_state(rubric)
        )
    return "\n".join(out) + "\n"


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


_RUBRIC_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
       "Microsoft YaHei", "PingFang SC", sans-serif; font-size: 10.5pt; margin: 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #444; padding: .3em .5em; vertical-align: top; }
th { background: #eee; }
td.num { text-align: center; white-space: nowrap; }
tr.section td { font-weight: bold; background: #f5f5f5; }
.quote { color: #333; font-size: .92em; }
code { font-size: .85em; color: #555; }
"""


def rubric_html(rubric: Rubric) -> str:
    """The rubric as a standalone HTML page in Chinese: the 考核细则 table and its notes."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_h(rubric.title)}</title>",
        f"<style>{_RUBRIC_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(rubric.title)}</h1>",
        f"<p><code>{_h(rubric.name)}</code> {_h(rubric.version)}</p>",
        "<ul>",
    ]
    out.extend(f"<li>{_h(label)}：{_h(value)}</li>" for label, value in _metadata(rubric))
    out += [
        "</ul>",
        '<table class="rubric">',
        "<thead><tr><th>考核项目</th><th>分值</th><th>考核细则</th><th>原文</th></tr></thead>",
        "<tbody>",
    ]
    for row in _table_rows(rubric):
        css = ' class="section"' if row.is_section else ""
        pad = f' style="padding-left: {0.5 + 1.5 * row.depth}em"' if row.depth else ""
        maximum = row.maximum + (f"<br>权重 {_h(row.weight)}" if row.weight else "")
        rules = "<br>".join(
            f"{_h(text)} ← <code>{_h(field)}</code>"
            + (f'<br><span class="quote">「{_h(extra)}」</span>' if extra else "")
            for text, field, extra in row.rules
        )
        clause = f'<span class="quote">「{_h(row.clause)}」</span>' if row.clause else ""
        out.append(
            f"<tr{css}><td{pad}>{_h(row.label)} <code>{_h(row.node_id)}</code></td>"
            f'<td class="num">{maximum}</td><td>{rules}</td><td>{clause}</td></tr>'
        )
    out += ["</tbody>", "</table>"]
    grading = _grading(rubric)
    if grading:
        out += ["<h2>等次与否决</h2>", "<ul>"]
        out.extend(f"<li>{_h(label)}：{_h(value)}</li>" for label, value in grading)
        out.append("</ul>")
    if rubric.assumptions:
        out += [
            "<h2>假设</h2>",
            "<table>",
            "<thead><tr><th>编号</th><th>原文</th><th>处理</th></tr></thead>",
            "<tbody>",
        ]
        out.extend(
            f"<tr><td>{_h(a.id)}</td><td>「{_h(a.quote)}」</td><td>{_h(a.decision)}</td></tr>"
            for a in rubric.assumptions
        )
        out += ["</tbody>", "</table>"]
    if rubric.parameters:
        out += [
            "<h2>参数</h2>",
            "<table>",
            "<thead><tr><th>参数</th><th>说明</th><th>取值</th><th>原文</th></tr></thead>",
            "<tbody>",
        ]
        out.extend(
            f"<tr><td><code>{_h(name)}</code></td><td>{_h(description)}</td>"
            f"<td>{_h(state)}</td><td>「{_h(clause)}」</td></tr>"
            for name, description, state, clause in _parameter_state(rubric)
        )
        out += ["</tbody>", "</table>"]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def rubric_json(rubric: Rubric) -> str:
    """The rubric as JSON data (the same form :func:`gridrules.load` reads back)."""
    from .serialization import dump_rubric

    return dump_rubric(rubric, "json")


# -- score sheets ------------------------------------------------------------------------------


def sheet_text(sheet: ScoreSheet, *, assessor: str | None = None) -> str:
    """The sheet as plain text (:meth:`ScoreSheet.to_text`), with 考核人 when given."""
    text = sheet.to_text()
    if not assessor:
        return text
    lines = text.split("\n")
    head_end = lines.index("") if "" in lines else 1
    lines.insert(head_end, f"考核人：{assessor}")
    return "\n".join(lines)


def _reason_texts(line: ItemLine) -> list[tuple[str, str]]:
    """Each reason of a line as (working, clause)."""
    texts = []
    for reason in line.reasons:
        word = _EFFECT_WORDS.get(reason.effect, reason.effect)
        head = f"{reason.label}：" if reason.label else ""
        amount = "" if reason.effect == "zero" else f"{fmt(reason.amount)}分"
        texts.append((f"{head}{reason.arithmetic}，{word}{amount}", reason.clause))
    if line.weight is not None and line.contribution is not None:
        texts.append((_weighted_text(line.points, line.weight, line.contribution), ""))
    return texts


def _weighted_text(points: Decimal, weight: Decimal, contribution: Decimal) -> str:
    return f"权重{fmt(weight)}：{fmt(points)} 折合 {fmt(contribution)}分"


def _stars(stars: int | None, most: int | None = None) -> str:
    if stars is None:
        return ""
    return "★" * stars + "☆" * max(0, (most or stars) - stars) + f"（{stars}星）"


def _results(sheet: ScoreSheet) -> list[tuple[str, str]]:
    """The lines under the table: total, base, bonus and penalty, grade, stars, vetoes, flags."""
    pairs = [("考核得分", f"{fmt(sheet.total)}（满分{fmt(sheet.maximum)}）")]
    if sheet.bonus or sheet.penalty or sheet.bonus_before_cap:
        parts = [f"基本得分 {fmt(sheet.base)}"]
        if sheet.bonus or sheet.bonus_before_cap:
            capped = (
                f"（合计{fmt(sheet.bonus_before_cap)}，封顶{fmt(sheet.bonus)}）"
                if sheet.bonus_before_cap is not None and sheet.bonus_before_cap != sheet.bonus
                else ""
            )
            parts.append(f"加分 {fmt(sheet.bonus)}{capped}")
        if sheet.penalty:
            parts.append(f"倒扣 {fmt(sheet.penalty)}")
        pairs.append(("其中", "；".join(parts)))
    if sheet.grade is not None:
        pairs.append(("考核等次", sheet.grade))
    if sheet.stars is not None:
        pairs.append(("星级", _stars(sheet.stars)))
    for veto in sheet.vetoes:
        pairs.append(("否决", f"{veto.label or veto.id}，{veto.effect}。依据「{veto.clause}」"))
    return pairs


def _notes(sheet: ScoreSheet) -> list[tuple[str, list[str]]]:
    notes: list[tuple[str, list[str]]] = []
    if sheet.defaults:
        notes.append(("取默认值的字段", ["、".join(sheet.defaults)]))
    if sheet.parameters:
        notes.append(
            (
                "使用的参数",
                [
                    f"{p.name} = {fmt(p.value)}（{_SOURCE_WORDS[p.source]}；{p.description}）"
                    for p in sheet.parameters
                ],
            )
        )
    if sheet.assumptions:
        notes.append(
            (
                "依据的假设",
                [
                    f"[{a.id}] 原文「{' '.join(a.quote.split())}」：{a.decision}"
                    for a in sheet.assumptions
                ],
            )
        )
    return notes


def _sheet_rows(sheet: ScoreSheet) -> Iterator[SectionLine | ItemLine]:
    """The table's rows in order: each section's subtotal before its first item, then items."""
    sections = {s.section_id: s for s in sheet.sections}
    shown: set[str] = set()
    for line in sheet.lines:
        if line.section and line.section not in shown and line.section in sections:
            shown.add(line.section)
            yield sections[line.section]
        yield line


def sheet_markdown(sheet: ScoreSheet, *, assessor: str | None = None) -> str:
    """The sheet as Markdown: the header fields, the 考核内容 table, the result and the notes."""
    out = [
        f"# {_md(sheet.rubric_title)} 考核评分表",
        "",
        f"- 被考核人员：{_md(sheet.assessee or '')}",
        f"- 考核时间：{_md(sheet.period or '')}",
        f"- 考核人：{_md(assessor or '')}",
        "",
        "| 考核内容 | 分值 | 扣分 | 得分 | 依据 |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for entry in _sheet_rows(sheet):
        if isinstance(entry, SectionLine):
            out.append(
                f"| **{_md(entry.label)}** | {fmt(entry.maximum)} | "
                f"{fmt(entry.maximum - entry.points)} | {fmt(entry.points)} | |"
            )
            continue
        basis = (
            "<br>".join(
                f"{_md(work)}「{_md(clause)}」" if clause else _md(work)
                for work, clause in _reason_texts(entry)
            )
            or "无扣分"
        )
        out.append(
            f"| {_md(entry.label)} | {fmt(entry.maximum)} | {fmt(entry.deducted)} | "
            f"{fmt(entry.points)} | {basis} |"
        )
    out.append("")
    out.extend(
        f"- **{label}：{_md(value)}**" if label == "考核得分" else f"- {label}：{_md(value)}"
        for label, value in _results(sheet)
    )
    for title, lines in _notes(sheet):
        out += ["", f"{title}：", ""]
        out.extend(f"- {_md(text)}" for text in lines)
    return "\n".join(out) + "\n"


# The page is A4 with 12 mm margins: 186 mm by 273 mm to fill. The sheet's font size is chosen so
# that the estimated height fits; the estimate counts wrapped lines per column width.
_PAGE_HEIGHT_MM = 273.0
_BASE_PT = 10.0
_PT_MM = 0.3528


def _wrapped(text: str, chars_per_line: float) -> int:
    width = sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)
    return max(1, math.ceil(width / chars_per_line))


def _estimated_height(sheet: ScoreSheet, scale: float) -> float:
    """The sheet's height in mm at ``scale`` times the base font size (a generous estimate)."""
    size_mm = _BASE_PT * scale * _PT_MM
    line = size_mm * 1.45
    small = line * 0.88
    # the 依据 column is 58% of 186 mm; the notes run the full width
    basis_chars = 186 * 0.58 / (size_mm * 0.9) - 1
    full_chars = 186 / (size_mm * 0.85) - 2
    height = 2.4 * line + 3 * line + 6  # title, subtitle, header table and gaps
    height += line + 2.5  # table head
    for entry in _sheet_rows(sheet):
        if isinstance(entry, SectionLine):
            height += line + 2
            continue
        lines = sum(_wrapped(f"{w}「{c}」", basis_chars) for w, c in _reason_texts(entry))
        label_lines = _wrapped(entry.label, 186 * 0.17 / size_mm)
        height += max(lines * small, label_lines * line, line) + 2
    height += 4 + len(_results(sheet)) * line * 1.1
    for _, texts in _notes(sheet):
        height += line + sum(_wrapped(t, full_chars) for t in texts) * small * 0.95
    height += 3 * line + 8  # signatures
    return height


def _scale(sheet: ScoreSheet) -> float:
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


def sheet_html(sheet: ScoreSheet, *, assessor: str | None = None) -> str:
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


def sheet_section(sheet: ScoreSheet, *, assessor: str | None = None) -> str:
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
        f"<th>考核人</th><td>{_h(assessor or '')}</td>",
        "</tr></table>",
        '<table class="items">',
        '<thead><tr><th class="label">考核内容</th><th class="num">分值</th>'
        '<th class="num">扣分</th><th class="num">得分</th><th>依据</th></tr></thead>',
        "<tbody>",
    ]
    for entry in _sheet_rows(sheet):
        if isinstance(entry, SectionLine):
            out.append(
                f'<tr class="section"><td>{_h(entry.label)}</td>'
                f'<td class="num">{fmt(entry.maximum)}</td>'
                f'<td class="num">{fmt(entry.maximum - entry.points)}</td>'
                f'<td class="num">{fmt(entry.points)}</td><td></td></tr>'
            )
            continue
        basis = (
            "".join(
                f'<p>{_h(work)}<span class="quote">「{_h(clause)}」</span></p>'
                if clause
                else f"<p>{_h(work)}</p>"
                for work, clause in _reason_texts(entry)
            )
            or "<p>无扣分</p>"
        )
        out.append(
            f'<tr><td>{_h(entry.label)}</td><td class="num">{fmt(entry.maximum)}</td>'
            f'<td class="num">{fmt(entry.deducted)}</td>'
            f'<td class="num">{fmt(entry.points)}</td>'
            f'<td class="basis">{basis}</td></tr>'
        )
    out += ["</tbody>", "</table>", '<div class="results">']
    for label, value in _results(sheet):
        css = ' class="total"' if label == "考核得分" else ""
        out.append(f"<p{css}>{_h(label)}：{_h(value)}</p>")
    out.append("</div>")
    notes = _notes(sheet)
    if notes:
        out.append('<div class="notes">')
        for title, texts in notes:
            out.append(f"<h2>{_h(title)}</h2><ul>")
            out.extend(f"<li>{_h(text)}</li>" for text in texts)
            out.append("</ul>")
        out.append("</div>")
    out += [
        '<div class="signatures"><span>被考核人员（签字）：＿＿＿＿＿＿</span>'
        "<span>考核人（签字）：＿＿＿＿＿＿</span><span>日期：＿＿＿＿年＿＿月＿＿日</span></div>",
        f'<p class="footer">gridrules · {_h(sheet.rubric)} {_h(sheet.rubric_version)}</p>',
        "</section>",
    ]
    return "\n".join(out) + "\n"
