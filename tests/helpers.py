"""Small builders shared by the unit tests."""

from __future__ import annotations

import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import gridrules as gr
from gridrules import plugins
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


def calendar_plugin(distribution: str, *files: Path) -> plugins.Registry:
    """A registry holding one installed plugin that provides local calendar ``files`` only."""
    module = types.ModuleType(distribution.replace("-", "_"))

    @hookimpl
    def gridrules_calendars() -> list[Path]:
        return list(files)

    module.gridrules_calendars = gridrules_calendars  # type: ignore[attr-defined]

    class EntryPoint:
        group, name, value = "gridrules", distribution.removeprefix("gridrules-"), module.__name__

        def load(self) -> types.ModuleType:
            return module

    class Dist:
        metadata: ClassVar[dict[str, str]] = {"Name": distribution}
        entry_points = (EntryPoint(),)
        version = "1.0"

    return plugins.Registry([Dist()])
