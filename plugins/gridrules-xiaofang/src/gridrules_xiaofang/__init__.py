"""gridrules rubric plugin: 社区(村)网格员考核评分细则(100分) (xiaofang).

Fire-safety inspection by 社区(村)网格员 through the 网格E通 app. Besides the rubric, the package
has a small helper for the per-旬 rule: :func:`xun_scope` lists the 旬 an assessment period holds
from the town's start date (三角 1 January, other towns 5 March), and :func:`count_missed_xun`
counts those whose inspection task was not completed, the value of the ``missed_xun`` field.
"""

from pathlib import Path

from gridrules.hookspecs import hookimpl
from gridrules.plugins import rubric_file

from .xun import (
    OTHER_TOWNS_START,
    SANJIAO_START,
    count_missed_xun,
    start_date,
    start_for_town,
    xun_scope,
)

__all__ = [
    "OTHER_TOWNS_START",
    "SANJIAO_START",
    "SOURCE",
    "count_missed_xun",
    "gridrules_rubrics",
    "start_date",
    "start_for_town",
    "xun_scope",
]

SOURCE = rubric_file(__package__, "source.txt")
"""The source excerpt the rubric quotes."""


@hookimpl
def gridrules_rubrics() -> list[Path]:
    return [rubric_file(__package__, "rubric.toml")]
