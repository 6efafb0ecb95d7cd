"""The rubric as users hold it: its definition (:mod:`gridrules.model.rubric`) with the means
to score it."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..dates.periods import Period, PeriodError
from ..errors import GridrulesError, RubricError
from ..model.combinations import PeriodCombination
from ..model.grades import GradeBands
from ..model.numbers import exact
from ..model.rubric import RubricDefinition
from ..sheet.content import SheetContent
from ..sheet.sheet import CombinedSheet, ScoreSheet
from .audit import stamp
from .evidence import Validator
from .scorer import Scorer

__all__ = ["Rubric"]

_PREPARED: weakref.WeakKeyDictionary[Rubric, Scorer] = weakref.WeakKeyDictionary()


@attrs.frozen(cache_hash=True)
class Rubric(RubricDefinition):
    """A whole assessment scheme (考核细则): metadata, the tree of sections and items, grading.

    A rubric that can be built is a valid one: construction checks ids, maxima, parameters,
    assumptions, fields, grade bands and vetoes, and the error names the rubric and the node.
    Score one record with :meth:`score`; for many, :meth:`prepare` once and reuse the scorer.
    """

    def validator(self) -> Validator:
        """A validator for this rubric's evidence records."""
        return Validator(self.name, self.fields)

    def prepare(self, params: Mapping[str, object] | None = None) -> Scorer:
        """Compile the rubric once (with ``params``) into a :class:`~gridrules.Scorer`."""
        if params:
            return Scorer(self, params)
        scorer = _PREPARED.get(self)
        if scorer is None or scorer.rubric.origin != self.origin:
            # an equal rubric from elsewhere stamps its sheets with its own origin
            scorer = _PREPARED[self] = Scorer(self, None)
        return scorer

    def score(
        self,
        evidence: Mapping[str, object],
        params: Mapping[str, object] | None = None,
        *,
        assessee: str | None = None,
        period: object = None,
        calendar: Any = None,
        assessor: str | None = None,
        strict: bool = False,
    ) -> ScoreSheet:
        """Score one assessee's evidence for one period and explain every point.

        ``period`` (``"2026-10"``) is shown on the sheet and gives quotas per working day their
        target, counted on ``calendar`` (China's working days by default). A period outside the
        rubric's effective dates is warned of on the sheet, or refused with ``strict``.
        """
        return self.prepare(params).score(
            evidence,
            assessee=assessee,
            period=period,
            calendar=calendar,
            assessor=assessor,
            strict=strict,
        )

    @exact
    def combine(self, combination: str, sheets: Mapping[str, SheetContent]) -> CombinedSheet:
        """Combine one assessee's sheets of shorter periods (半年/年终, 季度) into one result.

        The sheets must be of this rubric and, where they say so, of one assessee and one year,
        each of its own period: a part that declares its period (:class:`~gridrules.PeriodPart`
        ``period="H1"``) takes a sheet of exactly that period; the periods of the others must
        not overlap and must come in the order the combination lists its parts. The combined
        total is graded with the rubric's bands; a grade forced by a veto on any part stands,
        and the parts' flags carry over.

        :raises RubricError: the combination is unknown, or a sheet is of another rubric.
        :raises GridrulesError: the sheets are of several assessees or years, of the same or
            overlapping periods, in another order than the parts, or of another period than a
            part declares; or a part is missing or unknown.
        """
        for candidate in self.combinations:
            if candidate.id == combination:
                break
        else:
            known = ", ".join(c.id for c in self.combinations) or "none"
            raise RubricError(
                f"rubric {self.name!r} has no combination {combination!r} (declared: {known})"
            )
        for part, sheet in sheets.items():
            if sheet.rubric != self.name:
                raise RubricError(
                    f"combination {combination!r}: the sheet for {part!r} was scored with rubric "
                    f"{sheet.rubric!r}, not {self.name!r}"
                )
        assessee = _one_assessee(combination, sheets)
        periods = _periods(candidate, sheets)
        combined = candidate.combine({part: sheet.total for part, sheet in sheets.items()})
        forced = [v.grade for s in sheets.values() for v in s.vetoes if v.grade is not None]
        if forced:
            grade: str | None = forced[-1]
        else:
            grades = _bands_of(self, combination, sheets)
            grade = None if grades is None else grades.grade(combined.total)
        flags: frozenset[str] = frozenset().union(*(sheet.flags for sheet in sheets.values()))
        assessor = next((s.assessor for s in sheets.values() if s.assessor), None)
        return CombinedSheet(
            rubric=self.name,
            combination=candidate.id,
            label=candidate.label,
            total=combined.total,
            grade=grade,
            parts=combined.parts,
            arithmetic=combined.arithmetic,
            clause=candidate.clause,
            missing=combined.missing,
            flags=flags,
            assessee=assessee,
            periods=periods,
            audit=stamp(self, self.bind(None, require_all=False), assessor),
        )


def _bands_of(
    rubric: RubricDefinition, combination: str, sheets: Mapping[str, SheetContent]
) -> GradeBands | None:
    """The grade bands that grade a combined total: the rubric's, or, when parameters fill them
    in, filled in with the values the parts were scored with (which must agree)."""
    grades = rubric.grades
    if grades is None or not grades.parametric:
        return grades
    values: dict[str, Decimal | str] = {}
    for part, sheet in sheets.items():
        for line in sheet.parameters:
            if values.setdefault(line.name, line.value) != line.value:
                raise GridrulesError(
                    f"combination {combination!r}: the sheets were scored with different values "
                    f"of parameter {line.name!r} (the sheet for {part!r} has {line.value})"
                )
    names = {name for name, _ in grades.params()}
    if not names <= values.keys():
        raise GridrulesError(
            f"combination {combination!r}: the grade bands are filled in by parameters "
            f"{sorted(names)}, which the sheets do not give"
        )
    return rubric.bound_grades(values)


def _one_assessee(combination: str, sheets: Mapping[str, SheetContent]) -> str | None:
    """The one assessee the sheets name (``None`` when none does); several are refused."""
    named = {part: s.assessee for part, s in sheets.items() if s.assessee}
    if len(set(named.values())) > 1:
        shown = ", ".join(f"{part}: {who}" for part, who in named.items())
        raise GridrulesError(
            f"combination {combination!r} combines one assessee's sheets, got several ({shown})"
        )
    return next(iter(named.values()), None)


def _periods(
    combination: PeriodCombination, sheets: Mapping[str, SheetContent]
) -> tuple[tuple[str, str], ...]:
    """The periods the sheets name, each read and checked against the combination.

    They must be of one year and distinct. A part that declares its period (``"H1"``, ``"Q3"``,
    ``"year"``) takes a sheet of exactly that period of the year. The others must not overlap
    any other part's period and must come in the order the combination lists its parts (the
    half-year before the year-end, ``q1`` before ``q2``), so that no sheet stands in for
    another part.
    """
    name = combination.id
    read: dict[str, Period] = {}
    for part, sheet in sheets.items():
        if sheet.period:
            try:
                read[part] = Period.parse(sheet.period)
            except PeriodError as error:
                raise GridrulesError(
                    f"combination {name!r}: the sheet for {part!r}: {error}"
                ) from None
    years = {p.start.year for p in read.values()} | {p.end.year for p in read.values()}
    if len(years) > 1:
        shown = ", ".join(f"{part}: {p}" for part, p in read.items())
        raise GridrulesError(f"combination {name!r} combines the periods of one year, got {shown}")
    seen: dict[tuple[object, object], str] = {}
    for part, span in read.items():
        if (span.start, span.end) in seen:
            raise GridrulesError(
                f"combination {name!r}: the sheets for {seen[span.start, span.end]!r} and "
                f"{part!r} are both of {span}; each part is a period of its own"
            )
        seen[span.start, span.end] = part
    declared = {p.id: p.period for p in combination.parts}
    for part, span in read.items():
        want = declared.get(part)
        if want is None:
            continue
        year = span.start.year
        expected = Period.year(year) if want == "year" else Period.parse(f"{year}-{want}")
        if (span.start, span.end) != (expected.start, expected.end):
            raise GridrulesError(
                f"combination {name!r}: the part {part!r} is declared to be {want} of the year, "
                f"{expected}, but its sheet is of {span}"
            )
    order = [p.id for p in combination.parts if p.id in read]
    for at, first in enumerate(order):
        for then in order[at + 1 :]:
            if declared.get(first) is not None and declared.get(then) is not None:
                continue  # each is exactly its own declared period
            one, other = read[first], read[then]
            if one.overlaps(other):
                raise GridrulesError(
                    f"combination {name!r}: the sheets for {first!r} ({one}) and {then!r} "
                    f"({other}) overlap; each part is a period of its own"
                )
            if other.end < one.start:
                raise GridrulesError(
                    f"combination {name!r}: the sheet for {then!r} ({other}) comes before the "
                    f"one for {first!r} ({one}); the parts are periods in the order "
                    f"{', '.join(p.id for p in combination.parts)}"
                )
    return tuple((part, str(span)) for part, span in read.items())
