"""gridrules: grid-worker assessment rules (社区网格员考核细则) as exact, explained rubrics.

Declare a rubric in Python or load one from a file or an installed plugin, score one assessee's
evidence for one period, and read a score sheet that explains every point with the clause that
caused it. Every score is a :class:`~decimal.Decimal`.
"""

from importlib.metadata import PackageNotFoundError, version

from .calendars import CalendarError, WorkingCalendar, get_calendar
from .engine.result import Result
from .engine.rubric import Rubric
from .engine.scorer import Scorer
from .errors import (
    BandError,
    DataFileError,
    EvidenceError,
    GridrulesError,
    NumberError,
    ParameterError,
    PluginError,
    Problem,
    RubricError,
)
from .hookspecs import hookimpl
from .io.datafiles import Evidence, load_evidence, load_params
from .model.combinations import PeriodCombination, PeriodPart
from .model.conditions import When
from .model.fields import Field, FieldKind
from .model.grades import Band, BandInterval, GradeBands, StarRating, Veto
from .model.intervals import Interval
from .model.numbers import Rounding
from .model.rates import FieldTimes, Rate
from .model.refs import FromField, Param, PerUnit, PerWorkingDay
from .model.rules import (
    AllOrNothing,
    AssessorPoints,
    AwardLevel,
    Ballots,
    BallotType,
    Bonus,
    Checklist,
    Criterion,
    Level,
    Penalty,
    PerOccurrence,
    Quota,
    RateShortfall,
    Rule,
    Tier,
    Tiers,
    ZeroIf,
)
from .model.steps import Context, Effect, Outcome, Step
from .model.tree import Assumption, Item, Parameter, Remark, Section
from .model.weights import Weight
from .periods import Period, PeriodError
from .plugins import RubricInfo, available, load, rubric_file
from .sheet.lines import ItemLine, ParameterLine, Reason, RemarkLine, SectionLine, VetoLine
from .sheet.sheet import CombinedSheet, ScoreSheet
from .whatif import Comparison, compare

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
    "BandInterval",
    "Bonus",
    "CalendarError",
    "Checklist",
    "CombinedSheet",
    "Comparison",
    "Context",
    "Criterion",
    "DataFileError",
    "Effect",
    "Evidence",
    "EvidenceError",
    "Field",
    "FieldKind",
    "FieldTimes",
    "FromField",
    "GradeBands",
    "GridrulesError",
    "Interval",
    "Item",
    "ItemLine",
    "Level",
    "NumberError",
    "Outcome",
    "Param",
    "Parameter",
    "ParameterError",
    "ParameterLine",
    "Penalty",
    "PerOccurrence",
    "PerUnit",
    "PerWorkingDay",
    "Period",
    "PeriodCombination",
    "PeriodError",
    "PeriodPart",
    "PluginError",
    "Problem",
    "Quota",
    "Rate",
    "RateShortfall",
    "Reason",
    "Remark",
    "RemarkLine",
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
    "Step",
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
    "compare",
    "get_calendar",
    "hookimpl",
    "load",
    "load_evidence",
    "load_params",
    "rubric_file",
]
