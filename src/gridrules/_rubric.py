"""The rubric tree (rubric, sections, items), its metadata, and its validation."""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from ._combine import CombinedSheet, PeriodCombination, combine_sheets
from ._evidence import Field, FieldKind, Validator, evidence_schema, merge_fields
from ._grades import GradeBands, StarRating, Veto
from ._numbers import ONE, ZERO, Rounding, as_tuple, fmt, to_decimal
from ._outcome import Effect
from ._rules import Rule
from ._values import FromField, Number, Param, PerWorkingDay, number, optional_number
from .errors import RubricError

if TYPE_CHECKING:
    from ._evaluate import Scorer
    from ._sheet import ScoreSheet

__all__ = ["Assumption", "Item", "Parameter", "Rubric", "Section", "Weight"]


def _decimal(value: object) -> Decimal:
    return to_decimal(value, "maximum")


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "value")


def _node_id(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        not isinstance(value, str)
        or not value
        or not value.isascii()
        or not value.replace("_", "").replace("-", "").replace(".", "").isalnum()
    ):
        raise RubricError(
            f"{type(instance).__name__} {attribute.name} must be an ASCII id of letters, digits, "
            f"'_', '-' or '.', got {value!r}"
        )


@attrs.frozen
class Assumption:
    """A decision taken where the source is defective or ambiguous.

    ``quote`` is the source's exact text, ``decision`` what the rubric does instead (in the
    source's language). Assumptions are shown by the CLI and the docs, and on every score sheet.
    """

    id: str = attrs.field(validator=_node_id)
    quote: str
    decision: str


@attrs.frozen
class Parameter:
    """A value the source leaves blank (xx分, xx%, 缺一次扣分), filled by the region.

    ``kind`` is ``amount`` (any number 0 or more), ``count`` or ``percentage``; ``default`` makes
    the parameter optional; ``value`` is the value bound by :meth:`Rubric.with_params`.
    """

    name: str = attrs.field(validator=_node_id)
    description: str
    clause: str
    kind: FieldKind = attrs.field(
        default=FieldKind.AMOUNT,
        validator=attrs.validators.in_((FieldKind.AMOUNT, FieldKind.COUNT, FieldKind.PERCENTAGE)),
    )
    default: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    value: Decimal | None = attrs.field(default=None, converter=_optional_decimal)

    @property
    def required(self) -> bool:
        """Whether scoring fails without a value for it (it has no default)."""
        return self.default is None


@attrs.frozen
class Weight:
    """The weight of one child in a weighted composite (30% is ``Weight("system", "0.3")``)."""

    child: str
    weight: Number = attrs.field(converter=number)


@attrs.frozen
class Item:
    """A scored item (考核项目): a label, a maximum (分值), the clause it implements, its rules.

    The item starts at its maximum (or at the points an assessor or a tier gives), loses its
    deductions, and stops at ``floor`` (扣完为止, 0 by default); a zero-out rule zeroes it.
    """

    id: str = attrs.field(validator=_node_id)
    label: str
    maximum: Decimal = attrs.field(converter=_decimal)
    rules: tuple[Rule, ...] = attrs.field(converter=as_tuple, factory=tuple)
    clause: str = ""
    floor: Decimal = attrs.field(default=ZERO, converter=_decimal)
    rounding: Rounding | None = None

    def __attrs_post_init__(self) -> None:
        where = f"item {self.id!r}"
        if self.maximum < 0:
            raise RubricError(f"{where}: maximum must be 0 or more, got {fmt(self.maximum)}")
        if not ZERO <= self.floor <= self.maximum:
            raise RubricError(
                f"{where}: floor {fmt(self.floor)} must be from 0 to the maximum "
                f"{fmt(self.maximum)}"
            )
        setters = [r for r in self.rules if r.effect is Effect.SET]
        if len(setters) > 1:
            raise RubricError(
                f"{where}: only one rule may set the item's points, got "
                f"{', '.join(r.kind for r in setters)}"
            )
        for rule in self.rules:
            for problem in rule.problems(self.maximum):
                raise RubricError(f"{where}, rule {rule.kind}: {problem}")
        if not self.clause and any(not r.clause for r in self.rules):
            raise RubricError(f"{where}: quote the clause it implements (item or rule clause)")

    @property
    def effective_maximum(self) -> Decimal:
        """The points the item can reach: its maximum."""
        return self.maximum

    def walk(self) -> Iterator[Item | Section]:
        """This node and, for a section, every node below it, depth first."""
        yield self


@attrs.frozen
class Section:
    """A part of the rubric (考核内容一): a label, a maximum and its children.

    Without ``weights`` the section scores the sum of its children, and its stated ``maximum``
    must equal what the children allow unless ``maximum_assumption`` names the assumption that
    explains the difference (the section then allows what its children allow). With ``weights``
    it is a weighted composite: each child is scored on its own scale and the section scores
    ``maximum × Σ weight × points / child maximum``; the weights must sum to 1.
    """

    id: str = attrs.field(validator=_node_id)
    label: str
    maximum: Decimal = attrs.field(converter=_decimal)
    children: tuple[Item | Section, ...] = attrs.field(converter=as_tuple)
    clause: str = ""
    weights: tuple[Weight, ...] = attrs.field(converter=as_tuple, factory=tuple)
    rounding: Rounding | None = None
    maximum_assumption: str | None = None

    def __attrs_post_init__(self) -> None:
        _check_children(f"section {self.id!r}", self.children, self.weights)

    @property
    def children_maximum(self) -> Decimal:
        """The sum of the children's maxima: what the parts as written allow."""
        return _sum_maxima(self.children)

    @property
    def effective_maximum(self) -> Decimal:
        """The points the section can reach: its stated maximum when weighted, else its parts'."""
        return self.maximum if self.weights else self.children_maximum

    def walk(self) -> Iterator[Item | Section]:
        """This section and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


Node: TypeAlias = Item | Section


def _sum_maxima(children: tuple[Node, ...]) -> Decimal:
    return sum((c.effective_maximum for c in children), ZERO)


def _check_children(where: str, children: tuple[Node, ...], weights: tuple[Weight, ...]) -> None:
    if not children:
        raise RubricError(f"{where}: has no items")
    ids = [c.id for c in children]
    if weights:
        weighted = [w.child for w in weights]
        if sorted(weighted) != sorted(ids):
            raise RubricError(
                f"{where}: weights must name each child once; children {ids}, weights {weighted}"
            )
        literal = [w.weight for w in weights if isinstance(w.weight, Decimal)]
        if len(literal) == len(weights) and sum(literal, ZERO) != ONE:
            raise RubricError(
                f"{where}: weights must sum to 1, got {' + '.join(fmt(w) for w in literal)} = "
                f"{fmt(sum(literal, ZERO))}"
            )
        if any(isinstance(w.weight, FromField) for w in weights):
            raise RubricError(f"{where}: weights come from the rubric or its parameters")


_PREPARED: weakref.WeakKeyDictionary[Rubric, Scorer] = weakref.WeakKeyDictionary()


@attrs.frozen(cache_hash=True)
class Rubric:
    """A whole assessment scheme (考核细则): metadata, the tree of sections and items, grading.

    A rubric that can be built is a valid one: construction checks ids, maxima, parameters,
    assumptions, fields, grade bands and vetoes, and the error names the rubric and the node.
    Score one record with :meth:`score`; for many, :meth:`prepare` once and reuse the scorer.
    """

    name: str = attrs.field(validator=_node_id)
    title: str
    maximum: Decimal = attrs.field(converter=_decimal)
    children: tuple[Node, ...] = attrs.field(converter=as_tuple)
    version: str = "1.0"
    region: str = ""
    issuer: str = ""
    effective: str | None = None
    source: str = ""
    description: str = ""
    weights: tuple[Weight, ...] = attrs.field(converter=as_tuple, factory=tuple)
    maximum_assumption: str | None = None
    assumptions: tuple[Assumption, ...] = attrs.field(converter=as_tuple, factory=tuple)
    parameters: tuple[Parameter, ...] = attrs.field(converter=as_tuple, factory=tuple)
    grades: GradeBands | None = None
    stars: StarRating | None = None
    vetoes: tuple[Veto, ...] = attrs.field(converter=as_tuple, factory=tuple)
    bonus_cap: Number | None = attrs.field(default=None, converter=optional_number)
    floor: Decimal | None = attrs.field(default=ZERO, converter=_optional_decimal)
    rounding: Rounding | None = None
    combinations: tuple[PeriodCombination, ...] = attrs.field(converter=as_tuple, factory=tuple)

    def __attrs_post_init__(self) -> None:
        where = f"rubric {self.name!r}"
        try:
            self._validate()
        except RubricError as error:
            message = str(error)
            raise type(error)(
                message if message.startswith(where) else f"{where}: {message}"
            ) from None
        except (ValueError, TypeError) as error:
            raise RubricError(f"{where}: {error}") from None

    # -- validation ---------------------------------------------------------------------

    def _validate(self) -> None:
        if self.effective is not None:
            try:
                dt.date.fromisoformat(self.effective)
            except ValueError:
                raise RubricError(
                    f"effective date must be YYYY-MM-DD, got {self.effective!r}"
                ) from None
        _check_children("the rubric", self.children, self.weights)
        nodes = list(self.nodes())
        seen: set[str] = set()
        for node in nodes:
            if node.id in seen:
                raise RubricError(f"node id {node.id!r} is used twice")
            seen.add(node.id)
        assumption_ids = [a.id for a in self.assumptions]
        if len(set(assumption_ids)) != len(assumption_ids):
            raise RubricError(f"assumption ids repeat: {assumption_ids}")
        self._check_maxima(set(assumption_ids))
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise RubricError(f"parameter names repeat: {names}")
        declared = set(names)
        for where, ref in self._references():
            if isinstance(ref, FromField | PerWorkingDay) and not where.endswith("Quota.target"):
                raise RubricError(
                    f"{where}: only a quota's target may come from the evidence or the calendar"
                )
            if isinstance(ref, Param) and ref.param not in declared:
                raise RubricError(
                    f"{where} uses parameter {ref.param!r}, which is not declared "
                    f"(declared: {sorted(declared) or 'none'})"
                )
        fields = self.fields  # merges and checks field kinds
        if self.grades is not None:
            self.grades.validate(self.grade_ceiling, "grades")
        for veto in self.vetoes:
            if veto.grade is not None and (
                self.grades is None or veto.grade not in self.grades.names
            ):
                raise RubricError(
                    f"veto {veto.id!r} forces grade {veto.grade!r}, which is not one of the "
                    f"grade bands {self.grades.names if self.grades else '(none declared)'}"
                )
        combination_ids = [c.id for c in self.combinations]
        if len(set(combination_ids)) != len(combination_ids):
            raise RubricError(f"combination ids repeat: {combination_ids}")
        for param in self.parameters:
            for value in (param.default, param.value):
                if value is not None:
                    _check_parameter_value(param, value)
        del fields

    def _check_maxima(self, assumption_ids: set[str]) -> None:
        for node in self.nodes():
            if isinstance(node, Section):
                self._check_total(
                    f"section {node.id!r}",
                    node.maximum,
                    node.children_maximum,
                    node.maximum_assumption,
                    assumption_ids,
                    bool(node.weights),
                )
        self._check_total(
            "the rubric",
            self.maximum,
            self.children_maximum,
            self.maximum_assumption,
            assumption_ids,
            bool(self.weights),
        )

    @staticmethod
    def _check_total(
        where: str,
        stated: Decimal,
        allowed: Decimal,
        assumption: str | None,
        assumption_ids: set[str],
        weighted: bool,
    ) -> None:
        if assumption is not None and assumption not in assumption_ids:
            raise RubricError(f"{where} cites assumption {assumption!r}, which is not declared")
        if weighted or stated == allowed or assumption is not None:
            return
        raise RubricError(
            f"{where} states a maximum of {fmt(stated)} but its parts allow {fmt(allowed)}; "
            "fix the numbers or record an assumption and name it in maximum_assumption"
        )

    def _references(self) -> Iterator[tuple[str, Number | None]]:
        for node in self.nodes():
            if isinstance(node, Item):
                for rule in node.rules:
                    for attribute, value in rule.numbers():
                        yield f"item {node.id!r}, rule {rule.kind}.{attribute}", value
            else:
                for weight in node.weights:
                    yield f"section {node.id!r}, weight of {weight.child!r}", weight.weight
        for weight in self.weights:
            yield f"the rubric's weight of {weight.child!r}", weight.weight
        for veto in self.vetoes:
            yield f"veto {veto.id!r}", veto.when.value
        yield "bonus_cap", self.bonus_cap

    # -- derived facts ------------------------------------------------------------------

    def nodes(self) -> Iterator[Node]:
        """Every section and item, depth first, in the order of the source."""
        for child in self.children:
            yield from child.walk()

    def items(self) -> Iterator[Item]:
        """Every item, in the order of the source."""
        for node in self.nodes():
            if isinstance(node, Item):
                yield node

    def node(self, node_id: str) -> Node:
        """The section or item with id ``node_id`` (:class:`KeyError` when there is none)."""
        for node in self.nodes():
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    @property
    def children_maximum(self) -> Decimal:
        """The sum of the top-level parts' maxima."""
        return _sum_maxima(self.children)

    @property
    def effective_maximum(self) -> Decimal:
        """The base maximum the parts allow (the stated one for a weighted rubric)."""
        return self.maximum if self.weights else self.children_maximum

    @property
    def bonus_ceiling(self) -> Decimal | None:
        """The most bonus points a record can earn, or ``None`` when a bonus is uncapped."""
        if isinstance(self.bonus_cap, Decimal):
            return self.bonus_cap
        if self.bonus_cap is not None:
            return None  # a parameter: known only once bound
        total = ZERO
        for item in self.items():
            for rule in item.rules:
                if rule.effect is Effect.BONUS:
                    cap = getattr(rule, "cap", None)
                    levels = getattr(rule, "levels", None)
                    if cap is None and levels is not None:
                        cap = max(level.points for level in levels)
                    if not isinstance(cap, Decimal):
                        return None
                    total += cap
        return total

    @property
    def grade_ceiling(self) -> Decimal | None:
        """The highest total a record can reach (``None`` when a bonus is uncapped)."""
        ceiling = self.bonus_ceiling
        return None if ceiling is None else self.effective_maximum + ceiling

    def weight_groups(self) -> list[tuple[tuple[str, ...], Decimal]]:
        """The parameters that are the weights of one composite, and the share they must fill.

        A weighted section, the rubric's root, or a set of ballot types whose weights are
        parameters must have those weights sum to 1 less its literal weights.
        """
        from ._ballots import Ballots

        groups: list[list[Number]] = [[w.weight for w in self.weights]]
        for node in self.nodes():
            if isinstance(node, Item):
                groups.extend(
                    [t.weight for t in rule.types]
                    for rule in node.rules
                    if isinstance(rule, Ballots)
                )
            else:
                groups.append([w.weight for w in node.weights])
        found = []
        for weights in groups:
            names = tuple(w.param for w in weights if isinstance(w, Param))
            if names:
                literal = sum((w for w in weights if isinstance(w, Decimal)), ZERO)
                found.append((names, ONE - literal))
        return found

    @property
    def needs_working_days(self) -> bool:
        """Whether scoring needs the period's working days (a :class:`PerWorkingDay` target)."""
        return any(
            isinstance(getattr(rule, "target", None), PerWorkingDay)
            for item in self.items()
            for rule in item.rules
        )

    @property
    def fields(self) -> dict[str, Field]:
        """Every evidence field the rubric reads, by id."""
        declared: list[tuple[str, Field]] = []
        for item in self.items():
            for rule in item.rules:
                owner = f"item {item.id!r} ({rule.kind})"
                for field in rule.fields():
                    if field.kind is FieldKind.POINTS and field.maximum is None:
                        # assessor points with no bound of their own are bounded by their item,
                        # so a value over it is reported with the record's other problems
                        field = attrs.evolve(field, maximum=item.maximum)
                    declared.append((owner, field))
        for veto in self.vetoes:
            declared.append((f"veto {veto.id!r}", veto.field_spec()))
        return merge_fields(self.name, declared)

    def evidence_schema(self) -> dict[str, Any]:
        """The JSON Schema of one evidence record."""
        return evidence_schema(self.name, self.title, self.fields)

    def validator(self) -> Validator:
        """A validator for this rubric's evidence records."""
        return Validator(self.name, self.fields)

    # -- parameters and scoring ------------------------------------------------------------

    def with_params(self, params: Mapping[str, object]) -> Rubric:
        """A copy with parameter values bound (checked; unknown names are an error)."""
        from ._evaluate import bind_parameters

        values = bind_parameters(self, params, require_all=False)
        return attrs.evolve(
            self,
            parameters=[
                attrs.evolve(p, value=values[p.name]) if p.name in values else p
                for p in self.parameters
            ],
        )

    def prepare(self, params: Mapping[str, object] | None = None) -> Scorer:
        """Compile the rubric once (with ``params``) into a :class:`~gridrules.Scorer`."""
        from ._evaluate import Scorer

        if params:
            return Scorer(self, params)
        scorer = _PREPARED.get(self)
        if scorer is None:
            scorer = _PREPARED[self] = Scorer(self, None)
        return scorer

    def score(
        self,
        evidence: Mapping[str, object],
        params: Mapping[str, object] | None = None,
        *,
        assessee: str | None = None,
        period: object = None,
        calendar: Any = None,
    ) -> ScoreSheet:
        """Score one assessee's evidence for one period and explain every point.

        ``period`` (``"2026-10"``) is shown on the sheet and gives quotas per working day their
        target, counted on ``calendar`` (China's working days by default).
        """
        return self.prepare(params).score(
            evidence, assessee=assessee, period=period, calendar=calendar
        )

    def combine(self, combination: str, sheets: Mapping[str, ScoreSheet]) -> CombinedSheet:
        """Combine one assessee's sheets of shorter periods (半年/年终, 季度) into one result.

        The combined total is graded with the rubric's bands; a grade forced by a veto on any part
        stands, and the parts' flags carry over.
        """
        for candidate in self.combinations:
            if candidate.id == combination:
                break
        else:
            known = ", ".join(c.id for c in self.combinations) or "none"
            raise RubricError(
                f"rubric {self.name!r} has no combination {combination!r} (declared: {known})"
            )
        for part, sheet in sheets.items():
            if sheet.rubric != self.name:
                raise RubricError(
                    f"combination {combination!r}: the sheet for {part!r} was scored with rubric "
                    f"{sheet.rubric!r}, not {self.name!r}"
                )
        grades = self.grades
        forced = [v.grade for s in sheets.values() for v in s.vetoes if v.grade is not None]

        def grade(total: Decimal) -> str | None:
            if forced:
                return forced[-1]
            return None if grades is None else grades.grade(total)

        return combine_sheets(candidate, sheets, grade=grade, rubric=self.name)


def _check_parameter_value(param: Parameter, value: Decimal) -> None:
    if value < 0:
        raise RubricError(f"parameter {param.name!r} must be 0 or more, got {fmt(value)}")
    if param.kind is FieldKind.PERCENTAGE and value > 100:
        raise RubricError(f"parameter {param.name!r} is a percentage, got {fmt(value)}")
    if param.kind is FieldKind.COUNT and value != value.to_integral_value():
        raise RubricError(f"parameter {param.name!r} is a whole number, got {fmt(value)}")
