"""Evidence written as text, as regular expressions: what the fields' checks read, and what the
evidence's JSON Schema says they read.

A number may come as text (``"3"``, ``"85.5"``, ``"85%"``), a yes-or-no as a word (``"是"``,
``"no"``), names as one text (``"例会制度、巡查制度"``). The checks in
:mod:`gridrules.model.fields` read such text; a JSON Schema can only say what it accepts with a
``pattern``. This module writes both from one description, so that the schema accepts a text
exactly when the check does:

- A number as text is plain decimal notation, after the white space :meth:`str.strip` removes:
  an optional sign, digits (ASCII or full-width ``０``-``９``), an optional point and decimal
  places; no exponent, no separators. It has at most
  :data:`~gridrules.model.numbers.INTEGER_DIGITS` digits before the point (leading zeros
  included) and :data:`~gridrules.model.numbers.DECIMAL_PLACES` after it.
- :func:`number_pattern` is the pattern of the texts of the numbers from 0 to a bound (``"-0"``
  is 0, so it is among them), whole or not; a percentage may end in ``%``.

The patterns use only what ECMA-262 and Python's :mod:`re` read alike (character classes with
``\\uXXXX`` escapes, groups, bounded repeats; no look-around, so that a generator of strings
from a schema, such as Hypothesis's, makes them quickly), and are anchored with ``^`` and ``$``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from .numbers import DECIMAL_PLACES, INTEGER_DIGITS

__all__ = [
    "LONGEST_NUMBER_TEXT",
    "NUMBER_DIGITS",
    "NUMBER_TEXT",
    "SEPARATORS",
    "WHITE",
    "counts_pattern",
    "names_pattern",
    "number_pattern",
    "words_pattern",
]

LONGEST_NUMBER_TEXT = 64
"""The longest text read as a number, once stripped (see
:func:`~gridrules.model.numbers.to_decimal`)."""

SEPARATORS = "、，,;"
"""What separates names (or counts) written in one text: ``"例会制度、巡查制度"``."""


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _ranges(codes: list[int]) -> str:
    """Code points as the inside of a character class, runs written as ranges."""
    out, at = [], 0
    while at < len(codes):
        end = at
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        first, last = _escape(chr(codes[at])), _escape(chr(codes[end]))
        out.append(first if at == end else f"{first}-{last}")
        at = end + 1
    return "".join(out)


_SPACES = _ranges([c for c in range(0x10000) if chr(c).isspace()])
WHITE = f"[{_SPACES}]"
"""A character :meth:`str.strip` removes (the same set, written out for any regex engine)."""
_FULL_WIDTH = 0xFF10 - ord("0")


def _digits(low: int, high: int) -> str:
    """A digit from ``low`` to ``high``, ASCII or full-width."""
    if low > high:
        raise ValueError(f"no digit from {low} to {high}")
    ascii_ = f"{low}" if low == high else f"{low}-{high}"
    wide = _escape(chr(low + ord("0") + _FULL_WIDTH))
    if high > low:
        wide += "-" + _escape(chr(high + ord("0") + _FULL_WIDTH))
    return f"[{ascii_}{wide}]"


_DIGIT = _digits(0, 9)
_ZERO = _digits(0, 0)

NUMBER_TEXT = re.compile(rf"[+-]?(?:{_DIGIT}+(?:\.{_DIGIT}*)?|\.{_DIGIT}+)")
"""The form of a number as text, once stripped: sign, digits, point, decimal places."""
NUMBER_DIGITS = re.compile(
    rf"[+-]?(?:{_DIGIT}{{1,{INTEGER_DIGITS}}}(?:\.{_DIGIT}{{0,{DECIMAL_PLACES}}})?"
    rf"|\.{_DIGIT}{{1,{DECIMAL_PLACES}}})"
)
"""That form within the digits kept exact: at most
:data:`~gridrules.model.numbers.INTEGER_DIGITS` digits before the point, leading zeros
included, and :data:`~gridrules.model.numbers.DECIMAL_PLACES` after it."""


def _quote(text: str) -> str:
    """``text`` matched as it is: the characters special to a regex escaped, as both engines
    read them (Python's :func:`re.escape` escapes more than ECMA-262 allows)."""
    return "".join(f"\\{c}" if c in _SPECIAL else c for c in text)


_SPECIAL = frozenset("\\^$.|?*+()[]{}")


def _literal(text: str) -> str:
    """``text`` (digits) as a pattern, each digit ASCII or full-width."""
    return "".join(_digits(int(c), int(c)) for c in text)


def _below(limit: int) -> list[tuple[str, int]]:
    """The whole numbers from 0 to ``limit - 1`` (``limit`` ≥ 1) written without leading
    zeros: each form's pattern and its width in digits."""
    top = str(limit - 1)
    options = [(_DIGIT, 1)] if len(top) > 1 else []
    for width in range(2, len(top)):
        options.append((f"{_digits(1, 9)}{_DIGIT}{{{width - 1}}}", width))
    # as many digits as limit - 1: digit by digit, at or under its digits
    for at, char in enumerate(top):
        digit = int(char)
        low = 1 if at == 0 and len(top) > 1 else 0
        if digit > low:
            rest = len(top) - at - 1
            tail = f"{_DIGIT}{{{rest}}}" if rest else ""
            options.append((f"{_literal(top[:at])}{_digits(low, digit - 1)}{tail}", len(top)))
    options.append((_literal(top), len(top)))
    return options


def _padded(options: list[tuple[str, int]]) -> str:
    """Whole numbers in ``options``, each with the leading zeros its width leaves room for (at
    most :data:`~gridrules.model.numbers.INTEGER_DIGITS` digits in all)."""
    return "(?:" + "|".join(f"{_ZERO}{{0,{INTEGER_DIGITS - w}}}{p}" for p, w in options) + ")"


def _fraction_at_most(places: str, least: int = 0) -> str:
    """At least ``least`` and at most :data:`~gridrules.model.numbers.DECIMAL_PLACES` decimal
    places whose value as a fraction is at most ``0.places`` (``places`` without trailing
    zeros)."""
    most = DECIMAL_PLACES
    if not places:
        return f"{_ZERO}{{{least},{most}}}"
    options = [_literal(places[:at]) for at in range(least, len(places))]  # shorter prefixes
    for at, char in enumerate(places):
        if int(char) > 0:
            options.append(
                f"{_literal(places[:at])}{_digits(0, int(char) - 1)}{_DIGIT}{{0,{most - at - 1}}}"
            )
    options.append(f"{_literal(places)}{_ZERO}{{0,{most - len(places)}}}")
    return "(?:" + "|".join(options) + ")"


def _at_most(bound: Decimal | None, whole: bool) -> str:
    """The texts (stripped) of the numbers from 0 to ``bound`` (no bound: any kept exact),
    whole numbers only when ``whole``."""
    places = _ZERO if whole else _DIGIT
    fraction = f"(?:\\.{places}{{0,{DECIMAL_PLACES}}})?"
    zero = (
        f"-(?:{_ZERO}{{1,{INTEGER_DIGITS}}}(?:\\.{_ZERO}{{0,{DECIMAL_PLACES}}})?"
        f"|\\.{_ZERO}{{1,{DECIMAL_PLACES}}})"
    )
    if bound is None:
        options = [
            f"{_DIGIT}{{1,{INTEGER_DIGITS}}}{fraction}",
            f"\\.{places}{{1,{DECIMAL_PLACES}}}",
        ]
    else:
        top = int(bound)
        text = format(bound - top, "f")
        extra = "" if whole else text.partition(".")[2].rstrip("0")
        options = []
        if top >= 1:
            options.append(f"{_padded(_below(top))}{fraction}")
            options.append(f"\\.{places}{{1,{DECIMAL_PLACES}}}")
        whole_part = _padded([(_literal(str(top)), len(str(top)))])
        options.append(f"{whole_part}(?:\\.{_fraction_at_most(extra)})?")
        if top == 0:
            # no whole part: ".5" (under the bound's fraction), at least one digit
            options.append(f"\\.{_fraction_at_most(extra, 1)}")
    return f"(?:\\+?(?:{'|'.join(options)})|{zero})"


def number_pattern(
    bound: Decimal | None = None, *, whole: bool = False, percent: bool = False
) -> str:
    """The pattern of the texts read as a number from 0 to ``bound`` (none: any size kept
    exact), a whole number when ``whole``; with ``percent`` the text may end in ``%``.

    White space around the number (and around the ``%``) is allowed, as the checks strip it.
    """
    suffix = f"(?:{WHITE}*%)?" if percent else ""
    return f"^{WHITE}*{_at_most(bound, whole)}{suffix}{WHITE}*$"


def words_pattern(words: Iterable[str]) -> str:
    """The pattern of the texts that are one of ``words`` in any case, white space around."""
    options = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        letters = []
        for char in word:
            upper, lower = char.upper(), char.lower()
            if upper != lower and len(upper) == len(lower) == 1:
                letters.append(f"[{_quote(upper)}{_quote(lower)}]")
            else:
                letters.append(_quote(char))
        options.append("".join(letters))
    return f"^{WHITE}*(?:{'|'.join(options)}){WHITE}*$"


def names_pattern(names: Iterable[str]) -> str:
    """The pattern of one text naming some of ``names``, separated by one of
    :data:`SEPARATORS` (``"例会制度、巡查制度"``); empty parts are ignored."""
    options = "|".join(_quote(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))
    part = f"{WHITE}*(?:{options})?{WHITE}*" if options else f"{WHITE}*"
    return f"^{part}(?:[{SEPARATORS}]{part})*$"


def counts_pattern() -> str:
    """The pattern of one text listing whole numbers (counts), separated by one of
    :data:`SEPARATORS` (``"1、0、2"``); empty parts are ignored."""
    part = f"{WHITE}*(?:{_at_most(None, True)})?{WHITE}*"
    return f"^{part}(?:[{SEPARATORS}]{part})*$"
