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
import copy
import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
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
from ..errors import DataFileError, EvidenceError, GridrulesError, Problem, brief
from ..model.fields import FieldKind
from ..model.numbers import fmt
from ..model.tree import Section
from .datafiles import loads_document
from .files import check_input
from .headers import (
    ERROR_HEADERS,
    FIXED_HEADERS,
    HEADER_STYLES,
    RESULT_HEADERS,
    ROLE_NAMES,
    item_headers,
    labels_of,
    resolve_header,
    rubrics_of,
)
from .reasons import chinese_problem, problem_value, shorten
from .sheets import SheetMaker
from .standings import GroupFigures, competition_ranks, ranks_within
from .tables import (
    CsvReader,
    DecimalText,
    TableReader,
    TableWriter,
    format_of,
    neutral,
    open_reader,
    open_writer,
    render_rows,
    row_cells,
)
from .xlsx import MAX_ROWS

__all__ = [
    "ASSESSEE_COLUMNS",
    "ASSESSOR_COLUMNS",
    "PERIOD_COLUMNS",
    "Binding",
    "Layout",
    "Rejected",
    "Row",
    "Scored",
    "Summary",
    "error_columns",
    "errors_path",
    "open_table",
    "output_columns",
    "read_ballot_text",
    "read_rows",
    "run_batch",
    "score_rows",
]

ASSESSEE_COLUMNS = ROLE_NAMES["assessee"]
"""Column names taken, in this order, as the assessee's id unless another is named."""
ASSESSOR_COLUMNS = ROLE_NAMES["assessor"]
"""Column names taken, in this order, as the assessor (考核人) unless another is named."""
PERIOD_COLUMNS = ROLE_NAMES["period"]
"""Column names taken, in this order, as the period assessed unless another is named."""

FIXED_COLUMNS = ("row", "assessee", "assessor", "period")
RESULT_COLUMNS = ("total", "base", "bonus", "penalty", "grade", "stars", "flags")
ERROR_COLUMNS = ("file", "row", "assessee", "field", "value", "reason")

Rubrics = Rubric | Sequence[Rubric]
"""One rubric, or several that read one table (``gridrules compare``)."""

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


class Binding:
    """Which columns of a table play which part: the roles, the evidence fields, the kept ones.

    ``fields`` maps a column to the field id it holds; ``assessee``, ``assessor`` and ``period``
    name a column each or None; ``keep`` lists the columns copied to the output (a kept column
    naming a field is evidence too).
    """

    __slots__ = ("assessee", "assessor", "fields", "keep", "period")

    def __init__(
        self,
        fields: Mapping[str, str],
        assessee: str | None,
        assessor: str | None,
        period: str | None,
        keep: Sequence[str],
    ) -> None:
        self.fields = dict(fields)
        self.assessee = assessee
        self.assessor = assessor
        self.period = period
        self.keep = tuple(keep)


class Layout:
    """Which input columns are not evidence, and what the others hold.

    ``assessee``, ``assessor`` and ``period`` name one column each, or leave it to the first
    present of ``ASSESSEE_COLUMNS``, ``ASSESSOR_COLUMNS`` and ``PERIOD_COLUMNS``.
    ``keep`` names columns copied to the output as they are (a kept column that names a field is
    scored too). ``mapping`` maps an office's own column names onto field ids or labels, or onto
    ``assessee``, ``assessor``, ``period`` (see ``gridrules.io.headers``).
    ``default_assessor`` and ``default_period`` fill rows that have no such cell.
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
        mapping: Mapping[str, str] | None = None,
    ) -> None:
        self.assessee = assessee
        self.assessor = assessor
        self.period = period
        self.keep = tuple(dict.fromkeys(keep))
        self.default_assessor = default_assessor
        self.default_period = default_period
        self.mapping = dict(mapping or {})

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

    def bind(
        self, columns: Sequence[str], rubric: Rubrics | None = None, where: str = ""
    ) -> Binding:
        """How a header binds to the rubric's fields (a ``Binding``).

        With the ``rubric``, columns are read by field id, label or the mapping, and a column
        that is none of these (nor a role, nor kept) fails the table once, naming the closest
        field (``gridrules.io.headers.resolve_header``). Without it every other column is
        evidence under its own name, as the evidence's own check then judges. Several rubrics
        read one table as one rubric with the fields of all of them.
        """
        roles = {"assessee": self.assessee, "assessor": self.assessor, "period": self.period}
        if rubric is not None:
            fields, chosen = resolve_header(
                rubric, columns, roles=roles, keep=self.keep, mapping=self.mapping, where=where
            )
        else:
            present = [c for c in columns if c]
            chosen = {
                role: named
                if named is not None
                else next((c for c in ROLE_NAMES[role] if c in present), None)
                for role, named in roles.items()
            }
            taken = {*chosen.values(), *self.keep}
            fields = {c: c for c in present if c not in taken}
        return Binding(fields, chosen["assessee"], chosen["assessor"], chosen["period"], self.keep)

    def splitter(
        self, columns: Sequence[str] | None, rubric: Rubrics | None = None, where: str = ""
    ) -> Callable[[int, Mapping[str, Any]], Row]:
        """A function making a :class:`Row` from a row's number and cells.

        With ``columns`` (a header) the binding is made once; without (JSON lines, where each
        object names its own keys) it is made per row, and a key the rubric does not know is
        left for the evidence check to report.
        """
        fixed = None if columns is None else self.bind(columns, rubric, where)
        labels = {**labels_of(rubric), **self.mapping} if rubric is not None else self.mapping
        field_ids = frozenset(
            fid for one in (rubrics_of(rubric) if rubric is not None else ()) for fid in one.fields
        )
        default_assessor, default_period = self.default_assessor, self.default_period

        def split(number: int, cells: Mapping[str, Any]) -> Row:
            binding = fixed if fixed is not None else self._bind_keys(cells, labels, field_ids)
            # who and when are text or a number: a table, a list or a yes/no is refused, never
            # printed as its repr on a sheet or in the scores
            problems = [
                Problem(column, f"expected text, got {type(value).__name__} {brief(value)}", value)
                for column in (binding.assessee, binding.assessor, binding.period)
                if column and isinstance(value := cells.get(column), Mapping | list | bool)
            ]
            if problems:
                return Row(number, {}, problems=problems)
            assessee = _text(cells.get(binding.assessee)) if binding.assessee else None
            assessor = _text(cells.get(binding.assessor)) if binding.assessor else None
            period = _text(cells.get(binding.period)) if binding.period else None
            extra = [_text(cells.get(k)) for k in binding.keep]
            evidence = {
                fid: cells[column] for column, fid in binding.fields.items() if column in cells
            }
            return Row(
                number,
                evidence,
                assessee=assessee,
                assessor=assessor or default_assessor,
                period=period or default_period,
                extra=extra,
            )

        return split

    def _bind_keys(
        self, cells: Mapping[str, Any], labels: Mapping[str, str], field_ids: frozenset[str]
    ) -> Binding:
        present = list(cells)
        chosen = {
            role: named
            if named is not None
            else next((c for c in ROLE_NAMES[role] if c in cells), None)
            for role, named in (
                ("assessee", self.assessee),
                ("assessor", self.assessor),
                ("period", self.period),
            )
        }
        taken = set(chosen.values())
        kept = set(self.keep)
        fields = {}
        for column in present:
            if column in taken:
                continue
            fid = labels.get(column, column)
            if column in kept and fid not in field_ids:
                continue  # kept, and no field: copied to the output only
            fields[column] = fid
        return Binding(fields, chosen["assessee"], chosen["assessor"], chosen["period"], self.keep)


def read_rows(
    reader: TableReader, layout: Layout | None = None, rubric: Rubrics | None = None
) -> Iterator[Row]:
    """The rows of an open table, split into id, assessor, period, kept columns and evidence.

    With the ``rubric``, columns named by a field's label (缺签到) are read as that field, and a
    column that is no field fails the table at once (see :meth:`Layout.bind`).

    >>> with open_table(path) as table:                              # doctest: +SKIP
    ...     for outcome in score_rows(scorer, read_rows(table, rubric=rubric)):
    ...         print(outcome)
    """
    layout = layout or Layout()
    columns = reader.columns or None  # JSON lines have no header: each object names its keys
    if columns:
        layout.check(reader.path, columns)
    split = layout.splitter(columns, rubric, f"{reader.path}: ")
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
    """Set up a worker: Ctrl-C is the parent's to handle (it stops the run and shuts the workers
    down), and a worker dies with its parent, however the parent ends (even by SIGKILL)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG).

    Elsewhere there is no such call; the executor's own watch of its parent stops the workers.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return
    if os.getppid() == 1:  # the parent died before the call: go now
        os._exit(1)


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
    working days of a period come from ``calendar`` (the scorer's default when None).

    A record that breaks the scoring itself (a number too large for the arithmetic, a value
    nested too deeply) is one rejected row: the chunk is scored again a record at a time, and
    only the records that fail are rejected, with the reason.
    """
    by_period: dict[str | None, list[int]] = {}
    for at, (_, period) in enumerate(work):
        by_period.setdefault(period, []).append(at)
    out: list[Result | tuple[Problem, ...]] = [()] * len(work)
    for period, rows in by_period.items():
        got: list[Result | GridrulesError | tuple[Problem, ...]]
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
        except Exception:
            got = [_score_alone(scorer, work[at][0], period, calendar) for at in rows]
        for at, outcome in zip(rows, got, strict=True):
            if isinstance(outcome, Result):
                out[at] = outcome
            elif isinstance(outcome, GridrulesError):
                out[at] = _problems_of(outcome)
            else:
                out[at] = outcome
    return out


def _score_alone(
    scorer: Scorer,
    evidence: Mapping[str, Any],
    period: str | None,
    calendar: WorkingCalendar | None,
) -> Result | GridrulesError | tuple[Problem, ...]:
    try:
        (outcome,) = scorer.results(
            [evidence], period=period, calendar=calendar, return_errors=True
        )
    except GridrulesError as error:
        return error
    except Exception as error:
        return (_failure(error),)
    return outcome


def _failure(error: BaseException, what: str = "this row could not be scored") -> Problem:
    """The problem of a row whose scoring (or sheet) failed with ``error``."""
    if isinstance(error, ArithmeticError | ValueError | RecursionError | MemoryError):
        detail = (
            f"a value is too large or too deeply nested ({type(error).__name__}); check the "
            "row's numbers"
        )
    else:
        detail = f"{type(error).__name__}: {shorten(str(error))}"
    return Problem("<row>", f"{what}: {detail}")


_WORKER_SCORER: Scorer | None = None
_WORKER_CALENDAR: WorkingCalendar | None = None

_Packed = tuple[
    str,
    str,
    str,
    str,
    str | None,
    int | None,
    tuple[str, ...],
    tuple[str, ...],
    tuple[tuple[str, str], ...],
]
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
        tuple(result.section_grades.items()),
    )


def _unpack(packed: _Packed, item_ids: Sequence[str]) -> Result:
    total, base, bonus, penalty, grade, stars, flags, items, sections = packed
    return Result(
        Decimal(total),
        Decimal(base),
        Decimal(bonus),
        Decimal(penalty),
        grade,
        stars,
        frozenset(flags),
        dict(zip(item_ids, map(Decimal, items), strict=True)),
        dict(sections),
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

_Standing = tuple[tuple[str | None, ...], Decimal, str | None, int | None]
"""A scored row's place in the standings: its group (the group-by cells), total, grade, stars."""


class _Done:
    """A chunk scored: the output rows rendered for the writer, the errors file's rows, counts."""

    __slots__ = (
        "blank",
        "errors",
        "grades",
        "output",
        "rejected",
        "rows",
        "scored",
        "sheets",
        "standings",
    )

    def __init__(self) -> None:
        self.output: str | list[list[Any]] = ""
        self.errors: list[tuple[Any, ...]] = []
        self.grades: dict[str, int] = {}
        self.scored = self.rejected = self.blank = 0
        self.rows: list[list[Any]] = []
        self.sheets: list[tuple[Row, str]] = []
        self.standings: list[_Standing] = []


class _Plan:
    """How to turn a chunk of input rows into output rows and error rows, worked out once.

    Built in the parent; a worker inherits it (fork) or gets it pickled (spawn) and prepares its
    own scorer. A worker does all the work per row, from the CSV cells to the text written (and
    the row's sheet, when sheets are asked for), so that only a chunk of cells goes out and one
    block of text comes back: the parent just reads and writes, in input order. Which header
    column holds the id, assessor, period, kept cells and each evidence field is decided here
    once, not per row.
    """

    def __init__(
        self,
        scorer: Scorer,
        header: Sequence[str],
        binding: Binding | None,
        layout: Layout,
        columns: Sequence[str],
        out_format: str,
        file_name: str,
        location: str,
        sheets: SheetMaker | None,
        chinese: bool,
        group_at: Sequence[int],
        collect: bool,
        hold: bool,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.rubric = scorer.rubric
        self.calendar = calendar
        self.params = scorer.params
        self.header = tuple(header)
        self.binding = binding
        self.layout = layout
        self.columns = tuple(columns)
        self.out_format = out_format
        self.file_name = file_name
        self.location = location
        self.sheets = sheets
        self.chinese = chinese
        self.group_at = tuple(group_at)
        self.collect = collect
        self.hold = hold
        self.item_ids = tuple(item.id for item in scorer.rubric.items())
        self.flag_names = (
            {v.flag: v.label or v.flag for v in scorer.rubric.vetoes if v.flag} if chinese else {}
        )
        self.field_names = (
            {fid: f.description or fid for fid, f in scorer.rubric.fields.items()}
            if chinese
            else {}
        )
        self._ready(scorer)

    def _ready(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.decimals = DecimalText()
        binding = self.binding
        at = {name: index for index, name in enumerate(self.header) if name}
        if binding is None:
            self.assessee_at = self.assessor_at = self.period_at = None
            self.keep_at: tuple[int, ...] = ()
            self.fields_at: tuple[tuple[int, str], ...] = ()
        else:
            self.assessee_at = at.get(binding.assessee) if binding.assessee else None
            self.assessor_at = at.get(binding.assessor) if binding.assessor else None
            self.period_at = at.get(binding.period) if binding.period else None
            self.keep_at = tuple(at[k] for k in binding.keep if k in at)
            self.fields_at = tuple((at[c], fid) for c, fid in binding.fields.items() if c in at)
        self.unnamed = tuple(i for i, name in enumerate(self.header) if not name)
        # ballots cannot be written in a cell but as JSON text: read so
        self.json_fields = frozenset(
            fid for fid, f in scorer.rubric.fields.items() if f.kind is FieldKind.BALLOTS
        )

    # what a spawned worker is sent: the scorer's compiled functions do not pickle, so it
    # prepares its own from the rubric and parameters
    _STATE = ("rubric", "params", "header", "binding", "layout", "columns", "out_format",
              "file_name", "location", "sheets", "chinese", "group_at", "collect", "hold",
              "item_ids", "flag_names", "field_names", "calendar")  # fmt: skip

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
        rows = list(rows) if not self.json_fields else [self._read_json(r) for r in rows]
        outcomes = iter(
            _score_many(
                self.scorer,
                [
                    (evidence, period)  # read whether or not the rubric counts on it
                    for _, evidence, _, _, period, _, problems in rows
                    if not problems
                ],
                self.calendar,
            )
        )
        item_ids = self.item_ids
        section_ids = list(self.scorer.plan.section_grades)
        known = self.decimals.known.get
        remember = self.decimals.text
        as_text = self.out_format != "xlsx"  # Excel takes numbers as numbers
        join_flags = self.out_format != "jsonl"  # JSON lines write them as a list
        safe = neutral if self.out_format == "csv" else _same
        flag_names = self.flag_names
        sheets, group_at, collect = self.sheets, self.group_at, self.collect
        grades = done.grades
        out: list[list[Any]] = []
        for number, evidence, assessee, assessor, period, extra, problems in rows:
            if not problems:
                outcome = next(outcomes)
                if isinstance(outcome, Result):
                    result = outcome
                else:
                    problems = outcome
            sheet = None
            if not problems and sheets is not None:
                row = Row(
                    number, evidence, assessee=assessee, assessor=assessor, period=period,
                    extra=extra,
                )  # fmt: skip
                try:
                    sheet = (
                        row,
                        sheets(
                            self.scorer,
                            row.evidence,
                            assessee=row.assessee,
                            period=row.period,
                            assessor=row.assessor,
                            calendar=self.calendar,
                        ),
                    )
                except GridrulesError as error:
                    problems = _problems_of(error)
                except Exception as error:
                    problems = (_failure(error, "the sheet could not be made"),)
            if problems:
                self._reject(done, number, assessee, problems)
                continue
            if sheet is not None:
                done.sheets.append(sheet)
            done.scored += 1
            grade = result.grade
            if grade is not None:
                grades[grade] = grades.get(grade, 0) + 1
            if collect:
                done.standings.append(
                    (tuple(extra[i] for i in group_at), result.total, grade, result.stars)
                )
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
            flags: Any = sorted(flag_names.get(f, f) for f in result.flags)
            if join_flags:
                flags = ";".join(flags) or (None if not as_text else "")
            out.append(
                [
                    number,
                    None if assessee is None else safe(assessee),
                    None if assessor is None else safe(assessor),
                    None if period is None else safe(period),
                    *[None if cell is None else safe(cell) for cell in extra],
                    *numbers[:4],
                    grade,
                    result.stars,
                    flags,
                    *[result.section_grades.get(sid) for sid in section_ids],
                    *numbers[4:],
                ]
            )
        if self.hold:
            done.rows = out  # ranked in the parent when every row is in, then rendered there
        else:
            done.output = render_rows(self.out_format, self.columns, out)

    def _read_json(self, row: _Split) -> _Split:
        """A row whose ballots come as JSON text in a cell, with the ballots read."""
        number, evidence, assessee, assessor, period, extra, problems = row
        found = read_ballot_text(evidence, self.json_fields)
        if found:
            return number, evidence, assessee, assessor, period, extra, (*problems, *found)
        return row

    def _reject(
        self, done: _Done, number: int, assessee: str | None, problems: Sequence[Problem]
    ) -> None:
        done.rejected += 1
        names = self.field_names
        for problem in problems:
            field, reason = (
                chinese_problem(problem, names)
                if self.chinese
                else (problem.field, problem.message)
            )
            done.errors.append(
                (self.file_name, number, assessee, field, problem_value(problem.value), reason)
            )


def read_ballot_text(evidence: dict[str, Any], fields: Iterable[str]) -> list[Problem]:
    """Read in place the ballots of ``fields`` that a cell holds as JSON text (a cell cannot
    hold them otherwise); returns the problem of each that is not valid JSON."""
    found: list[Problem] = []
    for fid in set(fields).intersection(evidence):
        text = evidence[fid]
        if not isinstance(text, str):
            continue
        try:  # as any JSON gridrules reads: no key twice, bounded nesting, numbers exact
            evidence[fid] = loads_document(text, "json", fid)
        except DataFileError as error:
            reason = str(error).removeprefix(f"{fid}: ")
            found.append(Problem(fid, f"expected ballots written as JSON, {reason}", text))
    return found


def _same(text: str) -> str:
    return text


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


def output_columns(
    rubric: Rubric,
    keep: Sequence[str] = (),
    headers: str = "id",
    group_by: Sequence[str] = (),
    rank: bool = False,
) -> tuple[str, ...]:
    """The output's columns: row, assessee, assessor, period, kept, results, ranks, items.

    The results are total, base (the items' sum, weighted where the rubric weighs), bonus,
    penalty, grade, stars and flags; ``total = base - penalty + bonus`` before the rubric's floor
    and rounding; then the grade of each section graded on its own. With ``group_by`` (kept
    columns) the ranks follow: one within each group (the groups of the first column, then of
    the first two, ...) and one overall; with ``rank`` the overall one even without groups.

    ``headers="id"`` names them for programs (an item by its id, ``item.<id>`` if the id is
    already a column name); ``"zh"`` in Chinese for people (被考核人员, 总分, 等级, 星级, 排名,
    each item's label).
    """
    if headers not in HEADER_STYLES:
        raise ValueError(f"headers must be one of {HEADER_STYLES}, got {headers!r}")
    if headers == "zh":
        fixed = [FIXED_HEADERS[c] for c in FIXED_COLUMNS]
        results = [RESULT_HEADERS[c] for c in RESULT_COLUMNS]
        ranks = [f"{g}排名" for g in group_by] + (["总排名"] if group_by or rank else [])
    else:
        fixed, results = list(FIXED_COLUMNS), list(RESULT_COLUMNS)
        ranks = [f"rank.{g}" for g in group_by] + (["rank"] if group_by or rank else [])
    graded = graded_sections(rubric)
    if headers == "zh":
        parts = [f"{section.label}等次" for section in graded]
    else:
        parts = [f"grade.{section.id}" for section in graded]
    head = (*fixed, *keep, *results, *parts, *ranks)
    taken = set(head)
    items = item_headers(rubric, headers)
    if headers == "id":
        items = [f"item.{i}" if i in taken else i for i in items]
    else:
        items = [f"{i}（得分）" if i in taken else i for i in items]
    return head + tuple(items)


def graded_sections(rubric: Rubric) -> list[Section]:
    """The sections graded on their own, in the rubric's order: each has a column of its grade."""
    return [node for node in rubric.nodes() if isinstance(node, Section) and node.grades]


def error_columns(headers: str = "id") -> tuple[str, ...]:
    """The errors file's columns: file, row, assessee, field, value, reason (or in Chinese)."""
    if headers == "zh":
        return tuple(ERROR_HEADERS[c] for c in ERROR_COLUMNS)
    return ERROR_COLUMNS


def errors_path(output: Path) -> Path:
    """Where the rejected rows go by default: ``scores.csv`` → ``scores.errors.csv``."""
    return output.with_name(f"{output.stem}.errors{output.suffix}")


class Summary:
    """What a batch run did. ``read == scored + rejected`` always; blank rows are skipped."""

    __slots__ = (
        "blank",
        "errors",
        "grades",
        "header_row",
        "input",
        "notes",
        "output",
        "read",
        "rejected",
        "scored",
        "seconds",
        "sheets",
        "title",
    )

    def __init__(self, input: Path | str, output: Path, errors: Path) -> None:
        self.input = str(input)
        self.output = output
        self.errors = errors
        self.read = self.scored = self.rejected = self.blank = self.sheets = 0
        self.grades: collections.Counter[str] = collections.Counter()
        self.seconds = 0.0
        self.header_row = 1
        self.title: str | None = None
        self.notes: list[str] = []

    @property
    def ok(self) -> bool:
        """Whether every row read was scored (no row rejected)."""
        return self.rejected == 0

    def text(self) -> str:
        """The summary in a few lines of English, for the terminal."""
        rows = "row" if self.read == 1 else "rows"
        lines = [f"input: {self.input}"]
        if self.header_row != 1 or self.title:
            title = f" (under the title {self.title!r})" if self.title else ""
            lines.append(f"header: row {self.header_row}{title}")
        lines.append(
            f"{self.read} {rows} read = {self.scored} scored + {self.rejected} rejected "
            f"({self.seconds:.1f} s)"
        )
        if self.blank:
            lines.append(f"{self.blank} blank {'row' if self.blank == 1 else 'rows'} skipped")
        if self.grades:
            lines.append("grades: " + ", ".join(f"{g} {n}" for g, n in self.grades.items() if n))
        lines.append(f"scores: {self.output}")
        lines.append(f"errors: {self.errors}" + ("" if self.rejected else " (none)"))
        if self.sheets:
            lines.append(f"sheets: {self.sheets} written")
        lines.extend(self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Summary(read={self.read}, scored={self.scored}, rejected={self.rejected}, "
            f"blank={self.blank})"
        )


Progress = Callable[[int, int, int | None], None]
"""Called now and then with (rows read, position in the input, size of the input or None)."""

SheetSink = Callable[[Row, str], None]
"""Called in input order with each scored row and its sheet, as :class:`SheetMaker` made it."""


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
    header_row: int | None = None,
    layout: Layout | None = None,
    headers: str | None = None,
    group_by: Sequence[str] = (),
    rank: bool = False,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
    sheets: SheetMaker | None = None,
    on_sheet: SheetSink | None = None,
    calendar: WorkingCalendar | None = None,
) -> Summary:
    """Score every row of ``input`` and write the scores to ``output``, rejected rows to ``errors``.

    Formats come from the suffixes (``.csv``, ``.jsonl``, ``.xlsx``) unless named. The output has
    one row per scored row (see :func:`output_columns`); the errors file one row per problem
    (file, row, assessee, field, value, reason), ``errors_path(output)`` by default. Both are
    written to temporary files and moved into place only when the whole input has been read: on
    an error or Ctrl-C no file is changed. Quotas per working day are counted on ``calendar``
    (China's official calendar when None).

    Columns are read by a field's id or its Chinese label, or through ``layout.mapping``; a
    column that is none of these fails the run once, naming the closest field. The header is the
    first row, the row after a title, or ``header_row``.

    ``headers`` names the output's columns: ``"zh"`` (Chinese, the default for Excel, with the
    errors file's fields and reasons in Chinese too) or ``"id"`` (the default for CSV and JSON
    lines). ``group_by`` names kept columns to rank within (see :func:`output_columns`), and
    ``rank`` ranks every row overall even without them; the output keeps the input's order. An
    Excel output has three sheets: the scores (going on in more sheets past Excel's row limit),
    the grades and stars per group and overall, and the rejected rows.

    ``sheets`` makes each scored row's sheet where it is scored; a row whose sheet cannot be
    made is rejected. ``on_sheet`` gets each row and its sheet, in input order.

    :raises DataFileError: the input cannot be read as a table (unknown format, wrong encoding,
        a duplicated or unknown column, malformed CSV), or the output cannot be written.
    :raises ParameterError: the parameters do not fit the rubric.
    """
    started = time.perf_counter()
    layout = layout or Layout()
    group_by = tuple(dict.fromkeys(group_by))
    if group_by:  # a group-by column is a kept column
        layout = copy.copy(layout)
        layout.keep = tuple(dict.fromkeys((*layout.keep, *group_by)))
    workers = _check_workers(workers, chunk_size)
    errors = errors or errors_path(output)
    out_format = format_of(output, output_format)
    err_format = format_of(
        errors, None if errors.suffix.lower() in (".csv", ".jsonl", ".xlsx") else out_format
    )
    check_input(input)  # a device or a FIFO is refused before anything else
    style = headers or ("zh" if out_format == "xlsx" else "id")
    if style not in HEADER_STYLES:
        raise DataFileError(
            f"unknown headers {style!r}; expected one of {', '.join(HEADER_STYLES)}"
        )
    in_path = input.resolve()
    for target, what in ((output, "output"), (errors, "errors")):
        if target.resolve() == in_path:
            raise DataFileError(f"{target}: the {what} file would overwrite the input")
    if output.resolve() == errors.resolve():
        raise DataFileError(f"{output}: the output and errors files must differ")
    scorer = Scorer(rubric, params)
    summary = Summary(input, output, errors)
    # list the grades in the rubric's order, best first
    summary.grades.update(dict.fromkeys(scorer.grade_names, 0))
    rank = rank or bool(group_by)
    columns = output_columns(rubric, layout.keep, style, group_by, rank)
    err_columns = error_columns(style)
    group_at = [layout.keep.index(g) for g in group_by]
    collect = out_format == "xlsx" or rank
    figures: dict[tuple[str | None, ...], GroupFigures] = {}
    ranked: _Ranked | None = _Ranked() if rank else None
    with (
        open_reader(
            input, input_format, encoding=encoding, sheet=sheet, header_row=header_row
        ) as reader,
        open_writer(
            output, columns, out_format, encoding=output_encoding, sheet=_SHEET_NAMES[style][0]
        ) as out,
        open_writer(
            errors, err_columns, err_format, encoding=output_encoding, sheet=_SHEET_NAMES[style][2]
        ) as bad,
    ):
        summary.input = _describe(input, reader)
        summary.header_row, summary.title = reader.header_row, reader.title
        figures_sheet = rejected_sheet = None
        if out_format == "xlsx":  # the sheets after the scores, written as the run goes
            figures_sheet = out.add_sheet(
                _SHEET_NAMES[style][1], _figure_header(scorer, group_by, style), spooled=True
            )
            rejected_sheet = out.add_sheet(_SHEET_NAMES[style][2], err_columns, spooled=True)
        chunks: Iterable[_Chunk]
        binding = None
        if reader.columns:
            layout.check(reader.path, reader.columns)
            binding = layout.bind(reader.columns, rubric, f"{reader.path}: ")
        if isinstance(reader, CsvReader):
            chunks = reader.raw_chunks(chunk_size)
        else:  # JSON lines and Excel: split by the reader, then scored and written alike
            chunks = in_chunks(read_rows(reader, layout, rubric), chunk_size)
        plan = _Plan(
            scorer,
            reader.columns if isinstance(reader, CsvReader) else (),
            binding,
            layout,
            columns,
            out_format,
            str(input),
            reader.location,
            sheets,
            style == "zh",
            group_at,
            collect,
            ranked is not None,
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
                for key, total, grade, stars in chunk.standings:
                    group = figures.get(key)
                    if group is None:
                        group = figures[key] = GroupFigures()
                    group.add(total, grade, stars)
                if ranked is not None:
                    ranked.hold(chunk.rows, chunk.standings)
                else:
                    out.write_rendered(chunk.output, chunk.scored)  # type: ignore[arg-type]
                for values in chunk.errors:
                    bad.write(values)
                if rejected_sheet is not None and chunk.errors:
                    rejected_sheet.write(chunk.errors)
                if on_sheet is not None:
                    for row, text in chunk.sheets:
                        on_sheet(row, text)
                        summary.sheets += 1
                if progress is not None:
                    progress(summary.read, reader.position(), reader.size)
        finally:
            # on an error or Ctrl-C too, so that worker processes stop at once
            done.close()
        summary.blank += reader.blank
        if ranked is not None:
            at = 4 + len(layout.keep) + len(RESULT_COLUMNS) + len(graded_sections(rubric))
            ranked.write(out, columns, out_format, at)
        if figures_sheet is not None:
            figures_sheet.write(_figure_rows(figures, scorer, group_by, style))
            if out.sheets > 1:
                summary.notes.append(
                    f"note: the scores fill {out.sheets} sheets of {output.name} (Excel holds "
                    f"{MAX_ROWS - 1:,} rows a sheet)"
                )
        if progress is not None:
            progress(summary.read, reader.size or reader.position(), reader.size)
        out.commit()
        bad.commit()
    summary.seconds = time.perf_counter() - started
    return summary


_SHEET_NAMES = {"zh": ("评分结果", "等级分布", "未计分行"), "id": ("scores", "grades", "rejected")}
"""The sheets of an Excel output: the scores, the figures per group, the rejected rows."""


class _Ranked:
    """The output rows held back until every total is known, to be ranked.

    Rows go to a temporary file a chunk at a time; only each row's group and total stay in
    memory (a few dozen bytes a row).
    """

    def __init__(self) -> None:
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed in write()
        self.keys: list[tuple[str | None, ...]] = []
        self.totals: list[Decimal] = []

    def hold(self, rows: list[list[Any]], standings: Sequence[_Standing]) -> None:
        pickle.dump(rows, self._spool, protocol=pickle.HIGHEST_PROTOCOL)
        for key, total, _, _ in standings:
            self.keys.append(key)
            self.totals.append(total)

    def write(self, out: TableWriter, columns: Sequence[str], fmt: str, at: int) -> None:
        """Write every row held, with its ranks inserted at column ``at``."""
        depth = len(self.keys[0]) if self.keys else 0
        ranks = [
            ranks_within(self.totals, [key[: level + 1] for key in self.keys])
            for level in range(depth)
        ]
        ranks.append(competition_ranks(self.totals))
        by_row = list(zip(*ranks, strict=True))
        self._spool.seek(0)
        index = 0
        try:
            while True:
                try:
                    rows = pickle.load(self._spool)
                except EOFError:
                    break
                for row in rows:
                    row[at:at] = by_row[index]
                    index += 1
                out.write_rendered(render_rows(fmt, columns, rows), len(rows))
        finally:
            self._spool.close()


def _figure_columns(scorer: Scorer) -> tuple[list[str], list[int]]:
    grades = list(scorer.grade_names)
    rating = scorer.rubric.stars
    stars = list(range(rating.stars, -1, -1)) if rating is not None else []
    return grades, stars


def _figure_header(scorer: Scorer, group_by: Sequence[str], style: str) -> list[str]:
    """The figures sheet's columns: the group, count, mean, lowest, highest, and each grade's
    and star's count and share."""
    zh = style == "zh"
    grades, stars = _figure_columns(scorer)
    head = [*(group_by or (["分组"] if zh else ["group"]))]
    head += ["人数", "平均分", "最低分", "最高分"] if zh else ["count", "mean", "min", "max"]
    for grade in grades:
        head += [f"{grade}人数", f"{grade}占比(%)"] if zh else [f"{grade}", f"{grade} %"]
    for n in stars:
        head += [f"{n}星人数", f"{n}星占比(%)"] if zh else [f"{n} stars", f"{n} stars %"]
    return head


def _figure_rows(
    figures: Mapping[tuple[str | None, ...], GroupFigures],
    scorer: Scorer,
    group_by: Sequence[str],
    style: str,
) -> list[list[Any]]:
    """The figures of each group, in order, then overall."""
    grades, stars = _figure_columns(scorer)
    overall = GroupFigures()
    rows = []
    for key, group in sorted(figures.items(), key=lambda kv: tuple(k or "" for k in kv[0])):
        overall.merge(group)
        if group_by:
            rows.append(_figure_row(list(key), group, grades, stars))
    label = ["全部" if style == "zh" else "all", *[None] * (max(1, len(group_by)) - 1)]
    rows.append(_figure_row(label, overall, grades, stars))
    return rows


def _figure_row(
    label: list[Any], group: GroupFigures, grades: Sequence[str], stars: Sequence[int]
) -> list[Any]:
    row = [*label, group.count, group.mean, group.lowest, group.highest]
    for grade in grades:
        count = group.grades.get(grade, 0)
        row += [count, group.share(count)]
    for n in stars:
        count = group.stars.get(n, 0)
        row += [count, group.share(count)]
    return row


def _describe(path: Path, reader: TableReader) -> str:
    encoding = getattr(reader, "encoding", None)
    return f"{path} ({reader.label}{', ' + encoding.upper() if encoding else ''})"
