"""Abstract interpretation of a module: what each expression may evaluate to.

The interpreter walks statements in order, keeping an environment of abstract
values (see :mod:`values`).  Layer creations, layer calls, ``Input``\\ s and
``Model(...)`` constructions become facts of :mod:`kgraphlint.graph`; misuse of
a value's kind becomes a :class:`graph.KindEvent`.

How it stays precise:
- ``if``/``else`` keeps both branches (a union) unless the test is a known
  constant (``if include_top:`` with ``include_top=False``).
- Loops run their body over the known elements, or twice when the trip count is
  unknown (enough to see a layer's output flow back into it).  Anything decided
  inside a loop of unknown length is "uncertain" (``trainable`` becomes unknown).
- Calls of functions defined in the same file are interpreted inline with the
  abstract arguments, so every ``conv2d_bn(x, 32, 3, 3)`` creates its own layers.
- Anything else is UNKNOWN, and UNKNOWN never makes a rule fire.
"""

from __future__ import annotations

import ast
import functools

import builtins
import operator
import os
import re
from typing import TYPE_CHECKING, AbstractSet, Any, Callable, Iterable, Optional, Sequence, TypeGuard, Union

import libcst as cst

from kgraphlint import graph
from kgraphlint.graph import Facts
from kgraphlint.static import catalogue, shapes
from kgraphlint.static.cst_walk import iter_nodes
from kgraphlint.project import ModuleInfo, Resolution, resolve_absolute, resolve_in_directory, resolve_relative
from kgraphlint.static.source import SourceContext
from kgraphlint.vocab.families import runs_as_keras2
from kgraphlint.vocab.methods import RUN_METHODS, TENSORSHAPE_ATTRIBUTES, TRAIN_METHODS
from kgraphlint.static.values import (
    EAGER,
    UNKNOWN,
    BoundMethod,
    ClassV,
    Const,
    DictV,
    EagerData,
    FuncV,
    InstanceV,
    LayerOfModelV,
    LayerV,
    ModelLayersV,
    ModelV,
    ModuleV,
    PartialV,
    Ref,
    SeqV,
    TensorV,
    UnionV,
    Value,
    options,
    truthiness,
    union,
)

if TYPE_CHECKING:
    from kgraphlint.static.modules import ModuleLoader

MAX_INLINE_DEPTH = 8
# Imports followed into the project's modules: how deep a chain of modules
# importing modules is followed, and how many modules one file may reach.
MAX_IMPORT_DEPTH = 16
MAX_IMPORTED_MODULES = 256
MAX_EXACT_ITERATIONS = 8
MAX_LOOP_NESTING = 3
STEP_BUDGET = 400_000

_BUILTIN_NAMES = frozenset(dir(builtins))

_BINOPS = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}

_COMPARE: dict[type[cst.BaseCompOp], Callable[[Any, Any], Any]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.Is: operator.is_,
    cst.IsNot: operator.is_not,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
}


class _Return(Exception):
    pass


class Frame:
    """One scope being executed: a module, a function call or a class body."""

    __slots__ = (
        "env", "parent", "module", "returns", "inline", "terminated",
        "break_envs", "global_names", "function", "saw_yield", "ctx", "info",
    )

    def __init__(
        self,
        parent: Optional["Frame"],
        *,
        module: Optional["Frame"] = None,
        inline: bool = False,
        # The function being run, or "class" for a class body.
        function: Union[cst.CSTNode, str, None] = None,
    ) -> None:
        self.env: dict[str, Value] = {}
        self.parent = parent
        self.module = module or self
        self.returns: list[Value] = []
        self.inline = inline
        # "return" | "raise" | "break" | "continue" when this path stopped.
        self.terminated: Optional[str] = None
        self.break_envs: list[dict[str, Value]] = []
        self.global_names: set[str] = set()
        self.function = function
        self.saw_yield = False
        # Module frames only: the file the module's code is in and where it
        # sits in its project (None when the file is not on disk).
        self.ctx: Optional[SourceContext] = None
        self.info: Optional[ModuleInfo] = None

    def lookup(self, name: str) -> Optional[Value]:
        frame: Optional[Frame] = self
        while frame is not None:
            value = frame.env.get(name)
            if value is not None:
                return value
            frame = frame.parent
        return None


def short_code(node: cst.CSTNode, ctx: SourceContext, limit: int = 48) -> str:
    """A short source rendering of an expression, for messages."""
    text = _short(node)
    if text is None:
        text = ctx.code_for(node).strip()
        text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _short(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _short(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    if isinstance(node, cst.Integer):
        return node.value
    if isinstance(node, cst.SimpleString):
        return node.value
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _short(node.expression)
        return None if inner is None else f"-{inner}"
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        base = _short(node.value)
        sl = node.slice[0].slice
        if base is None:
            return None
        if isinstance(sl, cst.Index):
            idx = _short(sl.value)
            return None if idx is None else f"{base}[{idx}]"
        if isinstance(sl, cst.Slice):
            lo = _short(sl.lower) if sl.lower is not None else ""
            hi = _short(sl.upper) if sl.upper is not None else ""
            if lo is None or hi is None:
                return None
            return f"{base}[{lo}:{hi}]"
        return None
    if isinstance(node, cst.Call):
        func = _short(node.func)
        return None if func is None else f"{func}(...)"
    return None


def _and3(a: Optional[bool], b: Optional[bool]) -> Optional[bool]:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


class Interpreter:
    def __init__(self, ctx: SourceContext, loader: Optional["ModuleLoader"] = None) -> None:
        # The file whose code is being interpreted right now: the checked file,
        # or an imported module while its code runs (sites point into it).
        self.ctx = ctx
        self.root_ctx = ctx
        self.loader = loader
        # Imported project modules by absolute path (None: could not be read).
        self.modules: dict[str, Optional[ModuleV]] = {}
        self.import_depth = 0
        # Files whose presence or content the result depends on -> sha256
        # (None: absent).  The cache keys the file's result on them.
        self.dependencies: dict[str, Optional[str]] = {}
        self.own_functions: set[int] = set()
        # Imported modules' source, by the path findings name them with.
        self.module_texts: dict[str, str] = {}
        self.facts = Facts(path=ctx.path, engine="static")
        self.steps = 0
        self.inline_stack: list[cst.CSTNode] = []
        # Nested loops / uncertain regions (branches with an unknown test,
        # loops of unknown length, try/except).
        self.loop_depth = 0
        self.uncertain = 0
        self.speculative = 0
        # Layer/model -> trainable (True/False/None = unknown).
        self.trainable: dict[int, Optional[bool]] = {}
        self.model_trainable: dict[int, Optional[bool]] = {}
        self._tensor_values: dict[int, TensorV] = {}
        self._layer_of_index: dict[tuple[int, Any], LayerV] = {}
        # id(layer fact) -> the model a ``base.layers[i]`` placeholder belongs to.
        self._layer_owner: dict[int, graph.Model] = {}
        self.interpreted_functions: set[int] = set()
        self.pending: list[FuncV] = []
        self.builder_nodes: set[int] = set()
        self.trainer_nodes: set[int] = set()
        self.called_names: set[str] = set()
        self._all_defs: list[FuncV] = []
        # Input tensor fact id -> the InputLayer of a named ``keras.Input``.
        self.input_layers: dict[int, graph.Layer] = {}
        # Loops of unknown length being interpreted: a shape computed inside
        # one depends on how many times it runs (unknown).
        self.inexact_loops = 0
        # The image data format layers default to; None when the program may
        # change it (then spatial shapes stay unknown).
        self.default_format: Optional[str] = (
            None
            if "channels_first" in ctx.text or "image_data_format" in ctx.text
            else "channels_last"
        )
        # Sequential model id -> shape of its last layer's output so far.
        self._chain_shape: dict[int, Optional[graph.Shape]] = {}
        # Layers configured (``.adapt``, ``.build``...) with the scope that did
        # it, and the scopes that build a model (see ``settle_configured``).
        self.configured_layers: list[tuple[graph.Layer, Optional[int]]] = []
        # The file runs as Keras 2 (tf_keras, TF_USE_LEGACY_KERAS, TF < 2.16).
        self.keras2 = runs_as_keras2(ctx.text)
        self.model_scopes: set[Optional[int]] = set()
        self.in_module_body = False
        # The (branch point, arm) pairs of the if/else arms being executed.
        self.branch_path: list[tuple[int, int]] = []
        self._branch_points = 0
        self._clock = 0

    # ------------------------------------------------------------------ sites
    def site(self, node: cst.CSTNode) -> graph.Site:
        return self.ctx.site(node)

    def code(self, node: cst.CSTNode) -> str:
        return short_code(node, self.ctx)

    # ------------------------------------------------------------- the module
    def run(self, module: cst.Module) -> Facts:
        self.called_names = _called_function_names(module, self.ctx.text)
        frame = Frame(None)
        frame.env["__name__"] = Const("__main__")
        frame.ctx = self.ctx
        self.module_frame = frame
        self.in_module_body = True
        self._register_root(frame)
        self.exec_block(module.body, frame)
        self.in_module_body = False
        # Functions nobody in this file calls are entry points: interpret them
        # on their own, with unknown (or default) arguments.  Called ones were
        # interpreted inline where they are called.
        while self.pending:
            func = self.pending.pop(0)
            if id(func.node) in self.interpreted_functions or id(func.node) not in self.own_functions:
                continue
            if func.name in self.called_names:
                # Inlined where it is called; if that never happened (say the
                # caller gave up), it is interpreted at the end.
                continue
            self.run_standalone(func)
        for func in self._all_defs:
            # Functions of imported modules are checked with their own file.
            if id(func.node) not in self.interpreted_functions and id(func.node) in self.own_functions:
                self.run_standalone(func)
        self._mark_exports(frame)
        self._record_builders(module)
        self.settle_configured()
        return self.facts

    def current_scope(self) -> Optional[int]:
        """The function being interpreted (None: the module body)."""
        return id(self.inline_stack[-1]) if self.inline_stack else None

    def settle_configured(self) -> None:
        """A layer only configured (``norm.adapt(data)``) where no model is
        built is worked with as an object (a test, a utility): it is used.
        Where a model is built, it was meant for that model and is forgotten."""
        for layer, scope in self.configured_layers:
            if scope not in self.model_scopes:
                layer.used = True

    def _mark_exports(self, frame: Frame) -> None:
        """A module of a package is there to be imported: what its top level
        defines (``shared_head = Dense(3)`` in ``layers.py``) is used by its
        importers, not dropped.  A script's top level is its own business."""
        info = frame.info
        if info is None or not info.package or not os.path.isfile(os.path.join(os.path.dirname(info.path), "__init__.py")):
            return
        for name, value in list(frame.env.items()):
            if not name.startswith("_"):
                self.mark_used(value)

    def run_standalone(self, func: FuncV) -> None:
        self.interpreted_functions.add(id(func.node))
        saved_ctx = self.ctx
        self.ctx = _module_ctx(func, saved_ctx)
        try:
            self._run_standalone(func)
        finally:
            self.ctx = saved_ctx

    def _run_standalone(self, func: FuncV) -> None:
        frame = Frame(func.closure, module=func.closure.module if func.closure else None, function=func.node)
        params = func.node.params
        # A function whose every parameter has a default is interpreted with
        # the defaults (what calling it bare, like the tracer does, would do).
        all_default = all(
            p.default is not None for p in _all_params(params) if p.name.value not in ("self", "cls")
        )
        for p in _all_params(params):
            name = p.name.value
            if p.default is not None and all_default:
                frame.env[name] = func.defaults.get(name, UNKNOWN)
            else:
                frame.env[name] = UNKNOWN
        for name in _star_names(params):
            frame.env[name] = UNKNOWN
        self.bind_self(func, frame)
        self.inline_stack.append(func.node)
        try:
            self.exec_block(_body_statements(func.node), frame)
        finally:
            self.inline_stack.pop()
        # Returned values leave the function: they are used by its caller.
        for value in frame.returns:
            self.mark_used(value)

    def bind_self(self, func: FuncV, frame: Frame) -> None:
        """In a method run on its own, ``self`` is the class's stand-in instance
        (plain classes only: Keras layers and models keep ``self`` unknown)."""
        owner = func.owner
        if owner is None:
            return
        frame.env["__class__"] = owner
        positional = list(func.node.params.posonly_params) + list(func.node.params.params)
        if not positional or owner.keras_base is not None or _is_static(func.node):
            return
        first = positional[0].name.value
        if _is_classmethod(func.node):
            frame.env[first] = owner
            return
        frame.env[first] = self.standalone_instance(owner)

    def standalone_instance(self, cls: ClassV) -> InstanceV:
        if cls.standalone is None:
            cls.standalone = InstanceV(cls)
            init = cls.members.get("__init__")
            if isinstance(init, FuncV) and id(init.node) not in self.interpreted_functions:
                self.run_standalone(init)
        return cls.standalone

    def _record_builders(self, module: cst.Module) -> None:
        for stmt in module.body:
            if isinstance(stmt, cst.FunctionDef) and id(stmt) in self.builder_nodes:
                if id(stmt) in self.trainer_nodes:
                    continue
                self.facts.builders.append((stmt.name.value, _required_args(stmt.params)))

    # ------------------------------------------------------------- statements
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
        self.uncertain += 1
        point = self.next_branch_point()
        try:
            for arm, run in enumerate(runs):
                frame.env = dict(start)
                frame.terminated = None
                if exclusive:
                    self.branch_path.append((point, arm))
                try:
                    run()
                finally:
                    if exclusive:
                        self.branch_path.pop()
                if frame.terminated is None:
                    results.append(frame.env)
                elif frame.terminated == "continue":
                    results.append(frame.env)
        finally:
            self.uncertain -= 1
        if not results:
            # Every path returned or raised.
            frame.env = start
            frame.terminated = "return"
            return
        frame.terminated = None
        frame.env = _merge_envs(results)

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
        self.loop_depth += 1
        if not certain:
            self.uncertain += 1
        if not exact:
            self.inexact_loops += 1
        try:
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
            if not certain:
                self.uncertain -= 1
            if not exact:
                self.inexact_loops -= 1
        if not exact and frame.terminated:
            # The loop may not run at all: the code after it is reachable.
            frame.terminated = None
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

    def iteration(self, value: Value) -> tuple[list[Value], bool, bool]:
        """(values to bind per pass, exact, certain) for ``for x in value``.

        Elements that no pass binds may still be consumed by the loop: they
        count as used (``for layer in given or [Dense(64), Dense(32)]``)."""
        if isinstance(value, SeqV):
            if value.exact and len(value.items) <= MAX_EXACT_ITERATIONS:
                return list(value.items), True, True
            if not value.items:
                return [UNKNOWN, UNKNOWN], False, False
            # The items stand for distinct elements: bind them in order (a
            # union would make one pass look like the same element twice).
            for item in value.items[2:]:
                self.mark_used(item)
            return list(value.items[:2]), False, False
        if isinstance(value, DictV) and value.exact and len(value.items) <= MAX_EXACT_ITERATIONS:
            return [Const(k) for k in value.items], True, True
        if isinstance(value, ModelLayersV):
            # One pass stands for every layer of the model (or of the slice).
            return [LayerOfModelV(value.model, value.partial)], True, True
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
        self.bind(frame, stmt.name.value, func)
        self.pending.append(func)
        self._all_defs.append(func)

    def exec_classdef(self, stmt: cst.ClassDef, frame: Frame) -> None:
        keras_base: Optional[str] = None
        for arg in stmt.bases:
            base = self.eval(arg.value, frame)
            for opt in options(base):
                if isinstance(opt, Ref):
                    kn = catalogue.classify(catalogue.canonical(opt.path))
                    if kn is not None and kn.kind in ("model", "sequential"):
                        keras_base = "model"
                    elif kn is not None and kn.kind in ("layer", "input_layer") and keras_base is None:
                        keras_base = "layer"
                elif isinstance(opt, ClassV) and opt.keras_base:
                    keras_base = keras_base or opt.keras_base
        cls = ClassV(stmt.name.value, keras_base, stmt)
        body = Frame(frame, module=frame.module, function="class")
        self.exec_block(stmt.body.body, body)
        cls.members = dict(body.env)
        for member in cls.members.values():
            if isinstance(member, FuncV):
                member.owner = cls
        if keras_base == "layer":
            cls.weighted = _creates_weights(cls) or any(
                isinstance(o, ClassV) and o.weighted for arg in stmt.bases for o in options(self.eval(arg.value, frame))
            ) or None
        # Class attributes are reached through ``self``: count them as used.
        for value in body.env.values():
            self.mark_used(value)
        self.bind(frame, stmt.name.value, cls)

    # ---------------------------------------------------------------- imports
    def exec_import(self, stmt: Union[cst.Import, cst.ImportFrom], frame: Frame) -> None:
        info = frame.module.info if self.loader is not None else None
        if info is None:
            self.import_by_name(stmt, frame)
            return
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                full = _dotted(alias.name)
                if full is None:
                    continue
                resolution = self.resolve_import(full, info)
                if not resolution.project:
                    self.import_alias_by_name(alias, frame)
                    continue
                chain = self.import_chain(full, info)
                complete = len(chain) == len(full.split(".")) and all(m is not None for m in chain)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.bind(frame, alias.asname.name.value, chain[-1] if complete and chain[-1] is not None else UNKNOWN)
                else:
                    top = full.split(".")[0]
                    self.bind(frame, top, chain[0] if complete and chain[0] is not None else UNKNOWN)
            return
        assert isinstance(stmt, cst.ImportFrom)
        level = len(stmt.relative)
        dotted = _dotted(stmt.module) if stmt.module is not None else ""
        if dotted is None:
            return
        if level == 0:
            resolution = self.resolve_import(dotted, info)
            if not resolution.project:
                self.import_by_name(stmt, frame)
                return
            # Only the module named is interpreted, not its parent packages'
            # ``__init__`` (Python runs them too, but a package whose
            # ``__init__`` imports its whole API would make every file pay for
            # all of it); ``from pkg import name`` reads ``pkg/__init__.py``.
            source = self.load_module(resolution, dotted)
        else:
            resolution = resolve_relative(level, dotted, info)
            self.depend_on(resolution)
            source = self.load_module(resolution, dotted)
        if isinstance(stmt.names, cst.ImportStar):
            if source is not None:
                for name, value in self.public_names(source).items():
                    self.bind(frame, name, value)
            return
        for alias in stmt.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            found = self.module_attribute(source, name) if source is not None else None
            self.bind(frame, bound, found if found is not None else UNKNOWN)

    def resolve_import(self, dotted: str, info: ModuleInfo) -> Resolution:
        resolution = resolve_absolute(dotted, info)
        self.depend_on(resolution)
        return resolution

    def depend_on(self, resolution: Resolution) -> None:
        assert self.loader is not None
        for path in resolution.checked:
            if path not in self.dependencies:
                self.dependencies[path] = self.loader.digest(path)

    def import_chain(self, dotted: str, info: ModuleInfo) -> list[Optional[ModuleV]]:
        """``import a.b.c``: modules ``a``, ``a.b``, ``a.b.c`` in turn, each set
        as an attribute of its parent (stops at the first one missing)."""
        parts = dotted.split(".")
        chain: list[Optional[ModuleV]] = []
        for i in range(1, len(parts) + 1):
            resolution = self.resolve_import(".".join(parts[:i]), info)
            module = self.load_module(resolution, ".".join(parts[:i]))
            if module is None:
                chain.append(None)
                break
            if chain and chain[-1] is not None:
                chain[-1].env[parts[i - 1]] = module
            chain.append(module)
        return chain

    def load_module(self, resolution: Resolution, name: str) -> Optional[ModuleV]:
        """The module a resolution names, its code interpreted on first import."""
        if resolution.namespace is not None:
            key = resolution.namespace
            if key not in self.modules:
                self.modules[key] = ModuleV(name, None, key, None)
            return self.modules[key]
        path = resolution.path
        if path is None:
            return None
        if path in self.modules:
            return self.modules[path]  # done, or being imported (a cycle)
        if self.import_depth >= MAX_IMPORT_DEPTH or len(self.modules) >= MAX_IMPORTED_MODULES:
            return None
        assert self.loader is not None
        loaded = self.loader.load(path, self.display_path(path))
        if loaded is None:
            self.modules[path] = None
            return None
        self.dependencies[path] = loaded.digest
        self.module_texts[loaded.ctx.path] = loaded.ctx.text
        frame = Frame(None)
        frame.ctx = loaded.ctx
        frame.info = loaded.info
        frame.env["__name__"] = Const(loaded.info.name or name)
        module = ModuleV(loaded.info.name or name, frame, path, loaded.info)
        self.modules[path] = module
        saved = (self.ctx, self.inline_stack, self.uncertain, self.loop_depth, self.speculative, self.in_module_body)
        # The module's code runs once, at import, on its own: not inside the
        # importer's branches, loops or functions, and not the checked file's
        # module body.
        self.ctx, self.inline_stack, self.in_module_body = loaded.ctx, [], False
        self.uncertain = self.loop_depth = self.speculative = 0
        self.import_depth += 1
        try:
            self.exec_block(loaded.ctx.module.body, frame)
        finally:
            self.ctx, self.inline_stack, self.uncertain, self.loop_depth, self.speculative, self.in_module_body = saved
            self.import_depth -= 1
        # Its top-level names are exports: what importers do not use is not
        # dropped (that module's own check says what it drops).
        for value in list(frame.env.values()):
            self.mark_used(value)
        return module

    def module_attribute(self, module: ModuleV, name: str) -> Optional[Value]:
        """``module.name``: a name the module defines, else its submodule."""
        value = module.env.get(name)
        if value is not None:
            return value
        directory = _package_directory(module.path)
        if directory is None or not name.isidentifier():
            return None
        resolution = resolve_in_directory(directory, (name,))
        self.depend_on(resolution)
        sub = self.load_module(resolution, f"{module.name}.{name}")
        if sub is not None:
            module.env[name] = sub
        return sub

    def public_names(self, module: ModuleV) -> dict[str, Value]:
        """What ``from module import *`` binds: ``__all__`` when the engine
        knows it, else every name not starting with an underscore."""
        declared = module.env.get("__all__")
        if isinstance(declared, SeqV) and declared.exact and all(
            isinstance(i, Const) and isinstance(i.value, str) for i in declared.items
        ):
            result = {}
            for item in declared.items:
                value = self.module_attribute(module, item.value)  # type: ignore[attr-defined]
                result[item.value] = value if value is not None else UNKNOWN  # type: ignore[attr-defined]
            return result
        return {k: v for k, v in module.env.items() if not k.startswith("_")}

    def display_path(self, abspath: str) -> str:
        """How a module's file is named in findings: like the checked file's
        path (relative to the working directory when that one is relative)."""
        if os.path.isabs(self.root_ctx.path):
            return abspath
        try:
            return os.path.relpath(abspath)
        except ValueError:  # another drive
            return abspath

    def _register_root(self, frame: Frame) -> None:
        """The checked file is a module of its project too (imports of it, in
        a cycle, see what it has defined so far)."""
        if self.loader is None:
            return
        abspath = os.path.abspath(self.root_ctx.path)
        if not os.path.isfile(abspath):
            return  # not on disk (a string checked by name): no project around it
        info = self.loader.info(abspath)
        frame.info = info
        self.modules[info.path] = ModuleV(info.name, frame, info.path, info)

    def import_alias_by_name(self, alias: cst.ImportAlias, frame: Frame) -> None:
        full = _dotted(alias.name)
        if full is None:
            return
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            self.bind(frame, alias.asname.name.value, Ref(full))
        else:
            top = full.split(".")[0]
            self.bind(frame, top, Ref(top))

    def import_by_name(self, stmt: Union[cst.Import, cst.ImportFrom], frame: Frame) -> None:
        """An import that does not name a project module: names become Refs."""
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                self.import_alias_by_name(alias, frame)
            return
        if stmt.relative:
            module = None
        else:
            module = _dotted(stmt.module) if stmt.module is not None else None
        if isinstance(stmt.names, cst.ImportStar):
            if module is not None:
                canon = catalogue.canonical(module)
                if canon in ("keras.layers", "keras"):
                    names: AbstractSet[str] = catalogue.LAYER_CLASSES | catalogue.MERGE_FUNCTIONS | {"Input"}
                    if canon == "keras":
                        names = {"Model", "Sequential", "Input", "layers", "models", "applications", "ops"}
                    for name in names:
                        self.bind(frame, name, Ref(f"{module}.{name}"))
            return
        for alias in stmt.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            if module is None:
                self.bind(frame, bound, UNKNOWN)
            else:
                self.bind(frame, bound, Ref(f"{module}.{name}"))

    # ------------------------------------------------------------- assignment
    def bind(self, frame: Frame, name: str, value: Value) -> None:
        if name in frame.global_names:
            frame.module.env[name] = value
        else:
            frame.env[name] = value

    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame, value_node: Optional[cst.CSTNode]) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            for opt in options(value):
                fact = getattr(opt, "fact", None)
                if fact is not None and getattr(fact, "label", "x") is None:
                    fact.label = name
                    if isinstance(opt, ModelV) and opt.fact.application:
                        for t in opt.fact.inputs or ():
                            if t.owner_model is opt.fact and t.label is None:
                                t.label = f"{name}.input"
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
            if target.attr.value == "trainable":
                self.set_trainable(obj, value)
            else:
                for opt in options(value):
                    fact = getattr(opt, "fact", None)
                    if fact is not None and getattr(fact, "label", "x") is None:
                        fact.label = self.code(target)
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
        elif isinstance(value, TensorV) and value.fact.producer is not None:
            # Outputs of one call of a layer with several outputs (their
            # number is unknown here): the rest stands for one or more of them.
            parts = self.unpack(value, before + after + 1) or []
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
        if isinstance(value, TensorV) and value.fact.producer is not None:
            # ``out, h, c = LSTM(..., return_state=True)(x)``: outputs of one call.
            node = value.fact.producer
            self.mark_used(value)
            parts: list[Value] = []
            for _ in range(count):
                t = self.new_tensor(value.fact.site, producer=node, symbolic=value.symbolic)
                t.fact.used = True
                node.outputs.append(t.fact)
                parts.append(t)
            return parts
        return None

    # ------------------------------------------------------------ expressions
    def eval(self, node: Optional[cst.BaseExpression], frame: Frame) -> Value:
        if node is None:
            return UNKNOWN
        method = _EVAL.get(type(node))
        if method is not None:
            return method(self, node, frame)
        # Unknown construct: still evaluate what is inside, for its effects.
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.mark_used(self.eval(child, frame))
        return UNKNOWN

    def eval_used(self, node: cst.BaseExpression, frame: Frame) -> Value:
        value = self.eval(node, frame)
        self.mark_used(value)
        return value

    def eval_name(self, node: cst.Name, frame: Frame) -> Value:
        name = node.value
        if name in ("True", "False", "None"):
            return Const({"True": True, "False": False, "None": None}[name])
        value = frame.lookup(name)
        if value is None:
            if name in _BUILTIN_NAMES:
                return Ref(f"builtins.{name}")
            return UNKNOWN
        # Naming a value is not using it: consumers (calls, operators,
        # stores, returns to an outside caller) mark what they consume.
        self.note_model_read(value)
        return value

    def note_model_read(self, value: Value) -> None:
        """Remember when a model was last read (KG302 tells a model handed on
        after training from one still in use)."""
        for opt in options(value):
            if isinstance(opt, ModelV):
                opt.fact.last_read_order = self.tick()

    def eval_attribute(self, node: cst.Attribute, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        name = node.attr.value
        # Reading an attribute (``x.shape``, ``layer.weights``,
        # ``layer.get_config()``) uses the object.  Configuring a layer
        # (``.adapt(data)``, ``.build(shape)``, ``.set_weights(w)``) prepares it
        # for a graph without putting it in one: it counts as a use only where
        # no model is built (a test or utility working with the layer itself);
        # next to a model that leaves it out, the layer was forgotten (KG203).
        if isinstance(base, LayerV) and name in _LAYER_CONFIGURING_METHODS:
            self.configured_layers.append((base.fact, self.current_scope()))
        else:
            self.mark_used(base)
        result = self.attribute(base, name, node)
        if isinstance(base, InstanceV):
            self.note_model_read(result)
        return result

    def attribute(self, base: Value, name: str, node: cst.CSTNode) -> Value:
        if isinstance(base, UnionV):
            # ``keras = None`` in an ``except ImportError`` fallback: reading an
            # attribute of None fails, so only the other options go on.
            live = [o for o in base.options if not (isinstance(o, Const) and o.value is None)]
            return union([self.attribute(o, name, node) for o in live or base.options])
        if isinstance(base, Ref):
            return Ref(f"{base.path}.{name}")
        if isinstance(base, ModelV):
            return self.model_attribute(base, name, node)
        if isinstance(base, LayerV):
            return self.layer_attribute(base, name, node)
        if isinstance(base, InstanceV):
            value = base.attrs.get(name)
            if value is not None:
                return value
            member = base.cls.members.get(name)
            if isinstance(member, FuncV):
                return BoundMethod(base, name)
            return member if member is not None else UNKNOWN
        if isinstance(base, ClassV):
            return base.members.get(name, UNKNOWN)
        if isinstance(base, ModuleV):
            value = self.module_attribute(base, name)
            return value if value is not None else UNKNOWN
        if isinstance(base, BoundMethod) and base.name == "shape" and name in TENSORSHAPE_ATTRIBUTES:
            tensor = base.obj
            if isinstance(tensor, TensorV) and tensor.symbolic and not self.keras2:
                # ``x.shape.as_list()``: a Keras 3 tensor's shape is a tuple.
                owner = node.value if isinstance(node, cst.Attribute) else node
                what = owner.value if isinstance(owner, cst.Attribute) else owner
                self.kind_event(
                    "KG404", node, tensor, role=f"`.shape.{name}`", value_kind="symbolic tensor", what_expr=what
                )
            return UNKNOWN
        if isinstance(base, (SeqV, DictV, TensorV, LayerOfModelV, Const)):
            return BoundMethod(base, name)
        if isinstance(base, EagerData):
            # ``noise.astype("float32")``, ``x.shape``: still data.
            return EAGER
        return UNKNOWN

    def model_attribute(self, mv: ModelV, name: str, node: cst.CSTNode) -> Value:
        model = mv.fact
        if name in ("input", "inputs"):
            if model.inputs is None:
                return UNKNOWN
            values: list[Value] = [self.tensor_value(t) for t in model.inputs]
            for t in model.inputs:
                if t.label is None:
                    t.label = self.code(node) if len(model.inputs) == 1 else None
            if name == "input" and len(values) == 1:
                return values[0]
            return SeqV(values, exact=True)
        if name in ("output", "outputs"):
            if model.outputs is None:
                return UNKNOWN
            values = [self.tensor_value(t) for t in model.outputs]
            for t in model.outputs:
                if t.label is None and len(model.outputs) == 1:
                    t.label = self.code(node)
            if name == "output" and len(values) == 1:
                return values[0]
            return SeqV(values, exact=True)
        if name == "layers":
            return ModelLayersV(mv, partial=False)
        if name == "name" and model.label:
            return UNKNOWN
        return BoundMethod(mv, name)

    def layer_attribute(self, lv: LayerV, name: str, node: cst.CSTNode) -> Value:
        layer = lv.fact
        if name == "output":
            if layer.nodes and layer.nodes[0].outputs:
                return self.tensor_value(layer.nodes[0].outputs[0])
            if lv.output_hint is not None:
                if lv.output_hint.fact.label is None:
                    lv.output_hint.fact.label = self.code(node)
                return lv.output_hint
            return UNKNOWN
        if name == "input":
            if layer.nodes and layer.nodes[0].inputs:
                return self.tensor_value(layer.nodes[0].inputs[0])
            return UNKNOWN
        if name == "name" and layer.name is not None:
            return Const(layer.name)
        return BoundMethod(lv, name)

    def eval_subscript(self, node: cst.Subscript, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        key = self.subscript_key(node, frame)
        self.mark_used(key)
        if not isinstance(base, (SeqV, DictV, UnionV)):
            # Indexing a container selects an item (which flows on); indexing
            # anything else (a tensor) consumes it.
            self.mark_used(base)
        return self.subscript(base, key, node)

    def subscript_key(self, node: cst.Subscript, frame: Frame) -> Value:
        if len(node.slice) != 1:
            for el in node.slice:
                if isinstance(el.slice, cst.Index):
                    self.eval(el.slice.value, frame)
            return UNKNOWN
        sl = node.slice[0].slice
        if isinstance(sl, cst.Index):
            return self.eval(sl.value, frame)
        if isinstance(sl, cst.Slice):
            parts: list[Any] = []
            for part in (sl.lower, sl.upper, sl.step):
                if part is None:
                    parts.append(None)
                    continue
                v = self.eval(part, frame)
                if not isinstance(v, Const):
                    return _SliceKey(None)
                parts.append(v.value)
            try:
                return _SliceKey(slice(*parts))
            except TypeError:
                return _SliceKey(None)
        return UNKNOWN

    def subscript(self, base: Value, key: Value, node: cst.CSTNode) -> Value:
        if isinstance(base, UnionV):
            return union([self.subscript(o, key, node) for o in base.options])
        if isinstance(base, SeqV):
            if not base.exact:
                return UNKNOWN
            if isinstance(key, Const) and isinstance(key.value, int) and not isinstance(key.value, bool):
                try:
                    return base.items[key.value]
                except IndexError:
                    return UNKNOWN
            if isinstance(key, _SliceKey) and key.slice is not None:
                try:
                    return SeqV(base.items[key.slice], exact=True, is_tuple=base.is_tuple)
                except (TypeError, ValueError):
                    return UNKNOWN
            return UNKNOWN
        if isinstance(base, DictV):
            if isinstance(key, Const):
                try:
                    item = base.items.get(key.value)
                except TypeError:
                    return UNKNOWN
                if item is not None:
                    return item
            return UNKNOWN
        if isinstance(base, Const) and isinstance(key, Const):
            try:
                return Const(base.value[key.value])
            except Exception:
                return UNKNOWN
        if isinstance(base, ModelLayersV):
            if isinstance(key, _SliceKey):
                full = key.slice is not None and key.slice == slice(None, None, None)
                return ModelLayersV(base.model, partial=base.partial or not full)
            return self.layer_of_model(base.model, key.value if isinstance(key, Const) else None, node)
        if isinstance(base, TensorV):
            return self.tensor_op("getitem", [base], node, opaque=False)
        return UNKNOWN

    def layer_of_model(self, mv: ModelV, index: Any, node: cst.CSTNode) -> Value:
        """``base.layers[i]`` / ``base.get_layer(..)``: a layer built elsewhere."""
        cache_key = (id(mv), index)
        cached = self._layer_of_index.get(cache_key)
        if cached is not None:
            return cached
        model = mv.fact
        fact = graph.Layer(
            class_name="Layer",
            created_at=model.site,
            label=self.code(node),
            library_made=True,
        )
        lv = LayerV(fact)
        self._layer_owner[id(fact)] = model
        if model.inputs is not None:
            # Its output depends on the model's inputs (on one of them at
            # least: alternatives make that "possibly each, surely none").
            hint_node = graph.Node(layer=fact, inputs=list(model.inputs), called_at=model.site)
            if len(model.inputs) == 1:
                out = self.new_tensor(self.site(node), producer=hint_node, symbolic=True)
            else:
                out = self.new_tensor(self.site(node), alternatives=tuple(model.inputs), symbolic=True)
            out.fact.library_made = True
            out.fact.used = True
            if model.application and model.include_top is False and model.pooling is None:
                # Every layer of a convolutional backbone without its top and
                # without pooling outputs a 4-D feature map.
                out.fact.feature_map_of = model
                out.fact.rank = 4
            lv.output_hint = out
        if index is not None:
            self._layer_of_index[cache_key] = lv
        return lv

    def eval_call(self, node: cst.Call, frame: Frame) -> Value:
        func = self.eval(node.func, frame)
        args: list[tuple[Value, cst.CSTNode]] = []
        kwargs: dict[str, tuple[Value, cst.CSTNode]] = {}
        star_unknown = False
        for arg in node.args:
            value = self.eval(arg.value, frame)
            if arg.keyword is not None:
                kwargs[arg.keyword.value] = (value, arg.value)
            elif arg.star == "*":
                if isinstance(value, SeqV) and value.exact:
                    args.extend((item, arg.value) for item in value.items)
                else:
                    self.mark_used(value)
                    star_unknown = True
            elif arg.star == "**":
                if isinstance(value, DictV) and value.exact:
                    for k, v in value.items.items():
                        if isinstance(k, str):
                            kwargs[k] = (v, arg.value)
                else:
                    self.mark_used(value)
                    star_unknown = True
            else:
                args.append((value, arg.value))
        result = self.call(func, args, kwargs, node, frame, star_unknown)
        self.run_escaped_functions(args, kwargs)
        return result

    def run_escaped_functions(self, args, kwargs) -> None:
        """A function of this file handed to code the engine cannot see
        (``ds.map(prep)``, ``tf.py_function(fn, ...)``) may run right there: it
        is interpreted now, with unknown arguments, so the layers it calls are
        seen as called before the names it reads are rebound."""
        for value, _ in list(args) + list(kwargs.values()):
            for opt in options(value):
                if (
                    isinstance(opt, FuncV)
                    and not opt.is_lambda
                    and opt.owner is None
                    and id(opt.node) not in self.interpreted_functions
                    and opt.node not in self.inline_stack
                    and len(self.inline_stack) < MAX_INLINE_DEPTH
                ):
                    self.run_standalone(opt)

    def call(self, func, args, kwargs, node, frame, star_unknown=False) -> Value:
        if isinstance(func, UnionV):
            # ``msfa = None`` then ``if use_msfa: msfa = Adapter(..)``, called
            # under the same test: calling None fails, so the layers are what runs.
            live = [o for o in func.options if not (isinstance(o, Const) and o.value is None)]
            if live and _all_layers(live):
                results = [self.call_layer(o, args, kwargs, node) for o in live]
                return union(results)
            for o in func.options:
                self.mark_used(o)
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        if isinstance(func, LayerV):
            return self.call_layer(func, args, kwargs, node)
        if isinstance(func, ModelV):
            return self.call_model(func, args, kwargs, node)
        if isinstance(func, TensorV):
            self.kind_event(
                "KG202", node, func, role="called like a layer", value_kind="tensor",
                what_expr=node.func,
            )
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        if isinstance(func, Ref):
            return self.call_ref(func, args, kwargs, node, frame, star_unknown)
        if isinstance(func, FuncV):
            if star_unknown:
                self.mark_args_used(args, kwargs)
                return UNKNOWN
            return self.call_function(func, args, kwargs, node)
        if isinstance(func, ClassV):
            self.mark_args_used(args, kwargs)
            if func.keras_base == "layer":
                return self.new_layer(func.name, node, kwargs, weighted=func.weighted)
            if func.keras_base == "model":
                if "__init__" not in func.members and (len(args) >= 2 or "outputs" in kwargs):
                    # A subclass that only adds methods, built functionally.
                    built = self.create_functional(args, kwargs, node)
                    if isinstance(built, ModelV) and "train_step" in func.members:
                        built.fact.custom_train_step = True
                    return built
                model = graph.Model(kind="subclass", site=self.site(node))
                return self.new_model(model)
            instance = InstanceV(func)
            init = func.members.get("__init__")
            if isinstance(init, FuncV):
                self.call_function(init, [(instance, node)] + list(args), kwargs, node)
            return instance
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, node, frame)
        if isinstance(func, PartialV):
            return self.call(func.func, list(func.args) + list(args), {**func.kwargs, **kwargs}, node, frame)
        self.mark_args_used(args, kwargs)
        if isinstance(func, EagerData) and all(_is_data(v) for v, _ in _all_args(args, kwargs)):
            return EAGER  # a method of an array, on data
        return UNKNOWN

    # ---------------------------------------------------------- calls of refs
    def call_ref(self, ref: Ref, args, kwargs, node, frame, star_unknown: bool = False) -> Value:
        path = ref.path
        if path.startswith("builtins."):
            return self.call_builtin(path[9:], args, kwargs, node, frame)
        if path == "functools.partial" and args:
            # ``Conv3x3 = partial(layers.Conv2D, 32, 3, padding="same")``
            return PartialV(args[0][0], list(args[1:]), dict(kwargs))
        canon = catalogue.canonical(path)
        if canon.endswith(".__init__"):
            # ``super().__init__(inputs, outputs)`` in a functional subclass.
            base = catalogue.classify(canon[: -len(".__init__")])
            if base is not None and base.kind == "model":
                return self.create_functional(args, kwargs, node)
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        kn = catalogue.classify(canon)
        if kn is None:
            if catalogue.is_backend_function(path):
                self.check_backend_call(node, args, kwargs)
                if not any(isinstance(i, TensorV) and not i.eager for v, _ in _all_args(args, kwargs) for i in _flat_items(v)):
                    # ``np.random.normal(...)``, ``tf.zeros(...)``: data.
                    self.mark_args_used(args, kwargs)
                    return EAGER
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        kind = kn.kind
        if kind == "input":
            self.mark_args_used(args, kwargs)
            tensor_kw = kwargs.get("tensor")
            if tensor_kw is not None and not (isinstance(tensor_kw[0], Const) and tensor_kw[0].value is None):
                return UNKNOWN
            t = self.new_tensor(self.site(node), is_input=True, symbolic=True)
            t.fact.used = None
            if not star_unknown:
                self.set_shape(t.fact, shapes.input_shape(**_pinned_args(
                    args, kwargs, ("shape", "batch_size", "dtype", "sparse", "batch_shape"),
                    ("shape", "batch_size", "batch_shape"),
                )))
            name_kw = kwargs.get("name")
            if name_kw is not None and isinstance(name_kw[0], Const) and isinstance(name_kw[0].value, str) and not self.speculative:
                # Its InputLayer becomes a layer of every model that lists it:
                # ``Input(name="x")`` twice in one model is a duplicate name.
                self.input_layers[id(t.fact)] = graph.Layer(
                    class_name="InputLayer", created_at=self.site(node), name=name_kw[0].value,
                    weighted=False, used=True, branch_path=tuple(self.branch_path),
                )
            return t
        if kind == "input_layer":
            self.mark_args_used(args, kwargs)
            lv = self.new_layer("InputLayer", node, kwargs, weighted=False, is_input_layer=True)
            if not star_unknown:
                lv.fact.config = _layer_config("InputLayer", args, kwargs)
            return lv
        if kind == "layer":
            return self.create_layer(kn.name, args, kwargs, node, star_unknown)
        if kind == "merge":
            return self.call_merge(kn.name, args, kwargs, node, star_unknown)
        if kind == "model":
            return self.create_functional(args, kwargs, node)
        if kind == "sequential":
            return self.create_sequential(args, kwargs, node)
        if kind == "application":
            return self.create_application(kn.name, args, kwargs, node, star_unknown)
        if kind == "op":
            return self.call_op(canon, args, kwargs, node)
        self.mark_args_used(args, kwargs)
        if canon.startswith("keras.losses.") and kn.name[:1].isupper():
            # ``loss=keras.losses.CategoricalCrossentropy()``: what compile() compares.
            return Const(shapes.LossName(_snake_case(kn.name)))
        return UNKNOWN

    def check_backend_call(self, node: cst.Call, args, kwargs) -> None:
        if self.keras2:
            # Keras 2 wraps a TF op on a Keras tensor in a layer: legal there.
            return
        for value, expr in list(args) + list(kwargs.values()):
            for item in _flat_items(value):
                if isinstance(item, TensorV) and item.symbolic:
                    # Reported at the call (its first line is where Keras
                    # raises), naming the tensor argument.
                    self.kind_event(
                        "KG204", node, item,
                        role=f"argument of {self.code(node.func)}",
                        value_kind="symbolic tensor",
                        what_expr=expr,
                    )
                    return

    def create_layer(self, class_name: str, args, kwargs, node, star_unknown: bool = False) -> Value:
        weighted = catalogue.layer_weighted(class_name)
        if class_name in catalogue.WRAPPER_LAYERS:
            inner = args[0] if args else kwargs.get("layer")
            if inner is not None:
                value, expr = inner
                wrapped_tensor = False
                for opt in options(value):
                    if isinstance(opt, TensorV) and opt.fact.producer is not None:
                        self.kind_event(
                            "KG202", expr, opt, role=f"wrapped by {class_name}", value_kind="tensor",
                        )
                        wrapped_tensor = True
                if wrapped_tensor:
                    # Keras raises here: what follows is not a layer to reason about.
                    self.mark_args_used(args, kwargs)
                    return UNKNOWN
                if isinstance(value, LayerV):
                    weighted = value.fact.weighted
                elif isinstance(value, ModelV):
                    weighted = None
        self.mark_args_used(args, kwargs)
        lv = self.new_layer(class_name, node, kwargs, weighted=weighted)
        if not star_unknown:
            lv.fact.config = _layer_config(class_name, args, kwargs)
            if self.default_format is None:
                # The program may switch the image data format: not pinned down.
                lv.fact.config.setdefault("data_format", shapes.UNPINNED)
        return lv

    def new_layer(self, class_name, node, kwargs, *, weighted, is_input_layer=False) -> LayerV:
        name = None
        name_kw = kwargs.get("name")
        if name_kw is not None and isinstance(name_kw[0], Const) and isinstance(name_kw[0].value, str):
            if not self.speculative:
                name = name_kw[0].value
        fact = graph.Layer(
            class_name=class_name,
            created_at=self.site(node),
            name=name,
            weighted=weighted,
            used=False,
            branch_path=tuple(self.branch_path),
        )
        self.facts.layers.append(fact)
        trainable_kw = kwargs.get("trainable")
        if trainable_kw is not None:
            # ``Embedding(..., trainable=False)``: frozen from birth.
            self.trainable[id(fact)] = None if self.uncertain else truthiness(trainable_kw[0])
        return LayerV(fact, is_input_layer=is_input_layer)

    def input_tensors(self, value: Value, expr: cst.CSTNode, role: str) -> tuple[list[graph.Tensor], bool]:
        """Tensors in a call argument; reports layers found where tensors belong.

        Returns the tensors and whether something could not be pinned down.
        """
        tensors: list[graph.Tensor] = []
        opaque = False
        elements = _literal_elements(expr)
        for item in _flat_items(value, with_index=True):
            item_value, position = item
            item_expr = elements[position] if elements is not None and position is not None and position < len(elements) else expr
            tensor = self.as_tensor(item_value, item_expr, role)
            if tensor is None:
                opaque = True
            else:
                tensors.append(tensor)
        if isinstance(value, SeqV) and not value.exact:
            opaque = True
        return tensors, opaque

    def as_tensor(self, value: Value, expr: cst.CSTNode, role: str) -> Optional[graph.Tensor]:
        """The tensor fact a value stands for, or None (unknown)."""
        if isinstance(value, TensorV):
            return value.fact
        if isinstance(value, LayerV):
            self.kind_event(
                "KG201", expr, value, role=role,
                value_kind="input-layer" if value.is_input_layer else "layer",
            )
            return None
        if isinstance(value, LayerOfModelV):
            # ``[layer for layer in base.layers]`` given as outputs.
            self.kind_event("KG201", expr, value, role=role, value_kind="layer")
            return None
        if isinstance(value, UnionV):
            parts = [self.as_tensor(o, expr, role) for o in value.options]
            if any(p is None for p in parts):
                return None
            t = self.new_tensor(self.site(expr), alternatives=tuple(parts), symbolic=True)
            t.fact.used = True
            return t.fact
        return None

    def call_layer(self, lv: LayerV, args, kwargs, node) -> Value:
        layer = lv.fact
        layer.used = True
        self.mark_args_used(args, kwargs)
        if lv.is_input_layer:
            return UNKNOWN
        tensors: list[graph.Tensor] = []
        opaque = False
        main = args[0] if args else kwargs.get("inputs")
        if main is None:
            opaque = True
        for value, expr in args:
            ts, op = self.input_tensors(value, expr, role="input of a layer call")
            tensors.extend(ts)
            opaque = opaque or op
        for key, (value, _expr) in kwargs.items():
            if key in ("training",):
                continue
            for item in _flat_items(value):
                if isinstance(item, TensorV):
                    tensors.append(item.fact)
                elif not isinstance(item, (Const, LayerV, ModelV, FuncV, ClassV, Ref)):
                    # ``initial_state=state``, ``mask=m`` the engine lost track
                    # of: the call may depend on more than it shows.
                    opaque = True
            if isinstance(value, SeqV) and not value.exact:
                opaque = True
        return self.apply_node(layer, tensors, opaque, node, data_input=main is not None and _is_data(main[0]))

    def apply_node(
        self, layer: graph.Layer, tensors: list[graph.Tensor], opaque: bool, node, *,
        n_outputs: int = 1, data_input: bool = False,
    ) -> Value:
        """Record one call; ``data_input``: its main argument is concrete data."""
        call = graph.Node(layer=layer, inputs=tensors, called_at=self.site(node), has_opaque_inputs=opaque)
        layer.nodes.append(call)
        self.facts.nodes.append(call)
        symbolic = bool(tensors) and any(self.tensor_value(t).symbolic for t in tensors)
        # Applied to data (a sampling loop over NumPy noise): runs eagerly.
        eager = not symbolic and (
            all(self.tensor_value(t).eager for t in tensors) if tensors else data_input
        )
        call.on_graph = not eager
        if isinstance(node, cst.Call):
            call.mode_keywords = frozenset(
                a.keyword.value for a in node.args
                if a.keyword is not None and a.keyword.value not in _CALL_CONTEXT_KEYWORDS
            )
        feature_map = None
        if layer.class_name in catalogue.RANK_PRESERVING and len(tensors) == 1:
            feature_map = tensors[0].feature_map_of
        out_shapes = None if opaque or self.inexact_loops else self.call_shapes(layer, tensors)
        if out_shapes is not None and len(out_shapes) != n_outputs:
            out_shapes = None
        outputs = []
        for i in range(n_outputs):
            out = self.new_tensor(self.site(node), producer=call, symbolic=symbolic)
            out.eager = eager
            out.fact.feature_map_of = feature_map
            if feature_map is not None:
                out.fact.rank = 4
            if out_shapes is not None:
                self.set_shape(out.fact, out_shapes[i])
            call.outputs.append(out.fact)
            outputs.append(out)
        if n_outputs == 1:
            return outputs[0]
        for o in outputs:
            o.fact.used = True
        items: list[Value] = list(outputs)
        return SeqV(items, exact=True, is_tuple=True)

    def call_merge(self, name: str, args, kwargs, node, star_unknown: bool = False) -> Value:
        self.mark_args_used(args, kwargs)
        main = args[0] if args else kwargs.get("inputs")
        class_name = {"add": "Add", "average": "Average", "concatenate": "Concatenate", "dot": "Dot",
                      "maximum": "Maximum", "minimum": "Minimum", "multiply": "Multiply",
                      "subtract": "Subtract"}[name]
        layer = graph.Layer(class_name=class_name, created_at=self.site(node), weighted=False, used=True)
        if not star_unknown:
            # ``concatenate(inputs, axis=-1)``: the layer's own arguments.
            layer.config = _layer_config(class_name, args[1:], {k: v for k, v in kwargs.items() if k != "inputs"})
        self.facts.layers.append(layer)
        if main is None:
            return self.apply_node(layer, [], True, node)
        tensors, opaque = self.input_tensors(main[0], main[1], role="element of the list given to " + name)
        return self.apply_node(layer, tensors, opaque, node)

    def call_op(self, path: str, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        op_name = path.split(".")[-1]
        tensors: list[graph.Tensor] = []
        opaque = False
        for value, expr in list(args) + list(kwargs.values()):
            ts, op = self.input_tensors(value, expr, role=f"argument of keras.ops.{op_name}") if _has_graph_value(value) else ([], not isinstance(value, Const))
            tensors.extend(ts)
            opaque = opaque or op
        if not tensors:
            # ``keras.ops.zeros((2, 3))``, ops on data: data again.
            return EAGER if all(_is_data(v) for v, _ in _all_args(args, kwargs)) else UNKNOWN
        return self.tensor_op(op_name, [self.tensor_value(t) for t in tensors], node, opaque=opaque)

    def tensor_op(self, name: str, operands: list[TensorV], node, *, opaque: bool) -> Value:
        layer = graph.Layer(class_name=f"ops.{name}", created_at=self.site(node), weighted=False, used=True)
        self.facts.layers.append(layer)
        return self.apply_node(layer, [t.fact for t in operands], opaque, node)

    def call_model(self, mv: ModelV, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        model = mv.fact
        as_layer = self.model_as_layer(mv)
        tensors: list[graph.Tensor] = []
        opaque = not args and "inputs" not in kwargs
        for value, expr in args[:1] + ([kwargs["inputs"]] if "inputs" in kwargs else []):
            ts, op = self.input_tensors(value, expr, role=f"input of model `{model.display()}`")
            tensors.extend(ts)
            opaque = opaque or op
        n_out = len(model.outputs) if model.outputs else 1
        result = self.apply_node(as_layer, tensors, opaque, node, n_outputs=n_out, data_input=bool(args) and _is_data(args[0][0]))
        if model.application and model.include_top is False and model.pooling is None and isinstance(result, TensorV):
            result.fact.feature_map_of = model
            result.fact.rank = 4
        return result

    def model_as_layer(self, mv: ModelV) -> graph.Layer:
        """The Layer fact that stands for a model used inside another model."""
        if mv.as_layer is None:
            model = mv.fact
            mv.as_layer = graph.Layer(
                class_name=model.application or "Model",
                created_at=model.site,
                label=model.label,
                weighted=None,
                model=model,
                used=True,
            )
            self.facts.layers.append(mv.as_layer)
        return mv.as_layer

    # --------------------------------------------------------- model objects
    def tick(self) -> int:
        """The next step of the program's (abstract) execution order."""
        self._clock += 1
        return self._clock

    def new_model(self, model: graph.Model) -> ModelV:
        self.facts.models.append(model)
        model.built_order = self.tick()
        # The scope that builds it, and the ones that called that scope.
        if self.in_module_body:
            self.model_scopes.add(None)
        self.model_scopes.update(id(fn) for fn in self.inline_stack)
        self._mark_caller(self.builder_nodes)
        return ModelV(model)

    def _mark_caller(self, marks: set[int]) -> None:
        """Mark the innermost function being interpreted (it builds a model, or
        trains one) and, when that is a helper of another module, the
        innermost function of this file that called it: the tracer calls
        functions of the checked file."""
        for fn in reversed(self.inline_stack):
            marks.add(id(fn))
            if id(fn) in self.own_functions:
                return

    def model_io(self, value: Value, expr: cst.CSTNode, role: str):
        """Tensors, labels and sites of a Model(...) inputs/outputs argument."""
        if not _has_graph_value(value) and not isinstance(value, SeqV):
            return None, [], []
        elements = _literal_elements(expr)
        tensors: list[graph.Tensor] = []
        labels: list[str] = []
        sites: list[Optional[graph.Site]] = []
        items = list(_flat_items(value, with_index=True))
        keyed = _dict_entries(value, expr)
        if keyed is not None:
            # A dict of inputs/outputs: each one is named by its key
            # (`inputs["image"]`) or, in a literal, by its own expression.
            items = [(item_value, None) for item_value, _, _ in keyed]
        for index, (item_value, position) in enumerate(items):
            if keyed is not None:
                _, key, value_expr = keyed[index]
                item_expr = value_expr or expr
                label = self.code(value_expr) if value_expr is not None else f"{self.code(expr)}[{_key_code(key)}]"
            elif elements is not None and position is not None and position < len(elements):
                item_expr = elements[position]
                label = self.code(item_expr)
            else:
                item_expr = expr
                label = self.code(expr) if len(items) == 1 else f"{self.code(expr)}[{position}]"
            tensor = self.as_tensor(item_value, item_expr, role)
            if tensor is None:
                placeholder = self.new_tensor(self.site(item_expr), opaque=True, symbolic=False)
                placeholder.fact.used = True
                tensor = placeholder.fact
            tensors.append(tensor)
            labels.append(label)
            sites.append(self.site(item_expr))
        if isinstance(value, SeqV) and not value.exact:
            placeholder = self.new_tensor(self.site(expr), opaque=True, symbolic=False)
            tensors.append(placeholder.fact)
            labels.append(self.code(expr))
            sites.append(self.site(expr))
        return tensors, labels, sites

    def create_functional(self, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        inputs = args[0] if len(args) > 0 else kwargs.get("inputs")
        outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
        if inputs is None or outputs is None:
            return self.new_model(graph.Model(kind="unknown", site=self.site(node)))
        model = graph.Model(kind="functional", site=self.site(node))
        model.inputs, model.input_labels, model.input_sites = self.model_io(inputs[0], inputs[1], "model input")
        model.outputs, model.output_labels, model.output_sites = self.model_io(outputs[0], outputs[1], "model output")
        for t in model.inputs or ():
            input_layer = self.input_layers.get(id(t))
            if input_layer is not None:
                model.extra_layers.append(input_layer)
        if model.inputs is None or model.outputs is None:
            model.inputs = model.inputs if model.outputs is not None else None
            model.outputs = None if model.inputs is None else model.outputs
            if model.inputs is None or model.outputs is None:
                model.kind = "unknown"
        for t in model.outputs or ():
            t.used = True
        return self.new_model(model)

    def create_sequential(self, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        model = graph.Model(kind="sequential", site=self.site(node))
        model.chain_complete = not self.speculative
        mv = self.new_model(model)
        layers = args[0] if args else kwargs.get("layers")
        if layers is not None and not (isinstance(layers[0], SeqV) and layers[0].exact):
            model.chain_complete = False
        if layers is not None:
            elements = _literal_elements(layers[1])
            for item, position in _flat_items(layers[0], with_index=True):
                expr = elements[position] if elements is not None and position is not None and position < len(elements) else layers[1]
                self.sequential_add(mv, item, expr)
        return mv

    def sequential_add(self, mv: ModelV, value: Value, expr: cst.CSTNode) -> None:
        self.chain_add(mv.fact, value, expr)
        for opt in options(value):
            if isinstance(opt, TensorV) and opt.fact.producer is not None:
                self.kind_event("KG202", expr, opt, role="given to a Sequential model", value_kind="tensor")
            elif isinstance(opt, LayerV):
                opt.fact.used = True
                mv.fact.extra_layers.append(opt.fact)
            elif isinstance(opt, ModelV):
                # ``Sequential([generator, discriminator])``: a model as a layer.
                mv.fact.extra_layers.append(self.model_as_layer(opt))

    def create_application(self, name: str, args, kwargs, node, star_unknown: bool = False) -> Value:
        self.mark_args_used(args, kwargs)
        include_top = _kw_const(kwargs, "include_top", True)
        pooling = _kw_const(kwargs, "pooling", None)
        model = graph.Model(
            kind="application",
            site=self.site(node),
            application=name,
            include_top=include_top if isinstance(include_top, bool) else None,
            pooling=pooling if isinstance(pooling, str) else None,
        )
        if pooling is _UNSET_MARK:
            model.pooling = "unknown"
        if not star_unknown and not args and self.default_format == "channels_last":
            model.app_args = {k: _pin(v) for k, (v, _) in kwargs.items()}
        input_kw = kwargs.get("input_tensor")
        site = self.site(node)
        if input_kw is not None and isinstance(input_kw[0], TensorV):
            given = input_kw[0]
            root = given.fact
            if root.is_input:
                model.inputs = [root]
            else:
                model.inputs = [self.new_tensor(site, opaque=True, symbolic=False).fact]
            image = root
        elif input_kw is not None and not (isinstance(input_kw[0], Const) and input_kw[0].value is None):
            model.inputs = [self.new_tensor(site, opaque=True, symbolic=False).fact]
            image = model.inputs[0]
        else:
            inp = self.new_tensor(site, is_input=True, symbolic=True)
            inp.fact.library_made = True
            inp.fact.owner_model = model
            inp.fact.used = None
            model.inputs = [inp.fact]
            image = inp.fact
        backbone = graph.Layer(
            class_name=name, created_at=site, library_made=True, weighted=True, used=True,
        )
        self.facts.layers.append(backbone)
        model.extra_layers.append(backbone)
        call = graph.Node(layer=backbone, inputs=[image], called_at=site)
        backbone.nodes.append(call)
        self.facts.nodes.append(call)
        out = self.new_tensor(site, producer=call, symbolic=True)
        out.fact.library_made = True
        out.fact.owner_model = model
        out.fact.used = True
        if model.include_top is False and pooling is None:
            out.fact.feature_map_of = model
            out.fact.rank = 4
        if model.app_args or (not star_unknown and not args and not kwargs):
            in_shape, out_shape = shapes.application_shapes(name, model.app_args, image.shape)
            if image.shape is None and model.inputs and model.inputs[0] is image and image.library_made:
                self.set_shape(image, in_shape)
            self.set_shape(out.fact, out_shape)
        call.outputs.append(out.fact)
        model.outputs = [out.fact]
        return self.new_model(model)

    # --------------------------------------------------------------- shapes
    def set_shape(self, tensor: graph.Tensor, shape: Optional[graph.Shape]) -> None:
        if shape is None:
            return
        tensor.shape = shape
        tensor.rank = len(shape)

    def call_shapes(self, layer: graph.Layer, tensors: list[graph.Tensor]) -> Optional[list[Optional[graph.Shape]]]:
        """Output shapes of one call of ``layer`` on ``tensors`` (None: unknown)."""
        if layer.model is not None:
            model = layer.model
            outs = graph.output_tensors(model)
            ins = model.inputs
            if not outs or len(tensors) != 1 or not ins or len(ins) != 1:
                return None
            if model.kind != "application" and (tensors[0].shape is None or tensors[0].shape != ins[0].shape):
                return None
            return [t.shape for t in outs]
        if layer.config is None:
            return None
        return shapes.output_shapes(
            layer.class_name, layer.config, [t.shape for t in tensors], default_format=self.default_format
        )

    def chain_add(self, model: graph.Model, value: Value, expr: cst.CSTNode) -> None:
        """``Sequential([...])`` / ``model.add(x)``: the call Keras will make."""
        if self.uncertain or self.speculative or isinstance(value, UnionV):
            model.chain_complete = False
        current = self._chain_shape.get(id(model))
        if isinstance(value, TensorV) and value.fact.is_input and not model.chain:
            # ``Sequential([keras.Input(shape=(28, 28)), ...])``
            self._chain_shape[id(model)] = value.fact.shape
            return
        if isinstance(value, ModelV):
            layer = self.model_as_layer(value)
        elif isinstance(value, LayerV):
            layer = value.fact
        else:
            model.chain_complete = False
            self._chain_shape[id(model)] = None
            return
        if not model.chain and id(model) not in self._chain_shape:
            current = _declared_input_shape(layer.config)
            if layer.class_name == "InputLayer":
                self._chain_shape[id(model)] = current
                return
        if model.chain and model.chain[-1].outputs[0].shape == current:
            inp = model.chain[-1].outputs[0]
        else:
            inp = graph.Tensor(shape=current, rank=None if current is None else len(current))
        call = graph.Node(layer=layer, inputs=[inp], called_at=self.site(expr))
        out_shapes = None if current is None or not model.chain_complete else self.call_shapes(layer, [inp])
        out = graph.Tensor(producer=call, site=self.site(expr))
        if out_shapes is not None and len(out_shapes) == 1:
            self.set_shape(out, out_shapes[0])
        call.outputs.append(out)
        model.chain.append(call)
        self._chain_shape[id(model)] = out.shape

    # ------------------------------------------------------------- methods
    def call_method(self, bm: BoundMethod, args, kwargs, node, frame) -> Value:
        obj, name = bm.obj, bm.name
        if name in RUN_METHODS:
            self._mark_caller(self.trainer_nodes)
        if isinstance(obj, SeqV):
            return self.list_method(obj, name, args, kwargs)
        if isinstance(obj, DictV):
            return self.dict_method(obj, name, args, kwargs)
        if isinstance(obj, ModelV):
            return self.model_method(obj, name, args, kwargs, node)
        if isinstance(obj, InstanceV):
            method = obj.cls.members.get(name)
            if isinstance(method, FuncV):
                if _is_static(method.node):
                    return self.call_function(method, args, kwargs, node)
                return self.call_function(method, [(obj, node)] + list(args), kwargs, node)
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        if isinstance(obj, Const) and isinstance(obj.value, str) and name == "format":
            self.mark_args_used(args, kwargs)
            values = [a for a, _ in args]
            kw = {k: v for k, (v, _) in kwargs.items()}
            if all(isinstance(v, Const) for v in values) and all(isinstance(v, Const) for v in kw.values()):
                try:
                    return Const(obj.value.format(*[v.value for v in values], **{k: v.value for k, v in kw.items()}))
                except Exception:
                    return UNKNOWN
        self.mark_args_used(args, kwargs)
        return UNKNOWN

    def list_method(self, seq: SeqV, name: str, args, kwargs) -> Value:
        # Appending stores the value: it counts as used.
        self.mark_args_used(args, kwargs)
        if name == "append" and len(args) == 1:
            seq.items.append(args[0][0])
        elif name == "extend" and len(args) == 1:
            value = args[0][0]
            if isinstance(value, SeqV):
                seq.items.extend(value.items)
                seq.exact = seq.exact and value.exact
            else:
                seq.exact = False
                self.mark_used(value)
        elif name == "insert" and len(args) == 2:
            index = args[0][0]
            if isinstance(index, Const) and isinstance(index.value, int):
                seq.items.insert(index.value, args[1][0])
            else:
                seq.items.append(args[1][0])
                seq.exact = False
        elif name == "copy":
            return SeqV(list(seq.items), seq.exact, seq.is_tuple)
        elif name in ("pop", "remove", "clear", "sort", "reverse"):
            seq.exact = False
        return UNKNOWN

    def dict_method(self, d: DictV, name: str, args, kwargs) -> Value:
        self.mark_args_used(args, kwargs)
        if name in ("items", "keys", "values"):
            if not d.exact:
                reps = list(d.items.values()) if name == "values" else []
                return SeqV(reps, exact=False)
            if name == "keys":
                return SeqV([Const(k) for k in d.items], exact=True)
            if name == "values":
                return SeqV(list(d.items.values()), exact=True)
            return SeqV([SeqV([Const(k), v], exact=True, is_tuple=True) for k, v in d.items.items()], exact=True)
        if name == "get" and args:
            key = args[0][0]
            if isinstance(key, Const) and d.exact:
                try:
                    if key.value in d.items:
                        return d.items[key.value]
                except TypeError:
                    return UNKNOWN
                return args[1][0] if len(args) > 1 else Const(None)
            return UNKNOWN
        if name == "update" and args and isinstance(args[0][0], DictV):
            d.items.update(args[0][0].items)
            d.exact = d.exact and args[0][0].exact
            return Const(None)
        if name == "setdefault" and args and isinstance(args[0][0], Const):
            try:
                return d.items.setdefault(args[0][0].value, args[1][0] if len(args) > 1 else Const(None))
            except TypeError:
                return UNKNOWN
        if name == "copy":
            return DictV(dict(d.items), d.exact)
        if name in ("pop", "clear", "popitem", "update", "setdefault"):
            d.exact = False
        return UNKNOWN

    def model_method(self, mv: ModelV, name: str, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        model = mv.fact
        if name in RUN_METHODS:
            if name in TRAIN_METHODS:
                model.trained = True
                model.trained_orders.append(self.tick())
            else:
                model.evaluated = True
        if name == "compile":
            loss = kwargs.get("loss") or (args[1] if len(args) > 1 else None)
            self.facts.compiles.append(
                graph.Compile(
                    model=model, site=self.site(node), trainable=self.trainable_snapshot(model),
                    loss=None if loss is None or self.uncertain else _loss_names(loss[0]),
                )
            )
            return Const(None)
        if name == "add" and args:
            if model.kind == "sequential":
                self.sequential_add(mv, args[0][0], args[0][1])
            return Const(None)
        if name == "pop" and model.kind == "sequential":
            model.chain_complete = False
            self._chain_shape[id(model)] = None
        if name == "get_layer":
            key = args[0][0] if args else (kwargs.get("name") or kwargs.get("index") or (UNKNOWN, None))[0]
            if isinstance(key, Const):
                for layer in graph.model_layers(model) if model.kind == "functional" else ():
                    if layer.name == key.value:
                        return LayerV(layer)
                if model.kind in ("application", "functional"):
                    return self.layer_of_model(mv, ("name", key.value), node)
            return UNKNOWN
        if name == "__call__":
            return self.call_model(mv, args, kwargs, node)
        return UNKNOWN

    # ------------------------------------------------------------ trainable
    def set_trainable(self, target: Value, value: Value) -> None:
        targets = options(target)
        state = truthiness(value)
        if self.uncertain or len(targets) > 1:
            state = None
        for opt in targets:
            if isinstance(opt, LayerV):
                self.trainable[id(opt.fact)] = state
                if opt.fact.model is not None:
                    self._set_model_trainable(opt.fact.model, state)
            elif isinstance(opt, ModelV):
                self._set_model_trainable(opt.fact, state)
            elif isinstance(opt, LayerOfModelV):
                self._set_layers_trainable(opt.model.fact, None if opt.partial else state)

    def _set_model_trainable(self, model: graph.Model, state: Optional[bool]) -> None:
        self.model_trainable[id(model)] = state
        self._set_layers_trainable(model, state)

    def _set_layers_trainable(self, model: graph.Model, state: Optional[bool]) -> None:
        for layer, _ in graph.sublayers(model):
            self.trainable[id(layer)] = state
            if layer.model is not None:
                self.model_trainable[id(layer.model)] = state

    def trainable_snapshot(self, model: graph.Model) -> dict[graph.Layer, Optional[bool]]:
        snapshot: dict[graph.Layer, Optional[bool]] = {}
        for layer, wrappers in graph.sublayers(model):
            state = self.trainable.get(id(layer), True)
            for wrapper in wrappers:
                assert wrapper.model is not None
                state = _and3(state, self.model_trainable.get(id(wrapper.model), True))
            if layer in snapshot and snapshot[layer] != state:
                state = None
            snapshot[layer] = state
        return snapshot

    # ------------------------------------------------------------ functions
    def call_function(self, func: FuncV, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        if (
            len(self.inline_stack) >= MAX_INLINE_DEPTH
            or func.node in self.inline_stack
            or self.steps > STEP_BUDGET
        ):
            return UNKNOWN
        saved_ctx = self.ctx
        self.ctx = _module_ctx(func, saved_ctx)
        try:
            return self._call_function(func, args, kwargs, node)
        finally:
            self.ctx = saved_ctx

    def _call_function(self, func: FuncV, args, kwargs, node) -> Value:
        if func.is_lambda:
            frame = Frame(func.closure, module=func.closure.module if func.closure else None, inline=True)
            if not self.bind_arguments(func, frame, args, kwargs):
                return UNKNOWN
            return self.eval(func.node.body, frame)
        self.interpreted_functions.add(id(func.node))
        frame = Frame(func.closure, module=func.closure.module if func.closure else None, inline=True, function=func.node)
        if not self.bind_arguments(func, frame, args, kwargs):
            return UNKNOWN
        if func.owner is not None:
            frame.env["__class__"] = func.owner
        self.inline_stack.append(func.node)
        try:
            self.exec_block(_body_statements(func.node), frame)
        finally:
            self.inline_stack.pop()
        if frame.saw_yield:
            for value in frame.returns:
                self.mark_used(value)
            return UNKNOWN
        if not frame.returns:
            return Const(None) if frame.terminated != "raise" else UNKNOWN
        if frame.terminated is None and frame.returns:
            # Some path fell off the end: it returns None.
            return union(frame.returns + [Const(None)])
        return union(frame.returns)

    def bind_arguments(self, func: FuncV, frame: Frame, args, kwargs) -> bool:
        params = func.node.params
        positional = list(params.posonly_params) + list(params.params)
        names = [p.name.value for p in positional]
        bound: dict[str, Value] = {}
        for i, (value, _) in enumerate(args):
            if i < len(names):
                bound[names[i]] = value
            elif isinstance(params.star_arg, cst.Param):
                continue
            else:
                return False
        if isinstance(params.star_arg, cst.Param):
            extra = [v for v, _ in args[len(names):]]
            bound[params.star_arg.name.value] = SeqV(extra, exact=True, is_tuple=True)
        kw_names = {p.name.value for p in params.kwonly_params} | set(names)
        extra_kw: dict[str, Value] = {}
        for key, (value, _) in kwargs.items():
            if key in kw_names:
                bound[key] = value
            elif params.star_kwarg is not None:
                extra_kw[key] = value
            else:
                return False
        if params.star_kwarg is not None:
            bound[params.star_kwarg.name.value] = DictV(extra_kw, exact=True)
        for p in _all_params(params):
            name = p.name.value
            if name not in bound:
                bound[name] = func.defaults.get(name, UNKNOWN)
        frame.env.update(bound)
        return True

    # ------------------------------------------------------------- builtins
    def call_builtin(self, name: str, args, kwargs, node, frame) -> Value:
        values = [v for v, _ in args]
        self.mark_args_used(args, kwargs)
        consts = all(isinstance(v, Const) for v in values)
        try:
            if name == "range" and consts and values and all(isinstance(v.value, int) for v in values):
                r = range(*[v.value for v in values])
                if len(r) <= 64:
                    return SeqV([Const(i) for i in r], exact=True)
                return SeqV([Const(r[0]), Const(r[-1])], exact=False)
            if name == "len" and len(values) == 1:
                v = values[0]
                if isinstance(v, (SeqV, DictV)) and v.exact:
                    return Const(len(v.items))
                if isinstance(v, Const) and isinstance(v.value, (str, tuple)):
                    return Const(len(v.value))
                return UNKNOWN
            if name == "enumerate" and values:
                v = values[0]
                start = values[1].value if len(values) > 1 and isinstance(values[1], Const) else 0
                if isinstance(v, SeqV):
                    return SeqV(
                        [SeqV([Const(start + i) if v.exact else UNKNOWN, item], exact=True, is_tuple=True) for i, item in enumerate(v.items)],
                        exact=v.exact,
                    )
                if isinstance(v, DictV) and v.exact:
                    return SeqV([SeqV([Const(i), Const(k)], exact=True, is_tuple=True) for i, k in enumerate(v.items)], exact=True)
                return UNKNOWN
            if name == "zip" and values and all(isinstance(v, SeqV) for v in values):
                exact = all(v.exact for v in values)
                rows = list(zip(*[v.items for v in values]))
                return SeqV([SeqV(list(r), exact=True, is_tuple=True) for r in rows], exact=exact)
            if name in ("list", "tuple") and len(values) == 1:
                v = values[0]
                if isinstance(v, SeqV):
                    return SeqV(list(v.items), v.exact, is_tuple=name == "tuple")
                if isinstance(v, DictV) and v.exact:
                    return SeqV([Const(k) for k in v.items], exact=True, is_tuple=name == "tuple")
                if isinstance(v, ModelLayersV):
                    return v
                return UNKNOWN
            if name in ("list", "tuple") and not values:
                return SeqV([], exact=True, is_tuple=name == "tuple")
            if name == "dict" and not values:
                return DictV({k: v for k, (v, _) in kwargs.items()}, exact=True)
            if name in ("reversed", "sorted") and len(values) == 1 and isinstance(values[0], SeqV):
                v = values[0]
                if name == "reversed":
                    return SeqV(list(reversed(v.items)), v.exact)
                if v.exact and _all_const(v.items):
                    return SeqV([Const(x) for x in sorted(i.value for i in v.items)], exact=True)
                return SeqV(list(v.items), exact=False)
            if name in ("str", "int", "float", "bool", "abs", "round", "min", "max") and consts and values and not kwargs:
                result = getattr(builtins, name)(*[v.value for v in values])
                if isinstance(result, (str, int, float, bool)):
                    return Const(result)
                return UNKNOWN
            if name == "getattr" and len(values) >= 2 and isinstance(values[1], Const) and isinstance(values[1].value, str):
                return self.attribute(values[0], values[1].value, node)
            if name == "print":
                return Const(None)
            if name == "super":
                owner = frame.lookup("__class__")
                if isinstance(owner, ClassV) and owner.keras_base == "model":
                    return Ref("keras.Model")
                if isinstance(owner, ClassV) and owner.keras_base == "layer":
                    return Ref("keras.layers.Layer")
                return UNKNOWN
        except Exception:
            return UNKNOWN
        return UNKNOWN

    # ------------------------------------------------------- literal values
    def eval_sequence(self, node, frame: Frame) -> Value:
        items: list[Value] = []
        exact = True
        for el in node.elements:
            if isinstance(el, cst.StarredElement):
                v = self.eval(el.value, frame)
                if isinstance(v, SeqV):
                    items.extend(v.items)
                    exact = exact and v.exact
                else:
                    self.mark_used(v)
                    exact = False
            else:
                items.append(self.eval(el.value, frame))
        return SeqV(items, exact=exact, is_tuple=isinstance(node, cst.Tuple))

    def eval_set(self, node, frame: Frame) -> Value:
        for el in node.elements:
            self.mark_used(self.eval(el.value, frame))
        return UNKNOWN

    def eval_dict(self, node: cst.Dict, frame: Frame) -> Value:
        items: dict[Any, Value] = {}
        exact = True
        for el in node.elements:
            if isinstance(el, cst.StarredDictElement):
                v = self.eval(el.value, frame)
                if isinstance(v, DictV):
                    items.update(v.items)
                    exact = exact and v.exact
                else:
                    self.mark_used(v)
                    exact = False
                continue
            assert isinstance(el, cst.DictElement)  # the only other kind of element
            key = self.eval(el.key, frame)
            value = self.eval(el.value, frame)
            if isinstance(key, Const):
                try:
                    items[key.value] = value
                    continue
                except TypeError:
                    pass
            self.mark_used(value)
            exact = False
        return DictV(items, exact=exact)

    def eval_comprehension(self, node, frame: Frame) -> Value:
        inner = Frame(frame, module=frame.module, inline=frame.inline, function=frame.function)
        results: list[Any] = []  # values, or (key, value) pairs for a dict comprehension
        exact = self._comprehend(node.for_in, inner, lambda: results.append(self._comp_element(node, inner)))
        if isinstance(node, cst.DictComp):
            items: dict[Any, Value] = {}
            for key, value in results:
                if isinstance(key, Const):
                    try:
                        items[key.value] = value
                        continue
                    except TypeError:
                        pass
                exact = False
                self.mark_used(value)
            return DictV(items, exact=exact)
        if isinstance(node, (cst.SetComp, cst.GeneratorExp)):
            if isinstance(node, cst.SetComp):
                for v in results:
                    self.mark_used(v)
                return UNKNOWN
        return SeqV(results, exact=exact)

    def _comp_element(self, node, frame: Frame):
        if isinstance(node, cst.DictComp):
            return (self.eval(node.key, frame), self.eval(node.value, frame))
        return self.eval(node.elt, frame)

    def _comprehend(self, for_in: cst.CompFor, frame: Frame, emit) -> bool:
        iterable = self.eval(for_in.iter, frame)
        passes, exact, certain = self.iteration(iterable)
        if not exact:
            passes = passes[:2]
        all_exact = exact
        if not certain:
            self.uncertain += 1
        try:
            for i, value in enumerate(passes):
                if i == 1 and not exact:
                    self.speculative += 1
                try:
                    self.assign(for_in.target, value, frame, None)
                    keep = True
                    for cond in for_in.ifs:
                        t = truthiness(self.eval(cond.test, frame))
                        if t is False:
                            keep = False
                        elif t is None:
                            all_exact = False
                    if keep:
                        if for_in.inner_for_in is not None:
                            all_exact = self._comprehend(for_in.inner_for_in, frame, emit) and all_exact
                        else:
                            emit()
                finally:
                    if i == 1 and not exact:
                        self.speculative -= 1
        finally:
            if not certain:
                self.uncertain -= 1
        return all_exact

    def eval_lambda(self, node: cst.Lambda, frame: Frame) -> Value:
        defaults = {}
        for p in _all_params(node.params):
            if p.default is not None:
                defaults[p.name.value] = self.eval(p.default, frame)
        # The body runs later (``ds.map(lambda x: flip(x))``, ``Lambda(fn)``):
        # interpret it once with unknown arguments so that what it captures
        # counts as used and what it builds is seen.
        inner = Frame(frame, module=frame.module, inline=False, function=frame.function)
        for name in [p.name.value for p in _all_params(node.params)] + _star_names(node.params):
            inner.env[name] = UNKNOWN
        self.mark_used(self.eval(node.body, inner))
        return FuncV(node, "<lambda>", frame, defaults)

    def eval_string(self, node, frame: Frame) -> Value:
        if isinstance(node, cst.SimpleString):
            return _string_const(node)
        if isinstance(node, cst.ConcatenatedString):
            left = self.eval(node.left, frame)
            right = self.eval(node.right, frame)
            if isinstance(left, Const) and isinstance(right, Const) and type(left.value) is type(right.value):
                return Const(left.value + right.value)
            return UNKNOWN
        if isinstance(node, cst.FormattedString):
            parts: list[str] = []
            known = True
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    parts.append(part.value)
                elif isinstance(part, cst.FormattedStringExpression):  # the only other kind of part
                    value = self.eval_used(part.expression, frame)
                    if (
                        isinstance(value, Const)
                        and part.conversion is None
                        and part.format_spec is None
                        and isinstance(value.value, (str, int))
                        and not isinstance(value.value, bool)
                    ):
                        parts.append(str(value.value))
                    else:
                        known = False
            if known and "{" not in "".join(p for p in parts) and "b" not in node.prefix.lower():
                return Const("".join(parts))
            return UNKNOWN
        return UNKNOWN

    def eval_number(self, node, frame: Frame) -> Value:
        text = node.value.replace("_", "")
        try:
            if isinstance(node, cst.Integer):
                return Const(int(text, 0))
            if isinstance(node, cst.Float):
                return Const(float(text))
        except ValueError:
            pass
        try:
            return Const(node.evaluated_value)
        except Exception:
            return UNKNOWN

    def eval_binary(self, node: cst.BinaryOperation, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        return self.binop(left, node.operator, right, node)

    def operand_tensor(self, value: Value, node) -> Optional[TensorV]:
        """A tensor operand of ``+``, ``*``...: consumed by the operation."""
        self.mark_used(value)
        if isinstance(value, TensorV):
            return value
        if isinstance(value, UnionV) and all(isinstance(o, TensorV) for o in value.options):
            fact = self.as_tensor(value, node, "operand")
            return self.tensor_value(fact) if fact is not None else None
        return None

    def binop(self, left: Value, op, right: Value, node) -> Value:
        if any(_is_eager(v) for v in (left, right)) and all(
            _is_eager(v) or isinstance(v, Const) for v in (left, right)
        ):
            # Arithmetic on arrays (``x - 0.1 * noise``): data again.
            self.mark_used(left)
            self.mark_used(right)
            return EAGER
        if isinstance(left, Const) and isinstance(right, Const):
            fn = _BINOPS.get(type(op))
            if fn is None:
                return UNKNOWN
            try:
                if isinstance(op, cst.Power) and isinstance(right.value, (int, float)) and abs(right.value) > 64:
                    return UNKNOWN
                if isinstance(op, cst.Multiply) and any(isinstance(v.value, (str, bytes, tuple)) for v in (left, right)):
                    n = right.value if isinstance(right.value, int) else left.value
                    if isinstance(n, int) and n > 1000:
                        return UNKNOWN
                return Const(fn(left.value, right.value))
            except Exception:
                return UNKNOWN
        if isinstance(left, SeqV) and isinstance(right, SeqV) and isinstance(op, cst.Add):
            return SeqV(left.items + right.items, exact=left.exact and right.exact, is_tuple=left.is_tuple)
        if isinstance(left, SeqV) and isinstance(right, Const) and isinstance(op, cst.Multiply):
            if left.exact and isinstance(right.value, int) and 0 <= right.value <= 16:
                return SeqV(left.items * right.value, exact=True, is_tuple=left.is_tuple)
            return SeqV(list(left.items), exact=False)
        operands = [self.operand_tensor(v, node) for v in (left, right)]
        tensors = [t for t in operands if t is not None]
        if tensors:
            opaque = any(t is None and not isinstance(v, Const) for t, v in zip(operands, (left, right)))
            name = type(op).__name__.lower() if op is not None else "op"
            return self.tensor_op(name, tensors, node, opaque=opaque)
        return UNKNOWN

    def eval_unary(self, node: cst.UnaryOperation, frame: Frame) -> Value:
        value = self.eval(node.expression, frame)
        if isinstance(node.operator, cst.Not):
            t = truthiness(value)
            return UNKNOWN if t is None else Const(not t)
        if isinstance(value, Const):
            try:
                if isinstance(node.operator, cst.Minus):
                    return Const(-value.value)
                if isinstance(node.operator, cst.Plus):
                    return Const(+value.value)
                if isinstance(node.operator, cst.BitInvert):
                    return Const(~value.value)
            except Exception:
                return UNKNOWN
        if isinstance(value, TensorV):
            self.mark_used(value)
            return self.tensor_op("neg", [value], node, opaque=False)
        return UNKNOWN

    def eval_boolean(self, node: cst.BooleanOperation, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        t = truthiness(left)
        is_and = isinstance(node.operator, cst.And)
        if t is not None:
            if (is_and and t is False) or (not is_and and t is True):
                return left
            return self.eval(node.right, frame)
        right = self.eval(node.right, frame)
        return union([left, right])

    def eval_compare(self, node: cst.Comparison, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        result: Optional[bool] = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            self.mark_used(left)
            self.mark_used(right)
            outcome = self.compare(left, target.operator, right)
            if outcome is None:
                result = None
            elif outcome is False and result is not None:
                result = False
            left = right
        return UNKNOWN if result is None else Const(result)

    def compare(self, left: Value, op, right: Value) -> Optional[bool]:
        if isinstance(op, (cst.Is, cst.IsNot)) and (
            (isinstance(right, Const) and right.value is None) or (isinstance(left, Const) and left.value is None)
        ):
            other = left if isinstance(right, Const) and right.value is None else right
            if isinstance(other, Const):
                is_none = other.value is None
            elif isinstance(other, (LayerV, TensorV, ModelV, SeqV, DictV, FuncV, ClassV)):
                is_none = False
            else:
                return None
            return is_none if isinstance(op, cst.Is) else not is_none
        if isinstance(left, Const) and isinstance(right, Const):
            fn = _COMPARE.get(type(op))
            if fn is None:
                return None
            try:
                return bool(fn(left.value, right.value))
            except Exception:
                return None
        if isinstance(op, (cst.In, cst.NotIn)) and isinstance(left, Const) and isinstance(right, SeqV) and right.exact:
            if _all_const(right.items):
                found = any(i.value == left.value for i in right.items)
                return found if isinstance(op, cst.In) else not found
        return None

    def eval_ifexp(self, node: cst.IfExp, frame: Frame) -> Value:
        t = truthiness(self.eval_used(node.test, frame))
        if t is True:
            return self.eval(node.body, frame)
        if t is False:
            return self.eval(node.orelse, frame)
        point = self.next_branch_point()
        results = []
        for arm, expr in enumerate((node.body, node.orelse)):
            self.branch_path.append((point, arm))
            try:
                results.append(self.eval(expr, frame))
            finally:
                self.branch_path.pop()
        return union(results)

    def next_branch_point(self) -> int:
        self._branch_points += 1
        return self._branch_points

    def eval_named(self, node: cst.NamedExpr, frame: Frame) -> Value:
        value = self.eval(node.value, frame)
        self.assign(node.target, value, frame, node.value)
        return value

    def eval_await(self, node, frame: Frame) -> Value:
        self.mark_used(self.eval(node.expression, frame))
        return UNKNOWN

    def eval_yield(self, node, frame: Frame) -> Value:
        frame.saw_yield = True
        if node.value is not None:
            value = node.value
            inner = value.item if isinstance(value, cst.From) else value
            self.mark_used(self.eval(inner, frame))
        return UNKNOWN

    # -------------------------------------------------------------- helpers
    def new_tensor(self, site, *, is_input=False, producer=None, alternatives=(), opaque=False, symbolic=False) -> TensorV:
        fact = graph.Tensor(
            site=site,
            is_input=is_input,
            producer=producer,
            alternatives=alternatives,
            opaque=opaque,
            used=False,
        )
        self.facts.tensors.append(fact)
        value = TensorV(fact, symbolic)
        self._tensor_values[id(fact)] = value
        return value

    def tensor_value(self, fact: graph.Tensor) -> TensorV:
        value = self._tensor_values.get(id(fact))
        if value is None:
            value = TensorV(fact, symbolic=not fact.opaque)
            self._tensor_values[id(fact)] = value
        return value

    def kind_event(
        self, code: str, expr: cst.CSTNode, value: Value, *, role: str, value_kind: str,
        what_expr: Optional[cst.CSTNode] = None,
    ) -> None:
        fact = getattr(value, "fact", None)
        origin = None
        origin_label = None
        if isinstance(fact, graph.Layer):
            origin, origin_label = fact.created_at, fact.label
            owner = self._layer_owner.get(id(fact))
            if owner is not None and owner.label:
                # `base.layers[-1]` was not created at the backbone call: `base` was.
                origin_label = owner.label
        elif isinstance(fact, graph.Tensor):
            origin, origin_label = fact.site, fact.label
        what = self.code(what_expr if what_expr is not None else expr)
        self.facts.events.append(
            graph.KindEvent(
                code=code, site=self.site(expr), what=what, role=role, value_kind=value_kind,
                origin=origin, origin_label=origin_label,
                # "Layer" is the engine's placeholder for a layer of another
                # model (``base.layers[-1]``): no class worth naming.
                detail=fact.class_name if isinstance(fact, graph.Layer) and fact.class_name != "Layer" else "",
            )
        )

    def mark_used(self, value: Value, _seen: Optional[set[int]] = None) -> None:
        if isinstance(value, (TensorV, LayerV)):
            value.fact.used = True
            return
        if isinstance(value, (SeqV, DictV, UnionV)):
            seen = _seen if _seen is not None else set()
            if id(value) in seen:
                return
            seen.add(id(value))
            children = value.items if isinstance(value, SeqV) else (
                value.items.values() if isinstance(value, DictV) else value.options
            )
            for child in children:
                self.mark_used(child, seen)

    def mark_args_used(self, args, kwargs) -> None:
        for value, _ in args:
            self.mark_used(value)
        for value, _ in kwargs.values():
            self.mark_used(value)


class _SliceKey(Value):
    __slots__ = ("slice",)
    kind = "slice"

    def __init__(self, sl: Optional[slice]) -> None:
        self.slice = sl


_UNSET_MARK = object()

# Keyword arguments of a layer call that say how it runs, not what it computes.
_CALL_CONTEXT_KEYWORDS = frozenset({"training", "mask"})

# Methods that prepare a layer for a graph without putting it in one.
_LAYER_CONFIGURING_METHODS = frozenset(
    {"adapt", "build", "set_weights", "load_own_variables", "set_vocabulary", "reset_state"}
)


def _all_args(args, kwargs):
    return list(args) + list(kwargs.values())


def _is_eager(value: Value) -> bool:
    return isinstance(value, EagerData) or (isinstance(value, TensorV) and value.eager)


def _all_const(items: Sequence[Value]) -> TypeGuard[Sequence[Const]]:
    return all(isinstance(i, Const) for i in items)


def _all_layers(items: Sequence[Value]) -> TypeGuard[Sequence[LayerV]]:
    return all(isinstance(o, LayerV) for o in items)


def _is_data(value: Value) -> bool:
    """Concrete data: a constant, EagerData, an eager tensor, or a container of them."""
    if isinstance(value, (Const, EagerData)):
        return True
    if isinstance(value, TensorV):
        return value.eager
    if isinstance(value, SeqV):
        return all(_is_data(v) for v in value.items)
    return False


def _kw_const(kwargs, name: str, default: Any) -> Any:
    if name not in kwargs:
        return default
    value = kwargs[name][0]
    if isinstance(value, Const):
        return value.value
    return _UNSET_MARK


def _pin(value: Value) -> Any:
    """The Python value a constructor argument was pinned down to, or UNPINNED."""
    if isinstance(value, Const):
        return value.value
    if isinstance(value, SeqV) and value.exact:
        items = [_pin(v) for v in value.items]
        if any(item is shapes.UNPINNED for item in items):
            return shapes.UNPINNED
        return tuple(items)
    if isinstance(value, LayerV):
        return shapes.LayerSpec(value.fact.class_name, value.fact.config)
    return shapes.UNPINNED


def _layer_config(class_name: str, args, kwargs) -> dict[str, Any]:
    return shapes.config_from_call(
        class_name, [_pin(v) for v, _ in args], {k: _pin(v) for k, (v, _) in kwargs.items()}
    )


def _pinned_args(args, kwargs, positional: tuple[str, ...], wanted: tuple[str, ...]) -> dict[str, Any]:
    """Arguments in ``wanted`` that are pinned down (others left out); a given
    but unknown one makes the whole call unknown (``shape=None``)."""
    named = dict(zip(positional, (v for v, _ in args)))
    named.update({k: v for k, (v, _) in kwargs.items()})
    out: dict[str, Any] = {}
    for key in wanted:
        if key in named:
            value = _pin(named[key])
            if value is shapes.UNPINNED:
                return {}
            out[key] = value
    return out


def _declared_input_shape(config: Optional[dict[str, Any]]) -> Optional[graph.Shape]:
    """``input_shape=`` / ``batch_input_shape=`` / InputLayer ``shape=`` of a layer."""
    if not config:
        return None
    for key in ("batch_shape", "batch_input_shape"):
        if key in config:
            return shapes.input_shape(batch_shape=config[key])
    for key in ("shape", "input_shape"):
        if key in config:
            batch = config.get("batch_size")
            return shapes.input_shape(shape=config[key], batch_size=batch)
    return None


def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _loss_names(value: Value) -> Any:
    """compile(loss=...) as loss names (see graph.Compile.loss), or None."""
    if isinstance(value, Const):
        if isinstance(value.value, shapes.LossName):
            return str(value.value)
        return value.value if isinstance(value.value, str) else None
    if isinstance(value, Ref):
        canon = catalogue.canonical(value.path)
        if canon.startswith("keras.losses."):
            last = canon.rsplit(".", 1)[-1]
            return last if last[:1].islower() else None
        return None
    if isinstance(value, SeqV) and value.exact:
        items = [_loss_names(v) for v in value.items]
        return None if any(i is None for i in items) else items
    if isinstance(value, DictV) and value.exact:
        by_key = {k: _loss_names(v) for k, v in value.items.items()}
        return None if any(i is None for i in by_key.values()) else by_key
    return None


def _flat_items(value: Value, with_index: bool = False):
    """Items of a call argument: the value itself, or a list/tuple/dict's items."""
    if isinstance(value, SeqV):
        for i, item in enumerate(value.items):
            if isinstance(item, SeqV):
                for sub in item.items:
                    yield (sub, None) if with_index else sub
            else:
                yield (item, i) if with_index else item
    elif isinstance(value, DictV):
        for item in value.items.values():
            yield (item, None) if with_index else item
    else:
        yield (value, 0) if with_index else value


def _key_code(key: Any) -> str:
    """A dict key as users write it (``"image"``, not ``'image'``)."""
    if isinstance(key, str) and '"' not in key and "\\" not in key:
        return f'"{key}"'
    return repr(key)


def _dict_entries(value: Value, expr: cst.CSTNode) -> Optional[list[tuple[Value, Any, Optional[cst.CSTNode]]]]:
    """(item, key, value expression in a dict literal or None) of a dict value."""
    if not isinstance(value, DictV):
        return None
    literal: dict[Any, cst.CSTNode] = {}
    if isinstance(expr, cst.Dict):
        for el in expr.elements:
            if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString):
                try:
                    literal[ast.literal_eval(el.key.value)] = el.value
                except (ValueError, SyntaxError):
                    pass
    return [(item, key, literal.get(key)) for key, item in value.items.items()]


def _literal_elements(expr: cst.CSTNode) -> Optional[list[cst.CSTNode]]:
    if isinstance(expr, (cst.List, cst.Tuple)) and not any(
        isinstance(el, cst.StarredElement) for el in expr.elements
    ):
        return [el.value for el in expr.elements]
    return None


def _has_graph_value(value: Value) -> bool:
    return any(
        isinstance(item, (TensorV, LayerV, UnionV, LayerOfModelV)) for item in _flat_items(value)
    )


def _merge_envs(envs: list[dict[str, Value]]) -> dict[str, Value]:
    if len(envs) == 1:
        return envs[0]
    merged: dict[str, Value] = {}
    names = set().union(*envs)
    for name in names:
        values = [env[name] for env in envs if name in env]
        first = values[0]
        if all(v is first for v in values):
            merged[name] = first
        else:
            merged[name] = union(values)
    return merged


def _string_const(node: cst.SimpleString) -> Value:
    """The value of a string literal; cheap for the common plain strings."""
    value = node.value
    prefix = node.prefix.lower()
    if "b" not in prefix:
        quote = node.quote
        body = value[len(prefix) + len(quote): len(value) - len(quote)]
        if "\\" not in body or "r" in prefix:
            return Const(body)
    try:
        return Const(node.evaluated_value)
    except Exception:
        return UNKNOWN


def _creates_weights(cls: ClassV) -> bool:
    """A Keras layer subclass that owns weights: its ``__init__`` or ``build``
    calls ``add_weight`` or creates a built-in weighted layer."""
    for method_name in ("__init__", "build"):
        method = cls.members.get(method_name)
        if not isinstance(method, FuncV) or not isinstance(method.node, cst.FunctionDef):
            continue
        for node in iter_nodes(method.node.body, skip=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            if not isinstance(node, cst.Call):
                continue
            func = node.func
            last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
            if last == "add_weight" or last in catalogue.WEIGHTED_LAYERS:
                return True
    return False


_RAISES_CONTEXTS = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})


def _expects_error(expr: cst.BaseExpression) -> bool:
    """``pytest.raises(E)``, ``self.assertRaisesRegex(E, "...")``..."""
    if not isinstance(expr, cst.Call):
        return False
    func = expr.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
    return name in _RAISES_CONTEXTS


def _module_ctx(func: FuncV, default: SourceContext) -> SourceContext:
    """The file a function's code is in (its module frame's)."""
    closure = func.closure
    module = closure.module if closure is not None else None
    return module.ctx if module is not None and module.ctx is not None else default


def _package_directory(path: Optional[str]) -> Optional[str]:
    """The directory a module's submodules are in (packages only)."""
    if path is None:
        return None
    if os.path.basename(path) == "__init__.py":
        return os.path.dirname(path)
    if os.path.isdir(path):
        return path  # a namespace package
    return None


def _decorator_names(func: cst.FunctionDef) -> set[str]:
    names = set()
    for dec in func.decorators:
        d = dec.decorator
        if isinstance(d, cst.Name):
            names.add(d.value)
        elif isinstance(d, cst.Attribute):
            names.add(d.attr.value)
    return names


def _is_static(func: Any) -> bool:
    return isinstance(func, cst.FunctionDef) and "staticmethod" in _decorator_names(func)


def _is_classmethod(func: Any) -> bool:
    return isinstance(func, cst.FunctionDef) and "classmethod" in _decorator_names(func)


def _is_test_function(node: Any) -> bool:
    return isinstance(node, cst.FunctionDef) and node.name.value.startswith("test")


def _dotted(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    result = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
    return result


def _star_names(params: cst.Parameters) -> list[str]:
    names = []
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


def _required_args(params: cst.Parameters) -> int:
    return sum(
        1
        for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
        if p.default is None
    )


def _body_statements(func: cst.FunctionDef):
    body = func.body
    if isinstance(body, cst.IndentedBlock):
        return body.body
    return [body]


_ASSIGNED_CACHE: dict[int, tuple[object, set[str]]] = {}


def _assigned_names(stmts) -> set[str]:
    cached = _ASSIGNED_CACHE.get(id(stmts))
    if cached is not None and cached[0] is stmts:
        return cached[1]
    names = _find_assigned(stmts)
    if len(_ASSIGNED_CACHE) > 4096:
        _ASSIGNED_CACHE.clear()
    _ASSIGNED_CACHE[id(stmts)] = (stmts, names)
    return names


def _find_assigned(stmts) -> set[str]:
    names: set[str] = set()
    for stmt in stmts:
        _assigned_in(stmt, names)
    return names


def _assigned_in(stmt: cst.CSTNode, names: set[str]) -> None:
    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    _target_names(target.target, names)
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                _target_names(small.target, names)
        return
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return
    if isinstance(stmt, cst.For):
        _target_names(stmt.target, names)
    for part in (getattr(stmt, "body", None), getattr(stmt, "orelse", None), getattr(stmt, "finalbody", None)):
        if part is None:
            continue
        if isinstance(part, cst.If):
            _assigned_in(part, names)
            continue
        inner = getattr(part, "body", None)
        if isinstance(inner, cst.IndentedBlock):
            inner = inner.body
        if isinstance(inner, (list, tuple)):
            for s2 in inner:
                _assigned_in(s2, names)
    for handler in getattr(stmt, "handlers", ()) or ():
        for s2 in handler.body.body:
            _assigned_in(s2, names)
    for case in getattr(stmt, "cases", ()) or ():
        for s2 in case.body.body:
            _assigned_in(s2, names)


def _target_names(target: cst.CSTNode, names: set[str]) -> None:
    if isinstance(target, cst.Name):
        names.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            _target_names(el.value, names)
    elif isinstance(target, cst.StarredElement):
        _target_names(target.value, names)


def _called_function_names(module: cst.Module, text: str) -> set[str]:
    """Names of functions defined in the module that are called somewhere.

    A text scan (``name(`` not preceded by ``def`` or ``.``) is enough here and
    much cheaper than walking the tree.
    """
    names: set[str] = set()
    for stmt in module.body:
        _collect_def_names(stmt, names)
    called: set[str] = set()
    for match in _CALL_PATTERN.finditer(text):
        name = match.group(2)
        if name in names and match.group(1) is None:
            called.add(name)
    return called


_CALL_PATTERN = re.compile(r"(def\s+)?(?<![\w.])([A-Za-z_]\w*)\s*\(")


def _collect_def_names(stmt: cst.CSTNode, names: set[str]) -> None:
    if isinstance(stmt, cst.FunctionDef):
        names.add(stmt.name.value)
        body = stmt.body
        if isinstance(body, cst.IndentedBlock):
            for inner in body.body:
                _collect_def_names(inner, names)
    elif isinstance(stmt, (cst.If, cst.ClassDef, cst.With, cst.For, cst.While, cst.Try)):
        body = stmt.body
        if isinstance(body, cst.IndentedBlock):
            for inner in body.body:
                _collect_def_names(inner, names)


_COMPOUND: dict[type[cst.CSTNode], Callable[..., None]] = {
    cst.If: Interpreter.exec_if,
    cst.For: Interpreter.exec_for,
    cst.While: Interpreter.exec_while,
    cst.Try: Interpreter.exec_try,
    cst.TryStar: Interpreter.exec_try,
    cst.With: Interpreter.exec_with,
    cst.FunctionDef: Interpreter.exec_funcdef,
    cst.ClassDef: Interpreter.exec_classdef,
    cst.Match: Interpreter.exec_match,
}

_EVAL: dict[type[cst.CSTNode], Callable[..., Value]] = {
    cst.Ellipsis: lambda self, node, frame: Const(...),
    cst.Name: Interpreter.eval_name,
    cst.Attribute: Interpreter.eval_attribute,
    cst.Call: Interpreter.eval_call,
    cst.Subscript: Interpreter.eval_subscript,
    cst.List: Interpreter.eval_sequence,
    cst.Tuple: Interpreter.eval_sequence,
    cst.Set: Interpreter.eval_set,
    cst.Dict: Interpreter.eval_dict,
    cst.ListComp: Interpreter.eval_comprehension,
    cst.GeneratorExp: Interpreter.eval_comprehension,
    cst.SetComp: Interpreter.eval_comprehension,
    cst.DictComp: Interpreter.eval_comprehension,
    cst.Lambda: Interpreter.eval_lambda,
    cst.SimpleString: Interpreter.eval_string,
    cst.ConcatenatedString: Interpreter.eval_string,
    cst.FormattedString: Interpreter.eval_string,
    cst.Integer: Interpreter.eval_number,
    cst.Float: Interpreter.eval_number,
    cst.Imaginary: Interpreter.eval_number,
    cst.BinaryOperation: Interpreter.eval_binary,
    cst.UnaryOperation: Interpreter.eval_unary,
    cst.BooleanOperation: Interpreter.eval_boolean,
    cst.Comparison: Interpreter.eval_compare,
    cst.IfExp: Interpreter.eval_ifexp,
    cst.NamedExpr: Interpreter.eval_named,
    cst.Await: Interpreter.eval_await,
    cst.Yield: Interpreter.eval_yield,
}
