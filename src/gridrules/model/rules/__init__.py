"""The item rules: how evidence about one item turns into points (see :mod:`.base` for what
every rule provides)."""

from .assessor import AssessorPoints
from .ballots import Ballots, BallotType, Criterion
from .base import Rule
from .beyond import UNCAPPED, AwardLevel, Bonus, Level, Penalty
from .deductions import Checklist, PerOccurrence, Quota, RateShortfall
from .tiers import Tier, Tiers
from .zeroing import AllOrNothing, ZeroIf

__all__ = [
    "RULE_TYPES",
    "UNCAPPED",
    "AllOrNothing",
    "AssessorPoints",
    "AwardLevel",
    "BallotType",
    "Ballots",
    "Bonus",
    "Checklist",
    "Criterion",
    "Level",
    "Penalty",
    "PerOccurrence",
    "Quota",
    "RateShortfall",
    "Rule",
    "Tier",
    "Tiers",
    "ZeroIf",
]

RULE_TYPES: tuple[type[Rule], ...] = (
    PerOccurrence,
    Quota,
    RateShortfall,
    Tiers,
    Checklist,
    AssessorPoints,
    ZeroIf,
    AllOrNothing,
    Penalty,
    Bonus,
    AwardLevel,
    Ballots,
)
"""Every rule kind a rubric file may name (``kind = "..."``), tagged by its ``kind``."""
