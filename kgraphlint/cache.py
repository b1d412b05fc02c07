"""Content-hash cache of per-file static results, under ``.kgraphlint_cache/``.

An entry is keyed by everything its result depends on: the file's bytes and
path-as-given, the kgraphlint version, a fingerprint of kgraphlint's own code
(so an editable install never serves results of older rules), and the rule
selection.  Entries are JSON written atomically; anything unreadable is a
miss, and a cache that cannot be written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

CACHE_DIR_NAME = ".kgraphlint_cache"
_FORMAT = "v1"


def code_fingerprint() -> str:
    """Name, size and mtime of every module of the kgraphlint package."""
    import kgraphlint

    package_dir = Path(kgraphlint.__file__).parent
    digest = hashlib.sha256(kgraphlint.__version__.encode())
    for dirpath, dirnames, filenames in os.walk(package_dir):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                full = os.path.join(dirpath, name)
                try:
                    st = os.stat(full)
                except OSError:
                    continue
                rel = os.path.relpath(full, package_dir)
                digest.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class FindingCache:
    """One run's view of the cache directory."""

    def __init__(self, root: Path, salt: str) -> None:
        self.directory = Path(root) / CACHE_DIR_NAME / _FORMAT
        self._salt = salt.encode()
        self._writable = True

    def key(self, path: str, data: bytes) -> str:
        digest = hashlib.sha256(self._salt)
        digest.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> Optional[dict[str, Any]]:
        try:
            with open(self._entry(key), "rb") as fh:
                value = json.loads(fh.read())
        except (OSError, ValueError):  # missing, unreadable, truncated, not JSON
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        if not self._writable:
            return
        entry = self._entry(key)
        try:
            self._prepare(entry.parent)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(value, fh, separators=(",", ":"))
                os.replace(tmp, entry)
            except BaseException:
                _unlink(tmp)
                raise
        except OSError:
            # Read-only checkout, full disk...: run without a cache.
            self._writable = False

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def _prepare(self, shard: Path) -> None:
        if shard.is_dir():
            return
        top = self.directory.parent
        if not top.is_dir():
            top.mkdir(parents=True, exist_ok=True)
            # Keep the cache out of version control and of backups.
            (top / ".gitignore").write_text("# Created by kgraphlint.\n*\n", encoding="utf-8")
            (top / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by kgraphlint.\n",
                encoding="utf-8",
            )
        shard.mkdir(parents=True, exist_ok=True)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
