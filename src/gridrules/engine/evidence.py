"""Reading evidence: one record's raw values checked against the rubric's fields, every problem
reported at once."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import SHOWN_PROBLEMS, EvidenceError, Problem, brief
from ..model.fields import (
    COUNT_TEXT,
    FLAG_TEXT,
    MEMO_LIMIT,
    SMALL_COUNTS,
    SMALL_LIMIT,
    BadValue,
    Field,
    FieldKind,
    check_count,
    check_flag,
    missing,
)

__all__ = ["ABSENT", "Validator"]

ABSENT = object()
"""What a field with no default has instead (``None`` is a value some defaults take)."""

_COUNT, _FLAG = FieldKind.COUNT, FieldKind.FLAG

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
        return fid, SMALL_LIMIT, COUNT_TEXT, check, False
    if kind is FieldKind.FLAG:
        return fid, 0, FLAG_TEXT, check, False
    if kind is FieldKind.AMOUNT:
        below = SMALL_LIMIT
    elif kind is FieldKind.PERCENTAGE:
        below = 101
    elif kind is FieldKind.POINTS:
        below = min(
            SMALL_LIMIT, int(field.points_maximum) + 1
        )  # top is 0 or more: int() is its floor
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
        "_flags",
        "_numbers",
        "_others",
        "_readers",
        "_required",
        "defaults",
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
        self.defaults: dict[str, Any] = {}
        for fid, f in self.fields.items():
            if f.default is not None:
                self.defaults[fid] = self._checks[fid](f.default)
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
                    defaulted = tuple(fid for fid in self.defaults if fid not in values)
                    for fid in defaulted:
                        values[fid] = self.defaults[fid]
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
        small, limit = SMALL_COUNTS, SMALL_LIMIT
        values: dict[str, Any] = {}
        try:
            for key in self._counts:
                raw = record[key]
                if type(raw) is int and 0 <= raw < limit:
                    values[key] = small[raw]
                elif type(raw) is str and raw in COUNT_TEXT:
                    values[key] = COUNT_TEXT[raw]
                else:
                    values[key] = check_count(raw)
            for key in self._flags:
                raw = record[key]
                if type(raw) is bool:
                    values[key] = raw
                elif type(raw) is str and raw in FLAG_TEXT:
                    values[key] = FLAG_TEXT[raw]
                else:
                    values[key] = check_flag(raw)
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
                if type(raw) is str and len(texts) < MEMO_LIMIT:
                    texts[raw] = value
                values[key] = value
            for key, check in self._others:
                raw = record[key]
                if raw is None and key in self.defaults:
                    return None
                values[key] = check(raw)
        except (KeyError, BadValue):
            return None
        return values

    def _convert(self, record: dict[Any, object]) -> dict[str, Any] | None:
        """The values of a record that is all good, in one pass; ``None`` at the first doubt."""
        readers, small = self._readers, SMALL_COUNTS
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
            elif raw is None and key in self.defaults:
                continue  # not given: the field takes its default
            try:
                value = check(raw)
            except BadValue:
                return None
            if learn and type(raw) is str and len(texts) < MEMO_LIMIT:
                texts[raw] = value
            values[key] = value
        return values

    def _validate(self, record: Mapping[str, object]) -> tuple[dict[str, Any], tuple[str, ...]]:
        """Validate any record the general way, collecting its problems (at most
        :data:`~gridrules.errors.SHOWN_PROBLEMS`, the rest counted).

        A value that :func:`~gridrules.model.fields.missing` calls not given (``None``, a NaN
        from an empty cell of a data frame) is treated as left out: the field takes its
        default, or is reported missing.
        """
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
        problems: list[Problem] = []
        omitted = 0
        for key, raw in record.items():
            check = checks.get(key) if isinstance(key, str) else None
            if check is None:
                if len(problems) < SHOWN_PROBLEMS:
                    problems.append(
                        Problem(str(key)[:80], self._unknown(key), raw, kind="unknown_field")
                    )
                else:
                    omitted += 1
                continue
            if missing(raw):
                continue
            try:
                values[key] = check(raw)
            except BadValue as bad:
                if len(problems) < SHOWN_PROBLEMS:
                    problems.append(Problem(key, str(bad), raw, bad.path))
                else:
                    omitted += 1
        defaulted: tuple[str, ...] = ()
        if len(values) != len(checks):
            wrong = {p.field for p in problems}
            for fid in self._required:
                if fid in values or fid in wrong:
                    continue
                if len(problems) >= SHOWN_PROBLEMS:
                    omitted += 1
                    continue
                field = self.fields[fid]
                problems.append(
                    Problem(
                        fid,
                        f"missing required {field.kind.value} field"
                        f"{' (' + field.description + ')' if field.description else ''}",
                        kind="missing",
                    )
                )
            defaulted = tuple(fid for fid in self.defaults if fid not in values)
            for fid in defaulted:
                values[fid] = self.defaults[fid]
        if problems:
            raise EvidenceError(f"rubric {self.rubric!r}", problems, omitted)
        return values, defaulted

    def _unknown(self, key: object) -> str:
        if not isinstance(key, str):
            return f"field ids are text, got {type(key).__name__} {brief(key)}"
        close = difflib.get_close_matches(key, list(self.fields), n=1) if len(key) < 200 else []
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field (this rubric reads {len(self.fields)} fields){hint}"
