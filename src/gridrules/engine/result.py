"""A record's figures without explanations: what :meth:`Scorer.result` and
:meth:`Scorer.results` give."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import DataFileError, brief
from ..model.numbers import fmt, to_figure

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
        """:meth:`to_dict` as JSON text (UTF-8, Chinese kept readable), on one line.

        The text is exactly ``json.dumps(result.to_dict(), ensure_ascii=False)``, written from
        the pieces every result shares (each number's text, each item's key, each grade), each
        written once: a service streams many results, and writing each through ``json.dumps``
        would cost more than scoring it.
        """
        number = _number_json
        points = tuple(self.items.items())
        items = _ITEMS.get(points)
        if items is None:
            items = _remember(
                _ITEMS, points, ", ".join([f"{_text_json(i)}: {number(p)}" for i, p in points])
            )
        return (
            f'{{"total": {number(self.total)}, "base": {number(self.base)}, '
            f'"bonus": {number(self.bonus)}, "penalty": {number(self.penalty)}, '
            f'"grade": {_text_json(self.grade)}, '
            f'"stars": {"null" if self.stars is None else int(self.stars)}, '
            f'"flags": {_flags_json(self.flags)}, "items": {{{items}}}{self._sections_json()}}}'
        )

    def _sections_json(self) -> str:
        """The section grades as :meth:`to_dict` writes them (nothing when there are none)."""
        if not self.section_grades:
            return ""
        graded = ", ".join(
            f"{_text_json(s)}: {_text_json(g)}" for s, g in self.section_grades.items()
        )
        return f', "section_grades": {{{graded}}}'

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """The result :meth:`to_dict` wrote.

        :raises DataFileError: the data is not a result, saying what is wrong.
        """
        if not isinstance(data, Mapping):
            raise DataFileError(f"not a valid result: expected a table, got {type(data).__name__}")
        try:
            total, base, bonus, penalty = (to_figure(data[name], name) for name in _FIGURES)
            items = data["items"]
            if not isinstance(items, Mapping):
                raise TypeError(
                    f"items: expected a table of item ids to points, got {brief(items)}"
                )
            points = {str(k): to_figure(v, f"items.{brief(k)}") for k, v in items.items()}
            stars = data.get("stars")
            if stars is not None and (not isinstance(stars, int) or isinstance(stars, bool)):
                raise TypeError(f"stars: expected a whole number, got {brief(stars)}")
            grade = data.get("grade")
            if grade is not None and not isinstance(grade, str):
                raise TypeError(f"grade: expected text, got {brief(grade)}")
            flags = data.get("flags", ())
            if not isinstance(flags, list | tuple) or not all(isinstance(f, str) for f in flags):
                raise TypeError(f"flags: expected a list of texts, got {brief(flags)}")
            sections = data.get("section_grades", {})
            if not isinstance(sections, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in sections.items()
            ):
                raise TypeError(
                    f"section_grades: expected a table of section ids to grades, got "
                    f"{brief(sections)}"
                )
            return cls(
                total, base, bonus, penalty, grade, stars, frozenset(flags), points, dict(sections)
            )
        except KeyError as error:
            raise DataFileError(f"not a valid result: {error.args[0]!r} is missing") from None
        except (TypeError, ValueError) as error:
            raise DataFileError(f"not a valid result: {error}") from None


# The pieces of a result's JSON, each written once by json.dumps and remembered (bounded): a
# number's text depends on its value alone (fmt), so equal Decimals share an entry.
_MEMO_LIMIT = 10_000
_NUMBERS: dict[Decimal, str] = {}
_TEXTS: dict[str | None, str] = {}
_FLAGS: dict[frozenset[str], str] = {}
_ITEMS: dict[tuple[tuple[str, Decimal], ...], str] = {}


def _remember(memo: dict[Any, str], key: Any, text: str) -> str:
    if len(memo) < _MEMO_LIMIT:
        memo[key] = text
    return text


def _number_json(value: Decimal) -> str:
    text = _NUMBERS.get(value)
    return text if text is not None else _remember(_NUMBERS, value, f'"{fmt(value)}"')


def _text_json(value: str | None) -> str:
    text = _TEXTS.get(value)
    if text is None:
        text = _remember(_TEXTS, value, json.dumps(value, ensure_ascii=False))
    return text


def _flags_json(value: frozenset[str]) -> str:
    text = _FLAGS.get(value)
    if text is None:
        text = _remember(_FLAGS, value, json.dumps(sorted(value), ensure_ascii=False))
    return text
