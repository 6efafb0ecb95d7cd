"""A streaming Excel workbook writer for large tables: rows in, one .xlsx file out.

Excel's own format is a zip of XML parts. A batch of a million rows needs them written as they
come, in constant memory, and fast: rows are rendered to XML text in one go per chunk
(:func:`rows_xml`, in the worker process that scored them, as CSV text is), and the process
writing the file only compresses and writes. The libraries that write any workbook spend some
3 µs a cell on this, six times the time of scoring the row; the few parts of a workbook a table
needs are written here instead. Small workbooks with formats, notes and data validation (the
input template, the district report) are written with XlsxWriter.

What a sheet gets: a name, a bold header row frozen at the top, column widths, a filter over
the header, and its rows. Text is always written as text (an inline string), never as a formula,
whatever it starts with; numbers are written as their exact decimal digits.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol
from xml.sax.saxutils import escape

from ..model.numbers import fmt

__all__ = [
    "MAX_CELL_TEXT",
    "MAX_ROWS",
    "SheetStream",
    "WorkbookStream",
    "column_letter",
    "column_width",
    "rows_xml",
]

MAX_ROWS = 1_048_576
"""Rows in an Excel worksheet, the header included."""
MAX_CELL_TEXT = 32_767
"""Characters in an Excel cell."""

# characters XML 1.0 cannot hold at all (Excel refuses the file): removed from text
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def column_letter(index: int) -> str:
    """The letters of the 0-based column ``index``: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if len(value) > MAX_CELL_TEXT:
        value = value[: MAX_CELL_TEXT - 1] + "…"
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def _cell(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _text(value)
    if value is None:
        return "<c/>"
    if kind is Decimal:
        if not value.is_finite():
            return _text(str(value))
        return f"<c><v>{fmt(value) if value else '0'}</v></c>"
    if kind is bool:
        return f'<c t="b"><v>{int(value)}</v></c>'
    if kind is int:
        return f"<c><v>{value}</v></c>"
    if isinstance(value, list | tuple | set | frozenset):
        return _text(";".join(str(v) for v in value))
    return _text(str(value))


def rows_xml(rows: Iterable[Sequence[Any]]) -> str:
    """The ``<row>`` elements of ``rows``.

    Rows and cells carry no numbers (Excel numbers them in order, as the format allows), so a
    worker can render its rows without knowing where they will land in the sheet.
    """
    cell = _cell
    return "".join(["<row>" + "".join([cell(v) for v in values]) + "</row>" for values in rows])


_CONTENT_TYPES_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
)
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def column_width(text: str) -> float:
    """A column width (in characters of Excel's default font) that shows ``text``."""
    return sum(2.1 if ord(ch) > 0x2E7F else 1.1 for ch in text) + 2


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def close(self) -> None: ...


class SheetStream:
    """One worksheet being written: :meth:`write_xml` takes rows from :func:`rows_xml`."""

    def __init__(
        self,
        book: WorkbookStream,
        name: str,
        columns: Sequence[str],
        stream: _Writable,
    ) -> None:
        self.book = book
        self.name = name
        self.columns = tuple(columns)
        self.rows = 1  # the header
        self._stream = stream
        widths = [max(8.0, min(40.0, column_width(c))) for c in self.columns]
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>'
            for i, w in enumerate(widths, 1)
        )
        header = "".join(
            f'<c s="1" t="inlineStr"><is><t>{escape(str(c))}</t></is></c>' for c in self.columns
        )
        selected = "" if book.sheets else ' tabSelected="1"'
        self._write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet {_NS}><sheetViews><sheetView workbookViewId="0"{selected}>'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
            f'<sheetData><row r="1">{header}</row>'
        )

    @property
    def room(self) -> int:
        """How many more rows the sheet holds."""
        return MAX_ROWS - self.rows

    def _write(self, text: str) -> None:
        self._stream.write(text.encode("utf-8"))

    def write_xml(self, xml: str, rows: int) -> None:
        """Write ``rows`` rows rendered by :func:`rows_xml` (numbered from ``self.rows + 1``)."""
        if rows > self.room:
            raise ValueError(f"sheet {self.name!r} holds {self.room} more rows, not {rows}")
        self._write(xml)
        self.rows += rows

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        """Write rows of values."""
        self.write_xml(rows_xml(rows), len(rows))

    def close(self) -> None:
        last = column_letter(max(0, len(self.columns) - 1))
        self._write(
            f'</sheetData><autoFilter ref="A1:{last}{self.rows}"/>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/></worksheet>'
        )
        self._stream.close()
        self.filter_range = f"$A$1:${last}${self.rows}"


class WorkbookStream:
    """A workbook written sheet by sheet into a zip at ``path``.

    One sheet is streamed into the zip at a time (:meth:`add_sheet`); a sheet written alongside
    it (:meth:`add_spooled_sheet`, e.g. the rejected rows while the scores stream) goes to a
    temporary file first and into the zip when closed. :meth:`close` writes the workbook's
    remaining parts; the sheets appear in the order they were added.
    """

    def __init__(self, path: Path, compresslevel: int = 1) -> None:
        self.path = path
        self.sheets: list[SheetStream] = []
        self._zip = zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        self._spools: list[tuple[SheetStream, IO[bytes], int]] = []
        self._open: SheetStream | None = None

    def _name(self, wanted: str) -> str:
        name = re.sub(r"[\[\]:*?/\\]", "_", wanted)[:31] or "Sheet"
        taken = {s.name.lower() for s in self.sheets}
        base, n = name, 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        return name

    def add_sheet(self, name: str, columns: Sequence[str]) -> SheetStream:
        """Start a sheet streamed straight into the file (closing the one before)."""
        if self._open is not None:
            self._open.close()
        index = len(self.sheets) + 1
        stream = self._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        sheet = SheetStream(self, self._name(name), columns, stream)
        self.sheets.append(sheet)
        self._open = sheet
        return sheet

    def add_spooled_sheet(self, name: str, columns: Sequence[str]) -> SheetStream:
        """Start a sheet written to a temporary file, put into the workbook on :meth:`close`."""
        spool = tempfile.TemporaryFile(dir=self.path.parent)  # noqa: SIM115 - closed in close()
        sheet = SheetStream(self, self._name(name), columns, _Unclosed(spool))
        self.sheets.append(sheet)
        self._spools.append((sheet, spool, len(self.sheets)))
        return sheet

    def close(self) -> None:
        """Finish every sheet and write the workbook's parts."""
        if self._open is not None:
            self._open.close()
            self._open = None
        for sheet, spool, index in self._spools:
            sheet.close()
            spool.seek(0)
            with self._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as out:
                shutil.copyfileobj(spool, out, 1 << 20)
            spool.close()
        self._spools = []
        count = len(self.sheets)
        self._zip.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES_HEAD
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                for i in range(1, count + 1)
            )
            + "</Types>",
        )
        self._zip.writestr("_rels/.rels", _RELS)
        sheets = "".join(
            f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(self.sheets, 1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{escape(s.name).replace(chr(39), chr(39) * 2)}'!{s.filter_range}</definedName>"
            for i, s in enumerate(self.sheets)
        )
        self._zip.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook {_NS}><bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets><definedNames>{names}</definedNames></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{count + 1}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.close()

    def abort(self) -> None:
        """Drop everything written (the caller removes the file)."""
        for _, spool, _ in self._spools:
            with contextlib.suppress(Exception):
                spool.close()
        self._spools = []
        with contextlib.suppress(Exception):
            if self._open is not None:
                self._open.close()
        with contextlib.suppress(Exception):
            self._zip.close()


class _Unclosed:
    """A spool's writer for a sheet: closing the sheet leaves the spool open to copy."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def write(self, data: bytes) -> int:
        return self._stream.write(data)

    def close(self) -> None:
        self._stream.flush()
