"""A blank input workbook for a rubric: what a street office fills in each month.

``gridrules template NAME -o 模板.xlsx`` writes three sheets:

- 填报 (the data): 被考核人员, 考核人, 考核时间, any extra columns asked for (社区), then one
  column per evidence field headed by its Chinese label, the field's id and what it takes in a
  note on the header cell; each column checks what is typed (whole numbers 0 or more for counts,
  0 to 100 for rates, 是/否 for flags, the names for a level, 0 to the maximum for points);
- 参数 (the parameters): each parameter the rubric leaves to the region, its default, and a cell
  for its value; :func:`read_parameters` reads them back when the workbook is scored;
- 填表说明 (instructions): each column, what to enter, its default, and the clause it serves,
  quoted from the source.

A workbook filled in from the template scores as it is: ``gridrules batch NAME 模板.xlsx -o
评分.xlsx`` (with ``--keep`` or ``--group-by`` for the extra columns).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engine.rubric import Rubric
from ..errors import DataFileError
from ..model.fields import Field, FieldKind
from ..model.numbers import fmt
from .files import AtomicFile, check_input, write_error
from .headers import FIXED_HEADERS
from .tables import optional_module
from .xlsx import column_width

__all__ = [
    "PARAMETER_SHEET",
    "TEMPLATE_ROWS",
    "field_clauses",
    "field_default",
    "field_requirement",
    "read_parameters",
    "write_template",
]

TEMPLATE_ROWS = 2000
"""The rows below the header that check what is typed."""

DATA_SHEET = "填报"
PARAMETER_SHEET = "参数"
INSTRUCTION_SHEET = "填表说明"

_KIND_WORDS = {
    FieldKind.COUNT: "次数：0或正整数",
    FieldKind.AMOUNT: "数量：0或正数",
    FieldKind.PERCENTAGE: "百分比：0到100（85表示85%，也可填85%）",
    FieldKind.FLAG: "是/否",
    FieldKind.LEVEL: "从下列名称中选填",
    FieldKind.POINTS: "分数",
    FieldKind.ELEMENTS: "名称，多个用顿号（、）隔开",
    FieldKind.BALLOTS: '评议票（JSON）：如 {"A": [[9, 8, 9, 8]], "B": [], "C": []}',
    FieldKind.COUNTS: "每个时段的次数（JSON）：如 [1, 0, 2]",
}


def field_clauses(rubric: Rubric) -> dict[str, list[tuple[str, str]]]:
    """For each field, the items (label) and clauses that read it, in the rubric's order."""
    found: dict[str, list[tuple[str, str]]] = {fid: [] for fid in rubric.fields}
    for item in rubric.items():
        for rule in item.rules:
            clause = rule.clause or item.clause
            for field in rule.fields():
                entry = (item.label, clause)
                if field.id in found and entry not in found[field.id]:
                    found[field.id].append(entry)
    for veto in rubric.vetoes:
        for fid in veto.when.reads:
            if fid in found:
                found[fid].append((veto.label or veto.id, veto.clause))
    return found


def field_requirement(field: Field) -> str:
    """What a field takes, in Chinese (次数：0或正整数), as the template's notes say it."""
    words = _KIND_WORDS[field.kind]
    if field.kind is FieldKind.POINTS:
        top = field.maximum if field.maximum is not None else Decimal(100)
        words = f"分数：0到{fmt(top)}"
    if field.choices and field.kind is not FieldKind.BALLOTS:
        words += "：" + "、".join(field.choices)
    return words


def field_default(field: Field) -> str:
    """A field's default in Chinese (不填按0), or 必填 when it has none."""
    if field.default is None:
        return "必填"
    if isinstance(field.default, bool):
        return "不填按“是”" if field.default else "不填按“否”"
    if isinstance(field.default, Decimal | int):
        return f"不填按{fmt(Decimal(field.default))}"
    if isinstance(field.default, tuple | list | frozenset) and not field.default:
        return "不填按无"
    return f"不填按{field.default}"


def _validation(field: Field) -> dict[str, Any] | None:
    kind = field.kind
    title = "填写有误"
    if kind is FieldKind.COUNT:
        rule = {"validate": "integer", "criteria": ">=", "value": 0}
        message = "请填0或正整数（次数）"
    elif kind is FieldKind.AMOUNT:
        rule = {"validate": "decimal", "criteria": ">=", "value": 0}
        message = "请填0或正数"
    elif kind is FieldKind.PERCENTAGE:
        rule = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100}
        message = "请填0到100之间的百分比"
    elif kind is FieldKind.POINTS:
        top = field.maximum if field.maximum is not None else Decimal(100)
        rule = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": float(top)}
        message = f"请填0到{fmt(top)}之间的分数"
    elif kind is FieldKind.FLAG:
        rule = {"validate": "list", "source": ["是", "否"]}
        message = "请选“是”或“否”"
    elif kind is FieldKind.LEVEL and field.choices and len(",".join(field.choices)) < 250:
        rule = {"validate": "list", "source": list(field.choices)}
        message = "请从列表中选择"
    else:
        return None
    return {
        **rule,
        "error_title": title,
        "error_message": message,
        "input_title": field.description[:32] or field.id[:32],
        "input_message": message,
    }


def _fields(rubric: Rubric) -> Iterator[tuple[str, Field]]:
    labels = {fid: label for label, fid in rubric.field_labels.items()}
    for fid, field in rubric.fields.items():
        yield labels.get(fid, fid), field


def write_template(
    rubric: Rubric, path: Path, *, extra_columns: Sequence[str] = (), rows: int = TEMPLATE_ROWS
) -> None:
    """Write the blank workbook for ``rubric`` to ``path`` (see the module's text).

    :raises RubricError: two fields share a label (a column could not be read back).
    :raises DataFileError: the file cannot be written, or XlsxWriter is missing.
    """
    xlsxwriter = optional_module("xlsxwriter", "xlsx", "writing a workbook template")
    fields = list(_fields(rubric))
    clauses = field_clauses(rubric)
    with AtomicFile(path) as atomic:
        book = xlsxwriter.Workbook(str(atomic.name), {"strings_to_formulas": False})
        head = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        bold = book.add_format({"bold": True})
        data = book.add_worksheet(DATA_SHEET)
        roles = [FIXED_HEADERS["assessee"], FIXED_HEADERS["assessor"], FIXED_HEADERS["period"]]
        columns = [*roles, *extra_columns, *(label for label, _ in fields)]
        data.write_row(0, 0, columns, head)
        data.freeze_panes(1, 1)
        data.set_row(0, 32)
        role_notes = {
            FIXED_HEADERS["assessee"]: "被考核人员的姓名（可加网格），每人一行",
            FIXED_HEADERS["assessor"]: "考核人，可不填",
            FIXED_HEADERS["period"]: "考核时间，如 2026-10（按工作日计的细则必填）",
        }
        for col, name in enumerate(columns):
            width = max(10.0, min(30.0, column_width(name)))
            data.set_column(col, col, width)
            note = role_notes.get(
                name, f"{name}：不是细则中的字段，计分时用 --keep 或 --group-by 保留"
            )
            data.write_comment(0, col, note, {"x_scale": 2, "y_scale": 1.5})
        first = len(roles) + len(extra_columns)
        for offset, (_, field) in enumerate(fields):
            col = first + offset
            note = f"字段 {field.id}\n{field_requirement(field)}；{field_default(field)}"
            data.write_comment(0, col, note, {"x_scale": 3, "y_scale": 2})
            check = _validation(field)
            if check is not None:
                data.data_validation(1, col, rows, col, check)
        data.autofilter(0, 0, 0, len(columns) - 1)

        params = book.add_worksheet(PARAMETER_SHEET)
        params.write_row(0, 0, ["参数", "说明", "默认值", "取值", "条款原文"], head)
        params.set_column(0, 0, 28)
        params.set_column(1, 1, 40, wrap)
        params.set_column(2, 3, 10)
        params.set_column(4, 4, 60, wrap)
        for number, p in enumerate(rubric.parameters, 1):
            params.write_string(number, 0, p.name)
            params.write_string(number, 1, p.description)
            if p.default is not None:
                params.write_number(number, 2, float(p.default))
            if p.value is not None:
                params.write_number(number, 3, float(p.value))
            params.write_string(number, 4, f"「{p.clause}」")
            params.data_validation(
                number, 3, number, 3, {"validate": "decimal", "criteria": ">=", "value": 0}
            )
        if not rubric.parameters:
            params.write_string(1, 0, "（本细则没有需要设定的参数）")
        params.freeze_panes(1, 0)

        guide = book.add_worksheet(INSTRUCTION_SHEET)
        lines = [
            f"{rubric.title}（{rubric.name} {rubric.version}）填表说明",
            f"在“{DATA_SHEET}”表中每位被考核人员填一行；空着的格子按默认值计，必填项不能空。",
            "列名不要改动（列名下的批注写有字段编号和填写要求）；可以删去不用的可选列。",
            f"细则留给各地设定的分值填在“{PARAMETER_SHEET}”表的“取值”列。",
            f"填好后计分：gridrules batch {rubric.name} 本文件.xlsx -o 评分.xlsx",
        ]
        if extra_columns:
            keep = " ".join(f"--group-by {c}" for c in extra_columns)
            lines[-1] += f" {keep}"
        for number, line in enumerate(lines):
            guide.write_string(number, 0, line, bold if number == 0 else None)
        top = len(lines) + 1
        guide.write_row(top, 0, ["列名", "字段", "填写要求", "默认", "考核项目", "条款原文"], head)
        guide.set_column(0, 0, 22, wrap)
        guide.set_column(1, 1, 26)
        guide.set_column(2, 2, 30, wrap)
        guide.set_column(3, 3, 12, wrap)
        guide.set_column(4, 4, 16, wrap)
        guide.set_column(5, 5, 70, wrap)
        row = top + 1
        for label, field in fields:
            quoted = clauses.get(field.id) or [("", "")]
            guide.write_string(row, 0, label, wrap)
            guide.write_string(row, 1, field.id)
            guide.write_string(row, 2, field_requirement(field), wrap)
            guide.write_string(row, 3, field_default(field), wrap)
            guide.write_string(row, 4, "、".join(dict.fromkeys(i for i, _ in quoted if i)), wrap)
            guide.write_string(row, 5, "\n".join(f"「{c}」" for _, c in quoted if c) or "", wrap)
            row += 1
        try:
            book.close()
        except OSError as error:
            raise write_error(path, error) from None
        atomic.commit()


def read_parameters(path: Path) -> dict[str, Any] | None:
    """The parameter values filled in on a workbook's 参数 sheet; None if it has no such sheet.

    Rows whose 取值 is empty are left out (the parameter's default applies, or it is missing).

    :raises DataFileError: the workbook cannot be read, or a value is not a number.
    """
    check_input(path)
    openpyxl = optional_module("openpyxl", "xlsx", "reading .xlsx files")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise DataFileError(f"{path}: not a readable .xlsx workbook: {error}") from None
    try:
        if PARAMETER_SHEET not in book.sheetnames:
            return None
        rows = book[PARAMETER_SHEET].iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        if "参数" not in header or "取值" not in header:
            return None
        at_name, at_value = header.index("参数"), header.index("取值")
        values: dict[str, Any] = {}
        for number, row in enumerate(rows, 2):
            if len(row) <= max(at_name, at_value):
                continue
            name, value = row[at_name], row[at_value]
            if name is None or value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise DataFileError(
                    f"{path}, sheet {PARAMETER_SHEET!r}, row {number}: the value of {name!r} "
                    f"must be a number, got {value!r}"
                )
            values[str(name).strip()] = value.strip() if isinstance(value, str) else value
        return values
    finally:
        book.close()
