"""Statements: blocks, branches, loops, try/with/match, definitions and assignment."""

from __future__ import annotations

import functools
from typing import Any, Callable, Iterable, Optional, Union

import libcst as cst

from kgraphlint.static.values import (
    UNKNOWN,
    ClassV,
    Const,
    DictV,
    FuncV,
    InstanceV,
    LazyImport,
    SeqV,
    Value,
    resolved,
    truthiness,
    union,
)
from kgraphlint.static.state import InterpreterState
from kgraphlint.static.frames import (
    Frame,
    MAX_EXACT_ITERATIONS,
    MAX_LONG_LOOP_PASSES,
    MAX_LOOP_NESTING,
    STEP_BUDGET,
    _merge_envs,
)
from kgraphlint.static.syntax import _all_params, _assigned_names, _expects_error, _is_test_function


class StatementsMixin(InterpreterState):
    """Statements: blocks, branches, loops, try/with/match, definitions and assignment."""

    def exec_block(self, stmts: Iterable[cst.CSTNode], frame: Frame) -> None:
        for stmt in stmts:
            if frame.terminated:
                return
            self.exec_stmt(stmt, frame)

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        self.steps += 1
        try:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if frame.terminated:
                        return
                    self.exec_small(small, frame)
                return
            handler = _COMPOUND.get(type(stmt))
            if handler is not None:
                handler(self, stmt, frame)
        except RecursionError:
            # A pathologically deep expression: give up on this statement only.
            return

    def exec_small(self, stmt: cst.CSTNode, frame: Frame) -> None:
        if isinstance(stmt, cst.Expr):
            value = self.eval(stmt.value, frame)
            if _is_test_function(frame.function):
                # Tests call layers for their side effects (does it build?).
                self.mark_used(value)
        elif isinstance(stmt, cst.Assign):
            value = self.eval(stmt.value, frame)
            for target in stmt.targets:
                self.assign(target.target, value, frame, stmt.value)
        elif isinstance(stmt, cst.AnnAssign):
            if stmt.value is not None:
                value = self.eval(stmt.value, frame)
                self.assign(stmt.target, value, frame, stmt.value)
        elif isinstance(stmt, cst.AugAssign):
            self.exec_augassign(stmt, frame)
        elif isinstance(stmt, cst.Return):
            value = self.eval(stmt.value, frame) if stmt.value is not None else Const(None)
            if not frame.inline:
                # Returned to a caller outside this file's view: used.  An
                # inlined call hands the value to its caller, who decides.
                self.mark_used(value)
            frame.returns.append(value)
            frame.terminated = "return"
        elif isinstance(stmt, (cst.Import, cst.ImportFrom)):
            self.exec_import(stmt, frame)
        elif isinstance(stmt, cst.Raise):
            if stmt.exc is not None:
                self.mark_used(self.eval(stmt.exc, frame))
            frame.terminated = "raise"
        elif isinstance(stmt, cst.Break):
            frame.break_envs.append(dict(frame.env))
            frame.terminated = "break"
        elif isinstance(stmt, cst.Continue):
            frame.terminated = "continue"
        elif isinstance(stmt, cst.Global):
            frame.global_names.update(n.name.value for n in stmt.names)
        elif isinstance(stmt, cst.Nonlocal):
            pass
        elif isinstance(stmt, cst.Del):
            self.exec_del(stmt.target, frame)
        elif isinstance(stmt, cst.Assert):
            self.eval_used(stmt.test, frame)

    def exec_del(self, target: cst.BaseExpression, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.env.pop(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self.exec_del(el.value, frame)

    def exec_augassign(self, stmt: cst.AugAssign, frame: Frame) -> None:
        value = self.eval(stmt.value, frame)
        current = self.eval(stmt.target, frame)
        op = type(stmt.operator).__name__.replace("Assign", "")
        if isinstance(current, SeqV) and op == "Add" and not current.is_tuple:
            # ``outputs += [t]`` extends the list in place (and stores ``t``).
            self.mark_used(value)
            if isinstance(value, SeqV):
                current.items.extend(value.items)
                current.exact = current.exact and value.exact
            else:
                current.exact = False
                self.mark_used(value)
            return
        binop = getattr(cst, op, None)
        result = self.binop(current, binop() if binop else None, value, stmt)
        self.assign(stmt.target, result, frame, stmt.value)

    def exec_if(self, stmt: cst.If, frame: Frame) -> None:
        test = truthiness(self.eval_used(stmt.test, frame))
        if test is True:
            self.exec_block(stmt.body.body, frame)
            return
        if test is False:
            self.exec_orelse(stmt.orelse, frame)
            return
        self.branches(
            frame,
            [lambda: self.exec_block(stmt.body.body, frame), lambda: self.exec_orelse(stmt.orelse, frame)],
            exclusive=True,
        )

    def exec_orelse(self, orelse: Union[cst.If, cst.Else, None], frame: Frame) -> None:
        if orelse is None:
            return
        if isinstance(orelse, cst.If):
            self.exec_if(orelse, frame)
        else:
            self.exec_block(orelse.body.body, frame)

    def branches(self, frame: Frame, runs: list, *, exclusive: bool = False) -> None:
        """Run alternative paths from the same state and merge what survives.

        ``exclusive``: one run takes exactly one path (``if``/``else``,
        ``match``), so what each creates is recorded with its arm."""
        start = dict(frame.env)
        results: list[dict[str, Value]] = []
        # The library's path-sensitive state (trainable flags) forks and joins too.
        start_paths = self.fork_paths()
        path_results: list[Any] = []
        self.uncertain += 1
        point = self.next_branch_point()
        try:
            for arm, run in enumerate(runs):
                frame.env = dict(start)
                frame.terminated = None
                self.restore_path(start_paths)
                if exclusive:
                    self.branch_path.append((point, arm))
                    self.enter_arm()
                try:
                    run()
                finally:
                    if exclusive:
                        self.branch_path.pop()
                        self.leave_arm()
                if frame.terminated is None or frame.terminated == "continue":
                    results.append(frame.env)
                    path_results.append(self.fork_paths())
        finally:
            self.uncertain -= 1
        if not results:
            # Every path returned or raised.
            frame.env = start
            frame.terminated = "return"
            self.restore_path(start_paths)
            return
        frame.terminated = None
        frame.env = _merge_envs(results)
        self.join_paths(path_results)

    def exec_for(self, stmt: cst.For, frame: Frame) -> None:
        iterable = self.eval_used(stmt.iter, frame)
        passes, exact, certain = self.iteration(iterable)

        def bind(value: Value) -> None:
            self.assign(stmt.target, value, frame, None)

        self.run_loop(frame, stmt.body.body, passes, exact, certain, bind, stmt.orelse)

    def exec_while(self, stmt: cst.While, frame: Frame) -> None:
        test = truthiness(self.eval_used(stmt.test, frame))
        if test is False:
            self.exec_orelse_block(stmt.orelse, frame)
            return
        self.run_loop(frame, stmt.body.body, [UNKNOWN, UNKNOWN], False, False, None, stmt.orelse)

    def exec_orelse_block(self, orelse: Optional[cst.Else], frame: Frame) -> None:
        if orelse is not None:
            self.exec_block(orelse.body.body, frame)

    def run_loop(self, frame, body, passes, exact, certain, bind, orelse) -> None:
        if not exact:
            passes = passes[:1] if self.loop_depth >= MAX_LOOP_NESTING or self.steps > STEP_BUDGET else passes[:2]
        outer_breaks = frame.break_envs
        frame.break_envs = []
        entry_paths = self.fork_paths()
        self.loop_depth += 1
        if not exact:
            self.inexact_loops += 1
        try:
            with self.iterating(len(passes), exact, certain):
                for i, value in enumerate(passes):
                    if i == 1 and not exact:
                        self.speculative += 1
                    try:
                        if bind is not None:
                            bind(value)
                        self.exec_block(body, frame)
                    finally:
                        if i == 1 and not exact:
                            self.speculative -= 1
                    if frame.terminated in ("break", "continue"):
                        frame.terminated = None
                    if frame.terminated:
                        break
        finally:
            self.loop_depth -= 1
            if not exact:
                self.inexact_loops -= 1
        if not exact and frame.terminated:
            # The loop may not run at all: the code after it is reachable.
            frame.terminated = None
        if not certain:
            # ... and what it did to the path-sensitive state may not have happened.
            self.join_paths([entry_paths, self.fork_paths()])
        if frame.terminated is None:
            self.exec_orelse_block(orelse, frame)
        if frame.break_envs:
            frame.env = _merge_envs([frame.env] + frame.break_envs)
        frame.break_envs = outer_breaks
        # A value assigned in the loop may be consumed by an iteration the
        # engine did not run: never call it dropped.  (When every iteration
        # ran, there is no such iteration.)
        if not exact:
            for name in _assigned_names(body):
                value = frame.env.get(name)
                if value is not None:
                    self.mark_used(value)

    def runs_every_pass(self, count: int) -> bool:
        """May a loop of ``count`` known elements be run pass by pass?"""
        if count <= MAX_EXACT_ITERATIONS:
            return True
        return self.exact_passes * count <= MAX_LONG_LOOP_PASSES and self.steps <= STEP_BUDGET // 2

    def iteration(self, value: Value) -> tuple[list[Value], bool, bool]:
        """(values to bind per pass, exact, certain) for ``for x in value``.

        Elements that no pass binds may still be consumed by the loop: they
        count as used (``for layer in given or [Dense(64), Dense(32)]``)."""
        if isinstance(value, SeqV):
            if value.exact and self.runs_every_pass(len(value.items)):
                return list(value.items), True, True
            if not value.items:
                return [UNKNOWN, UNKNOWN], False, False
            # The items stand for distinct elements: bind them in order (a
            # union would make one pass look like the same element twice).
            for item in value.items[2:]:
                self.mark_used(item)
            return list(value.items[:2]), False, False
        if isinstance(value, DictV) and value.exact and self.runs_every_pass(len(value.items)):
            return [Const(k) for k in value.items], True, True
        library = self.iterate_library_value(value)
        if library is not None:
            return library
        self.mark_used(value)
        return [UNKNOWN, UNKNOWN], False, False

    def exec_try(self, stmt: Union[cst.Try, cst.TryStar], frame: Frame) -> None:
        runs: list[Callable[[], None]] = [lambda: self.exec_block(stmt.body.body, frame)]
        for handler in stmt.handlers:
            def run_handler(h=handler):
                if h.name is not None and isinstance(h.name.name, cst.Name):
                    frame.env[h.name.name.value] = UNKNOWN
                self.exec_block(h.body.body, frame)
            runs.append(run_handler)
        self.branches(frame, runs)
        if stmt.orelse is not None and not frame.terminated:
            self.exec_block(stmt.orelse.body.body, frame)
        if stmt.finalbody is not None:
            terminated = frame.terminated
            frame.terminated = None
            self.exec_block(stmt.finalbody.body.body, frame)
            frame.terminated = frame.terminated or terminated

    def exec_with(self, stmt: cst.With, frame: Frame) -> None:
        if any(_expects_error(item.item) for item in stmt.items):
            # ``with pytest.raises(...)`` / ``self.assertRaises(...)``: the
            # code says the body fails; what it builds there is meant broken.
            site = self.site(stmt)
            self.facts.expected_errors.append((site.line, site.end_line))
        for item in stmt.items:
            value = self.eval_used(item.item, frame)
            if item.asname is not None:
                self.assign(item.asname.name, UNKNOWN if not isinstance(value, (SeqV,)) else value, frame, None)
        self.exec_block(stmt.body.body, frame)

    def exec_match(self, stmt: cst.Match, frame: Frame) -> None:
        self.eval(stmt.subject, frame)
        runs: list[Callable[[], None]] = [functools.partial(self.exec_block, case.body.body, frame) for case in stmt.cases]
        runs.append(lambda: None)
        self.branches(frame, runs, exclusive=True)

    def exec_funcdef(self, stmt: cst.FunctionDef, frame: Frame) -> None:
        defaults: dict[str, Value] = {}
        for p in _all_params(stmt.params):
            if p.default is not None:
                defaults[p.name.value] = self.eval(p.default, frame)
                # A default value is stored in the function: not dropped.
                self.mark_used(defaults[p.name.value])
        closure: Optional[Frame] = frame
        while closure is not None and closure.function == "class":
            closure = closure.parent
        func = FuncV(stmt, stmt.name.value, closure, defaults)
        if frame.module is self.module_frame:
            self.own_functions.add(id(stmt))
        self.bind(frame, stmt.name.value, self.decorated(stmt.decorators, func, stmt, frame))
        self.pending.append(func)
        self._all_defs.append(func)

    def decorated(self, decorators, value: Value, stmt: cst.CSTNode, frame: Frame) -> Value:
        """What a ``def`` or ``class`` binds once its decorators of the
        program ran (``@register("mlp")`` storing the builder in a registry
        dict).  A decorator of a library, or one whose result is not a
        function or class of the program, leaves the definition as it is
        (``@tf.function`` still calls the same code)."""
        if not decorators:
            return value
        # Decorator expressions are evaluated top down, applied bottom up.
        functions = [self.eval(d.decorator, frame) for d in decorators]
        for decorator in reversed(functions):
            if not isinstance(decorator, FuncV):
                continue
            result = self.call(decorator, [(value, stmt)], {}, stmt, frame)
            if isinstance(result, (FuncV, ClassV)):
                value = result
        return value

    def exec_classdef(self, stmt: cst.ClassDef, frame: Frame) -> None:
        bases = [self.class_base(arg.value, frame) for arg in stmt.bases]
        cls = ClassV(stmt.name.value, None, stmt)
        body = Frame(frame, module=frame.module, function="class")
        self.exec_block(stmt.body.body, body)
        cls.members = dict(body.env)
        if any(_is_dataclass_decorator(d.decorator) for d in stmt.decorators):
            cls.dataclass_fields = _dataclass_fields(cls, stmt, body)
        for member in cls.members.values():
            if isinstance(member, FuncV):
                member.owner = cls

        def complete(cls: ClassV) -> None:
            known = [resolved(base) for base in bases]
            cls.bases = known
            cls.library_base = self.library_base(known)
            self.define_library_class(cls, known)

        if any(isinstance(base, LazyImport) for base in bases):
            cls.complete_later(complete)
        else:
            complete(cls)
        # Class attributes are reached through ``self``: count them as used.
        for value in body.env.values():
            self.mark_used(value)
        self.bind(frame, stmt.name.value, self.decorated(stmt.decorators, cls, stmt, frame))

    def class_base(self, expr: cst.BaseExpression, frame: Frame) -> Value:
        """A base of a class statement, evaluated; a name an imported module
        imports is left lazy (see ``ClassV.complete_later``)."""
        if isinstance(expr, cst.Name):
            bound = frame.peek(expr.value)
            if isinstance(bound, LazyImport):
                return bound
        return self.eval(expr, frame)

    def bind(self, frame: Frame, name: str, value: Value) -> None:
        if name in frame.global_names:
            frame.module.env[name] = value
        else:
            frame.env[name] = value

    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame, value_node: Optional[cst.CSTNode]) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            self.name_library_value(value, name)
            if name.startswith("_"):
                # ``_`` and ``_unused``: dropped on purpose.
                self.mark_used(value)
            self.bind(frame, name, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            self.assign_unpack(target, value, frame)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, frame)
            if isinstance(obj, InstanceV):
                obj.attrs[target.attr.value] = value if not self.uncertain or target.attr.value not in obj.attrs else union([obj.attrs[target.attr.value], value])
            if not self.store_library_attribute(obj, target.attr.value, value, target):
                self.mark_used(value)
        elif isinstance(target, cst.Subscript):
            obj = self.eval(target.value, frame)
            key = self.subscript_key(target, frame)
            # Stored (RULES: a stored value is not a dropped one).
            self.mark_used(value)
            if isinstance(obj, DictV) and isinstance(key, Const):
                try:
                    obj.items[key.value] = value
                except TypeError:
                    obj.exact = False
                    self.mark_used(value)
            elif isinstance(obj, DictV):
                obj.exact = False
            elif isinstance(obj, SeqV):
                obj.exact = obj.exact and isinstance(key, Const)
                if isinstance(key, Const) and isinstance(key.value, int):
                    try:
                        obj.items[key.value] = value
                    except (IndexError, TypeError):
                        obj.exact = False
                        self.mark_used(value)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, UNKNOWN, frame, None)

    def assign_unpack(self, target: Union[cst.Tuple, cst.List], value: Value, frame: Frame) -> None:
        elements = list(target.elements)
        stars = [i for i, el in enumerate(elements) if isinstance(el, cst.StarredElement)]
        if len(stars) == 1:
            self.assign_starred(elements, stars[0], value, frame)
            return
        items = self.unpack(value, len(elements))
        if items is None or stars:
            for el in elements:
                self.assign(el.value, UNKNOWN, frame, None)
            return
        for el, item in zip(elements, items):
            self.assign(el.value, item, frame, None)

    def assign_starred(self, elements, star: int, value: Value, frame: Frame) -> None:
        """``enc_out, *state = encoder(x)``: the starred name gets the rest as a
        list, which keeps what it holds (the states still flow into the graph)."""
        before, after = star, len(elements) - star - 1
        if isinstance(value, SeqV) and value.exact and len(value.items) >= before + after:
            items = list(value.items)
            rest: Value = SeqV(items[before:len(items) - after], exact=True)
            heads, tails = items[:before], items[len(items) - after:]
        elif (parts := self.unpack_library_value(value, before + after + 1)) is not None:
            # Outputs of one call of a layer with several outputs (their
            # number is unknown here): the rest stands for one or more of them.
            heads, tails = parts[:before], parts[before + 1:]
            rest = SeqV([parts[before]], exact=False)
        else:
            self.mark_used(value)
            for el in elements:
                self.assign(el.value, UNKNOWN, frame, None)
            return
        for el, item in zip(elements[:before], heads):
            self.assign(el.value, item, frame, None)
        self.assign(elements[star].value.value, rest, frame, None)
        for el, item in zip(elements[star + 1:], tails):
            self.assign(el.value, item, frame, None)

    def unpack(self, value: Value, count: int) -> Optional[list[Value]]:
        if isinstance(value, SeqV) and value.exact and len(value.items) == count:
            return list(value.items)
        parts = self.unpack_library_value(value, count)
        if parts is not None:
            return parts
        return None


_COMPOUND: dict[type[cst.CSTNode], Callable[..., None]] = {
    cst.If: StatementsMixin.exec_if,
    cst.For: StatementsMixin.exec_for,
    cst.While: StatementsMixin.exec_while,
    cst.Try: StatementsMixin.exec_try,
    cst.TryStar: StatementsMixin.exec_try,
    cst.With: StatementsMixin.exec_with,
    cst.FunctionDef: StatementsMixin.exec_funcdef,
    cst.ClassDef: StatementsMixin.exec_classdef,
    cst.Match: StatementsMixin.exec_match,
}


def _is_dataclass_decorator(node: cst.BaseExpression) -> bool:
    """``@dataclass``, ``@dataclasses.dataclass``, ``@dataclass(frozen=True)``."""
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value == "dataclass"
    return isinstance(node, cst.Name) and node.value == "dataclass"


_NO_DEFAULT = UNKNOWN


def _dataclass_fields(cls: ClassV, stmt: cst.ClassDef, body: Frame) -> list[tuple[str, Value]]:
    """The ``__init__`` parameters ``@dataclass`` makes: the fields of the
    dataclass bases, then the annotated names of the body, in order.  A field
    whose default is ``field(...)`` (a factory) has an unknown default."""
    fields: dict[str, Value] = {}
    for base in reversed(cls.mro()[1:]):
        for name, default in base.dataclass_fields or ():
            fields[name] = default
    for line in stmt.body.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for small in line.body:
            if not isinstance(small, cst.AnnAssign) or not isinstance(small.target, cst.Name):
                continue
            annotation = small.annotation.annotation
            if "ClassVar" in cst.Module([]).code_for_node(annotation):
                continue
            name = small.target.value
            if small.value is None:
                fields[name] = _NO_DEFAULT
            elif isinstance(small.value, cst.Call):
                fields[name] = UNKNOWN  # ``field(default_factory=list)``
            else:
                fields[name] = body.env.get(name, UNKNOWN)
    return list(fields.items())
