"""--fix never damages a file: the content it was computed from, the file's
metadata, links and permissions are all respected (kgraphlint.safe_io)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import REPO, needs_engine, write
from kgraphlint.config import Config
from kgraphlint.findings import Edit, Finding, Fix
from kgraphlint.fixes import FixError, apply_fixes
from kgraphlint.lint import lint_paths
from kgraphlint.safe_io import TEMP_SUFFIX, read_regular, remove_stale_temp_files, write_fixed

FIXABLE = "import keras\n\nOLD_NAME = keras.Input((3,))\n"  # KG993 (test rule) renames it
FIXED = "import keras\n\nNEW_NAME = keras.Input((3,))\n"
PRIVATE_IMPORT = "from keras.engine.training import Model\nimport keras\n\nx = keras.Input((3,))\nm = Model(x, x)\n"


def fix_cli(cli, root: Path, *args: str):
    res = cli("--fix", "--format", "text", "--no-cache", *args, cwd=root, test_rules=True)
    assert "Traceback" not in res.output and "internal error" not in res.output, res.output
    return res


# ----------------------------------------------------------------------
# The file changed between analysis and write


@needs_engine
def test_fix_race_through_the_library_leaves_the_saved_file_alone(tmp_path):
    path = write(tmp_path, "train.py", PRIVATE_IMPORT)
    result = lint_paths([str(path)], config=Config(root=tmp_path), use_cache=False)
    fixable = [f for f in result.findings if f.fix is not None]
    assert fixable, "KG401 offers a fix for a private import"
    assert all(f.fix.source_sha256 for f in fixable)
    # An editor saves while the run goes on: every position moved.
    saved = "import os\nimport keras  # edited\nfrom keras.engine.training import Model\n\nx = keras.Input((3,))\n"
    path.write_text(saved)
    with pytest.raises(FixError, match="changed since it was checked"):
        apply_fixes(str(path), result.findings)
    assert path.read_text() == saved
    # Analysed again, the same fix applies.
    again = lint_paths([str(path)], config=Config(root=tmp_path), use_cache=False)
    assert apply_fixes(str(path), again.findings) is not None
    assert "keras.engine" not in path.read_text() and path.read_text().startswith("import os\n")


def test_fix_race_on_a_cached_result_is_caught_too(tmp_path):
    # The hash comes from the bytes read in this run, also for cache hits.
    path = write(tmp_path, "m.py", "import keras\nx = keras.Input((3,))\n")
    finding = Finding("KG401", "n", "error", str(path), 2, 5, 2, 10, "m", fix=Fix("d", [Edit(2, 5, 2, 10, "tf")]))
    finding.fix.source_sha256 = "0" * 64  # computed from other bytes
    with pytest.raises(FixError, match="changed since it was checked"):
        apply_fixes(str(path), [finding])
    assert path.read_text() == "import keras\nx = keras.Input((3,))\n"


def test_write_fixed_checks_the_bytes_right_before_writing(tmp_path):
    path = write(tmp_path, "m.py", "x = 1\n")
    assert write_fixed(path, b"x = 0\n", b"x = 2\n") == "file changed since it was checked; not fixed (run kgraphlint again)"
    assert path.read_text() == "x = 1\n"
    assert write_fixed(path, b"x = 1\n", b"x = 2\n") is None
    assert path.read_text() == "x = 2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]


def test_cli_reports_a_file_it_could_not_fix_and_exits_1(cli, tmp_path):
    path = write(tmp_path, "m.py", FIXABLE)
    path.chmod(0o444)
    res = fix_cli(cli, tmp_path, "--exit-zero", "m.py")
    assert res.returncode == 0  # --exit-zero still wins
    res = fix_cli(cli, tmp_path, "--fail-on", "error", "m.py")
    assert "kgraphlint: m.py: file is read-only; not fixed" in res.stderr
    assert "Fixed" not in res.stderr
    assert res.returncode == 1  # nothing else fails, but not everything was fixed
    assert path.read_text() == FIXABLE and stat.S_IMODE(path.stat().st_mode) == 0o444


# ----------------------------------------------------------------------
# Metadata, links, permissions


def test_mode_owner_group_and_xattrs_are_kept(cli, tmp_path):
    path = write(tmp_path, "m.py", FIXABLE)
    path.chmod(0o640)
    owner = None
    if os.geteuid() == 0:
        owner = (12345, 23456)
        os.chown(path, *owner)
    xattr = False
    try:
        os.setxattr(path, "user.kgraphlint-test", b"keep me")
        xattr = True
    except OSError:
        pass  # the filesystem has no user xattrs
    res = fix_cli(cli, tmp_path, "m.py")
    assert "Fixed m.py" in res.stderr, res.stderr
    assert path.read_text() == FIXED
    st = path.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640
    if owner:
        assert (st.st_uid, st.st_gid) == owner
    if xattr:
        assert os.getxattr(path, "user.kgraphlint-test") == b"keep me"


def test_read_only_file_is_never_written_even_by_root(tmp_path):
    path = write(tmp_path, "m.py", "x = 1\n")
    path.chmod(0o444)
    assert write_fixed(path, b"x = 1\n", b"x = 2\n") == "file is read-only; not fixed"
    assert path.read_text() == "x = 1\n"


def test_file_the_user_cannot_write_is_reported():
    # As another user, a file writable only by its owner must stay as it is,
    # even though the directory is writable (a rename would replace it).
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to act as another user")
    directory = Path(tempfile.mkdtemp(prefix="kgraphlint-perm-"))  # not under 0700 pytest dirs
    try:
        directory.chmod(0o777)
        path = directory / "m.py"
        path.write_text("x = 1\n")
        path.chmod(0o644)
        os.chown(path, 12345, 12345)
        code = "import sys; from kgraphlint.safe_io import write_fixed; print(write_fixed(sys.argv[1], b'x = 1\\n', b'x = 2\\n'))"
        res = subprocess.run(
            ["setpriv", "--reuid=23456", "--regid=23456", "--clear-groups", sys.executable, "-c", code, str(path)],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert res.stdout.strip() == "permission denied: you cannot write this file; not fixed", res.stderr
        assert path.read_text() == "x = 1\n" and path.stat().st_uid == 12345
        assert sorted(p.name for p in directory.iterdir()) == ["m.py"]
    finally:
        shutil.rmtree(directory)


def test_hard_linked_file_is_refused_and_links_stay_intact(cli, tmp_path):
    path = write(tmp_path, "m.py", FIXABLE)
    os.link(path, tmp_path / "other_name.py.bak")
    res = fix_cli(cli, tmp_path, "m.py")
    assert "m.py: file has 2 hard links; not fixed" in res.stderr
    assert res.returncode == 1
    assert path.read_text() == FIXABLE
    assert path.stat().st_ino == (tmp_path / "other_name.py.bak").stat().st_ino


def test_symlink_is_written_through(tmp_path):
    real = write(tmp_path, "real.py", "x = 1\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    assert write_fixed(link, b"x = 1\n", b"x = 2\n") is None
    assert link.is_symlink() and real.read_text() == "x = 2\n"


def test_fifo_swapped_in_is_not_opened_for_writing(tmp_path):
    path = tmp_path / "m.py"
    os.mkfifo(path)
    assert write_fixed(path, b"x = 1\n", b"x = 2\n") == "not a regular file; not fixed"


# ----------------------------------------------------------------------
# Temp files of killed runs


def _stale(directory: Path, name: str, pid: int, age: float = 3600) -> Path:
    tmp = directory / f".{name}.{pid}.abc123xy{TEMP_SUFFIX}"
    tmp.write_text("half-written")
    old = time.time() - age
    os.utime(tmp, (old, old))
    return tmp


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temp_files_of_killed_runs_are_removed(cli, tmp_path):
    write(tmp_path, "m.py", FIXABLE)
    dead = _dead_pid()
    stale = _stale(tmp_path, "m.py", dead)
    fresh = _stale(tmp_path, "n.py", dead, age=1)  # may belong to a run writing right now
    alive = _stale(tmp_path, "x.py", os.getpid())  # its writer is still running
    foreign = tmp_path / f".notes.txt.{dead}.draft{TEMP_SUFFIX}.orig"  # not our name
    foreign.write_text("user data")
    target = tmp_path / "precious.py"
    target.write_text("keep")
    link = tmp_path / f".link.py.{dead}.abc123xy{TEMP_SUFFIX}"
    link.symlink_to(target)
    res = fix_cli(cli, tmp_path, "m.py")
    assert "Fixed m.py" in res.stderr
    assert not stale.exists()
    assert fresh.exists() and alive.exists() and foreign.exists() and link.is_symlink()
    assert target.read_text() == "keep"
    assert remove_stale_temp_files(str(tmp_path)) == []


def test_killed_fix_leaves_the_file_whole(tmp_path):
    # A run killed at any point leaves the old or the new content, never a mix:
    # the new content is complete in the temp file before the rename.
    path = write(tmp_path, "m.py", "x = 1\n" * 1000)
    expected = path.read_bytes()
    assert write_fixed(path, expected, b"y = 2\n" * 1000) is None
    assert read_regular(path, 1 << 20) == b"y = 2\n" * 1000
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]
