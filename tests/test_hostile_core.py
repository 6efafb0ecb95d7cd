"""Hostile input to the core, item by item: combinations that mix people and periods, periods
and ``_meta`` nobody checked, numbers too long to keep exact, plugins that exit or usurp a name,
and the values that cross into and out of other software (data frames, JSON).

Each test is one item of what a careless or malicious user tried, and what gridrules does
instead of a silent wrong number or a crash.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from helpers import Dist, EntryPoint, one_item, plugin_rubric, run
from hostile_values import PLAUSIBLE, SCALARS, attempt
from hypothesis import given
from hypothesis import strategies as st

import gridrules as gr
from gridrules import plugins
from gridrules.batch import run_batch
from gridrules.io.datafiles import META_LIMIT, evidence_of, load_params
from gridrules.model.numbers import fmt
from gridrules.plugins import Registry
from gridrules.serialization import dump_rubric, loads_rubric

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PARAMS = EXAMPLES / "jiangcheng" / "params.toml"


# -- combinations mix people and periods ------------------------------------------------------


def _annual(*parts: gr.PeriodPart, method: str = "weighted", **kw: Any) -> gr.Rubric:
    combination = gr.PeriodCombination("annual", "年度考核", list(parts), method=method, **kw)  # type: ignore[arg-type]
    return one_item([gr.PerOccurrence("n", 1)], maximum=100, combinations=[combination])


HALVES = (
    gr.PeriodPart("half_year", "半年考核", "0.4"),
    gr.PeriodPart("year_end", "年终考核", "0.6"),
)


def test_combine_refuses_two_assessees_and_two_years() -> None:
    # 陈静's 2026 half-year combined with 黄磊's 2024 year-end: neither may give a result
    liujiaoting = gr.load("liujiaoting")
    chen = gr.load_evidence(EXAMPLES / "liujiaoting" / "chen-jing.toml")
    huang = gr.load_evidence(EXAMPLES / "liujiaoting" / "huang-lei.toml")
    half = liujiaoting.score(chen.record, assessee=chen.assessee, period="2026-H1")
    other = liujiaoting.score(huang.record, assessee=huang.assessee, period="2026-H2")
    with pytest.raises(gr.GridrulesError, match="combines one assessee's sheets, got several"):
        liujiaoting.combine("annual", {"half_year": half, "year_end": other})
    late = liujiaoting.score(chen.record, assessee=chen.assessee, period="2024-H2")
    with pytest.raises(gr.GridrulesError, match="combines the periods of one year"):
        liujiaoting.combine("annual", {"half_year": half, "year_end": late})
    end = liujiaoting.score(chen.record, assessee=chen.assessee, period="2026-H2")
    combined = liujiaoting.combine("annual", {"half_year": half, "year_end": end})
    # 94 × 40% + 94 × 60% = 94: the same record twice
    assert (combined.total, combined.assessee) == (Decimal(94), chen.assessee)
    assert combined.periods == (("half_year", "2026-H1"), ("year_end", "2026-H2"))


def test_combine_refuses_periods_that_overlap_or_run_backwards() -> None:
    rubric = _annual(*HALVES)
    first = rubric.score({"n": 10}, period="2026-H1")
    with pytest.raises(gr.GridrulesError, match="both of 2026-H1"):
        rubric.combine("annual", {"half_year": first, "year_end": first})
    whole = rubric.score({"n": 10}, period="2026")
    with pytest.raises(gr.GridrulesError, match="overlap"):
        rubric.combine("annual", {"half_year": first, "year_end": whole})
    second = rubric.score({"n": 3}, period="2026-H2")
    with pytest.raises(gr.GridrulesError, match="comes before the one for 'half_year'"):
        rubric.combine("annual", {"half_year": second, "year_end": first})
    # in order and apart: 90 × 40% + 97 × 60% = 36 + 58.2 = 94.2
    assert rubric.combine("annual", {"half_year": first, "year_end": second}).total == Decimal(
        "94.2"
    )


def test_a_part_that_declares_its_period_takes_that_period_alone() -> None:
    quarters = [gr.PeriodPart(f"q{n}", f"第{n}季度", period=f"Q{n}") for n in range(1, 5)]
    rubric = _annual(*quarters, method="mean", missing="mean_of_present")
    q2, q3 = rubric.score({"n": 2}, period="2026-Q2"), rubric.score({"n": 4}, period="2026-Q3")
    # q1's sheet is of the second quarter: refused, though nothing overlaps
    with pytest.raises(
        gr.GridrulesError,
        match=r"'q1' is declared to be Q1 of the year, 2026-Q1, but its sheet is of 2026-Q2",
    ):
        rubric.combine("annual", {"q1": q2, "q2": q3})
    # (98 + 96) ÷ 2 = 97
    assert rubric.combine("annual", {"q2": q2, "q3": q3}).total == 97
    # a year-end that is the whole year, declared so: it may overlap the half-year
    declared = _annual(
        gr.PeriodPart("half_year", "半年考核", "0.4", period="H1"),
        gr.PeriodPart("year_end", "年终考核", "0.6", period="year"),
    )
    half, year = (
        declared.score({"n": 10}, period="2026-H1"),
        declared.score({"n": 3}, period="2026"),
    )
    assert declared.combine("annual", {"half_year": half, "year_end": year}).total == Decimal(
        "94.2"
    )
    second = declared.score({"n": 3}, period="2026-H2")
    with pytest.raises(gr.GridrulesError, match="'year_end' is declared to be year of the year"):
        declared.combine("annual", {"half_year": half, "year_end": second})
    # what a part may declare, and each once
    with pytest.raises(gr.RubricError, match="is not one of year, H1, H2, Q1"):
        gr.PeriodPart("q1", "第一季度", period="2026-Q1")
    with pytest.raises(gr.RubricError, match="two parts declare the same period"):
        _annual(
            gr.PeriodPart("a", "甲", "0.5", period="H1"),
            gr.PeriodPart("b", "乙", "0.5", period="H1"),
        )
    # and it is written to and read from a rubric file
    again = loads_rubric(dump_rubric(declared, "json"), "json")
    assert again == declared


# -- periods and _meta ----------------------------------------------------------------------


def test_every_period_given_is_read_even_when_no_rule_counts_working_days() -> None:
    rubric = gr.load("jiangcheng", {"monthly_visit_deduction": 1, "quarterly_visit_deduction": 2})
    assert not rubric.prepare().needs_working_days
    for call in (
        lambda p: rubric.score({}, period=p),
        lambda p: rubric.prepare().result({}, period=p),
        lambda p: rubric.prepare().results([{}], period=p),
    ):
        for period in ("banana", "2026-13", "2026-Q5", ["2026"], "x" * 1_000_000):
            with pytest.raises(gr.GridrulesError, match="period") as caught:
                call(period)
            assert len(str(caught.value)) < 1_000
        call("2026年10月")
    sheet = rubric.score({}, period=" 2026-10 ")
    assert sheet.period == "2026-10"
    result = run("score", "jiangcheng", EXAMPLES / "jiangcheng" / "wang-fang.toml", "--params",
                 PARAMS, "--period", "banana")  # fmt: skip
    assert result.exit_code == 2
    assert "cannot read 'banana' as a period" in result.stderr


def test_a_batch_reads_every_period_it_is_given(tmp_path: Path) -> None:
    # jiangcheng counts no working days, yet a period column of "banana" is no period: the row
    # is rejected, not scored with "banana" written beside its total
    source = tmp_path / "in.csv"
    source.write_text(
        "assessee,period,missed_signins\n王芳,banana,1\n李强,2026-10,1\n赵敏,,1\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    summary = run_batch(gr.load("jiangcheng"), source, out, params=load_params(PARAMS))
    assert (summary.scored, summary.rejected) == (2, 1)
    errors = (tmp_path / "out.errors.csv").read_text(encoding="utf-8-sig")
    assert "王芳" in errors
    assert "cannot read 'banana' as a period" in errors
    assert "banana" not in out.read_text(encoding="utf-8-sig")
    # --period for the rows without one: refused at once, before any row
    result = run("batch", "jiangcheng", source, "-o", out, "--params", PARAMS, "--period", "x1")
    assert result.exit_code == 2
    assert "--period: cannot read 'x1' as a period" in result.stderr
    # compare reads the periods too, for both rubrics alike
    compared = tmp_path / "compared.csv"
    result = run("compare", "jiangcheng", "jiangcheng", source, "--params", PARAMS, "-o", compared)
    assert result.exit_code == 1
    assert "1 rejected (1 by both" in result.stderr
    assert "cannot read 'banana' as a period" in compared.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("meta", "words"),
    [
        ('"x"', "_meta must be a table naming assessee, period, assessor, got 'x'"),
        ("{ assessee = { a = 1 } }", "_meta.assessee must be text, got dict {'a': 1}"),
        ("{ assessee = 3 }", "_meta.assessee must be text, got int 3"),
        ('{ assessee = "" }', "_meta.assessee must be a text of 1 to 200 characters"),
        (f'{{ assessee = "{"王" * (META_LIMIT + 1)}" }}', "1 to 200 characters"),
        ('{ assessee = "王芳\\n（优秀）" }', "must be one line of text"),
        ('{ assessee = "王芳", reviewer = "x" }', "_meta names 'reviewer'; it may name"),
        ("{ period = true }", "_meta.period must be text, got bool True"),
        ("{ period = [2026] }", "_meta.period must be text, got list [2026]"),
    ],
)
def test_meta_is_validated_in_python_and_on_the_command_line(
    tmp_path: Path, meta: str, words: str
) -> None:
    path = tmp_path / "e.toml"
    path.write_text(f"_meta = {meta}\nmissed_signins = 1\n", encoding="utf-8")
    with pytest.raises(gr.DataFileError) as caught:
        gr.load_evidence(path)
    assert words in str(caught.value)
    assert str(caught.value).startswith(str(path))
    result = run("score", "jiangcheng", path, "--params", PARAMS)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "{'a': 1}" not in result.stdout


def test_meta_that_is_fine_names_the_sheet_and_a_period_may_be_a_year() -> None:
    found = evidence_of({"_meta": {"assessee": " 王芳 ", "period": 2026}, "n": 1}, "here")
    assert (found.assessee, found.period, found.assessor, found.record) == (
        "王芳",
        "2026",
        None,
        {"n": 1},
    )
    result = run("score", "jiangcheng", EXAMPLES / "jiangcheng" / "wang-fang.toml",
                 "--params", PARAMS)  # fmt: skip
    assert result.exit_code == 0
    assert "王芳" in result.stdout


@given(SCALARS)
def test_an_assessee_that_is_not_text_is_never_printed(who: Any) -> None:
    rubric = one_item([gr.PerOccurrence("n", 1)])
    sheet, error = attempt(lambda: rubric.score({"n": 1}, assessee=who, assessor=who))
    if sheet is None:
        assert not isinstance(who, str)
        assert "must be text" in str(error)
        return
    assert who is None or isinstance(who, str)
    assert sheet.assessee == (who.strip() or None if isinstance(who, str) else None)


def test_the_public_loader_gives_the_record_and_its_meta() -> None:
    found = gr.load_evidence(EXAMPLES / "liujiaoting" / "chen-jing.toml")
    assert isinstance(found, gr.Evidence)
    assert found.assessee == "陈静（龙井社区第2网格）"
    assert (found.period, found.assessor) == ("2026年上半年", "六角亭街道考核组")
    assert "_meta" not in found.record
    sheet = gr.load("liujiaoting").score(
        found.record, assessee=found.assessee, period=found.period, assessor=found.assessor
    )
    # 55 + 27 + 9 = 91; bonus 2 稿件 × 1 + 办事处表彰 1 = 3; total 94 (worked in the file)
    assert sheet.total == 94
    assert (sheet.assessee, sheet.period) == (found.assessee, "2026年上半年")
    # the same as the command line scores from the same file
    result = run("score", "liujiaoting", EXAMPLES / "liujiaoting" / "chen-jing.toml",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert gr.ScoreSheet.from_dict(json.loads(result.stdout)) == sheet


# -- numbers too long to keep exact -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (10**28, "29 digits before the decimal point"),
        ("9" * 2_000_000, "characters is too long to be kept exact"),
        (Decimal("1E+80"), "81 digits before the decimal point"),
        # a number written as text is a plain decimal: an exponent is not one
        ("1e400", "got '1e400'"),
        (Decimal("1E-999999999"), "decimal places"),
    ],
)
def test_a_number_too_long_is_refused_by_name_in_python_and_on_the_command_line(
    tmp_path: Path, value: Any, words: str
) -> None:
    rubric = gr.load("jiangcheng", load_params(PARAMS))
    for score in (rubric.score, rubric.prepare().result):
        with pytest.raises(gr.EvidenceError, match=words) as caught:
            score({"missed_signins": value})
        assert len(str(caught.value)) < 500
        assert caught.value.problems[0].field == "missed_signins"
    path = tmp_path / "e.json"
    number = str(value) if isinstance(value, int | Decimal) else json.dumps(value)
    path.write_text(f'{{"missed_signins": {number}}}', encoding="utf-8")
    result = run("score", "jiangcheng", path, "--params", PARAMS)
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_a_rubric_with_points_of_1e400_is_refused_when_read_not_when_shown(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(
        'name = "huge"\ntitle = "大"\nmaximum = 10\n[[children]]\nnode = "item"\nid = "item"\n'
        'label = "项"\nmaximum = 10\nclause = "每次扣分"\n[[children.rules]]\n'
        'kind = "PerOccurrence"\nfield = "missed"\npoints = "1e400"\n',
        encoding="utf-8",
    )
    for args in (("show", path), ("score", path, EXAMPLES / "jiangcheng" / "wang-fang.toml")):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "401 digits before the decimal point" in result.stderr


@given(st.decimals(allow_nan=True) | PLAUSIBLE | st.integers().map(Decimal))
def test_fmt_prints_any_decimal_and_never_fails(value: Decimal) -> None:
    text = fmt(value)
    assert text
    if value.is_finite():
        assert Decimal(text) == value
        assert len(text) <= len(value.as_tuple().digits) + 110
        assert text != "-0"


# -- plugins ----------------------------------------------------------------------------------


class _ExitOnImport:
    """A module finder whose module calls ``sys.exit(3)`` when imported, as a plugin might."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "gridrules_exits_on_import":
            return None
        import importlib.util

        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        sys.exit(3)


@pytest.fixture
def exiting_plugin() -> Iterator[None]:
    finder = _ExitOnImport()
    sys.meta_path.insert(0, finder)
    yield
    sys.meta_path.remove(finder)
    sys.modules.pop("gridrules_exits_on_import", None)


def test_a_plugin_that_exits_on_import_or_in_its_hook_breaks_only_itself(
    fake_modules: Any, exiting_plugin: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exits() -> Any:
        raise SystemExit(3)

    fake_modules("fake_exits_in_hook", exits)
    fake_modules("fake_fine", [plugin_rubric("fine")])
    registry = Registry(
        [
            Dist("gridrules-exits", EntryPoint("exits", "gridrules_exits_on_import")),
            Dist("gridrules-hook", EntryPoint("hook", "fake_exits_in_hook")),
            Dist("gridrules-fine", EntryPoint("fine", "fake_fine")),
        ]
    )
    statuses = {info.name: (info.status, info.error) for info in registry.available()}
    assert statuses["fine"] == ("ok", None)
    assert statuses["exits"][0] == statuses["hook"][0] == "broken"
    assert "SystemExit: 3" in (statuses["exits"][1] or "")
    assert "SystemExit: 3" in (statuses["hook"][1] or "")
    assert registry.get("fine").name == "fine"
    with pytest.raises(gr.PluginError, match="failed to import 'gridrules_exits_on_import'"):
        registry.get("exits")
    # the embedding application and the command line go on
    monkeypatch.setattr(plugins, "_REGISTRY", registry)
    assert [i.name for i in gr.available()] == ["exits", "fine", "hook"]
    result = run("list")
    assert result.exit_code == 0, result.output
    assert "exits (gridrules-exits) is broken" in result.stdout
    assert "fine" in result.stdout


def test_a_plugin_interrupted_by_the_user_is_not_contained(fake_modules: Any) -> None:
    def interrupted() -> Any:
        raise KeyboardInterrupt

    fake_modules("fake_interrupted", interrupted)
    registry = Registry([Dist("gridrules-int", EntryPoint("int", "fake_interrupted"))])
    with pytest.raises(KeyboardInterrupt):
        registry.available()


def test_a_plugin_registering_names_not_its_own_is_the_one_broken(fake_modules: Any) -> None:
    # evil registers its own rubric and xingji's; xing registers "xing-ji", a variant name that
    # is another plugin's own name
    fake_modules("fake_real_xingji", [plugin_rubric("xingji")])
    fake_modules("fake_evil", [plugin_rubric("evil"), plugin_rubric("xingji")])
    fake_modules("fake_xing_ji", [plugin_rubric("xing-ji")])
    fake_modules("fake_xing", [plugin_rubric("xing-ji"), plugin_rubric("xing")])
    for order in (1, -1):
        dists = [
            Dist("gridrules-evil", EntryPoint("evil", "fake_evil")),
            Dist("gridrules-xing", EntryPoint("xing", "fake_xing")),
            Dist("gridrules-xingji", EntryPoint("xingji", "fake_real_xingji")),
            Dist("gridrules-xing-ji", EntryPoint("xing-ji", "fake_xing_ji")),
        ][::order]
        registry = Registry(dists)
        infos = {info.name: info for info in registry.available()}
        assert registry.get("xingji").name == "xingji"
        assert infos["xingji"].distribution == "gridrules-xingji"
        assert registry.get("xing-ji").name == "xing-ji"
        assert infos["xing-ji"].distribution == "gridrules-xing-ji"
        assert infos["evil"].status == "broken"
        assert "registers rubric 'xingji', outside its own names" in (infos["evil"].error or "")
        assert infos["xing"].status == "broken"
        assert "'xing-ji', the name of another plugin" in (infos["xing"].error or "")


def test_a_json_line_naming_its_assessee_with_a_table_is_rejected(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        {"assessee": {"a": 1}, "missed_signins": 1},
        {"assessee": ["王芳"], "missed_signins": 1},
        {"assessee": True, "missed_signins": 1},
        {"assessee": "王芳", "period": {"x": 1}, "missed_signins": 1},
        {"assessee": 12345, "missed_signins": 1},  # a number: a worker's number, as text
        {"assessee": "李强", "missed_signins": 1},
    ]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out.csv"
    summary = run_batch(gr.load("jiangcheng"), source, out, params=load_params(PARAMS))
    assert (summary.scored, summary.rejected) == (2, 4)
    text = out.read_text(encoding="utf-8-sig")
    assert "{'a': 1}" not in text
    assert "12345" in text
    assert "李强" in text
    errors = (tmp_path / "out.errors.csv").read_text(encoding="utf-8-sig")
    assert "expected text, got dict {'a': 1}" in errors
    assert "expected text, got list ['王芳']" in errors


# -- results and combined sheets as data ------------------------------------------------------


def test_results_compare_equal_and_travel_as_data() -> None:
    scorer = gr.load("jiangcheng", load_params(PARAMS)).prepare()
    one, same = scorer.result({"missed_signins": 3}), scorer.result({"missed_signins": "3.0"})
    other = scorer.result({"missed_signins": 4})
    assert one == same
    assert one != other
    assert one != "98.5"
    assert gr.Result.from_dict(one.to_dict()) == one
    assert gr.Result.from_dict(json.loads(one.to_json())) == one
    # 8.5 for 缺签到 3 (10 − 3 × 0.5), every other item full: 98.5
    assert one.to_dict()["total"] == "98.5"


def test_a_result_worked_out_by_division_travels_as_data_digit_for_digit() -> None:
    # three ballots of 80, 82 and 100: the mean 262 ÷ 3 is carried to 28 significant digits,
    # 87.33333333333333333333333333 (26 places, more than an input may have)
    ballots = gr.Ballots(
        "votes",
        [gr.BallotType("A", "群众", 1)],
        [gr.Criterion("all", "总体", 100)],
        void_if_all_full=False,
    )
    result = (
        one_item([ballots], maximum=100).prepare().result({"votes": {"A": [[80], [82], [100]]}})
    )
    assert result.to_dict()["total"] == "87.33333333333333333333333333"
    back = gr.Result.from_dict(json.loads(result.to_json()))
    assert back == result
    assert str(back.total) == str(result.total)


def test_combined_sheets_compare_equal_and_travel_as_data() -> None:
    rubric = _annual(*HALVES)
    combined = rubric.combine(
        "annual",
        {
            "half_year": rubric.score({"n": 10}, assessee="王芳", period="2026-H1"),
            "year_end": rubric.score({"n": 3}, assessee="王芳", period="2026-H2"),
        },
    )
    assert gr.CombinedSheet.from_dict(combined.to_dict()) == combined
    assert gr.CombinedSheet.from_dict(json.loads(combined.to_json())) == combined


@given(st.dictionaries(st.sampled_from(["total", "base", "grade", "items", "flags", "x"]), SCALARS)
       | SCALARS)  # fmt: skip
def test_data_that_is_not_a_result_or_a_combined_sheet_is_refused(data: Any) -> None:
    for kind in (gr.Result, gr.CombinedSheet, gr.ScoreSheet):
        _, error = attempt(partial(kind.from_dict, data))
        # none of these is a whole result or sheet: each lacks a part it must have
        assert isinstance(error, gr.DataFileError), (kind, data)
        assert str(error).startswith("not a valid")
