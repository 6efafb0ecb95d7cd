"""Hostile tables, property by property: whatever the cells of a CSV file or the rows of a JSON
lines file hold, a batch scores each row as the Python API scores the same values, or rejects it
with its reason; no row is lost, none stops the rest, and no cell written back starts a formula.
"""

from __future__ import annotations

import csv
import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from helpers import read_csv
from hostile_values import NUMBER_TEXT, PLAUSIBLE, SCALARS, VALUES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gridrules as gr
from gridrules.batch import run_batch
from gridrules.io.tables import neutral

PARAMS = {"monthly_visit_deduction": "1", "quarterly_visit_deduction": "2"}
RUBRICS = {"jiangcheng": PARAMS, "xingji": None}
"""Counts and flags (jiangcheng); percentages (xingji)."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CELLS = st.one_of(
    NUMBER_TEXT,
    PLAUSIBLE.map(str),
    st.integers(min_value=0, max_value=30).map(str),
    st.text(max_size=10),
    st.sampled_from(["=1+2", '=HYPERLINK("http://x")', "@A1", "-1", "+1", '"', "a,b", "a\nb"]),
)
"""What a cell of an office's export may hold."""


def cleaned(cells: dict[str, Any]) -> dict[str, Any]:
    """The evidence a person means by a row: text without its spaces, empty cells not given."""
    evidence = {}
    for key, value in cells.items():
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        elif value is None:
            continue
        evidence[key] = value
    return evidence


def expected(scorer: gr.Scorer, evidence: dict[str, Any]) -> str | None:
    """The total the Python API gives, as the scores file writes it (None: refused)."""
    try:
        return gr.model.numbers.fmt(scorer.result(evidence).total)
    except gr.GridrulesError:
        return None


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    name = draw(st.sampled_from(sorted(RUBRICS)))
    fields = sorted(gr.load(name).fields)
    columns = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4, unique=True))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(columns), max_size=len(columns)), max_size=6))
    return name, columns, rows


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(tables())
def test_every_csv_row_is_scored_as_the_api_scores_it_or_rejected(
    table: tuple[str, list[str], list[list[str]]],
) -> None:
    name, columns, rows = table
    scorer = gr.load(name).prepare(RUBRICS[name])
    with tempfile.TemporaryDirectory() as work:
        source, out = Path(work) / "in.csv", Path(work) / "out.csv"
        with source.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["assessee", *columns])
            for number, cells in enumerate(rows):
                writer.writerow([f"网格员{number}", *cells])
        summary = run_batch(gr.load(name), source, out, params=RUBRICS[name])
        scored = {r["assessee"]: r["total"] for r in read_csv(out)}
        errors = read_csv(Path(work) / "out.errors.csv") if summary.rejected else []
    assert summary.scored == len(scored)
    assert summary.scored + summary.rejected == len(rows)
    for number, cells in enumerate(rows):
        who = f"网格员{number}"
        total = expected(scorer, cleaned(dict(zip(columns, cells, strict=True))))
        assert scored.get(who) == total, (who, cells, scored.get(who), total)
    for error in errors:
        assert error["reason"].strip()
        for cell in error.values():
            assert (
                not cell.startswith(FORMULA_STARTS)
                or cell.lstrip("+-").replace(".", "", 1).rstrip("%").isdigit()
            ), cell


@st.composite
def json_rows(draw: st.DrawFn) -> tuple[list[str], list[dict[str, Any] | None]]:
    """JSON lines: records of any values, with now and then a line that is not a record."""
    fields = sorted(gr.load("jiangcheng").fields)
    lines: list[str] = []
    records: list[dict[str, Any] | None] = []
    for number in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["record", "record", "record", "junk"]))
        if kind == "junk":
            lines.append(draw(st.sampled_from(["[1, 2]", '"text"', "{", "{}}", "1", "null"])))
            records.append(None)
            continue
        record: dict[str, Any] = {"assessee": f"网格员{number}"}
        for fid in draw(st.lists(st.sampled_from(fields), max_size=4, unique=True)):
            record[fid] = draw(VALUES if draw(st.booleans()) else SCALARS)
        text = json.dumps(record, ensure_ascii=False, default=_plain)
        lines.append(text)
        records.append(json.loads(text, parse_float=Decimal))
    return lines, records


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    if type(value).__module__ == "numpy":
        return value.item()
    raise TypeError(type(value))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(json_rows())
def test_every_json_line_is_scored_as_the_api_scores_it_or_rejected(
    case: tuple[list[str], list[dict[str, Any] | None]],
) -> None:
    lines, records = case
    scorer = gr.load("jiangcheng").prepare(PARAMS)
    with tempfile.TemporaryDirectory() as work:
        source, out = Path(work) / "in.jsonl", Path(work) / "out.csv"
        source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        summary = run_batch(gr.load("jiangcheng"), source, out, params=PARAMS)
        scored = {r["assessee"]: r["total"] for r in read_csv(out)}
    assert summary.scored + summary.rejected == len(lines)
    for record in records:
        if record is None:
            continue
        who = record.pop("assessee")
        assert scored.get(who) == expected(scorer, cleaned(record)), (who, record)


@given(st.lists(SCALARS.map(str) | st.text(max_size=20), min_size=1, max_size=6))
def test_no_cell_written_starts_a_formula(cells: list[str]) -> None:
    for cell in cells:
        written = neutral(cell)
        if written.startswith(FORMULA_STARTS):
            # only a plain number may start with a sign
            assert written.lstrip("+-").replace(".", "", 1).rstrip("%").isdigit(), written
