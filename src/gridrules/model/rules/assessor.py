"""Points an assessor gives or deducts: 考评组打分, 酌情扣分."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Literal

import attrs

from ..fields import Field, FieldKind
from ..numbers import fmt, to_decimal
from ..refs import identifier
from ..steps import Context, Effect, Step
from .base import Rule

__all__ = ["AssessorPoints"]


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "maximum")


@attrs.frozen
class AssessorPoints(Rule):
    """考评组打分 / 酌情扣分: points an assessor gives, or deducts at discretion, within bounds.

    With ``mode="points"`` the item scores what the assessor gave, from 0 to ``maximum`` (the
    item's maximum when not given). With ``mode="deduction"`` the assessor's figure, from 0 to
    ``maximum``, is taken off the item. The bound is the field's: a figure over it is refused
    with the record's other problems.
    """

    kind: ClassVar[str] = "AssessorPoints"
    field: str = attrs.field(validator=identifier)
    mode: Literal["points", "deduction"] = attrs.field(
        default="points", validator=attrs.validators.in_(("points", "deduction"))
    )
    maximum: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    @property
    def effect(self) -> Effect:
        return Effect.SET if self.mode == "points" else Effect.DEDUCT

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, FieldKind.POINTS, self.label, maximum=self.maximum)

    def problems(self, item_maximum: Decimal) -> list[str]:
        if self.maximum is not None and self.maximum > item_maximum:
            return [
                f"assessor points up to {fmt(self.maximum)} exceed the item's {fmt(item_maximum)}"
            ]
        return []

    def compile(self, ctx: Context) -> Step:
        field, sets = self.field, self.effect is Effect.SET

        def amount(values: Mapping[str, Any], units: Any) -> Decimal | None:
            given: Decimal = values[field]
            return given if given or sets else None

        def explain(values: Mapping[str, Any], amount: Decimal, units: Any) -> str:
            return f"考评组打分 {fmt(amount)}" if sets else f"考评组酌情扣 {fmt(amount)}"

        return Step(self, self.effect, explain, amount=amount, reads=(field,))

    def describe(self) -> str:
        return "考评组打分" if self.mode == "points" else "考评组酌情扣分"
