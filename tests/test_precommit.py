"""The pre-commit hooks, run by real pre-commit in a throw-away git repository.

``pre-commit try-repo <this repo> kgraphlint`` clones this repository at HEAD
(when the working tree has changes to tracked files it first commits them to a
temporary shadow clone; untracked files are not included), builds a
virtualenv and ``pip install``s kgraphlint into it from PyPI-resolved
dependencies, then runs the hook.  try-repo always uses a fresh temporary
store, so each call builds its own environment: this module is slow (tens of
seconds per call) and needs PyPI reachable through pip's configured index.

The trace hook is not run (a TensorFlow install in a hook env is too heavy);
its manifest entry is validated instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("git") is None or not (REPO / ".git").exists(),
        reason="needs git and a git checkout of kgraphlint",
    ),
]

BROKEN = """\
import keras

a = keras.Input((4,))
b = keras.Input((4,))
out = keras.layers.Dense(1)(b)
model = keras.Model(a, out)
"""

SIAMESE = """\
import keras

left = keras.Input((8,), name="left")
right = keras.Input((8,), name="right")
tower = keras.layers.Dense(4, name="tower")
merged = keras.layers.Concatenate()([tower(left), tower(right)])
out = keras.layers.Dense(1, activation="sigmoid")(merged)
model = keras.Model([left, right], out)
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for pre-commit: a private PRE_COMMIT_HOME, no inherited git state."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environ["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    environ["PRE_COMMIT_COLOR"] = "never"
    environ["NO_COLOR"] = "1"
    return environ


def git_project(path: Path, files: dict[str, str], env: dict[str, str]) -> Path:
    path.mkdir()
    for name, text in files.items():
        (path / name).write_text(text)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "test@example.com")
    git("config", "user.name", "kgraphlint tests")
    git("config", "commit.gpgsign", "false")
    git("add", *files)
    git("commit", "-q", "-m", "initial")
    return path


def try_repo(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "kgraphlint", "--all-files", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


def _committed(path: str) -> bool:
    # try-repo installs what is committed (plus changes to tracked files).
    return subprocess.run(["git", "cat-file", "-e", f"HEAD:{path}"], cwd=REPO, capture_output=True).returncode == 0


@pytest.mark.skipif(
    not (_committed("kgraphlint/cli.py") and _committed("kgraphlint/static/engine.py")),
    reason="the CLI and the static engine are not committed yet",
)
def test_hook_fails_on_disconnected_output(tmp_path: Path, env: dict[str, str]) -> None:
    project = git_project(tmp_path / "project", {"broken.py": BROKEN}, env)
    proc = try_repo(project, env)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "kgraphlint" in output and "Failed" in output, output
    assert "broken.py:6:" in output and "KG101" in output, output


@pytest.mark.skipif(not _committed("kgraphlint/cli.py"), reason="the CLI is not committed yet")
def test_hook_passes_on_siamese_model(tmp_path: Path, env: dict[str, str]) -> None:
    project = git_project(tmp_path / "project", {"siamese.py": SIAMESE, "notes.txt": "not python\n"}, env)
    proc = try_repo(project, env)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Passed" in output, output
    # The hook leaves the user's repository clean (its cache ignores itself).
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, env=env, capture_output=True, text=True)
    assert status.stdout == "", status.stdout


NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "cells": [
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# Two inputs"]},
        {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1, "outputs": [],
         "source": ["%matplotlib inline\n", "import keras"]},
        {"cell_type": "code", "id": "c2", "metadata": {}, "execution_count": 2, "outputs": [],
         "source": BROKEN.replace("import keras\n\n", "").splitlines(keepends=True)},
    ],
}


@pytest.mark.slow
@pytest.mark.skipif(not _committed("kgraphlint/notebook.py"), reason="notebook support is not committed yet")
def test_hook_checks_notebooks(tmp_path: Path, env: dict[str, str]) -> None:
    import json

    project = git_project(tmp_path / "project", {"analysis.ipynb": json.dumps(NOTEBOOK, indent=1) + "\n"}, env)
    proc = try_repo(project, env)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    # The model is built in code cell 2, line 4 of that cell.
    assert "analysis.ipynb:cell 2:4:" in output and "KG101" in output, output


def test_manifest(env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr

    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"kgraphlint", "kgraphlint-trace"}

    static = hooks["kgraphlint"]
    assert static["entry"] == "kgraphlint"
    assert static["language"] == "python"
    # Notebooks too: any file that is Python or a Jupyter notebook.
    assert static["types_or"] == ["python", "jupyter"]
    assert static["types"] == ["file"]
    assert static["additional_dependencies"] == []  # no TensorFlow for the static hook
    assert static["require_serial"] is False

    trace = hooks["kgraphlint-trace"]
    assert trace["entry"] == "kgraphlint --trace"
    assert trace["language"] == "python"
    assert trace["types_or"] == ["python", "jupyter"]
    assert trace["types"] == ["file"]
    assert trace["additional_dependencies"] == ["tensorflow>=2.16"]
    assert trace["require_serial"] is True


def test_readme_config_snippet_is_valid(tmp_path: Path, env: dict[str, str]) -> None:
    """The .pre-commit-config.yaml users paste (see README) passes pre-commit's schema."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### pre-commit", 1)[1]
    snippet = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "id: kgraphlint" in snippet
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(snippet)
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(config)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
