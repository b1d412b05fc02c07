"""Plain Python objects in model code: an object called like a layer (its
class's ``__call__``), methods inherited from a plain base, ``@dataclass``
configs, and instances built by code the engine does not see."""

from __future__ import annotations

from pathlib import Path

from kgraphlint.lint import lint_paths
from tests.conftest import write

HEADER = """\
from dataclasses import dataclass
from tensorflow import keras
from tensorflow.keras import layers
"""


def codes(tmp_path: Path, source: str) -> list[tuple[str, int]]:
    path = write(tmp_path, "model.py", HEADER + source)
    return [(f.code, f.line) for f in lint_paths([str(path)], use_cache=False).findings]


def test_an_object_called_like_a_layer_runs_its_dunder_call(tmp_path: Path) -> None:
    assert codes(tmp_path, """\
class MLPStack:
    def __init__(self, units):
        self.layers = [layers.Dense(u, activation="relu") for u in units]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


features = keras.Input(shape=(20,))
extra = keras.Input(shape=(4,))
model = keras.Model([features, extra], layers.Dense(1)(MLPStack([64, 32])(features)))
""") == [("KG102", 16)]


def test_dunder_call_and_methods_inherited_from_a_plain_base(tmp_path: Path) -> None:
    assert codes(tmp_path, """\
class Block:
    def __call__(self, x):
        return self.forward(x)


class Head(Block):
    def __init__(self):
        self.dense = layers.Dense(1)

    def forward(self, x):
        return self.dense(x)


a = keras.Input(shape=(20,))
b = keras.Input(shape=(3,))
model = keras.Model([a, b], Head()(a))
""") == [("KG102", 19)]


DATACLASS_MODEL = """\
@dataclass
class Config:
    hidden: int = 64
    use_extra: bool = False


def make(cfg):
    a = keras.Input(shape=(20,))
    b = keras.Input(shape=(3,))
    x = layers.Dense(cfg.hidden)(a)
    if cfg.use_extra:
        x = layers.Concatenate()([x, b])
    return keras.Model([a, b], layers.Dense(1)(x))


"""


def test_dataclass_fields_are_the_arguments_passed(tmp_path: Path) -> None:
    assert codes(tmp_path, DATACLASS_MODEL + "model = make(Config(32, False))\n") == [("KG102", 16)]
    assert codes(tmp_path, DATACLASS_MODEL + "model = make(Config(use_extra=True))\n") == []
    assert codes(tmp_path, DATACLASS_MODEL + "model = make(Config(32, True))\n") == []


def test_a_dataclass_method_run_on_its_own_knows_no_field(tmp_path: Path) -> None:
    source = DATACLASS_MODEL.replace("def make(cfg):", "def _unused():\n    pass\n\n\ndef make(cfg):")
    source = source.replace("class Config:", "class Config:\n    def model(self):\n        return make(self)\n")
    assert codes(tmp_path, source) == []


def test_an_instance_built_by_an_unseen_init_has_unknown_attributes(tmp_path: Path) -> None:
    # pydantic's BaseModel (or any third-party base) sets the fields.
    source = DATACLASS_MODEL.replace("@dataclass\nclass Config:", "from pydantic import BaseModel\n\n\nclass Config(BaseModel):")
    assert codes(tmp_path, source + "model = make(Config(use_extra=True))\n") == []


def test_a_registering_decorator_stores_the_builder(tmp_path: Path) -> None:
    # Found only through the registry: with ``use_meta`` unknown the input
    # may be used.
    registry = """\
MODELS = {}


def register(name):
    def decorator(fn):
        MODELS[name] = fn
        return fn
    return decorator


@register("mlp")
def mlp(width, use_meta):
    a = keras.Input(shape=(8,))
    b = keras.Input(shape=(3,))
    x = layers.Dense(width)(a)
    if use_meta:
        x = layers.Concatenate()([x, b])
    return keras.Model([a, b], x)


"""
    assert codes(tmp_path, registry + 'model = MODELS["mlp"](4, use_meta=False)\n') == [("KG102", 21)]
    assert codes(tmp_path, registry + 'model = MODELS["mlp"](4, use_meta=True)\n') == []


def test_a_library_decorator_leaves_the_function(tmp_path: Path) -> None:
    # ``@tf.function`` / ``functools.lru_cache``: the same code still runs.
    assert codes(tmp_path, """\
import functools


@functools.lru_cache(maxsize=None)
def head(width):
    return layers.Dense(width)


a = keras.Input(shape=(8,))
b = keras.Input(shape=(3,))
model = keras.Model([a, b], head(4)(a))
""") == [("KG102", 14)]


def test_a_classmethod_constructor_binds_the_class(tmp_path: Path) -> None:
    assert codes(tmp_path, """\
class Net:
    @classmethod
    def from_dict(cls, config):
        return cls(**config)

    def __init__(self, extra=False):
        self.extra = extra

    def __call__(self, shape):
        inputs = [keras.Input(shape)]
        if self.extra:
            inputs.append(keras.Input((2,)))
        return keras.Model(inputs, layers.Dense(1)(inputs[0]))


model = Net.from_dict({"extra": True})((16,))
clean = Net.from_dict({"extra": False})((16,))
""") == [("KG102", 16)]
