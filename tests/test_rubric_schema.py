"""The JSON Schema of the rubric file format: every bundled rubric is valid under it, every
generated rubric too; what the loader refuses for its shape (a misspelt key, an unknown rule
kind, a wrong node tag, text where a table belongs) the schema refuses as well; what the schema
accepts in the spot checks loads; and the copy published with the documentation is the one the
model makes."""

from __future__ import annotations

import fnmatch
import inspect
import json
import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal

import attrs
import pytest
import tomli_w
from click.testing import CliRunner
from hypothesis import given, settings
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from strategies import rubrics

import gridrules as gr
from gridrules import cli
from gridrules.model.refs import Number, number
from gridrules.serialization import (
    load_rubric,
    loads_rubric,
    rubric_schema,
    structure_rubric,
    unstructure_rubric,
)

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "docs" / "_static" / "rubric.schema.json"
EVERY_BLOCK = ROOT / "docs" / "_examples" / "every-block.toml"
RUBRIC_FILES = sorted(
    [
        *ROOT.glob("plugins/*/src/*/rubric*.toml"),
        *ROOT.glob("plugins/_template/*/src/*/rubric*.toml"),
        *ROOT.glob("examples/compare/*.toml"),
        *ROOT.glob("docs/_examples/**/rubric*.toml"),
        EVERY_BLOCK,
    ]
)
SCHEMA = rubric_schema()
VALIDATOR = Draft202012Validator(SCHEMA)


def problems(data: object) -> list[str]:
    """Every error the schema finds, those inside each branch of a ``oneOf``/``anyOf`` too,
    each as ``path: message``."""

    def walk(errors: list[ValidationError]) -> Iterator[str]:
        for error in errors:
            yield f"{error.json_path}: {error.message}"
            yield from walk(error.context or [])

    return list(walk(list(VALIDATOR.iter_errors(data))))


def every_block() -> dict[str, Any]:
    return tomllib.loads(EVERY_BLOCK.read_text(encoding="utf-8"))


# -- the schema itself -----------------------------------------------------------------------------


def test_the_schema_is_a_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["additionalProperties"] is False
    assert SCHEMA["required"] == ["name", "title", "maximum", "children"]


def test_the_published_copy_is_the_one_the_model_makes() -> None:
    assert json.loads(PUBLISHED.read_text(encoding="utf-8")) == SCHEMA, (
        "docs/_static/rubric.schema.json is stale: write it anew with "
        "`gridrules schema --rubric-file -o docs/_static/rubric.schema.json`"
    )


def test_the_classes_give_the_help_an_editor_shows() -> None:
    quota = SCHEMA["$defs"]["Quota"]
    assert quota["title"] == "Quota"
    assert quota["description"] == gr.Quota.__doc__.splitlines()[0]  # type: ignore[union-attr]
    assert "`judged`" in quota["markdownDescription"]  # the whole docstring, in Markdown
    assert ":class:" not in json.dumps(SCHEMA)  # Sphinx roles read as plain names
    # an attribute's own docstring describes the attribute
    remarks = SCHEMA["properties"]["remarks"]
    assert remarks["description"].startswith("Free text an assessor writes (领导点评)")


def test_every_rule_kind_is_one_branch_told_by_its_kind() -> None:
    rule = SCHEMA["$defs"]["Rule"]
    kinds = [cls.kind for cls in gr.model.rules.RULE_TYPES]
    assert rule["properties"]["kind"]["enum"] == kinds
    # completing `kind = "`, an editor describes each kind by its class's first line
    first_lines = [str(inspect.getdoc(cls)).splitlines()[0] for cls in gr.model.rules.RULE_TYPES]
    assert rule["properties"]["kind"]["enumDescriptions"] == first_lines
    assert rule["properties"]["kind"]["x-taplo"] == {"docs": {"enumValues": first_lines}}
    assert rule["oneOf"] == [{"$ref": f"#/$defs/{kind}"} for kind in kinds]
    for cls in gr.model.rules.RULE_TYPES:
        branch = SCHEMA["$defs"][cls.kind]
        attributes = [a for a in attrs.fields(cls) if a.init]
        assert list(branch["properties"]) == ["kind", *(a.name for a in attributes)]
        assert branch["properties"]["kind"] == {"enum": [cls.kind]}
        assert branch["required"] == ["kind"] + [
            a.name for a in attributes if a.default is attrs.NOTHING
        ]
        assert branch["additionalProperties"] is False


def test_literals_enums_and_validators_give_the_allowed_values() -> None:
    defs = SCHEMA["$defs"]
    assert defs["Tiers"]["properties"]["hit"] == {"default": "first", "enum": ["first", "unique"]}
    assert defs["When"]["properties"]["op"]["enum"] == list(gr.model.conditions.OPERATORS)
    assert defs["Parameter"]["properties"]["kind"]["enum"] == [
        "amount",
        "count",
        "percentage",
        "text",
    ]
    assert defs["Rate"]["properties"]["empty"]["enum"] == ["refuse", "full", "zero"]
    assert defs["Item"]["properties"]["id"]["pattern"]  # tree.node_id
    assert defs["Item"]["properties"]["floor"]["default"] == "0"


def test_only_a_quota_target_may_come_from_the_evidence_or_the_calendar() -> None:
    defs = SCHEMA["$defs"]
    assert gr.Quota.evidence_numbers == {"target"}
    target = defs[defs["Quota"]["properties"]["target"]["$ref"].rsplit("/", 1)[1]]
    assert {"$ref": "#/$defs/FromField"} in target["anyOf"]
    assert {"$ref": "#/$defs/PerUnit"} in target["anyOf"]
    points = defs[defs["Quota"]["properties"]["points"]["$ref"].rsplit("/", 1)[1]]
    assert {"$ref": "#/$defs/FromField"} not in points["anyOf"]
    per_unit = [next(iter(form["properties"])) for form in defs["PerUnit"]["anyOf"]]
    assert per_unit == [f"per_{unit}" for unit in gr.model.refs.UNIT_WORDS]


def test_nothing_stands_beside_a_ref() -> None:
    """Older drafts (taplo, "Even Better TOML" read draft 4) ignore every keyword beside a
    ``$ref``: the schema keeps them apart, and says a fixed value with ``enum``."""

    def walk(node: object) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for node in walk(SCHEMA):
        if "$ref" in node:
            assert set(node) == {"$ref"}, node
        assert "const" not in node


# -- what is bundled and generated is valid --------------------------------------------------------


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_rubric_file_is_valid(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert problems(data) == []
    load_rubric(path)  # and it loads


def test_the_bundled_rubric_files_are_found() -> None:
    assert len([p for p in RUBRIC_FILES if "plugins" in p.parts]) >= 16


def test_the_editor_configuration_of_the_repository_covers_its_rubric_files() -> None:
    config = tomllib.loads((ROOT / ".taplo.toml").read_text(encoding="utf-8"))
    (rule,) = config["rule"]
    assert (ROOT / rule["schema"]["path"]).resolve() == PUBLISHED
    for path in RUBRIC_FILES:
        relative = path.relative_to(ROOT).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in rule["include"]), relative


@settings(max_examples=40)
@given(rubrics())
def test_every_generated_rubric_is_valid_as_data_json_and_toml(rubric: gr.Rubric) -> None:
    data = unstructure_rubric(rubric)
    assert problems(data) == []
    assert problems(json.loads(json.dumps(data, ensure_ascii=False))) == []
    assert problems(tomllib.loads(tomli_w.dumps(data))) == []


# -- what the loader refuses for its shape, the schema refuses -------------------------------------


def _rule(data: dict[str, Any], item: str) -> dict[str, Any]:
    """The first rule of the item ``item`` (found anywhere in the tree)."""

    def nodes(children: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for child in children:
            yield child
            yield from nodes(child.get("children", []))

    return next(n for n in nodes(data["children"]) if n["id"] == item)["rules"][0]  # type: ignore[no-any-return]


def _set(where: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: object) -> Any:
    def change(data: dict[str, Any]) -> None:
        where(data)[key] = value

    return change


def _rename(where: Callable[[dict[str, Any]], dict[str, Any]], key: str, new: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        table = where(data)
        table[new] = table.pop(key)

    return change


def _root(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _section(data: dict[str, Any]) -> dict[str, Any]:
    return data["children"][0]  # type: ignore[no-any-return]


def _item(data: dict[str, Any]) -> dict[str, Any]:
    return data["children"][0]["children"][0]  # type: ignore[no-any-return]


def _per_occurrence(data: dict[str, Any]) -> dict[str, Any]:
    return _rule(data, "xun")


def _tiers(data: dict[str, Any]) -> dict[str, Any]:
    return _rule(data, "rectification")


def _zero_if(data: dict[str, Any]) -> dict[str, Any]:
    return _rule(data, "data")


REFUSED: dict[str, tuple[Any, str]] = {
    # misspelt keys, at every depth
    "a misspelt key of the rubric": (_rename(_root, "title", "titel"), "'titel' was unexpected"),
    "a misspelt key of a section": (_rename(_section, "label", "lable"), "'lable' was unexpected"),
    "a misspelt key of an item": (_rename(_item, "clause", "cluase"), "'cluase' was unexpected"),
    "a misspelt key of a rule": (
        _rename(_per_occurrence, "points", "pionts"),
        "'pionts' was unexpected",
    ),
    "a misspelt key of a condition": (_rename(_zero_if, "when", "wen"), "'wen' was unexpected"),
    "a misspelt key of a tier's interval": (
        lambda data: _tiers(data)["tiers"][0]["interval"].update(uper="60"),
        "'uper' was unexpected",
    ),
    "a misspelt key of a parameter reference": (
        _set(_per_occurrence, "points", {"parm": "x"}),
        "'parm' was unexpected",
    ),
    # rule kinds and node tags
    "an unknown rule kind": (
        _set(_per_occurrence, "kind", "PerOccurence"),
        "'PerOccurence' is not one of",
    ),
    "a rule without its kind": (
        lambda data: _per_occurrence(data).pop("kind"),
        "'kind' is a required property",
    ),
    "a wrong node tag": (_set(_item, "node", "items"), "'items' is not one of ['item', 'section']"),
    "a node without its tag": (lambda data: _item(data).pop("node"), "'node' is a required"),
    "an item's keys under a section's tag": (
        _set(_item, "node", "section"),
        "'rules' was unexpected",
    ),
    # text where a table is expected
    "text for the grade bands": (_set(_root, "grades", "优秀"), "'优秀' is not of type 'object'"),
    "text for a condition": (_set(_zero_if, "when", "months_stale"), "is not of type 'object'"),
    "text for a rule": (
        lambda data: _item(data).update(rules=["PerOccurrence"]),
        "'PerOccurrence' is not of type 'object'",
    ),
    "text for the star rating": (_set(_root, "stars", "5"), "'5' is not of type 'object'"),
    # numbers, references and fixed values
    "a number that is not one": (_set(_per_occurrence, "points", "五"), "does not match"),
    "a negative deduction": (_set(_per_occurrence, "points", "-5"), "does not match"),
    "a negative number": (_set(_per_occurrence, "points", -5), "less than the minimum of 0"),
    "an evidence number where only a quota's target may have one": (
        _set(_per_occurrence, "points", {"field": "points_each"}),
        "'field' was unexpected",
    ),
    "a cap that is neither a number nor uncapped": (
        _set(_per_occurrence, "cap", "none"),
        "'none' is not one of ['uncapped']",
    ),
    "an unknown operator": (
        lambda data: _zero_if(data)["when"].update(op="=>"),
        "'=>' is not one of",
    ),
    "an unknown hit policy": (_set(_tiers, "hit", "last"), "'last' is not one of"),
    "a bonus without its cap": (
        lambda data: _rule(data, "bonus").pop("cap"),
        "'cap' is a required property",
    ),
    "another format": (_set(_root, "format", "gridrules-rubric/2"), "is not one of"),
    "an id with a space": (_set(_item, "id", "the xun"), "does not match"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_schema_refuses_what_the_loader_refuses(case: str) -> None:
    change, expected = REFUSED[case]
    data = every_block()
    change(data)
    found = problems(data)
    assert any(expected in problem for problem in found), found
    with pytest.raises(gr.DataFileError):
        structure_rubric(data)


def test_the_loader_names_the_same_problem() -> None:
    data = every_block()
    _rename(_per_occurrence, "points", "pionts")(data)
    with pytest.raises(gr.DataFileError, match="pionts"):
        structure_rubric(data)
    data = every_block()
    _set(_per_occurrence, "kind", "PerOccurence")(data)
    with pytest.raises(gr.DataFileError, match="PerOccurence"):
        structure_rubric(data)


# -- what the schema accepts, the loader loads (spot checks) ---------------------------------------


def _bounds_from_parameters(data: dict[str, Any]) -> None:
    data["parameters"] = [
        {"name": "excellent_from", "description": "优秀最低分", "clause": "优秀", "default": 90},
        {"name": "excellent", "description": "优秀的名称", "clause": "优秀", "kind": "text"},
    ]
    data["grades"]["bands"][0] = {
        "name": {"param": "excellent"},
        "interval": {"lower": {"param": "excellent_from"}},
    }
    data["grades"]["bands"][1]["interval"]["upper"] = {"param": "excellent_from"}
    data["vetoes"][0]["grade"] = "不合格"


ACCEPTED: dict[str, Callable[[dict[str, Any]], Any]] = {
    "numbers as TOML numbers": lambda data: (
        _per_occurrence(data).update(points=5, cap=15),
        _rule(data, "visits").update(points=Decimal("0.1")),
    ),
    "numbers as text with spaces and signs": _set(_per_occurrence, "points", " +5 "),
    "a cap left uncapped": _set(_per_occurrence, "cap", "uncapped"),
    "a target per unit of time": _set(
        lambda data: _rule(data, "cases"), "target", {"per_month": "10"}
    ),
    "a target from the evidence": lambda data: _rule(data, "cases").update(
        target={"field": "cases_due"}, label="办件"
    ),
    "a rate from two counts": lambda data: _tiers(data).update(
        field={"numerator": "fixed", "denominator": "found", "empty": "full"}
    ),
    "a condition on two fields": lambda data: _zero_if(data)["when"].update(
        op="<", value={"field": "months_due", "times": "0.5", "label": "应更新月数"}
    ),
    "grades named and bounded by parameters": _bounds_from_parameters,
    "the format left out": lambda data: data.pop("format"),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_what_the_schema_accepts_loads(case: str) -> None:
    data = every_block()
    ACCEPTED[case](data)
    assert problems(data) == []
    structure_rubric(data)


def test_unquoted_numbers_in_a_file_are_valid_and_read_exactly() -> None:
    text = EVERY_BLOCK.read_text(encoding="utf-8")
    for quoted, bare in [
        ('maximum = "100"', "maximum = 100.0"),
        ('points = "0.1"', "points = 0.1"),
    ]:
        assert quoted in text
        text = text.replace(quoted, bare)
    assert problems(tomllib.loads(text)) == []
    rubric = loads_rubric(text)
    assert rubric == load_rubric(EVERY_BLOCK)
    assert rubric.node("visits").rules[0].points == Decimal("0.1")  # type: ignore[union-attr]


def test_a_rubric_file_with_an_editor_directive_loads(tmp_path: Path) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text(
        "#:schema ./rubric.schema.json\n" + EVERY_BLOCK.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    assert load_rubric(path) == load_rubric(EVERY_BLOCK)


def test_a_json_rubric_file_is_valid_and_loads() -> None:
    text = json.dumps(every_block(), ensure_ascii=False)
    assert problems(json.loads(text)) == []
    loads_rubric(text, "json")


# -- made from the model: a new rule kind is in it at once -----------------------------------------


@attrs.frozen
class Escalated(gr.Rule):
    """上报不及时: a rule kind the schema has never seen."""

    kind: ClassVar[str] = "Escalated"
    field: str
    points: Number = attrs.field(converter=number)
    speed: Literal["slow", "late"] = "late"
    clause: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)


def test_a_new_rule_kind_is_in_the_schema_without_editing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gridrules.sheet import rubric_schema as module

    monkeypatch.setattr(module, "RULE_TYPES", (*module.RULE_TYPES, Escalated))
    schema = module.rubric_schema()
    branch = schema["$defs"]["Escalated"]
    assert branch["description"] == "上报不及时: a rule kind the schema has never seen."
    assert branch["properties"]["speed"] == {"default": "late", "enum": ["slow", "late"]}
    assert branch["required"] == ["kind", "field", "points"]
    assert "Escalated" in schema["$defs"]["Rule"]["properties"]["kind"]["enum"]
    rule = {"kind": "Escalated", "field": "late_reports", "points": "1"}
    data = every_block()
    _item(data)["rules"] = [rule]
    assert list(Draft202012Validator(schema).iter_errors(data)) == []


@attrs.frozen
class Odd(gr.Rule):
    """A rule with an attribute of a type no hook reads."""

    kind: ClassVar[str] = "Odd"
    field: str
    table: dict[str, int]


def test_an_attribute_of_an_unknown_type_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from gridrules.sheet import rubric_schema as module

    monkeypatch.setattr(module, "RULE_TYPES", (*module.RULE_TYPES, Odd))
    with pytest.raises(TypeError, match=r"no JSON Schema for dict\[str, int\] \(Odd\.table\)"):
        module.rubric_schema()


# -- the command line ------------------------------------------------------------------------------


def test_the_command_prints_and_writes_the_schema(tmp_path: Path) -> None:
    printed = CliRunner().invoke(cli.main, ["schema", "--rubric-file"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == SCHEMA
    target = tmp_path / "rubric.schema.json"
    written = CliRunner().invoke(cli.main, ["schema", "--rubric-file", "-o", str(target)])
    assert written.exit_code == 0, written.output
    assert written.stdout == ""
    assert target.read_text(encoding="utf-8") == printed.stdout
    assert target.read_text(encoding="utf-8") == PUBLISHED.read_text(encoding="utf-8")


def test_the_command_still_prints_a_rubrics_evidence_schema(tmp_path: Path) -> None:
    target = tmp_path / "evidence.schema.json"
    result = CliRunner().invoke(cli.main, ["schema", "xingji", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8")) == gr.load("xingji").evidence_schema()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "needs a rubric NAME, or --rubric-file"),
        (["xingji", "--rubric-file"], "not both"),
    ],
)
def test_the_command_wants_one_of_a_name_and_the_flag(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli.main, ["schema", *args])
    assert result.exit_code == cli.EXIT_BAD_INPUT
    assert message in result.stderr
