"""Static shape inference (kgraphlint/static/shapes.py) against real Keras.

Each case is a layer expression and an input shape.  The static engine reads a
tiny program (``x = keras.Input(batch_shape=...)`` then ``y = <layer>(x)``) and
infers ``y``'s shape; real Keras builds the same layer on the same input.  A
dimension the engine infers must be Keras's; the cases here are all ones the
engine must pin down completely.  Rejected cases must make Keras raise, and the
static rule must report them.  The tables in shapes.py (positional parameters,
applications) are checked against Keras too.
"""

from __future__ import annotations

import inspect

import libcst as cst
import pytest

from kgraphlint.static import shapes

pytestmark = pytest.mark.slow

# (layer expression, input batch shape, expected output shape or None = "keras decides")
OUTPUT_CASES = [
    ("layers.Dense(10)", (None, 32)),
    ("layers.Dense(10, 'relu')", (None, 28, 28)),
    ("layers.Conv2D(32, 3)", (None, 28, 28, 1)),
    ("layers.Conv2D(32, (3, 5), strides=2)", (None, 28, 29, 3)),
    ("layers.Conv2D(16, 3, padding='same', strides=(2, 2))", (None, 31, 31, 3)),
    ("layers.Conv2D(8, 3, dilation_rate=2)", (None, 20, 20, 3)),
    ("layers.Conv2D(8, 3, data_format='channels_first')", (None, 3, 20, 22)),
    ("layers.Conv2D(8, 3)", (None, None, None, 3)),
    ("layers.Conv1D(64, 5, padding='causal')", (None, 100, 8)),
    ("layers.Conv1D(64, 5, strides=3)", (None, 100, 8)),
    ("layers.Conv3D(4, 3, padding='same')", (None, 8, 16, 16, 1)),
    ("layers.Conv2DTranspose(32, 3, strides=2)", (None, 7, 7, 64)),
    ("layers.Conv2DTranspose(32, 4, strides=2, padding='same')", (None, 7, 7, 64)),
    ("layers.Conv2DTranspose(32, 3, strides=2, padding='same', output_padding=1)", (None, 7, 7, 64)),
    ("layers.Conv1DTranspose(8, 3, strides=2)", (None, 10, 4)),
    ("layers.Conv3DTranspose(8, 2, strides=2)", (None, 4, 4, 4, 2)),
    ("layers.SeparableConv2D(16, 3, padding='same')", (None, 32, 32, 3)),
    ("layers.SeparableConv1D(16, 3)", (None, 32, 3)),
    ("layers.DepthwiseConv2D(3, depth_multiplier=2)", (None, 32, 32, 3)),
    ("layers.DepthwiseConv1D(3, strides=2)", (None, 32, 5)),
    ("layers.MaxPooling2D()", (None, 27, 27, 8)),
    ("layers.MaxPooling2D((3, 3), strides=(2, 2))", (None, 27, 27, 8)),
    ("layers.MaxPool2D(pool_size=2, padding='same')", (None, 27, 27, 8)),
    ("layers.AveragePooling1D(4)", (None, 30, 8)),
    ("layers.AveragePooling3D(2)", (None, 8, 8, 8, 2)),
    ("layers.MaxPooling3D()", (None, 8, 8, 8, 2)),
    ("layers.MaxPooling1D()", (None, 9, 2)),
    ("layers.GlobalAveragePooling2D()", (None, 7, 7, 512)),
    ("layers.GlobalMaxPooling1D()", (None, 50, 64)),
    ("layers.GlobalAveragePooling2D(keepdims=True)", (None, 7, 7, 512)),
    ("layers.GlobalAvgPool3D()", (None, 4, 4, 4, 16)),
    ("layers.Flatten()", (None, 7, 7, 64)),
    ("layers.Flatten()", (None, 10)),
    ("layers.Reshape((7, 7, 128))", (None, 6272)),
    ("layers.Reshape((-1, 64))", (None, 7, 7, 128)),
    ("layers.Reshape((28, 28, 1))", (None, 784)),
    ("layers.Permute((2, 1))", (None, 10, 64)),
    ("layers.Permute((3, 1, 2))", (None, 4, 5, 6)),
    ("layers.RepeatVector(5)", (None, 32)),
    ("layers.Embedding(1000, 64)", (None, 100)),
    ("layers.Embedding(input_dim=1000, output_dim=16)", (None, 10, 3)),
    ("layers.LSTM(32)", (None, 10, 8)),
    ("layers.LSTM(32, return_sequences=True)", (None, 10, 8)),
    ("layers.GRU(16, return_sequences=True)", (None, None, 8)),
    ("layers.SimpleRNN(4)", (None, 10, 8)),
    ("layers.Bidirectional(layers.LSTM(32))", (None, 10, 8)),
    ("layers.Bidirectional(layers.LSTM(32, return_sequences=True))", (None, 10, 8)),
    ("layers.Bidirectional(layers.GRU(8), merge_mode='sum')", (None, 10, 8)),
    ("layers.TimeDistributed(layers.Dense(5))", (None, 10, 8)),
    ("layers.TimeDistributed(layers.Conv2D(4, 3))", (None, 6, 16, 16, 3)),
    ("layers.BatchNormalization()", (None, 16, 16, 3)),
    ("layers.LayerNormalization()", (None, 10, 8)),
    ("layers.Dropout(0.5)", (None, 128)),
    ("layers.Activation('relu')", (None, 4, 4)),
    ("layers.ReLU()", (None, 4, 4)),
    ("layers.LeakyReLU(0.2)", (None, 4, 4)),
    ("layers.SpatialDropout2D(0.1)", (None, 8, 8, 3)),
    ("layers.GaussianNoise(0.1)", (None, 8)),
    ("layers.Rescaling(1.0 / 255)", (None, 32, 32, 3)),
    ("layers.UpSampling2D()", (None, 16, 16, 8)),
    ("layers.UpSampling2D(size=(2, 3))", (None, 16, 16, 8)),
    ("layers.UpSampling1D(3)", (None, 16, 8)),
    ("layers.UpSampling3D(2)", (None, 4, 4, 4, 1)),
    ("layers.ZeroPadding2D()", (None, 16, 16, 8)),
    ("layers.ZeroPadding2D(((1, 2), (3, 4)))", (None, 16, 16, 8)),
    ("layers.ZeroPadding1D(2)", (None, 16, 8)),
    ("layers.ZeroPadding3D((1, 2, 3))", (None, 4, 4, 4, 1)),
    ("layers.Cropping2D(((1, 1), (2, 2)))", (None, 16, 16, 8)),
    ("layers.Cropping1D((1, 2))", (None, 16, 8)),
    ("layers.Cropping3D(1)", (None, 6, 6, 6, 1)),
]

# Merges: (expression building the merged tensor from a and b, shape a, shape b)
MERGE_CASES = [
    ("layers.Concatenate()([a, b])", (None, 8, 8, 3), (None, 8, 8, 5)),
    ("layers.Concatenate(axis=1)([a, b])", (None, 4, 16), (None, 6, 16)),
    ("layers.concatenate([a, b], axis=-1)", (None, 10), (None, 20)),
    ("layers.Add()([a, b])", (None, 8, 8, 3), (None, 8, 8, 3)),
    ("layers.add([a, b])", (None, 8, 8, 3), (None, 8, 8, 1)),
    ("layers.Multiply()([a, b])", (None, 16), (None, 1)),
    ("layers.Average()([a, b])", (None, 16), (None, 16)),
    ("layers.Subtract()([a, b])", (None, 5, 16), (None, 5, 16)),
    ("layers.Maximum()([a, b])", (None, 16), (None, 16)),
    ("layers.Minimum()([a, b])", (None, None, 16), (None, 7, 16)),
]

# Programs the static engine must reject with this rule; Keras must raise.
REJECTED = [
    ("KG601", "y = layers.Conv2D(8, 3)(keras.Input(shape=(28, 28)))"),
    ("KG601", "y = layers.Conv2D(8, 3)(keras.Input(shape=(4, 28, 28, 1)))"),
    ("KG601", "y = layers.Conv1D(8, 3)(keras.Input(shape=(100,)))"),
    ("KG601", "y = layers.LSTM(8)(keras.Input(shape=(100,)))"),
    ("KG601", "y = layers.LSTM(8)(layers.LSTM(8)(keras.Input(shape=(10, 3))))"),
    ("KG601", "y = layers.GRU(8)(keras.Input(shape=(10, 3, 2)))"),
    ("KG601", "y = layers.MaxPooling2D()(layers.Flatten()(keras.Input(shape=(8, 8, 3))))"),
    ("KG601", "y = layers.GlobalAveragePooling2D()(keras.Input(shape=(10, 3)))"),
    ("KG601", "y = layers.RepeatVector(3)(keras.Input(shape=(10, 3)))"),
    ("KG601", "y = layers.TimeDistributed(layers.Dense(3))(keras.Input(shape=(10,)))"),
    ("KG601", "y = layers.Bidirectional(layers.LSTM(3))(keras.Input(shape=(10,)))"),
    ("KG601", "y = layers.UpSampling2D()(keras.Input(shape=(10, 3)))"),
    ("KG601", "y = layers.Dense(3)(keras.Input(shape=()))"),
    ("KG601", "m = keras.Sequential([layers.Input(shape=(28, 28)), layers.Conv2D(8, 3)])"),
    ("KG601", "m = keras.Sequential([layers.Dense(8, input_shape=(16,)), layers.LSTM(4)])"),
    ("KG602", "y = layers.Concatenate()([keras.Input(shape=(8, 8, 3)), keras.Input(shape=(4, 4, 3))])"),
    ("KG602", "y = layers.Concatenate()([keras.Input(shape=(8, 3)), keras.Input(shape=(8, 8, 3))])"),
    ("KG602", "y = layers.Add()([keras.Input(shape=(8, 8, 3)), keras.Input(shape=(8, 8, 5))])"),
    ("KG602", "y = layers.multiply([keras.Input(shape=(16,)), keras.Input(shape=(8,))])"),
    ("KG602", "y = layers.Concatenate(axis=1)([keras.Input(shape=(4, 16)), keras.Input(shape=(4, 8))])"),
    ("KG607", "y = layers.Conv2D(8, 5)(keras.Input(shape=(4, 4, 3)))"),
    ("KG607", "y = layers.MaxPooling2D(3)(keras.Input(shape=(2, 8, 3)))"),
    ("KG607", "y = layers.Conv1D(8, 3, dilation_rate=4)(keras.Input(shape=(8, 3)))"),
    ("KG607", "y = layers.AveragePooling1D(4, strides=1)(keras.Input(shape=(3, 2)))"),
    ("KG603", "y = layers.Reshape((7, 7, 64))(keras.Input(shape=(6272,)))"),
    ("KG603", "y = layers.Reshape((-1, 3))(keras.Input(shape=(100,)))"),
    ("KG603", "m = keras.Sequential([layers.Input(shape=(10, 10)), layers.Flatten(), layers.Reshape((5, 5))])"),
]

# Accepted by Keras: the static rules must stay quiet.
ACCEPTED = [
    "y = layers.Dense(3)(keras.Input(shape=(4, 5, 6)))",
    "y = layers.Add()([keras.Input(shape=(8, 8, 3)), keras.Input(shape=(8, 8, 1))])",
    "y = layers.Add()([keras.Input(shape=(8, 3)), keras.Input(shape=(3,))])",
    "y = layers.Concatenate(axis=1)([keras.Input(shape=(4, 16)), keras.Input(shape=(6, 16))])",
    "y = layers.Concatenate()([keras.Input(shape=(None, 16)), keras.Input(shape=(7, 4))])",
    "y = layers.Reshape((-1,))(keras.Input(shape=(7, 7, 3)))",
    "y = layers.Reshape((2, -1))(keras.Input(shape=(None, 4)))",
    "y = layers.Flatten()(keras.Input(shape=(3, 4, 5, 6)))",
    "y = layers.Embedding(10, 4)(keras.Input(shape=(3, 2)))",
    "y = layers.Conv2D(8, 5, padding='same')(keras.Input(shape=(4, 4, 3)))",
    "y = layers.Conv2D(8, 4)(keras.Input(shape=(4, 4, 3)))",
    "y = layers.MaxPooling2D(2, padding='same')(keras.Input(shape=(1, 1, 3)))",
]


def _static_facts(source: str):
    from kgraphlint.static.engine import analyze
    from kgraphlint.static.source import make_context

    ctx = make_context("case.py", source, cst.parse_module(source))
    return analyze(ctx), ctx


def _static_output(source: str, var: str = "y"):
    """The shape the static engine gives the tensor assigned to ``var`` on the last line."""
    facts, _ = _static_facts(source)
    last = len(source.strip().splitlines())
    candidates = [t for t in facts.tensors if t.producer is not None and t.site is not None and t.site.line == last]
    assert candidates, source
    return candidates[-1].shape


def _compatible(ours, theirs) -> bool:
    if ours is None or len(ours) != len(theirs):
        return False
    return all(a is None or a == b for a, b in zip(ours, theirs))


@pytest.mark.parametrize("expr,shape", OUTPUT_CASES, ids=[f"{e}-{s}" for e, s in OUTPUT_CASES])
def test_output_shape_matches_keras(expr: str, shape) -> None:
    import keras
    from keras import layers  # noqa: F401  (used by eval)

    theirs = tuple(eval(expr)(keras.Input(batch_shape=shape)).shape)
    source = f"import keras\nfrom keras import layers\nx = keras.Input(batch_shape={shape!r})\ny = {expr}(x)\n"
    ours = _static_output(source)
    assert ours == theirs, (ours, theirs)


@pytest.mark.parametrize("expr,a,b", MERGE_CASES, ids=[e for e, _, _ in MERGE_CASES])
def test_merge_shape_matches_keras(expr: str, a, b) -> None:
    import keras
    from keras import layers  # noqa: F401

    env = {"keras": keras, "layers": layers, "a": keras.Input(batch_shape=a), "b": keras.Input(batch_shape=b)}
    theirs = tuple(eval(expr, env).shape)
    source = (
        f"import keras\nfrom keras import layers\na = keras.Input(batch_shape={a!r})\n"
        f"b = keras.Input(batch_shape={b!r})\ny = {expr}\n"
    )
    ours = _static_output(source)
    assert _compatible(ours, theirs) and ours == theirs, (ours, theirs)


def _rule_findings(source: str, code: str):
    from kgraphlint.rules import all_rules

    facts, _ = _static_facts(source)
    return [f for f in all_rules()[code].check(facts)]


@pytest.mark.parametrize("code,line", REJECTED, ids=[f"{c}-{l}" for c, l in REJECTED])
def test_rejected_by_rule_and_by_keras(code: str, line: str) -> None:
    import keras
    from keras import layers

    source = f"import keras\nfrom keras import layers\n{line}\n"
    assert _rule_findings(source, code), f"{code} did not fire"
    with pytest.raises(ValueError):
        exec(line, {"keras": keras, "layers": layers})


@pytest.mark.parametrize("line", ACCEPTED)
def test_accepted_by_keras_and_by_the_rules(line: str) -> None:
    import keras
    from keras import layers

    exec(line, {"keras": keras, "layers": layers})
    source = f"import keras\nfrom keras import layers\n{line}\n"
    for code in ("KG601", "KG602", "KG603", "KG607"):
        assert not _rule_findings(source, code), code


def test_positional_parameters_match_keras() -> None:
    import keras

    for name, params in shapes.POSITIONAL.items():
        cls = getattr(keras.layers, name)
        positional = [
            p.name
            for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
            if p.kind == p.POSITIONAL_OR_KEYWORD
        ]
        assert positional[: len(params)] == list(params), name
    for alias, name in shapes.ALIASES.items():
        assert getattr(keras.layers, alias) is getattr(keras.layers, name), alias


# Built for real (one per family, the cheap ones); every row's limits are
# checked on all of them (Keras rejects before building anything).  The channel
# counts of the others were verified once by building all 40 (29 min).
BUILT_APPLICATIONS = {"VGG16", "ResNet50", "MobileNetV2", "DenseNet121", "EfficientNetB0", "InceptionV3", "Xception", "ConvNeXtTiny", "MobileNetV3Small", "NASNetMobile"}


@pytest.mark.parametrize("name", sorted(shapes.APPLICATIONS))
def test_application_table_matches_keras(name: str, monkeypatch) -> None:
    """Minimum size accepted (and one less rejected), feature channels, and the
    input size ImageNet weights with the top demand (checked without download)."""
    import keras
    from keras.src.utils import file_utils

    default, min_size, channels = shapes.APPLICATIONS[name]
    build = getattr(keras.applications, name)

    class Download(Exception):
        pass

    def no_download(*args, **kwargs):
        raise Download()

    monkeypatch.setattr(file_utils, "get_file", no_download)
    for module in list(__import__("sys").modules.values()):
        if getattr(module, "__name__", "").startswith("keras.src.applications.") and hasattr(module, "file_utils"):
            monkeypatch.setattr(module.file_utils, "get_file", no_download)

    if name in BUILT_APPLICATIONS:
        small = max(min_size, 32)
        model = build(include_top=False, weights=None, input_shape=(small, small, 3))
        assert model.output.shape[-1] == channels
        _, out = shapes.application_shapes(name, {"include_top": False, "input_shape": (small, small, 3)}, None)
        assert out is not None and _compatible(out, tuple(model.output.shape))
    if not name.startswith(("MobileNetV3", "NASNet")):
        args = {"include_top": False, "weights": None, "input_shape": (min_size - 1, min_size - 1, 3)}
        assert shapes.application_input_problem(name, args) is not None
        with pytest.raises(ValueError):
            build(**args)
        args = {"include_top": True, "weights": "imagenet", "input_shape": (default + 1, default + 1, 3)}
        assert shapes.application_input_problem(name, args) is not None
        with pytest.raises(ValueError):
            build(**args)
        args = {"include_top": True, "weights": "imagenet", "input_shape": (default, default, 3)}
        assert shapes.application_input_problem(name, args) is None
        if name in BUILT_APPLICATIONS:
            # Accepted: Keras builds the model and only then wants the weights.
            with pytest.raises((Download, Exception)) as raised:
                build(**args)
            assert raised.type is Download or "input_shape" not in str(raised.value), raised.value
