"""The SQL the engines share: checking and normalising raw log rows, and the small calendar tables.

Every engine (DuckDB, Spark) reads its inputs its own way into one *raw* relation, then runs the
SQL built here, the same text on every engine: the rows are checked against the rules the
pure-Python reader applies (:mod:`gridrules.io.events`), times are parsed by the one grammar of
``gridrules.io.eventtime``, and the good rows become *events* with their local day, 上午/下午
and the fields the aggregators read. The aggregators' own SQL (:mod:`gridrules.io.aggregators`)
reads those events and the calendar tables made here.

The SQL keeps to what both dialects spell alike: ``CASE``, ``COALESCE``, ``CAST``, ``TRY_CAST``,
``substr``, ``length``, ``lower``, ``regexp_extract``, ``COUNT(DISTINCT ...)``, joins and
``UNION ALL``. A :class:`Dialect` supplies the four things they spell differently: a string
literal, integer division, stripping blanks, and how a JSON value is read.

The raw relation has these columns:

- ``src_index`` (which input, 0-based), ``pos`` (line or row number, or NULL where a source has
  none), ``raw_text`` (the row as read, for messages), ``problem`` (why the row cannot be read at
  all: ``json`` not valid JSON or a key given twice, ``object`` not a JSON object; NULL
  otherwise);
- for every field ``f`` read: ``v_f``, the value as text (NULL when absent or null), and ``k_f``,
  its kind: ``text``, ``int`` (a whole number within signed 64 bits) or ``other`` (a larger
  one, a number with a fraction, a boolean, an object...). The core fields' columns are named by
  the field (``v_assessee``), the aggregators' own ``v_e0``, ``v_e1``... (``raw_name``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import date

import attrs

from ..dates.calendars import WorkingCalendar
from ..dates.periods import Period
from .eventtime import (
    BLANKS,
    FIRST_YEAR,
    LAST_YEAR,
    SLOTS,
    TIME_PATTERN,
    day_number,
    zone_offsets,
)

__all__ = [
    "CORE_FIELDS",
    "DAY_US",
    "Dialect",
    "checked_sql",
    "day_rows",
    "event_columns",
    "field_column",
    "raw_name",
    "who_sql",
    "window_condition",
]

CORE_FIELDS = ("assessee", "type", "time", "slot", "dispatched", "arrived")
"""The fields every check reads; the aggregators' own fields (``household``, ``status``...) come
after them: ``v_e0``, ``v_e1``... in the raw relation (``raw_name``), ``x0``, ``x1``... in the
events (``field_column``)."""

DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
_SHIFT_DAYS = 100_000  # added before dividing so that the dividend is never negative


@attrs.frozen
class Dialect:
    """How one SQL engine spells the few things the shared SQL needs and dialects disagree on.

    :param name: ``duckdb`` or ``spark``.
    :param backslash_escapes: whether the engine reads backslashes in string literals as escapes
        (Spark does, DuckDB does not).
    :param intdiv_operator: the integer division operator (``//`` in DuckDB, ``div`` in Spark).
    """

    name: str
    backslash_escapes: bool
    intdiv_operator: str

    def literal(self, text: str) -> str:
        """``text`` as a string literal of this dialect."""
        if self.backslash_escapes:
            text = text.replace("\\", "\\\\")
            return "'" + text.replace("'", "\\'") + "'"
        return "'" + text.replace("'", "''") + "'"

    def intdiv(self, left: str, right: str) -> str:
        """Integer division of two non-negative BIGINT expressions."""
        return f"(({left}) {self.intdiv_operator} ({right}))"

    def strip(self, expr: str) -> str:
        """``expr`` without :data:`BLANKS` at either end (trimmed only where an end is a blank or
        another control character: most values have none, and the test costs less than the
        trim)."""
        chars = self.literal(BLANKS)
        trim = (
            f"trim(BOTH {chars} FROM {expr})" if self.name == "spark" else f"trim({expr}, {chars})"
        )
        ends = f"substr({expr}, 1, 1) <= ' ' OR substr({expr}, length({expr}), 1) <= ' '"
        return f"(CASE WHEN {ends} THEN {trim} ELSE {expr} END)"

    def normalised(self, expr: str) -> str:
        """``expr`` as a status or slot is compared: ``normalised`` of
        :mod:`gridrules.io.events` in SQL (stripped of :data:`BLANKS`, in lower case)."""
        return f"lower({self.strip(expr)})"


DUCKDB = Dialect("duckdb", backslash_escapes=False, intdiv_operator="//")
SPARK = Dialect("spark", backslash_escapes=True, intdiv_operator="div")


def field_column(index: int) -> str:
    """The column holding the aggregators' ``index``-th own field (``x0``, ``x1``...)."""
    return f"x{index}"


def raw_name(field: str, index: int) -> str:
    """How the raw relation names ``field``, the ``index``-th of the fields read (the core ones
    first): its value is ``v_{name}``, its kind ``k_{name}``; core fields by their name, the
    aggregators' own ``e0``, ``e1``..."""
    return field if field in CORE_FIELDS else f"e{index - len(CORE_FIELDS)}"


def _days_from_civil(d: Dialect, y: str, m: str, day: str) -> str:
    """Days since 1970-01-01 of year ``y``, month ``m``, day ``day`` (H. Hinnant's algorithm)."""
    yy = f"({y} - CASE WHEN {m} <= 2 THEN 1 ELSE 0 END)"
    era = d.intdiv(yy, "400")
    yoe = f"({yy} - {era} * 400)"
    doy = d.intdiv(f"153 * ({m} + CASE WHEN {m} > 2 THEN -3 ELSE 9 END) + 2", "5") + f" + {day} - 1"
    doe = f"({yoe} * 365 + {d.intdiv(yoe, '4')} - {d.intdiv(yoe, '100')} + {doy})"
    return f"({era} * 146097 + {doe} - 719468)"


def _month_days(y: str, m: str) -> str:
    leap = f"({y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0))"
    return (
        f"CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
        f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )


def _offset_case(value: str, offsets: Sequence[tuple[int, int]], wall: bool) -> str:
    """The zone's offset (µs) at ``value``: a UTC instant, or (``wall``) a wall-clock time read
    as :class:`zoneinfo.ZoneInfo` reads ``fold=0``."""
    if len(offsets) == 1:
        return str(offsets[0][1])
    parts = []
    for (_, before), (since, after) in itertools.pairwise(offsets):
        edge = since + max(before, after) if wall else since
        parts.append(f"WHEN {value} < {edge} THEN {before}")
    return "CASE " + " ".join(parts) + f" ELSE {offsets[-1][1]} END"


def _parse_layers(d: Dialect, name: str) -> list[list[str]]:
    """Layers of columns parsing the stripped time text ``name`` into ``{name}_ok``,
    ``{name}_wall`` (wall-clock µs since 1970) and ``{name}_offmin`` (its offset, or NULL)."""
    t = name
    ok = f"{t}_syntax"

    def part(start: int, length: int) -> str:
        return f"CASE WHEN {ok} THEN CAST(substr({t}, {start}, {length}) AS BIGINT) END"

    first = [
        f"COALESCE(length(regexp_extract({t}, {d.literal(TIME_PATTERN)}, 0)) > 0, FALSE) AS {ok}"
    ]
    second = [
        f"{part(1, 4)} AS {t}_y",
        f"{part(6, 2)} AS {t}_mo",
        f"{part(9, 2)} AS {t}_d",
        f"{part(12, 2)} AS {t}_h",
        f"{part(15, 2)} AS {t}_mi",
        f"CASE WHEN {ok} AND substr({t}, 17, 1) = ':' THEN CAST(substr({t}, 18, 2) AS BIGINT) "
        f"ELSE 0 END AS {t}_s",
        f"CASE WHEN NOT {ok} THEN '' WHEN substr({t}, 17, 1) = ':' THEN substr({t}, 20) "
        f"ELSE substr({t}, 17) END AS {t}_tail",
    ]
    tail = f"{t}_tail"
    third = [
        f"CASE WHEN substr({tail}, 1, 1) = '.' THEN regexp_extract({tail}, "
        f"{d.literal('^[.]([0-9]+)')}, 1) ELSE '' END AS {t}_frac",
        f"CASE WHEN substr({tail}, 1, 1) = '.' THEN regexp_extract({tail}, "
        f"{d.literal('^[.][0-9]+(.*)$')}, 1) ELSE {tail} END AS {t}_off",
    ]
    off = f"{t}_off"
    y, mo, dd, h, mi, sec = (f"{t}_{p}" for p in ("y", "mo", "d", "h", "mi", "s"))
    fourth = [
        f"CASE WHEN {off} IN ('', 'Z', 'z') THEN 0 ELSE CAST(substr({off}, 2, 2) AS BIGINT) END "
        f"AS {t}_oh",
        f"CASE WHEN length({off}) > 3 THEN CAST(substr({off}, length({off}) - 1, 2) AS BIGINT) "
        f"ELSE 0 END AS {t}_om",
        f"CASE WHEN {t}_frac = '' THEN 0 ELSE CAST(substr({t}_frac || '000000', 1, 6) AS BIGINT) "
        f"END AS {t}_us",
        f"CASE WHEN {ok} THEN {_days_from_civil(d, y, mo, dd)} END AS {t}_days",
    ]
    fifth = [
        f"COALESCE({ok} AND {y} BETWEEN {FIRST_YEAR} AND {LAST_YEAR} "
        f"AND {mo} BETWEEN 1 AND 12 AND {dd} >= 1 AND {dd} <= {_month_days(y, mo)} "
        f"AND {h} <= 23 AND {mi} <= 59 AND {sec} <= 59 AND {t}_oh <= 23 AND {t}_om <= 59, FALSE) "
        f"AS {t}_ok",
        f"(({t}_days * 86400 + {h} * 3600 + {mi} * 60 + {sec}) * 1000000 + {t}_us) AS {t}_wall",
        f"CASE WHEN {off} = '' THEN NULL WHEN {off} IN ('Z', 'z') THEN 0 "
        f"ELSE (CASE WHEN substr({off}, 1, 1) = '-' THEN -1 ELSE 1 END) * "
        f"({t}_oh * 60 + {t}_om) END AS {t}_offmin",
    ]
    return [first, second, third, fourth, fifth]


def _layer(columns: Sequence[str], kept: list[str], source: str, alias: str) -> str:
    """``SELECT kept, columns FROM (source)``, the new columns' names added to ``kept``."""
    query = f"SELECT {', '.join([*kept, *columns])} FROM ({source}) {alias}"
    kept.extend(c.rsplit(" AS ", 1)[1] for c in columns)
    return query


def checked_sql(
    d: Dialect,
    raw: str,
    extra: Sequence[str],
    timezone: str,
    period: Period,
) -> str:
    """Every row of the query ``raw``, checked: ``bad`` true where the pure-Python reader would
    reject it, and for the others the normalised event.

    Columns: ``src_index``, ``pos``, ``raw_text``, ``bad``, ``assessee``, ``type``, ``day``
    (local, days since 1970), ``slot`` (``am``/``pm``), ``slot_given``, ``dispatch_day``,
    ``delay_us`` (arrived − dispatched, NULL without an arrival), and ``x0``... for ``extra``.
    Each value is worked out once, a layer of columns at a time.
    """
    offsets = zone_offsets(timezone, period.start, period.end)
    strip = d.strip
    first = [
        f"{strip('v_assessee')} AS assessee",
        f"{strip('v_type')} AS type",
        "v_time IS NULL OR v_time = '' AS time_missing",
        f"{strip('v_time')} AS tm",
        f"CASE WHEN v_slot IS NULL OR (k_slot = 'text' AND {strip('v_slot')} = '') THEN NULL "
        f"ELSE {d.normalised('v_slot')} END AS slot_text",
        "v_dispatched IS NOT NULL AND v_dispatched <> '' AS dp_given",
        f"{strip('v_dispatched')} AS dp",
        "v_arrived IS NOT NULL AND v_arrived <> '' AS ar_given",
        f"{strip('v_arrived')} AS ar",
    ]
    # the aggregators' own fields: blank is absent; given, text or a whole number (as assessee)
    kinds = []
    for index, field in enumerate(extra):
        name = raw_name(field, len(CORE_FIELDS) + index)
        v, k = f"v_{name}", f"k_{name}"
        first.append(
            f"CASE WHEN {v} IS NULL OR ({k} = 'text' AND {strip(v)} = '') THEN NULL ELSE {v} END "
            f"AS {field_column(index)}"
        )
        kinds.append(f"({k} IS NOT NULL AND {k} NOT IN ('text', 'int'))")
    first.append(f"{' OR '.join(kinds) or 'FALSE'} AS extra_bad")
    kept = ["src_index", "pos", "raw_text", "problem", "k_assessee", "k_type", "k_time"]
    kept += ["k_dispatched", "k_arrived"]
    q = _layer(first, kept, raw, "r0")
    layers = [_parse_layers(d, name) for name in ("tm", "dp", "ar")]
    for depth in range(5):
        q = _layer([c for lay in layers for c in lay[depth]], kept, q, f"r{depth + 1}")
    # the instants: UTC microseconds of each time, then local ones, days and the hour
    utc = [
        f"CASE WHEN {n}_offmin IS NULL "
        f"THEN {n}_wall - ({_offset_case(f'{n}_wall', offsets, True)}) "
        f"ELSE {n}_wall - {n}_offmin * 60000000 END AS {n}_utc"
        for n in ("tm", "dp", "ar")
    ]
    q = _layer(utc, kept, q, "r6")
    local = [
        f"CASE WHEN {n}_offmin IS NULL THEN {n}_wall "
        f"ELSE {n}_utc + ({_offset_case(f'{n}_utc', offsets, False)}) END AS {n}_local"
        for n in ("tm", "dp")
    ]
    q = _layer(local, kept, q, "r7")
    days = [
        f"({d.intdiv(f'{n}_local + {_SHIFT_DAYS * DAY_US}', str(DAY_US))} - {_SHIFT_DAYS}) "
        f"AS {n}_day"
        for n in ("tm", "dp")
    ]
    q = _layer(days, kept, q, "r8")
    bad = (
        "problem IS NOT NULL"
        " OR assessee IS NULL OR k_assessee NOT IN ('text', 'int') OR assessee = ''"
        " OR type IS NULL OR k_type NOT IN ('text', 'int') OR type = ''"
        " OR time_missing OR k_time <> 'text' OR NOT tm_ok"
        " OR (dp_given AND (k_dispatched <> 'text' OR NOT dp_ok))"
        " OR (ar_given AND (k_arrived <> 'text' OR NOT ar_ok))"
        f" OR (slot_text IS NOT NULL AND slot_text NOT IN ({quoted_list(d, SLOTS)}))"
        " OR (ar_given AND ar_utc < CASE WHEN dp_given THEN dp_utc ELSE tm_utc END)"
        " OR extra_bad"
    )
    hour = d.intdiv(f"tm_local - tm_day * {DAY_US}", str(_HOUR_US))
    named = " ".join(
        f"WHEN slot_text IN ({quoted_list(d, (k for k, v in SLOTS.items() if v == half))}) "
        f"THEN {d.literal(half)}"
        for half in ("am", "pm")
    )
    slot = f"CASE {named} WHEN {hour} < 12 THEN 'am' ELSE 'pm' END"
    out = [
        "src_index",
        "pos",
        "raw_text",
        f"COALESCE({bad}, TRUE) AS bad",
        "assessee",
        "type",
        "tm_day AS day",
        f"{slot} AS slot",
        "slot_text IS NOT NULL AS slot_given",
        "CASE WHEN dp_given THEN dp_day ELSE tm_day END AS dispatch_day",
        "CASE WHEN ar_given THEN ar_utc - CASE WHEN dp_given THEN dp_utc ELSE tm_utc END END "
        "AS delay_us",
        *(field_column(i) for i in range(len(extra))),
    ]
    return f"SELECT {', '.join(out)} FROM ({q}) r9"


def event_columns(extra: Sequence[str]) -> list[str]:
    """The columns of the ``events`` table, besides the count ``n`` of identical events."""
    return [
        "assessee",
        "type",
        "day",
        "slot",
        "slot_given",
        "dispatch_day",
        "delay_us",
        *(field_column(i) for i in range(len(extra))),
    ]


def window_condition(period: Period) -> str:
    """Whether a good event can count in ``period``: its day, or its dispatch's day, is in it.

    Only such events are kept, identical ones folded into one row with their number ``n``: the
    table stays as small as the distinct facts (a few per assessee and day), however long the log.
    """
    lo, hi = day_number(period.start), day_number(period.end)
    return f"(day BETWEEN {lo} AND {hi} OR dispatch_day BETWEEN {lo} AND {hi})"


def who_sql(events: str, roster: str) -> str:
    """Everyone assessed: the roster, and whoever has an event that can count in the period."""
    return f"SELECT assessee FROM {roster} UNION SELECT assessee FROM {events}"


def day_rows(period: Period, calendar: WorkingCalendar | None) -> list[tuple[int, bool]]:
    """The period's days as (day number, working day?) rows, for the ``days`` table.

    Without a calendar no day is a working day (the aggregators that need working days require
    one).
    """
    working: frozenset[date] = (
        frozenset(calendar.working_dates(period)) if calendar is not None else frozenset()
    )
    return [(day_number(day), day in working) for day in period.days()]


def unit_rows(units: Iterable[Period]) -> list[tuple[int, int]]:
    """(day number, unit index) rows for the days of each unit (a 旬 or a week assessed)."""
    return [(day_number(day), index) for index, unit in enumerate(units) for day in unit.days()]


def values_sql(
    d: Dialect,
    rows: Sequence[Sequence[object]],
    names: Sequence[str],
    types: Sequence[str] | None = None,
) -> str:
    """A small table written out as ``VALUES``: BIGINT, BOOLEAN or text (``STRING``) columns.

    ``types`` (``BIGINT``, ``BOOLEAN``, ``STRING``; all BIGINT by default) type an empty table,
    so that it joins and unites as a full one would.
    """
    if not rows:
        kinds = types or ["BIGINT"] * len(names)
        typed = ", ".join(f"CAST(NULL AS {t}) AS {n}" for n, t in zip(names, kinds, strict=True))
        return f"(SELECT {typed} WHERE 1 = 0)"

    def lit(value: object) -> str:
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)
        return d.literal(str(value))

    body = ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)
    return f"(SELECT * FROM (VALUES {body}) AS t({', '.join(names)}))"


def quoted_list(d: Dialect, values: Iterable[str]) -> str:
    """``'a', 'b'`` for an ``IN (...)`` list; never empty (an impossible value stands in)."""
    items = [d.literal(v) for v in values]
    return ", ".join(items) if items else "NULL"
