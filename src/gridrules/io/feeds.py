"""Feeds: which aggregator, with which options, fills which evidence field of a rubric.

A rubric plugin ships its feeds as data, a ``feeds.toml`` beside its ``rubric.toml``::

    format = "gridrules-feeds/1"

    [[feeds]]
    aggregator = "missed_sign_ins"
    fields = { missed = "missed_signins" }
    clause = "上午、下午必须到社区签到登记,缺一次扣0.5分"
    options = { event_type = "sign_in" }

Each ``[[feeds]]`` entry names an aggregator (:data:`~gridrules.io.aggregators.AGGREGATORS`), the
evidence field each of its outputs fills (for ``count_by_type``, each event type counted), its
options, and optionally the rubrics it applies to (``rubric = "wanggezhang-leader"`` or a list:
a file beside several rubrics) and the clause it counts for. An option may take a rubric
parameter's value: ``start_mmdd = { param = "xun_start_mmdd" }``.

The file is read with ``tomllib`` (decimals exact) and checked against the rubric when loaded:
an unknown aggregator, output, option or field, a field that is not a count, a field fed twice
or a parameter the rubric does not declare is an error naming the file, the entry and why.
Fields with no feed are the assessor's to give, in a side file (:mod:`gridrules.io.evidence`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from ..engine.rubric import Rubric
from ..errors import DataFileError
from ..model.fields import FieldKind
from .aggregators import OptionError, get_aggregator
from .datafiles import loads_document
from .logengine import PlannedFeed

__all__ = [
    "FEEDS_FILE",
    "FORMAT",
    "Feed",
    "FeedError",
    "Feeds",
    "feeds_beside",
    "load_feeds",
    "parse_feeds",
    "side_fields",
]

FORMAT = "gridrules-feeds/1"
"""The ``format`` a feeds file declares."""

FEEDS_FILE = "feeds.toml"
"""The name a plugin gives its feeds file, beside its rubric file."""

_ENTRY_KEYS = ("aggregator", "fields", "options", "rubric", "clause")
_FED_KINDS = (FieldKind.COUNT, FieldKind.AMOUNT)


class FeedError(DataFileError):
    """A feeds file is malformed or does not fit its rubric: names the file, the entry and why."""


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Feed:
    """One feed: an aggregator, its options, and the fields its outputs fill.

    :param aggregator: the aggregator's name.
    :param fields: output name (for ``count_by_type``, the event type) -> evidence field id.
    :param options: the options as written (a value may be ``{"param": name}``).
    :param clause: the clause it counts for, if given.
    """

    aggregator: str
    fields: Mapping[str, str] = attrs.field(converter=_frozen)
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen)
    clause: str | None = None


def _feed_tuple(value: Iterable[Feed]) -> tuple[Feed, ...]:
    return tuple(value)


@attrs.frozen
class Feeds:
    """The feeds of one rubric, checked against it.

    :param rubric: the rubric's name.
    :param feeds: the feeds, in the file's order.
    :param source: the file they were read from (empty when built in Python).
    """

    rubric: str
    feeds: tuple[Feed, ...] = attrs.field(converter=_feed_tuple, factory=tuple)
    source: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        """Every evidence field the feeds fill, in the feeds' order."""
        return tuple(field for feed in self.feeds for field in feed.fields.values())

    def plan(self, params: Mapping[str, Decimal] | None = None) -> list[PlannedFeed]:
        """The feeds ready to run: options checked, parameters put in.

        :param params: the rubric's parameters in force (a :class:`~gridrules.Scorer`'s
            ``params``), for options written ``{param = ...}``.
        :raises FeedError: an option's value (a parameter's) does not fit.
        """
        planned = []
        for index, feed in enumerate(self.feeds):
            where = f"{self.source or 'feeds'}, feed {index + 1} ({feed.aggregator})"
            aggregator = get_aggregator(feed.aggregator, where)
            options = {}
            for name, value in feed.options.items():
                if isinstance(value, Mapping):
                    param = value["param"]
                    if params is None or param not in params:
                        raise FeedError(
                            f"{where}: option {name!r} takes parameter {param!r}, which is not set"
                        )
                    value = params[param]
                options[name] = value
            try:
                checked = aggregator.check_options(options, where)
            except OptionError as exc:
                raise FeedError(str(exc)) from None
            planned.append(PlannedFeed(aggregator, checked, dict(feed.fields)))
        return planned


def load_feeds(source: str | Path, rubric: Rubric) -> Feeds:
    """The feeds for ``rubric`` in the feeds file ``source``, checked against the rubric.

    Entries naming other rubrics (``rubric = ...``) are skipped.

    :raises FeedError: the file cannot be read, is not a feeds file, or an entry does not fit.
    """
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise FeedError(f"{path}: cannot read the feeds file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise FeedError(f"{path}: the feeds file is not UTF-8 text ({exc.reason})") from None
    try:
        data = loads_document(text, "toml", str(path))
    except DataFileError as exc:
        raise FeedError(str(exc)) from None
    return parse_feeds(data, rubric, str(path))


def parse_feeds(data: Mapping[str, Any], rubric: Rubric, source: str = "feeds") -> Feeds:
    """The feeds for ``rubric`` in the table ``data`` (a feeds file as read), checked."""
    if data.get("format") != FORMAT:
        raise FeedError(f"{source}: format must be {FORMAT!r}, got {data.get('format')!r}")
    unknown = sorted(set(data) - {"format", "feeds"})
    if unknown:
        raise FeedError(f"{source}: unknown key {unknown[0]!r} (expected format and [[feeds]])")
    entries = data.get("feeds", [])
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise FeedError(f"{source}: feeds must be an array of tables ([[feeds]])")
    declared = rubric.fields
    params = {p.name for p in rubric.parameters}
    fed: dict[str, str] = {}
    feeds = []
    for number, entry in enumerate(entries, 1):
        where = f"{source}, feed {number}"
        for key in entry:
            if key not in _ENTRY_KEYS:
                close = difflib.get_close_matches(key, _ENTRY_KEYS, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise FeedError(f"{where}: unknown key {key!r}{hint}")
        applies = entry.get("rubric")
        names = [applies] if isinstance(applies, str) else applies
        if applies is not None and (
            not isinstance(names, list) or not all(isinstance(n, str) for n in names)
        ):
            raise FeedError(f"{where}: rubric must be a rubric name or a list of names")
        if names is not None and rubric.name not in names:
            continue
        name = entry.get("aggregator")
        if not isinstance(name, str):
            raise FeedError(f"{where}: aggregator must be the name of an aggregator")
        try:
            aggregator = get_aggregator(name, where)
        except OptionError as exc:
            raise FeedError(str(exc)) from None
        where = f"{where} ({name})"
        fields = entry.get("fields")
        if not isinstance(fields, Mapping) or not fields:
            raise FeedError(
                f"{where}: fields must be a table of the aggregator's outputs to evidence fields"
                + (
                    ""
                    if aggregator.roles_from_types
                    else f" (outputs: {', '.join(r for r, _ in aggregator.outputs)})"
                )
            )
        outputs = [role for role, _ in aggregator.outputs]
        for role, field in fields.items():
            if not aggregator.roles_from_types and role not in outputs:
                close = difflib.get_close_matches(role, outputs, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise FeedError(
                    f"{where}: {name} has no output {role!r}{hint} (outputs: {', '.join(outputs)})"
                )
            if not isinstance(field, str):
                raise FeedError(f"{where}: output {role!r} must name an evidence field")
            if field not in declared:
                close = difflib.get_close_matches(field, declared, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise FeedError(
                    f"{where}: rubric {rubric.name!r} has no evidence field {field!r}{hint}"
                )
            kind = declared[field].kind
            if kind not in _FED_KINDS:
                raise FeedError(
                    f"{where}: field {field!r} of rubric {rubric.name!r} is a {kind.value}; "
                    "an aggregator fills counts"
                )
            if field in fed:
                raise FeedError(f"{where}: field {field!r} is already fed by {fed[field]}")
            fed[field] = where
        options = entry.get("options", {})
        if not isinstance(options, Mapping):
            raise FeedError(f"{where}: options must be a table")
        literal: dict[str, Any] = {}
        for option, value in options.items():
            if isinstance(value, Mapping):
                if set(value) != {"param"} or not isinstance(value["param"], str):
                    raise FeedError(
                        f'{where}: option {option!r} must be a value or {{param = "name"}}'
                    )
                if value["param"] not in params:
                    raise FeedError(
                        f"{where}: option {option!r} takes parameter {value['param']!r}, which "
                        f"rubric {rubric.name!r} does not declare "
                        f"(parameters: {', '.join(sorted(params)) or 'none'})"
                    )
            else:
                literal[option] = value
        known = {o.name for o in aggregator.options}
        try:
            # the literal values now, a parameter's when the feeds are planned
            aggregator.check_options(literal, where)
            for option in options:
                if option not in known:
                    aggregator.check_options({option: None}, where)
        except OptionError as exc:
            raise FeedError(str(exc)) from None
        clause = entry.get("clause")
        if clause is not None and not isinstance(clause, str):
            raise FeedError(f"{where}: clause must be text")
        feeds.append(Feed(name, dict(fields), dict(options), clause))
    return Feeds(rubric.name, feeds, source)


def feeds_beside(rubric_file: str | Path, rubric: Rubric) -> Feeds:
    """The feeds shipped beside a rubric file (``feeds.toml`` in its folder), or none."""
    path = Path(rubric_file).with_name(FEEDS_FILE)
    if not path.is_file():
        return Feeds(rubric.name, (), "")
    return load_feeds(path, rubric)


def side_fields(rubric: Rubric, feeds: Feeds) -> list[str]:
    """The rubric's fields no feed fills: the assessor's to give, in a side file."""
    fed = set(feeds.fields)
    return [name for name in rubric.fields if name not in fed]
