"""Every rule kind a rubric file may name (``kind = "..."``), in one place."""

from __future__ import annotations

from ._ballots import Ballots
from ._rules import RULE_TYPES as _ITEM_RULES
from ._rules import Rule

__all__ = ["RULE_TYPES"]

RULE_TYPES: tuple[type[Rule], ...] = (*_ITEM_RULES, Ballots)
"""The rule classes serialisation knows, tagged by their ``kind``."""
