"""Calls of generic Python values: functions inlined with abstract arguments, builtins, methods of lists and dicts."""

from __future__ import annotations

import builtins

import libcst as cst

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
    PartialV,
    Ref,
    SeqV,
    UnionV,
    Value,
    union,
)
from kgraphlint.static.constant_folding import fold_math_call, fold_str_method
from kgraphlint.static.state import InterpreterState
from kgraphlint.static.frames import Frame, MAX_INLINE_DEPTH, STEP_BUDGET, _module_ctx
from kgraphlint.static.syntax import _all_params, _body_statements, _is_classmethod, _is_static
from kgraphlint.static.value_ops import _all_args, _all_const, _is_data


class CallsMixin(InterpreterState):
    """Calls of generic Python values: functions inlined with abstract arguments, builtins, methods of lists and dicts."""

    def call(self, func, args, kwargs, node, frame, star_unknown=False) -> Value:
        called = self.call_library_value(func, args, kwargs, node)
        if called is not None:
            return called
        if isinstance(func, UnionV):
            for o in func.options:
                self.mark_used(o)
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
            if func.library_base is not None:
                return self.instantiate_library_class(func, args, kwargs, node)
            return self.instantiate(func, args, kwargs, node)
        if isinstance(func, InstanceV):
            # ``MLPStack([64, 32])(x)``: a plain object called runs its
            # class's ``__call__``.
            if isinstance(func.cls.member("__call__"), FuncV):
                return self.call_method(BoundMethod(func, "__call__"), args, kwargs, node, frame)
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, node, frame)
        if isinstance(func, PartialV):
            return self.call(func.func, list(func.args) + list(args), {**func.kwargs, **kwargs}, node, frame)
        self.mark_args_used(args, kwargs)
        if isinstance(func, EagerData) and all(_is_data(v) for v, _ in _all_args(args, kwargs)):
            return EAGER  # a method of an array, on data
        return UNKNOWN

    def instantiate(self, cls: ClassV, args, kwargs, node) -> Value:
        """``Builder(16)`` for a plain class of the program: its ``__init__``
        (inherited from a plain base, or made by ``@dataclass``) runs on the
        new instance."""
        instance = InstanceV(cls)
        init = cls.member("__init__")
        if isinstance(init, FuncV):
            self.call_function(init, [(instance, node)] + list(args), kwargs, node)
        elif cls.dataclass_fields is not None and init is None:
            self.bind_dataclass_fields(instance, cls.dataclass_fields, args, kwargs, node)
        elif (args or kwargs) or cls.opaque_bases:
            # Built by an ``__init__`` the engine does not see.
            instance.opaque = True
        return instance

    def bind_dataclass_fields(self, instance: InstanceV, fields, args, kwargs, node) -> None:
        names = [name for name, _ in fields]
        values = dict(fields)
        if len(args) > len(names) or any(key not in values for key in kwargs):
            instance.opaque = True  # a TypeError at run time: nothing to know
            return
        for (value, _), name in zip(args, names):
            values[name] = value
        for key, (value, _) in kwargs.items():
            values[key] = value
        instance.attrs.update(values)
        post_init = instance.cls.member("__post_init__")
        if isinstance(post_init, FuncV):
            self.call_function(post_init, [(instance, node)], {}, node)

    def call_ref(self, ref: Ref, args, kwargs, node, frame, star_unknown: bool = False) -> Value:
        path = ref.path
        if path.startswith("builtins."):
            return self.call_builtin(path[9:], args, kwargs, node, frame)
        folded = fold_math_call(path, [a for a, _ in args], {k: v for k, (v, _) in kwargs.items()})
        if folded is not None:
            return folded
        if path == "functools.partial" and args:
            # ``Conv3x3 = partial(layers.Conv2D, 32, 3, padding="same")``
            return PartialV(args[0][0], list(args[1:]), dict(kwargs))
        return self.call_library(ref, args, kwargs, node, star_unknown)

    def call_method(self, bm: BoundMethod, args, kwargs, node, frame) -> Value:
        called = self.call_library_method(bm, args, kwargs, node)
        if called is not None:
            return called
        obj, name = bm.obj, bm.name
        if isinstance(obj, SeqV):
            return self.list_method(obj, name, args, kwargs)
        if isinstance(obj, DictV):
            return self.dict_method(obj, name, args, kwargs)
        if isinstance(obj, InstanceV):
            method = obj.cls.member(name)
            if isinstance(method, FuncV):
                if _is_static(method.node):
                    return self.call_function(method, args, kwargs, node)
                first = obj.cls if _is_classmethod(method.node) else obj
                return self.call_function(method, [(first, node)] + list(args), kwargs, node)
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        self.mark_args_used(args, kwargs)
        if isinstance(obj, Const) and isinstance(obj.value, str):
            # ``f"{m.lower()}_{c2}"``, ``"{}_bn".format(name)``: names stay known.
            folded = fold_str_method(obj.value, name, [a for a, _ in args], {k: v for k, (v, _) in kwargs.items()})
            if folded is not None:
                return folded
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

    def call_function(self, func: FuncV, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        if (
            len(self.inline_stack) >= MAX_INLINE_DEPTH
            or func.node in self.inline_stack
            or self.steps > STEP_BUDGET
        ):
            return UNKNOWN
        saved_ctx = self.ctx
        self.enter_call(node, func.name)
        self.ctx = _module_ctx(func, saved_ctx)
        # Entering another module's code from the checked file's: remember
        # the call (findings in the helper name it as a related location).
        enters = saved_ctx is self.root_ctx and self.ctx is not saved_ctx and isinstance(node, cst.CSTNode)
        if enters:
            self.entry_calls.append(self.root_ctx.site(node))
        try:
            return self._call_function(func, args, kwargs, node)
        finally:
            self.ctx = saved_ctx
            if enters:
                self.entry_calls.pop()
            self.leave_call()

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
                library = self.iterate_library_value(v)
                if library is not None and library[1] and len(library[0]) == 1:
                    # ``enumerate(base.layers[-20:])``: one pass stands for every element.
                    return SeqV([SeqV([UNKNOWN, library[0][0]], exact=True, is_tuple=True)], exact=True)
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
                if self.is_library_sequence(v):
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
                if isinstance(owner, ClassV):
                    return self.library_super(owner)
                return UNKNOWN
        except Exception:
            return UNKNOWN
        return UNKNOWN
