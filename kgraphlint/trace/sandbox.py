"""What traced code may do to the machine: the worker's containment.

Installed once in the worker, before any user code runs, as a PEP 578 audit
hook (``sys.addaudithook``: user code cannot remove it).  From then on, for
the life of the worker process and of everything it forks:

- files may be written only inside the run's private temporary directory
  (the worker's working directory is a per-file folder inside it); writing,
  deleting, renaming or creating anything elsewhere raises :class:`Refused`;
- no network: resolving names, connecting, sending and binding sockets raise;
- no other programs: ``subprocess``, ``os.system``, ``os.exec*``,
  ``os.posix_spawn``, ``os.spawn*`` raise;
- no signals to processes outside the worker's own process group;
- no further audit hooks (they could undo this one's refusals).

Each refusal is also written to the current :class:`Journal`, with the
reads of files that do not exist and of the stand-ins handed out for
downloads: :mod:`kgraphlint.trace.blame` uses it to tell a failure the
sandbox caused from a bug in the user's code.

Forked children inherit the hook; :func:`install` also makes them die with
the worker (``PR_SET_PDEATHSIG`` on Linux) and closes the protocol channel
in them.  These guards stop accidents and ordinary Python code; native code
(ctypes, C extensions) is not audited and can get past them.

No keras import: this module is about the process, not about Keras.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Optional


class Refused(PermissionError):
    """What the sandbox raises instead of letting traced code do something."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}: not allowed while kgraphlint traces")
        self.reason = reason


class _HookRefused(RuntimeError):
    pass


@dataclass
class Journal:
    """What one file's code asked for that tracing does not provide."""

    refusals: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # files read that do not exist
    # Stand-ins handed out for downloads (path -> what it replaces), and the
    # ones the code then read.
    standins: dict[str, str] = field(default_factory=dict)
    standin_reads: list[str] = field(default_factory=list)
    gpu_probes: int = 0  # GPU lists that came back empty


journal = Journal()

_root = ""  # the run's private directory (writable), with a trailing os.sep
_installed = False
_in_child: list[bool] = [False]  # set in forked children
_child_hooks: list[Callable[[], None]] = []

_IMPORT_SUFFIXES = (".py", ".pyc", ".so", ".pyd", ".pth")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_ALWAYS_WRITABLE = frozenset({os.devnull})
# Events whose first argument is a path that gets written / changed.
_PATH_EVENTS = frozenset(
    {
        "os.remove",
        "os.rmdir",
        "os.mkdir",
        "os.truncate",
        "os.chmod",
        "os.chown",
        "os.utime",
        "os.chflags",
        "os.lchflags",
        "os.setxattr",
        "os.removexattr",
        "shutil.rmtree",
        "shutil.chown",
    }
)
# Events whose first two arguments are paths (both must be inside).
_TWO_PATH_EVENTS = frozenset({"os.rename", "os.link", "os.symlink"})
_NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.gethostbyname_ex",
        "urllib.Request",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "http.client.connect",
        "webbrowser.open",
    }
)
_PROCESS_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile", "pty.spawn"}
)
_SIGNAL_EVENTS = frozenset({"os.kill", "os.killpg"})
_READ_EVENTS = frozenset({"os.listdir", "os.scandir"})
_WATCHED = (
    frozenset({"open", "sys.addaudithook"})
    | _PATH_EVENTS
    | _TWO_PATH_EVENTS
    | _NETWORK_EVENTS
    | _PROCESS_EVENTS
    | _SIGNAL_EVENTS
    | _READ_EVENTS
)


def _refuse(reason: str) -> None:
    journal.refusals.append(reason)
    raise Refused(reason)


def _as_path(value: Any) -> Optional[str]:
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    elif isinstance(value, os.PathLike):
        value = os.fspath(value)
        if isinstance(value, bytes):
            value = os.fsdecode(value)
    return value if isinstance(value, str) else None


def writable(path: str) -> bool:
    """May traced code write ``path``?  Only inside the run's directory."""
    if path in _ALWAYS_WRITABLE:
        return True
    real = os.path.realpath(path)
    return real in _ALWAYS_WRITABLE or (bool(_root) and (real + os.sep).startswith(_root))


def _check_write(value: Any, what: str) -> None:
    path = _as_path(value)
    if path is not None and not writable(path):
        _refuse(f"{what} {path}")


def _note_read(value: Any) -> None:
    path = _as_path(value)
    if not path:
        return
    if journal.standins:
        real = os.path.realpath(path)
        for standin, origin in journal.standins.items():
            if real == standin or real.startswith(standin + os.sep):
                journal.standin_reads.append(origin)
                return
    if path.endswith(_IMPORT_SUFFIXES) or "__pycache__" in path:
        return  # the import system probing for modules, not data
    if len(journal.missing) < 20 and not os.path.exists(path) and not _is_installation_probe(path):
        journal.missing.append(path)


def _installation_dirs() -> tuple[str, ...]:
    """The standard library's and the installed packages' directories."""
    import site
    import sysconfig

    dirs = {sysconfig.get_paths().get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    try:
        dirs.update(site.getsitepackages())
        dirs.add(site.getusersitepackages())
    except Exception:  # a virtualenv's old site.py lacks them
        pass
    return tuple(os.path.abspath(d) + os.sep for d in dirs if isinstance(d, str) and d)


_INSTALLATION_DIRS: Optional[tuple[str, ...]] = None


def _is_installation_probe(path: str) -> bool:
    """Is a missing ``path`` the import machinery's probing rather than data?

    The import system and ``importlib.metadata`` look at every ``sys.path``
    entry (``python311.zip`` usually does not exist) and at files of installed
    distributions that may be absent (a ``.dist-info``'s ``entry_points.txt``):
    the traced code's own data is never there."""
    global _INSTALLATION_DIRS
    target = os.path.abspath(path)
    if any(isinstance(entry, str) and os.path.abspath(entry or ".") == target for entry in sys.path):
        return True
    if _INSTALLATION_DIRS is None:
        _INSTALLATION_DIRS = _installation_dirs()
    return target.startswith(_INSTALLATION_DIRS)


def _describe_command(args: tuple) -> str:
    for value in args[1:2] + args[:1]:
        if isinstance(value, (list, tuple)) and value:
            return " ".join(str(os.fsdecode(v) if isinstance(v, bytes) else v) for v in value)[:120]
        if isinstance(value, (str, bytes, os.PathLike)):
            return str(_as_path(value))[:120]
    return "?"


def _audit(event: str, args: tuple) -> None:
    if event not in _WATCHED:
        return
    if event == "open":
        path, _mode, flags = (tuple(args) + (None, None, None))[:3]
        if isinstance(path, int):
            return  # os.fdopen of a descriptor already open
        if isinstance(flags, int) and flags & _WRITE_FLAGS:
            _check_write(path, "writes")
        else:
            _note_read(path)
    elif event in _READ_EVENTS:
        if args and args[0] is not None and not isinstance(args[0], int):
            _note_read(args[0])
    elif event in _PATH_EVENTS:
        if args and not isinstance(args[0], int):
            _check_write(args[0], "changes" if event != "os.mkdir" else "creates the directory")
    elif event in _TWO_PATH_EVENTS:
        # A symbolic link may point anywhere (writing through it is checked
        # then); a rename or hard link must stay inside on both ends.
        for value in args[1:2] if event == "os.symlink" else args[:2]:
            if not isinstance(value, int):
                _check_write(value, "moves or links")
    elif event in _NETWORK_EVENTS:
        target = args[1] if event.startswith("socket.") and len(args) > 1 else (args[0] if args else "")
        if event.startswith("socket.get"):
            target = args[0] if args else ""
        if isinstance(target, (bytes, bytearray)):
            target = "data"
        _refuse(f"opens a network connection ({event} {target!r}); tracing is offline")
    elif event in _PROCESS_EVENTS:
        _refuse(f"starts another program (`{_describe_command(tuple(args))}`)")
    elif event in _SIGNAL_EVENTS:
        pid = args[0] if args else 0
        if not isinstance(pid, int) or not _signal_allowed(event, pid):
            sig = args[1] if len(args) > 1 else "?"
            _refuse(f"sends signal {sig} to process {pid}, which is not part of the trace")
    elif event == "sys.addaudithook":
        # Python drops the new hook, silently, when this is a RuntimeError.
        journal.refusals.append("installs an audit hook")
        raise _HookRefused("installs an audit hook")


def _signal_allowed(event: str, pid: int) -> bool:
    """Signals may reach the worker itself and processes it forked."""
    own_group = os.getpgid(0)
    if event == "os.killpg":
        return pid == own_group
    if pid == 0 or pid == os.getpid():
        return True
    if pid == -1:
        return False
    if pid < -1:
        return -pid == own_group
    try:
        return os.getpgid(pid) == own_group
    except OSError:
        return True  # no such process: kill() raises ProcessLookupError itself


def _set_parent_death_signal() -> None:
    """Linux: die (SIGKILL) when the parent process dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass


def _after_fork_in_child() -> None:
    _in_child[0] = True
    _set_parent_death_signal()
    for hook in _child_hooks:
        try:
            hook()
        except Exception:
            pass


def in_forked_child() -> bool:
    """True in a process the traced code forked from the worker."""
    return _in_child[0]


def install(root: str, on_fork_child: Optional[Callable[[], None]] = None) -> None:
    """Contain the worker from now on: ``root`` is the only writable place."""
    global _root, _installed
    _root = os.path.realpath(root).rstrip(os.sep) + os.sep
    if on_fork_child is not None:
        _child_hooks.append(on_fork_child)
    if _installed:
        return
    _set_parent_death_signal()
    os.register_at_fork(after_in_child=_after_fork_in_child)
    sys.addaudithook(_audit)
    _installed = True


def new_journal() -> Journal:
    """Start recording for the next file."""
    global journal
    journal = Journal()
    return journal
