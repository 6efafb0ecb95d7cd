"""Scoring many assessees at once: one row each, from CSV, JSON lines or Excel, in constant memory.

A street office scores every grid worker from one export. Each row holds one assessee's evidence
(one column per evidence field) and a few columns that are not evidence: who is assessed
(``assessee``, ``id`` or ``被考核人员``), who assesses (``assessor``, ``考核人``), the period
(``period``, ``考核时间``), and any columns named to be passed through. Empty cells are "not
given", so a field's default applies; text cells are read as the field's kind ("3", "是",
"巡查、走访", "85%").

>>> import gridrules
>>> from gridrules.batch import Row, score_rows
>>> rubric = gridrules.Rubric(
...     name="demo", title="示例", maximum=10,
...     children=[gridrules.Item("meetings", "会议情况", 10, clause="缺勤一次扣1分",
...               rules=[gridrules.PerOccurrence("missed_meetings", 1)])],
... )
>>> rows = [Row(2, {"missed_meetings": "3"}, assessee="王芳"),
...         Row(3, {"missed_meetings": "-1"}, assessee="李强")]
>>> for outcome in score_rows(rubric, rows):
...     print(outcome)
row 2 (王芳): 7
row 3 (李强): rejected: missed_meetings: a count cannot be negative, got '-1'

:func:`score_rows` streams: it reads a chunk of rows, scores them with :meth:`Scorer.results
<gridrules.Scorer.results>` (the Results :meth:`Scorer.result <gridrules.Scorer.result>` gives,
many records at once) and hands them on before reading the next chunk, so a million rows take the
memory of one chunk. With ``workers`` greater than one it scores chunks of rows in that many
processes and still yields every outcome in input order, identical to the single-process path.

:func:`run_batch` reads a file, writes the scored rows and the rejected rows' problems to two
files (each written atomically) and returns a :class:`Summary`. It works a chunk of rows at a
time, and for a CSV file it does not make :class:`Row` objects: the csv module's lists of cells
go (to a worker, with ``workers``) to be split by a column map worked out once from the header,
scored and rendered as output text in one go; the process reading the file only reads and
writes, in input order, with a few chunks in flight, so its memory stays flat.
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, TypeVar

from ..dates.calendars import WorkingCalendar
from ..engine.result import Result
from ..engine.rubric import Rubric
from ..engine.scorer import Scorer, in_chunks
from ..errors import DataFileError, EvidenceError, GridrulesError, Problem
from ..model.numbers import fmt
from .tables import (
    CsvReader,
    DecimalText,
    TableReader,
    format_of,
    open_reader,
    open_writer,
    render_rows,
    row_cells,
)

__all__ = [
    "ASSESSEE_COLUMNS",
    "ASSESSOR_COLUMNS",
    "PERIOD_COLUMNS",
    "Layout",
    "Rejected",
    "Row",
    "Scored",
    "Summary",
    "errors_path",
    "open_table",
    "output_columns",
    "read_rows",
    "run_batch",
    "score_rows",
]

ASSESSEE_COLUMNS = ("assessee", "id", "被考核人员", "姓名")
"""Column names taken, in this order, as the assessee's id unless another is named."""
ASSESSOR_COLUMNS = ("assessor", "考核人")
"""Column names taken, in this order, as the assessor (考核人) unless another is named."""
PERIOD_COLUMNS = ("period", "考核时间")
"""Column names taken, in this order, as the period assessed unless another is named."""

FIXED_COLUMNS = ("row", "assessee", "assessor", "period")
RESULT_COLUMNS = ("total", "base", "bonus", "penalty", "grade", "stars", "flags")
ERROR_COLUMNS = ("file", "row", "assessee", "field", "value", "reason")

DEFAULT_CHUNK = 2000
"""Rows per chunk: what a worker process is handed at a time, and how often progress is told."""

open_table = open_reader
"""Open a table for :func:`read_rows`: ``open_table(path, fmt=None, *, encoding="auto",
sheet=None)``, the format from the suffix (``.csv``, ``.jsonl``, ``.xlsx``) unless named. Use it
as a context manager; it raises :class:`~gridrules.DataFileError` naming the file and the place
when the file cannot be read as a table."""


# -- rows -------------------------------------------------------------------------------------


def _clean(cells: Mapping[str, Any]) -> dict[str, Any]:
    """Evidence from cells: text stripped, empty cells and nulls left out (not given)."""
    evidence: dict[str, Any] = {}
    for key, value in cells.items():
        if type(value) is str:
            value = value.strip()
            if not value:
                continue
        elif value is None:
            continue
        evidence[key] = value
    return evidence


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = fmt(value) if isinstance(value, Decimal) else str(value)
    return text.strip() or None


class Row:
    """One assessee's row: where it is in the input, who it is, and the evidence.

    ``evidence`` is cleaned as it is set: text stripped, empty cells and nulls dropped, so that a
    field left empty takes its default. ``problems`` holds why the row could not be read at all
    (such a row is rejected without scoring). ``extra`` holds the passed-through columns.
    """

    __slots__ = ("assessee", "assessor", "evidence", "extra", "number", "period", "problems")

    def __init__(
        self,
        number: int,
        evidence: Mapping[str, Any],
        *,
        assessee: str | None = None,
        assessor: str | None = None,
        period: str | None = None,
        extra: Sequence[Any] = (),
        problems: Sequence[Problem] = (),
    ) -> None:
        self.number = number
        self.evidence = _clean(evidence)
        self.assessee = assessee
        self.assessor = assessor
        self.period = period
        self.extra = tuple(extra)
        self.problems = tuple(problems)

    def where(self) -> str:
        """The row's place for messages: its number and, when known, the assessee."""
        return f"row {self.number}" + (f" ({self.assessee})" if self.assessee else "")

    def __repr__(self) -> str:
        return f"Row({self.number}, {self.evidence!r}, assessee={self.assessee!r})"


class Scored:
    """A row scored: the row and its :class:`~gridrules.Result`."""

    __slots__ = ("result", "row")

    def __init__(self, row: Row, result: Result) -> None:
        self.row = row
        self.result = result

    def __str__(self) -> str:
        return f"{self.row.where()}: {fmt(self.result.total)}"


class Rejected:
    """A row that could not be scored, with every problem found in it."""

    __slots__ = ("problems", "row")

    def __init__(self, row: Row, problems: Sequence[Problem]) -> None:
        self.row = row
        self.problems = tuple(problems)

    def __str__(self) -> str:
        return f"{self.row.where()}: rejected: " + "; ".join(str(p) for p in self.problems)


class Layout:
    """Which input columns are not evidence: the assessee id, assessor, period, passed-through.

    ``assessee``, ``assessor`` and ``period`` name one column each, or leave it to the first
    present of ``ASSESSEE_COLUMNS``, ``ASSESSOR_COLUMNS`` and ``PERIOD_COLUMNS``.
    ``keep`` names columns copied to the output as they are. ``default_assessor`` and
    ``default_period`` fill rows that have no such cell.
    """

    def __init__(
        self,
        *,
        assessee: str | None = None,
        assessor: str | None = None,
        period: str | None = None,
        keep: Sequence[str] = (),
        default_assessor: str | None = None,
        default_period: str | None = None,
    ) -> None:
        self.assessee = assessee
        self.assessor = assessor
        self.period = period
        self.keep = tuple(keep)
        self.default_assessor = default_assessor
        self.default_period = default_period

    def _choose(
        self, named: str | None, candidates: Sequence[str], columns: Iterable[str]
    ) -> str | None:
        if named is not None:
            return named
        present = set(columns)
        return next((c for c in candidates if c in present), None)

    def check(self, path: Path, columns: Sequence[str]) -> None:
        """Raise :class:`DataFileError` if a named column is not among ``columns``."""
        present = set(columns)
        for role, name in (
            ("assessee", self.assessee),
            ("assessor", self.assessor),
            ("period", self.period),
            *(("kept", k) for k in self.keep),
        ):
            if name is not None and name not in present:
                raise DataFileError(
                    f"{path}: the {role} column {name!r} is not in the header (columns: "
                    f"{', '.join(c for c in columns if c)})"
                )

    def splitter(self, columns: Sequence[str] | None) -> Callable[[int, Mapping[str, Any]], Row]:
        """A function making a :class:`Row` from a row's number and cells.

        With ``columns`` (a header) the id, assessor and period columns are chosen once; without
        (JSON lines, where each object names its own keys) they are chosen per row.
        """
        fixed = None if columns is None else self._bind(columns)
        default_assessor, default_period = self.default_assessor, self.default_period

        def split(number: int, cells: Mapping[str, Any]) -> Row:
            names = fixed if fixed is not None else self._bind(cells)
            evidence = dict(cells)
            assessee_col, assessor_col, period_col, keep = names
            assessee = _text(evidence.pop(assessee_col, None)) if assessee_col else None
            assessor = _text(evidence.pop(assessor_col, None)) if assessor_col else None
            period = _text(evidence.pop(period_col, None)) if period_col else None
            extra = [_text(evidence.pop(k, None)) for k in keep]
            return Row(
                number,
                evidence,
                assessee=assessee,
                assessor=assessor or default_assessor,
                period=period or default_period,
                extra=extra,
            )

        return split

    def _bind(
        self, columns: Iterable[str]
    ) -> tuple[str | None, str | None, str | None, tuple[str, ...]]:
        columns = list(columns)
        return (
            self._choose(self.assessee, ASSESSEE_COLUMNS, columns),
            self._choose(self.assessor, ASSESSOR_COLUMNS, columns),
            self._choose(self.period, PERIOD_COLUMNS, columns),
            self.keep,
        )


def read_rows(reader: TableReader, layout: Layout | None = None) -> Iterator[Row]:
    """The rows of an open table, split into id, assessor, period, kept columns and evidence.

    >>> with open_table(path) as table:                              # doctest: +SKIP
    ...     for outcome in score_rows(scorer, read_rows(table)):
    ...         print(outcome)
    """
    layout = layout or Layout()
    columns = reader.columns or None  # JSON lines have no header: each object names its keys
    if columns:
        layout.check(reader.path, columns)
    split = layout.splitter(columns)
    where = reader.location
    for record in reader:
        if record.problem is not None:
            yield Row(record.number, {}, problems=[Problem(f"<{where}>", record.problem)])
        else:
            yield split(record.number, record.cells)


# -- processes --------------------------------------------------------------------------------


def _context() -> BaseContext:
    """How to start worker processes: fork where there is fork and no other thread runs.

    A forked worker starts at once with the rubric prepared and the modules imported; a spawned
    one starts a new interpreter and imports everything again. But forking a process that runs
    other threads can copy a lock another thread holds, so then (and where there is no fork)
    workers are spawned.
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _ignore_interrupts() -> None:
    # Ctrl-C is the parent's to handle: it stops the run and shuts the workers down
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_Kept = TypeVar("_Kept")
_Sent = TypeVar("_Sent")
_Back = TypeVar("_Back")


def _in_order(
    function: Callable[[_Sent], _Back],
    work: Iterable[tuple[_Kept, _Sent]],
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> Generator[tuple[_Kept, _Back], None, None]:
    """``function(sent)`` for each ``(kept, sent)`` of ``work`` in ``workers`` processes, yielded
    with ``kept`` in the order of ``work``.

    At most two items per worker are in flight, so that memory stays flat however fast ``work``
    is read; closing the generator (an error, Ctrl-C) cancels what has not started.
    """
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=initializer, initargs=initargs
    )
    pending: collections.deque[tuple[_Kept, concurrent.futures.Future[_Back]]] = collections.deque()
    finished = False
    try:
        for kept, sent in work:
            pending.append((kept, executor.submit(function, sent)))
            while len(pending) >= 2 * workers:
                kept, future = pending.popleft()
                yield kept, future.result()
        while pending:
            kept, future = pending.popleft()
            yield kept, future.result()
        finished = True
    finally:
        executor.shutdown(wait=finished, cancel_futures=not finished)


# -- scoring rows -----------------------------------------------------------------------------


def _problems_of(error: GridrulesError) -> tuple[Problem, ...]:
    if isinstance(error, EvidenceError):
        return tuple(error.problems)
    return (Problem("<row>", str(error)),)


def _score_many(
    scorer: Scorer,
    work: Sequence[tuple[Mapping[str, Any], str | None]],
    calendar: WorkingCalendar | None = None,
) -> list[Result | tuple[Problem, ...]]:
    """Each ``(evidence, period)`` scored through :meth:`Scorer.results`, the records of one
    period together: its :class:`Result`, or the problems that keep it from being scored (every
    problem of its evidence; a period the rubric cannot work with, for each of its rows). The
    working days of a period come from ``calendar`` (the scorer's default when None)."""
    by_period: dict[str | None, list[int]] = {}
    for at, (_, period) in enumerate(work):
        by_period.setdefault(period, []).append(at)
    out: list[Result | tuple[Problem, ...]] = [()] * len(work)
    for period, rows in by_period.items():
        got: list[Result | GridrulesError]
        try:
            got = list(
                scorer.results(
                    [work[at][0] for at in rows],
                    period=period,
                    calendar=calendar,
                    return_errors=True,
                )
            )
        except GridrulesError as error:  # the period itself: every row of it says so
            got = [error] * len(rows)
        for at, outcome in zip(rows, got, strict=True):
            out[at] = outcome if isinstance(outcome, Result) else _problems_of(outcome)
    return out


_WORKER_SCORER: Scorer | None = None
_WORKER_CALENDAR: WorkingCalendar | None = None

_Packed = tuple[str, str, str, str, str | None, int | None, tuple[str, ...], tuple[str, ...]]
"""A Result as plain text for the trip between processes: pickling Decimals costs more than
scoring, text does not, and ``Decimal(str(d))`` is ``d`` exactly, exponent and all."""


def _init_scorer(
    rubric: Rubric, params: Mapping[str, Decimal], calendar: WorkingCalendar | None
) -> None:
    global _WORKER_SCORER, _WORKER_CALENDAR
    _ignore_interrupts()
    _WORKER_SCORER = Scorer(rubric, params)
    _WORKER_CALENDAR = calendar


def _pack(result: Result) -> _Packed:
    return (
        str(result.total),
        str(result.base),
        str(result.bonus),
        str(result.penalty),
        result.grade,
        result.stars,
        tuple(result.flags),
        tuple(str(points) for points in result.items.values()),
    )


def _unpack(packed: _Packed, item_ids: Sequence[str]) -> Result:
    total, base, bonus, penalty, grade, stars, flags, items = packed
    return Result(
        Decimal(total),
        Decimal(base),
        Decimal(bonus),
        Decimal(penalty),
        grade,
        stars,
        frozenset(flags),
        dict(zip(item_ids, map(Decimal, items), strict=True)),
    )


def _score_chunk(
    chunk: list[tuple[dict[str, Any], str | None]],
) -> tuple[tuple[str, ...], list[_Packed | tuple[Problem, ...]]]:
    scorer = _WORKER_SCORER
    assert scorer is not None, "worker used before its initializer ran"
    item_ids: tuple[str, ...] = ()
    out: list[_Packed | tuple[Problem, ...]] = []
    for scored in _score_many(scorer, chunk, _WORKER_CALENDAR):
        if isinstance(scored, Result):
            item_ids = item_ids or tuple(scored.items)
            out.append(_pack(scored))
        else:
            out.append(scored)
    return item_ids, out


def _as_rows(rows: Iterable[Row | Mapping[str, Any]]) -> Iterator[Row]:
    for number, row in enumerate(rows, 1):
        yield row if isinstance(row, Row) else Row(number, row)


def score_rows(
    rubric: Rubric | Scorer,
    rows: Iterable[Row | Mapping[str, Any]],
    params: Mapping[str, object] | None = None,
    *,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK,
    calendar: WorkingCalendar | None = None,
) -> Generator[Scored | Rejected, None, None]:
    """Score ``rows``, yielding a :class:`Scored` or :class:`Rejected` for each, in order.

    ``rubric`` is a rubric (prepared here with ``params``) or a ready :class:`~gridrules.Scorer`.
    A row may be a :class:`Row` or a plain mapping of evidence (numbered from 1). A row whose
    evidence does not fit the rubric is rejected with every problem found, and scoring goes on.
    A row's period is passed to the scorer (a rubric with quotas per working day needs it), and
    its working days are counted on ``calendar`` (China's official one when None).

    Rows are read and scored ``chunk_size`` at a time (through :meth:`Scorer.results
    <gridrules.Scorer.results>`, the rows of one period together), so memory holds one chunk.
    ``workers`` above 1 scores the chunks in that many processes (``0``: one per CPU); at most
    two chunks per worker are in flight, so memory stays bounded, and the outcomes come back in
    input order, identical to those of one process.

    :raises ParameterError: the parameters do not fit the rubric (before any row is read).
    """
    scorer = rubric if isinstance(rubric, Scorer) else Scorer(rubric, params)
    workers = _check_workers(workers, chunk_size)
    if workers == 1:
        return _score_serial(scorer, _as_rows(rows), chunk_size, calendar)
    return _score_parallel(scorer, _as_rows(rows), workers, chunk_size, calendar)


def _check_workers(workers: int, chunk_size: int) -> int:
    if workers < 0 or chunk_size < 1:
        raise ValueError(
            f"workers must be 0 or more and chunk_size 1 or more, got {workers} and {chunk_size}"
        )
    return workers or os.cpu_count() or 1


def _score_serial(
    scorer: Scorer, rows: Iterable[Row], chunk_size: int, calendar: WorkingCalendar | None
) -> Generator[Scored | Rejected, None, None]:
    for chunk in in_chunks(rows, chunk_size):
        work = [(row.evidence, row.period) for row in chunk if not row.problems]
        scored = iter(_score_many(scorer, work, calendar))
        for row in chunk:
            if row.problems:
                yield Rejected(row, row.problems)
                continue
            outcome = next(scored)
            yield Scored(row, outcome) if isinstance(outcome, Result) else Rejected(row, outcome)


def _score_parallel(
    scorer: Scorer,
    rows: Iterable[Row],
    workers: int,
    chunk_size: int,
    calendar: WorkingCalendar | None,
) -> Generator[Scored | Rejected, None, None]:
    work = (
        (chunk, [(row.evidence, row.period) for row in chunk if not row.problems])
        for chunk in in_chunks(rows, chunk_size)
    )
    done = _in_order(
        _score_chunk, work, workers, _init_scorer, (scorer.rubric, scorer.params, calendar)
    )
    try:
        for chunk, (item_ids, results) in done:
            scored = iter(results)
            for row in chunk:
                if row.problems:
                    yield Rejected(row, row.problems)
                    continue
                outcome = next(scored)
                if isinstance(outcome[0], str):
                    yield Scored(row, _unpack(outcome, item_ids))
                else:
                    yield Rejected(row, outcome)
    finally:
        done.close()  # stop the workers now, not when the garbage collector gets to it


# -- scoring a file: chunks of raw rows to text, in whichever process -------------------------


_Chunk = tuple[int, list[list[str]]] | list[Row]
"""What a worker is handed: CSV rows as the csv module splits them, with the number of the first
(the fast path: plain lists of text pickle fast), or rows another reader has split (JSON lines,
Excel)."""

_Split = tuple[
    int, dict[str, Any], str | None, str | None, str | None, list[str | None], Sequence[Problem]
]
"""A row taken apart: number, evidence, assessee, assessor, period, kept cells, and the problems
that make it unreadable (empty if none)."""


class _Done:
    """A chunk scored: the output rows rendered for the writer, the errors file's rows, counts."""

    __slots__ = ("blank", "errors", "grades", "output", "rejected", "rows", "scored")

    def __init__(self) -> None:
        self.output: str | list[list[Any]] = ""
        self.errors: list[tuple[Any, ...]] = []
        self.grades: dict[str, int] = {}
        self.scored = self.rejected = self.blank = 0
        self.rows: list[Row] = []


class _Plan:
    """How to turn a chunk of input rows into output rows and error rows, worked out once.

    Built in the parent; a worker inherits it (fork) or gets it pickled (spawn) and prepares its
    own scorer. A worker does all the work per row, from the CSV cells to the text written, so
    that only a chunk of cells goes out and one block of text comes back: the parent just reads
    and writes, in input order. Which header column holds the id, assessor, period, kept cells
    and each evidence field is decided here once, not per row.
    """

    def __init__(
        self,
        scorer: Scorer,
        header: Sequence[str],
        layout: Layout,
        columns: Sequence[str],
        out_format: str,
        file_name: str,
        location: str,
        keep_rows: bool,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.rubric = scorer.rubric
        self.calendar = calendar
        self.params = scorer.params
        self.header = tuple(header)
        self.layout = layout
        self.columns = tuple(columns)
        self.out_format = out_format
        self.file_name = file_name
        self.location = location
        self.keep_rows = keep_rows
        self.item_ids = tuple(item.id for item in scorer.rubric.items())
        self.with_period = scorer.rubric.needs_working_days
        self._ready(scorer)

    def _ready(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.decimals = DecimalText()
        assessee, assessor, period, keep = self.layout._bind(self.header)
        at = {name: index for index, name in enumerate(self.header) if name}
        self.assessee_at = at.get(assessee) if assessee else None
        self.assessor_at = at.get(assessor) if assessor else None
        self.period_at = at.get(period) if period else None
        self.keep_at = tuple(at[k] for k in keep if k in at)
        taken = {assessee, assessor, period, *keep}
        self.fields_at = tuple(
            (i, name) for i, name in enumerate(self.header) if name and name not in taken
        )
        self.unnamed = tuple(i for i, name in enumerate(self.header) if not name)

    # what a spawned worker is sent: the scorer's compiled functions do not pickle, so it
    # prepares its own from the rubric and parameters
    _STATE = ("rubric", "params", "header", "layout", "columns", "out_format", "file_name",
              "location", "keep_rows", "item_ids", "with_period", "calendar")  # fmt: skip

    def __getstate__(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self._STATE}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            setattr(self, key, value)
        self._ready(Scorer(self.rubric, self.params))

    def process(self, chunk: _Chunk) -> _Done:
        """Score a chunk of rows and render its output: the work of a worker, or of the parent."""
        done = _Done()
        split = self._split_csv(*chunk, done) if isinstance(chunk, tuple) else _split_rows(chunk)
        self._score(split, done)
        return done

    def _split_csv(self, number: int, rows: list[list[str]], done: _Done) -> Iterator[_Split]:
        """The CSV rows taken apart; blank rows skipped and counted, rows not fitting the
        header given their problem (as :func:`read_rows` does for any table)."""
        width = len(self.header)
        fields_at, keep_at, unnamed = self.fields_at, self.keep_at, self.unnamed
        assessee_at, assessor_at, period_at = self.assessee_at, self.assessor_at, self.period_at
        default_assessor, default_period = (
            self.layout.default_assessor,
            self.layout.default_period,
        )
        where = f"<{self.location}>"
        number -= 1
        for values in rows:
            number += 1
            if not "".join(values).strip():
                done.blank += 1
                continue
            if len(values) != width or unnamed:
                problem = row_cells(self.header, values)[1]
                if problem is not None:
                    yield number, {}, None, None, None, [], (Problem(where, problem),)
                    continue
                values = values + [""] * (width - len(values))
            # cells are stripped and empty ones left out so that defaults apply, as Row does
            # (a comprehension: faster here than itemgetter, zip and filter)
            evidence = {name: text for i, name in fields_at if (text := values[i].strip())}
            yield (
                number,
                evidence,
                None if assessee_at is None else values[assessee_at].strip() or None,
                (None if assessor_at is None else values[assessor_at].strip() or None)
                or default_assessor,
                (None if period_at is None else values[period_at].strip() or None)
                or default_period,
                [values[i].strip() or None for i in keep_at],
                (),
            )

    def _score(self, rows: Iterable[_Split], done: _Done) -> None:
        rows = list(rows)
        with_period = self.with_period
        outcomes = iter(
            _score_many(
                self.scorer,
                [
                    (evidence, period if with_period else None)
                    for _, evidence, _, _, period, _, problems in rows
                    if not problems
                ],
                self.calendar,
            )
        )
        item_ids = self.item_ids
        known = self.decimals.known.get
        remember = self.decimals.text
        as_text = self.out_format != "xlsx"  # Excel takes numbers as numbers
        join_flags = self.out_format != "jsonl"  # JSON lines write them as a list
        file_name, errors, grades, keep_rows = (
            self.file_name,
            done.errors,
            done.grades,
            self.keep_rows,
        )
        out: list[list[Any]] = []
        for number, evidence, assessee, assessor, period, extra, problems in rows:
            if not problems:
                outcome = next(outcomes)
                if isinstance(outcome, Result):
                    result = outcome
                else:
                    problems = outcome
            if problems:
                done.rejected += 1
                errors.extend(
                    (
                        file_name,
                        number,
                        assessee,
                        problem.field,
                        _problem_value(problem.value),
                        problem.message,
                    )
                    for problem in problems
                )
                continue
            done.scored += 1
            grade = result.grade
            if grade is not None:
                grades[grade] = grades.get(grade, 0) + 1
            items = result.items
            numbers: list[Any] = [
                result.total,
                result.base,
                result.bonus,
                result.penalty,
                *[items[i] for i in item_ids],
            ]
            if as_text:
                numbers = [known(n) or remember(n) for n in numbers]
            flags: Any = sorted(result.flags)
            if join_flags:
                flags = ";".join(flags)
            out.append(
                [
                    number,
                    assessee,
                    assessor,
                    period,
                    *extra,
                    *numbers[:4],
                    grade,
                    result.stars,
                    flags,
                    *numbers[4:],
                ]
            )
            if keep_rows:
                done.rows.append(
                    Row(
                        number,
                        evidence,
                        assessee=assessee,
                        assessor=assessor,
                        period=period,
                        extra=extra,
                    )
                )
        done.output = render_rows(self.out_format, self.columns, out)


def _split_rows(rows: list[Row]) -> Iterator[_Split]:
    for row in rows:
        yield (row.number, row.evidence, row.assessee, row.assessor, row.period,
               list(row.extra), row.problems)  # fmt: skip


_WORKER_PLAN: _Plan | None = None


def _init_plan(plan: _Plan) -> None:
    global _WORKER_PLAN
    _ignore_interrupts()
    _WORKER_PLAN = plan


def _process(chunk: _Chunk) -> _Done:
    assert _WORKER_PLAN is not None, "worker used before its initializer ran"
    return _WORKER_PLAN.process(chunk)


# -- files ------------------------------------------------------------------------------------


def output_columns(rubric: Rubric, keep: Sequence[str] = ()) -> tuple[str, ...]:
    """The output's columns: row, assessee, assessor, period, kept, results, one per item.

    The results are total, base (the items' sum, weighted where the rubric weighs), bonus,
    penalty, grade, stars and flags; ``total = base - penalty + bonus`` before the rubric's floor
    and rounding.

    An item whose id is already a column name is written as ``item.<id>``.
    """
    head = (*FIXED_COLUMNS, *keep, *RESULT_COLUMNS)
    taken = set(head)
    return head + tuple(f"item.{i.id}" if i.id in taken else i.id for i in rubric.items())


def errors_path(output: Path) -> Path:
    """Where the rejected rows go by default: ``scores.csv`` → ``scores.errors.csv``."""
    return output.with_name(f"{output.stem}.errors{output.suffix}")


class Summary:
    """What a batch run did. ``read == scored + rejected`` always; blank rows are skipped."""

    __slots__ = (
        "blank",
        "errors",
        "grades",
        "input",
        "output",
        "read",
        "rejected",
        "scored",
        "seconds",
        "sheets",
    )

    def __init__(self, input: Path | str, output: Path, errors: Path) -> None:
        self.input = str(input)
        self.output = output
        self.errors = errors
        self.read = self.scored = self.rejected = self.blank = self.sheets = 0
        self.grades: collections.Counter[str] = collections.Counter()
        self.seconds = 0.0

    @property
    def ok(self) -> bool:
        """Whether every row read was scored (no row rejected)."""
        return self.rejected == 0

    def text(self) -> str:
        """The summary in a few lines of English, for the terminal."""
        rows = "row" if self.read == 1 else "rows"
        lines = [
            f"input: {self.input}",
            f"{self.read} {rows} read = {self.scored} scored + {self.rejected} rejected "
            f"({self.seconds:.1f} s)",
        ]
        if self.blank:
            lines.append(f"{self.blank} blank {'row' if self.blank == 1 else 'rows'} skipped")
        if self.grades:
            lines.append("grades: " + ", ".join(f"{g} {n}" for g, n in self.grades.items() if n))
        lines.append(f"scores: {self.output}")
        lines.append(f"errors: {self.errors}" + ("" if self.rejected else " (none)"))
        if self.sheets:
            lines.append(f"sheets: {self.sheets} written")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Summary(read={self.read}, scored={self.scored}, rejected={self.rejected}, "
            f"blank={self.blank})"
        )


Progress = Callable[[int, int, int | None], None]
"""Called now and then with (rows read, position in the input, size of the input or None)."""

SheetWriter = Callable[[Scorer, Row], None]
"""Called for every scored row, e.g. to write that assessee's printable sheet."""


def run_batch(
    rubric: Rubric,
    input: Path,
    output: Path,
    *,
    params: Mapping[str, object] | None = None,
    errors: Path | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    encoding: str = "auto",
    output_encoding: str = "utf-8-sig",
    sheet: str | None = None,
    layout: Layout | None = None,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
    on_scored: SheetWriter | None = None,
    calendar: WorkingCalendar | None = None,
) -> Summary:
    """Score every row of ``input`` and write the scores to ``output``, rejected rows to ``errors``.

    Formats come from the suffixes (``.csv``, ``.jsonl``, ``.xlsx``) unless named. The output has
    one row per scored row (see :func:`output_columns`); the errors file one row per problem
    (file, row, assessee, field, value, reason), ``errors_path(output)`` by default. Both are
    written to temporary files and moved into place only when the whole input has been read: on
    an error or Ctrl-C no file is changed. Quotas per working day are counted on ``calendar``
    (China's official calendar when None).

    :raises DataFileError: the input cannot be read as a table (unknown format, wrong encoding,
        a duplicated column, malformed CSV), or the output cannot be written.
    :raises ParameterError: the parameters do not fit the rubric.
    """
    started = time.perf_counter()
    layout = layout or Layout()
    workers = _check_workers(workers, chunk_size)
    errors = errors or errors_path(output)
    out_format = format_of(output, output_format)
    err_format = format_of(
        errors, None if errors.suffix.lower() in (".csv", ".jsonl", ".xlsx") else out_format
    )
    in_path = input.resolve()
    for target, what in ((output, "output"), (errors, "errors")):
        if target.resolve() == in_path:
            raise DataFileError(f"{target}: the {what} file would overwrite the input")
    if output.resolve() == errors.resolve():
        raise DataFileError(f"{output}: the output and errors files must differ")
    scorer = Scorer(rubric, params)
    summary = Summary(input, output, errors)
    if rubric.grades is not None:  # list the grades in the rubric's order, best first
        summary.grades.update(dict.fromkeys(rubric.grades.names, 0))
    columns = output_columns(rubric, layout.keep)
    with (
        open_reader(input, input_format, encoding=encoding, sheet=sheet) as reader,
        open_writer(output, columns, out_format, encoding=output_encoding) as out,
        open_writer(errors, ERROR_COLUMNS, err_format, encoding=output_encoding) as bad,
    ):
        summary.input = _describe(input, reader)
        chunks: Iterable[_Chunk]
        if isinstance(reader, CsvReader):
            layout.check(reader.path, reader.columns)
            chunks = reader.raw_chunks(chunk_size)
        else:  # JSON lines and Excel: split by the reader, then scored and written alike
            chunks = in_chunks(read_rows(reader, layout), chunk_size)
        plan = _Plan(
            scorer,
            reader.columns if isinstance(reader, CsvReader) else (),
            layout,
            columns,
            out_format,
            str(input),
            reader.location,
            on_scored is not None,
            calendar,
        )
        done: Generator[tuple[None, _Done], None, None]
        if workers == 1:
            done = ((None, plan.process(c)) for c in chunks)
        else:
            done = _in_order(_process, ((None, c) for c in chunks), workers, _init_plan, (plan,))
        try:
            for _, chunk in done:
                summary.scored += chunk.scored
                summary.rejected += chunk.rejected
                summary.read += chunk.scored + chunk.rejected
                summary.blank += chunk.blank
                summary.grades.update(chunk.grades)
                out.write_rendered(chunk.output, chunk.scored)
                for values in chunk.errors:
                    bad.write(values)
                if on_scored is not None:
                    for row in chunk.rows:
                        on_scored(scorer, row)
                        summary.sheets += 1
                if progress is not None:
                    progress(summary.read, reader.position(), reader.size)
        finally:
            # on an error or Ctrl-C too, so that worker processes stop at once
            done.close()
        summary.blank += reader.blank
        if progress is not None:
            progress(summary.read, reader.size or reader.position(), reader.size)
        out.commit()
        bad.commit()
    summary.seconds = time.perf_counter() - started
    return summary


def _describe(path: Path, reader: TableReader) -> str:
    encoding = getattr(reader, "encoding", None)
    return f"{path} ({reader.label}{', ' + encoding.upper() if encoding else ''})"


def _problem_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)
