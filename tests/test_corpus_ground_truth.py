"""Ground truth of the corpus and the bug fixtures, established with real Keras.

Every program in tests/corpus/{clean,buggy}/ and fixtures/bugs/kg1*, kg2*, kg3*, kg503*
is imported as a module (never as ``__main__``) and its zero-argument ``build*``
functions are called while a recorder watches, from outside, what the program does with
Keras: which layers it creates (and on which line), which layers it calls on which
tensors, which functional models it constructs with which raw ``inputs``/``outputs``
(recorded before Keras validates them), and which models it compiles with which
trainable variables.  Nothing is mocked: the recorder wraps the real methods and always
calls them.

From those recordings and from the exceptions the builders raise, ``observe`` derives the
defects that really happened, as ``(code, line)`` pairs:

* KG101 / KG201 / KG202 / KG204 / KG304, the ones Keras catches: the builder raised
  Keras' own error for it (matched by message) and the deepest frame in the program is
  the expected line (for KG304: the line that created the second layer of that name).
* KG102: a raw model input that is an Input tensor and no raw output depends on.
* KG104: a raw model input that is not the output of an InputLayer.
* KG103: a user layer call none of whose outputs reaches any model output and that no
  other recorded call consumes (the last call of a dead chain).
* KG203: a layer (not a model) created by the program that nothing ever called, not
  even Keras internally, and that was not given to another layer's constructor (a
  wrapper's or Sequential's).
* KG301: a weighted layer called on a tensor that depends on that same layer's earlier
  output (reported at the later call).
* KG302: two distinct compiled models whose trainable variables at compile() time
  intersect (reported at the construction of the later-constructed model).
* KG503: a user Dense call on a tensor made by library code (a keras.applications
  backbone) whose result is 4-D.

Defects in a builder that raised are only taken from the error: what it left half-built
(dead ends, unused layers, a model whose outputs are layers) is not counted.

Each program must show exactly the defects marked ``# expect: KGnnn`` on its lines: a
clean program none at all, a buggy program all its marks and nothing else.  That makes
the marks trustworthy both for recall (the defect is real) and for precision (there is no
unmarked defect that a linter would rightly report).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest

# Builds real models with TensorFlow or runs external tools: deselect with -m "not slow".
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
CLEAN = sorted((CORPUS / "clean").glob("*.py"))
BUGGY = sorted((CORPUS / "buggy").glob("*.py"))
# The shape-fault set (KG6xx): realistic programs modelled on public bug reports,
# each with its corrected version (tests/test_shape_corpus.py measures recall on it).
SHAPES_CLEAN = sorted((CORPUS / "shapes" / "clean").glob("*.py"))
SHAPES_BUGGY = sorted((CORPUS / "shapes" / "buggy").glob("*.py"))
# Only the bug fixtures of graph rules (KG4xx/KG501/KG900 fixtures are source rules,
# owned by others, and have nothing to build).
BUG_FIXTURES = sorted(
    p for p in (ROOT / "fixtures" / "bugs").glob("kg*.py") if re.match(r"kg(1|2|3|503|6)", p.name)
)
REFERENCE_FIXTURE = ROOT / "fixtures" / "inception_v3_finetune.py"

EXPECT_RE = re.compile(r"#\s*expect:\s*(KG\d{3}(?:\s*,\s*KG\d{3})*)\s*$")
SILENT_CODES = {"KG102", "KG103", "KG104", "KG203", "KG301", "KG302", "KG503"}
RAISED_CODES = {"KG101", "KG201", "KG202", "KG204", "KG304"}

# Keras 3.15 / TF 2.21 messages for the defects Keras catches itself.
RAISED_PATTERNS: dict[str, list[str]] = {
    "KG101": [r"is not connected to `inputs`", r"[Gg]raph disconnected"],
    "KG201": [
        r"values must be KerasTensors",
        r"Only input tensors may be passed as positional arguments",
        r"'\w+' object has no attribute 'shape'",  # keras.ops.concatenate([t, layer])
        r"Attempt to convert a value \(<\w+ name=",  # keras.ops.mean(layer)
    ],
    "KG202": [
        r"'KerasTensor' object is not callable",
        r"Only instances of `keras.Layer` can be added to a Sequential model",
        r"Please initialize `(TimeDistributed|Bidirectional)` layer with a `keras.layers.Layer` instance",
    ],
    "KG204": [
        r"A KerasTensor cannot be used as input to a TensorFlow function",
        r"You cannot convert it to a NumPy array",
    ],
    "KG304": [r'The name "(?P<name>[^"]+)" is used \d+ times in the model'],
    # Shapes.  KG606 (data given to fit() that the first step rejects) is told
    # apart by where Keras raised: inside its trainer (see _classify).
    "KG606": [
        r"must have the same rank",
        r"must have rank \(ndim\)",
        r"input has incompatible shape",
        r"Incompatible shapes",
    ],
    "KG601": [
        r"of layer '[^']+' is incompatible with the layer: expected (min_|max_)?ndim=\d+, found ndim=\d+",
        r"Kernel shape must have the same length as input",
        r"`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions",
    ],
    "KG602": [
        r"A `Concatenate` layer requires inputs with matching shapes",
        r"Inputs have incompatible shapes\. Received shapes",
    ],
    "KG603": [r"[Tt]he total size of the tensor must be unchanged"],
    "KG607": [r"Computed output size would be zero or negative"],
    "KG604": [
        r"Input size must be at least \d+x\d+",
        r"The input must have 3 channels",
        r"When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be",
    ],
}
SHAPE_RAISED = {"KG601", "KG602", "KG603", "KG607"}


def expectations(path: Path) -> set[tuple[str, int]]:
    """The ``(code, line)`` pairs marked in a file with ``# expect: KGnnn[, KGmmm]``."""
    marks: set[tuple[str, int]] = set()
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        m = EXPECT_RE.search(line)
        if m:
            for code in re.split(r"\s*,\s*", m.group(1)):
                marks.add((code, lineno))
    return marks


# --------------------------------------------------------------------------- recording


@dataclass
class Created:
    obj: Any
    line: int
    order: int
    args: list[Any] = field(default_factory=list)  # constructor arguments, flattened
    builder: str = ""


@dataclass
class Called:
    layer: Any
    inputs: list[Any]
    outputs: list[Any]
    line: int
    order: int
    builder: str = ""


@dataclass
class Constructed:
    model: Any
    inputs: list[Any]
    outputs: list[Any]
    line: int
    order: int
    builder: str = ""


@dataclass
class Compiled:
    model: Any
    trainable: list[Any]  # the variables themselves: keeps their ids stable
    line: int


@dataclass
class Raised:
    builder: str
    error: BaseException
    line: Optional[int]


@dataclass
class Recording:
    path: str
    created: list[Created] = field(default_factory=list)
    called: list[Called] = field(default_factory=list)
    constructed: list[Constructed] = field(default_factory=list)
    compiled: list[Compiled] = field(default_factory=list)
    raised: list[Raised] = field(default_factory=list)
    builders: list[str] = field(default_factory=list)
    results: list[Any] = field(default_factory=list)
    counter: int = 0
    current: str = ""  # the builder running now ("" while importing)
    ever_called: set[int] = field(default_factory=set)  # ids of layers called by anyone

    def tick(self) -> int:
        self.counter += 1
        return self.counter


def _keras_dir() -> str:
    import keras

    return str(Path(keras.__file__).resolve().parent)


def _flatten_tensors(value: Any) -> list[Any]:
    from keras import tree
    from keras.src.backend.common.keras_tensor import KerasTensor

    try:
        flat = tree.flatten(value)
    except Exception:
        return []
    return [t for t in flat if isinstance(t, KerasTensor)]


def _flatten_all(value: Any) -> list[Any]:
    from keras import tree

    try:
        return list(tree.flatten(value))
    except Exception:
        return [value]


@contextlib.contextmanager
def recording(path: Path) -> Iterator[Recording]:
    """Wrap Layer.__new__/__call__, Functional.__init__ and Trainer.compile (and restore)."""
    from keras.src.layers.layer import Layer
    from keras.src.models.functional import Functional
    from keras.src.trainers.trainer import Trainer

    rec = Recording(str(path))
    target = os.path.realpath(path)
    keras_dir = _keras_dir()
    # Frames of Keras' own constructor plumbing between the user's `Sequential(...)`
    # and Layer.__new__ (Model.__new__ chains to it).
    plumbing = (
        os.path.join(keras_dir, "src", "models", "model.py"),
        os.path.join(keras_dir, "src", "layers", "layer.py"),
    )

    def user_line(frame: Any) -> Optional[int]:
        if frame is not None and os.path.realpath(frame.f_code.co_filename) == target:
            return frame.f_lineno
        return None

    def nearest_outside_keras(frame: Any) -> Any:
        while frame is not None and (
            frame.f_code.co_filename.startswith(keras_dir) or frame.f_code.co_filename == __file__
        ):
            frame = frame.f_back
        return frame

    orig_new = Layer.__dict__["__new__"]
    orig_call = Layer.__call__
    orig_init = Functional.__init__
    orig_compile = Trainer.compile

    def new(cls: type, *args: Any, **kwargs: Any) -> Any:
        obj = orig_new.__func__(cls, *args, **kwargs)
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename in plumbing:
            frame = frame.f_back
        line = user_line(frame)
        if line is not None:
            rec.created.append(Created(obj, line, rec.tick(), _flatten_all((args, kwargs)), rec.current))
        return obj

    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        line = user_line(sys._getframe(1))
        order = rec.tick()
        rec.ever_called.add(id(self))
        out = orig_call(self, *args, **kwargs)
        if line is not None:
            outputs = _flatten_tensors(out)
            if outputs:  # symbolic calls only (not eager calls on real data)
                inputs = _flatten_tensors((args, kwargs))
                rec.called.append(Called(self, inputs, outputs, line, order, rec.current))
        return out

    def init(self: Any, inputs: Any, outputs: Any, *args: Any, **kwargs: Any) -> Any:
        frame = sys._getframe(1)
        via_sequential = False
        while frame is not None and (
            frame.f_code.co_filename.startswith(keras_dir) or frame.f_code.co_filename == __file__
        ):
            via_sequential = via_sequential or frame.f_code.co_filename.endswith("sequential.py")
            frame = frame.f_back
        line = user_line(frame)
        if line is not None and not via_sequential:
            rec.constructed.append(
                Constructed(self, _flatten_all(inputs), _flatten_all(outputs), line, rec.tick(), rec.current)
            )
        return orig_init(self, inputs, outputs, *args, **kwargs)

    def compile(self: Any, *args: Any, **kwargs: Any) -> Any:
        line = user_line(nearest_outside_keras(sys._getframe(1)))
        if line is not None:
            rec.compiled.append(Compiled(self, list(self.trainable_weights), line))
        return orig_compile(self, *args, **kwargs)

    Layer.__new__ = staticmethod(new)
    Layer.__call__ = call
    Functional.__init__ = init
    Trainer.compile = compile
    try:
        yield rec
    finally:
        Layer.__new__ = orig_new
        Layer.__call__ = orig_call
        Functional.__init__ = orig_init
        Trainer.compile = orig_compile


def run_program(path: Path) -> Recording:
    """Import the program as a module and call each zero-argument build* function."""
    import inspect

    import keras

    keras.backend.clear_session()
    # Full tracebacks (as in the tracer): where Keras raised tells a fit()-time
    # error from a build-time one, and a Sequential's own layer calls.
    keras.config.disable_traceback_filtering()
    name = "kgcorpus_" + re.sub(r"\W", "_", f"{path.parent.name}_{path.stem}")
    with recording(path) as rec:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        builders = [
            (n, f)
            for n, f in vars(module).items()
            if n.startswith("build")
            and inspect.isfunction(f)
            and f.__module__ == name
            and not [
                p
                for p in inspect.signature(f).parameters.values()
                if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
        ]
        # Source order, so "the later model" means what a reader thinks it means.
        builders.sort(key=lambda item: item[1].__code__.co_firstlineno)
        for builder_name, builder in builders:
            rec.builders.append(builder_name)
            rec.current = builder_name
            try:
                rec.results.append(builder())
            except Exception as error:  # the builders of buggy programs raise on purpose
                rec.raised.append(Raised(builder_name, error, _deepest_line(error, path)))
    return rec


def _deepest_line(error: BaseException, path: Path) -> Optional[int]:
    target = os.path.realpath(path)
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if os.path.realpath(frame.filename) == target:
            line = frame.lineno
    return line


# --------------------------------------------------------------------------- graph walks


def _producer(t: Any) -> Any:
    hist = getattr(t, "_keras_history", None)
    return hist.operation if hist is not None else None


def _ancestors(tensors: list[Any]) -> dict[int, Any]:
    """All tensors the given tensors depend on (themselves included), by id."""
    seen: dict[int, Any] = {}
    stack = list(tensors)
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen[id(t)] = t
        hist = getattr(t, "_keras_history", None)
        if hist is None or hist.operation is None:
            continue
        node = hist.operation._inbound_nodes[hist.node_index]
        stack.extend(node.input_tensors)
    return seen


def _is_input_tensor(t: Any) -> bool:
    from keras.src.layers.core.input_layer import InputLayer

    return isinstance(_producer(t), InputLayer)


# --------------------------------------------------------------------------- observation


def _in_keras(error: BaseException, part: str) -> bool:
    return any(part in f.filename.replace(os.sep, "/") for f in traceback.extract_tb(error.__traceback__))


def _classify(error: BaseException) -> Optional[tuple[str, Optional[re.Match[str]]]]:
    text = f"{type(error).__name__}: {error}"
    in_fit = _in_keras(error, "/keras/src/trainers/") or _in_keras(error, "/keras/src/backend/tensorflow/trainer")
    for code, patterns in RAISED_PATTERNS.items():
        if (code == "KG606") != in_fit:
            continue
        for pattern in patterns:
            m = re.search(pattern, text)
            if m:
                return code, m
    return None


def observe(rec: Recording) -> tuple[set[tuple[str, int]], list[str]]:
    """The defects that really happened, and the errors nothing explains."""
    from keras.src.backend.common.keras_tensor import KerasTensor
    from keras.src.layers import Dense

    found: set[tuple[str, int]] = set()
    unexplained: list[str] = []

    # Errors Keras raised.
    for raised in rec.raised:
        classified = _classify(raised.error)
        if classified is None or raised.line is None:
            unexplained.append(
                f"{raised.builder}() raised {type(raised.error).__name__}: "
                f"{str(raised.error)[:300]} (line {raised.line})"
            )
            continue
        code, m = classified
        if code == "KG304":
            assert m is not None
            named = [c for c in rec.created if getattr(c.obj, "name", None) == m.group("name")]
            if len(named) >= 2:
                found.add(("KG304", sorted(named, key=lambda c: c.order)[1].line))
            else:
                unexplained.append(f"{raised.builder}(): duplicate name {m.group('name')!r} not made here")
        elif code in SHAPE_RAISED and _in_keras(raised.error, "/keras/src/models/sequential.py"):
            # Keras called the layer while building a Sequential: the defect is
            # the layer the program put in it (the one the message names, or the
            # only layer of that class never called successfully).
            line = _failing_layer_line(rec, raised.error)
            if line is None:
                unexplained.append(f"{raised.builder}(): cannot tell which layer of the Sequential failed")
            else:
                found.add((code, line))
        else:
            found.add((code, raised.line))

    # A builder that raised stopped half-way: its dead ends are not defects, and a model
    # whose outputs are not all tensors (KG201) says nothing about its inputs.
    aborted = {r.builder for r in rec.raised}

    # Models: unused inputs, non-Input inputs.
    all_outputs: list[Any] = []
    for c in rec.constructed:
        outputs = [t for t in c.outputs if isinstance(t, KerasTensor)]
        all_outputs.extend(outputs)
        if len(outputs) != len(c.outputs):
            continue
        live = _ancestors(outputs)
        for t in c.inputs:
            if not isinstance(t, KerasTensor):
                continue
            if not _is_input_tensor(t):
                found.add(("KG104", c.line))
            elif id(t) not in live:
                found.add(("KG102", c.line))

    # Dead chains: outputs that reach no model output and that no other call consumes.
    live_anywhere = _ancestors(all_outputs)
    consumed = {id(t) for call in rec.called for t in call.inputs}
    returned = {id(t) for t in _flatten_tensors(rec.results)}
    for call in rec.called:
        if call.builder in aborted:
            continue
        if any(
            id(t) in live_anywhere or id(t) in consumed or id(t) in returned for t in call.outputs
        ):
            continue
        found.add(("KG103", call.line))

    # Uncalled layers (a layer given to another layer's constructor, like a wrapper's
    # or Sequential's, is used: Bidirectional builds copies, not the layer itself).
    wrapped = {id(a) for c in rec.created for a in c.args}
    # (`built` says nothing: layers without weights are built from the start.  A model
    # is not meant to be called: it is compiled and fit.)
    from keras import Model

    for c in rec.created:
        layer = c.obj
        if isinstance(layer, Model):
            continue
        if getattr(layer, "_inbound_nodes", None) or id(layer) in rec.ever_called:
            continue
        if id(layer) in wrapped or c.builder in aborted:
            continue
        found.add(("KG203", c.line))

    # Layers reused along one path.
    by_layer: dict[int, list[Called]] = {}
    for call in rec.called:
        by_layer.setdefault(id(call.layer), []).append(call)
    for calls in by_layer.values():
        if len(calls) < 2 or not calls[0].layer.weights:
            continue
        for later in calls:
            upstream = _ancestors(later.inputs)
            for earlier in calls:
                if earlier is not later and any(id(t) in upstream for t in earlier.outputs):
                    found.add(("KG301", later.line))

    # Trainable weights shared by two compiled models.
    construction: dict[int, tuple[int, int]] = {}
    for c in rec.created:
        construction.setdefault(id(c.obj), (c.order, c.line))
    for c in rec.constructed:
        construction[id(c.model)] = (c.order, c.line)
    last_compile: dict[int, Compiled] = {}
    for comp in rec.compiled:
        last_compile[id(comp.model)] = comp
    compiled = list(last_compile.values())
    for i, a in enumerate(compiled):
        for b in compiled[i + 1 :]:
            shared = {id(v) for v in a.trainable} & {id(v) for v in b.trainable}
            if not shared:
                continue
            later = max((a, b), key=lambda comp: construction.get(id(comp.model), (0, 0))[0])
            line = construction.get(id(later.model), (0, later.line))[1]
            found.add(("KG302", line))

    # Outputs that cannot learn (KG605), checked numerically with real Keras.
    found |= _cannot_learn(rec)

    # Dense heads on a library feature map.
    user_made = {id(c.obj) for c in rec.created}
    for call in rec.called:
        if not isinstance(call.layer, Dense) or not call.inputs:
            continue
        if len(call.outputs[0].shape) != 4:
            continue
        if id(_producer(call.inputs[0])) not in user_made:
            found.add(("KG503", call.line))

    return found, unexplained


def _sequential_layer(error: BaseException) -> Any:
    """The layer a Sequential model was calling when it raised (its build loop's
    ``layer`` variable), or None."""
    tb = error.__traceback__
    layer = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.replace(os.sep, "/").endswith("/keras/src/models/sequential.py"):
            layer = frame.f_locals.get("layer", layer)
        tb = tb.tb_next
    return layer


def _failing_layer_line(rec: Recording, error: BaseException) -> Optional[int]:
    layer = _sequential_layer(error)
    if layer is not None:
        for c in rec.created:
            if c.obj is layer:
                return c.line
    text = str(error)
    named = re.search(r"of layer '([^']+)' is incompatible", text)
    called = re.search(r"Exception encountered when calling (\w+)\.call\(\)", text)
    if named:
        fits = [c for c in rec.created if getattr(c.obj, "name", None) == named.group(1)]
    elif called:
        fits = [
            c for c in rec.created
            if type(c.obj).__name__ == called.group(1) and not getattr(c.obj, "_inbound_nodes", None)
        ]
    else:
        fits = []
    return fits[0].line if len(fits) == 1 else None


def _cannot_learn(rec: Recording) -> set[tuple[str, int]]:
    """KG605 as Keras computes it: a softmax layer over one unit outputs 1.0 for
    any input; a categorical cross-entropy on a one-unit output is 0 for any
    prediction and label."""
    import numpy as np
    from keras import Model, layers, losses

    found: set[tuple[str, int]] = set()
    softmax_layers: set[int] = set()
    rng = np.random.default_rng(0)
    for c in rec.created:
        layer = c.obj
        if isinstance(layer, Model) or id(layer) not in rec.ever_called:
            continue
        if not isinstance(layer, (layers.Dense, layers.Activation, layers.Softmax)):
            continue
        try:
            out_shape = layer.output.shape
        except Exception:
            continue
        if out_shape[-1] != 1 or getattr(layer.activation if hasattr(layer, "activation") else None, "__name__", "softmax") != "softmax":
            continue
        probe = layer(rng.normal(size=(4,) + tuple(d or 3 for d in layer.input.shape[1:])).astype("float32"))
        if np.allclose(np.asarray(probe), 1.0):
            found.add(("KG605", c.line))
            softmax_layers.add(id(layer))
    for comp in rec.compiled:
        model = comp.model
        loss = getattr(model, "loss", None)
        name = loss if isinstance(loss, str) else None
        if name is None and isinstance(loss, losses.Loss):
            name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", type(loss).__name__).lower()
        if name not in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
            continue
        try:
            outputs = model.outputs
        except Exception:
            continue
        if len(outputs) != 1 or outputs[0].shape[-1] != 1:
            continue
        if id(_producer(outputs[0])) in softmax_layers:
            continue
        batch = (8,) + tuple(d or 3 for d in outputs[0].shape[1:])
        y_pred = rng.uniform(0.05, 0.95, size=batch).astype("float32")
        if name == "categorical_crossentropy":
            y_true = rng.integers(0, 2, size=batch).astype("float32")
            other = rng.uniform(0.05, 0.95, size=batch).astype("float32")
            first = np.asarray(losses.categorical_crossentropy(y_true, y_pred))
            second = np.asarray(losses.categorical_crossentropy(y_true, other))
            # The same (about 0) whatever the prediction: nothing to learn from.
            if np.allclose(first, second, atol=1e-9) and float(first.max()) < 1e-5:
                found.add(("KG605", comp.line))
        else:
            found.add(("KG605", comp.line))  # one class only: labels 1.. are out of range
    return found


# --------------------------------------------------------------------------- tests


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _check(path: Path) -> None:
    expected = expectations(path)
    rec = run_program(path)
    assert rec.builders, f"{_rel(path)} defines no zero-argument build* function"
    found, unexplained = observe(rec)
    problems = []
    if unexplained:
        problems.append("unexplained errors:\n  " + "\n  ".join(unexplained))
    missing = sorted(expected - found, key=lambda e: e[1])
    extra = sorted(found - expected, key=lambda e: e[1])
    if missing:
        problems.append(f"marked but not observed with Keras: {missing}")
    if extra:
        problems.append(f"observed with Keras but not marked: {extra}")
    assert not problems, f"{_rel(path)}: " + "\n".join(problems)


def test_corpus_is_big_enough() -> None:
    assert len(CLEAN) >= 25, len(CLEAN)
    assert len(BUGGY) >= 30, len(BUGGY)
    for path in CLEAN:
        assert not expectations(path), f"{_rel(path)} is clean but has expect marks"
    for path in BUGGY:
        assert expectations(path), f"{_rel(path)} is buggy but has no expect mark"


def test_buggy_corpus_covers_every_graph_rule_several_times() -> None:
    counts: dict[str, int] = {}
    for path in BUGGY:
        for code, _ in expectations(path):
            counts[code] = counts.get(code, 0) + 1
    wanted = RAISED_CODES | SILENT_CODES | {"KG101"}
    for code in sorted(wanted):
        assert counts.get(code, 0) >= 3, f"{code} marked only {counts.get(code, 0)} times"


@pytest.mark.parametrize("path", CLEAN, ids=[p.name for p in CLEAN])
def test_clean_program_builds_without_defect(path: Path) -> None:
    _check(path)


@pytest.mark.parametrize("path", BUGGY, ids=[p.name for p in BUGGY])
def test_buggy_program_has_exactly_its_marked_defects(path: Path) -> None:
    _check(path)


@pytest.mark.parametrize("path", SHAPES_CLEAN, ids=[p.name for p in SHAPES_CLEAN])
def test_shape_corpus_corrected_program_builds_without_defect(path: Path) -> None:
    _check(path)


@pytest.mark.parametrize("path", SHAPES_BUGGY, ids=[p.name for p in SHAPES_BUGGY])
def test_shape_corpus_buggy_program_has_exactly_its_marked_defects(path: Path) -> None:
    _check(path)


@pytest.mark.parametrize("path", BUG_FIXTURES, ids=[p.name for p in BUG_FIXTURES])
def test_bug_fixture_has_exactly_its_marked_defects(path: Path) -> None:
    _check(path)


def test_reference_fixture_builds_313_layers_and_fine_tune_steps_run() -> None:
    """construct_model(use_imagenet=False) and the phase helpers, on the real model."""
    import keras

    spec = importlib.util.spec_from_file_location("kgfixture_inception", REFERENCE_FIXTURE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    with recording(REFERENCE_FIXTURE) as rec:
        spec.loader.exec_module(module)
        model = module.construct_model(use_imagenet=False)
        rec.results.append(model)
        module.freeze_backbone(model)
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
        assert len(model.trainable_weights) == 2  # the Dense head's kernel and bias
        module.unfreeze_top_blocks(model)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-4, momentum=0.9), loss="categorical_crossentropy")
    assert len(model.layers) == 313
    assert model.output.shape == (None, module.N_CLASSES)
    assert model.inputs[0].shape == (None, module.IMG_SIZE, module.IMG_SIZE, 3)
    assert not any(
        l.trainable for l in model.layers if isinstance(l, keras.layers.BatchNormalization)
    )
    assert not any(l.trainable for l in model.layers[: module.FINE_TUNE_FROM])
    assert any(l.trainable for l in model.layers[module.FINE_TUNE_FROM :])
    found, unexplained = observe(rec)
    assert not unexplained and not found, (found, unexplained)
