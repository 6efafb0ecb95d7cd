"""Data files: rubrics, parameters and evidence in TOML or JSON, and score sheets in JSON.

Reading a file only parses it: nothing in it is executed. What is read is held to what a person
would write: a regular file of reasonable size (``MAX_BYTES``), UTF-8 text, no key given
twice in one table (TOML refuses that itself; JSON is checked), tables nested at most
``MAX_DEPTH`` deep, and numbers kept exactly as written (``0.5`` is ``Decimal("0.5")``,
never a float). Each failure is a :class:`~gridrules.DataFileError` naming the file and why.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..engine.rubric import Rubric
from ..errors import DataFileError, GridrulesError, brief
from ..model.rubric import RubricDefinition
from ..sheet.convert import structure_rubric_as, unstructure_rubric, unstructure_sheet
from ..sheet.sheet import ScoreSheet

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "META_KEYS",
    "Evidence",
    "dump_rubric",
    "dump_sheet",
    "load_evidence",
    "load_params",
    "load_rubric",
    "loads_document",
    "loads_rubric",
    "read_document",
    "structure_rubric",
    "structure_sheet",
    "unstructure_rubric",
    "unstructure_sheet",
]

MAX_BYTES = 16 * 1024 * 1024
"""The largest rubric, parameters or evidence file read (16 MiB)."""
MAX_DEPTH = 64
"""How deep tables and lists may nest in a data file."""
META_KEYS = ("assessee", "period", "assessor")
"""What an evidence file's ``_meta`` table may name: 被考核人员, 考核时间, 考核人."""
_FORMATS = {".toml": "toml", ".json": "json"}


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise DataFileError(f"the key {key!r} is given twice in one table")
        table[key] = value
    return table


def _depth(data: Any) -> int:
    """How deep ``data`` nests, found without recursion (a hostile file is not a stack)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def loads_document(text: str, fmt: str, where: str) -> Any:
    """Parse TOML or JSON text as data (numbers exact, duplicate keys refused, depth bounded).

    :raises DataFileError: naming ``where`` and what is wrong.
    """
    try:
        if fmt == "toml":
            data = tomllib.loads(text, parse_float=Decimal)
        elif fmt == "json":
            data = json.loads(text, parse_float=Decimal, object_pairs_hook=_refuse_duplicates)
        else:
            raise DataFileError(f"{where}: unknown format {fmt!r}; expected toml or json")
    except DataFileError as error:
        message = str(error)
        raise DataFileError(
            message if message.startswith(where) else f"{where}: {message}"
        ) from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise DataFileError(f"{where}: not valid {fmt.upper()}: {error}") from None
    except RecursionError:
        raise DataFileError(
            f"{where}: nested too deeply to read (more than {MAX_DEPTH} levels)"
        ) from None
    if _depth(data) > MAX_DEPTH:
        raise DataFileError(f"{where}: nested more than {MAX_DEPTH} levels deep")
    return data


def _format_of(path: Path) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataFileError(
            f"{path}: unknown file type {path.suffix or '(none)'!r}; expected .toml or .json"
        )
    return fmt


def _read_text(path: Path, what: str) -> str:
    """The text of a data file: a regular file, at most ``MAX_BYTES``, UTF-8."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise DataFileError(f"{path}: the {what} file is not a regular file")
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise DataFileError(f"{path}: cannot read the {what} file: {error.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise DataFileError(
            f"{path}: the {what} file is larger than {MAX_BYTES // (1024 * 1024)} MiB"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFileError(f"{path}: the {what} file is not UTF-8 text ({error.reason})") from None


def read_document(path: str | os.PathLike[str], what: str) -> Any:
    """A TOML or JSON data file's content (``what`` names it in errors: "rubric", ...)."""
    path = Path(path)
    fmt = _format_of(path)
    return loads_document(_read_text(path, what), fmt, str(path))


def structure_rubric(data: object, where: str = "rubric data") -> Rubric:
    """Build a rubric from plain data; every problem is reported with its path.

    :raises DataFileError: the data does not describe a valid rubric.
    """
    try:
        return structure_rubric_as(data, Rubric, where)
    except RecursionError:
        raise DataFileError(f"{where}: the rubric nests too deeply") from None


def loads_rubric(text: str, fmt: str = "toml", where: str = "rubric text") -> Rubric:
    """Parse a rubric from TOML or JSON text."""
    return structure_rubric(loads_document(text, fmt, where), where)


def load_rubric(path: str | os.PathLike[str]) -> Rubric:
    """Read a rubric file (``.toml`` or ``.json``)."""
    return structure_rubric(read_document(path, "rubric"), str(path))


def dump_rubric(rubric: RubricDefinition, fmt: str = "toml") -> str:
    """The rubric as TOML (needs the ``tomli-w`` package) or JSON text."""
    data = unstructure_rubric(rubric)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        import tomli_w  # an optional dependency, looked for when TOML is asked for
    except ImportError:  # pragma: no cover - depends on the environment
        raise GridrulesError(
            "writing TOML needs the tomli-w package: pip install 'gridrules[toml-write]'"
        ) from None
    return tomli_w.dumps(data)


def load_params(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a parameters file (TOML or JSON): one table from parameter names to values.

    The values are checked when they are bound to a rubric (:func:`gridrules.load` with
    ``params=``, :meth:`Rubric.with_params <gridrules.Rubric.with_params>`, or scoring), which
    reports every missing or invalid parameter at once, each quoting the clause it fills.

    :raises DataFileError: the file cannot be read or parsed, or is not one flat table.
    """
    data = read_document(path, "parameters")
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: expected one table of parameter names to values")
    nested = [key for key, value in data.items() if isinstance(value, dict | list)]
    if nested:
        raise DataFileError(
            f"{path}: parameter values must be numbers or text; {', '.join(nested)} "
            "hold tables or lists"
        )
    return data


@attrs.frozen
class Evidence:
    """One assessee's evidence as a file holds it: the record, and what its ``_meta`` says."""

    record: dict[str, Any]
    """The evidence fields, by id, ready to score."""
    assessee: str | None = None
    period: str | None = None
    assessor: str | None = None


def evidence_of(data: object, where: str) -> Evidence:
    """Evidence from a table of field ids to values, with an optional ``_meta`` table naming
    the assessee, period and assessor (each text; a period may be a year's number).

    :raises DataFileError: naming ``where``, when the data is not such a table.
    """
    if not isinstance(data, Mapping):
        raise DataFileError(f"{where}: the evidence must be one table of field ids to values")
    record = dict(data)
    meta = record.pop("_meta", {})
    if not isinstance(meta, Mapping):
        raise DataFileError(
            f"{where}: _meta must be a table naming {', '.join(META_KEYS)}, got {brief(meta)}"
        )
    unknown = sorted(str(key) for key in meta if key not in META_KEYS)
    if unknown:
        raise DataFileError(
            f"{where}: _meta names {', '.join(unknown)}; it may name {', '.join(META_KEYS)}"
        )
    found: dict[str, str] = {}
    for key, value in meta.items():
        if key == "period" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            raise DataFileError(f"{where}: _meta.{key} must be a short text, got {brief(value)}")
        found[key] = value.strip()
    return Evidence(record, **found)


def load_evidence(path: str | os.PathLike[str]) -> Evidence:
    """Read one assessee's evidence file (TOML or JSON) and its ``_meta``: the record to score,
    and the assessee, period and assessor the file names.

    :raises DataFileError: the file cannot be read, or its ``_meta`` is not a table of short
        texts naming only those three.
    """
    return evidence_of(read_document(path, "evidence"), str(path))


def structure_sheet(data: Mapping[str, Any]) -> ScoreSheet:
    """Rebuild a score sheet from :func:`unstructure_sheet` output."""
    return ScoreSheet.from_dict(data)


def dump_sheet(sheet: ScoreSheet) -> str:
    """The score sheet as JSON text (UTF-8, Chinese kept readable)."""
    return sheet.to_json()
