"""The engine: a rubric and its parameters compiled into one plan, walked for one record (with
or without a trace) or a column at a time for many; evidence reading; the scorer; and the rubric
as users hold it. Its public face is :mod:`gridrules`."""

__all__: list[str] = []
