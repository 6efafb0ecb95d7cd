"""The gridrules command, through click's CliRunner: outputs, files, messages and exit codes."""

from __future__ import annotations

import csv
import json
import re
import types
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import example_evidence

import gridrules as gr
from gridrules import cli, plugins
from gridrules.hookspecs import hookimpl

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PARAMS = EXAMPLES / "jiangcheng" / "params.toml"


def run(*args: object, input: str | None = None) -> Result:
    return CliRunner().invoke(cli.main, [str(a) for a in args], input=input)


# -- list, show, schema -----------------------------------------------------------------------


def test_list_shows_every_installed_rubric() -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "title", "region", "version", "status"]
    rows = {line.split()[0]: line.split() for line in lines[2:] if line.strip()}
    assert rows["jiangcheng"] == ["jiangcheng", "网格员考核奖惩制度", "1.0.0", "ok"]
    assert rows["liujiaoting"][2] == "六角亭街道"


def test_list_as_json() -> None:
    result = run("list", "--format", "json")
    data = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert data["jiangcheng"]["status"] == "ok"
    assert data["jiangcheng"]["distribution"] == "gridrules-jiangcheng"
    assert data["jiangcheng"]["error"] is None


class FakeEntryPoint:
    group = "gridrules"

    def __init__(self, name: str, target: object) -> None:
        self.name = name
        self.value = f"gridrules_{name}"
        self._target = target

    def load(self) -> object:
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


class FakeDistribution:
    def __init__(self, name: str, *entry_points: FakeEntryPoint) -> None:
        self.metadata = {"Name": name}
        self.version = "0.3"
        self.entry_points = entry_points


def _good_plugin() -> types.ModuleType:
    module = types.ModuleType("gridrules_good")

    @hookimpl
    def gridrules_rubrics() -> list[gr.Rubric]:
        return [
            gr.Rubric(
                name="good",
                title="好的细则",
                maximum=10,
                region="测试区",
                children=[
                    gr.Item(
                        "meetings",
                        "会议情况",
                        10,
                        clause="缺勤一次扣1分",
                        rules=[gr.PerOccurrence("missed_meetings", 1)],
                    )
                ],
            )
        ]

    module.gridrules_rubrics = gridrules_rubrics  # type: ignore[attr-defined]
    return module


@pytest.fixture
def fake_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two plugins, one that cannot be imported: the registry built from fake distributions."""
    registry = plugins.Registry(
        [
            FakeDistribution("gridrules-good", FakeEntryPoint("good", _good_plugin())),
            FakeDistribution("gridrules-bad", FakeEntryPoint("bad", ImportError("no module yaml"))),
        ]
    )
    monkeypatch.setattr(plugins, "_REGISTRY", registry)


@pytest.mark.usefixtures("fake_plugins")
def test_list_shows_a_broken_plugin_with_its_error() -> None:
    result = run("list")
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()[2:] if line.strip()]
    assert ["bad", "0.3", "broken"] in rows
    assert ["good", "好的细则", "测试区", "1.0", "ok"] in rows  # the rubric's version
    assert (
        "bad (gridrules-bad) is broken: plugin 'bad' (gridrules-bad) failed to import "
        "'gridrules_bad': ImportError: no module yaml"
    ) in result.stdout


@pytest.mark.usefixtures("fake_plugins")
def test_check_fails_on_a_broken_plugin_and_passes_the_good_one() -> None:
    result = run("check", "--examples", "5")
    assert result.exit_code == 1
    assert "good: ok" in result.stdout
    assert "bad: 1 problem" in result.stdout
    assert "cannot be loaded: plugin 'bad' (gridrules-bad) failed to import" in result.stdout
    assert "1 of 2 rubrics have problems" in result.stderr


def test_show_text() -> None:
    result = run("show", "jiangcheng")
    assert result.exit_code == 0
    assert "考勤情况（10分） [attendance]" in result.stdout
    assert "  - 每次扣0.5分  ← missed_signins" in result.stdout
    assert "monthly_visit_deduction（必填）" in result.stdout


def test_show_with_parameters_set() -> None:
    result = run("show", "jiangcheng", "--params", PARAMS)
    assert "monthly_visit_deduction（设定为 1）" in result.stdout


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("md", "| 考勤情况 `attendance` | 10 | 每次扣0.5分 ← `missed_signins` |"),
        ("html", "<th>考核项目</th><th>分值</th><th>考核细则</th><th>原文</th>"),
        ("json", '"name": "jiangcheng"'),
    ],
)
def test_show_formats(fmt: str, expected: str) -> None:
    result = run("show", "jiangcheng", "--format", fmt)
    assert result.exit_code == 0
    assert expected in result.stdout


def test_show_json_is_the_rubric_as_data() -> None:
    from gridrules.serialization import structure_rubric

    data = json.loads(run("show", "xingji", "--format", "json").stdout)
    assert structure_rubric(data) == gr.load("xingji")


def test_schema() -> None:
    result = run("schema", "xingji")
    schema = json.loads(result.stdout)
    assert schema["required"] == ["cases_collected", "population_entry_rate"]
    assert schema["properties"]["cases_collected"]["anyOf"][0]["type"] == "integer"
    assert schema["additionalProperties"] is False


def test_unknown_rubric_is_a_usage_error() -> None:
    result = run("show", "jiangchen")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no rubric named 'jiangchen' is installed; did you mean 'jiangcheng'?" in result.stderr


# -- score ------------------------------------------------------------------------------------


def test_the_readme_command() -> None:
    result = run(
        "score", "jiangcheng", EXAMPLES / "jiangcheng" / "wang-fang.toml", "--params", PARAMS
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1:3] == ["被考核人员：王芳（第3网格）", "考核时间：2026-10"]
    assert "考勤情况 | 10 | 1.5 | 8.5" in lines
    assert "考核得分：92" in lines
    assert result.stderr == ""


def test_score_json_is_the_serialised_sheet() -> None:
    result = run(
        "score",
        "jiangcheng",
        EXAMPLES / "jiangcheng" / "wang-fang.toml",
        "--params",
        PARAMS,
        "--format",
        "json",
        "--period",
        "2026年10月",
    )
    data = json.loads(result.stdout)
    assert Decimal(data["total"]) == 92
    assert Decimal(data["maximum"]) == 100
    assert (data["grade"], data["stars"], data["flags"]) == (None, None, [])
    assert data["period"] == "2026年10月"
    assert data["assessee"] == "王芳（第3网格）"
    lines = {line["item_id"]: line for line in data["lines"]}
    assert Decimal(lines["attendance"]["points"]) == Decimal("8.5")
    assert lines["attendance"]["reasons"][0]["arithmetic"] == "3 × 0.5 = 1.5"


def test_score_html_and_markdown_carry_the_assessor(tmp_path: Path) -> None:
    evidence = EXAMPLES / "jiangcheng" / "li-qiang.toml"
    page = tmp_path / "sheet.html"
    result = run(
        "score", "jiangcheng", evidence, "--params", PARAMS, "--format", "html", "-o", page
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    text = page.read_text(encoding="utf-8")
    assert "<th>考核人</th><td>街道网格办 刘敏</td>" in text  # from the evidence's _meta
    assert '<p class="total">考核得分：98（满分100）</p>' in text
    md = run(
        "score",
        "jiangcheng",
        evidence,
        "--params",
        PARAMS,
        "--format",
        "md",
        "--assessor",
        "王主任",
    ).stdout
    assert "- 考核人：王主任" in md


@pytest.mark.parametrize(
    ("rubric", "evidence", "total", "grade", "stars"),
    [
        ("jiangcheng", "wang-fang.toml", "92", None, None),
        ("jiangcheng", "li-qiang.toml", "98", None, None),
        ("jiangcheng", "zhao-min.json", "71", None, None),
        ("juweihui", "wang-li.toml", "95", None, None),
        ("juweihui", "zhao-gang.toml", "78", None, None),
        ("juweihui", "chen-hua.toml", "85", None, None),
        ("liujiaoting", "chen-jing.toml", "94", "合格", None),
        ("liujiaoting", "huang-lei.toml", "99", "优秀", None),
        ("xiaofang", "he-xiuying.toml", "82", None, None),
        ("xiaofang", "liang-wei.toml", "70", None, None),
        ("xingji", "sun-li.toml", "90", None, 5),
        ("wangluo", "zhao-lei.toml", "87.04", None, None),
        ("wangluo", "chen-xiao.toml", "63.68", None, None),
        ("xinhelu", "liu-yang.toml", "91.75", None, None),
        ("xinhelu", "wang-qiang.toml", "49.1", None, None),
        ("xinhelu", "zhang-min.toml", "86", None, None),
        ("zengdu", "liu-yan.toml", "91.5", None, None),
        ("zengdu", "zhou-jun.toml", "49.5", None, None),
        ("shixing", "grid-03-heping.toml", "91.4", None, None),
        ("shixing", "grid-11-dongfeng.toml", "60.1", None, None),
        ("xiangxi", "zheng-hui.toml", "89", None, None),
        ("xiangxi", "lin-tao.toml", "74.5", "不合格", None),
        ("xiangxi", "wu-min.toml", "80", None, None),
        ("qixingjie", "wang-li.toml", "95.84", None, None),
        ("qixingjie", "chen-xiao.toml", "83.2", None, None),
        ("qixingjie", "zhao-gang.toml", "69.7", None, None),
        ("ernvqiao", "wang-li.toml", "89.6", "良好", None),
        ("ernvqiao", "zhao-gang.toml", "60.75", "合格", None),
        ("ernvqiao", "sun-hua.toml", "94.3", "优秀", None),
        ("shequ-pingtai", "heping.toml", "38", None, None),
        ("shequ-pingtai", "dongfeng.toml", "17", None, None),
        ("shequ-pingtai", "qingnian.toml", "36", None, None),
        ("xize2017", "zhou-min.toml", "94.2", None, None),
        ("xize2017", "wang-lei.toml", "63.6", None, None),
        ("xize2017", "li-na-2026-q4.toml", "93.8", None, None),
    ],
)
def test_every_example_scores_as_worked_out_by_hand(
    rubric: str, evidence: str, total: str, grade: str | None, stars: int | None
) -> None:
    folder = EXAMPLES / rubric
    params = ["--params", folder / "params.toml"] if (folder / "params.toml").exists() else []
    result = run("score", rubric, folder / evidence, *params, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (Decimal(data["total"]), data["grade"], data["stars"]) == (Decimal(total), grade, stars)


def rubric_of(evidence: Path) -> str:
    """The rubric an example is for: its folder, or folder-variant for a file named variant-...

    (examples/wanggezhang/leader-li-hong.toml is for the rubric wanggezhang-leader).
    """
    installed = {info.name for info in gr.available()}
    variant = f"{evidence.parent.name}-{evidence.stem.split('-')[0]}"
    return variant if variant in installed else evidence.parent.name


EXAMPLE_EVIDENCE = example_evidence()


@pytest.mark.parametrize(
    "evidence", EXAMPLE_EVIDENCE, ids=[p.relative_to(EXAMPLES).as_posix() for p in EXAMPLE_EVIDENCE]
)
def test_every_example_scores(evidence: Path) -> None:
    params = evidence.parent / "params.toml"
    result = run(
        "score", rubric_of(evidence), evidence, *(["--params", params] if params.exists() else [])
    )
    assert result.exit_code == 0, result.output
    assert "考核得分：" in result.stdout


def test_every_installed_rubric_has_examples() -> None:
    covered = {rubric_of(p) for p in EXAMPLE_EVIDENCE}
    assert {info.name for info in gr.available() if info.ok} <= covered
    batch_files = {
        p.parent.name for p in EXAMPLES.glob("*/*") if p.suffix in (".csv", ".jsonl", ".xlsx")
    }
    assert batch_files >= {"jiangcheng", "liujiaoting", "xiaofang", "xingji"}


def test_score_reads_json_from_stdin() -> None:
    record = {"cases_collected": 12, "population_entry_rate": "15", "not_badged": 2}
    result = run("score", "xingji", "-", "--format", "json", input=json.dumps(record))
    assert result.exit_code == 0, result.output
    assert Decimal(json.loads(result.stdout)["total"]) == 98


def test_bad_evidence_names_the_file_and_every_field(tmp_path: Path) -> None:
    evidence = tmp_path / "bad.toml"
    evidence.write_text(
        'missed_signins = -1\nmised_meetings = 2\nno_patrol_records = "maybe"\n', encoding="utf-8"
    )
    result = run("score", "jiangcheng", evidence, "--params", PARAMS)
    assert result.exit_code == 2
    assert result.stdout == ""
    message = result.stderr
    assert message.startswith(
        f"gridrules: error: {evidence}: rubric 'jiangcheng': 3 problems in the evidence:"
    )
    assert "missed_signins: a count cannot be negative, got -1" in message
    assert "mised_meetings: unknown field" in message
    assert "did you mean 'missed_meetings'" in message
    assert "no_patrol_records: expected true or false, got 'maybe'" in message


def test_missing_parameters_quote_the_clause() -> None:
    result = run("score", "jiangcheng", EXAMPLES / "jiangcheng" / "wang-fang.toml")
    assert result.exit_code == 2
    assert "monthly_visit_deduction: missing required parameter" in result.stderr
    assert "缺一次扣分" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("e.toml", "missed_signins = ", "e.toml: not valid TOML"),
        ("e.json", "[1, 2]", "e.json: the evidence file must hold one table"),
        ("e.yaml", "a: 1", "unknown evidence file type '.yaml'"),
    ],
)
def test_unreadable_evidence(tmp_path: Path, name: str, content: str, message: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    result = run("score", "jiangcheng", tmp_path / name, "--params", PARAMS)
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_evidence_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("score", "jiangcheng", tmp_path / "nobody.toml", "--params", PARAMS)
    assert result.exit_code == 2
    assert "nobody.toml: no such evidence file" in result.stderr


# -- batch ------------------------------------------------------------------------------------


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as stream:
        return list(csv.DictReader(stream))


def test_batch_an_example_export(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    result = run(
        "batch",
        "jiangcheng",
        EXAMPLES / "jiangcheng" / "street-office-2026-10.csv",
        "-o",
        out,
        "--params",
        PARAMS,
        "--keep",
        "社区",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "6 rows read = 6 scored + 0 rejected" in result.stderr
    assert "(CSV, UTF-8-SIG)" in result.stderr
    rows = read_csv(out)
    assert [(r["assessee"], r["社区"], r["total"]) for r in rows] == [
        ("王芳（第3网格）", "东门社区", "92"),
        ("李强（第7网格）", "东门社区", "98"),
        ("赵敏（第12网格）", "西关社区", "71"),
        ("陈晓东（第15网格）", "西关社区", "99.5"),
        ("周婷（第18网格）", "南湖社区", "94"),
        ("吴刚（第21网格）", "南湖社区", "79"),
    ]
    # 吴刚: 没有巡查记录 → 巡查情况 0; 2 missed sign-ins → 考勤 9
    assert (rows[5]["patrol"], rows[5]["attendance"]) == ("0", "9")
    assert read_csv(tmp_path / "scores.errors.csv") == []


def test_batch_with_mistakes_in_a_gbk_export(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    result = run(
        "batch",
        "jiangcheng",
        EXAMPLES / "jiangcheng" / "export-gbk-with-mistakes.csv",
        "-o",
        out,
        "--params",
        PARAMS,
    )
    assert result.exit_code == 1
    assert "(CSV, GBK)" in result.stderr
    assert "5 rows read = 3 scored + 2 rejected" in result.stderr
    assert "1 blank row skipped" in result.stderr
    assert [
        (r["row"], r["assessee"], r["assessor"], r["period"], r["total"]) for r in read_csv(out)
    ] == [
        ("2", "王芳", "刘敏", "2026年10月", "92"),
        ("3", "李强", "刘敏", "2026年10月", "98"),
        ("7", "周婷", "刘敏", "2026年10月", "94"),
    ]
    errors = read_csv(tmp_path / "scores.errors.csv")
    assert [(e["row"], e["assessee"], e["field"], e["value"]) for e in errors] == [
        ("4", "孙悦", "missed_signins", "-2"),
        ("5", "郑凯", "inaccurate_records", "0.5"),
        ("5", "郑凯", "no_patrol_records", "不清楚"),
    ]


def test_batch_with_the_wrong_encoding_is_bad_input(tmp_path: Path) -> None:
    result = run(
        "batch",
        "jiangcheng",
        EXAMPLES / "jiangcheng" / "export-gbk-with-mistakes.csv",
        "-o",
        tmp_path / "out.csv",
        "--params",
        PARAMS,
        "--encoding",
        "utf-8",
    )
    assert result.exit_code == 2
    assert "export-gbk-with-mistakes.csv, line 1: not valid UTF-8 text" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_batch_parallel_output_is_byte_for_byte_the_same(tmp_path: Path) -> None:
    source = tmp_path / "many.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                "id",
                "missed_signins",
                "inaccurate_records",
                "late_arrivals",
                "ignored_disputes",
                "no_patrol_records",
            ]
        )
        for n in range(450):
            writer.writerow(
                [f"G{n:04d}", n % 23, n % 7, n % 5, int(n % 97 == 0), "是" if n % 41 == 0 else ""]
                if n % 50
                else [f"G{n:04d}", "-1", "", "", "", ""]
            )
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}.csv"
        result = run(
            "batch",
            "jiangcheng",
            source,
            "-o",
            out,
            "--params",
            PARAMS,
            "--workers",
            workers,
            "--chunk-size",
            "40",
        )
        assert result.exit_code == 1
        assert "450 rows read = 441 scored + 9 rejected" in result.stderr
        outputs.append((out.read_bytes(), (tmp_path / f"out-{workers}.errors.csv").read_bytes()))
    assert outputs[0] == outputs[1]


def test_batch_to_excel_with_a_sheet_per_assessee(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "scores.xlsx"
    sheets = tmp_path / "sheets"
    result = run(
        "batch",
        "liujiaoting",
        EXAMPLES / "liujiaoting" / "half-year-2026.csv",
        "-o",
        out,
        "--sheets",
        sheets,
    )
    assert result.exit_code == 0, result.output
    assert "grades: 优秀 1, 合格 2, 基本合格 1, 不合格 1" in result.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        values = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    rows = [dict(zip(values[0], v, strict=True)) for v in values[1:]]
    # 田野: 40 + 18 + 7 = 65; 特色亮点 2 + 市级以上表彰 2 = 4; 69 → 不合格 (Chinese headers:
    # the default for Excel)
    assert (rows[4]["总分"], rows[4]["基本分"], rows[4]["加分"], rows[4]["等级"]) == (
        69,
        65,
        4,
        "不合格",
    )
    names = sorted(p.name for p in sheets.iterdir())
    assert names[0] == "000002-陈静（龙井社区第2网格）.html"
    assert len(names) == 5
    page = (sheets / names[0]).read_text(encoding="utf-8")
    assert "<th>考核人</th><td>六角亭街道考核组</td>" in page
    assert "考核等次：合格" in page


# score and batch --sheets render a sheet through one function (gridrules.io.sheets.render_sheet)
@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_a_batch_s_sheet_is_the_sheet_score_prints(tmp_path: Path, fmt: str) -> None:
    evidence = EXAMPLES / "jiangcheng" / "wang-fang.toml"
    alone = run("score", "jiangcheng", evidence, "--params", PARAMS, "--format", fmt)
    assert alone.exit_code == 0, alone.output
    row = EXAMPLES / "jiangcheng" / "street-office-2026-10.csv"
    table = tmp_path / "one.csv"
    lines = row.read_text(encoding="utf-8-sig").splitlines()[:2]
    # the export's first row holds wang-fang.toml's evidence; its assessor is cleared, as the
    # file names none
    header, cells = lines[0].split(","), lines[1].split(",")
    cells[header.index("assessor")] = ""
    table.write_text(f"{lines[0]}\n{','.join(cells)}\n", encoding="utf-8")
    sheets = tmp_path / "sheets"
    result = run(
        "batch", "jiangcheng", table, "-o", tmp_path / "s.csv", "--params", PARAMS,
        "--keep", "社区", "--sheets", sheets, "--sheets-format", fmt,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (page,) = sheets.iterdir()
    made = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")  # when it was scored
    if fmt in ("html", "json"):
        assert made.search(alone.stdout)
    assert made.sub("…", page.read_text(encoding="utf-8")) == made.sub("…", alone.stdout)


def test_batch_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "scores.jsonl"
    result = run("batch", "xingji", EXAMPLES / "xingji" / "november-2026.jsonl", "-o", out)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["assessee"][:2], r["total"], r["stars"]) for r in rows] == [
        ("孙丽", "90", 5),
        ("钱进", "100", 5),
        ("冯雪", "80", 4),
        ("蒋涛", "97", 5),
    ]


def test_batch_interrupted_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gridrules.io import tables as _tabular

    out = tmp_path / "scores.csv"
    out.write_text("yesterday's scores\n", encoding="utf-8")
    written = []
    original = _tabular.TableWriter.write_rendered

    # the scores are written a chunk at a time: Ctrl-C after two chunks of two rows each
    def write(self: _tabular.TableWriter, rendered: object, rows: int) -> None:
        if len(written) == 2:
            raise KeyboardInterrupt
        written.append(rendered)
        original(self, rendered, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(_tabular.TableWriter, "write_rendered", write)
    result = run(
        "batch",
        "jiangcheng",
        EXAMPLES / "jiangcheng" / "street-office-2026-10.csv",
        "-o",
        out,
        "--params",
        PARAMS,
        "--keep",
        "社区",
        "--chunk-size",
        "2",
    )
    assert result.exit_code == 130
    assert "interrupted; no output was written" in result.stderr
    assert out.read_text(encoding="utf-8") == "yesterday's scores\n"
    assert [p.name for p in tmp_path.iterdir()] == ["scores.csv"]


def test_batch_usage_errors(tmp_path: Path) -> None:
    source = EXAMPLES / "liujiaoting" / "half-year-2026.csv"
    missing_output = run("batch", "liujiaoting", source)
    assert missing_output.exit_code == 2
    assert "Missing option '-o'" in missing_output.stderr
    bad_suffix = run("batch", "liujiaoting", source, "-o", tmp_path / "out.txt")
    assert bad_suffix.exit_code == 2
    assert "out.txt: cannot tell the table format from the suffix '.txt'" in bad_suffix.stderr
    no_column = run("batch", "liujiaoting", source, "-o", tmp_path / "o.csv", "--id-column", "工号")
    assert no_column.exit_code == 2
    assert "the assessee column '工号' is not in the header" in no_column.stderr
    bad_params = run("batch", "jiangcheng", source, "-o", tmp_path / "o.csv")
    assert bad_params.exit_code == 2
    assert "missing required parameter" in bad_params.stderr
    assert list(tmp_path.iterdir()) == []


# -- check ------------------------------------------------------------------------------------


def test_check_an_installed_rubric() -> None:
    result = run("check", "jiangcheng", "--examples", "10")
    assert result.exit_code == 0, result.output
    assert result.stdout == "jiangcheng: ok\n"
    assert "citations: every clause found in source.txt" in result.stderr
    assert "invariants on 10 generated records: ok" in result.stderr


def test_check_finds_a_clause_missing_from_the_source(tmp_path: Path) -> None:
    from gridrules.serialization import dump_rubric

    rubric = gr.Rubric(
        name="demo",
        title="示例",
        maximum=10,
        children=[
            gr.Item(
                "meetings",
                "会议情况",
                10,
                clause="缺勤一次扣1分",
                rules=[gr.PerOccurrence("missed_meetings", 1)],
            )
        ],
    )
    path = tmp_path / "demo.json"
    path.write_text(dump_rubric(rubric, "json"), encoding="utf-8")
    source = tmp_path / "source.txt"
    source.write_text("会议情况(10分)缺勤一次扣2分。", encoding="utf-8")
    result = run("check", path, "--source", source, "--examples", "5")
    assert result.exit_code == 1
    assert f"{path}: 1 problem" in result.stdout
    assert "quotes a clause not found in source.txt: 「缺勤一次扣1分」" in result.stdout
    source.write_text("会议情况(10分)缺勤一次扣1分。", encoding="utf-8")
    assert run("check", path, "--source", source, "--examples", "5").exit_code == 0


def test_an_internal_error_has_its_own_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from gridrules import render

    def broken(rubric: gr.Rubric) -> str:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(render, "rubric_text", broken)
    result = run("show", "jiangcheng")
    assert result.exit_code == 3
    assert "ZeroDivisionError: oops" in result.stderr
    assert "internal error" in result.stderr


# -- documentation ----------------------------------------------------------------------------


def test_every_command_and_exit_code_is_documented() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in cli.main.commands:
        assert re.search(rf"^## `gridrules {command}", page, re.M), command
        for param in cli.main.commands[command].params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert f"`{opt}" in page, f"{command} {opt}"
    for code in (
        cli.EXIT_OK,
        cli.EXIT_PROBLEMS,
        cli.EXIT_BAD_INPUT,
        cli.EXIT_INTERNAL,
        cli.EXIT_INTERRUPTED,
    ):
        assert re.search(rf"^\| {code} \|", page, re.M), code
        assert f"- {code}:" in (cli.__doc__ or ""), code
