"""Proving a rubric sound: hypothesis strategies, invariant checks and scenario files.

``check_rubric(rubric)`` runs the invariants every rubric must keep on generated evidence and
reports a minimal failing record. Scenario files (TOML) hold worked examples: evidence in, the
expected total, grade, stars and item points out; the pytest plugin in
:mod:`gridrules.pytest_plugin` collects them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from .dates.calendars import PeriodUnits, get_calendar
from .dates.periods import Period
from .engine.rubric import Rubric
from .engine.scorer import Scorer
from .errors import DataFileError, GridrulesError, ParameterError
from .io.datafiles import load_params, structure_rubric, structure_sheet, unstructure_rubric
from .model.fields import Field, FieldKind
from .model.numbers import HUNDRED, ZERO, fmt, to_decimal
from .model.rates import Rate
from .model.refs import PerUnit
from .model.rules import Penalty, PerOccurrence, Quota, RateShortfall, Tiers, ZeroIf
from .model.steps import Effect
from .model.tree import Item
from .plugins import is_rubric_file, registry
from .sheet.convert import unstructure_sheet

__all__ = [
    "RubricCheckError",
    "Scenario",
    "ScenarioFailure",
    "check_citations",
    "check_rubric",
    "edge_values",
    "evidence",
    "load_scenarios",
    "parameters",
    "run_scenario",
    "scenario_defaults",
    "source_of",
]

_BIG = 10**6


# -- strategies -------------------------------------------------------------------------------


def edge_values(rubric: Rubric) -> dict[str, set[Decimal]]:
    """The values worth trying for each field: 0, every threshold the rules name, ±1 around them."""
    edges: dict[str, set[Decimal]] = {fid: {ZERO} for fid in rubric.fields}
    for item in rubric.items():
        for rule in item.rules:
            points: list[tuple[str, Decimal]] = []
            if (
                isinstance(rule, Quota | RateShortfall)
                and isinstance(rule.target, Decimal)
                and isinstance(rule.field, str)
            ):
                points.append((rule.field, rule.target))
            if isinstance(rule, Tiers) and isinstance(rule.field, str):
                for tier in rule.tiers:
                    for bound in (tier.interval.lower, tier.interval.upper):
                        if bound is not None:
                            points.append((rule.field, bound))
            if isinstance(rule, ZeroIf) and isinstance(rule.when.value, Decimal):
                points.append((rule.when.field, rule.when.value))
            for fid, value in points:
                edges[fid].update(
                    {value, value - 1, value + 1, value - Decimal("0.01"), value + Decimal("0.01")}
                )
    for veto in rubric.vetoes:
        if isinstance(veto.when.value, Decimal):
            value = veto.when.value
            edges[veto.when.field].update({value, value - 1, value + 1})
    return edges


DEFAULT_PERIOD = "2026-10"
"""The period records are scored for when a rubric needs one and none is given."""


def _units_of(rubric: Rubric, period: object) -> dict[str, int]:
    """For each field that holds a count per unit of time, how many units ``period`` holds."""
    span = Period.parse(str(period if period is not None else DEFAULT_PERIOD))
    found: dict[str, int] = {}
    for item in rubric.items():
        for rule in item.rules:
            if isinstance(rule, Quota) and rule.judged == "each":
                assert isinstance(rule.target, PerUnit)
                found[rule.field] = int(PeriodUnits(span, get_calendar()).count(rule.target.unit))
    return found


def _field_strategy(
    field: Field, edges: set[Decimal], length: int | None = None
) -> st.SearchStrategy[Any]:
    kind = field.kind
    if kind is FieldKind.COUNTS:
        size = 3 if length is None else length
        return st.lists(st.integers(0, 5), min_size=size, max_size=size)
    if kind is FieldKind.FLAG:
        return st.booleans()
    if kind is FieldKind.TEXT:  # a remark: any printable text within its limit
        limit = int(field.maximum) if field.maximum is not None else 50
        printable = st.characters(blacklist_categories=("Cc", "Cs"))
        return st.text(printable, max_size=min(limit, 50))
    if kind in (FieldKind.LEVEL, FieldKind.ELEMENTS):
        return st.lists(st.sampled_from(field.choices), unique=True).map(tuple)
    if kind is FieldKind.BALLOTS:
        ballot = st.tuples(
            *(st.one_of(st.just(top), st.decimals(0, top, places=1)) for top in field.criteria)
        ).map(list)
        return st.fixed_dictionaries({kind: st.lists(ballot, max_size=4) for kind in field.choices})
    if kind is FieldKind.COUNT:
        whole = sorted(int(e) for e in edges if e >= 0 and e == e.to_integral_value())
        return st.one_of(st.sampled_from(whole or [0]), st.integers(0, 40), st.integers(0, _BIG))
    top = HUNDRED if kind is FieldKind.PERCENTAGE else None
    if kind is FieldKind.POINTS:
        top = field.maximum if field.maximum is not None else HUNDRED
    usable = sorted(e for e in edges if e >= 0 and (top is None or e <= top))
    numbers = st.decimals(
        min_value=0,
        max_value=top if top is not None else _BIG,
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
    return st.one_of(st.sampled_from(usable or [ZERO]), numbers)


def evidence(
    rubric: Rubric, *, include_defaults: bool = True, period: object = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid evidence records for ``rubric``, favouring zero and each threshold ±1.

    A field that holds a count per unit of time gets as many counts as ``period`` holds units
    (``DEFAULT_PERIOD``, 2026-10, when none is given).

    Fields with a default are sometimes left out (``include_defaults=False`` always includes
    them), so the default path is exercised too.
    """
    edges = edge_values(rubric)
    fields = rubric.fields
    lengths = _units_of(rubric, period)
    rates = _rates(rubric)
    jointly = {fid for rate in rates for fid in (rate.numerator, rate.denominator)}
    strategies = {
        fid: _field_strategy(f, edges[fid], lengths.get(fid))
        for fid, f in fields.items()
        if fid not in jointly
    }
    required = {
        fid: strategies[fid] for fid, f in fields.items() if f.required and fid in strategies
    }
    optional = {
        fid: strategies[fid] for fid, f in fields.items() if not f.required and fid in strategies
    }
    if include_defaults:
        records = st.fixed_dictionaries(required, optional=optional)
    else:
        records = st.fixed_dictionaries({**required, **optional})
    if not rates:
        return records
    # the two counts of a rate are drawn together: done no more than due, and something due
    # unless the rubric declares what nothing due means
    return st.tuples(records, *(_rate_counts(rate) for rate in rates)).map(
        lambda drawn: {k: v for part in drawn for k, v in part.items()}
    )


def _rates(rubric: Rubric) -> list[Rate]:
    """The rates the rubric's rules work out from two counts, each once."""
    found: dict[tuple[str, str], Rate] = {}
    for item in rubric.items():
        for rule in item.rules:
            source = getattr(rule, "field", None)
            if isinstance(source, Rate):
                key = (source.numerator, source.denominator)
                if key in found and found[key].empty != source.empty:
                    found[key] = Rate(source.numerator, source.denominator, "refuse")
                else:
                    found.setdefault(key, source)
    return list(found.values())


def _rate_counts(rate: Rate) -> st.SearchStrategy[dict[str, int]]:
    least = 1 if rate.empty == "refuse" else 0
    due = st.one_of(st.integers(least, 40), st.just(max(least, 100)))
    return due.flatmap(
        lambda d: st.one_of(st.integers(0, d), st.just(d)).map(
            lambda n: {rate.numerator: n, rate.denominator: d}
        )
    )


def weight_groups(rubric: Rubric) -> list[tuple[tuple[str, ...], Decimal]]:
    """The parameters that are weights of one composite, with the share they must sum to."""
    return rubric.weight_groups()


def _partition(names: tuple[str, ...], total: Decimal) -> st.SearchStrategy[dict[str, Decimal]]:
    """Shares of ``total`` for ``names``, in hundredths, summing to it exactly."""
    cuts = st.lists(st.integers(0, 100), min_size=len(names) - 1, max_size=len(names) - 1)

    def shares(points: list[int]) -> dict[str, Decimal]:
        edges = [0, *sorted(points), 100]
        return {
            name: total * Decimal(high - low) / 100
            for name, low, high in zip(names, edges, edges[1:], strict=False)
        }

    return cuts.map(shares)


def parameters(rubric: Rubric) -> st.SearchStrategy[dict[str, Any]]:
    """Values for the rubric's parameters that have no default and no bound value.

    Parameters that are the weights of one composite are drawn together so that they sum to 1.
    """
    strategies: dict[str, st.SearchStrategy[Any]] = {}
    groups = [
        (names, total)
        for names, total in weight_groups(rubric)
        if all(_unbound(rubric, name) for name in names)
    ]
    grouped = {name for names, _ in groups for name in names}
    banded = _band_parameters(rubric)
    for param in rubric.parameters:
        if param.default is not None or param.value is not None or param.name in grouped:
            continue
        if param.name in banded:
            strategies[param.name] = banded[param.name]
        elif param.kind is FieldKind.TEXT:
            strategies[param.name] = st.just(f"名称{param.name}")
        elif param.kind is FieldKind.COUNT:
            strategies[param.name] = st.integers(0, 30).map(Decimal)
        elif param.kind is FieldKind.PERCENTAGE:
            strategies[param.name] = st.decimals(0, 100, places=1)
        else:
            strategies[param.name] = st.decimals(0, 10, places=2)
    plain = st.fixed_dictionaries(strategies)
    if not groups:
        return plain
    parts = st.tuples(plain, *(_partition(names, total) for names, total in groups))
    return parts.map(lambda drawn: {k: v for part in drawn for k, v in part.items()})


def _band_parameters(rubric: Rubric) -> dict[str, st.SearchStrategy[Any]]:
    """Values for the parameters that fill in grade bands: each name its own, and the bounds
    falling from the first band declared to the last (the usual 优秀, 良好, 合格, 不合格), so that
    the bands mostly join up; bands that do not are refused when bound, and such draws are
    discarded."""
    found: dict[str, st.SearchStrategy[Any]] = {}
    for _, grades, ceiling in rubric.graded():
        bounds = list(dict.fromkeys(name for name, naming in grades.params() if not naming))
        top = int(ceiling) if ceiling is not None else 100
        for index, name in enumerate(bounds):
            # the n-th bound from the top lies in the n-th slice of the scale, highest first
            high = top * (len(bounds) - index) // (len(bounds) + 1)
            low = top * (len(bounds) - index - 1) // (len(bounds) + 1) + 1
            found[name] = st.integers(min(low, high), high).map(Decimal)
        for name, naming in grades.params():
            if naming:
                found[name] = st.just(f"等次{name}")
    return found


def _unbound(rubric: Rubric, name: str) -> bool:
    param = next(p for p in rubric.parameters if p.name == name)
    return param.fallback is None


# -- invariants -------------------------------------------------------------------------------


class RubricCheckError(AssertionError):
    """An invariant failed; the message holds the minimal failing record."""


def _deduction_fields(rubric: Rubric) -> list[str]:
    """Count fields whose increase can only lower a score (more occurrences, more deductions)."""
    readers: dict[str, list[object]] = {}
    for item in rubric.items():
        for rule in item.rules:
            for field in rule.fields():
                readers.setdefault(field.id, []).append(rule)
    for veto in rubric.vetoes:
        for fid in veto.when.reads:
            readers.setdefault(fid, []).append(veto)
    chosen = []
    fields = rubric.fields
    for fid, rules in readers.items():
        if fields[fid].kind is not FieldKind.COUNT:
            continue
        if all(isinstance(r, PerOccurrence | Penalty) for r in rules) or all(
            isinstance(r, PerOccurrence | Penalty)
            or (isinstance(r, ZeroIf) and r.when.op in (">", ">=") and r.when.field == fid)
            for r in rules
        ):
            chosen.append(fid)
    return sorted(chosen)


def _figures(
    scored: Any, items: Mapping[str, Decimal], sections: Mapping[str, str]
) -> dict[str, Any]:
    """What every path must give alike, each Decimal by its digits (``repr``), not its value."""
    return {
        "sections": dict(sections),
        "total": repr(scored.total),
        "base": repr(scored.base),
        "bonus": repr(scored.bonus),
        "penalty": repr(scored.penalty),
        "grade": scored.grade,
        "stars": scored.stars,
        "flags": scored.flags,
        "items": {item: repr(points) for item, points in items.items()},
    }


def _check_record(
    rubric: Rubric, scorer: Scorer, record: dict[str, Any], period: object = None
) -> None:
    sheet = scorer.score(record, period=period)
    graded = {line.section_id: line.grade for line in sheet.sections if line.grade is not None}
    explained = _figures(sheet, sheet.points, graded)
    alone = scorer.result(record, period=period)
    seen = _figures(alone, alone.items, alone.section_grades)
    assert seen == explained, f"result() gives {seen}, the explained sheet {explained}"
    (many,) = scorer.results([record], period=period)
    seen = _figures(many, many.items, many.section_grades)
    assert seen == explained, f"results() gives {seen}, the explained sheet {explained}"
    items = {item.id: item for item in rubric.items()}
    for line in sheet.lines:
        item: Item = items[line.item_id]
        assert item.floor <= line.points <= item.maximum or (
            line.points == 0 and any(r.effect == Effect.ZERO.value for r in line.reasons)
        ), f"item {line.item_id}: {fmt(line.points)} outside [{item.floor}, {item.maximum}]"
    ceiling = rubric.bonus_ceiling if scorer.bonus_cap is None else scorer.bonus_cap
    if ceiling is not None:
        assert sheet.total <= sheet.maximum + ceiling, (
            f"total {fmt(sheet.total)} exceeds maximum {fmt(sheet.maximum)} + bonus cap "
            f"{fmt(ceiling)}"
        )
    if rubric.floor is not None:
        assert sheet.total >= rubric.floor, f"total {fmt(sheet.total)} under the floor"
    forced = [v.grade for v in sheet.vetoes if v.grade is not None]
    if scorer.grades is not None:
        expected = forced[-1] if forced else scorer.grades.grade(sheet.total)
        assert sheet.grade == expected, f"grade {sheet.grade} but expected {expected}"
    else:  # no bands: a grade only a veto forces
        assert sheet.grade == (forced[-1] if forced else None), f"grade {sheet.grade} unforced"
    if rubric.stars is not None:
        assert sheet.stars is not None
        assert 0 <= sheet.stars <= rubric.stars.stars, f"{sheet.stars} stars out of range"
    for fid in _deduction_fields(rubric):
        more = dict(record)
        more[fid] = int(record.get(fid, 0) or 0) + 1
        worse = scorer.score(more, period=period)
        assert worse.total <= sheet.total, (
            f"one more occurrence of {fid} raised the total from {fmt(sheet.total)} to "
            f"{fmt(worse.total)}"
        )
    assert structure_sheet(unstructure_sheet(sheet)) == sheet, "score sheet round trip"


def check_rubric(
    rubric: Rubric,
    params: Mapping[str, object] | None = None,
    *,
    max_examples: int | None = None,
    period: object = None,
) -> None:
    """Check every invariant of ``rubric`` on generated evidence (and parameters).

    ``period`` is the period records are scored for; a rubric with quotas per working day needs
    one, and is checked for ``"2026-10"`` when none is given.

    Every item within [floor, maximum] (or zeroed); the total within the maximum plus the bonus
    cap; one more occurrence of a deduction never raises the total; the grade matches its band (or
    the veto that forced it); stars within range; :meth:`~gridrules.Scorer.result` and
    :meth:`~gridrules.Scorer.results` give the explained sheet's figures digit for digit; rubric
    and sheet round-trip exactly.

    :raises RubricCheckError: with the minimal failing evidence record.
    """
    if structure_rubric(unstructure_rubric(rubric)) != rubric:
        raise RubricCheckError(f"rubric {rubric.name!r} does not round-trip through plain data")
    failures: list[tuple[dict[str, Any], Any, BaseException]] = []
    cache: dict[tuple[tuple[str, str], ...], Scorer] = {}

    def scorer_for(values: Mapping[str, object]) -> Scorer:
        key = tuple(sorted((k, str(v)) for k, v in values.items()))
        if key not in cache:
            cache[key] = Scorer(rubric, values)
        return cache[key]

    if period is None and rubric.needs_working_days:
        period = DEFAULT_PERIOD
    fixed = dict(params) if params is not None else None
    param_strategy = st.just(fixed) if fixed is not None else parameters(rubric)

    @settings(
        max_examples=max_examples or settings().max_examples,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        deadline=None,
        database=None,
        report_multiple_bugs=False,  # the first failure, as one error, never a group
    )
    @given(param_strategy, evidence(rubric, period=period))
    def run(values: dict[str, Any], record: dict[str, Any]) -> None:
        try:
            scorer = scorer_for(values)
        except ParameterError:
            assume(False)
            raise  # pragma: no cover - assume() raises
        try:
            _check_record(rubric, scorer, record, period)
        except (AssertionError, GridrulesError) as error:
            failures.append((record, values, error))
            raise

    try:
        run()
    except (AssertionError, GridrulesError) as error:
        record, values, cause = failures[-1] if failures else ({}, {}, error)
        raise RubricCheckError(
            f"rubric {rubric.name!r}: {type(cause).__name__}: {cause}\n"
            f"minimal failing evidence: {record!r}\nparameters: {values!r}"
        ) from None


def check_citations(rubric: Rubric, source: str) -> list[str]:
    """Every clause quoted by the rubric that does not occur in ``source`` (whitespace ignored)."""
    flat = "".join(source.split())
    quotes: list[str] = []
    for node in rubric.nodes():
        quotes.append(node.clause)
        if isinstance(node, Item):
            quotes.extend(rule.clause for rule in node.rules)
    quotes.extend(a.quote for a in rubric.assumptions)
    quotes.extend(p.clause for p in rubric.parameters)
    quotes.extend(v.clause for v in rubric.vetoes)
    quotes.extend(c.clause for c in rubric.combinations)
    quotes.extend(grades.clause for _, grades, _ in rubric.graded())
    quotes.extend(r.clause for r in rubric.remarks)
    return [q for q in quotes if q and "".join(q.split()) not in flat]


# -- scenarios --------------------------------------------------------------------------------


@attrs.frozen
class Scenario:
    """One worked example: evidence and parameters in, expected results out."""

    name: str
    evidence: dict[str, Any]
    expect: dict[str, Any]
    params: dict[str, Any] = attrs.field(factory=dict)
    rubric: str | None = None
    file: str = ""
    period: str | None = None
    params_file: str | None = None


class ScenarioFailure(AssertionError):
    """A scenario's result differs from what was worked out by hand."""


_EXPECT_KEYS = frozenset(
    {
        "total",
        "grade",
        "stars",
        "flags",
        "items",
        "error",
        "message",
        "base",
        "bonus",
        "penalty",
        "maximum",
        "sections",
    }
)


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Read a scenario file: ``rubric = "slug"`` and one ``[[scenario]]`` table per example.

    Top-level keys: ``rubric`` (an installed rubric's name, or a rubric file's path relative to
    the scenario file), ``params`` (parameters shared by every scenario), ``params_file`` (a
    parameters file, relative to the scenario file), ``period`` (the period scored, for quotas per
    working day). Each ``[[scenario]]`` has a ``name``, ``evidence``, optional ``params`` and
    ``period``, and ``expect``: any of ``total``, ``base``, ``bonus``, ``penalty``, ``maximum``,
    ``grade`` (``""`` for none: a rubric with no bands and no veto fired), ``stars``, ``flags``,
    ``items`` (item id to points), ``sections`` (section id to its points, or to a table of
    ``points``, ``grade`` and ``before_cap``: the children's sum a cap (封顶) cut), or ``error``
    (the error's class name) with an optional ``message`` it must contain.
    """
    path = Path(path)
    data, (rubric, shared, period) = _read_scenario_file(path)
    params_file = data.get("params_file")
    scenarios = []
    for index, raw in enumerate(data.get("scenario", [])):
        where = f"{path}: scenario {index + 1}"
        if "name" not in raw or "expect" not in raw:
            raise DataFileError(f"{where}: needs a name and an expect table")
        unknown = set(raw["expect"]) - _EXPECT_KEYS
        if unknown:
            raise DataFileError(f"{where}: unknown expect keys {sorted(unknown)}")
        scenarios.append(
            Scenario(
                name=raw["name"],
                evidence=raw.get("evidence", {}),
                expect=raw["expect"],
                params={**shared, **raw.get("params", {})},
                rubric=raw.get("rubric", rubric),
                file=str(path),
                period=raw.get("period", period),
                params_file=params_file,
            )
        )
    if not scenarios:
        raise DataFileError(f"{path}: holds no [[scenario]]")
    return scenarios


def _fail(
    scenario: Scenario, what: str, expected: object, actual: object, clause: str = ""
) -> None:
    quote = f"\n  clause: 「{clause}」" if clause else ""
    raise ScenarioFailure(
        f"{scenario.file}: scenario {scenario.name!r}: {what}: expected {expected}, got "
        f"{actual}{quote}"
    )


_NO_SUCH = object()


def run_scenario(rubric: Rubric, scenario: Scenario) -> None:
    """Score the scenario and compare every expected value; a failure names what differs."""
    expect = scenario.expect
    try:
        sheet = rubric.score(scenario.evidence, scenario.params or None, period=scenario.period)
    except GridrulesError as error:
        if "error" not in expect:
            raise ScenarioFailure(
                f"{scenario.file}: scenario {scenario.name!r}: unexpected "
                f"{type(error).__name__}: {error}"
            ) from None
        if type(error).__name__ != expect["error"]:
            _fail(scenario, "error", expect["error"], type(error).__name__)
        if "message" in expect and expect["message"] not in str(error):
            _fail(scenario, "error message", repr(expect["message"]), str(error))
        return
    if "error" in expect:
        _fail(scenario, "error", expect["error"], f"a score of {fmt(sheet.total)}")
    for key in ("total", "base", "bonus", "penalty", "maximum"):
        if key in expect and to_decimal(expect[key]) != getattr(sheet, key):
            _fail(scenario, key, expect[key], fmt(getattr(sheet, key)))
    if "grade" in expect and (expect["grade"] or None) != sheet.grade:
        _fail(scenario, "grade", expect["grade"] or "no grade", sheet.grade or "no grade")
    if "stars" in expect and expect["stars"] != sheet.stars:
        _fail(scenario, "stars", expect["stars"], sheet.stars)
    if "flags" in expect and frozenset(expect["flags"]) != sheet.flags:
        _fail(scenario, "flags", sorted(expect["flags"]), sorted(sheet.flags))
    for item_id, points in expect.get("items", {}).items():
        try:
            line = sheet.line(item_id)
        except KeyError:
            _fail(scenario, f"item {item_id}", points, "no such item")
            raise  # pragma: no cover - _fail raises
        if to_decimal(points) != line.points:
            _fail(scenario, f"item {item_id}", points, fmt(line.points), line.clause)
    sections = {section.section_id: section for section in sheet.sections}
    for section_id, wanted in expect.get("sections", {}).items():
        found = sections.get(section_id)
        if found is None:
            _fail(scenario, f"section {section_id}", wanted, "no such section")
            raise AssertionError  # pragma: no cover - _fail raises
        table = wanted if isinstance(wanted, Mapping) else {"points": wanted}
        for key, value in table.items():
            actual = getattr(found, key, _NO_SUCH)
            if actual is _NO_SUCH:
                raise DataFileError(
                    f"{scenario.file}: scenario {scenario.name!r}: section {section_id}: unknown "
                    f"key {key!r} (points, grade, before_cap)"
                )
            if key == "grade":
                matches = (value or None) == actual
            else:
                matches = actual is not None and to_decimal(value) == actual
            if not matches:
                _fail(scenario, f"section {section_id} {key}", value, actual)


def scenario_defaults(path: str | Path) -> tuple[str | None, dict[str, Any], str | None]:
    """What a scenario file gives all its scenarios: the rubric it names, the parameters it
    shares (its ``params`` and ``params_file``), and its period."""
    return _read_scenario_file(Path(path))[1]


def _read_scenario_file(
    path: Path,
) -> tuple[dict[str, Any], tuple[str | None, dict[str, Any], str | None]]:
    """A scenario file's document, and what it gives all its scenarios (the rubric it names, the
    parameters it shares from ``params`` and ``params_file``, its period)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(f"{path}: cannot read the scenario file: {error}") from None
    shared = dict(data.get("params", {}))
    if data.get("params_file") is not None:
        shared = {**load_params(path.parent / data["params_file"]), **shared}
    return data, (data.get("rubric"), shared, data.get("period"))


def source_of(target: str, beside: Path | None = None) -> Path | None:
    """The source text a rubric quotes: ``source.txt`` that its plugin ships, or, for a rubric
    file, the one beside it (``beside`` is where a relative file name is looked for)."""
    if is_rubric_file(target):
        folder = (Path(beside) / target).parent if beside is not None else Path(target).parent
        found = folder / "source.txt"
        return found if found.is_file() else None
    source = registry().info(target).source
    return None if source is None else Path(source)


def iter_scenario_files(root: str | Path) -> Iterator[Path]:
    """Scenario files below ``root``: ``scenarios*.toml``."""
    yield from sorted(Path(root).rglob("scenarios*.toml"))
