"""Rubrics and score sheets to and from plain data, JSON and TOML (the face of
:mod:`gridrules.io.datafiles` and :mod:`gridrules.sheet.convert`).

One cattrs converter does all of it. Rule kinds are a tagged union (``kind = "PerOccurrence"``),
nodes are tagged ``node = "item"`` or ``node = "section"``, and Decimals are written as strings so
that nothing passes through a float. Loading a file only parses data: nothing in it is executed.

>>> import gridrules
>>> rubric = gridrules.Rubric(
...     name="demo", title="示例", maximum=10,
...     children=[gridrules.Item("meetings", "会议情况", 10, clause="缺勤一次扣1分",
...               rules=[gridrules.PerOccurrence("missed_meetings", 1)])],
... )
>>> structure_rubric(unstructure_rubric(rubric)) == rubric
True

:func:`rubric_schema` is the JSON Schema of a rubric file, for editors to check and complete one:

>>> schema = rubric_schema()
>>> schema["properties"]["children"]["items"]
{'$ref': '#/$defs/Node'}
>>> [rule["$ref"] for rule in schema["$defs"]["Rule"]["oneOf"]][:3]
['#/$defs/PerOccurrence', '#/$defs/Quota', '#/$defs/RateShortfall']
"""

from .io.datafiles import (
    dump_rubric,
    dump_sheet,
    load_evidence,
    load_params,
    load_rubric,
    loads_rubric,
    structure_rubric,
    structure_sheet,
    unstructure_rubric,
    unstructure_sheet,
)
from .sheet.convert import converter
from .sheet.rubric_schema import rubric_schema

__all__ = [
    "converter",
    "dump_rubric",
    "dump_sheet",
    "load_evidence",
    "load_params",
    "load_rubric",
    "loads_rubric",
    "rubric_schema",
    "structure_rubric",
    "structure_sheet",
    "unstructure_rubric",
    "unstructure_sheet",
]
