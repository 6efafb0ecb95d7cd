"""Input and output: tables (CSV, JSON lines, Excel), batch scoring, event logs.

The public faces are :mod:`gridrules.batch` and :mod:`gridrules.events`.
"""

__all__: list[str] = []
