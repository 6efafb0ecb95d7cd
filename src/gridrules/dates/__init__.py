"""Time: periods of assessment (月, 季度, 旬, ...) and working-day calendars (调休 included).

The lowest layer but for the errors: it knows nothing of rubrics, and everything above may use
it. Its public faces are :mod:`gridrules.periods` and :mod:`gridrules.calendars`.
"""

__all__: list[str] = []
