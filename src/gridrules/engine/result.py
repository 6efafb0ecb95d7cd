"""A record's figures without explanations: what :meth:`Scorer.result` and
:meth:`Scorer.results` give."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import DataFileError, brief
from ..model.numbers import fmt, to_decimal

__all__ = ["Result"]

_FIGURES = ("total", "base", "bonus", "penalty")


class Result:
    """Scores without explanations: total, grade, stars, flags and each item's points.

    Two results are equal when every figure is (each Decimal by value); :meth:`to_dict` gives
    them as plain data in the one form every output uses.
    """

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
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """The result :meth:`to_dict` wrote.

        :raises DataFileError: the data is not a result, saying what is wrong.
        """
        if not isinstance(data, Mapping):
            raise DataFileError(f"not a valid result: expected a table, got {type(data).__name__}")
        try:
            total, base, bonus, penalty = (to_decimal(data[name], name) for name in _FIGURES)
            items = data["items"]
            if not isinstance(items, Mapping):
                raise TypeError(
                    f"items: expected a table of item ids to points, got {brief(items)}"
                )
            points = {str(k): to_decimal(v, f"items.{brief(k)}") for k, v in items.items()}
            stars = data.get("stars")
            if stars is not None and (not isinstance(stars, int) or isinstance(stars, bool)):
                raise TypeError(f"stars: expected a whole number, got {brief(stars)}")
            grade = data.get("grade")
            if grade is not None and not isinstance(grade, str):
                raise TypeError(f"grade: expected text, got {brief(grade)}")
            flags = data.get("flags", ())
            if not isinstance(flags, list | tuple) or not all(isinstance(f, str) for f in flags):
                raise TypeError(f"flags: expected a list of texts, got {brief(flags)}")
            return cls(total, base, bonus, penalty, grade, stars, frozenset(flags), points)
        except KeyError as error:
            raise DataFileError(f"not a valid result: {error.args[0]!r} is missing") from None
        except (TypeError, ValueError) as error:
            raise DataFileError(f"not a valid result: {error}") from None
