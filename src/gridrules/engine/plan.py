"""A rubric compiled with its parameters into one plan: every rule a step, every node a plan
node, and what turns the points into a total, a grade and stars, said once.

The plan is made once per rubric and parameters (:class:`~gridrules.Scorer` makes it), and
every way of scoring walks it: one record with or without a trace (:mod:`.walk`), many records
a column at a time (:mod:`.columns`). What is worked out here is worked out for good: the
parameters are resolved, each weighted part's factor is divided out once, and an item whose
points depend on one small count has them in a table, filled by walking the item itself.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..model.fields import SMALL_COUNTS, FieldKind
from ..model.grades import Veto
from ..model.numbers import ZERO, Rounding, divide
from ..model.rubric import RubricDefinition
from ..model.steps import Context, Effect, Step
from ..model.tree import Item, Node, Section
from ..model.weights import Weight
from ..sheet.explain import Layout

__all__ = ["TABLED", "Finished", "ItemPlan", "Plan", "SectionPlan"]

TABLED = 64
"""How many small counts (0 to 63) an item whose points depend on one count has its points for."""


class ItemPlan:
    """An item of the plan: its steps sorted by form, and what it repeats for every record.

    ``units`` are the steps of the ``count × points`` form, ``(step, field, points, cap, once,
    effect)``; ``amounts`` the steps with an amount function; ``zeros`` the steps that zero it;
    ``beyond`` says whether any sends a penalty or bonus to the total. ``untouched`` is the
    item's points when nothing acts on it; ``table`` its points by the value of ``counted``,
    when they depend on that one count alone.
    """

    __slots__ = (
        "alone",
        "amounts",
        "beyond",
        "counted",
        "factor",
        "id",
        "item",
        "maximum",
        "reads",
        "steps",
        "table",
        "units",
        "untouched",
        "zeros",
    )

    children = None
    """An item has no children (a :class:`SectionPlan` has)."""

    def __init__(self, item: Item, steps: Sequence[Step], factor: Decimal | None) -> None:
        self.item = item
        self.id = item.id
        self.maximum = item.maximum
        self.steps = tuple(steps)
        self.factor = factor
        self.units = tuple((s, *s.unit, s.effect) for s in steps if s.unit is not None)
        self.amounts = tuple(s for s in steps if s.amount is not None)
        self.zeros = tuple(s for s in steps if s.holds is not None)
        self.beyond = any(s.effect in (Effect.PENALTY, Effect.BONUS) for s in steps)
        self.reads = tuple(sorted({field for step in steps for field in step.reads}))
        self.untouched = item.settle(item.maximum, ZERO)
        self.table: dict[Decimal, Decimal] | None = None
        self.counted = ""
        self.alone = self if factor is None else copy.copy(self)
        self.alone.factor = None
        """The item outside any weighted composite: to be walked alone, for its own points."""


class SectionPlan:
    """A section of the plan: its children, in order, and its rounding."""

    __slots__ = ("children", "factor", "id", "rounding", "section")

    def __init__(self, section: Section, children: tuple[Any, ...], factor: Decimal | None) -> None:
        self.section = section
        self.id = section.id
        self.children = children
        self.rounding: Rounding | None = section.rounding
        self.factor = factor


Finished = tuple[Decimal, Decimal, "str | None", "int | None", frozenset[str]]
"""``(bonus, total, grade, stars, flags)``: what :meth:`Plan.finish` makes of the points."""

_NO_FLAGS: frozenset[str] = frozenset()


class Plan:
    """A rubric and its bound parameters, compiled: the tree of plan nodes, the vetoes, and the
    one way the points become a total, a grade and stars (:meth:`finish`)."""

    def __init__(
        self,
        rubric: RubricDefinition,
        params: Mapping[str, Any],
        table: Callable[[ItemPlan, dict[str, Any]], Decimal],
    ) -> None:
        self.rubric = rubric
        self.params = params
        self.maximum = rubric.effective_maximum
        # node id -> (weight, factor) for the parts of weighted composites, shown on the sheet
        self.weights: dict[str, tuple[Decimal, Decimal]] = {}
        self.parents: dict[str, str] = {}
        self.items: list[ItemPlan] = []
        self.root = self._children(rubric.children, rubric.weights, rubric.maximum, None)
        self.fields = rubric.fields
        self._fill_tables(table)
        cap = rubric.bonus_cap
        self.bonus_cap = None if cap is None else Context(params, "", ZERO).value(cap, "bonus cap")
        self.vetoes = tuple((v, v.when.compile(params)) for v in rubric.vetoes)
        self.needs_period = rubric.needs_working_days
        self.floor = rubric.floor
        self.rounding = rubric.rounding
        self._grade = None if rubric.grades is None else rubric.grades.grader()
        self._stars = None if rubric.stars is None else rubric.stars.rater()
        self._stars_by_total = rubric.stars is not None and rubric.stars.basis == "points"
        self.layout = Layout(self.parents, self.weights, sorted(self.fields))

    # -- compiling --------------------------------------------------------------------------

    def _children(
        self,
        children: tuple[Node, ...],
        weights: tuple[Weight, ...],
        maximum: Decimal,
        parent: str | None,
    ) -> tuple[Any, ...]:
        factors = self._factors(children, weights, maximum)
        nodes: list[Any] = []
        for child, factor in zip(children, factors, strict=True):
            if parent is not None:
                self.parents[child.id] = parent
            if isinstance(child, Section):
                inner = self._children(child.children, child.weights, child.maximum, child.id)
                nodes.append(SectionPlan(child, inner, factor))
            else:
                ctx = Context(self.params, child.id, child.maximum)
                node = ItemPlan(child, [rule.compile(ctx) for rule in child.rules], factor)
                self.items.append(node)
                nodes.append(node)
        return tuple(nodes)

    def _factors(
        self, children: tuple[Node, ...], weights: tuple[Weight, ...], maximum: Decimal
    ) -> list[Decimal | None]:
        """What each child's points are multiplied by in a weighted composite (30% / 30% / 40%):
        its weight × the composite's maximum ÷ the child's, divided once, here."""
        if not weights:
            return [None] * len(children)
        ctx = Context(self.params, "", ZERO)
        by_child = {w.child: ctx.value(w.weight, f"weight of {w.child!r}") for w in weights}
        factors: list[Decimal | None] = []
        for child in children:
            weight = by_child[child.id]
            factor = divide(weight * maximum, child.effective_maximum)
            self.weights[child.id] = (weight, factor)
            factors.append(factor)
        return factors

    def _fill_tables(self, walk_item: Callable[[ItemPlan, dict[str, Any]], Decimal]) -> None:
        """Give each item whose points depend on one count alone its points for the small
        counts, each worked out by walking the item (``walk_item``), as a record would."""
        fields = self.fields
        for node in self.items:
            if (
                len(node.reads) != 1
                or fields[node.reads[0]].kind is not FieldKind.COUNT
                or node.beyond
                or any(step.rule.needs_period for step in node.steps)
            ):
                continue
            field = node.reads[0]
            table = {count: walk_item(node, {field: count}) for count in SMALL_COUNTS[:TABLED]}
            node.counted, node.table = field, table

    # -- finishing ------------------------------------------------------------------------------

    def fired(self, values: Mapping[str, Any]) -> list[Veto]:
        """The vetoes whose condition holds for one record."""
        return [veto for veto, holds in self.vetoes if holds(values)]

    def finish(
        self, base: Decimal, penalty: Decimal, bonus: Decimal, fired: Sequence[Veto]
    ) -> Finished:
        """The capped bonus, total, grade, stars and flags of one record, from its base points,
        penalty, bonus and the vetoes that fired: the one place they are worked out."""
        if self.bonus_cap is not None and bonus > self.bonus_cap:
            bonus = self.bonus_cap
        total = base - penalty + bonus
        if self.floor is not None and total < self.floor:
            total = self.floor
        if self.rounding is not None:
            total = self.rounding.apply(total)
        grade = None if self._grade is None else self._grade(total)
        stars = None
        if self._stars is not None:
            # the deductions are worked out only when the stars depend on them
            stars = self._stars(
                total, total if self._stars_by_total else self.maximum - base + penalty
            )
        flags = _NO_FLAGS
        if fired:
            for veto in fired:
                if veto.grade is not None:
                    grade = veto.grade
            flags = frozenset(veto.flag for veto in fired if veto.flag is not None)
        return bonus, total, grade, stars, flags
