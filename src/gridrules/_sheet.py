"""The score sheet: the total and grade, and a line per item explaining every point."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ._numbers import as_tuple, fmt
from ._outcome import Outcome
from ._rubric import Assumption, Item, Section

__all__ = [
    "FORMAT_VERSION",
    "ItemLine",
    "ParameterLine",
    "Reason",
    "ScoreSheet",
    "SectionLine",
    "VetoLine",
]

FORMAT_VERSION = 2
"""The version of the score sheet's serialised form; it changes when a field changes meaning."""

_EFFECT_WORDS = {
    "deduct": "扣",
    "set": "得",
    "zero": "清零",
    "penalty": "倒扣",
    "bonus": "加",
}


def _frozen(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


# -- explanations written out when first read ------------------------------------------------
#
# Scoring a record explains every point, but most sheets are stored or compared by their scores
# and few are read line by line. So a sheet made by scoring keeps what its explanations are made
# from (the rules' outcomes, the validated evidence) and writes the text out the first time it is
# read, once: ``reason.arithmetic`` formats the working then, ``sheet.lines`` builds the lines
# then. A lazy attribute is a private attrs field holding either the finished value or what it
# is made from; the public property finishes and keeps it. Its ``eq`` key finishes it too, so a
# sheet compares equal to the same sheet read back from JSON, and the cattrs hooks in
# serialization.py write the finished value under the public name. Nothing else changes: the
# values read are exactly those that were formatted eagerly before.

_SHOWN: dict[Decimal, str] = {}
"""Decimals as the sheet shows them; fmt depends on the value alone, and few values recur."""
_MEMO_LIMIT = 10_000


def show(value: Any) -> str:
    """An evidence value as the sheet shows it: 1.5, 是/否, names joined with 、."""
    if isinstance(value, Decimal):
        shown = _SHOWN.get(value)
        if shown is None:
            shown = fmt(value)
            if len(_SHOWN) < _MEMO_LIMIT:
                _SHOWN[value] = shown
        return shown
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, frozenset | tuple):
        return "、".join(sorted(value)) if value else "（无）"
    return str(value)


def _value_text(value: str | Outcome) -> str:
    return show(value.value) if isinstance(value, Outcome) else value


def _arithmetic_text(value: str | Outcome) -> str:
    return value.arithmetic if isinstance(value, Outcome) else value


def _repr(instance: Any) -> str:
    """attrs' repr, under the public names and with lazy values written out."""
    shown = ", ".join(
        f"{a.alias}={getattr(instance, a.alias)!r}" for a in attrs.fields(type(instance))
    )
    return f"{type(instance).__name__}({shown})"


@attrs.frozen(repr=False)
class Reason:
    """One rule's effect on one item: the rule, the evidence it used, the working, the clause."""

    rule: str
    label: str
    effect: str
    field: str
    _value: str | Outcome = attrs.field(eq=_value_text)
    amount: Decimal
    _arithmetic: str | Outcome = attrs.field(eq=_arithmetic_text)
    clause: str

    @property
    def value(self) -> str:
        """The evidence value the rule read, as the sheet shows it."""
        value = self._value
        if isinstance(value, Outcome):
            value = show(value.value)
            object.__setattr__(self, "_value", value)  # frozen to users; finished once, here
        return value

    @property
    def arithmetic(self) -> str:
        """The working, e.g. ``"3 × 0.5 = 1.5"``."""
        arithmetic = self._arithmetic
        if isinstance(arithmetic, Outcome):
            arithmetic = arithmetic.arithmetic
            object.__setattr__(self, "_arithmetic", arithmetic)
        return arithmetic

    __repr__ = _repr

    @classmethod
    def _of(cls, item: Item, outcome: Outcome, field: str) -> Reason:
        """The reason for ``outcome``, its value and arithmetic written out when first read."""
        rule = outcome.rule
        return cls(
            rule.kind,
            rule.label,
            outcome.effect.value,
            field,
            outcome,
            outcome.amount,
            outcome,
            rule.clause or item.clause,
        )


@attrs.frozen
class ItemLine:
    """One item on the sheet: its points out of its maximum and the reasons for every change."""

    item_id: str
    label: str
    section: str | None
    points: Decimal
    maximum: Decimal
    reasons: tuple[Reason, ...]
    clause: str
    weight: Decimal | None = None
    """In a weighted composite: the item's weight (0.3 for 30%)."""
    contribution: Decimal | None = None
    """In a weighted composite: what the item's points add to its section (or the total)."""

    @property
    def deducted(self) -> Decimal:
        """The 扣分 column: how far the item fell short of its maximum."""
        return self.maximum - self.points


@attrs.frozen
class SectionLine:
    """A section's subtotal."""

    section_id: str
    label: str
    points: Decimal
    maximum: Decimal
    weight: Decimal | None = None
    """In a weighted composite: the section's weight."""
    contribution: Decimal | None = None
    """In a weighted composite: what the section's points add to its parent (or the total)."""


@attrs.frozen
class ParameterLine:
    """A parameter the score depended on: its value and whether it was given or defaulted."""

    name: str
    description: str
    value: Decimal
    source: str
    clause: str


@attrs.frozen
class VetoLine:
    """A veto that fired: the grade it forced or the flag it set."""

    id: str
    label: str
    grade: str | None
    flag: str | None
    clause: str

    @property
    def effect(self) -> str:
        """What the veto did, as the sheet says it: 列为不合格, 标记 no_honours, or both."""
        done = (f"列为{self.grade}" if self.grade else "", f"标记 {self.flag}" if self.flag else "")
        return "，".join(part for part in done if part)


class _Lines:
    """What a scored sheet's item and section lines are made from: the explained scoring's
    record of each node (``(section, points, start)`` or ``(item, points, outcomes, penalty,
    bonus)``, children before their section), each item's section, each rule's primary field.
    """

    __slots__ = ("entries", "fields", "parents", "weights")

    def __init__(
        self,
        entries: Sequence[Any],
        parents: Mapping[str, str],
        fields: Mapping[int, str],
        weights: Mapping[str, tuple[Decimal, Decimal]] | None = None,
    ) -> None:
        self.entries = entries
        self.parents = parents
        self.fields = fields
        # node id -> (its weight, the factor turning its points into its contribution)
        self.weights = weights or {}

    def _weighted(self, node_id: str, points: Decimal) -> tuple[Decimal | None, Decimal | None]:
        found = self.weights.get(node_id)
        return (None, None) if found is None else (found[0], points * found[1])

    def lines(self) -> tuple[ItemLine, ...]:
        parents, fields, reason = self.parents, self.fields, Reason._of
        return tuple(
            ItemLine(
                item.id,
                item.label,
                parents.get(item.id),
                points,
                item.maximum,
                # a rule's primary field is found by building its Field objects: once per
                # rubric, by the Scorer
                tuple(
                    reason(item, o, fields.get(id(o.rule)) or o.rule.primary_field)
                    for o in outcomes
                ),
                item.clause,
                *self._weighted(item.id, points),
            )
            for item, points, outcomes, *_ in self._of_kind(Item)
        )

    def sections(self) -> tuple[SectionLine, ...]:
        return tuple(
            SectionLine(
                node.id,
                node.label,
                points,
                node.effective_maximum,
                *self._weighted(node.id, points),
            )
            for node, points, _ in self._of_kind(Section)
        )

    def _of_kind(self, kind: type) -> list[Any]:
        return [entry for entry in self.entries if isinstance(entry[0], kind)]


class _Shown:
    """A scored sheet's evidence before it is shown: the validated values, the fields in order."""

    __slots__ = ("fields", "values")

    def __init__(self, values: Mapping[str, Any], fields: Sequence[str]) -> None:
        self.values = values
        self.fields = fields

    def shown(self) -> dict[str, str]:
        values = self.values
        return {k: show(values[k]) for k in self.fields}


def _lines_in(value: Iterable[Any] | _Lines) -> tuple[Any, ...] | _Lines:
    return value if isinstance(value, _Lines) else tuple(value)


def _finished(value: tuple[ItemLine, ...] | _Lines) -> tuple[ItemLine, ...]:
    return value.lines() if isinstance(value, _Lines) else value


def _finished_sections(value: tuple[SectionLine, ...] | _Lines) -> tuple[SectionLine, ...]:
    return value.sections() if isinstance(value, _Lines) else value


def _finished_evidence(value: dict[str, str] | _Shown) -> dict[str, str]:
    return value.shown() if isinstance(value, _Shown) else value


@attrs.frozen(repr=False)
class ScoreSheet:
    """The explained result of scoring one assessee for one period.

    ``total = base - penalty + bonus`` (then the rubric's floor and rounding); ``maximum`` is what
    the base can reach. Every item has a line; every change to an item has a reason with the rule,
    the evidence value, the arithmetic and the clause it quotes. The sheet also carries the
    assumptions and parameters the score depended on, and the fields that took their default.
    """

    rubric: str
    rubric_title: str
    rubric_version: str
    total: Decimal
    maximum: Decimal
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    grade: str | None
    stars: int | None
    flags: frozenset[str] = attrs.field(converter=_frozen)
    _lines: tuple[ItemLine, ...] | _Lines = attrs.field(converter=_lines_in, eq=_finished)
    _sections: tuple[SectionLine, ...] | _Lines = attrs.field(
        converter=_lines_in, factory=tuple, eq=_finished_sections
    )
    vetoes: tuple[VetoLine, ...] = attrs.field(converter=as_tuple, factory=tuple)
    assumptions: tuple[Assumption, ...] = attrs.field(converter=as_tuple, factory=tuple)
    parameters: tuple[ParameterLine, ...] = attrs.field(converter=as_tuple, factory=tuple)
    defaults: tuple[str, ...] = attrs.field(converter=as_tuple, factory=tuple)
    _evidence: dict[str, str] | _Shown = attrs.field(factory=dict, eq=_finished_evidence)
    bonus_before_cap: Decimal | None = None
    assessee: str | None = None
    period: str | None = None
    calendar: str | None = None
    format_version: int = FORMAT_VERSION

    @property
    def lines(self) -> tuple[ItemLine, ...]:
        """A line per item, in the rubric's order."""
        lines = self._lines
        if isinstance(lines, _Lines):
            lines = lines.lines()
            object.__setattr__(self, "_lines", lines)  # frozen to users; built once, here
        return lines

    @property
    def sections(self) -> tuple[SectionLine, ...]:
        """A subtotal per section, each after its children."""
        sections = self._sections
        if isinstance(sections, _Lines):
            sections = sections.sections()
            object.__setattr__(self, "_sections", sections)
        return sections

    @property
    def evidence(self) -> dict[str, str]:
        """Every field the rubric reads and its value as the sheet shows it, by field id."""
        evidence = self._evidence
        if isinstance(evidence, _Shown):
            evidence = evidence.shown()
            object.__setattr__(self, "_evidence", evidence)
        return evidence

    __repr__ = _repr

    def line(self, item_id: str) -> ItemLine:
        """The line of one item, by id."""
        for line in self.lines:
            if line.item_id == item_id:
                return line
        raise KeyError(item_id)

    @property
    def points(self) -> dict[str, Decimal]:
        """Each item's points by item id."""
        return {line.item_id: line.points for line in self.lines}

    def to_text(self) -> str:
        """The sheet as plain text, in Chinese, the way an assessor reads it."""
        return render_text(self)

    def __str__(self) -> str:
        return self.to_text()


def render_text(sheet: ScoreSheet) -> str:
    out: list[str] = [f"{sheet.rubric_title}（{sheet.rubric} {sheet.rubric_version}）"]
    if sheet.assessee:
        out.append(f"被考核人员：{sheet.assessee}")
    if sheet.period:
        out.append(f"考核时间：{sheet.period}")
    if sheet.calendar:
        out.append(f"工作日历：{sheet.calendar}")
    out.append("")
    out.append("考核内容 | 分值 | 扣分 | 得分")
    sections = {s.section_id: s for s in sheet.sections}
    shown: set[str] = set()
    for line in sheet.lines:
        if line.section and line.section not in shown and line.section in sections:
            shown.add(line.section)
            section = sections[line.section]
            weighted = (
                f"（权重{fmt(section.weight)}，折合 {fmt(section.contribution)}分）"
                if section.weight is not None and section.contribution is not None
                else ""
            )
            out.append(
                f"【{section.label}】 {fmt(section.points)} / {fmt(section.maximum)}{weighted}"
            )
        out.append(
            f"{line.label} | {fmt(line.maximum)} | {fmt(line.deducted)} | {fmt(line.points)}"
        )
        for reason in line.reasons:
            word = _EFFECT_WORDS.get(reason.effect, reason.effect)
            head = f"{reason.label}：" if reason.label else ""
            out.append(f"    · {head}{word} {fmt(reason.amount)}（{reason.arithmetic}）")
            out.append(f"      依据：「{reason.clause}」")
        if line.weight is not None and line.contribution is not None:
            out.append(
                f"    · 权重{fmt(line.weight)}：{fmt(line.points)} 折合 {fmt(line.contribution)}分"
            )
    out.append("")
    out.append(f"基本得分：{fmt(sheet.base)} / {fmt(sheet.maximum)}")
    if sheet.penalty:
        out.append(f"倒扣：{fmt(sheet.penalty)}")
    if sheet.bonus or sheet.bonus_before_cap:
        capped = (
            f"（加分合计{fmt(sheet.bonus_before_cap)}，封顶{fmt(sheet.bonus)}）"
            if sheet.bonus_before_cap is not None and sheet.bonus_before_cap != sheet.bonus
            else ""
        )
        out.append(f"加分：{fmt(sheet.bonus)}{capped}")
    out.append(f"考核得分：{fmt(sheet.total)}")
    if sheet.grade is not None:
        out.append(f"考核等次：{sheet.grade}")
    if sheet.stars is not None:
        out.append(f"星级：{'★' * sheet.stars}（{sheet.stars}星）")
    for veto in sheet.vetoes:
        out.append(f"否决：{veto.label or veto.id}，{veto.effect}。依据：「{veto.clause}」")
    if sheet.defaults:
        out.append(f"取默认值的字段：{'、'.join(sheet.defaults)}")
    if sheet.parameters:
        out.append("使用的参数：")
        for param in sheet.parameters:
            source = "默认值" if param.source == "default" else "地方设定"
            out.append(f"  {param.name} = {fmt(param.value)}（{source}；{param.description}）")
    if sheet.assumptions:
        out.append("依据的假设：")
        for assumption in sheet.assumptions:
            out.append(f"  [{assumption.id}] 原文「{assumption.quote}」：{assumption.decision}")
    return "\n".join(out) + "\n"
