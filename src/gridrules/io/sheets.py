"""Each assessee's score sheet from a batch: one file each, or a whole street in one PDF.

:class:`SheetMaker` makes a scored row's sheet where the row was scored (a worker process, with
``--workers``), so that a row whose sheet cannot be made is rejected like any bad row, with its
reason, and the rest go on. :class:`SheetBook` gathers the sheets of a batch into one HTML
document, a sheet an A4 page, in input order or by group, and :func:`print_pdf` prints that
document to one PDF with a single run of headless Chromium: no browser per sheet.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Hashable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..dates.calendars import WorkingCalendar
from ..engine.scorer import Scorer
from ..errors import DataFileError
from ..sheet.html import sheet_html, sheet_section, sheets_html
from ..sheet.markdown import sheet_markdown
from ..sheet.sheet import ScoreSheet
from ..sheet.text import sheet_text
from .files import AtomicFile

__all__ = [
    "SHEET_FORMATS",
    "SheetBook",
    "SheetMaker",
    "find_browser",
    "print_pdf",
    "render_sheet",
]

SHEET_FORMATS = ("html", "md", "text", "json", "pdf")
"""The formats of ``--sheets-format``; ``pdf`` is one file of every sheet, a page each."""

SUFFIXES = {"text": ".txt", "json": ".json", "md": ".md", "html": ".html"}

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
"""The names under which a Chromium browser is looked for on the PATH."""


class SheetMaker:
    """Makes a scored row's sheet in ``fmt``: the text of a file, or a page of a PDF.

    It pickles (it holds only its format), so a worker process can be sent one.
    """

    def __init__(self, fmt: str) -> None:
        if fmt not in SHEET_FORMATS:
            raise ValueError(f"unknown sheet format {fmt!r}; expected one of {SHEET_FORMATS}")
        self.fmt = fmt

    def __call__(
        self,
        scorer: Scorer,
        evidence: Mapping[str, Any],
        *,
        assessee: str | None,
        period: str | None,
        assessor: str | None,
        calendar: WorkingCalendar | None = None,
    ) -> str:
        sheet = scorer.score(
            evidence, assessee=assessee, period=period, calendar=calendar, assessor=assessor
        )
        return render_sheet(sheet, self.fmt)


def render_sheet(sheet: ScoreSheet, fmt: str, assessor: str | None = None) -> str:
    """``sheet`` in ``fmt``: ``text``, ``md``, ``html`` (a printable A4 page), ``json`` (the
    serialised sheet) or ``pdf`` (a page of :class:`SheetBook`'s document); 考核人 is
    ``assessor``, else the sheet's own."""
    if fmt == "pdf":
        return sheet_section(sheet, assessor=assessor)
    if fmt == "json":
        return sheet.to_json()
    if fmt == "md":
        return sheet_markdown(sheet, assessor=assessor)
    if fmt == "html":
        return sheet_html(sheet, assessor=assessor)
    return sheet_text(sheet, assessor=assessor)


class SheetBook:
    """The sheets of a batch gathered into one HTML document, a sheet a page.

    Sheets are written to a temporary file as they come (a thousand sheets take the memory of
    one); :meth:`write_html` puts them in input order, or grouped by the key each was added
    with (groups in the order first seen, input order within a group).
    """

    def __init__(self, title: str) -> None:
        self.title = title
        self.count = 0
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._places: list[tuple[Hashable, int, int]] = []

    def add(self, section: str, key: Hashable = None) -> None:
        """Add one sheet (from :func:`gridrules.render.sheet_section`) under ``key``."""
        data = section.encode("utf-8")
        self._places.append((key, self._spool.tell(), len(data)))
        self._spool.write(data)
        self.count += 1

    def sections(self, grouped: bool = False) -> Iterator[str]:
        """The sheets in input order, or grouped by key."""
        places = self._places
        if grouped:
            order: dict[Hashable, int] = {}
            for key, _, _ in places:
                order.setdefault(key, len(order))
            places = sorted(places, key=lambda place: order[place[0]])  # stable: input order
        for _, offset, size in places:
            self._spool.seek(offset)
            yield self._spool.read(size).decode("utf-8")

    def write_html(self, path: Path, grouped: bool = False) -> None:
        """Write the document to ``path`` (a temporary file, or a file to keep)."""
        with path.open("w", encoding="utf-8") as out:
            for piece in sheets_html(self.sections(grouped), self.title):
                out.write(piece)

    def write_pdf(self, path: Path, *, grouped: bool = False, browser: str | None = None) -> None:
        """Print every sheet to one PDF at ``path``, whole or not at all."""
        with tempfile.TemporaryDirectory(prefix="gridrules-print-") as work:
            document = Path(work) / "sheets.html"
            self.write_html(document, grouped)
            with AtomicFile(path) as atomic:
                print_pdf(document, atomic.name, browser=browser, workdir=Path(work))
                atomic.commit()

    def close(self) -> None:
        self._spool.close()

    def __enter__(self) -> SheetBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def find_browser(browser: str | None = None) -> str:
    """The Chromium to print with: ``browser`` (a path or a name on the PATH), else
    ``$GRIDRULES_BROWSER``, else the first of :data:`BROWSERS` found.

    :raises DataFileError: none is found, saying how to get one.
    """
    wanted = browser or os.environ.get("GRIDRULES_BROWSER")
    for name in (wanted,) if wanted else BROWSERS:
        found = shutil.which(name)
        if found is not None:
            return found
    if wanted:
        raise DataFileError(f"cannot print to PDF: no browser {wanted!r} found")
    raise DataFileError(
        "printing sheets to PDF needs Chromium (Debian and Ubuntu: apt-get install chromium); "
        "name another with --browser or GRIDRULES_BROWSER"
    )


PRINT_TIMEOUT = 1800
"""Seconds a print may take: a thousand sheets take well under a minute."""


def print_pdf(
    document: Path, pdf: Path, *, browser: str | None = None, workdir: Path | None = None
) -> None:
    """Print the HTML ``document`` to ``pdf`` with one run of headless Chromium.

    The page's ``@page`` rule sets A4 and its margins; the browser adds no header or footer, and
    loads nothing from the network (the document needs nothing from it).

    :raises DataFileError: the browser is missing, fails, or writes no PDF.
    """
    executable = find_browser(browser)
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        command = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--proxy-server=127.0.0.1:9",  # nothing to fetch: make sure nothing is
            f"--user-data-dir={workdir / 'profile'}",
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            document.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=PRINT_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise DataFileError(
                f"{pdf}: the browser took more than {PRINT_TIMEOUT} s to print"
            ) from None
        except OSError as error:
            raise DataFileError(f"cannot run the browser {executable}: {error}") from None
        if not pdf.exists() or pdf.stat().st_size == 0:
            tail = " / ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
            raise DataFileError(f"{pdf}: the browser wrote no PDF (exit {done.returncode}): {tail}")
