"""Finding, loading and listing installed rubrics.

Rubric plugins are installed distributions with an entry point in the group ``gridrules``. One
broken plugin (it fails to import, its hook raises, or it returns an invalid rubric) never breaks
the others: it is listed with status ``broken`` and its error, and loading it raises that error.
Two distributions registering one name are both reported, never silently skipped.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import importlib.resources
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import pluggy

from . import hookspecs
from .engine.rubric import Rubric
from .errors import GridrulesError, PluginError
from .io.datafiles import load_rubric
from .model.origin import Origin

if TYPE_CHECKING:
    from .io.feeds import Feeds

__all__ = [
    "Registry",
    "RubricInfo",
    "available",
    "feeds",
    "get_plugin_manager",
    "load",
    "registry",
    "rubric_file",
]

GROUP = hookspecs.PROJECT


class Distribution(Protocol):
    """What the loader needs of an installed distribution (tests hand it fakes)."""

    @property
    def entry_points(self) -> Iterable[Any]: ...

    @property
    def metadata(self) -> Any: ...

    @property
    def version(self) -> str: ...


def get_plugin_manager() -> pluggy.PluginManager:
    """A fresh plugin manager with gridrules' hook specifications and nothing registered."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def rubric_file(package: str | None, name: str) -> Path:
    """The path of a data file shipped inside ``package`` (for a plugin's hook to return)."""
    if not package:
        raise PluginError("rubric_file() needs the plugin's package name (use __package__)")
    resource = importlib.resources.files(package).joinpath(name)
    return Path(str(resource))


@attrs.frozen
class RubricInfo:
    """One installed rubric, or one broken plugin, as :func:`available` lists it."""

    name: str
    title: str
    region: str
    version: str
    distribution: str
    status: str
    error: str | None = None
    source: str | None = None
    """The source text the plugin ships beside its rubric (``source.txt``), whose clauses the
    rubric quotes; ``None`` when it ships none."""

    @property
    def ok(self) -> bool:
        """Whether the rubric loaded (its plugin is not broken)."""
        return self.status == "ok"


@attrs.define
class _Entry:
    info: RubricInfo
    rubric: Rubric | None = None
    error: GridrulesError | None = None
    path: Path | None = None


def _dist_name(dist: Any) -> str:
    try:
        name = dist.metadata["Name"]
    except (KeyError, TypeError):
        name = None
    return str(name or "<unknown distribution>")


class Registry:
    """The rubrics of a set of distributions, discovered once through a plugin manager."""

    def __init__(self, distributions: Iterable[Distribution] | None = None) -> None:
        self._distributions = distributions
        self._entries: dict[str, _Entry] | None = None
        self._calendars: list[tuple[str, str, Path]] = []
        self._entry_points: frozenset[str] = frozenset()
        self._culprits: set[str] = set()
        self.plugin_manager = get_plugin_manager()

    # -- discovery -------------------------------------------------------------------------

    def _discover(self) -> dict[str, _Entry]:
        if self._entries is not None:
            return self._entries
        entries: dict[str, _Entry] = {}
        owners: dict[str, list[str]] = {}
        found: list[tuple[str, str, str, Any]] = []
        dists = (
            importlib.metadata.distributions()
            if self._distributions is None
            else self._distributions
        )
        for dist in dists:
            for ep in dist.entry_points:
                if ep.group != GROUP:
                    continue
                dist_name = _dist_name(dist)
                owners.setdefault(ep.name, []).append(dist_name)
                found.append((ep.name, dist_name, str(getattr(dist, "version", "")), ep))
        self._entry_points = frozenset(owners)
        for name, dist_name, version, ep in found:
            if len(owners[name]) > 1:
                if name not in entries:
                    error = PluginError(
                        f"rubric name {name!r} is registered by more than one distribution: "
                        f"{', '.join(sorted(owners[name]))}; uninstall all but one"
                    )
                    entries[name] = self._broken(
                        name, ", ".join(sorted(owners[name])), version, error
                    )
                continue
            self._load_entry_point(entries, name, dist_name, version, ep)
        self._entries = entries
        return entries

    @staticmethod
    def _broken(name: str, dist: str, version: str, error: GridrulesError) -> _Entry:
        info = RubricInfo(name, "", "", version, dist, "broken", str(error))
        return _Entry(info, None, error)

    def _load_entry_point(
        self, entries: dict[str, _Entry], name: str, dist: str, version: str, ep: Any
    ) -> None:
        try:
            module = ep.load()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a plugin's import may even call sys.exit(): contained
            error = PluginError(
                f"plugin {name!r} ({dist}) failed to import {ep.value!r}: "
                f"{type(exc).__name__}: {exc}"
            )
            entries[name] = self._broken(name, dist, version, error)
            return
        try:
            provided = self._provided(module, name, dist)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            error = (
                exc
                if isinstance(exc, PluginError)
                else PluginError(
                    f"plugin {name!r} ({dist}) failed to provide its rubrics: "
                    f"{type(exc).__name__}: {exc}"
                )
            )
            entries[name] = self._broken(name, dist, version, error)
            return
        if provided is None:
            return  # a plugin of local working-day calendars only
        if not provided:
            error = PluginError(f"plugin {name!r} ({dist}) provides no rubric")
            entries[name] = self._broken(name, dist, version, error)
            return
        for item in provided:
            self._add_rubric(entries, name, dist, version, item, _package_of(module))

    def _provided(self, module: Any, name: str, dist: str) -> list[Any] | None:
        """What a plugin provides: the rubrics its hook returns, or else the rubric files its
        package ships by convention (``rubric.toml``, ``rubric-<variant>.toml``, or the same in
        JSON); ``None`` for a plugin of calendars only. Its calendars are noted on the way."""
        self.plugin_manager.register(module, name=name)
        hook = self.plugin_manager.hook
        impls = [i for i in hook.gridrules_rubrics.get_hookimpls() if i.plugin_name == name]
        calendars = [i for i in hook.gridrules_calendars.get_hookimpls() if i.plugin_name == name]
        for impl in calendars:
            listed: Any = impl.function()
            self._calendars.extend((name, dist, Path(path)) for path in listed or ())
        if impls:
            provided: list[Any] = []
            for impl in impls:
                result: Any = impl.function()
                provided.extend(result or ())
            return provided
        files = _rubric_files(module)
        if files:
            return list(files)
        if calendars:
            return None
        raise PluginError(
            f"plugin {name!r} ({dist}) ships no rubric.toml and implements neither "
            "gridrules_rubrics nor gridrules_calendars"
        )

    def _add_rubric(
        self,
        entries: dict[str, _Entry],
        plugin: str,
        dist: str,
        version: str,
        item: Any,
        package: Path | None,
    ) -> None:
        if plugin in self._culprits:
            return  # broken already: it registered a name not its own
        try:
            rubric = _as_rubric(item, plugin)
        except GridrulesError as exc:
            error = PluginError(f"plugin {plugin!r} ({dist}) registers an invalid rubric: {exc}")
            entries.setdefault(plugin, self._broken(plugin, dist, version, error))
            return
        name = rubric.name
        outside = name != plugin and not name.startswith(plugin + "-")
        if outside or (name != plugin and name in self._entry_points):
            # the culprit is named under its own entry point, and broken whatever else it
            # registers; the rubric it claims (a variant's name may be another plugin's own
            # name: "xing" registering "xing-ji") is left to its owner
            whose = "outside its own names" if outside else "the name of another plugin"
            error = PluginError(
                f"plugin {plugin!r} ({dist}) registers rubric {name!r}, {whose}: "
                f"its rubrics must be named {plugin!r} or {plugin + '-<variant>'!r}"
                + ("" if outside else f", other than another plugin's name {name!r}")
            )
            entries[plugin] = self._broken(plugin, dist, version, error)
            self._culprits.add(plugin)
            return
        if name in entries:
            other = entries[name].info.distribution
            error = PluginError(f"rubric {name!r} is registered twice: by {other} and by {dist}")
            entries[name] = self._broken(name, f"{other}, {dist}", version, error)
            return
        rubric = attrs.evolve(rubric, origin=Origin(dist, version))  # stamped on its sheets
        source = None
        if package is not None and (package / "source.txt").is_file():
            source = str(package / "source.txt")
        info = RubricInfo(
            name, rubric.title, rubric.region, rubric.version, dist, "ok", source=source
        )
        entries[name] = _Entry(
            info, rubric, path=Path(item) if isinstance(item, str | Path) else None
        )

    # -- public ----------------------------------------------------------------------------

    def available(self) -> list[RubricInfo]:
        """Every installed rubric and broken plugin, sorted by name."""
        return [entry.info for _, entry in sorted(self._discover().items())]

    def calendar_files(self) -> list[tuple[str, str, Path]]:
        """Local working-day calendar files from plugins: (plugin, distribution, path)."""
        self._discover()
        return list(self._calendars)

    def names(self) -> list[str]:
        """The names of every rubric and broken plugin, sorted."""
        return sorted(self._discover())

    def info(self, name: str) -> RubricInfo:
        """What :meth:`available` lists of rubric ``name`` (:meth:`get`'s errors if unknown)."""
        self.get(name)
        return self._discover()[name].info

    def get(self, name: str) -> Rubric:
        """The installed rubric ``name``.

        :raises PluginError: the name is unknown (the message lists the installed ones and the
            closest match) or its plugin is broken (the plugin's own error).
        """
        entries = self._discover()
        entry = entries.get(name)
        if entry is None:
            known = sorted(entries)
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise PluginError(
                f"no rubric named {name!r} is installed{hint} "
                f"(installed: {', '.join(known) or 'none'})"
            )
        if entry.rubric is None:
            assert entry.error is not None
            raise entry.error
        return entry.rubric

    def rubric_path(self, name: str) -> Path | None:
        """The file the installed rubric ``name`` was read from (None for one built in Python).

        :raises PluginError: as :meth:`get` does.
        """
        self.get(name)
        return self._discover()[name].path


def _package_of(module: Any) -> Path | None:
    """The folder of a plugin's package, where its data files are found by convention."""
    paths = getattr(module, "__path__", None)
    if paths:
        return Path(next(iter(paths)))
    file = getattr(module, "__file__", None)
    return None if file is None else Path(file).parent


_CONVENTIONAL = ("rubric.toml", "rubric-*.toml", "rubric.json", "rubric-*.json")


def _rubric_files(module: Any) -> list[Path]:
    """The rubric files a plugin's package ships by convention, in name order."""
    package = _package_of(module)
    if package is None:
        return []
    return sorted({path for pattern in _CONVENTIONAL for path in package.glob(pattern)})


def _as_rubric(item: Any, plugin: str) -> Rubric:
    if isinstance(item, Rubric):
        return item
    if isinstance(item, str | Path):
        return load_rubric(item)
    raise PluginError(
        f"plugin {plugin!r}: gridrules_rubrics returned {type(item).__name__}; expected a Rubric "
        "or the path of a rubric file"
    )


_REGISTRY: Registry | None = None


def registry(refresh: bool = False) -> Registry:
    """The registry of the installed distributions (discovered once, or again on ``refresh``)."""
    global _REGISTRY
    if _REGISTRY is None or refresh:
        _REGISTRY = Registry()
    return _REGISTRY


def is_rubric_file(name: str | Path) -> bool:
    """Whether ``name`` is a rubric file (a path, or a name ending in ``.toml`` or ``.json``)
    rather than the name of an installed rubric: how :func:`load` tells the two apart."""
    return isinstance(name, Path) or str(name).endswith((".toml", ".json"))


def available() -> list[RubricInfo]:
    """Every installed rubric: name, title, region, version, distribution, status."""
    return registry().available()


def feeds(name: str | Path, rubric: Rubric | None = None) -> Feeds:
    """The feeds of rubric ``name`` (installed, or a rubric file): which aggregator of the event
    logs fills which of its fields, from the ``feeds.toml`` beside its rubric file (none if there
    is no such file).

    :raises ~gridrules.events.FeedError: the feeds file does not fit the rubric.
    """
    from .io.feeds import Feeds, feeds_beside

    rubric = rubric if rubric is not None else load(name)
    if is_rubric_file(name):
        path: Path | None = Path(name)
    else:
        path = registry().rubric_path(str(name))
    if path is None:
        return Feeds(rubric.name, (), "")
    return feeds_beside(path, rubric)


def load(
    name: str | Path, params: Mapping[str, object] | None = None, *, version: str | None = None
) -> Rubric:
    """An installed rubric by name, or a rubric file by path, ready to score.

    With ``params`` the parameters are bound and checked now: every missing or invalid one is
    reported at once, each quoting the clause it fills.

    ``version`` pins the rubric's version (its ``version``, as ``gridrules list`` shows it,
    compared as written): a rubric of another version is refused, never scored in its place.
    ``"NAME==VERSION"`` (``"jiangcheng==1.0.0"``, or a file's path with ``==VERSION`` after it)
    pins it the same way.

    :raises PluginError: no rubric of that name is installed (the message lists those that
        are), its plugin is broken, or the rubric found is of another version than the one
        asked for (the message names both).
    :raises DataFileError: the rubric file cannot be read.
    """
    if isinstance(name, str) and "==" in name:
        name, _, pinned = name.rpartition("==")
        if not name or not pinned.strip():
            raise PluginError(
                f"{name}=={pinned}: expected NAME==VERSION, such as jiangcheng==1.0.0"
            )
        if version is not None and version != pinned.strip():
            raise PluginError(
                f"{name}=={pinned} pins version {pinned.strip()}, and version={version!r} another"
            )
        version = pinned.strip()
    text = str(name)
    if is_rubric_file(name):
        rubric = load_rubric(name)
        if version is not None and rubric.version != version:
            raise PluginError(
                f"{name}: the rubric file holds version {rubric.version} of {rubric.name!r}, "
                f"not version {version} as asked"
            )
    else:
        rubric = registry().get(text)
        if version is not None and rubric.version != version:
            info = registry().info(text)
            raise PluginError(
                f"rubric {text!r} is installed in version {rubric.version} (from "
                f"{info.distribution}), not version {version} as asked; install that version, "
                "or give the rubric file of it"
            )
    if params is not None:
        rubric = rubric.with_params(params)
        rubric.bind(None)
    return rubric
