"""gridrules rubric plugin: 曾都区社区网格管理员考核细则表格, an excerpt (demo)."""

from pathlib import Path

from gridrules.hookspecs import hookimpl
from gridrules.plugins import rubric_file

SOURCE = rubric_file(__package__, "source.txt")
"""The source excerpt the rubric quotes."""


@hookimpl
def gridrules_rubrics() -> list[Path]:
    return [rubric_file(__package__, "rubric.toml")]
