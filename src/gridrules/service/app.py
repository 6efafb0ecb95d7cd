"""The application: the API and the page on one FastAPI app, with the service's limits."""

from __future__ import annotations

import gc
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..engine.audit import gridrules_version
from .api import Unprocessable, add_api, documented_models
from .catalogue import Catalogue, UnknownRubric
from .limits import BodyLimit, TimeLimitExceeded
from .page import add_page
from .settings import Settings

__all__ = ["app_from_env", "create_app"]

_LOG = logging.getLogger("gridrules.service")

DESCRIPTION = """\
Scoring for grid platforms (网格E通 and the like) and a page for street offices.

Each installed rubric has its own routes and request models, generated from the rubric: its
evidence fields with their Chinese labels, kinds and bounds. Every number in an answer is an
exact decimal written as text in one form (`"93.5"`, never `93.50`); every score sheet and
batch of results carries an audit stamp (gridrules and plugin versions, hashes of the rubric and
the parameters, the time scored in UTC, the assessor).

A request that cannot be scored is answered 422 with the list of problems, each with `loc`, a
path into the body (`["body", "evidence", "ballots", "B", 1, 2]`), `msg` (and `msg_zh` in
Chinese), `type` and `input`; an unknown rubric 404; a body over the size limit 413; a request
over the time limit 503.
"""


def create_app(settings: Settings | None = None, catalogue: Catalogue | None = None) -> FastAPI:
    """The service: ``/rubrics``, each rubric's ``score``, ``results`` and ``combine``,
    ``/health``, the OpenAPI at ``/openapi.json`` with its page at ``/docs``, and the street
    office's page at ``/``."""
    settings = settings or Settings()
    catalogue = catalogue or Catalogue()
    catalogue.warm()
    app = FastAPI(
        title="gridrules",
        version=gridrules_version(),
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "rubrics", "description": "the installed rubrics, as data and as schemas"},
            {"name": "service", "description": "the service itself"},
        ],
    )
    app.state.settings = settings
    app.state.catalogue = catalogue
    # what is made at start lives as long as the service: the garbage collector need not walk
    # it at every collection
    app.router.on_startup.append(gc.freeze)

    @app.exception_handler(Unprocessable)
    async def unprocessable(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Unprocessable)
        return JSONResponse({"detail": error.problems}, status_code=422)

    @app.exception_handler(UnknownRubric)
    async def unknown(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, UnknownRubric)
        return JSONResponse({"detail": str(error)}, status_code=error.status)

    @app.exception_handler(TimeLimitExceeded)
    async def too_slow(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    @app.exception_handler(Exception)
    async def internal(request: Request, error: Exception) -> JSONResponse:
        _LOG.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "internal error (a bug in gridrules or a plugin); see the service's log"},
            status_code=500,
        )

    add_api(app, catalogue, settings)
    add_page(app, catalogue, settings)
    framework_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        """The framework's OpenAPI, with the request models the routes read their bodies
        with."""
        if app.openapi_schema is None:
            spec = framework_openapi()
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            for model in documented_models(app):
                schemas[model.__name__] = model.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(BodyLimit, limit=settings.max_body)
    return app


def app_from_env() -> Any:
    """The app with the settings of the environment: what each worker process of ``gridrules
    serve --workers N`` runs (``uvicorn --factory gridrules.service.app:app_from_env``)."""
    return create_app(Settings.from_env())
