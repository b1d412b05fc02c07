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
import stat
from pathlib import Path
from typing import Any, Optional

from kgraphlint.safe_io import read_regular

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


# An entry holds one file's findings; anything bigger was not written by us.
MAX_ENTRY_BYTES = 32 * 1024 * 1024


class FindingCache:
    """One run's view of the cache directory.

    The cache lives inside the project and never leaves it: if the cache
    directory (or a level of it) is a symbolic link, the cache is not used at
    all, and entries are opened without following symlinks and without
    blocking (a FIFO or a ``/dev/zero`` link in there is a miss).
    """

    def __init__(self, root: Path, salt: str) -> None:
        self.directory = Path(root) / CACHE_DIR_NAME / _FORMAT
        self._salt = salt.encode()
        self._usable = not any(_is_symlink(p) for p in (self.directory.parent, self.directory))
        self._writable = self._usable

    def key(self, path: str, data: bytes) -> str:
        digest = hashlib.sha256(self._salt)
        digest.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> Optional[dict[str, Any]]:
        """The entry stored under ``key``, or None (a miss) for anything else:
        missing, unreadable, truncated, not JSON, not a regular file."""
        if not self._usable:
            return None
        entry = self._entry(key)
        if _is_symlink(entry.parent):
            return None
        try:
            value = json.loads(read_regular(entry, MAX_ENTRY_BYTES, follow_symlinks=False))
        except (OSError, ValueError, RecursionError, MemoryError):
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        if not self._writable:
            return
        entry = self._entry(key)
        try:
            self._prepare(entry.parent)
            import tempfile  # only when writing: a cached run writes nothing
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
        if _is_symlink(shard) or _is_symlink(self.directory) or _is_symlink(self.directory.parent):
            raise OSError(f"{shard}: the cache directory is a symbolic link; not used")
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


def _is_symlink(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
