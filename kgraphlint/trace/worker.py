"""The trace worker: ``python -m kgraphlint.trace.worker``.

Imports Keras once, then traces one file per request.  Talks to the parent
over a private channel: two pipes whose descriptors the parent names in
``KGRAPHLINT_TRACE_CHANNEL``, moved at once to random high descriptor numbers
(user code that writes to "fd 3" or prints never reaches them); fds 0/1/2
are /dev/null so user prints and TensorFlow log noise never reach the
parent's report.  Every message carries the token the parent sent first: a
line user code forged or garbled is recognised as such by the parent.

Before any user code runs the worker contains itself
(:mod:`~kgraphlint.trace.sandbox`): it works in ``KGRAPHLINT_TRACE_DIR``, the
run's private directory, and may write nowhere else.  Fatal signals
(segfault, abort) dump the Python stacks into ``crash.txt`` there
(faulthandler) so the parent can report where user code crashed.

Protocol: JSON lines.  Parent -> worker: ``{"token"}`` once, then
``{"path", "abspath", "builders", "calls", "trainers", "timeout"}`` or
``{"quit": true}``.  Worker -> parent: ``{"ready": true}`` once, then per
request any number of ``{"progress": {...}}`` and one ``{"facts", "skipped",
"called", "restart", "replace", "rss_mb"}``; every message has ``"token"``.
"""

from __future__ import annotations

import __future__
import ast
import faulthandler
import fcntl
import gc
import importlib.util
import inspect
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Optional

from kgraphlint.notebook import is_notebook

if TYPE_CHECKING:
    from kgraphlint.notebook import Notebook

_real_exit = os._exit  # before the hooks replace it


class TraceTimeout(BaseException):
    """Raised in the main thread by SIGALRM when a file's time is up."""


class TrainerStopped(TraceTimeout):
    """Raised by SIGALRM when a function called because it builds *and trains*
    a model used up its share of the file's time (a custom training loop
    really runs): the model was built long before; the next one is called."""


# What SIGALRM raises now (a trainer's own budget, or the file's time).
_alarm_raises: type = TraceTimeout
# The share of ``trace.timeout`` one trainer function may use (at least 5 s).
TRAINER_SHARE = 0.25


# How much of an exception's text is kept for the rules to match.
MAX_ERROR_TEXT = 8000

def _on_alarm(signum: int, frame: Any) -> None:
    raise _alarm_raises()


def import_file(
    abspath: str,
    modname: str,
    keep_going: Optional[Callable[[BaseException, Any], bool]] = None,
    cell_failed: Optional[Callable[[BaseException, Any], None]] = None,
    source: "Optional[str | Notebook]" = None,
) -> Any:
    """Import the traced file as part of its project (never as ``__main__``).

    The file is imported under its dotted module name (``models.net``, see
    :mod:`kgraphlint.project`) after its parent packages, with its import
    roots first on ``sys.path``: relative imports and imports of the project's
    own packages work whatever the working directory.  It is also registered
    as ``modname``, the caller's handle.  A file without a usable dotted name
    (not an identifier, or named like a module already loaded from elsewhere,
    such as the standard library's) is imported as ``modname`` alone.  A
    notebook runs as :func:`import_notebook` does (``cell_failed``: there),
    with the same roots on ``sys.path``.  The caller puts ``sys.path`` and
    ``sys.modules`` back.  ``keep_going``: see :func:`run_module`.
    ``source``: the file's text, already read and decoded (universal newlines,
    as the import system reads it), or the notebook already read; else the
    file is read.
    """
    from kgraphlint.project import is_candidate_name, module_info

    info = module_info(abspath)
    sys.path[:0] = list(info.roots)
    if is_notebook(abspath):
        return import_notebook(abspath, modname, keep_going, cell_failed, source if not isinstance(source, str) else None)
    name = info.name if info.name and is_candidate_name(info.name) and _free_name(info.name, info.root) else modname
    parent, _, leaf = name.rpartition(".") if name != modname else ("", "", name)
    if parent:
        importlib.import_module(parent)  # its __init__ files run first, as in Python
        existing = sys.modules.get(name)
        if existing is not None and os.path.abspath(getattr(existing, "__file__", "") or "") == abspath:
            # The package imported the file already (``from .net import build``
            # in ``__init__``): it is not run twice.
            sys.modules[modname] = existing
            return existing
    locations = [os.path.dirname(abspath)] if info.is_package and name != modname else None
    spec = importlib.util.spec_from_file_location(name, abspath, submodule_search_locations=locations)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {abspath}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.modules[modname] = module
    if parent:
        setattr(sys.modules[parent], leaf, module)
    text = source if isinstance(source, str) else spec.loader.get_source(name)  # type: ignore[attr-defined]
    run_module(module, text, abspath, keep_going)
    return module


class _IPythonStub:
    """What ``get_ipython()`` returns in a traced notebook: every call does nothing."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def import_notebook(
    abspath: str,
    modname: str,
    keep_going: Optional[Callable[[BaseException, Any], bool]] = None,
    cell_failed: Optional[Callable[[BaseException, Any], None]] = None,
    notebook: "Optional[Notebook]" = None,
) -> Any:
    """Run a notebook's code cells in order in one fresh module ``modname``
    (``notebook``: the file already read, else it is read here).

    What runs is the program the static engine reads (magic and shell lines
    masked, cells that are not Python left out), compiled cell by cell with
    its own line numbers, so frames and findings point at program lines that
    the parent maps back to cells.  ``linecache`` serves those lines (not the
    JSON) to code that reads the source at a frame.  A cell that raises does
    not stop the later ones, as in Jupyter's run-all with errors allowed:
    ``cell_failed(exc, cell_tree)`` is told (without it, the error propagates).
    """
    import linecache
    import types

    from kgraphlint.notebook import read_notebook

    if notebook is None:
        with open(abspath, "rb") as fh:
            notebook = read_notebook(fh.read())
    linecache.cache[abspath] = (len(notebook.program), None, notebook.program.splitlines(True), abspath)
    module = types.ModuleType(modname)
    module.__dict__["get_ipython"] = _IPythonStub  # get_ipython().run_line_magic(...) does nothing
    sys.modules[modname] = module
    for cell in notebook.cells.cells:
        if cell.left_out or not cell.masked.strip():
            continue
        # Leading newlines give the cell's statements their program line numbers.
        source = "\n" * (cell.start - 1) + cell.masked
        try:
            run_module(module, source, abspath, keep_going)
        except BaseException as exc:
            if cell_failed is None or isinstance(exc, (TraceTimeout, KeyboardInterrupt)):
                raise
            cell_failed(exc, ast.parse(source, abspath))
    return module
def _free_name(name: str, root: str) -> bool:
    """Whether ``name``'s top-level package is not already loaded from outside ``root``."""
    loaded = sys.modules.get(name.split(".")[0])
    if loaded is None:
        return True
    where = getattr(loaded, "__file__", None) or next(iter(getattr(loaded, "__path__", []) or []), "")
    return bool(where) and os.path.abspath(where).startswith(os.path.join(root, ""))


def run_module(module: Any, source: str, filename: str, keep_going: Optional[Callable[[BaseException, Any], bool]]) -> None:
    """Run a module's top-level statements, one at a time.

    When a statement raises and ``keep_going(exc, statement)`` says the
    failure is the sandbox's (a data file that is not there, no network),
    the next statement still runs: a model built after a module-level
    ``np.load`` of a missing file is still traced.  Otherwise it raises.
    """
    tree = ast.parse(source, filename)
    docstring = ast.get_docstring(tree, clean=False)
    if docstring is not None:
        module.__doc__ = docstring
    flags = 0
    for statement in tree.body:
        code = compile(ast.Module([statement], type_ignores=[]), filename, "exec", flags=flags, dont_inherit=True)
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            for alias in statement.names:
                feature = getattr(__future__, alias.name, None)
                if feature is not None:
                    flags |= feature.compiler_flag
        try:
            exec(code, module.__dict__)
        except BaseException as exc:
            if keep_going is None or not keep_going(exc, statement):
                raise


def bound_names(statement: Any) -> set[str]:
    """Names a top-level statement would have defined."""
    names: set[str] = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


class Worker:
    def __init__(self, out: BinaryIO, token: str, run_dir: str) -> None:
        self.out = out
        self.token = token
        self.counter = 0
        self.run_dir = run_dir
        self.workdir = os.path.join(run_dir, "work")
        self.tmpdir = os.path.join(run_dir, "tmp")
        self.farm: dict[str, str] = {}
        self.baseline: Any = None

    def send(self, message: dict[str, Any]) -> None:
        from kgraphlint.trace.sandbox import in_forked_child

        if in_forked_child():
            # A process the traced code forked came back here: it must not
            # speak for the worker (its channel is /dev/null anyway).
            _real_exit(0)
        message["token"] = self.token
        self.out.write(json.dumps(message).encode("utf-8") + b"\n")
        self.out.flush()

    # -- the private directory ---------------------------------------------
    def make_workdir(self, project_dir: str) -> None:
        """The traced code's working directory: links to the project's entries.

        Relative reads (``np.load("data/x.npy")`` run from the project root)
        still find the project's files; writes land in the private directory,
        and writes through a link into the project are refused by the sandbox.
        """
        # Findings in other files are named relative to it, as the static engine does.
        self.project_dir = project_dir
        os.makedirs(self.workdir, exist_ok=True)
        os.makedirs(self.tmpdir, exist_ok=True)
        try:
            names = sorted(os.listdir(project_dir))[:2000]
        except OSError:
            names = []
        for name in names:
            target = os.path.join(project_dir, name)
            if os.path.realpath(target) == os.path.realpath(self.run_dir):
                continue
            try:
                os.symlink(target, os.path.join(self.workdir, name))
                self.farm[name] = target
            except OSError:
                pass

    def clean_workdir(self) -> None:
        """Forget what the last file wrote (the next one starts afresh)."""
        for base, keep in ((self.workdir, self.farm), (self.tmpdir, {})):
            try:
                names = os.listdir(base)
            except OSError:
                os.makedirs(base, exist_ok=True)
                names = []
            for name in names:
                path = os.path.join(base, name)
                if name in keep and os.path.islink(path) and os.readlink(path) == keep[name]:
                    continue
                try:
                    if os.path.isdir(path) and not os.path.islink(path):
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        os.unlink(path)
                except OSError:
                    pass
        for name, target in self.farm.items():
            link = os.path.join(self.workdir, name)
            if not os.path.lexists(link):
                try:
                    os.symlink(target, link)
                except OSError:
                    pass

    # ------------------------------------------------------------------
    def trace(self, request: dict[str, Any]) -> dict[str, Any]:
        from kgraphlint.graph import RaisedError, Site
        from kgraphlint.trace import sandbox
        from kgraphlint.trace.blame import sandbox_reason
        from kgraphlint.rules.raised import rule_for_exception
        from kgraphlint.trace.frames import SiteMaker, is_user_file
        from kgraphlint.trace.hooks import Recorder, TraceExit, recording
        from kgraphlint.trace.isolation import FileState, thread_ids
        from kgraphlint.trace.labels import LabelIndex
        from kgraphlint.trace.model_facts import facts_from_models
        from kgraphlint.trace.serialize import facts_to_dict

        path: str = request["path"]
        abspath: str = os.path.abspath(request["abspath"])
        timeout = float(request.get("timeout") or 120)
        sites = SiteMaker(path, abspath, getattr(self, "project_dir", None))
        # Read once: the labels and the run share it.
        source: "Optional[str | Notebook]" = None
        if isinstance(request.get("source"), str) and not is_notebook(abspath):
            # The text the parent analysed: run and labelled as is, the file
            # is not read again.  Newlines as the import system reads them.
            source = text = io.IncrementalNewlineDecoder(None, True).decode(request["source"], final=True)
        else:
            try:
                if is_notebook(abspath):
                    from kgraphlint.notebook import NotebookError, read_notebook

                    try:
                        with open(abspath, "rb") as binary:
                            source = read_notebook(binary.read())
                        text = source.program  # what runs, by program line
                    except NotebookError:
                        text = ""
                else:
                    with open(abspath, encoding="utf-8", errors="replace") as fh:
                        text = fh.read()
            except OSError:
                text = ""
        labels = LabelIndex(text, path)
        # Optional only so that the end of this call can drop it (see below).
        recorder: Optional[Recorder]
        recorder = Recorder(sites)
        errors: list[RaisedError] = []
        reasons: list[str] = []
        restart = False
        partial = False  # set by cell_failed() below and by the trace itself
        journal = sandbox.new_journal()

        # Names whose top-level statement failed for the sandbox's reason:
        # a NameError about one of them later is a consequence, not a bug.
        lost_names: set[str] = set()

        def blame(exc: BaseException) -> Optional[str]:
            """Why the sandbox made ``exc`` happen ("" for a consequence), or None."""
            if isinstance(exc, (TraceTimeout, TraceExit, KeyboardInterrupt)):
                return None
            reason = sandbox_reason(exc, journal)
            if reason is None and isinstance(exc, NameError) and getattr(exc, "name", None) in lost_names:
                return ""
            return reason

        def keep_going(exc: BaseException, statement: Any) -> bool:
            reason = blame(exc)
            if reason is None:
                return False
            if reason:
                reasons.append(reason)
            lost_names.update(bound_names(statement))
            return True

        def record(exc: BaseException, fn: Any) -> None:
            reason = blame(exc)
            if reason is not None:
                # What tracing changed or cannot provide made it fail (no
                # network, no data file, a missing package): not a defect.
                if reason:
                    reasons.append(reason)
                return
            site = sites.site_of_traceback(exc.__traceback__)
            if site is None and fn is not None and sites.in_traced_file(fn.__code__.co_filename):
                site = Site(path, fn.__code__.co_firstlineno, 1)
            errors.append(_raised(exc, site, recorder, path))

        def cell_failed(exc: BaseException, cell: Any) -> None:
            # A notebook cell raised: reported like a failing import, and the
            # names the cell would have defined are lost (a later NameError
            # about one of them is a consequence, not a second defect).
            nonlocal partial
            record(exc, None)
            partial = True
            lost_names.update(bound_names(cell))

        state = FileState()
        modules_before = dict(sys.modules)
        threads_before = thread_ids()
        self.counter += 1
        stem = "".join(c if c.isalnum() else "_" for c in os.path.splitext(os.path.basename(abspath))[0])
        modname = f"_kgraphlint_traced_{self.counter}_{stem}"
        try:
            os.chdir(self.workdir)
        except OSError:
            pass
        # As if the file were run: module-level argparse sees no options of ours.
        sys.argv = [abspath]
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        current: tuple[Optional[str], bool] = (None, False)
        # [function, "" or what stopped it, whether that was reported]: what
        # the parent's coverage report says about a model that was not built.
        called: list[list[Any]] = []
        try:
            with recording(recorder):
                module = None
                try:
                    module = import_file(abspath, modname, keep_going, cell_failed, source)
                except (TraceTimeout, BaseException) as exc:
                    if isinstance(exc, TraceTimeout):
                        raise
                    record(exc, None)
                    partial, module = True, None
                if module is not None:
                    for fn_name, args, kwargs, kind in _targets(module, request):
                        # Only guessed to build a model (by its name), or a
                        # function that also trains: failures no rule explains
                        # are not findings (the coverage report says them).
                        guessed = kind in ("guessed", "trainer")
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
                        budget = _start_trainer_budget(timeout) if kind == "trainer" else None
                        try:
                            recorder.returned.append(fn(*args, **kwargs))
                            called.append([fn_name, "", False])
                        except (TraceTimeout, BaseException) as exc:
                            if isinstance(exc, TrainerStopped):
                                partial = True
                                used = budget[0] if budget is not None else timeout
                                called.append([fn_name, f"it was stopped after {used:g} s (a training loop?)", False])
                                continue
                            if isinstance(exc, TraceTimeout):
                                called.append([fn_name, f"tracing timed out after {timeout:g} s", not guessed])
                                raise
                            partial = True
                            silent = guessed and rule_for_exception(type(exc).__name__, str(exc)) is None
                            if silent and kind == "trainer" and blame(exc) is not None:
                                silent = False  # the sandbox's doing (a data file, the network): a skip
                            called.append([fn_name, _stopped_by(exc), not silent])
                            if silent:
                                continue  # maybe not a builder at all: no finding
                            record(exc, fn)
                        finally:
                            if budget is not None:
                                _end_trainer_budget(budget)
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
        # Modules the code replaced or removed come back at once (kgraphlint
        # itself needs keras next); the worker is replaced all the same.
        tampered = _restore_modules(modules_before)

        partial = partial or bool(lost_names)  # some statements did not run
        module_globals = None
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
        facts.errors.extend(_fit_errors(recorder, path))
        facts.builders = [(b[0], b[1]) for b in request.get("builders", [])]
        payload = facts_to_dict(facts)
        traced_something = bool(recorder.models or recorder.ops)
        built_at = _model_sites(recorder)
        prefix = "not fully traced" if traced_something else "not traced"
        unique = list(dict.fromkeys(reasons))
        skipped = [f"{prefix}: " + "; ".join(unique[:3]) + (f" (and {len(unique) - 3} more)" if len(unique) > 3 else "")]
        skipped = skipped if unique else []

        # Forget this file's modules (two projects may both have a utils.py)
        # and Keras's global state (auto-name counters, graph memory).
        for name in set(sys.modules) - set(modules_before):
            module_file = getattr(sys.modules.get(name), "__file__", None)
            if name == modname or (module_file and is_user_file(module_file)):
                sys.modules.pop(name, None)
        # Release the traced models before restoring Keras's state and measuring
        # memory (the nested functions above share this binding, so it is
        # cleared rather than deleted).
        module_globals = recorder = None
        state.restore()
        replace = tampered
        if replace is None and self.baseline is not None:
            try:
                replace = self.baseline.poisoned(modules_before, threads_before, is_user_file)
            except Exception as exc:  # be safe: a fresh worker for the next file
                replace = f"its effects could not be checked ({type(exc).__name__})"
        if replace is not None:
            print(f"kgraphlint: worker replaced after {path}: {replace}", file=sys.stderr)  # KGRAPHLINT_TRACE_LOG
        self.clean_workdir()
        return {
            "facts": payload,
            "restart": restart or replace is not None,
            "replace": replace,
            "skipped": skipped,
            "called": called,
            "built_at": built_at,
            "rss_mb": _rss_mb(),
        }


def _restore_modules(before: dict[str, Any]) -> Optional[str]:
    """Put back ``sys.modules`` entries the traced code replaced or removed."""
    changed = [name for name, module in before.items() if sys.modules.get(name, _ABSENT) is not module]
    for name in changed:
        sys.modules[name] = before[name]
    return f"it replaced or removed `sys.modules[{changed[0]!r}]`" if changed else None


_ABSENT = object()


def _rss_mb() -> float:
    """This process's resident memory now, in MiB (0 when unknown)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# Zero-argument functions with these names are traced even when the static
# engine could not see them build a model (e.g. through a builder class).
_BUILDER_NAME = re.compile(r"^(build|construct)|^(make|create|get|define)_?\w*(model|net|gan|network)", re.I)


def _targets(module: Any, request: dict[str, Any]) -> list[tuple[str, list, dict, str]]:
    """Functions to call: configured calls, then functions needing no argument
    that build a model.

    The last item says why it is called: "configured" (``trace.calls``),
    "builder" (the static engine saw it build a model), "trainer" (it builds
    one and also trains or evaluates it: ``fit`` & co never train here) or
    "guessed" (only its name says it builds one).  A guessed or trainer
    function's failures that no rule explains are not reported as findings.
    """
    targets: list[tuple[str, list, dict, str]] = []
    configured = set()
    for name, args, kwargs in request.get("calls", []):
        targets.append((name, list(args), dict(kwargs), "configured"))
        configured.add(name)
    listed = {name for name, required in request.get("builders", []) if not required}
    trainers = set(request.get("trainers", [])) - listed
    zero_arg: list[tuple[int, str, str]] = []
    for name, fn in vars(module).items():
        if name in configured or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
            continue
        if name not in listed and name not in trainers and not _BUILDER_NAME.search(name):
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
        kind = "builder" if name in listed else "trainer" if name in trainers else "guessed"
        zero_arg.append((fn.__code__.co_firstlineno, name, kind))
    for _, name, kind in sorted(zero_arg):
        targets.append((name, [], {}, kind))
    return targets


def _start_trainer_budget(timeout: float) -> Optional[tuple[float, float, float]]:
    """Give a trainer function at most its share of the file's time left:
    (its budget, the file's time left, when it started), or None when the
    file's own limit comes first."""
    import time

    global _alarm_raises
    left = signal.getitimer(signal.ITIMER_REAL)[0]
    budget = max(5.0, timeout * TRAINER_SHARE)
    if left <= budget:
        return None
    _alarm_raises = TrainerStopped
    signal.setitimer(signal.ITIMER_REAL, budget)
    return (budget, left, time.monotonic())


def _end_trainer_budget(budget: tuple[float, float, float]) -> None:
    """Back to the file's own time limit (what the trainer used is spent)."""
    import time

    global _alarm_raises
    signal.setitimer(signal.ITIMER_REAL, 0)
    _alarm_raises = TraceTimeout
    _, left, started = budget
    signal.setitimer(signal.ITIMER_REAL, max(0.01, left - (time.monotonic() - started)))


def _model_sites(recorder: Any) -> list[list[Any]]:
    """[path, line] of every model the traced code constructed (line 0: not
    known), for the coverage report: also a Sequential never built (no input
    shape: no graph to read, none for Keras either) and a subclass instance,
    which the facts place where its ``super().__init__(inputs, outputs)`` ran."""
    import keras

    sites: set[tuple[str, int]] = set()
    for rec in recorder.all_op_records():
        if not rec.library and isinstance(rec.op, keras.Model):
            sites.add((rec.site.path, rec.site.line) if rec.site is not None else ("", 0))
    for model in recorder.models.values():
        # An application's insides are library-made; the call is the user's.
        if not model.library or model.kind == "application":
            sites.add((model.site.path, model.site.line) if model.site is not None else ("", 0))
    return [list(site) for site in sorted(sites)]


def _stopped_by(exc: BaseException) -> str:
    """What stopped a called function, in a few words (for the coverage report)."""
    from kgraphlint.trace.errors import short_message
    from kgraphlint.trace.hooks import TraceExit

    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r})"
    if isinstance(exc, TraceExit):
        return f"it called {exc}"
    message = short_message(str(exc))
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _raised(exc: BaseException, site: Any, recorder: Any, path: str) -> Any:
    from kgraphlint.graph import RaisedError, Site
    from kgraphlint.trace.errors import duplicated_name, short_message
    from kgraphlint.trace.hooks import TraceExit

    exc_type = type(exc).__name__
    if isinstance(exc, SystemExit):
        return RaisedError(exc_type, f"the traced code called sys.exit({exc.code!r})", site or Site(path, 1, 1))
    if isinstance(exc, TraceExit):
        return RaisedError("SystemExit", f"the traced code called {exc}", site or Site(path, 1, 1))
    if isinstance(exc, KeyboardInterrupt):
        return RaisedError(exc_type, "the traced code raised KeyboardInterrupt", site or Site(path, 1, 1))
    message = str(exc)
    name = duplicated_name(message)
    if name is not None:
        # Two layers of one model share a name: the error is about the second
        # one, so it is located at that layer's creation (as the static engine does).
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
    # Keras called the layer itself while building a Sequential model: the
    # layer the user wrote is where a rule may want to report it.
    layer_site = _failing_layer_site(exc, message, recorder) if _raised_in_sequential(exc) else None
    return RaisedError(
        exc_type, short_message(message), site or Site(path, 1, 1), layer_site=layer_site, text=message[:MAX_ERROR_TEXT]
    )


def _fit_errors(recorder: Any, path: str) -> list:
    """fit() calls whose first step Keras would reject on shapes (KG606)."""
    from kgraphlint.graph import RaisedError, Site
    from kgraphlint.trace.errors import short_message

    found = []
    for site, exc in recorder.fit_errors:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
        shapes = re.search(r"Expected shape [^,]*(?:, [^,)]*)*\), but input has incompatible shape \([^)]*\)", text)
        if shapes:
            text = f"the input data does not fit the model: {shapes.group(0)}"
        else:
            text = re.sub(r"^Exception encountered when calling [\w.]+\(\)\.\s*", "", text)
        found.append(RaisedError(type(exc).__name__, short_message(text), site or Site(path, 1, 1), stage="fit"))
    return found


def _raised_in_sequential(exc: BaseException) -> bool:
    import traceback

    return any(
        frame.filename.replace(os.sep, "/").endswith("/keras/src/models/sequential.py")
        for frame in traceback.extract_tb(exc.__traceback__)
    )


def _sequential_layer(exc: BaseException) -> Any:
    """The layer a Sequential model was calling when it raised (the ``layer``
    variable of its build loop), or None."""
    tb = exc.__traceback__
    layer = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.replace(os.sep, "/").endswith("/keras/src/models/sequential.py"):
            layer = frame.f_locals.get("layer", layer)
        tb = tb.tb_next
    return layer


def _failing_layer_site(exc: BaseException, message: str, recorder: Any) -> Any:
    """Creation site of the user layer a shape error is about, when known."""
    from kgraphlint.trace.errors import failing_layer

    layer = _sequential_layer(exc)
    if layer is not None:
        rec = recorder.op_record(layer)
        if rec is not None and not rec.library and rec.site is not None:
            return rec.site
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


def _high_fd(fd: int) -> int:
    """Move ``fd`` to a random high number nobody writes to by accident."""
    try:
        new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, random.randint(300, 900))
    except OSError:
        return fd
    os.close(fd)
    return new


def main(argv: Optional[list[str]] = None) -> int:
    channel = os.environ.pop("KGRAPHLINT_TRACE_CHANNEL", "")
    run_dir = os.environ.pop("KGRAPHLINT_TRACE_DIR", "") or tempfile.mkdtemp(prefix="kgraphlint-trace-")
    try:
        in_fd, out_fd = (int(part) for part in channel.split(","))
    except ValueError:
        print("kgraphlint.trace.worker is started by kgraphlint --trace", file=sys.stderr)
        return 2
    in_fd, out_fd = _high_fd(in_fd), _high_fd(out_fd)
    proto_in = os.fdopen(in_fd, "rb")
    proto_out = os.fdopen(out_fd, "wb")
    try:
        token = str(json.loads(proto_in.readline())["token"])
    except (ValueError, KeyError, TypeError):
        return 2
    devnull = os.open(os.devnull, os.O_RDWR)
    # KGRAPHLINT_TRACE_LOG (debugging kgraphlint): keep stderr, which the
    # parent then points at that file.
    for fd in (0, 1) if os.environ.get("KGRAPHLINT_TRACE_LOG") else (0, 1, 2):
        os.dup2(devnull, fd)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    crash_file = open(os.path.join(run_dir, "crash.txt"), "w")
    faulthandler.enable(file=crash_file, all_threads=True)
    worker = Worker(proto_out, token, run_dir)
    project_dir = os.getcwd()
    try:
        import keras  # (once, for every file)

        # Raw tracebacks: Keras's filtering rebuilds them from live frames
        # (wrong lines for the user frame) and wraps messages.
        keras.config.disable_traceback_filtering()

        from kgraphlint.trace import sandbox
        from kgraphlint.trace.frames import library_dirs
        from kgraphlint.trace.hooks import installed_hooks, set_download_dir
        from kgraphlint.trace.isolation import Baseline

        library_dirs()
    except BaseException as exc:
        worker.send({"fatal": f"cannot import keras: {type(exc).__name__}: {exc}"})
        return 1
    # Everything the traced code may write goes into the private directory.
    worker.make_workdir(project_dir)
    set_download_dir(os.path.join(run_dir, "downloads"))
    for name in ("TMPDIR", "TEMP", "TMP"):
        os.environ[name] = worker.tmpdir
    os.environ["MPLCONFIGDIR"] = os.path.join(run_dir, "tmp")
    tempfile.tempdir = worker.tmpdir
    sys.dont_write_bytecode = True  # never a __pycache__ in the project

    def in_forked_child() -> None:
        # A child the traced code forked: the channel is not its to use.
        for fd in (in_fd, out_fd):
            try:
                os.dup2(devnull, fd)
            except OSError:
                pass

    with installed_hooks():
        sandbox.install(run_dir, on_fork_child=in_forked_child)
        os.chdir(worker.workdir)
        # Everything Keras and TensorFlow made at import lives for the whole
        # run: keep it out of every later garbage collection (0.4 s each).
        gc.collect()
        gc.freeze()
        worker.baseline = Baseline()
        worker.send({"ready": True})
        for line in proto_in:
            try:
                request = json.loads(line)
            except ValueError:
                break
            if request.get("quit"):
                break
            result = worker.trace(request)
            worker.send(result)
            faulthandler.enable(file=crash_file, all_threads=True)  # in case user code turned it off
            if result.get("restart"):
                break
    proto_out.flush()
    # Skip interpreter teardown (TensorFlow's can be slow or noisy).
    _real_exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
