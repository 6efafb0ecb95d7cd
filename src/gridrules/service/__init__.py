"""The scoring service and the street office's page: ``gridrules serve``.

A FastAPI application (:func:`~gridrules.service.app.create_app`) on uvicorn, in the optional
extra ``gridrules[serve]``:

- ``GET /rubrics``, ``GET /rubrics/{name}`` (the rubric as data), ``GET
  /rubrics/{name}/schema`` (its evidence's JSON Schema), ``GET /health``;
- ``POST /rubrics/{name}/score`` (one sheet), ``/results`` (many records' figures, streamed as
  JSON lines for large bodies), ``/combine`` (sheets of shorter periods), each with a request
  model generated from the rubric;
- the page at ``/``: pick a rubric, upload the month's table, see and download the scores.

Only the command line imports this package; it is an edge of the library, built on the
plugins, the batch and sheet writers, and the engine (see docs/service.md).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import attrs

from .settings import Settings

__all__ = ["Settings", "serve"]


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    settings: Settings | None = None,
    **uvicorn_options: Any,
) -> None:
    """Run the service on ``host:port`` with ``workers`` processes until interrupted.

    Every worker reads the same settings (set in the environment for them); their batches of
    the page are kept in one folder, ``settings.workdir`` or a temporary one removed at the end.
    """
    import uvicorn

    settings = settings or Settings.from_env()
    made = None
    if workers > 1 and settings.workdir is None:
        made = tempfile.mkdtemp(prefix="gridrules-serve-")
        settings = attrs.evolve(settings, workdir=Path(made))
    try:
        if workers == 1:
            from .app import create_app

            uvicorn.run(create_app(settings), host=host, port=port, **uvicorn_options)
        else:
            os.environ.update(settings.environment())
            uvicorn.run(
                "gridrules.service.app:app_from_env",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                **uvicorn_options,
            )
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
