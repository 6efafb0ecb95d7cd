"""Small builders shared by the unit tests."""

from __future__ import annotations

import csv
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import holidays
import pytest
from click.testing import CliRunner, Result

import gridrules as gr
from gridrules import cli, plugins
from gridrules.calendars import HolidaysCalendar
from gridrules.hookspecs import hookimpl


def one_item(
    rules: Sequence[gr.Rule], maximum: Any = 10, clause: str = "条款", **rubric: Any
) -> gr.Rubric:
    """A rubric of one item holding ``rules``."""
    item = gr.Item("item", "项目", maximum, list(rules), clause=clause)
    return gr.Rubric(name="unit", title="单元", maximum=maximum, children=[item], **rubric)


def daily_rubric() -> gr.Rubric:
    """每天2条: a quota per working day, 0.1 off for each one short, out of 10."""
    return gr.Rubric(
        name="daily",
        title="每日上报",
        maximum=10,
        children=[
            gr.Item(
                "events",
                "事件上报",
                10,
                clause="每天2条",
                rules=[gr.Quota("events_reported", target=gr.PerWorkingDay(2), points="0.1")],
            )
        ],
    )


def score(rules: Sequence[gr.Rule], evidence: dict[str, Any], maximum: Any = 10, **kw: Any):
    """Score ``evidence`` with a one-item rubric; returns the sheet."""
    return one_item(rules, maximum, **kw).score(evidence)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example_evidence() -> list[Path]:
    """The example evidence files under examples/: not parameters, not working-day calendars,
    not the draft rubric of a comparison."""
    return sorted(
        p
        for p in EXAMPLES.glob("*/*")
        if p.suffix in (".toml", ".json")
        and p.name != "params.toml"
        and p.parent.name not in ("calendars", "compare")
    )


def run(*args: object, **kw: Any) -> Result:
    """``gridrules ARGS...`` through click's CliRunner (each argument as text)."""
    return CliRunner().invoke(cli.main, [str(a) for a in args], **kw)


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    """The rows of a CSV file as dicts by header."""
    with path.open(encoding=encoding, newline="") as stream:
        return list(csv.DictReader(stream))


# -- working-day calendars --------------------------------------------------------------------

LAST_KNOWN = max(HolidaysCalendar("CN").known_years)
"""The last year whose arrangement the installed ``holidays`` knows."""
END_YEAR = int(holidays.country_holidays("CN").end_year)
"""The last year ``holidays`` computes at all: provisional years run to it."""
needs_2027_unknown = pytest.mark.skipif(
    LAST_KNOWN != 2026, reason="the installed holidays knows the arrangement for 2027"
)
"""For the hand-worked cases of 2027: they hold while the package has no arrangement for it."""


# -- fake installed plugins -------------------------------------------------------------------


class EntryPoint:
    """An entry point of group ``gridrules``: ``module`` is a module's name (imported when
    loaded) or the module itself."""

    group = "gridrules"

    def __init__(self, name: str, module: str | types.ModuleType) -> None:
        self.name = name
        self.module = module if isinstance(module, types.ModuleType) else None
        self.value = module.__name__ if isinstance(module, types.ModuleType) else module

    def load(self) -> Any:
        if self.module is not None:
            return self.module
        __import__(self.value)
        return sys.modules[self.value]


class Dist:
    """An installed distribution named ``name`` (version 1.0) with ``entry_points``."""

    def __init__(self, name: str, *entry_points: EntryPoint) -> None:
        self.metadata = {"Name": name}
        self.entry_points = entry_points
        self.version = "1.0"


def plugin_rubric(name: str) -> gr.Rubric:
    """The smallest rubric a fake plugin provides: one item of 10, 1 off an occurrence."""
    return gr.Rubric(
        name=name,
        title=f"{name} 细则",
        maximum=10,
        children=[gr.Item("i", "项目", 10, [gr.PerOccurrence("n", 1)], clause="c")],
    )


def calendar_plugin(distribution: str, *files: Path) -> plugins.Registry:
    """A registry holding one installed plugin that provides local calendar ``files`` only."""
    module = types.ModuleType(distribution.replace("-", "_"))

    @hookimpl
    def gridrules_calendars() -> list[Path]:
        return list(files)

    module.gridrules_calendars = gridrules_calendars  # type: ignore[attr-defined]
    entry_point = EntryPoint(distribution.removeprefix("gridrules-"), module)
    return plugins.Registry([Dist(distribution, entry_point)])
