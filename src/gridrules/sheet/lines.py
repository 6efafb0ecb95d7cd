"""The lines of a score sheet: a reason per rule that acted, a line per item and section, the
parameters the score rests on, the vetoes that fired."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from ..model.numbers import fmt
from ..model.steps import Outcome
from ..model.tree import Item

__all__ = [
    "ItemLine",
    "ParameterLine",
    "Reason",
    "RemarkLine",
    "SectionLine",
    "VetoLine",
    "arithmetic_text",
    "lazy_getstate",
    "lazy_repr",
    "lazy_setstate",
    "show",
    "value_text",
]


# -- explanations written out when first read ------------------------------------------------
#
# Scoring a record explains every point, but most sheets are stored or compared by their scores
# and few are read line by line. So a sheet made by scoring keeps what its explanations are made
# from (the rules' outcomes, the validated evidence) and writes the text out the first time it is
# read, once: ``reason.arithmetic`` formats the working then, ``sheet.lines`` builds the lines
# then. A lazy attribute is a private attrs field holding either the finished value or what it
# is made from; the public property finishes and keeps it. Its ``eq`` key finishes it too, so a
# sheet compares equal to the same sheet read back from JSON, and the cattrs hooks in
# sheet/convert.py write the finished value under the public name. Nothing else changes: the
# values read are exactly those that were formatted eagerly before.

_SHOWN: dict[Decimal, str] = {}
"""Decimals as the sheet shows them; fmt depends on the value alone, and few values recur."""
_MEMO_LIMIT = 10_000


def show(value: Any) -> str:
    """An evidence value as the sheet shows it: 1.5, 是/否, names (sorted) or counts (in order)
    joined with 、."""
    if isinstance(value, Decimal):
        shown = _SHOWN.get(value)
        if shown is None:
            shown = fmt(value)
            if len(_SHOWN) < _MEMO_LIMIT:
                _SHOWN[value] = shown
        return shown
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, frozenset):
        return "、".join(sorted(value)) if value else "（无）"
    if isinstance(value, tuple):
        return "、".join(map(show, value)) if value else "（无）"
    return str(value)


def value_text(value: str | Outcome) -> str:
    """A reason's evidence value, written out (from its outcome, when not yet)."""
    return show(value.value) if isinstance(value, Outcome) else value


def arithmetic_text(value: str | Outcome) -> str:
    """A reason's working, written out (from its outcome, when not yet)."""
    return value.arithmetic if isinstance(value, Outcome) else value


def lazy_repr(instance: Any) -> str:
    """attrs' repr, under the public names and with lazy values written out."""
    shown = ", ".join(
        f"{a.alias}={getattr(instance, a.alias)!r}" for a in attrs.fields(type(instance))
    )
    return f"{type(instance).__name__}({shown})"


def lazy_getstate(instance: Any) -> dict[str, Any]:
    """The state to pickle, every lazy value written out (under each field's public name, its
    property finishes it): what the text is made from holds the rubric's compiled steps, which
    stay in the process that made them (a sheet crosses to batch workers and back)."""
    return {a.name: getattr(instance, a.alias) for a in attrs.fields(type(instance))}


def lazy_setstate(instance: Any, state: dict[str, Any]) -> None:
    """Restore what :func:`lazy_getstate` gave, past the frozen class's guard."""
    for name, value in state.items():
        object.__setattr__(instance, name, value)


@attrs.frozen(repr=False)
class Reason:
    """One rule's effect on one item: the rule, the evidence it used, the working, the clause."""

    rule: str
    label: str
    effect: str
    field: str
    _value: str | Outcome = attrs.field(eq=value_text)
    amount: Decimal
    _arithmetic: str | Outcome = attrs.field(eq=arithmetic_text)
    clause: str

    @property
    def value(self) -> str:
        """The evidence value the rule read, as the sheet shows it."""
        value = self._value
        if isinstance(value, Outcome):
            value = show(value.value)
            object.__setattr__(self, "_value", value)  # frozen to users; finished once, here
        return value

    @property
    def arithmetic(self) -> str:
        """The working, e.g. ``"3 × 0.5 = 1.5"``."""
        arithmetic = self._arithmetic
        if isinstance(arithmetic, Outcome):
            arithmetic = arithmetic.arithmetic
            object.__setattr__(self, "_arithmetic", arithmetic)
        return arithmetic

    __repr__ = lazy_repr
    __getstate__ = lazy_getstate
    __setstate__ = lazy_setstate

    @classmethod
    def of(cls, item: Item, outcome: Outcome, field: str) -> Reason:
        """The reason for ``outcome``, its value and arithmetic written out when first read."""
        rule = outcome.rule
        return cls(
            rule.kind,
            rule.label,
            outcome.effect.value,
            field,
            outcome,
            outcome.amount,
            outcome,
            rule.clause or item.clause,
        )


@attrs.frozen
class ItemLine:
    """One item on the sheet: its points out of its maximum and the reasons for every change."""

    item_id: str
    label: str
    section: str | None
    points: Decimal
    maximum: Decimal
    reasons: tuple[Reason, ...]
    clause: str
    weight: Decimal | None = None
    """In a weighted composite: the item's weight (0.3 for 30%)."""
    contribution: Decimal | None = None
    """In a weighted composite: what the item's points add to its section (or the total)."""
    rounding: str | None = None
    """How the item's points are rounded, when it says so (四舍五入取整: 分值以整数计)."""

    @property
    def deducted(self) -> Decimal:
        """The 扣分 column: how far the item fell short of its maximum."""
        return self.maximum - self.points


@attrs.frozen
class SectionLine:
    """A section's subtotal."""

    section_id: str
    label: str
    points: Decimal
    maximum: Decimal
    weight: Decimal | None = None
    """In a weighted composite: the section's weight."""
    contribution: Decimal | None = None
    """In a weighted composite: what the section's points add to its parent (or the total)."""
    before_cap: Decimal | None = None
    """For a capped section (封顶) whose children's sum passed its maximum: that sum."""
    grade: str | None = None
    """For a section graded on its own: the grade of its points."""
    section: str | None = None
    """The section it is part of, for a section inside another."""

    @property
    def deducted(self) -> Decimal:
        """The 扣分 column: how far the section fell short of its maximum."""
        return self.maximum - self.points


@attrs.frozen
class ParameterLine:
    """A parameter the score depended on: its value and whether it was given or defaulted.

    ``value`` is a Decimal, or, for a text parameter (``text``), a name (a grade's).
    """

    name: str
    description: str
    value: Decimal | str
    source: str
    clause: str
    text: bool = False


@attrs.frozen
class VetoLine:
    """A veto that fired: the grade it forced or the flag it set."""

    id: str
    label: str
    grade: str | None
    flag: str | None
    clause: str
    working: str = ""
    """The condition as it read for the record, when it compares two fields:
    ``meetings_attended 5 < meetings_held 12 × 0.5 = 6``."""

    @property
    def effect(self) -> str:
        """What the veto did, as the sheet says it: 列为不合格, 标记 no_honours, or both."""
        done = (f"列为{self.grade}" if self.grade else "", f"标记 {self.flag}" if self.flag else "")
        return "，".join(part for part in done if part)


@attrs.frozen
class RemarkLine:
    """A remark an assessor wrote (领导点评): printed under its label, never scored."""

    id: str
    label: str
    text: str
    clause: str = ""
