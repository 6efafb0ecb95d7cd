"""gridrules rubric plugin: 社区网格长网格管理员考核办法 (wanggezhang).

One source, two roles, two rubrics: ``wanggezhang-leader`` (网格长) and ``wanggezhang-member``
(网格管理员). They differ in who casts the A/B/C ballots, in the ballot weights and in the daily
event-report quota; both declare every blank of the document, so that one parameters file filled
by a region serves both.
"""

from pathlib import Path

from gridrules.hookspecs import hookimpl
from gridrules.plugins import rubric_file

SOURCE = rubric_file(__package__, "source.txt")
"""The source excerpt the rubrics quote."""

RUBRICS = ("wanggezhang-leader", "wanggezhang-member")
"""The rubric names this plugin registers, one per role."""


@hookimpl
def gridrules_rubrics() -> list[Path]:
    return [
        rubric_file(__package__, "rubric-leader.toml"),
        rubric_file(__package__, "rubric-member.toml"),
    ]
