"""Hypothesis strategies for whole rubrics built from every building block."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

import gridrules as gr

points = st.decimals(min_value=0, max_value=20, places=1, allow_nan=False, allow_infinity=False)
PERIOD = "2026-Q3"
"""The period generated records are scored for (targets per unit of time count on it)."""
maxima = st.integers(min_value=1, max_value=30).map(Decimal)
EMPTY = ["refuse", "full", "zero"]


@st.composite
def rules(draw: st.DrawFn, field: str, maximum: Decimal) -> gr.Rule:
    kind = draw(
        st.sampled_from(
            [
                "per",
                "quota",
                "quota_unit",
                "rate",
                "rate_counts",
                "tiers",
                "tiers_counts",
                "checklist",
                "assessor",
                "zero",
                "zero_ratio",
                "all",
                "penalty",
                "bonus",
                "award",
            ]
        )
    )
    cap = draw(st.none() | points)
    if kind == "per":
        return gr.PerOccurrence(field, draw(points), cap)
    if kind == "quota":
        return gr.Quota(field, draw(st.integers(0, 30)), draw(points), cap)
    if kind == "quota_unit":
        # 每月不少于N次, 每周N次...: a target per unit of time, held together or unit by unit
        unit = draw(st.sampled_from(["day", "week", "xun", "month"]))
        judged = draw(st.sampled_from(["together", "each"]))
        return gr.Quota(
            field, gr.PerUnit(unit, draw(st.integers(0, 3))), draw(points), cap, judged=judged
        )
    if kind == "rate":
        partial = draw(st.sampled_from(["whole", "started", "exact"]))
        return gr.RateShortfall(field, draw(st.integers(0, 100)), draw(points), partial, cap)
    if kind == "rate_counts":
        # 走访率 from two counts: what an empty denominator means is declared
        partial = draw(st.sampled_from(["whole", "started", "exact"]))
        source = gr.Rate(f"{field}_done", f"{field}_due", draw(st.sampled_from(EMPTY)))
        return gr.RateShortfall(source, draw(st.integers(0, 100)), draw(points), partial, cap)
    if kind in ("tiers", "tiers_counts"):
        cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=1, max_size=4)))
        deductions = draw(st.lists(points, min_size=len(cuts), max_size=len(cuts)))
        tiers = [gr.Tier.below(cut, d) for cut, d in zip(cuts, deductions, strict=True)]
        tiers.append(gr.Tier(0, gr.Interval(cuts[-1], 100, True, True)))
        if kind == "tiers":
            return gr.Tiers(field, tiers)
        source = gr.Rate(f"{field}_done", f"{field}_due", draw(st.sampled_from(EMPTY)))
        return gr.Tiers(source, tiers)
    if kind == "zero_ratio":
        # 不足一半: the field against another times a factor
        times = draw(st.sampled_from(["0.5", "1", "0.9", "1.5"]))
        op = draw(st.sampled_from(["<", "<=", ">", ">="]))
        other = gr.FieldTimes(f"{field}_other", times, label=f"{field}的比较数")
        return gr.ZeroIf(gr.When(field, op, other), label=f"{field}的条件")
    if kind == "checklist":
        names = draw(st.lists(st.sampled_from("甲乙丙丁戊"), min_size=1, unique=True))
        return gr.Checklist(field, names, draw(points), cap)
    if kind == "assessor":
        return gr.AssessorPoints(field, "deduction", maximum)
    if kind == "zero":
        return gr.ZeroIf(gr.When(field))
    if kind == "all":
        return gr.AllOrNothing(field)
    if kind == "penalty":
        return gr.Penalty(field, draw(points), draw(st.sampled_from(["occurrence", "flag"])), cap)
    if kind == "bonus":
        return gr.Bonus(field, draw(points), cap)
    levels = draw(
        st.lists(st.sampled_from(["社区", "全区", "全市", "全省"]), min_size=1, unique=True)
    )
    return gr.AwardLevel(field, [gr.Level(name, draw(points)) for name in levels], cap=cap)


@st.composite
def items(draw: st.DrawFn, index: int) -> gr.Item:
    maximum = draw(maxima)
    count = draw(st.integers(1, 3))
    item_rules = [draw(rules(f"f{index}_{i}", maximum)) for i in range(count)]
    floor = draw(st.sampled_from([Decimal(0), maximum / 2]))
    return gr.Item(f"item{index}", f"项目{index}", maximum, item_rules, clause="条款", floor=floor)


@st.composite
def rubrics(draw: st.DrawFn) -> gr.Rubric:
    count = draw(st.integers(1, 6))
    children: list[Any] = [draw(items(i)) for i in range(count)]
    if count > 2 and draw(st.booleans()):
        inner = children[:2]
        written = sum(c.maximum for c in inner)
        # a part of its own: summed, capped below what its items allow (封顶), or graded
        shape = draw(st.sampled_from(["sum", "capped", "graded"]))
        if shape == "capped" and written > 1:
            cap = draw(st.integers(1, int(written) - 1))
            part = gr.Section("part", "部分", cap, inner, capped=True)
        elif shape == "graded":
            cut = draw(st.integers(0, int(written)))
            bands = gr.GradeBands(
                [
                    gr.Band.between("好", cut, None),
                    gr.Band.between("差", None, cut, upper_inclusive=False),
                ]
            )
            part = gr.Section("part", "部分", written, inner, grades=bands)
        else:
            part = gr.Section("part", "部分", written, inner)
        children = [part, *children[2:]]
    maximum = sum(c.effective_maximum for c in children)
    vetoes = []
    veto_grades: list[str] = []
    grades = None
    parameters: list[gr.Parameter] = []
    grading = draw(st.sampled_from(["bands", "bands_from_params", "veto_only"]))
    cut = draw(st.integers(1, int(maximum)))
    if grading == "bands":
        grades = gr.GradeBands(
            [
                gr.Band.between("合格", cut, None),
                gr.Band.between("不合格", None, cut, upper_inclusive=False),
            ]
        )
    elif grading == "bands_from_params":
        # the region names the upper grade and sets where it starts
        grades = gr.GradeBands(
            [
                gr.Band({"param": "upper_name"}, gr.BandInterval({"param": "upper_from"})),
                gr.Band("不合格", gr.BandInterval(None, {"param": "upper_from"})),
            ]
        )
        parameters = [
            gr.Parameter(
                "upper_name", "较高等次名称", "条款", kind=gr.FieldKind.TEXT, default="合格"
            ),
            gr.Parameter("upper_from", "较高等次最低分", "条款", default=cut),
        ]
    else:
        veto_grades = ["不合格"]
    stars = draw(
        st.none()
        | st.builds(
            gr.StarRating,
            st.integers(1, 5),
            st.integers(1, 30),
            st.sampled_from(["points", "deductions"]),
        )
    )
    if draw(st.booleans()):
        vetoes.append(gr.Veto("v1", gr.When("veto_flag"), grade="不合格", flag="disqualified"))
    if draw(st.booleans()):
        under = gr.When("attended", "<", gr.FieldTimes("held", "0.5", label="应到次数"))
        vetoes.append(gr.Veto("v2", under, grade="不合格", label="实到次数"))
    remarks = [gr.Remark("comment", "评语", limit=20)] if draw(st.booleans()) else []
    return gr.Rubric(
        name="generated",
        title="生成的细则",
        maximum=maximum,
        children=children,
        grades=grades,
        veto_grades=veto_grades,
        parameters=parameters,
        stars=stars,
        vetoes=vetoes,
        remarks=remarks,
        bonus_cap=draw(st.none() | points),
        rounding=draw(st.none() | st.just(gr.Rounding(1))),
    )
