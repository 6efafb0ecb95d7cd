"""Writes sheets.json: records and the exact ``dump_sheet`` JSON of their score sheets.

The JSON was written before score sheets formatted their explanations lazily (issue 8), so
``tests/test_sheet_json.py`` pins the serialised form byte for byte (but for the audit stamp,
which says when a sheet was scored, and is left out). Rerun this only when the sheet's format is
meant to change (and bump FORMAT_VERSION then; version 4 added ``warnings`` and ``audit``):

    python tests/data/make_sheets.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import rubrics  # noqa: E402

import gridrules as gr  # noqa: E402
from gridrules.serialization import dump_sheet, load_params, unstructure_rubric  # noqa: E402

WANGGEZHANG = {k: str(v) for k, v in load_params(ROOT / "examples/wanggezhang/params.toml").items()}
FULL = [25, 25, 25, 25]


def _counts(rng: random.Random, names: list[str], zero: float) -> dict[str, Any]:
    return {n: 0 if rng.random() < zero else rng.randint(1, 6) for n in names}


def cases() -> list[dict[str, Any]]:
    rng = random.Random(20260801)
    out: list[dict[str, Any]] = []
    jiang = gr.load("jiangcheng")
    counts = sorted(f for f, k in jiang.validator().fields.items() if k.kind.value == "count")
    for number, zero in enumerate((1.0, 0.7, 0.3, 0.0)):
        evidence: dict[str, Any] = _counts(rng, counts, zero)
        evidence["no_patrol_records"] = number == 3
        evidence["work_not_done"] = "否" if number else False
        if number == 2:
            evidence["late_arrivals"] = "3"  # text, as a spreadsheet holds it
            del evidence["violations"]  # takes its default
        out.append(
            {
                "rubric": "jiangcheng",
                "params": rubrics.JIANGCHENG_PARAMS,
                "evidence": evidence,
                "assessee": f"网格员{number}" if number else None,
                "period": "2026-10" if number % 2 else None,
            }
        )
    xingji = gr.load("xingji")
    counts = sorted(f for f, k in xingji.validator().fields.items() if k.kind.value == "count")
    for number, zero in enumerate((1.0, 0.6, 0.2)):
        evidence = _counts(rng, counts, zero)
        evidence["cases_collected"] = rng.randint(0, 40)
        evidence["population_entry_rate"] = ["100", "97.5", 88][number]
        evidence["housing_not_grown"] = number == 2
        out.append(
            {
                "rubric": "xingji",
                "params": {},
                "evidence": evidence,
                "assessee": "张三",
                "period": "2026-09",
            }
        )
    for role, ballots in (
        (
            "leader",
            {
                "A": [[22, 20, 23, 20]],
                "B": [[20, 20, 20, 20]],
                "C": [[20, 18, 22, 20], FULL, [24, 22, 20, 24]],
            },
        ),
        ("member", {"A": [[21, 19, 24, 18]], "B": [FULL], "C": [[20, 20, 21, 19]]}),
        ("member", {"A": [FULL], "B": [], "C": []}),
    ):
        evidence = {
            "ballots": ballots,
            "attendance_points": 90,
            "events_reported": 60,
            "info_points": "85.5",
            "visits_points": 80,
            "grid_consecutive_missed_months": rng.randint(0, 3),
            "grid_falsifications": rng.randint(0, 1),
        }
        out.append(
            {
                "rubric": f"wanggezhang-{role}",
                "params": WANGGEZHANG,
                "evidence": evidence,
                "assessee": None,
                "period": "2026-Q3",
            }
        )
    for evidence in rubrics.records30(6, 7):
        out.append(
            {
                "rubric": "bench30",
                "params": {},
                "evidence": json.loads(json.dumps(evidence)),
                "assessee": "W0000001",
                "period": None,
            }
        )
    return out


def score(case: dict[str, Any], stored: dict[str, Any]) -> gr.ScoreSheet:
    """The sheet of one case, as the test scores it; ``stored`` holds rubrics kept as data."""
    from gridrules.serialization import structure_rubric

    name = case["rubric"]
    rubric = structure_rubric(stored[name]) if name in stored else gr.load(name)
    scorer = gr.Scorer(rubric, case["params"])
    return scorer.score(case["evidence"], assessee=case["assessee"], period=case["period"])


def unstamped(dump: str) -> str:
    """A sheet's JSON without its audit stamp, which says when it was scored: the rest is what
    the sheet says, pinned byte for byte."""
    data = json.loads(dump)
    data.pop("audit")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    # the benchmark's 30-item rubric uses every building block; it is stored as data
    stored = {"bench30": json.loads(json.dumps(unstructure_rubric(rubrics.rubric30())))}
    data = {
        "rubrics": stored,
        "cases": [{**case, "dump": unstamped(dump_sheet(score(case, stored)))} for case in cases()],
    }
    (HERE / "sheets.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
