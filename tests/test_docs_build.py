"""The documentation builds as published, with no warning (nitpicky: every cross-reference
resolves), and its examples run: the Sphinx HTML and doctest builders, warnings as errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[1] / "docs"


def _sphinx(builder: str, out: Path, doctrees: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-n",
            "--keep-going",
            "-q",
            "-b",
            builder,
            "-d",
            str(doctrees),
            str(DOCS),
            str(out / builder),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_documentation_builds_and_its_doctests_pass(tmp_path: Path) -> None:
    pytest.importorskip("sphinx", reason="the docs extra is not installed")
    doctrees = tmp_path / "doctrees"  # read once, by the first builder
    for builder in ("html", "doctest"):
        result = _sphinx(builder, tmp_path, doctrees)
        assert result.returncode == 0, (
            f"{builder}: " + result.stdout[-4000:] + result.stderr[-4000:]
        )
    assert (tmp_path / "html" / "concepts.html").is_file()
    # the rubric file's JSON Schema is published beside the pages, for editors
    assert (tmp_path / "html" / "_static" / "rubric.schema.json").is_file()
