"""A rubric compiled with its parameters into one plan: every rule a step, every node a plan
node, and what turns the points into a total, a grade and stars, said once.

The plan is made once per rubric and parameters (:class:`~gridrules.Scorer` makes it), and
every way of scoring walks it: one record with or without a trace (:mod:`.walk`), many records
a column at a time (:mod:`.columns`). What is worked out here is worked out for good: the
parameters are resolved, and each weighted part's factor is divided out once.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..model.fields import FieldKind
from ..model.grades import Veto
from ..model.numbers import ZERO, divide
from ..model.refs import resolve
from ..model.rubric import RubricDefinition
from ..model.steps import Context, Effect, Step
from ..model.tree import Item, Node, Section
from ..model.weights import Weight
from ..sheet.explain import Layout
from .result import Result

__all__ = ["REMEMBERED", "ItemPlan", "Plan", "Row", "SectionPlan"]

REMEMBERED = 4096
"""How many combinations of values an item remembers its points for (see :attr:`ItemPlan.memo`)."""
_DISCRETE = frozenset({FieldKind.COUNT, FieldKind.FLAG})


class ItemPlan:
    """An item of the plan: its steps sorted by form, and what it repeats for every record.

    ``acting`` are the steps that deduct, set points or send them beyond the item, in the order
    of the rules, as ``(step, field, points, cap, once, effect)``: the ``count × points`` form
    with its field, an amount function with ``field`` ``None``; ``tests`` the conditions that
    zero it, ``(step, field, operator, argument)``; ``zeros`` the conditions of another shape;
    ``beyond`` says whether any sends a penalty or bonus to the total. ``untouched`` is the
    item's points when nothing acts on it. ``memo`` remembers the item's points by the values it
    reads (``key`` picks them out of a record), for an item that reads only counts and yes/no
    fields and depends on nothing else: in a city's records the same few combinations come back
    again and again. :attr:`row` is all of it as the walk reads it.
    """

    __slots__ = (
        "acting",
        "beyond",
        "factor",
        "id",
        "item",
        "key",
        "maximum",
        "memo",
        "reads",
        "steps",
        "tests",
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
        self.acting = tuple(
            (s, *s.unit, s.effect) if s.unit is not None else (s, None, None, None, None, s.effect)
            for s in steps
            if s.unit is not None or s.amount is not None
        )
        self.tests = tuple((s, *s.test) for s in steps if s.test is not None)
        self.zeros = tuple(s for s in steps if s.holds is not None)
        self.beyond = any(s.effect in (Effect.PENALTY, Effect.BONUS) for s in steps)
        self.reads = tuple(sorted({field for step in steps for field in step.reads}))
        self.untouched = item.settle(item.maximum, ZERO)
        self.memo: dict[Any, Decimal] | None = None
        self.key: Callable[[Mapping[str, Any]], Any] | None = None

    @property
    def row(self) -> Row:
        """The item as the walk reads it (see :data:`Row`)."""
        return (
            None,
            self.item,
            self.id,
            self.memo,
            self.key,
            self.acting,
            self.tests,
            self.zeros,
            self.maximum,
            self.untouched,
            self.beyond,
            self.factor,
        )


class SectionPlan:
    """A section of the plan: its children, in order, and how its points are settled (its cap
    and rounding: :meth:`Section.settle <gridrules.Section.settle>`, ``None`` when they change
    nothing)."""

    __slots__ = ("children", "factor", "id", "section", "settle")

    def __init__(self, section: Section, children: tuple[Any, ...], factor: Decimal | None) -> None:
        self.section = section
        self.id = section.id
        self.children = children
        self.settle: Callable[[Decimal], Decimal] | None = (
            section.settle if section.settles else None
        )
        self.factor = factor

    @property
    def row(self) -> Row:
        """The section as the walk reads it (see :data:`Row`)."""
        rows = tuple(child.row for child in self.children)
        graded = True if self.section.grades is not None else None
        return (rows, self.section, self.id, self.settle, graded, *_NOTHING, self.factor)


Row = tuple[Any, ...]
"""A plan node as :func:`~gridrules.engine.walk.walk` reads it, one tuple unpacked at once (a
call or an attribute per node and record cost more than the arithmetic): ``(children, node,
id, memo or settle, key or graded, acting, tests, zeros, maximum, untouched, beyond, factor)``.
A section's ``children`` are rows, its fourth how its points are settled (or ``None``), its
fifth ``True`` when it is graded on its own (its points are then kept), the rest ``None``; an
item's ``children`` are ``None``."""
_NOTHING = (None,) * 6

_NO_FLAGS: frozenset[str] = frozenset()


class Plan:
    """A rubric and its bound parameters, compiled: the tree of plan nodes, the vetoes, and the
    one way the points become a total, a grade and stars (:meth:`finish`)."""

    def __init__(self, rubric: RubricDefinition, params: Mapping[str, Any]) -> None:
        self.rubric = rubric
        self.params = params
        self.maximum = rubric.effective_maximum
        # node id -> (weight, factor) for the parts of weighted composites, shown on the sheet
        self.weights: dict[str, tuple[Decimal, Decimal]] = {}
        self.parents: dict[str, str] = {}
        self.items: list[ItemPlan] = []
        self.root = self._children(rubric.children, rubric.weights, rubric.maximum, None)
        self.fields = rubric.fields
        self._remember()
        self.rows: tuple[Row, ...] = tuple(node.row for node in self.root)
        """The root's children as the walk reads them."""
        cap = rubric.bonus_cap
        self.bonus_cap = None if cap is None else resolve(cap, params, "bonus cap")
        self.vetoes = tuple((v, v.when.compile(params)) for v in rubric.vetoes)
        self.veto_working = {
            v.id: v.when.explainer(params) for v in rubric.vetoes if v.when.ratio is not None
        }
        """How each veto on two fields reads for a record, for its line on the sheet."""
        self.needs_period = rubric.needs_working_days
        self.floor = rubric.floor
        self.rounding = rubric.rounding
        self.grades = rubric.bound_grades(params)
        """The grade bands, their parameters filled in."""
        self.grade_names = rubric.grade_names(params)
        """Every grade a record can get, best first."""
        self.section_grades = {
            node.id: node.grades.resolve(params).grader()
            for node in rubric.nodes()
            if isinstance(node, Section) and node.grades is not None
        }
        """The grader of each section that has grades of its own, its parameters filled in."""
        self.finish = self._finisher()
        """The :class:`~gridrules.Result` of one record, from its base points, penalty, bonus
        (before the cap), the vetoes that fired, its items' points and, when sections are graded
        on their own, their points: the capped bonus, total, grade, stars, flags and the
        sections' grades worked out in this one place, for every way of scoring."""
        remarks = {r.id for r in rubric.remarks}  # shown as remarks, not as evidence
        self.layout = Layout(
            self.parents,
            self.weights,
            sorted(f for f in self.fields if f not in remarks),
            self.section_grades,
            sectioned=any(isinstance(node, Section) for node in rubric.nodes()),
        )

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
        params = self.params
        by_child = {w.child: resolve(w.weight, params, f"weight of {w.child!r}") for w in weights}
        factors: list[Decimal | None] = []
        for child in children:
            weight = by_child[child.id]
            factor = divide(weight * maximum, child.effective_maximum)
            self.weights[child.id] = (weight, factor)
            factors.append(factor)
        return factors

    def _remember(self) -> None:
        """Give a memo to each item that reads only counts and yes/no fields, sends nothing
        beyond itself, and does not count on the period: its points then depend on those values
        alone (read in one form, so that equal values are equal digits), and the walk may
        remember them. It fills as it goes, up to :data:`REMEMBERED` combinations."""
        fields = self.fields
        for node in self.items:
            if (
                not node.reads
                or node.beyond
                or any(fields[field].kind not in _DISCRETE for field in node.reads)
                or any(step.rule.needs_period for step in node.steps)
            ):
                continue
            node.memo, node.key = {}, operator.itemgetter(*node.reads)

    # -- finishing ------------------------------------------------------------------------------

    def fired(self, values: Mapping[str, Any]) -> list[Veto]:
        """The vetoes whose condition holds for one record."""
        return [veto for veto, holds in self.vetoes if holds(values)]

    def _finisher(self) -> Callable[..., Result]:
        """:attr:`finish`, made once with everything it reads bound."""
        cap, floor, maximum = self.bonus_cap, self.floor, self.maximum
        apply = None if self.rounding is None else self.rounding.apply
        grade_of = None if self.grades is None else self.grades.grader()
        stars = self.rubric.stars
        stars_of = None if stars is None else stars.rater()
        by_total = stars is not None and stars.basis == "points"

        graders = self.section_grades

        def finish(
            base: Decimal,
            penalty: Decimal,
            bonus: Decimal,
            fired: Sequence[Veto],
            items: dict[str, Decimal],
            parts: Mapping[str, Decimal] | None = None,
        ) -> Result:
            if cap is not None and bonus > cap:
                bonus = cap
            # nothing beyond the items: the total is the base itself (base − 0 + 0, digit for
            # digit)
            total = base if penalty is ZERO and bonus is ZERO else base - penalty + bonus
            if floor is not None and total < floor:
                total = floor
            if apply is not None:
                total = apply(total)
            grade = None if grade_of is None else grade_of(total)
            # the deductions are worked out only when the stars depend on them
            rated = (
                None
                if stars_of is None
                else stars_of(total, total if by_total else maximum - base + penalty)
            )
            # the grades of the sections graded on their own, from their points
            graded = (
                {sid: grader(parts[sid]) for sid, grader in graders.items()}
                if parts is not None
                else None
            )
            if not fired:
                return Result(total, base, bonus, penalty, grade, rated, _NO_FLAGS, items, graded)
            for veto in fired:
                if veto.grade is not None:
                    grade = veto.grade
            flags = frozenset(v.flag for v in fired if v.flag)
            return Result(total, base, bonus, penalty, grade, rated, flags, items, graded)

        return finish
