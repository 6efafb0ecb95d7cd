"""Evidence fields: what a rubric reads about one assessee, their types, and their validation."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from operator import getitem
from typing import Any

import attrs

from ..errors import RubricError, brief
from .numbers import HUNDRED, INTEGER_DIGITS, ZERO, as_tuple, fmt, scalar, to_decimal
from .patterns import (
    LONGEST_NUMBER_TEXT,
    NUMBER_DIGITS,
    NUMBER_TEXT,
    counts_pattern,
    names_pattern,
    number_pattern,
    words_pattern,
)

__all__ = [
    "COUNT_TEXT",
    "FLAG_TEXT",
    "MEMO_LIMIT",
    "SMALL_COUNTS",
    "SMALL_LIMIT",
    "TEXT_LIMIT",
    "BadValue",
    "Field",
    "FieldKind",
    "check_amount",
    "check_count",
    "check_counts",
    "check_flag",
    "check_percentage",
    "check_text",
    "evidence_schema",
    "merge_fields",
    "missing",
    "scalar",
]

_TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "有", "t"})
_FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "无", "f", ""})


class FieldKind(enum.Enum):
    """The kinds of evidence value a rule can read."""

    COUNT = "count"
    """A whole number of occurrences, 0 or more (缺勤次数, 少报件数)."""
    AMOUNT = "amount"
    """A number 0 or more that need not be whole (households, hours)."""
    PERCENTAGE = "percentage"
    """A rate from 0 to 100 (整改率 85 means 85%)."""
    FLAG = "flag"
    """Yes or no (是否发生重大事故)."""
    LEVEL = "level"
    """One name, or several, from a fixed list (表彰级别: 市级)."""
    POINTS = "points"
    """Points an assessor gave, from 0 to the field's maximum (考评组打分)."""
    ELEMENTS = "elements"
    """A list of named elements from a fixed list (已建立的制度)."""
    BALLOTS = "ballots"
    """Appraisal ballots by type (评议票 A/B/C): each ballot one rater's scores on the criteria."""
    COUNTS = "counts"
    """A count for each unit of time of the period (each month's trainings: ``[1, 0, 2]``)."""
    TEXT = "text"
    """Free text, never scored: a remark an assessor writes (领导点评), or a name a region fills in
    as a parameter (a grade's name). At most ``TEXT_LIMIT`` (2,000) characters unless the field
    says fewer."""


class BadValue(Exception):
    """A value failed its field's check; carries the message for a :class:`~gridrules.Problem`.

    ``path`` leads from the field's value to the part that is wrong (``("B", 0, 2)``: ballot
    type B, its first ballot, the third score), empty when the value as a whole is.
    """

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


_COUNT, _FLAG = FieldKind.COUNT, FieldKind.FLAG
SMALL_LIMIT = 1000
# Decimals are immutable, so every record can share these instead of building its own; each is
# exactly what the checker makes of the same int or text (Decimal(3) == Decimal("3"), same form).
SMALL_COUNTS = tuple(Decimal(n) for n in range(SMALL_LIMIT))
COUNT_TEXT = {str(n): number for n, number in enumerate(SMALL_COUNTS)}
MEMO_LIMIT = 4096
"""How many distinct texts a memo of read values keeps (per kind, or per field): enough for the
rates and points of a city's records ("92.5", "3.5"), and bounded so that memory stays flat."""
_AMOUNT_TEXT: dict[str, Decimal] = {}
_PERCENT_TEXT: dict[str, Decimal] = {}
# The fast paths below take only exact types (``type(x) is int``, never a bool or a subclass) and
# memoise only texts (a str key equals only a str): 1, True, 1.0 and Decimal("1.0") are equal
# as dict keys but read differently, so they must never share an entry.


def missing(value: object) -> bool:
    """Whether ``value`` means "not given": ``None``, a NaN (an empty cell of a data frame), or
    pandas' ``NA``."""
    return (
        value is None
        or (isinstance(value, float) and value != value)
        or type(value).__name__ == "NAType"
    )


def _read_number(value: object, expected: str) -> Decimal:
    """The full reading of a number; every problem said in the words of ``expected``."""
    value = scalar(value)
    if isinstance(value, bool):
        raise BadValue(f"expected {expected}, got the boolean {value!r}")
    if not isinstance(value, int | Decimal | str | float):
        raise BadValue(f"expected {expected}, got {type(value).__name__} {brief(value)}")
    if isinstance(value, str):
        text = value.strip()
        # plain decimals only (no exponent, no separator), as the JSON Schema's pattern says; a
        # text too long to be a number is refused as such below
        if len(text) <= LONGEST_NUMBER_TEXT and not NUMBER_TEXT.fullmatch(text):
            raise BadValue(f"expected {expected}, got {brief(value)}")
    try:
        number = to_decimal(value, brief(value))
    except TypeError:
        raise BadValue(f"expected {expected}, got {brief(value)}") from None
    except ValueError as too_long:
        raise BadValue(str(too_long)) from None
    if isinstance(value, str) and not NUMBER_DIGITS.fullmatch(value.strip()):
        raise BadValue(
            f"{brief(value)}: write at most {INTEGER_DIGITS} digits before the decimal point "
            "(leading zeros included)"
        )
    return number


def check_count(value: object) -> Decimal:
    """A count's reading: a whole number of occurrences, 0 or more."""
    if type(value) is int and 0 <= value < SMALL_LIMIT:
        return SMALL_COUNTS[value]
    number = _read_number(value, "a whole number of occurrences (0 or more)")
    if number != number.to_integral_value():
        raise BadValue(f"expected a whole number of occurrences, got {brief(value)}")
    if number < 0:
        raise BadValue(f"a count cannot be negative, got {brief(value)}")
    return number


def _remembering(
    below: int, texts: dict[str, Decimal], read: Callable[[object], Decimal]
) -> Callable[[object], Decimal]:
    """A number's check: an int from 0 below ``below`` is the shared Decimal of its value, a
    text is read once and remembered in ``texts`` (bounded), anything else is ``read`` in full."""

    def check(value: object) -> Decimal:
        if type(value) is int:
            if 0 <= value < below:
                return SMALL_COUNTS[value]
        elif type(value) is str:
            number = texts.get(value)
            if number is None:
                number = read(value)
                if len(texts) < MEMO_LIMIT:
                    texts[value] = number
            return number
        return read(value)

    return check


def _read_amount(value: object) -> Decimal:
    """The full check of an amount, reporting what is wrong with it."""
    number = _read_number(value, "a number (0 or more)")
    if number < 0:
        raise BadValue(f"an amount cannot be negative, got {brief(value)}")
    return number


def _read_percentage(value: object) -> Decimal:
    """The full check of a percentage, reporting what is wrong with it."""
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    number = _read_number(value, "a percentage from 0 to 100")
    if not ZERO <= number <= HUNDRED:
        raise BadValue(f"a percentage must be from 0 to 100, got {brief(value)}")
    return number


check_amount = _remembering(SMALL_LIMIT, _AMOUNT_TEXT, _read_amount)
"""An amount's reading: a number 0 or more."""
check_percentage = _remembering(101, _PERCENT_TEXT, _read_percentage)
"""A percentage's reading: a number from 0 to 100 (``"85%"`` is 85)."""


TEXT_LIMIT = 2000
"""The most characters a text value may hold (a field may allow fewer: its ``maximum``)."""


def check_text(value: object, limit: int = TEXT_LIMIT) -> str:
    """A text's reading: a string of at most ``limit`` characters, spaces at its ends removed,
    its line breaks kept; control characters other than line breaks and tabs are refused."""
    value = scalar(value)
    if not isinstance(value, str):
        raise BadValue(f"expected text, got {type(value).__name__} {brief(value)}")
    text = value.strip()
    if len(text) > limit:
        raise BadValue(f"a text of {len(text)} characters is longer than the {limit} allowed")
    if any(ch < " " and ch not in "\n\r\t" for ch in text) or "\x7f" in text:
        raise BadValue("a text may not hold control characters other than line breaks and tabs")
    return text


# the words as they usually come, each read exactly as check_flag reads it
FLAG_TEXT = {
    spelling: word in _TRUE_WORDS
    for word in _TRUE_WORDS | _FALSE_WORDS
    if word
    for spelling in {word, word.upper(), word.capitalize()}
}


def check_flag(value: object) -> bool:
    """A flag's reading: yes or no (``True``, ``"是"``, ``"no"``, ...)."""
    value = scalar(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise BadValue(f"expected true or false, got {brief(value)}")


def check_counts(value: object) -> tuple[Decimal, ...]:
    """A list of counts, one per unit of time: each a whole number, 0 or more (``[1, 0, 2]``, or
    the text ``"1、0、2"``)."""
    if isinstance(value, str):
        value = _names(value)
    if not isinstance(value, list | tuple):
        raise BadValue(f"expected a list of counts, one per unit of time, got {brief(value)}")
    counts = []
    for at, count in enumerate(value):
        try:
            counts.append(check_count(count))
        except BadValue as bad:
            raise BadValue(f"count {at + 1}: {bad}", (at,)) from None
    return tuple(counts)


_NO_NAMES: frozenset[str] = frozenset()
_LISTED = 10
"""The most names a message lists; the rest are counted."""


def _listed(names: list[Any]) -> str:
    """Names for a message: the first few, each cut short, and how many more there are."""
    shown = "、".join(
        (n if len(n) <= 40 else n[:39] + "…") if isinstance(n, str) else brief(n)
        for n in names[:_LISTED]
    )
    return shown + (f" and {len(names) - _LISTED:,} more" if len(names) > _LISTED else "")


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        parts = value.replace("、", ",").replace("，", ",").replace(";", ",").split(",")
        return [p.strip() for p in parts if p.strip()]
    if isinstance(value, list | tuple | set | frozenset):
        names = []
        for element in value:
            if not isinstance(element, str):
                raise BadValue(f"expected names (text), got the element {brief(element)}")
            names.append(element)
        return names
    raise BadValue(f"expected a list of names, got {type(value).__name__} {brief(value)}")


@attrs.frozen
class Field:
    """One evidence field: its id (the evidence key), kind, description, and default.

    A field with a ``default`` may be left out of a record; the score sheet then lists it among the
    fields that took their default. ``choices`` are the allowed names of a level or elements field,
    ``maximum`` the highest points of a points field, or the most characters of a text field.
    """

    id: str
    kind: FieldKind
    description: str = ""
    default: Any = None
    choices: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    maximum: Decimal | None = None
    criteria: tuple[Decimal, ...] = attrs.field(default=(), converter=as_tuple)
    """For a ballots field: the maximum of each criterion, in ballot order."""

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def points_maximum(self) -> Decimal:
        """For a points field: the most it may hold, its ``maximum`` or else 100."""
        return self.maximum if self.maximum is not None else HUNDRED

    def checker(self) -> Callable[[object], Any]:
        """A function that validates and converts one raw value, raising ``BadValue``."""
        kind = self.kind
        if kind is FieldKind.COUNT:
            return check_count
        if kind is FieldKind.AMOUNT:
            return check_amount
        if kind is FieldKind.PERCENTAGE:
            return check_percentage
        if kind is FieldKind.FLAG:
            return check_flag
        if kind is FieldKind.POINTS:
            return self._points_checker()
        if kind is FieldKind.BALLOTS:
            return self._ballots_checker()
        if kind is FieldKind.COUNTS:
            return check_counts
        if kind is FieldKind.TEXT:
            limit = TEXT_LIMIT if self.maximum is None else int(self.maximum)
            return lambda value: check_text(value, limit)
        return self._names_checker()

    def _ballots_checker(self) -> Callable[[object], dict[str, tuple[tuple[Decimal, ...], ...]]]:
        types, maxima = self.choices, self.criteria
        width = len(maxima)
        known = frozenset(types)
        # the usual ballot is a list of small whole scores, each read from a table of the
        # Decimals the full check would make of it (a score of criterion i up to its maximum)
        tables = tuple(
            {n: SMALL_COUNTS[n] for n in range(min(SMALL_LIMIT, int(top) + 1))} for top in maxima
        )
        whole = (int,) * width

        def usual(value: dict[Any, Any]) -> dict[str, tuple[tuple[Decimal, ...], ...]] | None:
            """The ballots read from plain lists of ints; ``None`` at the first doubt."""
            if not value.keys() <= known:
                return None
            result: dict[str, tuple[tuple[Decimal, ...], ...]] = {}
            for kind in types:
                ballots = value.get(kind, ())
                if type(ballots) is not list and type(ballots) is not tuple:
                    return None
                read = []
                for ballot in ballots:
                    if type(ballot) is not list and type(ballot) is not tuple:
                        return None
                    # exact types only: a bool or a float must meet the full check's words
                    if tuple(map(type, ballot)) != whole:
                        return None
                    try:
                        read.append(tuple(map(getitem, tables, ballot)))
                    except KeyError:  # a score out of range: the full check says which
                        return None
                result[kind] = tuple(read)
            return result

        def check(value: object) -> dict[str, tuple[tuple[Decimal, ...], ...]]:
            if type(value) is dict:
                fast = usual(value)
                if fast is not None:
                    return fast
            if not isinstance(value, Mapping):
                raise BadValue(
                    f"expected ballots by type ({', '.join(types)}), each a list of ballots, got "
                    f"{type(value).__name__}"
                )
            unknown = [k for k in value if k not in types]
            if unknown:
                raise BadValue(f"unknown ballot type(s) {_listed(unknown)}; expected {types}")
            result: dict[str, tuple[tuple[Decimal, ...], ...]] = {}
            for kind in types:
                ballots = value.get(kind, ())
                if not isinstance(ballots, list | tuple):
                    raise BadValue(
                        f"ballots of type {kind} must be a list, got {brief(ballots)}", (kind,)
                    )
                read = []
                for number, ballot in enumerate(ballots, 1):
                    if not isinstance(ballot, list | tuple) or len(ballot) != width:
                        raise BadValue(
                            f"ballot {kind}#{number} must list {width} scores, got {brief(ballot)}",
                            (kind, number - 1),
                        )
                    scores = []
                    for at, (score, top) in enumerate(zip(ballot, maxima, strict=True)):
                        try:
                            amount = check_amount(score)
                        except BadValue as bad:
                            raise BadValue(
                                f"ballot {kind}#{number}, score {at + 1}: {bad}",
                                (kind, number - 1, at),
                            ) from None
                        if amount > top:
                            raise BadValue(
                                f"ballot {kind}#{number}: a score must be from 0 to {fmt(top)}, "
                                f"got {brief(score)}",
                                (kind, number - 1, at),
                            )
                        scores.append(amount)
                    read.append(tuple(scores))
                result[kind] = tuple(read)
            return result

        return check

    def _points_checker(self) -> Callable[[object], Decimal]:
        top = self.points_maximum

        def check(value: object) -> Decimal:
            number = check_amount(value)
            if number > top:
                raise BadValue(f"points must be from 0 to {fmt(top)}, got {brief(value)}")
            return number

        return check

    def _names_checker(self) -> Callable[[object], frozenset[str]]:
        allowed = frozenset(self.choices)
        shown = "、".join(self.choices)
        single = self.kind is FieldKind.LEVEL
        texts: dict[str, frozenset[str]] = {}  # names given as text ("例会制度、巡查制度"), read

        def check(value: object) -> frozenset[str]:
            if type(value) is list or type(value) is tuple:
                try:
                    # join takes text alone, so this proves cheaply that every element is a
                    # str, as _names requires; anything else gets _names's own message
                    "".join(value)
                except TypeError:
                    pass
                else:
                    given = frozenset(value)
                    if given <= allowed:
                        return given
            elif type(value) is str:
                known = texts.get(value)
                if known is not None:
                    return known
                given = frozenset(_names(value))
                if given <= allowed:
                    if len(texts) < MEMO_LIMIT:
                        texts[value] = given
                    return given
            if value is None and single:
                return _NO_NAMES
            names = _names(value)
            unknown = [n for n in names if n not in allowed]
            if unknown:
                raise BadValue(f"unknown name(s) {_listed(unknown)}; expected some of: {shown}")
            return frozenset(names)

        return check

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of this field's value: it accepts a value exactly when the field's
        check does (texts included: ``"3"``, ``"是"``, ``"85%"``), but for a JSON number with
        more decimal places than are kept exact, which no JSON Schema can tell."""
        schema: dict[str, Any]
        kind = self.kind
        if kind is FieldKind.COUNT:
            schema = _count_schema()
        elif kind is FieldKind.AMOUNT:
            schema = _number_schema(None)
        elif kind is FieldKind.PERCENTAGE:
            schema = _number_schema(HUNDRED, percent=True)
        elif kind is FieldKind.FLAG:
            words = sorted(_TRUE_WORDS | _FALSE_WORDS)
            schema = {"anyOf": [{"type": "boolean"}, _text(words_pattern(words))]}
        elif kind is FieldKind.POINTS:
            schema = _number_schema(self.points_maximum)
        elif kind is FieldKind.LEVEL or kind is FieldKind.ELEMENTS:
            names = list(self.choices)
            forms: list[dict[str, Any]] = [
                {"type": "array", "items": {"enum": names}},
                _text(names_pattern(names)),
            ]
            if kind is FieldKind.LEVEL:
                forms.insert(0, {"type": "null"})  # a level not given: none reached
            schema = {"anyOf": forms}
        elif kind is FieldKind.BALLOTS:
            ballot = {
                "type": "array",
                "prefixItems": [_number_schema(top) for top in self.criteria],
                "items": False,
                "minItems": len(self.criteria),
            }
            schema = {
                "type": "object",
                "properties": {t: {"type": "array", "items": ballot} for t in self.choices},
                "additionalProperties": False,
            }
        elif kind is FieldKind.COUNTS:
            schema = {
                "anyOf": [{"type": "array", "items": _count_schema()}, _text(counts_pattern())]
            }
        elif kind is FieldKind.TEXT:  # spaces at the ends do not count: they are removed
            limit = TEXT_LIMIT if self.maximum is None else int(self.maximum)
            pattern = rf"^\s*[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]{{0,{limit}}}?\s*$"
            schema = {"type": "string", "pattern": pattern}
        else:
            raise ValueError(f"no JSON Schema for fields of kind {kind.value!r}")
        if self.default is not None:  # left out, or null: the default is taken
            forms = schema["anyOf"] if list(schema) == ["anyOf"] else [schema]
            if {"type": "null"} not in forms:
                schema = {"anyOf": [{"type": "null"}, *forms]}
        if self.description:
            schema["description"] = self.description
        if self.default is not None:
            schema["default"] = _json_default(self.default)
        return schema


_LARGEST = 10**INTEGER_DIGITS
"""What every number kept exact is under."""


def _text(pattern: str) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern}


def _count_schema() -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "integer", "minimum": 0, "exclusiveMaximum": _LARGEST},
            _text(number_pattern(whole=True)),
        ]
    }


def _number_schema(top: Decimal | None, *, percent: bool = False) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number", "minimum": 0}
    if top is None:
        number["exclusiveMaximum"] = _LARGEST
    else:
        number["maximum"] = int(top) if top == top.to_integral_value() else float(top)
    return {"anyOf": [number, _text(number_pattern(top, percent=percent))]}


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, frozenset | tuple | list):
        return sorted(value)
    return value


def merge_fields(rubric: str, declared: Iterable[tuple[str, Field]]) -> dict[str, Field]:
    """Collect the fields declared by rules; one id must mean one thing throughout a rubric."""
    fields: dict[str, Field] = {}
    owners: dict[str, str] = {}
    for owner, field in declared:
        previous = fields.get(field.id)
        if previous is None:
            fields[field.id] = field
            owners[field.id] = owner
            continue
        if (previous.kind, previous.choices, previous.maximum, previous.criteria) != (
            field.kind,
            field.choices,
            field.maximum,
            field.criteria,
        ):
            raise RubricError(
                f"rubric {rubric!r}: field {field.id!r} is read as {field.kind.value} by {owner} "
                f"but as {previous.kind.value} by {owners[field.id]}; one field id must have one "
                "kind"
            )
        if previous.default is None and field.default is not None:
            fields[field.id] = attrs.evolve(previous, default=field.default)
    return fields


def evidence_schema(rubric: str, title: str, fields: Mapping[str, Field]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one evidence record for a rubric."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{title} ({rubric}) evidence",
        "type": "object",
        "properties": {fid: f.json_schema() for fid, f in sorted(fields.items())},
        "required": sorted(fid for fid, f in fields.items() if f.required),
        "additionalProperties": False,
    }
