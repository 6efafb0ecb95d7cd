"""Errors as API clients expect them: a list of ``{loc, msg, type, input}``, ``loc`` a path into
the request body down to the wrong part of a value (``["body", "evidence", "ballots", "B", 1,
2]``: ballot type B, its second ballot, its third score), in the shape FastAPI gives its own
422s. Each problem also has ``msg_zh``, the message in Chinese, for a platform to show its
users."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import EvidenceError, GridrulesError, ParameterError, Problem
from ..io.reasons import chinese

__all__ = ["Loc", "from_error", "from_problems", "problem"]

Loc = Sequence[str | int]


def problem(loc: Loc, msg: str, kind: str, value: Any = None) -> dict[str, Any]:
    """One problem: where (``loc``), why (``msg``, and ``msg_zh`` in Chinese), what kind, and
    the value found there."""
    return {
        "type": kind,
        "loc": list(loc),
        "msg": msg,
        "input": _plain(value),
        "msg_zh": chinese(msg),
    }


def from_problems(problems: Iterable[Problem], at: Loc, omitted: int = 0) -> list[dict[str, Any]]:
    """The problems of a record or parameters, under ``at`` (``["body", "evidence"]``); the
    value of each is the part its path leads to."""
    found = [
        problem([*at, *p.location], p.message, p.kind, _part(p.value, p.path)) for p in problems
    ]
    if omitted:
        found.append(
            problem(at, f"{omitted:,} more problems not listed", "too_many_problems", None)
        )
    return found


def from_error(error: GridrulesError, at: Loc, kind: str = "value_error") -> list[dict[str, Any]]:
    """Any of the library's errors as problems at ``at``: each problem of an error that lists
    them, else the one message."""
    if isinstance(error, EvidenceError | ParameterError):
        return from_problems(error.problems, at, error.omitted)
    return [problem(at, str(error), kind)]


def _part(value: Any, path: Sequence[str | int]) -> Any:
    """The part of ``value`` that ``path`` leads to (the value itself when it cannot)."""
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            break
    return value


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it: what came from a JSON body is already; anything else is
    written as text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value
