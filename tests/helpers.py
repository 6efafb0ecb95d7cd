"""Small builders shared by the unit tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gridrules as gr


def one_item(
    rules: Sequence[gr.Rule], maximum: Any = 10, clause: str = "条款", **rubric: Any
) -> gr.Rubric:
    """A rubric of one item holding ``rules``."""
    item = gr.Item("item", "项目", maximum, list(rules), clause=clause)
    return gr.Rubric(name="unit", title="单元", maximum=maximum, children=[item], **rubric)


def score(rules: Sequence[gr.Rule], evidence: dict[str, Any], maximum: Any = 10, **kw: Any):
    """Score ``evidence`` with a one-item rubric; returns the sheet."""
    return one_item(rules, maximum, **kw).score(evidence)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example_evidence() -> list[Path]:
    """The example evidence files under examples/: not parameters, not working-day calendars."""
    return sorted(
        p
        for p in EXAMPLES.glob("*/*")
        if p.suffix in (".toml", ".json")
        and p.name != "params.toml"
        and p.parent.name != "calendars"
    )
