"""The rule protocol: what every building block provides.

A rule is a frozen attrs class: data a rubric file can hold, validated when built. It provides

- ``kind`` (class attribute): its name in a rubric file (``kind = "PerOccurrence"``);
- ``clause`` and ``label``: the exact quote it implements (empty: its item's) and a short
  Chinese name for the sheet;
- :meth:`~Rule.fields`: the evidence fields it reads;
- :meth:`~Rule.numbers`: its numbers by name, so that the rubric can check their parameters;
- :meth:`~Rule.problems`: what is wrong with it inside an item of a given maximum;
- :meth:`~Rule.compile`: the one :class:`~gridrules.model.steps.Step` it becomes once the
  parameters are bound, which holds the arithmetic and its explanation;
- :meth:`~Rule.describe`: the rule in a few Chinese words, for the 考核细则 table;
- :attr:`~Rule.effect`: how its points act (deducted, set, zeroed, a penalty, a bonus), and
  for a bonus its :attr:`~Rule.bonus_ceiling`.

A new rule kind is one such class; the engine, the column path, the sheet and the checks need
nothing more of it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..fields import Field
from ..numbers import fmt
from ..rates import Rate
from ..refs import Number
from ..steps import Context, Effect, Step

__all__ = [
    "Rule",
    "cap_note",
    "capped",
    "non_negative",
    "per_occurrence_step",
    "source_reader",
    "source_reads",
]


def non_negative(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a literal number must be 0 or more (deductions are written positive)."""
    if isinstance(value, Decimal) and value < 0:
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be 0 or more, got {fmt(value)} "
            "(write deductions as positive points)"
        )


def capped(amount: Decimal, cap: Decimal | None) -> Decimal:
    """``amount``, at most ``cap`` (共N分, 封顶); ``None`` is no cap."""
    return cap if cap is not None and amount > cap else amount


def cap_note(amount: Decimal, raw: Decimal, words: str = "，共{cap}分封顶") -> str:
    """The note a working ends with when a cap took points off it: ``，共15分封顶``."""
    return words.format(cap=fmt(amount)) if amount < raw else ""


def per_occurrence_step(
    rule: Any,
    ctx: Context,
    effect: Effect,
    *,
    once: Callable[[str, Decimal], str] | None = None,
    then: str = "",
    capped_words: str = "，共{cap}分封顶",
) -> Step:
    """The step of a rule worth ``points`` per occurrence of its ``field`` (or once, for a yes/no
    field when ``rule.per == "flag"``), at most its ``cap``: the ``count × points`` form the
    engine works out itself. Deductions (每次扣N分), penalties (倒扣) and bonuses (每例加N分)
    differ only in their effect and their words: ``once`` says a yes/no rule's working,
    ``then`` follows the product, ``capped_words`` tell what a cap took."""
    points, cap = ctx.value(rule.points, "points"), ctx.optional(rule.cap, "cap")
    field, flag = rule.field, getattr(rule, "per", "occurrence") == "flag"

    def explain(values: Mapping[str, Any], amount: Decimal, units: Any) -> str:
        if flag and once is not None:
            return once(field, amount)
        count = values[field]
        raw = count * points
        return f"{fmt(count)} × {fmt(points)} = {fmt(raw)}{then}" + cap_note(
            amount, raw, capped_words
        )

    return Step(rule, effect, explain, unit=(field, points, cap, flag))


def source_reader(source: str | Rate, where: str) -> Callable[[Mapping[str, Any]], Any]:
    """How a rule reads its value from one record: a field's value, or a rate worked out from
    two (see :class:`~gridrules.model.rates.Rate`)."""
    return source.reader(where) if isinstance(source, Rate) else operator.itemgetter(source)


def source_reads(source: str | Rate) -> tuple[str, ...]:
    """The evidence fields behind a rule's value."""
    return (source.numerator, source.denominator) if isinstance(source, Rate) else (source,)


class Rule:
    """Base of the item rules; see the module's text for the protocol."""

    kind: ClassVar[str]
    evidence_numbers: ClassVar[frozenset[str]] = frozenset()
    """The attributes whose number may be read from the evidence (``{field = ...}``) or counted
    on the period scored (``{per_month = ...}``); every other number is written out or a
    parameter."""
    clause: str
    label: str

    def fields(self) -> Iterable[Field]:
        """The evidence fields this rule reads."""
        raise NotImplementedError

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        """The rule's numbers by attribute name, for parameter and reference checks."""
        return ()

    def problems(self, item_maximum: Decimal) -> list[str]:
        """What is wrong with this rule inside an item of ``item_maximum`` points."""
        return []

    def compile(self, ctx: Context) -> Step:
        """The step this rule becomes, its numbers resolved with the bound parameters."""
        raise NotImplementedError

    def describe(self) -> str:
        """The rule in a few Chinese words, for the rubric table."""
        raise NotImplementedError

    @property
    def effect(self) -> Effect:
        """How the rule's points act on its item and the total."""
        return Effect.DEDUCT

    @property
    def needs_period(self) -> bool:
        """Whether the rule's step reads the period scored (a target per working day)."""
        return False

    @property
    def primary_field(self) -> str:
        """The evidence field the rule is about (shown beside its reasons)."""
        return next(iter(self.fields())).id

    @property
    def bonus_ceiling(self) -> Decimal | None:
        """For a rule whose effect is a bonus: the most it can give, as written in the rubric;
        ``None`` when that is unbounded or a parameter (known only once bound)."""
        return None
