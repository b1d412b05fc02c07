"""The trace worker's hooks into Keras, installed and removed in one place.

:func:`installed_hooks` patches Keras (and a few stdlib entry points) for the
life of a worker; every patch is a pass-through unless a :class:`Recorder` is
active (:func:`recording`).  While one is active:

- ``Operation.__new__`` records where each layer/operation is created, whether
  user code passed ``name=``, and whether it was made by Keras itself (inside a
  ``keras.applications`` constructor, ``Sequential``'s own build...);
- ``Node.__init__`` records where each symbolic layer call happened;
- ``Functional.__init__`` records model constructions with the very
  ``inputs``/``outputs`` the user passed (Keras may clone them);
- ``compile()``, training calls (``fit``, ``train_on_batch``) and
  ``trainable`` assignments in user code are recorded in program order, the
  first two with which layers were effectively trainable then;
- ``keras.applications`` constructors build with ``weights=None``;
- training, prediction, saving, weight loading, dataset loaders and
  ``get_file`` are neutralised (:mod:`~kgraphlint.trace.standins`);
  ``os._exit`` raises.  The network, files outside the run's directory and
  other programs are refused by :mod:`~kgraphlint.trace.sandbox`.

Only the worker process imports this module (it imports keras).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import os
import sys
import tempfile
import weakref
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Callable, Iterator, Optional

from kgraphlint.graph import Site
from kgraphlint.trace.frames import SiteMaker
from kgraphlint.vocab.methods import (
    FIT_METHODS,
    GENERATOR_METHODS,
    KERAS3_RUN_METHODS,
    MEASURE_METHODS,
    PREDICT_METHODS,
    RUN_METHODS,
    TRAIN_METHODS,
)

_HERE = os.path.abspath(__file__)


class TraceExit(BaseException):
    """Raised instead of ``os._exit`` so the worker survives user code."""


@dataclass
class OpRecord:
    # The operation itself, or a weak reference to it for layers that may turn
    # out never to be used (KG203): if nothing but garbage refers to such a
    # layer once the builders are done, nothing called, stored or returned it.
    ref: Any
    weak: bool
    class_name: str
    site: Optional[Site]
    library: bool
    explicit_name: bool
    # Created by a user expression (not by Keras on the user's behalf) and
    # not from inside a method of another object (sub-layers of custom layers).
    direct: bool
    in_method: bool
    order: int
    op_id: int = 0  # id() while it was alive

    @property
    def op(self) -> Any:
        return self.ref() if self.weak else self.ref


@dataclass
class NodeRecord:
    node: Any
    site: Optional[Site]
    library: bool


@dataclass
class ModelRecord:
    model: Any
    kind: str  # "functional" | "application" | "sequential" | "subclass"
    site: Optional[Site]
    inputs: Optional[list] = None  # flat, as the user passed them
    outputs: Optional[list] = None
    application: Optional[str] = None
    include_top: Optional[bool] = None
    pooling: Optional[str] = None
    # keras.applications: the arguments as the user gave them (``weights``
    # before the tracer replaced it), plain values only.
    app_args: dict = field(default_factory=dict)
    library: bool = False
    ok: bool = True  # construction finished without raising
    raised: bool = False  # Keras rejected it (disconnected, duplicate names...)


@dataclass
class CompileRecord:
    model: Any
    site: Optional[Site]
    trainable: list[tuple[Any, bool]]
    loss: Any = None  # the ``loss=`` argument as given
    order: int = 0
    via: tuple = ()  # see graph.When.via


@dataclass
class FitRecord:
    """A training call (``fit``, ``train_on_batch``) and the effective
    trainable flag of every layer under the model at that moment."""

    model: Any
    site: Optional[Site]
    trainable: list[tuple[Any, bool]]
    model_trainable: bool
    order: int
    via: tuple = ()


@dataclass
class TrainableRecord:
    """``obj.trainable = value`` written in user code."""

    obj: Any
    site: Optional[Site]
    value: bool
    order: int
    via: tuple = ()


# A training loop repeats the same calls thousands of times; the first few
# passes show every pattern a rule looks for, so each call site of a fit or a
# ``trainable`` change is recorded this many times per object at most.
MAX_EVENTS_PER_SITE = 4


@dataclass
class Recorder:
    """What happened while one file was traced (keeps Keras objects alive)."""

    sites: SiteMaker
    app_depth: int = 0
    ops: dict[int, OpRecord] = field(default_factory=dict)
    # Records whose id was reused after their (weakly held) layer died.
    stale: list[OpRecord] = field(default_factory=list)
    # ids of operations passed to another operation's constructor
    # (``Bidirectional(LSTM(8))`` copies the LSTM: the original is still used).
    passed: set[int] = field(default_factory=set)
    # ids of layers called at all, on anything: eager data or the graph
    # tensors of a ``ds.map`` function build no Keras node, yet use the layer.
    called: set[int] = field(default_factory=set)
    nodes: dict[int, NodeRecord] = field(default_factory=dict)
    models: dict[int, ModelRecord] = field(default_factory=dict)
    compiles: list[CompileRecord] = field(default_factory=list)
    fits: list[FitRecord] = field(default_factory=list)
    trainable_changes: list[TrainableRecord] = field(default_factory=list)
    # Step counter shared by compiles, fits and trainable changes (program order).
    clock: int = 0
    _events_at: dict[tuple, int] = field(default_factory=dict)
    fit_sites: list[Optional[Site]] = field(default_factory=list)
    # fit() calls whose data Keras would reject at the first step: (site, exception).
    fit_errors: list[tuple[Optional[Site], BaseException]] = field(default_factory=list)
    # Models "saved" while tracing, by path: load_model returns them.
    saved_models: dict[str, Any] = field(default_factory=dict)
    # id() of models trained / evaluated while tracing (KG302).
    trained_models: set[int] = field(default_factory=set)
    evaluated_models: set[int] = field(default_factory=set)
    # Values returned by builders: whatever they hold counts as used.
    returned: list[Any] = field(default_factory=list)

    # -- helpers -------------------------------------------------------------
    def user_site(self, frame: Optional[FrameType]) -> Optional[Site]:
        return self.sites.site_of_stack(frame)

    def _keras_frames_until_user(self, frame: Optional[FrameType]) -> Iterator[FrameType]:
        """Frames of Keras/library code between a hook and the user frame."""
        while frame is not None and not self.sites.is_user(frame.f_code.co_filename):
            if frame.f_code.co_filename != _HERE:
                yield frame
            frame = frame.f_back

    def _first_user_frame(self, frame: Optional[FrameType]) -> Optional[FrameType]:
        while frame is not None and not self.sites.is_user(frame.f_code.co_filename):
            frame = frame.f_back
        return frame

    def tick(self) -> int:
        self.clock += 1
        return self.clock

    def _room_for(self, kind: str, obj: Any, site: Optional[Site]) -> bool:
        key = (kind, id(obj), site.key() if site is not None else None)
        seen = self._events_at.get(key, 0)
        self._events_at[key] = seen + 1
        return seen < MAX_EVENTS_PER_SITE

    # -- events ----------------------------------------------------------------
    def on_fit(self, model: Any, frame: Optional[FrameType]) -> None:
        site = self.user_site(frame)
        if self._room_for("fit", model, site):
            self.fits.append(
                FitRecord(
                    model, site, _effective_trainability(model), bool(getattr(model, "trainable", True)),
                    self.tick(), self.sites.calls_of_stack(frame),
                )
            )

    def on_trainable_set(self, obj: Any, value: Any, frame: Optional[FrameType]) -> None:
        site = self.user_site(frame)
        if self._room_for("trainable", obj, site):
            self.trainable_changes.append(
                TrainableRecord(obj, site, bool(value), self.tick(), self.sites.calls_of_stack(frame))
            )

    def op_record(self, op: Any) -> Optional[OpRecord]:
        rec = self.ops.get(id(op))
        return rec if rec is not None and rec.op is op else None

    def all_op_records(self) -> list[OpRecord]:
        return self.stale + list(self.ops.values())

    def on_op_created(self, op: Any, args: tuple, kwargs: dict, frame: Optional[FrameType]) -> None:
        existing = self.ops.get(id(op))
        if existing is not None:
            if existing.op is op:
                return
            self.stale.append(existing)
        order = len(self.ops) + len(self.stale)
        explicit = kwargs.get("name") is not None
        cls_name = type(op).__name__
        if self.app_depth > 0:
            self.ops[id(op)] = OpRecord(op, False, cls_name, None, True, explicit, False, False, order, id(op))
            return
        for value in list(args) + list(kwargs.values()):
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if _is_operation(item):
                    self.passed.add(id(item))
        direct = True
        for f in self._keras_frames_until_user(frame):
            name = f.f_code.co_name
            fname = f.f_code.co_filename.replace(os.sep, "/")
            if name == "__new__" or fname.endswith("/layers/core/input_layer.py"):
                continue
            direct = False
            break
        user = self._first_user_frame(frame)
        in_method = bool(user is not None and "self" in user.f_code.co_varnames[: user.f_code.co_argcount])
        site = self.user_site(frame)
        ref: Any = op
        weak = False
        if (
            direct
            and not in_method
            and site is not None
            and site.path == self.sites.display_path
            and _is_plain_layer(op)
        ):
            try:
                ref, weak = weakref.ref(op), True
            except TypeError:
                pass
        self.ops[id(op)] = OpRecord(ref, weak, cls_name, site, not direct, explicit, direct, in_method, order, id(op))

    def on_node(self, node: Any, frame: Optional[FrameType]) -> None:
        if self.app_depth > 0:
            self.nodes[id(node)] = NodeRecord(node, None, True)
            return
        library = False
        for f in self._keras_frames_until_user(frame):
            fname = f.f_code.co_filename.replace(os.sep, "/")
            # Nodes made by models, applications, cloning or saving code are
            # Keras's own graph plumbing, not calls the user wrote.
            if any(part in fname for part in _INTERNAL_NODE_MAKERS):
                library = True
                break
        self.nodes[id(node)] = NodeRecord(node, None if library else self.user_site(frame), library)

    def on_functional(
        self, model: Any, inputs: Any, outputs: Any, name: Any, frame: Optional[FrameType]
    ) -> Optional[ModelRecord]:
        from keras.src import tree

        if self.app_depth > 0:
            return None
        op_rec = self.op_record(model)
        if op_rec is not None and name is not None and not op_rec.explicit_name:
            # Model(...) reaches Operation.__new__ without its arguments.
            op_rec.explicit_name = True
        for f in self._keras_frames_until_user(frame):
            fname = f.f_code.co_filename.replace(os.sep, "/")
            if f.f_code.co_name in ("__init__", "__new__") and "/keras/src/models/" in fname and not fname.endswith("sequential.py"):
                continue
            return None  # built by Keras itself (Sequential, cloning...)
        flat_in: Optional[list[Any]]
        flat_out: Optional[list[Any]]
        try:
            flat_in = list(tree.flatten(inputs))
            flat_out = list(tree.flatten(outputs))
        except Exception:
            flat_in = flat_out = None
        rec = ModelRecord(model, "functional", self.user_site(frame), flat_in, flat_out, ok=False)
        self.models[id(model)] = rec
        return rec


_keras_types: dict[str, type] = {}


def _is_operation(value: Any) -> bool:
    cls = _keras_types.get("Operation")
    return cls is not None and isinstance(value, cls)


def _is_model(value: Any) -> bool:
    cls = _keras_types.get("Model")
    return cls is not None and isinstance(value, cls)


def _is_plain_layer(value: Any) -> bool:
    """A layer that is neither an InputLayer nor a model."""
    layer, input_layer, model = (_keras_types.get(k) for k in ("Layer", "InputLayer", "Model"))
    if layer is None or input_layer is None or model is None:
        return False
    return isinstance(value, layer) and not isinstance(value, (input_layer, model))


_INTERNAL_NODE_MAKERS = (
    "/keras/src/models/",
    "/keras/src/applications/",
    "/keras/src/saving/",
    "/keras/src/export/",
)

_active: Optional[Recorder] = None


@contextlib.contextmanager
def recording(recorder: Recorder) -> Iterator[Recorder]:
    """Make ``recorder`` the one the hooks feed (hooks must be installed)."""
    global _active
    previous, _active = _active, recorder
    try:
        yield recorder
    finally:
        _active = previous


# ---------------------------------------------------------------------------
# The patches.


class _Patcher:
    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def set(self, owner: Any, name: str, value: Any) -> None:
        missing = object()
        old = owner.__dict__.get(name, missing) if isinstance(owner, type) else getattr(owner, name, missing)
        setattr(owner, name, value)
        if old is missing:
            self._undo.append(lambda: delattr(owner, name))
        else:
            self._undo.append(lambda: setattr(owner, name, old))

    def undo(self) -> None:
        while self._undo:
            try:
                self._undo.pop()()
            except Exception:
                pass


def _replace_everywhere(patcher: _Patcher, originals: dict[int, Any], make: Callable[[Any], Any]) -> None:
    """Replace each original function in every loaded keras module namespace."""
    wrappers = {key: make(fn) for key, fn in originals.items()}
    for modname, module in list(sys.modules.items()):
        if module is None or not (modname == "keras" or modname.startswith("keras.")):
            continue
        try:
            items = list(vars(module).items())
        except TypeError:
            continue
        for attr, value in items:
            wrapper = wrappers.get(id(value))
            if wrapper is not None and originals[id(value)] is value:
                patcher.set(module, attr, wrapper)


def _application_constructors() -> dict[int, Any]:
    import keras.applications  # noqa: F401  (loads every application module)
    import keras.src.applications as apps_pkg
    import pkgutil

    found: dict[int, Any] = {}
    for info in pkgutil.iter_modules(apps_pkg.__path__):
        module = sys.modules.get(f"keras.src.applications.{info.name}")
        if module is None:
            continue
        for name, value in vars(module).items():
            if (
                inspect.isfunction(value)
                and value.__module__ == module.__name__
                # Constructors are CamelCase (InceptionV3, EfficientNetB0);
                # snake_case helpers such as obtain_input_shape(weights=...)
                # are not models.
                and name[:1].isupper()
                and "weights" in inspect.signature(value).parameters
            ):
                found[id(value)] = value
    return found


_APP_ARGS = ("input_shape", "weights", "include_top", "pooling", "classes", "alpha", "depth_multiplier", "minimalistic")


def _wrap_application(fn: Callable) -> Callable:
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def application(*args: Any, **kwargs: Any) -> Any:
        rec = _active
        if rec is None:
            return fn(*args, **kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return fn(*args, **kwargs)  # let Keras produce its own error
        app_args = {
            k: v for k, v in bound.arguments.items()
            if k in _APP_ARGS and (v is None or isinstance(v, (bool, int, str, tuple, list)))
        }
        # Same graph, no download: pretrained weights are never loaded.
        if bound.arguments.get("weights", None) is not None:
            bound.arguments["weights"] = None
        outermost = rec.app_depth == 0
        site = rec.user_site(sys._getframe(1)) if outermost else None
        rec.app_depth += 1
        try:
            model = fn(*bound.args, **bound.kwargs)
        finally:
            rec.app_depth -= 1
        if outermost and _is_model(model):
            params = signature.parameters
            include_top = bound.arguments.get(
                "include_top", params["include_top"].default if "include_top" in params else None
            )
            pooling = bound.arguments.get("pooling", params["pooling"].default if "pooling" in params else None)
            rec.models[id(model)] = ModelRecord(
                model,
                "application",
                site,
                application=fn.__name__,
                include_top=include_top if isinstance(include_top, bool) else None,
                pooling=pooling if isinstance(pooling, str) or pooling is None else None,
                app_args=app_args,
                library=True,
            )
        return model

    return application


def _dataset_loaders() -> dict[int, Any]:
    """``load_data`` and ``get_word_index`` of every keras dataset module."""
    import keras.datasets  # noqa: F401
    import keras.src.datasets as ds_pkg
    import pkgutil

    found: dict[int, Any] = {}
    for info in pkgutil.iter_modules(ds_pkg.__path__):
        module = sys.modules.get(f"keras.src.datasets.{info.name}")
        for name in ("load_data", "get_word_index"):
            fn = getattr(module, name, None) if module else None
            if inspect.isfunction(fn):
                found[id(fn)] = fn
    return found


def _wrap_loader(fn: Callable) -> Callable:
    from kgraphlint.trace import standins

    @functools.wraps(fn)
    def load_data(*args: Any, **kwargs: Any) -> Any:
        if _active is None:
            return fn(*args, **kwargs)
        if fn.__name__ == "get_word_index":
            return standins.word_index()
        try:
            bound = inspect.signature(fn).bind(*args, **kwargs).arguments
        except TypeError:
            bound = dict(kwargs)
        return standins.load_data(fn.__module__, dict(bound))

    return load_data


_download_dir: Optional[str] = None


def set_download_dir(path: str) -> None:
    """Where ``get_file`` stand-ins go (inside the run's private directory)."""
    global _download_dir
    _download_dir = path


def _wrap_get_file(fn: Callable) -> Callable:
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def get_file(*args: Any, **kwargs: Any) -> Any:
        global _download_dir
        if _active is None:
            return fn(*args, **kwargs)
        from kgraphlint.trace import sandbox

        try:
            bound = signature.bind(*args, **kwargs).arguments
        except TypeError:
            return fn(*args, **kwargs)  # let Keras produce its own error
        # Offline: an empty local file (or, for an archive to extract, an
        # empty directory) where Keras would have put the download.
        if _download_dir is None:
            _download_dir = tempfile.mkdtemp(prefix="kgraphlint-trace-")
        origin = str(bound.get("origin") or "")
        fname = os.fspath(bound["fname"]) if bound.get("fname") else ""
        fname = os.path.basename(str(fname)) or os.path.basename(origin.split("?")[0].rstrip("/")) or "download"
        subdir = os.path.basename(str(bound.get("cache_subdir") or "datasets")) or "datasets"
        datadir = os.path.join(_download_dir, subdir)
        os.makedirs(datadir, exist_ok=True)
        if bound.get("extract") or bound.get("untar"):
            if bound.get("fname") and "." in fname:
                fname = fname[: fname.find(".")] + "_extracted"
            path = os.path.join(datadir, fname)
            os.makedirs(path, exist_ok=True)
        else:
            path = os.path.join(datadir, fname)
            if not os.path.exists(path):
                open(path, "wb").close()
        sandbox.journal.standins[os.path.realpath(path)] = f"the download of {origin or fname}"
        return path

    return get_file


def _wrap_directory_dataset(kind: str, fn: Callable) -> Callable:
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def from_directory(*args: Any, **kwargs: Any) -> Any:
        if _active is None:
            return fn(*args, **kwargs)
        try:
            arguments = dict(signature.bind(*args, **kwargs).arguments)
        except TypeError:
            return fn(*args, **kwargs)
        directory = arguments.get("directory")
        if arguments.get("format", "tf") == "tf" and isinstance(directory, (str, os.PathLike)):
            from kgraphlint.trace import sandbox, standins

            real = os.path.realpath(os.fspath(directory))
            standin = any(real == s or real.startswith(s + os.sep) for s in sandbox.journal.standins)
            if standin or not os.path.isdir(real) or not _has_files(real):
                # The data is not here (a download tracing did not fetch, or
                # not in the checkout): a small dataset of the same kind.
                return standins.directory_dataset(kind, arguments)
        return fn(*args, **kwargs)

    return from_directory


def _has_files(directory: str) -> bool:
    for _root, _dirs, files in os.walk(directory):
        if files:
            return True
    return False


class _ZeroLogs(dict):
    """Logs of a training that did not run: any metric asked for is zero.

    User code reads ``history.history["val_accuracy"][-1]`` or
    ``scores["loss"]`` after the neutralised call; it must keep working.
    """

    def __init__(self, value: Any) -> None:
        super().__init__()
        self._value = value

    def __missing__(self, key: Any) -> Any:
        return self._value


def _history(kwargs: dict, model: Any = None) -> Any:
    """A ``History`` as ``fit`` returns it: the loss and the compiled metrics
    (with ``val_`` twins when there is validation data), one zero per epoch."""
    from keras.callbacks import History

    epochs = kwargs.get("epochs", 1)
    epochs = epochs if isinstance(epochs, int) and 0 < epochs < 10_000 else 1
    history = History()
    history.history = _ZeroLogs([0.0] * epochs)
    names = ["loss"] + _metric_names(model)
    if kwargs.get("validation_data") is not None or kwargs.get("validation_split"):
        names += [f"val_{n}" for n in names]
    for key in names:
        history.history[key] = [0.0] * epochs
    history.params = {"epochs": epochs, "verbose": kwargs.get("verbose", "auto")}
    history.epoch = list(range(epochs))
    if model is not None:
        try:
            history.set_model(model)
        except Exception:
            pass
    return history


def _metric_leaves(model: Any) -> Iterator[Any]:
    """The metrics given to ``compile()``, flattened out of their lists and
    dicts, breadth first (the order Keras names them in)."""
    pending = [getattr(model, "_kgraphlint_metrics", None)]
    while pending:
        item = pending.pop(0)
        if item is None:
            continue
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
        else:
            yield item


def _metric_names(model: Any) -> list[str]:
    """The log names of the metrics given to ``compile()``, as Keras names them."""
    names: list[str] = []
    for item in _metric_leaves(model):
        name = item if isinstance(item, str) else getattr(item, "name", None) or getattr(item, "__name__", None)
        if isinstance(name, str) and name not in names:
            names.append(name)
    return names


def _metric_count(model: Any) -> int:
    """How many values ``evaluate()`` returns: the loss plus compiled metrics."""
    return 1 + sum(1 for _ in _metric_leaves(model))


def _evaluation(model: Any, kwargs: dict) -> Any:
    if kwargs.get("return_dict"):
        logs = _ZeroLogs(0.0)
        logs["loss"] = 0.0
        return logs
    count = _metric_count(model)
    return 0.0 if count == 1 else [0.0] * count


def _batch_size(x: Any) -> int:
    try:
        first = x[0] if isinstance(x, (list, tuple)) else x
        return int(len(first)) or 1
    except Exception:
        return 1


def _zeros_like_outputs(model: Any, x: Any) -> Any:
    import numpy as np

    try:
        batch = _batch_size(x)
        outs = [np.zeros((batch,) + tuple(d or 1 for d in t.shape[1:]), "float32") for t in model.outputs]
        return outs[0] if len(outs) == 1 else outs
    except Exception:
        return None


_FIT_SHAPE_ERRORS = (
    "must have the same rank",
    "must have rank (ndim)",
    "must have the same shape",
    "Incompatible shapes",
    "are incompatible",
    "is incompatible with the layer",
    "input has incompatible shape",
)


def _first_step_shape_error(model: Any, args: tuple, kwargs: dict) -> Optional[BaseException]:
    """What the first step of ``model.fit(x, y)`` would raise about shapes.

    Runs the model forward on two samples and computes the compiled loss
    against two labels, the way ``fit`` starts, without gradients or weight
    updates.  Only in-memory NumPy data is tried (no datasets, generators);
    any error that is not about shapes is ignored.
    """
    import numpy as np

    x = kwargs.get("x", args[0] if args else None)
    y = kwargs.get("y", args[1] if len(args) > 1 else None)
    if not isinstance(x, np.ndarray) or not isinstance(y, np.ndarray) or len(x) == 0 or len(y) == 0:
        return None
    if x.dtype == object or y.dtype == object or getattr(model, "_compile_loss", None) is None:
        return None
    try:
        x2, y2 = x[:2], y[:2]
        y_pred = model(x2, training=False)
        model.compute_loss(x=x2, y=y2, y_pred=y_pred)
    except Exception as exc:  # the user's model and data: anything can happen
        text = str(exc)
        if any(marker in text for marker in _FIT_SHAPE_ERRORS):
            return exc
    return None


def _neutral(name: str, original: Callable) -> Callable:
    @functools.wraps(original)
    def neutralised(self: Any, *args: Any, **kwargs: Any) -> Any:
        rec = _active
        if rec is None:
            return original(self, *args, **kwargs)
        if name in TRAIN_METHODS:
            rec.trained_models.add(id(self))
            rec.on_fit(self, sys._getframe(1))
        elif name in MEASURE_METHODS:
            rec.evaluated_models.add(id(self))
        if name in FIT_METHODS:
            site = rec.user_site(sys._getframe(1))
            rec.fit_sites.append(site)
            if name == "fit":
                problem = _first_step_shape_error(self, args, kwargs)
                if problem is not None:
                    rec.fit_errors.append((site, problem))
            return _history(kwargs, self)
        if name in PREDICT_METHODS:
            return _zeros_like_outputs(self, args[0] if args else kwargs.get("x"))
        if name in RUN_METHODS:  # evaluate, train_on_batch, test_on_batch: their metrics
            return _evaluation(self, kwargs)
        if name == "save":
            # ``load_model(path)`` later in the same trace gets this model back.
            path = args[0] if args else kwargs.get("filepath")
            if isinstance(path, (str, os.PathLike)):
                rec.saved_models[os.fspath(path)] = self
        return None  # save / save_weights / load_weights / export

    return neutralised


def _effective_trainability(model: Any) -> list[tuple[Any, bool]]:
    """Every layer under ``model`` with trainable-and-all-ancestors-trainable."""
    out: list[tuple[Any, bool]] = []
    seen: set[int] = set()
    stack = [(model, bool(getattr(model, "trainable", True)))]
    while stack:
        layer, effective = stack.pop()
        children = getattr(layer, "_layers", None) or []
        if not children and hasattr(layer, "layers"):
            try:
                children = list(layer.layers)
            except Exception:
                children = []
        for child in children:
            if id(child) in seen:
                continue
            seen.add(id(child))
            child_effective = effective and bool(getattr(child, "trainable", True))
            out.append((child, child_effective))
            stack.append((child, child_effective))
    return out


def _patch_device_lists(patcher: _Patcher) -> None:
    """Note when the code asks for GPUs and gets none (tracing runs on the CPU)."""
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return
    for owner in (getattr(tf, "config", None), getattr(getattr(tf, "config", None), "experimental", None)):
        for name in ("list_physical_devices", "list_logical_devices"):
            original = getattr(owner, name, None) if owner is not None else None
            if original is None:
                continue

            def listing(device_type: Any = None, *args: Any, _original: Callable = original, **kwargs: Any) -> Any:
                devices = _original(device_type, *args, **kwargs)
                if _active is not None and not devices and str(device_type or "").upper() in ("GPU", "TPU"):
                    from kgraphlint.trace import sandbox

                    sandbox.journal.gpu_probes += 1
                return devices

            patcher.set(owner, name, functools.wraps(original)(listing))


@contextlib.contextmanager
def installed_hooks() -> Iterator[None]:
    """Install every patch; remove them all on exit."""
    import keras
    import keras.utils  # noqa: F401
    from keras.src.models.functional import Functional
    from keras.src.ops.node import Node
    from keras.src.ops.operation import Operation
    from keras.src.utils import file_utils

    from keras.src.layers.core.input_layer import InputLayer

    _keras_types.update(Operation=Operation, Layer=keras.Layer, InputLayer=InputLayer, Model=keras.Model)
    patcher = _Patcher()
    try:
        # -- where layers are created ---------------------------------------
        original_new = Operation.__dict__["__new__"]
        new_fn = original_new.__func__ if isinstance(original_new, staticmethod) else original_new

        def op_new(cls: type, *args: Any, **kwargs: Any) -> Any:
            instance = new_fn(cls, *args, **kwargs)
            rec = _active
            if rec is not None:
                rec.on_op_created(instance, args, kwargs, sys._getframe(1))
            return instance

        patcher.set(Operation, "__new__", staticmethod(op_new))

        # -- where layers are called ----------------------------------------
        original_node_init = Node.__init__

        def node_init(self: Any, *args: Any, **kwargs: Any) -> None:
            original_node_init(self, *args, **kwargs)
            rec = _active
            if rec is not None:
                rec.on_node(self, sys._getframe(1))

        patcher.set(Node, "__init__", node_init)

        # -- layers called without a Keras node (eager, tf.data) --------------
        original_layer_call = keras.Layer.__call__

        @functools.wraps(original_layer_call)
        def layer_call(self: Any, *args: Any, **kwargs: Any) -> Any:
            rec = _active
            if rec is not None:
                rec.called.add(id(self))
            return original_layer_call(self, *args, **kwargs)

        patcher.set(keras.Layer, "__call__", layer_call)

        # -- model constructions ----------------------------------------------
        original_functional_init = Functional.__init__

        def functional_init(self: Any, inputs: Any, outputs: Any, *args: Any, **kwargs: Any) -> None:
            rec = _active
            name = kwargs.get("name", args[0] if args else None)
            record = rec.on_functional(self, inputs, outputs, name, sys._getframe(1)) if rec is not None else None
            try:
                original_functional_init(self, inputs, outputs, *args, **kwargs)
            except BaseException:
                if record is not None:
                    record.raised = True
                raise
            if record is not None:
                record.ok = True

        patcher.set(Functional, "__init__", functional_init)

        # -- compile: which layers were trainable ------------------------------
        owner = next(c for c in keras.Model.__mro__ if "compile" in c.__dict__)
        original_compile = owner.__dict__["compile"]

        @functools.wraps(original_compile)
        def compile_(self: Any, *args: Any, **kwargs: Any) -> Any:
            rec = _active
            result = original_compile(self, *args, **kwargs)
            if rec is not None:
                # What evaluate() must return: the loss plus these metrics.
                metrics = kwargs.get("metrics", args[2] if len(args) > 2 else None)
                try:
                    self._kgraphlint_metrics = metrics
                except Exception:
                    pass
            if rec is not None:
                loss = kwargs.get("loss", args[1] if len(args) > 1 else None)
                caller = sys._getframe(1)
                rec.compiles.append(
                    CompileRecord(
                        self, rec.user_site(caller), _effective_trainability(self), loss,
                        rec.tick(), rec.sites.calls_of_stack(caller),
                    )
                )
            return result

        patcher.set(owner, "compile", compile_)

        # -- trainable flags set by user code -----------------------------------
        trainable_owner = next(c for c in keras.Layer.__mro__ if "trainable" in c.__dict__)
        trainable_property = trainable_owner.__dict__["trainable"]

        def set_trainable(self: Any, value: Any) -> None:
            trainable_property.fset(self, value)
            rec = _active
            if rec is None:
                return
            # The assignment reaches the property through Layer.__setattr__;
            # Keras's own setter recurses into sub-layers the same way.  Only
            # the assignment the user wrote is an event.
            caller: Optional[FrameType] = sys._getframe(1)
            while caller is not None and caller.f_code.co_name == "__setattr__":
                caller = caller.f_back
            if caller is not None and rec.sites.is_user(caller.f_code.co_filename):
                rec.on_trainable_set(self, value, caller)

        patcher.set(trainable_owner, "trainable", property(trainable_property.fget, set_trainable, None, trainable_property.__doc__))

        # -- never train, predict, save or load ---------------------------------
        for name in (
            *sorted(KERAS3_RUN_METHODS),
            "save",
            "save_weights",
            "load_weights",
            "export",
        ):
            for cls in keras.Model.__mro__:
                if name in cls.__dict__:
                    patcher.set(cls, name, _neutral(name, cls.__dict__[name]))
                    break
        # Removed in Keras 3 (KG402 reports them statically); while tracing
        # they behave like their modern names so the graph still gets built.
        for old, new in GENERATOR_METHODS.items():
            if not hasattr(keras.Model, old):

                def missing(self: Any, *a: Any, _new: str = new, **k: Any) -> Any:
                    if _active is None:
                        raise AttributeError(_new)
                    return getattr(self, _new)(*a, **k)

                patcher.set(keras.Model, old, missing)

        # -- load_model: a model saved while tracing comes back -------------------
        for module_name in ("keras.models", "keras.saving"):
            module = sys.modules.get(module_name) or importlib.import_module(module_name)
            original_load = getattr(module, "load_model", None)
            if original_load is None:
                continue

            def load_model(filepath: Any, *args: Any, _original: Callable = original_load, **kwargs: Any) -> Any:
                rec = _active
                if rec is not None and isinstance(filepath, (str, os.PathLike)):
                    saved = rec.saved_models.get(os.fspath(filepath))
                    if saved is not None:
                        return saved
                return _original(filepath, *args, **kwargs)

            patcher.set(module, "load_model", load_model)

        # -- applications, datasets, downloads -----------------------------------
        _replace_everywhere(patcher, _application_constructors(), _wrap_application)
        _replace_everywhere(patcher, _dataset_loaders(), _wrap_loader)
        get_file = file_utils.get_file
        _replace_everywhere(patcher, {id(get_file): get_file}, _wrap_get_file)
        _patch_device_lists(patcher)
        from keras.src.utils import image_dataset_utils, text_dataset_utils

        for kind, fn in (
            ("image", image_dataset_utils.image_dataset_from_directory),
            ("text", text_dataset_utils.text_dataset_from_directory),
        ):
            _replace_everywhere(patcher, {id(fn): fn}, functools.partial(_wrap_directory_dataset, kind))
        # Plots need graphviz (another program): like saving, they do nothing.
        for module_name in ("keras.utils", "keras.src.utils", "keras.src.utils.model_visualization"):
            utils_module = sys.modules.get(module_name)
            original_plot = getattr(utils_module, "plot_model", None) if utils_module is not None else None
            if original_plot is not None:

                def plot_model(*args: Any, _original: Callable = original_plot, **kwargs: Any) -> Any:
                    return None if _active is not None else _original(*args, **kwargs)

                patcher.set(utils_module, "plot_model", plot_model)

        # -- process exits and the network -----------------------------------------
        real_exit = os._exit

        def no_exit(status: int = 0) -> None:
            from kgraphlint.trace.sandbox import in_forked_child

            if _active is None or in_forked_child():
                real_exit(status)
            raise TraceExit(f"os._exit({status}) called")

        patcher.set(os, "_exit", no_exit)
        yield
    finally:
        patcher.undo()
