"""Hypothesis strategies for hostile values: what a careless or malicious user may put where a
number, a flag, a name or a table is expected, and the meaning a person gives the values that
are fine (the oracle a score read from them is checked against)."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from hypothesis import strategies as st

import gridrules as gr

_T = TypeVar("_T")

try:  # pandas records carry NumPy scalars; numpy comes with the spark extra
    import numpy
except ImportError:  # pragma: no cover - depends on the environment
    numpy = None

TRUE_WORDS = {"true", "yes", "y", "1", "是", "有", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "无", "f", ""}

NUMBER_TEXT = st.one_of(
    st.from_regex(
        r"\s?[-+]?[0-9]{0,18}(\.[0-9]{0,14})?([eE][-+]?[0-9]{1,4})?%?\s?", fullmatch=True
    ),
    st.sampled_from(
        [
            "NaN", "-nan", "sNaN", "Infinity", "-inf", "-0", "-0.0", "+0", "0E-99999", "1e400",
            "1E+15", "999999999999999", "1000000000000000", "0.000000000001", "0.0000000000001",
            "1_000", "٣", "３", "0x10", "1,5", "1.5.1", "--1", "", " ", "\t3\n", "3 4", "9" * 64,
            "9" * 65, "1" + "0" * 5000, "85%", "100%", "100.0000000001", "是", "否", "true",
            "TRUE", "Yes", "无", "有", "=1+2", "@SUM(A1)", "+3", "\x00", "3\x00", "\u202e3",
        ]
    ),
)  # fmt: skip
"""Texts that look like numbers, or nearly: signs, exponents, percents, digits of other scripts,
lengths at and past the limits, words for yes and no, formulas."""

PLAUSIBLE = st.decimals(min_value=0, max_value=120, places=2)
"""Numbers as a record holds them: 0 to 120, at most two places (over the top of a percentage or
of an item's points on purpose)."""

SCALARS = st.one_of(
    PLAUSIBLE,
    PLAUSIBLE.map(float),
    PLAUSIBLE.map(str),
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=1200),
    st.integers(),
    st.integers(min_value=10**14, max_value=10**40),
    st.floats(),
    st.floats(min_value=-1, max_value=200, allow_nan=False),
    st.decimals(),
    st.decimals(min_value=-1, max_value=200, allow_nan=False, places=3),
    NUMBER_TEXT,
    st.text(max_size=12),
)
if numpy is not None:
    SCALARS = st.one_of(
        SCALARS,
        st.integers(min_value=-3, max_value=2**62).map(numpy.int64),
        st.floats(allow_nan=True, width=64).map(numpy.float64),
        st.booleans().map(numpy.bool_),
        st.integers(min_value=0, max_value=200).map(numpy.uint8),
    )

VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.sampled_from(["A", "B", "C", "D", "x", ""]), inner, max_size=4)
    ),
    max_leaves=10,
)
"""Any value at all: scalars, and lists and tables of them (ballots, counts, names)."""


MESSAGE_LIMIT = 40_000
"""No message may run longer: at most 100 problems are listed, each value shown cut short."""


def attempt(call: Callable[[], _T]) -> tuple[_T | None, gr.GridrulesError | None]:
    """What ``call`` gives, or the GridrulesError it raised (any other exception propagates and
    fails the test); a refusal must say why in a message of bounded size."""
    try:
        return call(), None
    except gr.GridrulesError as error:
        refusal = error
    message = str(refusal)
    assert message.strip(), f"{type(refusal).__name__} with no message"
    assert len(message) < MESSAGE_LIMIT, f"a message of {len(message):,} characters"
    assert "Traceback" not in message
    return None, refusal


def plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds; anything else as it is."""
    if numpy is not None and isinstance(value, numpy.generic):
        return value.item()
    return value


def missing(value: Any) -> bool:
    """Whether a person means "not given" by ``value``: nothing, or a NaN from an empty cell."""
    value = plain(value)
    return value is None or (isinstance(value, float) and math.isnan(value))


def number_meant(value: Any) -> Decimal | None:
    """The number a person means by ``value``, worked out apart from gridrules (``None`` when
    it is not a number): an int as itself, a float by its shortest repr, a text as written
    (spaces and one ``%`` at the end aside)."""
    value = plain(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        text = value.strip()
        text = text[:-1] if text.endswith("%") else text
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def flag_meant(value: Any) -> bool | None:
    """Yes or no as a person writes it, or ``None`` when ``value`` is neither."""
    value = plain(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None
