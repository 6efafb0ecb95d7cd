"""Tables in and out: CSV (UTF-8 with or without BOM, or GBK), JSON lines and Excel workbooks.

Readers stream one record at a time and number it the way a person finds it again: the line of a
JSON lines file, the row of a sheet or CSV file as a spreadsheet shows it (the header is row 1).
Writers write to a temporary file beside the target and move it into place only on
:meth:`TableWriter.commit`, so a failed or interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import importlib
import io
import itertools
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ..errors import DataFileError
from ..model.numbers import fmt

__all__ = [
    "ENCODINGS",
    "FORMATS",
    "DecimalText",
    "Record",
    "TableReader",
    "TableWriter",
    "detect_encoding",
    "format_of",
    "open_reader",
    "open_writer",
    "render_rows",
    "row_cells",
]

FORMATS = ("csv", "jsonl", "xlsx")
"""The table formats, named as the ``--from``/``--to`` options spell them."""

_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk")
"""Text encodings of CSV files. ``auto`` tells UTF-8 (with or without BOM) from GBK."""

_CODECS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}
"""Python codecs: GBK is read and written as GB18030, its superset, so that the few characters
Chinese Excel writes beyond strict GBK (the euro sign, rarer hanzi) do not fail."""

_CHUNK = 1 << 16


def format_of(path: Path, given: str | None = None) -> str:
    """The table format of ``path``: ``given`` if set, else from its suffix."""
    if given is not None:
        if given not in FORMATS:
            raise DataFileError(
                f"{path}: unknown table format {given!r}; expected one of {', '.join(FORMATS)}"
            )
        return given
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise DataFileError(
            f"{path}: cannot tell the table format from the suffix {path.suffix or '(none)'!r}; "
            f"use .csv, .jsonl or .xlsx, or name the format ({', '.join(FORMATS)})"
        )
    return found


# -- encodings ---------------------------------------------------------------------------------


def _first_bad_line(path: Path, codec: str) -> tuple[int, str] | None:
    """The first line of ``path`` that does not decode with ``codec``, and why; None if all do.

    Reads the file once in binary chunks, so it takes constant memory however large the file.
    """
    decoder = codecs.getincrementaldecoder(codec)()
    line = 1
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                # error.object is the decoder's pending bytes (never a newline) plus this chunk
                return line + error.object[: error.start].count(b"\n"), error.reason
            if not chunk:
                return None
            line += chunk.count(b"\n")


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (a BOM), ``utf-8`` or ``gbk``: the first that decodes the whole file.

    :raises DataFileError: the file is neither UTF-8 nor GBK, naming the line that is not UTF-8.
    """
    try:
        with path.open("rb") as stream:
            head = stream.read(3)
    except OSError as error:
        raise DataFileError(f"{path}: cannot read the input file: {error.strerror}") from None
    if head == codecs.BOM_UTF8:
        return "utf-8-sig"
    bad = _first_bad_line(path, "utf-8")
    if bad is None:
        return "utf-8"
    if _first_bad_line(path, _CODECS["gbk"]) is None:
        return "gbk"
    raise DataFileError(
        f"{path}, line {bad[0]}: the file is neither UTF-8 nor GBK text ({bad[1]}); "
        "save it as CSV UTF-8 or name the encoding with --encoding"
    )


def check_encoding(path: Path, encoding: str) -> None:
    """Raise :class:`DataFileError` naming the first line of ``path`` not in ``encoding``."""
    bad = _first_bad_line(path, _CODECS[encoding])
    if bad is not None:
        raise DataFileError(
            f"{path}, line {bad[0]}: not valid {encoding.upper()} text ({bad[1]}); "
            "try --encoding auto"
        )


# -- reading ----------------------------------------------------------------------------------


class Record:
    """One row of a table as read: where it is, its cells by column name, or why it is unreadable.

    Cells hold what the file holds: text for CSV, JSON values for JSON lines (numbers with a
    fraction as :class:`~decimal.Decimal`), cell values for Excel. ``problem`` is set (and ``cells``
    empty) when the row itself cannot be read: invalid JSON, more cells than the header names.
    """

    __slots__ = ("cells", "number", "problem")

    def __init__(self, number: int, cells: dict[str, Any], problem: str | None = None) -> None:
        self.number = number
        self.cells = cells
        self.problem = problem

    def __repr__(self) -> str:
        return f"Record({self.number}, {self.cells!r}, {self.problem!r})"


class TableReader:
    """Base of the readers: iterate for ``Record`` objects; ``columns`` once known.

    ``unit`` says what ``position`` counts (``"row"`` or ``"byte"``) and ``size`` how many
    there are in all, when known, so a progress bar can show how far a run has come.
    """

    unit = "row"
    location = "row"
    label = "table"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.columns: tuple[str, ...] = ()
        self.size: int | None = None
        self.blank = 0

    def __iter__(self) -> Iterator[Record]:  # pragma: no cover - abstract
        raise NotImplementedError

    def position(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _header(path: Path, cells: Sequence[Any], where: str) -> tuple[str, ...]:
    names = tuple("" if c is None else str(c).strip() for c in cells)
    seen: dict[str, int] = {}
    for index, name in enumerate(names, 1):
        if not name:
            continue
        if name in seen:
            raise DataFileError(
                f"{path}, {where}: column {name!r} appears twice (columns {seen[name]} and "
                f"{index}); each column must have its own name"
            )
        seen[name] = index
    if not seen:
        raise DataFileError(f"{path}, {where}: the header names no column")
    return names


def row_cells(columns: tuple[str, ...], values: Sequence[Any]) -> tuple[dict[str, Any], str | None]:
    """A row's cells by column name, or the reason the row does not fit the header."""
    if len(values) > len(columns) and any(v not in (None, "") for v in values[len(columns) :]):
        return {}, (f"the row has {len(values)} cells but the header names {len(columns)} columns")
    cells: dict[str, Any] = {}
    for index, (name, value) in enumerate(zip(columns, values, strict=False), 1):
        if not name:
            if value not in (None, ""):
                return {}, f"column {index} holds {value!r} but has no name in the header"
            continue
        cells[name] = value
    return cells, None


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


class CsvReader(TableReader):
    """A CSV file in UTF-8 (with or without BOM) or GBK; the first row names the columns."""

    unit = "byte"
    label = "CSV"

    def __init__(self, path: Path, encoding: str = "auto") -> None:
        super().__init__(path)
        if encoding not in ENCODINGS:
            raise DataFileError(
                f"{path}: unknown encoding {encoding!r}; expected one of {', '.join(ENCODINGS)}"
            )
        self.encoding = detect_encoding(path) if encoding == "auto" else encoding
        if encoding != "auto":
            check_encoding(path, self.encoding)
        try:
            self._raw = path.open("rb")
        except OSError as error:
            raise DataFileError(f"{path}: cannot read the input file: {error.strerror}") from None
        self.size = os.fstat(self._raw.fileno()).st_size
        self._text = io.TextIOWrapper(self._raw, encoding=_CODECS[self.encoding], newline="")
        self._reader = csv.reader(self._text, strict=True)
        try:
            try:
                header = next(self._reader, None)
            except csv.Error as error:
                raise DataFileError(f"{path}, line 1: not valid CSV: {error}") from None
            if header is None:
                raise DataFileError(
                    f"{path}: the file is empty; expected a header row naming the columns"
                )
            self.columns = _header(path, header, "row 1")
        except BaseException:
            self.close()
            raise

    def position(self) -> int:
        return self._raw.tell()

    def __iter__(self) -> Iterator[Record]:
        # rows are counted as a spreadsheet shows them: the header is row 1, a blank line is a
        # row, and a quoted cell running over several lines stays in one row
        reader = self._reader
        number = 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise DataFileError(
                    f"{self.path}, line {reader.line_num}: not valid CSV: {error}"
                ) from None
            number += 1
            if _blank(values):
                self.blank += 1
                continue
            cells, problem = row_cells(self.columns, values)
            yield Record(number, cells, problem)

    def raw_chunks(self, size: int) -> Iterator[tuple[int, list[list[str]]]]:
        """The rows after the header ``size`` at a time, as the csv module splits them, each chunk
        with the number of its first row.

        The fast path for a batch: the rows are plain lists of text (cheap to send to another
        process) and every row is there, blank ones too, so that the numbers run on; whoever
        reads them skips and counts the blank rows and checks each row against the header.
        """
        reader = self._reader
        number = 2  # the header is row 1
        while True:
            try:
                # islice in C: no Python code runs per row here
                rows = list(itertools.islice(reader, size))
            except csv.Error as error:
                raise DataFileError(
                    f"{self.path}, line {reader.line_num}: not valid CSV: {error}"
                ) from None
            if not rows:
                return
            yield number, rows
            number += len(rows)

    def close(self) -> None:
        self._text.close()


class JsonLinesReader(TableReader):
    """One JSON object per line; numbers with a fraction are read as exact Decimals."""

    unit = "byte"
    location = "line"
    label = "JSON lines"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        check_encoding(path, "utf-8-sig")
        try:
            self._raw = path.open("rb")
        except OSError as error:
            raise DataFileError(f"{path}: cannot read the input file: {error.strerror}") from None
        self.size = os.fstat(self._raw.fileno()).st_size

    def position(self) -> int:
        return self._raw.tell()

    def __iter__(self) -> Iterator[Record]:
        columns: dict[str, None] = {}
        for number, line in enumerate(self._raw, 1):
            text = line.decode("utf-8-sig" if number == 1 else "utf-8").strip()
            if not text:
                self.blank += 1
                continue
            try:
                value = json.loads(text, parse_float=Decimal)
            except json.JSONDecodeError as error:
                yield Record(number, {}, f"not valid JSON: {error.msg} (column {error.colno})")
                continue
            if not isinstance(value, dict):
                yield Record(
                    number,
                    {},
                    f"expected a JSON object of column names to values, got {type(value).__name__}",
                )
                continue
            for key in value:
                columns.setdefault(key, None)
            self.columns = tuple(columns)
            yield Record(number, value)

    def close(self) -> None:
        self._raw.close()


def _openpyxl() -> Any:
    try:
        # imported by name: openpyxl is an optional extra and ships no type hints
        return importlib.import_module("openpyxl")
    except ImportError:
        raise DataFileError(
            "reading and writing .xlsx files needs openpyxl: pip install 'gridrules[xlsx]'"
        ) from None


class XlsxReader(TableReader):
    """The first sheet (or the named one) of an Excel workbook; its first row names the columns."""

    label = "Excel workbook"

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        super().__init__(path)
        openpyxl = _openpyxl()
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except OSError as error:
            raise DataFileError(f"{path}: cannot read the input file: {error.strerror}") from None
        except Exception as error:  # openpyxl raises zipfile, KeyError or its own errors
            raise DataFileError(f"{path}: not a readable .xlsx workbook: {error}") from None
        try:
            self._sheet = self._book[sheet] if sheet else self._book.worksheets[0]
        except (KeyError, IndexError):
            names = ", ".join(self._book.sheetnames) or "none"
            self.close()
            raise DataFileError(f"{path}: no sheet named {sheet!r} (sheets: {names})") from None
        self._rows = self._sheet.iter_rows(values_only=True)
        self._row = 0
        self.size = self._sheet.max_row
        try:
            for values in self._rows:
                self._row += 1
                if not _blank(values):
                    self.columns = _header(
                        path, values, f"sheet {self._sheet.title!r}, row {self._row}"
                    )
                    break
            else:
                raise DataFileError(
                    f"{path}: the sheet {self._sheet.title!r} is empty; expected "
                    "a header row naming the columns"
                )
        except BaseException:
            self.close()
            raise

    def position(self) -> int:
        return self._row

    def __iter__(self) -> Iterator[Record]:
        for values in self._rows:
            self._row += 1
            if _blank(values):
                self.blank += 1
                continue
            cells, problem = row_cells(self.columns, values)
            yield Record(self._row, cells, problem)

    def close(self) -> None:
        self._book.close()


def open_reader(
    path: Path, fmt: str | None = None, *, encoding: str = "auto", sheet: str | None = None
) -> TableReader:
    """A reader for the table at ``path`` in ``fmt`` (default: from the suffix)."""
    kind = format_of(path, fmt)
    if not path.is_file():
        raise DataFileError(f"{path}: no such input file")
    if kind == "csv":
        return CsvReader(path, encoding)
    if kind == "jsonl":
        return JsonLinesReader(path)
    return XlsxReader(path, sheet)


# -- writing ----------------------------------------------------------------------------------


class DecimalText:
    """``fmt`` with a memory: a batch writes the same few point values over and over.

    ``fmt`` depends only on a number's value, and equal Decimals hash alike, so one entry serves
    ``19`` and ``19.0`` (and ``-0`` and ``0``, both printed ``0``). The memory is cleared when
    it grows, to keep a long run's memory flat. Call it as ``known.get(value) or text(value)``,
    the lookup inline in the hot loop; :meth:`__call__` does both.
    """

    __slots__ = ("known",)

    LIMIT = 4096

    def __init__(self) -> None:
        self.known: dict[Decimal, str] = {}

    def text(self, value: Decimal) -> str:
        """The text of ``value`` (``fmt``), remembered for next time."""
        text = fmt(value)
        known = self.known
        if len(known) >= self.LIMIT:
            known.clear()
        known[value] = text
        return text

    def __call__(self, value: Decimal) -> str:
        return self.known.get(value) or self.text(value)


def _text_cell(value: Any, decimals: DecimalText, joiner: str = ";") -> str:
    kind = type(value)  # exact types first: this runs for every cell of every row
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is Decimal:
        return decimals(value)
    if value is None:
        return ""
    if isinstance(value, list | tuple | frozenset | set):
        return joiner.join(str(v) for v in value)
    return str(value)


def _json_cell(value: Any, decimals: DecimalText) -> Any:
    if isinstance(value, Decimal):
        return decimals(value)
    if isinstance(value, frozenset | set | tuple):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    return value


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, list | tuple | frozenset | set):
        return ";".join(str(v) for v in value)
    return value


class TableWriter:
    """Writes rows of one table to a temporary file; :meth:`commit` moves it into place.

    Leaving the ``with`` block without :meth:`commit` (an error, Ctrl-C) deletes the temporary file
    and leaves any earlier file at the target untouched.
    """

    def __init__(
        self, path: Path, fmt: str, columns: Sequence[str], *, encoding: str = "utf-8-sig"
    ) -> None:
        self.path = path
        self.format = fmt
        self.columns = tuple(columns)
        self.rows = 0
        self._decimals = DecimalText()
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise DataFileError(f"{path}: the directory {directory} does not exist")
        codec = _CODECS.get(encoding) if fmt == "csv" else "utf-8"
        if codec is None:
            raise DataFileError(
                f"{path}: unknown encoding {encoding!r}; expected one of "
                f"{', '.join(e for e in ENCODINGS if e != 'auto')}"
            )
        openpyxl = _openpyxl() if fmt == "xlsx" else None
        try:
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        except OSError as error:
            raise DataFileError(f"{path}: cannot write here: {error.strerror}") from None
        os.close(handle)
        self._temp = Path(name)
        self._stream: IO[str] | None = None
        self._book: Any = None
        try:
            if openpyxl is not None:
                self._book = openpyxl.Workbook(write_only=True)
                self._sheet = self._book.create_sheet("gridrules")
                self._sheet.append(list(self.columns))
            else:
                self._stream = self._temp.open("w", encoding=codec, newline="")
                if fmt == "csv":
                    self._csv = csv.writer(self._stream, lineterminator="\r\n")
                    self._csv.writerow(self.columns)
        except BaseException:
            self.abort()
            raise

    def write(self, values: Sequence[Any]) -> None:
        """Write one row, its values in the order of ``columns``."""
        if self.format == "csv":
            try:
                decimals = self._decimals
                self._csv.writerow([_text_cell(v, decimals) for v in values])
            except UnicodeEncodeError as error:
                raise DataFileError(
                    f"{self.path}, row {self.rows + 2}: {error.object[error.start : error.end]!r} "
                    "cannot be written in this encoding; write UTF-8 instead"
                ) from None
        elif self.format == "jsonl":
            assert self._stream is not None
            decimals = self._decimals
            record = {k: _json_cell(v, decimals) for k, v in zip(self.columns, values, strict=True)}
            self._stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            self._sheet.append([_xlsx_cell(v) for v in values])
        self.rows += 1

    def write_rendered(self, rendered: str | list[list[Any]], rows: int) -> None:
        """Write ``rows`` rows made by :func:`render_rows` for this writer's format and columns."""
        if isinstance(rendered, list):
            for values in rendered:
                self._sheet.append(values)
        else:
            assert self._stream is not None
            try:
                self._stream.write(rendered)
            except UnicodeEncodeError as error:
                # the whole block failed to encode: name the row (the header is row 1)
                row = self.rows + 2 + rendered.count("\n", 0, error.start)
                raise DataFileError(
                    f"{self.path}, row {row}: {error.object[error.start : error.end]!r} "
                    "cannot be written in this encoding; write UTF-8 instead"
                ) from None
        self.rows += rows

    def commit(self) -> None:
        """Finish the file and move it to its place in one step."""
        if self._book is not None:
            self._book.save(self._temp)
            self._book = None
        elif self._stream is not None:
            self._stream.flush()
            os.fsync(self._stream.fileno())
            self._stream.close()
            self._stream = None
        os.replace(self._temp, self.path)

    def abort(self) -> None:
        """Throw the temporary file away."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if self._book is not None:
            # a write-only sheet streams to a temporary file of openpyxl's own: finish and remove it
            with contextlib.suppress(Exception):
                self._sheet.close()
                self._sheet._writer.cleanup()
            self._book = None
        with contextlib.suppress(FileNotFoundError):
            self._temp.unlink()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._temp.exists():  # not committed
            self.abort()


def render_rows(fmt: str, columns: Sequence[str], rows: list[list[Any]]) -> str | list[list[Any]]:
    """Rows as :meth:`TableWriter.write_rendered` takes them: text for CSV and JSON lines, values
    for a worksheet.

    Made in one go for many rows, and where the rows are scored (a worker process), so that the
    process writing the file only writes. The values must be ready for the format: numbers as
    text (``fmt``) for CSV and JSON lines, Decimals for a worksheet; ``None`` for no value;
    lists joined (``;``) except for JSON lines.
    """
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        return buffer.getvalue()
    if fmt == "jsonl":
        dumps = json.dumps
        return "".join(
            [
                dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False) + "\n"
                for values in rows
            ]
        )
    return rows


def open_writer(
    path: Path, columns: Sequence[str], fmt: str | None = None, *, encoding: str = "utf-8-sig"
) -> TableWriter:
    """A writer of ``columns`` to ``path`` in ``fmt`` (default: from the suffix)."""
    return TableWriter(path, format_of(path, fmt), columns, encoding=encoding)
