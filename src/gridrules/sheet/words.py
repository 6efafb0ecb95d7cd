"""What every rendering of a sheet says the same way: the words for effects, the working of
each reason, the results under the table, the notes, and how numbers are shown.

A value a division left long (a ballot mean of 262 ÷ 3, a weighted contribution) is shown to
two decimal places with ``≈`` before it (:func:`~gridrules.model.numbers.shown`), and every sheet
that shows one says so in its notes; the score itself keeps every digit.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from ..model.numbers import SHOWN_PLACES, shown
from ..model.tree import Assumption
from .audit import Audit
from .content import SheetContent
from .lines import ItemLine, ParameterLine, SectionLine, VetoLine, show

__all__ = [
    "EFFECT_WORDS",
    "SOURCE_WORDS",
    "h",
    "md",
    "notes",
    "reason_texts",
    "results",
    "sheet_rows",
    "stamp_text",
    "stars_text",
]

SOURCE_WORDS = {"default": "默认值", "given": "地方设定"}
"""Where a parameter's value came from, as a sheet says it."""
EFFECT_WORDS = {"deduct": "扣", "set": "得", "zero": "清零", "penalty": "倒扣", "bonus": "加"}
"""Each effect of a rule, as a sheet says it."""
ROUNDED_NOTE = f"带 ≈ 的数值为四舍五入保留{SHOWN_PLACES}位小数的显示值，计算按精确值进行"
"""The note of a sheet that shows a value rounded for display."""


def md(text: str) -> str:
    """Text made safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def h(text: object) -> str:
    """Text escaped for HTML."""
    return html.escape(str(text), quote=True)


def reason_texts(line: ItemLine) -> list[tuple[str, str]]:
    """Each reason of a line as (working, clause)."""
    texts = []
    for reason in line.reasons:
        word = EFFECT_WORDS.get(reason.effect, reason.effect)
        head = f"{reason.label}：" if reason.label else ""
        amount = "" if reason.effect == "zero" else f"{shown(reason.amount)}分"
        texts.append((f"{head}{reason.arithmetic}，{word}{amount}", reason.clause))
    texts.extend((note, "") for note in line_notes(line))
    return texts


def line_notes(line: ItemLine) -> list[str]:
    """What follows an item's reasons: its rounding (得分四舍五入：87分) and, in a weighted
    composite, its contribution."""
    notes = []
    if line.rounding is not None:
        notes.append(f"得分{line.rounding}：{shown(line.points)}分")
    if line.weight is not None and line.contribution is not None:
        notes.append(weighted_text(line.points, line.weight, line.contribution))
    return notes


def weighted_text(points: Decimal, weight: Decimal, contribution: Decimal) -> str:
    """A weighted part's contribution: ``权重0.3：80 折合 24分``."""
    return f"权重{shown(weight)}：{shown(points)} 折合 {shown(contribution)}分"


def stars_text(stars: int | None, most: int | None = None) -> str:
    """Stars as a sheet draws them: ``★★★（3星）``, with ``☆`` up to ``most``."""
    if stars is None:
        return ""
    return "★" * stars + "☆" * max(0, (most or stars) - stars) + f"（{stars}星）"


def results(sheet: SheetContent) -> list[tuple[str, str]]:
    """The lines under the table: total, base, bonus and penalty, grade, stars, vetoes, and the
    assessors' remarks."""
    pairs = [("考核得分", f"{shown(sheet.total)}（满分{shown(sheet.maximum)}）")]
    if sheet.bonus or sheet.penalty or sheet.bonus_before_cap:
        parts = [f"基本得分 {shown(sheet.base)}"]
        if sheet.bonus or sheet.bonus_before_cap:
            capped = (
                f"（合计{shown(sheet.bonus_before_cap)}，封顶{shown(sheet.bonus)}）"
                if sheet.bonus_before_cap is not None and sheet.bonus_before_cap != sheet.bonus
                else ""
            )
            parts.append(f"加分 {shown(sheet.bonus)}{capped}")
        if sheet.penalty:
            parts.append(f"倒扣 {shown(sheet.penalty)}")
        pairs.append(("其中", "；".join(parts)))
    pairs.extend(verdicts(sheet))
    return pairs


def verdicts(sheet: SheetContent) -> list[tuple[str, str]]:
    """What the sheet concludes beside its figures: the grade, the stars, the vetoes that fired
    and the assessors' remarks, each as (label, text)."""
    pairs = []
    if sheet.grade is not None:
        pairs.append(("考核等次", sheet.grade))
    if sheet.stars is not None:
        pairs.append(("星级", stars_text(sheet.stars)))
    for veto in sheet.vetoes:
        pairs.append(("否决", veto_text(veto)))
    pairs.extend((remark.label, remark.text) for remark in sheet.remarks)
    return pairs


def section_notes(section: SectionLine) -> list[str]:
    """What a section's line says beside its points: its weight and contribution in a weighted
    composite, its cap when it took points off (合计24分，封顶10分), its own grade."""
    notes = []
    if section.weight is not None and section.contribution is not None:
        notes.append(f"权重{shown(section.weight)}，折合 {shown(section.contribution)}分")
    if section.before_cap is not None:
        notes.append(f"合计{shown(section.before_cap)}分，封顶{shown(section.maximum)}分")
    if section.grade is not None:
        notes.append(f"等次：{section.grade}")
    return notes


def veto_text(veto: VetoLine) -> str:
    """A veto that fired, in words: what it is (and how its condition read), what it did, and
    the clause: ``参加例会次数不足一半（... < 12 × 0.5 = 6），列为不合格。依据「...」``."""
    working = f"（{veto.working}）" if veto.working else ""
    return f"{veto.label or veto.id}{working}，{veto.effect}。依据「{veto.clause}」"


def rounded_for_display(sheet: SheetContent) -> bool:
    """Whether the sheet shows a value rounded for display (``≈``)."""
    figures = [sheet.total, sheet.base, sheet.bonus, sheet.penalty]
    if sheet.bonus_before_cap is not None:
        figures.append(sheet.bonus_before_cap)
    for line in sheet.lines:
        # a line's 扣分 is its maximum less its points: long only where one of them is
        figures.append(line.points)
        figures.append(line.maximum)
        if line.contribution is not None:
            figures.append(line.contribution)
        for reason in line.reasons:
            figures.append(reason.amount)
    for section in sheet.sections:
        figures += [v for v in (section.points, section.contribution, section.before_cap) if v]
    # whether each figure is long, as remembered: one look-up each, and a figure met for the
    # first time worked out
    known = list(map(_LONG.get, figures))
    if True in known:
        return True
    return None in known and any(_long(v) for v, k in zip(figures, known, strict=True) if k is None)


_LONG: dict[Decimal, bool] = {}
"""Whether each value met is shown rounded; the few figures of a rubric's sheets recur."""


def _long(value: Decimal) -> bool:
    """Whether ``value`` is shown rounded (``≈``)."""
    known = _LONG.get(value)
    if known is None:
        known = shown(value).startswith("≈")
        if len(_LONG) < 10_000:
            _LONG[value] = known
    return known


def notes(sheet: SheetContent) -> list[tuple[str, list[str]]]:
    """The notes under the results: the warnings, the working-day calendar, the rounding for
    display, the defaulted fields, parameters and assumptions, each when there is one."""
    notes: list[tuple[str, list[str]]] = []
    if sheet.warnings:
        notes.append(("提示", list(sheet.warnings)))
    if sheet.calendar:
        notes.append(("工作日历", [sheet.calendar]))
    if rounded_for_display(sheet):
        notes.append(("数值显示", [ROUNDED_NOTE]))
    if sheet.defaults:
        notes.append(("取默认值的字段", ["、".join(sheet.defaults)]))
    if sheet.parameters:
        notes.append(("使用的参数", _written(sheet.parameters, _parameter_text)))
    if sheet.assumptions:
        notes.append(("依据的假设", _written(sheet.assumptions, _assumption_text)))
    return notes


def _parameter_text(p: ParameterLine) -> str:
    return f"{p.name} = {show(p.value)}（{SOURCE_WORDS[p.source]}；{p.description}）"


def _assumption_text(a: Assumption) -> str:
    return f"[{a.id}] 原文「{' '.join(a.quote.split())}」：{a.decision}"


_WRITTEN: dict[int, tuple[object, list[str]]] = {}
"""The notes written for a tuple of parameter lines or assumptions: every sheet of one scorer
holds the very same tuple, and its notes are written once (by the tuple's identity, checked)."""


def _written(entries: tuple[Any, ...], write: Callable[[Any], str]) -> list[str]:
    known = _WRITTEN.get(id(entries))
    if known is not None and known[0] is entries:
        return list(known[1])
    texts = [write(entry) for entry in entries]
    if len(_WRITTEN) >= 1024:
        _WRITTEN.clear()
    _WRITTEN[id(entries)] = (entries, texts)  # held: its identity is not reused meanwhile
    return list(texts)


def sheet_rows(sheet: SheetContent) -> Iterator[SectionLine | ItemLine]:
    """The table's rows in order: each section's subtotal before its first item (a section
    inside another after the outer one's), then the items."""
    sections = {s.section_id: s for s in sheet.sections}
    shown: set[str] = set()
    for line in sheet.lines:
        chain: list[SectionLine] = []
        parent = line.section
        while parent is not None and parent not in shown and parent in sections:
            chain.append(sections[parent])
            parent = sections[parent].section
        for section in reversed(chain):
            shown.add(section.section_id)
            yield section
        yield line


def stamp_text(audit: Audit | None) -> str:
    """The audit stamp as a printed sheet's footer ends: the versions, the first digits of the
    rubric's and the parameters' hashes, and when it was scored (UTC); empty without a stamp."""
    if audit is None:
        return ""
    plugin = f" · {audit.plugin} {audit.plugin_version}" if audit.plugin else ""
    rubric, params = (
        digest.partition(":")[2][:12] for digest in (audit.rubric_hash, audit.params_hash)
    )
    return (
        f" · gridrules {audit.gridrules_version}{plugin} · 细则 {rubric} · 参数 {params}"
        f" · 评分时间 {audit.scored_at}"
    )
