"""Data files: rubrics, parameters and evidence in TOML or JSON, and score sheets in JSON.

Reading a file only parses it: nothing in it is executed. What is read is held to what a person
would write: a regular file (a device, a FIFO or a directory is refused before a byte is read) of
at most :data:`MAX_BYTES`, UTF-8 text, no key given twice in one table (TOML refuses that itself;
JSON is checked), tables and lists nested at most :data:`MAX_DEPTH` deep, and numbers kept exactly
as written (``0.5`` is ``Decimal("0.5")``, never a float; a whole number of thousands of digits is
read, then refused by the check of the field or rule it fills). Each failure is a
:class:`~gridrules.DataFileError` naming the file and why.

The command line reads evidence and parameters files through the same functions, so a file means
the same thing to ``gridrules score`` as to :func:`load_evidence`.
"""

from __future__ import annotations

import json
import os
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
from .files import MAPPING_LIMIT, open_input

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "META_KEYS",
    "META_LIMIT",
    "DuplicateKey",
    "Evidence",
    "dump_rubric",
    "dump_sheet",
    "evidence_of",
    "json_number",
    "load_evidence",
    "load_params",
    "load_rubric",
    "loads_document",
    "loads_rubric",
    "params_of",
    "read_document",
    "structure_rubric",
    "structure_sheet",
    "unique_keys",
    "unstructure_rubric",
    "unstructure_sheet",
]

MAX_BYTES = MAPPING_LIMIT
"""The largest rubric, parameters or evidence file read: :data:`gridrules.io.files.MAPPING_LIMIT`
(64 MiB), the limit of every file that holds one table."""
MAX_DEPTH = 64
"""How deep tables and lists may nest in a data file (a table in a table is two levels)."""
META_KEYS = ("assessee", "period", "assessor")
"""What an evidence file's ``_meta`` table may name: 被考核人员, 考核时间, 考核人."""
META_LIMIT = 200
"""The most characters of each text an evidence file's ``_meta`` names."""
_FORMATS = {".toml": "toml", ".json": "json"}
_INT_DIGITS = 4000
"""Whole numbers in JSON longer than this are read as Decimals: Python refuses to make an int of
more than 4,300 digits, and the check of the field or rule says what is wrong with the number."""


def json_number(text: str) -> int | Decimal:
    """A whole number of a JSON document: an int, or a Decimal when it is too long for one (the
    check of whatever reads it then refuses it by name, rather than the parser crashing)."""
    return int(text) if len(text) < _INT_DIGITS else Decimal(text)


class DuplicateKey(DataFileError):
    """A JSON object names a key twice (``key``): which value was meant cannot be known."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the key {brief(key)} is given twice in one table")
        self.key = key


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``'s ``object_pairs_hook`` for every JSON gridrules reads (data files, JSON
    lines, event logs): a JSON object as a dict, or :class:`DuplicateKey` when it names a key
    twice (``json`` alone would keep the last value, in silence)."""
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise DuplicateKey(key)
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
            data = json.loads(
                text,
                parse_float=Decimal,
                parse_int=json_number,
                object_pairs_hook=unique_keys,
            )
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
    except ValueError as error:  # TOML: an int of more than 4,300 digits
        raise DataFileError(
            f"{where}: a number is too long to read ({str(error).split(';')[0]}); gridrules "
            "keeps numbers under 10^15 exact"
        ) from None
    if _depth(data) > MAX_DEPTH:
        raise DataFileError(f"{where}: nested more than {MAX_DEPTH} levels deep")
    return data


def _format_of(path: Path, what: str) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataFileError(
            f"{path}: unknown {what} file type {path.suffix or '(none)'!r}; expected .toml or .json"
        )
    return fmt


def _read_text(path: Path, what: str) -> str:
    """The text of a data file: a regular file, at most :data:`MAX_BYTES`, UTF-8."""
    with open_input(path, f"{what} file", MAX_BYTES) as handle:
        try:
            raw = handle.read()
        except OSError as error:
            raise DataFileError(f"{path}: cannot read the {what} file: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"{path}: the {what} file is not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None


def read_document(path: str | os.PathLike[str], what: str) -> Any:
    """A TOML or JSON data file's content (``what`` names it in errors: "rubric", ...)."""
    path = Path(path)
    fmt = _format_of(path, what)
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


def params_of(data: object, where: str) -> dict[str, Any]:
    """Parameters from a table of parameter names to values (numbers or text).

    :raises DataFileError: naming ``where``, when the data is not one flat table.
    """
    if not isinstance(data, Mapping):
        raise DataFileError(f"{where}: expected one table of parameter names to values")
    nested = [str(key) for key, value in data.items() if isinstance(value, Mapping | list)]
    if nested:
        shown = ", ".join(key[:80] for key in nested[:10])
        more = f" and {len(nested) - 10:,} more" if len(nested) > 10 else ""
        raise DataFileError(
            f"{where}: parameter values must be numbers or text; {shown}{more} hold tables or lists"
        )
    return dict(data)


def load_params(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a parameters file (TOML or JSON): one table from parameter names to values.

    The values are checked when they are bound to a rubric (:func:`gridrules.load` with
    ``params=``, :meth:`Rubric.with_params <gridrules.Rubric.with_params>`, or scoring), which
    reports every missing or invalid parameter at once, each quoting the clause it fills.

    :raises DataFileError: the file cannot be read or parsed, or is not one flat table.
    """
    return params_of(read_document(path, "parameters"), str(path))


def _meta_problem(value: object) -> str | None:
    """Why a ``_meta`` value cannot stand in a sheet's header (``None`` when it can): it must be
    one line of text, 1 to :data:`META_LIMIT` characters, not blank."""
    if not isinstance(value, str):
        return f"must be text, got {type(value).__name__} {brief(value)}"
    if not value.strip() or len(value) > META_LIMIT:
        return f"must be a text of 1 to {META_LIMIT} characters, got {brief(value)}"
    if any(ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in value):
        return f"must be one line of text with no control characters, got {brief(value)}"
    return None


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
    unknown = sorted(brief(key) for key in meta if key not in META_KEYS)
    if unknown:
        raise DataFileError(
            f"{where}: _meta names {', '.join(unknown[:10])}"
            f"{f' and {len(unknown) - 10:,} more' if len(unknown) > 10 else ''}; "
            f"it may name {', '.join(META_KEYS)}"
        )
    found: dict[str, str] = {}
    for key, value in meta.items():
        if key == "period" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        problem = _meta_problem(value)
        if problem is not None:
            raise DataFileError(f"{where}: _meta.{key} {problem}")
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
