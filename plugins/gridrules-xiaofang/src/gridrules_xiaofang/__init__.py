"""gridrules rubric plugin: 社区(村)网格员考核评分细则(100分) (xiaofang).

Fire-safety inspection by 社区(村)网格员 through the 网格E通 app. Besides the rubric, the package
has a small helper for the per-旬 rule: :func:`xun_scope` lists the 旬 an assessment period holds
from the town's start date (三角 1 January, other towns 5 March), and :func:`count_missed_xun`
counts those whose inspection task was not completed, the value of the ``missed_xun`` field.

The rubric (``rubric.toml``) and its source text (``source.txt``) beside this file are found by
convention.
"""

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
    "count_missed_xun",
    "start_date",
    "start_for_town",
    "xun_scope",
]
