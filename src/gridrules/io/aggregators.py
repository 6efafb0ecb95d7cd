"""The aggregators as one catalogue: what each counts, its options, its outputs, and its SQL.

Each aggregator is defined once here and runs three ways: the pure-Python reference of
:mod:`gridrules.io.events` (one pass over any iterable of events), and the one SQL text below on
every engine (DuckDB, Spark), over the tables :mod:`gridrules.io.eventsql` makes:

- ``events``: the good events that can count in the period, identical ones folded into ``n``;
- ``who``: everyone assessed (the roster and whoever has such an event);
- ``days``: the period's days and whether each is a working day;
- ``units``: for the aggregators that count by 旬 or week, the days of each unit assessed.

The tests hold the SQL to the reference on generated logs, edge cases included.

An aggregator has named *outputs* (``missed``, ``late``, ...), each with the evidence field it
fills by default; a feed (:mod:`gridrules.io.feeds`) can send an output to another field, or
leave it out. Options are checked when a feed is read: an unknown option names the closest one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs

from ..dates.calendars import WorkingCalendar
from ..dates.periods import Period
from . import events as ref
from .eventsql import Dialect, quoted_list

__all__ = [
    "AGGREGATORS",
    "Aggregator",
    "Option",
    "OptionError",
    "Query",
    "get_aggregator",
]

FIELD_NAME = re.compile(r"^\w+$")
"""What a log field named in an option may look like: letters (any script), digits, ``_``."""


class OptionError(ValueError):
    """An aggregator's options are wrong: names the option, the value and what was expected."""


@attrs.frozen
class Option:
    """One option of an aggregator.

    :param name: the option's name.
    :param kind: ``text``, ``field`` (a log field name), ``texts`` (a list of text), ``whole``
        (a whole number of at least ``least``), ``minutes`` (0 or more, a fraction allowed) or
        ``choice`` (one of ``choices``).
    :param default: the value when a feed does not set it.
    :param optional: whether the value may be left empty (``None``: not used).
    """

    name: str
    kind: str
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    least: int = 1
    optional: bool = False

    def check(self, value: object, where: str) -> Any:
        """``value`` checked and converted; :class:`OptionError` naming ``where`` if wrong."""
        if value is None and self.optional:
            return None
        bad = f"{where}: option {self.name!r}"
        if self.kind in ("text", "field"):
            if not isinstance(value, str) or not value.strip():
                raise OptionError(f"{bad} must be non-empty text, got {value!r}")
            if self.kind == "field" and not FIELD_NAME.match(value):
                raise OptionError(
                    f"{bad} must be a field name of letters, digits and _, got {value!r}"
                )
            return value
        if self.kind == "texts":
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise OptionError(f"{bad} must be a list of text, got {value!r}")
            if not value or not all(isinstance(v, str) and v.strip() for v in value):
                raise OptionError(f"{bad} must be a non-empty list of text, got {value!r}")
            return tuple(value)
        if self.kind == "whole":
            if isinstance(value, Decimal) and value == value.to_integral_value():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int) or value < self.least:
                raise OptionError(
                    f"{bad} must be a whole number of at least {self.least}, got {value!r}"
                )
            return value
        if self.kind == "minutes":
            if isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0:
                raise OptionError(f"{bad} must be a number of minutes, 0 or more, got {value!r}")
            return value
        if self.kind == "choice":
            if value not in self.choices:
                raise OptionError(
                    f"{bad} must be one of {', '.join(map(repr, self.choices))}, got {value!r}"
                )
            return value
        raise AssertionError(self.kind)  # pragma: no cover - the catalogue's own kinds


@attrs.frozen
class Query:
    """What an aggregator's SQL is written against: the tables and columns of one run."""

    dialect: Dialect
    events: str
    who: str
    days: str
    units: str
    columns: Mapping[str, str]
    """Log field name -> the events table's column holding it (``x0``...)."""
    working_days: int

    def lit(self, text: str) -> str:
        return self.dialect.literal(text)

    def col(self, field: str | None) -> str:
        """The column of a log field (``NULL`` for none)."""
        return "NULL" if field is None else f"e.{self.columns[field]}"


Reference = Callable[
    [
        Iterable[ref.Event],
        Period,
        WorkingCalendar | None,
        Mapping[str, Any],
        Mapping[str, str],
        Sequence[str],
    ],
    ref.Evidence,
]


@attrs.frozen
class Aggregator:
    """One aggregator: its options and outputs, its reference, its SQL.

    :param outputs: (output name, default field id or ``None`` for not written by default).
    :param roles_from: for :data:`count_by_type`, the outputs are the event types a feed names.
    """

    name: str
    summary: str
    options: tuple[Option, ...]
    outputs: tuple[tuple[str, str | None], ...]
    needs_calendar: bool
    reference: Reference = attrs.field(repr=False)
    sql: Callable[[Query, Mapping[str, Any], Sequence[str]], str] = attrs.field(repr=False)
    reads: Callable[[Mapping[str, Any]], tuple[str, ...]] = attrs.field(
        repr=False, default=lambda options: ()
    )
    units: Callable[[Period, Mapping[str, Any]], Sequence[Period]] | None = attrs.field(
        repr=False, default=None
    )
    roles_from_types: bool = False

    def check_options(self, given: Mapping[str, object], where: str) -> dict[str, Any]:
        """The options in force: ``given`` checked, the rest their defaults."""
        known = {option.name: option for option in self.options}
        for name in given:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise OptionError(
                    f"{where}: aggregator {self.name!r} has no option {name!r}{hint} "
                    f"(options: {', '.join(known) or 'none'})"
                )
        checked = {
            name: option.check(given[name], where) if name in given else option.default
            for name, option in known.items()
        }
        if checked.get("count") == "days" and checked.get("distinct_by") is not None:
            raise OptionError(f"{where}: count = 'days' and distinct_by cannot be used together")
        return checked

    def default_fields(self) -> dict[str, str]:
        """The outputs written by default, to their default fields."""
        return {role: field for role, field in self.outputs if field is not None}


def _opt(name: str, kind: str, default: Any, doc: str, **more: Any) -> Option:
    return Option(name, kind, default, doc, **more)


_PARTIAL_WEEKS = _opt(
    "partial_weeks",
    "choice",
    "thursday",
    "a week cut by the period's edge: assessed if it holds its Thursday, always, or never",
    choices=("thursday", "all", "none"),
)


def _who(q: Query, inner: str, outputs: Sequence[tuple[str, str]]) -> str:
    """Everyone assessed, with the values of ``inner`` (keyed by assessee) or its defaults."""
    listed = ", ".join(f"COALESCE(r.{name}, {default}) AS {name}" for name, default in outputs)
    return (
        f"SELECT w.assessee, {listed} FROM {q.who} w "
        f"LEFT JOIN ({inner}) r ON r.assessee = w.assessee"
    )


def _status(q: Query, field: str | None, accepted: Iterable[str]) -> str:
    if field is None:
        return "TRUE"
    column = q.col(field)
    values = quoted_list(q.dialect, sorted({ref.normalised(v) for v in accepted}))
    return f"({column} IS NULL OR {q.dialect.normalised(column)} IN ({values}))"


# -- missed sign-ins ----------------------------------------------------------------------------


def _sign_ins_sql(q: Query, o: Mapping[str, Any], roles: Sequence[str]) -> str:
    halves = 2 * q.working_days
    half = "e.day * 2 + CASE WHEN e.slot = 'am' THEN 0 ELSE 1 END"
    signed = (
        f"SELECT e.assessee, {half} AS half, 1 AS signed FROM {q.events} e "
        f"JOIN {q.days} d ON e.day = d.day WHERE d.working AND e.type = {q.lit(o['event_type'])}"
    )
    parts = [signed]
    if o["absence_type"] is not None:
        parts.append(
            "SELECT e.assessee, e.day * 2 + s.k AS half, 0 AS signed "
            f"FROM {q.events} e JOIN {q.days} d ON e.day = d.day "
            "CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 AS k) s "
            f"WHERE d.working AND e.type = {q.lit(o['absence_type'])} "
            f"AND {_status(q, o['status_field'], o['approved'])} "
            "AND (NOT e.slot_given OR s.k = CASE WHEN e.slot = 'am' THEN 0 ELSE 1 END)"
        )
    inner = (
        "SELECT h.assessee, COUNT(DISTINCT h.half) AS covered, "
        "COUNT(DISTINCT CASE WHEN h.signed = 1 THEN h.half END) AS signed, "
        "COUNT(DISTINCT CASE WHEN h.signed = 0 THEN h.half END) AS excused "
        f"FROM ({' UNION ALL '.join(parts)}) h GROUP BY h.assessee"
    )
    return (
        f"SELECT w.assessee, {halves} - COALESCE(r.covered, 0) AS missed, "
        f"{halves} - COALESCE(r.excused, 0) AS expected, COALESCE(r.signed, 0) AS signed, "
        f"COALESCE(r.excused, 0) AS excused "
        f"FROM {q.who} w LEFT JOIN ({inner}) r ON r.assessee = w.assessee"
    )


def _sign_ins_ref(
    events: Iterable[ref.Event],
    period: Period,
    calendar: WorkingCalendar | None,
    o: Mapping[str, Any],
    fields: Mapping[str, str],
    assessees: Sequence[str],
) -> ref.Evidence:
    assert calendar is not None
    out = ref.missed_sign_ins(
        events,
        period,
        calendar,
        event_type=o["event_type"],
        absence_type=o["absence_type"],
        status_field=o["status_field"],
        approved=o["approved"],
        assessees=assessees,
        field="\0missed",
        expected_field="\0expected",
        signed_field="\0signed",
        excused_field="\0excused",
    )
    return _renamed(out, fields)


def _renamed(evidence: ref.Evidence, fields: Mapping[str, str]) -> ref.Evidence:
    """Reference outputs (computed under ``\\0role`` names) under the feed's field ids."""
    return {
        who: {fields[k[1:]]: v for k, v in values.items() if k[1:] in fields}
        for who, values in evidence.items()
    }


# -- household visits ---------------------------------------------------------------------------


def _visits_sql(q: Query, o: Mapping[str, Any], roles: Sequence[str]) -> str:
    key = q.col(o["distinct_by"])
    quota = o["quota"]
    per_day = (
        f"SELECT e.assessee, e.day, COUNT(DISTINCT {key}) + "
        f"SUM(CASE WHEN {key} IS NULL THEN e.n ELSE 0 END) AS n FROM {q.events} e "
        f"WHERE e.type = {q.lit(o['event_type'])} GROUP BY e.assessee, e.day"
    )
    inner = (
        f"SELECT w.assessee, SUM(CASE WHEN COALESCE(v.n, 0) < {quota} THEN 1 ELSE 0 END) AS days, "
        f"SUM(CASE WHEN COALESCE(v.n, 0) < {quota} THEN {quota} - COALESCE(v.n, 0) ELSE 0 END) "
        f"AS shortfall FROM {q.who} w CROSS JOIN (SELECT day FROM {q.days} WHERE working) d "
        f"LEFT JOIN ({per_day}) v ON v.assessee = w.assessee AND v.day = d.day "
        "GROUP BY w.assessee"
    )
    return _who(q, inner, [("days", "0"), ("shortfall", "0")])


def _visits_ref(
    events: Iterable[ref.Event],
    period: Period,
    calendar: WorkingCalendar | None,
    o: Mapping[str, Any],
    fields: Mapping[str, str],
    assessees: Sequence[str],
) -> ref.Evidence:
    assert calendar is not None
    out = ref.visit_shortfall(
        events,
        period,
        calendar,
        quota=o["quota"],
        event_type=o["event_type"],
        distinct_by=o["distinct_by"],
        assessees=assessees,
        days_field="\0days",
        shortfall_field="\0shortfall",
    )
    return _renamed(out, fields)


# -- 旬 -----------------------------------------------------------------------------------------


def _xun_units(period: Period, o: Mapping[str, Any]) -> Sequence[Period]:
    return ref.xun_parts(period, o["partial"], o["start_mmdd"])


def _units_sql(q: Query, o: Mapping[str, Any], condition: str) -> str:
    inner = (
        f"SELECT e.assessee, COUNT(DISTINCT u.unit) AS covered FROM {q.events} e "
        f"JOIN {q.units} u ON e.day = u.day WHERE {condition} GROUP BY e.assessee"
    )
    total = f"(SELECT COUNT(DISTINCT unit) FROM {q.units})"
    return (
        f"SELECT w.assessee, {total} - COALESCE(r.covered, 0) AS missed "
        f"FROM {q.who} w LEFT JOIN ({inner}) r ON r.assessee = w.assessee"
    )


def _xun_sql(q: Query, o: Mapping[str, Any], roles: Sequence[str]) -> str:
    condition = (
        f"e.type = {q.lit(o['event_type'])} AND {_status(q, o['status_field'], o['completed'])}"
    )
    return _units_sql(q, o, condition)


def _xun_ref(
    events: Iterable[ref.Event],
    period: Period,
    calendar: WorkingCalendar | None,
    o: Mapping[str, Any],
    fields: Mapping[str, str],
    assessees: Sequence[str],
) -> ref.Evidence:
    out = ref.xun_without_inspection(
        events,
        period,
        event_type=o["event_type"],
        status_field=o["status_field"],
        completed=o["completed"],
        partial=o["partial"],
        start_mmdd=o["start_mmdd"],
        assessees=assessees,
        field="\0missed",
    )
    return _renamed(out, fields)


# -- dispatches ---------------------------------------------------------------------------------


def _limit_us(minutes: int | Decimal) -> int:
    return int(Decimal(minutes) * 60_000_000)


def _late_sql(q: Query, o: Mapping[str, Any], roles: Sequence[str]) -> str:
    inner = (
        f"SELECT e.assessee, SUM(CASE WHEN e.delay_us > {_limit_us(o['limit_minutes'])} "
        "THEN e.n ELSE 0 END) AS late, SUM(CASE WHEN e.delay_us IS NULL THEN e.n ELSE 0 END) "
        f"AS ignored FROM {q.events} e JOIN {q.days} d ON e.dispatch_day = d.day "
        f"WHERE e.type = {q.lit(o['event_type'])} GROUP BY e.assessee"
    )
    return _who(q, inner, [("late", "0"), ("ignored", "0")])


def _late_ref(
    events: Iterable[ref.Event],
    period: Period,
    calendar: WorkingCalendar | None,
    o: Mapping[str, Any],
    fields: Mapping[str, str],
    assessees: Sequence[str],
) -> ref.Evidence:
    limit = timedelta(microseconds=_limit_us(o["limit_minutes"]))
    out = ref.late_arrivals(
        events,
        period,
        event_type=o["event_type"],
        limit=limit,
        assessees=assessees,
        late_field="\0late",
        ignored_field="\0ignored",
    )
    return _renamed(out, fields)


# -- weeks --------------------------------------------------------------------------------------


def _week_units(period: Period, o: Mapping[str, Any]) -> Sequence[Period]:
    return ref.assessed_weeks(period, o["partial_weeks"])


def _weeks_sql(q: Query, o: Mapping[str, Any], roles: Sequence[str]) -> str:
    minimum = o["minimum"]
    if o.get("count") == "days":
        tally = "COUNT(DISTINCT e.day)"
    elif o.get("distinct_by") is not None:
        key = q.col(o["distinct_by"])
        tally = f"COUNT(DISTINCT {key}) + SUM(CASE WHEN {key} IS NULL THEN e.n ELSE 0 END)"
    else:
        tally = "SUM(e.n)"
    per_unit = (
        f"SELECT e.assessee, u.unit, {tally} AS n FROM {q.events} e JOIN {q.units} u "
        f"ON e.day = u.day WHERE e.type = {q.lit(o['event_type'])} GROUP BY e.assessee, u.unit"
    )
    inner = (
        f"SELECT w.assessee, SUM(CASE WHEN COALESCE(c.n, 0) < {minimum} THEN 1 ELSE 0 END) "
        "AS below, COUNT(*) AS weeks, "
        f"SUM(CASE WHEN COALESCE(c.n, 0) < {minimum} THEN {minimum} - COALESCE(c.n, 0) ELSE 0 "
        f"END) AS shortfall FROM {q.who} w CROSS JOIN (SELECT DISTINCT unit FROM {q.units}) k "
        f"LEFT JOIN ({per_unit}) c ON c.assessee = w.assessee AND c.unit = k.unit "
        "GROUP BY w.assessee"
    )
    return _who(q, inner, [("below", "0"), ("weeks", "0"), ("shortfall", "0")])


def _weeks_ref(
    events: Iterable[ref.Event],
    period: Period,
    calendar: WorkingCalendar | None,
    o: Mapping[str, Any],
    fields: Mapping[str, str],
    assessees: Sequence[str],
) -> ref.Evidence:
    out = ref.weeks_below_minimum(
        events,
        period,
        minimum=o["minimum"],
        event_type=o["event_type"],
        partial_weeks=o["partial_weeks"],
        count=o.get("count", "records"),
        distinct_by=o.get("distinct_by"),
        assessees=assessees,
        field="\0below",
        weeks_field="\0weeks",
        shortfall_field="\0shortfall",
    )
    return _renamed(out, fields)


# -- counts by type -----------------------------------------------------------------------------


def _role_column(index: int) -> str:
    return f"t{index}"


def _count_sql(q: Query, o: Mapping[str, Any], roles: Sequence[str]) -> str:
    sums = ", ".join(
        f"SUM(CASE WHEN e.type = {q.lit(kind)} THEN e.n ELSE 0 END) AS {_role_column(i)}"
        for i, kind in enumerate(roles)
    )
    inner = (
        f"SELECT e.assessee, {sums} FROM {q.events} e JOIN {q.days} d ON e.day = d.day "
        "GROUP BY e.assessee"
    )
    return _who(q, inner, [(_role_column(i), "0") for i in range(len(roles))])


def _count_ref(
    events: Iterable[ref.Event],
    period: Period,
    calendar: WorkingCalendar | None,
    o: Mapping[str, Any],
    fields: Mapping[str, str],
    assessees: Sequence[str],
) -> ref.Evidence:
    return ref.count_by_type(events, period, types=dict(fields), assessees=assessees)


# -- the catalogue ------------------------------------------------------------------------------


def _status_field(default: str | None = "status") -> Option:
    return _opt(
        "status_field",
        "field",
        default,
        "the field whose value says whether a record counts (none: every record counts)",
        optional=True,
    )


def _event_type(default: str) -> Option:
    return _opt("event_type", "text", default, "the records counted: those of this type")


def _reads(*names: str) -> Callable[[Mapping[str, Any]], tuple[str, ...]]:
    def reads(options: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(options[n] for n in names if options.get(n) is not None)

    return reads


AGGREGATORS: dict[str, Aggregator] = {
    a.name: a
    for a in (
        Aggregator(
            "missed_sign_ins",
            "缺签: 上午、下午 sign-ins missed on the working days, approved absences excused",
            (
                _event_type("sign_in"),
                _opt(
                    "absence_type",
                    "text",
                    None,
                    "records of this type excuse their half day (or whole day, without a slot)",
                    optional=True,
                ),
                _status_field(),
                _opt("approved", "texts", ("approved",), "statuses of an approved absence"),
            ),
            (
                ("missed", "missed_signins"),
                ("expected", None),
                ("signed", None),
                ("excused", None),
            ),
            needs_calendar=True,
            reference=_sign_ins_ref,
            sql=_sign_ins_sql,
            reads=_reads("status_field"),
        ),
        Aggregator(
            "visit_shortfall",
            "每天走访N户: working days below a daily quota of households, and the households short",
            (
                _opt("quota", "whole", 10, "households expected per working day"),
                _event_type("visit"),
                _opt(
                    "distinct_by",
                    "field",
                    "household",
                    "the field naming a household (visited twice a day, counted once)",
                    optional=True,
                ),
            ),
            (("days", "days_below_quota"), ("shortfall", "household_shortfall")),
            needs_calendar=True,
            reference=_visits_ref,
            sql=_visits_sql,
            reads=_reads("distinct_by"),
        ),
        Aggregator(
            "xun_without_inspection",
            "每旬: the 旬 without a completed inspection",
            (
                _event_type("inspection"),
                _status_field(),
                _opt("completed", "texts", ("completed",), "statuses of a completed inspection"),
                _opt(
                    "partial",
                    "choice",
                    "include",
                    "a 旬 cut by the period's edge: assessed on its days inside, or left out",
                    choices=("include", "exclude"),
                ),
                _opt(
                    "start_mmdd",
                    "whole",
                    None,
                    "count the 旬 from this month and day on (MMDD: 305 is 5 March)",
                    least=101,
                    optional=True,
                ),
            ),
            (("missed", "missed_xun"),),
            needs_calendar=False,
            reference=_xun_ref,
            sql=_xun_sql,
            reads=_reads("status_field"),
            units=_xun_units,
        ),
        Aggregator(
            "late_arrivals",
            "15分钟内赶到: dispatches reached late, and dispatches never answered (置之不理)",
            (
                _event_type("dispatch"),
                _opt("limit_minutes", "minutes", 15, "the time allowed from dispatch to arrival"),
            ),
            (("late", "late_arrivals"), ("ignored", "ignored_disputes")),
            needs_calendar=False,
            reference=_late_ref,
            sql=_late_sql,
        ),
        Aggregator(
            "weeks_below_minimum",
            "每周不少于N次: weeks with fewer than N records, and the records short",
            (
                _opt("minimum", "whole", 2, "what a week needs"),
                _event_type("update"),
                _PARTIAL_WEEKS,
                _opt(
                    "count",
                    "choice",
                    "records",
                    "what a week counts: its records, or its distinct days",
                    choices=("records", "days"),
                ),
                _opt(
                    "distinct_by",
                    "field",
                    None,
                    "count distinct values of this field instead of records",
                    optional=True,
                ),
            ),
            (("below", "weeks_below_minimum"), ("weeks", None), ("shortfall", None)),
            needs_calendar=False,
            reference=_weeks_ref,
            sql=_weeks_sql,
            reads=_reads("distinct_by"),
            units=_week_units,
        ),
        Aggregator(
            "weeks_short_of_days",
            "每周不少于三天: weeks with fewer than N distinct days on duty",
            (_opt("minimum", "whole", 3, "days a week needs"), _event_type("duty"), _PARTIAL_WEEKS),
            (("below", "weeks_short_of_days"), ("weeks", None), ("shortfall", None)),
            needs_calendar=False,
            reference=lambda ev, p, c, o, f, a: _weeks_ref(ev, p, c, {**o, "count": "days"}, f, a),
            sql=lambda q, o, r: _weeks_sql(q, {**o, "count": "days"}, r),
            units=_week_units,
        ),
        Aggregator(
            "missed_weekly_visits",
            "每少1人(次): people not visited each week, against a weekly quota of people",
            (
                _opt("quota", "whole", 1, "distinct people to visit each week"),
                _event_type("visit"),
                _opt("distinct_by", "field", "person", "the field naming the person visited"),
                _PARTIAL_WEEKS,
            ),
            (("shortfall", "missed_visits"), ("weeks", None)),
            needs_calendar=False,
            reference=lambda ev, p, c, o, f, a: _weeks_ref(
                ev, p, c, {**o, "minimum": o["quota"]}, f, a
            ),
            sql=lambda q, o, r: _weeks_sql(q, {**o, "minimum": o["quota"]}, r),
            reads=_reads("distinct_by"),
            units=_week_units,
        ),
        Aggregator(
            "count_by_type",
            "件数: records of each named type (a feed's fields name the types)",
            (),
            (),
            needs_calendar=False,
            reference=_count_ref,
            sql=_count_sql,
            roles_from_types=True,
        ),
    )
}
"""Every aggregator, by name."""


def get_aggregator(name: str, where: str = "") -> Aggregator:
    """The aggregator ``name``; :class:`OptionError` naming the closest one if there is none."""
    found = AGGREGATORS.get(name)
    if found is None:
        close = difflib.get_close_matches(name, AGGREGATORS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        prefix = f"{where}: " if where else ""
        raise OptionError(
            f"{prefix}unknown aggregator {name!r}{hint} (aggregators: {', '.join(AGGREGATORS)})"
        )
    return found


def output_column(aggregator: Aggregator, role: str, roles: Sequence[str]) -> str:
    """The column of the aggregator's SQL result holding output ``role``."""
    if aggregator.roles_from_types:
        return _role_column(list(roles).index(role))
    return role
