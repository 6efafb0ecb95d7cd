"""Event logs to evidence: counting the platform's records (``gridrules.io.events``)."""

from .io.events import (
    DEFAULT_TIMEZONE,
    Event,
    EventLog,
    EventLogError,
    EventReader,
    RowError,
    count_by_type,
    late_arrivals,
    merge_evidence,
    missed_sign_ins,
    read_events,
    visit_shortfall,
    weeks_below_minimum,
    xun_without_inspection,
)

__all__ = [
    "DEFAULT_TIMEZONE",
    "Event",
    "EventLog",
    "EventLogError",
    "EventReader",
    "RowError",
    "count_by_type",
    "late_arrivals",
    "merge_evidence",
    "missed_sign_ins",
    "read_events",
    "visit_shortfall",
    "weeks_below_minimum",
    "xun_without_inspection",
]
