"""The ``gridrules`` command: list, show, check and score rubrics, one assessee or a whole export.

Results go to stdout (or the files named with ``-o``), messages to stderr. Every error names where
it is (file, row or line, field) and why.

Exit codes:

- 0: success; every row of a batch was scored, ``check`` found no problem.
- 1: ``batch`` rejected rows (they are in the errors file; the scored rows are written), or
  ``check`` found a problem in a rubric.
- 2: bad input or usage: an unknown rubric or option, a file that cannot be read or is malformed,
  evidence or parameters that do not fit the rubric (``score``), an input table that cannot be
  read as a whole (``batch``: wrong encoding, duplicated column, malformed CSV).
- 3: an internal error (a bug in gridrules or a plugin); the traceback is on stderr.
- 130: interrupted (Ctrl-C); no output file was written or changed.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import sys
import tempfile
import tomllib
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from . import plugins
from ._rubric import Rubric
from .errors import GridrulesError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "main",
]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


def _fail(message: str) -> NoReturn:
    click.echo(f"gridrules: error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _parse_mapping(text: str, kind: str, where: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if kind == "json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        _fail(f"{where}: the {what} is not valid {kind.upper()}: {error}")
    if not isinstance(data, dict):
        _fail(f"{where}: the {what} file must hold one table of field ids to values")
    return data


def read_mapping(path: Path, what: str) -> dict[str, Any]:
    """Read a TOML or JSON file holding one table (evidence or parameters); ``-`` is stdin JSON."""
    if str(path) == "-":
        return _parse_mapping(sys.stdin.read(), "json", "<stdin>", what)
    kind = path.suffix.lower()[1:]
    if kind not in ("toml", "json"):
        _fail(
            f"{path}: unknown {what} file type {path.suffix or '(none)'!r}; expected .toml or .json"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        _fail(f"{path}: cannot read the {what} file: {error.strerror}")
    except UnicodeDecodeError as error:
        _fail(f"{path}: the {what} file is not UTF-8 text ({error.reason})")
    return _parse_mapping(text, kind, str(path), what)


def _load(name: str, params: dict[str, Any] | None = None, where: str = "") -> Rubric:
    try:
        return plugins.load(name, params)
    except GridrulesError as error:
        _fail(f"{where}{error}")


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so it is whole or not there at all."""
    directory = path.parent
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        _fail(f"{path}: cannot write here: {error.strerror}")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


class _Group(click.Group):
    """Maps interrupts, gridrules' errors and bugs to the documented exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("gridrules: interrupted; no output was written", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except GridrulesError as error:
            click.echo(f"gridrules: error: {error}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Exception:
            click.echo(traceback.format_exc(), err=True, nl=False)
            click.echo(
                "gridrules: internal error (a bug in gridrules or a plugin); please report "
                "it with the traceback above",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Group)
@click.version_option(package_name="gridrules")
def main() -> None:
    """Score community grid workers (社区网格员) with installed assessment rubrics.

    Exit codes: 0 success; 1 rows rejected (batch) or problems found (check); 2 bad input or
    usage; 3 internal error; 130 interrupted.
    """


# -- list, show, schema -----------------------------------------------------------------------


@main.command(name="list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_rubrics(fmt: str) -> None:
    """List installed rubrics (name, title, region, version, status) and broken plugins."""
    infos = plugins.available()
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "name": i.name,
                        "title": i.title,
                        "region": i.region,
                        "version": i.version,
                        "distribution": i.distribution,
                        "status": i.status,
                        "error": i.error,
                    }
                    for i in infos
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not infos:
        click.echo(
            "no rubrics installed; install a plugin (pip install gridrules-<slug>)", err=True
        )
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in ("name", "title", "region", "version", "status"):
        table.add_column(column, no_wrap=column in ("name", "version", "status"))
    for info in infos:
        table.add_row(info.name, info.title, info.region, info.version, info.status)
    console = Console(file=sys.stdout, width=max(100, Console().width), highlight=False)
    console.print(table)
    broken = [info for info in infos if not info.ok]
    for info in broken:
        click.echo(f"{info.name} ({info.distribution}) is broken: {info.error}")


SHOW_FORMATS = ("text", "md", "html", "json", "toml")


@main.command()
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(SHOW_FORMATS),
    default="text",
    show_default=True,
    help="text, Markdown, a standalone HTML page, JSON or TOML data",
)
@click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML or JSON file filling the rubric's parameters (shown as set)",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="write to this file instead of stdout",
)
def show(name: str, fmt: str, params_file: Path | None, output: Path | None) -> None:
    """Show rubric NAME as the 考核细则 table: items, maxima, rules, clauses, assumptions.

    NAME is an installed rubric or the path of a rubric file (.toml or .json).
    """
    from . import render
    from .serialization import dump_rubric

    params = read_mapping(params_file, "parameters") if params_file else None
    rubric = _load(name, params, f"{params_file}: " if params_file else "")
    renderers: dict[str, Callable[[Rubric], str]] = {
        "text": render.rubric_text,
        "md": render.rubric_markdown,
        "html": render.rubric_html,
        "json": render.rubric_json,
        "toml": lambda r: dump_rubric(r, "toml"),
    }
    text = renderers[fmt](rubric)
    if output is not None:
        _write_text(output, text)
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("name")
def schema(name: str) -> None:
    """Print the JSON Schema of rubric NAME's evidence (one record, one assessee)."""
    click.echo(json.dumps(_load(name).evidence_schema(), ensure_ascii=False, indent=2))


# -- score ------------------------------------------------------------------------------------


SHEET_FORMATS = ("text", "json", "md", "html")


def _render_sheet(sheet: Any, fmt: str, assessor: str | None) -> str:
    from . import render
    from .serialization import dump_sheet

    if fmt == "json":
        return dump_sheet(sheet)
    if fmt == "md":
        return render.sheet_markdown(sheet, assessor=assessor)
    if fmt == "html":
        return render.sheet_html(sheet, assessor=assessor)
    return render.sheet_text(sheet, assessor=assessor)


@main.command()
@click.argument("name")
@click.argument("evidence", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML or JSON file filling the rubric's parameters",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(SHEET_FORMATS),
    default="text",
    show_default=True,
    help="text; json (the serialised sheet); md; html (one printable A4 page)",
)
@click.option("--assessee", help="被考核人员 (default: _meta.assessee of the evidence)")
@click.option("--period", help="考核时间 (default: _meta.period of the evidence)")
@click.option("--assessor", help="考核人, shown on the sheet (default: _meta.assessor)")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="write the sheet to this file instead of stdout",
)
def score(
    name: str,
    evidence: Path,
    params_file: Path | None,
    fmt: str,
    assessee: str | None,
    period: str | None,
    assessor: str | None,
    output: Path | None,
) -> None:
    """Score one assessee's EVIDENCE (TOML or JSON; - reads JSON from stdin) with rubric NAME.

    An optional ``_meta`` table in the evidence names the assessee, period and assessor.
    """
    record = read_mapping(evidence, "evidence")
    raw_meta = record.pop("_meta", {})
    meta = raw_meta if isinstance(raw_meta, dict) else {}
    params = read_mapping(params_file, "parameters") if params_file else None
    rubric = _load(name)
    where = "<stdin>" if str(evidence) == "-" else str(evidence)
    try:
        scorer = rubric.prepare(params)
    except GridrulesError as error:
        _fail(f"{params_file or 'parameters'}: {error}")
    try:
        sheet = scorer.score(
            record,
            assessee=assessee or _optional_text(meta.get("assessee")),
            period=period or _optional_text(meta.get("period")),
        )
    except GridrulesError as error:
        _fail(f"{where}: {error}")
    text = _render_sheet(sheet, fmt, assessor or _optional_text(meta.get("assessor")))
    if output is not None:
        _write_text(output, text)
    else:
        click.echo(text, nl=False)


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


# -- batch ------------------------------------------------------------------------------------


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._")[:80]


def _sheet_writer(directory: Path, fmt: str) -> Callable[[Any, Any], None]:
    suffix = {"text": ".txt", "json": ".json", "md": ".md", "html": ".html"}[fmt]

    def write(scorer: Any, row: Any) -> None:
        sheet = scorer.score(row.evidence, assessee=row.assessee, period=row.period)
        name = f"{row.number:06d}" + (f"-{_safe_name(row.assessee)}" if row.assessee else "")
        _write_text(directory / f"{name}{suffix}", _render_sheet(sheet, fmt, row.assessor))

    return write


class _ProgressBar:
    """A rich progress bar on stderr, driven by :func:`gridrules.batch.run_batch`'s callback.

    It starts drawing (and its refresh thread) at the first report, not on entering: by then the
    batch has started its worker processes, and it can fork them only while no other thread runs.
    """

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("scoring"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rows]} rows"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("scoring", total=None, rows=0)
        self.started = False

    def __call__(self, rows: int, done: int, total: int | None) -> None:
        if not self.started:
            self.progress.start()
            self.started = True
        self.progress.update(self.task, completed=done, total=total, rows=rows)

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.started:
            self.progress.stop()


def _event_log_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``events`` and ``batch --events`` share: roster, side file, feeds, engine."""
    options = [
        click.option(
            "--roster",
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            help="everyone assessed, one row each (CSV, JSON lines or .xlsx): a worker with no "
            "record is included",
        ),
        click.option(
            "--side",
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            help="the fields no feed fills, given by the assessor, one row per assessee",
        ),
        click.option(
            "--feeds",
            "feeds_file",
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            help="the feeds file [default: the feeds.toml beside the rubric]",
        ),
        click.option(
            "--engine",
            type=click.Choice(["duckdb", "python"]),
            default="duckdb",
            show_default=True,
            help="duckdb (embedded, fast) or python (the reference; streams)",
        ),
        click.option(
            "--log-format",
            type=click.Choice(["jsonl", "csv", "xlsx", "parquet"]),
            help="the logs' format [default: from each suffix]",
        ),
        click.option(
            "--timezone",
            default="Asia/Shanghai",
            show_default=True,
            help="the timezone of naive times, and of the assessment's days",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command()
@click.argument("name")
@click.argument(
    "inputs", metavar="INPUT...", nargs=-1, type=click.Path(path_type=Path, dir_okay=False)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="scores file: .csv, .jsonl or .xlsx",
)
@click.option(
    "--events",
    "from_events",
    is_flag=True,
    help="INPUT... are event logs: count the evidence with the rubric's feeds for --period, "
    "merge --side, then score",
)
@_event_log_options
@click.option(
    "--errors",
    type=click.Path(path_type=Path, dir_okay=False),
    help="rejected rows, one line per problem [default: OUTPUT with .errors before the suffix]",
)
@click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML or JSON file filling the rubric's parameters",
)
@click.option(
    "--from",
    "input_format",
    type=click.Choice(["csv", "jsonl", "xlsx"]),
    help="input format [default: from the suffix]",
)
@click.option(
    "--to",
    "output_format",
    type=click.Choice(["csv", "jsonl", "xlsx"]),
    help="output format [default: from the suffix]",
)
@click.option(
    "--encoding",
    type=click.Choice(["auto", "utf-8", "utf-8-sig", "gbk"]),
    default="auto",
    show_default=True,
    help="CSV input encoding; auto tells UTF-8 (with or without BOM) from GBK",
)
@click.option(
    "--output-encoding",
    type=click.Choice(["utf-8-sig", "utf-8", "gbk"]),
    default="utf-8-sig",
    show_default=True,
    help="CSV output encoding (utf-8-sig opens in Chinese Excel as it is)",
)
@click.option(
    "--sheet", "sheet_name", help="the worksheet to read from an .xlsx input [default: the first]"
)
@click.option(
    "--id-column",
    help="the assessee id column [default: the first of assessee, id, 被考核人员, 姓名]",
)
@click.option("--assessor-column", help="the 考核人 column [default: assessor or 考核人]")
@click.option("--period-column", help="the 考核时间 column [default: period or 考核时间]")
@click.option(
    "--keep",
    multiple=True,
    metavar="COLUMN",
    help="a column copied to the output, not evidence (repeatable)",
)
@click.option("--assessor", help="考核人 for rows without an assessor cell")
@click.option("--period", help="考核时间 for rows without a period cell")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="processes scoring in parallel; 0 = one per CPU",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="rows per chunk handed to a worker process",
)
@click.option(
    "--sheets",
    "sheets_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="also write each scored assessee's sheet into this directory",
)
@click.option(
    "--sheets-format",
    type=click.Choice(SHEET_FORMATS),
    default="html",
    show_default=True,
    help="format of the sheets written with --sheets",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="show a progress bar on stderr [default: when stderr is a terminal]",
)
def batch(
    name: str,
    inputs: tuple[Path, ...],
    output: Path,
    from_events: bool,
    roster: Path | None,
    side: Path | None,
    feeds_file: Path | None,
    engine: str,
    log_format: str | None,
    timezone: str,
    errors: Path | None,
    params_file: Path | None,
    input_format: str | None,
    output_format: str | None,
    encoding: str,
    output_encoding: str,
    sheet_name: str | None,
    id_column: str | None,
    assessor_column: str | None,
    period_column: str | None,
    keep: tuple[str, ...],
    assessor: str | None,
    period: str | None,
    workers: int,
    chunk_size: int,
    sheets_dir: Path | None,
    sheets_format: str,
    progress: bool | None,
) -> None:
    """Score every row of INPUT (CSV, JSON lines or .xlsx) with rubric NAME into OUTPUT.

    One row per assessee, one column per evidence field (empty cell: not given, the default
    applies), plus the assessee id, assessor and period columns. The output has row, assessee,
    assessor, period, kept columns, total, base, bonus, penalty, grade, stars, flags and each
    item's points. Rejected
    rows go to the errors file with their row number, field and reason, and the run goes on. Both
    files are written only when the whole input has been read.

    With --events, INPUT... are event logs (files or quoted globs): the evidence is counted
    from them for --period as gridrules events does, merged with --side, and scored in one go;
    rejected log rows go to OUTPUT with .event-errors before the suffix.
    """

    if from_events:
        _batch_from_events(
            name, inputs, output, period, roster, side, feeds_file, engine, log_format,
            timezone, params_file,
            lambda evidence: _run_batch_command(
                name, evidence, output, errors, params_file, None, output_format, "auto",
                output_encoding, None, None, assessor_column, None, keep, assessor, period,
                workers, chunk_size, sheets_dir, sheets_format, progress,
            ),
        )  # fmt: skip
        return
    if len(inputs) != 1:
        _fail("batch scores one INPUT table (or give --events and the event logs)")
    (input_path,) = inputs
    if not input_path.is_file():
        _fail(f"{input_path}: no such input file")
    summary = _run_batch_command(
        name, input_path, output, errors, params_file, input_format, output_format, encoding,
        output_encoding, sheet_name, id_column, assessor_column, period_column, keep, assessor,
        period, workers, chunk_size, sheets_dir, sheets_format, progress,
    )  # fmt: skip
    if summary.rejected:
        sys.exit(EXIT_PROBLEMS)


def _run_batch_command(
    name: str,
    input_path: Path,
    output: Path,
    errors: Path | None,
    params_file: Path | None,
    input_format: str | None,
    output_format: str | None,
    encoding: str,
    output_encoding: str,
    sheet_name: str | None,
    id_column: str | None,
    assessor_column: str | None,
    period_column: str | None,
    keep: tuple[str, ...],
    assessor: str | None,
    period: str | None,
    workers: int,
    chunk_size: int,
    sheets_dir: Path | None,
    sheets_format: str,
    progress: bool | None,
) -> Any:
    """Score INPUT into OUTPUT as ``gridrules batch`` does; returns the summary."""
    from .io.batch import Layout, run_batch

    params = read_mapping(params_file, "parameters") if params_file else None
    rubric = _load(name)
    layout = Layout(
        assessee=id_column,
        assessor=assessor_column,
        period=period_column,
        keep=keep,
        default_assessor=assessor,
        default_period=period,
    )
    on_scored = None
    if sheets_dir is not None:
        try:
            sheets_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            _fail(f"{sheets_dir}: cannot create the sheets directory: {error.strerror}")
        on_scored = _sheet_writer(sheets_dir, sheets_format)
    if progress is None:
        progress = sys.stderr.isatty()
    bar = _ProgressBar() if progress else None
    try:
        with bar if bar is not None else _nothing():
            summary = run_batch(
                rubric,
                input_path,
                output,
                params=params,
                errors=errors,
                input_format=input_format,
                output_format=output_format,
                encoding=encoding,
                output_encoding=output_encoding,
                sheet=sheet_name,
                layout=layout,
                workers=workers,
                chunk_size=chunk_size,
                progress=bar,
                on_scored=on_scored,
            )
    except GridrulesError as error:
        from .errors import ParameterError

        where = f"{params_file or 'parameters'}: " if isinstance(error, ParameterError) else ""
        _fail(f"{where}{error}")
    click.echo(summary.text(), err=True)
    return summary


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


# -- check ------------------------------------------------------------------------------------


def _source_of(rubric_name: str) -> Path | None:
    """The source text a plugin ships (``<module>.SOURCE``), found through its entry point."""
    for ep in importlib.metadata.entry_points(group=plugins.GROUP):
        if rubric_name == ep.name or rubric_name.startswith(ep.name + "-"):
            try:
                module = ep.load()
            except Exception:  # the registry reports a broken plugin already
                return None
            source = getattr(module, "SOURCE", None)
            return Path(source) if source is not None else None
    return None


def _check_one(name: str, source: Path | None, examples: int) -> Iterator[str]:
    """Every problem found in rubric ``name``; prints what was checked to stderr."""
    from .testing import RubricCheckError, check_citations, check_rubric

    try:
        rubric = plugins.load(name)
    except GridrulesError as error:
        yield f"cannot be loaded: {error}"
        return
    checked = ["structure (maxima add up, grade bands cover the totals): ok"]
    source = source if source is not None else _source_of(rubric.name)
    if source is None:
        checked.append("citations: no source text (the plugin has no SOURCE); not checked")
    else:
        try:
            text = source.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            yield f"{source}: cannot read the source text: {error}"
            text = None
        if text is not None:
            missing = check_citations(rubric, text)
            for quote in missing:
                short = quote if len(quote) <= 60 else quote[:57] + "..."
                yield f"quotes a clause not found in {source.name}: 「{short}」"
            if not missing:
                checked.append(f"citations: every clause found in {source.name}")
    try:
        check_rubric(rubric, max_examples=examples)
    except RubricCheckError as error:
        yield f"invariant broken on generated evidence: {error}"
    except GridrulesError as error:
        yield f"scoring failed on generated evidence: {error}"
    else:
        checked.append(f"invariants on {examples} generated records: ok")
    for line in checked:
        click.echo(f"  {line}", err=True)


@main.command()
@click.argument("name", required=False)
@click.option(
    "--examples",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="generated evidence records per rubric for the property run",
)
@click.option(
    "--source",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="the source text whose clauses NAME quotes [default: the plugin's SOURCE]",
)
def check(name: str | None, examples: int, source: Path | None) -> None:
    """Validate installed rubrics, or rubric NAME: structure, citations, invariants.

    Loads each rubric (which checks maxima and grade bands), finds every quoted clause in the
    plugin's source text, and scores generated evidence checking the invariants of
    gridrules.testing.check_rubric. Exits 1 when any rubric has a problem.
    """
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        _fail("check needs hypothesis: pip install 'gridrules[testing]'")
    if name is None:
        names = [info.name for info in plugins.available()]
        if not names:
            _fail("no rubrics installed to check")
    else:
        names = [name]
    failed = 0
    for rubric_name in names:
        click.echo(f"checking {rubric_name}", err=True)
        problems = list(_check_one(rubric_name, source, examples))
        if problems:
            failed += 1
            click.echo(
                f"{rubric_name}: {len(problems)} {'problem' if len(problems) == 1 else 'problems'}"
            )
            for problem in problems:
                click.echo(f"  - {problem}")
        else:
            click.echo(f"{rubric_name}: ok")
    if failed:
        click.echo(f"{failed} of {len(names)} rubrics have problems", err=True)
        sys.exit(EXIT_PROBLEMS)


# -- events -----------------------------------------------------------------------------------


def _collect(
    name: str,
    logs: tuple[Path, ...],
    period: str | None,
    roster: Path | None,
    side: Path | None,
    feeds_file: Path | None,
    engine: str,
    log_format: str | None,
    timezone: str,
    params: dict[str, Any] | None,
) -> Any:
    """Evidence from the logs for rubric ``name``: the work of ``events`` and ``batch --events``."""
    from .io.evidence import collect_evidence, read_roster, read_side_file
    from .io.feeds import load_feeds
    from .io.logengine import log_sources
    from .periods import Period

    if period is None:
        _fail("event logs are counted for one period: give --period (e.g. --period 2026-10)")
    if not logs:
        _fail("name the event logs (files or quoted globs such as 'logs/*.jsonl')")
    rubric = _load(name)
    feeds = (
        load_feeds(feeds_file, rubric) if feeds_file is not None else plugins.feeds(name, rubric)
    )
    if not feeds.feeds:
        _fail(
            f"rubric {rubric.name!r} declares no feeds (no feeds.toml beside it); name a feeds "
            "file with --feeds"
        )
    sources = log_sources(logs, log_format)
    return collect_evidence(
        rubric,
        feeds,
        sources,
        Period.parse(period),
        params=params,
        roster=read_roster(roster) if roster is not None else (),
        side=read_side_file(side, rubric, feeds) if side is not None else None,
        engine=engine,
        timezone=timezone,
    )


def _report_rejected(table: Any, errors: Path) -> None:
    if table.rejected_count:
        shown = len(table.rejected)
        more = "" if shown == table.rejected_count else f" (the first {shown} listed)"
        click.echo(f"{table.rejected_count} log rows rejected{more}: {errors}", err=True)
        for row in table.rejected[:5]:
            click.echo(f"  {row.source}, {row}", err=True)


@main.command()
@click.argument("name")
@click.argument("logs", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--period",
    help="the period assessed: 2026-10, 2026-Q3, 2026-10-X1, 2026-W41, 2026, ...",
)
@_event_log_options
@click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML or JSON file filling the rubric's parameters (feeds may read them)",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="evidence file for gridrules batch: .csv, .jsonl or .xlsx",
)
@click.option(
    "--errors",
    type=click.Path(path_type=Path, dir_okay=False),
    help="rejected log rows [default: OUTPUT with .errors before the suffix]",
)
def events(
    name: str,
    logs: tuple[Path, ...],
    period: str | None,
    roster: Path | None,
    side: Path | None,
    feeds_file: Path | None,
    engine: str,
    log_format: str | None,
    timezone: str,
    params_file: Path | None,
    output: Path,
    errors: Path | None,
) -> None:
    """Count rubric NAME's evidence from event LOGS (files or quoted globs) for one --period.

    Each feed of the rubric (its feeds.toml: which aggregator fills which field) is run over
    the logs (JSON lines, CSV in UTF-8 or GBK, .xlsx, Parquet). OUTPUT has one row per assessee
    (the roster's, the logs' and the side file's), the fed fields filled and the side file's
    merged: ready for gridrules batch. Rejected log rows go to the errors file with their line
    or row number and reason; the rest are counted. Exit 1 when rows were rejected.
    """
    from .io.batch import errors_path

    params = read_mapping(params_file, "parameters") if params_file else None
    table = _collect(
        name, logs, period, roster, side, feeds_file, engine, log_format, timezone, params
    )
    errors = errors or errors_path(output)
    table.write(output)
    table.write_rejected(errors)
    click.echo(f"{len(table.rows)} assessees, period {table.period}: {output}", err=True)
    _report_rejected(table, errors)
    if table.rejected_count:
        sys.exit(EXIT_PROBLEMS)


def _batch_from_events(
    name: str,
    logs: tuple[Path, ...],
    output: Path,
    period: str | None,
    roster: Path | None,
    side: Path | None,
    feeds_file: Path | None,
    engine: str,
    log_format: str | None,
    timezone: str,
    params_file: Path | None,
    run: Callable[[Path], Any],
) -> None:
    """``batch NAME --events LOGS...``: evidence from the logs, then scored by ``run``."""
    params = read_mapping(params_file, "parameters") if params_file else None
    table = _collect(
        name, logs, period, roster, side, feeds_file, engine, log_format, timezone, params
    )
    rejected = output.with_name(f"{output.stem}.event-errors{output.suffix or '.csv'}")
    with tempfile.TemporaryDirectory(prefix="gridrules-") as folder:
        evidence = Path(folder) / "evidence.csv"
        table.write(evidence)
        table.write_rejected(rejected)
        summary = run(evidence)
    _report_rejected(table, rejected)
    if summary.rejected or table.rejected_count:
        sys.exit(EXIT_PROBLEMS)
