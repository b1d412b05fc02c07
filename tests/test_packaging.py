"""kgraphlint as a user gets it: the sdist and wheel built from this tree, the
wheel installed (not editable) in a fresh virtual environment, and from there
the CLI, the pytest plugin and a ``repo: local`` pre-commit hook.

Slow (a venv and a pip install of libcst, rich and pytest, from pip's cache
when it has them).  Skipped, with the reason, when those packages cannot be
installed (no registry and no cache).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

BROKEN = """\
import keras

a = keras.Input((4,))
b = keras.Input((4,))
out = keras.layers.Dense(1)(b)
model = keras.Model(a, out)
"""

CLEAN = """\
import keras

x = keras.Input((4,))
model = keras.Model(x, keras.layers.Dense(1)(x))
"""


def clean_env(venv: Path) -> dict[str, str]:
    """The environment of a user whose shell has only ``venv`` activated."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KGRAPHLINT_", "GIT_", "VIRTUAL_ENV", "PIP_REQUIRE"))}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(venv)
    env["NO_COLOR"] = "1"
    return env


def run(args, cwd: Path, env=None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def copy_sources(dest: Path) -> Path:
    """The files a clone has (tracked and new, not ignored): builds never touch this tree."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO) if shutil.which("git") else None
    if listed is not None and listed.returncode == 0:
        for name in filter(None, listed.stdout.split("\0")):
            source = REPO / name
            if source.is_file():
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    else:
        shutil.copytree(REPO, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".kgraphlint_cache", ".pytest_cache"))
    return dest


def build_dists(source: Path, dist: Path) -> tuple[Path, Path]:
    """sdist, then the wheel built from the unpacked sdist (proves the sdist is complete)."""
    dist.mkdir()
    if importlib.util.find_spec("build") is not None:
        proc = run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source], source)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    else:
        hook = "import sys; from setuptools import build_meta as b; getattr(b, sys.argv[1])(sys.argv[2])"
        proc = run([sys.executable, "-c", hook, "build_sdist", dist], source)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        (sdist,) = dist.glob("*.tar.gz")
        unpacked = dist / "unpacked"
        with tarfile.open(sdist) as tar:
            tar.extractall(unpacked, filter="data")
        (root,) = unpacked.iterdir()
        proc = run([sys.executable, "-c", hook, "build_wheel", dist], root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    (sdist,) = dist.glob("kgraphlint-*.tar.gz")
    (wheel,) = dist.glob("kgraphlint-*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("packaging")
    source = copy_sources(work / "src")
    sdist, wheel = build_dists(source, work / "dist")
    venv = work / "venv"
    proc = run([sys.executable, "-m", "venv", venv], work)
    assert proc.returncode == 0, proc.stderr
    python = venv / "bin" / "python"
    env = clean_env(venv)
    proc = run([python, "-m", "pip", "install", "--quiet", "--no-deps", wheel], work, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run([python, "-m", "pip", "install", "--quiet", "libcst>=1.1", "rich>=13", "pytest>=8"], work, env, timeout=600)
    if proc.returncode != 0:
        pytest.skip(f"cannot install libcst, rich and pytest into a fresh venv: {proc.stderr.strip()[-300:]}")
    project = work / "project"
    project.mkdir()
    (project / "broken.py").write_text(BROKEN)
    (project / "clean.py").write_text(CLEAN)
    return {"source": source, "sdist": sdist, "wheel": wheel, "venv": venv, "python": python, "env": env, "project": project}


def test_dists_hold_the_whole_package(installed):
    source = installed["source"]
    package_files = {
        p.relative_to(source).as_posix()
        for p in (source / "kgraphlint").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    with zipfile.ZipFile(installed["wheel"]) as whl:
        in_wheel = {n for n in whl.namelist() if n.startswith("kgraphlint/")}
        metadata = next(n for n in whl.namelist() if n.endswith(".dist-info/entry_points.txt"))
        entry_points = whl.read(metadata).decode()
    # Every file of the package (data tables included) ships in the wheel.
    assert package_files - in_wheel == set()
    assert "kgraphlint = kgraphlint.cli:main" in entry_points
    assert "kgraphlint = kgraphlint.pytest_plugin" in entry_points
    with tarfile.open(installed["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"pyproject.toml", "README.md"} <= names
    assert {f for f in package_files if f.endswith(".py")} <= names


def test_cli_runs_from_the_installed_wheel(installed):
    python, env, project = installed["python"], installed["env"], installed["project"]
    where = run([python, "-c", "import kgraphlint; print(kgraphlint.__file__)"], project, env)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed["venv"]), where.stdout  # not the source tree
    version = run(["kgraphlint", "--version"], project, env)
    assert version.returncode == 0 and version.stdout.startswith("kgraphlint "), version.stderr
    res = run(["kgraphlint", "--format", "text", "--no-cache", "."], project, env)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "broken.py:6:9: KG101 [error]" in res.stdout
    assert res.stdout.splitlines()[-1].endswith("in 1 of 2 files.")
    assert "Traceback" not in res.stderr


def test_pytest_plugin_loads_from_the_installed_wheel(installed):
    python, env, project = installed["python"], installed["env"], installed["project"]
    res = run([python, "-m", "pytest", "--kgraphlint", "-v", "-p", "no:cacheprovider"], project, env)
    output = res.stdout + res.stderr
    assert "broken.py::kgraphlint FAILED" in output, output
    assert "clean.py::kgraphlint PASSED" in output, output
    assert "KG101" in output


@pytest.mark.skipif(shutil.which("git") is None or importlib.util.find_spec("pre_commit") is None, reason="needs git and pre-commit")
def test_local_pre_commit_hook_runs_the_installed_kgraphlint(installed, tmp_path):
    # The README's `repo: local` hook: it runs the kgraphlint on PATH (the wheel).
    env = dict(installed["env"], PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "broken.py").write_text(BROKEN)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: kgraphlint\n"
        "        name: kgraphlint\n"
        "        entry: kgraphlint\n"
        "        language: system\n"
        "        types: [python]\n"
    )
    for args in (["init", "-q"], ["config", "user.email", "t@example.com"], ["config", "user.name", "t"],
                 ["config", "commit.gpgsign", "false"], ["add", "."]):
        assert run(["git", *args], repo, env).returncode == 0
    res = run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"], repo, env)
    output = res.stdout + res.stderr
    assert res.returncode == 1, output
    assert "kgraphlint" in output and "Failed" in output and "broken.py:6:9: KG101" in output, output
    (repo / "broken.py").write_text(CLEAN)
    res = run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"], repo, env)
    assert res.returncode == 0, res.stdout + res.stderr
