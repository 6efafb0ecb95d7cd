"""Exact numbers: every score is a :class:`~decimal.Decimal`, and no float ever touches one."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import attrs

__all__ = ["ZERO", "Rounding", "as_tuple", "fmt", "to_decimal"]

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def to_decimal(value: object, where: str = "value") -> Decimal:
    """Convert ``value`` to a Decimal exactly.

    Integers and Decimals are taken as they are, strings are parsed (``"0.5"``), and a float is
    converted through its shortest decimal string (``0.1`` becomes ``Decimal("0.1")``, never
    ``0.1000000000000000055...``). Booleans, NaN and infinities are rejected.

    :raises TypeError: naming ``where`` when the value is not a number.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError(f"{where}: expected a number, got the boolean {value!r}")
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise TypeError(f"{where}: expected a number, got the text {value!r}") from None
    else:
        raise TypeError(f"{where}: expected a number, got {type(value).__name__} {value!r}")
    if not result.is_finite():
        raise TypeError(f"{where}: expected a finite number, got {value!r}")
    return result


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """attrs converter: any iterable (a list from a file, a generator) to a tuple."""
    return tuple(value)


def fmt(value: Decimal) -> str:
    """Print a Decimal the way an assessor writes it: ``1.50`` as ``1.5``, ``10.0`` as ``10``."""
    if value == value.to_integral_value():
        return str(value.quantize(ONE))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(7))
"""The quantum of each number of places a rounding may keep (0 to 6), made once: rounding is done
per item and record, and making its quantum anew cost more than the rounding."""


def _places(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 6:
        raise ValueError(f"rounding places must be a whole number from 0 to 6, got {value!r}")
    return value


@attrs.frozen
class Rounding:
    """四舍五入: round half up to ``places`` decimal places (分值以整数计 is ``places=0``).

    Rounding happens only at the nodes that declare it, never silently elsewhere.
    """

    places: int = attrs.field(default=0, converter=_places)

    @property
    def quantum(self) -> Decimal:
        """The smallest step kept: ``Decimal("1")`` for whole points, ``Decimal("0.1")``..."""
        return _QUANTA[self.places]

    def apply(self, value: Decimal) -> Decimal:
        """``value`` rounded half up (四舍五入) to the declared places."""
        return value.quantize(self.quantum, rounding=ROUND_HALF_UP)

    def describe(self) -> str:
        """The rounding in Chinese words (四舍五入取整)."""
        return "四舍五入取整" if self.places == 0 else f"四舍五入保留{self.places}位小数"
