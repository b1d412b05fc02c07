"""One traced file must not change what the next one sees.

:class:`FileState` is what a file's code may change that can simply be put
back afterwards (working directory, ``sys.path``, ``sys.argv``, environment,
recursion limit, signal handlers and mask, standard streams, trace/profile
functions, warning filters, Keras's global config).

:class:`Baseline` is what cannot be put back reliably: the identity of Keras's
public functions and classes (and of their methods), ``builtins``,
pre-existing ``sys.modules`` entries and import hooks, eager execution, and
threads the file started that are still running.  When a file changed any of
it, :meth:`Baseline.poisoned` says how, and the worker is replaced before the
next file.

Worker side (imports keras lazily, only when called).
"""

from __future__ import annotations

import builtins
import os
import signal
import sys
import threading
import warnings
from typing import Any, Optional, cast

# Public Keras modules whose functions and classes traced code calls.
_KERAS_PREFIX = "keras"


def _handlers() -> dict[int, Any]:
    handlers = {}
    for sig in signal.valid_signals():
        try:
            handlers[int(sig)] = signal.getsignal(sig)
        except (OSError, ValueError):
            continue
    return handlers


class FileState:
    """Saved before a file runs; :meth:`restore` puts it back."""

    def __init__(self) -> None:
        import keras

        self.cwd = os.getcwd()
        self.sys_path = list(sys.path)
        self.argv = list(sys.argv)
        self.environ = dict(os.environ)
        self.recursion_limit = sys.getrecursionlimit()
        self.handlers = _handlers()
        self.mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        self.streams = (sys.stdin, sys.stdout, sys.stderr)
        self.trace = (sys.gettrace(), sys.getprofile(), threading.gettrace(), threading.getprofile())
        self.hooks = (sys.excepthook, sys.displayhook, sys.breakpointhook)
        self.warning_filters = list(warnings.filters)
        self.umask = os.umask(0o022)
        os.umask(self.umask)
        config = keras.config
        self.keras = (config.floatx(), config.image_data_format(), config.epsilon(), config.dtype_policy())

    def restore(self) -> None:
        import keras

        sys.settrace(self.trace[0])
        sys.setprofile(self.trace[1])
        threading.settrace(self.trace[2])
        threading.setprofile(self.trace[3])
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in self.handlers.items():
            try:
                if signal.getsignal(sig) is not handler and handler is not None:
                    signal.signal(sig, handler)
            except (OSError, ValueError, TypeError):
                pass
        signal.pthread_sigmask(signal.SIG_SETMASK, self.mask)
        try:
            os.chdir(self.cwd)
        except OSError:
            pass
        sys.path[:] = self.sys_path
        sys.argv[:] = self.argv
        if dict(os.environ) != self.environ:
            os.environ.clear()
            os.environ.update(self.environ)
        try:
            sys.setrecursionlimit(self.recursion_limit)
        except (RecursionError, ValueError):
            pass
        sys.stdin, sys.stdout, sys.stderr = self.streams
        sys.excepthook, sys.displayhook, sys.breakpointhook = self.hooks
        # typeshed declares the filters a Sequence; at run time it is a list.
        cast(list, warnings.filters)[:] = self.warning_filters
        os.umask(self.umask)
        try:
            # Auto-name counters, graph memory; then floatx, channels order...
            keras.backend.clear_session()
            floatx, data_format, epsilon, policy = self.keras
            keras.config.set_floatx(floatx)
            keras.config.set_image_data_format(data_format)
            keras.config.set_epsilon(epsilon)
            keras.config.set_dtype_policy(policy)
        except Exception:
            pass


def _keras_namespaces() -> list[tuple[str, Any]]:
    """Public keras modules and the classes they export (with Keras bases)."""
    spaces: list[tuple[str, Any]] = []
    seen: set[int] = set()
    for name, module in sorted(sys.modules.items()):
        if module is None or not (name == _KERAS_PREFIX or name.startswith(_KERAS_PREFIX + ".")):
            continue
        if name.startswith("keras.src"):
            continue
        spaces.append((name, module))
        try:
            values = list(vars(module).values())
        except TypeError:
            continue
        for value in values:
            if not isinstance(value, type):
                continue
            for cls in value.__mro__:
                if id(cls) in seen or not (getattr(cls, "__module__", "") or "").startswith("keras"):
                    continue
                seen.add(id(cls))
                spaces.append((f"{cls.__module__}.{cls.__qualname__}", cls))
    return spaces


def _contents(owner: Any) -> dict[str, Any]:
    try:
        return dict(vars(owner))
    except TypeError:
        return {}


class Baseline:
    """The worker's state when it was ready: what no file may change."""

    def __init__(self) -> None:
        self.spaces = [(name, owner, _contents(owner)) for name, owner in _keras_namespaces()]
        self.builtins = dict(vars(builtins))
        self.meta_path = list(sys.meta_path)
        self.path_hooks = list(sys.path_hooks)
        self.eager = _executing_eagerly()

    def poisoned(
        self, modules_before: dict[str, Any], threads_before: set[int], is_user_file: Any
    ) -> Optional[str]:
        """How the last file changed the worker for good, or None."""
        for name, owner, contents in self.spaces:
            now = _contents(owner)
            for attr, value in contents.items():
                if now.get(attr, _MISSING) is not value:
                    return f"it replaced `{name}.{attr}`"
            if isinstance(owner, type):
                for attr in now.keys() - contents.keys():
                    # Python creates a class's __annotations__ on first access.
                    if attr != "__annotations__" and not attr.startswith("_abc_"):
                        return f"it added `{name}.{attr}`"
        if vars(builtins).keys() - self.builtins.keys() - {"_"}:
            extra = sorted(vars(builtins).keys() - self.builtins.keys())[0]
            return f"it added `builtins.{extra}`"
        for attr, value in self.builtins.items():
            if vars(builtins).get(attr, _MISSING) is not value and attr != "_":
                return f"it replaced `builtins.{attr}`"
        if any(hook not in sys.meta_path for hook in self.meta_path) or any(
            hook not in sys.path_hooks for hook in self.path_hooks
        ):
            return "it removed an import hook"
        for name, module in modules_before.items():
            if sys.modules.get(name, _MISSING) is not module:
                return f"it replaced or removed `sys.modules[{name!r}]`"
        for name in sys.modules.keys() - modules_before.keys():
            value = sys.modules.get(name)
            if value is None or not isinstance(value, type(sys)):
                return f"it put a non-module into `sys.modules[{name!r}]`"
        if self.eager and not _executing_eagerly():
            return "it turned off TensorFlow's eager execution"
        for thread in threading.enumerate():
            if thread.ident in threads_before or not thread.is_alive():
                continue
            target = getattr(thread, "_target", None)
            code = getattr(target, "__code__", None)
            filename = code.co_filename if code is not None else getattr(
                sys.modules.get(type(thread).__module__), "__file__", None
            )
            if filename and is_user_file(filename):
                return f"it left a thread running ({thread.name})"
        return None


_MISSING = object()


def _executing_eagerly() -> bool:
    tf = sys.modules.get("tensorflow")
    try:
        return bool(tf.executing_eagerly()) if tf is not None else True
    except Exception:
        return True


def thread_ids() -> set[int]:
    return {t.ident for t in threading.enumerate() if t.ident is not None}
