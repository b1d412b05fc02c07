"""The shared fact model: what both engines know about the models a file builds.

The static engine (libcst, never runs code) and the runtime tracer (real Keras)
both describe what they saw with these classes, and every graph rule is written
once against them.  Facts are plain objects with identity (``eq=False``): two
``Dense(10)`` layers are two facts even when they look alike.

Precision contract: an engine that cannot pin a value down says so (``opaque``
tensors, ``None`` lists, ``None`` flags).  Rules treat "unknown" as "fine".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Iterable, Iterator, Optional

from kgraphlint.vocab.layer_kinds import RANK_PRESERVING

# A tensor shape, batch axis first; None for a dimension that is not known.
Shape = tuple[Optional[int], ...]


class Site:
    """A place in a source file.  Positions may be resolved lazily.

    The static engine creates sites for thousands of expressions but reports a
    handful; computing line/column for a libcst node is costly, so a site may
    carry a ``resolver`` that returns ``(line, column, end_line, end_column)``
    (1-based) on first use.
    """

    __slots__ = ("path", "_pos", "_resolver", "via")

    def __init__(
        self,
        path: str,
        line: int = 0,
        column: int = 1,
        end_line: Optional[int] = None,
        end_column: Optional[int] = None,
        *,
        resolver: Optional[Callable[[], tuple[int, int, int, int]]] = None,
    ) -> None:
        self.path = path
        self._resolver = resolver
        self._pos: Optional[tuple[int, int, int, int]] = None
        # For a place in another module than the checked file: the call in
        # the checked file whose code reached it (reports show it as a
        # related location, so the user sees which of their lines is
        # involved).
        self.via: Optional["Site"] = None
        if resolver is None:
            self._pos = (
                line,
                column,
                end_line if end_line is not None else line,
                end_column if end_column is not None else column,
            )

    def _position(self) -> tuple[int, int, int, int]:
        if self._pos is None:
            assert self._resolver is not None
            self._pos = self._resolver()
            self._resolver = None
        return self._pos

    @property
    def line(self) -> int:
        return self._position()[0]

    @property
    def column(self) -> int:
        return self._position()[1]

    @property
    def end_line(self) -> int:
        return self._position()[2]

    @property
    def end_column(self) -> int:
        return self._position()[3]

    def key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.column)

    def reached_via(self, call: "Site") -> "Site":
        """This place, as reached through ``call`` (a new site: one place
        of a helper module may be reached from many calls)."""
        site = Site(self.path, resolver=self._position)
        site.via = call
        return site

    def __repr__(self) -> str:
        return f"Site({self.path}:{self.line}:{self.column})"


@dataclass(eq=False)
class Layer:
    """One layer *instance* (a model used as a layer is a Layer too)."""

    class_name: str
    created_at: Optional[Site] = None
    name: Optional[str] = None  # explicit ``name=`` when it is a constant
    label: Optional[str] = None  # source name, e.g. ``dense`` or ``Dense(10)``
    # True for Dense/Conv/..., False for Dropout/Add/..., None when unknown
    # (custom layers): sharing rules only fire on True.
    weighted: Optional[bool] = None
    # Created inside keras itself (e.g. the layers of keras.applications.X):
    # never reported on, but user wiring around them is.
    library_made: bool = False
    # Set when this "layer" is a whole model called on tensors.
    model: Optional["Model"] = None
    # Static engine only: the layer was called, added, wrapped, stored, passed
    # or returned somewhere.  None when the engine cannot tell (trace).
    used: Optional[bool] = None
    nodes: list["Node"] = field(default_factory=list)
    # Constructor arguments that were pinned down, by parameter name (plain
    # Python values; ``kgraphlint.static.shapes.UNPINNED`` for one given but
    # not pinned down; a wrapped layer as a ``shapes.LayerSpec``).  None when
    # nothing is known (``**kwargs`` of unknown content, custom layers).
    config: Optional[dict[str, Any]] = None
    # Static engine only: the arms of ``if``/``elif``/``else`` (and ``match``)
    # the creation ran in, as (branch point, arm) pairs.  Two layers created
    # in different arms of one branch point are never both built.
    branch_path: tuple[tuple[int, int], ...] = ()
    # Static engine only: the calls of the program's functions in progress
    # when the layer was created, outermost first.  Two layers created on one
    # line of a helper differ by these (``block(x, "b2")`` called twice).
    calls: tuple[Site, ...] = ()

    def display(self) -> str:
        return self.label or self.name or self.class_name


def diverging_calls(a: Layer, b: Layer) -> Optional[tuple[Site, Site]]:
    """The calls through which ``a`` and ``b``, created at the same place,
    came to be created: the first pair of their call stacks that differs
    (None when the stacks do not tell them apart)."""
    for call_a, call_b in zip(a.calls, b.calls):
        if call_a.key() != call_b.key():
            return call_a, call_b
    return None


def mutually_exclusive(a: Layer, b: Layer) -> bool:
    """True when ``a`` and ``b`` were created in different arms of the same
    ``if``/``else``: one run of the program builds at most one of them."""
    arms = dict(a.branch_path)
    return any(point in arms and arms[point] != arm for point, arm in b.branch_path)


@dataclass(eq=False)
class Tensor:
    """A symbolic tensor: an Input, the output of a layer call, or a merge point.

    Exactly one of these describes where it comes from:
    - ``is_input``: an ``Input`` tensor (graph root);
    - ``producer``: the layer call (Node) that computed it;
    - ``alternatives``: one of several tensors, chosen by control flow the
      engine could not decide (``if``/``else``);
    - ``opaque``: the engine does not know (never a reason to report).
    """

    site: Optional[Site] = None
    label: Optional[str] = None
    is_input: bool = False
    producer: Optional["Node"] = None
    alternatives: tuple["Tensor", ...] = ()
    opaque: bool = False
    # When obtained as ``some_model.input`` / ``.output``: that model.
    owner_model: Optional["Model"] = None
    library_made: bool = False
    # Rank when known (4 for a CNN feature map); KG503 uses it.
    rank: Optional[int] = None
    # Shape when known (``(None, 28, 28)``): None = rank unknown, a None
    # dimension = that dimension unknown.  The KG6xx rules use it.
    shape: Optional[Shape] = None
    # The output of a keras.applications backbone without top/pooling (its
    # own output; see feature_map_source for what is derived from it).
    feature_map_of: Optional["Model"] = None
    # Static engine only: the tensor was consumed, returned, stored or passed.
    used: Optional[bool] = None

    def display(self) -> str:
        return self.label or "tensor"


@dataclass(eq=False)
class Node:
    """One call of a layer on tensors: ``outputs = layer(inputs)``."""

    layer: Layer
    inputs: list[Tensor]
    outputs: list[Tensor] = field(default_factory=list)
    called_at: Optional[Site] = None
    # True when an argument could not be pinned down: the node may depend on
    # more than ``inputs`` shows.
    has_opaque_inputs: bool = False
    # False when the static engine sees the call's inputs are not symbolic
    # Keras tensors (a layer applied to NumPy data or eager tensors, as in a
    # sampling loop): it runs eagerly and builds no graph.
    on_graph: bool = True
    # Keyword arguments of the call other than ``training``/``mask`` (static
    # engine): ``embedding(x, reverse=True)`` uses the layer in another mode.
    mode_keywords: frozenset[str] = frozenset()


@dataclass(eq=False)
class Model:
    """A model object.  ``inputs``/``outputs`` are None when unknown."""

    kind: str  # "functional" | "sequential" | "application" | "subclass" | "unknown"
    site: Optional[Site] = None
    label: Optional[str] = None
    inputs: Optional[list[Tensor]] = None
    outputs: Optional[list[Tensor]] = None
    # Source text of the inputs/outputs arguments, per position when known.
    input_labels: list[str] = field(default_factory=list)
    output_labels: list[str] = field(default_factory=list)
    # Sites of the expressions given as inputs/outputs (for reporting).
    input_sites: list[Optional[Site]] = field(default_factory=list)
    output_sites: list[Optional[Site]] = field(default_factory=list)
    library_made: bool = False
    # keras.applications.X: its class name and the top/pooling arguments.
    application: Optional[str] = None
    include_top: Optional[bool] = None
    pooling: Optional[str] = None
    # Layers of a sequential model / layers known to belong to this model
    # without going through the graph (e.g. an application's backbone unit).
    extra_layers: list[Layer] = field(default_factory=list)
    # What the code does with it: trained (fit, train_on_batch...) and/or
    # evaluated (evaluate, predict...).  A model only evaluated is compiled to
    # measure it, not trained separately (KG302).
    trained: bool = False
    evaluated: bool = False
    # Its class defines ``train_step``: the code, not compile(), decides which
    # weights a training step updates (a GAN updating one sub-model per step).
    custom_train_step: bool = False
    # Static engine only: when, in the order the program runs, the model was
    # built and trained (``fit``...).  A model trained only before another
    # one is built hands its weights on (greedy layer-wise pretraining).
    built_order: Optional[int] = None
    trained_orders: list[int] = field(default_factory=list)
    # ... and when the code last read it (its name, an attribute holding it).
    last_read_order: Optional[int] = None
    # keras.applications.X: the arguments that were pinned down
    # (``input_shape``, ``weights``, ``include_top``, ``classes``...).
    app_args: dict[str, Any] = field(default_factory=dict)
    # Sequential models: the calls Keras makes when it builds the model (each
    # layer on the previous one's output), as far as they are known, in
    # order.  Not in ``Facts.nodes``: the user wrote no call.  The shape rules
    # read them; ``chain_complete`` is False when the chain may miss layers.
    chain: list["Node"] = field(default_factory=list)
    chain_complete: bool = False

    def display(self) -> str:
        return self.label or "model"


@dataclass(frozen=True)
class When:
    """Where a model event happened in the run of the program.

    ``order`` is its step in the order the program runs (both engines count
    the same kinds of steps: fits, compiles, ``trainable`` changes, model
    constructions), comparable between the events of one file.
    ``branch_path`` (static engine) holds the ``if``/``else`` arms it ran in,
    as in :attr:`Layer.branch_path`: two events in different arms of one
    branch point never both happen.  ``via`` holds the calls of the checked
    file's code it happened under, outermost first, as (site of the call,
    name of the function called): ``(<site of train(model)>, "train")`` for a
    ``model.fit`` inside ``train``.  Empty when it happened in the code being
    run (a module body, a function the engine ran on its own).
    ``arm_depths`` tells, for each arm of ``branch_path``, how many of those
    calls deep it was entered: an ``if`` inside a helper, or around its call.
    """

    order: int
    branch_path: tuple[tuple[int, int], ...] = ()
    via: tuple[tuple[Site, str], ...] = ()
    arm_depths: tuple[int, ...] = ()

    def exclusive_with(self, other: "When") -> bool:
        """The two events are in different arms of one ``if``: never both run."""
        arms = dict(self.branch_path)
        return any(point in arms and arms[point] != arm for point, arm in other.branch_path)

    def runs_whenever(self, other: "When") -> bool:
        """This event is in no arm that ``other`` is not in: when ``other``
        happens, this one happened too (on the same pass through the code)."""
        return set(self.branch_path) <= set(other.branch_path)


@dataclass(eq=False)
class Compile:
    """``model.compile(...)`` and which layers were trainable at that moment.

    ``trainable`` maps each layer of the model to True/False, or None when the
    engine could not tell; ``None`` as a whole means nothing is known.
    """

    model: Model
    site: Optional[Site]
    trainable: Optional[dict[Layer, Optional[bool]]] = None
    # The ``loss=`` argument when pinned down: a Keras loss name in snake case
    # (``"categorical_crossentropy"``, also for ``CategoricalCrossentropy()``),
    # or a list / dict of them (one per output); None when unknown.
    loss: Any = None
    # When it happened, among the model events (see :class:`When`); None for
    # a compile the engine did not see happen (``check_model()``).
    when: Optional[When] = None


@dataclass(eq=False)
class Fit:
    """A call that trains ``model``: ``fit``, ``train_on_batch``, ``fit_generator``.

    ``trainable`` is the state of the model's layers at that moment, as in
    :class:`Compile`; ``model_trainable`` maps the model and the models it
    is made of (``base`` in ``Model(base.input, head(base.output))``) to their
    own ``trainable`` flag, None when unknown.
    """

    model: Model
    site: Optional[Site]
    when: When
    trainable: Optional[dict[Layer, Optional[bool]]] = None
    model_trainable: dict[Model, Optional[bool]] = field(default_factory=dict)


@dataclass(eq=False)
class TrainableChange:
    """``something.trainable = value``: the flag of layers or models set.

    ``target`` names the object in source terms (``base_model``, ``layer``);
    ``layers`` are the layers whose flag it set, as far as known (a model
    used as a layer included), ``models`` the models whose own flag it set,
    and ``layers_of`` the models some of whose layers it set without the
    engine knowing which (``for layer in base.layers[-20:]`` on a backbone
    whose layers the static engine does not list).  ``value`` is None when
    unknown.
    """

    site: Site
    when: When
    target: str
    value: Optional[bool]
    layers: list[Layer] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)
    layers_of: list[Model] = field(default_factory=list)


class Misuse(str, Enum):
    """How a value was used as the wrong kind of thing (what a KindEvent
    records; the rules decide what to make of it)."""

    # A layer object where a tensor belongs (``Model(inp, Dense(3))``).
    LAYER_AS_TENSOR = "layer-as-tensor"
    # A tensor where a layer belongs (``x(y)``, ``Sequential([x])``).
    TENSOR_AS_LAYER = "tensor-as-layer"
    # A tf/np/torch function applied to a symbolic Keras tensor.
    BACKEND_OP_ON_SYMBOLIC = "backend-op-on-symbolic"
    # TensorShape methods (``.as_list()``) on a Keras 3 tensor's shape tuple.
    TENSORSHAPE_ON_KERAS_TENSOR = "tensorshape-on-keras-tensor"


@dataclass(eq=False)
class KindEvent:
    """A value used as the wrong kind of thing (layer vs tensor, tf on symbolic).

    ``misuse`` says how; ``what`` names the value in source terms, ``role``
    says where it was used ("model output", "argument of a layer call"...),
    ``origin`` is where the value was made.
    """

    misuse: Misuse
    site: Site
    what: str
    role: str
    value_kind: str  # "layer" | "tensor" | "input-layer" | "symbolic tensor"
    origin: Optional[Site] = None
    origin_label: Optional[str] = None
    detail: str = ""


@dataclass(eq=False)
class RaisedError:
    """An exception the tracer saw while running a builder (trace only).

    ``stage`` is "build" (raised by the program) or "fit" (fit()'s first step
    rejected the data); ``layer_site`` is where the layer Keras was calling
    when it raised was created, when known (a Sequential model's build).
    Which rule explains it is the rules' business (rules/raised.py).
    """

    exc_type: str
    message: str  # its first paragraph, for reports
    site: Optional[Site]
    stage: str = "build"
    layer_site: Optional[Site] = None
    # The whole text (bounded), which the rules match their Keras messages
    # against: the words that say what went wrong may be past the first line.
    text: str = ""


@dataclass
class Facts:
    """Everything one engine learned about one file."""

    path: str
    engine: str  # "static" | "trace"
    layers: list[Layer] = field(default_factory=list)
    tensors: list[Tensor] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)
    compiles: list[Compile] = field(default_factory=list)
    # Trainings and ``trainable`` changes, in program order (KG501).
    fits: list[Fit] = field(default_factory=list)
    trainable_changes: list[TrainableChange] = field(default_factory=list)
    events: list[KindEvent] = field(default_factory=list)
    errors: list[RaisedError] = field(default_factory=list)
    # Top-level functions that build a model, with their required-arg count:
    # the tracer calls the ones that need no argument.
    builders: list[tuple[str, int]] = field(default_factory=list)
    # Static engine: line ranges of ``with pytest.raises(...)`` /
    # ``self.assertRaises(...)`` blocks.  The code states that what it builds
    # there fails, so graph findings inside are not reported.
    expected_errors: list[tuple[int, int]] = field(default_factory=list)

    def expects_error_at(self, line: int) -> bool:
        return any(start <= line <= end for start, end in self.expected_errors)
    # Static only: files of the project whose presence or content the facts
    # depend on (imported modules), absolute path -> sha256 (None: absent).
    dependencies: dict[str, Optional[str]] = field(default_factory=dict)
    # Static only: the text of every imported module, by the path findings
    # name it with (for its suppression comments).
    module_texts: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Graph queries shared by the rules.


def input_roots(tensor: Tensor, stop: frozenset[int] = frozenset()) -> "Ancestry":
    """Which Input tensors ``tensor`` depends on.

    ``stop`` holds ``id()`` of tensors at which the walk stops (the model's
    listed inputs: what lies above them is not the model's business).
    """
    return _ancestry(tensor, stop, {})


@dataclass
class Ancestry:
    # Inputs every possible value depends on (safe for "is not connected").
    definite: set[int]
    # Inputs some possible value depends on (safe for "is unused").
    possible: set[int]
    # An opaque tensor was met: the dependencies may be larger than shown.
    complete: bool
    tensors: dict[int, Tensor]


def _ancestry(tensor: Tensor, stop: frozenset[int], memo: dict[int, Ancestry]) -> Ancestry:
    # Iterative post-order so deep graphs (ResNet-152) never hit the
    # recursion limit.  ``pending`` guards against cycles, which no engine
    # should produce: a tensor met again while it is being expanded counts as
    # opaque, so the walk ends and stays quiet.
    stack: list[tuple[Tensor, bool]] = [(tensor, False)]
    pending: set[int] = set()
    while stack:
        t, expanded = stack.pop()
        tid = id(t)
        if tid in memo:
            continue
        if not expanded and tid in pending:
            memo[tid] = Ancestry(set(), set(), False, {})
            continue
        children: list[Tensor] = []
        if tid in stop or t.is_input:
            memo[tid] = Ancestry({tid}, {tid}, True, {tid: t})
            continue
        if t.opaque:
            memo[tid] = Ancestry(set(), set(), False, {})
            continue
        if t.alternatives:
            children = list(t.alternatives)
        elif t.producer is not None:
            children = list(t.producer.inputs)
        if not expanded:
            pending.add(tid)
            stack.append((t, True))
            for c in children:
                if id(c) not in memo:
                    stack.append((c, False))
            continue
        pending.discard(tid)
        parts = [memo[id(c)] for c in children]
        complete = all(p.complete for p in parts)
        tensors: dict[int, Tensor] = {}
        possible: set[int] = set()
        for p in parts:
            possible |= p.possible
            tensors.update(p.tensors)
        if t.alternatives:
            definite = set.intersection(*(p.definite for p in parts)) if parts else set()
        else:
            definite = set().union(*(p.definite for p in parts)) if parts else set()
            if t.producer is not None and t.producer.has_opaque_inputs:
                complete = False
        if t.producer is None and not t.alternatives:
            # A tensor with no known origin that is not marked opaque: be safe.
            complete = False
        memo[tid] = Ancestry(definite, possible, complete, tensors)
    return memo[id(tensor)]


def flatten_alternatives(tensors: Iterable[Tensor]) -> list[Tensor]:
    """The tensors themselves plus every tensor they may stand for (``if``/``else``)."""
    out: list[Tensor] = []
    seen: set[int] = set()
    stack = list(tensors)
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        out.append(t)
        stack.extend(t.alternatives)
    return out


def wired_models(facts: Facts) -> Iterator[tuple[Model, frozenset[int]]]:
    """Functional models whose inputs and outputs are all known, each with the
    ids of its listed inputs and of what they may stand for: the models the
    connectivity rules can judge (an unknown input might be anything)."""
    for model in facts.models:
        if (
            model.kind != "functional"
            or model.inputs is None
            or model.outputs is None
            or model.site is None
            or model.library_made
        ):
            continue
        listed = flatten_alternatives(model.inputs)
        if any(t.opaque for t in listed):
            continue
        yield model, frozenset(id(t) for t in listed)


def nodes_between(model: Model) -> Iterator[Node]:
    """Every node on a path from the model's outputs back to its inputs."""
    if model.outputs is None:
        return
    stop = {id(t) for t in model.inputs or ()}
    seen_t: set[int] = set()
    seen_n: set[int] = set()
    stack = list(model.outputs)
    while stack:
        t = stack.pop()
        if id(t) in seen_t:
            continue
        seen_t.add(id(t))
        if id(t) in stop:
            continue
        if t.alternatives:
            stack.extend(t.alternatives)
        elif t.producer is not None:
            node = t.producer
            if id(node) not in seen_n:
                seen_n.add(id(node))
                yield node
                stack.extend(node.inputs)


def sublayers(model: Model) -> Iterator[tuple[Layer, tuple[Layer, ...]]]:
    """Every layer of ``model`` and of its sub-models (each sub-model once),
    with the model-as-layer objects it was reached through, outermost first.

    A model used as a layer is yielded itself and then expanded: freezing it
    (``sub.trainable = False``) freezes everything reached through it.
    """
    seen_models: set[int] = {id(model)}
    stack: list[tuple[Model, tuple[Layer, ...]]] = [(model, ())]
    while stack:
        current, wrappers = stack.pop()
        for layer in model_layers(current):
            yield layer, wrappers
            if layer.model is not None and id(layer.model) not in seen_models:
                seen_models.add(id(layer.model))
                stack.append((layer.model, wrappers + (layer,)))


def shape_nodes(facts: Facts) -> Iterator[Node]:
    """Every layer call whose shapes the KG6xx rules judge: the calls the code
    makes and the calls Keras makes to build its Sequential models."""
    yield from facts.nodes
    for model in facts.models:
        if not model.library_made:
            yield from model.chain


def output_tensors(model: Model) -> Optional[list[Tensor]]:
    """A model's output tensors; for a Sequential model, its last layer's."""
    if model.kind == "sequential":
        if model.chain_complete and model.chain:
            return list(model.chain[-1].outputs)
        return None
    return model.outputs


def model_layers(model: Model) -> list[Layer]:
    """Layers of a model: those its graph calls plus ``extra_layers``."""
    layers: dict[int, Layer] = {}
    for node in nodes_between(model):
        layers.setdefault(id(node.layer), node.layer)
    for layer in model.extra_layers:
        layers.setdefault(id(layer), layer)
    return list(layers.values())


def feature_map_source(tensor: Tensor, limit: int = 64) -> Optional[Model]:
    """The backbone whose 4-D feature map ``tensor`` is: its output
    (``base.output``, ``base(x)``), or that output through layers that keep
    the shape (``Dropout``, ``BatchNormalization``...).  None otherwise."""
    current: Optional[Tensor] = tensor
    for _ in range(limit):
        if current is None:
            return None
        if current.feature_map_of is not None:
            return current.feature_map_of
        node = current.producer
        if node is None or len(node.inputs) != 1 or node.layer.class_name not in RANK_PRESERVING:
            return None
        current = node.inputs[0]
    return None
