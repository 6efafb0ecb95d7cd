"""A score sheet as Markdown: the header fields, the 考核内容 table, the results and the notes."""

from __future__ import annotations

from ..model.numbers import shown
from .content import SheetContent
from .lines import SectionLine
from .words import md as _md
from .words import notes, reason_texts, results, section_notes, sheet_rows

__all__ = ["sheet_markdown"]


def sheet_markdown(sheet: SheetContent, *, assessor: str | None = None) -> str:
    """The sheet as Markdown: the header fields, the 考核内容 table, the result and the notes."""
    out = [
        f"# {_md(sheet.rubric_title)} 考核评分表",
        "",
        f"- 被考核人员：{_md(sheet.assessee or '')}",
        f"- 考核时间：{_md(sheet.period or '')}",
        f"- 考核人：{_md(assessor or sheet.assessor or '')}",
        "",
        "| 考核内容 | 分值 | 扣分 | 得分 | 依据 |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for entry in sheet_rows(sheet):
        if isinstance(entry, SectionLine):
            said = _md("；".join(section_notes(entry)))
            out.append(
                f"| **{_md(entry.label)}** | {shown(entry.maximum)} | "
                f"{shown(entry.deducted)} | {shown(entry.points)} | "
                + (f"{said} |" if said else "|")
            )
            continue
        basis = (
            "<br>".join(
                f"{_md(work)}「{_md(clause)}」" if clause else _md(work)
                for work, clause in reason_texts(entry)
            )
            or "无扣分"
        )
        out.append(
            f"| {_md(entry.label)} | {shown(entry.maximum)} | {shown(entry.deducted)} | "
            f"{shown(entry.points)} | {basis} |"
        )
    out.append("")
    out.extend(
        f"- **{label}：{_md(value)}**" if label == "考核得分" else f"- {label}：{_md(value)}"
        for label, value in results(sheet)
    )
    for title, lines in notes(sheet):
        out += ["", f"{title}：", ""]
        out.extend(f"- {_md(text)}" for text in lines)
    return "\n".join(out) + "\n"
