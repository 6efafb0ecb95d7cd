"""Evidence records for the benchmarks, generated from a fixed seed.

The mix imitates a month's export from a street office: most grid workers miss little, a few miss
much, and the flags that zero an item are rare.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

SEED = 20240601


def _few(rng: random.Random, zero: float, top: int) -> int:
    """Mostly 0, else 1..top with small counts likelier."""
    if rng.random() < zero:
        return 0
    return min(top, int(rng.expovariate(0.6)) + 1)


def jiangcheng(n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """``n`` records for the jiangcheng rubric: ints for counts, bools for flags."""
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        records.append(
            {
                "missed_signins": _few(rng, 0.5, 12),
                "inaccurate_records": _few(rng, 0.6, 10),
                "no_patrol_records": rng.random() < 0.02,
                "missed_weekly_reports": _few(rng, 0.6, 4),
                "missed_monthly_visits": _few(rng, 0.7, 4),
                "missed_quarterly_visits": _few(rng, 0.8, 2),
                "work_not_done": rng.random() < 0.01,
                "missed_meetings": _few(rng, 0.6, 6),
                "violations": _few(rng, 0.9, 3),
                "late_reports": _few(rng, 0.7, 5),
                "late_report_accidents": _few(rng, 0.97, 1),
                "late_arrivals": _few(rng, 0.7, 6),
                "ignored_disputes": _few(rng, 0.97, 1),
            }
        )
    return records


def iter_jiangcheng(n: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    rng_chunk = 10_000
    for start in range(0, n, rng_chunk):
        yield from jiangcheng(min(rng_chunk, n - start), seed + start)
