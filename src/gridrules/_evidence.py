"""Evidence fields: what a rubric reads about one assessee, their types, and their validation."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from operator import getitem
from typing import Any

import attrs

from ._numbers import HUNDRED, ZERO, as_tuple, fmt, to_decimal
from .errors import EvidenceError, Problem, RubricError

__all__ = ["Field", "FieldKind", "Validator", "evidence_schema"]

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


class _Bad(Exception):
    """Internal: a value failed its check; carries the message for a Problem."""


_COUNT, _FLAG = FieldKind.COUNT, FieldKind.FLAG
_SMALL_LIMIT = 1000
# Decimals are immutable, so every record can share these instead of building its own; each is
# exactly what the checker makes of the same int or text (Decimal(3) == Decimal("3"), same form).
_SMALL_COUNTS = tuple(Decimal(n) for n in range(_SMALL_LIMIT))
_COUNT_TEXT = {str(n): number for n, number in enumerate(_SMALL_COUNTS)}
_MEMO_LIMIT = 4096
"""How many distinct texts a memo of read values keeps (per kind, or per field): enough for the
rates and points of a city's records ("92.5", "3.5"), and bounded so that memory stays flat."""
_AMOUNT_TEXT: dict[str, Decimal] = {}
_PERCENT_TEXT: dict[str, Decimal] = {}
# The fast paths below take only exact types (``type(x) is int``, never a bool or a subclass) and
# memoise only texts (a str key equals only a str): 1, True, 1.0 and Decimal("1.0") are equal
# as dict keys but read differently, so they must never share an entry.


def _check_count(value: object) -> Decimal:
    if type(value) is int and 0 <= value < _SMALL_LIMIT:
        return _SMALL_COUNTS[value]
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str | float):
        raise _Bad(f"expected a whole number of occurrences (0 or more), got {value!r}")
    try:
        number = to_decimal(value)
    except TypeError:
        raise _Bad(f"expected a whole number of occurrences (0 or more), got {value!r}") from None
    if number != number.to_integral_value():
        raise _Bad(f"expected a whole number of occurrences, got {value!r}")
    if number < 0:
        raise _Bad(f"a count cannot be negative, got {value!r}")
    return number


def _remembering(
    below: int, texts: dict[str, Decimal], read: Callable[[object], Decimal]
) -> Callable[[object], Decimal]:
    """A number's check: an int from 0 below ``below`` is the shared Decimal of its value, a
    text is read once and remembered in ``texts`` (bounded), anything else is ``read`` in full."""

    def check(value: object) -> Decimal:
        if type(value) is int:
            if 0 <= value < below:
                return _SMALL_COUNTS[value]
        elif type(value) is str:
            number = texts.get(value)
            if number is None:
                number = read(value)
                if len(texts) < _MEMO_LIMIT:
                    texts[value] = number
            return number
        return read(value)

    return check


def _read_amount(value: object) -> Decimal:
    """The full check of an amount, reporting what is wrong with it."""
    if isinstance(value, bool):
        raise _Bad(f"expected a number, got the boolean {value!r}")
    try:
        number = to_decimal(value)
    except TypeError:
        raise _Bad(f"expected a number (0 or more), got {value!r}") from None
    if number < 0:
        raise _Bad(f"an amount cannot be negative, got {value!r}")
    return number


def _read_percentage(value: object) -> Decimal:
    """The full check of a percentage, reporting what is wrong with it."""
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    if isinstance(value, bool):
        raise _Bad(f"expected a percentage from 0 to 100, got the boolean {value!r}")
    try:
        number = to_decimal(value)
    except TypeError:
        raise _Bad(f"expected a percentage from 0 to 100, got {value!r}") from None
    if not ZERO <= number <= HUNDRED:
        raise _Bad(f"a percentage must be from 0 to 100, got {value!r}")
    return number


_check_amount = _remembering(_SMALL_LIMIT, _AMOUNT_TEXT, _read_amount)
_check_percentage = _remembering(101, _PERCENT_TEXT, _read_percentage)


# the words as they usually come, each read exactly as _check_flag reads it
_FLAG_TEXT = {
    spelling: word in _TRUE_WORDS
    for word in _TRUE_WORDS | _FALSE_WORDS
    if word
    for spelling in {word, word.upper(), word.capitalize()}
}


def _check_flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise _Bad(f"expected true or false, got {value!r}")


_NO_NAMES: frozenset[str] = frozenset()


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        parts = value.replace("、", ",").replace("，", ",").replace(";", ",").split(",")
        return [p.strip() for p in parts if p.strip()]
    if isinstance(value, list | tuple | set | frozenset):
        names = []
        for element in value:
            if not isinstance(element, str):
                raise _Bad(f"expected names (text), got the element {element!r}")
            names.append(element)
        return names
    raise _Bad(f"expected a list of names, got {type(value).__name__} {value!r}")


@attrs.frozen
class Field:
    """One evidence field: its id (the evidence key), kind, description, and default.

    A field with a ``default`` may be left out of a record; the score sheet then lists it among the
    fields that took their default. ``choices`` are the allowed names of a level or elements field,
    ``maximum`` the highest points of a points field.
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

    def checker(self) -> Callable[[object], Any]:
        """A function that validates and converts one raw value, raising ``_Bad``."""
        kind = self.kind
        if kind is FieldKind.COUNT:
            return _check_count
        if kind is FieldKind.AMOUNT:
            return _check_amount
        if kind is FieldKind.PERCENTAGE:
            return _check_percentage
        if kind is FieldKind.FLAG:
            return _check_flag
        if kind is FieldKind.POINTS:
            return self._points_checker()
        if kind is FieldKind.BALLOTS:
            return self._ballots_checker()
        return self._names_checker()

    def _ballots_checker(self) -> Callable[[object], dict[str, tuple[tuple[Decimal, ...], ...]]]:
        types, maxima = self.choices, self.criteria
        width = len(maxima)
        known = frozenset(types)
        # the usual ballot is a list of small whole scores, each read from a table of the
        # Decimals the full check would make of it (a score of criterion i up to its maximum)
        tables = tuple(
            {n: _SMALL_COUNTS[n] for n in range(min(_SMALL_LIMIT, int(top) + 1))} for top in maxima
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
                raise _Bad(
                    f"expected ballots by type ({', '.join(types)}), each a list of ballots, got "
                    f"{type(value).__name__}"
                )
            unknown = [str(k) for k in value if k not in types]
            if unknown:
                raise _Bad(f"unknown ballot type(s) {', '.join(unknown)}; expected {types}")
            result: dict[str, tuple[tuple[Decimal, ...], ...]] = {}
            for kind in types:
                ballots = value.get(kind, ())
                if not isinstance(ballots, list | tuple):
                    raise _Bad(f"ballots of type {kind} must be a list, got {ballots!r}")
                read = []
                for number, ballot in enumerate(ballots, 1):
                    if not isinstance(ballot, list | tuple) or len(ballot) != width:
                        raise _Bad(
                            f"ballot {kind}#{number} must list {width} scores, got {ballot!r}"
                        )
                    scores = []
                    for score, top in zip(ballot, maxima, strict=True):
                        amount = _check_amount(score)
                        if amount > top:
                            raise _Bad(
                                f"ballot {kind}#{number}: a score must be from 0 to {fmt(top)}, "
                                f"got {score!r}"
                            )
                        scores.append(amount)
                    read.append(tuple(scores))
                result[kind] = tuple(read)
            return result

        return check

    def _points_checker(self) -> Callable[[object], Decimal]:
        top = self.maximum if self.maximum is not None else HUNDRED

        def check(value: object) -> Decimal:
            number = _check_amount(value)
            if number > top:
                raise _Bad(f"points must be from 0 to {fmt(top)}, got {value!r}")
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
                    if len(texts) < _MEMO_LIMIT:
                        texts[value] = given
                    return given
            if value is None and single:
                return _NO_NAMES
            names = _names(value)
            unknown = [n for n in names if n not in allowed]
            if unknown:
                raise _Bad(f"unknown name(s) {'、'.join(unknown)}; expected some of: {shown}")
            return frozenset(names)

        return check

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of this field's value."""
        schema: dict[str, Any]
        number = {"type": ["number", "string"], "pattern": r"^-?\d+(\.\d+)?$"}
        if self.kind is FieldKind.COUNT:
            schema = {"type": "integer", "minimum": 0}
        elif self.kind is FieldKind.AMOUNT:
            schema = {**number, "minimum": 0}
        elif self.kind is FieldKind.PERCENTAGE:
            schema = {**number, "minimum": 0, "maximum": 100}
        elif self.kind is FieldKind.FLAG:
            schema = {"type": "boolean"}
        elif self.kind is FieldKind.POINTS:
            top = self.maximum if self.maximum is not None else HUNDRED
            schema = {**number, "minimum": 0, "maximum": float(top) if top % 1 else int(top)}
        elif self.kind is FieldKind.LEVEL:
            schema = {
                "anyOf": [
                    {"type": "null"},
                    {"enum": list(self.choices)},
                    {"type": "array", "items": {"enum": list(self.choices)}, "uniqueItems": True},
                ]
            }
        elif self.kind is FieldKind.BALLOTS:
            ballot = {
                "type": "array",
                "items": {"type": ["number", "string"]},
                "minItems": len(self.criteria),
                "maxItems": len(self.criteria),
            }
            schema = {
                "type": "object",
                "properties": {kind: {"type": "array", "items": ballot} for kind in self.choices},
                "additionalProperties": False,
            }
        else:
            schema = {"type": "array", "items": {"enum": list(self.choices)}, "uniqueItems": True}
        if self.description:
            schema["description"] = self.description
        if self.default is not None:
            schema["default"] = _json_default(self.default)
        return schema


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


_Reader = tuple[str, int, dict[str, Any], Callable[[object], Any], bool]
"""How the fast paths read one field: its id; the ints from 0 below this bound that are valid
and read as the shared Decimal of the same value; the texts read so far (or a fixed table); its
checker; and whether to remember the texts it reads."""

_NO_TEXTS: dict[str, Any] = {}
_NUMBERS = frozenset({FieldKind.AMOUNT, FieldKind.PERCENTAGE, FieldKind.POINTS})


def _reader(fid: str, field: Field, check: Callable[[object], Any]) -> _Reader:
    kind = field.kind
    if kind is FieldKind.COUNT:
        # the fixed table already holds the small counts as text; others are rare
        return fid, _SMALL_LIMIT, _COUNT_TEXT, check, False
    if kind is FieldKind.FLAG:
        return fid, 0, _FLAG_TEXT, check, False
    if kind is FieldKind.AMOUNT:
        below = _SMALL_LIMIT
    elif kind is FieldKind.PERCENTAGE:
        below = 101
    elif kind is FieldKind.POINTS:
        top = field.maximum if field.maximum is not None else HUNDRED
        below = min(_SMALL_LIMIT, int(top) + 1)  # top is 0 or more: int() is its floor
    else:  # names keep their own memo of texts in their checker; ballots are never text
        return fid, 0, _NO_TEXTS, check, False
    return fid, below, {}, check, True


class Validator:
    """Validates evidence records against a rubric's fields, prepared once and reused.

    A record is a mapping from field ids to values. Every problem of a record is reported at once
    in one :class:`~gridrules.EvidenceError`: unknown fields, wrong types, negative counts,
    percentages over 100, points over the maximum, missing required fields.
    """

    __slots__ = (
        "_checks",
        "_counts",
        "_defaults",
        "_flags",
        "_numbers",
        "_others",
        "_readers",
        "_required",
        "fields",
        "rubric",
    )

    def __init__(self, rubric: str, fields: Mapping[str, Field]) -> None:
        self.rubric = rubric
        self.fields = dict(fields)
        self._checks = {fid: f.checker() for fid, f in self.fields.items()}
        readers = [_reader(fid, f, self._checks[fid]) for fid, f in self.fields.items()]
        self._readers = {reader[0]: reader[1:] for reader in readers}
        kinds = {fid: f.kind for fid, f in self.fields.items()}
        self._counts = tuple(fid for fid, kind in kinds.items() if kind is _COUNT)
        self._flags = tuple(fid for fid, kind in kinds.items() if kind is _FLAG)
        self._numbers = tuple(
            (fid, below, texts, check)
            for fid, below, texts, check, _ in readers
            if kinds[fid] in _NUMBERS
        )
        self._others = tuple(
            (fid, self._checks[fid])
            for fid, kind in kinds.items()
            if kind is not _COUNT and kind is not _FLAG and kind not in _NUMBERS
        )
        self._defaults: dict[str, Any] = {}
        for fid, f in self.fields.items():
            if f.default is not None:
                self._defaults[fid] = self._checks[fid](f.default)
        self._required = [fid for fid, f in self.fields.items() if f.default is None]

    def validate(self, record: Mapping[str, object]) -> tuple[dict[str, Any], tuple[str, ...]]:
        """Return the converted values and the ids of the fields that took their default."""
        if type(record) is dict:
            if len(record) == len(self._checks):
                values = self._convert_complete(record)
                if values is not None:
                    return values, ()
            values = self._convert(record)
            if values is not None:
                if len(values) == len(self._checks):
                    return values, ()
                if all(fid in values for fid in self._required):
                    defaulted = tuple(fid for fid in self._defaults if fid not in values)
                    for fid in defaulted:
                        values[fid] = self._defaults[fid]
                    return values, defaulted
        return self._validate(record)

    # The two fast paths read a value by table when they can: a small whole number given as an
    # int (every count, and the amounts, percentages and points it is valid for), a flag's bool,
    # or a text already read for this field (a fixed table for counts and flags; for numbers a
    # bounded memo of the texts read so far, valid ones only; names keep theirs in their
    # checker). Anything else goes through the field's checker; a value that fails, an unknown
    # key or a null sends the record to _validate, which finds and reports every problem.

    def _convert_complete(self, record: dict[Any, object]) -> dict[str, Any] | None:
        """The values of a record that gives every field and is all good; else ``None``.

        A record with as many keys as there are fields, each field's key among them, has no
        unknown key; so the fields can be read kind by kind, with no look-up of what each key
        is. Any doubt sends the record down the other paths.
        """
        small, limit = _SMALL_COUNTS, _SMALL_LIMIT
        values: dict[str, Any] = {}
        try:
            for key in self._counts:
                raw = record[key]
                if type(raw) is int and 0 <= raw < limit:
                    values[key] = small[raw]
                elif type(raw) is str and raw in _COUNT_TEXT:
                    values[key] = _COUNT_TEXT[raw]
                else:
                    values[key] = _check_count(raw)
            for key in self._flags:
                raw = record[key]
                if type(raw) is bool:
                    values[key] = raw
                elif type(raw) is str and raw in _FLAG_TEXT:
                    values[key] = _FLAG_TEXT[raw]
                else:
                    values[key] = _check_flag(raw)
            for key, below, texts, check in self._numbers:
                raw = record[key]
                if type(raw) is int and 0 <= raw < below:
                    values[key] = small[raw]
                    continue
                if type(raw) is str:
                    known = texts.get(raw)
                    if known is not None:
                        values[key] = known
                        continue
                value = check(raw)
                if type(raw) is str and len(texts) < _MEMO_LIMIT:
                    texts[raw] = value
                values[key] = value
            for key, check in self._others:
                raw = record[key]
                if raw is None and key in self._defaults:
                    return None
                values[key] = check(raw)
        except (KeyError, _Bad):
            return None
        return values

    def _convert(self, record: dict[Any, object]) -> dict[str, Any] | None:
        """The values of a record that is all good, in one pass; ``None`` at the first doubt."""
        readers, small = self._readers, _SMALL_COUNTS
        values: dict[str, Any] = {}
        for key, raw in record.items():
            reader = readers.get(key)
            if reader is None:
                return None
            below, texts, check, learn = reader
            if type(raw) is int:
                if 0 <= raw < below:
                    values[key] = small[raw]
                    continue
            elif type(raw) is str:
                known = texts.get(raw)
                if known is not None:
                    values[key] = known
                    continue
            elif raw is None and key in self._defaults:
                continue  # not given: the field takes its default
            try:
                value = check(raw)
            except _Bad:
                return None
            if learn and type(raw) is str and len(texts) < _MEMO_LIMIT:
                texts[raw] = value
            values[key] = value
        return values

    def _validate(self, record: Mapping[str, object]) -> tuple[dict[str, Any], tuple[str, ...]]:
        """Validate any record the general way, collecting every problem."""
        if not isinstance(record, Mapping):
            raise EvidenceError(
                f"rubric {self.rubric!r}",
                [
                    Problem(
                        "<record>",
                        f"expected a mapping of field ids to values, got {type(record).__name__}",
                    )
                ],
            )
        checks = self._checks
        values: dict[str, Any] = {}
        problems: list[Problem] | None = None
        for key, raw in record.items():
            check = checks.get(key) if isinstance(key, str) else None
            if check is None:
                problems = problems or []
                problems.append(Problem(str(key), self._unknown(key), raw))
                continue
            if raw is None and key in self._defaults:
                continue
            try:
                values[key] = check(raw)
            except _Bad as bad:
                problems = problems or []
                problems.append(Problem(key, str(bad), raw))
        defaulted: tuple[str, ...] = ()
        if len(values) != len(checks):
            missing = [fid for fid in self._required if fid not in values]
            for fid in missing:
                if problems is None or all(p.field != fid for p in problems):
                    problems = problems or []
                    field = self.fields[fid]
                    problems.append(
                        Problem(
                            fid,
                            f"missing required {field.kind.value} field"
                            f"{' (' + field.description + ')' if field.description else ''}",
                        )
                    )
            defaulted = tuple(fid for fid in self._defaults if fid not in values)
            for fid in defaulted:
                values[fid] = self._defaults[fid]
        if problems:
            raise EvidenceError(f"rubric {self.rubric!r}", problems)
        return values, defaulted

    def _unknown(self, key: object) -> str:
        import difflib

        if not isinstance(key, str):
            return f"field ids are text, got {type(key).__name__} {key!r}"
        close = difflib.get_close_matches(key, list(self.fields), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field (this rubric reads {len(self.fields)} fields){hint}"


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
