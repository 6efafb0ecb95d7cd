"""Write each bundled scheme's example workbook: a street office's month, as offices keep it.

    python examples/make_workbooks.py

Each workbook has a merged title row over a header of Chinese field labels (as ``gridrules
template`` writes them), a 社区 column, 36 grid workers across three communities, and, for a
rubric with parameters, the 参数 sheet filled in from the example's params.toml. The figures are
drawn from a fixed seed, so the files come out the same each time; `tests/test_street.py` scores
them all.
"""

from __future__ import annotations

import json
import random
import tomllib
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font

import gridrules as gr

HERE = Path(__file__).resolve().parent

# slug, rubric, file name, period, street office, communities, assessor, params file
SCHEMES = [
    ("jiangcheng", "jiangcheng", "2026-10.xlsx", "2026-10", "江城街道",
     ("东门社区", "西关社区", "南湖社区"), "街道网格办", "params.toml"),
    ("liujiaoting", "liujiaoting", "2026-H1.xlsx", "2026-H1", "六角亭街道",
     ("龙井社区", "民族路社区", "新街社区"), "六角亭街道考核组", None),
    ("xingji", "xingji", "2026-11.xlsx", "2026-11", "幸福街道",
     ("幸福里社区", "光明社区", "和平社区"), "社区网格工作站", None),
    ("xiaofang", "xiaofang", "2026-Q3.xlsx", "2026-Q3", "沙溪镇",
     ("沙溪村", "渡头社区", "新村社区"), "镇消防安全委员会办公室", None),
    ("wanggezhang", "wanggezhang-member", "2026-Q3-member.xlsx", "2026-Q3", "城关街道",
     ("城南社区", "城北社区", "城西社区"), "街道考评组", "params.toml"),
]  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
)
GIVEN = "芳伟娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉斌宇浩凯建国海燕"


def value(field: gr.Field, rng: random.Random, weak: bool) -> Any:
    """A plausible cell for ``field``: mostly what a diligent worker gets, some shortfalls; a
    ``weak`` worker falls short more often and further."""
    kind = field.kind
    if weak and kind is gr.FieldKind.COUNT and field.default is not None:
        return rng.choices([0, 1, 2, 4, 6], weights=[30, 25, 20, 15, 10])[0]
    if weak and kind is gr.FieldKind.POINTS:
        top = int(field.maximum or 100)
        return top * rng.randint(45, 75) // 100
    if kind is gr.FieldKind.COUNT:
        if field.default is None:  # a quantity to reach (办件数, 事件条数)
            return (
                rng.choice([6, 8, 10, 12, 14, 130, 132, 140])
                if "事件" in field.description
                else rng.randint(5, 15)
            )
        return rng.choices([0, 1, 2, 3], weights=[70, 18, 8, 4])[0]
    if kind is gr.FieldKind.PERCENTAGE:
        return (
            rng.choice([100, 98, 95, 92, 90, 88, 85, 80, 75, 60]) if field.default is None else None
        )
    if kind is gr.FieldKind.FLAG:
        return rng.choices(["否", "是"], weights=[92, 8])[0]
    if kind is gr.FieldKind.POINTS:
        top = int(field.maximum or 100)
        return max(0, top - rng.choices(range(0, max(2, top // 5)), k=1)[0])
    if kind is gr.FieldKind.LEVEL:
        return rng.choices(
            [None, *field.choices], weights=[80, *[20 / len(field.choices)] * len(field.choices)]
        )[0]
    if kind is gr.FieldKind.BALLOTS:
        maxima = [int(m) for m in field.criteria]
        ballots = {
            kind: [
                [max(0, m - rng.randint(0, 5)) for m in maxima] for _ in range(rng.randint(1, 3))
            ]
            for kind in field.choices
        }
        return json.dumps(ballots)
    return None


def main() -> None:
    rng = random.Random(20261031)
    for slug, name, file_name, period, street, communities, assessor, params_file in SCHEMES:
        params = None
        if params_file is not None:
            params = tomllib.loads((HERE / slug / params_file).read_text(encoding="utf-8"))
        rubric = gr.load(name, params)
        labels = {fid: label for label, fid in rubric.field_labels.items()}
        fields = list(rubric.fields.values())
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "考核数据"
        header = [
            "社区",
            "被考核人员",
            "考核人",
            "考核时间",
            *(labels.get(f.id, f.id) for f in fields),
        ]
        sheet.append([f"{street}{period}网格员考核情况统计表"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        used: set[str] = set()
        for number in range(36):
            community = communities[number % 3]
            while True:
                person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
                if person not in used:
                    used.add(person)
                    break
            grid = number // 3 + 1
            row = [community, f"{person}（第{grid}网格）", assessor, period]
            weak = rng.random() < 0.2
            row += [value(field, rng, weak) for field in fields]
            sheet.append(row)
        sheet.freeze_panes = "C3"
        for column in sheet.columns:
            letter = column[1].column_letter
            sheet.column_dimensions[letter].width = 16
        if rubric.parameters and params:
            sheet_p = book.create_sheet("参数")
            sheet_p.append(["参数", "说明", "默认值", "取值", "条款原文"])
            for p in rubric.parameters:
                given = params.get(p.name)
                sheet_p.append(
                    [p.name, p.description, None if p.default is None else float(p.default),
                     None if given is None else float(given), f"「{p.clause}」"]
                )  # fmt: skip
        target = HERE / slug / file_name
        book.save(target)
        print(f"{target.relative_to(HERE.parent)}: 36 workers, {len(fields)} fields")


if __name__ == "__main__":
    main()
