"""Periods of assessment: 月, 季度, 半年, 年, 周, 旬, windows (``gridrules.dates.periods``)."""

from .dates.periods import Period, PeriodError, PeriodKind

__all__ = ["Period", "PeriodError", "PeriodKind"]
