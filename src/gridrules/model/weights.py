"""Weights of a composite (30% / 30% / 40%): one child's weight, and the rule that a composite's
weights sum to 1, checked once, here, wherever weights appear (sections, ballot types,
combinations of periods, parameters filling them)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from .numbers import ONE, ZERO, fmt
from .refs import Number, number

__all__ = ["Weight", "weights_problem"]


@attrs.frozen
class Weight:
    """The weight of one child in a weighted composite (30% is ``Weight("system", "0.3")``)."""

    child: str
    weight: Number = attrs.field(converter=number)


def weights_problem(
    weights: Iterable[tuple[str, Decimal]], share: Decimal = ONE, *, named: bool = True
) -> str | None:
    """Why these weights of one composite are wrong, or ``None`` when they sum to ``share``.

    ``share`` is 1, or what literal weights leave to the parameters beside them. The message
    lists each weight (by name, unless ``named`` is false) and the sum:
    ``"must sum to 1, got A 0.5 + B 0.3 + C 0.3 = 1.1"``.
    """
    pairs = list(weights)
    total = sum((weight for _, weight in pairs), ZERO)
    if total == share:
        return None
    shown = " + ".join(f"{name} {fmt(w)}" if named else fmt(w) for name, w in pairs)
    return f"must sum to {fmt(share)}, got {shown} = {fmt(total)}"
