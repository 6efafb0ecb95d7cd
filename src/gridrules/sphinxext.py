"""A Sphinx extension that documents installed rubrics from their own definitions.

Add ``"gridrules.sphinxext"`` to ``extensions`` in ``conf.py``. In a MyST Markdown page::

    ```{gridrules-rubric} jiangcheng
    ```

renders the installed rubric ``jiangcheng`` as a section: its metadata, the 考核细则 table
(sections, items, maxima, each rule as :meth:`~gridrules.Rule.describe` writes it, the clauses
quoted), its grading (bands, stars, vetoes, bonus cap, period combinations), its assumptions, its
parameters and the evidence fields it reads. Nothing on the page is written by hand, so the page
cannot drift from the rubric. ::

    ```{gridrules-rubrics}
    ```

lists every installed rubric, linking each to its page. The role ``gridrules:rubric`` links to a
rubric's page from anywhere::

    {gridrules:rubric}`jiangcheng`

A rubric that is not installed, or whose plugin is broken, is a build error naming the rubric and
the plugin's own error. With ``gridrules_require_pages = True`` (the default) an installed rubric
that no page documents is a warning too, so ``sphinx-build -W`` fails until it has a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, cast

from docutils import nodes  # type: ignore[import-untyped,import-not-found,unused-ignore]
from docutils.parsers.rst import directives  # type: ignore[import-untyped,import-not-found,unused-ignore]
from sphinx import addnodes  # type: ignore[import-not-found,unused-ignore]
from sphinx.domains import Domain, ObjType  # type: ignore[import-not-found,unused-ignore]
from sphinx.roles import XRefRole  # type: ignore[import-not-found,unused-ignore]
from sphinx.util import logging  # type: ignore[import-not-found,unused-ignore]
from sphinx.util.docutils import SphinxDirective  # type: ignore[import-not-found,unused-ignore]
from sphinx.util.nodes import make_refnode  # type: ignore[import-not-found,unused-ignore]

import gridrules

from .engine.rubric import Rubric
from .errors import GridrulesError
from .model.numbers import fmt
from .model.rules import Rule
from .model.tree import Item, Section
from .model.weights import Weight
from .sheet.lines import show
from .sheet.rubric_tables import node_notes

if TYPE_CHECKING:
    from sphinx.application import Sphinx  # type: ignore[import-not-found,unused-ignore]
    from sphinx.builders import Builder  # type: ignore[import-not-found,unused-ignore]
    from sphinx.environment import BuildEnvironment  # type: ignore[import-not-found,unused-ignore]

__all__ = ["GridrulesDomain", "RubricDirective", "RubricsDirective", "rubric_nodes", "setup"]

logger = logging.getLogger(__name__)

Cell: TypeAlias = str | nodes.Node | list[nodes.Node] | None


# -- node helpers ------------------------------------------------------------------------------


def _para(*parts: str | nodes.Node) -> nodes.paragraph:
    para = nodes.paragraph()
    for part in parts:
        para += nodes.Text(part) if isinstance(part, str) else part
    return para


def _quote(text: str) -> nodes.Node:
    """A clause quoted exactly, in the 「」 the score sheets use."""
    return nodes.inline("", f"「{text}」", classes=["gridrules-clause"])


def _cell(content: Cell) -> nodes.entry:
    entry = nodes.entry()
    if content is None or content == "":
        return entry
    if isinstance(content, str):
        entry += nodes.paragraph(text=content)
    elif isinstance(content, list):
        entry.extend(content)
    elif isinstance(content, nodes.Body):
        entry += content
    else:
        entry += _para(content)
    return entry


def _table(
    headers: list[str], rows: Iterable[list[Cell]], widths: list[int], classes: str = ""
) -> nodes.table:
    table = nodes.table(classes=["gridrules-table", *filter(None, [classes])])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for header in headers:
        row += _cell(header)
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += _cell(cell)
        body += row
    return table


def _literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _api_ref(obj: object) -> nodes.Node:
    """The class name, linked to its API entry when it is one of gridrules' public classes."""
    cls = obj if isinstance(obj, type) else type(obj)
    name = cls.__name__
    if getattr(gridrules, name, None) is not cls:
        return _literal(name)
    ref = addnodes.pending_xref(
        "",
        refdomain="py",
        reftype="class",
        reftarget=f"gridrules.{name}",
        refexplicit=True,
        refwarn=True,
    )
    ref += _literal(name)
    return ref


def _rubric_ref(name: str) -> nodes.Node:
    ref = addnodes.pending_xref(
        "",
        refdomain="gridrules",
        reftype="rubric",
        reftarget=name,
        refexplicit=True,
        refwarn=True,
    )
    ref += _literal(name)
    return ref


def _number(value: object) -> str:
    if isinstance(value, Decimal):
        return fmt(value)
    return f"[{value}]"


def _percent(weight: Weight) -> str:
    if isinstance(weight.weight, Decimal):
        return f"{fmt(weight.weight * 100)}%"
    return f"[{weight.weight}]"


def _weights(weights: Iterable[Weight], children: Iterable[Item | Section]) -> str:
    labels = {child.id: child.label for child in children}
    return "、".join(f"{labels.get(w.child, w.child)} {_percent(w)}" for w in weights)


def _section(ids: str, title: str) -> nodes.section:
    section = nodes.section(ids=[nodes.make_id(ids)], names=[nodes.fully_normalize_name(ids)])
    section += nodes.title(title, title)
    return section


# -- one rubric ----------------------------------------------------------------------------------


def _rule_fields(rule: Rule) -> list[str]:
    try:
        return [field.id for field in rule.fields()]
    except NotImplementedError:  # pragma: no cover - a custom rule without fields
        return []


def _rule_entry(rule: Rule, item_clause: str) -> nodes.list_item:
    entry = nodes.list_item()
    head = _para()
    if rule.label:
        head += nodes.strong(rule.label, rule.label)
        head += nodes.Text("：")
    head += nodes.Text(rule.describe())
    fields = _rule_fields(rule)
    if fields:
        head += nodes.Text(" ← ")
        for i, field in enumerate(fields):
            if i:
                head += nodes.Text(", ")
            head += _literal(field)
    head += nodes.Text(" (")
    head += _api_ref(rule)
    head += nodes.Text(")")
    entry += head
    if rule.clause and rule.clause != item_clause:
        entry += _para(_quote(rule.clause))
    return entry


def _node_rows(node: Item | Section, depth: int, weight: Weight | None) -> Iterator[list[Cell]]:
    indent = "\u3000" * depth
    share = [] if weight is None else [_para(f"权重 {_percent(weight)}")]
    maximum = [_para(fmt(node.maximum)), *share, *(_para(note) for note in node_notes(node))]
    if isinstance(node, Section):
        label = _para(
            indent, nodes.strong(f"【{node.label}】", f"【{node.label}】"), " ", _literal(node.id)
        )
        if node.weights:
            how = _para("加权：" + _weights(node.weights, node.children))
        else:
            how = _para(f"各项之和（{fmt(node.children_maximum)}分）")
        if node.maximum_assumption:
            how += nodes.Text(f"；见假设 {node.maximum_assumption}")
        yield [[label], maximum, [how], [_para(_quote(node.clause))] if node.clause else None]
        weights = {w.child: w for w in node.weights}
        for child in node.children:
            yield from _node_rows(child, depth + 1, weights.get(child.id))
        return
    label = _para(indent, nodes.Text(node.label), " ", _literal(node.id))
    rules = nodes.bullet_list()
    for rule in node.rules:
        rules += _rule_entry(rule, node.clause)
    yield [
        [label],
        maximum,
        [rules] if node.rules else None,
        [_para(_quote(node.clause))] if node.clause else None,
    ]


def _items_table(rubric: Rubric) -> nodes.table:
    weights = {w.child: w for w in rubric.weights}
    rows = [row for child in rubric.children for row in _node_rows(child, 0, weights.get(child.id))]
    return _table(
        ["考核内容 (item)", "分值 (points)", "规则 (rules ← evidence fields)", "依据 (clause)"],
        rows,
        [18, 8, 36, 38],
        "gridrules-items",
    )


def _metadata(rubric: Rubric, info: gridrules.RubricInfo | None) -> nodes.field_list:
    fields = nodes.field_list(classes=["gridrules-metadata"])

    def add(name: str, body: str | nodes.Node) -> None:
        field = nodes.field()
        field += nodes.field_name(name, name)
        value = nodes.field_body()
        value += _para(body)
        field += value
        fields.append(field)

    add("名称 (name)", _literal(rubric.name))
    add("版本 (version)", rubric.version)
    for label, value in (
        ("地区 (region)", rubric.region),
        ("发文单位 (issuer)", rubric.issuer),
        ("施行日期 (effective)", rubric.effective or ""),
        ("有效期至 (effective_until)", rubric.effective_until or ""),
        ("出处 (source)", rubric.source),
    ):
        if value:
            add(label, value)
    if info is not None:
        add("发行包 (distribution)", _literal(info.distribution))
    stated, allowed = rubric.maximum, rubric.effective_maximum
    if stated == allowed:
        add("满分 (maximum)", fmt(allowed))
    else:
        note = f"；见假设 {rubric.maximum_assumption}" if rubric.maximum_assumption else ""
        add("满分 (maximum)", f"{fmt(allowed)}（原文 {fmt(stated)}{note}）")
    if rubric.weights:
        add("加权 (weights)", _weights(rubric.weights, rubric.children))
    return fields


def _grading(rubric: Rubric) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    if rubric.grades is not None:
        rows: list[list[Cell]] = [
            [str(b.name), _literal(str(b.interval))] for b in rubric.grades.bands
        ]
        out.append(_para("等次 (grade bands), each total in exactly one band:"))
        out.append(_table(["等次 (grade)", "总分区间 (total)"], rows, [30, 70]))
    elif rubric.veto_grades:
        out.append(
            _para(
                "No grade bands: a record gets no grade unless a veto forces one of ",
                "、".join(rubric.veto_grades),
                ".",
            )
        )
    if rubric.stars is not None:
        out.append(
            _para("星级 (stars)：", rubric.stars.describe(), " (", _api_ref(rubric.stars), ")")
        )
    if rubric.vetoes:
        out.append(_para("否决 (vetoes), applied whatever the total:"))
        veto_rows: list[list[Cell]] = [
            [
                _para(v.label or v.id, " ", _literal(v.id)),
                _para(v.describe()),
                [_para(_quote(v.clause))] if v.clause else None,
            ]
            for v in rubric.vetoes
        ]
        out.append(
            _table(
                ["否决 (veto)", "条件与效果 (when, effect)", "依据 (clause)"],
                veto_rows,
                [25, 35, 40],
            )
        )
    bonus = rubric.bonus_cap
    if bonus is not None:
        out.append(_para(f"加分封顶 (bonus cap)：{_number(bonus)}分"))
    elif any(rule.effect.value == "bonus" for item in rubric.items() for rule in item.rules):
        ceiling = rubric.bonus_ceiling
        out.append(
            _para(
                "加分 (bonus)："
                + ("不封顶 (uncapped)" if ceiling is None else f"最多 {fmt(ceiling)}分")
            )
        )
    if rubric.floor is None:
        out.append(_para("总分下限 (floor)：无，倒扣可使总分为负"))
    elif rubric.floor:
        out.append(_para(f"总分下限 (floor)：{fmt(rubric.floor)}"))
    if rubric.rounding is not None:
        out.append(_para(f"总分 (total)：{rubric.rounding.describe()}"))
    if rubric.combinations:
        out.append(
            _para(
                "期间合成 (period combinations), see ", _api_ref(gridrules.PeriodCombination), ":"
            )
        )
        combo_rows: list[list[Cell]] = []
        for combo in rubric.combinations:
            if combo.method == "mean":
                how = "平均：" + "、".join(p.label for p in combo.parts)
            else:
                how = " + ".join(f"{p.label} × {fmt(p.weight * 100)}%" for p in combo.parts)
            if combo.rounding is not None:
                how += f"，{combo.rounding.describe()}"
            combo_rows.append(
                [
                    _para(combo.label, " ", _literal(combo.id)),
                    how,
                    [_para(_quote(combo.clause))] if combo.clause else None,
                ]
            )
        out.append(
            _table(
                ["合成 (combination)", "计算 (method)", "依据 (clause)"], combo_rows, [25, 35, 40]
            )
        )
    if not out:
        graded = [node for node in rubric.nodes() if isinstance(node, Section) and node.grades]
        out.append(
            _para(
                "The source declares no grades, stars or vetoes for the total"
                + (
                    f"; {'、'.join(node.label for node in graded)} "
                    "graded on its own (see its row above)."
                    if graded
                    else ": the result is the total alone."
                )
            )
        )
    return out


def _assumptions(rubric: Rubric) -> list[nodes.Node]:
    if not rubric.assumptions:
        return [_para("None: the rubric follows the source as written.")]
    rows: list[list[Cell]] = [
        [_literal(a.id), [_para(_quote(a.quote))], a.decision] for a in rubric.assumptions
    ]
    return [_table(["假设 (id)", "原文 (source text)", "处理 (decision)"], rows, [14, 40, 46])]


def _parameters(rubric: Rubric) -> list[nodes.Node]:
    if not rubric.parameters:
        return [_para("None: every number is in the source.")]
    rows: list[list[Cell]] = []
    for p in rubric.parameters:
        if p.value is not None:
            state = f"bound to {show(p.value)}"
        elif p.default is not None:
            state = f"optional, default {show(p.default)}"
        else:
            state = "required"
        rows.append(
            [_literal(p.name), p.kind.value, state, p.description, [_para(_quote(p.clause))]]
        )
    intro = _para(
        "The source leaves these blank; the region fills them (",
        _literal(f"gridrules.load({rubric.name!r}, params={{...}})"),
        " or ",
        _literal("gridrules score ... --params params.toml"),
        "). Scoring without a required one fails, naming it and quoting its clause.",
    )
    return [
        intro,
        _table(
            ["参数 (parameter)", "kind", "state", "说明 (description)", "依据 (clause)"],
            rows,
            [18, 10, 14, 28, 30],
        ),
    ]


def _fields(rubric: Rubric) -> list[nodes.Node]:
    rows: list[list[Cell]] = []
    for fid, field in sorted(rubric.fields.items()):
        if field.default is None:
            state = "required"
        elif isinstance(field.default, bool):
            state = f"default {str(field.default).lower()}"
        elif isinstance(field.default, tuple | frozenset | list):
            state = "default none"
        else:
            state = f"default {field.default}"
        extra = "、".join(field.choices)
        if field.maximum is not None:
            extra = f"0 to {fmt(field.maximum)}"
        rows.append([_literal(fid), field.kind.value, state, field.description, extra])
    intro = _para(
        "One evidence record maps these ids to values (",
        _literal(f"gridrules schema {rubric.name}"),
        " prints its JSON Schema):",
    )
    return [
        intro,
        _table(
            ["field", "kind", "required", "说明 (description)", "choices / range"],
            rows,
            [24, 12, 16, 28, 20],
        ),
    ]


def rubric_nodes(
    rubric: Rubric, info: gridrules.RubricInfo | None = None, *, api_links: bool = True
) -> nodes.section:
    """The documentation of one rubric as a docutils section, built from its definition only.

    :param info: the installed rubric's entry in :func:`gridrules.available`, for its
        distribution's name and the install command.
    :param api_links: link rule and grading class names to gridrules' API reference; a project
        whose documentation does not include that reference turns this off.
    """
    name = rubric.name
    title = f"{rubric.title}（{name}）"
    section = _section(f"rubric-{name}", title)
    if rubric.description:
        section += _para(rubric.description)
    section += _metadata(rubric, info)
    if info is not None and info.distribution:
        commands = (
            f"pip install {info.distribution}\n"
            f"gridrules show {name}\n"
            f"gridrules schema {name}\n"
            f"gridrules score {name} evidence.toml"
            + (" --params params.toml" if rubric.parameters else "")
        )
        block = nodes.literal_block(commands, commands, language="sh")
        section += block
    parts = (
        ("items", "Items (考核内容)", [_items_table(rubric)]),
        ("grading", "Grading (等次、星级与否决)", _grading(rubric)),
        ("assumptions", "Assumptions (假设)", _assumptions(rubric)),
        ("parameters", "Parameters (参数)", _parameters(rubric)),
        ("fields", "Evidence fields (证据字段)", _fields(rubric)),
    )
    for key, heading, body in parts:
        sub = _section(f"{name}-{key}", heading)
        sub.extend(body)
        section += sub
    if not api_links:
        for ref in list(section.findall(addnodes.pending_xref)):
            if ref["refdomain"] == "py":
                ref.replace_self(ref.children)
    return section


def _info(name: str) -> gridrules.RubricInfo | None:
    for info in gridrules.available():
        if info.name == name:
            return info
    return None


class RubricDirective(SphinxDirective):  # type: ignore[misc,unused-ignore]
    """``gridrules-rubric NAME``: the page of one installed rubric, built from the rubric."""

    required_arguments = 1
    optional_arguments = 0
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        try:
            rubric = gridrules.load(name)
        except GridrulesError as error:
            raise self.error(
                f"gridrules-rubric: cannot document the rubric {name!r}: {error}. Install the "
                "plugin that provides it (for a bundled one: pip install "
                f"./plugins/gridrules-{name.split('-')[0]}) or remove this directive."
            ) from None
        section = rubric_nodes(rubric, _info(name), api_links=self.config.gridrules_api_links)
        domain = cast(GridrulesDomain, self.env.domains["gridrules"])
        domain.note_rubric(
            name, self.env.docname, section["ids"][0], section[0].astext(), self.get_location()
        )
        self.state.document.note_explicit_target(section, section)
        return [section]


class RubricsDirective(SphinxDirective):  # type: ignore[misc,unused-ignore]
    """``gridrules-rubrics``: a table of every installed rubric, each linked to its page."""

    required_arguments = 0
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"broken-ok": directives.flag}

    def run(self) -> list[nodes.Node]:
        infos = gridrules.available()
        if not infos:
            return [_para("No rubric is installed.")]
        rows: list[list[Cell]] = []
        for info in infos:
            if info.ok:
                rows.append(
                    [
                        _rubric_ref(info.name),
                        info.title,
                        info.region,
                        info.version,
                        _literal(info.distribution),
                    ]
                )
                continue
            if "broken-ok" not in self.options:
                logger.warning(
                    "gridrules-rubrics: the plugin of %r (%s) is broken: %s",
                    info.name,
                    info.distribution,
                    info.error,
                    location=self.get_location(),
                    type="gridrules",
                    subtype="broken",
                )
            rows.append(
                [
                    _literal(info.name),
                    f"broken: {info.error}",
                    "",
                    info.version,
                    _literal(info.distribution),
                ]
            )
        return [
            _table(
                ["rubric", "title", "region", "version", "distribution"],
                rows,
                [16, 36, 16, 10, 22],
                "gridrules-rubrics",
            )
        ]


class GridrulesDomain(Domain):  # type: ignore[misc,unused-ignore]
    """Which page documents each rubric, for links and for the check that each one has a page."""

    name = "gridrules"
    label = "gridrules"
    object_types: ClassVar[dict[str, Any]] = {"rubric": ObjType("rubric", "rubric")}
    roles: ClassVar[dict[str, Any]] = {"rubric": XRefRole(warn_dangling=True)}
    initial_data: ClassVar[dict[str, Any]] = {"rubrics": {}}
    dangling_warnings: ClassVar[dict[str, str]] = {
        "rubric": "no page documents the rubric %(target)r: add a page with the directive "
        "gridrules-rubric %(target)s",
    }
    data_version = 1

    @property
    def rubrics(self) -> dict[str, tuple[str, str, str]]:
        """Rubric name to (docname, node id, title)."""
        result: dict[str, tuple[str, str, str]] = self.data.setdefault("rubrics", {})
        return result

    def note_rubric(
        self, name: str, docname: str, node_id: str, title: str, location: Any = None
    ) -> None:
        other = self.rubrics.get(name)
        if other is not None and other[0] != docname:
            logger.warning(
                "the rubric %r is documented twice, also in %s",
                name,
                other[0],
                location=location,
                type="gridrules",
                subtype="duplicate",
            )
        self.rubrics[name] = (docname, node_id, title)

    def clear_doc(self, docname: str) -> None:
        for name, (doc, _, _) in list(self.rubrics.items()):
            if doc == docname:
                del self.rubrics[name]

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for name, entry in otherdata.get("rubrics", {}).items():
            if entry[0] in docnames:
                self.rubrics[name] = entry

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        entry = self.rubrics.get(target)
        if entry is None:
            return None
        docname, node_id, title = entry
        ref: nodes.reference = make_refnode(builder, fromdocname, docname, node_id, contnode, title)
        return ref

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        ref = self.resolve_xref(env, fromdocname, builder, "rubric", target, node, contnode)
        return [] if ref is None else [("gridrules:rubric", ref)]

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for name, (docname, node_id, title) in sorted(self.rubrics.items()):
            yield name, title, "rubric", docname, node_id, 1

    def check_consistency(self) -> None:
        if not self.env.config.gridrules_require_pages:
            return
        for info in gridrules.available():
            if info.ok and info.name not in self.rubrics:
                logger.warning(
                    "the installed rubric %r (%s) has no page: add docs/rubrics/%s.md holding "
                    "the directive gridrules-rubric %s",
                    info.name,
                    info.distribution,
                    info.name,
                    info.name,
                    type="gridrules",
                    subtype="undocumented",
                )


def _always_reread(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    """Pages of rubrics are re-read on every build: the rubric may change without the page."""
    domain = cast(GridrulesDomain, env.domains["gridrules"])
    return sorted({docname for docname, _, _ in domain.rubrics.values()} - set(removed))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives, the ``gridrules`` domain and the configuration values.

    ``gridrules_require_pages`` (default true) warns about installed rubrics without a page;
    ``gridrules_api_links`` (default true) links class names to gridrules' API reference.
    """
    app.add_config_value("gridrules_require_pages", True, "env", bool)
    app.add_config_value("gridrules_api_links", True, "env", bool)
    app.add_domain(GridrulesDomain)
    app.add_directive("gridrules-rubric", RubricDirective)
    app.add_directive("gridrules-rubrics", RubricsDirective)
    app.connect("env-get-outdated", _always_reread)
    return {
        "version": gridrules.__version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
