"""The rubrics a service serves: the installed ones, found once at start, and their scorers,
prepared once per set of parameters and kept."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from .. import plugins
from ..engine.rubric import Rubric
from ..engine.scorer import Scorer
from ..errors import GridrulesError, PluginError
from ..plugins import RubricInfo

__all__ = ["Catalogue", "UnknownRubric"]

PREPARED = 64
"""How many prepared scorers (rubric and parameters) a service keeps, the least used dropped."""


class UnknownRubric(Exception):
    """No rubric of that name is served (404), or its plugin is broken (503)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Catalogue:
    """The installed rubrics (and broken plugins) as the service serves them."""

    def __init__(self, registry: plugins.Registry | None = None) -> None:
        self.registry = registry or plugins.registry()
        self.infos: dict[str, RubricInfo] = {i.name: i for i in self.registry.available()}
        self.rubrics: dict[str, Rubric] = {
            name: self.registry.get(name) for name, info in self.infos.items() if info.ok
        }
        self._scorers: OrderedDict[tuple[str, str], Scorer] = OrderedDict()
        self._lock = threading.Lock()

    def rubric(self, name: str) -> Rubric:
        """The rubric ``name``.

        :raises UnknownRubric: none is installed (404, naming the closest), or its plugin is
            broken (503, with the plugin's error).
        """
        found = self.rubrics.get(name)
        if found is not None:
            return found
        try:
            self.registry.get(name)
        except PluginError as error:
            status = 503 if name in self.infos else 404
            raise UnknownRubric(str(error), status) from None
        raise UnknownRubric(f"no rubric named {name!r} is served", 404)  # pragma: no cover

    def scorer(self, name: str, params: Mapping[str, Any] | None) -> Scorer:
        """The rubric prepared with ``params``, made once and kept.

        :raises ParameterError: the parameters do not fit the rubric, every problem listed.
        """
        rubric = self.rubric(name)
        if not params:
            return rubric.prepare()
        key = (name, json.dumps(params, sort_keys=True, ensure_ascii=False, default=str))
        with self._lock:
            scorer = self._scorers.get(key)
            if scorer is not None:
                self._scorers.move_to_end(key)
                return scorer
        scorer = rubric.prepare(params)  # raises ParameterError
        with self._lock:
            self._scorers[key] = scorer
            while len(self._scorers) > PREPARED:
                self._scorers.popitem(last=False)
        return scorer

    def summary(self, name: str) -> dict[str, Any]:
        """What ``/rubrics`` says of one rubric or broken plugin."""
        info = self.infos[name]
        data: dict[str, Any] = {
            "name": info.name,
            "title": info.title,
            "region": info.region,
            "version": info.version,
            "distribution": info.distribution,
            "status": info.status,
            "error": info.error,
        }
        rubric = self.rubrics.get(name)
        if rubric is not None:
            data["effective"] = rubric.effective
            data["effective_until"] = rubric.effective_until
            data["needs_period"] = rubric.needs_working_days
            data["combinations"] = [c.id for c in rubric.combinations]
            if rubric.origin is not None:
                data["plugin_version"] = rubric.origin.version
        return data

    def broken(self) -> list[str]:
        """The names of the broken plugins."""
        return sorted(name for name, info in self.infos.items() if not info.ok)

    def warm(self) -> None:
        """Prepare every rubric that needs no parameters, so that the first request does not
        pay for it (one that needs them is prepared with the first request that gives them)."""
        for rubric in self.rubrics.values():
            try:
                rubric.prepare()
            except GridrulesError:
                continue
