"""Shared test helpers: run the real CLI in a subprocess, write sample projects.

Some pipeline tests need findings that do not depend on the static engine's
precision (noqa, selection, formats, fixes).  For those, ``cli`` can start the
real ``python -m kgraphlint`` with a ``sitecustomize`` that registers three
test-only source rules in the subprocess:

- KG991 (warning) on every line containing ``WARN_HERE``;
- KG992 (error) on every line containing ``ERROR_HERE``;
- KG993 (warning, autofix) on ``OLD_NAME``: the fix renames it ``NEW_NAME``;
- KG994 raises an exception when the file contains ``CRASH_HERE``.

The same ``sitecustomize`` can also make ``import tensorflow`` / ``import keras``
impossible, to prove that static mode never imports them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import pytest

REPO = Path(__file__).resolve().parents[1]

SITECUSTOMIZE = '''
import os, sys

if os.environ.get("KGRAPHLINT_TEST_BLOCK_KERAS"):
    import importlib.abc

    class _Blocker(importlib.abc.MetaPathFinder):
        BLOCKED = ("tensorflow", "keras", "tf_keras", "jax", "torch")

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in self.BLOCKED:
                raise ImportError(f"test: importing {name} is forbidden in static mode")
            return None

    sys.meta_path.insert(0, _Blocker())

    def _report():
        leaked = sorted(m for m in sys.modules if m.split(".")[0] in _Blocker.BLOCKED)
        path = os.environ.get("KGRAPHLINT_TEST_MODULES_OUT")
        if path:
            with open(path, "w") as fh:
                fh.write("\\n".join(leaked))

    import atexit
    atexit.register(_report)

if os.environ.get("KGRAPHLINT_TEST_RULES"):
    from kgraphlint.findings import Edit, Fix
    from kgraphlint.graph import Site
    from kgraphlint.rules import all_rules
    from kgraphlint.rules.base import Rule

    class _MarkerRule(Rule):
        """
        ## What it does
        Test rule: reports a marker word.

        ## Why is this bad?
        It is a test.

        ## Example
        ```python
        WARN_HERE = 1
        ```

        ## Use instead
        ```python
        fine = 1
        ```
        """

        engines = "S"
        source_rule = True
        marker = ""
        replacement = None

        def check_source(self, ctx):
            for number, line in enumerate(ctx.text.splitlines(), start=1):
                col = line.find(self.marker)
                if col < 0:
                    continue
                end = col + 1 + len(self.marker)
                fix = None
                if self.replacement is not None:
                    fix = Fix(f"rename to {self.replacement}", [Edit(number, col + 1, number, end, self.replacement)])
                yield self.finding(
                    Site(ctx.path, number, col + 1, number, end),
                    f"`{self.marker}` found.",
                    "remove the marker",
                    related=[(Site(ctx.path, 1, 1), "the file starts here")],
                    fix=fix,
                )

    class _Warn(_MarkerRule):
        code, name, severity, summary, marker = "KG991", "test-warning", "warning", "test", "WARN_HERE"

    class _Error(_MarkerRule):
        code, name, severity, summary, marker = "KG992", "test-error", "error", "test", "ERROR_HERE"

    class _Fixable(_MarkerRule):
        code, name, severity, summary, marker = "KG993", "test-fixable", "warning", "test", "OLD_NAME"
        replacement = "NEW_NAME"

    class _Crash(_MarkerRule):
        code, name, severity, summary, marker = "KG994", "test-crash", "error", "test", "CRASH_HERE"

        def check_source(self, ctx):
            if self.marker in ctx.text:
                raise ZeroDivisionError("test rule crashed on purpose")
            return ()

    registry = all_rules()  # the lru-cached dict the pipeline reads
    for cls in (_Warn, _Error, _Fixable, _Crash):
        registry[cls.code] = cls()
'''


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture(scope="session")
def test_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("kgraphlint-test-site")
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return site


class Cli:
    """Runs ``python -m kgraphlint`` for real, in a subprocess."""

    def __init__(self, site: Path) -> None:
        self._site = site

    def __call__(
        self,
        *args: str,
        cwd: "Path | str | None" = None,
        test_rules: bool = False,
        block_keras: bool = False,
        env: Optional[dict[str, str]] = None,
        timeout: float = 300,
        prefix: Sequence[str] = (),
    ) -> CliResult:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("KGRAPHLINT_TEST_")}
        environ.update({"NO_COLOR": "1", "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"})
        if test_rules or block_keras:
            environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self._site), environ.get("PYTHONPATH")]))
        if test_rules:
            environ["KGRAPHLINT_TEST_RULES"] = "1"
        if block_keras:
            environ["KGRAPHLINT_TEST_BLOCK_KERAS"] = "1"
        environ.update(env or {})
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "kgraphlint", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            env=environ,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli(test_site: Path) -> Cli:
    return Cli(test_site)


def write(root: Path, name: str, text: str) -> Path:
    """Write ``text`` (dedented) to ``root/name``, creating directories."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path):
    """``project(files)`` writes {name: source} under tmp_path and returns tmp_path."""

    def make(files: dict[str, str]) -> Path:
        for name, text in files.items():
            write(tmp_path, name, text)
        return tmp_path

    return make


def has_static_engine() -> bool:
    return (REPO / "kgraphlint" / "static" / "engine.py").exists()


needs_engine = pytest.mark.skipif(not has_static_engine(), reason="the static engine (kgraphlint/static/engine.py) is not there yet")
