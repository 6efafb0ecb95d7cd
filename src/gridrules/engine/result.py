"""A record's figures without explanations: what :meth:`Scorer.result` and
:meth:`Scorer.results` give."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import DataFileError
from ..model.numbers import fmt, to_decimal

__all__ = ["Result"]

_FIGURES = ("total", "base", "bonus", "penalty")
_NO_GRADES: dict[str, str] = {}


class Result:
    """Scores without explanations: total, grade, stars, flags, each item's points, and the grade
    of each section graded on its own (``section_grades``, empty when none is).

    Two results are equal when every figure is (each Decimal by value); :meth:`to_dict` gives
    them as plain data in the one form every output uses.
    """

    __slots__ = (
        "base",
        "bonus",
        "flags",
        "grade",
        "items",
        "penalty",
        "section_grades",
        "stars",
        "total",
    )

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
        section_grades: dict[str, str] | None = None,
    ) -> None:
        self.total = total
        self.base = base
        self.bonus = bonus
        self.penalty = penalty
        self.grade = grade
        self.stars = stars
        self.flags = flags
        self.items = items
        self.section_grades = section_grades or _NO_GRADES

    def _key(self) -> tuple[Any, ...]:
        return (
            self.total,
            self.base,
            self.bonus,
            self.penalty,
            self.grade,
            self.stars,
            self.flags,
            self.items,
            self.section_grades,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # a result holds a dict: equal, not hashable

    def __repr__(self) -> str:
        return f"Result(total={self.total}, grade={self.grade!r}, stars={self.stars})"

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain data: Decimals as text in one form (``"93.5"``), flags sorted."""
        return {
            "total": fmt(self.total),
            "base": fmt(self.base),
            "bonus": fmt(self.bonus),
            "penalty": fmt(self.penalty),
            "grade": self.grade,
            "stars": self.stars,
            "flags": sorted(self.flags),
            "items": {item: fmt(points) for item, points in self.items.items()},
            **({"section_grades": dict(self.section_grades)} if self.section_grades else {}),
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """The result :meth:`to_dict` wrote.

        :raises DataFileError: the data is not a result, saying what is wrong.
        """
        try:
            total, base, bonus, penalty = (to_decimal(data[name], name) for name in _FIGURES)
            items = {str(k): to_decimal(v, f"items.{k}") for k, v in dict(data["items"]).items()}
            stars = data.get("stars")
            if stars is not None and (not isinstance(stars, int) or isinstance(stars, bool)):
                raise TypeError(f"stars: expected a whole number, got {stars!r}")
            return cls(
                total,
                base,
                bonus,
                penalty,
                data.get("grade"),
                stars,
                frozenset(data.get("flags", ())),
                items,
                {str(k): str(v) for k, v in dict(data.get("section_grades", {})).items()},
            )
        except (KeyError, TypeError, ValueError) as error:
            raise DataFileError(f"not a valid result: {error}") from None
