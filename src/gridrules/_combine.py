"""Combining the sheets of shorter periods into a longer one (半年考核占40%, 年终考核占60%)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import attrs

from ._numbers import ONE, ZERO, Rounding, as_tuple, fmt, to_decimal
from .errors import GridrulesError, RubricError

if TYPE_CHECKING:
    from ._sheet import ScoreSheet

__all__ = ["CombinedSheet", "PeriodCombination", "PeriodPart", "combine_sheets"]


def _frozen(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen
class PeriodPart:
    """One period that enters a combination: its id (``half_year``), label and weight."""

    id: str
    label: str
    weight: Decimal = attrs.field(default=ONE, converter=to_decimal)


@attrs.frozen
class PeriodCombination:
    """半年考核占40%, 年终考核占60% / 年度考核综合季度考核结果: one longer period from shorter ones.

    ``method="weighted"``: Σ weight × part total, the weights summing to 1. ``method="mean"``: the
    plain mean of the parts' totals (weights are ignored and must be left at 1). The combined total
    is rounded when ``rounding`` is declared, then graded with the rubric's bands.
    """

    id: str
    label: str
    parts: tuple[PeriodPart, ...] = attrs.field(converter=as_tuple)
    method: Literal["weighted", "mean"] = attrs.field(
        default="weighted", validator=attrs.validators.in_(("weighted", "mean"))
    )
    clause: str = ""
    rounding: Rounding | None = None

    def __attrs_post_init__(self) -> None:
        ids = [p.id for p in self.parts]
        if len(ids) < 2 or len(set(ids)) != len(ids):
            raise RubricError(f"combination {self.id!r} needs two or more distinct parts")
        if self.method == "weighted":
            total = sum((p.weight for p in self.parts), ZERO)
            if total != ONE:
                raise RubricError(
                    f"combination {self.id!r}: weights must sum to 1, got "
                    f"{' + '.join(fmt(p.weight) for p in self.parts)} = {fmt(total)}"
                )
        elif any(p.weight != ONE for p in self.parts):
            raise RubricError(f"combination {self.id!r}: a mean takes no weights")


@attrs.frozen
class CombinedSheet:
    """The result of a combination: the total, its grade, and each part's contribution."""

    rubric: str
    combination: str
    label: str
    total: Decimal
    grade: str | None
    parts: tuple[tuple[str, Decimal, Decimal], ...]
    """(part id, the part's total, its contribution to the combined total)."""
    arithmetic: str
    clause: str
    flags: frozenset[str] = attrs.field(converter=_frozen, factory=frozenset)

    def to_text(self) -> str:
        """The combined result as plain text, in Chinese."""
        lines = [f"{self.label}：{fmt(self.total)}（{self.arithmetic}）"]
        if self.grade is not None:
            lines.append(f"考核等次：{self.grade}")
        if self.clause:
            lines.append(f"依据：「{self.clause}」")
        return "\n".join(lines) + "\n"


def combine_sheets(
    combination: PeriodCombination,
    sheets: Mapping[str, ScoreSheet],
    *,
    grade: object = None,
    rubric: str = "",
) -> CombinedSheet:
    """Combine one assessee's sheets, one per part, as ``combination`` says.

    :param grade: a callable from the combined total to a grade (the rubric's bands), or None.
    :raises GridrulesError: a part is missing or unknown, naming it.
    """
    ids = [p.id for p in combination.parts]
    missing = [i for i in ids if i not in sheets]
    unknown = [k for k in sheets if k not in ids]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing the sheet of {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown part(s) {', '.join(unknown)}")
        raise GridrulesError(
            f"combination {combination.id!r}: {'; '.join(problems)} (expected parts: "
            f"{', '.join(ids)})"
        )
    parts: list[tuple[str, Decimal, Decimal]] = []
    if combination.method == "mean":
        count = Decimal(len(ids))
        total = sum((sheets[i].total for i in ids), ZERO) / count
        parts = [(i, sheets[i].total, sheets[i].total / count) for i in ids]
        arithmetic = f"({' + '.join(fmt(sheets[i].total) for i in ids)}) ÷ {len(ids)}"
    else:
        for part in combination.parts:
            value = sheets[part.id].total
            parts.append((part.id, value, value * part.weight))
        total = sum((c for _, _, c in parts), ZERO)
        arithmetic = " + ".join(
            f"{fmt(sheets[p.id].total)} × {fmt(p.weight * 100)}%" for p in combination.parts
        )
    if combination.rounding is not None:
        total = combination.rounding.apply(total)
    arithmetic += f" = {fmt(total)}"
    graded = grade(total) if callable(grade) else None
    flags: frozenset[str] = frozenset().union(*(sheets[i].flags for i in ids))
    return CombinedSheet(
        rubric=rubric,
        combination=combination.id,
        label=combination.label,
        total=total,
        grade=graded,
        parts=tuple(parts),
        arithmetic=arithmetic,
        clause=combination.clause,
        flags=flags,
    )
