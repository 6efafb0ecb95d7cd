"""Rubrics as the familiar 考核细则 table, for people to read."""

from __future__ import annotations

from ._numbers import fmt
from ._rubric import Item, Node, Rubric, Section

__all__ = ["rubric_text"]


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
        lines.append(f"{pad}  - {rule.describe()}  ← {rule.primary_field}")
        if rule.clause and rule.clause != node.clause:
            lines.append(f"{pad}    「{rule.clause}」")
    return lines


def rubric_text(rubric: Rubric) -> str:
    """The rubric as plain text: metadata, the item table, grading, assumptions, parameters."""
    out = [f"{rubric.title}（{rubric.name} {rubric.version}）"]
    for label, value in (
        ("地区", rubric.region),
        ("发文单位", rubric.issuer),
        ("施行日期", rubric.effective or ""),
        ("出处", rubric.source),
    ):
        if value:
            out.append(f"{label}：{value}")
    out.append(f"满分：{fmt(rubric.effective_maximum)}"
               + (f"（原文{fmt(rubric.maximum)}）" if rubric.maximum != rubric.effective_maximum
                  else ""))
    out.append("")
    for child in rubric.children:
        out.extend(_node_lines(child, 0))
    if rubric.grades is not None:
        out.append("")
        out.append("等次：" + "；".join(f"{b.name} {b.interval}" for b in rubric.grades.bands))
    if rubric.stars is not None:
        out.append(f"星级：{rubric.stars.describe()}")
    for veto in rubric.vetoes:
        out.append(f"否决：{veto.label or veto.id}：{veto.describe()}「{veto.clause}」")
    if rubric.assumptions:
        out.append("")
        out.append("假设：")
        for a in rubric.assumptions:
            out.append(f"  [{a.id}] 原文「{a.quote}」：{a.decision}")
    if rubric.parameters:
        out.append("")
        out.append("参数：")
        for p in rubric.parameters:
            state = "必填" if p.required else f"默认 {fmt(p.default)}" if p.default is not None \
                else ""
            out.append(f"  {p.name}（{p.kind.value}，{state}）：{p.description}「{p.clause}」")
    return "\n".join(out) + "\n"
