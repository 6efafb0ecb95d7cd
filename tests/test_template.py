"""The plugin template a region copies is itself a valid rubric with passing scenarios."""

from __future__ import annotations

from pathlib import Path

from gridrules.serialization import load_rubric
from gridrules.testing import check_citations, check_rubric, load_scenarios, run_scenario

TEMPLATE = Path(__file__).parents[1] / "plugins" / "_template" / "gridrules-example"
PACKAGE = TEMPLATE / "src" / "gridrules_example"


def test_template_rubric_is_valid_and_quotes_its_source() -> None:
    rubric = load_rubric(PACKAGE / "rubric.toml")
    assert check_citations(rubric, (PACKAGE / "source.txt").read_text(encoding="utf-8")) == []
    check_rubric(rubric, max_examples=30)


def test_template_scenarios_pass() -> None:
    rubric = load_rubric(PACKAGE / "rubric.toml")
    scenarios = load_scenarios(TEMPLATE / "tests" / "scenarios.toml")
    assert len(scenarios) == 2
    for scenario in scenarios:
        run_scenario(rubric, scenario)
