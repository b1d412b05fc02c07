"""The parent side of ``--trace``: runs files through a worker process.

Never imports keras: the worker (``kgraphlint.trace.worker``) does, once for
many files.  Each file has a time limit (``trace.timeout``, default 120 s).
A file whose code hangs, exits or crashes the worker becomes a KG901 error
for that file; the worker is then replaced and the run goes on.  The worker is
also replaced after a file that changed it for good (patched Keras, edited
``sys.modules``...), after ``trace.max-files-per-worker`` files and when its
memory passes ``trace.max-worker-memory-mb``.

The worker runs in its own session (process group) and dies with its parent;
closing it kills the whole group, so nothing the traced code forked survives
the run.  Everything the worker writes lives in one private temporary
directory, removed at the end, also on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from kgraphlint.graph import Facts, RaisedError, Site
from kgraphlint.trace.calls import calls_for
from kgraphlint.trace.frames import is_user_file
from kgraphlint.trace.serialize import facts_from_dict

# How long the worker may take to import Keras before it counts as broken.
STARTUP_TIMEOUT = 300.0
# One message may hold a large graph, never more than this.
MAX_MESSAGE_BYTES = 512 * 1024 * 1024
DEFAULT_MAX_FILES_PER_WORKER = 50
DEFAULT_MAX_WORKER_MEMORY_MB = 3072


@dataclass
class TraceRequest:
    path: str  # as the user gave it: findings use it
    abspath: str
    # Top-level functions the static engine saw building a model, with the
    # number of arguments they require (only 0 gets called).
    builders: list[tuple[str, int]] = field(default_factory=list)
    # Functions needing no argument that build a model and also train it
    # (not builders for the static engine): called too (see coverage.py).
    trainers: list[str] = field(default_factory=list)
    # The file's decoded text as the static engine analysed it: the worker
    # runs and labels exactly that, without reading the file again (None:
    # the worker reads it, e.g. a notebook, whose cells it needs).
    text: Optional[str] = None


class WorkerFailure(Exception):
    def __init__(self, message: str, site: Optional[Site] = None) -> None:
        super().__init__(message)
        self.site = site


class _WorkerProcess:
    """One ``python -m kgraphlint.trace.worker`` child, in its own session."""

    def __init__(self, run_dir: str) -> None:
        self.dir = tempfile.mkdtemp(prefix="worker-", dir=run_dir)
        self.crash_path = os.path.join(self.dir, "crash.txt")
        self.token = secrets.token_hex(16)
        self.files = 0
        self.rss_mb = 0.0
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        env.setdefault("PYTHONWARNINGS", "ignore")
        # The worker must import this very kgraphlint, even from a source tree.
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        # The private channel: two pipes, named to the worker by number (it
        # moves them out of the way at once); not stdin/stdout.
        to_worker_r, self._to_worker = os.pipe()
        self._from_worker, from_worker_w = os.pipe()
        env["KGRAPHLINT_TRACE_CHANNEL"] = f"{to_worker_r},{from_worker_w}"
        env["KGRAPHLINT_TRACE_DIR"] = self.dir
        stderr_log = env.get("KGRAPHLINT_TRACE_LOG")
        self._stderr = open(stderr_log, "ab") if stderr_log else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kgraphlint.trace.worker"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                env=env,
                pass_fds=(to_worker_r, from_worker_w),
                start_new_session=True,  # its own process group: kill user children too
            )
        except OSError as exc:
            for fd in (to_worker_r, from_worker_w, self._to_worker, self._from_worker):
                os.close(fd)
            raise WorkerFailure(f"the trace worker could not start ({exc})") from None
        os.close(to_worker_r)
        os.close(from_worker_w)
        self._buffer = b""
        self.eof = False
        self.last_progress: Optional[dict[str, Any]] = None
        try:
            self._write({"token": self.token})
            message = self._read(time.monotonic() + STARTUP_TIMEOUT)
        except WorkerFailure:
            message = None
        except BaseException:  # Ctrl-C / SIGTERM while Keras imports: no orphan
            with _Uninterrupted():
                self.close(kill=True)
            raise
        if message is None or not message.get("ready"):
            reason = (message or {}).get("fatal") or "the trace worker did not start"
            self.close(kill=True)
            raise WorkerFailure(reason)

    # -- plumbing --------------------------------------------------------------
    def _write(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode("utf-8") + b"\n"
        try:
            while data:
                written = os.write(self._to_worker, data)
                data = data[written:]
        except OSError:
            raise WorkerFailure(self._death_reason()) from None

    def _read(self, deadline: float) -> Optional[dict[str, Any]]:
        """One message, or None on EOF / deadline (``self.eof`` tells which).

        A line that is not one of the worker's messages (not JSON, or without
        this worker's token) raises WorkerFailure: the traced code wrote to
        the channel.
        """
        fd = self._from_worker
        self.eof = False
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self.eof = True
                return None
            self._buffer += chunk
            if len(self._buffer) > MAX_MESSAGE_BYTES:
                raise WorkerFailure("the traced code flooded kgraphlint's private channel with data")
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict) or message.get("token") != self.token:
            raise WorkerFailure(
                "the traced code wrote to kgraphlint's private channel (a malformed message came back)"
            )
        return message

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self, kill: bool = False) -> None:
        """End the worker and everything in its process group; remove its files."""
        if self.alive() and not kill:
            try:
                self._write({"quit": True})
                self.proc.wait(timeout=10)
            except (WorkerFailure, subprocess.TimeoutExpired):
                pass
        # Also when the worker itself has exited: children it left behind.
        self._signal_group(signal.SIGKILL)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self._to_worker, self._from_worker):
            try:
                os.close(fd)
            except OSError:
                pass
        self._to_worker = self._from_worker = -1
        if not isinstance(self._stderr, int):  # an opened log, not subprocess.DEVNULL
            self._stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- one file ------------------------------------------------------------------
    def run(self, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        """The worker's result message; raises WorkerFailure when it died or hung."""
        self.last_progress = None
        self.files += 1
        self._write(payload)
        # The worker stops Python-level hangs itself at ``timeout``; the extra
        # time is for code stuck where Python signals cannot reach it.
        deadline = time.monotonic() + timeout + max(2.0, 0.1 * timeout)
        while True:
            message = self._read(deadline)
            if message is None:
                if not self.eof and self.alive():
                    # Stuck in C code: SIGABRT makes faulthandler dump the stacks.
                    try:
                        os.kill(self.proc.pid, signal.SIGABRT)
                    except ProcessLookupError:
                        pass
                    try:
                        self.proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        self._signal_group(signal.SIGKILL)
                        self.proc.wait(timeout=10)
                    raise WorkerFailure(f"tracing timed out after {timeout:g} s (the worker was killed)")
                raise WorkerFailure(self._death_reason())
            if "progress" in message:
                self.last_progress = message["progress"]
                continue
            if "facts" not in message:
                raise WorkerFailure("the traced code wrote to kgraphlint's private channel (an unexpected message)")
            self.rss_mb = float(message.get("rss_mb") or 0.0)
            return message

    def _death_reason(self) -> str:
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            code = self.proc.wait(timeout=10)
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the traced code crashed the Python process ({name})"
        return f"the traced code ended the Python process (exit status {code})"

    def crash_site(self, display_path: str, abspath: str) -> Optional[Site]:
        """Where the crash dump says the traced file's code was running."""
        try:
            with open(self.crash_path, encoding="utf-8", errors="replace") as fh:
                dump = fh.read()
        except OSError:
            return None
        return site_from_faulthandler(dump, display_path, abspath)


_FRAME_LINE = re.compile(r'^\s*File "(?P<file>.*)", line (?P<line>\d+) in (?P<func>.*)$')


def site_from_faulthandler(dump: str, display_path: str, abspath: str) -> Optional[Site]:
    """The innermost traced-file frame of the crashing thread in a faulthandler dump."""
    blocks = re.split(r"\n(?=(?:Current thread|Thread) 0x)", dump)
    current = [b for b in blocks if b.lstrip().startswith("Current thread") or "Current thread" in b[:200]]
    ordered = current + [b for b in blocks if b not in current]
    target = os.path.realpath(abspath)
    for block in ordered:
        fallback = None
        for text in block.splitlines():
            m = _FRAME_LINE.match(text)
            if not m:
                continue
            filename, line = m.group("file"), int(m.group("line"))
            if os.path.realpath(filename) == target:
                return _line_site(display_path, abspath, line)
            if fallback is None and is_user_file(filename):
                fallback = (filename, line)
        if fallback is not None:
            rel = os.path.relpath(fallback[0])
            return _line_site(fallback[0] if rel.startswith("..") else rel, fallback[0], fallback[1])
    return None


def _line_site(path: str, filename: str, line: int) -> Site:
    try:
        with open(filename, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
    except OSError:
        text = ""
    col = len(text) - len(text.lstrip()) + 1
    return Site(path, line, col, line, max(col, len(text.rstrip()) + 1))


def _failed_facts(request: TraceRequest, message: str, site: Optional[Site], exc_type: str = "TraceError") -> Facts:
    facts = Facts(path=request.path, engine="trace", builders=list(request.builders))
    facts.errors.append(RaisedError(exc_type, message, site or Site(request.path, 1, 1)))
    return facts


class _Progress:
    """``tracing 3/40: path`` on a terminal's stderr; nothing otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.shown = False
        try:
            self.enabled = total > 0 and sys.stderr.isatty()
        except (AttributeError, ValueError):
            self.enabled = False

    def show(self, index: int, path: str) -> None:
        if not self.enabled:
            return
        text = f"tracing {index}/{self.total}: {path}"
        width = shutil.get_terminal_size((80, 20)).columns - 1
        if len(text) > width:
            text = text[: max(0, width - 3)] + "..."
        sys.stderr.write("\r\x1b[2K" + text)
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
            self.shown = False


class _Terminated(SystemExit):
    """SIGTERM during a trace: unwind (and clean up) like Ctrl-C, exit 143."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated(128 + signum)


class _SignalsEndTheRun:
    """While tracing, SIGTERM unwinds too, so the worker is never left behind."""

    def __enter__(self) -> "_SignalsEndTheRun":
        self.previous: Any = None
        if threading.current_thread() is threading.main_thread():
            try:
                self.previous = signal.signal(signal.SIGTERM, _on_sigterm)
            except (ValueError, OSError):
                self.previous = None
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.previous is not None:
            try:
                signal.signal(signal.SIGTERM, self.previous)
            except (ValueError, OSError):
                pass


class _Uninterrupted:
    """Cleanup that a second Ctrl-C must not cut short (main thread only)."""

    def __enter__(self) -> "_Uninterrupted":
        self.saved: list[tuple[int, Any]] = []
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    self.saved.append((sig, signal.signal(sig, signal.SIG_IGN)))
                except (ValueError, OSError):
                    pass
        return self

    def __exit__(self, *exc: Any) -> None:
        for sig, handler in self.saved:
            try:
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
            except (ValueError, OSError):
                pass


def _skipped_facts(request: TraceRequest, reason: str) -> Facts:
    facts = Facts(path=request.path, engine="trace", builders=list(request.builders))
    facts.trace_skipped = [reason]  # type: ignore[attr-defined]
    return facts


def _positive(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 and number != float("inf") else default


def trace_files(requests: list[TraceRequest], config: Any) -> dict[str, Facts]:
    """Trace each file in a worker process; path (as given) -> Facts.

    ``facts.trace_skipped`` lists why a file was not (fully) traced when the
    reason is the sandbox's, not a bug of the file (no network, no data file,
    a package that is not installed...).
    """
    timeout = _positive(getattr(config, "trace_timeout", None), 120.0)
    max_files = int(_positive(getattr(config, "trace_max_files_per_worker", None), DEFAULT_MAX_FILES_PER_WORKER))
    max_mb = _positive(getattr(config, "trace_max_worker_memory_mb", None), DEFAULT_MAX_WORKER_MEMORY_MB)
    entries = list(getattr(config, "trace_calls", None) or [])
    roots = [r for r in (getattr(config, "root", None), getattr(config, "project_root", None)) if r]
    roots.append(os.getcwd())
    results: dict[str, Facts] = {}
    worker: Optional[_WorkerProcess] = None
    cannot_start: Optional[str] = None
    progress = _Progress(len(requests))
    run_dir = tempfile.mkdtemp(prefix="kgraphlint-trace-")
    try:
        with _SignalsEndTheRun():
            for index, request in enumerate(requests, 1):
                progress.show(index, request.path)
                if cannot_start is not None:
                    results[request.path] = _skipped_facts(request, f"not traced: {cannot_start}")
                    continue
                specs, bad = calls_for(entries, request.abspath, [str(r) for r in roots])
                payload = {
                    "path": request.path,
                    "abspath": os.path.abspath(request.abspath),
                    "builders": [list(b) for b in request.builders],
                    "calls": [s.to_json() for s in specs],
                    "trainers": list(request.trainers),
                    "timeout": timeout,
                }
                if request.text is not None:
                    payload["source"] = request.text
                if worker is None or not worker.alive():
                    worker = _start_worker(run_dir)
                    if isinstance(worker, str):
                        cannot_start, worker = worker, None
                        results[request.path] = _skipped_facts(request, f"not traced: {cannot_start}")
                        continue
                try:
                    message = worker.run(payload, timeout)
                except WorkerFailure as exc:
                    results[request.path] = _failure_facts(worker, request, exc)
                    worker.close(kill=True)
                    worker = None
                    continue
                facts = facts_from_dict(message["facts"])
                facts.trace_skipped = [str(r) for r in message.get("skipped") or []]  # type: ignore[attr-defined]
                # Which functions ran and what stopped them (coverage report).
                facts.trace_called = list(message.get("called") or [])  # type: ignore[attr-defined]
                facts.trace_built_at = list(message.get("built_at") or [])  # type: ignore[attr-defined]
                for text in bad:
                    facts.errors.append(RaisedError("ValueError", text, Site(request.path, 1, 1)))
                results[request.path] = facts
                if message.get("restart") or worker.files >= max_files or worker.rss_mb > max_mb:
                    worker.close(kill=bool(message.get("restart")))
                    worker = None
    finally:
        with _Uninterrupted():
            progress.done()
            if worker is not None:
                worker.close(kill=sys.exc_info()[0] is not None)
            shutil.rmtree(run_dir, ignore_errors=True)
    return results


def _start_worker(run_dir: str) -> Any:
    """A ready worker, or the reason none could start (after one retry)."""
    reason = ""
    for _ in range(2):
        try:
            return _WorkerProcess(run_dir)
        except WorkerFailure as exc:
            reason = str(exc)
    return f"the trace worker could not start ({reason})"


def _failure_facts(worker: _WorkerProcess, request: TraceRequest, exc: WorkerFailure) -> Facts:
    progress = worker.last_progress or {}
    if progress.get("guessed") and "private channel" not in str(exc):
        # Only guessed to be a builder (by its name): no finding.
        return Facts(path=request.path, engine="trace", builders=list(request.builders))
    site = worker.crash_site(request.path, request.abspath)
    if site is None and worker.last_progress:
        site = Site(request.path, int(worker.last_progress.get("line") or 1), 1)
    exc_type = "TimeoutError" if "timed out" in str(exc) else "WorkerCrash"
    return _failed_facts(request, str(exc), site, exc_type)
