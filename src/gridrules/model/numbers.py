"""Exact numbers: every score is a :class:`~decimal.Decimal`, worked out in the library's context.

Arithmetic on Decimals depends on the *current* decimal context: a host application that sets
``decimal.getcontext().prec = 3`` would change every score worked out under it. So gridrules
never uses the caller's context. Everything that scores runs inside :func:`exact` (the library's
context, :data:`CONTEXT`), and what formats a number names the context it uses.

What stays exact, and what cannot:

- A number read from evidence, parameters or a rubric is kept as written, digit for digit, or
  refused with an error that says why: at most :data:`INTEGER_DIGITS` digits before the point and
  :data:`DECIMAL_PLACES` after it (:func:`check_size`). Sums, differences and products of such
  numbers, which is all a deduction, a quota or a bonus does, always fit the context: they are
  exact, never rounded. Should one not fit all the same, the context's traps raise
  (:class:`~decimal.Inexact`) rather than round in silence.
- A division that does not end (a ballot mean of 262 ÷ 3, a weight of 40% over parts summing to
  90) cannot be exact in decimals. It is carried to :data:`QUOTIENT_DIGITS` significant digits,
  rounded half-even (:func:`divide`), once, where the division is; a score sheet shows such a
  value to :data:`SHOWN_PLACES` decimal places, half up, and says so (:func:`shown`).
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import attrs

from ..errors import NumberError

__all__ = [
    "CONTEXT",
    "DECIMAL_PLACES",
    "HUNDRED",
    "INTEGER_DIGITS",
    "ONE",
    "QUOTIENT_DIGITS",
    "SHOWN_PLACES",
    "ZERO",
    "Rounding",
    "as_tuple",
    "canonical",
    "check_size",
    "divide",
    "exact",
    "fmt",
    "scalar",
    "shown",
    "to_decimal",
    "to_figure",
]

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

INTEGER_DIGITS = 15
"""The most digits a number read from evidence, parameters or a rubric may have before its
point: counts, amounts and points under 10¹⁵."""
DECIMAL_PLACES = 12
"""The most decimal places such a number may have."""
QUOTIENT_DIGITS = 28
"""The significant digits a division that does not end is carried to (rounded half-even)."""
SHOWN_PLACES = 2
"""The decimal places a score sheet shows of a value longer than that (四舍五入)."""
_LONGEST_TEXT = 64
"""The longest text read as a number (signs, spaces and exponents included): anything longer
is refused before it is parsed, however many digits it holds."""

CONTEXT = decimal.Context(
    prec=80,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[
        decimal.InvalidOperation,
        decimal.DivisionByZero,
        decimal.Overflow,
        decimal.Inexact,
    ],
)
"""The context every score is worked out in, whatever the caller's.

80 digits hold any sum or product of the numbers :func:`check_size` admits with room to spare;
an operation that would still round raises :class:`~decimal.Inexact` instead.
"""

_QUOTIENTS = decimal.Context(
    prec=QUOTIENT_DIGITS,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

_ROUNDING = CONTEXT.copy()
_ROUNDING.traps[decimal.Inexact] = False
"""For the roundings a rubric declares (四舍五入) and for what a sheet shows: the only places a
value is rounded on purpose."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


def exact(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` in the library's context (:data:`CONTEXT`), the caller's restored after.

    Every public entry point that computes a score is wrapped in it. Should an operation still
    need more digits than the context holds, :class:`~gridrules.NumberError` says so, rather than
    a number being rounded in silence.
    """

    @wraps(function)
    def in_context(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        caller = decimal.getcontext()
        if caller is CONTEXT:
            return function(*args, **kwargs)
        decimal.setcontext(CONTEXT)
        try:
            return function(*args, **kwargs)
        except decimal.DecimalException as error:
            raise NumberError(
                f"a number needs more digits than gridrules keeps exact ({type(error).__name__})"
            ) from None
        finally:
            decimal.setcontext(caller)

    return in_context


divide: Callable[[Decimal | int, Decimal | int], Decimal] = _QUOTIENTS.divide
"""``dividend ÷ divisor``: exact when the quotient ends within :data:`QUOTIENT_DIGITS` digits,
else carried to that many significant digits, rounded half-even; ``x ÷ 1`` is ``x`` itself,
digit for digit. (The quotient context's own method: divisions are done per record.)"""


def check_size(value: Decimal) -> str | None:
    """Why ``value`` is too long to be kept exact, or ``None`` when it is not.

    A finite number is kept when it has at most :data:`INTEGER_DIGITS` digits before its point
    and :data:`DECIMAL_PLACES` after it (trailing zeros after the point count: ``1.50`` has two).
    """
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    whole = len(digits) + exponent
    if whole > INTEGER_DIGITS and any(digits):
        return (
            f"has {whole} digits before the decimal point; gridrules keeps numbers under "
            f"10^{INTEGER_DIGITS} exact and refuses larger ones"
        )
    if -exponent > DECIMAL_PLACES:
        return (
            f"has {-exponent} decimal places; gridrules keeps at most {DECIMAL_PLACES} exact "
            "and refuses more rather than round"
        )
    return None


def scalar(value: object) -> object:
    """A NumPy scalar as the Python value it holds (``numpy.int64(3)`` is ``3``), so that a
    value from a data frame reads as one written by hand; any other value as it is."""
    if type(value).__module__ == "numpy":
        item = getattr(value, "item", None)
        if callable(item):
            return item()
    return value


def to_decimal(value: object, where: str = "value") -> Decimal:
    """Convert ``value`` to a Decimal exactly, or refuse it.

    Integers and Decimals are taken as they are, strings are parsed (``"0.5"``), and a float is
    converted through its shortest decimal string (``0.1`` becomes ``Decimal("0.1")``, never
    ``0.1000000000000000055...``); a NumPy scalar as the value it holds. Booleans, NaN,
    infinities and numbers too long to be kept exact (:func:`check_size`) are refused; ``-0`` is
    read as ``0``.

    :raises TypeError: naming ``where`` when the value is not a number.
    :raises ValueError: naming ``where`` when the number is too long to be kept exact.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError(f"{where}: expected a number, got the boolean {value!r}")
    elif isinstance(value, int):
        if -(10**INTEGER_DIGITS) < value < 10**INTEGER_DIGITS:
            return Decimal(value)
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(float.__repr__(value))  # a subclass's repr may be its own
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > _LONGEST_TEXT:
            raise ValueError(
                f"{where}: a number of {len(text)} characters is too long to be kept exact"
            )
        try:
            result = Decimal(text)
        except InvalidOperation:
            shown_text = text if len(text) <= 40 else text[:40] + "…"
            raise TypeError(f"{where}: expected a number, got the text {shown_text!r}") from None
    else:
        held = scalar(value)
        if held is not value:  # numpy.int64(3): read as 3
            return to_decimal(held, where)
        raise TypeError(f"{where}: expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise TypeError(f"{where}: expected a finite number, got {value!r}")
    problem = check_size(result)
    if problem is not None:
        raise ValueError(f"{where}: {problem}")
    return canonical(result)


_LONGEST_FIGURE = 200
"""The longest text read as a figure gridrules wrote."""


def to_figure(value: object, where: str = "value") -> Decimal:
    """A figure gridrules worked out and wrote (a total, an item's points, a ballot mean), read
    back exactly: as :func:`to_decimal` reads a number, save that it may have as many decimal
    places as the library's own arithmetic gives it (a division is carried to
    :data:`QUOTIENT_DIGITS` significant digits: 262 ÷ 3 is written ``87.33…3`` with 26 places),
    up to the working precision of :data:`CONTEXT`. A text or a float (a spreadsheet's cell)
    may be that long; its digits before the point are held to :data:`INTEGER_DIGITS` as ever.

    :raises TypeError: naming ``where`` when the value is not a number.
    :raises ValueError: naming ``where`` when the number is longer than any figure can be.
    """
    if isinstance(value, str | float) and not isinstance(value, bool):
        text = value.strip() if isinstance(value, str) else float.__repr__(value)
        if len(text) <= _LONGEST_FIGURE:
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite():
                _, digits, exponent = number.as_tuple()
                assert isinstance(exponent, int)
                whole = len(digits) + exponent
                if -exponent <= CONTEXT.prec and (whole <= INTEGER_DIGITS or not any(digits)):
                    return canonical(number)
    return to_decimal(value, where)  # every other value, and the reason it is refused


def canonical(value: Decimal) -> Decimal:
    """``value`` in the one form gridrules keeps a number read from outside in: no trailing
    zeros after the point (``"92.50"`` is ``92.5``, ``"3.0"`` is ``3``), and ``-0`` as ``0``.

    Equal numbers then have equal digits, so that what is worked out from one is what is worked
    out from the other, down to the last digit (a count of ``"3.0"`` deducts 1.5, as 3 does).
    """
    sign, digits, exponent = value.as_tuple()
    if isinstance(exponent, int) and exponent > 0:
        value = value.quantize(ONE, context=CONTEXT)  # 1E+2 is 100
    elif isinstance(exponent, int) and exponent < 0 and digits[-1] == 0:
        value = (
            value.quantize(ONE, context=CONTEXT)
            if value == value.to_integral_value()
            else (value.normalize(CONTEXT))
        )
    if sign and not value:
        return value.copy_abs()  # a sheet never shows 实际-0%
    return value


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """attrs converter: any iterable (a list from a file, a generator) to a tuple."""
    return tuple(value)


_WRITTEN_OUT = 100
"""The most digits :func:`fmt` writes out in full, before or after the point. A number longer
than that is never scored (:func:`check_size` refuses it); only a refused value shown in a
message can be, and it is shown in scientific notation (``1E+999999999``), so that showing it
costs nothing."""


def fmt(value: Decimal) -> str:
    """Print a Decimal the way an assessor writes it: ``1.50`` as ``1.5``, ``10.0`` as ``10``.

    The one way numbers are printed, everywhere: sheets, tables, messages. Exact: every digit
    the value has is shown (see :func:`shown` for the values a division left long). It needs
    no context and never fails: a value of more than 100 digits before or after its point
    (never one scored) is written in scientific notation, a NaN or an infinity as Python does.
    """
    text = _FMT.get(value) if value.is_finite() else None  # a signalling NaN has no hash
    if text is not None:
        return text
    if not value:
        return "0"
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN, infinity
        return str(value)
    if len(digits) + exponent > _WRITTEN_OUT or -exponent > _WRITTEN_OUT:
        return str(value)  # as long as its digits, however large its exponent
    if exponent == 0:
        text = str(value)  # a whole number as written: the usual case
    else:
        text = format(value, "f")
        if exponent < 0:
            text = text.rstrip("0").rstrip(".")
    # within the digits written out, equal values are written alike (1.50 and 1.5 as 1.5)
    if len(_FMT) < _FMT_LIMIT:
        _FMT[value] = text
    return text


_FMT: dict[Decimal, str] = {}
"""Values as :func:`fmt` writes them, those written out in full: a sheet's few figures recur."""
_FMT_LIMIT = 10_000


_SHOWN_QUANTUM = Decimal(1).scaleb(-SHOWN_PLACES)


_SHOWN: dict[Decimal, str] = {}
"""Values as :func:`shown` writes them: the text depends on the value alone (``1.50`` and ``1.5``
show alike), and a sheet's few figures recur from sheet to sheet."""
_SHOWN_LIMIT = 10_000


def shown(value: Decimal) -> str:
    """A value as a sheet shows it: as :func:`fmt` does when it has at most
    :data:`SHOWN_PLACES` decimal places, else rounded half up to that many, with ``≈`` before it
    (``87.333…`` shows as ``≈87.33``)."""
    text = _SHOWN.get(value)
    if text is not None:
        return text
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent >= -SHOWN_PLACES:
        text = fmt(value)
    else:
        rounded = value.quantize(_SHOWN_QUANTUM, rounding=ROUND_HALF_UP, context=_ROUNDING)
        text = fmt(value) if rounded == value else "≈" + fmt(rounded)
    if len(_SHOWN) < _SHOWN_LIMIT:
        _SHOWN[value] = text
    return text


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
        return value.quantize(_QUANTA[self.places], ROUND_HALF_UP, _ROUNDING)

    def describe(self) -> str:
        """The rounding in Chinese words (四舍五入取整)."""
        return "四舍五入取整" if self.places == 0 else f"四舍五入保留{self.places}位小数"
