"""Rubrics and score sheets for people to read: plain text, Markdown, HTML and JSON (the face
of :mod:`gridrules.sheet`).

A rubric renders as the familiar 考核细则 table (考核项目, 分值, 考核细则, 原文), then its grades,
assumptions and parameters. A score sheet renders as the paper form an assessee signs: 被考核人员,
考核时间, 考核人, the table 考核内容 / 分值 / 扣分 / 得分 / 依据, then 考核得分, the grade or stars,
and the assumptions and parameters the score rests on. The HTML sheet is one printable A4 page.
"""

from __future__ import annotations

from .io.datafiles import dump_rubric
from .model.rubric import RubricDefinition
from .sheet.html import sheet_html, sheet_section, sheets_html
from .sheet.markdown import sheet_markdown
from .sheet.rubric_tables import rubric_html, rubric_markdown, rubric_text
from .sheet.text import sheet_text

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


def rubric_json(rubric: RubricDefinition) -> str:
    """The rubric as JSON data (the same form :func:`gridrules.load` reads back)."""
    return dump_rubric(rubric, "json")
