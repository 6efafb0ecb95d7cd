"""gridrules: grid-worker assessment rules (社区网格员考核细则) as exact, explained rubrics.

Declare a rubric in Python or load one from a file or an installed plugin, score one assessee's
evidence for one period, and read a score sheet that explains every point with the clause that
caused it. Every score is a :class:`~decimal.Decimal`.
"""

from importlib.metadata import PackageNotFoundError, version

from ._ballots import Ballots, BallotType, Criterion
from ._combine import CombinedSheet, PeriodCombination, PeriodPart
from ._evaluate import Result, Scorer
from ._evidence import Field, FieldKind
from ._grades import Band, GradeBands, StarRating, Veto
from ._intervals import Interval
from ._numbers import Rounding
from ._outcome import Effect, Outcome
from ._rubric import Assumption, Item, Parameter, Rubric, Section, Weight
from ._rules import (
    AllOrNothing,
    AssessorPoints,
    AwardLevel,
    Bonus,
    Checklist,
    Level,
    Penalty,
    PerOccurrence,
    Quota,
    RateShortfall,
    Rule,
    Tier,
    Tiers,
    When,
    ZeroIf,
)
from ._sheet import ItemLine, ParameterLine, Reason, ScoreSheet, SectionLine, VetoLine
from ._values import FromField, Param, PerWorkingDay
from .calendars import CalendarError, WorkingCalendar, get_calendar
from .errors import (
    BandError,
    DataFileError,
    EvidenceError,
    GridrulesError,
    ParameterError,
    PluginError,
    Problem,
    RubricError,
)
from .periods import Period, PeriodError
from .plugins import RubricInfo, available, load
from .serialization import load_params

try:
    __version__ = version("gridrules")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AllOrNothing",
    "AssessorPoints",
    "Assumption",
    "AwardLevel",
    "BallotType",
    "Ballots",
    "Band",
    "BandError",
    "Bonus",
    "CalendarError",
    "Checklist",
    "CombinedSheet",
    "Criterion",
    "DataFileError",
    "Effect",
    "EvidenceError",
    "Field",
    "FieldKind",
    "FromField",
    "GradeBands",
    "GridrulesError",
    "Interval",
    "Item",
    "ItemLine",
    "Level",
    "Outcome",
    "Param",
    "Parameter",
    "ParameterError",
    "ParameterLine",
    "Penalty",
    "PerOccurrence",
    "PerWorkingDay",
    "Period",
    "PeriodCombination",
    "PeriodError",
    "PeriodPart",
    "PluginError",
    "Problem",
    "Quota",
    "RateShortfall",
    "Reason",
    "Result",
    "Rounding",
    "Rubric",
    "RubricError",
    "RubricInfo",
    "Rule",
    "ScoreSheet",
    "Scorer",
    "Section",
    "SectionLine",
    "StarRating",
    "Tier",
    "Tiers",
    "Veto",
    "VetoLine",
    "Weight",
    "When",
    "WorkingCalendar",
    "ZeroIf",
    "__version__",
    "available",
    "get_calendar",
    "load",
    "load_params",
]
