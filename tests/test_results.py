"""Scorer.results (many records at once) gives Scorer.result's very Results, record by record.

Equality is digit for digit (``repr`` of every Decimal, see test_paths_agree.exact), and a record
that cannot be scored must fail with result()'s own problems, in its place. The records are
spelt every way a platform or a spreadsheet sends them, so that both ways of reading a column
(by its raw values, and value by value) and the hand-over to result() are exercised.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import PERIOD, rubrics
from test_paths_agree import from_result, jiangcheng_records

import gridrules as gr
from gridrules.engine import columns as _columns
from gridrules.serialization import load_params
from gridrules.testing import evidence

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PARAMS = {"monthly_visit_deduction": "1", "quarterly_visit_deduction": "2"}


def one_by_one(scorer: gr.Scorer, records: list[Any], **kw: Any) -> list[Any]:
    """What result() makes of each record: its Result, or its error's problems."""
    out: list[Any] = []
    for record in records:
        try:
            out.append(from_result(scorer.result(record, **kw)))
        except gr.EvidenceError as error:
            out.append([(p.field, p.message) for p in error.problems])
        except gr.GridrulesError as error:
            out.append(str(error))
    return out


def all_at_once(scorer: gr.Scorer, records: list[Any], **kw: Any) -> list[Any]:
    out: list[Any] = []
    for got in scorer.results(records, return_errors=True, **kw):
        if isinstance(got, gr.EvidenceError):
            out.append([(p.field, p.message) for p in got.problems])
        elif isinstance(got, gr.GridrulesError):
            out.append(str(got))
        else:
            out.append(from_result(got))
    return out


def agree(scorer: gr.Scorer, records: list[Any], **kw: Any) -> list[Any]:
    expected = one_by_one(scorer, records, **kw.get("one", {}))
    for size in kw.get("sizes", (1, 3, 1024)):
        assert all_at_once(scorer, records, chunk_size=size, **kw.get("one", {})) == expected
    return expected


# -- spelling records the ways they come --------------------------------------------------


def respell(value: Any, rng: random.Random) -> Any:
    """The same value as a platform or a spreadsheet might send it."""
    if isinstance(value, bool):
        return rng.choice([value, "是" if value else "否", "true" if value else "false"])
    if isinstance(value, Decimal):
        whole = value == value.to_integral_value()
        return rng.choice([value, str(value), int(value) if whole else str(value)])
    if isinstance(value, int):
        return rng.choice([value, value, str(value)])
    if isinstance(value, tuple):
        return rng.choice([value, list(value), "、".join(value)])
    if isinstance(value, dict):  # ballots: mostly whole scores as ints, as a form sends them
        whole = rng.random() < 0.7
        return {
            kind: [
                [int(s) if whole or s == s.to_integral_value() else s for s in ballot]
                for ballot in ballots
            ]
            for kind, ballots in value.items()
        }
    return value


def spoil(record: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The record with one thing wrong, or left out, or spelt unusually."""
    record = dict(record)
    if not record:
        return record
    field = rng.choice(sorted(record))
    how = rng.randrange(7)
    if how == 0:
        record[field] = -1
    elif how == 1:
        record[field] = True
    elif how == 2:
        record["no_such_field"] = 1
    elif how == 3:
        del record[field]
    elif how == 4:
        record[field] = None
    elif how == 5:
        record[field] = 2.0
    else:
        record[field] = "x"
    return record


@st.composite
def batches(draw: st.DrawFn, rubric: gr.Rubric) -> list[Any]:
    rng = random.Random(draw(st.integers(0, 2**32)))
    records: list[Any] = []
    for record in draw(st.lists(evidence(rubric, period=PERIOD), min_size=1, max_size=12)):
        spelt = {k: respell(v, rng) for k, v in record.items()}
        records.append(spoil(spelt, rng) if rng.random() < 0.2 else spelt)
    return records


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), rubrics())
def test_results_agree_with_result_on_generated_rubrics(
    data: st.DataObject, rubric: gr.Rubric
) -> None:
    scorer = rubric.prepare()
    records = data.draw(batches(rubric))
    agree(scorer, records, one={"period": PERIOD})
    # again, with every table already filled by the first pass
    agree(scorer, records, sizes=(5,), one={"period": PERIOD})


@st.composite
def weighted_rubrics(draw: st.DrawFn) -> gr.Rubric:
    """A generated rubric's items inside weighted, rounded sections, with ballots beside them
    and a floor and rounding on the total: what the generated rubrics alone do not reach."""
    base = draw(rubrics())
    criteria = [
        gr.Criterion("a", "甲", draw(st.sampled_from([10, 25, "12.5"]))),
        gr.Criterion("b", "乙", 10),
    ]
    weight = draw(st.sampled_from(["0.5", "0.7", "1"]))
    types = [gr.BallotType("A", "A票", weight), gr.BallotType("B", "B票", 1 - Decimal(weight))]
    ballots = gr.Ballots(
        "votes",
        types,
        criteria,
        void_if_all_full=draw(st.booleans()),
        empty=draw(st.sampled_from(["reweight", "zero"])),
    )
    vote = gr.Item(
        "vote",
        "民主评议",
        10,
        rules=[ballots],
        clause="评议",
        rounding=draw(st.none() | st.just(gr.Rounding(2))),
    )
    first = gr.Section(
        "first",
        "一",
        base.effective_maximum,
        list(base.children),
        rounding=draw(st.none() | st.just(gr.Rounding(1))),
    )
    second = gr.Section("second", "二", 10, [vote], weights=[gr.Weight("vote", 1)])
    return gr.Rubric(
        name="weighted",
        title="加权",
        maximum=100,
        children=[first, second],
        weights=[gr.Weight("first", "0.6"), gr.Weight("second", "0.4")],
        grades=base.grades,
        veto_grades=base.veto_grades,
        parameters=base.parameters,
        remarks=base.remarks,
        stars=base.stars,
        vetoes=base.vetoes,
        bonus_cap=base.bonus_cap,
        floor=draw(st.sampled_from([None, 0, 20])),
        rounding=draw(st.none() | st.just(gr.Rounding(0))),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), weighted_rubrics())
def test_results_agree_with_result_on_weighted_rubrics_with_ballots(
    data: st.DataObject, rubric: gr.Rubric
) -> None:
    scorer = rubric.prepare()
    agree(scorer, data.draw(batches(rubric)), sizes=(1, 4, 1024), one={"period": PERIOD})


BUNDLED = [
    ("jiangcheng", PARAMS),
    ("liujiaoting", None),
    ("xingji", None),
    ("xiaofang", None),
    ("wanggezhang-leader", "wanggezhang"),
    ("wanggezhang-member", "wanggezhang"),
]


def bundled(name: str, params: Any) -> gr.Scorer:
    if params == "wanggezhang":
        params = load_params(EXAMPLES / "wanggezhang" / "params.toml")
    return gr.Scorer(gr.load(name), params)


@pytest.mark.parametrize(("name", "params"), BUNDLED)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_results_agree_with_result_on_every_bundled_rubric(
    name: str, params: Any, data: st.DataObject
) -> None:
    scorer = bundled(name, params)
    records = data.draw(batches(scorer.rubric))
    period = {"period": "2026-10"} if scorer.rubric.needs_working_days else {}
    agree(scorer, records, one=period, sizes=(1, 5, 1024))


def test_results_agree_on_jiangcheng_records_of_every_spelling() -> None:
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    expected = agree(scorer, jiangcheng_records(900))
    assert all(isinstance(e, dict) for e in expected)


# -- what a column must never confuse ----------------------------------------------------


def test_a_bool_in_a_count_column_is_refused_after_ints_were_read() -> None:
    # 1 and True are equal keys: a count column of ints must not vouch for True
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    good = jiangcheng_records(1)[0]
    counts = [{**good, "missed_meetings": n} for n in (0, 1, 2)]
    bools = [{**good, "missed_meetings": True}, {**good, "missed_meetings": False}]
    expected = agree(scorer, counts + bools, sizes=(3,))
    assert expected[3][0][0] == "missed_meetings"
    assert expected[4][0][0] == "missed_meetings"


def test_equal_numbers_of_every_spelling_score_alike_digit_for_digit() -> None:
    # "3", "3.0", 3.0 and Decimal("3.00") are all read as the count 3 (one form for one number),
    # so each deducts 3 × 0.5 = 1.5, on every path, with the same digits
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    good = {**jiangcheng_records(1)[0], "missed_signins": 0}
    records = [
        {**good, "missed_signins": spelling}
        for spelling in (3, "3", "3.0", Decimal("3.0"), Decimal(3), 3.0, "3.00")
    ]
    expected = agree(scorer, records)
    signins = {e["items"]["attendance"] for e in expected if isinstance(e, dict)}
    assert signins == {repr(Decimal("8.5"))}  # 10 − 1.5


def test_records_that_are_not_plain_dicts_are_scored_the_one_record_way() -> None:
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    good = jiangcheng_records(3)
    records: list[Any] = [
        good[0],
        OrderedDict(good[1]),
        MappingProxyType(good[2]),
        ["not", "a", "record"],
        "text",
        None,
        good[0],
    ]
    expected = agree(scorer, records)
    assert [isinstance(e, dict) for e in expected] == [True, True, True, False, False, False, True]


def test_tables_stay_bounded_and_give_the_same_results_once_emptied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_columns, "LIMIT", 5)
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    good = jiangcheng_records(1)[0]
    records = [
        {**good, "missed_signins": n % 13, "missed_meetings": str(n % 11)} for n in range(60)
    ]
    agree(scorer, records, sizes=(4, 16))
    by_columns = scorer._chunks
    assert by_columns is not None
    for reader in by_columns._readers:
        for valid, invalid in reader.memos.values():
            assert len(valid) + len(invalid) <= 16  # the bound, or one chunk's distinct values


# -- ballots, summed a whole column at a time ---------------------------------------------


def ballots_scorer(**kw: Any) -> gr.Scorer:
    criteria = [
        gr.Criterion("a", "甲", 25),
        gr.Criterion("b", "乙", 25),
        gr.Criterion("c", "丙", 50),
    ]
    types = [
        gr.BallotType("A", "A票", "0.5"),
        gr.BallotType("B", "B票", "0.3"),
        gr.BallotType("C", "C票", "0.2"),
    ]
    rule = gr.Ballots("votes", types, criteria, **kw)
    item = gr.Item("vote", "民主评议", 20, rules=[rule], clause="民主评议（测试条款）")
    return gr.Scorer(gr.Rubric(name="votes", title="评议", maximum=20, children=[item]))


@pytest.mark.parametrize("options", [{}, {"void_if_all_full": False}, {"empty": "zero"}], ids=str)
def test_ballots_of_every_form_agree(options: dict[str, Any]) -> None:
    scorer = ballots_scorer(**options)
    full = [25, 25, 50]
    records: list[Any] = [
        {"votes": {"A": [[20, 21, 40]], "B": [[25, 25, 50], [10, 0, 3]], "C": []}},
        {"votes": {"A": [full, full], "B": [full]}},  # all void
        {"votes": {}},  # none cast
        {"votes": {"A": [[20, 21, 40]] * 7, "C": [(1, 2, 3)]}},  # tuples too
        {"votes": {"A": [[20.0, 21, 40]]}},  # a float: read by the full check
        {"votes": {"A": [["20", "21", "40.5"]]}},  # text
        {"votes": {"A": [[Decimal("20.5"), 21, 40]]}},
        {"votes": {"A": [[True, 21, 40]]}},  # refused
        {"votes": {"A": [[26, 21, 40]]}},  # over a criterion's full marks
        {"votes": {"A": [[20, 21]]}},  # too few scores
        {"votes": {"D": [[20, 21, 40]]}},  # unknown type
        {"votes": {"A": "[[20, 21, 40]]"}},
        {"votes": [[20, 21, 40]]},
        {"votes": {"A": [[-1, 21, 40]]}},
        {"votes": {"A": [[0, 0, 0]], "B": [[25, 25, 49]], "C": [[1, 1, 1], [2, 2, 2], full]}},
    ]
    rng = random.Random(5)
    for _ in range(60):
        records.append(
            {
                "votes": {
                    kind: [
                        [
                            rng.randint(0, 25),
                            rng.randint(0, 25),
                            rng.choice([50, rng.randint(0, 50)]),
                        ]
                        for _ in range(rng.randint(0, 4))
                    ]
                    for kind in "ABC"
                    if rng.random() < 0.9
                }
            }
        )
    expected = agree(scorer, records, sizes=(1, 4, 100))
    assert sum(isinstance(e, dict) for e in expected) >= 60


# -- errors, in place or raised ----------------------------------------------------------


def test_an_error_is_raised_after_the_results_before_it() -> None:
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    records = jiangcheng_records(5)
    records[3] = {**records[3], "missed_meetings": -2}
    got: list[gr.Result] = []
    results = scorer.results(records, chunk_size=10)
    with pytest.raises(gr.EvidenceError) as caught:
        got.extend(results)
    assert len(got) == 3
    assert [from_result(r) for r in got] == one_by_one(scorer, records[:3])
    assert caught.value.problems[0].field == "missed_meetings"
    assert "negative" in caught.value.problems[0].message


def test_errors_returned_in_place_lose_no_record() -> None:
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    records = jiangcheng_records(40)
    for row in (0, 13, 39):
        records[row] = {**records[row], "unknown_field": 1}
    got = list(scorer.results(records, return_errors=True, chunk_size=16))
    assert len(got) == 40
    assert [i for i, g in enumerate(got) if isinstance(g, gr.EvidenceError)] == [0, 13, 39]


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_assessor_points_over_the_maximum_fail_as_in_result(data: st.DataObject) -> None:
    rubric = gr.load("liujiaoting")
    scorer = gr.Scorer(rubric)
    good = data.draw(evidence(rubric, include_defaults=False))
    points_fields = [f.id for f in rubric.fields.values() if f.kind is gr.FieldKind.POINTS]
    assert points_fields
    records = [good, {**good, points_fields[0]: 99}, good]
    expected = agree(scorer, records)
    assert isinstance(expected[0], dict)
    assert isinstance(expected[2], dict)
    assert not isinstance(expected[1], dict)


def test_bad_calls_are_refused() -> None:
    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    # refused when called, before any result is asked for
    with pytest.raises(TypeError, match="iterable of records"):
        scorer.results(jiangcheng_records(1)[0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="chunk_size"):
        scorer.results([], chunk_size=0)
    with pytest.raises(TypeError, match="not iterable"):
        scorer.results(3)  # type: ignore[call-overload]
    assert list(scorer.results([])) == []


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_a_rubric_counting_working_days_needs_the_period(data: st.DataObject) -> None:
    scorer = bundled("wanggezhang-member", "wanggezhang")
    assert scorer.rubric.needs_working_days
    record = data.draw(evidence(scorer.rubric))
    with pytest.raises(gr.GridrulesError, match="period"):
        scorer.results([record])
    for period in ("2026-10", "2026-02"):
        agree(scorer, [record] * 3, one={"period": period}, sizes=(2,))


def test_one_scorer_serves_several_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    scorer = gr.Scorer(gr.load("jiangcheng"), PARAMS)
    records = jiangcheng_records(600)
    expected = one_by_one(scorer, records)
    with ThreadPoolExecutor(4) as pool:
        runs = list(
            pool.map(lambda size: all_at_once(scorer, records, chunk_size=size), [7, 50, 3, 1024])
        )
    assert all(run == expected for run in runs)


def test_the_callers_decimal_context_changes_nothing() -> None:
    from decimal import ROUND_DOWN, localcontext

    # 123457 × 0.001 = 123.457 off 1,000,000: 999876.543, whatever the caller's context (in
    # a context of 3 digits the arithmetic would give 1.00E+6)
    item = gr.Item(
        "x", "项", 1000000, rules=[gr.PerOccurrence("n", "0.001")], clause="每次扣0.001分"
    )
    scorer = gr.Scorer(gr.Rubric(name="wide", title="宽", maximum=1000000, children=[item]))
    records = [{"n": 123457}] * 3
    full = agree(scorer, records)
    with localcontext(prec=3, rounding=ROUND_DOWN, traps=[]):
        short = agree(scorer, records)
        sheet = scorer.score(records[0])
    assert full[0]["total"] == short[0]["total"] == repr(Decimal("999876.543"))
    assert sheet.total == Decimal("999876.543")
    assert agree(scorer, records) == full


def keyed_of(plan: Any) -> list[Any]:
    """Every item's way of working out its column in a ChunkScorer's plan."""
    found = []
    for node, _ in plan:
        if isinstance(node, _columns._SectionNode):
            found += keyed_of(node.children)
        else:
            found.append(node.by if isinstance(node.by, _columns._Keyed) else node.by.keyed)
    return found


@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_tables_of_many_periods_stay_few(data: st.DataObject) -> None:
    scorer = bundled("wanggezhang-member", "wanggezhang")
    record = data.draw(evidence(scorer.rubric, include_defaults=False))
    # months, quarters, half-years and the year: more distinct counts of working days (16 to
    # 248) than an item keeps tables for
    periods = [f"2026-{m:02d}" for m in range(1, 13)] + ["2026-Q1", "2026-Q3", "2026-H2", "2026"]
    for period in periods:
        agree(scorer, [record], one={"period": period}, sizes=(1,))
    by_columns = scorer._chunks
    assert by_columns is not None
    tables = [len(keyed.tables) for keyed in keyed_of(by_columns._plan)]
    assert max(tables) == _columns._SIGNATURES


@given(data=st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_results_json_is_its_dicts_written_by_json_dumps(data: st.DataObject) -> None:
    """Result.to_json writes from pieces it remembers (the service streams many): the text is
    json.dumps of to_dict all the same, byte for byte, and reads back as the same result."""
    import json

    rubric = data.draw(rubrics())
    scorer = rubric.prepare()
    record = data.draw(evidence(rubric))
    try:
        result = scorer.result(record, period=PERIOD)
    except gr.GridrulesError:
        return
    text = result.to_json()
    assert text == json.dumps(result.to_dict(), ensure_ascii=False)
    assert gr.Result.from_dict(json.loads(text)) == result
    assert result.to_json() == text  # from memory the second time
