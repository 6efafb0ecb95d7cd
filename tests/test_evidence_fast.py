"""The validator's fast paths read every value exactly as the full checks do, or step aside.

Small ints and known texts are read from tables and memos; anything unusual (a bool where a
number goes, a float, a Decimal with an exponent, a subclass, a value out of range) must come
out as the full checks make it, digit for digit, or fail with the same messages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from helpers import one_item

import gridrules as gr

RUBRIC = one_item(
    [
        gr.PerOccurrence("missed", "0.5"),
        gr.RateShortfall("rate", 10, 1),
        gr.Tiers("hours", [gr.Tier(0, gr.Interval(0, None))], value_kind=gr.FieldKind.AMOUNT),
        gr.ZeroIf(gr.When("no_records")),
        gr.AssessorPoints("discretion", "deduction", maximum="2.5"),
        gr.Checklist("systems", ["例会制度", "巡查制度"], 1),
        gr.AwardLevel("level", [gr.Level("全区", 1), gr.Level("全市", 2)]),
        gr.Ballots(
            "votes",
            [gr.BallotType("A", "A票", "0.5"), gr.BallotType("B", "B票", "0.5")],
            [gr.Criterion("a", "甲", 5), gr.Criterion("b", "乙", "2.5")],
        ),
    ]
)
GOOD: dict[str, Any] = {
    "missed": 2,
    "rate": "9.5",
    "hours": 3,
    "no_records": False,
    "discretion": "1.5",
    "systems": ["例会制度"],
    "level": "全区",
    "votes": {"A": [[5, 2]], "B": []},
}


class Text(str):
    pass


class Whole(int):
    pass


ODD: list[tuple[str, Any]] = [
    ("missed", True),
    ("missed", 3.0),
    ("missed", Decimal("3.0")),
    ("missed", Decimal("3E+1")),
    ("missed", " 3 "),
    ("missed", -1),
    ("missed", 1000),
    ("missed", Whole(3)),
    ("missed", Text("3")),
    ("rate", True),
    ("rate", 100),
    ("rate", 101),
    ("rate", "85%"),
    ("rate", " 85 "),
    ("rate", 9.5),
    ("rate", Decimal("9.50")),
    ("rate", "1e1"),
    ("rate", "NaN"),
    ("rate", Text("9.5")),
    ("hours", 2.5),
    ("hours", "-1"),
    ("hours", 10**6),
    ("hours", False),
    ("hours", "12.0"),
    ("discretion", 2),
    ("discretion", 3),
    ("discretion", "2.6"),
    ("discretion", "2.50"),
    ("no_records", 1),
    ("no_records", "是"),
    ("no_records", "maybe"),
    ("systems", ("例会制度", "巡查制度")),
    ("systems", ["例会制度", 1]),
    ("systems", ["值班制度"]),
    ("systems", [["例会制度"]]),
    ("systems", [Text("例会制度")]),
    ("systems", "例会制度、巡查制度"),
    ("systems", {"例会制度"}),
    ("level", None),
    ("level", ()),
    ("level", ["全市", "全区"]),
    ("level", "全省"),
    ("votes", {"A": [[True, 2]], "B": []}),
    ("votes", {"A": [[5.0, 2]], "B": []}),
    ("votes", {"A": [[6, 2]], "B": []}),
    ("votes", {"A": [[5, 3]], "B": []}),
    ("votes", {"A": [[5, "2.5"]], "B": []}),
    ("votes", {"A": [(5, 2)], "B": ((1, 1),)}),
    ("votes", {"A": [[5]], "B": []}),
    ("votes", {"A": [[5, 2]], "C": []}),
    ("votes", {"A": [[5, 2]]}),
    ("votes", {"A": None}),
    ("votes", {"A": [[Whole(5), 2]], "B": []}),
]


def exact(value: Any) -> Any:
    """A value with every Decimal as its repr, so that exponents count."""
    if isinstance(value, Decimal):
        return repr(value)
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(exact(v) for v in value)
    return (type(value), value)


def read(path: Any, record: dict[str, Any]) -> Any:
    try:
        values, defaulted = path(record)
    except gr.EvidenceError as error:
        return [(p.field, p.message) for p in error.problems]
    return exact(values), defaulted


@pytest.mark.parametrize(("field", "value"), ODD, ids=[f"{f}={v!r}" for f, v in ODD])
def test_fast_and_full_paths_agree(field: str, value: Any) -> None:
    validator = RUBRIC.validator()
    for record in ({**GOOD, field: value}, {k: v for k, v in GOOD.items() if k != "hours"}):
        record = {**record, field: value}
        full = read(validator._validate, record)
        # twice: the second time the texts read the first time come from the memos
        assert read(validator.validate, record) == full
        assert read(validator.validate, record) == full


def test_every_problem_still_reported_at_once_after_the_memos_fill() -> None:
    validator = RUBRIC.validator()
    validator.validate(GOOD)
    bad = {**GOOD, "rate": "101", "discretion": "2.6", "votes": {"A": [[True, 2]]}}
    with pytest.raises(gr.EvidenceError) as caught:
        validator.validate(bad)
    assert {p.field: p.message for p in caught.value.problems} == {
        "rate": "a percentage must be from 0 to 100, got '101'",
        "discretion": "points must be from 0 to 2.5, got '2.6'",
        "votes": "ballot A#1, score 1: expected a number (0 or more), got the boolean True",
    }
