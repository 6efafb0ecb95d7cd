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
- **Scoring an item.** The item is walked (:func:`~gridrules.engine.walk.walk_item`, the very
  walk :meth:`Scorer.result` makes) on the values of each new combination, and remembered; the
  column of its points is then one look-up per record.
- **Summing.** Sections, weights and roundings follow a column at a time, with the same
  factors and roundings as the walk; the penalty and bonus, vetoes, grade and stars are the
  plan's own :meth:`~gridrules.engine.plan.Plan.finish`, record by record. Every sum is exact,
  so the Decimals come out identical, digit for digit and exponent for exponent.

A raw value is remembered under itself, so values that are equal as keys but read differently
must never share a table: ``1``, ``True`` and ``1.0`` are equal keys, as are ``Decimal("3")``
and ``Decimal("3.0")``. A column is looked up by its raw values only when it holds ints and text
(and nulls), or bools and text (and nulls), each kind of column with tables of its own; a list of
names is remembered as the tuple of its elements. Other columns (floats, Decimals, mixtures,
ballots) are read value by value and their items worked out record by record, which is slower
but the same. Every table is bounded (``LIMIT`` entries), so memory stays flat. An item's
points also depend on the period scored (a target per working day): an item keeps a table for
each kind of column and period (the last ``_SIGNATURES`` met), so that a record of one
period is never answered from a table made for another. (They never depend on the caller's
decimal context: every score is worked out in the library's own.)
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from itertools import compress, repeat
from typing import Any

from ..dates.calendars import PeriodUnits
from ..errors import GridrulesError
from ..model.fields import BadValue, Field, FieldKind
from ..model.grades import Veto
from ..model.numbers import ZERO
from ..model.steps import Effect
from .evidence import ABSENT, Validator
from .plan import ItemPlan, Plan
from .result import Result
from .walk import walk_item

__all__ = ["LIMIT", "ChunkScorer"]

LIMIT = 4096
"""How many distinct raw values (or combinations of them) a field's or an item's table keeps; a
table that would grow beyond it is emptied and filled again."""

_SIGNATURES = 8
"""How many tables an item keeps, one for each kind of columns and period met; the oldest goes
when another is needed."""

_NONE = type(None)
# the kinds of column looked up by raw value, each with its own tables (see the module's text)
_INTS, _BOOLS, _NAMES = 0, 1, 2
_INT_TYPES = frozenset({int, str, _NONE})
_BOOL_TYPES = frozenset({bool, str, _NONE})
_NAME_TYPES = frozenset({str, list, tuple, _NONE})
_NAME_KINDS = frozenset({FieldKind.LEVEL, FieldKind.ELEMENTS})
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


def _new_keys(distinct: set[Any], known: dict[Any, Any], refused: set[Any]) -> set[Any]:
    """The keys of a chunk that a table has not seen, valid (``known``) or not (``refused``);
    all of them, after emptying the table, when adding them would take it past ``LIMIT``."""
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
            # column form of its own (``Step.column``, as Ballots' has) needs them, checked then
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
            if key is None and self.default is not ABSENT:
                valid[None] = self.default  # a null is a value not given: the default
                continue
            try:
                valid[key] = self.check(key)
            except BadValue:
                invalid.add(key)
        if invalid and not invalid.isdisjoint(distinct):
            bad.update(i for i, key in enumerate(keys) if key in invalid)
        return _Column(kind, raw, keys, valid)

    def _read_each(self, raw: Sequence[Any], bad: set[int]) -> _Column:
        read: list[Any] = []
        default, check = self.default, self.check
        for row, value in enumerate(raw):
            if value is None and default is not ABSENT:
                read.append(default)
                continue
            try:
                read.append(check(value))
            except BadValue:
                bad.add(row)
                read.append(None)
        return _Column(None, raw, raw, {}, read)


class _Chunk:
    """A chunk's columns, its size, and the units of the period every record of it is scored
    for: an item's points depend on them too, so a table made for one period is never used for
    another."""

    __slots__ = ("columns", "size", "units")

    def __init__(self, columns: dict[str, _Column], size: int, units: PeriodUnits | None) -> None:
        self.columns = columns
        self.size = size
        self.units = units


class _Keyed:
    """A function of a few fields' values (an item's points, a veto's test), run on a chunk:
    once per distinct combination of the raw values, and looked up for every row."""

    __slots__ = ("compute", "fields", "tables")

    def __init__(
        self,
        fields: Sequence[str],
        compute: Callable[[dict[str, Any], PeriodUnits | None], Any],
    ) -> None:
        self.fields = tuple(fields)
        self.compute = compute
        # per signature: the results by combination, and the combinations whose function raised
        # (a rate whose whole is 0, or whose count is above it), whose rows go to the
        # one-record path, which raises the same error
        self.tables: dict[tuple[Any, ...], tuple[dict[Any, Any], set[Any]]] = {}

    def column(self, chunk: _Chunk) -> list[Any]:
        columns = [chunk.columns[f] for f in self.fields]
        if any(c.kind is None for c in columns):
            return self._each(chunk, columns)
        single = len(columns) == 1
        keys: Sequence[Any] = (
            columns[0].keys if single else list(zip(*(c.keys for c in columns), strict=True))
        )
        signature = (*(c.kind for c in columns), chunk.units)
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
            values = {
                field: column.valid[raw]
                for field, column, raw in zip(
                    self.fields, columns, (key,) if single else key, strict=True
                )
            }
            try:
                table[key] = self.compute(values, chunk.units)
            except GridrulesError:
                fails.add(key)
        if fails and not fails.isdisjoint(distinct):
            raise _Retry(row for row, key in enumerate(keys) if key in fails)
        return list(map(table.__getitem__, keys))

    def _each(self, chunk: _Chunk, columns: list[_Column]) -> list[Any]:
        out: list[Any] = []
        failed: list[int] = []
        fields, units, compute = self.fields, chunk.units, self.compute
        for row, read in enumerate(zip(*(c.values() for c in columns), strict=True)):
            try:
                out.append(compute(dict(zip(fields, read, strict=True)), units))
            except GridrulesError:
                failed.append(row)
                out.append(None)
        if failed:
            raise _Retry(failed)
        return out


class _ByColumn:
    """An item made of one step that sets its points and has a column form of its own (see
    :class:`~gridrules.model.steps.Step`'s ``column``: ballots): the step's amounts for the
    whole column at once, each settled by the item (``Item.settle``), as the walk settles points
    a step sets; the values it leaves are walked one by one."""

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
                try:
                    out[row] = compute({self.field: value}, chunk.units)
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
    """A section of the plan: its children, and its plan node (for its cap and rounding)."""

    __slots__ = ("children", "node")

    def __init__(self, children: _Plan, node: Any) -> None:
        self.children = children
        self.node = node


_Plan = list[tuple[_ItemNode | _SectionNode, Decimal | None]]
"""A composite's children, in order, each with its weight's factor (or ``None``)."""


def _ignoring_units(
    holds: Callable[[dict[str, Any]], bool],
) -> Callable[[dict[str, Any], PeriodUnits | None], bool]:
    """A veto's test, as a table's function of the values and the period's units."""
    return lambda values, units: holds(values)


class ChunkScorer:
    """A plan prepared for scoring chunks of records column by column (see the module's text);
    its tables live as long as it does, bounded."""

    def __init__(self, plan: Plan, validator: Validator) -> None:
        self.plan = plan
        self.fields = tuple(validator.fields)
        self._get = operator.itemgetter(*self.fields) if self.fields else None
        self._field_set = frozenset(self.fields)
        self._readers = [
            _FieldReader(
                validator.fields[fid],
                validator.fields[fid].checker(),
                validator.defaults.get(fid, ABSENT),
            )
            for fid in self.fields
        ]
        self.item_ids: list[str] = []
        self._lock = threading.Lock()
        self._plan = self._plan_children(plan.root)
        self._vetoes = [
            (veto, _Keyed(veto.when.reads, _ignoring_units(holds))) for veto, holds in plan.vetoes
        ]

    # -- preparing --------------------------------------------------------------------------

    def _plan_children(self, nodes: tuple[Any, ...]) -> _Plan:
        plan: _Plan = []
        for node in nodes:
            if node.children is not None:
                plan.append((_SectionNode(self._plan_children(node.children), node), node.factor))
            else:
                plan.append((self._plan_item(node), node.factor))
        return plan

    def _plan_item(self, node: ItemPlan) -> _ItemNode:
        self.item_ids.append(node.id)
        keyed = _Keyed(node.reads, lambda values, units: walk_item(node, values, units))
        steps = node.steps
        if len(steps) == 1 and steps[0].column is not None and steps[0].effect is Effect.SET:
            settle = node.item.settle
            by = _ByColumn(steps[0].reads[0], steps[0].column, settle, keyed)
            return _ItemNode(node.id, by, False)
        return _ItemNode(node.id, keyed, node.beyond)

    # -- scoring ----------------------------------------------------------------------------

    def score(
        self, records: Sequence[object], units: PeriodUnits | None
    ) -> tuple[list[Result | None], list[int]]:
        """Results for the records that score this way, and the rows left for the one-record
        path (``None`` in their place): not a plain dict of every field, or a value or a
        combination that one record's scoring refuses."""
        with self._lock:  # the tables are shared: one chunk at a time, whatever the threads
            return self._score_chunk(records, units)

    def _score_chunk(
        self, records: Sequence[object], units: PeriodUnits | None
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
                scored = self._score([records[i] for i in rows], units)  # type: ignore[misc]
            except _Retry as retry:
                left = [row for n, row in enumerate(rows) if n not in retry.rows]
                rows = left if len(left) < len(rows) else []
                continue
            for row, result in zip(rows, scored, strict=True):
                out[row] = result
            break
        done = set(rows)
        return out, [i for i in range(len(records)) if i not in done]

    def _score(self, records: list[dict[str, Any]], units: PeriodUnits | None) -> list[Result]:
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
        chunk = _Chunk(columns, n, units)
        items: list[list[Decimal]] = []
        extras: list[list[tuple[Decimal, Decimal]]] = []
        parts: dict[str, list[Decimal]] | None = {} if self.plan.section_grades else None
        base = _run(self._plan, chunk, items, extras, parts)
        return self._conclude(chunk, base, items, extras, parts)

    def _conclude(
        self,
        chunk: _Chunk,
        base: list[Decimal],
        items: list[list[Decimal]],
        extras: list[list[tuple[Decimal, Decimal]]],
        parts: dict[str, list[Decimal]] | None = None,
    ) -> list[Result]:
        n = chunk.size
        # the penalty and bonus of each record, summed from nothing in item order
        penalty: Sequence[Decimal] = [ZERO] * n
        bonus: Sequence[Decimal] = penalty
        for column in extras:
            penalty = list(map(operator.add, penalty, map(_FIRST, column)))
            bonus = list(map(operator.add, bonus, map(_SECOND, column)))
        fired: list[Sequence[Veto]] = [()] * n
        for veto, test in self._vetoes:
            for row in compress(range(n), test.column(chunk)):
                fired[row] = (*fired[row], veto)
        points = map(dict, map(zip, repeat(self.item_ids, n), zip(*items, strict=True)))
        if parts is None:
            return list(map(self.plan.finish, base, penalty, bonus, fired, points))
        # the points of the sections graded on their own, record by record
        ids = list(parts)
        by_row = map(dict, map(zip, repeat(ids, n), zip(*parts.values(), strict=True)))
        return list(map(self.plan.finish, base, penalty, bonus, fired, points, by_row))


def _run(
    plan: _Plan,
    chunk: _Chunk,
    items: list[list[Decimal]],
    extras: list[list[tuple[Decimal, Decimal]]],
    parts: dict[str, list[Decimal]] | None = None,
) -> list[Decimal]:
    """The points of a composite's children for every row, summed (times their weights), a
    column at a time: what :func:`~gridrules.engine.walk.walk` does for one record, with the
    same roundings and factors (every sum is exact, so the order of the parts changes nothing).
    """
    n = chunk.size
    total: list[Decimal] = [ZERO] * n
    for node, factor in plan:
        if isinstance(node, _ItemNode):
            column = node.by.column(chunk)
            if node.reports:
                extras.append([extra for _, extra in column])
                column = [points for points, _ in column]
            items.append(column)
        else:
            column = _run(node.children, chunk, items, extras, parts)
            settle = node.node.settle
            if settle is not None:  # the section's cap and rounding
                column = list(map(settle, column))
            if parts is not None and node.node.section.grades is not None:
                parts[node.node.id] = column
        if factor is not None:
            column = list(map(operator.mul, column, repeat(factor, n)))
        total = list(map(operator.add, total, column))
    return total
