"""The content-hash cache of per-file static results."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import write
from kgraphlint.cache import CACHE_DIR_NAME, FindingCache
from kgraphlint.config import Config
from kgraphlint.lint import lint_paths

BAD = "import keras\n\nx = (1,\n"


def entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR_NAME).rglob("*.json"))


def run(root: Path, *paths: str, **kwargs):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return lint_paths(list(paths) or ["."], config=Config(root=root), **kwargs)
    finally:
        os.chdir(cwd)


def test_cache_is_written_at_the_project_root_and_reused(tmp_path):
    write(tmp_path, "src/bad.py", BAD)
    first = run(tmp_path, "src")
    assert [f.code for f in first.findings] == ["KG900"]
    (entry,) = entries(tmp_path)
    assert (tmp_path / CACHE_DIR_NAME / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (tmp_path / CACHE_DIR_NAME / "CACHEDIR.TAG").exists()
    # Prove the second run reads the entry: doctor it and see the result change.
    data = json.loads(entry.read_text())
    data["findings"][0]["message"] = "from the cache"
    entry.write_text(json.dumps(data))
    second = run(tmp_path, "src")
    assert [f.message for f in second.findings] == ["from the cache"]
    assert second.files_checked == first.files_checked


def test_changed_content_misses(tmp_path):
    path = write(tmp_path, "bad.py", BAD)
    run(tmp_path)
    path.write_text(BAD.replace("(1,", "(1, 2,"))
    result = run(tmp_path)
    assert [f.line for f in result.findings] == [3]
    assert len(entries(tmp_path)) == 2


def test_selection_is_part_of_the_key(tmp_path):
    write(tmp_path, "bad.py", BAD)
    assert [f.code for f in run(tmp_path).findings] == ["KG900"]
    assert run(tmp_path, ignore=["KG900"]).findings == []
    assert [f.code for f in run(tmp_path).findings] == ["KG900"]
    assert len(entries(tmp_path)) == 2


def test_corrupt_entries_are_ignored(tmp_path):
    write(tmp_path, "bad.py", BAD)
    run(tmp_path)
    (entry,) = entries(tmp_path)
    for garbage in [b"", b"{not json", b"[1, 2]", b'{"findings": 3}', b"\xff\xfe\x00"]:
        entry.write_bytes(garbage)
        result = run(tmp_path)
        assert [f.code for f in result.findings] == ["KG900"], garbage
        assert result.errors == []


def test_no_cache_writes_nothing(tmp_path):
    write(tmp_path, "bad.py", BAD)
    run(tmp_path, use_cache=False)
    assert not (tmp_path / CACHE_DIR_NAME).exists()


def test_unwritable_cache_location_does_not_fail_the_run(tmp_path):
    write(tmp_path, "bad.py", BAD)
    (tmp_path / CACHE_DIR_NAME).write_text("a file where the cache directory should be")
    result = run(tmp_path)
    assert [f.code for f in result.findings] == ["KG900"] and result.errors == []


def test_cache_never_touches_sources(tmp_path):
    path = write(tmp_path, "pkg/bad.py", BAD)
    write(tmp_path, "pkg/clean.py", "import keras\n")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.py")}
    run(tmp_path)
    run(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.py")} == before
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == ["bad.py", "clean.py"]
    assert path.read_text() == BAD


def test_atomic_put_leaves_no_temp_files(tmp_path):
    cache = FindingCache(tmp_path, "salt")
    key = cache.key("a.py", b"data")
    cache.put(key, {"findings": [], "builders": [], "parsed": True})
    assert cache.get(key) == {"findings": [], "builders": [], "parsed": True}
    leftovers = [p for p in (tmp_path / CACHE_DIR_NAME).rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []
    assert cache.key("a.py", b"data") != cache.key("b.py", b"data")
    assert cache.key("a.py", b"data") != FindingCache(tmp_path, "other salt").key("a.py", b"data")


def test_cli_cache_location_and_no_cache(cli, tmp_path):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "src/pkg/bad.py", BAD)
    assert cli("pkg", cwd=tmp_path / "src").returncode == 1
    assert entries(tmp_path)  # next to pyproject.toml, not in the working directory
    assert not (tmp_path / "src" / CACHE_DIR_NAME).exists()
    write(tmp_path / "other", "bad.py", BAD)
    assert cli("--no-cache", "bad.py", cwd=tmp_path / "other").returncode == 1
    assert not (tmp_path / "other" / CACHE_DIR_NAME).exists()
