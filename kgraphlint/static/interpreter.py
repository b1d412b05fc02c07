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

How it is put together: one class made of parts, one job each, that share the
state of :class:`state.InterpreterState` (which also declares the methods the
parts call across modules):

- generic Python: :mod:`statements`, :mod:`expressions`, :mod:`calls`,
  :mod:`module_imports` (the project's own modules), :mod:`builders` (which
  functions are entry points, and which build a model for the tracer);
- Keras semantics: :mod:`keras_semantics` is the small interface the generic
  parts call wherever a value may be Keras's business; the work is done in
  :mod:`keras_models` and :mod:`keras_layers`;
- helpers: :mod:`frames`, :mod:`syntax`, :mod:`value_ops`; values in
  :mod:`values` (generic) and :mod:`keras_values`.
"""

from __future__ import annotations

import libcst as cst

from kgraphlint.graph import Facts
from kgraphlint.static.builders import BuildersMixin
from kgraphlint.static.calls import CallsMixin
from kgraphlint.static.expressions import ExpressionsMixin
from kgraphlint.static.frames import Frame
from kgraphlint.static.keras_semantics import KerasSemanticsMixin
from kgraphlint.static.module_imports import ImportsMixin
from kgraphlint.static.statements import StatementsMixin
from kgraphlint.static.syntax import _called_function_names
from kgraphlint.static.values import Const


class Interpreter(StatementsMixin, ExpressionsMixin, CallsMixin, ImportsMixin, BuildersMixin, KerasSemanticsMixin):
    """Abstract interpretation of one file (and the project modules it imports)."""

    def run(self, module: cst.Module) -> Facts:
        """Interpret the module, then the functions it defines that nobody calls."""
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
