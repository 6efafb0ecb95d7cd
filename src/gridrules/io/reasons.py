"""Why a row was rejected, in Chinese, for the clerk who reads the errors file.

The library's messages are in English, for programmers. A street office's errors file (the
``zh`` headers, the default for Excel) gives each reason in Chinese instead: :func:`chinese`
renders the messages evidence checks and table readers give; a message it does not know keeps
its English text after a Chinese lead (无法计分), so that nothing is lost.

A batch's errors file and a comparison's rows not scored show a problem alike: its place and
reason in Chinese (:func:`chinese_problem`), its value as :func:`problem_value` writes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from ..errors import Problem
from ..model.numbers import fmt

__all__ = ["VALUE_SHOWN", "WHOLE_ROW", "chinese", "chinese_problem", "problem_value", "shorten"]

WHOLE_ROW = {"<row>": "整行", "<line>": "整行", "<record>": "整行"}
"""The places of the problems of a whole row, named in Chinese in a Chinese errors file."""

VALUE_SHOWN = 200
"""The longest value written to an errors file (or a message) as it is; a longer one is cut."""


def shorten(text: str, limit: int = VALUE_SHOWN) -> str:
    """``text``, or its first ``limit - 1`` characters and how long it was when it is longer."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…({len(text)} characters)"


def problem_value(value: object) -> str | None:
    """A problem's value as an errors file shows it: a number as
    :func:`~gridrules.model.numbers.fmt` prints it, anything longer than :data:`VALUE_SHOWN`
    cut (:func:`shorten`); None for no value."""
    if value is None:
        return None
    text = str(value)
    if isinstance(value, Decimal) and len(text) <= VALUE_SHOWN:
        text = fmt(value)
    return shorten(text)


def chinese_problem(problem: Problem, labels: Mapping[str, str]) -> tuple[str, str]:
    """A problem's place and reason in Chinese: the field by its label in ``labels`` (the
    field id when it has none; 整行 for the whole row) and the reason by :func:`chinese`."""
    field = problem.field
    return WHOLE_ROW.get(field) or labels.get(field, field), chinese(problem.message)


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _rule(pattern: str, render: Callable[[re.Match[str]], str]) -> _Rule:
    return re.compile(pattern, re.S), render


_RULES: tuple[_Rule, ...] = (
    _rule(
        r"expected a whole number of occurrences \(0 or more\), got (.*)",
        lambda m: f"应填0或正整数（次数），实际为 {m[1]}",
    ),
    _rule(
        r"expected a whole number of occurrences, got (.*)",
        lambda m: f"次数应为整数，实际为 {m[1]}",
    ),
    _rule(r"a count cannot be negative, got (.*)", lambda m: f"次数不能为负数，实际为 {m[1]}"),
    _rule(r"expected a number, got the boolean (.*)", lambda m: f"应填数字，实际为是/否值 {m[1]}"),
    _rule(r"expected a number \(0 or more\), got (.*)", lambda m: f"应填0或正数，实际为 {m[1]}"),
    _rule(r"an amount cannot be negative, got (.*)", lambda m: f"数量不能为负数，实际为 {m[1]}"),
    _rule(
        r"expected a percentage from 0 to 100, got the boolean (.*)",
        lambda m: f"应填0到100之间的百分比，实际为是/否值 {m[1]}",
    ),
    _rule(
        r"expected a percentage from 0 to 100, got (.*)",
        lambda m: f"应填0到100之间的百分比，实际为 {m[1]}",
    ),
    _rule(
        r"a percentage must be from 0 to 100, got (.*)",
        lambda m: f"百分比应在0到100之间，实际为 {m[1]}",
    ),
    _rule(r"expected true or false, got (.*)", lambda m: f"应填“是”或“否”，实际为 {m[1]}"),
    _rule(
        r"expected names \(text\), got the element (.*)",
        lambda m: f"应填名称（文字），其中 {m[1]} 不是文字",
    ),
    _rule(r"expected a list of names, got \S+ (.*)", lambda m: f"应填名称，实际为 {m[1]}"),
    _rule(
        r"unknown name\(s\) (.*); expected some of: (.*)",
        lambda m: f"没有名称 {m[1]}，可填：{m[2]}",
    ),
    _rule(
        r"points must be from 0 to (\S+), got (.*)",
        lambda m: f"分数应在0到{m[1]}之间，实际为 {m[2]}",
    ),
    _rule(
        r"unknown field \(this rubric reads (\d+) fields\); did you mean '(.*)'\?",
        lambda m: f"细则中没有这一项（共{m[1]}项），是否应为“{m[2]}”？",
    ),
    _rule(
        r"unknown field \(this rubric reads (\d+) fields\)",
        lambda m: f"细则中没有这一项（共{m[1]}项）",
    ),
    _rule(r"missing required \S+ field \((.*)\)", lambda m: f"必填项“{m[1]}”未填"),
    _rule(r"missing required \S+ field", lambda m: "必填项未填"),
    _rule(r"not valid JSON: (.*)", lambda m: f"不是有效的JSON：{m[1]}"),
    _rule(
        r"the row has (\d+) cells but the header names (\d+) columns",
        lambda m: f"本行有{m[1]}个单元格，表头只有{m[2]}列",
    ),
    _rule(
        r"column (\d+) holds (.*) but has no name in the header",
        lambda m: f"第{m[1]}列填了 {m[2]}，但表头没有列名",
    ),
    _rule(
        r"expected a JSON object of column names to values, got (.*)",
        lambda m: f"应为一个JSON对象（列名到值），实际为 {m[1]}",
    ),
    _rule(r"the key (.*) appears twice in the row", lambda m: f"本行的键 {m[1]} 出现了两次"),
    _rule(r"the row is nested too deeply to be read", lambda m: "本行嵌套层数过多，无法读取"),
    _rule(
        r"the cell (\S+) holds the formula (.*) with no saved value.*",
        lambda m: (
            f"单元格{m[1]}是公式 {m[2]}，但文件中没有保存计算结果；请在Excel中打开并保存后再导入"
        ),
    ),
    _rule(
        r"this row could not be scored: a value is too large or too deeply nested.*",
        lambda m: "本行无法计分：数值过大或嵌套过深，请检查本行的数字",
    ),
    _rule(
        r"the sheet could not be made: a value is too large or too deeply nested.*",
        lambda m: "评分表无法生成：数值过大或嵌套过深，请检查本行的数字",
    ),
    _rule(r"the sheet could not be made: (.*)", lambda m: f"评分表无法生成：{m[1]}"),
    _rule(r"this row could not be scored: (.*)", lambda m: f"本行无法计分：{m[1]}"),
)


def chinese(message: str) -> str:
    """``message`` (a problem's English reason) in Chinese."""
    for pattern, render in _RULES:
        found = pattern.fullmatch(message)
        if found is not None:
            return render(found)
    return f"无法计分：{message}"
