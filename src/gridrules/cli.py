"""The ``gridrules`` command: list, show, check and score rubrics, one assessee or a whole export.

Results go to stdout (or the files named with ``-o``), messages to stderr. Every error names where
it is (file, row or line, field) and why.

Exit codes:

- 0: success; every row of a batch was scored, ``check`` found no problem.
- 1: ``batch`` rejected rows (they are in the errors file; the scored rows are written),
  ``compare`` found rows a rubric could not score (they are in the output with their reasons),
  ``check`` found a problem in a rubric, or ``calendar`` found a year it does not know (or knows
  only provisionally, for ``calendar check``).
- 2: bad input or usage: an unknown rubric or option, a file that cannot be read or is malformed,
  evidence or parameters that do not fit the rubric (``score``), an input table that cannot be
  read as a whole (``batch``: wrong encoding, duplicated column, malformed CSV).
- 3: an internal error (a bug in gridrules or a plugin); the traceback is on stderr.
- 130: interrupted (Ctrl-C); no output file was written or changed.
- 143: terminated (SIGTERM), handled as Ctrl-C is.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import attrs
import click
import pendulum

from . import plugins
from .calendars import (
    PROVISIONAL_MARK,
    LocalCalendar,
    WorkingCalendar,
    get_calendar,
    load_local_calendar,
)
from .engine.rubric import Rubric
from .errors import GridrulesError, ParameterError
from .io.batch import Layout, errors_path, run_batch
from .io.datafiles import (
    MAX_BYTES,
    dump_rubric,
    evidence_of,
    loads_document,
    params_of,
    read_document,
)
from .io.files import write_text
from .io.headers import read_header_map
from .io.report import Report, read_scores
from .io.sheets import SUFFIXES, SheetBook, SheetMaker, find_browser, render_sheet
from .io.tables import optional_module
from .io.template import read_parameters, write_template
from .io.whatif import compare_rubrics, read_records
from .io.whatif_report import write_comparison
from .model.numbers import to_decimal
from .periods import Period

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_TERMINATED",
    "main",
]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


def _fail(message: str) -> NoReturn:
    click.echo(f"gridrules: error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def read_mapping(path: Path, what: str) -> dict[str, Any]:
    """Read a TOML or JSON file holding one table (evidence or parameters); ``-`` is stdin JSON.

    Read as :func:`gridrules.load_evidence` and :func:`gridrules.io.datafiles.load_params` read
    it (a regular file within the size limit, UTF-8, numbers exact, no key twice, bounded
    nesting), so that a file means the same here as from Python; ``_meta`` is left in place.
    """
    try:
        if str(path) == "-":
            text = sys.stdin.buffer.read(MAX_BYTES + 1)
            if len(text) > MAX_BYTES:
                _fail(f"<stdin>: the {what} is larger than the {MAX_BYTES // 1024**2} MiB read")
            try:
                data = loads_document(text.decode("utf-8-sig"), "json", "<stdin>")
            except UnicodeDecodeError as error:
                _fail(f"<stdin>: the {what} is not UTF-8 text ({error.reason})")
        else:
            data = read_document(path, what)
    except GridrulesError as error:
        _fail(str(error))
    if not isinstance(data, dict):
        _fail(f"{path}: the {what} file must hold one table of names to values")
    return data


def read_params(path: Path) -> dict[str, Any]:
    """A parameters file's table of names to values (:func:`read_mapping`), each value a number
    or a text."""
    try:
        return params_of(read_mapping(path, "parameters"), str(path))
    except GridrulesError as error:
        _fail(str(error))


def _load(name: str, params: dict[str, Any] | None = None, where: str = "") -> Rubric:
    try:
        return plugins.load(name, params)
    except GridrulesError as error:
        _fail(f"{where}{error}")


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so it is whole or not there at all."""
    try:
        write_text(path, text)
    except GridrulesError as error:
        _fail(str(error))


def _refuse_overwrite(output: Path | None, *inputs: tuple[Path | None, str]) -> None:
    """Fail when ``output`` is one of the ``inputs`` (path, what it is)."""
    if output is None:
        return
    target = output.resolve()
    for path, what in inputs:
        if path is not None and str(path) != "-" and path.resolve() == target:
            _fail(f"{output}: the output would overwrite the {what} file")


class _Group(click.Group):
    """Maps interrupts, gridrules' errors and bugs to the documented exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Terminated:
            click.echo("gridrules: terminated; no output was written", err=True)
            ctx.exit(EXIT_TERMINATED)
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

    Exit codes: 0 success; 1 rows rejected (batch, compare), problems found (check) or a year
    unknown (calendar); 2 bad input or usage; 3 internal error; 130 interrupted.
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

    params = read_params(params_file) if params_file else None
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
@click.argument("name", required=False)
@click.option(
    "--rubric-file",
    "rubric_file",
    is_flag=True,
    help="the schema of the rubric file format itself, for editors, instead of NAME's evidence",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="write to this file instead of stdout",
)
def schema(name: str | None, rubric_file: bool, output: Path | None) -> None:
    """Print the JSON Schema of rubric NAME's evidence (one record, one assessee), or with
    --rubric-file the JSON Schema of a rubric file, for editors to check and complete one.

    NAME is an installed rubric or the path of a rubric file (.toml or .json).
    """
    if rubric_file == (name is not None):
        _fail(
            "schema takes a rubric NAME (the schema of its evidence) or --rubric-file (the "
            "schema of the rubric file format), not both"
            if rubric_file
            else "schema needs a rubric NAME, or --rubric-file for the rubric file format"
        )
    if rubric_file:
        from .serialization import rubric_schema

        data = rubric_schema()
    else:
        assert name is not None
        data = _load(name).evidence_schema()
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output is not None:
        _write_text(output, text)
    else:
        click.echo(text, nl=False)


# -- calendar ---------------------------------------------------------------------------------


CALENDAR_MODES = ("official", "provisional")

_Command = TypeVar("_Command", bound=Callable[..., Any])


def _calendar_options(command: _Command) -> _Command:
    """``--calendar`` and ``--local-calendar``: the working days quotas per working day count."""
    command = click.option(
        "--local-calendar",
        "local_calendars",
        multiple=True,
        metavar="FILE|NAME",
        help="a local calendar file (TOML), or the name of one an installed plugin provides, "
        "applied on top of the official calendar (repeatable; applied in order)",
    )(command)
    return click.option(
        "--calendar",
        "calendar_mode",
        type=click.Choice(CALENDAR_MODES),
        default="official",
        show_default=True,
        help="official: refuse a year without its State Council arrangement; provisional: count "
        "such a year's statutory holidays and weekends, without make-up working days, and say "
        "so on every sheet (临时日历：未含调休安排)",
    )(command)


def _chosen_calendar(mode: str, local: tuple[str, ...]) -> WorkingCalendar | None:
    """The calendar the options ask for; None for the official one, the scorer's default."""
    if mode == "official" and not local:
        return None
    try:
        return get_calendar("CN", local=list(local) or None, provisional=mode == "provisional")
    except GridrulesError as error:
        _fail(str(error))


def _given_period(period: str | None) -> str | None:
    """``--period`` as given, once read: a period that is not one fails now, not on every row."""
    if period is not None:
        try:
            Period.parse(period)
        except GridrulesError as error:
            _fail(f"--period: {error}")
    return period


def _note_calendar(rubric: Rubric, calendar: WorkingCalendar | None) -> None:
    """Say on stderr which calendar counts the working days, when one was chosen."""
    if calendar is None:
        return
    if not rubric.needs_working_days:
        click.echo(
            f"gridrules: note: rubric {rubric.name!r} sets no quota per working day; "
            "--calendar and --local-calendar change nothing",
            err=True,
        )
        return
    click.echo(f"calendar: {calendar.name}", err=True)
    if calendar.provisional_years:
        click.echo(
            f"gridrules: note: working days of {_years_text(calendar.provisional_years)} are "
            f"counted without the make-up working days (调休) of the State Council's notice; "
            f"every sheet says so ({PROVISIONAL_MARK})",
            err=True,
        )


def _years_text(years: Iterable[int]) -> str:
    spans = _year_spans(years)
    if not spans:
        return "none"
    return ", ".join(str(a) if a == b else f"{a} to {b}" for a, b in spans)


def _year_spans(years: Iterable[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for year in sorted(years):
        if spans and spans[-1][1] == year - 1:
            spans[-1] = (spans[-1][0], year)
        else:
            spans.append((year, year))
    return spans


def _day_arg(text: str | None) -> date:
    """``--date``, or today in China."""
    if text is None:
        today = pendulum.today("Asia/Shanghai")
        return date(today.year, today.month, today.day)
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"--date: expected a date such as 2026-12-15, got {text!r}")


def _layers(calendar: WorkingCalendar) -> list[dict[str, str | None]]:
    """The calendar's layers, bottom first: what each is and where it comes from."""
    by_file = {path.resolve(): dist for _, dist, path in plugins.registry().calendar_files()}
    layers: list[dict[str, str | None]] = []
    while isinstance(calendar, LocalCalendar):
        path = calendar.source
        dist = by_file.get(Path(path).resolve()) if path else None
        kind = "plugin" if dist else "file" if path else "python"
        layers.append({"name": calendar.local_name, "kind": kind, "plugin": dist, "path": path})
        calendar = calendar.base
    layers.append({"name": calendar.name, "kind": "package", "plugin": None, "path": None})
    layers.reverse()
    return layers


def _installed_calendars() -> list[dict[str, str | None]]:
    """Every calendar file installed plugins provide, by name; a broken one with its error."""
    found: list[dict[str, str | None]] = []
    for _, dist, path in plugins.registry().calendar_files():
        try:
            name: str | None = load_local_calendar(path).local_name
            error = None
        except GridrulesError as exc:
            name, error = None, str(exc)
        found.append({"name": name, "plugin": dist, "path": str(path), "error": error})
    return found


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _year_listing(calendar: WorkingCalendar, year: int) -> dict[str, Any]:
    """A year's working days per month, and its special days with their sources."""
    listing: dict[str, Any] = {
        "year": year,
        "known": calendar.knows_year(year),
        "provisional": year in calendar.provisional_years,
        "source": calendar.describe_year(year),
        "months": [],
        "special_days": [],
    }
    if not (listing["known"] or listing["provisional"]):
        return listing
    special = calendar.special_days(year)
    for month in Period.year(year).split("month"):
        days = [d for d in special if month.contains(d.day)]
        weekdays = sum(1 for d in month.days() if d.weekday() < 5)
        off = sum(1 for d in days if not d.working)
        worked = len(days) - off
        listing["months"].append(
            {
                "month": str(month),
                "weekdays": weekdays,
                "off": off,
                "worked": worked,
                "working_days": calendar.working_days(month),
            }
        )
    listing["special_days"] = [
        {
            "date": d.day.isoformat(),
            "weekday": _WEEKDAYS[d.day.weekday()],
            "working": d.working,
            "name": d.name,
            "source": d.source,
        }
        for d in special
    ]
    return listing


def _calendar_text(
    calendar: WorkingCalendar,
    layers: list[dict[str, str | None]],
    installed: list[dict[str, str | None]],
    listing: dict[str, Any],
) -> str:
    out = [f"calendar: {calendar.name}"]
    for at, layer in enumerate(layers):
        where = {
            "package": "the holidays package",
            "plugin": f"plugin {layer['plugin']} ({layer['path']})",
            "file": f"local file {layer['path']}",
            "python": "built in Python",
        }[str(layer["kind"])]
        out.append(f"  {'+ ' if at else ''}{layer['name']}: {where}")
    out.append(f"known years: {_years_text(calendar.known_years)}")
    if calendar.provisional_years:
        out.append(
            f"provisional years: {_years_text(calendar.provisional_years)} ({PROVISIONAL_MARK})"
        )
    if installed:
        out.append("installed calendars (use with --local-calendar NAME):")
        for entry in installed:
            what = entry["name"] if entry["error"] is None else f"broken: {entry['error']}"
            out.append(f"  {what} (plugin {entry['plugin']}, {entry['path']})")
    else:
        out.append("installed calendars: none")
    year = listing["year"]
    out += ["", f"{year}: {listing['source']}"]
    if not listing["months"]:
        out.append(
            f"the working days of {year} are not known: a rubric with quotas per working day "
            f"(每天N条) refuses to score a period in {year}:{_what_to_do(year)}"
        )
        return "\n".join(out) + "\n"
    out += ["", "month    weekdays  off  worked  working days"]
    totals = [0, 0, 0, 0]
    for month in listing["months"]:
        numbers = [month[k] for k in ("weekdays", "off", "worked", "working_days")]
        totals = [a + b for a, b in zip(totals, numbers, strict=True)]
        out.append(
            f"{month['month']:<7} {numbers[0]:>9} {numbers[1]:>4} {numbers[2]:>7} {numbers[3]:>13}"
        )
    out.append(f"{year:<7} {totals[0]:>9} {totals[1]:>4} {totals[2]:>7} {totals[3]:>13}")
    out += ["", "days off from Monday to Friday, and Saturdays and Sundays worked:"]
    for day in listing["special_days"]:
        state = "work" if day["working"] else "off "
        out.append(f"{day['date']} {day['weekday']} {state} {day['name']} ({day['source']})")
    if not listing["special_days"]:
        out.append("none")
    return "\n".join(out) + "\n"


def _what_to_do(year: int, provisional: bool = False) -> str:
    steps = (
        f"\n  - when the State Council's notice for {year} is out, write a local calendar file "
        f"from it (see 'Local calendars' in the documentation) and score with "
        f"--local-calendar FILE;\n  - or upgrade holidays once a release knows {year} "
        f"(pip install -U holidays)"
    )
    if provisional:
        return steps + "."
    return (
        f"{steps};\n  - until then, --calendar provisional counts {year}'s statutory holidays "
        f"and weekends, without the make-up working days, and every sheet says so "
        f"({PROVISIONAL_MARK})."
    )


def _calendar_check(calendar: WorkingCalendar, today: date, fmt: str) -> None:
    this = Period.containing(today, "month")
    following = Period.containing(this.end + timedelta(days=1), "month")
    months: list[dict[str, Any]] = []
    for label, month in (("this month", this), ("next month", following)):
        year = month.start.year
        state = (
            "known"
            if calendar.knows_year(year)
            else "provisional"
            if year in calendar.provisional_years
            else "unknown"
        )
        months.append(
            {
                "which": label,
                "month": str(month),
                "year": year,
                "state": state,
                "source": calendar.describe_year(year),
            }
        )
    problems = sorted({m["year"] for m in months if m["state"] != "known"})
    if fmt == "json":
        click.echo(
            json.dumps(
                {"calendar": calendar.name, "ok": not problems, "months": months},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(f"calendar: {calendar.name}")
        for m in months:
            click.echo(f"{m['which']}, {m['month']}: {m['year']}, {m['source']}")
        for year in problems:
            first = next(m["month"] for m in months if m["year"] == year)
            if year in calendar.provisional_years:
                click.echo(
                    f"warning: {year} is counted provisionally ({PROVISIONAL_MARK}): the "
                    f"State Council's arrangement for {year} is not in this calendar:"
                    + _what_to_do(year, provisional=True)
                )
            else:
                click.echo(
                    f"warning: calendar {calendar.name} does not know {year}: from {first} a "
                    f"rubric with quotas per working day (每天N条) refuses to score:"
                    + _what_to_do(year)
                )
        if not problems:
            click.echo("ok: the official arrangement of this month and the next is known")
    if problems:
        sys.exit(EXIT_PROBLEMS)


@main.command(name="calendar")
@click.argument("what", metavar="[YEAR|check]", required=False)
@_calendar_options
@click.option(
    "--date",
    "on",
    metavar="YYYY-MM-DD",
    help="the day to look from: the default YEAR, and this month for check [default: today "
    "in China]",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def calendar_command(
    what: str | None,
    calendar_mode: str,
    local_calendars: tuple[str, ...],
    on: str | None,
    fmt: str,
) -> None:
    """Show the working-day calendar: known years, working days per month, each day's source.

    YEAR (default: this year) lists its working days per month and every day that departs from
    Monday to Friday, with where it comes from: the holidays package, a local file, a plugin.
    Exits 1 when the year is not known. "calendar check" exits 1, with a warning saying what
    to do, when the year of this month or the next is not known (or only provisionally).
    """
    today = _day_arg(on)
    calendar = _chosen_calendar(calendar_mode, local_calendars) or get_calendar("CN")
    if what == "check":
        _calendar_check(calendar, today, fmt)
        return
    if what is None:
        year = today.year
    elif what.isdigit() and 1 <= int(what) <= 9999:
        year = int(what)
    else:
        _fail(f"calendar: expected a year such as 2027, or check; got {what!r}")
    layers = _layers(calendar)
    installed = _installed_calendars()
    listing = _year_listing(calendar, year)
    if fmt == "json":
        data = {
            "calendar": calendar.name,
            "layers": layers,
            "known_years": _year_spans(calendar.known_years),
            "provisional_years": _year_spans(calendar.provisional_years),
            "installed": installed,
            **listing,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(_calendar_text(calendar, layers, installed, listing), nl=False)
    if not listing["months"]:
        sys.exit(EXIT_PROBLEMS)


# -- score ------------------------------------------------------------------------------------


SHEET_FORMATS = ("text", "json", "md", "html")


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
@_calendar_options
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
    calendar_mode: str,
    local_calendars: tuple[str, ...],
    output: Path | None,
) -> None:
    """Score one assessee's EVIDENCE (TOML or JSON; - reads JSON from stdin) with rubric NAME.

    An optional ``_meta`` table in the evidence names the assessee, period and assessor.
    """
    _refuse_overwrite(output, (evidence, "evidence"), (params_file, "parameters"))
    where = "<stdin>" if str(evidence) == "-" else str(evidence)
    try:
        given = evidence_of(read_mapping(evidence, "evidence"), where)
    except GridrulesError as error:
        _fail(str(error))
    params = read_params(params_file) if params_file else None
    rubric = _load(name)
    calendar = _chosen_calendar(calendar_mode, local_calendars)
    try:
        scorer = rubric.prepare(params)
    except GridrulesError as error:
        _fail(f"{params_file or 'parameters'}: {error}")
    _note_calendar(rubric, calendar)
    try:
        sheet = scorer.score(
            given.record,
            assessee=assessee or given.assessee,
            period=period or given.period,
            calendar=calendar,
            assessor=assessor or given.assessor,
        )
    except GridrulesError as error:
        _fail(f"{where}: {error}")
    text = render_sheet(sheet, fmt, assessor or given.assessor)
    if output is not None:
        _write_text(output, text)
    else:
        click.echo(text, nl=False)


# -- batch ------------------------------------------------------------------------------------


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._")[:80]


def _sheet_files(directory: Path, fmt: str) -> Callable[[Any, str], None]:
    """Writes each sheet a batch makes to its own file in ``directory``."""
    suffix = SUFFIXES[fmt]

    def write(row: Any, text: str) -> None:
        name = f"{row.number:06d}" + (f"-{_safe_name(row.assessee)}" if row.assessee else "")
        write_text(directory / f"{name}{suffix}", text)

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


# the options of the commands that read a table of evidence (batch, compare)
_INPUT_FORMAT = click.option(
    "--from",
    "input_format",
    type=click.Choice(["csv", "jsonl", "xlsx"]),
    help="input format [default: from the suffix]",
)
_ENCODING = click.option(
    "--encoding",
    type=click.Choice(["auto", "utf-8", "utf-8-sig", "gbk"]),
    default="auto",
    show_default=True,
    help="CSV input encoding; auto tells UTF-8 (with or without BOM) from GBK",
)
_SHEET = click.option(
    "--sheet", "sheet_name", help="the worksheet to read from an .xlsx input [default: the first]"
)
_ID_COLUMN = click.option(
    "--id-column",
    help="the assessee id column [default: the first of assessee, id, 被考核人员, 姓名]",
)
_PERIOD_COLUMN = click.option(
    "--period-column", help="the 考核时间 column [default: period or 考核时间]"
)
_KEEP = click.option(
    "--keep",
    multiple=True,
    metavar="COLUMN",
    help="a column copied to the output, not evidence (repeatable)",
)
_PERIOD = click.option("--period", help="考核时间 for rows without a period cell")
_HEADER_ROW = click.option(
    "--header-row",
    type=click.IntRange(min=1),
    help="the row holding the column names [default: the first, or the first after a title]",
)
_HEADER_MAP = click.option(
    "--header-map",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML, JSON or CSV file mapping the input's column names to field ids or labels",
)
_HEADERS = click.option(
    "--headers",
    type=click.Choice(["zh", "id"]),
    help="output column names and error reasons: zh (Chinese) or id [default: zh for .xlsx]",
)


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
@_INPUT_FORMAT
@click.option(
    "--to",
    "output_format",
    type=click.Choice(["csv", "jsonl", "xlsx"]),
    help="output format [default: from the suffix]",
)
@_ENCODING
@click.option(
    "--output-encoding",
    type=click.Choice(["utf-8-sig", "utf-8", "gbk"]),
    default="utf-8-sig",
    show_default=True,
    help="CSV output encoding (utf-8-sig opens in Chinese Excel as it is)",
)
@_SHEET
@_ID_COLUMN
@click.option("--assessor-column", help="the 考核人 column [default: assessor or 考核人]")
@_PERIOD_COLUMN
@_KEEP
@click.option("--assessor", help="考核人 for rows without an assessor cell")
@_PERIOD
@_calendar_options
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
@_HEADER_ROW
@_HEADER_MAP
@_HEADERS
@click.option(
    "--group-by",
    multiple=True,
    metavar="COLUMN",
    help="rank within the groups of this column (kept in the output; repeatable, nested)",
)
@click.option(
    "--sheets",
    "sheets_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="also write each scored assessee's sheet into this directory",
)
@click.option(
    "--sheets-format",
    type=click.Choice(["html", "md", "text", "json", "pdf"]),
    default="html",
    show_default=True,
    help="format of the sheets; pdf: one file, OUTPUT's name, with every sheet an A4 page",
)
@click.option(
    "--sheets-order",
    type=click.Choice(["input", "group"]),
    default="input",
    show_default=True,
    help="order of the sheets in the PDF: as the input, or grouped by --group-by",
)
@click.option("--browser", help="the Chromium that prints the PDF [default: found on the PATH]")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="show a progress bar on stderr [default: when stderr is a terminal]",
)
def batch(
    name: str,
    inputs: tuple[Path, ...],
    from_events: bool,
    roster: Path | None,
    side: Path | None,
    feeds_file: Path | None,
    engine: str,
    log_format: str | None,
    timezone: str,
    **options: Any,
) -> None:
    """Score every row of INPUT (CSV, JSON lines or .xlsx) with rubric NAME into OUTPUT.

    One row per assessee, one column per evidence field, named by the field's Chinese label
    (缺签到) or its id (an empty cell: not given, the default applies), plus the assessee,
    assessor and period columns. The output has row, assessee, assessor, period, kept
    columns, total, base, bonus, penalty, grade, stars, flags, the ranks (--group-by) and each
    item's points. Rejected rows go to the errors file with their row number, field and reason,
    and the run goes on. Both files are written only when the whole input has been read.

    With --events, INPUT... are event logs (files or quoted globs): the evidence is counted
    from them for --period as gridrules events does, merged with --side, and scored in one go;
    rejected log rows go to OUTPUT with .event-errors before the suffix.
    """
    if from_events:
        # the evidence table is gridrules' own CSV: the input's reading options do not apply
        counted = {
            **options,
            "input_format": None,
            "encoding": "auto",
            "sheet_name": None,
            "id_column": None,
            "period_column": None,
            "header_row": None,
            "header_map": None,
        }
        _batch_from_events(
            name, inputs, options["output"], options["period"], roster, side, feeds_file,
            engine, log_format, timezone, options["params_file"],
            lambda evidence: _run_batch_command(name, evidence, **counted),
        )  # fmt: skip
        return
    if len(inputs) != 1:
        _fail("batch scores one INPUT table (or give --events and the event logs)")
    (input_path,) = inputs
    if not input_path.is_file():
        _fail(f"{input_path}: no such input file")
    summary = _run_batch_command(name, input_path, **options)
    if summary.rejected:
        sys.exit(EXIT_PROBLEMS)


def _run_batch_command(
    name: str,
    input_path: Path,
    *,
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
    calendar_mode: str,
    local_calendars: tuple[str, ...],
    workers: int,
    chunk_size: int,
    header_row: int | None,
    header_map: Path | None,
    headers: str | None,
    group_by: tuple[str, ...],
    sheets_dir: Path | None,
    sheets_format: str,
    sheets_order: str,
    browser: str | None,
    progress: bool | None,
) -> Any:
    """Score INPUT into OUTPUT as ``gridrules batch`` does; returns the summary."""
    params = read_params(params_file) if params_file else None
    rubric = _load(name)
    calendar = _chosen_calendar(calendar_mode, local_calendars)
    if params is None:
        params = _workbook_parameters(input_path, input_format)
    mapping = _header_mapping(header_map)
    layout = Layout(
        assessee=id_column,
        assessor=assessor_column,
        period=period_column,
        keep=keep,
        default_assessor=assessor,
        default_period=_given_period(period),
        mapping=mapping,
    )
    on_sheet: Callable[[Any, str], None] | None = None
    book: SheetBook | None = None
    if sheets_dir is not None:
        try:
            sheets_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            _fail(f"{sheets_dir}: cannot create the sheets directory: {error.strerror}")
        if sheets_format == "pdf":
            try:
                browser = find_browser(browser)  # before the batch, not after it
            except GridrulesError as error:
                _fail(str(error))
            book = SheetBook(f"{rubric.title} 考核评分表")
            group_at = [(*dict.fromkeys((*keep, *group_by)),).index(g) for g in group_by]
            sheets_book = book

            def add_to_book(row: Any, text: str) -> None:
                sheets_book.add(text, tuple(row.extra[i] for i in group_at))

            on_sheet = add_to_book
        else:
            on_sheet = _sheet_files(sheets_dir, sheets_format)
    if progress is None:
        progress = sys.stderr.isatty()
    bar = _ProgressBar() if progress else None
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with bar if bar is not None else contextlib.nullcontext():
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
                header_row=header_row,
                layout=layout,
                headers=headers,
                group_by=group_by,
                workers=workers,
                chunk_size=chunk_size,
                progress=bar,
                sheets=SheetMaker(sheets_format) if sheets_dir is not None else None,
                on_sheet=on_sheet,
                calendar=calendar,
            )
        if book is not None and sheets_dir is not None:
            pdf = sheets_dir / f"{output.stem}.pdf"
            book.write_pdf(pdf, grouped=sheets_order == "group", browser=browser)
            summary.notes.append(f"sheets: {pdf} ({book.count} pages, one sheet each)")
    except GridrulesError as error:
        where = f"{params_file or 'parameters'}: " if isinstance(error, ParameterError) else ""
        _fail(f"{where}{error}")
    finally:
        signal.signal(signal.SIGTERM, previous)
        if book is not None:
            book.close()
    click.echo(summary.text(), err=True)
    _note_calendar(rubric, calendar)
    return summary


def _workbook_parameters(path: Path, input_format: str | None) -> dict[str, Any] | None:
    """The parameters a workbook from ``gridrules template`` carries on its 参数 sheet; None for
    a table of another format, or a workbook without the sheet."""
    if (input_format or path.suffix.lower()[1:]) != "xlsx":
        return None
    try:
        return read_parameters(path)
    except GridrulesError as error:
        _fail(str(error))


def _header_mapping(path: Path | None) -> dict[str, str] | None:
    """The ``--header-map`` file read, or None when none is given."""
    try:
        return read_header_map(path) if path is not None else None
    except GridrulesError as error:
        _fail(str(error))


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: the run stops, and no output file is changed."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


# -- template ---------------------------------------------------------------------------------


@main.command()
@click.argument("name")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="the workbook to write (.xlsx)",
)
@click.option(
    "--column",
    "extra_columns",
    multiple=True,
    metavar="NAME",
    help="an extra column before the fields, e.g. 社区 (repeatable)",
)
@click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML or JSON file of parameter values to fill in on the 参数 sheet",
)
def template(
    name: str, output: Path, extra_columns: tuple[str, ...], params_file: Path | None
) -> None:
    """Write a blank input workbook for rubric NAME, to fill in and score with batch.

    The 填报 sheet has a column per evidence field, headed by its Chinese label (its id and what
    it takes in a note), checking what is typed; the 参数 sheet the parameters; the 填表说明
    sheet each field's clause. A workbook filled in from it scores without edits.
    """
    if output.suffix.lower() != ".xlsx":
        _fail(f"{output}: the template is an Excel workbook; name it .xlsx")
    params = read_params(params_file) if params_file else None
    rubric = _load(name)
    if params:
        try:
            rubric = rubric.with_params(params)
        except GridrulesError as error:
            _fail(f"{params_file}: {error}")
    write_template(rubric, output, extra_columns=extra_columns)
    click.echo(f"template: {output} ({len(rubric.fields)} fields)", err=True)


# -- report -----------------------------------------------------------------------------------


@main.command()
@click.argument(
    "scores",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="the report: .html (printable on A4) or .xlsx",
)
@click.option(
    "--group-by",
    multiple=True,
    metavar="COLUMN",
    help="the column of the score files to group by, e.g. 社区 (repeatable)",
)
@click.option(
    "--below",
    "threshold",
    default="60",
    show_default=True,
    help="list the workers whose total is below this",
)
@click.option("--title", help="the report's title [default: 网格员考核情况汇总]")
def report(
    scores: tuple[Path, ...],
    output: Path,
    group_by: tuple[str, ...],
    threshold: str,
    title: str | None,
) -> None:
    """Summarise SCORES files written by batch (several offices, several months) for a district.

    Per period and group: count, mean, range and grades, drawn as a chart; the month-on-month
    change of each group's mean; the workers below a threshold; the ranking within each group.
    """
    kind = output.suffix.lower()
    if kind not in (".html", ".xlsx"):
        _fail(f"{output}: the report is written as .html or .xlsx")
    _refuse_overwrite(output, *((path, "score") for path in scores))
    try:
        below = to_decimal(threshold, "--below")
    except TypeError:
        _fail(f"--below: expected a number, got {threshold!r}")
    except ValueError as error:  # too long to be kept exact, as any number read is
        _fail(str(error))
    entries = read_scores(scores, group_by)
    summary = Report(
        entries, title=title or "网格员考核情况汇总", group_by=group_by, threshold=below
    )
    if kind == ".html":
        summary.write_html(output)
    else:
        summary.write_xlsx(output)
    click.echo(
        f"report: {output} ({len(entries)} results, {len(summary.periods)} "
        f"{'period' if len(summary.periods) == 1 else 'periods'}, {len(summary.groups)} "
        f"{'group' if len(summary.groups) == 1 else 'groups'})",
        err=True,
    )


# -- compare ----------------------------------------------------------------------------------


@main.command(name="compare")
@click.argument("old")
@click.argument("new")
@click.argument("evidence", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="the comparison: .xlsx (rows and figures), .csv or .jsonl (one row per assessee), "
    ".html (a printable page)",
)
@click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML or JSON file filling the parameters of both rubrics (each takes those it declares)",
)
@click.option(
    "--old-params",
    "old_params_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="parameters of OLD only, over --params",
)
@click.option(
    "--new-params",
    "new_params_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="parameters of NEW only, over --params",
)
@click.option(
    "--group-by",
    multiple=True,
    metavar="COLUMN",
    help="the column to sum up the change by, e.g. 社区 (kept in the output; repeatable, nested)",
)
@_KEEP
@_ID_COLUMN
@_PERIOD_COLUMN
@_PERIOD
@_INPUT_FORMAT
@_ENCODING
@_SHEET
@_HEADER_ROW
@_HEADER_MAP
@_HEADERS
@click.option("--title", help="the page's title [default: 考核细则调整前后对比]")
@click.option(
    "--top",
    "movers",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="how many of the largest gains and losses the page lists",
)
@_calendar_options
def compare_command(
    old: str,
    new: str,
    evidence: Path,
    output: Path,
    params_file: Path | None,
    old_params_file: Path | None,
    new_params_file: Path | None,
    group_by: tuple[str, ...],
    keep: tuple[str, ...],
    id_column: str | None,
    period_column: str | None,
    period: str | None,
    input_format: str | None,
    encoding: str,
    sheet_name: str | None,
    header_row: int | None,
    header_map: Path | None,
    headers: str | None,
    title: str | None,
    movers: int,
    calendar_mode: str,
    local_calendars: tuple[str, ...],
) -> None:
    """Score EVIDENCE with rubric OLD (in force) and NEW (a draft), and compare who wins and
    who loses.

    OLD and NEW are installed rubric names, NAME==VERSION (refused unless that version is the
    one installed), or rubric files. EVIDENCE is read as batch reads it (columns by a field's
    id or Chinese label in either rubric). The output has, per assessee, both totals, the
    change, both grades and stars; the workbook and the page add the change per group, the
    grade distribution before and after, each item's share of the change, and the fields one
    rubric reads and the other does not. Rows a rubric rejects are kept with their reasons;
    the command then exits with 1.
    """
    if output.suffix.lower() not in (".xlsx", ".csv", ".jsonl", ".html"):
        _fail(f"{output}: the comparison is written as .xlsx, .csv, .jsonl or .html")
    _refuse_overwrite(
        output,
        (evidence, "evidence"),
        (params_file, "parameters"),
        (old_params_file, "parameters"),
        (new_params_file, "parameters"),
    )
    before = _load(old, where="OLD: ")
    after = _load(new, where="NEW: ")
    params, old_params, new_params = (
        read_params(path) if path else None
        for path in (params_file, old_params_file, new_params_file)
    )
    if params is old_params is new_params is None:
        params = _workbook_parameters(evidence, input_format)
    calendar = _chosen_calendar(calendar_mode, local_calendars)
    layout = Layout(
        assessee=id_column,
        period=period_column,
        keep=(*keep, *(g for g in group_by if g not in keep)),
        default_period=_given_period(period),
        mapping=_header_mapping(header_map),
    )
    try:
        rows = read_records(
            before,
            after,
            evidence,
            layout,
            input_format=input_format,
            encoding=encoding,
            sheet=sheet_name,
            header_row=header_row,
        )
        comparison = compare_rubrics(
            before,
            after,
            rows,
            params=params,
            old_params=old_params,
            new_params=new_params,
            keep=keep,
            group_by=group_by,
            calendar=calendar,
            source=evidence,
        )
        write_comparison(comparison, output, headers=headers, title=title, movers=movers)
    except GridrulesError as error:
        _fail(str(error))
    click.echo(comparison.summary(), err=True)
    click.echo(f"output: {output}", err=True)
    if not comparison.rows:
        click.echo(f"gridrules: note: {evidence} holds no row to compare", err=True)
    _note_calendar(next((r for r in (before, after) if r.needs_working_days), before), calendar)
    if comparison.rejected:
        sys.exit(EXIT_PROBLEMS)


# -- check ------------------------------------------------------------------------------------


def _check_one(name: str, source: Path | None, examples: int) -> Iterator[str]:
    """Every problem found in rubric ``name``; prints what was checked to stderr."""
    from .testing import RubricCheckError, check_citations, check_rubric, source_of

    try:
        rubric = plugins.load(name)
    except GridrulesError as error:
        yield f"cannot be loaded: {error}"
        return
    checked = ["structure (maxima add up, grade bands cover the totals): ok"]
    source = source if source is not None else source_of(name)
    if source is None:
        checked.append("citations: no source text (no source.txt beside the rubric); not checked")
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
    help="the source text whose clauses NAME quotes [default: source.txt beside the rubric]",
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
    params = read_params(params_file) if params_file else None
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
    params = read_params(params_file) if params_file else None
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


# -- serve ------------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="the address to listen on")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="processes")
@click.option(
    "--max-body", help="the largest request body, e.g. 64M [env GRIDRULES_SERVE_MAX_BODY]"
)
@click.option(
    "--max-records",
    type=click.IntRange(1),
    help="the most records one /results request may hold [env GRIDRULES_SERVE_MAX_RECORDS]",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(0, min_open=True),
    help="the seconds one request may take [env GRIDRULES_SERVE_TIME_LIMIT]",
)
@click.option(
    "--stream-above",
    type=click.IntRange(1),
    help="/results streams JSON lines for more records [env GRIDRULES_SERVE_STREAM_ABOVE]",
)
@click.option(
    "--workdir",
    type=click.Path(path_type=Path, file_okay=False),
    help="where the page keeps its batches [env GRIDRULES_SERVE_WORKDIR; default: a temporary one]",
)
@click.option(
    "--keep-batches",
    type=click.IntRange(1),
    help="how many of the page's batches are kept [env GRIDRULES_SERVE_KEEP_BATCHES]",
)
def serve(host: str, port: int, workers: int, **limits: Any) -> None:
    """Serve the installed rubrics over HTTP (the API, its /docs, and the page at /).

    Limits not given as options are read from the environment, else their defaults: 64M a body,
    100000 records a /results request, 60 s a request, JSON lines above 1000 records.
    """
    try:
        for module in ("fastapi", "uvicorn", "python_multipart", "jinja2"):
            optional_module(module, "serve", "gridrules serve")
    except GridrulesError as error:
        _fail(str(error))
    from .service import Settings
    from .service import serve as run
    from .service.settings import parse_size

    try:
        settings = Settings.from_env()
        given = {k: v for k, v in limits.items() if v is not None}
        if "max_body" in given:
            given["max_body"] = parse_size(given["max_body"])
        settings = attrs.evolve(settings, **given)
    except ValueError as error:
        _fail(str(error))
    run(host, port, workers, settings)
