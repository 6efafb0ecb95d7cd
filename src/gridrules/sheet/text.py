"""A score sheet as plain text, in Chinese, the way an assessor reads it."""

from __future__ import annotations

from ..model.numbers import fmt, shown
from .content import CombinedContent, SheetContent
from .lines import SectionLine
from .words import EFFECT_WORDS, ROUNDED_NOTE, rounded_for_display, sheet_rows, weighted_text

__all__ = ["combined_text", "sheet_text"]


def sheet_text(sheet: SheetContent, *, assessor: str | None = None) -> str:
    """The sheet as plain text, in Chinese, the way an assessor reads it; 考核人 is ``assessor``,
    else the sheet's own."""
    assessor = assessor or sheet.assessor
    out: list[str] = [f"{sheet.rubric_title}（{sheet.rubric} {sheet.rubric_version}）"]
    if sheet.assessee:
        out.append(f"被考核人员：{sheet.assessee}")
    if sheet.period:
        out.append(f"考核时间：{sheet.period}")
    if sheet.calendar:
        out.append(f"工作日历：{sheet.calendar}")
    if assessor:
        out.append(f"考核人：{assessor}")
    out.extend(f"提示：{warning}" for warning in sheet.warnings)
    out.append("")
    out.append("考核内容 | 分值 | 扣分 | 得分")
    for entry in sheet_rows(sheet):
        if isinstance(entry, SectionLine):
            weighted = (
                f"（权重{shown(entry.weight)}，折合 {shown(entry.contribution)}分）"
                if entry.weight is not None and entry.contribution is not None
                else ""
            )
            out.append(
                f"【{entry.label}】 {shown(entry.points)} / {shown(entry.maximum)}{weighted}"
            )
            continue
        out.append(
            f"{entry.label} | {shown(entry.maximum)} | {shown(entry.deducted)} | "
            f"{shown(entry.points)}"
        )
        for reason in entry.reasons:
            word = EFFECT_WORDS.get(reason.effect, reason.effect)
            head = f"{reason.label}：" if reason.label else ""
            out.append(f"    · {head}{word} {shown(reason.amount)}（{reason.arithmetic}）")
            out.append(f"      依据：「{reason.clause}」")
        if entry.weight is not None and entry.contribution is not None:
            out.append(f"    · {weighted_text(entry.points, entry.weight, entry.contribution)}")
    out.append("")
    out.append(f"基本得分：{shown(sheet.base)} / {shown(sheet.maximum)}")
    if sheet.penalty:
        out.append(f"倒扣：{shown(sheet.penalty)}")
    if sheet.bonus or sheet.bonus_before_cap:
        capped = (
            f"（加分合计{shown(sheet.bonus_before_cap)}，封顶{shown(sheet.bonus)}）"
            if sheet.bonus_before_cap is not None and sheet.bonus_before_cap != sheet.bonus
            else ""
        )
        out.append(f"加分：{shown(sheet.bonus)}{capped}")
    out.append(f"考核得分：{shown(sheet.total)}")
    if sheet.grade is not None:
        out.append(f"考核等次：{sheet.grade}")
    if sheet.stars is not None:
        out.append(f"星级：{'★' * sheet.stars}（{sheet.stars}星）")
    for veto in sheet.vetoes:
        out.append(f"否决：{veto.label or veto.id}，{veto.effect}。依据：「{veto.clause}」")
    if rounded_for_display(sheet):
        out.append(f"数值显示：{ROUNDED_NOTE}")
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


def combined_text(combined: CombinedContent) -> str:
    """A combination's result as plain text, in Chinese."""
    lines = [f"{combined.label}：{shown(combined.total)}（{combined.arithmetic}）"]
    if combined.assessee:
        lines.insert(0, f"被考核人员：{combined.assessee}")
    if combined.grade is not None:
        lines.append(f"考核等次：{combined.grade}")
    if combined.clause:
        lines.append(f"依据：「{combined.clause}」")
    return "\n".join(lines) + "\n"
