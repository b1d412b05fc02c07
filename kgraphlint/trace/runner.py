"""The parent side of ``--trace``: runs files through one worker process.

Never imports keras: the worker (``kgraphlint.trace.worker``) does, once for
all files.  Each file has a time limit (``trace.timeout``, default 120 s).
A file whose code hangs, exits or crashes the worker becomes a KG901 error
for that file; the worker is then replaced and the run goes on.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from kgraphlint.graph import Facts, RaisedError, Site
from kgraphlint.trace.calls import calls_for
from kgraphlint.trace.frames import is_user_file
from kgraphlint.trace.serialize import facts_from_dict

# How long the worker may take to import Keras before it counts as broken.
STARTUP_TIMEOUT = 300.0


@dataclass
class TraceRequest:
    path: str  # as the user gave it: findings use it
    abspath: str
    # Top-level functions the static engine saw building a model, with the
    # number of arguments they require (only 0 gets called).
    builders: list[tuple[str, int]] = field(default_factory=list)


class WorkerFailure(Exception):
    def __init__(self, message: str, site: Optional[Site] = None) -> None:
        super().__init__(message)
        self.site = site


class _WorkerProcess:
    """One ``python -m kgraphlint.trace.worker`` child."""

    def __init__(self) -> None:
        fd, self.crash_path = tempfile.mkstemp(prefix="kgraphlint-trace-crash-", suffix=".txt")
        os.close(fd)
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        env.setdefault("PYTHONWARNINGS", "ignore")
        # The worker must import this very kgraphlint, even from a source tree.
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        stderr_log = env.get("KGRAPHLINT_TRACE_LOG")
        self._stderr = open(stderr_log, "ab") if stderr_log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kgraphlint.trace.worker", self.crash_path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            start_new_session=True,  # its own process group: kill user children too
        )
        self._buffer = b""
        self.eof = False
        self.last_progress: Optional[dict[str, Any]] = None
        message = self._read(time.monotonic() + STARTUP_TIMEOUT)
        if message is None or not message.get("ready"):
            reason = (message or {}).get("fatal") or "the trace worker did not start"
            self.close(kill=True)
            raise WorkerFailure(reason)

    # -- plumbing --------------------------------------------------------------
    def _read(self, deadline: float) -> Optional[dict[str, Any]]:
        """One message, or None on EOF / deadline (``self.eof`` tells which)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        self.eof = False
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self.eof = True
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self, kill: bool = False) -> None:
        if self.alive():
            if not kill and self.proc.stdin is not None:
                try:
                    self.proc.stdin.write(b'{"quit": true}\n')
                    self.proc.stdin.flush()
                    self.proc.wait(timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if self.alive():
                self._signal_group(signal.SIGKILL)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if self._stderr is not subprocess.DEVNULL:
            self._stderr.close()
        try:
            os.unlink(self.crash_path)
        except OSError:
            pass

    # -- one file ------------------------------------------------------------------
    def run(self, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        """The worker's result message; raises WorkerFailure when it died or hung."""
        assert self.proc.stdin is not None
        self.last_progress = None
        try:
            self.proc.stdin.write(json.dumps(payload).encode("utf-8") + b"\n")
            self.proc.stdin.flush()
        except OSError:
            raise WorkerFailure(self._death_reason()) from None
        # The worker stops Python-level hangs itself at ``timeout``; the extra
        # time is for code stuck where Python signals cannot reach it.
        deadline = time.monotonic() + timeout + max(2.0, 0.1 * timeout)
        while True:
            message = self._read(deadline)
            if message is None:
                if not self.eof and self.alive():
                    # Stuck in C code: SIGABRT makes faulthandler dump the stacks.
                    self._signal_group(signal.SIGABRT)
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


def trace_files(requests: list[TraceRequest], config: Any) -> dict[str, Facts]:
    """Trace each file in one worker process; path (as given) -> Facts."""
    timeout = float(getattr(config, "trace_timeout", None) or 120.0)
    entries = list(getattr(config, "trace_calls", None) or [])
    roots = [r for r in (getattr(config, "root", None), getattr(config, "project_root", None)) if r]
    roots.append(os.getcwd())
    results: dict[str, Facts] = {}
    worker: Optional[_WorkerProcess] = None
    try:
        for request in requests:
            specs, bad = calls_for(entries, request.abspath, [str(r) for r in roots])
            payload = {
                "path": request.path,
                "abspath": os.path.abspath(request.abspath),
                "builders": [list(b) for b in request.builders],
                "calls": [s.to_json() for s in specs],
                "timeout": timeout,
            }
            try:
                if worker is None or not worker.alive():
                    worker = _WorkerProcess()
            except WorkerFailure as exc:
                results[request.path] = _failed_facts(request, str(exc), None)
                worker = None
                continue
            try:
                message = worker.run(payload, timeout)
            except WorkerFailure as exc:
                progress = worker.last_progress or {}
                if progress.get("guessed"):
                    # Only guessed to be a builder (by its name): no finding.
                    results[request.path] = Facts(path=request.path, engine="trace", builders=list(request.builders))
                    worker.close(kill=True)
                    worker = None
                    continue
                site = worker.crash_site(request.path, request.abspath)
                if site is None and worker.last_progress:
                    site = Site(request.path, int(worker.last_progress.get("line") or 1), 1)
                exc_type = "TimeoutError" if "timed out" in str(exc) else "WorkerCrash"
                results[request.path] = _failed_facts(request, str(exc), site, exc_type)
                worker.close(kill=True)
                worker = None
                continue
            facts = facts_from_dict(message["facts"])
            # Files that could not be traced for an environment reason (a
            # package the file imports is not installed): no finding, but the
            # pipeline may show ``facts.trace_skipped`` as a note.
            facts.trace_skipped = list(message.get("skipped") or [])  # type: ignore[attr-defined]
            for text in bad:
                facts.errors.append(RaisedError("ValueError", text, Site(request.path, 1, 1)))
            results[request.path] = facts
            if message.get("restart"):
                worker.close(kill=True)
                worker = None
    finally:
        if worker is not None:
            worker.close()
    return results
