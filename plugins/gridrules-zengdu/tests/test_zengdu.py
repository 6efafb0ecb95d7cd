"""zengdu: the readings of the two merged copies worth pinning.

The worked scenarios are in the scenarios_*.toml files beside this file (collected by gridrules'
pytest plugin, which also checks the citations and the core's invariants). The tests here pin
what the merge decided that they cannot say: which copy each row comes from, the 帮助 row's 10
points against the other copy's 5, the two bonus approvers, the 倒扣 as the sheet prints it, the
sign-in field, and the stray line left unquoted.
"""

import pytest

import gridrules
from gridrules.testing import source_of

SOURCE = source_of("zengdu").read_text(encoding="utf-8")
# the two copies, as cut from the collection (lines 101-147 and 237-283)
FIRST, _, SECOND = SOURCE.partition("# seed 000_0c706be2daee18e9.txt, lines 237-283\n")
PARAMS = {
    "diary_missed_deduction": "1",
    "diary_inaccurate_deduction": "0.5",
    "signin_deduction": "0.5",
}


@pytest.fixture(scope="module")
def rubric() -> gridrules.Rubric:
    return gridrules.load("zengdu")


def _flat(text: str) -> str:
    return "".join(text.split())


def test_source_holds_both_copies() -> None:
    assert FIRST.startswith("# seed 000_0c706be2daee18e9.txt, lines 101-147\n")
    assert "社区网格管理员考核细则表格" in FIRST
    assert SECOND.startswith("曾都区社区网格管理员考核细则表格\n")
    # neither copy states a total: the parts' 90 is not rescaled to 100 (A2-total-90; the sheet's
    # 90 of 90 is in scenarios_totals.toml)
    assert "100分" not in SOURCE


# each item and the copy its row is found in, in the order of the 序号 column (A1-merged); the
# items' points are in scenarios_totals.toml
MERGED = {
    "household_info": "second",
    "diary": "second",
    "household_reports": "both",
    "difficulties": "both",
    "help": "both",
    "screening": "first",
    "mediation": "first",
    "meetings": "first",
    "attendance": "second",
    "bonus": "first",  # the second copy's differs in the approver (A4-bonus-approver)
}


def test_items_merge_the_rows_of_both_copies(rubric: gridrules.Rubric) -> None:
    items = list(rubric.items())
    assert [item.id for item in items] == list(MERGED)
    for item in items:
        clause = _flat(item.clause)
        found = {"first": clause in _flat(FIRST), "second": clause in _flat(SECOND)}
        copy = MERGED[item.id]
        expected = {"first": copy in ("first", "both"), "second": copy in ("second", "both")}
        assert found == expected, item.id


def test_help_is_worth_10_against_the_second_copys_5(rubric: gridrules.Rubric) -> None:
    help_text = "力所能及地帮助所联系户,解决一些生产与生活方面实际困难的,得10分"
    # the defect itself: the points column before the row says 10 in one copy, 5 in the other
    assert f"\n10\n{help_text}" in FIRST
    assert f"\n5\n{help_text}" in SECOND
    assert rubric.node("help").maximum == 10
    (a3,) = [a for a in rubric.assumptions if a.id == "A3-help-10"]
    assert a3.quote == help_text


def test_both_bonus_approvers_are_recorded(rubric: gridrules.Rubric) -> None:
    assert "并经街道综治办认定的,每一例加3分" in FIRST
    assert "并经办事处(管委会)认定的,每一例加3分" in SECOND
    bonus = rubric.node("bonus")
    assert "街道综治办" in bonus.clause
    (a4,) = [a for a in rubric.assumptions if a.id == "A4-bonus-approver"]
    assert "办事处(管委会)" in a4.quote
    assert "街道综治办" in a4.decision
    assert "办事处(管委会)" in a4.decision


def test_the_sheet_shows_the_escalation_as_a_penalty(rubric: gridrules.Rubric) -> None:
    # 倒扣10分 comes off the total, not 帮助 (A6-escalation; the figures are in
    # scenarios_escalation.toml): the sheet prints it as 倒扣
    text = rubric.score({"escalations": 1}, PARAMS).to_text()
    assert "倒扣：10" in text
    assert "考核得分：80" in text


def test_sign_ins_count_unapproved_half_days(rubric: gridrules.Rubric) -> None:
    # 上午、下午 each a sign-in; 须经批准并在签到薄上注明原因 takes an absence out (A8-signins)
    (rule,) = rubric.node("attendance").rules
    assert rule.field == "missed_signins"
    assert "未经批准" in rule.label
    assert "半天" in rule.label
    (a8,) = [a for a in rubric.assumptions if a.id == "A8-signins"]
    assert "须经批准并在签到薄上注明原因" in a8.quote
    assert "半天" in a8.decision


def test_the_stray_line_is_never_quoted(rubric: gridrules.Rubric) -> None:
    # one copy carries a line that is no part of the table (a website's notice)
    (stray,) = [line for line in FIRST.splitlines() if line.startswith("【")]
    quoted = [
        *(node.clause for node in rubric.nodes()),
        *(rule.clause for item in rubric.items() for rule in item.rules),
        *(a.quote for a in rubric.assumptions),
        *(p.clause for p in rubric.parameters),
    ]
    for text in quoted:
        assert _flat(stray) not in _flat(text)
        assert not text or _flat(text) not in _flat(stray), text
    words = rubric.description + "".join(a.decision for a in rubric.assumptions)
    assert "侵权" not in words
