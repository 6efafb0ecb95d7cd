"""Hostile evidence, property by property: whatever a record holds, gridrules scores it exactly
as a person means it, or refuses it with a GridrulesError that says why, in a message of bounded
size. Never another exception, never a number read otherwise than it was written, and never two
paths (the explained sheet, ``result`` and the fast ``results``) that disagree.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hostile_values import (
    SCALARS,
    VALUES,
    attempt,
    flag_meant,
    missing,
    number_meant,
    plain,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import gridrules as gr
from gridrules.io.datafiles import load_params
from gridrules.model.fields import FieldKind
from gridrules.model.numbers import canonical, fmt, to_decimal

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

CASES = {
    "jiangcheng": ("jiangcheng/wang-fang.toml", "jiangcheng/params.toml"),
    "xingji": ("xingji/sun-li.toml", None),
    "juweihui": ("juweihui/chen-hua.toml", "juweihui/params.toml"),
    "wanggezhang-member": ("wanggezhang/member-wang-fang.toml", "wanggezhang/params.toml"),
    "liujiaoting": ("liujiaoting/chen-jing.toml", None),
    "shequ-pingtai": ("shequ-pingtai/dongfeng.toml", None),
    "xize2017": ("xize2017/wang-lei.toml", "xize2017/params.toml"),
    "ernvqiao": ("ernvqiao/sun-hua.toml", "ernvqiao/params.toml"),
}
"""A bundled rubric of each kind of field, with an example record of its own to spoil."""

NUMBERS = (FieldKind.COUNT, FieldKind.AMOUNT, FieldKind.PERCENTAGE, FieldKind.POINTS)


_PREPARED: dict[str, tuple[gr.Scorer, dict[str, Any], str | None]] = {}


def prepared(name: str) -> tuple[gr.Scorer, dict[str, Any], str | None]:
    if name not in _PREPARED:
        evidence, params = CASES[name]
        found = gr.load_evidence(EXAMPLES / evidence)
        rubric = gr.load(name)
        scorer = rubric.prepare(load_params(EXAMPLES / params) if params else None)
        _PREPARED[name] = (scorer, found.record, found.period)
    return _PREPARED[name]


@st.composite
def spoilt(draw: st.DrawFn) -> tuple[str, dict[str, Any], set[str]]:
    """A rubric's example record with some values replaced by hostile ones, fields left out and
    unknown keys added; and the fields whose values were replaced."""
    name = draw(st.sampled_from(sorted(CASES)))
    scorer, record, _ = prepared(name)
    record = dict(record)
    fields = sorted(scorer.rubric.fields)
    changed = set(draw(st.lists(st.sampled_from(fields), max_size=4)))
    for fid in changed:
        record[fid] = draw(VALUES)
    for fid in draw(st.lists(st.sampled_from(fields), max_size=2)):
        record.pop(fid, None)
        changed.discard(fid)
    for key in draw(st.lists(st.text(max_size=8) | st.integers(), max_size=2)):
        if key not in scorer.rubric.fields:
            record[key] = draw(SCALARS)
    return name, record, changed


def outcome(call: Any) -> Any:
    """What a call gives: its value, or the GridrulesError it raised (anything else fails)."""
    value, error = attempt(call)
    return value if error is None else error


def figures(scored: gr.Result | gr.ScoreSheet) -> tuple[Any, ...]:
    items = scored.items if isinstance(scored, gr.Result) else scored.points
    return (
        repr(scored.total),
        repr(scored.base),
        repr(scored.bonus),
        repr(scored.penalty),
        scored.grade,
        scored.stars,
        frozenset(scored.flags),
        {k: repr(v) for k, v in items.items()},
    )


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spoilt())
def test_any_record_is_scored_as_meant_or_refused_by_every_path(
    case: tuple[str, dict[str, Any], set[str]],
) -> None:
    name, record, changed = case
    scorer, _, period = prepared(name)
    sheet = outcome(lambda: scorer.score(record, period=period))
    result = outcome(lambda: scorer.result(record, period=period))
    (many,) = outcome(lambda: list(scorer.results([record], period=period, return_errors=True)))
    if isinstance(sheet, gr.GridrulesError):
        # refused one way, refused every way, for the same reasons
        assert isinstance(result, gr.GridrulesError), (sheet, result)
        assert isinstance(many, gr.GridrulesError), (sheet, many)
        assert str(result) == str(many) == str(sheet)
        return
    assert isinstance(result, gr.Result), result
    assert isinstance(many, gr.Result), many
    assert figures(sheet) == figures(result) == figures(many)
    assert sheet.maximum >= 0
    sheet.to_text()
    assert gr.ScoreSheet.from_dict(sheet.to_dict()) == sheet
    # every changed value that was taken is read as a person means it
    values, _ = scorer.validator.validate(record)
    for fid in changed:
        field = scorer.rubric.fields[fid]
        raw = record[fid]
        if missing(raw):
            assert fid not in record or fid in values  # took its default
            continue
        if field.kind in NUMBERS:
            meant = number_meant(raw)
            assert meant is not None, f"{fid}: {raw!r} taken as {values[fid]!r}"
            assert values[fid] == meant, f"{fid}: {raw!r} read as {values[fid]!r}"
            assert not values[fid].is_signed() or not values[fid], values[fid]
            assert "-0" not in sheet.evidence[fid]
        elif field.kind is FieldKind.FLAG:
            assert values[fid] is flag_meant(raw), f"{fid}: {raw!r} read as {values[fid]!r}"


@st.composite
def one_value(draw: st.DrawFn) -> tuple[str, dict[str, Any], str]:
    """A rubric's example record with one number or flag field given a scalar of any kind."""
    name = draw(st.sampled_from(sorted(CASES)))
    scorer, record, _ = prepared(name)
    fields = sorted(
        fid for fid, f in scorer.rubric.fields.items() if f.kind in (*NUMBERS, FieldKind.FLAG)
    )
    fid = draw(st.sampled_from(fields))
    return name, {**record, fid: draw(SCALARS)}, fid


@given(one_value())
@example(("juweihui", {**prepared("juweihui")[1], "floating_residents": 1}, "floating_residents"))
def test_a_number_or_flag_taken_is_read_as_written(case: tuple[str, dict[str, Any], str]) -> None:
    name, record, fid = case
    scorer, _, period = prepared(name)
    result = outcome(lambda: scorer.result(record, period=period))
    (many,) = outcome(lambda: list(scorer.results([record], period=period, return_errors=True)))
    sheet = outcome(lambda: scorer.score(record, period=period))
    if isinstance(result, gr.GridrulesError):
        assert isinstance(many, gr.GridrulesError)
        assert isinstance(sheet, gr.GridrulesError)
        problems = result.problems if isinstance(result, gr.EvidenceError) else ()
        # the changed field is the one named, or the other field of a pair checked together
        # (a rate's count above its whole: "18 is more than floating_residents (1)") names it
        assert len(problems) <= 1, problems
        assert all(p.field == fid or fid in p.message for p in problems), problems
        return
    assert figures(result) == figures(many) == figures(sheet)
    raw, field = record[fid], scorer.rubric.fields[fid]
    if missing(raw):
        assert fid in sheet.defaults
        return
    value = scorer.validator.validate(record)[0][fid]
    if field.kind is FieldKind.FLAG:
        assert value is flag_meant(raw), f"{raw!r} read as {value!r}"
        return
    meant = number_meant(raw)
    assert meant is not None, f"{raw!r} read as {value!r}"
    assert value == meant, f"{raw!r} read as {value!r}"
    assert repr(value) == repr(canonical(meant)), "one number, one form"
    assert sheet.evidence[fid] == fmt(meant)  # shown as written, less trailing zeros


@given(st.sampled_from(sorted(CASES)), st.dictionaries(st.text(max_size=6), VALUES, max_size=6))
def test_a_record_of_anything_at_all_is_scored_or_refused(
    name: str, record: dict[str, Any]
) -> None:
    scorer, _, period = prepared(name)
    sheet = outcome(lambda: scorer.score(record, period=period))
    result = outcome(lambda: scorer.result(record, period=period))
    assert isinstance(sheet, gr.GridrulesError) == isinstance(result, gr.GridrulesError)


@given(VALUES)
def test_not_a_record_is_refused(value: Any) -> None:
    scorer, _, period = prepared("jiangcheng")
    if isinstance(value, dict):
        return  # a record: the tests above
    got = outcome(lambda: scorer.result(value, period=period))
    assert isinstance(got, gr.GridrulesError)


@given(SCALARS, SCALARS)
def test_who_and_when_are_text_or_refused(assessee: Any, period: Any) -> None:
    scorer, record, _ = prepared("jiangcheng")
    sheet = outcome(lambda: scorer.score(record, assessee=assessee, period=period))
    if isinstance(sheet, gr.GridrulesError):
        return
    assert assessee is None or isinstance(assessee, str)
    if isinstance(assessee, str):
        assert sheet.assessee == (assessee.strip() or None)
    text = sheet.to_text()
    for shown in (sheet.assessee, sheet.period):
        assert shown is None or shown in text


def test_nan_and_numpy_scalars_from_a_data_frame_read_as_written() -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        [
            {"missed_signins": 3, "late_reports": None, "no_patrol_records": True},
            {"missed_signins": 1, "late_reports": 2, "no_patrol_records": False},
        ]
    )
    records = frame.to_dict("records")
    assert math.isnan(records[0]["late_reports"])  # an empty cell is a NaN; 2 is then 2.0
    # a cell at a time, the data frame gives NumPy's scalars
    cells = {column: frame[column].iloc[1] for column in frame.columns}
    assert {type(v).__module__ for v in cells.values()} == {"numpy"}
    rubric = gr.load("jiangcheng", {"monthly_visit_deduction": 1, "quarterly_visit_deduction": 2})
    by_hand = [
        {"missed_signins": 3, "no_patrol_records": True},
        {"missed_signins": 1, "late_reports": 2, "no_patrol_records": False},
    ]
    scorer = rubric.prepare()
    assert [scorer.result(r) for r in records] == [scorer.result(r) for r in by_hand]
    assert list(scorer.results(records)) == [scorer.result(r) for r in by_hand]
    assert scorer.result(cells) == scorer.result(by_hand[1])
    assert list(scorer.results([cells, records[0]])) == [scorer.result(r) for r in by_hand[::-1]]
    sheet = rubric.score(records[0])
    assert "late_reports" in sheet.defaults
    assert sheet.total == rubric.score(by_hand[0]).total
    # numpy's own scalars of every kind, read as the Python value they hold
    numpy = pytest.importorskip("numpy")
    assert scorer.result({"missed_signins": numpy.int64(3)}) == scorer.result({"missed_signins": 3})
    assert scorer.result({"missed_signins": numpy.float64(3.0)}) == scorer.result(
        {"missed_signins": 3}
    )
    assert scorer.result({"no_patrol_records": numpy.bool_(True)}) == scorer.result(
        {"no_patrol_records": True}
    )
    with pytest.raises(gr.EvidenceError, match="whole number"):
        scorer.result({"missed_signins": numpy.float64(2.5)})
    # wherever a number is read: a rule's points, a stored result
    assert repr(to_decimal(numpy.float64(0.1))) == repr(Decimal("0.1"))
    assert repr(to_decimal(numpy.int64(-3))) == repr(Decimal(-3))
    assert gr.PerOccurrence("n", numpy.float64(0.5)) == gr.PerOccurrence("n", "0.5")
    stored = scorer.result({"missed_signins": 3}).to_dict()
    as_numpy = {**stored, "total": numpy.float64(98.5), "bonus": numpy.int64(0)}
    assert gr.Result.from_dict(as_numpy) == scorer.result({"missed_signins": 3})
    # parameters from a data frame too: 1.5 and 2 as written
    given = gr.load(
        "jiangcheng",
        {
            "monthly_visit_deduction": numpy.float64(1.5),
            "quarterly_visit_deduction": numpy.int64(2),
        },
    ).prepare()
    assert given.params == {
        "monthly_visit_deduction": Decimal("1.5"),
        "quarterly_visit_deduction": Decimal(2),
    }


def test_a_value_of_megabytes_and_millions_of_unknown_fields_make_short_messages() -> None:
    scorer, record, _ = prepared("jiangcheng")
    with pytest.raises(gr.EvidenceError) as caught:
        scorer.result({**record, "missed_signins": "x" * 10_000_000})
    assert len(str(caught.value)) < 500
    many = {f"field{n}": 1 for n in range(2_500_000)}
    with pytest.raises(gr.EvidenceError) as caught:
        scorer.result(many)
    message = str(caught.value)
    assert len(caught.value.problems) == gr.errors.SHOWN_PROBLEMS
    assert message.endswith("... and 2,500,000 more") or "more" in message.splitlines()[-1]
    assert len(message) < 20_000
    with pytest.raises(gr.EvidenceError) as caught:
        scorer.result({"名" * 5_000_000: 1})
    assert len(str(caught.value)) < 1_000
    # a level given a million names it does not know, or one name of a million characters
    levels, (level,) = gr.load("liujiaoting").prepare(), ["commendation"]
    points = {"dept_points": 50, "community_points": 20, "service_points": 5}
    for names in ([f"名{n}" for n in range(1_000_000)], "名" * 1_000_000):
        with pytest.raises(gr.EvidenceError, match="unknown name") as caught:
            levels.result({**points, level: names})
        assert len(str(caught.value)) < 500
    with pytest.raises(gr.EvidenceError, match="名0、名1、名2; expected some of"):
        levels.result({**points, level: ["名0", "名1", "名2"]})


def test_an_error_lists_the_first_hundred_problems_and_counts_the_rest() -> None:
    problems = [gr.Problem(f"f{n}", "unknown field", "x" * 10_000) for n in range(2_500)]
    error = gr.EvidenceError("rubric 'r'", problems)
    lines = str(error).splitlines()
    assert lines[0] == "rubric 'r': 2,500 problems in the evidence:"
    assert len(error.problems) == gr.errors.SHOWN_PROBLEMS == len(lines) - 2
    assert lines[-1] == "  ... and 2,400 more"
    assert error.omitted == 2_400
    assert len(str(error)) < 5_000  # the values themselves are never in the message


def test_a_negative_zero_is_zero_on_every_path() -> None:
    rubric = gr.load("xingji")
    scorer = rubric.prepare()
    _, record, _ = prepared("xingji")
    rate = next(fid for fid, f in rubric.fields.items() if f.kind is FieldKind.PERCENTAGE)
    for zero in ("-0", "-0.0", -0.0, Decimal("-0"), Decimal("-0E+3"), "-0%", "-0.000"):
        sheet = scorer.score({**record, rate: zero})
        assert sheet.evidence[rate] == "0", zero
        assert "-0" not in sheet.to_text()
        assert "-0" not in sheet.to_html()
        assert figures(sheet) == figures(scorer.result({**record, rate: 0}))
    assert not plain(scorer.validator.validate({**record, rate: -0.0})[0][rate]).is_signed()
