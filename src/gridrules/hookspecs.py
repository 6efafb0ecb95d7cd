"""The hooks a rubric plugin implements.

A plugin is a module registered under the entry-point group ``gridrules``, the entry-point name
being its rubric's slug. It implements :func:`gridrules_rubrics` with the ``hookimpl`` marker::

    from gridrules.hookspecs import hookimpl
    from gridrules.plugins import rubric_file

    @hookimpl
    def gridrules_rubrics():
        return [rubric_file(__package__, "rubric.toml")]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .engine.rubric import Rubric

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "gridrules"
"""The pluggy project name, also the entry-point group."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def gridrules_rubrics() -> Sequence[Rubric | Path]:  # type: ignore[empty-body]
    """Return the rubrics this plugin provides.

    Each entry is a :class:`~gridrules.Rubric` built in Python, or the path of a rubric data file
    (TOML or JSON), which is read as data and never executed. A rubric's name must be the plugin's
    entry-point name, or that name followed by ``-`` and a variant (``wanggezhang-leader``).
    """


@hookspec
def gridrules_calendars() -> Sequence[Path]:  # type: ignore[empty-body]
    """Return local working-day calendar files (TOML) this plugin provides."""
