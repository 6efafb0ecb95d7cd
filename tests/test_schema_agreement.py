"""The evidence's JSON Schema and the library agree: a record the schema accepts is one the
library accepts, and the converse.

Values are drawn the way clients send them and the way they get them wrong: numbers (whole,
decimal, negative, huge), numbers as text (signs, spaces, full-width digits, points, exponents,
``%``, separators, junk), words for yes and no in any case, names and lists of names, ballots,
lists of counts, nulls, and arbitrary text. The one thing a JSON Schema cannot say is how many
decimal places a JSON *number* has, so JSON numbers are drawn with at most twelve (the most the
library keeps exact); the last test shows the one case where they part.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from helpers import one_item
from hypothesis import given, settings
from hypothesis import strategies as st

import gridrules as gr

jsonschema = pytest.importorskip("jsonschema")

RUBRIC = one_item(
    [
        gr.PerOccurrence("missed", "0.5"),
        gr.Quota("cases", target=3, points=1),
        gr.RateShortfall("rate", 10, 1),
        gr.Tiers("hours", [gr.Tier(0, gr.Interval(0, None))], value_kind=gr.FieldKind.AMOUNT),
        gr.ZeroIf(gr.When("no_records")),
        gr.AssessorPoints("discretion", "deduction", maximum="2.5"),
        gr.AssessorPoints("small", "deduction", maximum="0.25"),
        gr.Checklist("systems", ["例会制度", "巡查制度"], 1),
        gr.AwardLevel("level", [gr.Level("全区", 1), gr.Level("全市", 2)]),
        gr.Quota("monthly", target=gr.PerUnit("month", 1), points=1, judged="each"),
        gr.Ballots(
            "votes",
            [gr.BallotType("A", "A票", "0.5"), gr.BallotType("B", "B票", "0.5")],
            [gr.Criterion("a", "甲", 5), gr.Criterion("b", "乙", "2.5")],
        ),
    ],
    maximum=10,
)
GOOD: dict[str, Any] = {
    "missed": 2,
    "cases": 3,
    "rate": "9.5",
    "hours": 3,
    "no_records": False,
    "discretion": 1,
    "small": "0.1",
    "systems": ["例会制度"],
    "level": "全区",
    "monthly": [1, 0, 2],
    "votes": {"A": [[5, 2]], "B": []},
}
RUBRICS = [RUBRIC, *(gr.load(info.name) for info in gr.available() if info.ok)]


def validator_of(rubric: gr.Rubric) -> Any:
    schema = rubric.evidence_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


VALIDATORS = {rubric.name: validator_of(rubric) for rubric in RUBRICS}


def library_accepts(rubric: gr.Rubric, record: dict[str, Any]) -> bool:
    try:
        rubric.validator().validate(record)
    except gr.EvidenceError:
        return False
    return True


def agree(rubric: gr.Rubric, record: dict[str, Any]) -> None:
    # what a client sends is JSON: the record goes through JSON text and back, as the service's
    # body does
    record = json.loads(json.dumps(record, ensure_ascii=False, default=_plain))
    by_schema = VALIDATORS[rubric.name].is_valid(record)
    by_library = library_accepts(rubric, record)
    assert by_schema == by_library, (
        f"{rubric.name}: the schema {'accepts' if by_schema else 'refuses'} {record!r}, "
        f"the library {'accepts' if by_library else 'refuses'} it"
    )


def _plain(value: object) -> object:
    """What a client writes for the Python values of the testing kit's records."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset | set):
        return sorted(value)
    raise TypeError(type(value).__name__)


# -- values ------------------------------------------------------------------------------------

SPACE = st.sampled_from(["", "", "", " ", "  ", "\t", "\u3000", "\n", "\xa0", "\x1c", "\ufeff"])
DIGITS = st.text(st.sampled_from("0123456789０１２３４５６７８９"), min_size=0, max_size=18)


@st.composite
def number_texts(draw: st.DrawFn) -> str:
    """Numbers as text, right and wrong."""
    sign = draw(st.sampled_from(["", "", "", "-", "+", "--", "−"]))
    whole = draw(st.one_of(DIGITS, st.sampled_from(["0", "00", "100", "101", "99", "2", "3"])))
    point = draw(st.sampled_from(["", "", ".", ",", "．"]))
    places = draw(st.one_of(DIGITS, st.sampled_from(["", "0", "5", "25", "26", "24", "0000"])))
    exponent = draw(st.sampled_from(["", "", "", "e3", "E-2", "e"]))
    tail = draw(st.sampled_from(["", "", "", "%", " %", "%%", "分", "_0"]))
    zeros = draw(st.sampled_from(["", "", "0" * 50, "0" * 70]))
    return f"{draw(SPACE)}{sign}{zeros}{whole}{point}{places}{exponent}{tail}{draw(SPACE)}"


@st.composite
def words(draw: st.DrawFn) -> str:
    """Yes-or-no words in any case, and near misses."""
    word = draw(
        st.sampled_from(
            [
                *("true", "yes", "y", "1", "是", "有", "t", "false", "no", "n", "0", "否", "无"),
                *("f", "", "maybe", "对", "tru", "yess", "１", "2"),
            ]
        )
    )
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in word)
    return f"{draw(SPACE)}{cased}{draw(SPACE)}"


@st.composite
def name_texts(draw: st.DrawFn) -> str:
    names = ["例会制度", "巡查制度", "全区", "全市", "值班制度", "", " ", "全 市", "1", "0", "3"]
    parts = draw(st.lists(st.sampled_from(names), max_size=4))
    joints = draw(st.lists(st.sampled_from(["、", "，", ",", ";", "；", " "]), min_size=3))
    text = parts[0] if parts else ""
    for part, joint in zip(parts[1:], joints, strict=False):
        text += joint + part
    return f"{draw(SPACE)}{text}{draw(SPACE)}"


FLOATS = st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda f: -Decimal(repr(f)).as_tuple().exponent <= 12  # type: ignore[operator]
)
NUMBERS = st.one_of(
    st.integers(-5, 200),
    st.integers(),
    st.sampled_from([10**15 - 1, 10**15, 2.5, 2.6, 0.25, 0.3, 100.0, 100.5, -0.0, 1e15, 1e300]),
    FLOATS,
    st.decimals(places=2, min_value=-1, max_value=101).map(float),
)
SCALARS = st.one_of(
    NUMBERS,
    number_texts(),
    words(),
    name_texts(),
    st.none(),
    st.booleans(),
    st.text(max_size=8),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["A", "B", "C", "a", "x"]), inner, max_size=3),
    ),
    max_leaves=10,
)
BALLOT_SCORES = st.one_of(NUMBERS, number_texts(), st.none(), st.booleans())
BALLOTS = st.dictionaries(
    st.sampled_from(["A", "B", "C", "D"]),
    st.one_of(
        st.lists(st.lists(BALLOT_SCORES, min_size=0, max_size=5), max_size=3),
        SCALARS,
    ),
    max_size=3,
)


def values_for(field: gr.Field) -> st.SearchStrategy[Any]:
    if field.kind is gr.FieldKind.BALLOTS:
        return st.one_of(BALLOTS, VALUES)
    if field.kind in (gr.FieldKind.LEVEL, gr.FieldKind.ELEMENTS, gr.FieldKind.COUNTS):
        return st.one_of(
            st.lists(st.one_of(st.sampled_from(field.choices or ("x",)), SCALARS), max_size=4),
            name_texts(),
            VALUES,
        )
    return st.one_of(SCALARS, VALUES)


# -- the properties ----------------------------------------------------------------------------


@st.composite
def one_field_changed(draw: st.DrawFn) -> dict[str, Any]:
    """A good record of the test rubric with one field given a drawn value, left out, or an
    unknown field added."""
    record = dict(GOOD)
    what = draw(st.sampled_from([*sorted(GOOD), "<left out>", "<unknown>"]))
    if what == "<left out>":
        del record[draw(st.sampled_from(sorted(GOOD)))]
    elif what == "<unknown>":
        record[draw(st.sampled_from(["missd", "", "其他", "votes "]))] = draw(SCALARS)
    else:
        record[what] = draw(values_for(RUBRIC.fields[what]))
    return record


@given(one_field_changed())
@settings(max_examples=300)
def test_each_kind_of_field_agrees(record: dict[str, Any]) -> None:
    agree(RUBRIC, record)


@st.composite
def records(draw: st.DrawFn) -> tuple[gr.Rubric, dict[str, Any]]:
    rubric = draw(st.sampled_from(RUBRICS))
    fields = sorted(rubric.fields)
    record = {}
    for fid in draw(st.lists(st.sampled_from(fields), unique=True, max_size=len(fields))):
        record[fid] = draw(values_for(rubric.fields[fid]))
    return rubric, record


@given(records())
def test_whole_records_of_every_installed_rubric_agree(case: tuple[gr.Rubric, Any]) -> None:
    agree(*case)


@given(st.sampled_from(RUBRICS), st.data())
def test_the_testing_kits_good_records_pass_the_schema(rubric: gr.Rubric, data: Any) -> None:
    from gridrules.testing import evidence

    record = data.draw(evidence(rubric))
    assert library_accepts(rubric, record)
    agree(rubric, record)


# -- the cases the issue names -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("missed", "3", True),  # a count as text
        ("missed", "3.0", True),
        ("missed", "3.5", False),
        ("missed", "-1", False),
        ("missed", "-0", True),  # read as 0
        ("no_records", "是", True),  # a yes-or-no as a word
        ("no_records", " No ", True),
        ("no_records", "maybe", False),
        ("rate", "85%", True),  # documented as accepted
        ("rate", "85 %", True),
        ("rate", "150", False),  # a rate over 100, as text
        ("rate", "100.0", True),
        ("rate", "100.01", False),
        ("rate", 150, False),
        ("discretion", "2.5", True),
        ("discretion", "2.50", True),
        ("discretion", "2.51", False),
        ("small", "0.25", True),
        ("small", ".3", False),
        ("hours", "1e3", False),  # text is plain decimals: no exponent
        ("hours", "１２", True),  # full-width digits, as typed with a Chinese input method
        ("systems", "例会制度、巡查制度", True),
        ("systems", ["例会制度", "例会制度"], True),
        ("votes", {"A": [[5, "2.5"]]}, True),
        ("votes", {"A": [[5, "2.6"]]}, False),
        ("monthly", "1、0、2", True),
    ],
)
def test_the_named_cases(field: str, value: Any, accepted: bool) -> None:
    record = {**GOOD, field: value}
    assert VALIDATORS[RUBRIC.name].is_valid(record) is accepted
    assert library_accepts(RUBRIC, record) is accepted


def test_the_one_disagreement_a_json_schema_cannot_avoid() -> None:
    """A JSON number with more decimal places than the library keeps exact passes the schema
    (which cannot count decimal places) and is refused by the library, naming the field."""
    record = {**GOOD, "hours": 0.1234567890123}
    assert VALIDATORS[RUBRIC.name].is_valid(record)
    with pytest.raises(gr.EvidenceError, match=r"hours: .*13 decimal places"):
        RUBRIC.validator().validate(record)
