"""The rubric tree: sections and items, and what hangs on them (assumptions, parameters)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from ..errors import RubricError, brief
from .fields import TEXT_LIMIT, BadValue, Field, FieldKind, check_text
from .grades import GradeBands
from .numbers import ZERO, Rounding, as_tuple, fmt, to_decimal
from .refs import FromField
from .rules import Rule
from .steps import Effect
from .weights import Weight, weights_problem

__all__ = [
    "PARAMETER_KINDS",
    "REMARK_LIMIT",
    "Assumption",
    "Item",
    "Node",
    "Parameter",
    "Remark",
    "Section",
    "check_children",
    "composite_maximum",
    "node_id",
    "sum_maxima",
]


def _decimal(value: object) -> Decimal:
    return to_decimal(value, "maximum")


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "value")


def node_id(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: an id of ASCII letters, digits, ``_``, ``-`` and ``.``."""
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

    id: str = attrs.field(validator=node_id)
    quote: str
    decision: str


PARAMETER_KINDS = (FieldKind.AMOUNT, FieldKind.COUNT, FieldKind.PERCENTAGE, FieldKind.TEXT)
"""The kinds a parameter may be: a number (``amount``, ``count``, ``percentage``) or ``text``."""


def _parameter_value(value: object, parameter: Parameter) -> Decimal | str | None:
    """A parameter's default or bound value: text for a text parameter, else a Decimal."""
    if value is None:
        return None
    if parameter.kind is FieldKind.TEXT:
        if not isinstance(value, str) or not value.strip():
            raise RubricError(
                f"parameter {parameter.name!r} is text: its value must be a name, "
                f"got {brief(value)}"
            )
        try:
            return check_text(value)
        except BadValue as bad:
            raise RubricError(f"parameter {parameter.name!r} is text: {bad}") from None
    if isinstance(value, str) and not _NUMBER_TEXT.match(value.strip()):
        raise RubricError(f"parameter {parameter.name!r} is a number, got {brief(value)}")
    return to_decimal(value, "value")


_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@attrs.frozen
class Parameter:
    """A value the source leaves blank (xx分, xx%, 缺一次扣分, a grade's name), filled by the
    region.

    ``kind`` is ``amount`` (any number 0 or more), ``count``, ``percentage`` or ``text`` (a name,
    such as a grade's: never a number); ``default`` makes the parameter optional; ``value`` is
    the value bound by :meth:`Rubric.with_params`.
    """

    name: str = attrs.field(validator=node_id)
    description: str
    clause: str
    kind: FieldKind = attrs.field(
        default=FieldKind.AMOUNT, validator=attrs.validators.in_(PARAMETER_KINDS)
    )
    default: Decimal | str | None = None
    value: Decimal | str | None = None

    def __attrs_post_init__(self) -> None:
        # read by the kind declared before them: a name for a text parameter, else a number
        object.__setattr__(self, "default", _parameter_value(self.default, self))
        object.__setattr__(self, "value", _parameter_value(self.value, self))

    @property
    def text(self) -> bool:
        """Whether the parameter is a name (``kind = "text"``), not a number."""
        return self.kind is FieldKind.TEXT

    @property
    def required(self) -> bool:
        """Whether scoring fails without a value for it (it has no default)."""
        return self.default is None

    @property
    def fallback(self) -> Decimal | str | None:
        """What is used when no value is given for it: its bound value, else its default;
        ``None`` when scoring needs one."""
        return self.value if self.value is not None else self.default


REMARK_LIMIT = 500
"""The most characters a remark holds unless it says otherwise."""


@attrs.frozen
class Remark:
    """检查考核组简要评语 / 领导点评: free text an assessor writes, printed on the sheet under its
    label and never scored.

    ``id`` is the evidence field that holds it (always optional: a record without it has no
    remark), ``limit`` the most characters it may hold (at most
    ``TEXT_LIMIT``, 2,000).
    """

    id: str = attrs.field(validator=node_id)
    label: str
    clause: str = ""
    limit: int = REMARK_LIMIT

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.limit <= TEXT_LIMIT:
            raise RubricError(
                f"remark {self.id!r}: limit must be from 1 to {TEXT_LIMIT} characters, "
                f"got {self.limit}"
            )

    def field(self) -> Field:
        """The evidence field that holds the remark: text, optional."""
        return Field(self.id, FieldKind.TEXT, self.label, default="", maximum=Decimal(self.limit))


@attrs.frozen
class Item:
    """A scored item (考核项目): a label, a maximum (分值), the clause it implements, its rules.

    The item starts at its maximum (or at the points an assessor or a tier gives), loses its
    deductions, and stops at ``floor`` (扣完为止, 0 by default); a zero-out rule zeroes it.
    """

    id: str = attrs.field(validator=node_id)
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

    def settle(self, start: Decimal, deducted: Decimal) -> Decimal:
        """The item's points: ``start`` (its maximum, or the points a rule set) less what was
        deducted, kept within [floor, maximum] (扣完为止), then rounded if the item says so.

        Every way of scoring settles an item here, and only here.
        """
        points = start - deducted
        if points < self.floor:
            points = self.floor
        elif points > self.maximum:
            points = self.maximum
        return points if self.rounding is None else self.rounding.apply(points)

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

    ``capped`` (封顶): the section scores the smaller of its children's sum and its ``maximum``,
    for parts whose items can together pass it (创新奖励分(10分): 示范引领5分, 全区5分, 全市6分,
    全省8分). ``grades``: bands of the section's own points, shown on its line (a part graded on
    its own, as 优秀/合格 printed inside one part of a source).
    """

    id: str = attrs.field(validator=node_id)
    label: str
    maximum: Decimal = attrs.field(converter=_decimal)
    children: tuple[Item | Section, ...] = attrs.field(converter=as_tuple)
    clause: str = ""
    weights: tuple[Weight, ...] = attrs.field(converter=as_tuple, factory=tuple)
    rounding: Rounding | None = None
    maximum_assumption: str | None = None
    capped: bool = False
    grades: GradeBands | None = None

    def __attrs_post_init__(self) -> None:
        where = f"section {self.id!r}"
        check_children(where, self.children, self.weights)
        if self.capped:
            if self.weights:
                raise RubricError(f"{where}: a weighted section is scaled to its maximum already")
            if self.maximum_assumption is not None:
                raise RubricError(f"{where}: a capped section's maximum is its cap")
            allowed = sum_maxima(self.children)
            if allowed <= self.maximum:
                raise RubricError(
                    f"{where} is capped at {fmt(self.maximum)}, but its parts allow only "
                    f"{fmt(allowed)}: the cap never applies"
                )

    def settle(self, points: Decimal) -> Decimal:
        """The section's points from its children's: at most its maximum when it is capped
        (封顶), then rounded if it says so. Every way of scoring settles a section here."""
        if self.capped and points > self.maximum:
            points = self.maximum
        return points if self.rounding is None else self.rounding.apply(points)

    @property
    def settles(self) -> bool:
        """Whether :meth:`settle` changes anything (a cap or a rounding)."""
        return self.capped or self.rounding is not None

    @functools.cached_property
    def children_maximum(self) -> Decimal:
        """The sum of the children's maxima: what the parts as written allow."""
        return composite_maximum(self)[0]

    @functools.cached_property
    def effective_maximum(self) -> Decimal:
        """The points the section can reach: its stated maximum when weighted or capped, else its
        parts'."""
        return composite_maximum(self)[1]

    def walk(self) -> Iterator[Item | Section]:
        """This section and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


Node: TypeAlias = Item | Section


def sum_maxima(children: tuple[Node, ...]) -> Decimal:
    """What the parts as written allow: the sum of their maxima."""
    return sum((c.effective_maximum for c in children), ZERO)


def composite_maximum(composite: Any) -> tuple[Decimal, Decimal]:
    """A section's or a rubric's ``(children_maximum, effective_maximum)``: what its parts as
    written allow, and what it can reach (its stated maximum when weighted or capped, else its
    parts')."""
    allowed = sum_maxima(composite.children)
    stated = composite.weights or getattr(composite, "capped", False)
    return allowed, composite.maximum if stated else allowed


def check_children(where: str, children: tuple[Node, ...], weights: tuple[Weight, ...]) -> None:
    """A composite has children, and its weights, if any, name each child once and sum to 1."""
    if not children:
        raise RubricError(f"{where}: has no items")
    ids = [c.id for c in children]
    if weights:
        weighted = [w.child for w in weights]
        if sorted(weighted) != sorted(ids):
            raise RubricError(
                f"{where}: weights must name each child once; children {ids}, weights {weighted}"
            )
        literal = [(w.child, w.weight) for w in weights if isinstance(w.weight, Decimal)]
        if len(literal) == len(weights):
            problem = weights_problem(literal, named=False)
            if problem is not None:
                raise RubricError(f"{where}: weights {problem}")
        if any(isinstance(w.weight, FromField) for w in weights):
            raise RubricError(f"{where}: weights come from the rubric or its parameters")
