"""The floor: the jiangcheng rubric scored by a hand-written function, Decimal, no library.

It validates what it reads as a careful hand-written scorer would (counts are non-negative ints,
flags are bools) and returns the total, grade, stars and each item's points. Grades and stars are
the benchmark's illustrative bands (the jiangcheng source has none): 优秀 from 90, 合格 from 60,
不合格 under 60; a star per 20 points, at most 5.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
HALF = Decimal("0.5")
ONE = Decimal(1)
FIVE = Decimal(5)
TEN = Decimal(10)
TWENTY = Decimal(20)
NINETY = Decimal(90)
SIXTY = Decimal(60)

COUNTS = (
    "missed_signins",
    "inaccurate_records",
    "missed_weekly_reports",
    "missed_monthly_visits",
    "missed_quarterly_visits",
    "missed_meetings",
    "violations",
    "late_reports",
    "late_report_accidents",
    "late_arrivals",
    "ignored_disputes",
)
FLAGS = ("no_patrol_records", "work_not_done")


def make(monthly: Decimal, quarterly: Decimal) -> Any:
    """A scorer with the two parameters of the source bound."""

    def score(r: dict[str, Any]) -> tuple[Decimal, str, int, dict[str, Decimal]]:
        for key in COUNTS:
            v = r[key]
            if type(v) is not int or v < 0:
                raise ValueError(f"{key}: expected a count, got {v!r}")
        for key in FLAGS:
            if type(r[key]) is not bool:
                raise ValueError(f"{key}: expected true or false, got {r[key]!r}")
        attendance = max(ZERO, TEN - r["missed_signins"] * HALF)
        if r["no_patrol_records"]:
            patrol = ZERO
        else:
            patrol = max(ZERO, TWENTY - r["inaccurate_records"] * HALF)
        if r["work_not_done"]:
            work = ZERO
        else:
            work = max(
                ZERO,
                TWENTY
                - r["missed_weekly_reports"] * HALF
                - r["missed_monthly_visits"] * monthly
                - r["missed_quarterly_visits"] * quarterly,
            )
        meetings = max(ZERO, TEN - r["missed_meetings"] * ONE)
        law = max(ZERO, TEN - r["violations"] * ONE)
        reporting = max(ZERO, TEN - r["late_reports"] * ONE - r["late_report_accidents"] * FIVE)
        if r["ignored_disputes"] >= 1:
            disputes = ZERO
        else:
            disputes = max(ZERO, TWENTY - r["late_arrivals"] * ONE)
        total = attendance + patrol + work + meetings + law + reporting + disputes
        grade = "优秀" if total >= NINETY else "合格" if total >= SIXTY else "不合格"
        stars = min(5, int(total // TWENTY))
        items = {
            "attendance": attendance,
            "patrol": patrol,
            "work": work,
            "meetings": meetings,
            "law": law,
            "reporting": reporting,
            "disputes": disputes,
        }
        return total, grade, stars, items

    return score
