"""gridrules serve, called over HTTP on 127.0.0.1 as a grid platform calls it.

The service's answers are the library's: each example's sheet is the sheet ``Rubric.score``
makes (but for the moment it was scored), each batch's figures the results of
``Scorer.results``, each combination ``Rubric.combine``'s. Bad input gets 422 with paths into
the body, an unknown rubric 404, the limits 413, 422 and 503.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from helpers import example_evidence
from servers import free_port, serving, wait_until_up

import gridrules as gr
from gridrules.batch import open_table, read_rows
from gridrules.serialization import structure_rubric
from gridrules.sheet.audit import Audit
from gridrules.sheet.content import CombinedContent, SheetContent
from gridrules.sheet.lines import ItemLine, Reason, RemarkLine, SectionLine

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi", reason="the serve extra is not installed")

from gridrules.service import schemas  # noqa: E402  # pydantic: the serve extra

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving() as base:
        yield base


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=60) as session:
        yield session


def rubric_of(evidence: Path) -> str:
    """The rubric an example is for (examples/wanggezhang/leader-*.toml: wanggezhang-leader)."""
    installed = {info.name for info in gr.available()}
    variant = f"{evidence.parent.name}-{evidence.stem.split('-')[0]}"
    return variant if variant in installed else evidence.parent.name


def params_of(folder: Path) -> dict[str, Any] | None:
    path = folder / "params.toml"
    return plain(gr.load_params(path)) if path.exists() else None


def plain(value: Any) -> Any:
    """A value as a JSON client sends it: Decimals as their text, sets as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def unstamped(document: dict[str, Any]) -> dict[str, Any]:
    """A sheet or batch without the moment its stamp says it was scored."""
    audit = dict(document["audit"])
    audit.pop("scored_at")
    return {**document, "audit": audit}


# -- the rubrics -------------------------------------------------------------------------------


def test_health_and_the_rubrics_listed(client: httpx.Client) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok"
    assert health["gridrules_version"] == gr.__version__
    listed = {r["name"]: r for r in client.get("/rubrics").json()}
    installed = {info.name: info for info in gr.available()}
    assert set(listed) == set(installed)
    for name, info in installed.items():
        assert (listed[name]["title"], listed[name]["region"], listed[name]["version"]) == (
            info.title,
            info.region,
            info.version,
        )
    assert listed["liujiaoting"]["combinations"] == ["annual"]
    assert listed["wanggezhang-member"]["needs_period"] is True


def test_a_rubric_as_data_and_its_schema(client: httpx.Client) -> None:
    for info in gr.available():
        data = client.get(f"/rubrics/{info.name}").json()
        assert structure_rubric(data) == gr.load(info.name)
        assert {"assumptions", "parameters"} <= set(data) or info.name != "jiangcheng"
        schema = client.get(f"/rubrics/{info.name}/schema").json()
        assert schema == gr.load(info.name).evidence_schema()


def test_the_openapi_shows_each_rubrics_evidence(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]

    def body_of(path: str) -> dict[str, Any]:
        content = spec["paths"][path]["post"]["requestBody"]["content"]
        found: dict[str, Any] = schemas[content["application/json"]["schema"]["$ref"][21:]]
        return found

    assert set(schemas) >= {"XingjiScoreRequest", "XingjiResultsRequest", "SheetDocument"}
    evidence = body_of("/rubrics/xingji/score")["properties"]["evidence"]
    field = evidence["properties"]["population_entry_rate"]
    assert field["description"] == "实有人口采集录入率(%)"  # the field's Chinese label
    assert field["description"] == gr.load("xingji").fields["population_entry_rate"].description
    assert field["anyOf"][0] == {"type": "number", "minimum": 0, "maximum": 100}
    records = body_of("/rubrics/xingji/results")["properties"]["records"]
    form = records["items"]["anyOf"][0]  # the evidence, or a record reported in its place
    assert form["properties"].keys() == evidence["properties"].keys()
    assert records["maxItems"] == 100_000
    assert "/rubrics/liujiaoting/combine" in spec["paths"]
    assert "/rubrics/xingji/combine" not in spec["paths"]  # it declares no combination


# -- one sheet ---------------------------------------------------------------------------------

EVIDENCE = example_evidence()


@pytest.mark.parametrize(
    "path", EVIDENCE, ids=[p.relative_to(EXAMPLES).as_posix() for p in EVIDENCE]
)
def test_every_example_scores_as_the_library_scores_it(client: httpx.Client, path: Path) -> None:
    name, params = rubric_of(path), params_of(path.parent)
    evidence = gr.load_evidence(path)
    body = {
        "evidence": plain(evidence.record),
        "params": params,
        "period": evidence.period,
        "assessee": evidence.assessee,
        "assessor": "街道网格办",
    }
    answer = client.post(f"/rubrics/{name}/score", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    sheet = gr.load(name).score(
        evidence.record,
        params,
        assessee=evidence.assessee,
        period=evidence.period,
        assessor="街道网格办",
    )
    assert unstamped(answer.json()) == unstamped(sheet.to_dict())
    stamp = answer.json()["audit"]
    assert stamp["assessor"] == "街道网格办"
    assert stamp["plugin"] == gr.load(name).origin.distribution  # type: ignore[union-attr]
    assert gr.ScoreSheet.from_dict(answer.json()) == sheet


def test_the_body_is_the_command_lines_json(client: httpx.Client) -> None:
    from click.testing import CliRunner

    from gridrules import cli

    path = EXAMPLES / "jiangcheng/wang-fang.toml"
    params = EXAMPLES / "jiangcheng/params.toml"
    done = CliRunner().invoke(
        cli.main, ["score", "jiangcheng", str(path), "--params", str(params), "--format", "json"]
    )
    assert done.exit_code == 0, done.output
    evidence = gr.load_evidence(path)
    answer = client.post(
        "/rubrics/jiangcheng/score",
        json={
            "evidence": plain(evidence.record),
            "params": params_of(path.parent),
            "period": evidence.period,
            "assessee": evidence.assessee,
            "assessor": evidence.assessor,
        },
    )
    assert unstamped(answer.json()) == unstamped(json.loads(done.stdout))
    # the same text, but for the moment scored
    assert answer.text.count("\n") == done.stdout.count("\n")


# -- many records ------------------------------------------------------------------------------


def table_records(path: Path, rubric: gr.Rubric) -> list[dict[str, Any]]:
    """The evidence of every row of an example table, as a platform would send it."""
    with open_table(path) as table:
        keep = [c for c in table.columns if c == "社区"]
        from gridrules.batch import Layout

        return [plain(row.evidence) for row in read_rows(table, Layout(keep=keep), rubric)]


# the example tables of each bundled rubric (examples/compare holds a draft's evidence, read by
# two rubrics at once: `gridrules compare`, not a rubric of its own)
TABLES = sorted(
    p
    for p in EXAMPLES.glob("*/*")
    if p.suffix in (".csv", ".xlsx", ".jsonl") and p.parent.name != "compare"
)


@pytest.mark.parametrize("path", TABLES, ids=[p.relative_to(EXAMPLES).as_posix() for p in TABLES])
def test_every_example_table_gives_the_librarys_results(client: httpx.Client, path: Path) -> None:
    name = path.parent.name
    if name == "wanggezhang":
        name = "wanggezhang-member"
    rubric = gr.load(name)
    records = table_records(path, rubric)
    params = params_of(path.parent)
    if params is None and path.suffix == ".xlsx":
        from gridrules.io.template import read_parameters

        params = plain(read_parameters(path))
    period = "2026-Q3" if rubric.needs_working_days else None
    body = {"records": records, "params": params, "period": period}
    answer = client.post(f"/rubrics/{name}/results", json=body)
    assert answer.status_code == 200, answer.text
    document = answer.json()
    scorer = rubric.prepare(params)
    expected = list(scorer.results(records, period=period, return_errors=True))
    assert len(document["results"]) == len(expected) == len(records)
    for line, outcome in zip(document["results"], expected, strict=True):
        if isinstance(outcome, gr.Result):
            assert line == {"row": line["row"], "result": outcome.to_dict()}
        else:
            assert [e["loc"][3] for e in line["errors"]] == [p.field for p in outcome.problems]
    assert document["scored"] + document["rejected"] == len(records)
    assert document["audit"]["params_hash"] == scorer.audit().params_hash


def test_results_stream_as_json_lines(client: httpx.Client) -> None:
    records = [
        {"cases_collected": n % 15, "population_entry_rate": f"{80 + n % 21}%"} for n in range(50)
    ]
    records[7] = {"cases_collected": -1}
    body = {"records": records, "period": "2026-11"}
    whole = client.post("/rubrics/xingji/results", json=body).json()
    with client.stream(
        "POST", "/rubrics/xingji/results", json=body, headers={"Accept": "application/x-ndjson"}
    ) as answer:
        assert answer.headers["content-type"] == "application/x-ndjson"
        lines = [json.loads(line) for line in answer.iter_lines() if line]
    assert unstamped(lines[0]) == {"audit": unstamped(whole)["audit"], "warnings": []}
    assert lines[1:-1] == whole["results"]
    assert lines[-1] == {"scored": 49, "rejected": 1}
    bad = lines[1 + 7]["errors"]
    assert {e["loc"][3] for e in bad} == {"cases_collected", "population_entry_rate"}


def test_a_large_body_is_streamed_unless_json_is_asked_for(client: httpx.Client) -> None:
    records = [{"cases_collected": 10, "population_entry_rate": 90}] * 1001  # the threshold 1000
    streamed = client.post("/rubrics/xingji/results", json={"records": records})
    assert streamed.headers["content-type"] == "application/x-ndjson"
    assert len(streamed.text.splitlines()) == 1 + 1001 + 1
    whole = client.post(
        "/rubrics/xingji/results", json={"records": records}, headers={"Accept": "application/json"}
    )
    assert whole.headers["content-type"] == "application/json"
    assert len(whole.json()["results"]) == 1001


# -- combinations ------------------------------------------------------------------------------


def test_a_combination_is_the_librarys(client: httpx.Client) -> None:
    rubric = gr.load("liujiaoting")
    chen = gr.load_evidence(EXAMPLES / "liujiaoting/chen-jing.toml").record
    huang = gr.load_evidence(EXAMPLES / "liujiaoting/huang-lei.toml").record
    sheets = {}
    for part, record, period in (("half_year", chen, "2026-H1"), ("year_end", huang, "2026-H2")):
        answer = client.post(
            "/rubrics/liujiaoting/score",
            json={"evidence": plain(record), "period": period, "assessee": "陈静"},
        )
        sheets[part] = answer.json()
    combination = rubric.combinations[0]
    assert {p.id for p in combination.parts} == set(sheets)
    answer = client.post(
        "/rubrics/liujiaoting/combine", json={"combination": "annual", "sheets": sheets}
    )
    assert answer.status_code == 200, answer.text
    mine = rubric.combine(
        "annual", {part: gr.ScoreSheet.from_dict(sheet) for part, sheet in sheets.items()}
    )
    assert unstamped(answer.json()) == unstamped(mine.to_dict()), (answer.json(), mine.to_dict())
    # a sheet of another rubric, a sheet that is none
    other = client.post(
        "/rubrics/xingji/score",
        json={"evidence": {"cases_collected": 1, "population_entry_rate": 1}},
    ).json()
    wrong = client.post(
        "/rubrics/liujiaoting/combine",
        json={"combination": "annual", "sheets": {**sheets, "year_end": other}},
    )
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "sheets"]
    broken = client.post(
        "/rubrics/liujiaoting/combine",
        json={"combination": "annual", "sheets": {**sheets, "year_end": {"total": "x"}}},
    )
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["loc"] == ["body", "sheets", "year_end"]


# -- errors ------------------------------------------------------------------------------------


def member_body(**evidence: Any) -> dict[str, Any]:
    record = dict(plain(gr.load_evidence(EXAMPLES / "wanggezhang/member-wang-fang.toml").record))
    record.update(evidence)
    return {"evidence": record, "params": params_of(EXAMPLES / "wanggezhang"), "period": "2026-Q3"}


def test_a_problem_is_located_down_to_one_ballot_score(client: httpx.Client) -> None:
    body = member_body(ballots={"A": [[22, 22, 23, 23]], "B": [[21, 21, 21, 22], [20, 20, 26, 20]]})
    answer = client.post("/rubrics/wanggezhang-member/score", json=body)
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "evidence", "ballots", "B", 1, 2]
    assert problem["input"] == 26
    assert problem["type"] == "value_error"
    assert "25" in problem["msg"]
    assert problem["msg_zh"]


def test_every_problem_of_a_request_at_once(client: httpx.Client) -> None:
    body = member_body(attendance_points=101, surplus=1)
    del body["evidence"]["info_points"]
    body["params"] = {**body["params"], "unknown_param": 1}
    answer = client.post("/rubrics/wanggezhang-member/score", json=body)
    assert answer.status_code == 422
    # the parameters first: a rubric cannot be prepared with them
    assert [p["loc"] for p in answer.json()["detail"]] == [["body", "params", "unknown_param"]]
    del body["params"]["unknown_param"]
    answer = client.post("/rubrics/wanggezhang-member/score", json=body)
    found = {tuple(p["loc"]): p["type"] for p in answer.json()["detail"]}
    assert found == {
        ("body", "evidence", "attendance_points"): "value_error",
        ("body", "evidence", "surplus"): "unknown_field",
        ("body", "evidence", "info_points"): "missing",
    }


@pytest.mark.parametrize(
    ("change", "loc", "kind"),
    [
        ({"period": "2026-13"}, ["body", "period"], "period_error"),
        ({"period": None}, ["body", "period"], "missing"),  # left out
        ({"params": None}, ["body", "params"], "missing"),
        ({"period": 2026}, ["body", "period"], "string_type"),
        ({"evidence": [1, 2]}, ["body", "evidence"], "dict_type"),
        ({"strict": "maybe"}, ["body", "strict"], "bool_type"),
        ({"strict": 1}, ["body", "strict"], "bool_type"),  # no coercion: what the schema says
        ({"extra": 1}, ["body", "extra"], "extra_forbidden"),
    ],
)
def test_requests_that_are_not_right(
    client: httpx.Client, change: dict[str, Any], loc: list[Any], kind: str
) -> None:
    body = {**member_body(), **change}
    body = {key: value for key, value in body.items() if value is not None}
    answer = client.post("/rubrics/wanggezhang-member/score", json=body)
    assert answer.status_code == 422, answer.text
    assert any(p["loc"] == loc and p["type"] == kind for p in answer.json()["detail"]), answer.text


def test_malformed_json_is_a_422_not_a_500(client: httpx.Client) -> None:
    for path in ("/rubrics/xingji/score", "/rubrics/xingji/results"):
        answer = client.post(
            path, content=b'{"evidence": ', headers={"content-type": "application/json"}
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["type"] == "json_invalid"


def test_unknown_rubrics_are_404(client: httpx.Client) -> None:
    for method, path in (
        ("GET", "/rubrics/jiangchen"),
        ("GET", "/rubrics/jiangchen/schema"),
        ("POST", "/rubrics/jiangchen/score"),
        ("POST", "/rubrics/jiangchen/results"),
        ("POST", "/rubrics/jiangchen/combine"),
        ("POST", "/rubrics/xingji/combine"),  # xingji declares no combination
    ):
        answer = client.request(method, path, json={})
        assert answer.status_code == 404, (path, answer.text)
    assert "did you mean 'jiangcheng'" in client.get("/rubrics/jiangchen").json()["detail"]


def test_a_year_the_calendar_does_not_know_is_refused_at_the_period(client: httpx.Client) -> None:
    body = member_body()
    body["period"] = "2031-Q3"  # a year China's working-day calendar does not know yet
    for path, payload in (
        ("/rubrics/wanggezhang-member/score", body),
        (
            "/rubrics/wanggezhang-member/results",
            {"records": [body["evidence"]], "params": body["params"], "period": "2031-Q3"},
        ),
    ):
        answer = client.post(path, json=payload)
        assert answer.status_code == 422, answer.text
        (found,) = answer.json()["detail"]
        assert (found["loc"], found["type"]) == (["body", "period"], "period_error")
        assert "2031" in found["msg"]


def test_a_period_outside_a_rubrics_dates_warns_or_is_refused(tmp_path: Path) -> None:
    """A rubric in force for 2026 only, served from a plugin that registers it."""
    import threading
    import types

    import uvicorn
    from helpers import one_item

    from gridrules import plugins
    from gridrules.hookspecs import hookimpl
    from gridrules.service.app import create_app
    from gridrules.service.catalogue import Catalogue
    from gridrules.service.settings import Settings

    dated = one_item(
        [gr.PerOccurrence("missed", 1)], effective="2026-01-01", effective_until="2026-12-31"
    )
    module = types.ModuleType("gridrules_unit")

    @hookimpl
    def gridrules_rubrics() -> list[gr.Rubric]:
        return [dated]

    module.gridrules_rubrics = gridrules_rubrics  # type: ignore[attr-defined]

    class EntryPoint:
        group, name, value = "gridrules", "unit", "gridrules_unit"

        def load(self) -> types.ModuleType:
            return module

    class Distribution:
        metadata: ClassVar[dict[str, str]] = {"Name": "gridrules-unit"}
        entry_points = (EntryPoint(),)
        version = "2.0"

    app = create_app(Settings(), Catalogue(plugins.Registry([Distribution()])))

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url)
        warned = httpx.post(
            f"{url}/rubrics/unit/score", json={"evidence": {"missed": 1}, "period": "2027-01"}
        )
        assert warned.status_code == 200
        assert "不在本细则的施行期间（2026-01-01至2026-12-31）内" in warned.json()["warnings"][0]
        refused = httpx.post(
            f"{url}/rubrics/unit/score",
            json={"evidence": {"missed": 1}, "period": "2027-01", "strict": True},
        )
        assert refused.status_code == 422
        (found,) = refused.json()["detail"]
        assert (found["loc"], found["type"]) == (["body", "period"], "period_outside_rubric")
        batch = httpx.post(
            f"{url}/rubrics/unit/results", json={"records": [{"missed": 1}], "period": "2027-01"}
        ).json()
        assert batch["warnings"] == [warned.json()["warnings"][0]]
        assert batch["results"][0]["result"]["total"] == "9"
        assert batch["audit"]["plugin"] == "gridrules-unit"
        assert batch["audit"]["plugin_version"] == "2.0"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# -- limits ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def strict_url() -> Iterator[str]:
    with serving(max_body=20_000, max_records=5, time_limit=0.5) as base:
        yield base


def test_the_limits_each_have_their_answer(strict_url: str) -> None:
    with httpx.Client(base_url=strict_url, timeout=30) as client:
        record = {"cases_collected": 10, "population_entry_rate": 90}
        over = client.post("/rubrics/xingji/results", json={"records": [record] * 6})
        assert over.status_code == 422
        assert over.json()["detail"][0]["loc"] == ["body", "records"]
        assert over.json()["detail"][0]["type"] == "too_long"
        big = client.post("/rubrics/xingji/score", json={"evidence": {"x": "y" * 30_000}})
        assert big.status_code == 413
        assert "20,000 bytes" in big.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it comes
            yield b'{"evidence": {"x": "'
            for _ in range(30):
                yield b"y" * 1000
            yield b'"}}'

        chunked = client.post(
            "/rubrics/xingji/score", content=chunks(), headers={"content-type": "application/json"}
        )
        assert chunked.status_code == 413
        assert client.get("/health").status_code == 200


def test_a_request_over_the_time_limit_is_503() -> None:
    with serving(time_limit=0.05) as base, httpx.Client(base_url=base, timeout=60) as client:
        records = [
            {"cases_collected": n % 97, "population_entry_rate": n % 101} for n in range(60_000)
        ]
        answer = client.post(
            "/rubrics/xingji/results",
            json={"records": records},
            headers={"Accept": "application/json"},
        )
        assert answer.status_code == 503
        assert "0.05 s" in answer.json()["detail"]
        streamed = client.post("/rubrics/xingji/results", json={"records": records})
        if streamed.status_code == 200:  # the limit passed while the lines were being sent
            assert json.loads(streamed.text.splitlines()[-1])["error"]["status"] == 503
        else:
            assert streamed.status_code == 503


# -- the command ---------------------------------------------------------------------------------


def test_gridrules_serve_with_two_workers(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "GRIDRULES_SERVE_MAX_RECORDS": "3"}
    command = [sys.executable, "-c", "from gridrules.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--workers", "2", "--time-limit", "30"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url)
        record = {"cases_collected": 10, "population_entry_rate": 90}
        over = httpx.post(f"{url}/rubrics/xingji/results", json={"records": [record] * 4})
        assert over.status_code == 422  # the environment's limit, read by every worker
        answer = httpx.post(f"{url}/rubrics/xingji/score", json={"evidence": record})
        assert answer.json()["total"] == "100"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Started parent process" in output or "Uvicorn running" in output


def test_serve_refuses_a_limit_it_cannot_read() -> None:
    from click.testing import CliRunner

    from gridrules import cli

    done = CliRunner().invoke(cli.main, ["serve", "--max-body", "lots"])
    assert done.exit_code == 2
    assert "expected a size in bytes" in done.output


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        (SheetContent, schemas.SheetDocument),
        (CombinedContent, schemas.CombinedDocument),
        (ItemLine, schemas.LineDocument),
        (SectionLine, schemas.SectionDocument),
        (Reason, schemas.ReasonDocument),
        (RemarkLine, schemas.RemarkDocument),
        (Audit, schemas.AuditDocument),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_the_documents_declare_every_field_the_sheets_write(kind: type, document: Any) -> None:
    # the OpenAPI describes what to_dict() writes: every field of the sheet's classes, and the
    # 扣分 of a line, which the document adds
    written = {field.alias for field in attrs.fields(kind)}
    extra = {"deducted"} if kind is ItemLine else set()
    assert set(document.model_fields) == written | extra


def test_the_result_and_summary_documents_declare_every_key_written(client: httpx.Client) -> None:
    item = gr.Item("a", "甲", 10, [gr.PerOccurrence("n", 1)], clause="缺一次扣1分")
    bands = gr.GradeBands(
        [gr.Band.between("好", 5, None), gr.Band.between("差", None, 5, upper_inclusive=False)]
    )
    part = gr.Section("s", "部分", 10, [item], grades=bands)
    rubric = gr.Rubric(name="r", title="单元", maximum=10, children=[part])
    written = gr.Scorer(rubric, {}).result({"n": 1}).to_dict()
    assert "section_grades" in written
    assert set(written) <= set(schemas.ResultDocument.model_fields)
    for summary in client.get("/rubrics").json():
        assert set(summary) <= set(schemas.RubricSummary.model_fields), summary
