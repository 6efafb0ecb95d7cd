"""Column names as offices write them: field labels in Chinese, field ids, or an office's own.

A street office's workbook names its columns in Chinese (缺签到, 会议缺勤), by the label the
rubric gives each evidence field; a program's export names them by the field's id
(``missed_signins``). Both are read, and a mapping file maps any other name an office uses onto a
field id (or onto ``assessee``, ``assessor``, ``period``)::

    # 列名.toml: the office's column on the left, the rubric's field (id or label) on the right
    "姓名（网格）" = "assessee"
    "签到缺勤" = "missed_signins"
    "会议缺席次数" = "会议缺勤"

A column that is none of these fails the whole table once, naming the column and the closest
field, instead of rejecting every row for the same reason.

Output headers are Chinese (``zh``: 被考核人员, 总分, 等级, 星级, each item's label) for people,
or ids (``id``) for programs.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..engine.rubric import Rubric
from ..errors import DataFileError, RubricError
from .datafiles import loads_document
from .files import MAPPING_LIMIT, open_input

__all__ = [
    "ERROR_HEADERS",
    "FIXED_HEADERS",
    "HEADER_STYLES",
    "RESULT_HEADERS",
    "ROLES",
    "ROLE_NAMES",
    "closest_field",
    "item_headers",
    "labels_of",
    "read_header_map",
    "resolve_header",
    "rubrics_of",
]

HEADER_STYLES = ("zh", "id")
"""How output columns are named: ``zh`` (Chinese, for people) or ``id`` (for programs)."""

ROLES = ("assessee", "assessor", "period")
"""The columns that are not evidence: who is assessed, who assesses, the period."""

ROLE_NAMES = {
    "assessee": ("assessee", "id", "被考核人员", "姓名", "被考核人", "被考核单位", "被考核社区"),
    "assessor": ("assessor", "考核人"),
    "period": ("period", "考核时间"),
}
"""The column names taken, in this order, for each role unless a column is named for it."""

FIXED_HEADERS = {
    "row": "行号",
    "assessee": "被考核人员",
    "assessor": "考核人",
    "period": "考核时间",
}
RESULT_HEADERS = {
    "total": "总分",
    "base": "基本分",
    "bonus": "加分",
    "penalty": "倒扣",
    "grade": "等级",
    "stars": "星级",
    "flags": "标记",
}
ERROR_HEADERS = {
    "file": "文件",
    "row": "行号",
    "assessee": "被考核人员",
    "field": "字段",
    "value": "值",
    "reason": "原因",
}


def rubrics_of(rubric: Rubric | Sequence[Rubric]) -> tuple[Rubric, ...]:
    """One rubric, or several read from one table (``gridrules compare``), as a tuple."""
    return (rubric,) if isinstance(rubric, Rubric) else tuple(rubric)


def labels_of(rubric: Rubric | Sequence[Rubric]) -> dict[str, str]:
    """The field labels of one rubric (:attr:`Rubric.field_labels
    <gridrules.Rubric.field_labels>`), or of several read from one table: a column named by a
    label of any of them is read as that field.

    :raises RubricError: a label is a field of one rubric and another field (or another field's
        id) of a second, so that a column named by it could not be read for both.
    """
    rubrics = rubrics_of(rubric)
    labels: dict[str, str] = {}
    owners: dict[str, Rubric] = {}
    for one in rubrics:
        for label, fid in one.field_labels.items():
            known = labels.get(label)
            if known is not None and known != fid:
                raise RubricError(
                    f"the label {label!r} is the field {known!r} of rubric "
                    f"{owners[label].name!r} and the field {fid!r} of rubric {one.name!r}; a "
                    "column named by it cannot be read for both: give the two fields one id, "
                    "or one of them another label"
                )
            labels[label], owners[label] = fid, one
    for label, fid in labels.items():
        for one in rubrics:
            if label in one.fields and label != fid:
                raise RubricError(
                    f"the label {label!r} of field {fid!r} (rubric {owners[label].name!r}) is "
                    f"the id of another field of rubric {one.name!r}"
                )
    return labels


def item_headers(rubric: Rubric, style: str) -> list[str]:
    """The output's item columns: ids, or labels (a label two items share gets its id added)."""
    items = list(rubric.items())
    if style == "id":
        return [item.id for item in items]
    counts: dict[str, int] = {}
    for item in items:
        counts[item.label] = counts.get(item.label, 0) + 1
    return [
        item.label if counts[item.label] == 1 else f"{item.label}（{item.id}）" for item in items
    ]


def read_header_map(path: Path) -> dict[str, str]:
    """A mapping file: TOML or JSON (one table of column name to target) or a two-column CSV.

    :raises DataFileError: the file cannot be read, or is not such a table of texts.
    """
    with open_input(path, "column mapping file", MAPPING_LIMIT) as stream:
        data = stream.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise DataFileError(
                f"{path}: the column mapping file is neither UTF-8 nor GBK text ({error.reason})"
            ) from None
    kind = path.suffix.lower()
    found: object
    try:
        if kind in (".toml", ".json"):
            # read as every data file is: no key twice, bounded nesting, never a crash
            found = loads_document(text, kind[1:], f"{path}: the column mapping file")
        elif kind == ".csv":
            pairs: dict[str, str] = {}
            for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
                cells = [c.strip() for c in row]
                if not any(cells):
                    continue
                if len(cells) < 2 or not cells[0] or not cells[1]:
                    raise DataFileError(
                        f"{path}, line {number}: expected two cells, the column name and the "
                        f"field it holds; got {row!r}"
                    )
                if cells[0] in pairs:
                    raise DataFileError(f"{path}, line {number}: column {cells[0]!r} mapped twice")
                pairs[cells[0]] = cells[1]
            found = pairs
        else:
            raise DataFileError(
                f"{path}: unknown column mapping file type {path.suffix or '(none)'!r}; "
                "expected .toml, .json or .csv"
            )
    except csv.Error as error:
        raise DataFileError(f"{path}: the column mapping file cannot be read: {error}") from None
    if not isinstance(found, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in found.items()
    ):
        raise DataFileError(
            f"{path}: the column mapping file must map column names to field ids or labels "
            "(text to text)"
        )
    return {k.strip(): v.strip() for k, v in found.items()}


def resolve_header(
    rubric: Rubric | Sequence[Rubric],
    columns: Sequence[str],
    *,
    roles: Mapping[str, str | None],
    keep: Iterable[str] = (),
    mapping: Mapping[str, str] | None = None,
    where: str = "",
) -> tuple[dict[str, str], dict[str, str | None]]:
    """Which field each column holds, and which column plays each role.

    Returns ``(fields, chosen)``: ``fields`` maps a column name to the field id it holds (by id,
    by label, or by ``mapping``); ``chosen`` maps each of :data:`ROLES` to its column or None.
    ``roles`` names a column for a role (or None to take the first of :data:`ROLE_NAMES`
    present, or one the mapping assigns to it). A kept column is copied to the output, and is
    evidence too when it names a field.

    :raises DataFileError: naming, one line each, every column that is neither a field, a role
        nor kept, with the closest field's label and id; or a mapping that names no field.
    """
    rubrics = rubrics_of(rubric)
    fields_by_id = {fid: f for one in rubrics for fid, f in one.fields.items()}
    labels = labels_of(rubrics)
    names = " or ".join(repr(n) for n in dict.fromkeys(one.name for one in rubrics))
    mapping = dict(mapping or {})
    kept = set(keep)

    def target(name: str) -> str | None:
        """The field id or role a name stands for, or None."""
        if name in fields_by_id or name in ROLES:
            return name
        return labels.get(name)

    bad_map = [
        f"  - {column!r} → {to!r}: not a field id or label of {names}, nor one of "
        f"{', '.join(ROLES)}"
        for column, to in mapping.items()
        if target(to) is None
    ]
    if bad_map:
        raise DataFileError(
            f"{where}the column mapping names what the rubric lacks:\n" + "\n".join(bad_map)
        )
    present = [c for c in columns if c]
    chosen: dict[str, str | None] = {}
    for role in ROLES:
        named = roles.get(role)
        if named is None:
            mapped = [c for c in present if c in mapping and target(mapping[c]) == role]
            named = mapped[0] if mapped else None
        if named is None:
            named = next((c for c in ROLE_NAMES[role] if c in present), None)
        chosen[role] = named
    role_columns = {c for c in chosen.values() if c is not None}
    fields: dict[str, str] = {}
    unknown: list[str] = []
    for column in present:
        if column in role_columns:
            continue
        found = target(mapping[column]) if column in mapping else target(column)
        if found is not None and found not in ROLES:
            fields[column] = found
        elif column not in kept:
            unknown.append(column)
    taken: dict[str, str] = {}
    for column, fid in fields.items():
        if fid in taken:
            raise DataFileError(
                f"{where}the columns {taken[fid]!r} and {column!r} both hold the field {fid!r}; "
                "keep one"
            )
        taken[fid] = column
    if unknown:
        lines = [f"  - {column!r}: {_closest(column, fields_by_id, labels)}" for column in unknown]
        noun = "column is" if len(unknown) == 1 else "columns are"
        raise DataFileError(
            f"{where}{len(unknown)} {noun} not a field of rubric {names}:\n"
            + "\n".join(lines)
            + "\nname each column by a field's label or id (gridrules template "
            f"{rubrics[0].name} writes a blank workbook with them), map it with --header-map, "
            "or copy it to the output with --keep"
        )
    return fields, chosen


def closest_field(rubric: Rubric, name: str) -> tuple[str, str] | None:
    """The field whose label (or id) is closest to the column ``name``, as ``(what matched,
    the field's id)``; ``None`` when no field has a similar name (a column of the office's own,
    such as 社区, rather than a misspelt field)."""
    return _closest_match(name, rubric.fields, rubric.field_labels)


def _closest_match(
    name: str, fields: Mapping[str, object], labels: Mapping[str, str]
) -> tuple[str, str] | None:
    by_label = difflib.get_close_matches(name, list(labels), n=1, cutoff=0.4)
    if by_label:
        return by_label[0], labels[by_label[0]]
    by_id = difflib.get_close_matches(name, list(fields), n=1, cutoff=0.6)
    return (by_id[0], by_id[0]) if by_id else None


def _closest(name: str, fields: Mapping[str, object], labels: Mapping[str, str]) -> str:
    match = _closest_match(name, fields, labels)
    if match is None:
        return "no field has a similar name"
    matched, fid = match
    if matched != fid:
        return f"did you mean {matched!r} ({fid})?"
    label = next((lbl for lbl, f in labels.items() if f == fid), "")
    return f"did you mean {fid!r}{f' ({label})' if label else ''}?"
