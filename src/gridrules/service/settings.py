"""The service's limits and where it keeps its work, from the command line or the environment.

Each limit is read from an environment variable (so that every worker process of ``gridrules
serve --workers N`` reads the same), and ``gridrules serve`` sets them from its options:

======================================  ==========================  ===========================
variable                                option                      default
======================================  ==========================  ===========================
``GRIDRULES_SERVE_MAX_BODY``            ``--max-body``              64M (bytes; K, M, G suffixes)
``GRIDRULES_SERVE_MAX_RECORDS``         ``--max-records``           100000 records a request
``GRIDRULES_SERVE_TIME_LIMIT``          ``--time-limit``            60 seconds a request
``GRIDRULES_SERVE_STREAM_ABOVE``        ``--stream-above``          1000 records
``GRIDRULES_SERVE_WORKDIR``             ``--workdir``               a temporary directory
``GRIDRULES_SERVE_KEEP_BATCHES``        ``--keep-batches``          20 of the page's batches
======================================  ==========================  ===========================
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

__all__ = ["ENVIRONMENT", "Settings", "parse_size"]

ENVIRONMENT = {
    "max_body": "GRIDRULES_SERVE_MAX_BODY",
    "max_records": "GRIDRULES_SERVE_MAX_RECORDS",
    "time_limit": "GRIDRULES_SERVE_TIME_LIMIT",
    "stream_above": "GRIDRULES_SERVE_STREAM_ABOVE",
    "workdir": "GRIDRULES_SERVE_WORKDIR",
    "keep_batches": "GRIDRULES_SERVE_KEEP_BATCHES",
}
"""Each setting's environment variable."""

_SIZE = re.compile(r"\s*(\d+)\s*([KMG]i?B?|B)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def parse_size(text: str) -> int:
    """A size in bytes from ``"64M"``, ``"512K"``, ``"1G"`` or ``"1048576"`` (units of 1,024).

    :raises ValueError: the text is not a size, saying what is expected.
    """
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"expected a size in bytes such as 64M, 512K or 1048576, got {text!r}")
    unit = (match[2] or "")[:1].upper()
    return int(match[1]) * _UNITS[unit]


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{attribute.name} must be a number above 0, got {value!r}")


@attrs.frozen
class Settings:
    """The service's limits, and where the page keeps the batches it scored.

    ``max_body``: the most bytes a request's body may have (413 beyond). ``max_records``: the
    most records one ``/results`` request may hold (422 beyond). ``time_limit``: the seconds a
    request may take to be worked out (503 beyond). ``stream_above``: ``/results`` answers in
    JSON lines, streamed, for more records than this unless the client asks for one JSON
    document. ``workdir``: where the page's batches are kept (shared by the workers);
    ``keep_batches``: how many of them are kept, the oldest removed first.
    """

    max_body: int = attrs.field(default=64 * 2**20, validator=_positive)
    max_records: int = attrs.field(default=100_000, validator=_positive)
    time_limit: float = attrs.field(default=60.0, validator=_positive)
    stream_above: int = attrs.field(default=1000, validator=_positive)
    workdir: Path | None = None
    keep_batches: int = attrs.field(default=20, validator=_positive)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment gives (``os.environ`` by default), defaults elsewhere.

        :raises ValueError: a variable holds what its setting cannot take, naming it.
        """
        environ = os.environ if environ is None else environ
        given: dict[str, object] = {}
        for name, variable in ENVIRONMENT.items():
            text = environ.get(variable)
            if text is None or not text.strip():
                continue
            try:
                if name == "max_body":
                    given[name] = parse_size(text)
                elif name == "time_limit":
                    given[name] = float(text)
                elif name == "workdir":
                    given[name] = Path(text)
                else:
                    given[name] = int(text)
            except ValueError as error:
                raise ValueError(f"{variable}: {error}") from None
        try:
            return cls(**given)  # type: ignore[arg-type]
        except ValueError as error:
            raise ValueError(f"{error} (from the environment)") from None

    def environment(self) -> dict[str, str]:
        """These settings as the environment variables :meth:`from_env` reads."""
        values = attrs.asdict(self, recurse=False)
        return {
            variable: str(values[name])
            for name, variable in ENVIRONMENT.items()
            if values[name] is not None
        }
