"""xinhelu: what the scenarios of 社区网格化管理督查考核办法 cannot say.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants); scenarios_composite.toml
states each area's points and a sheet without grade, bonus, penalty or flag. Here: the paragraph
about the 社区计生专干 that is not scored (A5-specialist), one rubric for every role
(A7-one-rubric), and no grade or stars any sheet could carry (A10-no-grades).
"""

from __future__ import annotations

import pytest

import gridrules
from gridrules.testing import source_of

SOURCE_FILE = source_of("xinhelu")
assert SOURCE_FILE is not None
SOURCE = SOURCE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("xinhelu")


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_specialists_paragraph_is_not_scored(rubric: gridrules.Rubric) -> None:
    # 社区计生专干是否做到及时核实、录入建档;是否定期对…进行检查和督查 is another person's work
    # (A5-specialist): quoted by the assumption only, never by an item, a rule or a parameter.
    specialist = "社区计生专干是否做到及时核实、录入建档"
    assert _flat(specialist) in _flat(SOURCE)
    quoted = [node.clause for node in rubric.nodes()]
    quoted += [rule.clause for item in rubric.items() for rule in item.rules]
    quoted += [p.clause for p in rubric.parameters]
    assert not any(specialist in clause or "检查和督查" in clause for clause in quoted)
    (assumption,) = [a for a in rubric.assumptions if a.id == "A5-specialist"]
    assert specialist in assumption.quote


def test_one_rubric_for_every_role() -> None:
    # 网格长 and 片区负责人 are assessed on the same 考核内容 (A7-one-rubric): no role variants
    names = {info.name for info in gridrules.available() if info.name.startswith("xinhelu")}
    assert names == {"xinhelu"}


def test_no_grade_or_stars_on_any_sheet(rubric: gridrules.Rubric) -> None:
    # the text names no grade (A10-no-grades): no grade any record could get, no stars
    assert rubric.grade_names() == ()
    assert rubric.stars is None
