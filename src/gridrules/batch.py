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

:func:`score_rows` streams: it reads a row, scores it with :meth:`Scorer.result
<gridrules.Scorer.result>` and hands it on before reading the next, so a million rows take the
memory of a few. With ``workers`` greater than one it scores chunks of rows in that many processes
and still yields every outcome in input order, identical to the single-process path.
:func:`run_batch` reads a file, writes the scored rows and the rejected rows' problems to two
files (each written atomically) and returns a :class:`Summary`.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ._evaluate import Result, Scorer
from ._numbers import fmt
from ._rubric import Rubric
from ._tabular import TableReader, format_of, open_reader, open_writer
from .errors import DataFileError, EvidenceError, GridrulesError, Problem

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
"""Rows per chunk handed to a worker process."""

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
    present of :data:`ASSESSEE_COLUMNS`, :data:`ASSESSOR_COLUMNS` and :data:`PERIOD_COLUMNS`.
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

    def _choose(self, named: str | None, candidates: Sequence[str], columns: Iterable[str]
                ) -> str | None:
        if named is not None:
            return named
        present = set(columns)
        return next((c for c in candidates if c in present), None)

    def check(self, path: Path, columns: Sequence[str]) -> None:
        """Raise :class:`DataFileError` if a named column is not among ``columns``."""
        present = set(columns)
        for role, name in (("assessee", self.assessee), ("assessor", self.assessor),
                           ("period", self.period), *(("kept", k) for k in self.keep)):
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
            return Row(number, evidence, assessee=assessee,
                       assessor=assessor or default_assessor, period=period or default_period,
                       extra=extra)

        return split

    def _bind(self, columns: Iterable[str]) -> tuple[str | None, str | None, str | None,
                                                     tuple[str, ...]]:
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


# -- scoring ----------------------------------------------------------------------------------


def _score_one(scorer: Scorer, evidence: Mapping[str, Any]) -> Result | tuple[Problem, ...]:
    try:
        return scorer.result(evidence)
    except EvidenceError as error:
        return error.problems
    except GridrulesError as error:
        return (Problem("<row>", str(error)),)


_WORKER_SCORER: Scorer | None = None

_Packed = tuple[str, str, str, str, str | None, int | None, tuple[str, ...], tuple[str, ...]]
"""A Result as plain text for the trip between processes: pickling Decimals costs more than
scoring, text does not, and ``Decimal(str(d))`` is ``d`` exactly, exponent and all."""


def _init_worker(rubric: Rubric, params: Mapping[str, Decimal]) -> None:
    global _WORKER_SCORER
    # Ctrl-C is the parent's to handle: it stops the run and shuts the workers down
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_SCORER = Scorer(rubric, params)


def _pack(result: Result) -> _Packed:
    return (str(result.total), str(result.base), str(result.bonus), str(result.penalty),
            result.grade, result.stars, tuple(result.flags),
            tuple(str(points) for points in result.items.values()))


def _unpack(packed: _Packed, item_ids: Sequence[str]) -> Result:
    total, base, bonus, penalty, grade, stars, flags, items = packed
    return Result(Decimal(total), Decimal(base), Decimal(bonus), Decimal(penalty), grade, stars,
                  frozenset(flags), dict(zip(item_ids, map(Decimal, items), strict=True)))


def _score_chunk(
    chunk: list[dict[str, Any]],
) -> tuple[tuple[str, ...], list[_Packed | tuple[Problem, ...]]]:
    scorer = _WORKER_SCORER
    assert scorer is not None, "worker used before its initializer ran"
    item_ids: tuple[str, ...] = ()
    out: list[_Packed | tuple[Problem, ...]] = []
    for evidence in chunk:
        scored = _score_one(scorer, evidence)
        if isinstance(scored, Result):
            item_ids = item_ids or tuple(scored.items)
            out.append(_pack(scored))
        else:
            out.append(scored)
    return item_ids, out


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
) -> Generator[Scored | Rejected, None, None]:
    """Score ``rows`` one by one, yielding a :class:`Scored` or :class:`Rejected` each, in order.

    ``rubric`` is a rubric (prepared here with ``params``) or a ready :class:`~gridrules.Scorer`.
    A row may be a :class:`Row` or a plain mapping of evidence (numbered from 1). A row whose
    evidence does not fit the rubric is rejected with every problem found, and scoring goes on.

    ``workers`` above 1 scores chunks of ``chunk_size`` rows in that many processes (``0``: one per
    CPU); at most two chunks per worker are in flight, so memory stays bounded, and the outcomes
    come back in input order, identical to those of one process.

    :raises ParameterError: the parameters do not fit the rubric (before any row is read).
    """
    scorer = rubric if isinstance(rubric, Scorer) else Scorer(rubric, params)
    if workers == 0:
        workers = os.cpu_count() or 1
    if workers < 0 or chunk_size < 1:
        raise ValueError(f"workers must be 0 or more and chunk_size 1 or more, got {workers} "
                         f"and {chunk_size}")
    if workers == 1:
        return _score_serial(scorer, _as_rows(rows))
    return _score_parallel(scorer, _as_rows(rows), workers, chunk_size)


def _score_serial(
    scorer: Scorer, rows: Iterable[Row]
) -> Generator[Scored | Rejected, None, None]:
    result = scorer.result
    for row in rows:
        if row.problems:
            yield Rejected(row, row.problems)
            continue
        try:
            yield Scored(row, result(row.evidence))
        except EvidenceError as error:
            yield Rejected(row, error.problems)
        except GridrulesError as error:
            yield Rejected(row, [Problem("<row>", str(error))])


def _score_parallel(
    scorer: Scorer, rows: Iterable[Row], workers: int, chunk_size: int
) -> Generator[Scored | Rejected, None, None]:
    # spawn, not fork: the parent may run threads (a progress bar) and forking those is unsafe
    context = multiprocessing.get_context("spawn")
    pending: collections.deque[tuple[list[Row], concurrent.futures.Future[Any]]] = (
        collections.deque()
    )
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker,
        initargs=(scorer.rubric, scorer.params),
    )
    finished = False
    try:
        for chunk in _chunks(rows, chunk_size):
            readable = [row.evidence for row in chunk if not row.problems]
            pending.append((chunk, executor.submit(_score_chunk, readable)))
            while len(pending) >= 2 * workers:
                yield from _drain(*pending.popleft())
        while pending:
            yield from _drain(*pending.popleft())
        finished = True
    finally:
        executor.shutdown(wait=finished, cancel_futures=not finished)


def _drain(chunk: list[Row], future: concurrent.futures.Future[Any]) -> Iterator[Scored | Rejected]:
    item_ids, results = future.result()
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

    __slots__ = ("blank", "errors", "grades", "input", "output", "read", "rejected", "scored",
                 "seconds", "sheets")

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
        lines = [f"input: {self.input}",
                 f"{self.read} {rows} read = {self.scored} scored + {self.rejected} rejected "
                 f"({self.seconds:.1f} s)"]
        if self.blank:
            lines.append(f"{self.blank} blank {'row' if self.blank == 1 else 'rows'} skipped")
        if self.grades:
            lines.append("grades: " + ", ".join(f"{g} {n}" for g, n in self.grades.items()
                                                if n))
        lines.append(f"scores: {self.output}")
        lines.append(f"errors: {self.errors}" + ("" if self.rejected else " (none)"))
        if self.sheets:
            lines.append(f"sheets: {self.sheets} written")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"Summary(read={self.read}, scored={self.scored}, rejected={self.rejected}, "
                f"blank={self.blank})")


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
) -> Summary:
    """Score every row of ``input`` and write the scores to ``output``, rejected rows to ``errors``.

    Formats come from the suffixes (``.csv``, ``.jsonl``, ``.xlsx``) unless named. The output has
    one row per scored row (see :func:`output_columns`); the errors file one row per problem
    (file, row, assessee, field, value, reason), ``errors_path(output)`` by default. Both are
    written to temporary files and moved into place only when the whole input has been read: on
    an error or Ctrl-C no file is changed.

    :raises DataFileError: the input cannot be read as a table (unknown format, wrong encoding,
        a duplicated column, malformed CSV), or the output cannot be written.
    :raises ParameterError: the parameters do not fit the rubric.
    """
    started = time.perf_counter()
    layout = layout or Layout()
    errors = errors or errors_path(output)
    out_format = format_of(output, output_format)
    err_format = format_of(errors, None if errors.suffix.lower() in (".csv", ".jsonl", ".xlsx")
                           else out_format)
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
    item_ids = [item.id for item in rubric.items()]
    with (
        open_reader(input, input_format, encoding=encoding, sheet=sheet) as reader,
        open_writer(output, columns, out_format, encoding=output_encoding) as out,
        open_writer(errors, ERROR_COLUMNS, err_format, encoding=output_encoding) as bad,
        # closed on the way out of an error too, so that worker processes stop at once
        contextlib.closing(score_rows(scorer, read_rows(reader, layout), workers=workers,
                                      chunk_size=chunk_size)) as outcomes,
    ):
        file_name = str(input)
        summary.input = _describe(input, reader)
        every = max(1, min(1000, chunk_size))
        for outcome in outcomes:
            row = outcome.row
            summary.read += 1
            if isinstance(outcome, Scored):
                summary.scored += 1
                result = outcome.result
                if result.grade is not None:
                    summary.grades[result.grade] += 1
                out.write((row.number, row.assessee, row.assessor, row.period, *row.extra,
                           result.total, result.base, result.bonus, result.penalty, result.grade,
                           result.stars, sorted(result.flags),
                           *[result.items[i] for i in item_ids]))
                if on_scored is not None:
                    on_scored(scorer, row)
                    summary.sheets += 1
            else:
                summary.rejected += 1
                for problem in outcome.problems:
                    bad.write((file_name, row.number, row.assessee, problem.field,
                               _problem_value(problem.value), problem.message))
            if progress is not None and summary.read % every == 0:
                progress(summary.read, reader.position(), reader.size)
        summary.blank = reader.blank
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
