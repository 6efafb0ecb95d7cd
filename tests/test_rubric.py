"""Rubric validation: an invalid rubric cannot be built, and the error names where and why."""

from __future__ import annotations

import pytest
from helpers import one_item

import gridrules as gr


def item(item_id: str, maximum: int = 10) -> gr.Item:
    return gr.Item(item_id, "项目", maximum, [gr.PerOccurrence(f"{item_id}_n", 1)], clause="c")


def test_stated_maximum_must_match_the_parts() -> None:
    # zengdu: the items sum to 90, not 100
    with pytest.raises(
        gr.RubricError, match=r"rubric 'z'.*states a maximum of 100 but its parts allow 90"
    ):
        gr.Rubric(name="z", title="t", maximum=100, children=[item("a", 50), item("b", 40)])


def test_a_recorded_assumption_explains_the_difference() -> None:
    rubric = gr.Rubric(
        name="z",
        title="t",
        maximum=100,
        children=[item("a", 50), item("b", 40)],
        maximum_assumption="A1",
        assumptions=[gr.Assumption("A1", "100分", "各项合计90分，以90分为满分")],
    )
    assert rubric.effective_maximum == 90
    assert rubric.score({}).maximum == 90


def test_section_maximum_checked_too() -> None:
    with pytest.raises(gr.RubricError, match="section 's' states a maximum of 60"):
        gr.Rubric(
            name="x",
            title="t",
            maximum=20,
            children=[gr.Section("s", "部分", 60, [item("a"), item("b")])],
        )


def test_duplicate_node_ids() -> None:
    with pytest.raises(gr.RubricError, match="node id 'a' is used twice"):
        gr.Rubric(name="x", title="t", maximum=20, children=[item("a"), item("a")])


def test_ids_are_ascii() -> None:
    with pytest.raises(gr.RubricError, match="ASCII id"):
        gr.Item("考勤", "考勤", 10, [], clause="c")


def test_undeclared_parameter() -> None:
    with pytest.raises(gr.RubricError, match="uses parameter 'p', which is not declared"):
        one_item([gr.PerOccurrence("n", gr.Param("p"))])


def test_one_field_one_kind() -> None:
    with pytest.raises(gr.RubricError, match="field 'n' is read as flag"):
        one_item([gr.PerOccurrence("n", 1), gr.ZeroIf(gr.When("n"))])


def test_clause_required() -> None:
    with pytest.raises(gr.RubricError, match="quote the clause"):
        gr.Item("a", "项目", 10, [gr.PerOccurrence("n", 1)])


def test_negative_points_are_rejected() -> None:
    with pytest.raises(ValueError, match="write deductions as positive points"):
        gr.PerOccurrence("n", -1)


def test_bad_effective_date() -> None:
    with pytest.raises(gr.RubricError, match="YYYY-MM-DD"):
        one_item([gr.PerOccurrence("n", 1)], effective="2017/01/01")


class TestParameters:
    RUBRIC = one_item(
        [
            gr.PerOccurrence("visits", gr.Param("visit_deduction")),
            gr.PerOccurrence("weeks", gr.Param("week_deduction")),
        ],
        parameters=[
            gr.Parameter("visit_deduction", "走访缺一次扣分", "缺一次扣分"),
            gr.Parameter("week_deduction", "每周汇报缺一次扣分", "缺一次扣0.5分", default="0.5"),
        ],
    )

    def test_missing_required_parameter_quotes_the_clause(self) -> None:
        with pytest.raises(
            gr.ParameterError, match=r"visit_deduction: missing required parameter.*「缺一次扣分」"
        ):
            self.RUBRIC.score({"visits": 1, "weeks": 1})

    def test_every_problem_at_once(self) -> None:
        with pytest.raises(gr.ParameterError) as caught:
            self.RUBRIC.score({}, {"visit_deduction": "x", "nonsense": 1})
        assert {p.field for p in caught.value.problems} == {"visit_deduction", "nonsense"}

    def test_defaults_and_given_values(self) -> None:
        sheet = self.RUBRIC.score({"visits": 2, "weeks": 2}, {"visit_deduction": 1})
        # 2 × 1 + 2 × 0.5 = 3 → 7
        assert sheet.total == 7
        sources = {p.name: p.source for p in sheet.parameters}
        assert sources == {"visit_deduction": "given", "week_deduction": "default"}

    def test_bound_parameters(self) -> None:
        bound = self.RUBRIC.with_params({"visit_deduction": 2})
        assert bound.score({"visits": 1, "weeks": 0}).total == 8

    def test_unknown_parameter_on_bind(self) -> None:
        with pytest.raises(gr.ParameterError, match="unknown parameter"):
            self.RUBRIC.with_params({"x": 1})


def test_public_api_is_sorted_and_importable() -> None:
    assert gr.__all__ == sorted(gr.__all__)
    for name in gr.__all__:
        assert getattr(gr, name) is not None
