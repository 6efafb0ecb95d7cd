"""A rubric as data: its metadata, tree and grading, and their validation."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Self

import attrs

from ..errors import BandError, ParameterError, Problem, RubricError
from .combinations import PeriodCombination
from .fields import Field, FieldKind, evidence_schema, merge_fields
from .grades import GradeBands, StarRating, Veto
from .numbers import ONE, ZERO, Rounding, as_tuple, exact, fmt, to_decimal
from .origin import Origin
from .params import bind, check_parameter_value
from .refs import FromField, Number, Param, PerUnit, optional_number
from .rules import Ballots
from .steps import Effect
from .tree import (
    Assumption,
    Item,
    Node,
    Parameter,
    Remark,
    Section,
    check_children,
    composite_maximum,
    node_id,
)
from .weights import Weight

__all__ = ["RubricDefinition"]


def _decimal(value: object) -> Decimal:
    return to_decimal(value, "maximum")


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "value")


@attrs.frozen(cache_hash=True)
class RubricDefinition:
    """A whole assessment scheme (考核细则) as data: metadata, the tree of sections and items,
    grading, and everything that can be known of it before any record is scored.

    A rubric that can be built is a valid one: construction checks ids, maxima, parameters,
    assumptions, fields, grade bands and vetoes, and the error names the rubric and the node.
    :class:`gridrules.Rubric` is this definition with the means to score it.
    """

    name: str = attrs.field(validator=node_id)
    title: str
    maximum: Decimal = attrs.field(converter=_decimal)
    children: tuple[Node, ...] = attrs.field(converter=as_tuple)
    version: str = "1.0"
    region: str = ""
    issuer: str = ""
    effective: str | None = None
    """The day the scheme takes effect (施行日期, ``YYYY-MM-DD``); scoring a period before it
    warns on the sheet, or is refused under ``strict``."""
    source: str = ""
    description: str = ""
    weights: tuple[Weight, ...] = attrs.field(converter=as_tuple, factory=tuple)
    maximum_assumption: str | None = None
    assumptions: tuple[Assumption, ...] = attrs.field(converter=as_tuple, factory=tuple)
    parameters: tuple[Parameter, ...] = attrs.field(converter=as_tuple, factory=tuple)
    grades: GradeBands | None = None
    stars: StarRating | None = None
    vetoes: tuple[Veto, ...] = attrs.field(converter=as_tuple, factory=tuple)
    veto_grades: tuple[str, ...] = attrs.field(converter=as_tuple, factory=tuple)
    """For a rubric with no grade bands: the grades a veto alone may force (列为不合格档次).
    A record gets no grade unless such a veto fires."""
    remarks: tuple[Remark, ...] = attrs.field(converter=as_tuple, factory=tuple)
    """Free text an assessor writes (领导点评), printed on the sheet, never scored."""
    bonus_cap: Number | None = attrs.field(default=None, converter=optional_number)
    floor: Decimal | None = attrs.field(default=ZERO, converter=_optional_decimal)
    rounding: Rounding | None = None
    combinations: tuple[PeriodCombination, ...] = attrs.field(converter=as_tuple, factory=tuple)
    effective_until: str | None = None
    """The last day the scheme is in force (有效期至, ``YYYY-MM-DD``), if it says; scoring a
    period after it warns on the sheet, or is refused under ``strict``."""
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    """Where the rubric was loaded from: the plugin's distribution and its version (``None``
    for a rubric built in Python or read from a file). Not part of the rubric: equal rubrics
    may come from different places."""

    def __attrs_post_init__(self) -> None:
        where = f"rubric {self.name!r}"
        try:
            exact(self._validate)()
        except RubricError as error:
            message = str(error)
            raise type(error)(
                message if message.startswith(where) else f"{where}: {message}"
            ) from None
        except (ValueError, TypeError) as error:
            raise RubricError(f"{where}: {error}") from None

    # -- validation ---------------------------------------------------------------------

    def _validate(self) -> None:
        self.in_force()  # the effective dates are read, and must be in order
        check_children("the rubric", self.children, self.weights)
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
        kinds = {p.name: p.kind for p in self.parameters}
        for where, ref, outside in self._references():
            if isinstance(ref, FromField | PerUnit) and not outside:
                raise RubricError(
                    f"{where}: only a quota's target may come from the evidence or the calendar"
                )
            if isinstance(ref, Param) and ref.param not in kinds:
                raise RubricError(
                    f"{where} uses parameter {ref.param!r}, which is not declared "
                    f"(declared: {sorted(kinds) or 'none'})"
                )
            if isinstance(ref, Param) and kinds[ref.param] is FieldKind.TEXT:
                raise RubricError(f"{where} uses the text parameter {ref.param!r} as a number")
        fields = self.fields  # merges and checks field kinds
        self.field_labels  # noqa: B018  # checks that the labels tell the fields apart
        self._check_grades(kinds)
        combination_ids = [c.id for c in self.combinations]
        if len(set(combination_ids)) != len(combination_ids):
            raise RubricError(f"combination ids repeat: {combination_ids}")
        for param in self.parameters:
            for value in (param.default, param.value):
                if value is not None:
                    check_parameter_value(param, value)
        del fields

    def graded(self) -> Iterator[tuple[str, GradeBands, Decimal | None]]:
        """Every set of grade bands: the rubric's (``"grades"``) and each section's (``"section
        'x' grades"``), with the highest points they must cover."""
        if self.grades is not None:
            yield "grades", self.grades, self.grade_ceiling
        for node in self.nodes():
            if isinstance(node, Section) and node.grades is not None:
                yield f"section {node.id!r} grades", node.grades, node.effective_maximum

    def _check_grades(self, kinds: Mapping[str, FieldKind]) -> None:
        grades = self.grades
        for where, bands, ceiling in self.graded():
            for name, names_grade in bands.params():
                if name not in kinds:
                    raise RubricError(
                        f"{where} use parameter {name!r}, which is not declared "
                        f"(declared: {sorted(kinds) or 'none'})"
                    )
                if names_grade is not (kinds[name] is FieldKind.TEXT):
                    wanted = "a text parameter" if names_grade else "a number parameter"
                    role = "a grade's name" if names_grade else "a band's bound"
                    raise RubricError(f"{where}: {role} must be {wanted}, got {name!r}")
            bands.validate(ceiling, where)
        if grades is not None and self.veto_grades:
            raise RubricError(
                "veto_grades are for a rubric without grade bands; with bands, a veto forces "
                "one of the bands' grades"
            )
        if len(set(self.veto_grades)) != len(self.veto_grades) or not all(
            isinstance(g, str) and g.strip() for g in self.veto_grades
        ):
            raise RubricError(f"veto_grades must be distinct names, got {list(self.veto_grades)}")
        allowed = self.veto_grades if grades is None else grades.names
        which = (
            f"the grade bands {grades.names}"
            if grades is not None
            else f"the rubric's veto_grades {list(self.veto_grades) or '(none declared)'}"
        )
        for veto in self.vetoes:
            if veto.grade is not None and veto.grade not in allowed:
                raise RubricError(
                    f"veto {veto.id!r} forces grade {veto.grade!r}, which is not one of {which}"
                )

    def _check_maxima(self, assumption_ids: set[str]) -> None:
        for node in self.nodes():
            if isinstance(node, Section):
                self._check_total(
                    f"section {node.id!r}",
                    node.maximum,
                    node.children_maximum,
                    node.maximum_assumption,
                    assumption_ids,
                    bool(node.weights) or node.capped,
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

    def _references(self) -> Iterator[tuple[str, Number | None, bool]]:
        """Every number of the rubric: where it is, its value, and whether it may come from the
        evidence or the period scored (a rule's :attr:`~gridrules.Rule.evidence_numbers`)."""
        for node in self.nodes():
            if isinstance(node, Item):
                for rule in node.rules:
                    for attribute, value in rule.numbers():
                        where = f"item {node.id!r}, rule {rule.kind}.{attribute}"
                        yield where, value, attribute in rule.evidence_numbers
            else:
                for weight in node.weights:
                    where = f"section {node.id!r}, weight of {weight.child!r}"
                    yield where, weight.weight, False
        for weight in self.weights:
            yield f"the rubric's weight of {weight.child!r}", weight.weight, False
        for veto in self.vetoes:
            for attribute, value in veto.when.numbers():
                yield f"veto {veto.id!r}, {attribute}", value, False
        yield "bonus_cap", self.bonus_cap, False

    def in_force(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and last days the scheme is in force (``None``: it does not say).

        :raises RubricError: a date is not ``YYYY-MM-DD``, or the last is before the first.
        """
        days: list[dt.date | None] = []
        for key, text in (("effective", self.effective), ("effective_until", self.effective_until)):
            if text is None:
                days.append(None)
                continue
            try:
                days.append(dt.date.fromisoformat(text))
            except (TypeError, ValueError):
                raise RubricError(f"{key} date must be YYYY-MM-DD, got {text!r}") from None
        first, last = days
        if first is not None and last is not None and last < first:
            raise RubricError(
                f"effective_until {self.effective_until} is before effective {self.effective}"
            )
        return first, last

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
        return composite_maximum(self)[0]

    @property
    def effective_maximum(self) -> Decimal:
        """The base maximum the parts allow (the stated one for a weighted rubric)."""
        return composite_maximum(self)[1]

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
                    cap = rule.bonus_ceiling
                    if cap is None:
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

    @functools.cached_property
    def needs_working_days(self) -> bool:
        """Whether scoring needs the period scored (a target per working day)."""
        return any(rule.needs_period for item in self.items() for rule in item.rules)

    @functools.cached_property
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
            declared.extend((f"veto {veto.id!r}", field) for field in veto.fields())
        remarks = [r.id for r in self.remarks]
        if len(set(remarks)) != len(remarks):
            raise RubricError(f"rubric {self.name!r}: remark ids repeat: {remarks}")
        read = {field.id: owner for owner, field in declared}
        for remark in self.remarks:
            if remark.id in read:
                raise RubricError(
                    f"rubric {self.name!r}: remark {remark.id!r} is a field {read[remark.id]} "
                    "reads; a remark is never scored"
                )
            declared.append((f"remark {remark.id!r}", remark.field()))
        return merge_fields(self.name, declared)

    @functools.cached_property
    def field_labels(self) -> dict[str, str]:
        """Each evidence field's label (its description, 缺签到) mapped to the field's id, so that
        a column of evidence may be named by it; a field without a label of its own is left out.

        Checked when the rubric is built: two fields sharing a label, or a label that is another
        field's id, could not be told apart, and are refused (:class:`~gridrules.RubricError`).
        """
        fields = self.fields
        labels: dict[str, str] = {}
        for fid, field in fields.items():
            label = field.description.strip()
            if not label or label == fid:
                continue
            if label in labels:
                raise RubricError(
                    f"rubric {self.name!r}: the fields {labels[label]!r} and {fid!r} share the "
                    f"label {label!r}; each field needs its own label so that a column named by "
                    "it can be read"
                )
            if label in fields:
                raise RubricError(
                    f"rubric {self.name!r}: the label {label!r} of field {fid!r} is the id of "
                    "another field"
                )
            labels[label] = fid
        return labels

    def evidence_schema(self) -> dict[str, Any]:
        """The JSON Schema of one evidence record."""
        return evidence_schema(self.name, self.title, self.fields)

    # -- parameters ------------------------------------------------------------------------

    def bind(
        self, given: Mapping[str, object] | None = None, *, require_all: bool = True
    ) -> dict[str, Decimal | str]:
        """The parameter values in force with ``given``: given, else bound, else defaults.

        Every problem is reported at once (unknown names, bad values, and, when
        ``require_all``, missing required parameters and weights that do not sum to 1), each
        quoting the clause the parameter fills. Grade bands that parameters fill in are checked
        once they all have values: a gap or an overlap is a problem naming them.

        :raises ParameterError: naming the rubric and every problem.
        """
        values = exact(bind)(
            self.name, self.parameters, self.weight_groups(), given, require_all=require_all
        )
        problem = self._bound_grades_problem(values)
        if problem is not None:
            raise ParameterError(f"rubric {self.name!r}", [problem])
        return values

    def _bound_grades_problem(self, values: Mapping[str, Decimal | str]) -> Problem | None:
        """What is wrong with the grade bands once ``values`` fill them in, if anything."""
        for where, grades, ceiling in self.graded():
            if not grades.parametric:
                continue
            names = sorted({name for name, _ in grades.params()})
            if not set(names) <= values.keys():
                continue
            try:
                problems = grades.resolve(values).problems(ceiling)
            except BandError as error:
                problems = [str(error)]
            if problems:
                clause = f" (「{grades.clause}」)" if grades.clause else ""
                return Problem(
                    " + ".join(names), f"the {where}, filled in: {'; '.join(problems)}{clause}"
                )
        return None

    def bound_grades(self, values: Mapping[str, Decimal | str]) -> GradeBands | None:
        """The grade bands with ``values`` (bound parameters) filled in."""
        return None if self.grades is None else self.grades.resolve(values)

    def grade_names(self, values: Mapping[str, Decimal | str] | None = None) -> tuple[str, ...]:
        """Every grade a record can get, best first as declared: the bands' (filled in with
        ``values`` where parameters name them), or the grades only a veto forces."""
        if self.grades is None:
            return self.veto_grades
        if values is not None and self.grades.parametric:
            return self.grades.resolve(values).names
        return self.grades.names

    def with_params(self, params: Mapping[str, object]) -> Self:
        """A copy with parameter values bound (checked; unknown names are an error)."""
        values = self.bind(params, require_all=False)
        return attrs.evolve(
            self,
            parameters=[
                attrs.evolve(p, value=values[p.name]) if p.name in values else p
                for p in self.parameters
            ],
        )
