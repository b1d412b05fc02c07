"""The trace worker: ``python -m kgraphlint.trace.worker CRASH_FILE``.

Imports Keras once, then traces one file per request.  Talks to the parent
over its *original* stdin/stdout (duplicated to private descriptors); fds
0/1/2 are then pointed at /dev/null so user prints and TensorFlow log noise
never reach the parent's report.  Fatal signals (segfault, abort) dump the
Python stacks into CRASH_FILE (faulthandler) so the parent can report where
user code crashed.

Protocol: JSON lines.  Worker -> parent: ``{"ready": true}`` once, then per
request any number of ``{"progress": {...}}`` and one ``{"facts": {...},
"restart": bool}``.  Parent -> worker: ``{"path", "abspath", "builders",
"calls", "timeout"}`` or ``{"quit": true}``.
"""

from __future__ import annotations

import faulthandler
import gc
import importlib.util
import inspect
import json
import os
import re
import signal
import sys
from typing import Any, BinaryIO, Optional


class TraceTimeout(BaseException):
    """Raised in the main thread by SIGALRM when a file's time is up."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise TraceTimeout()


class Worker:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.counter = 0

    def send(self, message: dict[str, Any]) -> None:
        self.out.write(json.dumps(message).encode("utf-8") + b"\n")
        self.out.flush()

    # ------------------------------------------------------------------
    def trace(self, request: dict[str, Any]) -> dict[str, Any]:
        from kgraphlint.graph import RaisedError, Site
        from kgraphlint.trace.frames import SiteMaker, is_user_file
        from kgraphlint.trace.hooks import Recorder, TraceExit, recording
        from kgraphlint.trace.labels import LabelIndex
        from kgraphlint.trace.model_facts import facts_from_models
        from kgraphlint.trace.serialize import facts_to_dict
        from kgraphlint.trace.errors import rule_for_exception

        path: str = request["path"]
        abspath: str = os.path.abspath(request["abspath"])
        timeout = float(request.get("timeout") or 120)
        sites = SiteMaker(path, abspath)
        try:
            with open(abspath, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        except OSError:
            text = ""
        labels = LabelIndex(text, path)
        recorder = Recorder(sites)
        errors: list[RaisedError] = []
        skipped: list[str] = []
        restart = False

        def record(exc: BaseException, fn: Any) -> None:
            missing = _missing_third_party(exc)
            if missing is not None:
                # The environment lacks a package the file needs (e.g. the
                # pre-commit hook's environment): not a defect of the file.
                skipped.append(f"cannot trace {path}: package `{missing}` is not installed")
                return
            site = sites.site_of_traceback(exc.__traceback__)
            if site is None and fn is not None and sites.in_traced_file(fn.__code__.co_filename):
                site = Site(path, fn.__code__.co_firstlineno, 1)
            errors.append(_raised(exc, site, recorder, path))

        saved = _GlobalState.save()
        self.counter += 1
        stem = "".join(c if c.isalnum() else "_" for c in os.path.splitext(os.path.basename(abspath))[0])
        modname = f"_kgraphlint_traced_{self.counter}_{stem}"
        before = set(sys.modules)
        directory = os.path.dirname(abspath)
        sys.path.insert(0, directory)
        # As if the file were run: module-level argparse sees no options of ours.
        saved_argv = sys.argv
        sys.argv = [abspath]
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        partial = False
        current: tuple[Optional[str], bool] = (None, False)
        try:
            with recording(recorder):
                module = None
                try:
                    spec = importlib.util.spec_from_file_location(modname, abspath)
                    if spec is None or spec.loader is None:
                        raise ImportError(f"cannot import {path}")
                    module = importlib.util.module_from_spec(spec)
                    sys.modules[modname] = module
                    spec.loader.exec_module(module)
                except (TraceTimeout, TraceExit, SystemExit, KeyboardInterrupt, Exception) as exc:
                    if isinstance(exc, TraceTimeout):
                        raise
                    record(exc, None)
                    partial, module = True, None
                if module is not None:
                    for fn_name, args, kwargs, guessed in _targets(module, request):
                        fn = getattr(module, fn_name, None)
                        if not inspect.isfunction(fn):
                            errors.append(
                                RaisedError(
                                    "LookupError",
                                    f"trace.calls names `{fn_name}`, which is not a top-level function of {path}",
                                    Site(path, 1, 1),
                                )
                            )
                            continue
                        current = (fn_name, guessed)
                        self.send(
                            {"progress": {"builder": fn_name, "line": fn.__code__.co_firstlineno, "guessed": guessed}}
                        )
                        try:
                            recorder.returned.append(fn(*args, **kwargs))
                        except (TraceTimeout, TraceExit, SystemExit, KeyboardInterrupt, Exception) as exc:
                            if isinstance(exc, TraceTimeout):
                                raise
                            partial = True
                            if guessed and rule_for_exception(type(exc).__name__, str(exc)) is None:
                                continue  # maybe not a builder at all: say nothing
                            record(exc, fn)
        except TraceTimeout as exc:
            signal.setitimer(signal.ITIMER_REAL, 0)
            site = sites.site_of_traceback(exc.__traceback__)
            if not current[1]:
                errors.append(
                    RaisedError("TimeoutError", f"tracing timed out after {timeout:g} s", site or Site(path, 1, 1))
                )
            partial, restart = True, True
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.argv = saved_argv
            try:
                sys.path.remove(directory)
            except ValueError:
                pass

        try:
            module_globals = vars(sys.modules[modname]) if modname in sys.modules else None
            facts = facts_from_models(
                path=path, recorder=recorder, labels=labels, partial=partial, module_globals=module_globals
            )
        except Exception as exc:  # a bug in kgraphlint, not in the user's code
            import traceback

            from kgraphlint.graph import Facts

            traceback.print_exc()  # visible with KGRAPHLINT_TRACE_LOG

            facts = Facts(path=path, engine="trace")
            errors.append(
                RaisedError(
                    type(exc).__name__,
                    f"kgraphlint could not read the traced graph (internal error): {exc}",
                    Site(path, 1, 1),
                )
            )
        facts.errors.extend(errors)
        facts.builders = [(b[0], b[1]) for b in request.get("builders", [])]
        payload = facts_to_dict(facts)

        # Forget this file's modules (two projects may both have a utils.py)
        # and Keras's global state (auto-name counters, graph memory).
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules.get(name), "__file__", None)
            if name == modname or (module_file and is_user_file(module_file)):
                sys.modules.pop(name, None)
        saved.restore()
        return {"facts": payload, "restart": restart, "skipped": skipped}


class _GlobalState:
    """What one file's code may change that must not leak into the next file."""

    def __init__(self) -> None:
        import keras

        self.cwd = os.getcwd()
        self.sys_path = list(sys.path)
        self.environ = dict(os.environ)
        config = keras.config
        self.keras = (config.floatx(), config.image_data_format(), config.epsilon(), config.dtype_policy())

    @classmethod
    def save(cls) -> "_GlobalState":
        return cls()

    def restore(self) -> None:
        import keras

        try:
            os.chdir(self.cwd)
        except OSError:
            pass
        sys.path[:] = self.sys_path
        if dict(os.environ) != self.environ:
            os.environ.clear()
            os.environ.update(self.environ)
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


def _missing_third_party(exc: BaseException) -> Optional[str]:
    """The missing top-level package, when an import failed for lack of it."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return None
    top = exc.name.split(".")[0]
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        found = False
    return None if found else top


# Zero-argument functions with these names are traced even when the static
# engine could not see them build a model (e.g. through a builder class).
_BUILDER_NAME = re.compile(r"^(build|construct)|^(make|create|get|define)_?\w*(model|net|gan|network)", re.I)


def _targets(module: Any, request: dict[str, Any]) -> list[tuple[str, list, dict, bool]]:
    """Functions to call: configured calls, then builders needing no argument.

    The last item tells whether the function is only guessed to be a builder
    (from its name): its failures that no rule explains are not reported.
    """
    targets: list[tuple[str, list, dict, bool]] = []
    configured = set()
    for name, args, kwargs in request.get("calls", []):
        targets.append((name, list(args), dict(kwargs), False))
        configured.add(name)
    listed = {name for name, required in request.get("builders", []) if not required}
    zero_arg: list[tuple[int, str, bool]] = []
    for name, fn in vars(module).items():
        if name in configured or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
            continue
        if name not in listed and not _BUILDER_NAME.search(name):
            continue
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            continue
        if any(
            p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            for p in params
        ):
            continue
        zero_arg.append((fn.__code__.co_firstlineno, name, name not in listed))
    for _, name, guessed in sorted(zero_arg):
        targets.append((name, [], {}, guessed))
    return targets


def _raised(exc: BaseException, site: Any, recorder: Any, path: str) -> Any:
    from kgraphlint.graph import RaisedError, Site
    from kgraphlint.trace.errors import duplicated_name, rule_for_exception, short_message
    from kgraphlint.trace.hooks import TraceExit

    exc_type = type(exc).__name__
    if isinstance(exc, SystemExit):
        return RaisedError(exc_type, f"the traced code called sys.exit({exc.code!r})", site or Site(path, 1, 1))
    if isinstance(exc, TraceExit):
        return RaisedError("SystemExit", f"the traced code called {exc}", site or Site(path, 1, 1))
    if isinstance(exc, KeyboardInterrupt):
        return RaisedError(exc_type, "the traced code raised KeyboardInterrupt", site or Site(path, 1, 1))
    message = str(exc)
    code = rule_for_exception(exc_type, message)
    if code == "KG304":
        # Reported at the second layer's creation, like the static engine.
        name = duplicated_name(message)
        same = sorted(
            (
                r
                for r in recorder.all_op_records()
                if r.explicit_name and not r.library and getattr(r.op, "name", None) == name
            ),
            key=lambda r: r.order,
        )
        if len(same) >= 2 and same[1].site is not None:
            site = same[1].site  # where the graph rule reports it too
    elif code in ("KG601", "KG602", "KG603") and _raised_in_sequential(exc):
        # Keras called the layer itself while building a Sequential model:
        # report at the layer the user wrote, like the static engine.
        site = _failing_layer_site(message, recorder) or site
    return RaisedError(exc_type, short_message(message), site or Site(path, 1, 1), code)


def _raised_in_sequential(exc: BaseException) -> bool:
    import traceback

    return any(
        frame.filename.replace(os.sep, "/").endswith("/keras/src/models/sequential.py")
        for frame in traceback.extract_tb(exc.__traceback__)
    )


def _failing_layer_site(message: str, recorder: Any) -> Any:
    """Creation site of the user layer a shape error is about, when only one fits."""
    from kgraphlint.trace.errors import failing_layer

    name, class_name = failing_layer(message)
    if name is None and class_name is None:
        return None
    candidates = []
    for rec in recorder.all_op_records():
        op = rec.op
        if rec.library or rec.site is None or op is None:
            continue
        if name is not None and getattr(op, "name", None) != name:
            continue
        if class_name is not None and (rec.class_name != class_name or getattr(op, "_inbound_nodes", None)):
            continue
        candidates.append(rec)
    return candidates[0].site if len(candidates) == 1 else None


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Private copies of the protocol pipes, then silence fds 0/1/2.
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    # KGRAPHLINT_TRACE_LOG (debugging kgraphlint): keep stderr, which the
    # parent then points at that file.
    for fd in (0, 1) if os.environ.get("KGRAPHLINT_TRACE_LOG") else (0, 1, 2):
        os.dup2(devnull, fd)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    crash_file = open(argv[0], "w") if argv else None
    if crash_file is not None:
        faulthandler.enable(file=crash_file, all_threads=True)
    worker = Worker(proto_out)
    try:
        import keras  # (once, for every file)

        # Raw tracebacks: Keras's filtering rebuilds them from live frames
        # (wrong lines for the user frame) and wraps messages.
        keras.config.disable_traceback_filtering()

        from kgraphlint.trace.hooks import installed_hooks
        from kgraphlint.trace.frames import library_dirs

        library_dirs()
    except BaseException as exc:
        worker.send({"fatal": f"cannot import keras: {type(exc).__name__}: {exc}"})
        return 1
    with installed_hooks():
        # Everything Keras and TensorFlow made at import lives for the whole
        # run: keep it out of every later garbage collection (0.4 s each).
        gc.collect()
        gc.freeze()
        worker.send({"ready": True})
        for line in proto_in:
            request = json.loads(line)
            if request.get("quit"):
                break
            result = worker.trace(request)
            worker.send(result)
            if result.get("restart"):
                break
    proto_out.flush()
    # Skip interpreter teardown (TensorFlow's can be slow or noisy).
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
