"""The errors gridrules raises on purpose.

Every error is a :class:`GridrulesError`; catch that to catch them all. Messages are in English and
name where the problem is (rubric, node, field, row), the value found, and what was expected.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

__all__ = [
    "SHOWN_PROBLEMS",
    "BandError",
    "DataFileError",
    "EvidenceError",
    "GridrulesError",
    "NumberError",
    "ParameterError",
    "PluginError",
    "Problem",
    "RubricError",
]


SHOWN_PROBLEMS = 100
"""The most problems an error keeps and lists; the rest are counted (``... and 2,400 more``)."""
_BRIEF = reprlib.Repr()
_BRIEF.maxlevel, _BRIEF.maxstring, _BRIEF.maxother = 3, 80, 80
_BRIEF.maxlist = _BRIEF.maxdict = _BRIEF.maxtuple = _BRIEF.maxset = 8


def brief(value: object) -> str:
    """A value as a message shows it: its ``repr``, cut short (a 10 MB string, a list of a
    million names), so that one bad value cannot make a message of megabytes."""
    return _BRIEF.repr(value)


class GridrulesError(Exception):
    """Base of every error the library raises on purpose."""


class Problem:
    """One problem found in a record: where it is (the field, and ``path`` within its value),
    why it is wrong, and what kind of problem it is (``kind``: ``"unknown_field"``,
    ``"missing"``, or ``"value_error"`` for a value that does not fit)."""

    __slots__ = ("field", "kind", "message", "path", "value")

    def __init__(
        self,
        field: str,
        message: str,
        value: object = None,
        path: tuple[str | int, ...] = (),
        kind: str = "value_error",
    ) -> None:
        self.field = field
        self.message = message
        self.value = value
        self.path = path
        self.kind = kind

    @property
    def location(self) -> tuple[str | int, ...]:
        """Where the problem is, from the record down: ``("ballots", "B", 1, 2)``."""
        return (self.field, *self.path)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self.field!r}, {self.message!r}, {brief(self.value)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.field, self.message) == (other.field, other.message)

    def __hash__(self) -> int:
        return hash((self.field, self.message))


class _ManyProblems(GridrulesError):
    """An error that reports every problem it found at once, not only the first.

    At most :data:`SHOWN_PROBLEMS` are kept and listed; ``omitted`` counts the rest, so that a
    record of a million unknown fields makes an error of a hundred lines.
    """

    kind = "record"

    def __init__(self, where: str, problems: Iterable[Problem], omitted: int = 0) -> None:
        self.where = where
        kept = list(problems)
        self.problems: tuple[Problem, ...] = tuple(kept[:SHOWN_PROBLEMS])
        self.omitted = omitted + max(0, len(kept) - SHOWN_PROBLEMS)
        count = len(self.problems) + self.omitted
        lines = "\n".join(f"  - {p}" for p in self.problems)
        if self.omitted:
            lines += f"\n  ... and {self.omitted:,} more"
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{where}: {count:,} {noun} in the {self.kind}:\n{lines}")

    def __reduce__(self) -> tuple[object, ...]:
        # errors cross process boundaries (batch workers): rebuilt from what made them
        return (type(self), (self.where, self.problems, self.omitted))


class NumberError(GridrulesError, ArithmeticError):
    """A number cannot be kept exact: too many digits, or an operation that would have to round.

    gridrules refuses such a number rather than round it in silence; the message says why.
    """


class RubricError(GridrulesError):
    """A rubric definition is invalid: it names the rubric, the node and the problem."""


class BandError(RubricError):
    """Grade bands or tiers leave a gap or overlap; the message names the interval."""


class EvidenceError(_ManyProblems):
    """Evidence for one assessee does not fit the rubric's fields.

    ``problems`` lists every problem of the record (unknown field, wrong type, negative count,
    percentage over 100, missing required field, ...), each naming the field and the value.
    """

    kind = "evidence"


class ParameterError(_ManyProblems):
    """Parameters are missing or invalid; each problem quotes the clause the parameter fills."""

    kind = "parameters"


class DataFileError(GridrulesError):
    """A rubric, evidence or parameters file cannot be read: names the file, the place and why."""


class PluginError(GridrulesError):
    """A rubric plugin cannot be found, imported or registered."""
