"""Precision suite: kgraphlint (static) over real code nobody here wrote.

    python benchmarks/precision_suite.py [--list] [--jobs N] [--cache DIR] [--json OUT]

Trees checked:

- the installed ``keras`` package, all of it (``keras/src``, tests included),
  found with ``importlib.util.find_spec`` (which does not import Keras);
- ``keras-hub`` and ``tf_keras`` at pinned versions, fetched with
  ``pip download --no-deps`` into a cache directory outside the repository
  (``--cache``, else ``$KGRAPHLINT_PRECISION_CACHE``, else
  ``~/.cache/kgraphlint/precision``) when missing, and unpacked there.

Every finding is listed against ``tests/precision_allowlist.txt``, whose lines
read ``PATH-PATTERN[:LINE] CODE  reason`` (a shell pattern on the path relative
to the tree, e.g. ``keras/src/models/functional_test.py:507 KG104  ...``).  A
finding no entry covers is *unjustified*; an entry that covers nothing is
*stale*.  Exit status 0 when there is neither, 1 otherwise (2: could not run).
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import json
import os
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "tests" / "precision_allowlist.txt"
# Pinned so that the allowlist's lines stay true.
DOWNLOADS = {"keras_hub": "keras-hub==0.32.0", "tf_keras": "tf_keras==2.21.0"}


@dataclass(frozen=True)
class Entry:
    pattern: str
    line: Optional[int]
    code: str
    reason: str
    lineno: int  # in the allowlist file

    def covers(self, path: str, line: int, code: str) -> bool:
        return (
            code == self.code
            and (self.line is None or self.line == line)
            and fnmatch.fnmatchcase(path, self.pattern)
        )


def load_allowlist(path: Path = ALLOWLIST) -> list[Entry]:
    entries: list[Entry] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split(None, 2)
        if len(parts) < 3:
            raise ValueError(f"{path.name}:{lineno}: want 'PATH[:LINE] CODE  reason', got {raw!r}")
        where, code, reason = parts
        pattern, _, line = where.rpartition(":") if where.rpartition(":")[2].isdigit() else (where, "", "")
        entries.append(Entry(pattern, int(line) if line else None, code, reason, lineno))
    return entries


def cache_dir(given: Optional[str]) -> Path:
    if given:
        return Path(given)
    env = os.environ.get("KGRAPHLINT_PRECISION_CACHE")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "kgraphlint" / "precision"


def fetch(package: str, requirement: str, cache: Path) -> Path:
    """The unpacked package directory for ``requirement``, downloaded if missing."""
    name, _, version = requirement.partition("==")
    unpacked = cache / f"{package}-{version}"
    if (unpacked / package).is_dir():
        return unpacked / package
    cache.mkdir(parents=True, exist_ok=True)
    wheels = sorted(cache.glob(f"{package}-{version}-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--quiet", "-d", str(cache), requirement],
            check=True,
        )
        wheels = sorted(cache.glob(f"{package}-{version}-*.whl"))
    if not wheels:
        raise RuntimeError(f"pip download {requirement} produced no wheel in {cache}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        wheel.extractall(unpacked)
    return unpacked / package


def installed_keras() -> Path:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("keras is not installed in this environment")
    return Path(list(spec.submodule_search_locations)[0])


def trees(cache: Path) -> dict[str, Path]:
    """Tree name -> package directory (paths are reported relative to its parent)."""
    found = {"keras": installed_keras()}
    for package, requirement in DOWNLOADS.items():
        found[package] = fetch(package, requirement, cache)
    return found


@dataclass
class Row:
    path: str
    line: int
    code: str
    message: str
    entry: Optional[Entry]


def run(cache: Path, jobs: Optional[int] = None, allowlist: Path = ALLOWLIST) -> tuple[list[Row], list[Entry], dict]:
    sys.path.insert(0, str(ROOT))
    from kgraphlint.lint import lint_paths

    entries = load_allowlist(allowlist)
    rows: list[Row] = []
    stats: dict = {"trees": {}}
    for name, package_dir in trees(cache).items():
        start = time.perf_counter()
        result = lint_paths([str(package_dir)], use_cache=False, jobs=jobs)
        base = package_dir.parent
        stats["trees"][name] = {
            "files_checked": result.files_checked,
            "findings": len(result.findings),
            "seconds": round(time.perf_counter() - start, 1),
        }
        for f in result.findings:
            rel = Path(f.path).resolve().relative_to(base.resolve()).as_posix()
            entry = next((e for e in entries if e.covers(rel, f.line, f.code)), None)
            rows.append(Row(rel, f.line, f.code, f.message, entry))
    used = {id(r.entry) for r in rows if r.entry is not None}
    stale = [e for e in entries if id(e) not in used]
    return rows, stale, stats


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list every finding, allowed ones too")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--cache", default=None, help="where keras-hub and tf_keras are downloaded")
    parser.add_argument("--json", default=None, help="write the findings and counts here")
    args = parser.parse_args(argv)
    try:
        rows, stale, stats = run(cache_dir(args.cache), args.jobs)
    except (RuntimeError, subprocess.CalledProcessError, ValueError) as exc:
        print(f"precision suite could not run: {exc}", file=sys.stderr)
        return 2
    unjustified = [r for r in rows if r.entry is None]
    for r in rows:
        if args.list or r.entry is None:
            status = "allowed" if r.entry else "UNJUSTIFIED"
            why = f"  [{r.entry.reason}]" if r.entry else ""
            print(f"{status:11} {r.path}:{r.line} {r.code} {r.message}{why}")
    for e in stale:
        where = f"{e.pattern}:{e.line}" if e.line else e.pattern
        print(f"STALE       allowlist line {e.lineno}: {where} {e.code} covers no finding")
    for name, s in stats["trees"].items():
        print(f"{name}: {s['files_checked']} files, {s['findings']} findings, {s['seconds']} s")
    print(f"{len(rows)} findings: {len(rows) - len(unjustified)} allowed, {len(unjustified)} unjustified; "
          f"{len(stale)} stale allowlist entries")
    if args.json:
        Path(args.json).write_text(json.dumps({
            **stats,
            "findings": [
                {"path": r.path, "line": r.line, "code": r.code, "message": r.message,
                 "allowed": r.entry.reason if r.entry else None}
                for r in rows
            ],
            "stale": [{"line": e.lineno, "pattern": e.pattern, "code": e.code} for e in stale],
        }, indent=2))
    return 0 if not unjustified and not stale else 1


if __name__ == "__main__":
    sys.exit(main())
