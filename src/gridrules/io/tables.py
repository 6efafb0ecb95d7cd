"""Tables in and out: CSV (UTF-8 with or without BOM, or GBK), JSON lines and Excel workbooks.

Readers stream one record at a time and number it the way a person finds it again: the line of a
JSON lines file, the row of a sheet or CSV file as a spreadsheet shows it (the header is row 1).
Writers write to a temporary file beside the target and move it into place only on
``TableWriter.commit``, so a failed or interrupted run never leaves a half-written file.
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
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ..errors import DataFileError, brief
from ..model.numbers import fmt
from .datafiles import DuplicateKey, json_number, unique_keys
from .files import AtomicFile, check_input, open_input, write_error
from .xlsx import SheetStream, WorkbookStream, rows_xml

__all__ = [
    "ENCODINGS",
    "FORMATS",
    "DecimalText",
    "Record",
    "TableReader",
    "TableWriter",
    "detect_encoding",
    "find_header",
    "format_of",
    "neutral",
    "open_reader",
    "open_writer",
    "optional_module",
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
    with open_input(path) as stream:
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
    with open_input(path) as stream:
        head = stream.read(3)
    if head == codecs.BOM_UTF8:
        return "utf-8-sig"
    bad = _first_bad_line(path, "utf-8")
    if bad is None:
        return "utf-8"
    if _first_bad_line(path, _CODECS["gbk"]) is None:
        utf8_line = _first_utf8_line(path)
        if utf8_line is not None:
            raise DataFileError(
                f"{path}, line {bad[0]}: the file mixes two encodings: line {utf8_line} is "
                f"UTF-8 text, line {bad[0]} is not ({bad[1]}); save the whole file as CSV UTF-8"
            )
        return "gbk"
    raise DataFileError(
        f"{path}, line {bad[0]}: the file is neither UTF-8 nor GBK text ({bad[1]}); "
        "save it as CSV UTF-8 or name the encoding with --encoding"
    )


def _first_utf8_line(path: Path) -> int | None:
    """The first line of ``path`` holding non-ASCII text that is valid UTF-8, or None.

    In a GBK file such a line is all but impossible (GBK's two-byte characters rarely line up
    into UTF-8's three-byte ones, and never for a whole line of Chinese), so one found in a file
    that is not UTF-8 as a whole means the file mixes the two encodings.
    """
    with open_input(path) as stream:
        for number, line in enumerate(stream, 1):
            if line.isascii():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if any(ord(ch) >= 0x800 for ch in text):  # a CJK character, three bytes in UTF-8
                return number
    return None


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
        self.header_row = 1
        """The row holding the column names (1 unless a title is above it)."""
        self.title: str | None = None
        """A title row found above the header (a merged 街道…考核表 row), if any."""

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


def _filled(values: Sequence[Any]) -> list[Any]:
    return [v for v in values if not (v is None or (isinstance(v, str) and not v.strip()))]


TITLE_ROWS = 5
"""How many rows above the header may hold a title, a date or a unit before the header."""


def find_header(
    rows: Iterator[Sequence[Any]], path: Path, where: str, header_row: int | None
) -> tuple[int, tuple[str, ...], str | None]:
    """The header's row number, its names, and the title found above it.

    ``header_row`` names the row (1-based, as a spreadsheet numbers it). Otherwise the header is
    the first row that is not blank, unless that row holds one cell only: a title (merged
    across the columns or not), a date or a unit. Up to :data:`TITLE_ROWS` such rows are taken
    as the title, and the first row with two cells or more is the header.
    """
    number = 0
    if header_row is not None:
        if header_row < 1:
            raise DataFileError(f"{path}: the header row must be 1 or more, got {header_row}")
        for values in rows:
            number += 1
            if number == header_row:
                if _blank(values):
                    raise DataFileError(f"{path}, {where} {number}: the header row named is blank")
                return number, _header(path, values, f"{where} {number}"), None
        raise DataFileError(f"{path}: there is no {where} {header_row} to take as the header")
    titles: list[str] = []
    for values in rows:
        number += 1
        if _blank(values):
            continue
        filled = _filled(values)
        if len(filled) == 1 and len(titles) < TITLE_ROWS:
            titles.append(str(filled[0]).strip())
            continue
        return number, _header(path, values, f"{where} {number}"), " ".join(titles) or None
    if titles:
        raise DataFileError(
            f"{path}: cannot tell the header row: no row names two columns or more; name it "
            "with --header-row"
        )
    raise DataFileError(f"{path}: the table is empty; expected a header row naming the columns")


class CsvReader(TableReader):
    """A CSV file in UTF-8 (with or without BOM) or GBK; a row names the columns.

    The header is the first row, or the row after a title (see ``find_header``), or the row
    ``header_row`` names.
    """

    unit = "byte"
    label = "CSV"

    def __init__(self, path: Path, encoding: str = "auto", header_row: int | None = None) -> None:
        super().__init__(path)
        if encoding not in ENCODINGS:
            raise DataFileError(
                f"{path}: unknown encoding {encoding!r}; expected one of {', '.join(ENCODINGS)}"
            )
        self.encoding = detect_encoding(path) if encoding == "auto" else encoding
        if encoding != "auto":
            check_encoding(path, self.encoding)
        self._raw = open_input(path)
        self.size = os.fstat(self._raw.fileno()).st_size
        self._text = io.TextIOWrapper(self._raw, encoding=_CODECS[self.encoding], newline="")
        self._reader = csv.reader(self._text, strict=True)
        try:
            self.header_row, self.columns, self.title = find_header(
                self._header_rows(), path, "row", header_row
            )
        except BaseException:
            self.close()
            raise

    def _header_rows(self) -> Iterator[list[str]]:
        try:
            yield from self._reader
        except csv.Error as error:
            raise DataFileError(
                f"{self.path}, line {self._reader.line_num}: not valid CSV: {error}"
            ) from None

    def position(self) -> int:
        return self._raw.tell()

    def __iter__(self) -> Iterator[Record]:
        # rows are counted as a spreadsheet shows them: the header is row 1, a blank line is a
        # row, and a quoted cell running over several lines stays in one row
        reader = self._reader
        number = self.header_row
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
        number = self.header_row + 1
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
        self._raw = open_input(path)
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
                value = json.loads(
                    text, parse_float=Decimal, parse_int=json_number, object_pairs_hook=unique_keys
                )
            except json.JSONDecodeError as error:
                yield Record(number, {}, f"not valid JSON: {error.msg} (column {error.colno})")
                continue
            except DuplicateKey as error:
                yield Record(number, {}, f"the key {brief(error.key)} appears twice in the row")
                continue
            except RecursionError:
                yield Record(number, {}, "the row is nested too deeply to be read")
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


def optional_module(name: str, extra: str, purpose: str) -> Any:
    """The optional module ``name`` (imported by name: the extras ship no type hints), or a
    :class:`DataFileError` saying which extra to install for ``purpose``."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise DataFileError(f"{purpose} needs {name}: pip install 'gridrules[{extra}]'") from None


def _openpyxl() -> Any:
    return optional_module("openpyxl", "xlsx", "reading .xlsx files")


class XlsxReader(TableReader):
    """The first sheet (or the named one) of an Excel workbook; a row names the columns.

    The header is found as in a CSV file (``find_header``). Cells are read as Excel shows
    them: a number formatted as a percentage (9.5%, stored 0.095) is read as 9.5; a formula is
    read by its saved value, and a formula with none (a workbook written by a program and never
    opened in Excel) makes its row's problem, never "not given".
    """

    label = "Excel workbook"

    def __init__(self, path: Path, sheet: str | None = None, header_row: int | None = None) -> None:
        super().__init__(path)
        openpyxl = _openpyxl()
        check_input(path)
        books = []
        try:
            for data_only in (True, False):
                books.append(openpyxl.load_workbook(path, read_only=True, data_only=data_only))
        except OSError as error:
            self._close(books)
            raise DataFileError(f"{path}: cannot read the input file: {error.strerror}") from None
        except Exception as error:  # openpyxl raises zipfile, KeyError or its own errors
            self._close(books)
            raise DataFileError(f"{path}: not a readable .xlsx workbook: {error}") from None
        self._books = books
        try:
            sheets = [book[sheet] if sheet else book.worksheets[0] for book in books]
        except (KeyError, IndexError):
            names = ", ".join(books[0].sheetnames) or "none"
            self.close()
            raise DataFileError(f"{path}: no sheet named {sheet!r} (sheets: {names})") from None
        self._sheet = sheets[0]
        self._rows = zip(sheets[0].iter_rows(), sheets[1].iter_rows(values_only=True), strict=False)
        self._row = 0
        self.size = self._sheet.max_row
        try:
            self.header_row, self.columns, self.title = find_header(
                self._header_rows(), path, f"sheet {self._sheet.title!r}, row", header_row
            )
        except BaseException:
            self.close()
            raise
        self._row = self.header_row

    def _header_rows(self) -> Iterator[list[Any]]:
        for cells, _ in self._rows:
            yield [cell.value for cell in cells]

    def position(self) -> int:
        return self._row

    def __iter__(self) -> Iterator[Record]:
        for cells, formulas in self._rows:
            self._row += 1
            values, problem = _cell_values(cells, formulas)
            if problem is not None:
                yield Record(self._row, {}, problem)
                continue
            if _blank(values):
                self.blank += 1
                continue
            cells_by_name, problem = row_cells(self.columns, values)
            yield Record(self._row, cells_by_name, problem)

    @staticmethod
    def _close(books: list[Any]) -> None:
        for book in books:
            book.close()

    def close(self) -> None:
        self._close(self._books)


def _cell_values(cells: Sequence[Any], formulas: Sequence[Any]) -> tuple[list[Any], str | None]:
    """A row's values as Excel shows them, and the problem of a formula with no saved value."""
    values: list[Any] = []
    for cell, formula in zip(cells, formulas, strict=False):
        value = cell.value
        if value is None:
            if isinstance(formula, str) and formula.startswith("="):
                shown = formula if len(formula) <= 60 else formula[:57] + "..."
                return values, (
                    f"the cell {cell.coordinate} holds the formula {shown} with no saved value; "
                    "open the workbook in Excel and save it, or enter the number"
                )
        elif type(value) in (int, float) and "%" in (cell.number_format or ""):
            # 9.5% is stored as 0.095: read it as the percentage Excel shows
            value = (Decimal(repr(value)) if type(value) is float else Decimal(value)).scaleb(2)
        values.append(value)
    return values, None


def open_reader(
    path: Path,
    fmt: str | None = None,
    *,
    encoding: str = "auto",
    sheet: str | None = None,
    header_row: int | None = None,
) -> TableReader:
    """A reader for the table at ``path`` in ``fmt`` (default: from the suffix).

    ``header_row`` names the row holding the column names (CSV and Excel); by default it is the
    first, or the first after a title (see ``find_header``).
    """
    kind = format_of(path, fmt)
    check_input(path)
    if kind == "csv":
        return CsvReader(path, encoding, header_row)
    if kind == "jsonl":
        return JsonLinesReader(path)
    return XlsxReader(path, sheet, header_row)


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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may take as the start of a formula in a CSV cell (OWASP's list)."""


_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?%?")


def neutral(text: str) -> str:
    """``text`` safe in a CSV cell: one a spreadsheet would run as a formula gets a ``'`` before.

    As OWASP recommends for CSV injection: ``=HYPERLINK(...)``, ``+1``, ``-2+3``, ``@SUM(...)``
    and a leading tab or carriage return are shown as text, never run. A plain number (``-1``,
    ``+2.5``) is left as it is: a spreadsheet reads it as that number, and runs nothing. Use it
    on text that came from an input (names, kept cells, values and reasons), not on the numbers
    gridrules writes.
    """
    if text and text[0] in "=+-@\t\r" and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _text_cell(value: Any, decimals: DecimalText, joiner: str = ";") -> str:
    kind = type(value)  # exact types first: this runs for every cell of every row
    if kind is str:
        return neutral(value)
    if kind is Decimal:
        return decimals(value)
    if value is None:
        return ""
    if isinstance(value, list | tuple | frozenset | set):
        return neutral(joiner.join(str(v) for v in value))
    return str(value)


def _json_cell(value: Any, decimals: DecimalText) -> Any:
    if isinstance(value, Decimal):
        return decimals(value)
    if isinstance(value, frozenset | set | tuple):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    return value


class TableWriter:
    """Writes rows of one table to a temporary file; :meth:`commit` moves it into place.

    Leaving the ``with`` block without :meth:`commit` (an error, Ctrl-C) deletes the temporary file
    and leaves any earlier file at the target untouched. A full disk is a
    :class:`~gridrules.DataFileError`, the temporary file removed.

    An Excel table gets a sheet named ``sheet`` with a bold, frozen header, column widths and a
    filter; past Excel's 1,048,576 rows it goes on in a second sheet (``sheets`` counts them),
    each with the header. :meth:`add_sheet` adds other sheets after it.
    """

    def __init__(
        self,
        path: Path,
        fmt: str,
        columns: Sequence[str],
        *,
        encoding: str = "utf-8-sig",
        sheet: str = "gridrules",
    ) -> None:
        self.path = path
        self.format = fmt
        self.columns = tuple(columns)
        self.rows = 0
        self.sheets = 0
        self._decimals = DecimalText()
        codec = _CODECS.get(encoding) if fmt == "csv" else "utf-8"
        if codec is None:
            raise DataFileError(
                f"{path}: unknown encoding {encoding!r}; expected one of "
                f"{', '.join(e for e in ENCODINGS if e != 'auto')}"
            )
        self._atomic = AtomicFile(path)
        self._stream: IO[str] | None = None
        self._book: WorkbookStream | None = None
        self._sheet: SheetStream | None = None
        self._sheet_name = sheet
        try:
            if fmt == "xlsx":
                self._book = WorkbookStream(self._atomic.name)
                self._next_sheet()
            else:
                self._stream = self._atomic.stream("w", encoding=codec, newline="")
                if fmt == "csv":
                    self._csv = csv.writer(self._stream, lineterminator="\r\n")
                    self._csv.writerow(self.columns)
        except OSError as error:
            self.abort()
            raise write_error(path, error) from None
        except BaseException:
            self.abort()
            raise

    def _next_sheet(self) -> SheetStream:
        assert self._book is not None
        self.sheets += 1
        name = self._sheet_name if self.sheets == 1 else f"{self._sheet_name} ({self.sheets})"
        self._sheet = self._book.add_sheet(name, self.columns)
        return self._sheet

    def add_sheet(self, name: str, columns: Sequence[str], *, spooled: bool = False) -> SheetStream:
        """Another sheet of an Excel workbook (``spooled`` to write it while the table goes on)."""
        assert self._book is not None, "only a workbook has sheets"
        if spooled:
            return self._book.add_spooled_sheet(name, columns)
        return self._book.add_sheet(name, columns)

    def write(self, values: Sequence[Any]) -> None:
        """Write one row, its values in the order of ``columns``."""
        try:
            if self.format == "csv":
                decimals = self._decimals
                self._csv.writerow([_text_cell(v, decimals) for v in values])
            elif self.format == "jsonl":
                assert self._stream is not None
                decimals = self._decimals
                record = {
                    k: _json_cell(v, decimals) for k, v in zip(self.columns, values, strict=True)
                }
                self._stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                self.write_rendered(rows_xml([values]), 1)
                return
        except UnicodeEncodeError as error:
            raise DataFileError(
                f"{self.path}, row {self.rows + 2}: {error.object[error.start : error.end]!r} "
                "cannot be written in this encoding; write UTF-8 instead"
            ) from None
        except OSError as error:
            raise write_error(self.path, error) from None
        self.rows += 1

    def write_rendered(self, rendered: str, rows: int) -> None:
        """Write ``rows`` rows made by :func:`render_rows` for this writer's format and columns."""
        try:
            if self._book is not None:
                self._write_xml(rendered, rows)
            else:
                assert self._stream is not None
                self._stream.write(rendered)
        except UnicodeEncodeError as error:
            # the whole block failed to encode: name the row (the header is row 1)
            row = self.rows + 2 + rendered.count("\n", 0, error.start)
            raise DataFileError(
                f"{self.path}, row {row}: {error.object[error.start : error.end]!r} "
                "cannot be written in this encoding; write UTF-8 instead"
            ) from None
        except OSError as error:
            raise write_error(self.path, error) from None
        self.rows += rows

    def _write_xml(self, xml: str, rows: int) -> None:
        sheet = self._sheet
        assert sheet is not None
        while rows > sheet.room:
            # split the block at the end of the last row that fits, and go on in a new sheet
            cut = 0
            for _ in range(sheet.room):
                cut = xml.index("</row>", cut) + 6
            fits = sheet.room
            sheet.write_xml(xml[:cut], fits)
            xml, rows = xml[cut:], rows - fits
            sheet = self._next_sheet()
        sheet.write_xml(xml, rows)

    def commit(self) -> None:
        """Finish the file and move it to its place in one step."""
        try:
            if self._book is not None:
                self._book.close()
                self._book = None
            elif self._stream is not None:
                self._stream.close()
                self._stream = None
        except OSError as error:
            self.abort()
            raise write_error(self.path, error) from None
        self._atomic.commit()

    def abort(self) -> None:
        """Throw the temporary file away."""
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()
            self._stream = None
        if self._book is not None:
            self._book.abort()
            self._book = None
        self._atomic.abort()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._atomic.done:
            self.abort()


def render_rows(fmt: str, columns: Sequence[str], rows: list[list[Any]]) -> str:
    """Rows as :meth:`TableWriter.write_rendered` takes them: text for CSV and JSON lines, the
    XML rows of a worksheet for Excel.

    Made in one go for many rows, and where the rows are scored (a worker process), so that the
    process writing the file only writes. The values must be ready for the format: numbers as
    text (``fmt``) for CSV and JSON lines, Decimals for a worksheet; ``None`` for no value;
    lists joined (``;``) except for JSON lines; text from the input made :func:`neutral` for CSV.
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
    return rows_xml(rows)


def open_writer(
    path: Path,
    columns: Sequence[str],
    fmt: str | None = None,
    *,
    encoding: str = "utf-8-sig",
    sheet: str = "gridrules",
) -> TableWriter:
    """A writer of ``columns`` to ``path`` in ``fmt`` (default: from the suffix)."""
    return TableWriter(path, format_of(path, fmt), columns, encoding=encoding, sheet=sheet)
