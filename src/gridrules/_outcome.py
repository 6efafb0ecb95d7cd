"""What one rule did to one record: the effect, the points, and the evidence it used."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._rules import Rule

__all__ = ["Effect", "Outcome"]


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


class Outcome:
    """One rule's result for one record; its arithmetic is written out only when asked for."""

    __slots__ = ("amount", "capped", "detail", "effect", "rule", "value")

    def __init__(
        self,
        rule: Rule,
        effect: Effect,
        amount: Decimal,
        value: Any,
        detail: Any = None,
        capped: bool = False,
    ) -> None:
        self.rule = rule
        self.effect = effect
        self.amount = amount
        self.value = value
        self.detail = detail
        self.capped = capped

    @property
    def arithmetic(self) -> str:
        """The working, e.g. ``"3 × 0.5 = 1.5"``, as the rule writes it."""
        return self.rule.arithmetic(self)

    def __repr__(self) -> str:
        return f"Outcome({type(self.rule).__name__}, {self.effect.value}, {self.amount})"
