"""Hostile rubric and parameters files: whatever a file holds, reading it gives a rubric (or
parameters) that then shows and scores without an unexpected exception, or a GridrulesError that
names the file and says why. A parameter taken is read as written; a file is never executed.
"""

from __future__ import annotations

import copy
import csv
import json
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hostile_values import SCALARS, VALUES, attempt, number_meant
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import gridrules as gr
from gridrules import render
from gridrules.batch import Layout, run_batch
from gridrules.io.datafiles import (
    MAX_DEPTH,
    load_params,
    load_rubric,
    loads_document,
    loads_rubric,
    params_of,
)
from gridrules.model.fields import FieldKind
from gridrules.serialization import unstructure_rubric

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RUBRICS = ("jiangcheng", "liujiaoting", "wanggezhang-member", "xingji", "ernvqiao", "shequ-pingtai")
"""Bundled rubrics to spoil: counts and flags, levels and a combination, ballots and weights,
percentages, counts per unit of time and parametric grade bands, text fields."""
PARAMS = {
    "jiangcheng": "jiangcheng/params.toml",
    "wanggezhang-member": "wanggezhang/params.toml",
    "ernvqiao": "ernvqiao/params.toml",
}
EVIDENCE = {
    "jiangcheng": "jiangcheng/wang-fang.toml",
    "liujiaoting": "liujiaoting/chen-jing.toml",
    "wanggezhang-member": "wanggezhang/member-wang-fang.toml",
    "xingji": "xingji/sun-li.toml",
    "ernvqiao": "ernvqiao/sun-hua.toml",
    "shequ-pingtai": "shequ-pingtai/dongfeng.toml",
}


def data_of(name: str) -> dict[str, Any]:
    return unstructure_rubric(gr.load(name))


def as_plain(value: Any) -> Any:
    """``value`` as JSON can hold it (Decimals as text, tuples as lists)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): as_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_plain(v) for v in value]
    if type(value).__module__ == "numpy":
        return value.item()
    return value


def as_toml(value: Any) -> Any:
    """``value`` as TOML can hold it: no nulls, no NaN, lists of one type (or the text)."""
    if isinstance(value, dict):
        return {k: as_toml(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        items = [as_toml(v) for v in value if v is not None]
        kinds = {type(v) for v in items}
        return items if len(kinds) <= 1 else [str(v) for v in items]
    if isinstance(value, float) and value != value:
        return "nan"
    return value


def paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``data`` a value sits, from the top down."""
    found = [here] if here else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*here, key))
    elif isinstance(data, list):
        for at, value in enumerate(data):
            found += paths(value, (*here, at))
    return found


@st.composite
def spoilt_rubric(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A bundled rubric's data with a few values replaced, keys dropped or added."""
    name = draw(st.sampled_from(RUBRICS))
    data = copy.deepcopy(data_of(name))
    for _ in range(draw(st.integers(1, 3))):
        places = paths(data)
        where = draw(st.sampled_from(places))
        parent: Any = data
        for step in where[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if action == "replace":
            parent[where[-1]] = as_plain(draw(VALUES))
        elif action == "drop":
            del parent[where[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = as_plain(draw(SCALARS))
        else:
            parent.append(as_plain(draw(VALUES)))
    return name, data


def shown_and_scored(rubric: gr.Rubric, name: str) -> None:
    """A rubric read from a file shows, and scores its example record, or says why not."""
    for show in (render.rubric_text, render.rubric_markdown, render.rubric_html):
        show(rubric)
    record = gr.load_evidence(EXAMPLES / EVIDENCE[name])
    params = load_params(EXAMPLES / PARAMS[name]) if name in PARAMS else None
    sheet, _ = attempt(
        lambda: rubric.score(record.record, params, period=record.period or "2026-Q3")
    )
    if sheet is None:
        return
    sheet.to_text()
    sheet.to_html()
    assert gr.ScoreSheet.from_dict(json.loads(sheet.to_json())) == sheet


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spoilt_rubric(), st.sampled_from(["json", "toml"]))
def test_a_spoilt_rubric_file_is_read_or_refused_by_name(
    case: tuple[str, dict[str, Any]], fmt: str
) -> None:
    name, data = case
    text = json.dumps(data, ensure_ascii=False) if fmt == "json" else tomli_w.dumps(as_toml(data))
    rubric, error = attempt(lambda: loads_rubric(text, fmt, where="spoilt.rubric"))
    if rubric is None:
        assert isinstance(error, gr.DataFileError), type(error)
        assert str(error).startswith("spoilt.rubric"), str(error)[:200]
        event("refused")
        return
    event("read")
    shown_and_scored(rubric, name)


@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_text_is_a_rubric_or_refused(text: str) -> None:
    for fmt in ("json", "toml"):
        _, error = attempt(partial(loads_rubric, text, fmt))
        assert error is None or isinstance(error, gr.DataFileError)


@given(st.binary(max_size=300))
def test_any_bytes_in_a_data_file_are_refused_by_name(tmp_path_factory: Any, raw: bytes) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    for suffix in (".json", ".toml"):
        path = folder / f"data{suffix}"
        path.write_bytes(raw)
        for read in (load_rubric, load_params, gr.load_evidence):
            _, error = attempt(partial(read, path))
            assert error is None or isinstance(error, gr.DataFileError)
            assert error is None or str(path) in str(error)


# -- parameters -------------------------------------------------------------------------------

PARAMETRIC = ("jiangcheng", "wanggezhang-member", "ernvqiao")


@st.composite
def spoilt_params(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A rubric's example parameters with some values replaced and keys added or dropped."""
    name = draw(st.sampled_from(PARAMETRIC))
    params = load_params(EXAMPLES / PARAMS[name])
    names = sorted(params)
    for key in draw(st.lists(st.sampled_from(names), max_size=3)):
        params[key] = as_plain(draw(SCALARS))
    for key in draw(st.lists(st.sampled_from(names), max_size=1)):
        params.pop(key, None)
    for key in draw(st.lists(st.text(max_size=8), max_size=1)):
        params[key] = as_plain(draw(VALUES))
    return name, params


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(spoilt_params(), st.sampled_from(["json", "toml"]))
def test_spoilt_parameters_are_taken_as_written_or_refused(
    case: tuple[str, dict[str, Any]], fmt: str
) -> None:
    name, params = case
    text = (
        json.dumps(params, ensure_ascii=False) if fmt == "json" else tomli_w.dumps(as_toml(params))
    )
    rubric, _ = attempt(lambda: gr.load(name, params_of(loads_document(text, fmt, "p"), "p")))
    if rubric is None:
        event("parameters refused")
        return
    event("parameters taken")
    scorer = rubric.prepare()
    kinds = {p.name: p.kind for p in rubric.parameters}
    for key, raw in params.items():
        if key in kinds and kinds[key] is not FieldKind.TEXT and raw is not None:
            meant = number_meant(raw)
            assert meant is not None, (key, raw)
            assert scorer.params[key] == meant, (key, raw)
    record = gr.load_evidence(EXAMPLES / EVIDENCE[name])
    sheet, _ = attempt(lambda: scorer.score(record.record, period=record.period))
    if sheet is None:
        return
    # never over the maximum (100 for each rubric of PARAMETRIC: no parameter moves it)
    assert sheet.base <= sheet.maximum
    sheet.to_text()


# -- targeted: duplicate keys, nesting, numbers too long -------------------------------------


def test_a_key_given_twice_is_refused_in_evidence_rubric_and_parameters_files(
    tmp_path: Path,
) -> None:
    evidence = tmp_path / "zm.json"
    evidence.write_text('{"missed_signins": 1, "missed_signins": 5}', encoding="utf-8")
    with pytest.raises(gr.DataFileError, match="the key 'missed_signins' is given twice"):
        gr.load_evidence(evidence)
    params = tmp_path / "params.json"
    params.write_text(
        '{"monthly_visit_deduction": 1, "quarterly_visit_deduction": 2, '
        '"monthly_visit_deduction": 9}',
        encoding="utf-8",
    )
    with pytest.raises(gr.DataFileError, match="the key 'monthly_visit_deduction' is given twice"):
        load_params(params)
    data = data_of("jiangcheng")
    text = json.dumps(data, ensure_ascii=False)
    first = next(
        value
        for where in paths(data)
        if isinstance(value := _at(data, where), dict) and value.get("kind") == "PerOccurrence"
    )
    rule = json.dumps(first, ensure_ascii=False)
    assert '"points": ' in rule
    assert rule in text
    twice = rule.replace('"points": ', '"points": "9", "points": ', 1)
    rubric = tmp_path / "rubric.json"
    rubric.write_text(text.replace(rule, twice, 1), encoding="utf-8")
    with pytest.raises(gr.DataFileError, match="the key 'points' is given twice"):
        load_rubric(rubric)
    # and the command line, which reads evidence and parameters the same way
    from click.testing import CliRunner

    from gridrules import cli

    for args, words in (
        ([str(evidence)], "the key 'missed_signins' is given twice"),
        (
            [str(EXAMPLES / "jiangcheng" / "wang-fang.toml"), "--params", str(params)],
            "the key 'monthly_visit_deduction' is given twice",
        ),
    ):
        done = CliRunner().invoke(cli.main, ["score", "jiangcheng", *args])
        assert done.exit_code == 2, done.output
        assert words in done.stderr
    done = CliRunner().invoke(
        cli.main,
        ["score", "jiangcheng", "-", "--params", str(EXAMPLES / "jiangcheng" / "params.toml")],
        input='{"missed_signins": 1, "missed_signins": 5}',
    )
    assert done.exit_code == 2
    assert "<stdin>: the key 'missed_signins' is given twice" in done.stderr


def _at(data: Any, where: tuple[Any, ...]) -> Any:
    for step in where:
        data = data[step]
    return data


def _deep_rubric(sections: int) -> str:
    item = (
        '{"node": "item", "id": "i", "label": "项", "maximum": 10, "clause": "每次扣1分", '
        '"rules": [{"kind": "PerOccurrence", "field": "n", "points": 1}]}'
    )
    text = item
    for depth in range(sections):
        text = (
            f'{{"node": "section", "id": "s{depth}", "label": "节", "maximum": 10, '
            f'"children": [{text}]}}'
        )
    return f'{{"name": "deep", "title": "深", "maximum": 10, "children": [{text}]}}'


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("evidence.json", '{"n": ' + "[" * 100_000 + "]" * 100_000 + "}", "evidence"),
        ("evidence.json", '{"n": ' + "[" * 400 + "]" * 400 + "}", "evidence"),
        ("rubric.json", _deep_rubric(900), "rubric"),
        ("rubric.toml", "name = 'x'\nv = " + "[" * 10_000 + "]" * 10_000 + "\n", "rubric"),
        ("params.toml", "v = " + "[" * 10_000 + "]" * 10_000 + "\n", "parameters"),
    ],
)
def test_files_nested_too_deeply_are_refused_by_name(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    read = {"evidence": gr.load_evidence, "rubric": gr.load, "parameters": load_params}[where]
    with pytest.raises(gr.DataFileError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert f"more than {MAX_DEPTH} levels" in message
    assert "unknown error" not in message
    if where != "rubric":
        from click.testing import CliRunner

        from gridrules import cli

        args = (
            [str(path)]
            if where == "evidence"
            else [str(EXAMPLES / "jiangcheng" / "wang-fang.toml"), "--params", str(path)]
        )
        done = CliRunner().invoke(cli.main, ["score", "jiangcheng", *args])
        assert done.exit_code == 2
        assert f"more than {MAX_DEPTH} levels" in done.stderr


def test_a_rubric_nested_just_within_the_limit_is_read() -> None:
    # a section is a table in a list: two levels; the rubric's own table and its list of
    # children two more, the item and its rules three
    sections = (MAX_DEPTH - 5) // 2
    assert loads_rubric(_deep_rubric(sections), "json").name == "deep"
    with pytest.raises(gr.DataFileError, match="nested more than"):
        loads_rubric(_deep_rubric(sections + 1), "json")


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_numbers_of_thousands_of_digits_in_a_file_are_refused_by_name(fmt: str) -> None:
    digits = "9" * 5000
    data = loads_document(
        f'{{"missed_signins": {digits}}}' if fmt == "json" else f"missed_signins = 1.{digits}",
        fmt,
        "e",
    )  # read whole: the field's check refuses it
    rubric = gr.load("jiangcheng", {"monthly_visit_deduction": 1, "quarterly_visit_deduction": 2})
    with pytest.raises(gr.EvidenceError, match=r"too long|digits|decimal places") as caught:
        rubric.score(data)
    assert len(str(caught.value)) < 500
    if fmt == "toml":  # a TOML integer that long: the parser itself refuses, and is caught
        with pytest.raises(gr.DataFileError, match="a number is too long to read"):
            loads_document(f"missed_signins = {digits}", "toml", "e")


# -- every other data file: mappings, calendars, feeds, event logs, ballots in a cell ----------

DEEP_TOML = "v = " + "[" * 10_000 + "]" * 10_000 + "\n"
LONG = "9" * 5_000


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("map.toml", DEEP_TOML, "nested too deeply"),
        ("map.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ("map.toml", f"a = {LONG}\n", "a number is too long to read"),
        ("map.json", '{"缺签到": "missed_signins", "缺签到": "late_reports"}', "given twice"),
    ],
)
def test_a_column_mapping_file_is_read_as_every_data_file_is(
    tmp_path: Path, name: str, text: str, words: str
) -> None:
    from gridrules.io.headers import read_header_map

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(gr.DataFileError, match=words) as caught:
        read_header_map(path)
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('name = "x"\n' + DEEP_TOML, "nested too deeply"),
        (f'name = "x"\nbase = "CN"\nyear = {LONG}\n', "a number is too long to read"),
    ],
)
def test_a_local_calendar_file_is_refused_by_name(tmp_path: Path, text: str, words: str) -> None:
    from gridrules.calendars import load_local_calendar

    path = tmp_path / "calendar.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(gr.DataFileError, match=words) as caught:
        load_local_calendar(path)
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    ("text", "words"),
    [(DEEP_TOML, "nested too deeply"), (f"a = {LONG}\n", "a number is too long to read")],
)
def test_a_feeds_file_is_refused_by_name(tmp_path: Path, text: str, words: str) -> None:
    from gridrules.events import FeedError, load_feeds

    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FeedError, match=words):
        load_feeds(path, gr.load("jiangcheng"))


def test_an_event_log_rejects_a_row_with_a_key_twice_too_deep_or_too_long() -> None:
    import io

    from gridrules.events import read_events

    good = '{"assessee": "w1", "type": "sign_in", "time": "2026-10-09T08:30"}'
    lines = [
        good,
        '{"assessee": "w1", "type": "sign_in", "type": "visit", "time": "2026-10-09T08:30"}',
        '{"assessee": "w1", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"assessee": "w1", "x": ' + LONG + "}",
        good,
    ]
    log = read_events(io.StringIO("\n".join(lines) + "\n"), format="jsonl")
    assert [e.line for e in log.events] == [1, 5]
    reasons = {row.line: row.reason for row in log.rejected}
    assert (
        reasons[2]
        == "the key 'type' is given twice in one table: which value is meant cannot be known"
    )
    assert reasons[3] == "nested too deeply to be read"
    assert reasons[4] == "holds a number too long to read"


def test_ballots_written_as_json_in_a_cell_are_read_as_every_json_is(tmp_path: Path) -> None:
    params = load_params(EXAMPLES / "wanggezhang" / "params.toml")
    rubric = gr.load("wanggezhang-member")
    fine = '{"A": [[22, 22, 23, 23]], "B": [[21, 21, 21, 22]], "C": [[20, 20, 20, 20]]}'
    cells = {
        "王芳": fine,
        "李强": '{"A": [[22, 22, 23, 23]], "A": [[1, 1, 1, 1]]}',
        "赵敏": '{"A": ' + "[" * 1_000 + "]" * 1_000 + "}",
        "钱进": '{"A": [[' + LONG + ", 1, 1, 1]]}",
    }
    source = tmp_path / "in.csv"
    columns = "assessee,ballots,attendance_points,events_reported,info_points,visits_points"
    source.write_text(
        columns
        + "\n"
        + "".join(
            f'{who},"{text.replace(chr(34), chr(34) * 2)}",100,135,92,90\n'
            for who, text in cells.items()
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    summary = run_batch(rubric, source, out, params=params, layout=Layout(default_period="2026-Q3"))
    assert (summary.scored, summary.rejected) == (1, 3)
    with (tmp_path / "out.errors.csv").open(encoding="utf-8-sig", newline="") as stream:
        reasons = {row["assessee"]: row["reason"] for row in csv.DictReader(stream)}
    assert "the key 'A' is given twice" in reasons["李强"]
    assert "nested too deeply" in reasons["赵敏"]
    assert "digits before the decimal point" in reasons["钱进"]


def test_a_text_parameter_is_one_bounded_text() -> None:
    # xize2017's 近期内 window is a text the region fills in, shown on the sheet
    params = load_params(EXAMPLES / "xize2017" / "params.toml")
    assert isinstance(params["recent_window"], str)
    for bad, words in (
        ("近" * 2_001, "longer than the 2000 allowed"),
        ("三个月\x00", "control characters"),
        ("   ", "a name cannot be empty"),
        (["三个月"], "expected text, got list"),
    ):
        with pytest.raises(gr.ParameterError, match=words) as caught:
            gr.load("xize2017", {**params, "recent_window": bad})
        assert len(str(caught.value)) < 2_000
    taken = gr.load("xize2017", {**params, "recent_window": " 三个月 "}).prepare()
    assert taken.params["recent_window"] == "三个月"
    # and a rubric's own default or value for a text parameter is held to the same
    for bad in ("近" * 2_001, "三个月\x00"):
        with pytest.raises(gr.RubricError, match="parameter 'window' is text"):
            gr.Parameter("window", "近期内", "近期内", kind=FieldKind.TEXT, default=bad)
