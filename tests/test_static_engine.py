"""The static engine's facts, checked directly (the rules have their own tests)."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from kgraphlint import graph
from kgraphlint.graph import Misuse
from kgraphlint.static.engine import analyze
from kgraphlint.static.source import make_context


def facts_of(source: str) -> graph.Facts:
    source = textwrap.dedent(source)
    ctx = make_context("example.py", source, cst.parse_module(source))
    return analyze(ctx)


def layer_classes(facts: graph.Facts) -> list[str]:
    return [layer.class_name for layer in facts.layers if not layer.class_name.startswith("ops.")]


@pytest.mark.parametrize(
    "imports, dense",
    [
        ("import keras", "keras.layers.Dense"),
        ("from keras import layers", "layers.Dense"),
        ("from keras import layers as L", "L.Dense"),
        ("import keras.layers as kl", "kl.Dense"),
        ("from keras.layers import Dense", "Dense"),
        ("from keras.layers import Dense as D", "D"),
        ("from keras.layers import *", "Dense"),
        ("from tensorflow import keras", "keras.layers.Dense"),
        ("import tensorflow as tf", "tf.keras.layers.Dense"),
        ("from tensorflow.keras.layers import Dense", "Dense"),
        ("from tensorflow.keras import layers", "layers.Dense"),
        ("import tf_keras", "tf_keras.layers.Dense"),
        ("import keras.layers", "keras.layers.Dense"),
    ],
)
def test_import_styles_resolve_to_keras(imports: str, dense: str) -> None:
    facts = facts_of(
        f"""
        {imports}
        import keras as _k
        x = _k.Input((4,))
        y = {dense}(3)(x)
        """
    )
    assert layer_classes(facts) == ["Dense"]
    assert len(facts.nodes) == 1
    assert facts.nodes[0].inputs[0].is_input


@pytest.mark.parametrize(
    "model_ctor",
    [
        "keras.Model",
        "keras.models.Model",
        "keras.engine.training.Model",
        "tf.keras.Model",
        "tf.keras.models.Model",
    ],
)
def test_model_constructors(model_ctor: str) -> None:
    facts = facts_of(
        f"""
        import keras
        import tensorflow as tf
        inp = keras.Input((4,))
        model = {model_ctor}(inp, keras.layers.Dense(2)(inp))
        """
    )
    (model,) = facts.models
    assert model.kind == "functional"
    assert model.label == "model"
    assert model.inputs[0].label == "inp"


def test_unknown_library_is_not_keras() -> None:
    facts = facts_of(
        """
        from mylib import Dense, Model, Input
        x = Input((4,))
        m = Model(x, Dense(3)(x))
        """
    )
    assert facts.layers == [] and facts.models == [] and facts.events == []


def test_helper_functions_are_inlined_per_call() -> None:
    facts = facts_of(
        """
        from keras import layers, Model, Input

        def conv_bn(x, filters, name=None):
            x = layers.Conv2D(filters, 3, name=name)(x)
            x = layers.BatchNormalization()(x)
            return layers.Activation("relu")(x)

        def build():
            inp = Input((32, 32, 3))
            x = conv_bn(inp, 16, name="c1")
            x = conv_bn(x, 32, name="c2")
            return Model(inp, x)
        """
    )
    convs = [l for l in facts.layers if l.class_name == "Conv2D"]
    assert [l.name for l in convs] == ["c1", "c2"]
    (model,) = facts.models
    assert len(graph.model_layers(model)) == 6
    ancestry = graph.input_roots(model.outputs[0])
    assert ancestry.complete and len(ancestry.definite) == 1


def test_if_else_keeps_both_branches_and_constant_tests_fold() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers

        def build(use_bn=False):
            inp = keras.Input((8,))
            if use_bn:
                x = layers.BatchNormalization()(inp)
            else:
                x = layers.Dense(8)(inp)
            if inp.shape[0]:
                y = layers.Dense(4)(x)
            else:
                y = layers.Dense(5)(x)
            return keras.Model(inp, y)
        """
    )
    assert "BatchNormalization" not in layer_classes(facts)
    (model,) = facts.models
    (out,) = model.outputs
    assert len(out.alternatives) == 2
    ancestry = graph.input_roots(out)
    assert ancestry.definite == {id(model.inputs[0])}


def test_loops_over_known_elements_and_unknown_length() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers

        def build(depth):
            inp = keras.Input((8,))
            x = inp
            for units in [64, 32, 16]:
                x = layers.Dense(units)(x)
            shared = layers.Dense(16)
            for _ in range(depth):
                x = shared(x)
            return keras.Model(inp, x)
        """
    )
    dense = [l for l in facts.layers if l.class_name == "Dense"]
    assert len(dense) == 4
    shared = dense[-1]
    assert len(shared.nodes) == 2
    first, second = shared.nodes
    assert second.inputs[0] is first.outputs[0]


def test_list_building_and_merge() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers

        inputs = [keras.Input((4,), name=f"in{i}") for i in range(3)]
        branches = []
        for inp in inputs:
            branches.append(layers.Dense(2)(inp))
        merged = layers.concatenate(branches)
        model = keras.Model(inputs, layers.Dense(1)(merged))
        """
    )
    (model,) = facts.models
    assert len(model.inputs) == 3
    ancestry = graph.input_roots(model.outputs[0])
    assert ancestry.complete
    assert ancestry.possible == {id(t) for t in model.inputs}


def test_application_model_attributes() -> None:
    facts = facts_of(
        """
        import keras
        base = keras.applications.InceptionV3(include_top=False, weights=None)
        x = keras.layers.GlobalAveragePooling2D()(base.output)
        out = keras.layers.Dense(5, activation="softmax")(x)
        model = keras.Model(base.input, out)
        mid = keras.Model(base.input, base.get_layer("mixed7").output)
        """
    )
    base, model, mid = facts.models
    assert base.kind == "application" and base.include_top is False
    assert base.outputs[0].feature_map_of is base
    assert model.inputs[0] is base.inputs[0]
    assert model.inputs[0].label == "base.input"
    for m in (model, mid):
        ancestry = graph.input_roots(m.outputs[0], frozenset(id(t) for t in m.inputs))
        assert ancestry.definite == {id(base.inputs[0])}


def test_model_called_on_new_input_is_connected() -> None:
    facts = facts_of(
        """
        import keras
        base = keras.applications.ResNet50(include_top=False, pooling="avg", weights=None)
        image = keras.Input((224, 224, 3))
        features = base(image, training=False)
        model = keras.Model(image, keras.layers.Dense(3)(features))
        """
    )
    model = facts.models[-1]
    ancestry = graph.input_roots(model.outputs[0], frozenset(id(t) for t in model.inputs))
    assert ancestry.definite == {id(model.inputs[0])}


def test_kind_events() -> None:
    facts = facts_of(
        """
        import keras
        import tensorflow as tf
        from keras import layers
        inp = keras.Input((8,))
        x = layers.Dense(4)(inp)
        dense = layers.Dense(2)
        a = keras.Model(inp, dense)
        b = x(inp)
        c = tf.reduce_mean(x, axis=1)
        d = keras.Sequential([layers.Dense(2)(inp)])
        e = layers.concatenate([x, dense])
        """
    )
    assert [(e.misuse, e.what) for e in facts.events] == [
        (Misuse.LAYER_AS_TENSOR, "dense"),
        (Misuse.TENSOR_AS_LAYER, "x"),
        (Misuse.BACKEND_OP_ON_SYMBOLIC, "x"),
        (Misuse.TENSOR_AS_LAYER, "layers.Dense(...)(...)"),
        (Misuse.LAYER_AS_TENSOR, "dense"),
    ]


def test_unknown_values_never_make_events() -> None:
    facts = facts_of(
        """
        import keras
        import tensorflow as tf
        from keras import layers

        def head(x, make_layer):
            y = make_layer()(x)
            z = tf.reduce_mean(x)
            return keras.Model(x, y), z
        """
    )
    assert facts.events == []
    (model,) = facts.models
    assert model.kind == "unknown" and model.inputs is None


def test_tensorflow_inside_lambda_layer_is_fine() -> None:
    facts = facts_of(
        """
        import keras
        import tensorflow as tf
        inp = keras.Input((8,))
        x = keras.layers.Lambda(lambda t: tf.reduce_sum(t, axis=1, keepdims=True))(inp)
        model = keras.Model(inp, x)
        """
    )
    assert facts.events == []


def test_used_flags() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers
        inp = keras.Input((8,))
        x = layers.Dense(8)(inp)
        layers.Dropout(0.5)
        branch = layers.Dense(4)(x)
        _ignored = layers.Dense(4)(x)
        flip = layers.RandomFlip()
        augment = lambda t: flip(t)
        model = keras.Model(inp, x)
        """
    )
    unused_layers = [l.class_name for l in facts.layers if l.used is False]
    assert unused_layers == ["Dropout"]
    unused = [t.label for t in facts.tensors if t.used is False and t.producer is not None]
    assert unused == ["branch"]


def test_gan_trainable_snapshots() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers

        def build():
            img = keras.Input((4,))
            disc = keras.Model(img, layers.Dense(1)(layers.Dense(8)(img)))
            disc.compile("adam", "binary_crossentropy")
            disc.trainable = False
            z = keras.Input((2,))
            gen = keras.Sequential([layers.Dense(4)])
            gan = keras.Model(z, disc(gen(z)))
            gan.compile("adam", "binary_crossentropy")
            return gan
        """
    )
    first, second = facts.compiles
    dense = [l for l in facts.layers if l.class_name == "Dense"][:2]
    assert all(first.trainable[l] is True for l in dense)
    assert all(second.trainable[l] is False for l in dense)


def test_partial_unfreeze_is_unknown() -> None:
    facts = facts_of(
        """
        import keras
        base = keras.applications.InceptionV3(include_top=False, weights=None)
        for layer in base.layers[:249]:
            layer.trainable = False
        model = keras.Model(base.input, keras.layers.Dense(2)(keras.layers.Flatten()(base.output)))
        model.compile("adam", "mse")
        """
    )
    (compiled,) = facts.compiles
    backbone = base_layer = [l for l in facts.layers if l.class_name == "InceptionV3"][0]
    assert compiled.trainable[backbone] is None
    assert base_layer.library_made


def test_builders_are_model_building_functions_without_training() -> None:
    facts = facts_of(
        """
        import keras

        def construct_model(use_imagenet=True):
            base = keras.applications.InceptionV3(include_top=False,
                                                  weights="imagenet" if use_imagenet else None)
            return keras.Model(base.input, keras.layers.Dense(2)(base.output))

        def build_head(features, n):
            return keras.Model(features, keras.layers.Dense(n)(features))

        def main():
            model = construct_model()
            model.fit(None)

        if __name__ == "__main__":
            main()
        """
    )
    assert facts.builders == [("construct_model", 0), ("build_head", 2)]


def test_multi_output_model_call_unpacks() -> None:
    facts = facts_of(
        """
        import keras
        inp = keras.Input((4,))
        a = keras.layers.Dense(1)(inp)
        b = keras.layers.Dense(2)(inp)
        twin = keras.Model(inp, [a, b])
        new_in = keras.Input((4,))
        p, q = twin(new_in)
        model = keras.Model(new_in, [p, q])
        """
    )
    model = facts.models[-1]
    for out in model.outputs:
        ancestry = graph.input_roots(out, frozenset(id(t) for t in model.inputs))
        assert ancestry.definite == {id(model.inputs[0])}


@pytest.mark.parametrize(
    "source",
    [
        "",
        "x = 1\n",
        "import keras\nkeras.layers.Dense(",  # never reached: parse fails first
        "import keras\nwhile True:\n    pass\n",
        "import keras\ndef f(*a, **k):\n    return f(*a, **k)\nf()\n",
        "import keras\nx = [keras.Input((1,))] * 100000\n",
        "import keras\nx = 'a' * 10**9\n",
        "import keras\nclass A(keras.Model):\n    def call(self, x):\n        return self.d(x)\n",
        "import keras\nmatch 1:\n    case 1:\n        y = keras.Input((2,))\n",
        "import keras\nasync def f():\n    x = await g()\n    yield x\n",
    ],
)
def test_odd_programs_do_not_crash(source: str) -> None:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return
    analyze(make_context("odd.py", source, module))


def test_deeply_nested_expression_does_not_crash() -> None:
    source = "import keras\nx = " + "(" * 100 + "1" + ")" * 100 + "\n" + "y = " + " + ".join(["1"] * 800) + "\n"
    analyze(make_context("deep.py", source, cst.parse_module(source)))


def test_builder_class_instances_track_self() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers

        class TwoTower:
            def __init__(self, dim=16):
                self.dim = dim
                self.shared = layers.Dense(dim)

            def tower(self, x):
                return self.shared(layers.Dense(32)(x))

            def build(self):
                user = keras.Input((10,))
                item = keras.Input((12,))
                return keras.Model([user, item], layers.Dot(axes=1)([self.tower(user), self.tower(item)]))

        def build_two_tower():
            return TwoTower().build()
        """
    )
    model = facts.models[-1]
    ancestry = graph.input_roots(model.outputs[0])
    assert ancestry.possible == {id(t) for t in model.inputs}
    shared = [l for l in facts.layers if l.class_name == "Dense" and l.nodes and len(l.nodes) == 2]
    assert shared, "self.shared is one layer called on both towers"


def test_functional_subclass_super_init() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers

        class Net(keras.Model):
            def __init__(self):
                inputs = keras.Input((4,))
                outputs = layers.Dense(2)(inputs)
                super().__init__(inputs, outputs)

        class Plain(keras.Model):
            def describe(self):
                return self.name

        a = keras.Input((3,))
        plain = Plain(inputs=a, outputs=layers.Dense(1)(a))
        """
    )
    kinds = [m.kind for m in facts.models]
    assert kinds.count("functional") == 2


def test_version_shim_is_one_api() -> None:
    facts = facts_of(
        """
        import tensorflow as tf
        try:
            import keras
        except ImportError:
            keras = tf.keras
        x = keras.Input((3,))
        y = keras.layers.Dense(2)(x)
        """
    )
    assert layer_classes(facts) == ["Dense"]


def test_helper_returned_tensor_dropped_by_caller_is_unused() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers

        def block(x):
            main = layers.Dense(8)(x)
            aux = layers.Dense(2)(main)
            return main, aux

        def build():
            inp = keras.Input((4,))
            x, aux = block(inp)
            return keras.Model(inp, layers.Dense(1)(x))
        """
    )
    unused = [t for t in facts.tensors if t.used is False and t.producer is not None]
    assert [t.site.line for t in unused] == [7]


def test_constructor_trainable_false_is_frozen() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers
        emb = layers.Embedding(10, 4, trainable=False)
        inp = keras.Input((3,))
        m = keras.Model(inp, layers.Dense(1)(emb(inp)))
        m.compile("adam", "mse")
        """
    )
    (compiled,) = facts.compiles
    embedding = [l for l in facts.layers if l.class_name == "Embedding"][0]
    assert compiled.trainable[embedding] is False


def test_functools_partial_layer_factories() -> None:
    facts = facts_of(
        """
        import functools
        import keras
        from keras import layers
        Conv3x3 = functools.partial(layers.Conv2D, kernel_size=3, padding="same")
        inp = keras.Input((8, 8, 3))
        x = Conv3x3(16, name="c1")(inp)
        """
    )
    (conv,) = [l for l in facts.layers if l.class_name == "Conv2D"]
    assert conv.name == "c1" and conv.nodes


def test_ancestry_walk_survives_a_cycle() -> None:
    inp = graph.Tensor(is_input=True)
    loop = graph.Tensor()
    node = graph.Node(layer=graph.Layer("Dense"), inputs=[loop])
    out = graph.Tensor(producer=node)
    loop.alternatives = (inp, out)
    ancestry = graph.input_roots(out)
    assert not ancestry.complete or ancestry.possible == {id(inp)}


def test_named_inputs_are_layers_of_the_models_that_list_them() -> None:
    facts = facts_of(
        """
        import keras
        a = keras.Input((10,), name="features")
        b = keras.Input((10,), name="features")
        m = keras.Model([a, b], keras.layers.Dense(1)(keras.layers.concatenate([a, b])))
        """
    )
    (model,) = facts.models
    assert [l.name for l in graph.model_layers(model) if l.class_name == "InputLayer"] == ["features", "features"]


def test_configuring_a_layer_is_not_using_it() -> None:
    # Next to a model that leaves it out, an adapted layer was forgotten.
    facts = facts_of(
        """
        import keras
        from keras import layers
        normalizer = layers.Normalization(axis=-1)
        normalizer.adapt([[1.0], [2.0]])
        used = layers.Dense(2)
        inputs = keras.Input((1,))
        model = keras.Model(inputs, used(inputs))
        """
    )
    assert [(l.class_name, l.used) for l in facts.layers] == [("Normalization", False), ("Dense", True)]


def test_a_layer_worked_with_as_an_object_is_used() -> None:
    # Where no model is built, configuring or inspecting a layer is its use
    # (a test of the layer, a vocabulary utility).
    facts = facts_of(
        """
        import numpy as np
        from keras import layers

        def test_normalization_adapts():
            norm = layers.Normalization()
            norm.adapt(np.ones((4, 3)))

        def vocabulary(texts):
            lookup = layers.StringLookup()
            lookup.adapt(texts)
            return lookup.get_vocabulary()

        def output_shape():
            return layers.Conv2D(8, 3).compute_output_shape((None, 32, 32, 3))
        """
    )
    assert all(l.used for l in facts.layers)


def test_wrapper_over_a_tensor_is_unknown_after_kg202() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers
        inputs = keras.Input((10, 8))
        x = layers.Bidirectional(layers.LSTM(4)(inputs))
        out = layers.Dense(1)(x)
        """
    )
    assert [e.misuse for e in facts.events] == [Misuse.TENSOR_AS_LAYER]


def test_layer_subclasses_that_create_weights_are_weighted() -> None:
    facts = facts_of(
        """
        import keras
        from keras import layers

        class Block(layers.Layer):
            def __init__(self):
                super().__init__()
                self.dense = layers.Dense(8)

        class Scale(layers.Layer):
            def call(self, x):
                return x * 2.0

        class Gate(layers.Layer):
            def build(self, shape):
                self.w = self.add_weight(shape=(shape[-1],))

        a, b, c = Block(), Scale(), Gate()
        """
    )
    by_class = {l.class_name: l.weighted for l in facts.layers if l.class_name in ("Block", "Scale", "Gate")}
    assert by_class == {"Block": True, "Scale": None, "Gate": True}


def layer_names(facts: graph.Facts) -> list[str]:
    return [layer.name for layer in facts.layers if layer.name is not None]


@pytest.mark.parametrize(
    "expression, expected",
    [
        ('f"{kind.lower()}_{width}"', "conv_64"),
        ('"_".join([kind.upper(), str(width)])', "CONV_64"),
        ('"{}-{}".format(kind.title(), width).replace("-", "_")', "Conv_64"),
        ('f"{kind}_{math.ceil(width * 0.3 / 8) * 8}"', "Conv_24"),
        ('f"{kind}_{max(round(width * 0.5), 1)}"', "Conv_32"),
        ('"stage1/" + kind.strip().split("o")[0]', "stage1/C"),
    ],
)
def test_names_computed_with_string_methods_and_math_are_known(expression: str, expected: str) -> None:
    facts = facts_of(f"""
        import math
        import keras

        kind, width = "Conv", 64
        inp = keras.Input((8,))
        out = keras.layers.Dense(4, name={expression})(inp)
        model = keras.Model(inp, out)
    """)
    assert layer_names(facts) == [expected]


@pytest.mark.parametrize(
    "expression",
    [
        '"x".ljust(width)',                 # padding methods: unbounded widths are never computed
        'kind.lower(unknown)',              # an argument not known
        'other.lower()',                    # not a string we know
        'f"{math.ceil(unknown)}"',
        '"{:>999999999}".format(width)',    # a width that would make a huge string
        'math.pow(10, 10 ** 9)',
    ],
)
def test_string_and_math_calls_that_cannot_be_folded_stay_unknown(expression: str) -> None:
    facts = facts_of(f"""
        import math
        import keras

        kind, width = "Conv", 64
        inp = keras.Input((8,))
        out = keras.layers.Dense(4, name={expression})(inp)
        model = keras.Model(inp, out)
    """)
    assert layer_names(facts) == []


def test_a_long_configuration_list_is_interpreted_row_by_row() -> None:
    # Twelve rows (more than the short-loop limit): every row builds its layer
    # with its own width, so the last layer is the last row's.
    facts = facts_of("""
        import keras

        ROWS = [(16, "a"), (16, "b"), (24, "a"), (24, "b"), (40, "a"), (40, "b"),
                (80, "a"), (80, "b"), (112, "a"), (112, "b"), (192, "a"), (320, "a")]
        inp = keras.Input((8,))
        x = inp
        for width, part in ROWS:
            x = keras.layers.Dense(width, name=f"dense_{width}{part}")(x)
        model = keras.Model(inp, x)
    """)
    names = layer_names(facts)
    assert len(names) == 12 and names[-1] == "dense_320a"


def test_long_loops_nested_in_long_loops_fall_back_to_two_passes() -> None:
    # 20 x 20 passes would exceed the budget of exact passes: the inner loop
    # is run twice per outer pass, its elements standing for the others.
    facts = facts_of("""
        import keras

        inp = keras.Input((8,))
        x = inp
        for i in range(20):
            for j in range(20):
                x = keras.layers.Dense(4, name=f"d_{i}_{j}")(x)
        model = keras.Model(inp, x)
    """)
    assert len(layer_names(facts)) < 100


@pytest.mark.parametrize("filters, residual", [(8, False), (16, True)])
def test_a_pinned_down_dimension_decides_its_branch(filters: int, residual: bool) -> None:
    # MobileNet / EfficientNet blocks add the shortcut only when the widths agree.
    facts = facts_of(f"""
        import keras
        from keras import layers


        def block(x, filters, stride):
            in_channels = x.shape[-1]
            shortcut = x
            x = layers.Conv2D(filters, 1, strides=stride)(x)
            if stride == 1 and in_channels == filters:
                x = layers.Add()([x, shortcut])
            return x


        inputs = keras.Input((32, 32, 16))
        model = keras.Model(inputs, block(inputs, {filters}, 1))
    """)
    assert ("Add" in layer_classes(facts)) is residual


def test_a_dimension_not_pinned_down_leaves_both_branches() -> None:
    facts = facts_of("""
        import keras
        from keras import layers

        inputs = keras.Input((None, None, None))
        x = layers.Conv2D(8, 1)(inputs)
        if inputs.shape[-1] == 8:
            x = layers.Add()([x, inputs])
        model = keras.Model(inputs, x)
    """)
    assert "Add" in layer_classes(facts)
