"""What a rule compiles to: one step, the one place its meaning is written as arithmetic.

A rule is data (:mod:`gridrules.model.rules`). Once a rubric's parameters are bound, each rule
is compiled, once, into a :class:`Step`: the fields it reads, how its points act on its item
(:class:`Effect`), and how those points are worked out from one record, in exactly one of
three forms:

- ``unit``: ``count × points`` of one field, capped (每发现一次扣N分, 倒扣, 每例加N分). The engine
  works it out itself, in its loop, without a call: most rules of most rubrics are of this form.
- ``test`` or ``holds``: a condition that zeroes the item when it holds (本项不得分): ``test``
  as data, ``(field, operator, argument)``, worked out in the engine's loop like ``unit``;
  ``holds`` as a function of the record, for a condition of another shape.
- ``amount``: a function from the record to the points, ``None`` when the rule has nothing to
  say (a quota met, a tier that deducts nothing).

Every path that scores (one record explained, one record without explanations, many records a
column at a time) runs these same steps through the same engine. The explanation a sheet shows
is written afterwards, from the record and the amount, by the step's ``explain``: text can never
change a score.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeAlias

from ..dates.calendars import PeriodUnits
from .refs import Number, resolve

__all__ = ["Amount", "Context", "Effect", "Explain", "Outcome", "Step", "Test", "Unit", "Values"]

Values: TypeAlias = Mapping[str, Any]
"""One record's validated values, by field id."""
Amount: TypeAlias = Callable[[Values, "PeriodUnits | None"], "Decimal | None"]
"""A step's points for one record (and the units of the period scored, for targets per working
day); ``None`` when the rule has nothing to say."""
Explain: TypeAlias = Callable[[Values, Decimal, "PeriodUnits | None"], str]
"""The working of a step's amount, for the sheet: ``"3 × 0.5 = 1.5"``."""
Unit: TypeAlias = tuple[str, Decimal, "Decimal | None", bool]
"""``(field, points, cap, once)``: the points are ``count × points`` (``points`` once, for a
yes/no field, when ``once``), at most ``cap``; nothing when the count is 0 or the answer no."""
Test: TypeAlias = tuple[str, Callable[[Any, Any], bool], Any]
"""``(field, operator, argument)``: the condition holds when ``operator(value, argument)``."""


class Effect(enum.Enum):
    """How a rule's points act on its item and on the total."""

    DEDUCT = "deduct"
    """Taken from the item, which stops at its floor (扣完为止)."""
    SET = "set"
    """Sets the item's points before deductions (考评组打分, a tier's points)."""
    ZERO = "zero"
    """Zeroes the item (本项不得分)."""
    PENALTY = "penalty"
    """Taken from the rubric total, beyond the item's floor (倒扣)."""
    BONUS = "bonus"
    """Added outside the base points (加分)."""


class Context:
    """What a rule may know when it is compiled: the bound parameters, and its item."""

    __slots__ = ("item_id", "item_maximum", "params")

    def __init__(self, params: Mapping[str, Any], item_id: str, item_maximum: Decimal) -> None:
        self.params = params
        self.item_id = item_id
        self.item_maximum = item_maximum

    def value(self, value: Number, where: str) -> Decimal:
        """A rule's number with its parameter filled in."""
        return resolve(value, self.params, f"item {self.item_id!r}, {where}")

    def optional(self, value: Number | None, where: str) -> Decimal | None:
        """:meth:`value`, or ``None`` for a number left out (a cap that is not there)."""
        return None if value is None else self.value(value, where)


class Step:
    """One rule compiled for one item: what it reads, how it acts, how its points are worked out
    (exactly one of ``unit``, ``test``, ``holds`` and ``amount``), and how that is explained."""

    __slots__ = (
        "amount",
        "column",
        "effect",
        "explain",
        "holds",
        "reads",
        "rule",
        "shown",
        "test",
        "unit",
    )

    def __init__(
        self,
        rule: Any,
        effect: Effect,
        explain: Explain,
        *,
        reads: tuple[str, ...] = (),
        unit: Unit | None = None,
        test: Test | None = None,
        holds: Callable[[Values], bool] | None = None,
        amount: Amount | None = None,
        column: Callable[[Sequence[Any]], list[Decimal | None]] | None = None,
        shown: Callable[[Values], Any] | None = None,
    ) -> None:
        forms = [form for form in (unit, test, holds, amount) if form is not None]
        if len(forms) != 1:
            raise TypeError("a step has exactly one of unit, test, holds and amount")
        if (test is not None or holds is not None) is not (effect is Effect.ZERO):
            raise TypeError("a step zeroes its item (Effect.ZERO) exactly when it is a condition")
        self.rule = rule
        self.effect = effect
        self.explain = explain
        self.unit = unit
        self.test = test
        self.holds = holds
        self.amount = amount
        first = unit or test
        self.reads = (first[0],) if first is not None and not reads else reads
        self.column = column
        """Optional: the amounts of a column of raw values of the one field read, for many
        records at once, ``None`` for a value left to the one-record way (ballots)."""
        field = self.reads[0] if self.reads else None
        self.shown = shown if shown is not None else (lambda values: values[field])
        """What the sheet shows as the evidence the step used (by default, its first field)."""

    def __repr__(self) -> str:
        form = next(
            name for name in ("unit", "test", "holds", "amount") if getattr(self, name) is not None
        )
        return f"Step({type(self.rule).__name__}, {self.effect.value}, {form})"


class Outcome:
    """What one step did to one record, as a trace records it: the rule, its effect and points,
    the evidence it used; its working is written out only when read."""

    __slots__ = ("amount", "step", "units", "values")

    def __init__(
        self, step: Step, amount: Decimal, values: Values, units: PeriodUnits | None = None
    ) -> None:
        self.step = step
        self.amount = amount
        self.values = values
        self.units = units

    @property
    def rule(self) -> Any:
        """The rule whose step this is."""
        return self.step.rule

    @property
    def effect(self) -> Effect:
        """How the points acted: deducted, set, zeroed, a penalty or a bonus."""
        return self.step.effect

    @property
    def value(self) -> Any:
        """The evidence the rule used, as the sheet shows it beside the working."""
        return self.step.shown(self.values)

    @property
    def arithmetic(self) -> str:
        """The working, e.g. ``"3 × 0.5 = 1.5"``, as the rule writes it."""
        return self.step.explain(self.values, self.amount, self.units)

    def __repr__(self) -> str:
        return f"Outcome({type(self.rule).__name__}, {self.effect.value}, {self.amount})"
