"""Rules that zero an item: 本项不得分 / 扣除该项所有分值, and 未完成指标的该子项不计分."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..conditions import When
from ..fields import Field, FieldKind
from ..refs import Number, identifier
from ..steps import Context, Effect, Step
from .base import Rule

__all__ = ["AllOrNothing", "ZeroIf"]


@attrs.frozen
class ZeroIf(Rule):
    """本项不得分 / 扣除该项所有分值: a condition zeroes the item, whatever else it scored."""

    kind: ClassVar[str] = "ZeroIf"
    when: When
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    @property
    def effect(self) -> Effect:
        return Effect.ZERO

    def fields(self) -> Iterable[Field]:
        return self.when.fields(self.label)

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return self.when.numbers()

    def compile(self, ctx: Context) -> Step:
        reads = self.when.explainer(ctx.params)

        def explain(values: Mapping[str, Any], amount: Decimal, units: Any) -> str:
            return f"{reads(values)}，本项不得分"

        test = self.when.test(ctx.params)
        if test is None:  # two fields: a function of the record
            return Step(
                self,
                Effect.ZERO,
                explain,
                holds=self.when.compile(ctx.params),
                reads=self.when.reads,
            )
        return Step(self, Effect.ZERO, explain, test=test)

    def describe(self) -> str:
        return f"{self.when}时本项不得分"


@attrs.frozen
class AllOrNothing(Rule):
    """未完成指标的, 该子项不计分: full marks when the target was met, else 0."""

    kind: ClassVar[str] = "AllOrNothing"
    field: str = attrs.field(validator=identifier)
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    @property
    def effect(self) -> Effect:
        return Effect.ZERO

    def fields(self) -> Iterable[Field]:
        yield Field(self.field, FieldKind.FLAG, self.label)

    def compile(self, ctx: Context) -> Step:
        def explain(values: Mapping[str, Any], amount: Decimal, units: Any) -> str:
            return "未完成指标，该项不计分"

        # a flag is a bool once validated: unmet is False itself
        return Step(self, Effect.ZERO, explain, test=(self.field, operator.is_, False))

    def describe(self) -> str:
        return "完成指标得满分，未完成不计分"
