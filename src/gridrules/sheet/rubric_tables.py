"""A rubric as people read it: the familiar 考核细则 table (考核项目, 分值, 考核细则, 原文), then
its grades, assumptions and parameters, as plain text, Markdown or HTML."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..model.numbers import fmt
from ..model.rubric import RubricDefinition
from ..model.rules import Rule
from ..model.tree import Item, Node, Section
from .lines import show
from .words import h as _h
from .words import md as _md

__all__ = ["node_notes", "rubric_html", "rubric_markdown", "rubric_text"]


def node_notes(node: Node) -> list[str]:
    """What a node of the table says beside its points, in Chinese: a section's cap (封顶) and
    its own grades, a rounding, an item's floor. Every rendering of a rubric shows these."""
    notes = []
    if isinstance(node, Section):
        if node.capped:
            notes.append(
                f"封顶：各项合计{fmt(node.children_maximum)}分，超过{fmt(node.maximum)}分的按"
                f"{fmt(node.maximum)}分计"
            )
        if node.grades is not None:
            bands = "；".join(f"{b.name} {b.interval}" for b in node.grades.bands)
            notes.append(f"本部分等次：{bands}")
    elif node.floor:
        notes.append(f"最低{fmt(node.floor)}分")
    if node.rounding is not None:
        notes.append(node.rounding.describe())
    return notes


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
        lines.extend(f"{pad}  * {note}" for note in node_notes(node))
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
    lines.extend(f"{pad}  * {note}" for note in node_notes(node))
    for rule in node.rules:
        lines.append(f"{pad}  - {rule.describe()}  ← {_rule_field(rule)}")
        if rule.clause and rule.clause != node.clause:
            lines.append(f"{pad}    「{rule.clause}」")
    return lines


def _metadata(rubric: RubricDefinition) -> list[tuple[str, str]]:
    pairs = [
        (label, value)
        for label, value in (
            ("地区", rubric.region),
            ("发文单位", rubric.issuer),
            ("施行日期", rubric.effective or ""),
            ("有效期至", rubric.effective_until or ""),
            ("出处", rubric.source),
        )
        if value
    ]
    maximum = fmt(rubric.effective_maximum)
    if rubric.maximum != rubric.effective_maximum:
        maximum += f"（原文{fmt(rubric.maximum)}）"
    pairs.append(("满分", maximum))
    return pairs


def _grading(rubric: RubricDefinition) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if rubric.grades is not None:
        pairs.append(("等次", "；".join(f"{b.name} {b.interval}" for b in rubric.grades.bands)))
    elif rubric.veto_grades:
        pairs.append(("等次", f"不按分数定等次；仅否决时列为{'、'.join(rubric.veto_grades)}"))
    if rubric.stars is not None:
        pairs.append(("星级", rubric.stars.describe()))
    if rubric.rounding is not None:
        pairs.append(("总分", rubric.rounding.describe()))
    for veto in rubric.vetoes:
        pairs.append(("否决", f"{veto.label or veto.id}：{veto.describe()}「{veto.clause}」"))
    if rubric.bonus_cap is not None:
        cap = rubric.bonus_cap
        pairs.append(("加分封顶", fmt(cap) if isinstance(cap, Decimal) else f"[{cap}]"))
    return pairs


def _parameter_state(rubric: RubricDefinition) -> Iterator[tuple[str, str, str, str]]:
    for p in rubric.parameters:
        if p.value is not None:
            state = f"设定为 {show(p.value)}"
        elif p.default is not None:
            state = f"默认 {show(p.default)}"
        else:
            state = "必填"
        yield p.name, p.description, state, p.clause


def rubric_text(rubric: RubricDefinition) -> str:
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
        self.rules: list[tuple[str, str, str]] = [(note, "", "") for note in node_notes(node)]
        if isinstance(node, Item):
            for rule in node.rules:
                extra = rule.clause if rule.clause and rule.clause not in node.clause else ""
                self.rules.append((rule.describe(), _rule_field(rule), extra))


def _table_rows(rubric: RubricDefinition) -> Iterator[_TableRow]:
    def visit(node: Node, depth: int, weight: str | None) -> Iterator[_TableRow]:
        yield _TableRow(node, depth, weight)
        if isinstance(node, Section):
            weights = {w.child: str(w.weight) for w in node.weights}
            for child in node.children:
                yield from visit(child, depth + 1, weights.get(child.id))

    top = {w.child: str(w.weight) for w in rubric.weights}
    for child in rubric.children:
        yield from visit(child, 0, top.get(child.id))


def rubric_markdown(rubric: RubricDefinition) -> str:
    """The rubric as a Markdown page: the 考核细则 table, grading, assumptions, parameters."""
    out = [f"# {_md(rubric.title)}", "", f"`{rubric.name}` {_md(rubric.version)}", ""]
    out.extend(f"- {label}：{_md(value)}" for label, value in _metadata(rubric))
    out += ["", "| 考核项目 | 分值 | 考核细则 | 原文 |", "| --- | ---: | --- | --- |"]
    for row in _table_rows(rubric):
        indent = "　" * row.depth
        label = f"**{_md(row.label)}**" if row.is_section else _md(row.label)
        maximum = row.maximum + (f"（权重 {row.weight}）" if row.weight else "")
        rules = "<br>".join(
            _md(text) + (f" ← `{field}`" if field else "") + (f"「{_md(extra)}」" if extra else "")
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


def rubric_html(rubric: RubricDefinition) -> str:
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
            _h(text)
            + (f" ← <code>{_h(field)}</code>" if field else "")
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
