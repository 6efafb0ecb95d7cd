"""民主评议: appraisal ballots of several types, each type weighted, void ballots set aside."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import accumulate, chain, repeat
from operator import itemgetter, methodcaller, sub
from typing import Any, ClassVar, Literal

import attrs

from ..conditions import number_text
from ..fields import SMALL_LIMIT, Field, FieldKind
from ..numbers import ZERO, as_tuple, divide, fmt, shown, to_decimal
from ..refs import Number, identifier, number
from ..steps import Context, Effect, Step
from ..weights import weights_problem
from .base import Rule, non_negative

__all__ = ["BallotType", "Ballots", "Criterion"]

_MEAN = itemgetter(4)
_SEQUENCES = frozenset({list, tuple})
_DICT = frozenset({dict})
_INT = {int}


@attrs.frozen
class Criterion:
    """One criterion a rater scores on a ballot (考勤, 工作协调能力, ...) and its full marks."""

    id: str
    label: str
    maximum: Decimal = attrs.field(converter=to_decimal, validator=non_negative)


@attrs.frozen
class BallotType:
    """评议票 A/B/C: who casts this type of ballot, and its weight within the appraisal."""

    id: str
    label: str
    weight: Number = attrs.field(converter=number, validator=non_negative)
    cast_by: str = ""


@attrs.frozen
class Ballots(Rule):
    """评议票分A、B、C三种 / 评议分不得全部为满分,否则视为废票: weighted appraisal ballots.

    Each ballot is one rater's scores on the ``criteria``. A ballot whose every score is full marks
    is void (废票) when ``void_if_all_full``; the sheet counts the void ballots of each type. The
    valid ballots of a type are averaged; the item scores
    ``item maximum × Σ weight × (type mean ÷ ballot full marks)``, the weights summing to 1. A
    share that does not divide evenly (reweighting by 0.7) is exact to 28 significant digits;
    declare the item's ``rounding`` to print it as the source expects.

    A type with no valid ballot (none cast, or all void) is handled by ``empty``:
    ``"reweight"`` (the default) leaves it out and shares its weight among the other types in
    proportion; ``"zero"`` counts it as 0. When no type has a valid ballot the item scores 0, with
    the reason on the sheet.
    """

    kind: ClassVar[str] = "Ballots"
    field: str = attrs.field(validator=identifier)
    types: tuple[BallotType, ...] = attrs.field(converter=as_tuple)
    criteria: tuple[Criterion, ...] = attrs.field(converter=as_tuple)
    void_if_all_full: bool = attrs.field(default=True, kw_only=True)
    empty: Literal["reweight", "zero"] = attrs.field(
        default="reweight", kw_only=True, validator=attrs.validators.in_(("reweight", "zero"))
    )
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        ids = [t.id for t in self.types]
        if not ids or len(set(ids)) != len(ids):
            raise ValueError("Ballots.types must name distinct ballot types")
        criteria = [c.id for c in self.criteria]
        if not criteria or len(set(criteria)) != len(criteria):
            raise ValueError("Ballots.criteria must name distinct criteria")
        if self.full_marks <= 0:
            raise ValueError("Ballots.criteria must have positive full marks")
        literal = [(t.id, t.weight) for t in self.types if isinstance(t.weight, Decimal)]
        if len(literal) == len(self.types):
            problem = weights_problem(literal)
            if problem is not None:
                raise ValueError(f"ballot weights {problem}")

    @property
    def full_marks(self) -> Decimal:
        return sum((c.maximum for c in self.criteria), ZERO)

    @property
    def effect(self) -> Effect:
        return Effect.SET

    def fields(self) -> Iterable[Field]:
        yield Field(
            self.field,
            FieldKind.BALLOTS,
            self.label,
            choices=tuple(t.id for t in self.types),
            criteria=tuple(c.maximum for c in self.criteria),
        )

    def numbers(self) -> Iterable[tuple[str, Number | None]]:
        return ((f"types[{t.id}].weight", t.weight) for t in self.types)

    def _counting(
        self, ctx: Context
    ) -> tuple[
        Callable[[Any], list[Any]],
        Callable[[Iterable[Decimal | None]], tuple[Decimal, Decimal]],
        Callable[[list[list[Decimal | None]], int], list[Decimal]],
    ]:
        """The steps of scoring ballots, shared by every path so they agree to the digit.

        ``tally`` reads the ballots of each type: ``(type, weight, cast, void, mean)``, mean
        ``None`` when none is valid; ``weigh`` turns the means, in the order of the types, into
        the item's points and the share of the weights counted; ``weigh_columns`` does that for
        many records at once, from a column of means per type. A mean and the final points are
        divisions: each is :func:`~gridrules.model.numbers.divide`'s, the one rounding there is.
        """
        weights = tuple(
            ctx.value(t.weight, f"weight of ballot {t.id}") for t in self.types
        )  # summing to 1: checked when the rule was made, or the parameters bound
        kinds = tuple(t.id for t in self.types)
        maxima = tuple(c.maximum for c in self.criteria)
        full, item_max = self.full_marks, ctx.item_maximum
        void_rule, reweight = self.void_if_all_full, self.empty == "reweight"
        by_type = tuple(zip(kinds, weights, strict=True))

        def tally(cast: Any) -> list[Any]:
            counts = []
            for kind, weight in by_type:
                ballots = cast[kind]
                # a void ballot is rare: only when there is one is a list of the valid ones made
                valid = (
                    [b for b in ballots if b != maxima]
                    if void_rule and maxima in ballots
                    else ballots
                )
                n = len(valid)
                mean: Decimal | None = None
                if n:
                    scored: Decimal = sum(map(sum, valid, repeat(ZERO)), ZERO)
                    mean = divide(scored, n)
                counts.append((kind, weight, len(ballots), len(ballots) - n, mean))
            return counts

        def settle(weighted: Decimal, share: Decimal) -> Decimal:
            # one division at the end keeps the result exact wherever it can be
            return divide(weighted * item_max, share * full) if share else ZERO

        def weigh(means: Iterable[Decimal | None]) -> tuple[Decimal, Decimal]:
            # the weights counted, and their sum with the means
            share = weighted = ZERO
            for weight, mean in zip(weights, means, strict=True):
                if mean is not None or not reweight:
                    share += weight
                    weighted += weight * (mean or ZERO)
            return settle(weighted, share), share

        def weigh_columns(means: list[list[Decimal | None]], n: int) -> list[Decimal]:
            # weigh's points for n records at once, from each type's column of means
            share: list[Decimal] = [ZERO] * n
            weighted = share
            for weight, column in zip(weights, means, strict=True):
                if reweight:
                    share = [
                        s if m is None else s + weight for s, m in zip(share, column, strict=True)
                    ]
                    weighted = [
                        x if m is None else x + weight * m
                        for x, m in zip(weighted, column, strict=True)
                    ]
                else:
                    share = [s + weight for s in share]
                    weighted = [
                        x + weight * (m or ZERO) for x, m in zip(weighted, column, strict=True)
                    ]
            return list(map(settle, weighted, share))

        return tally, weigh, weigh_columns

    def compile(self, ctx: Context) -> Step:
        tally, weigh, weigh_columns = self._counting(ctx)
        field, full = self.field, self.full_marks

        def amount(values: Mapping[str, Any], units: Any) -> Decimal:
            return weigh(map(_MEAN, tally(values[field])))[0]

        def summary(values: Mapping[str, Any]) -> str:
            return "；".join(
                f"{kind}:{cast}张/废{void}" for kind, _, cast, void, _ in tally(values[field])
            )

        def explain(values: Mapping[str, Any], amount: Decimal, units: Any) -> str:
            counts = tally(values[field])
            share = weigh(map(_MEAN, counts))[1]
            parts = []
            for kind, weight, cast, void, mean in counts:
                label = f"{kind}票{cast}张（废票{void}张）"
                if mean is None:
                    parts.append(f"{label}无有效票" + ("，权重按比例分给其他票" if share else ""))
                else:
                    parts.append(f"{label}平均{shown(mean)}/{fmt(full)}，权重{fmt(weight)}")
            result = "；".join(parts)
            if not share:
                return result + "；无有效评议票，本项0分"
            note = "" if share == 1 else f"（有效权重合计{fmt(share)}，按比例折算）"
            return f"{result}{note}，得{shown(amount)}分"

        return Step(
            self,
            Effect.SET,
            explain,
            amount=amount,
            reads=(field,),
            column=self._column(weigh_columns),
            shown=summary,
        )

    def _column(
        self, weigh_columns: Callable[[list[list[Decimal | None]], int], list[Decimal]]
    ) -> Callable[[Sequence[Any]], list[Decimal | None]]:
        """The points of a column of raw ballots values, one per record, for scoring many
        records at once: ``None`` for a value not in the usual form (a dict of lists of ballots,
        each a list of as many ``int`` scores as there are criteria, each from 0 to its
        criterion's full marks), which the caller scores the one-record way.

        Whole scores are summed as ints, all the records' ballots together: the very sums, and
        so the very Decimals, that the one-record amount makes by adding them up as Decimals.
        A ballot of ints is void exactly when it sums to the full marks, its scores being
        checked to be at most theirs.
        """
        types = tuple(t.id for t in self.types)
        known = frozenset(types)
        maxima = tuple(c.maximum for c in self.criteria)
        width = len(maxima)
        # the scores the validator reads by table (see the ballots field's checker); others are
        # left to the one-record way
        limits = tuple(min(SMALL_LIMIT - 1, int(top)) for top in maxima)
        same_limit = len(set(limits)) == 1
        # a ballot of ints can only give full marks that are whole
        whole_full = all(top == top.to_integral_value() for top in maxima)
        full_sum = sum(int(top) for top in maxima)
        void_rule = self.void_if_all_full and whole_full
        getters = tuple(methodcaller("get", kind, ()) for kind in types)

        def usual_list(ballots: object) -> bool:
            if type(ballots) is not list and type(ballots) is not tuple:
                return False
            for ballot in ballots:
                if type(ballot) not in _SEQUENCES or len(ballot) != width:
                    return False
                for score, limit in zip(ballot, limits, strict=True):
                    if type(score) is not int or not 0 <= score <= limit:
                        return False
            return True

        def all_usual(lists: list[Any]) -> bool:
            if not set(map(type, lists)) <= _SEQUENCES:
                return False
            ballots = list(chain.from_iterable(lists))
            if not ballots:
                return True
            if not set(map(type, ballots)) <= _SEQUENCES or set(map(len, ballots)) != {width}:
                return False
            scores = list(chain.from_iterable(ballots))
            if set(map(type, scores)) != _INT or min(scores) < 0:
                return False
            if same_limit:
                return bool(max(scores) <= limits[0])
            return all(
                max(scores) <= limit
                for scores, limit in zip(zip(*ballots, strict=True), limits, strict=True)
            )

        def column(raw: Sequence[Any]) -> list[Decimal | None]:
            n = len(raw)
            usual = [True] * n
            if not set(map(type, raw)) <= _DICT or not all(map(known.issuperset, raw)):
                usual = [type(v) is dict and known.issuperset(v) for v in raw]
            means = []
            everyone = all(usual)
            for get in getters:
                lists = (
                    list(map(get, raw))
                    if everyone
                    else [get(v) if ok else () for v, ok in zip(raw, usual, strict=True)]
                )
                if not all_usual(lists):
                    for row, ballots in enumerate(lists):
                        if not usual_list(ballots):
                            usual[row] = False
                            lists[row] = ()
                ballots = list(chain.from_iterable(lists))
                cast = list(map(len, lists))
                ends = list(accumulate(cast))
                starts = [0, *ends[:-1]]
                sums = list(map(sum, ballots))
                summed = [0, *accumulate(sums)]
                totals = map(sub, map(summed.__getitem__, ends), map(summed.__getitem__, starts))
                if void_rule:
                    # every score is at most its full marks, so a ballot sums to the full marks
                    # exactly when it gives every one of them: when it is void
                    flags = [0, *accumulate(map(full_sum.__eq__, sums))]
                    void = list(
                        map(sub, map(flags.__getitem__, ends), map(flags.__getitem__, starts))
                    )
                else:
                    void = [0] * n
                means.append(
                    [
                        None if k == c else divide(t - k * full_sum, c - k)
                        for c, k, t in zip(cast, void, totals, strict=True)
                    ]
                )
            points = weigh_columns(means, n)
            return [p if ok else None for p, ok in zip(points, usual, strict=True)]

        return column

    def describe(self) -> str:
        types = "、".join(
            f"{t.id}票{('（' + t.cast_by + '）') if t.cast_by else ''}权重{number_text(t.weight)}"
            for t in self.types
        )
        void = "，全部满分视为废票" if self.void_if_all_full else ""
        return f"民主评议：{types}{void}"
