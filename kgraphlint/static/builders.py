"""Builder discovery: functions nobody in the file calls are run on their own; the tracer is told which ones build a model."""

from __future__ import annotations

import os

import libcst as cst

from kgraphlint.static.values import (
    UNKNOWN,
    ClassV,
    FuncV,
    InstanceV,
)
from kgraphlint.static.state import InterpreterState
from kgraphlint.static.frames import Frame, _module_ctx
from kgraphlint.static.syntax import _all_params, _body_statements, _is_classmethod, _is_static, _required_args, _star_names


class BuildersMixin(InterpreterState):
    """Builder discovery: functions nobody in the file calls are run on their own; the tracer is told which ones build a model."""

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
        # Run on its own: what happens in it happens under no call.
        calls = self.isolate_calls()
        try:
            self.exec_block(_body_statements(func.node), frame)
        finally:
            self.inline_stack.pop()
            self.restore_calls(calls)
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
        if not positional or owner.library_base is not None or _is_static(func.node):
            return
        first = positional[0].name.value
        if _is_classmethod(func.node):
            frame.env[first] = owner
            return
        frame.env[first] = self.standalone_instance(owner)

    def standalone_instance(self, cls: ClassV) -> InstanceV:
        if cls.standalone is None:
            cls.standalone = InstanceV(cls)
            init = cls.member("__init__")
            if isinstance(init, FuncV) and id(init.node) not in self.interpreted_functions:
                self.run_standalone(init)
            elif cls.dataclass_fields is not None:
                # Any instance: its fields are whatever a caller passes.
                cls.standalone.attrs.update({name: UNKNOWN for name, _ in cls.dataclass_fields})
            elif cls.opaque_bases:
                cls.standalone.opaque = True
        return cls.standalone

    def _record_builders(self, module: cst.Module) -> None:
        for stmt in module.body:
            if isinstance(stmt, cst.FunctionDef) and id(stmt) in self.builder_nodes:
                if id(stmt) in self.trainer_nodes:
                    continue
                self.facts.builders.append((stmt.name.value, _required_args(stmt.params)))
