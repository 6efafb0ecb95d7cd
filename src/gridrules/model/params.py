"""Binding a rubric's parameters: the values a region fills in where the source is blank."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from ..errors import ParameterError, Problem, RubricError
from .fields import BadValue, Field, FieldKind
from .numbers import fmt
from .tree import Parameter
from .weights import weights_problem

__all__ = ["bind", "check_parameter_value"]


def bind(
    rubric: str,
    declared: Sequence[Parameter],
    weight_groups: Iterable[tuple[tuple[str, ...], Decimal]],
    given: Mapping[str, object] | None,
    *,
    require_all: bool = True,
) -> dict[str, Decimal | str]:
    """Check ``given`` against the ``declared`` parameters; every problem is reported at once.

    Returns the values in force: given ones, else bound ones, else defaults. A missing required
    parameter is reported (when ``require_all``) quoting the clause it fills, and so are the
    parameters that are the weights of one composite (``weight_groups``: their names and the
    share they must fill) when they do not sum to their share.

    :raises ParameterError: naming ``rubric`` and every problem.
    """
    by_name = {p.name: p for p in declared}
    where = f"rubric {rubric!r}"
    if given is not None and not isinstance(given, Mapping):
        raise ParameterError(
            where, [Problem("<params>", f"expected a mapping, got {type(given).__name__}")]
        )
    problems: list[Problem] = []
    values: dict[str, Decimal | str] = {}
    for name, raw in (given or {}).items():
        param = by_name.get(name) if isinstance(name, str) else None
        if param is None:
            known = sorted(by_name) or "none"
            problems.append(
                Problem(
                    str(name),
                    f"unknown parameter; this rubric declares {known}",
                    raw,
                    kind="unknown_field",
                )
            )
            continue
        try:
            value = Field(name, param.kind).checker()(raw)
            if value == "":
                raise BadValue("a name cannot be empty")
            values[name] = value
        except BadValue as bad:
            problems.append(Problem(name, f"{bad} (「{param.clause}」)", raw))
    if require_all:
        for name, param in by_name.items():
            if name in values or name in (given or {}):  # a bad value is reported as such
                continue
            if param.fallback is None:
                problems.append(
                    Problem(
                        name,
                        f"missing required parameter: {param.description} (「{param.clause}」)",
                        kind="missing",
                    )
                )
            else:
                values[name] = param.fallback
        for names, share in weight_groups:
            if all(name in values for name in names):
                weights = [(name, values[name]) for name in names]
                problem = weights_problem(weights, share)  # type: ignore[arg-type]  # numbers
                if problem is not None:
                    problems.append(
                        Problem(
                            " + ".join(names),
                            f"these weights of one composite {problem} "
                            f"(「{by_name[names[0]].clause}」)",
                        )
                    )
    if problems:
        raise ParameterError(where, problems)
    return values


def check_parameter_value(param: Parameter, value: Decimal | str) -> None:
    """A value a rubric file binds or defaults to a parameter fits the parameter's kind.

    :raises RubricError: naming the parameter and the value.
    """
    if isinstance(value, str):  # a text parameter's, checked when it was read
        return
    if value < 0:
        raise RubricError(f"parameter {param.name!r} must be 0 or more, got {fmt(value)}")
    if param.kind is FieldKind.PERCENTAGE and value > 100:
        raise RubricError(f"parameter {param.name!r} is a percentage, got {fmt(value)}")
    if param.kind is FieldKind.COUNT and value != value.to_integral_value():
        raise RubricError(f"parameter {param.name!r} is a whole number, got {fmt(value)}")
