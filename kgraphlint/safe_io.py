"""Reading and rewriting the user's files without blocking, following or damaging them.

Reading (:func:`read_regular`): a path can be swapped for a FIFO or a
``/dev/zero`` symlink between discovery and reading, so the type of what was
*opened* is checked (``O_NONBLOCK`` open, then ``fstat``), never only what was
listed, and reads are bounded.

Rewriting (:func:`write_fixed`, the one write path of ``--fix``, for source
files and notebooks alike): the new content goes to a temporary file next to
the target, which gets the target's mode, owner, group and extended
attributes, and is renamed over it only if the target still holds exactly the
bytes the fix was computed from.  A file that is read-only, not writable by
the user, owned by someone whose ownership could not be kept, or hard-linked
is never written (a rename would silently break the link); the reason comes
back as one line.  Temporary files are named
``.<name>.<pid>.<random>.kgraphlint-tmp``; those an earlier, killed run left
behind are removed by :func:`remove_stale_temp_files`.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from typing import Optional

TEMP_SUFFIX = ".kgraphlint-tmp"
# ".m.py.1234.k2j3h4_x.kgraphlint-tmp": the name, our pid, mkstemp's random part.
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]{6,}" + re.escape(TEMP_SUFFIX) + r"$")
# A temp file lives for milliseconds; one this old whose writer is gone (or
# older than STALE_ALWAYS) is a leftover.  The grace period protects a
# concurrent run that is writing right now.
STALE_AFTER = 60.0
STALE_ALWAYS = 24 * 3600.0

_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """What was opened is a FIFO, a device, a socket or a directory."""


class FileTooLarge(OSError):
    """The file holds more bytes than the caller accepts."""


def read_regular(path: "str | os.PathLike[str]", limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit``.

    Never blocks on a FIFO or device: raises NotRegularFile for anything that
    is not a regular file once opened, FileTooLarge beyond ``limit`` bytes,
    and OSError for the rest (missing, permission, loop, a symlink when
    ``follow_symlinks`` is false...).
    """
    flags = os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY | _O_BINARY
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise NotRegularFile(errno.EISDIR, "is a directory, not a Python file")
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file")
        return _read_fd(fd, limit)
    finally:
        os.close(fd)


def _read_fd(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(errno.EFBIG, f"file is larger than {_size(limit)}")
    return b"".join(chunks)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def describe(exc: OSError) -> str:
    """One line for an OSError raised here or by the OS."""
    if isinstance(exc, (NotRegularFile, FileTooLarge)):
        return str(exc.strerror)
    return exc.strerror or str(exc)


# --------------------------------------------------------------------------
# Rewriting


def write_fixed(path: "str | os.PathLike[str]", expected: bytes, new: bytes) -> Optional[str]:
    """Replace the content of ``path`` with ``new`` if it still holds exactly ``expected``.

    Returns None once written, else the reason the file was left untouched (one
    line, without the path).  Symlinks are written through, not replaced.
    """
    target = os.path.realpath(os.fspath(path))
    try:
        st = os.stat(target)
    except OSError as exc:
        return f"cannot read file: {describe(exc)}"
    refusal = _refusal(target, st)
    if refusal:
        return refusal
    if not _still_holds(target, expected, st):
        return "file changed since it was checked; not fixed (run kgraphlint again)"

    directory = os.path.dirname(target) or "."
    remove_stale_temp_files(directory)
    try:
        import tempfile  # only when writing: a cached run writes nothing
        fd, tmp = tempfile.mkstemp(
            dir=directory, prefix=f".{os.path.basename(target)}.{os.getpid()}.", suffix=TEMP_SUFFIX
        )
    except OSError as exc:
        return f"cannot write file: {describe(exc)}"
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(new)
            fh.flush()
            problem = _copy_metadata(fh.fileno(), target, st)
            if problem:
                _unlink(tmp)
                return problem
            os.fsync(fh.fileno())
        # Last look just before the rename: an editor may have saved meanwhile.
        if not _still_holds(target, expected, st):
            _unlink(tmp)
            return "file changed since it was checked; not fixed (run kgraphlint again)"
        os.replace(tmp, target)
    except OSError as exc:
        _unlink(tmp)
        return f"cannot write file: {describe(exc)}"
    except BaseException:
        _unlink(tmp)
        raise
    _fsync_directory(directory)
    return None


def _refusal(target: str, st: os.stat_result) -> Optional[str]:
    """Why a file must not be rewritten, or None."""
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file; not fixed"
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        # Even root, who may write anything, leaves a file marked read-only alone.
        return "file is read-only; not fixed"
    if not os.access(target, os.W_OK):
        return "permission denied: you cannot write this file; not fixed"
    if st.st_nlink > 1:
        # Renaming a new file into place would leave the other names with the
        # old content; writing in place is not crash-safe.  Let the user choose.
        return f"file has {st.st_nlink} hard links; not fixed (apply the --diff output by hand to keep them)"
    if hasattr(os, "geteuid") and os.geteuid() != 0 and st.st_uid != os.geteuid():
        # Only root can give the new file its owner back.
        return "file belongs to another user; not fixed (the rewrite would change its owner)"
    return None


def _still_holds(target: str, expected: bytes, before: os.stat_result) -> bool:
    try:
        now = os.stat(target)
        if (now.st_ino, now.st_dev) != (before.st_ino, before.st_dev):
            return False
        return read_regular(target, len(expected)) == expected
    except OSError:  # FileTooLarge included: it grew
        return False


def _copy_metadata(fd: int, target: str, st: os.stat_result) -> Optional[str]:
    """Give the temp file ``fd`` the target's owner, group, mode and extended
    attributes; the reason when one of them cannot be kept."""
    if hasattr(os, "fchown"):
        try:
            os.fchown(fd, st.st_uid, st.st_gid)
        except OSError:
            try:  # not root: a group we belong to can still be kept
                os.fchown(fd, -1, st.st_gid)
            except OSError:
                return "cannot keep the file's group; not fixed"
    # After chown, which may clear set-id bits.
    os.chmod(fd, stat.S_IMODE(st.st_mode))
    return _copy_xattrs(fd, target)


def _copy_xattrs(fd: int, target: str) -> Optional[str]:
    if not hasattr(os, "listxattr"):
        return None
    try:
        names = os.listxattr(target)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP), errno.ENOSYS):
            return None  # the filesystem has none
        return f"cannot read the file's extended attributes ({describe(exc)}); not fixed"
    for name in names:
        try:
            value = os.getxattr(target, name)
        except OSError as exc:
            return f"cannot read extended attribute {name} ({describe(exc)}); not fixed"
        try:
            if os.getxattr(fd, name) == value:
                continue  # set on creation already (e.g. security.selinux)
        except OSError:
            pass
        try:
            os.setxattr(fd, name, value)
        except OSError as exc:
            return f"cannot keep extended attribute {name} ({describe(exc)}); not fixed"
    return None


def _fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def remove_stale_temp_files(directory: str) -> list[str]:
    """Remove the temp files earlier, killed ``--fix`` runs left in ``directory``.

    Only files that are ours beyond doubt: named like ours, regular files (not
    symlinks), owned by the current user, and left by a process that is gone
    (or very old).  Returns the names removed.
    """
    removed: list[str] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        match = _TEMP_NAME.match(name)
        if match is None:
            continue
        full = os.path.join(directory, name)
        try:
            st = os.lstat(full)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
            continue
        age = now - st.st_mtime
        if age < STALE_AFTER:
            continue
        if age < STALE_ALWAYS and _process_alive(int(match.group("pid"))):
            continue
        try:
            os.unlink(full)
            removed.append(name)
        except OSError:
            pass
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":
        return True  # on Windows os.kill(pid, 0) would terminate the process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError, OSError):
        return True  # someone else's process, or cannot tell: keep the file
    return True


__all__ = ["FileTooLarge", "NotRegularFile", "TEMP_SUFFIX", "read_regular", "remove_stale_temp_files", "write_fixed"]
