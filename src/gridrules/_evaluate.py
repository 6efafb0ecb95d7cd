"""Preparing a rubric once into plain functions, and scoring records with them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from ._evidence import _SMALL_COUNTS, Field, _Bad
from ._grades import Veto
from ._numbers import ZERO, Rounding, fmt
from ._outcome import Effect, Outcome
from ._rubric import Item, Node, Rubric, Section
from ._rules import Context, ZeroTest
from ._sheet import ParameterLine, ScoreSheet, VetoLine, _Lines, _Shown
from ._values import WORKING_DAYS, resolve
from .errors import GridrulesError, ParameterError, Problem

if TYPE_CHECKING:
    from ._columns import ChunkScorer

__all__ = ["CHUNK_SIZE", "Result", "Scorer", "bind_parameters"]

_T = TypeVar("_T")

CHUNK_SIZE = 1024
"""How many records :meth:`Scorer.results` scores at a time, by default."""


def bind_parameters(
    rubric: Rubric, given: Mapping[str, object] | None, *, require_all: bool = True
) -> dict[str, Decimal]:
    """Check ``given`` against the rubric's parameters; every problem is reported at once.

    Returns the values in force: given ones, else bound ones, else defaults. A missing required
    parameter is reported (when ``require_all``) quoting the clause it fills.
    """
    declared = {p.name: p for p in rubric.parameters}
    problems: list[Problem] = []
    values: dict[str, Decimal] = {}
    if given is not None and not isinstance(given, Mapping):
        raise ParameterError(
            f"rubric {rubric.name!r}",
            [Problem("<params>", f"expected a mapping, got {type(given).__name__}")],
        )
    for name, raw in (given or {}).items():
        param = declared.get(name)
        if param is None:
            problems.append(
                Problem(
                    name,
                    f"unknown parameter; this rubric declares {sorted(declared) or 'none'}",
                    raw,
                )
            )
            continue
        try:
            values[name] = Field(name, param.kind).checker()(raw)
        except _Bad as bad:
            problems.append(Problem(name, f"{bad} (「{param.clause}」)", raw))
    if require_all:
        for name, param in declared.items():
            if name in values:
                continue
            fallback = param.value if param.value is not None else param.default
            if fallback is None:
                problems.append(
                    Problem(
                        name,
                        f"missing required parameter: {param.description} (「{param.clause}」)",
                    )
                )
            else:
                values[name] = fallback
        for names, share in rubric.weight_groups():
            if all(name in values for name in names):
                total = sum((values[name] for name in names), ZERO)
                if total != share:
                    shown = " + ".join(f"{name} {fmt(values[name])}" for name in names)
                    problems.append(
                        Problem(
                            " + ".join(names),
                            f"these weights of one composite must sum to {fmt(share)}, got "
                            f"{shown} = {fmt(total)} (「{declared[names[0]].clause}」)",
                        )
                    )
    if problems:
        raise ParameterError(f"rubric {rubric.name!r}", problems)
    return values


class Result:
    """Scores without explanations: total, grade, stars, flags and each item's points."""

    __slots__ = ("base", "bonus", "flags", "grade", "items", "penalty", "stars", "total")

    def __init__(
        self,
        total: Decimal,
        base: Decimal,
        bonus: Decimal,
        penalty: Decimal,
        grade: str | None,
        stars: int | None,
        flags: frozenset[str],
        items: dict[str, Decimal],
    ) -> None:
        self.total = total
        self.base = base
        self.bonus = bonus
        self.penalty = penalty
        self.grade = grade
        self.stars = stars
        self.flags = flags
        self.items = items

    def __repr__(self) -> str:
        return f"Result(total={self.total}, grade={self.grade!r}, stars={self.stars})"


_Scored = tuple[Decimal, list[Outcome], Decimal, Decimal]
"""An item's points, its outcomes, and the penalty and bonus it sends to the total."""


class Scorer:
    """A rubric compiled with its parameters, ready to score many records fast.

    Preparing checks the parameters (all problems at once), resolves every number, and builds one
    function per rule; scoring a record then validates its fields and runs those functions, with
    no further checking of the rubric.
    """

    def __init__(self, rubric: Rubric, params: Mapping[str, object] | None = None) -> None:
        self.rubric = rubric
        self.params = bind_parameters(rubric, params)
        given = set(params or {})
        self.parameter_lines = tuple(
            ParameterLine(
                p.name,
                p.description,
                self.params[p.name],
                "given" if p.name in given or p.value is not None else "default",
                p.clause,
            )
            for p in rubric.parameters
        )
        self.validator = rubric.validator()
        self.maximum = rubric.effective_maximum
        self._items: list[tuple[Item, list[Callable[[Mapping[str, Any]], Outcome | None]]]] = []
        # node id -> (weight, factor) for the parts of weighted composites, shown on the sheet
        self._weights: dict[str, tuple[Decimal, Decimal]] = {}
        self._root = self._compile_children(rubric.children, rubric.weights, rubric.maximum)
        bonus_cap = rubric.bonus_cap
        self.bonus_cap = None if bonus_cap is None else resolve(bonus_cap, self.params, "bonus_cap")
        self.vetoes = [(v, v.when.compile(self.params)) for v in rubric.vetoes]
        self.needs_working_days = rubric.needs_working_days
        # the items whose scores-only function reports a penalty and bonus (see _fast_item)
        self._reporting: set[str] = set()
        self._fast_root = self._fast_children(rubric.children, rubric.weights, rubric.maximum)
        # grades and stars as lookups by bisection, prepared once (see GradeBands.grader)
        self._grade = None if rubric.grades is None else rubric.grades.grader()
        self._stars = None if rubric.stars is None else rubric.stars.rater()
        self._stars_by_total = rubric.stars is not None and rubric.stars.basis == "points"
        # what a score sheet repeats for every record, worked out once
        self._parents = _parents(rubric)
        self._sorted_fields = sorted(self.validator.fields)
        self._primary_fields = {
            id(rule): rule.primary_field for item in rubric.items() for rule in item.rules
        }
        self._chunks: ChunkScorer | None = None  # made by the first call of results()

    # -- compilation -------------------------------------------------------------------------

    def _compile_children(
        self, children: tuple[Node, ...], weights: tuple[Any, ...], maximum: Decimal
    ) -> Callable[[Mapping[str, Any], list[Any]], Decimal]:
        parts = [self._compile(child) for child in children]
        if not weights:

            def total(values: Mapping[str, Any], sink: list[Any]) -> Decimal:
                points = ZERO
                for part in parts:
                    points += part(values, sink)
                return points

            return total
        pairs = list(zip(parts, self._factors(children, weights, maximum), strict=True))

        def weighted(values: Mapping[str, Any], sink: list[Any]) -> Decimal:
            return sum((part(values, sink) * factor for part, factor in pairs), ZERO)

        return weighted

    def _factors(
        self, children: tuple[Node, ...], weights: tuple[Any, ...], maximum: Decimal
    ) -> list[Decimal]:
        """What each child's points are multiplied by in a weighted composite (30% / 30% / 40%)."""
        by_child = {
            w.child: resolve(w.weight, self.params, f"weight of {w.child!r}") for w in weights
        }
        if sum(by_child.values(), ZERO) != 1:
            raise ParameterError(
                f"rubric {self.rubric.name!r}",
                [
                    Problem(
                        "weights",
                        "weights must sum to 1, got "
                        + " + ".join(fmt(w) for w in by_child.values()),
                    )
                ],
            )
        factors = [by_child[c.id] * maximum / c.effective_maximum for c in children]
        for child, factor in zip(children, factors, strict=True):
            self._weights[child.id] = (by_child[child.id], factor)
        return factors

    def _compile(self, node: Node) -> Callable[[Mapping[str, Any], list[Any]], Decimal]:
        if isinstance(node, Section):
            inner = self._compile_children(node.children, node.weights, node.maximum)
            rounding = node.rounding

            def section(values: Mapping[str, Any], sink: list[Any]) -> Decimal:
                start = len(sink)
                points = inner(values, sink)
                if rounding is not None:
                    points = rounding.apply(points)
                sink.append((node, points, start))
                return points

            return section
        return self._compile_item(node)

    def _compile_item(self, item: Item) -> Callable[[Mapping[str, Any], list[Any]], Decimal]:
        ctx = Context(self.params, item.id, item.maximum)
        runs = [rule.compile(ctx) for rule in item.rules]
        self._items.append((item, runs))
        maximum, floor, rounding = item.maximum, item.floor, item.rounding
        deduct, set_, zero, penalty_, bonus_ = (
            Effect.DEDUCT,
            Effect.SET,
            Effect.ZERO,
            Effect.PENALTY,
            Effect.BONUS,
        )

        def score_item(values: Mapping[str, Any], sink: list[Any]) -> Decimal:
            start = maximum
            deducted = penalty = bonus = ZERO
            zeroed = False
            outcomes = []
            for run in runs:
                outcome = run(values)
                if outcome is None:
                    continue
                outcomes.append(outcome)
                effect = outcome.effect
                if effect is deduct:
                    deducted += outcome.amount
                elif effect is set_:
                    start = outcome.amount
                elif effect is zero:
                    zeroed = True
                elif effect is penalty_:
                    penalty += outcome.amount
                elif effect is bonus_:
                    bonus += outcome.amount
            if zeroed:
                points = ZERO
            else:
                points = start - deducted
                if points < floor:
                    points = floor
                elif points > maximum:
                    points = maximum
                if rounding is not None:
                    points = rounding.apply(points)
            sink.append((item, points, outcomes, penalty, bonus))
            return points

        return score_item

    # -- compilation for scores only ----------------------------------------------------------
    #
    # The same tree again, as functions that compute points and nothing else: no outcomes, no
    # sink, each item's points written straight into the result's dict, and the penalty and
    # bonus reported only by the items that can have them. Every sum is taken in the same order
    # from the same ZERO as in the explained functions, so the Decimals come out identical, down
    # to their exponents.

    def _fast_children(
        self, children: tuple[Node, ...], weights: tuple[Any, ...], maximum: Decimal
    ) -> _FastPart:
        factors: list[Decimal | None] = (
            list(self._factors(children, weights, maximum)) if weights else [None] * len(children)
        )
        entries = []
        for child, factor in zip(children, factors, strict=True):
            flat = self._flat_item(child) if isinstance(child, Item) else None
            if flat is None:
                entries.append(
                    (None, (), (), None, ZERO, None, None, None, self._fast(child), factor)
                )
            else:
                entries.append((*flat, None, factor))
        return _composite(tuple(entries))

    def _fast(self, node: Node) -> _FastPart:
        if not isinstance(node, Section):
            return self._fast_item(node)
        inner = self._fast_children(node.children, node.weights, node.maximum)
        rounding = node.rounding
        if rounding is None:
            return inner

        def section(
            values: Mapping[str, Any], items: dict[str, Decimal], extras: _Extras
        ) -> Decimal:
            return rounding.apply(inner(values, items, extras))

        return section

    def _flat_item(self, item: Item) -> tuple[Any, ...] | None:
        """The commonest item, whose rules only deduct or zero it, as data for :func:`_composite`.

        ``(item id, zero tests, deductions, table, untouched points, maximum, floor, quantum)``.
        The deductions hold, in rule order, ``(field, points, None)`` for a rule deducting so many
        points per unit of a count (see :meth:`Rule.per_unit`) and ``(None, None, amount)`` for
        others; the zero tests are the rules' :meth:`Rule.zero_test`. ``table`` is set for an
        item with one deduction per unit and no other (see :func:`_points_table`); the quantum
        is the item's rounding's, or ``None``. ``None`` when the item is not of that kind.
        """
        ctx = Context(self.params, item.id, item.maximum)
        zeros: list[ZeroTest] = []
        deducts: list[tuple[Any, Any, Any]] = []
        for rule in item.rules:
            effect = rule.effect
            if effect is Effect.ZERO:
                test = rule.zero_test(ctx)
                if test is None:
                    return None
                zeros.append(test)
            elif effect is Effect.DEDUCT:
                unit = rule.per_unit(ctx)
                amount = None if unit is not None else rule.compile_amount(ctx)
                if unit is not None:
                    deducts.append((*unit, None))
                elif amount is not None:
                    deducts.append((None, None, amount))
                else:
                    return None
            else:
                return None
        settle = partial(_settler(item.maximum, item.floor, item.rounding), item.maximum)
        table = None
        if len(deducts) == 1 and deducts[0][2] is None:
            table = _points_table(deducts[0][1], settle)
        quantum = None if item.rounding is None else item.rounding.quantum
        # most items of most records lose nothing: their points are worked out once, here
        return (
            item.id,
            tuple(zeros),
            tuple(deducts),
            table,
            settle(ZERO),
            item.maximum,
            item.floor,
            quantum,
        )

    def _fast_item(self, item: Item) -> _FastPart:
        ctx = Context(self.params, item.id, item.maximum)
        steps: list[tuple[Effect | None, Callable[[Mapping[str, Any]], Any]]] = []
        for rule in item.rules:
            amount = rule.compile_amount(ctx)
            # a rule without a points-only form is run in full; its outcome names its effect
            steps.append((None, rule.compile(ctx)) if amount is None else (rule.effect, amount))
        item_id, maximum = item.id, item.maximum
        settle = _settler(maximum, item.floor, item.rounding)
        untouched = settle(maximum, ZERO)
        if len(steps) == 1 and steps[0][0] is Effect.SET:
            # one rule giving the item its points (assessor points, ballots, a table of points)
            given = steps[0][1]

            def set_points(
                values: Mapping[str, Any], items: dict[str, Decimal], extras: _Extras
            ) -> Decimal:
                amount = given(values)
                points = untouched if amount is None else settle(amount, ZERO)
                items[item_id] = points
                return points

            return set_points
        effects = {effect for effect, _ in steps}
        reports = bool(effects - {Effect.DEDUCT, Effect.ZERO, Effect.SET})
        if reports:
            self._reporting.add(item_id)
        deduct, set_, zero, penalty_ = Effect.DEDUCT, Effect.SET, Effect.ZERO, Effect.PENALTY

        def score_item(
            values: Mapping[str, Any], items: dict[str, Decimal], extras: _Extras
        ) -> Decimal:
            start = maximum
            deducted = penalty = bonus = ZERO
            zeroed = False
            for effect, run in steps:
                amount = run(values)
                if amount is None:
                    continue
                if effect is None:
                    effect, amount = amount.effect, amount.amount
                if effect is deduct:
                    deducted += amount
                elif effect is set_:
                    start = amount
                elif effect is zero:
                    zeroed = True
                elif effect is penalty_:
                    penalty += amount
                else:
                    bonus += amount
            if zeroed:
                points = ZERO
            elif start is maximum and deducted is ZERO:
                points = untouched
            else:
                points = settle(start, deducted)
            items[item_id] = points
            if reports:
                extras.append((penalty, bonus))
            return points

        return score_item

    # -- scoring -------------------------------------------------------------------------------

    def _working_days(self, period: object, calendar: Any) -> tuple[Decimal, str] | None:
        """The working days of ``period`` on ``calendar`` (China's by default), when needed."""
        if not self.needs_working_days:
            return None
        from .dates.calendars import get_calendar
        from .dates.periods import Period

        if period is None:
            raise GridrulesError(
                f"rubric {self.rubric.name!r} sets quotas per working day (每天N条): score it "
                "with period=... (e.g. '2026-10'; --period on the command line, or a period in "
                "the evidence's _meta or a period column)"
            )
        span = period if isinstance(period, Period) else Period.parse(str(period))
        calendar = calendar if calendar is not None else get_calendar()
        return Decimal(calendar.working_days(span)), str(calendar.name)

    def _conclude(
        self, values: Mapping[str, Any], base: Decimal, penalty: Decimal, bonus: Decimal
    ) -> tuple[Decimal, Decimal, str | None, int | None, frozenset[str], Sequence[Veto]]:
        """The capped bonus, total, grade, stars, flags and fired vetoes from the points."""
        fired = (
            [veto for veto, holds in self.vetoes if holds(values)] if self.vetoes else _NO_VETOES
        )
        return self._finish(base, penalty, bonus, fired)

    def _finish(
        self, base: Decimal, penalty: Decimal, bonus: Decimal, fired: Sequence[Veto]
    ) -> tuple[Decimal, Decimal, str | None, int | None, frozenset[str], Sequence[Veto]]:
        """:meth:`_conclude` once the vetoes that fire are known."""
        rubric = self.rubric
        if self.bonus_cap is not None and bonus > self.bonus_cap:
            bonus = self.bonus_cap
        # when nothing was added to either, base - 0 + 0 is base itself, digit for digit: base
        # is a sum begun at ZERO, so its exponent is at most 0
        total = base if penalty is ZERO and bonus is ZERO else base - penalty + bonus
        if rubric.floor is not None and total < rubric.floor:
            total = rubric.floor
        if rubric.rounding is not None:
            total = rubric.rounding.apply(total)
        grade = None
        if self._grade is not None:
            grade = self._grade(total)
            for veto in fired:
                if veto.grade is not None:
                    grade = veto.grade
        stars = None
        if self._stars is not None:
            # the deductions are worked out only when the stars depend on them
            stars = self._stars(
                total, total if self._stars_by_total else self.maximum - base + penalty
            )
        flags = (
            frozenset(veto.flag for veto in fired if veto.flag is not None) if fired else _NO_FLAGS
        )
        return bonus, total, grade, stars, flags, fired

    def result(
        self, evidence: Mapping[str, object], *, period: object = None, calendar: Any = None
    ) -> Result:
        """Score one record without writing out explanations (the fast path for batches).

        ``period`` and ``calendar`` matter only to a rubric with quotas per working day.
        """
        values = self.validator.validate(evidence)[0]
        if self.needs_working_days:
            days = self._working_days(period, calendar)
            assert days is not None
            values[WORKING_DAYS] = days[0]
        items: dict[str, Decimal] = {}
        extras: _Extras = []
        base = self._fast_root(values, items, extras)
        penalty = bonus = ZERO
        for item_penalty, item_bonus in extras:
            penalty += item_penalty
            bonus += item_bonus
        bonus, total, grade, stars, flags, _ = self._conclude(values, base, penalty, bonus)
        return Result(total, base, bonus, penalty, grade, stars, flags, items)

    @overload
    def results(
        self,
        records: Iterable[Mapping[str, object]],
        *,
        period: object = None,
        calendar: Any = None,
        return_errors: Literal[False] = False,
        chunk_size: int = CHUNK_SIZE,
    ) -> Iterator[Result]: ...

    @overload
    def results(
        self,
        records: Iterable[Mapping[str, object]],
        *,
        period: object = None,
        calendar: Any = None,
        return_errors: Literal[True],
        chunk_size: int = CHUNK_SIZE,
    ) -> Iterator[Result | GridrulesError]: ...

    def results(
        self,
        records: Iterable[Mapping[str, object]],
        *,
        period: object = None,
        calendar: Any = None,
        return_errors: bool = False,
        chunk_size: int = CHUNK_SIZE,
    ) -> Iterator[Result | GridrulesError]:
        """Score many records without explanations: the fastest path, for batches.

        Yields, in order, the very :class:`Result` that :meth:`result` gives for each record,
        equal down to every Decimal's digits and exponent. The records are scored a chunk of
        ``chunk_size`` at a time, column by column, each item worked out once for each distinct
        combination of the values it reads (see ``_columns.py``); a record that does not fit
        that way (a field left out, a value of an unusual type) is scored by :meth:`result`.
        Memory holds one chunk and bounded tables, however many records there are.

        A record that cannot be scored raises its error (an
        :class:`~gridrules.EvidenceError` naming every problem) once the results before it
        have been yielded; with ``return_errors=True`` the error is yielded in its place and
        scoring goes on, so that no record is lost. ``period`` and ``calendar`` apply to every
        record (see :meth:`result`); a rubric that needs a period, given none, is refused when
        ``results`` is called, as are records that are not an iterable (a single mapping among
        them) and a ``chunk_size`` under 1. Threads may share a scorer: the tables of values
        already seen serve one chunk at a time.
        """
        if isinstance(records, Mapping):
            raise TypeError("results() takes an iterable of records; score one with result()")
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be 1 or more, got {chunk_size}")
        # checked now, not when the first result is asked for
        days_named = self._working_days(period, calendar)
        if self._chunks is None:
            from ._columns import ChunkScorer

            self._chunks = ChunkScorer(self)
        return self._results(
            self._chunks,
            iter(records),
            None if days_named is None else days_named[0],
            {"period": period, "calendar": calendar},
            return_errors,
            chunk_size,
        )

    def _results(
        self,
        by_columns: ChunkScorer,
        records: Iterator[Mapping[str, object]],
        days: Decimal | None,
        when: dict[str, Any],
        return_errors: bool,
        chunk_size: int,
    ) -> Iterator[Result | GridrulesError]:
        for chunk in in_chunks(records, chunk_size):
            done: list[Result | GridrulesError | None]
            done, left = by_columns.score(chunk, days)  # type: ignore[assignment]
            for row in left:
                try:
                    done[row] = self.result(chunk[row], **when)
                except GridrulesError as error:
                    if not return_errors:
                        yield from done[:row]  # type: ignore[misc]  # all scored by now
                        raise
                    done[row] = error
            yield from done  # type: ignore[misc]  # every row scored

    def score(
        self,
        evidence: Mapping[str, object],
        *,
        assessee: str | None = None,
        period: object = None,
        calendar: Any = None,
    ) -> ScoreSheet:
        """Score one record and explain every point on a :class:`~gridrules.ScoreSheet`.

        :param period: the period scored (``"2026-10"`` or a :class:`~gridrules.periods.Period`),
            shown on the sheet; needed by quotas per working day.
        :param calendar: the working-day calendar for those quotas (China's by default); its name
            is shown on the sheet.
        """
        days = self._working_days(period, calendar)
        values, defaulted = self.validator.validate(evidence)
        if days is not None:
            values[WORKING_DAYS] = days[0]
        # each item leaves (item, points, outcomes, penalty, bonus) in the sink, each section
        # (section, points, start): the sheet's lines are made from them when first read
        sink: list[Any] = []
        base = self._root(values, sink)
        penalty = uncapped_bonus = ZERO
        for entry in sink:
            if len(entry) == 5:
                penalty += entry[3]
                uncapped_bonus += entry[4]
        bonus, total, grade, stars, flags, fired = self._conclude(
            values, base, penalty, uncapped_bonus
        )
        values.pop(WORKING_DAYS, None)
        rubric = self.rubric
        # the lines and the evidence shown are written out when first read (see _sheet.py)
        made_of = _Lines(sink, self._parents, self._primary_fields, self._weights)
        return ScoreSheet(
            rubric.name,
            rubric.title,
            rubric.version,
            total,
            self.maximum,
            base,
            bonus,
            penalty,
            grade,
            stars,
            flags,
            made_of,
            made_of,
            tuple(VetoLine(v.id, v.label, v.grade, v.flag, v.clause) for v in fired)
            if fired
            else (),
            rubric.assumptions,
            self.parameter_lines,
            tuple(sorted(defaulted)) if defaulted else (),
            # validation leaves every field of the rubric in values, and only those
            _Shown(values, self._sorted_fields),
            uncapped_bonus,
            assessee,
            None if period is None else str(period),
            None if days is None else f"{days[1]}：{fmt(days[0])}个工作日",
        )


_FastPart = Callable[[Mapping[str, Any], dict[str, Decimal], "_Extras"], Decimal]
"""A node compiled for scores only: it writes its items' points and returns its own."""
_Extras = list[tuple[Decimal, Decimal]]
"""The penalty and bonus of each item that can send them to the total."""
_NO_FLAGS: frozenset[str] = frozenset()
_NO_VETOES: tuple[Veto, ...] = ()


def _settler(
    maximum: Decimal, floor: Decimal, rounding: Rounding | None
) -> Callable[[Decimal, Decimal], Decimal]:
    """An item's points from its start and its deductions: kept within its floor and maximum,
    then rounded if it says so (the explained path does the same in :meth:`_compile_item`)."""

    def settle(start: Decimal, deducted: Decimal) -> Decimal:
        points = start - deducted
        if points < floor:
            points = floor
        elif points > maximum:
            points = maximum
        if rounding is not None:
            points = rounding.apply(points)
        return points

    return settle


_TABLED = 64
"""How many small counts (0 to 63) an item with one deduction per unit has its points for."""


def _points_table(
    per_unit: Decimal, settle: Callable[[Decimal], Decimal]
) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """An item's points for each small count of its one deduction per unit, worked out once.

    Keyed by the Decimals the validator reads small counts as (it shares one per value, see
    ``_SMALL_COUNTS``), each with its key again so that the loop can check that it was handed
    that very object: a count of 3 written "3.0" is equal, but deducts 1.50, not 1.5, so it must
    be worked out. Count 0 deducts nothing: the untouched points.
    """
    table = {_SMALL_COUNTS[0]: (_SMALL_COUNTS[0], settle(ZERO))}
    for count in _SMALL_COUNTS[1:_TABLED]:
        # as the loop sums it: ZERO + count × points
        table[count] = (count, settle(ZERO + count * per_unit))
    return table


def _composite(entries: tuple[tuple[Any, ...], ...]) -> _FastPart:
    """The points of a rubric's or section's children, summed (times their weights) in order.

    Each entry is ``(item id, zero tests, deductions, table, untouched, maximum, floor, quantum,
    call, factor)``: with a ``call``, a section or an item of another kind, scored by that
    function; else an item of deductions (see :meth:`Scorer._flat_item`), worked out here in the
    loop: that is most items of most rubrics, and a function call per item was a large part of
    their cost. The item's points are settled here as :func:`_settler` does, inline for the same
    reason.
    """

    def total(values: Mapping[str, Any], items: dict[str, Decimal], extras: _Extras) -> Decimal:
        points = ZERO
        for (
            item_id,
            zeros,
            deducts,
            table,
            untouched,
            maximum,
            floor,
            quantum,
            call,
            factor,
        ) in entries:
            if call is not None:
                got = call(values, items, extras)
            else:
                got = None
                if table is not None:
                    # one deduction per unit: a small count's points are in the table
                    count = values[deducts[0][0]]
                    known = table.get(count)
                    if known is not None and known[0] is count:
                        got = known[1]
                if got is None:
                    deducted = ZERO
                    for field, per_unit, amount_of in deducts:
                        if amount_of is None:
                            count = values[field]
                            if count:
                                deducted += count * per_unit
                        else:
                            amount = amount_of(values)
                            if amount is not None:
                                deducted += amount
                    # a sum always makes a new object, so `is ZERO` means nothing was deducted
                    if deducted is ZERO:
                        got = untouched
                    else:
                        got = maximum - deducted
                        if got < floor:
                            got = floor
                        elif got > maximum:
                            got = maximum
                        if quantum is not None:
                            got = got.quantize(quantum, ROUND_HALF_UP)
                for field, test, argument in zeros:
                    if test(values[field], argument):
                        got = ZERO
                        break
                items[item_id] = got
            points += got if factor is None else got * factor
        return points

    return total


def in_chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``items`` in lists of ``size`` (the last may be shorter), read only as each is needed."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _parents(rubric: Rubric) -> dict[str, str]:
    parents: dict[str, str] = {}

    def visit(node: Node, parent: str | None) -> None:
        if parent is not None:
            parents[node.id] = parent
        if isinstance(node, Section):
            for child in node.children:
                visit(child, node.id)

    for child in rubric.children:
        visit(child, None)
    return parents
