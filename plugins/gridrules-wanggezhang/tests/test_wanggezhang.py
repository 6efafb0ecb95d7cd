"""wanggezhang: both roles' rubrics, citations, parameters from a file, ballots and invariants.

The worked scenarios are in scenarios_leader.toml, scenarios_member.toml and
scenarios_missing_params.toml beside this file (collected by gridrules' pytest plugin).
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gridrules
from gridrules.calendars import get_calendar
from gridrules.periods import Period
from gridrules.serialization import load_params
from gridrules.testing import _check_record

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "wanggezhang"
PARAMS_FILE = EXAMPLES / "params.toml"
PERIOD = "2026-Q3"
ROLES = ("leader", "member")
FULL = [25, 25, 25, 25]

# the evidence of one typical 网格长 (scenario "typical quarter with one void C ballot")
TYPICAL_LEADER = {
    "ballots": {
        "A": [[22, 20, 23, 20]],
        "B": [[20, 20, 20, 20]],
        "C": [[20, 18, 22, 20], FULL, [24, 22, 20, 24]],
    },
    "attendance_points": 90,
    "events_reported": 60,
    "info_points": 85,
    "visits_points": 80,
}


@pytest.fixture(scope="module")
def params() -> dict[str, Any]:
    return load_params(PARAMS_FILE)


def rubric_of(role: str) -> gridrules.Rubric:
    return gridrules.load(f"wanggezhang-{role}")


# -- registration and citations ---------------------------------------------------------------


def test_both_roles_are_registered_by_one_plugin() -> None:
    infos = {i.name: i for i in gridrules.available() if i.name.startswith("wanggezhang")}
    assert set(infos) == {"wanggezhang-leader", "wanggezhang-member"}
    assert {i.status for i in infos.values()} == {"ok"}
    assert {i.distribution for i in infos.values()} == {"gridrules-wanggezhang"}
    assert infos["wanggezhang-leader"].title == "社区网格长网格管理员考核办法（网格长）"
    assert infos["wanggezhang-member"].title == "社区网格长网格管理员考核办法（网格管理员）"


# -- structure ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_five_parts_out_of_100_weighted_by_parameters(role: str) -> None:
    # 考核实行百分制: 民主评议 and the four sub-items of 网格情况测评, each out of 100 (A1-parts)
    rubric = rubric_of(role)
    assert rubric.maximum == 100
    assert [(item.id, item.maximum) for item in rubric.items()] == [
        ("appraisal", 100),
        ("attendance", 100),
        ("events", 100),
        ("info", 100),
        ("visits", 100),
    ]
    assert [(w.child, str(w.weight)) for w in rubric.weights] == [
        ("appraisal", "参数 appraisal_weight"),
        ("attendance", "参数 attendance_weight"),
        ("events", "参数 events_weight"),
        ("info", "参数 info_weight"),
        ("visits", "参数 visits_weight"),
    ]


def test_who_casts_which_ballot_differs_by_role() -> None:
    def ballots(role: str) -> gridrules.Ballots:
        (rule,) = rubric_of(role).node("appraisal").rules  # type: ignore[union-attr]
        assert isinstance(rule, gridrules.Ballots)
        return rule

    leader, member = ballots("leader"), ballots("member")
    assert [(t.id, t.cast_by) for t in leader.types] == [
        ("A", "本社区党总支书记(工作站长)"),
        ("B", "网格党建指导员"),
        ("C", "其他社区工作人员、居委会人员及本网格的网格管理员"),
    ]
    assert [(t.id, t.cast_by) for t in member.types] == [
        ("A", "本社区党总支书记(工作站长)"),
        ("B", "本网格网格长"),
        ("C", "居委会人员"),
    ]
    assert [str(t.weight) for t in member.types] == [
        "参数 member_ballot_a_weight",
        "参数 member_ballot_b_weight",
        "参数 member_ballot_c_weight",
    ]
    for rule in (leader, member):
        # A3-criteria: four criteria of 25, a ballot out of 100; A4/A5: void and reweight
        assert [c.maximum for c in rule.criteria] == [25, 25, 25, 25]
        assert rule.void_if_all_full
        assert rule.empty == "reweight"


# -- the calendar ---------------------------------------------------------------------------


def test_2026_q3_has_66_working_days() -> None:
    # by hand: July 23 + August 21 + September 22 (中秋 Friday 25 off, Sunday 20 worked) = 66
    assert get_calendar().working_days(Period.parse(PERIOD)) == 66


@pytest.mark.parametrize(("role", "target"), [("leader", 66), ("member", 132)])
def test_event_target_is_the_daily_count_times_the_working_days(
    role: str, target: int, params: dict[str, Any]
) -> None:
    # 网格长 1 × 66 = 66, 网格管理员 2 × 66 = 132; 10 fewer → 10 × 2 = 20 off the item's 100
    evidence = {**TYPICAL_LEADER, "ballots": {}, "events_reported": target - 10}
    sheet = rubric_of(role).score(evidence, params, period=PERIOD)
    assert sheet.calendar is not None
    assert sheet.calendar.endswith("66个工作日")
    line = sheet.line("events")
    assert line.points == 80
    per_day = target // 66
    assert line.reasons[0].arithmetic == (
        f"目标{target}（{per_day} × 66个工作日），实际{target - 10}，少10 × 2 = 20"
    )


@pytest.mark.parametrize(("role", "months"), [("leader", (20, 26, 20)), ("member", (40, 52, 40))])
def test_events_are_judged_over_the_quarter_not_month_by_month(
    role: str, months: tuple[int, int, int], params: dict[str, Any]
) -> None:
    # A8-events: 每月一通报 is a report, its consequence A11's flag; the score counts the quarter
    # together. 2026-Q3 working days by month: July 23, August 21, September 22. 网格长 (1 a day)
    # reports 20 + 26 + 20 = 66 = 1 × 66 → 100, though July (3 short) and September (2 short)
    # would lose 5 × 2 = 10 month by month; 网格管理员 (2 a day) 40 + 52 + 40 = 132 = 2 × 66 → 100
    rubric = rubric_of(role)
    (rule,) = rubric.node("events").rules  # type: ignore[union-attr]
    assert isinstance(rule, gridrules.Quota)
    assert rule.judged == "together"
    evidence = {**TYPICAL_LEADER, "ballots": {}, "events_reported": sum(months)}
    assert rubric.score(evidence, params, period=PERIOD).line("events").points == 100
    # one count for the quarter: the months' counts are not a reading this rubric takes
    with pytest.raises(gridrules.EvidenceError, match="events_reported: expected a whole number"):
        rubric.score({**evidence, "events_reported": list(months)}, params, period=PERIOD)
    (a8,) = [a for a in rubric.assumptions if a.id == "A8-events"]
    assert a8.quote.endswith("每月一通报")
    assert "曾考虑逐月判断" in a8.decision


def test_scoring_without_a_period_is_refused(params: dict[str, Any]) -> None:
    with pytest.raises(gridrules.GridrulesError, match="score it with period="):
        rubric_of("leader").score(TYPICAL_LEADER, params)


# -- parameters from a file -----------------------------------------------------------------


def test_the_example_parameters_file_fills_every_blank(params: dict[str, Any]) -> None:
    for role in ROLES:
        rubric = rubric_of(role)
        assert set(params) == {p.name for p in rubric.parameters}
        assert all(p.required for p in rubric.parameters)
        gridrules.load(f"wanggezhang-{role}", params=params)  # binds without a problem


@pytest.mark.parametrize("role", ROLES)
def test_a_file_missing_several_values_reports_all_of_them(
    role: str, params: dict[str, Any], tmp_path: Path
) -> None:
    left_out = {
        "appraisal_weight",
        f"{role}_ballot_b_weight",
        "member_events_per_day",
        "event_shortfall_deduction",
        "consecutive_miss_limit",
    }
    lines = [f'{name} = "{value}"' for name, value in params.items() if name not in left_out]
    partial = tmp_path / "params.toml"
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(gridrules.ParameterError) as caught:
        gridrules.load(f"wanggezhang-{role}", params=load_params(partial))
    problems = {p.field: p.message for p in caught.value.problems}
    assert set(problems) == left_out
    clauses = {p.name: p.clause for p in rubric_of(role).parameters}
    for name, message in problems.items():
        assert message.startswith("missing required parameter")
        assert f"「{clauses[name]}」" in message
    assert "「考核内容由民主评议、网格情况测评两部分构成,分别占个人考核成绩的xx分、xx分」" in str(
        caught.value
    )


def test_an_invalid_value_and_a_missing_one_are_reported_together(
    params: dict[str, Any],
) -> None:
    broken = {k: v for k, v in params.items() if k != "leader_events_per_day"}
    broken["consecutive_miss_limit"] = "两次"
    with pytest.raises(gridrules.ParameterError) as caught:
        rubric_of("leader").score(TYPICAL_LEADER, broken, period=PERIOD)
    problems = {p.field: p.message for p in caught.value.problems}
    assert set(problems) == {"leader_events_per_day", "consecutive_miss_limit"}
    assert "「网格长按每天条上报(周末、节假日除外)」" in problems["leader_events_per_day"]
    assert "连续次完不成任务的" in problems["consecutive_miss_limit"]


def test_the_parameters_used_appear_on_the_sheet(params: dict[str, Any]) -> None:
    sheet = rubric_of("leader").score(TYPICAL_LEADER, params, period=PERIOD)
    # worked in scenarios_leader.toml ("typical quarter with one void C ballot"): 85.1
    assert sheet.total == Decimal("85.1")
    shown = {line.name: (line.value, line.source) for line in sheet.parameters}
    assert shown == {name: (Decimal(str(value)), "given") for name, value in params.items()}
    by_name = {line.name: line for line in sheet.parameters}
    assert by_name["leader_events_per_day"].clause == "网格长按每天条上报(周末、节假日除外)"
    assert {a.id for a in sheet.assumptions} >= {"A1-parts", "A2-ballot-weights", "A5-all-void"}


# -- ballots ------------------------------------------------------------------------------------


def test_void_ballots_are_counted_on_the_sheet(params: dict[str, Any]) -> None:
    sheet = rubric_of("leader").score(TYPICAL_LEADER, params, period=PERIOD)
    (reason,) = sheet.line("appraisal").reasons
    # C: 3 ballots, one all full → void; valid 80 and 90 → mean 85 (see the scenario)
    assert "C票3张（废票1张）平均85/100" in reason.arithmetic
    assert sheet.line("appraisal").points == Decimal("83.75")


def test_a_reweighted_mean_that_does_not_divide_is_exact(params: dict[str, Any]) -> None:
    # B void; A 80, C 60: (0.5 × 80 + 0.25 × 60) / 0.75 = 55 / 0.75 = 220 / 3 = 73.33...; the
    # source sets no rounding, so the item keeps the exact quotient (28 significant digits)
    evidence = {**TYPICAL_LEADER, "ballots": {"A": [[20] * 4], "B": [FULL], "C": [[15] * 4]}}
    sheet = rubric_of("leader").score(evidence, params, period=PERIOD)
    assert sheet.line("appraisal").points == Decimal(220) / Decimal(3)


# -- the example evidence files -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "total", "flags"),
    [
        # totals worked by hand in each file's comments
        ("leader-zhang-wei", "90.5", set()),
        ("leader-li-hong", "75.6", {"award_ineligible"}),
        ("member-wang-fang", "92.32", set()),
        ("member-zhao-lei", "74.45", {"award_ineligible"}),
    ],
)
def test_example_evidence_files(
    name: str, total: str, flags: set[str], params: dict[str, Any]
) -> None:
    import tomllib

    record = tomllib.loads((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"))
    meta = record.pop("_meta")
    assert meta["period"] == PERIOD
    role = name.split("-")[0]
    sheet = rubric_of(role).score(record, params, assessee=meta["assessee"], period=meta["period"])
    assert sheet.total == Decimal(total)
    assert sheet.flags == flags


# -- invariants on generated evidence, at a fixed period ------------------------------------


_ballot = st.one_of(st.just(FULL), st.lists(st.integers(0, 25), min_size=4, max_size=4))
_points = st.one_of(st.sampled_from([0, 100]), st.decimals(0, 100, places=2))
_records = st.fixed_dictionaries(
    {
        "ballots": st.fixed_dictionaries(
            {}, optional={t: st.lists(_ballot, max_size=4) for t in "ABC"}
        ),
        "attendance_points": _points,
        "events_reported": st.one_of(
            st.sampled_from([0, 16, 17, 65, 66, 67, 82, 83, 131, 132, 133]), st.integers(0, 400)
        ),
        "info_points": _points,
        "visits_points": _points,
    },
    optional={
        "grid_consecutive_missed_months": st.integers(0, 4),
        "grid_falsifications": st.integers(0, 2),
    },
)


@pytest.mark.parametrize("role", ROLES)
def test_invariants_on_generated_evidence(role: str, params: dict[str, Any]) -> None:
    rubric = rubric_of(role)
    prepared = rubric.prepare(params)
    weights = {w.child: Decimal(str(params[w.weight.param])) for w in rubric.weights}  # type: ignore[union-attr]

    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(_records)
    def check(record: dict[str, Any]) -> None:
        # the core's record invariants: items within [floor, maximum], total within the maximum,
        # the grade, the sheet's round trip
        _check_record(rubric, prepared, record, PERIOD)
        sheet = prepared.score(record, period=PERIOD)
        # the total is the weighted sum of the five parts, each out of 100, worked out exactly
        # (the parts' ballots may carry 28 digits: a sum in the default context would round it)
        with localcontext(prec=100):
            assert sheet.total == sum(
                (weights[line.item_id] * line.points for line in sheet.lines), Decimal(0)
            )
        # 取消评选树优资格 is a flag, set exactly when the grid missed 2 months running or was
        # found falsifying once
        disqualified = (
            record.get("grid_consecutive_missed_months", 0) >= 2
            or record.get("grid_falsifications", 0) >= 1
        )
        assert sheet.flags == ({"award_ineligible"} if disqualified else set())
        # a void ballot (all full marks) changes nothing, whichever type it is added to
        for kind in "ABC":
            ballots = {k: list(v) for k, v in record["ballots"].items()}
            ballots[kind] = [*ballots.get(kind, []), FULL]
            assert (
                prepared.score({**record, "ballots": ballots}, period=PERIOD).total == sheet.total
            )
        # one more event reported never lowers the total
        more = {**record, "events_reported": record["events_reported"] + 1}
        assert prepared.score(more, period=PERIOD).total >= sheet.total

    check()
