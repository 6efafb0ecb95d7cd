"""The errors gridrules raises on purpose.

Every error is a :class:`GridrulesError`; catch that to catch them all. Messages are in English and
name where the problem is (rubric, node, field, row), the value found, and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "BandError",
    "DataFileError",
    "EvidenceError",
    "GridrulesError",
    "ParameterError",
    "PluginError",
    "Problem",
    "RubricError",
]


class GridrulesError(Exception):
    """Base of every error the library raises on purpose."""


class Problem:
    """One problem found in a record: where it is and why it is wrong."""

    __slots__ = ("field", "message", "value")

    def __init__(self, field: str, message: str, value: object = None) -> None:
        self.field = field
        self.message = message
        self.value = value

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self.field!r}, {self.message!r}, {self.value!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.field, self.message) == (other.field, other.message)

    def __hash__(self) -> int:
        return hash((self.field, self.message))


class _ManyProblems(GridrulesError):
    """An error that reports every problem it found at once, not only the first."""

    kind = "record"

    def __init__(self, where: str, problems: Iterable[Problem]) -> None:
        self.where = where
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{where}: {count} {noun} in the {self.kind}:\n{lines}")


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
