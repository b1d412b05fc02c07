"""Whose fault is a failure: the user's code, or what tracing changed?

Tracing runs code offline, without the project's data, in a sandbox: a script
that is correct may still fail there because the network is refused, a
download or dataset was replaced by a stand-in, a data file is not in the
checkout, a package is not installed or there is no GPU.  Those failures are
not bugs (KG901 is for the user's model-building code); the file is reported
as *not fully traced*, with the reason this module words.

Two kinds of evidence: the exception chain itself (a :class:`Refused`, a
``FileNotFoundError``, a ``ModuleNotFoundError`` for a package that is not
installed...), and the :class:`~kgraphlint.trace.sandbox.Journal` of what the
file's code asked for before it failed (a refused connection wrapped by
``requests`` into its own error, the empty stand-in of a download that
``zipfile`` then rejected).  The journal only counts when the exception was
not raised by Keras's graph building itself: a ``Reshape`` that cannot
reshape is the user's bug even in a file that also downloads things.

No keras import.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import re
from types import TracebackType
from typing import Iterator, Optional

from kgraphlint.rules.raised import rule_for_exception
from kgraphlint.trace.errors import short_message
from kgraphlint.trace.sandbox import Refused

# Keras's graph-building code: an exception raised in there is about the model.
_MODEL_CODE = re.compile(
    r"[/\\]keras[/\\]src[/\\](layers|models|ops|backend|applications|losses|metrics|optimizers|"
    r"regularizers|initializers|constraints|activations|trainers|random)[/\\]"
)
_GPU_WORDS = re.compile(r"\b(CUDA|cuda|cuDNN|cudnn|NVIDIA|nvidia|GPU|gpu|TPU)\b")
_INSTALL_WORDS = re.compile(r"pip install|not installed|[Rr]equires? |You must install|Could not import|[Mm]issing optional dependency")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and wrapped errors (URLError.reason)."""
    seen: set[int] = set()
    stack = [exc]
    while stack and len(seen) < 30:
        item = stack.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        for linked in (item.__cause__, item.__context__, getattr(item, "reason", None)):
            if isinstance(linked, BaseException):
                stack.append(linked)
        for arg in getattr(item, "args", ())[:3]:
            if isinstance(arg, BaseException):
                stack.append(arg)


def missing_package(exc: BaseException) -> Optional[str]:
    """The top-level package an import could not find (it is not installed)."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return None
    top = exc.name.split(".")[0]
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        found = False
    return None if found else top


def _innermost_file(tb: Optional[TracebackType]) -> str:
    filename = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return filename


def raised_by_keras_graph_code(exc: BaseException) -> bool:
    return bool(_MODEL_CODE.search(_innermost_file(exc.__traceback__)))


def _shown(path: str) -> str:
    return path if len(path) <= 160 else "..." + path[-157:]


def _from_exception(exc: BaseException, standins: dict[str, str]) -> Optional[str]:
    if isinstance(exc, Refused):
        return exc.reason
    package = missing_package(exc)
    if package is not None:
        return f"package `{package}` is not installed"
    message = str(exc)
    if isinstance(exc, ImportError) and not isinstance(exc, ModuleNotFoundError) and _INSTALL_WORDS.search(message):
        return f"needs a package that is not installed ({short_message(message, 160)})"
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)) or (
        isinstance(exc, OSError) and exc.errno == errno.ENOENT
    ):
        filename = getattr(exc, "filename", None)
        if filename is None:
            return f"reads a file that does not exist ({short_message(message, 160)})"
        path = os.fsdecode(filename) if isinstance(filename, bytes) else str(filename)
        origin = _standin_origin(path, standins)
        if origin is not None:
            return f"reads {_shown(path)} from {origin}, which tracing does not download"
        return f"reads {_shown(path)}, which does not exist"
    if type(exc).__name__ == "NotFoundError" and type(exc).__module__.startswith("tensorflow"):
        return f"reads a file that does not exist ({short_message(message, 160)})"
    if isinstance(exc, EOFError) and "EOF when reading a line" in message:
        return "reads standard input, which is empty while tracing"
    return None


def _standin_origin(path: str, standins: dict[str, str]) -> Optional[str]:
    real = os.path.realpath(path)
    for standin, origin in standins.items():
        if real == standin or real.startswith(standin + os.sep):
            return origin
    return None


def sandbox_reason(exc: BaseException, journal: object) -> Optional[str]:
    """Why tracing (not the user's code) made ``exc`` happen, or None."""
    standins: dict[str, str] = getattr(journal, "standins", {}) or {}
    for item in _chain(exc):
        reason = _from_exception(item, standins)
        if reason is not None:
            return reason
    message = str(exc)
    if rule_for_exception(type(exc).__name__, message) is not None or raised_by_keras_graph_code(exc):
        return None  # Keras rejected the graph: the user's bug
    if isinstance(exc, ImportError):
        return None  # an import that fails for itself (a removed Keras module...)
    refusals = getattr(journal, "refusals", [])
    if refusals:
        return refusals[0]
    reads = getattr(journal, "standin_reads", [])
    if reads:
        return f"uses {reads[0]}, which tracing does not download (it gets an empty stand-in)"
    missing = getattr(journal, "missing", [])
    if missing:
        return f"reads {_shown(missing[0])}, which does not exist"
    if isinstance(exc, SystemExit):
        return None  # the code chose to stop: its message is not evidence
    gpu_probes: int = getattr(journal, "gpu_probes", 0)
    if _GPU_WORDS.search(message) or (gpu_probes and isinstance(exc, IndexError)):
        return f"needs a GPU, and tracing runs on the CPU ({type(exc).__name__}: {short_message(message, 160)})"
    return None
