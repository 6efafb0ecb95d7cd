"""A score sheet as plain text, in Chinese, the way an assessor reads it."""

from __future__ import annotations

from ..model.numbers import shown
from .content import CombinedContent, SheetContent
from .lines import SectionLine
from .words import EFFECT_WORDS, line_notes, notes, section_notes, sheet_rows, verdicts

_LISTED = frozenset({"使用的参数", "依据的假设"})
"""Notes listed under their title, one per line, however many there are."""

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
            said = section_notes(entry)
            beside = f"（{'；'.join(said)}）" if said else ""
            out.append(f"【{entry.label}】 {shown(entry.points)} / {shown(entry.maximum)}{beside}")
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
        out.extend(f"    · {note}" for note in line_notes(entry))
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
    out.extend(f"{label}：{text}" for label, text in verdicts(sheet))
    for title, texts in notes(sheet):
        if title in ("工作日历", "提示"):
            continue  # in the header
        if len(texts) == 1 and title not in _LISTED:
            out.append(f"{title}：{texts[0]}")
        else:
            out.append(f"{title}：")
            out.extend(f"  {text}" for text in texts)
    return "\n".join(out) + "\n"


def combined_text(combined: CombinedContent) -> str:
    """A combination's result as plain text, in Chinese."""
    lines = [f"{combined.label}：{shown(combined.total)}（{combined.arithmetic}）"]
    if combined.assessee:
        lines.insert(0, f"被考核人员：{combined.assessee}")
    if combined.missing:
        used = "、".join(part for part, _, _ in combined.parts)
        lines.append(f"计入：{used}；缺：{'、'.join(combined.missing)}（按已有部分平均）")
    if combined.grade is not None:
        lines.append(f"考核等次：{combined.grade}")
    if combined.clause:
        lines.append(f"依据：「{combined.clause}」")
    return "\n".join(lines) + "\n"
