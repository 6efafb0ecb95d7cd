"""The walk: one record through the plan, item by item, section by section.

This is the one place where a rubric's steps turn a record's values into points: every item's
deductions, set points, zeroing, penalty and bonus, settled by the item (:meth:`Item.settle
<gridrules.model.tree.Item.settle>`), summed (times its weight) into its section and the total.
Scoring without explanations walks with no trace; scoring a sheet walks with a trace, a list
that records each node's points and the steps that acted, from which the sheet's lines are
written when read. The column path walks each item once per distinct combination of the values
it reads. Nothing else computes a score.

Every sum is exact (see :mod:`gridrules.model.numbers`), so the order in which parts are added
never changes a digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..dates.calendars import PeriodUnits
from ..model.numbers import ZERO
from ..model.steps import Effect
from ..sheet.explain import Traced
from .plan import ItemPlan

__all__ = ["walk", "walk_item"]

_DEDUCT, _SET, _PENALTY = Effect.DEDUCT, Effect.SET, Effect.PENALTY


def walk(
    nodes: tuple[Any, ...],
    values: Mapping[str, Any],
    units: PeriodUnits | None,
    items: dict[str, Decimal],
    extras: list[tuple[Decimal, Decimal]],
    trace: list[Traced] | None,
) -> Decimal:
    """The points of ``nodes`` (a composite's children) for one record, summed (times their
    weights) in order; each item's points go into ``items``, the ``(penalty, bonus)`` of each
    item that has any into ``extras``, and, when ``trace`` is a list, each node's record into it.
    """
    total = ZERO
    for node in nodes:
        children = node.children
        if children is not None:
            got = walk(children, values, units, items, extras, trace)
            if node.rounding is not None:
                got = node.rounding.apply(got)
            if trace is not None:
                trace.append((node.section, got))
        else:
            table = node.table
            known = None if table is None or trace is not None else table.get(values[node.counted])
            if known is not None:
                got = known
            else:
                fired: list[tuple[Any, Decimal]] | None = None if trace is None else []
                start = node.maximum
                deducted = penalty = bonus = ZERO
                for step, field, points, cap, once, effect in node.units:
                    count = values[field]
                    if count:
                        amount = points if once else count * points
                        if cap is not None and amount > cap:
                            amount = cap
                        if effect is _DEDUCT:
                            deducted += amount
                        elif effect is _PENALTY:
                            penalty += amount
                        else:
                            bonus += amount
                        if fired is not None:
                            fired.append((step, amount))
                for step in node.amounts:
                    amount = step.amount(values, units)
                    if amount is not None:
                        effect = step.effect
                        if effect is _DEDUCT:
                            deducted += amount
                        elif effect is _SET:
                            start = amount
                        elif effect is _PENALTY:
                            penalty += amount
                        else:
                            bonus += amount
                        if fired is not None:
                            fired.append((step, amount))
                zeroed = False
                for step in node.zeros:
                    if step.holds(values):
                        zeroed = True
                        if fired is None:
                            break
                        fired.append((step, node.maximum))
                if zeroed:
                    got = ZERO
                elif start is node.maximum and deducted is ZERO:
                    got = node.untouched
                else:
                    got = node.item.settle(start, deducted)
                if node.beyond:
                    extras.append((penalty, bonus))
                if trace is not None:
                    trace.append((node.item, got, fired))
            items[node.id] = got
        total += got if node.factor is None else got * node.factor
    return total


def walk_item(node: ItemPlan, values: Mapping[str, Any], units: PeriodUnits | None = None) -> Any:
    """One item's points for one record, alone: ``(points, (penalty, bonus))`` for an item that
    sends a penalty or bonus to the total, else its points. The column path remembers it per
    distinct combination of the values the item reads; the plan fills its tables with it."""
    items: dict[str, Decimal] = {}
    extras: list[tuple[Decimal, Decimal]] = []
    # the item's factor stays out: the column path and the tables want its own points
    walk((node.alone,), values, units, items, extras, None)
    return (items[node.id], extras[0]) if node.beyond else items[node.id]
