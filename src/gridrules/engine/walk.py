"""The walk: one record through the plan, item by item, section by section.

This is the one place where a rubric's steps turn a record's values into points: every item's
deductions, set points, zeroing, penalty and bonus, settled by the item (``Item.settle``),
summed (times its weight) into its section and the total. Scoring without explanations walks
with no trace; scoring a sheet walks with a trace, a list that records each node's points and
the steps that acted, from which the sheet's lines are written when read. The column path walks
each item once per distinct combination of the values it reads. Nothing else computes a score.

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
from .plan import REMEMBERED, ItemPlan, Row

__all__ = ["walk", "walk_item"]

_DEDUCT, _SET, _PENALTY = Effect.DEDUCT, Effect.SET, Effect.PENALTY


def walk(
    rows: tuple[Row, ...],
    values: Mapping[str, Any],
    units: PeriodUnits | None,
    items: dict[str, Decimal],
    extras: list[tuple[Decimal, Decimal]],
    trace: list[Traced] | None,
    parts: dict[str, Decimal] | None = None,
) -> Decimal:
    """The points of ``rows`` (a composite's children, see :data:`~gridrules.engine.plan.Row`)
    for one record, summed (times their weights); each item's points go into ``items``, the
    ``(penalty, bonus)`` of each item that has any into ``extras``, the points of each section
    graded on its own into ``parts`` (when a dict), and, when ``trace`` is a list, each node's
    record into it."""
    total = ZERO
    for (
        children,
        node,
        node_id,
        memo,
        key,
        acting,
        tests,
        zeros,
        maximum,
        untouched,
        beyond,
        factor,
    ) in rows:
        if children is not None:
            summed = walk(children, values, units, items, extras, trace, parts)
            got = summed if memo is None else memo(summed)  # a section's cap and rounding
            if key is not None and parts is not None:  # graded on its own
                parts[node_id] = got
            if trace is not None:
                trace.append((node, got, summed))
        else:
            known = None
            if memo is not None and trace is None:
                remembered = key(values)
                known = memo.get(remembered)
            if known is not None:
                got = known
            else:
                fired: list[tuple[Any, Decimal]] | None = None if trace is None else []
                start = maximum
                deducted = penalty = bonus = ZERO
                for step, field, points, cap, once, effect in acting:
                    if field is not None:  # count × points, worked out here
                        count = values[field]
                        if not count:
                            continue
                        amount = points if once else count * points
                        if cap is not None and amount > cap:
                            amount = cap
                    else:
                        amount = step.amount(values, units)
                        if amount is None:
                            continue
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
                for step, field, test, argument in tests:
                    if test(values[field], argument):
                        zeroed = True
                        if fired is None:
                            break
                        fired.append((step, maximum))
                if not zeroed or fired is not None:
                    for step in zeros:
                        if step.holds(values):
                            zeroed = True
                            if fired is None:
                                break
                            fired.append((step, maximum))
                if zeroed:
                    got = ZERO
                elif start is maximum and deducted is ZERO:
                    got = untouched
                else:
                    got = node.settle(start, deducted)
                if beyond:
                    extras.append((penalty, bonus))
                if trace is not None:
                    trace.append((node, got, fired))
                elif memo is not None and len(memo) < REMEMBERED:
                    memo[remembered] = got
            items[node_id] = got
        total += got if factor is None else got * factor
    return total


def walk_item(node: ItemPlan, values: Mapping[str, Any], units: PeriodUnits | None = None) -> Any:
    """One item's points for one record, alone: ``(points, (penalty, bonus))`` for an item that
    sends a penalty or bonus to the total, else its points. The column path remembers it per
    distinct combination of the values the item reads."""
    items: dict[str, Decimal] = {}
    extras: list[tuple[Decimal, Decimal]] = []
    # the walk keeps an item's own points in ``items``, before any weight of its composite
    walk((node.row,), values, units, items, extras, None)
    return (items[node.id], extras[0]) if node.beyond else items[node.id]
