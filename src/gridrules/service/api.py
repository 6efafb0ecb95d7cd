"""The API: rubrics as data, their schemas, and scoring one record, many, or a combination.

Every route that scores works in a thread of its own, within the request's time limit, and
answers a problem in the request with 422 and the list of problems (see
:mod:`gridrules.service.problems`), an unknown rubric with 404, never a 500.
"""

import contextlib
import gc
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ValidationError

from ..dates.calendars import CalendarError
from ..dates.periods import Period
from ..engine.audit import gridrules_version
from ..engine.result import Result
from ..engine.scorer import Scorer
from ..errors import DataFileError, EvidenceError, GridrulesError, ParameterError
from ..sheet.convert import converter, unstructure_rubric
from ..sheet.sheet import ScoreSheet
from .catalogue import Catalogue, UnknownRubric
from .limits import Deadline, TimeLimitExceeded
from .problems import from_error, problem
from .schemas import (
    CombinedDocument,
    ErrorDetail,
    Health,
    ResultsDocument,
    RubricModels,
    RubricSummary,
    SheetDocument,
    ValidationProblems,
)
from .settings import Settings

__all__ = ["NDJSON", "Unprocessable", "add_api", "documented_models"]

NDJSON = "application/x-ndjson"
"""The media type of ``/results`` streamed: one JSON document a line."""
_T = TypeVar("_T")


class Unprocessable(Exception):
    """A request the service understood but cannot score: 422 with every problem found."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(problems)
        self.problems = problems


def _json(text: str, status: int = 200) -> Response:
    return Response(text.encode("utf-8"), status_code=status, media_type="application/json")


async def _in_thread(work: Callable[[], _T], deadline: Deadline) -> _T:
    """``work()`` in a worker thread, within what is left of the deadline (else 503)."""
    with anyio.move_on_after(deadline.left()) as scope:
        return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    assert scope.cancel_called
    raise TimeLimitExceeded(deadline.limit)


# -- the stages of scoring, each with its place in the body ------------------------------------


def _prepare(catalogue: Catalogue, name: str, params: dict[str, Any] | None) -> Scorer:
    try:
        return catalogue.scorer(name, params)
    except ParameterError as error:
        raise Unprocessable(from_error(error, ["body", "params"])) from None


def _period(scorer: Scorer, period: str | None, strict: bool) -> tuple[str, ...]:
    """The period checked: read, needed, within the rubric's dates; its warnings."""
    if period is None:
        if scorer.needs_working_days:
            raise Unprocessable(
                [
                    problem(
                        ["body", "period"],
                        f"rubric {scorer.rubric.name!r} sets targets per unit of time (每天N条, "
                        "每月N次): give the period scored (e.g. 2026-10)",
                        "missing",
                    )
                ]
            )
        return ()
    try:
        Period.parse(period)
    except GridrulesError as error:
        raise Unprocessable(from_error(error, ["body", "period"], "period_error")) from None
    try:
        warning = scorer.period_warning(period, strict=strict)
    except GridrulesError as error:  # under strict: outside the rubric's effective dates
        problems = from_error(error, ["body", "period"], "period_outside_rubric")
        raise Unprocessable(problems) from None
    return () if warning is None else (warning,)


def _score(scorer: Scorer, body: Any) -> str:
    _period(scorer, body.period, body.strict)  # its warnings: the sheet says them itself
    try:
        sheet = scorer.score(
            body.evidence,
            assessee=body.assessee,
            period=body.period,
            assessor=body.assessor,
            strict=body.strict,
        )
    except EvidenceError as error:
        raise Unprocessable(from_error(error, ["body", "evidence"])) from None
    except CalendarError as error:  # a year the working-day calendar does not know
        raise Unprocessable(from_error(error, ["body", "period"], "period_error")) from None
    except GridrulesError as error:  # a number that needs more digits than are kept exact
        raise Unprocessable(from_error(error, ["body"], "scoring_error")) from None
    return sheet.to_json()


def _outcome_line(row: int, outcome: Result | GridrulesError) -> str:
    if isinstance(outcome, Result):
        return f'{{"row": {row}, "result": {outcome.to_json()}}}'
    errors = from_error(outcome, ["body", "records", row], "scoring_error")
    return json.dumps({"row": row, "errors": errors}, ensure_ascii=False)


class _Lines:
    """The outcomes of a ``/results`` request, a chunk of lines at a time.

    The first chunk is scored before anything is answered (:meth:`start`): a period whose
    working days the calendar does not know fails every record alike, and is the request's
    problem (422 at the period), not each record's.
    """

    SIZE = 1024
    """Records a chunk."""

    def __init__(self, scorer: Scorer, records: list[dict[str, Any]], period: str | None) -> None:
        self.outcomes: Iterator[Result | GridrulesError] = scorer.results(
            records, period=period, return_errors=True
        )
        self.row = 0
        self.scored = self.rejected = 0
        self._first: list[str] | None = None

    def start(self, deadline: Deadline) -> None:
        self._first = self.chunk(deadline)

    def chunk(self, deadline: Deadline) -> list[str]:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        deadline.check()
        with _COLLECTOR.paused():
            return self._chunk()

    def _chunk(self) -> list[str]:
        lines = []
        for outcome in self.outcomes:
            if isinstance(outcome, CalendarError):
                raise Unprocessable(from_error(outcome, ["body", "period"], "period_error"))
            lines.append(_outcome_line(self.row, outcome))
            self.row += 1
            if isinstance(outcome, Result):
                self.scored += 1
            else:
                self.rejected += 1
            if len(lines) == self.SIZE:
                break
        return lines

    def all(self, deadline: Deadline) -> list[str]:
        lines: list[str] = []
        while chunk := self.chunk(deadline):
            lines.extend(chunk)
        return lines


class _Collector:
    """Pauses the cyclic garbage collector (in every thread) while any request asks, and puts
    it back as it was after the last. Reading a large body and scoring its records make
    millions of objects and no cycle: collecting meanwhile would only walk them again and
    again (what is freed is freed by reference counting all the same)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pauses = 0
        self._was_on = False

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        with self._lock:
            self._pauses += 1
            if self._pauses == 1:
                self._was_on = gc.isenabled()
                gc.disable()
        try:
            yield
        finally:
            with self._lock:
                self._pauses -= 1
                if self._pauses == 0 and self._was_on:
                    gc.enable()


_COLLECTOR = _Collector()


def _parse(model: type[BaseModel], body: bytes) -> Any:
    """The body read as ``model``; 422 with pydantic's problems, under ``body``."""
    try:
        with _COLLECTOR.paused():
            return model.model_validate_json(body)
    except ValidationError as error:
        found = []
        for item in error.errors(include_url=False, include_context=False):
            loc = ["body", *item["loc"]]
            # the body as a whole is not echoed back when it is not JSON: it may be megabytes
            value = None if item["type"] == "json_invalid" else item.get("input")
            found.append(problem(loc, item["msg"], item["type"], value))
        raise Unprocessable(found) from None


def _wants_stream(request: Request, count: int, settings: Settings) -> bool:
    accept = request.headers.get("accept", "")
    if NDJSON in accept or "application/jsonl" in accept:
        return True
    return count > settings.stream_above and "application/json" not in accept


# -- the routes -----------------------------------------------------------------------------------

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "no rubric of that name is installed"}
}
_BROKEN: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorDetail, "description": "the rubric's plugin is broken"}
}
_LIMITS: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorDetail, "description": "the body is larger than the service takes"},
    422: {"model": ValidationProblems, "description": "problems in the request, each with loc"},
    503: {"model": ErrorDetail, "description": "the request took longer than the time limit"},
}


def add_api(app: FastAPI, catalogue: Catalogue, settings: Settings) -> None:
    """Add the API's routes to ``app``: the rubrics, and a score, results and combine route for
    each one (with its own request model), then the same paths for names that are none."""
    router = APIRouter()

    @router.get("/health", response_model=Health, tags=["service"])
    def health() -> dict[str, Any]:
        """The service is up: its version, the rubrics it serves, the broken plugins."""
        return {
            "status": "ok",
            "gridrules_version": gridrules_version(),
            "rubrics": len(catalogue.rubrics),
            "broken": catalogue.broken(),
        }

    @router.get("/rubrics", response_model=list[RubricSummary], tags=["rubrics"])
    def rubrics() -> list[dict[str, Any]]:
        """Every installed rubric (title, region, version, distribution, effective dates), and
        every broken plugin with its error."""
        return [catalogue.summary(name) for name in sorted(catalogue.infos)]

    @router.get("/rubrics/{name}", tags=["rubrics"], responses={**_NOT_FOUND, **_BROKEN})
    def rubric(name: str) -> JSONResponse:
        """The rubric as data (``gridrules-rubric/1``): its tree, rules and clauses, grades,
        assumptions and parameters; ``gridrules.serialization.structure_rubric`` reads it."""
        try:
            data = unstructure_rubric(catalogue.rubric(name))
        except GridrulesError as error:  # a rule class of its own: not writable as data
            return JSONResponse({"detail": str(error)}, status_code=503)
        return JSONResponse(data)

    @router.get("/rubrics/{name}/schema", tags=["rubrics"], responses={**_NOT_FOUND, **_BROKEN})
    def schema(name: str) -> JSONResponse:
        """The JSON Schema (draft 2020-12) of one evidence record of the rubric."""
        return JSONResponse(catalogue.rubric(name).evidence_schema())

    app.state.request_models = []
    for name in sorted(catalogue.rubrics):
        models = RubricModels(catalogue.rubrics[name], settings.max_records)
        _add_rubric(router, catalogue, settings, name, models)
        app.state.request_models.extend(models.documented)

    @router.post("/rubrics/{name}/score", include_in_schema=False)
    @router.post("/rubrics/{name}/results", include_in_schema=False)
    @router.post("/rubrics/{name}/combine", include_in_schema=False)
    def unknown(name: str) -> None:
        rubric = catalogue.rubric(name)  # 404 (or 503) for a name that is none
        raise UnknownRubric(f"rubric {rubric.name!r} declares no combination", 404)

    app.include_router(router)


def _add_rubric(
    router: APIRouter, catalogue: Catalogue, settings: Settings, name: str, models: RubricModels
) -> None:
    rubric = catalogue.rubrics[name]
    tag = f"{name}: {rubric.title}"
    score_model, results_model, combine_model = models.score, models.results, models.combine

    async def score(request: Request) -> Response:
        deadline = Deadline(settings.time_limit)
        raw = await request.body()

        def work() -> str:
            body = _parse(score_model, raw)
            scorer = _prepare(catalogue, name, body.params)
            return _score(scorer, body)

        return _json(await _in_thread(work, deadline))

    score.__doc__ = (
        f"Score one assessee's evidence with {rubric.title}, and explain every point: the score "
        "sheet as JSON (ScoreSheet.to_dict()), with its audit stamp."
    )
    router.add_api_route(
        f"/rubrics/{name}/score",
        score,
        methods=["POST"],
        tags=[tag],
        summary=f"{rubric.title}: one assessee's score sheet",
        response_class=Response,
        responses={200: {"model": SheetDocument, "description": "the score sheet"}, **_LIMITS},
        openapi_extra=_request_body(score_model),
        name=f"{name}:score",
    )

    async def results(request: Request) -> Response:
        deadline = Deadline(settings.time_limit)
        raw = await request.body()

        def parse() -> tuple[Any, Scorer, tuple[str, ...], _Lines]:
            body = _parse(results_model, raw)
            scorer = _prepare(catalogue, name, body.params)
            warnings = _period(scorer, body.period, body.strict)
            lines = _Lines(scorer, body.records, body.period)
            lines.start(deadline)
            return body, scorer, warnings, lines

        body, scorer, warnings, lines = await _in_thread(parse, deadline)
        audit = json.dumps(
            {"audit": json.loads(_audit_json(scorer)), "warnings": list(warnings)},
            ensure_ascii=False,
        )
        if _wants_stream(request, len(body.records), settings):
            return StreamingResponse(_stream(audit, lines, deadline), media_type=NDJSON)
        done = await _in_thread(lambda: lines.all(deadline), deadline)
        head = audit[:-1]  # the audit and warnings, then the results
        return _json(
            f'{head}, "results": [{", ".join(done)}], "scored": {lines.scored}, '
            f'"rejected": {lines.rejected}}}'
        )

    results.__doc__ = (
        f"Score many assessees' evidence with {rubric.title}: the figures of each record "
        "(Result.to_dict()), in order, or the problems that kept it from being scored, with "
        "the audit stamp they share.\n\n"
        "One JSON document (application/json), or JSON lines streamed as they are scored "
        "(application/x-ndjson: the audit line, a line per record, then a last line "
        '{"scored": n, "rejected": m}, or {"error": ...} should the time limit pass). The '
        "lines are sent when the client accepts application/x-ndjson, or for more records than "
        "the service's stream threshold unless it accepts application/json alone."
    )
    router.add_api_route(
        f"/rubrics/{name}/results",
        results,
        methods=["POST"],
        tags=[tag],
        summary=f"{rubric.title}: many assessees' figures",
        response_class=Response,
        responses={
            200: {
                "model": ResultsDocument,
                "description": "every record's outcome",
                "content": {NDJSON: {"schema": {"type": "string", "description": "JSON lines"}}},
            },
            **_LIMITS,
        },
        openapi_extra=_request_body(results_model),
        name=f"{name}:results",
    )
    if combine_model is None:
        return

    async def combine(request: Request) -> Response:
        deadline = Deadline(settings.time_limit)
        raw = await request.body()
        model = combine_model

        def work() -> str:
            body = _parse(model, raw)
            sheets = {}
            problems = []
            for part, data in body.sheets.items():
                try:
                    sheets[part] = ScoreSheet.from_dict(data)
                except DataFileError as error:
                    problems.extend(from_error(error, ["body", "sheets", part], "sheet_error"))
            if problems:
                raise Unprocessable(problems)
            try:
                combined = rubric.combine(body.combination, sheets)
            except GridrulesError as error:
                problems = from_error(error, ["body", "sheets"], "combination_error")
                raise Unprocessable(problems) from None
            return combined.to_json()

        return _json(await _in_thread(work, deadline))

    combine.__doc__ = (
        f"Combine one assessee's sheets of shorter periods with {rubric.title} "
        f"({', '.join(c.label or c.id for c in rubric.combinations)}): the combined result "
        "(CombinedSheet.to_dict()), with its audit stamp."
    )
    router.add_api_route(
        f"/rubrics/{name}/combine",
        combine,
        methods=["POST"],
        tags=[tag],
        summary=f"{rubric.title}: combine sheets of shorter periods",
        response_class=Response,
        responses={
            200: {"model": CombinedDocument, "description": "the combined result"},
            **_LIMITS,
        },
        openapi_extra=_request_body(combine_model),
        name=f"{name}:combine",
    )


def _request_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI of a request body read as ``model`` (added to the components by the app, from
    :attr:`RubricModels.documented`: the routes read their bodies themselves, each through its
    model, so that every problem of a body, down to bytes that are not JSON, is answered
    alike)."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


def documented_models(app: FastAPI) -> list[type[BaseModel]]:
    """The request models the app's routes read their bodies with."""
    found: list[type[BaseModel]] = app.state.request_models
    return found


def _audit_json(scorer: Scorer) -> str:
    return json.dumps(converter.unstructure(scorer.audit()), ensure_ascii=False)


async def _stream(head: str, lines: _Lines, deadline: Deadline) -> AsyncIterator[bytes]:
    yield (head + "\n").encode("utf-8")
    while True:
        try:
            chunk = await _in_thread(lambda: lines.chunk(deadline), deadline)
        except TimeLimitExceeded as error:
            tail = {"error": {"status": 503, "detail": str(error)}}
            yield (json.dumps(tail, ensure_ascii=False) + "\n").encode("utf-8")
            return
        if not chunk:
            break
        yield ("\n".join(chunk) + "\n").encode("utf-8")
    yield f'{{"scored": {lines.scored}, "rejected": {lines.rejected}}}\n'.encode()
