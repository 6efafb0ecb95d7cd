"""Scoring a whole table of assessees (``gridrules.io.batch``)."""

from .io.batch import (
    ASSESSEE_COLUMNS,
    ASSESSOR_COLUMNS,
    PERIOD_COLUMNS,
    Layout,
    Rejected,
    Row,
    Scored,
    Summary,
    errors_path,
    open_table,
    output_columns,
    read_rows,
    run_batch,
    score_rows,
)

__all__ = [
    "ASSESSEE_COLUMNS",
    "ASSESSOR_COLUMNS",
    "PERIOD_COLUMNS",
    "Layout",
    "Rejected",
    "Row",
    "Scored",
    "Summary",
    "errors_path",
    "open_table",
    "output_columns",
    "read_rows",
    "run_batch",
    "score_rows",
]
