"""demo: citations, the blank parameter and the core's invariants.

The worked scenarios are in scenarios.toml beside this file (collected by gridrules' pytest
plugin).
"""

import gridrules_demo
import pytest

import gridrules
from gridrules.testing import check_citations, check_rubric

PARAMS = {"signin_deduction": "0.5"}

pytestmark = pytest.mark.gridrules_rubric("demo")


def test_every_clause_is_quoted_from_the_source(gridrules_rubric: gridrules.Rubric) -> None:
    source = gridrules_demo.SOURCE.read_text(encoding="utf-8")
    assert check_citations(gridrules_rubric, source) == []


def test_the_blank_deduction_is_a_required_parameter(gridrules_rubric: gridrules.Rubric) -> None:
    with pytest.raises(gridrules.ParameterError, match="signin_deduction"):
        gridrules_rubric.score({})


def test_invariants_with_the_regions_value(gridrules_rubric: gridrules.Rubric) -> None:
    check_rubric(gridrules_rubric, PARAMS)


def test_invariants_with_generated_parameters(gridrules_rubric: gridrules.Rubric) -> None:
    check_rubric(gridrules_rubric, max_examples=50)
