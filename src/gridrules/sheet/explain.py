"""What a scored sheet's lines are made from: the trace of one record's scoring.

Scoring a record explains every point, but most sheets are stored or compared by their scores
and few are read line by line. So the engine, scoring with a trace, records only what happened
(each item's points and the steps that acted, with their amounts; each section's points), and a
sheet writes its lines from that record the first time they are read: :class:`Explanation`.
The working of each reason is written later still, when read (see :class:`~.lines.Reason`).
Nothing here computes a score: the numbers are the engine's, the words the rules'.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..dates.calendars import PeriodUnits
from ..model.steps import Outcome, Step
from ..model.tree import Item, Section
from .lines import ItemLine, Reason, SectionLine, show

__all__ = ["Explanation", "Layout", "Traced"]

Traced = tuple[Any, ...]
"""One node of a record's trace: ``(item, points, fired)``, ``fired`` the steps that acted
with their amounts, or ``(section, points, children's sum)``; children before their section."""


class Layout:
    """What every sheet of a rubric repeats, worked out once: each node's section, the weight and
    factor of each part of a weighted composite (its points × factor is its contribution), and the
    grader of each section graded on its own; whether the rubric has sections at all."""

    __slots__ = ("fields", "grades", "parents", "sectioned", "weights")

    def __init__(
        self,
        parents: Mapping[str, str],
        weights: Mapping[str, tuple[Decimal, Decimal]],
        fields: Sequence[str],
        grades: Mapping[str, Callable[[Decimal], str]] | None = None,
        *,
        sectioned: bool = True,
    ) -> None:
        self.parents = parents
        self.weights = weights
        self.fields = fields
        self.grades = grades or {}
        self.sectioned = sectioned


class Explanation:
    """A scored record's lines, sections and evidence, written out when first asked for."""

    __slots__ = ("layout", "trace", "units", "values")

    def __init__(
        self,
        trace: Sequence[Traced],
        layout: Layout,
        values: Mapping[str, Any],
        units: PeriodUnits | None,
    ) -> None:
        self.trace = trace
        self.layout = layout
        self.values = values
        self.units = units

    def _weighted(self, node_id: str, points: Decimal) -> tuple[Decimal | None, Decimal | None]:
        found = self.layout.weights.get(node_id)
        return (None, None) if found is None else (found[0], points * found[1])

    def _reason(self, item: Item, step: Step, amount: Decimal) -> Reason:
        return Reason.of(item, Outcome(step, amount, self.values, self.units), step.reads[0])

    def lines(self) -> tuple[ItemLine, ...]:
        """A line per item, in the rubric's order."""
        parents, weights, reason = self.layout.parents, self.layout.weights, self._reason
        lines = []
        for traced in self.trace:
            item = traced[0]
            if not isinstance(item, Item):
                continue
            _, points, fired = traced
            weighted = weights.get(item.id)
            lines.append(
                ItemLine(
                    item.id,
                    item.label,
                    parents.get(item.id),
                    points,
                    item.maximum,
                    tuple([reason(item, step, amount) for step, amount in fired]) if fired else (),
                    item.clause,
                    None if weighted is None else weighted[0],
                    None if weighted is None else points * weighted[1],
                    None if item.rounding is None else item.rounding.describe(),
                )
            )
        return tuple(lines)

    def sections(self) -> tuple[SectionLine, ...]:
        """A subtotal per section, each after its children."""
        if not self.layout.sectioned:
            return ()
        graders = self.layout.grades
        return tuple(
            SectionLine(
                node.id,
                node.label,
                points,
                node.effective_maximum,
                *self._weighted(node.id, points),
                summed if node.capped and summed > node.maximum else None,
                graders[node.id](points) if node.id in graders else None,
                self.layout.parents.get(node.id),
            )
            for node, points, summed in (t for t in self.trace if isinstance(t[0], Section))
        )

    def evidence(self) -> dict[str, str]:
        """Every field the rubric reads and its value as the sheet shows it."""
        values = self.values
        return {field: show(values[field]) for field in self.layout.fields}
