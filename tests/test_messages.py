"""Wording of findings on shapes of code the messages used to get wrong:
dict inputs/outputs, Inputs with no name, TensorFlow's private Keras copy,
a shared layer known only by its constructor call, a layer of a backbone.
Each through the real CLI (static), or on facts for the trace-only labels."""

from __future__ import annotations

import pytest

from conftest import write
from test_graph_rules_facts import Builder, run


def findings(cli, tmp_path, name, source, *args):
    write(tmp_path, name, source)
    res = cli("--format", "json", "--no-cache", *args, name, cwd=tmp_path)
    assert "Traceback" not in res.output, res.output
    return res.json()["findings"]


def test_dict_inputs_and_outputs_are_named_by_their_keys(cli, tmp_path):
    (f,) = findings(cli, tmp_path, "heads.py", '''\
        import keras
        from keras import layers

        inputs = {
            "image": keras.Input((32, 32, 3), name="image"),
            "meta": keras.Input((4,), name="meta"),
        }
        extra = keras.Input((2,), name="extra")
        x = layers.Flatten()(inputs["image"])
        x = layers.Concatenate()([x, inputs["meta"], extra])
        outputs = {"label": layers.Dense(10, name="label")(x)}
        model = keras.Model(inputs, outputs)
        ''')
    assert f["code"] == "KG101"
    assert f["message"].startswith('Output `outputs["label"]` of model `model` is not connected')
    assert "None" not in f["message"] + f["hint"]
    # The inputs are a dict: the hint keeps them a dict.
    assert '`inputs={**inputs, "extra": extra}`' in f["hint"]


def test_dict_literal_outputs_are_named_by_their_expression(cli, tmp_path):
    (f,) = findings(cli, tmp_path, "lit.py", '''\
        import keras
        from keras import layers

        image = keras.Input((8,), name="image")
        meta = keras.Input((4,), name="meta")
        x = layers.Concatenate()([image, meta])
        model = keras.Model({"image": image}, {"score": layers.Dense(1)(x)})
        ''')
    assert f["code"] == "KG101"
    assert "None" not in f["message"] and "{...}" not in f["message"]
    assert "depends on Input `meta`, which is not listed" in f["message"]


def test_unnamed_input_wording(cli, tmp_path):
    (f,) = findings(cli, tmp_path, "anon.py", '''\
        import keras
        from keras import layers

        a = keras.Input((4,))
        out = layers.Dense(1)(layers.Add()([keras.Input((4,)), a]))
        model = keras.Model(a, out)
        ''')
    assert f["code"] == "KG101"
    assert "it depends on an unnamed Input, which is not listed." in f["message"]
    assert "Input an unnamed" not in f["message"]
    assert [r["message"] for r in f["related"]] == ["the unnamed Input is defined here"]
    assert "the Input" not in f["hint"].replace("the Input that has no name", "")
    (g,) = findings(cli, tmp_path, "mixed.py", '''\
        import keras
        from keras import layers

        a = keras.Input((4,))
        b = keras.Input((4,))
        out = layers.Dense(1)(layers.Add()([keras.Input((4,)), b, a]))
        model = keras.Model(a, out)
        ''')
    assert "it depends on Input `b` and an unnamed Input, which are not listed." in g["message"]


def test_tensorflow_private_keras_messages_are_sentences(cli, tmp_path):
    found = findings(cli, tmp_path, "old.py", '''\
        from tensorflow.python.keras import backend
        from tensorflow.python.keras.layers import Dense
        import tensorflow.python.keras
        from tensorflow.python.keras.engine import training
        ''', "--select", "KG401")
    assert len(found) == 4
    for f in found:
        assert not f["message"].endswith(": ."), f["message"]
        assert f["message"].endswith("its objects do not mix with Keras 3 (`keras`, `tf.keras`).")
    by_line = {f["line"]: f for f in found}
    assert by_line[3]["hint"] == "import `tensorflow` and use `tensorflow.keras`, the public Keras 3 API"


def test_backbone_layer_note_names_the_backbone(cli, tmp_path):
    found = findings(cli, tmp_path, "head.py", '''\
        import keras
        from keras import layers

        base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))
        out = layers.Dense(2)(base.layers[-1])
        model = keras.Model(base.input, out)
        ''')
    (f,) = [f for f in found if f["code"] == "KG201"]
    assert f["message"].startswith("`base.layers[-1]` is a layer, not a tensor")
    (note,) = f["related"]
    assert (note["line"], note["message"]) == (4, "`base` is created here")


def test_duplicate_name_from_one_helper_line_points_at_the_two_calls(cli, tmp_path):
    # Both layers come from line 5: the notes name the calls that gave them
    # the same name, the innermost calls where the two creations part.
    (f,) = findings(cli, tmp_path, "blocks.py", '''\
        import keras
        from keras import layers

        def conv_block(x, filters, name):
            return layers.Conv2D(filters, 3, padding="same", name=name + "_conv")(x)

        def stage(x, filters, prefix):
            x = conv_block(x, filters, prefix + "a")
            return conv_block(x, filters, prefix + "a")

        inputs = keras.Input((32, 32, 3))
        model = keras.Model(inputs, stage(inputs, 16, "s1"))
        ''')
    assert (f["code"], f["line"]) == ("KG304", 5)
    assert [(r["line"], r["message"]) for r in f["related"]] == [
        (8, 'the first layer named "s1a_conv" is created by this call'),
        (9, "this layer is created by this call"),
    ]


def test_kg302_hint_never_assigns_to_a_constructor_call():
    # The tracer labels a layer made inline by its constructor call.
    b = Builder(engine="trace")
    inputs = b.input("inp", 1)
    shared = b.layer("Dense", 2, "layers.Dense(4)", weighted=True)
    feats = b.call(shared, [inputs], 2, "x")
    head = b.layer("Dense", 4, "layers.Dense(1)", weighted=True)
    a = b.model([inputs], [feats], 3, "a")
    m = b.model([inputs], [b.call(head, [feats], 4)], 4, "b")
    b.compile(a, 5, {shared: True})
    b.compile(m, 6, {shared: True, head: True})
    (f,) = run("KG302", b.facts)
    assert "layers.Dense(4).trainable" not in f.hint
    assert "keep a reference to the `Dense` layer created at line 2 and set its `trainable = False`" in f.hint


@pytest.mark.parametrize("label", ["encoder", "self.encoder", "towers[0]"])
def test_kg302_hint_assigns_to_a_name(label):
    b = Builder()
    inputs = b.input("inp", 1)
    shared = b.layer("Dense", 2, label, weighted=True)
    feats = b.call(shared, [inputs], 2, "x")
    head = b.layer("Dense", 4, "head", weighted=True)
    a = b.model([inputs], [feats], 3, "a")
    m = b.model([inputs], [b.call(head, [feats], 4)], 4, "b")
    b.compile(a, 5, {shared: True})
    b.compile(m, 6, {shared: True, head: True})
    (f,) = run("KG302", b.facts)
    assert f"set `{label}.trainable = False`" in f.hint
