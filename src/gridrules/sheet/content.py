"""What a score sheet holds: the figures, a line per item, and what the score rests on.

This is the sheet as data. :class:`gridrules.ScoreSheet` is this content with the ways to show
it (text, Markdown, HTML, JSON), written in the modules beside this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from ..model.numbers import as_tuple
from ..model.tree import Assumption
from .audit import Audit
from .explain import Explanation
from .lines import (
    ItemLine,
    ParameterLine,
    RemarkLine,
    SectionLine,
    VetoLine,
    lazy_getstate,
    lazy_repr,
    lazy_setstate,
)

__all__ = [
    "FORMAT_VERSION",
    "CombinedContent",
    "SheetContent",
    "finished_evidence",
    "finished_lines",
    "finished_sections",
]

FORMAT_VERSION = 4
"""The version of the score sheet's serialised form; it changes when a field is added or changes
meaning (4: the assessors' remarks, a section's cap and grade, a veto's working, ``warnings``
and ``audit``). A sheet of an older version reads as ever; one of a newer version is refused,
naming both."""


def _frozen(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _lines_in(value: Iterable[Any] | Explanation) -> tuple[Any, ...] | Explanation:
    return value if isinstance(value, Explanation) else tuple(value)


def finished_lines(value: tuple[ItemLine, ...] | Explanation) -> tuple[ItemLine, ...]:
    """A sheet's item lines, written out (from its explanation, when not yet)."""
    return value.lines() if isinstance(value, Explanation) else value


def finished_sections(value: tuple[SectionLine, ...] | Explanation) -> tuple[SectionLine, ...]:
    """A sheet's section lines, written out (from its explanation, when not yet)."""
    return value.sections() if isinstance(value, Explanation) else value


def finished_evidence(value: dict[str, str] | Explanation) -> dict[str, str]:
    """A sheet's evidence as shown, written out (from its explanation, when not yet)."""
    return value.evidence() if isinstance(value, Explanation) else value


@attrs.frozen(repr=False)
class SheetContent:
    """The explained result of scoring one assessee for one period.

    ``total = base - penalty + bonus`` (then the rubric's floor and rounding); ``maximum`` is what
    the base can reach. Every item has a line; every change to an item has a reason with the rule,
    the evidence value, the arithmetic and the clause it quotes. The sheet also carries the
    assumptions and parameters the score depended on, and the fields that took their default.
    A scored sheet writes its lines out the first time they are read; it compares equal to the
    same sheet read back from JSON.
    """

    rubric: str
    rubric_title: str
    rubric_version: str
    total: Decimal
    maximum: Decimal
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    grade: str | None
    stars: int | None
    flags: frozenset[str] = attrs.field(converter=_frozen)
    _lines: tuple[ItemLine, ...] | Explanation = attrs.field(converter=_lines_in, eq=finished_lines)
    _sections: tuple[SectionLine, ...] | Explanation = attrs.field(
        converter=_lines_in, factory=tuple, eq=finished_sections
    )
    vetoes: tuple[VetoLine, ...] = attrs.field(converter=as_tuple, factory=tuple)
    assumptions: tuple[Assumption, ...] = attrs.field(converter=as_tuple, factory=tuple)
    parameters: tuple[ParameterLine, ...] = attrs.field(converter=as_tuple, factory=tuple)
    defaults: tuple[str, ...] = attrs.field(converter=as_tuple, factory=tuple)
    _evidence: dict[str, str] | Explanation = attrs.field(factory=dict, eq=finished_evidence)
    bonus_before_cap: Decimal | None = None
    assessee: str | None = None
    period: str | None = None
    calendar: str | None = None
    assessor: str | None = None
    remarks: tuple[RemarkLine, ...] = attrs.field(converter=as_tuple, factory=tuple)
    """The remarks the assessors wrote (领导点评), those given."""
    warnings: tuple[str, ...] = attrs.field(converter=as_tuple, factory=tuple)
    """What the assessor should know before trusting the sheet (Chinese): a period outside the
    rubric's effective dates."""
    audit: Audit | None = attrs.field(default=None, eq=False)
    """How and when the sheet was scored; not part of what it says (see
    :class:`~gridrules.sheet.audit.Audit`)."""
    format_version: int = FORMAT_VERSION

    @property
    def lines(self) -> tuple[ItemLine, ...]:
        """A line per item, in the rubric's order."""
        lines = self._lines
        if isinstance(lines, Explanation):
            lines = lines.lines()
            object.__setattr__(self, "_lines", lines)  # frozen to users; built once, here
        return lines

    @property
    def sections(self) -> tuple[SectionLine, ...]:
        """A subtotal per section, each after its children."""
        sections = self._sections
        if isinstance(sections, Explanation):
            sections = sections.sections()
            object.__setattr__(self, "_sections", sections)
        return sections

    @property
    def evidence(self) -> dict[str, str]:
        """Every field the rubric reads and its value as the sheet shows it, by field id."""
        evidence = self._evidence
        if isinstance(evidence, Explanation):
            evidence = evidence.evidence()
            object.__setattr__(self, "_evidence", evidence)
        return evidence

    __repr__ = lazy_repr
    __getstate__ = lazy_getstate
    __setstate__ = lazy_setstate

    def line(self, item_id: str) -> ItemLine:
        """The line of one item, by id."""
        for line in self.lines:
            if line.item_id == item_id:
                return line
        raise KeyError(item_id)

    @property
    def points(self) -> dict[str, Decimal]:
        """Each item's points by item id."""
        return {line.item_id: line.points for line in self.lines}


@attrs.frozen
class CombinedContent:
    """The result of a combination: the total, its grade, and each part's contribution."""

    rubric: str
    combination: str
    label: str
    total: Decimal
    grade: str | None
    parts: tuple[tuple[str, Decimal, Decimal], ...] = attrs.field(converter=as_tuple)
    """(part id, the part's total, its contribution to the combined total)."""
    arithmetic: str
    clause: str
    flags: frozenset[str] = attrs.field(converter=_frozen, factory=frozenset)
    assessee: str | None = None
    periods: tuple[tuple[str, str], ...] = attrs.field(converter=as_tuple, factory=tuple)
    """(part id, the period of its sheet), for the parts whose sheet names its period."""
    missing: tuple[str, ...] = attrs.field(converter=as_tuple, factory=tuple)
    """The parts that had no sheet, left out as the combination declares (the mean of the parts
    present); every part was used when empty."""
    audit: Audit | None = attrs.field(default=None, eq=False)
    """How and when the combination was worked out; not part of what it says."""
