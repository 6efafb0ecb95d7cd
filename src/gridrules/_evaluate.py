"""Preparing a rubric once into plain functions, and scoring records with them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ._evidence import Field, _Bad
from ._numbers import ZERO, fmt
from ._outcome import Effect, Outcome
from ._rubric import Item, Node, Parameter, Rubric, Section
from ._rules import Context
from ._sheet import ItemLine, ParameterLine, Reason, ScoreSheet, SectionLine, VetoLine
from ._values import WORKING_DAYS, resolve
from .errors import GridrulesError, ParameterError, Problem

__all__ = ["Result", "Scorer", "bind_parameters"]


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
                        f"missing required parameter: {param.description}; the source leaves "
                        f"it blank: 「{param.clause}」",
                    )
                )
            else:
                values[name] = fallback
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
        self._root = self._compile_children(rubric.children, rubric.weights, rubric.maximum)
        bonus_cap = rubric.bonus_cap
        self.bonus_cap = None if bonus_cap is None else resolve(bonus_cap, self.params, "bonus_cap")
        self.vetoes = [(v, v.when.compile(self.params)) for v in rubric.vetoes]
        self.needs_working_days = rubric.needs_working_days

    # -- compilation -------------------------------------------------------------------------

    def _compile_children(
        self, children: tuple[Node, ...], weights: tuple[Any, ...], maximum: Decimal
    ) -> Callable[[Mapping[str, Any], list[Any]], Decimal]:
        parts = [self._compile(child) for child in children]
        if not weights:

            def total(values: Mapping[str, Any], sink: list[Any]) -> Decimal:
                return sum((part(values, sink) for part in parts), ZERO)

            return total
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
        pairs = list(zip(parts, factors, strict=True))

        def weighted(values: Mapping[str, Any], sink: list[Any]) -> Decimal:
            return sum((part(values, sink) * factor for part, factor in pairs), ZERO)

        return weighted

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

    # -- scoring -------------------------------------------------------------------------------

    def _working_days(self, period: object, calendar: Any) -> tuple[Decimal, str] | None:
        """The working days of ``period`` on ``calendar`` (China's by default), when needed."""
        if not self.needs_working_days:
            return None
        from .calendars import get_calendar
        from .periods import Period

        if period is None:
            raise GridrulesError(
                f"rubric {self.rubric.name!r} sets quotas per working day (每天N条): score it "
                "with period=... (e.g. '2026-10')"
            )
        span = period if isinstance(period, Period) else Period.parse(str(period))
        calendar = calendar if calendar is not None else get_calendar()
        return Decimal(calendar.working_days(span)), str(calendar.name)

    def _run(
        self, evidence: Mapping[str, object], days: tuple[Decimal, str] | None = None
    ) -> tuple[Any, ...]:
        values, defaulted = self.validator.validate(evidence)
        if days is not None:
            values[WORKING_DAYS] = days[0]
        sink: list[Any] = []
        base = self._root(values, sink)
        penalty = bonus = ZERO
        for entry in sink:
            if len(entry) == 5:
                penalty += entry[3]
                bonus += entry[4]
        rubric = self.rubric
        uncapped_bonus = bonus
        if self.bonus_cap is not None and bonus > self.bonus_cap:
            bonus = self.bonus_cap
        total = base - penalty + bonus
        if rubric.floor is not None and total < rubric.floor:
            total = rubric.floor
        if rubric.rounding is not None:
            total = rubric.rounding.apply(total)
        fired = [veto for veto, holds in self.vetoes if holds(values)]
        grade = None
        if rubric.grades is not None:
            grade = rubric.grades.grade(total)
            for veto in fired:
                if veto.grade is not None:
                    grade = veto.grade
        stars = None
        if rubric.stars is not None:
            stars = rubric.stars.rate(total, self.maximum - base + penalty)
        flags = frozenset(veto.flag for veto in fired if veto.flag is not None)
        return (
            values,
            defaulted,
            sink,
            base,
            penalty,
            bonus,
            uncapped_bonus,
            total,
            grade,
            stars,
            flags,
            fired,
        )

    def result(
        self, evidence: Mapping[str, object], *, period: object = None, calendar: Any = None
    ) -> Result:
        """Score one record without writing out explanations (the fast path for batches).

        ``period`` and ``calendar`` matter only to a rubric with quotas per working day.
        """
        days = self._working_days(period, calendar)
        (_, _, sink, base, penalty, bonus, _, total, grade, stars, flags, _) = self._run(
            evidence, days
        )
        items = {entry[0].id: entry[1] for entry in sink if len(entry) == 5}
        return Result(total, base, bonus, penalty, grade, stars, flags, items)

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
        (
            values,
            defaulted,
            sink,
            base,
            penalty,
            bonus,
            uncapped_bonus,
            total,
            grade,
            stars,
            flags,
            fired,
        ) = self._run(evidence, days)
        values.pop(WORKING_DAYS, None)
        rubric = self.rubric
        lines: list[ItemLine] = []
        sections: list[SectionLine] = []
        parents = _parents(rubric)
        for entry in sink:
            if len(entry) == 3:
                node, points, _ = entry
                sections.append(SectionLine(node.id, node.label, points, node.effective_maximum))
                continue
            item, points, outcomes, _, _ = entry
            lines.append(
                ItemLine(
                    item_id=item.id,
                    label=item.label,
                    section=parents.get(item.id),
                    points=points,
                    maximum=item.maximum,
                    reasons=tuple(_reason(item, o) for o in outcomes),
                    clause=item.clause,
                )
            )
        return ScoreSheet(
            rubric=rubric.name,
            rubric_title=rubric.title,
            rubric_version=rubric.version,
            assessee=assessee,
            period=None if period is None else str(period),
            total=total,
            maximum=self.maximum,
            base=base,
            bonus=bonus,
            bonus_before_cap=uncapped_bonus,
            penalty=penalty,
            grade=grade,
            stars=stars,
            flags=flags,
            lines=tuple(lines),
            sections=tuple(sections),
            vetoes=tuple(VetoLine(v.id, v.label, v.grade, v.flag, v.clause) for v in fired),
            assumptions=rubric.assumptions,
            parameters=self.parameter_lines,
            defaults=tuple(sorted(defaulted)),
            calendar=None if days is None else f"{days[1]}：{fmt(days[0])}个工作日",
            evidence={k: _show(v) for k, v in sorted(values.items())},
        )


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


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, frozenset | tuple):
        return "、".join(sorted(value)) if value else "（无）"
    return str(value)


def _reason(item: Item, outcome: Outcome) -> Reason:
    rule = outcome.rule
    return Reason(
        rule=rule.kind,
        label=rule.label,
        effect=outcome.effect.value,
        field=rule.primary_field,
        value=_show(outcome.value),
        amount=outcome.amount,
        arithmetic=outcome.arithmetic,
        clause=rule.clause or item.clause,
    )


def parameter_of(rubric: Rubric, name: str) -> Parameter:
    for param in rubric.parameters:
        if param.name == name:
            return param
    raise KeyError(name)
