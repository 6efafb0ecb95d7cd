"""The pytest plugin: scenario files become tests, and installed rubrics can be checked.

Registered through the ``pytest11`` entry point, so installing gridrules is enough:

- every ``scenarios*.toml`` file under the test paths is collected, one test per scenario; a
  failure names the file, the scenario, the item, the expected and actual values and the clause;
- for the rubric a scenario file names, two more tests (once per session): every clause it
  quotes is in the source text its plugin ships (``source.txt``), and
  :func:`gridrules.testing.check_rubric` holds, with the file's parameters when it gives some and
  with generated ones; so a rubric plugin needs no test module of its own;
- ``pytest --gridrules-check`` adds one test per installed rubric running
  :func:`gridrules.testing.check_rubric` (rubrics with required parameters are checked with
  generated parameter values);
- the ``gridrules_rubric`` fixture loads the rubric named by ``@pytest.mark.gridrules_rubric``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .engine.rubric import Rubric
    from .testing import Scenario


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gridrules")
    group.addoption(
        "--gridrules-check",
        action="store_true",
        default=False,
        help="run gridrules' invariant checks on every installed rubric",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "gridrules_rubric(name): the installed rubric the gridrules_rubric fixture loads"
    )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".toml" and file_path.name.startswith("scenarios"):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _rubric_for(scenario: Scenario) -> Rubric:
    from .testing import ScenarioFailure

    if scenario.rubric is None:
        raise ScenarioFailure(f'{scenario.file}: name the rubric with rubric = "<slug>"')
    return _load(scenario.rubric, Path(scenario.file))


class ScenarioFile(pytest.File):
    """A scenario file: one test per ``[[scenario]]``, and the checks of its rubric."""

    def collect(self) -> Iterator[pytest.Item]:
        from .testing import load_scenarios, scenario_defaults

        for scenario in load_scenarios(self.path):
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)
        target, params, period = scenario_defaults(self.path)
        checked: set[str] = self.config.stash.setdefault(_CHECKED, set())
        if target is None or target in checked:
            return
        checked.add(target)
        yield CitationsItem.from_parent(self, name=f"citations[{target}]", target=target)
        runs = [("generated", None)] + ([("file", params)] if params else [])
        for label, given in runs:
            yield InvariantsItem.from_parent(
                self,
                name=f"invariants[{target}, {label} parameters]",
                target=target,
                params=given,
                period=period,
            )


_CHECKED = pytest.StashKey[set[str]]()


class CitationsItem(pytest.Item):
    """Every clause a rubric quotes is in the source text its plugin ships."""

    def __init__(self, *, target: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target = target

    def runtest(self) -> None:
        from .plugins import is_rubric_file
        from .testing import check_citations, source_of

        source = source_of(self.target, Path(self.path).parent)
        if source is None:
            if is_rubric_file(self.target):
                pytest.skip(f"no source.txt beside {self.target}: its quotes are not checked")
            raise AssertionError(
                f"rubric {self.target!r}: its plugin ships no source.txt beside its rubric "
                "file, so its quotes cannot be checked"
            )
        missing = check_citations(_load(self.target, self.path), source.read_text("utf-8"))
        assert not missing, f"quoted but not in {source}:\n" + "\n".join(missing)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"citations: {self.target}"


class _KitItem(pytest.Item):
    """An item whose failures the testing kit explains (a scenario that differs, an invariant
    broken): reported by their message, without a traceback into gridrules."""

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from .testing import RubricCheckError, ScenarioFailure

        if isinstance(excinfo.value, ScenarioFailure | RubricCheckError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))


class InvariantsItem(_KitItem):
    """check_rubric on a rubric: the one a scenario file names (with the file's parameters, or
    generated ones), or an installed one (``--gridrules-check``)."""

    def __init__(
        self, *, target: str, params: dict[str, Any] | None, period: str | None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.target = target
        self.params = params
        self.period = period

    def runtest(self) -> None:
        from .testing import check_rubric

        check_rubric(_load(self.target, self.path), self.params, period=self.period)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"check_rubric: {self.target}"


def _load(target: str, scenario_file: Path) -> Rubric:
    import gridrules

    from .plugins import is_rubric_file

    if is_rubric_file(target):
        target = str(Path(scenario_file).parent / target)
    return gridrules.load(target)


class ScenarioItem(_KitItem):
    """One scenario, scored and compared with the results worked out by hand."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        from .testing import run_scenario

        run_scenario(_rubric_for(self.scenario), self.scenario)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"scenario: {self.name}"


class InstalledRubrics(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        import gridrules

        for info in gridrules.available():
            yield InvariantsItem.from_parent(
                self, name=f"check_rubric[{info.name}]", target=info.name, params=None, period=None
            )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not config.getoption("--gridrules-check"):
        return
    collector = InstalledRubrics.from_parent(session, path=Path(str(config.rootpath)))
    items.extend(collector.collect())


@pytest.fixture
def gridrules_rubric(request: pytest.FixtureRequest) -> Rubric:
    """The installed rubric named by ``@pytest.mark.gridrules_rubric("slug")``."""
    import gridrules

    marker = request.node.get_closest_marker("gridrules_rubric")
    if marker is None or not marker.args:
        raise pytest.UsageError("use @pytest.mark.gridrules_rubric('<slug>') with this fixture")
    return gridrules.load(str(marker.args[0]))
