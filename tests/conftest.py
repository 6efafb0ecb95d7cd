"""Shared test configuration: hypothesis profiles chosen by HYPOTHESIS_PROFILE (fast or ci), fake
plugin modules, and the headless Chromium that prints pages the way a person would."""

import os
import shutil
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from gridrules.hookspecs import hookimpl

settings.register_profile(
    "fast", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

pytest_plugins = ["pytester"]


@pytest.fixture
def fake_modules() -> Iterator[Callable[[str, Any], types.ModuleType]]:
    """``fake_modules(name, provides)``: a plugin module ``name`` whose ``gridrules_rubrics`` hook
    returns ``provides`` (called first when callable), importable until the test ends."""
    made: list[str] = []

    def make(name: str, provides: Any) -> types.ModuleType:
        module = types.ModuleType(name)

        @hookimpl
        def gridrules_rubrics() -> Any:
            return provides() if callable(provides) else provides

        module.gridrules_rubrics = gridrules_rubrics  # type: ignore[attr-defined]
        sys.modules[name] = module
        made.append(name)
        return module

    yield make
    for name in made:
        sys.modules.pop(name, None)


# -- a real browser ---------------------------------------------------------------------------


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium and poppler from Debian's packages, installed when missing (we run as root).

    A Chinese font is installed too when none is present, or the page would print as empty boxes.
    Skips, saying why, when apt-get cannot install them (no network, not root, not Debian).
    """
    missing = []
    if not Path("/usr/bin/chromium").exists():
        missing.append("chromium")
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        missing.append("poppler-utils")
    if not _has_cjk_font():
        missing.append("fonts-wqy-zenhei")
    if missing:
        apt = shutil.which("apt-get")
        if apt is None or os.geteuid() != 0:
            pytest.skip(
                f"needs {', '.join(missing)} and cannot install them (apt-get missing or not root)"
            )
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (
            [apt, "update"],
            [apt, "install", "-y", "--no-install-recommends", *missing],
        ):
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, env=env, timeout=600, check=False
                )
            except subprocess.TimeoutExpired:
                pytest.skip(f"{' '.join(command)} timed out (no network to Debian's mirrors?)")
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                pytest.skip(
                    f"{' '.join(command)} failed with exit {done.returncode}: " + " / ".join(tail)
                )
    assert Path("/usr/bin/chromium").exists(), "apt-get installed chromium but it is not there"
    return "/usr/bin/chromium"
