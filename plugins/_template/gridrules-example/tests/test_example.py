"""The example rubric: citations and the core's invariants (scenarios are in scenarios.toml)."""

import gridrules
import gridrules_example
from gridrules.testing import check_citations, check_rubric


def test_every_clause_is_quoted_from_the_source() -> None:
    rubric = gridrules.load("example")
    assert check_citations(rubric, gridrules_example.SOURCE.read_text(encoding="utf-8")) == []


def test_invariants() -> None:
    check_rubric(gridrules.load("example"))
