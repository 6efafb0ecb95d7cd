"""The scorer: a rubric compiled with its parameters, scoring records one at a time (explained or
not) or many at once, every way through the same plan and the same walk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any, Literal, TypeVar, overload

from ..dates.calendars import PeriodUnits, WorkingCalendar, get_calendar
from ..dates.periods import Period
from ..errors import GridrulesError, brief
from ..model.grades import Veto
from ..model.numbers import ZERO, exact, fmt
from ..model.rubric import RubricDefinition
from ..sheet.audit import Audit
from ..sheet.explain import Explanation, Traced
from ..sheet.lines import ParameterLine, RemarkLine, VetoLine
from ..sheet.sheet import ScoreSheet
from .audit import params_hash, rubric_hash, stamp, utc_now
from .columns import ChunkScorer
from .evidence import Validator
from .plan import Plan
from .result import Result
from .walk import walk

__all__ = ["CHUNK_SIZE", "Scorer", "in_chunks"]

_T = TypeVar("_T")

CHUNK_SIZE = 1024
"""How many records :meth:`Scorer.results` scores at a time, by default."""
_REMEMBERED_PERIODS = 64
"""How many periods (and calendars) a scorer remembers the units of."""


def _name(value: object, what: str) -> str | None:
    """The assessee or assessor as a sheet's header shows it: text, spaces at its ends removed
    (``None`` or a blank text: not named); anything else is refused, never printed as its
    ``repr``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise GridrulesError(f"the {what} must be text, got {type(value).__name__} {brief(value)}")
    return value.strip() or None


class Scorer:
    """A rubric compiled with its parameters, ready to score many records fast.

    Preparing checks the parameters (all problems at once), resolves every number, and compiles
    each rule into its step (:class:`~gridrules.engine.plan.Plan`); scoring a record then
    validates its fields and walks the plan, with no further checking of the rubric. Every
    number is worked out in the library's own decimal context, whatever the caller's.
    """

    @exact
    def __init__(
        self, rubric: RubricDefinition, params: Mapping[str, object] | None = None
    ) -> None:
        self.rubric = rubric
        self.params = rubric.bind(params)
        given = set(params or {})
        self.parameter_lines = tuple(
            ParameterLine(
                p.name,
                p.description,
                self.params[p.name],
                "given" if p.name in given or p.value is not None else "default",
                p.clause,
                p.text,
            )
            for p in rubric.parameters
        )
        self.validator = Validator(rubric.name, rubric.fields)
        self.plan = Plan(rubric, self.params)
        self.maximum = self.plan.maximum
        self.bonus_cap = self.plan.bonus_cap
        self.needs_working_days = self.plan.needs_period
        self.grades = self.plan.grades
        """The rubric's grade bands, their parameters filled in (``None``: it has none)."""
        self.grade_names = self.plan.grade_names
        """Every grade a record can get, best first: the bands' or those only a veto forces."""
        self._chunks: ChunkScorer | None = None  # made by the first call of results()
        self._periods: dict[tuple[object, object], tuple[Period, PeriodUnits | None]] = {}
        self._calendar: WorkingCalendar | None = None
        self._in_force = rubric.in_force()
        self._hashes: tuple[str, str] | None = None  # the audit's, worked out when first needed
        self._last_audit: Audit | None = None

    # -- the audit stamp -----------------------------------------------------------------------

    def audit(self, assessor: str | None = None) -> Audit:
        """The audit stamp of a score worked out now with this scorer (see
        :class:`~gridrules.sheet.audit.Audit`): what :meth:`score` puts on each sheet, and what
        a batch of :meth:`results` can be stamped with once."""
        if self._hashes is None:
            self._hashes = (rubric_hash(self.rubric), params_hash(self.params))
        now = utc_now()
        last = self._last_audit
        if last is not None and last.scored_at == now and last.assessor == assessor:
            return last  # the same stamp: sheets of one millisecond and assessor share it
        self._last_audit = stamp(self.rubric, self.params, assessor, hashes=self._hashes, at=now)
        return self._last_audit

    # -- the rubric's effective dates ----------------------------------------------------------

    def period_warning(self, period: object, *, strict: bool = False) -> str | None:
        """What the sheet says when ``period`` is not wholly within the rubric's effective dates
        (``effective``, ``effective_until``), in Chinese; ``None`` when it is, or when no period
        is given or the rubric declares no dates.

        :raises GridrulesError: under ``strict``, instead of the warning; or the period is not
            one.
        """
        first, last = self._in_force
        if period is None or (first is None and last is None):
            return None
        span = period if isinstance(period, Period) else Period.parse(str(period))
        early = first is not None and span.start < first
        late = last is not None and span.end > last
        if not (early or late):
            return None
        wholly = (first is not None and span.end < first) or (
            last is not None and span.start > last
        )
        if strict:
            raise GridrulesError(
                f"rubric {self.rubric.name!r} is in force {_range_text(first, last)}; the period "
                f"{period} ({span.start} to {span.end}) is {'' if wholly else 'partly '}outside "
                "it, and strict scoring refuses it"
            )
        label = period if isinstance(period, str) else str(span)
        dates = f"{first}起" if last is None else f"{first or ''}至{last}"
        return (
            f"考核时间{label}（{span.start}至{span.end}）{'不在' if wholly else '有部分不在'}"
            f"本细则的施行期间（{dates}）内"
        )

    # -- the period scored ---------------------------------------------------------------------

    def _units(self, period: object, calendar: Any) -> tuple[Period | None, PeriodUnits | None]:
        """The period given (read, whatever the rubric needs of it: a period that is not one is
        refused), and its units on ``calendar`` (China's by default) when the rubric counts on
        them."""
        if period is None:
            if self.needs_working_days:
                raise GridrulesError(
                    f"rubric {self.rubric.name!r} sets targets per unit of time (每天N条, "
                    "每月N次): score it with period=... (e.g. '2026-10'; --period on the command "
                    "line, or a period in the evidence's _meta or a period column)"
                )
            return None, None
        key = (period if isinstance(period, str | Period) else str(period), calendar)
        known = self._periods.get(key)
        if known is None:
            span = period if isinstance(period, Period) else Period.parse(str(period))
            units = None
            if self.needs_working_days:
                # the calendar is asked only for working days, and only when a rule needs them
                if calendar is None:
                    if self._calendar is None:
                        self._calendar = get_calendar()
                    calendar = self._calendar
                units = PeriodUnits(span, calendar)
            if len(self._periods) >= _REMEMBERED_PERIODS:
                self._periods.clear()
            known = self._periods[key] = (span, units)
        return known

    # -- scoring -------------------------------------------------------------------------------

    @exact
    def result(
        self,
        evidence: Mapping[str, object],
        *,
        period: object = None,
        calendar: Any = None,
        strict: bool = False,
    ) -> Result:
        """Score one record without writing out explanations (the fast path for batches).

        ``period`` and ``calendar`` matter only to a rubric with quotas per working day; a
        ``period`` given is read all the same, and refused when it is not a period. With
        ``strict`` a period outside the rubric's effective dates is refused
        (:meth:`period_warning`).
        """
        if strict:
            self.period_warning(period, strict=True)
        values = self.validator.validate(evidence)[0]
        units = None
        if period is not None or self.needs_working_days:
            units = self._units(period, calendar)[1]
        plan = self.plan
        parts: dict[str, Decimal] | None = {} if plan.section_grades else None
        base, penalty, bonus, items = self._walk(values, units, None, parts)
        fired = plan.fired(values) if plan.vetoes else ()
        return plan.finish(base, penalty, bonus, fired, items, parts)

    def _walk(
        self,
        values: Mapping[str, Any],
        units: PeriodUnits | None,
        trace: list[Traced] | None,
        parts: dict[str, Decimal] | None = None,
    ) -> tuple[Decimal, Decimal, Decimal, dict[str, Decimal]]:
        """One record's base points, penalty, bonus (before the cap) and item points (and into
        ``parts`` the points of the sections graded on their own)."""
        items: dict[str, Decimal] = {}
        extras: list[tuple[Decimal, Decimal]] = []
        base = walk(self.plan.rows, values, units, items, extras, trace, parts)
        penalty = bonus = ZERO
        for item_penalty, item_bonus in extras:
            penalty += item_penalty
            bonus += item_bonus
        return base, penalty, bonus, items

    @overload
    def results(
        self,
        records: Iterable[Mapping[str, object]],
        *,
        period: object = None,
        calendar: Any = None,
        return_errors: Literal[False] = False,
        chunk_size: int = CHUNK_SIZE,
        strict: bool = False,
    ) -> Iterator[Result]: ...

    @overload
    def results(
        self,
        records: Iterable[Mapping[str, object]],
        *,
        period: object = None,
        calendar: Any = None,
        return_errors: Literal[True],
        chunk_size: int = CHUNK_SIZE,
        strict: bool = False,
    ) -> Iterator[Result | GridrulesError]: ...

    def results(
        self,
        records: Iterable[Mapping[str, object]],
        *,
        period: object = None,
        calendar: Any = None,
        return_errors: bool = False,
        chunk_size: int = CHUNK_SIZE,
        strict: bool = False,
    ) -> Iterator[Result | GridrulesError]:
        """Score many records without explanations: the fastest path, for batches.

        Yields, in order, the very :class:`Result` that :meth:`result` gives for each record,
        equal down to every Decimal's digits and exponent. The records are scored a chunk of
        ``chunk_size`` at a time, column by column, each item walked once for each distinct
        combination of the values it reads (see :mod:`gridrules.engine.columns`); a record that
        does not fit that way (a field left out, a value of an unusual type) is scored by
        :meth:`result`. Memory holds one chunk and bounded tables, however many records there
        are.

        A record that cannot be scored raises its error (an
        :class:`~gridrules.EvidenceError` naming every problem) once the results before it
        have been yielded; with ``return_errors=True`` the error is yielded in its place and
        scoring goes on, so that no record is lost. ``period`` and ``calendar`` apply to every
        record (see :meth:`result`); a rubric that needs a period, given none, is refused when
        ``results`` is called, as are a period that is not one, records that are not an iterable
        (a single mapping among them), a ``chunk_size`` under 1 and, with ``strict``, a period
        outside the rubric's effective dates. Threads may share a scorer: the tables of values
        already seen serve one chunk at a time.
        """
        if isinstance(records, Mapping):
            raise TypeError("results() takes an iterable of records; score one with result()")
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be 1 or more, got {chunk_size}")
        # checked now, not when the first result is asked for
        if strict:
            self.period_warning(period, strict=True)
        units = exact(self._units)(period, calendar)[1]
        if self._chunks is None:
            self._chunks = ChunkScorer(self.plan, self.validator)
        return self._results(
            self._chunks,
            iter(records),
            units,
            {"period": period, "calendar": calendar},
            return_errors,
            chunk_size,
        )

    def _results(
        self,
        by_columns: ChunkScorer,
        records: Iterator[Mapping[str, object]],
        units: PeriodUnits | None,
        when: dict[str, Any],
        return_errors: bool,
        chunk_size: int,
    ) -> Iterator[Result | GridrulesError]:
        score_chunk = exact(by_columns.score)
        for chunk in in_chunks(records, chunk_size):
            done: list[Result | GridrulesError | None]
            done, left = score_chunk(chunk, units)  # type: ignore[assignment]
            for row in left:
                try:
                    done[row] = self.result(chunk[row], **when)
                except GridrulesError as error:
                    if not return_errors:
                        yield from done[:row]  # type: ignore[misc]  # all scored by now
                        raise
                    done[row] = error
            yield from done  # type: ignore[misc]  # every row scored

    def _veto_line(self, veto: Veto, values: Mapping[str, Any]) -> VetoLine:
        working = self.plan.veto_working.get(veto.id, _no_working)(values)
        return VetoLine(veto.id, veto.label, veto.grade, veto.flag, veto.clause, working)

    @exact
    def score(
        self,
        evidence: Mapping[str, object],
        *,
        assessee: str | None = None,
        period: object = None,
        calendar: Any = None,
        assessor: str | None = None,
        strict: bool = False,
    ) -> ScoreSheet:
        """Score one record and explain every point on a :class:`~gridrules.ScoreSheet`.

        :param assessee: who is assessed (被考核人员), shown on the sheet.
        :param period: the period scored (``"2026-10"`` or a :class:`~gridrules.periods.Period`),
            shown on the sheet; needed by quotas per working day, and refused when it is not a
            period.
        :param calendar: the working-day calendar for those quotas (China's by default); its name
            is shown on the sheet.
        :param assessor: who assessed (考核人), shown on the sheet and in its audit stamp.
        :param strict: refuse a period outside the rubric's effective dates, rather than warn
            of it on the sheet (:meth:`period_warning`).
        :raises GridrulesError: the assessee or assessor is not text, or the period is not a
            period.

        The sheet carries its :class:`~gridrules.sheet.audit.Audit` stamp (:meth:`audit`).
        """
        assessee, assessor = _name(assessee, "assessee"), _name(assessor, "assessor")
        warning = self.period_warning(period, strict=strict)
        span, units = self._units(period, calendar)
        values, defaulted = self.validator.validate(evidence)
        plan, rubric = self.plan, self.rubric
        # each node leaves its record in the trace, from which the sheet's lines are written
        # when first read
        trace: list[Traced] = []
        base, penalty, uncapped_bonus, items = self._walk(values, units, trace)
        fired = plan.fired(values) if plan.vetoes else []
        result = plan.finish(base, penalty, uncapped_bonus, fired, items)  # sections: the trace
        explanation = Explanation(trace, plan.layout, values, units)
        return ScoreSheet(
            rubric.name,
            rubric.title,
            rubric.version,
            result.total,
            self.maximum,
            base,
            result.bonus,
            penalty,
            result.grade,
            result.stars,
            result.flags,
            explanation,
            explanation,
            tuple([self._veto_line(veto, values) for veto in fired]) if fired else (),
            rubric.assumptions,
            self.parameter_lines,
            tuple(sorted(defaulted)) if defaulted else (),
            explanation,
            uncapped_bonus,
            assessee,
            None if span is None else period.strip() if isinstance(period, str) else str(span),
            _calendar_line(units),
            assessor,
            tuple(
                [
                    RemarkLine(r.id, r.label, values[r.id], r.clause)
                    for r in rubric.remarks
                    if values[r.id]
                ]
            )
            if rubric.remarks
            else (),
            warnings=() if warning is None else (warning,),
            audit=self.audit(assessor),
        )


def _no_working(values: Mapping[str, Any]) -> str:
    return ""


def _range_text(first: date | None, last: date | None) -> str:
    if first is not None and last is not None:
        return f"from {first} to {last}"
    return f"from {first}" if first is not None else f"until {last}"


def _calendar_line(units: PeriodUnits | None) -> str | None:
    """What the sheet says of the calendar: its name and the working days it counted, when the
    rubric counted on working days."""
    if units is None or units.calendar is None or "working_day" not in units.counted:
        return None
    return f"{units.calendar.name}：{fmt(units.working_days)}个工作日"


def in_chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``items`` in lists of ``size`` (the last may be shorter), read only as each is needed."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
