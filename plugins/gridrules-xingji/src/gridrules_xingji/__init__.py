"""gridrules rubric plugin: 社区网格员星级评定考评细则 (xingji)."""

from pathlib import Path

from gridrules.hookspecs import hookimpl
from gridrules.plugins import rubric_file

SOURCE = rubric_file(__package__, "source.txt")
"""The source excerpt the rubric quotes."""


@hookimpl
def gridrules_rubrics() -> list[Path]:
    return [rubric_file(__package__, "rubric.toml")]
