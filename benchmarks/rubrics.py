"""The benchmarks' two rubrics: jiangcheng as installed, and a 30-item rubric using every block."""

from __future__ import annotations

import random
from typing import Any

import attrs

import gridrules as gr

JIANGCHENG_PARAMS = {"monthly_visit_deduction": "1", "quarterly_visit_deduction": "2"}

# The jiangcheng source grades no one; the benchmark adds illustrative bands and stars so that
# every figure includes a grade and stars (handwritten.py computes the same).
JIANGCHENG_GRADES = gr.GradeBands(
    [
        gr.Band.between("优秀", 90, None),
        gr.Band.between("合格", 60, 90, upper_inclusive=False),
        gr.Band.between("不合格", None, 60, upper_inclusive=False),
    ]
)


def jiangcheng() -> gr.Rubric:
    """The installed jiangcheng rubric (7 items) with the benchmark's grades and stars."""
    return attrs.evolve(gr.load("jiangcheng"), grades=JIANGCHENG_GRADES, stars=gr.StarRating(5, 20))


def _item(item_id: str, label: str, maximum: object, *rules: gr.Rule, **kw: Any) -> gr.Item:
    clause = f"{label}（基准测试条款）"
    return gr.Item(item_id, label, maximum, rules=list(rules), clause=clause, **kw)


CRITERIA = [
    gr.Criterion("attendance", "日常考勤", 25),
    gr.Criterion("coordination", "工作协调能力", 25),
    gr.Criterion("handling", "处理问题能力", 25),
    gr.Criterion("tasks", "工作任务完成情况", 25),
]
TYPES = [
    gr.BallotType("A", "A票", "0.5", "社区党总支书记"),
    gr.BallotType("B", "B票", "0.3", "网格党建指导员"),
    gr.BallotType("C", "C票", "0.2", "其他社区工作人员"),
]
ELEMENTS = ("值班制度", "例会制度", "台账制度", "走访制度")
LEVELS = [gr.Level("全区", 5), gr.Level("全市", 6), gr.Level("全省", 8)]


def rubric30() -> gr.Rubric:
    """30 items in three sections, weighted 30% / 30% / 40%, with every building block.

    Per-occurrence deductions (capped and not), quotas (fixed, from a parameter, from the
    evidence), rate shortfalls (whole, started, exact), tiers (first-match deductions, unique
    points), a checklist, assessor points (given and deducted), zero-if conditions (a flag and a
    threshold), all-or-nothing, penalties (per occurrence and per flag), bonuses (capped and
    uncapped), award levels (bonus and points), ballots, section rounding, grade bands, stars
    by deductions, two vetoes and a rubric-wide bonus cap.
    """
    basic = gr.Section(
        "basic",
        "基础工作",
        40,
        [
            _item("signin", "考勤", 4, gr.PerOccurrence("missed_signins", "0.5")),
            _item("meetings", "会议", 4, gr.PerOccurrence("missed_meetings", 1, cap=3)),
            _item("logs", "工作日志", 4, gr.PerOccurrence("missing_logs", "0.2")),
            _item(
                "patrol",
                "巡查",
                4,
                gr.PerOccurrence("missed_patrols", "0.5"),
                gr.ZeroIf(gr.When("no_patrol_records")),
            ),
            _item("cases", "办件收集", 4, gr.Quota("cases_collected", 10, "0.5")),
            _item(
                "visits",
                "走访",
                4,
                gr.Quota("households_visited", {"param": "visit_target"}, "0.2", cap=4),
            ),
            _item(
                "events",
                "事件上报",
                4,
                gr.Quota("events_reported", {"field": "events_target"}, "0.5"),
            ),
            _item("collection", "信息采集率", 4, gr.RateShortfall("collection_rate", 95, "0.5")),
            _item(
                "update",
                "信息更新率",
                4,
                gr.RateShortfall("update_rate", 90, "0.5", partial="started"),
            ),
            _item(
                "verify",
                "核查率",
                4,
                gr.RateShortfall("verify_rate", 80, "0.2", partial="exact", cap=4),
            ),
        ],
    )
    quality = gr.Section(
        "quality",
        "工作质量",
        40,
        [
            _item(
                "rectify",
                "隐患整改",
                4,
                gr.Tiers(
                    "rectification_rate",
                    [
                        gr.Tier.below(60, 4),
                        gr.Tier.below(90, 1),
                        gr.Tier(0, gr.Interval(90, 100, True, True)),
                    ],
                ),
            ),
            _item(
                "satisfaction",
                "群众满意度",
                4,
                gr.Tiers(
                    "satisfaction",
                    [
                        gr.Tier(0, gr.Interval(0, 60, True, False)),
                        gr.Tier(2, gr.Interval(60, 85, True, False)),
                        gr.Tier(4, gr.Interval(85, 100, True, True)),
                    ],
                    hit="unique",
                    outcome="points",
                ),
            ),
            _item("systems", "制度建设", 4, gr.Checklist("systems", ELEMENTS, 1)),
            _item("assessor", "考评组打分", 4, gr.AssessorPoints("assessor_points")),
            _item(
                "discretion",
                "酌情扣分",
                4,
                gr.AssessorPoints("discretionary_deduction", mode="deduction", maximum=4),
            ),
            _item(
                "ignored",
                "纠纷处置",
                4,
                gr.PerOccurrence("late_arrivals", 1),
                gr.ZeroIf(gr.When("ignored_disputes", ">=", 1, default=0)),
            ),
            _item("targets", "目标完成", 4, gr.AllOrNothing("targets_met")),
            _item("appraisal", "民主评议", 4, gr.Ballots("votes", TYPES, CRITERIA)),
            _item(
                "honours",
                "荣誉",
                4,
                gr.AwardLevel(
                    "honour_level",
                    [gr.Level("全区", 2), gr.Level("全市", 3), gr.Level("全省", 4)],
                    bonus=False,
                ),
            ),
            _item(
                "training",
                "培训",
                4,
                gr.PerOccurrence("missed_trainings", 2, cap=4),
                rounding=gr.Rounding(0),
            ),
        ],
    )
    conduct = gr.Section(
        "conduct",
        "作风纪律",
        20,
        [
            _item(
                "law",
                "守法",
                2,
                gr.PerOccurrence("violations", 1),
                gr.Penalty("major_violations", 5),
            ),
            _item("accidents", "安全", 2, gr.Penalty("major_accident", 10, per="flag")),
            _item(
                "reporting",
                "上报",
                2,
                gr.PerOccurrence("late_reports", "0.5"),
                gr.PerOccurrence("late_report_accidents", 1),
            ),
            _item("complaints", "投诉", 2, gr.PerOccurrence("complaints", 1)),
            _item("good_deeds", "好人好事", 2, gr.Bonus("good_deeds", 1, cap=3)),
            _item("media", "宣传报道", 2, gr.Bonus("media_reports", "0.5", cap=None)),
            _item("awards", "表彰", 2, gr.AwardLevel("award_level", LEVELS, cap=6)),
            _item("info", "信息报送", 2, gr.PerOccurrence("missed_info", "0.5")),
            _item("dress", "着装", 2, gr.PerOccurrence("dress_violations", "0.5")),
            _item("duty", "值班", 2, gr.PerOccurrence("missed_duty", 1)),
        ],
        rounding=gr.Rounding(1),
    )
    return gr.Rubric(
        name="bench30",
        title="基准测试：三十项考核细则",
        maximum=100,
        children=[basic, quality, conduct],
        weights=[
            gr.Weight("basic", "0.3"),
            gr.Weight("quality", "0.3"),
            gr.Weight("conduct", "0.4"),
        ],
        parameters=[gr.Parameter("visit_target", "每月走访户数", "每月走访不少于xx户", default=20)],
        grades=gr.GradeBands(
            [
                gr.Band.between("优秀", 90, None),
                gr.Band.between("合格", 60, 90, upper_inclusive=False),
                gr.Band.between("不合格", None, 60, upper_inclusive=False),
            ]
        ),
        stars=gr.StarRating(5, 10, basis="deductions"),
        vetoes=[
            gr.Veto(
                "accident",
                gr.When("major_accident"),
                grade="不合格",
                label="重大事故",
                clause="发生重大安全事故的，列为不合格档次",
            ),
            gr.Veto(
                "complaint",
                gr.When("complaints", ">=", 3),
                flag="no_honours",
                label="投诉",
                clause="被投诉三次以上的，取消评选树优资格",
            ),
        ],
        bonus_cap=10,
    )


def _few(rng: random.Random, zero: float, top: int) -> int:
    if rng.random() < zero:
        return 0
    return min(top, int(rng.expovariate(0.6)) + 1)


def _rate(rng: random.Random, low: int) -> str:
    if rng.random() < 0.5:
        return str(rng.randint(low * 10, 1000) / 10)
    return str(rng.randint(low, 100))


def records30(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` records for :func:`rubric30`, as a platform sends them: ints, bools, rate texts."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        votes = {
            kind: [[rng.randint(15, 25) for _ in CRITERIA] for _ in range(rng.randint(0, 3))]
            for kind in "ABC"
        }
        out.append(
            {
                "missed_signins": _few(rng, 0.5, 8),
                "missed_meetings": _few(rng, 0.6, 6),
                "missing_logs": _few(rng, 0.6, 10),
                "missed_patrols": _few(rng, 0.6, 6),
                "no_patrol_records": rng.random() < 0.02,
                "cases_collected": rng.randint(6, 14),
                "households_visited": rng.randint(14, 26),
                "events_reported": rng.randint(0, 8),
                "events_target": rng.randint(3, 6),
                "collection_rate": _rate(rng, 85),
                "update_rate": _rate(rng, 80),
                "verify_rate": _rate(rng, 70),
                "rectification_rate": _rate(rng, 50),
                "satisfaction": _rate(rng, 50),
                "systems": rng.sample(ELEMENTS, rng.randint(2, 4)),
                "assessor_points": str(rng.randint(20, 40) / 10),
                "discretionary_deduction": rng.choice(["0", "0", "0.5", "1"]),
                "late_arrivals": _few(rng, 0.7, 4),
                "ignored_disputes": _few(rng, 0.97, 1),
                "targets_met": rng.random() < 0.9,
                "votes": votes,
                "honour_level": rng.choice([None, None, "全区", "全市", "全省"]),
                "missed_trainings": _few(rng, 0.7, 3),
                "violations": _few(rng, 0.9, 3),
                "major_violations": _few(rng, 0.98, 1),
                "major_accident": rng.random() < 0.01,
                "late_reports": _few(rng, 0.7, 5),
                "late_report_accidents": _few(rng, 0.97, 1),
                "complaints": _few(rng, 0.8, 4),
                "good_deeds": _few(rng, 0.8, 4),
                "media_reports": _few(rng, 0.85, 3),
                "award_level": rng.choice([(), (), (), ("全区",), ("全区", "全市"), ("全省",)]),
                "missed_info": _few(rng, 0.7, 4),
                "dress_violations": _few(rng, 0.8, 3),
                "missed_duty": _few(rng, 0.8, 3),
            }
        )
    return out
