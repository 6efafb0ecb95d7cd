"""Scoring many records at once: a chunk at a time, field by field (:meth:`Scorer.results`).

Scoring one record runs one function per rule. Most of that time goes into running Python code
per record and rule, not into the arithmetic, and in a city's records the same few values come
back again and again: a count of 0, 1 or 2, a rate written "92.5", a flag. So a chunk of records
is taken apart into columns, one per field, and each item is worked out once per distinct
combination of the raw values it reads, then looked up for every record that has them:

- **Reading a field.** Each distinct raw value of a column is checked once, by the very
  function that checks it for one record, and remembered (valid, with the value it reads as, or
  not). A record holding a value that is not valid goes, whole, to :meth:`Scorer.result`, which
  reports every problem it has, exactly as when it is scored alone.
- **Scoring an item.** Its scores-only function (the one :meth:`Scorer.result` runs) is run on
  the values of each new combination and remembered; the column of its points is then one
  look-up per record.
- **Summing.** Sections, weights, rounding, the penalty and bonus, the vetoes, grade and stars
  follow, a column at a time, with the same operations in the same order as for one record, so
  the Decimals come out identical, digit for digit and exponent for exponent.

A raw value is remembered under itself, so values that are equal as keys but read differently
must never share a table: ``1``, ``True`` and ``1.0`` are equal keys, as are ``Decimal("3")``
and ``Decimal("3.0")``. A column is looked up by its raw values only when it holds ints and text
(and nulls), or bools and text (and nulls), each kind of column with tables of its own; a list of
names is remembered as the tuple of its elements. Other columns (floats, Decimals, mixtures,
ballots) are read value by value and their items worked out record by record, which is slower
but the same. Every table is bounded (:data:`LIMIT` entries), so memory stays flat. An item's
points also depend on the working days of the period scored and on the decimal context they are
worked out in: an item keeps a table for each (the last :data:`_SIGNATURES` met), so that a
change of either is never answered from a table made under another.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, getcontext
from itertools import compress, repeat
from typing import TYPE_CHECKING, Any

from ._evaluate import Result, _settler
from ._evidence import Field, FieldKind, _Bad
from ._grades import Veto
from ._numbers import ZERO
from ._outcome import Effect
from ._rubric import Item, Node, Section
from ._rules import Context
from ._values import WORKING_DAYS
from .errors import GridrulesError

if TYPE_CHECKING:
    from ._evaluate import Scorer

__all__ = ["LIMIT", "ChunkScorer"]

LIMIT = 4096
"""How many distinct raw values (or combinations of them) a field's or an item's table keeps; a
table that would grow beyond it is emptied and filled again."""

_SIGNATURES = 8
"""How many tables an item keeps, one for each kind of columns, working days (a period) and
decimal context met; the oldest goes when another is needed."""

_NONE = type(None)
# the kinds of column looked up by raw value, each with its own tables (see the module's text)
_INTS, _BOOLS, _NAMES = 0, 1, 2
_INT_TYPES = frozenset({int, str, _NONE})
_BOOL_TYPES = frozenset({bool, str, _NONE})
_NAME_TYPES = frozenset({str, list, tuple, _NONE})
_NAME_KINDS = frozenset({FieldKind.LEVEL, FieldKind.ELEMENTS})
_ABSENT = object()
_NO_VETOES: tuple[Veto, ...] = ()
_NO_FLAGS: frozenset[str] = frozenset()
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


def _new_keys(distinct: set[Any], known: dict[Any, Any], refused: set[Any]) -> set[Any]:
    """The keys of a chunk that a table has not seen, valid (``known``) or not (``refused``);
    all of them, after emptying the table, when adding them would take it past :data:`LIMIT`."""
    missing = distinct.difference(known)
    if missing:
        missing.difference_update(refused)
        if len(known) + len(refused) + len(missing) > LIMIT:
            known.clear()
            refused.clear()
            return set(distinct)
    return missing


class _Retry(Exception):
    """Internal: these rows of the chunk go to the one-record path; score the rest again."""

    def __init__(self, rows: Iterable[int]) -> None:
        super().__init__()
        self.rows = set(rows)


class _Column:
    """One field of a chunk: its raw values as keys and their table (``kind`` set), or the
    values read one by one (``kind`` ``None``)."""

    __slots__ = ("_read", "_reader", "keys", "kind", "raw", "valid")

    def __init__(
        self,
        kind: int | None,
        raw: Sequence[Any],
        keys: Sequence[Any],
        valid: dict[Any, Any],
        read: list[Any] | None = None,
        reader: _FieldReader | None = None,
    ) -> None:
        self.kind = kind
        self.raw = raw
        self.keys = keys
        self.valid = valid
        self._read = read
        self._reader = reader

    def values_at(self, rows: Sequence[int]) -> list[Any]:
        """The values of these rows as the validator reads them; :class:`_Retry` for the rows
        whose value is not valid."""
        if self._read is not None or self._reader is None:
            values = self.values()
            return [values[row] for row in rows]
        bad: set[int] = set()
        read = self._reader._read_each([self.raw[row] for row in rows], bad)._read
        if bad:
            raise _Retry(rows[at] for at in bad)
        assert read is not None
        return read

    def values(self) -> list[Any]:
        """The values as the validator reads them, one per row."""
        if self._read is None:
            if self._reader is None:
                self._read = list(map(self.valid.__getitem__, self.keys))
            else:  # read only now that something needs it (see _FieldReader.read)
                bad: set[int] = set()
                self._read = self._reader._read_each(self.keys, bad)._read
                if bad:
                    raise _Retry(bad)
        assert self._read is not None
        return self._read


class _FieldReader:
    """Reads one field's column: each distinct raw value checked once, then remembered."""

    __slots__ = ("check", "default", "id", "kind", "memos")

    def __init__(self, field: Field, check: Callable[[object], Any], default: Any) -> None:
        self.id = field.id
        self.kind = field.kind
        self.check = check
        self.default = default
        # per kind of column: the valid raw values with what they read as, and the invalid ones
        self.memos: dict[int, tuple[dict[Any, Any], set[Any]]] = {}

    def read(self, raw: Sequence[Any], bad: set[int]) -> _Column:
        """The column of ``raw`` values; the rows holding an invalid one are added to ``bad``."""
        if self.kind is FieldKind.BALLOTS:
            # ballots rarely repeat: they are read value by value, and only when a rule with no
            # column form of its own needs them (see Ballots.compile_column), checked then
            return _Column(None, raw, raw, {}, reader=self)
        types = set(map(type, raw))
        keys: Sequence[Any] = raw
        kind: int | None = None
        if types <= _INT_TYPES:
            kind = _INTS
        elif types <= _BOOL_TYPES:
            kind = _BOOLS
        elif self.kind in _NAME_KINDS and types <= _NAME_TYPES:
            kind = _NAMES
            keys = [tuple(v) if type(v) is list or type(v) is tuple else v for v in raw]
        if kind is None:
            return self._read_each(raw, bad)
        try:
            distinct = set(keys)
        except TypeError:  # a list of names holding something unhashable: not a valid one
            return self._read_each(raw, bad)
        memo = self.memos.get(kind)
        if memo is None:
            memo = self.memos[kind] = ({}, set())
        valid, invalid = memo
        for key in _new_keys(distinct, valid, invalid):
            if key is None and self.default is not _ABSENT:
                valid[None] = self.default  # a null is a value not given: the default
                continue
            try:
                valid[key] = self.check(key)
            except _Bad:
                invalid.add(key)
        if invalid and not invalid.isdisjoint(distinct):
            bad.update(i for i, key in enumerate(keys) if key in invalid)
        return _Column(kind, raw, keys, valid)

    def _read_each(self, raw: Sequence[Any], bad: set[int]) -> _Column:
        read: list[Any] = []
        default, check = self.default, self.check
        for row, value in enumerate(raw):
            if value is None and default is not _ABSENT:
                read.append(default)
                continue
            try:
                read.append(check(value))
            except _Bad:
                bad.add(row)
                read.append(None)
        return _Column(None, raw, raw, {}, read)


class _Chunk:
    """A chunk's columns, its size, what every record of it shares (the working days), and what
    else an item's points depend on: the working days and the decimal context they are worked
    out in (a table made under one is not used under another)."""

    __slots__ = ("columns", "setting", "shared", "size")

    def __init__(
        self, columns: dict[str, _Column], size: int, shared: dict[str, Any], days: Any
    ) -> None:
        self.columns = columns
        self.size = size
        self.shared = shared
        context = getcontext()
        self.setting = (days, context.prec, context.rounding, context.Emin, context.Emax)


class _Keyed:
    """A function of a few fields' values (an item's points, a veto's test), run on a chunk:
    once per distinct combination of the raw values, and looked up for every row."""

    __slots__ = ("compute", "fields", "tables")

    def __init__(self, fields: Sequence[str], compute: Callable[[dict[str, Any]], Any]) -> None:
        self.fields = tuple(fields)
        self.compute = compute
        # per signature: the results by combination, and the combinations whose function raised
        # (assessor points over the maximum), whose rows go to the one-record path, which raises
        # the same error
        self.tables: dict[tuple[Any, ...], tuple[dict[Any, Any], set[Any]]] = {}

    def column(self, chunk: _Chunk) -> list[Any]:
        columns = [chunk.columns[f] for f in self.fields]
        if any(c.kind is None for c in columns):
            return self._each(chunk, columns)
        single = len(columns) == 1
        keys: Sequence[Any] = (
            columns[0].keys if single else list(zip(*(c.keys for c in columns), strict=True))
        )
        signature = (*(c.kind for c in columns), chunk.setting)
        held = self.tables.get(signature)
        if held is None:
            if len(self.tables) >= _SIGNATURES:  # the oldest goes: memory stays bounded
                del self.tables[next(iter(self.tables))]
            held = self.tables[signature] = ({}, set())
        table, fails = held
        try:
            return list(map(table.__getitem__, keys))
        except KeyError:
            pass
        distinct = set(keys)
        for key in _new_keys(distinct, table, fails):
            values = dict(chunk.shared)
            for field, column, raw in zip(
                self.fields, columns, (key,) if single else key, strict=True
            ):
                values[field] = column.valid[raw]
            try:
                table[key] = self.compute(values)
            except GridrulesError:
                fails.add(key)
        if fails and not fails.isdisjoint(distinct):
            raise _Retry(row for row, key in enumerate(keys) if key in fails)
        return list(map(table.__getitem__, keys))

    def _each(self, chunk: _Chunk, columns: list[_Column]) -> list[Any]:
        out: list[Any] = []
        failed: list[int] = []
        fields, shared, compute = self.fields, chunk.shared, self.compute
        for row, read in enumerate(zip(*(c.values() for c in columns), strict=True)):
            values = dict(shared)
            values.update(zip(fields, read, strict=True))
            try:
                out.append(compute(values))
            except GridrulesError:
                failed.append(row)
                out.append(None)
        if failed:
            raise _Retry(failed)
        return out


class _ByColumn:
    """An item made of one rule with a column form of its own (see
    :meth:`~gridrules.Rule.compile_column`): the rule's amounts for the whole column at once,
    settled into the item's points as ``Scorer.result`` settles them; the values it leaves are
    scored by the item's own function, value by value."""

    __slots__ = ("amounts", "field", "keyed", "settle")

    def __init__(
        self,
        field: str,
        amounts: Callable[[Sequence[Any]], list[Decimal | None]],
        settle: Callable[[Decimal, Decimal], Decimal],
        keyed: _Keyed,
    ) -> None:
        self.field = field
        self.amounts = amounts
        self.settle = settle
        self.keyed = keyed

    def column(self, chunk: _Chunk) -> list[Any]:
        column = chunk.columns[self.field]
        settle = self.settle
        out: list[Any] = []
        left: list[int] = []
        for row, amount in enumerate(self.amounts(column.raw)):
            if amount is None:
                left.append(row)
                out.append(None)
            else:
                out.append(settle(amount, ZERO))
        if left:
            compute = self.keyed.compute
            failed = []
            # raises _Retry for the values that are not valid
            for row, value in zip(left, column.values_at(left), strict=True):
                fields = dict(chunk.shared)
                fields[self.field] = value
                try:
                    out[row] = compute(fields)
                except GridrulesError:
                    failed.append(row)
            if failed:
                raise _Retry(failed)
        return out


class _ItemNode:
    """An item of the plan: how its column is worked out, and whether it sends a penalty and
    bonus to the total (its function then gives ``(points, (penalty, bonus))``)."""

    __slots__ = ("by", "id", "reports")

    def __init__(self, item_id: str, by: _Keyed | _ByColumn, reports: bool) -> None:
        self.id = item_id
        self.by = by
        self.reports = reports


class _SectionNode:
    """A section of the plan: its children, and its rounding's quantum (or ``None``)."""

    __slots__ = ("children", "quantum")

    def __init__(self, children: _Plan, quantum: Decimal | None) -> None:
        self.children = children
        self.quantum = quantum


_Plan = list[tuple[_ItemNode | _SectionNode, Decimal | None]]
"""A composite's children, in order, each with its weight's factor (or ``None``)."""


class ChunkScorer:
    """A :class:`~gridrules.Scorer`'s rubric prepared for scoring chunks of records column by
    column (see the module's text); its tables live as long as it does, bounded."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        validator = scorer.validator
        self.fields = tuple(validator.fields)
        self._get = operator.itemgetter(*self.fields) if self.fields else None
        self._field_set = frozenset(self.fields)
        self._readers = [
            _FieldReader(
                validator.fields[fid],
                validator.fields[fid].checker(),
                validator._defaults.get(fid, _ABSENT),
            )
            for fid in self.fields
        ]
        self.item_ids: list[str] = []
        self._lock = threading.Lock()
        rubric = scorer.rubric
        self._plan = self._plan_children(rubric.children, rubric.weights, rubric.maximum)
        self._vetoes = [(veto, _Keyed((veto.when.field,), holds)) for veto, holds in scorer.vetoes]

    # -- preparing --------------------------------------------------------------------------

    def _plan_children(
        self, children: tuple[Node, ...], weights: tuple[Any, ...], maximum: Decimal
    ) -> _Plan:
        scorer = self.scorer
        factors: list[Decimal | None] = (
            list(scorer._factors(children, weights, maximum)) if weights else [None] * len(children)
        )
        plan: _Plan = []
        for child, factor in zip(children, factors, strict=True):
            if isinstance(child, Section):
                inner = self._plan_children(child.children, child.weights, child.maximum)
                quantum = None if child.rounding is None else child.rounding.quantum
                plan.append((_SectionNode(inner, quantum), factor))
            else:
                plan.append((self._plan_item(child), factor))
        return plan

    def _plan_item(self, item: Item) -> _ItemNode:
        scorer = self.scorer
        # the very function Scorer.result runs for this item, on its own
        part = scorer._fast_children((item,), (), item.maximum)
        item_id = item.id
        reports = item_id in scorer._reporting
        fields = sorted({f.id for rule in item.rules for f in rule.fields()})

        def compute(values: dict[str, Any]) -> Any:
            items: dict[str, Decimal] = {}
            extras: list[tuple[Decimal, Decimal]] = []
            part(values, items, extras)
            return (items[item_id], extras[0]) if reports else items[item_id]

        self.item_ids.append(item_id)
        keyed = _Keyed(fields, compute)
        if len(item.rules) == 1 and not reports:
            rule = item.rules[0]
            amounts = rule.compile_column(Context(scorer.params, item_id, item.maximum))
            if amounts is not None and rule.effect is Effect.SET:
                settle = _settler(item.maximum, item.floor, item.rounding)
                return _ItemNode(item_id, _ByColumn(fields[0], amounts, settle, keyed), False)
        return _ItemNode(item_id, keyed, reports)

    # -- scoring ----------------------------------------------------------------------------

    def score(
        self, records: Sequence[object], days: Decimal | None
    ) -> tuple[list[Result | None], list[int]]:
        """Results for the records that score this way, and the rows left for the one-record
        path (``None`` in their place): not a plain dict of every field, or a value or a
        combination that one record's scoring refuses."""
        with self._lock:  # the tables are shared: one chunk at a time, whatever the threads
            return self._score_chunk(records, days)

    def _score_chunk(
        self, records: Sequence[object], days: Decimal | None
    ) -> tuple[list[Result | None], list[int]]:
        n_fields = len(self.fields)
        rows = [
            i
            for i, record in enumerate(records)
            if type(record) is dict and len(record) == n_fields
        ]
        out: list[Result | None] = [None] * len(records)
        while rows:
            try:
                scored = self._score([records[i] for i in rows], days)  # type: ignore[misc]
            except _Retry as retry:
                left = [row for n, row in enumerate(rows) if n not in retry.rows]
                rows = left if len(left) < len(rows) else []
                continue
            for row, result in zip(rows, scored, strict=True):
                out[row] = result
            break
        done = set(rows)
        return out, [i for i in range(len(records)) if i not in done]

    def _score(self, records: list[dict[str, Any]], days: Decimal | None) -> list[Result]:
        n = len(records)
        raws: list[Sequence[Any]] = []
        if self._get is not None:
            try:
                got = list(map(self._get, records))
            except KeyError:  # a field left out, an unknown key in its place
                fields = self._field_set
                raise _Retry(
                    i for i, record in enumerate(records) if not fields <= record.keys()
                ) from None
            raws = [got] if len(self.fields) == 1 else list(zip(*got, strict=True))
        bad: set[int] = set()
        columns = {
            reader.id: reader.read(raw, bad)
            for reader, raw in zip(self._readers, raws, strict=True)
        }
        if bad:
            raise _Retry(bad)
        shared = {} if days is None else {WORKING_DAYS: days}
        chunk = _Chunk(columns, n, shared, days)
        items: list[list[Decimal]] = []
        extras: list[list[tuple[Decimal, Decimal]]] = []
        base = _run(self._plan, chunk, items, extras)
        return self._conclude(chunk, base, items, extras)

    def _conclude(
        self,
        chunk: _Chunk,
        base: list[Decimal],
        items: list[list[Decimal]],
        extras: list[list[tuple[Decimal, Decimal]]],
    ) -> list[Result]:
        n = chunk.size
        scorer, rubric = self.scorer, self.scorer.rubric
        # the penalty and bonus of each record, summed from ZERO in item order, as result() does;
        # with no item sending any, both are ZERO itself
        penalty: Sequence[Decimal] = [ZERO] * n
        bonus: Sequence[Decimal] = penalty
        for column in extras:
            penalty = list(map(operator.add, penalty, map(_FIRST, column)))
            bonus = list(map(operator.add, bonus, map(_SECOND, column)))
        # from here on, what Scorer._finish does for one record, a column at a time
        cap = scorer.bonus_cap
        if cap is not None:
            bonus = [cap if b > cap else b for b in bonus]
        total: Sequence[Decimal] = [
            b if p is ZERO and o is ZERO else b - p + o
            for b, p, o in zip(base, penalty, bonus, strict=True)
        ]
        floor = rubric.floor
        if floor is not None:
            total = [floor if t < floor else t for t in total]
        if rubric.rounding is not None:
            quantum = rubric.rounding.quantum
            total = list(map(Decimal.quantize, total, repeat(quantum, n), repeat(ROUND_HALF_UP, n)))
        grades: Sequence[str | None] = (
            [None] * n if scorer._grade is None else list(map(scorer._grade, total))
        )
        stars: Iterable[int | None] = repeat(None, n)
        if scorer._stars is not None:
            deducted: Iterable[Decimal] = (
                total
                if scorer._stars_by_total
                else map(operator.add, map(operator.sub, repeat(scorer.maximum, n), base), penalty)
            )
            stars = map(scorer._stars, total, deducted)
        flags: list[frozenset[str]] = [_NO_FLAGS] * n
        if self._vetoes:
            fired: dict[int, list[Veto]] = {}
            for veto, test in self._vetoes:
                for row in compress(range(n), test.column(chunk)):
                    fired.setdefault(row, []).append(veto)
            if fired and grades is not None:
                grades = list(grades)
            for row, vetoes in fired.items():
                for veto in vetoes:
                    if veto.grade is not None and scorer._grade is not None:
                        grades[row] = veto.grade  # type: ignore[index]
                flags[row] = frozenset(v.flag for v in vetoes if v.flag is not None)
        points = map(dict, map(zip, repeat(self.item_ids, n), zip(*items, strict=True)))
        return list(map(Result, total, base, bonus, penalty, grades, stars, flags, points))


def _run(
    plan: _Plan,
    chunk: _Chunk,
    items: list[list[Decimal]],
    extras: list[list[tuple[Decimal, Decimal]]],
) -> list[Decimal]:
    """The points of a composite's children for every row, summed (times their weights) in
    order from ZERO, as :func:`~gridrules._evaluate._composite` sums them for one record."""
    n = chunk.size
    total: list[Decimal] | None = None
    for node, factor in plan:
        if isinstance(node, _ItemNode):
            column = node.by.column(chunk)
            if node.reports:
                extras.append([extra for _, extra in column])
                column = [points for points, _ in column]
            items.append(column)
        else:
            column = _run(node.children, chunk, items, extras)
            if node.quantum is not None:
                column = list(
                    map(Decimal.quantize, column, repeat(node.quantum, n), repeat(ROUND_HALF_UP, n))
                )
        if factor is not None:
            column = list(map(operator.mul, column, repeat(factor, n)))
        total = (
            list(map(ZERO.__add__, column))
            if total is None
            else list(map(operator.add, total, column))
        )
    return total if total is not None else [ZERO] * n
