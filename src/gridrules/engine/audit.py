"""Stamping what is scored: the audit stamp's hashes, version and time (see
:mod:`gridrules.sheet.audit`)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import GridrulesError
from ..model.numbers import fmt
from ..model.rubric import RubricDefinition
from ..sheet.audit import Audit
from ..sheet.convert import unstructure_rubric

__all__ = ["gridrules_version", "params_hash", "rubric_hash", "stamp", "utc_now"]


@functools.cache
def gridrules_version() -> str:
    """The installed gridrules' version (``0.0.0`` when run from a source tree)."""
    try:
        return importlib.metadata.version("gridrules")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a source tree
        return "0.0.0"


def _digest(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def rubric_hash(rubric: RubricDefinition) -> str:
    """The SHA-256 of the rubric as data, written as canonical JSON (keys sorted, no spaces):
    equal for equal rubrics, wherever they were loaded from. A rubric with a rule class of its
    own, which cannot be written as data, is hashed from its ``repr``."""
    try:
        data: Any = unstructure_rubric(rubric)
    except GridrulesError:
        data = {"repr": repr(rubric)}
    return _digest(data)


def params_hash(params: Mapping[str, Decimal | str]) -> str:
    """The SHA-256 of the parameter values in force, each in its one written form (a text
    parameter's as it is)."""
    return _digest(
        {name: value if isinstance(value, str) else fmt(value) for name, value in params.items()}
    )


_LAST: list[Any] = [None, ""]
"""The last millisecond written out, and how: a batch scores many sheets a millisecond."""


def utc_now() -> str:
    """Now, in UTC, as ISO 8601 to the millisecond (``2026-10-31T08:15:30.123Z``)."""
    milliseconds = time.time_ns() // 1_000_000
    last = _LAST
    if milliseconds != last[0]:
        moment = dt.datetime.fromtimestamp(milliseconds / 1000, dt.UTC)
        last[1] = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        last[0] = milliseconds
    text: str = last[1]
    return text


def stamp(
    rubric: RubricDefinition,
    params: Mapping[str, Decimal | str],
    assessor: str | None = None,
    *,
    hashes: tuple[str, str] | None = None,
    at: str | None = None,
) -> Audit:
    """The audit stamp of a score worked out now (or ``at``, a :func:`utc_now` text) with
    ``rubric`` and ``params``; ``hashes`` are the rubric's and the parameters' hashes when
    already known."""
    rubric_digest, params_digest = hashes or (rubric_hash(rubric), params_hash(params))
    origin = rubric.origin
    return Audit(
        gridrules_version(),
        rubric_digest,
        params_digest,
        utc_now() if at is None else at,
        None if origin is None else origin.distribution,
        None if origin is None else origin.version,
        assessor,
    )
