"""Trace coverage: did ``--trace`` build the models the static engine saw?

A file counts as traced only when the tracer built its models.  The static
engine knows where a file constructs models (``keras.Model(...)``,
``Sequential([...])``, a subclass instance, an application); the tracer knows
which models it really built, and where (the innermost frame of the project's
code, so a model a train script builds at import through ``models/net.py``'s
``build_model(10)`` is built *in net.py*).  A construction no traced model
covers is a gap, and the report says why, in words that say what to do:

- the function needs arguments (a ``trace.calls`` entry would give them);
- it is under ``if __name__ == "__main__":``, which the tracer never runs;
- it is in a method, which the tracer never calls;
- the function was called but stopped first (and with which error).

Coverage is judged by *scope*: the top-level function, class or main guard
that holds the construction, or the module-level code.  A scope is covered
when a model traced from any file has its construction site inside it.  A
file with no model construction (only layers and helpers) has nothing to
cover: it is never reported.

Parent side only (reads the file with ``ast``, never runs it; no keras).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Optional, Sequence

from kgraphlint.findings import Skip

# The reason of a skip for a file in which the tracer built no model at all,
# and the word of one that was traced, only not all of it (see report.summary).
NOTHING_BUILT = "no model was built"
PARTLY = "not fully traced"


@dataclass(frozen=True)
class Scope:
    """Where model constructions are: one top-level statement, or the module code."""

    # "function" | "class" (a plain class) | "part" (a Keras layer or model
    # class: not a gap) | "main" (the ``__main__`` guard) | "module"
    kind: str
    name: str = ""  # the function's or class's name
    # Line ranges (inclusive) of its statements; several for "module".
    ranges: tuple[tuple[int, int], ...] = ()
    # A function: its required parameters (no default, not * / **).
    required: tuple[str, ...] = ()
    # A function: names it calls (``build_model(...)``, ``self.fit``: ``fit``).
    calls: frozenset[str] = frozenset()
    async_def: bool = False
    # The construction lines it holds (set by plan_file).
    models: tuple[int, ...] = ()

    def holds(self, line: int) -> bool:
        return any(start <= line <= end for start, end in self.ranges)

    @property
    def line(self) -> int:
        """Where its first model is built."""
        return self.models[0] if self.models else self.ranges[0][0] if self.ranges else 1


@dataclass
class FilePlan:
    """One file's model constructions, by scope (computed before the trace)."""

    path: str
    abspath: str
    scopes: list[Scope] = field(default_factory=list)
    # Zero-argument top-level functions that build a model but are not
    # builders for the static engine (they also train, evaluate...): the
    # tracer calls them too (fit & co never train there).
    trainers: list[str] = field(default_factory=list)
    # A function of the file -> the functions of the file that call it,
    # directly or not (a stopped ``main()`` explains its builder's gap).
    callers: dict[str, set[str]] = field(default_factory=dict)
    # A notebook: its cells (reasons name "cell 3, line 2", not program lines).
    cells: Any = None

    def place(self, line: int) -> str:
        located = self.cells.locate(line) if self.cells is not None else None
        return f"cell {located[0]}, line {located[1]}" if located else f"line {line}"


def plan_file(
    path: str, abspath: str, constructions: Iterable[int], builders: Iterable[tuple[str, int]], source: Any = None
) -> FilePlan:
    """The scopes of a file's model constructions (lines the static engine found).

    ``source``: the file as the run read and decoded it (a
    :class:`kgraphlint.sources.Source`), else it is read here.
    """
    lines = sorted(set(constructions))
    plan = FilePlan(path, abspath)
    if not lines:
        return plan
    tree, plan.cells = _parse(abspath, source)
    if tree is None:
        plan.scopes = [Scope("module", ranges=tuple((line, line) for line in lines), models=tuple(lines))]
        return plan
    top = _top_level_scopes(tree)
    held: dict[int, list[int]] = {}
    module_lines: list[int] = []
    for line in lines:
        index = next((i for i, s in enumerate(top) if s.holds(line)), None)
        if index is None:
            module_lines.append(line)
        else:
            held.setdefault(index, []).append(line)
    # A Keras layer or model class builds its sub-models (``self.ffn =
    # keras.Sequential([...])``) when something uses it: a part, not a gap.
    plan.scopes = [replace(top[i], models=tuple(found)) for i, found in sorted(held.items()) if top[i].kind != "part"]
    if module_lines:
        ranges = tuple(sorted({_statement_range(tree, line) for line in module_lines}))
        plan.scopes.append(Scope("module", ranges=ranges, models=tuple(module_lines)))
    plan.trainers = _trainers(plan.scopes, top, {name for name, _ in builders})
    plan.callers = _callers(top)
    return plan


def _callers(top: Sequence[Scope]) -> dict[str, set[str]]:
    functions = {s.name: s for s in top if s.kind == "function"}
    direct = {name: {c for c, s in functions.items() if name in s.calls and c != name} for name in functions}
    callers: dict[str, set[str]] = {}
    for name in functions:
        seen: set[str] = set()
        todo = list(direct[name])
        while todo:
            caller = todo.pop()
            if caller not in seen:
                seen.add(caller)
                todo.extend(direct.get(caller, ()))
        callers[name] = seen
    return callers


def _trainers(scopes: Sequence[Scope], top: Sequence[Scope], builders: set[str]) -> list[str]:
    """Zero-argument functions leading to a model construction of the file
    (directly, or by calling a function of the file that does) that the static
    engine did not list as builders (because they also call ``fit``)."""
    functions = {s.name: s for s in top if s.kind == "function" and not s.async_def}
    # Builders needing no argument are called anyway: a function calling
    # only those adds nothing (and would run the whole script again).
    building = {s.name for s in scopes if s.kind == "function" and (s.required or s.name not in builders)}
    changed = True
    while changed:  # callers of building functions build too
        changed = False
        for name, scope in functions.items():
            if name not in building and scope.calls & building:
                building.add(name)
                changed = True
    return [
        name
        for name in building
        if name in functions and not functions[name].required and name not in builders
    ]


def _parse(abspath: str, source: Any = None) -> tuple[Optional[ast.Module], Any]:
    """The file's syntax tree (a notebook's program), and a notebook's cells."""
    from kgraphlint.lint import MAX_FILE_BYTES, MAX_NOTEBOOK_BYTES
    from kgraphlint.notebook import NotebookError, is_notebook, read_notebook
    from kgraphlint.safe_io import read_regular
    from kgraphlint.static.parse import ParseFailure, decode_source

    cells = None
    try:
        if is_notebook(abspath):
            notebook = source.notebook() if source is not None else read_notebook(read_regular(abspath, MAX_NOTEBOOK_BYTES))
            text, cells = notebook.program, notebook.cells
        else:
            text = source.text() if source is not None else decode_source(read_regular(abspath, MAX_FILE_BYTES))
        flags = ast.PyCF_ONLY_AST | getattr(ast, "PyCF_ALLOW_TOP_LEVEL_AWAIT", 0)
        tree = compile(text, abspath, "exec", flags=flags, dont_inherit=True)
    except (OSError, ParseFailure, NotebookError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None, cells
    return (tree if isinstance(tree, ast.Module) else None), cells


def _top_level_scopes(tree: ast.Module) -> list[Scope]:
    scopes = []
    keras_classes: set[str] = set()
    for stmt in tree.body:
        start = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
        span = ((start, stmt.end_lineno or stmt.lineno),)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scopes.append(
                Scope(
                    "function",
                    stmt.name,
                    span,
                    required=_required(stmt.args),
                    calls=frozenset(_called_names(stmt)),
                    async_def=isinstance(stmt, ast.AsyncFunctionDef),
                )
            )
        elif isinstance(stmt, ast.ClassDef):
            if any(_is_keras_base(base, keras_classes) for base in stmt.bases):
                keras_classes.add(stmt.name)
                scopes.append(Scope("part", stmt.name, span))
            else:
                scopes.append(Scope("class", stmt.name, span))
        elif isinstance(stmt, ast.If) and _is_main_guard(stmt.test):
            scopes.append(Scope("main", ranges=span))
    return scopes


def _is_keras_base(base: ast.expr, keras_classes: set[str]) -> bool:
    """``layers.Layer``, ``keras.Model``, ``Sequential``, ``MyBlock`` (a Keras
    class of the same file)...: a base that makes a class a Keras layer or model."""
    name = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else ""
    return name in keras_classes or name.endswith(("Layer", "Model", "Wrapper")) or name in ("Sequential", "Functional")


def _statement_range(tree: ast.Module, line: int) -> tuple[int, int]:
    for stmt in tree.body:
        if stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            return (stmt.lineno, stmt.end_lineno or stmt.lineno)
    return (line, line)


def _required(args: ast.arguments) -> tuple[str, ...]:
    positional = args.posonlyargs + args.args
    without_default = positional[: len(positional) - len(args.defaults)]
    keyword = [a for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    return tuple(a.arg for a in without_default + keyword)


def _called_names(fn: ast.AST) -> Iterable[str]:
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                yield node.func.id
            elif isinstance(node.func, ast.Attribute):
                yield node.func.attr


def _is_main_guard(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    texts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(texts) == 1


# --------------------------------------------------------------------------
# After the trace


def traced_lines(all_facts: Iterable[Any]) -> tuple[dict[str, set[int]], set[str]]:
    """Construction lines of every traced model, by real path of the file;
    and the traced files that built a model whose site is not known."""
    lines: dict[str, set[int]] = {}
    unplaced: set[str] = set()
    for facts in all_facts:
        sites = [
            (m.site.path, m.site.line) if m.site else ("", 0)
            for m in facts.models
            if not m.library_made or (m.kind == "application" and m.site is not None)
        ]
        # Where the worker saw models constructed (see worker._model_sites).
        for entry in getattr(facts, "trace_built_at", None) or ():
            if isinstance(entry, (list, tuple)) and len(entry) == 2 and isinstance(entry[1], int):
                sites.append((str(entry[0]), entry[1]))
        for path, line in sites:
            if not path or line <= 0:
                unplaced.add(os.path.realpath(facts.path))
            else:
                lines.setdefault(os.path.realpath(path), set()).add(line)
    return lines, unplaced


def coverage_skip(
    plan: FilePlan,
    facts: Any,
    lines_by_file: Mapping[str, set[int]],
    unplaced: set[str],
    config: Any,
    configured: Sequence[str] = (),
) -> Optional[Skip]:
    """The skip for the model constructions of one file that no trace built,
    or None when every one was built (or the trace already explains why not).

    ``facts``: the trace facts of the file itself (None: not traced);
    ``configured``: the functions ``trace.calls`` lists for it.
    """
    if not plan.scopes:
        return None
    real = os.path.realpath(plan.abspath)
    if real in unplaced:
        return None  # a model was built somewhere in it: do not guess which
    built = lines_by_file.get(real, set())
    missing = [s for s in plan.scopes if not any(s.holds(line) for line in built)]
    if not missing:
        return None
    outcomes = _call_outcomes(facts)
    explained = bool(getattr(facts, "errors", None) or getattr(facts, "trace_skipped", None))
    reasons = []
    for scope in missing:
        reason = _reason(scope, plan, outcomes, explained, config, configured)
        if reason:
            reasons.append(reason)
    if not reasons:
        return None
    text = "; ".join(dict.fromkeys(reasons))
    if built:
        return Skip(plan.path, f"{PARTLY}: {text}", "trace")
    return Skip(plan.path, f"{NOTHING_BUILT}: {text}", "trace")


def _call_outcomes(facts: Any) -> Optional[dict[str, tuple[str, bool]]]:
    """Function -> ("" when it returned, else what stopped it; whether that
    was reported as a finding or skip), for the functions the worker called;
    None when the worker did not say (it died)."""
    called = getattr(facts, "trace_called", None)
    if called is None:
        return None
    outcomes = {}
    for entry in called:
        if isinstance(entry, (list, tuple)) and len(entry) == 3:
            outcomes[str(entry[0])] = (str(entry[1]), bool(entry[2]))
    return outcomes


def _reason(
    scope: Scope,
    plan: FilePlan,
    outcomes: Optional[dict[str, tuple[str, bool]]],
    explained: bool,
    config: Any,
    configured: Sequence[str],
) -> str:
    """Why no traced model covers ``scope`` ("" when a finding or another
    skip of the file already says it)."""
    build_it = (
        "move it into a top-level function (the tracer calls the ones that need no arguments, "
        "and those listed in `trace.calls`)"
    )
    if scope.kind == "main":
        # (Jupyter runs a notebook's main guard; the tracer runs the cells in
        # a module of its own, whose __name__ is not "__main__".)
        when = "in the tracer, which runs the cells as a module" if plan.cells is not None else "when the tracer imports the file"
        return (
            f'the model at {plan.place(scope.line)} is built under `if __name__ == "__main__":`, which does not run '
            f"{when}; {build_it}"
        )
    if scope.kind == "class":
        return f"the model in class `{scope.name}` is built in a method, which the tracer does not call; {build_it}"
    if scope.kind == "module":
        if explained or outcomes is None:
            return ""  # the import failed or stopped: its finding or skip says why
        return (
            f"the module-level code at {plan.place(scope.line)} that builds a model did not build one "
            "when the file was imported (a condition or loop that was not entered?)"
        )
    signature = f"{scope.name}({', '.join(scope.required)})"
    if scope.async_def:
        return f"`{scope.name}()` is a coroutine function, which the tracer does not call"
    if outcomes is None:
        return "" if explained else f"`{scope.name}()` did not finish: the trace worker stopped while running it"
    if scope.name in outcomes:
        outcome, reported = outcomes[scope.name]
        if not outcome:
            return f"`{signature}` returned without building a model (a condition that was not met?)"
        if reported:
            return ""  # its error is a finding, or its sandbox reason a skip
        return f"`{scope.name}()` was called but stopped before building a model: {outcome}"
    if scope.name in configured:
        return ""  # listed in trace.calls but not run: the import failed, reported
    for caller in sorted(plan.callers.get(scope.name, ())):
        if caller in outcomes:
            outcome, reported = outcomes[caller]
            if reported:
                return ""
            if outcome:
                return f"`{caller}()`, which calls `{scope.name}()`, was called but stopped before building a model: {outcome}"
            return f"`{caller}()`, which calls `{scope.name}()`, returned without building a model (a condition that was not met?)"
    if scope.required:
        return (
            f"`{signature}` needs arguments; give them (literal values) in {_calls_hint(plan, scope.name, scope.required, config)}, "
            "or add a function that needs none and calls it"
        )
    if explained:
        return ""  # not called because the import failed: reported
    return f"`{scope.name}()` is not a plain function once the file is imported (a decorator?), so the tracer does not call it"


def _calls_hint(plan: FilePlan, function: str, required: Sequence[str], config: Any) -> str:
    """The ``trace.calls`` setting that would call ``function``, spelled for the config file in use."""
    root = str(getattr(config, "root", "") or os.getcwd())
    try:
        relative = os.path.relpath(plan.abspath, root)
    except ValueError:  # another drive
        relative = plan.abspath
    if relative.startswith(".."):
        relative = plan.path
    relative = relative.replace(os.sep, "/")
    args = ", ".join(f"{name}=..." for name in required)
    entry = f'"{relative}:{function}({args})"'
    source = getattr(config, "source", None)
    if source is not None and os.path.basename(str(source)) != "pyproject.toml":
        return f"{os.path.basename(str(source))}: `[trace]` `calls = [{entry}]`"
    return f"pyproject.toml: `[tool.kgraphlint.trace]` `calls = [{entry}]`"


def script_exits(plan: FilePlan, facts: Any) -> list[Any]:
    """The exits (``sys.exit``, ``os._exit``) that stopped a file which builds
    no model: neither the static engine nor the trace saw one.

    Such a file is a script stopping itself when imported (``setup()`` with no
    command, a top-level ``parse_args()`` with required options), not a model
    that failed to build: no defect to report, only why it was not traced.
    """
    if facts is None or plan.scopes or getattr(facts, "models", None):
        return []
    return [err for err in getattr(facts, "errors", ()) if err.exc_type == "SystemExit"]
