"""Combining the sheets of shorter periods into a longer one (半年考核占40%, 年终考核占60%)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

import attrs

from ..errors import GridrulesError, RubricError
from .numbers import ONE, ZERO, Rounding, as_tuple, divide, fmt, to_decimal
from .weights import weights_problem

__all__ = ["PART_PERIODS", "Combined", "PeriodCombination", "PeriodPart"]

PART_PERIODS = ("year", "H1", "H2", "Q1", "Q2", "Q3", "Q4")
"""What a :class:`PeriodPart` may declare it stands for, within the combined year: the whole
year, a half (上半年, 下半年) or a quarter."""


def _part_period(
    instance: PeriodPart, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None and value not in PART_PERIODS:
        raise RubricError(
            f"period part {instance.id!r}: period {value!r} is not one of {', '.join(PART_PERIODS)}"
        )


@attrs.frozen
class PeriodPart:
    """One period that enters a combination: its id (``half_year``), label and weight, and,
    optionally, which ``period`` of the combined year it stands for (one of
    :data:`~gridrules.model.combinations.PART_PERIODS`: ``"H1"``, ``"Q3"``, ``"year"``).

    A part that declares its period takes only a sheet of exactly that period of the year; see
    :meth:`gridrules.Rubric.combine` for the checks made of parts that do not.
    """

    id: str
    label: str
    weight: Decimal = attrs.field(default=ONE, converter=to_decimal)
    period: str | None = attrs.field(default=None, validator=_part_period)


@attrs.frozen
class PeriodCombination:
    """半年考核占40%, 年终考核占60% / 年度考核综合季度考核结果: one longer period from shorter ones.

    ``method="weighted"``: Σ weight × part total, the weights summing to 1. ``method="mean"``: the
    plain mean of the parts' totals (weights are ignored and must be left at 1). The combined total
    is rounded when ``rounding`` is declared, then graded with the rubric's bands.

    ``missing`` declares what a part without a sheet means (a worker who joined mid-year has no
    first quarter): ``"refuse"`` (the default: every part is needed) or ``"mean_of_present"``
    (the mean of the parts present, or for weighted parts Σ weight × total ÷ Σ weight over them;
    at least one part is needed). The result says which parts were used.
    """

    id: str
    label: str
    parts: tuple[PeriodPart, ...] = attrs.field(converter=as_tuple)
    method: Literal["weighted", "mean"] = attrs.field(
        default="weighted", validator=attrs.validators.in_(("weighted", "mean"))
    )
    clause: str = ""
    rounding: Rounding | None = None
    missing: Literal["refuse", "mean_of_present"] = attrs.field(
        default="refuse", validator=attrs.validators.in_(("refuse", "mean_of_present"))
    )

    def __attrs_post_init__(self) -> None:
        ids = [p.id for p in self.parts]
        if len(ids) < 2 or len(set(ids)) != len(ids):
            raise RubricError(f"combination {self.id!r} needs two or more distinct parts")
        declared = [p.period for p in self.parts if p.period is not None]
        if len(set(declared)) != len(declared):
            raise RubricError(
                f"combination {self.id!r}: two parts declare the same period "
                f"({', '.join(f'{p.id}: {p.period}' for p in self.parts if p.period)})"
            )
        if self.method == "weighted":
            problem = weights_problem((p.id, p.weight) for p in self.parts)
            if problem is not None:
                raise RubricError(f"combination {self.id!r}: weights {problem}")
        elif any(p.weight != ONE for p in self.parts):
            raise RubricError(f"combination {self.id!r}: a mean takes no weights")

    def combine(self, totals: Mapping[str, Decimal]) -> Combined:
        """The combined total of one assessee's part totals, with each part's contribution.

        :raises GridrulesError: a part is unknown, or missing where the combination needs every
            part (or no part is given), naming them.
        """
        ids = [p.id for p in self.parts]
        missing = [i for i in ids if i not in totals]
        unknown = [k for k in totals if k not in ids]
        problems = []
        if missing and (self.missing == "refuse" or len(missing) == len(ids)):
            problems.append(f"missing the sheet of {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown part(s) {', '.join(unknown)}")
        if problems:
            raise GridrulesError(
                f"combination {self.id!r}: {'; '.join(problems)} (expected parts: {', '.join(ids)})"
            )
        present = [p for p in self.parts if p.id in totals]
        if self.method == "mean":
            count = Decimal(len(present))
            parts = tuple((p.id, totals[p.id], divide(totals[p.id], count)) for p in present)
            total = divide(sum((totals[p.id] for p in present), ZERO), count)
            arithmetic = f"({' + '.join(fmt(totals[p.id]) for p in present)}) ÷ {len(present)}"
        elif not missing:
            parts = tuple((p.id, totals[p.id], totals[p.id] * p.weight) for p in present)
            total = sum((c for _, _, c in parts), ZERO)
            arithmetic = " + ".join(
                f"{fmt(totals[p.id])} × {fmt(p.weight * 100)}%" for p in present
            )
        else:  # the weighted mean of the parts present
            share = sum((p.weight for p in present), ZERO)
            parts = tuple(
                (p.id, totals[p.id], divide(totals[p.id] * p.weight, share)) for p in present
            )
            total = divide(sum((totals[p.id] * p.weight for p in present), ZERO), share)
            weighted = " + ".join(f"{fmt(totals[p.id])} × {fmt(p.weight * 100)}%" for p in present)
            arithmetic = f"({weighted}) ÷ {fmt(share * 100)}%"
        if self.rounding is not None:
            total = self.rounding.apply(total)
        return Combined(total, parts, f"{arithmetic} = {fmt(total)}", tuple(missing))


@attrs.frozen
class Combined:
    """What a :class:`PeriodCombination` makes of the part totals."""

    total: Decimal
    parts: tuple[tuple[str, Decimal, Decimal], ...]
    """(part id, the part's total, its contribution to the combined total)."""
    arithmetic: str
    """The working: ``"90 × 40% + 97 × 60% = 94.2"``."""
    missing: tuple[str, ...] = ()
    """The parts that had no sheet, left out as the combination declares."""
