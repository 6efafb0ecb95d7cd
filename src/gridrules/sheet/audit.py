"""The audit stamp: what a score was worked out with, when, and by whom.

Every sheet scored carries one (:attr:`ScoreSheet.audit <gridrules.ScoreSheet.audit>`), and so
does its JSON: the gridrules version, the plugin's distribution and version, a hash of the rubric
as loaded and of the parameters in force, the time it was scored (UTC) and the assessor. Two
sheets that say the same compare equal whatever their stamps: the stamp records how a sheet was
made, not what it says.
"""

from __future__ import annotations

import attrs

__all__ = ["Audit"]


@attrs.frozen
class Audit:
    """How and when one sheet was scored.

    ``rubric_hash`` is the SHA-256 of the rubric as data
    (:func:`~gridrules.serialization.unstructure_rubric`, written as canonical JSON), so two
    stamps with one hash were scored by the same rules, clauses and numbers; ``params_hash``
    the same of the parameter values in force (given or defaulted). ``scored_at`` is ISO 8601
    in UTC (``2026-10-31T08:15:30.123Z``). ``plugin`` and ``plugin_version`` name the installed
    distribution that registered the rubric (``None`` for a rubric built in Python or read from
    a file).
    """

    gridrules_version: str
    rubric_hash: str
    params_hash: str
    scored_at: str
    plugin: str | None = None
    plugin_version: str | None = None
    assessor: str | None = None
