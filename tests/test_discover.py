"""Which files a run looks at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import write
from kgraphlint.config import Config
from kgraphlint.discover import MissingPathError, discover


def paths(root: Path, *args: str, **config) -> list[str]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return [f.path for f in discover(list(args) or ["."], Config(root=root, **config)).files]
    finally:
        os.chdir(cwd)


def test_recursive_and_sorted(tmp_path):
    for name in ["b.py", "a.py", "pkg/z.py", "pkg/sub/y.py", "notes.txt", "pkg/data.pyc", "script"]:
        write(tmp_path, name, "x = 1\n")
    assert paths(tmp_path) == ["a.py", "b.py", "pkg/sub/y.py", "pkg/z.py"]


def test_skipped_directories(tmp_path):
    for d in [".git", ".hg", ".venv", "venv", "env", "__pycache__", "build", "dist", ".tox", ".nox",
              "node_modules", "lib/site-packages", ".kgraphlint_cache", "x.egg-info"]:
        write(tmp_path, f"{d}/m.py", "x = 1\n")
    write(tmp_path, "myenv/pyvenv.cfg", "home = /usr\n")  # a virtualenv with any name
    write(tmp_path, "myenv/lib/m.py", "x = 1\n")
    write(tmp_path, "src/m.py", "x = 1\n")
    assert paths(tmp_path) == ["src/m.py"]


def test_exclude_globs(tmp_path):
    for name in ["src/a.py", "src/gen/b.py", "src/c_pb2.py", "tests/t.py"]:
        write(tmp_path, name, "x = 1\n")
    assert paths(tmp_path, exclude=("src/gen", "*_pb2.py", "tests/*")) == ["src/a.py"]


def test_explicit_file_is_checked_even_if_excluded(tmp_path):
    write(tmp_path, "gen/b.py", "x = 1\n")
    assert paths(tmp_path, "gen/b.py", exclude=("gen",)) == ["gen/b.py"]
    # Directories are walked with the exclusions applied.
    assert paths(tmp_path, "gen", exclude=("gen",)) == []


def test_explicit_file_with_any_extension_and_no_duplicates(tmp_path):
    write(tmp_path, "tool", "x = 1\n")
    write(tmp_path, "m.py", "x = 1\n")
    assert paths(tmp_path, "tool", "m.py", ".", "./m.py") == ["tool", "m.py"]


def test_paths_keep_the_users_spelling(tmp_path):
    write(tmp_path, "pkg/m.py", "x = 1\n")
    assert paths(tmp_path, "pkg") == ["pkg/m.py"]
    assert paths(tmp_path, "./pkg") == ["pkg/m.py"]
    assert paths(tmp_path, str(tmp_path / "pkg")) == [str(tmp_path / "pkg" / "m.py")]


def test_missing_path_raises(tmp_path):
    with pytest.raises(MissingPathError, match="nope.py: no such file or directory"):
        paths(tmp_path, "nope.py")


def test_broken_symlink_and_fifo_are_errors(tmp_path):
    write(tmp_path, "ok.py", "x = 1\n")
    os.symlink(tmp_path / "gone.py", tmp_path / "broken.py")
    os.mkfifo(tmp_path / "pipe.py")
    found = discover([str(tmp_path)], Config(root=tmp_path))
    assert [Path(f.path).name for f in found.files] == ["ok.py"]
    messages = {Path(e.path).name: e.message for e in found.errors}
    assert messages == {"broken.py": "broken symbolic link", "pipe.py": "not a regular file"}


def test_symlink_loops_do_not_hang(tmp_path):
    write(tmp_path, "pkg/m.py", "x = 1\n")
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "again")  # directory loop: not followed
    os.symlink(tmp_path / "self.py", tmp_path / "self.py")  # file loop
    found = discover([str(tmp_path)], Config(root=tmp_path))
    assert [Path(f.path).name for f in found.files] == ["m.py"]
    (error,) = found.errors
    assert error.path.endswith("self.py") and error.message.startswith("cannot read file:")


def test_directory_named_like_a_module_is_walked(tmp_path):
    write(tmp_path, "weird.py/inner.py", "x = 1\n")
    (tmp_path / "empty.py").mkdir()
    assert paths(tmp_path) == ["weird.py/inner.py"]
    assert paths(tmp_path, "empty.py") == []
