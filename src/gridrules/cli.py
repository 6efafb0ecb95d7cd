"""The ``gridrules`` command: list, show and score rubrics.

Results go to stdout, messages to stderr. Exit codes: 0 success, 1 a problem found by ``check``
or rows rejected by ``batch``, 2 a usage error or bad input (unknown rubric, malformed file,
invalid evidence or parameters).
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any, NoReturn

import click

from . import plugins
from ._rubric import Rubric
from .errors import GridrulesError

__all__ = ["main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2


def _fail(message: str) -> NoReturn:
    click.echo(f"gridrules: error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def read_mapping(path: Path, what: str) -> dict[str, Any]:
    """Read a TOML or JSON file holding one table (evidence or parameters)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        _fail(f"{path}: cannot read the {what} file: {error.strerror}")
    except UnicodeDecodeError as error:
        _fail(f"{path}: the {what} file is not UTF-8 text ({error.reason})")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        elif path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            _fail(f"{path}: unknown {what} file type {path.suffix!r}; expected .toml or .json")
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        _fail(f"{path}: not valid {path.suffix[1:].upper()}: {error}")
    if not isinstance(data, dict):
        _fail(f"{path}: the {what} file must hold one table of field ids to values")
    return data


def _load(name: str, params: dict[str, Any] | None = None) -> Rubric:
    try:
        return plugins.load(name, params)
    except GridrulesError as error:
        _fail(str(error))


@click.group()
@click.version_option(package_name="gridrules")
def main() -> None:
    """Score community grid workers (社区网格员) with installed assessment rubrics."""


@main.command(name="list")
def list_rubrics() -> None:
    """List installed rubrics, and broken plugins with their error."""
    infos = plugins.available()
    if not infos:
        click.echo("no rubrics installed", err=True)
        return
    for info in infos:
        if info.ok:
            click.echo(f"{info.name}\t{info.title}\t{info.region}\t{info.version}\tok")
        else:
            click.echo(f"{info.name}\t\t\t{info.version}\tbroken: {info.error}")


@main.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "toml"]), default="text")
def show(name: str, fmt: str) -> None:
    """Show a rubric: its items, rules, clauses, assumptions and parameters."""
    from . import render
    from .serialization import dump_rubric

    rubric = _load(name)
    if fmt == "text":
        click.echo(render.rubric_text(rubric), nl=False)
    else:
        click.echo(dump_rubric(rubric, fmt), nl=False)


@main.command()
@click.argument("name")
def schema(name: str) -> None:
    """Print the JSON Schema of a rubric's evidence."""
    click.echo(json.dumps(_load(name).evidence_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.argument("name")
@click.argument("evidence", type=click.Path(path_type=Path))
@click.option("--params", "params_file", type=click.Path(path_type=Path),
              help="TOML or JSON file filling the rubric's parameters")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--assessee", help="被考核人员, shown on the sheet")
@click.option("--period", help="考核时间, shown on the sheet")
def score(
    name: str,
    evidence: Path,
    params_file: Path | None,
    fmt: str,
    assessee: str | None,
    period: str | None,
) -> None:
    """Score one assessee's EVIDENCE file (TOML or JSON) with the rubric NAME."""
    from .serialization import dump_sheet

    record = read_mapping(evidence, "evidence")
    meta = record.pop("_meta", {}) if isinstance(record.get("_meta"), dict) else {}
    params = read_mapping(params_file, "parameters") if params_file else None
    rubric = _load(name)
    try:
        sheet = rubric.score(
            record,
            params,
            assessee=assessee or meta.get("assessee"),
            period=period or meta.get("period"),
        )
    except GridrulesError as error:
        _fail(f"{evidence}: {error}")
    click.echo(dump_sheet(sheet) if fmt == "json" else sheet.to_text(), nl=False)
