"""民主评议 ballots: weights by type, void ballots (废票), and types with no valid ballot."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from helpers import one_item

import gridrules as gr

CRITERIA = [
    gr.Criterion("attendance", "日常考勤", 25),
    gr.Criterion("coordination", "工作协调能力", 25),
    gr.Criterion("handling", "处理问题能力", 25),
    gr.Criterion("tasks", "工作任务完成情况", 25),
]
TYPES = [
    gr.BallotType("A", "A票", "0.5", "社区党总支书记"),
    gr.BallotType("B", "B票", "0.3", "网格党建指导员"),
    gr.BallotType("C", "C票", "0.2", "其他社区工作人员"),
]


def ballots(**rule: object) -> gr.Rubric:
    return one_item([gr.Ballots("votes", TYPES, CRITERIA, **rule)], maximum=40)  # type: ignore[arg-type]


def test_weighted_means_of_valid_ballots() -> None:
    sheet = ballots().score(
        {
            "votes": {
                "A": [[20, 20, 20, 20]],  # mean 80
                "B": [[25, 25, 20, 20], [20, 20, 15, 15]],  # 90 and 70 → mean 80
                "C": [[15, 15, 15, 15], [25, 25, 25, 25]],  # 60; the all-full ballot is void → 60
            }
        }
    )
    # (0.5 × 80 + 0.3 × 80 + 0.2 × 60) / 100 × 40 = (40 + 24 + 12) / 100 × 40 = 30.4
    assert sheet.total == D("30.4")
    (reason,) = sheet.line("item").reasons
    assert "C票2张（废票1张）" in reason.arithmetic


def test_a_type_whose_ballots_are_all_void_is_reweighted() -> None:
    sheet = ballots().score(
        {
            "votes": {
                "A": [[20, 20, 20, 20]],  # 80
                "B": [[25, 25, 25, 25]],  # void
                "C": [[15, 15, 15, 15]],  # 60
            }
        }
    )
    # B has no valid ballot: A and C share 0.7 → (0.5/0.7 × 80 + 0.2/0.7 × 60) / 100 × 40
    # = (40 + 12) × 40 / (0.7 × 100) = 2080 / 70 = 29.714285... (one division, 28 digits)
    assert sheet.total == D(2080) / D(70)
    assert "无有效票" in sheet.line("item").reasons[0].arithmetic


def test_a_type_with_no_ballots_counts_zero_when_declared() -> None:
    sheet = ballots(empty="zero").score({"votes": {"A": [[20, 20, 20, 20]], "C": []}})
    # A 80 × 0.5 = 40; B and C count 0 → 40 / 100 × 40 = 16
    assert sheet.total == 16


def test_no_valid_ballot_at_all_scores_zero_with_a_reason() -> None:
    sheet = ballots().score({"votes": {"A": [[25, 25, 25, 25]]}})
    assert sheet.total == 0
    assert "无有效评议票" in sheet.line("item").reasons[0].arithmetic


def test_bad_ballots_are_rejected() -> None:
    with pytest.raises(gr.EvidenceError, match="ballot A#1 must list 4 scores"):
        ballots().score({"votes": {"A": [[20, 20]]}})
    with pytest.raises(gr.EvidenceError, match="a score must be from 0 to 25"):
        ballots().score({"votes": {"A": [[26, 20, 20, 20]]}})
    with pytest.raises(gr.EvidenceError, match="unknown ballot type"):
        ballots().score({"votes": {"D": []}})


def test_weights_from_parameters_must_sum_to_one() -> None:
    types = [gr.BallotType(t, f"{t}票", gr.Param(f"weight_{t}")) for t in "AB"]
    rubric = one_item(
        [gr.Ballots("votes", types, CRITERIA)],
        parameters=[
            gr.Parameter(f"weight_{t}", f"{t}票权重", "考评成绩占每名网格长季度考核总成绩的xx%")
            for t in "AB"
        ],
    )
    votes = {"votes": {"A": [[20, 20, 20, 20]], "B": [[10, 10, 10, 10]]}}
    # (0.6 × 80 + 0.4 × 40) / 100 × 10 = (48 + 16) / 10 = 6.4
    assert rubric.score(votes, {"weight_A": "0.6", "weight_B": "0.4"}).total == D("6.4")
    with pytest.raises(gr.ParameterError, match="must sum to 1"):
        rubric.score(votes, {"weight_A": "0.6", "weight_B": "0.6"})


def test_ballots_round_trip() -> None:
    from gridrules.serialization import structure_rubric, unstructure_rubric

    rubric = ballots()
    assert structure_rubric(unstructure_rubric(rubric)) == rubric


def test_check_rubric_generates_ballots_and_weights_that_sum_to_one() -> None:
    from hypothesis import given

    from gridrules.testing import check_rubric, parameters, weight_groups

    types = [gr.BallotType(t, f"{t}票", gr.Param(f"weight_{t}")) for t in "ABC"]
    rubric = one_item(
        [gr.Ballots("votes", types, CRITERIA)],
        parameters=[
            gr.Parameter(f"weight_{t}", f"{t}票权重", "考评成绩占每名网格长季度考核总成绩的xx%")
            for t in "ABC"
        ],
    )
    assert weight_groups(rubric) == [(("weight_A", "weight_B", "weight_C"), D(1))]

    @given(parameters(rubric))
    def shares_sum_to_one(values: dict[str, D]) -> None:
        assert sum(values.values()) == 1

    shares_sum_to_one()
    check_rubric(rubric, max_examples=30)


def test_weights_that_do_not_sum_to_one_are_reported_with_the_other_problems() -> None:
    types = [gr.BallotType(t, f"{t}票", gr.Param(f"weight_{t}")) for t in "AB"]
    rubric = one_item(
        [gr.Ballots("votes", types, CRITERIA), gr.PerOccurrence("n", gr.Param("per"))],
        parameters=[
            gr.Parameter("weight_A", "A票权重", "A票考评成绩占xx%"),
            gr.Parameter("weight_B", "B票权重", "B票考评成绩占xx%"),
            gr.Parameter("per", "每次扣分", "缺一次扣分"),
        ],
    )
    with pytest.raises(gr.ParameterError) as caught:
        rubric.score({"votes": {}}, {"weight_A": "0.2", "weight_B": "0.1"})
    messages = {p.field: p.message for p in caught.value.problems}
    assert set(messages) == {"per", "weight_A + weight_B"}
    assert messages["weight_A + weight_B"] == (
        "these weights of one composite must sum to 1, got weight_A 0.2 + weight_B 0.1 = 0.3 "
        "(「A票考评成绩占xx%」)"
    )
