"""The request and response models: one set of request models per installed rubric, generated
from the rubric, and the documents the service answers with.

A rubric's evidence is described by its own JSON Schema
(:meth:`Rubric.evidence_schema <gridrules.Rubric.evidence_schema>`): each field with its kind's
type and bounds and its Chinese label as the description, so that ``/docs`` shows every rubric's
evidence. The request models hold the evidence as a plain mapping: checking it is the library's
work (:class:`~gridrules.engine.evidence.Validator`), which the schema agrees with, and which
reports every problem with its path.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from ..engine.rubric import Rubric
from ..model.fields import Field as EvidenceField

__all__ = [
    "AuditDocument",
    "CombinedDocument",
    "ErrorDetail",
    "Health",
    "Problem",
    "ResultDocument",
    "ResultsDocument",
    "ResultsLine",
    "RubricModels",
    "RubricSummary",
    "SheetDocument",
    "ValidationProblems",
]


# -- what a rubric reads -----------------------------------------------------------------------


def model_name(rubric: str) -> str:
    """``wanggezhang-member`` → ``WanggezhangMember``."""
    return "".join(part.capitalize() for part in re.split(r"[^0-9A-Za-z]+", rubric) if part)


def evidence_schema(rubric: Rubric) -> dict[str, Any]:
    """The rubric's evidence schema as OpenAPI 3.1 shows it (without ``$schema``)."""
    schema = dict(rubric.evidence_schema())
    schema.pop("$schema", None)
    schema["title"] = f"{rubric.title}（{rubric.name}）的考核依据"
    schema["description"] = (
        f"One evidence record of rubric {rubric.name!r}: each field by its id, with its Chinese "
        "label as its description."
    )
    return schema


def params_schema(rubric: Rubric) -> dict[str, Any]:
    """The rubric's parameters: each by name, its value a number of its kind, described by
    what it fills and the clause it fills it in."""
    properties = {}
    required = []
    for param in rubric.parameters:
        schema = EvidenceField(param.name, param.kind).json_schema()
        schema["description"] = f"{param.description}（「{param.clause}」）"
        if param.fallback is None:
            required.append(param.name)
        properties[param.name] = schema
    return {
        "type": "object",
        "title": f"{rubric.title}（{rubric.name}）的参数",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _given(kind: Any, required: bool, description: str) -> Any:
    """A request field of ``kind``: required, or optional and ``None`` when left out."""
    if required:
        return (kind, Field(description=description))
    return (kind | None, Field(None, description=description))


class RubricModels:
    """A rubric's request models, generated from it: for ``score``, ``results`` and
    ``combine``."""

    def __init__(self, rubric: Rubric, max_records: int) -> None:
        camel = model_name(rubric.name)
        one_record = evidence_schema(rubric)
        evidence = Annotated[dict[str, Any], WithJsonSchema(one_record)]
        # in a batch, a record that does not fit is not refused with the request: it is
        # reported in its place, with its problems, and the others are scored
        record = Annotated[
            dict[str, Any],
            WithJsonSchema(
                {
                    "anyOf": [
                        one_record,
                        {
                            "type": "object",
                            "description": "a record that does not fit: reported in its "
                            "place with its problems, the others scored",
                        },
                    ]
                }
            ),
        ]
        needs_params = any(p.fallback is None for p in rubric.parameters)
        params_type: Any = Annotated[dict[str, Any], WithJsonSchema(params_schema(rubric))]
        params = _given(params_type, needs_params, "the rubric's parameters (地方设定的分值等)")
        period = _given(
            str,
            rubric.needs_working_days,
            "考核时间: 2026-10, 2026-Q3, 2026-H1, 2026, 2026-10-X1, ...",
        )
        strict = (
            bool,
            Field(
                False,
                description="refuse a period outside the rubric's effective dates, rather than "
                "warn of it on the sheet",
            ),
        )
        config = ConfigDict(extra="forbid", strict=True)  # what the schema says, no coercion
        self.score: type[BaseModel] = create_model(
            f"{camel}ScoreRequest",
            __config__=config,
            evidence=(evidence, Field(description="one assessee's evidence (考核依据)")),
            params=params,
            period=period,
            assessee=(str | None, Field(None, description="被考核人员")),
            assessor=(str | None, Field(None, description="考核人")),
            strict=strict,
        )
        self.score.__doc__ = f"Score one assessee with {rubric.title}（{rubric.name}）."
        self.results: type[BaseModel] = create_model(
            f"{camel}ResultsRequest",
            __config__=config,
            records=(
                list[record],
                Field(
                    max_length=max_records,
                    description="the evidence records, one per assessee (at most "
                    f"{max_records:,} a request)",
                ),
            ),
            params=params,
            period=period,
            strict=strict,
        )
        self.results.__doc__ = f"Score many assessees with {rubric.title}（{rubric.name}）."
        combinations = tuple(c.id for c in rubric.combinations)
        combination_type: Any = Literal[combinations] if combinations else str
        self.combine: type[BaseModel] | None = None
        if combinations:
            self.combine = create_model(
                f"{camel}CombineRequest",
                __config__=config,
                combination=(
                    combination_type,
                    Field(description="the combination declared by the rubric"),
                ),
                sheets=(
                    dict[str, dict[str, Any]],
                    Field(
                        description="each part's score sheet, by part id, as /score gives it",
                    ),
                ),
            )
            self.combine.__doc__ = (
                f"Combine one assessee's sheets with {rubric.title}（{rubric.name}）."
            )

    @property
    def documented(self) -> tuple[type[BaseModel], ...]:
        """The models the routes read their bodies with, for the OpenAPI's components."""
        return tuple(m for m in (self.score, self.results, self.combine) if m is not None)


# -- what the service answers --------------------------------------------------------------------

_Open = ConfigDict(extra="allow")
Decimal = Annotated[
    str, Field(description="an exact decimal, written in one form: 93.5, never 93.50")
]


class AuditDocument(BaseModel):
    """How and when a sheet or a batch of results was scored."""

    model_config = _Open
    gridrules_version: str
    rubric_hash: str = Field(description="sha256 of the rubric as data, canonical JSON")
    params_hash: str = Field(description="sha256 of the parameter values in force")
    scored_at: str = Field(description="ISO 8601, UTC")
    plugin: str | None = None
    plugin_version: str | None = None
    assessor: str | None = None


class ReasonDocument(BaseModel):
    model_config = _Open
    rule: str
    label: str
    effect: str
    field: str
    value: str
    amount: Decimal
    arithmetic: str
    clause: str


class LineDocument(BaseModel):
    model_config = _Open
    item_id: str
    label: str
    section: str | None = None
    points: Decimal
    maximum: Decimal
    reasons: list[ReasonDocument]
    clause: str
    deducted: Decimal
    weight: Decimal | None = None
    contribution: Decimal | None = None
    rounding: str | None = Field(None, description="how the item's points are rounded")


class SectionDocument(BaseModel):
    model_config = _Open
    section_id: str
    label: str
    points: Decimal
    maximum: Decimal
    weight: Decimal | None = None
    contribution: Decimal | None = None
    before_cap: Decimal | None = Field(
        None, description="a capped section's sum before the cap (封顶), when it passed it"
    )
    grade: str | None = Field(None, description="the grade of a section graded on its own")
    section: str | None = Field(None, description="the section it is part of")


class RemarkDocument(BaseModel):
    """A remark an assessor wrote (领导点评), never scored."""

    model_config = _Open
    id: str
    label: str
    text: str
    clause: str = ""


class SheetDocument(BaseModel):
    """A score sheet, as ``ScoreSheet.to_dict()`` writes it (see the embedding guide)."""

    model_config = _Open
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
    flags: list[str]
    lines: list[LineDocument]
    sections: list[SectionDocument]
    vetoes: list[dict[str, Any]]
    assumptions: list[dict[str, Any]]
    parameters: list[dict[str, Any]]
    defaults: list[str]
    evidence: dict[str, str]
    bonus_before_cap: Decimal | None
    assessee: str | None
    period: str | None
    calendar: str | None
    assessor: str | None
    warnings: list[str]
    remarks: list[RemarkDocument] = []
    audit: AuditDocument | None
    format_version: int


class ResultDocument(BaseModel):
    """A record's figures, as ``Result.to_dict()`` writes them."""

    model_config = _Open
    total: Decimal
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    grade: str | None
    stars: int | None
    flags: list[str]
    items: dict[str, Decimal]
    section_grades: dict[str, str] = Field(
        {}, description="the grade of each section graded on its own (written when there is one)"
    )


class Problem(BaseModel):
    """One problem: where in the body (``loc``), why (``msg``, in Chinese ``msg_zh``), its
    kind (``type``) and the value found."""

    model_config = _Open
    type: str
    loc: list[str | int]
    msg: str
    input: Any = None
    msg_zh: str | None = None


class ValidationProblems(BaseModel):
    """422: every problem found in the request."""

    detail: list[Problem]


class ErrorDetail(BaseModel):
    """404, 413, 503: what went wrong."""

    detail: str


class ResultsLine(BaseModel):
    """One record's outcome: its figures, or the problems that kept it from being scored."""

    model_config = _Open
    row: int = Field(description="the record's place in the request, from 0")
    result: ResultDocument | None = None
    errors: list[Problem] | None = None


class ResultsDocument(BaseModel):
    """Every record's outcome, in order, with the audit stamp they share."""

    model_config = _Open
    audit: AuditDocument
    warnings: list[str]
    results: list[ResultsLine]
    scored: int
    rejected: int


class CombinedDocument(BaseModel):
    """A combination's result, as ``CombinedSheet.to_dict()`` writes it."""

    model_config = _Open
    rubric: str
    combination: str
    label: str
    total: Decimal
    grade: str | None = None
    parts: list[list[str]]
    arithmetic: str
    clause: str
    flags: list[str] = []
    assessee: str | None = None
    periods: list[list[str]] = []
    missing: list[str] = Field(
        [], description="the parts with no sheet, left out as the combination allows"
    )
    audit: AuditDocument | None = None


class RubricSummary(BaseModel):
    """An installed rubric (or a broken plugin) as ``/rubrics`` lists it."""

    model_config = _Open
    name: str
    title: str
    region: str
    version: str
    distribution: str
    status: str
    error: str | None = None
    effective: str | None = None
    effective_until: str | None = None
    needs_period: bool = False
    combinations: list[str] = []
    plugin_version: str | None = None


class Health(BaseModel):
    """The service is up: its version and what it serves."""

    model_config = _Open
    status: str
    gridrules_version: str
    rubrics: int
    broken: list[str]
