"""The model: numbers, parameter references, fields, conditions, rules and what they compile
to, ballots, grades, combinations of periods, weights, the rubric tree, and the rubric with its
validation and parameter binding. Nothing here scores a record; everything above builds on it.
Its public face is :mod:`gridrules`."""

__all__: list[str] = []
