"""The package stays clean under its linter (ruff) and type checker (mypy).

Both read their configuration from pyproject.toml, as `.ci/run` does; a test is
skipped (with the reason shown) when its tool is not installed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import REPO


def _run_tool(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ruff_finds_nothing_in_the_package() -> None:
    result = _run_tool("ruff", "check", "--no-cache", "kgraphlint")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # a cold mypy run takes longer than the fast loop allows
def test_mypy_finds_nothing_in_the_package() -> None:
    result = _run_tool("mypy", "kgraphlint")
    assert result.returncode == 0, result.stdout + result.stderr
