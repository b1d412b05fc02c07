"""The state every part of the interpreter shares, and the methods each part offers the others."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, AbstractSet, Any, Iterable, Iterator, Optional, Union

import libcst as cst

from kgraphlint import graph
from kgraphlint.graph import Facts
from kgraphlint.static.source import SourceContext
from kgraphlint.vocab.families import runs_as_keras2
from kgraphlint.static.values import (
    BoundMethod,
    ClassV,
    Ref,
    FuncV,
    ModuleV,
    Value,
)
from kgraphlint.static.keras_values import LayerV, TensorV
from kgraphlint.static.frames import Frame, short_code
from kgraphlint.static.training import TrainingEvents

if TYPE_CHECKING:
    from kgraphlint.static.modules import ModuleLoader


class InterpreterState:
    """What one run of the interpreter over a file knows so far."""

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
        # The calls in the checked file through which the code of another
        # module is being interpreted (outermost first), and the sites made
        # for them (see ``site``).
        self.entry_calls: list[graph.Site] = []
        self._via_sites: dict[tuple[int, int], graph.Site] = {}
        # Nested loops / uncertain regions (branches with an unknown test,
        # loops of unknown length, try/except).
        self.loop_depth = 0
        # Product of the pass counts of the exact loops being run (see
        # ``frames.MAX_LONG_LOOP_PASSES``).
        self.exact_passes = 1
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
        # Fits, compiles and trainable changes in program order (KG501's facts).
        self.training = TrainingEvents(self, ctx.text)
        # The checked file's module frame (set when the run starts).
        self.module_frame: Optional[Frame] = None

    @contextmanager
    def iterating(self, passes: int, exact: bool, certain: bool) -> Iterator[None]:
        """While a loop or a comprehension runs ``passes`` passes: an exact one
        counts in ``exact_passes``, one that may not run (or not as often) is
        an uncertain region."""
        outer_passes = self.exact_passes
        if exact:
            self.exact_passes = outer_passes * max(passes, 1)
        if not certain:
            self.uncertain += 1
        try:
            yield
        finally:
            self.exact_passes = outer_passes
            if not certain:
                self.uncertain -= 1

    def site(self, node: cst.CSTNode) -> graph.Site:
        site = self.ctx.site(node)
        if self.ctx is self.root_ctx or not self.entry_calls:
            return site
        # In a helper of another module, called from the checked file: the
        # site remembers that call.
        call = self.entry_calls[0]
        key = (id(site), id(call))
        via = self._via_sites.get(key)
        if via is None:
            via = self._via_sites[key] = site.reached_via(call)
        return via

    def code(self, node: cst.CSTNode) -> str:
        return short_code(node, self.ctx)

    def current_scope(self) -> Optional[int]:
        """The function being interpreted (None: the module body)."""
        return id(self.inline_stack[-1]) if self.inline_stack else None

    # ------------------------------------------------------------------
    # What the generic parts offer each other and the Keras semantics
    # (defined in statements, expressions, calls, module_imports, builders).

    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame, value_node: Optional[cst.CSTNode]) -> None:
        raise NotImplementedError

    def bind(self, frame: Frame, name: str, value: Value) -> None:
        raise NotImplementedError

    def exec_block(self, stmts: Iterable[cst.CSTNode], frame: Frame) -> None:
        raise NotImplementedError

    def iteration(self, value: Value) -> tuple[list[Value], bool, bool]:
        raise NotImplementedError

    def attribute(self, base: Value, name: str, node: cst.CSTNode) -> Value:
        raise NotImplementedError

    def binop(self, left: Value, op, right: Value, node) -> Value:
        raise NotImplementedError

    def eval(self, node: Optional[cst.BaseExpression], frame: Frame) -> Value:
        raise NotImplementedError

    def eval_used(self, node: cst.BaseExpression, frame: Frame) -> Value:
        raise NotImplementedError

    def mark_args_used(self, args, kwargs) -> None:
        raise NotImplementedError

    def mark_used(self, value: Value, _seen: Optional[set[int]] = None) -> None:
        raise NotImplementedError

    def next_branch_point(self) -> int:
        raise NotImplementedError

    def subscript_key(self, node: cst.Subscript, frame: Frame) -> Value:
        raise NotImplementedError

    def call(self, func, args, kwargs, node, frame, star_unknown=False) -> Value:
        raise NotImplementedError

    def exec_import(self, stmt: Union[cst.Import, cst.ImportFrom], frame: Frame) -> None:
        raise NotImplementedError

    def module_attribute(self, module: ModuleV, name: str) -> Optional[Value]:
        raise NotImplementedError

    def run_standalone(self, func: FuncV) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------
    # The Keras semantics interface the generic parts call (defined, and
    # documented, in keras_semantics).

    def call_library(self, ref: Ref, args, kwargs, node, star_unknown: bool = False) -> Value:
        raise NotImplementedError

    def call_library_method(self, bm: BoundMethod, args, kwargs, node) -> Optional[Value]:
        raise NotImplementedError

    def call_library_value(self, func: Value, args, kwargs, node) -> Optional[Value]:
        raise NotImplementedError

    def configures_library_value(self, base: Value, name: str) -> bool:
        raise NotImplementedError

    def define_library_class(self, cls: ClassV, bases: list[Value]) -> None:
        raise NotImplementedError

    def instantiate_library_class(self, cls: ClassV, args, kwargs, node) -> Value:
        raise NotImplementedError

    def is_library_sequence(self, value: Value) -> bool:
        raise NotImplementedError

    def iterate_library_value(self, value: Value) -> Optional[tuple[list[Value], bool, bool]]:
        raise NotImplementedError

    def library_attribute(self, base: Value, name: str, node: cst.CSTNode) -> Optional[Value]:
        raise NotImplementedError

    def library_base(self, bases: list[Value]) -> Optional[str]:
        raise NotImplementedError

    def library_operation(self, name: str, operands: list[Value], node) -> Value:
        raise NotImplementedError

    def library_star_names(self, module: str) -> AbstractSet[str]:
        raise NotImplementedError

    def library_subscript(self, base: Value, key: Value, node: cst.CSTNode) -> Optional[Value]:
        raise NotImplementedError

    def library_super(self, owner: ClassV) -> Value:
        raise NotImplementedError

    def name_library_value(self, value: Value, name: str) -> None:
        raise NotImplementedError

    def note_read(self, value: Value) -> None:
        raise NotImplementedError

    def store_library_attribute(self, obj: Value, name: str, value: Value, target: cst.Attribute) -> bool:
        raise NotImplementedError

    def unpack_library_value(self, value: Value, count: int) -> Optional[list[Value]]:
        raise NotImplementedError

    def tick(self) -> int:
        raise NotImplementedError

    def layer_owner(self, layer: graph.Layer) -> Optional[graph.Model]:
        raise NotImplementedError

    def identify_unknown(self, name: str, frame: Frame) -> Optional[Value]:
        raise NotImplementedError

    def fork_paths(self) -> Any:
        raise NotImplementedError

    def restore_path(self, state: Any) -> None:
        raise NotImplementedError

    def join_paths(self, states: list[Any]) -> None:
        raise NotImplementedError

    def enter_arm(self) -> None:
        raise NotImplementedError

    def leave_arm(self) -> None:
        raise NotImplementedError

    def enter_call(self, node: cst.CSTNode, name: str) -> None:
        raise NotImplementedError

    def leave_call(self) -> None:
        raise NotImplementedError

    def isolate_calls(self) -> Any:
        raise NotImplementedError

    def restore_calls(self, saved: Any) -> None:
        raise NotImplementedError

    def start_call(self) -> Any:
        raise NotImplementedError

    def finish_call(self, started: Any, result: Value) -> None:
        raise NotImplementedError
