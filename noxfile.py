"""Development sessions: tests, lint, typing, docs, bench."""

from __future__ import annotations

import glob

import nox

nox.options.sessions = ["tests", "lint", "typing", "docs"]
nox.options.default_venv_backend = "venv"

PLUGINS = sorted(glob.glob("plugins/gridrules-*"))


def install(session: nox.Session, extras: str = "testing") -> None:
    session.install("-e", f".[{extras}]")
    session.install(*PLUGINS)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite: the core and every plugin (HYPOTHESIS_PROFILE=ci for more examples)."""
    install(session, "testing,xlsx,report,toml-write,docs,duckdb,spark,serve")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff lint and format check."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """mypy --strict on src/."""
    install(session, "testing,xlsx,report,toml-write,serve")
    session.install("mypy>=1.10")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs with warnings as errors, and run their doctests."""
    install(session, "docs,testing,serve")
    session.run(
        "sphinx-build", "-W", "-n", "--keep-going", "-b", "html", "docs", "docs/_build/html"
    )
    session.run(
        "sphinx-build", "-W", "-n", "--keep-going", "-b", "doctest", "docs", "docs/_build/doctest"
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Throughput and memory benchmarks (figures go to benchmarks/README.md by hand).

    ``nox -s bench`` runs every harness; ``nox -s bench -- events [options]`` only the event
    logs' (benchmarks/eventlogs.py), ``nox -s bench -- scoring [options]`` only scoring's,
    ``nox -s bench -- street`` only the street office's (benchmarks/street.py), ``nox -s bench
    -- compare`` only the what-if comparison's (benchmarks/compare.py), ``nox -s bench -- service
    [options]`` only the service's (benchmarks/service.py).
    """
    install(session, "testing,xlsx,report,bench,duckdb,spark,serve")
    which, *options = session.posargs or ["all"]
    if which in ("all", "scoring"):
        session.run("python", "benchmarks/run.py", *options)
    if which in ("all", "street"):
        session.run("python", "benchmarks/street.py", *options)
    if which in ("all", "events"):
        session.run("python", "benchmarks/eventlogs.py", *options)
    if which in ("all", "compare"):
        session.run("python", "benchmarks/compare.py", *options)
    if which in ("all", "service"):
        session.run("python", "benchmarks/service.py", *options)
