"""The state every part of the interpreter shares, and the methods each part offers the others."""

from __future__ import annotations


from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

import libcst as cst

from kgraphlint import graph
from kgraphlint.graph import Facts
from kgraphlint.static.source import SourceContext
from kgraphlint.vocab.families import runs_as_keras2
from kgraphlint.static.values import (
    FuncV,
    LayerV,
    ModelV,
    ModuleV,
    TensorV,
    Value,
)
from kgraphlint.static.frames import Frame, short_code

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
        # The checked file's module frame (set when the run starts).
        self.module_frame: Optional[Frame] = None

    def site(self, node: cst.CSTNode) -> graph.Site:
        return self.ctx.site(node)

    def code(self, node: cst.CSTNode) -> str:
        return short_code(node, self.ctx)

    def current_scope(self) -> Optional[int]:
        """The function being interpreted (None: the module body)."""
        return id(self.inline_stack[-1]) if self.inline_stack else None

    # Methods the parts call across modules (defined by the mixin named in
    # :class:`kgraphlint.static.interpreter.Interpreter`).

    def run_standalone(self, func: FuncV) -> None:
        raise NotImplementedError

    def call(self, func, args, kwargs, node, frame, star_unknown=False) -> Value:
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

    def apply_node(
        self, layer: graph.Layer, tensors: list[graph.Tensor], opaque: bool, node, *,
        n_outputs: int = 1, data_input: bool = False,
    ) -> Value:
        raise NotImplementedError

    def as_tensor(self, value: Value, expr: cst.CSTNode, role: str) -> Optional[graph.Tensor]:
        raise NotImplementedError

    def call_layer(self, lv: LayerV, args, kwargs, node) -> Value:
        raise NotImplementedError

    def call_merge(self, name: str, args, kwargs, node, star_unknown: bool = False) -> Value:
        raise NotImplementedError

    def call_op(self, path: str, args, kwargs, node) -> Value:
        raise NotImplementedError

    def call_shapes(self, layer: graph.Layer, tensors: list[graph.Tensor]) -> Optional[list[Optional[graph.Shape]]]:
        raise NotImplementedError

    def check_backend_call(self, node: cst.Call, args, kwargs) -> None:
        raise NotImplementedError

    def create_layer(self, class_name: str, args, kwargs, node, star_unknown: bool = False) -> Value:
        raise NotImplementedError

    def input_tensors(self, value: Value, expr: cst.CSTNode, role: str) -> tuple[list[graph.Tensor], bool]:
        raise NotImplementedError

    def kind_event(
        self, code: str, expr: cst.CSTNode, value: Value, *, role: str, value_kind: str,
        what_expr: Optional[cst.CSTNode] = None,
    ) -> None:
        raise NotImplementedError

    def layer_attribute(self, lv: LayerV, name: str, node: cst.CSTNode) -> Value:
        raise NotImplementedError

    def layer_of_model(self, mv: ModelV, index: Any, node: cst.CSTNode) -> Value:
        raise NotImplementedError

    def new_layer(self, class_name, node, kwargs, *, weighted, is_input_layer=False) -> LayerV:
        raise NotImplementedError

    def new_tensor(self, site, *, is_input=False, producer=None, alternatives=(), opaque=False, symbolic=False) -> TensorV:
        raise NotImplementedError

    def operand_tensor(self, value: Value, node) -> Optional[TensorV]:
        raise NotImplementedError

    def set_shape(self, tensor: graph.Tensor, shape: Optional[graph.Shape]) -> None:
        raise NotImplementedError

    def tensor_op(self, name: str, operands: list[TensorV], node, *, opaque: bool) -> Value:
        raise NotImplementedError

    def tensor_value(self, fact: graph.Tensor) -> TensorV:
        raise NotImplementedError

    def _mark_caller(self, marks: set[int]) -> None:
        raise NotImplementedError

    def call_model(self, mv: ModelV, args, kwargs, node) -> Value:
        raise NotImplementedError

    def create_application(self, name: str, args, kwargs, node, star_unknown: bool = False) -> Value:
        raise NotImplementedError

    def create_functional(self, args, kwargs, node) -> Value:
        raise NotImplementedError

    def create_sequential(self, args, kwargs, node) -> Value:
        raise NotImplementedError

    def model_attribute(self, mv: ModelV, name: str, node: cst.CSTNode) -> Value:
        raise NotImplementedError

    def model_method(self, mv: ModelV, name: str, args, kwargs, node) -> Value:
        raise NotImplementedError

    def new_model(self, model: graph.Model) -> ModelV:
        raise NotImplementedError

    def note_model_read(self, value: Value) -> None:
        raise NotImplementedError

    def set_trainable(self, target: Value, value: Value) -> None:
        raise NotImplementedError

    def exec_import(self, stmt: Union[cst.Import, cst.ImportFrom], frame: Frame) -> None:
        raise NotImplementedError

    def module_attribute(self, module: ModuleV, name: str) -> Optional[Value]:
        raise NotImplementedError

    def assign(self, target: cst.BaseExpression, value: Value, frame: Frame, value_node: Optional[cst.CSTNode]) -> None:
        raise NotImplementedError

    def bind(self, frame: Frame, name: str, value: Value) -> None:
        raise NotImplementedError

    def exec_block(self, stmts: Iterable[cst.CSTNode], frame: Frame) -> None:
        raise NotImplementedError

    def iteration(self, value: Value) -> tuple[list[Value], bool, bool]:
        raise NotImplementedError
