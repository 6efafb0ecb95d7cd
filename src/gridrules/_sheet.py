"""The score sheet: the total and grade, and a line per item explaining every point."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from ._numbers import as_tuple, fmt
from ._rubric import Assumption

__all__ = [
    "FORMAT_VERSION",
    "ItemLine",
    "ParameterLine",
    "Reason",
    "ScoreSheet",
    "SectionLine",
    "VetoLine",
]

FORMAT_VERSION = 1
"""The version of the score sheet's serialised form; it changes when a field changes meaning."""

_EFFECT_WORDS = {
    "deduct": "扣",
    "set": "得",
    "zero": "清零",
    "penalty": "倒扣",
    "bonus": "加",
}


def _frozen(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen
class Reason:
    """One rule's effect on one item: the rule, the evidence it used, the working, the clause."""

    rule: str
    label: str
    effect: str
    field: str
    value: str
    amount: Decimal
    arithmetic: str
    clause: str


@attrs.frozen
class ItemLine:
    """One item on the sheet: its points out of its maximum and the reasons for every change."""

    item_id: str
    label: str
    section: str | None
    points: Decimal
    maximum: Decimal
    reasons: tuple[Reason, ...]
    clause: str

    @property
    def deducted(self) -> Decimal:
        """The 扣分 column: how far the item fell short of its maximum."""
        return self.maximum - self.points


@attrs.frozen
class SectionLine:
    """A section's subtotal."""

    section_id: str
    label: str
    points: Decimal
    maximum: Decimal


@attrs.frozen
class ParameterLine:
    """A parameter the score depended on: its value and whether it was given or defaulted."""

    name: str
    description: str
    value: Decimal
    source: str
    clause: str


@attrs.frozen
class VetoLine:
    """A veto that fired: the grade it forced or the flag it set."""

    id: str
    label: str
    grade: str | None
    flag: str | None
    clause: str


@attrs.frozen
class ScoreSheet:
    """The explained result of scoring one assessee for one period.

    ``total = base - penalty + bonus`` (then the rubric's floor and rounding); ``maximum`` is what
    the base can reach. Every item has a line; every change to an item has a reason with the rule,
    the evidence value, the arithmetic and the clause it quotes. The sheet also carries the
    assumptions and parameters the score depended on, and the fields that took their default.
    """

    rubric: str
    rubric_title: str
    rubric_version: str
    total: Decimal
    maximum: Decimal
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    grade: str | None
    stars: int | None
    flags: frozenset[str] = attrs.field(converter=_frozen)
    lines: tuple[ItemLine, ...] = attrs.field(converter=as_tuple)
    sections: tuple[SectionLine, ...] = attrs.field(converter=as_tuple, factory=tuple)
    vetoes: tuple[VetoLine, ...] = attrs.field(converter=as_tuple, factory=tuple)
    assumptions: tuple[Assumption, ...] = attrs.field(converter=as_tuple, factory=tuple)
    parameters: tuple[ParameterLine, ...] = attrs.field(converter=as_tuple, factory=tuple)
    defaults: tuple[str, ...] = attrs.field(converter=as_tuple, factory=tuple)
    evidence: dict[str, str] = attrs.field(factory=dict)
    bonus_before_cap: Decimal | None = None
    assessee: str | None = None
    period: str | None = None
    calendar: str | None = None
    format_version: int = FORMAT_VERSION

    def line(self, item_id: str) -> ItemLine:
        """The line of one item, by id."""
        for line in self.lines:
            if line.item_id == item_id:
                return line
        raise KeyError(item_id)

    @property
    def points(self) -> dict[str, Decimal]:
        """Each item's points by item id."""
        return {line.item_id: line.points for line in self.lines}

    def to_text(self) -> str:
        """The sheet as plain text, in Chinese, the way an assessor reads it."""
        return render_text(self)

    def __str__(self) -> str:
        return self.to_text()


def render_text(sheet: ScoreSheet) -> str:
    out: list[str] = [f"{sheet.rubric_title}（{sheet.rubric} {sheet.rubric_version}）"]
    if sheet.assessee:
        out.append(f"被考核人员：{sheet.assessee}")
    if sheet.period:
        out.append(f"考核时间：{sheet.period}")
    if sheet.calendar:
        out.append(f"工作日历：{sheet.calendar}")
    out.append("")
    out.append("考核内容 | 分值 | 扣分 | 得分")
    sections = {s.section_id: s for s in sheet.sections}
    shown: set[str] = set()
    for line in sheet.lines:
        if line.section and line.section not in shown and line.section in sections:
            shown.add(line.section)
            section = sections[line.section]
            out.append(f"【{section.label}】 {fmt(section.points)} / {fmt(section.maximum)}")
        out.append(
            f"{line.label} | {fmt(line.maximum)} | {fmt(line.deducted)} | {fmt(line.points)}"
        )
        for reason in line.reasons:
            word = _EFFECT_WORDS.get(reason.effect, reason.effect)
            head = f"{reason.label}：" if reason.label else ""
            out.append(f"    · {head}{word} {fmt(reason.amount)}（{reason.arithmetic}）")
            out.append(f"      依据：「{reason.clause}」")
    out.append("")
    out.append(f"基本得分：{fmt(sheet.base)} / {fmt(sheet.maximum)}")
    if sheet.penalty:
        out.append(f"倒扣：{fmt(sheet.penalty)}")
    if sheet.bonus or sheet.bonus_before_cap:
        capped = (
            f"（加分合计{fmt(sheet.bonus_before_cap)}，封顶{fmt(sheet.bonus)}）"
            if sheet.bonus_before_cap is not None and sheet.bonus_before_cap != sheet.bonus
            else ""
        )
        out.append(f"加分：{fmt(sheet.bonus)}{capped}")
    out.append(f"考核得分：{fmt(sheet.total)}")
    if sheet.grade is not None:
        out.append(f"考核等次：{sheet.grade}")
    if sheet.stars is not None:
        out.append(f"星级：{'★' * sheet.stars}（{sheet.stars}星）")
    for veto in sheet.vetoes:
        effect = "，".join(
            part
            for part in (
                f"列为{veto.grade}" if veto.grade else "",
                f"标记 {veto.flag}" if veto.flag else "",
            )
            if part
        )
        out.append(f"否决：{veto.label or veto.id}，{effect}。依据：「{veto.clause}」")
    if sheet.defaults:
        out.append(f"取默认值的字段：{'、'.join(sheet.defaults)}")
    if sheet.parameters:
        out.append("使用的参数：")
        for param in sheet.parameters:
            source = "默认值" if param.source == "default" else "地方设定"
            out.append(f"  {param.name} = {fmt(param.value)}（{source}；{param.description}）")
    if sheet.assumptions:
        out.append("依据的假设：")
        for assumption in sheet.assumptions:
            out.append(f"  [{assumption.id}] 原文「{assumption.quote}」：{assumption.decision}")
    return "\n".join(out) + "\n"
