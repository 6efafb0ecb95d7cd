"""The SQL the engines share: checking and normalising raw log rows, and the small calendar tables.

Every engine (DuckDB, Spark) reads its inputs its own way into one *raw* relation, then runs the
SQL built here, the same text on every engine: the rows are checked against the rules the
pure-Python reader applies (:mod:`gridrules.io.events`), times are parsed by the one grammar of
:mod:`gridrules.io.eventtime`, and the good rows become *events* with their local day, 上午/下午
and the fields the aggregators read. The aggregators' own SQL (:mod:`gridrules.io.aggregators`)
reads those events and the calendar tables made here.

The SQL keeps to what both dialects spell alike: ``CASE``, ``COALESCE``, ``CAST``, ``TRY_CAST``,
``substr``, ``length``, ``lower``, ``regexp_extract``, ``COUNT(DISTINCT ...)``, joins and
``UNION ALL``. A :class:`Dialect` supplies the four things they spell differently: a string
literal, integer division, stripping blanks, and how a JSON value is read.

The raw relation has these columns:

- ``src_index`` (which input, 0-based), ``pos`` (line or row number, or NULL where a source has
  none), ``raw_text`` (the row as read, for messages), ``problem`` (why the row cannot be read at
  all: ``json`` not valid JSON, ``object`` not a JSON object; NULL otherwise);
- for every field ``f`` read: ``v_f``, the value as text (NULL when absent or null), and ``k_f``,
  its kind: ``text``, ``int`` or ``other`` (a number with a fraction, a boolean, an object...).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import attrs

from ..dates.calendars import WorkingCalendar
from ..dates.periods import Period
from .eventtime import BLANKS, FIRST_YEAR, LAST_YEAR, TIME_PATTERN, day_number, zone_offsets

__all__ = [
    "CORE_FIELDS",
    "DAY_US",
    "Dialect",
    "checked_sql",
    "day_rows",
    "event_columns",
    "field_column",
    "who_sql",
    "window_condition",
]

CORE_FIELDS = ("assessee", "type", "time", "slot", "dispatched", "arrived")
"""The fields every check reads; the aggregators' own fields (``household``, ``status``...) come
after them as ``x0``, ``x1``..."""

DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
_SHIFT_DAYS = 100_000  # added before dividing so that the dividend is never negative
_SLOT_TEXT = {"am": "am", "pm": "pm", "上午": "am", "下午": "pm"}


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
        """``expr`` without :data:`BLANKS` at either end."""
        chars = "||".join(f"chr({ord(c)})" for c in BLANKS)
        if self.name == "spark":
            return f"trim(BOTH {chars} FROM {expr})"
        return f"trim({expr}, {chars})"


DUCKDB = Dialect("duckdb", backslash_escapes=False, intdiv_operator="//")
SPARK = Dialect("spark", backslash_escapes=True, intdiv_operator="div")


def field_column(index: int) -> str:
    """The column holding the aggregators' ``index``-th own field (``x0``, ``x1``...)."""
    return f"x{index}"


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


def _time_columns(d: Dialect, name: str, text: str) -> tuple[list[str], list[str], list[str]]:
    """Three layers of columns parsing the stripped time text ``text`` into ``{name}_*``."""
    pattern = d.literal(TIME_PATTERN)
    first = [
        f"length(regexp_extract({text}, {pattern}, 0)) > 0 AS {name}_syntax",
        f"TRY_CAST(substr({text}, 1, 4) AS BIGINT) AS {name}_y",
        f"TRY_CAST(substr({text}, 6, 2) AS BIGINT) AS {name}_mo",
        f"TRY_CAST(substr({text}, 9, 2) AS BIGINT) AS {name}_d",
        f"TRY_CAST(substr({text}, 12, 2) AS BIGINT) AS {name}_h",
        f"TRY_CAST(substr({text}, 15, 2) AS BIGINT) AS {name}_mi",
        f"CASE WHEN substr({text}, 17, 1) = ':' THEN TRY_CAST(substr({text}, 18, 2) AS BIGINT) "
        f"ELSE 0 END AS {name}_s",
        f"CASE WHEN substr({text}, 17, 1) = ':' THEN substr({text}, 20) "
        f"ELSE substr({text}, 17) END AS {name}_tail",
    ]
    tail = f"{name}_tail"
    second = [
        f"CASE WHEN substr({tail}, 1, 1) = '.' THEN regexp_extract({tail}, "
        f"{d.literal('^[.]([0-9]+)')}, 1) ELSE '' END AS {name}_frac",
        f"CASE WHEN substr({tail}, 1, 1) = '.' THEN regexp_extract({tail}, "
        f"{d.literal('^[.][0-9]+(.*)$')}, 1) ELSE {tail} END AS {name}_off",
    ]
    off = f"{name}_off"
    y, mo, dd, h, mi, s = (f"{name}_{p}" for p in ("y", "mo", "d", "h", "mi", "s"))
    off_h = f"TRY_CAST(substr({off}, 2, 2) AS BIGINT)"
    off_m = (
        f"CASE WHEN length({off}) > 3 THEN "
        f"TRY_CAST(substr({off}, length({off}) - 1, 2) AS BIGINT) ELSE 0 END"
    )
    third = [
        f"COALESCE({name}_syntax AND {y} BETWEEN {FIRST_YEAR} AND {LAST_YEAR} "
        f"AND {mo} BETWEEN 1 AND 12 AND {dd} >= 1 AND {dd} <= {_month_days(y, mo)} "
        f"AND {h} <= 23 AND {mi} <= 59 AND {s} <= 59 "
        f"AND ({off} IN ('', 'Z', 'z') OR ({off_h} <= 23 AND {off_m} <= 59)), FALSE) AS {name}_ok",
        f"((({_days_from_civil(d, y, mo, dd)}) * 86400 + {h} * 3600 + {mi} * 60 + {s}) * 1000000 "
        f"+ CASE WHEN {name}_frac = '' THEN 0 ELSE "
        f"CAST(substr({name}_frac || '000000', 1, 6) AS BIGINT) END) AS {name}_wall",
        f"CASE WHEN {off} = '' THEN NULL WHEN {off} IN ('Z', 'z') THEN 0 "
        f"ELSE (CASE WHEN substr({off}, 1, 1) = '-' THEN -1 ELSE 1 END) * "
        f"({off_h} * 60 + {off_m}) END AS {name}_offmin",
    ]
    return first, second, third


def checked_sql(
    d: Dialect,
    raw: str,
    extra: Sequence[str],
    timezone: str,
    period: Period,
) -> str:
    """Every row of the relation ``raw``, checked: ``bad`` true where the pure-Python reader would
    reject it, and for the others the normalised event.

    Columns: ``src_index``, ``pos``, ``raw_text``, ``bad``, ``assessee``, ``type``, ``day``
    (local, days since 1970), ``slot`` (``am``/``pm``), ``slot_given``, ``dispatch_day``,
    ``delay_us`` (arrived − dispatched, NULL without an arrival), and ``x0``... for ``extra``.
    """
    offsets = zone_offsets(timezone, period.start, period.end)
    strip = d.strip
    slot_values = ", ".join(d.literal(k) for k in _SLOT_TEXT)
    layer1 = [
        "src_index",
        "pos",
        "raw_text",
        "problem",
        f"{strip('v_assessee')} AS assessee",
        "k_assessee",
        f"{strip('v_type')} AS type",
        "k_type",
        "v_time IS NULL OR v_time = '' AS time_missing",
        "k_time",
        f"{strip('v_time')} AS tm",
        f"CASE WHEN v_slot IS NULL OR (k_slot = 'text' AND {strip('v_slot')} = '') THEN NULL "
        f"ELSE lower({strip('v_slot')}) END AS slot_text",
        "v_dispatched IS NOT NULL AND v_dispatched <> '' AS dp_given",
        "k_dispatched",
        f"{strip('v_dispatched')} AS dp",
        "v_arrived IS NOT NULL AND v_arrived <> '' AS ar_given",
        "k_arrived",
        f"{strip('v_arrived')} AS ar",
    ]
    for index, _ in enumerate(extra):
        v, k = f"v_e{index}", f"k_e{index}"
        layer1.append(
            f"CASE WHEN {v} IS NULL OR ({k} = 'text' AND {strip(v)} = '') THEN NULL ELSE {v} END "
            f"AS {field_column(index)}"
        )
    kept = [
        "src_index",
        "pos",
        "raw_text",
        "problem",
        "assessee",
        "k_assessee",
        "type",
        "k_type",
        "time_missing",
        "k_time",
        "slot_text",
        "dp_given",
        "k_dispatched",
        "ar_given",
        "k_arrived",
        *(field_column(i) for i in range(len(extra))),
    ]
    l2, l3, l4 = [], [], []
    for name, text in (("tm", "tm"), ("dp", "dp"), ("ar", "ar")):
        a, b, c = _time_columns(d, name, text)
        l2 += a
        l3 += b
        l4 += c
    l2_names = [c.rsplit(" AS ", 1)[1] for c in l2]
    l3_names = [c.rsplit(" AS ", 1)[1] for c in l3]
    l4_names = [c.rsplit(" AS ", 1)[1] for c in l4]
    q = f"SELECT {', '.join(layer1)} FROM {raw}"
    q = f"SELECT {', '.join(kept)}, {', '.join(l2)} FROM ({q}) q1"
    q = f"SELECT {', '.join(kept + l2_names)}, {', '.join(l3)} FROM ({q}) q2"
    q = f"SELECT {', '.join(kept + l2_names + l3_names)}, {', '.join(l4)} FROM ({q}) q3"
    # instants: UTC and local microseconds of each time
    l5 = []
    for name in ("tm", "dp", "ar"):
        wall, offmin = f"{name}_wall", f"{name}_offmin"
        utc = (
            f"CASE WHEN {offmin} IS NULL THEN {wall} - ({_offset_case(wall, offsets, True)}) "
            f"ELSE {wall} - {offmin} * 60000000 END"
        )
        l5.append(f"{utc} AS {name}_utc")
    q = f"SELECT {', '.join(kept + l2_names + l3_names + l4_names)}, {', '.join(l5)} FROM ({q}) q4"
    local = {
        name: (
            f"CASE WHEN {name}_offmin IS NULL THEN {name}_wall "
            f"ELSE {name}_utc + ({_offset_case(f'{name}_utc', offsets, False)}) END"
        )
        for name in ("tm", "dp")
    }
    day = {
        name: f"({d.intdiv(f'{expr} + {_SHIFT_DAYS * DAY_US}', str(DAY_US))} - {_SHIFT_DAYS})"
        for name, expr in local.items()
    }
    bad = (
        "problem IS NOT NULL"
        " OR assessee IS NULL OR k_assessee NOT IN ('text', 'int') OR assessee = ''"
        " OR type IS NULL OR k_type NOT IN ('text', 'int') OR type = ''"
        " OR time_missing OR k_time <> 'text' OR NOT tm_ok"
        " OR (dp_given AND (k_dispatched <> 'text' OR NOT dp_ok))"
        " OR (ar_given AND (k_arrived <> 'text' OR NOT ar_ok))"
        f" OR (slot_text IS NOT NULL AND slot_text NOT IN ({slot_values}))"
        " OR (ar_given AND ar_utc < CASE WHEN dp_given THEN dp_utc ELSE tm_utc END)"
    )
    hour = d.intdiv(f"{local['tm']} - {day['tm']} * {DAY_US}", str(_HOUR_US))
    slot = (
        "CASE WHEN slot_text IN ('am', '上午') THEN 'am' WHEN slot_text IN ('pm', '下午') "
        f"THEN 'pm' WHEN {hour} < 12 THEN 'am' ELSE 'pm' END"
    )
    out = [
        "src_index",
        "pos",
        "raw_text",
        f"COALESCE({bad}, TRUE) AS bad",
        "assessee",
        "type",
        f"{day['tm']} AS day",
        f"{slot} AS slot",
        "slot_text IS NOT NULL AS slot_given",
        f"CASE WHEN dp_given THEN {day['dp']} ELSE {day['tm']} END AS dispatch_day",
        "CASE WHEN ar_given THEN ar_utc - CASE WHEN dp_given THEN dp_utc ELSE tm_utc END END "
        "AS delay_us",
        *(field_column(i) for i in range(len(extra))),
    ]
    return f"SELECT {', '.join(out)} FROM ({q}) q5"


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


def values_sql(d: Dialect, rows: Sequence[Sequence[object]], names: Sequence[str]) -> str:
    """A small table written out as ``VALUES``, typed BIGINT, BOOLEAN or text."""
    if not rows:
        typed = ", ".join(f"CAST(NULL AS BIGINT) AS {n}" for n in names)
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


def named_outputs(mapping: Mapping[str, str]) -> list[tuple[str, str]]:
    """Sorted (role, field) pairs."""
    return sorted(mapping.items())
