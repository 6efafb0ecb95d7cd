"""The jiangcheng rubric in the engines a platform team would otherwise pick.

GoRules zen-engine (Rust, through its Python binding) and rule-engine (pure Python). Each gets
the rubric as its own expressions and is driven through its fastest path:

- zen ``ZenEngine.evaluate(key, context)``: a decision with one expression node, on a static
  loader (``ZenDecision.evaluate`` starts a runtime per call and is far slower);
- zen ``ZenEngine.evaluate_batch``: the same decision, all records in one call (it uses every
  core);
- zen ``compile_expression``: two bare expressions, the items and then total, grade and stars;
- rule-engine: the same two expressions as two ``Rule`` objects.

zen-engine works in floats: its totals are compared with gridrules' after rounding to 2 places.
rule-engine works in Decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

ITEMS = {
    "attendance": "max([0, 10 - missed_signins * 0.5])",
    "patrol": "no_patrol_records ? 0 : max([0, 20 - inaccurate_records * 0.5])",
    "work": "work_not_done ? 0 : max([0, 20 - missed_weekly_reports * 0.5"
    " - missed_monthly_visits * {monthly} - missed_quarterly_visits * {quarterly}])",
    "meetings": "max([0, 10 - missed_meetings])",
    "law": "max([0, 10 - violations])",
    "reporting": "max([0, 10 - late_reports - late_report_accidents * 5])",
    "disputes": "ignored_disputes >= 1 ? 0 : max([0, 20 - late_arrivals])",
}
GRADE = "{t} >= 90 ? '优秀' : ({t} >= 60 ? '合格' : '不合格')"


def _items(monthly: str, quarterly: str) -> dict[str, str]:
    return {k: v.format(monthly=monthly, quarterly=quarterly) for k, v in ITEMS.items()}


Scores = tuple[Any, str, int, dict[str, Any]]


def zen_decision(monthly: str, quarterly: str) -> dict[str, Any]:
    """A JDM decision: input → one expression node (items, total, grade, stars) → output."""
    items = _items(monthly, quarterly)
    total = " + ".join(f"$.{k}" for k in items)
    expressions = [
        *items.items(),
        ("total", total),
        ("grade", GRADE.format(t="$.total")),
        ("stars", "min([5, floor($.total / 20)])"),
    ]
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
            {
                "id": "score",
                "type": "expressionNode",
                "name": "score",
                "position": {"x": 200, "y": 0},
                "content": {
                    "expressions": [{"id": k, "key": k, "value": v} for k, v in expressions]
                },
            },
            {"id": "out", "type": "outputNode", "name": "response", "position": {"x": 400, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "type": "edge", "sourceId": "in", "targetId": "score"},
            {"id": "e2", "type": "edge", "sourceId": "score", "targetId": "out"},
        ],
    }


def _from_zen(out: dict[str, Any]) -> Scores:
    return out["total"], out["grade"], int(out["stars"]), {k: out[k] for k in ITEMS}


def zen_evaluate(monthly: str, quarterly: str) -> Callable[[dict[str, Any]], Scores]:
    import zen

    decision = zen_decision(monthly, quarterly)
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"jiangcheng": decision}}})
    evaluate = engine.evaluate

    def score(record: dict[str, Any]) -> Scores:
        return _from_zen(evaluate("jiangcheng", record)["result"])

    return score


def zen_batch(monthly: str, quarterly: str) -> Callable[[Sequence[dict[str, Any]]], list[Scores]]:
    import zen

    decision = zen_decision(monthly, quarterly)
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"jiangcheng": decision}}})

    def score_all(records: Sequence[dict[str, Any]]) -> list[Scores]:
        answers = engine.evaluate_batch([{"key": "jiangcheng", "context": r} for r in records])
        return [_from_zen(a["data"]["result"]) for a in answers]

    return score_all


def zen_expressions(monthly: str, quarterly: str) -> Callable[[dict[str, Any]], Scores]:
    import zen

    items = _items(monthly, quarterly)
    points = zen.compile_expression("{" + ", ".join(f"{k}: {v}" for k, v in items.items()) + "}")
    total = " + ".join(items)
    summary = zen.compile_expression(
        f"{{total: {total}, grade: {GRADE.format(t='(' + total + ')')}, "
        f"stars: min([5, floor(({total}) / 20)])}}"
    )

    def score(record: dict[str, Any]) -> Scores:
        item_points = points.evaluate(record)
        out = summary.evaluate(item_points)
        return out["total"], out["grade"], int(out["stars"]), item_points

    return score


def rule_engine_rules(monthly: str, quarterly: str) -> Callable[[dict[str, Any]], Scores]:
    import rule_engine

    def rule_text(text: str) -> str:
        return text.replace("max(", "$max(").replace("min(", "$min(").replace("floor(", "(")

    items = {k: rule_text(v) for k, v in _items(monthly, quarterly).items()}
    points = rule_engine.Rule("{" + ", ".join(f"'{k}': {v}" for k, v in items.items()) + "}")
    total = " + ".join(f"points['{k}']" for k in items)
    summary = rule_engine.Rule(
        f"{{'total': {total}, 'grade': {GRADE.format(t='(' + total + ')')}, "
        f"'stars': $min([5, ({total}) // 20])}}"
    )

    def score(record: dict[str, Any]) -> Scores:
        item_points = dict(points.evaluate(record))
        out = summary.evaluate({"points": item_points})
        return out["total"], out["grade"], int(out["stars"]), item_points

    return score


def agree(ours: Scores, theirs: Scores) -> bool:
    """Same grade and stars, and total and items equal to 2 decimal places (zen uses floats)."""

    def close(a: Any, b: Any) -> bool:
        return round(Decimal(str(a)), 2) == round(Decimal(str(b)), 2)

    return (
        ours[1] == theirs[1]
        and ours[2] == theirs[2]
        and close(ours[0], theirs[0])
        and all(close(ours[3][k], theirs[3][k]) for k in ITEMS)
    )
