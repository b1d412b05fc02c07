"""Static mode never executes the checked code, not even by import shadowing.

``python -m`` puts the working directory first on ``sys.path``: a repository's
own ``argparse.py`` or ``libcst.py`` would be imported by kgraphlint itself.
Each hostile module here writes a marker file when imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, write

# Modules kgraphlint (or the libraries it uses) import after start-up.
SHADOWED = ("argparse", "dataclasses", "typing", "__future__", "libcst", "rich", "tomllib", "json", "hashlib", "tempfile", "difflib")


def hostile_tree(root: Path, names: tuple[str, ...] = SHADOWED) -> Path:
    for name in names:
        write(root, f"{name}.py", f"open({str(root / ('IMPORTED_' + name))!r}, 'w').close()\n")
    write(root, "model.py", "import keras\n\ninp = keras.Input((3,))\nout = keras.layers.Dense(2)(inp)\nmodel = keras.Model(inp, out)\n")
    write(root, "pyproject.toml", "[tool.kgraphlint]\nfail-on = 'error'\n")
    return root


def markers(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("IMPORTED_*"))


def run(command: list[str], cwd: Path, pythonpath: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KGRAPHLINT_TEST_")}
    env.update({"NO_COLOR": "1", "PYTHONPATH": pythonpath})
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_python_dash_m_does_not_import_from_the_working_directory(tmp_path):
    root = hostile_tree(tmp_path)
    for args in (["--format", "rich", "--no-cache", "."], ["--format", "sarif", "."], ["--fix", "model.py"]):
        res = run([sys.executable, "-m", "kgraphlint", *args], root, str(REPO))
        assert "Traceback" not in res.stderr and res.returncode in (0, 1), res.stderr
        assert markers(root) == [], args

# With an empty PYTHONPATH component the working directory is on the path
# while site.py starts up, before kgraphlint runs: .pth hooks of the
# environment (editable installs) may import __future__ or typing from there.
AFTER_START_UP = tuple(name for name in SHADOWED if name not in ("__future__", "typing"))


def test_empty_pythonpath_component_is_not_the_working_directory(tmp_path):
    # export PYTHONPATH=$PYTHONPATH:/src leaves an empty component: "the working directory".
    root = hostile_tree(tmp_path, AFTER_START_UP)
    for pythonpath in (str(REPO) + os.pathsep, os.pathsep + str(REPO)):
        res = run([sys.executable, "-m", "kgraphlint", "--format", "rich", "--no-cache", "."], root, pythonpath)
        assert res.returncode == 0, res.stderr
        assert markers(root) == [], pythonpath


def test_the_working_directory_named_in_pythonpath_still_counts(tmp_path):
    # The development workflow: PYTHONPATH=<checkout>, run from the checkout.
    res = run([sys.executable, "-m", "kgraphlint", "--version"], REPO, str(REPO))
    assert res.returncode == 0 and res.stdout.startswith("kgraphlint ")
    res = run([sys.executable, "-c", "import kgraphlint; print(kgraphlint.__file__)"], tmp_path, str(REPO))
    assert res.stdout.strip() == str(REPO / "kgraphlint" / "__init__.py")


def test_importing_kgraphlint_as_a_library_leaves_sys_path_alone(tmp_path):
    code = "import sys; before = list(sys.path); import kgraphlint.cli; print(before == sys.path)"
    res = run([sys.executable, "-c", code], tmp_path, str(REPO) + os.pathsep)
    assert res.stdout.strip() == "True", res.stderr


def test_console_script_does_not_import_from_the_working_directory(tmp_path):
    script = Path(sys.executable).parent / "kgraphlint"
    if not script.exists():
        pytest.skip("kgraphlint is not installed as a console script in this environment")
    root = hostile_tree(tmp_path, AFTER_START_UP)
    for pythonpath in (str(REPO), os.pathsep + str(REPO)):
        res = run([str(script), "--format", "rich", "--no-cache", "."], root, pythonpath)
        assert "Traceback" not in res.stderr and res.returncode == 0, res.stderr
        assert markers(root) == [], pythonpath
