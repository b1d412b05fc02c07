"""KG501 through the static engine: the training events it records, and the
rule over them on programs written the way tutorials, notebooks and projects
write fine-tuning and GAN loops.

Each program marks the lines KG501 must report with ``# expect``; the others
must be clean.  The static engine never imports TensorFlow.
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from kgraphlint.graph import Facts
from kgraphlint.rules import all_rules
from kgraphlint.rules.base import expected_lines
from kgraphlint.static.engine import analyze
from kgraphlint.static.source import make_context

RULE = all_rules()["KG501"]


def facts_of(source: str) -> Facts:
    return analyze(make_context("program.py", source, cst.parse_module(source)))


PROGRAMS = {
    # keras.io "Transfer learning & fine-tuning": recompiles after unfreezing.
    "keras_io_guide": """\
        import keras

        base_model = keras.applications.Xception(weights="imagenet", input_shape=(150, 150, 3), include_top=False)
        base_model.trainable = False
        inputs = keras.Input(shape=(150, 150, 3))
        x = keras.layers.Rescaling(scale=1 / 127.5, offset=-1)(inputs)
        x = base_model(x, training=False)
        x = keras.layers.GlobalAveragePooling2D()(x)
        outputs = keras.layers.Dense(1)(keras.layers.Dropout(0.2)(x))
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True))
        model.fit(train_ds, epochs=2, validation_data=validation_ds)
        base_model.trainable = True
        model.summary(show_trainable=True)
        model.compile(optimizer=keras.optimizers.Adam(1e-5), loss=keras.losses.BinaryCrossentropy(from_logits=True))
        model.fit(train_ds, epochs=1, validation_data=validation_ds)
        """,
    # The TensorFlow tutorial, with the recompile forgotten.
    "tf_tutorial_no_recompile": """\
        import tensorflow as tf

        base_model = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights="imagenet")
        base_model.trainable = False
        inputs = tf.keras.Input(shape=(160, 160, 3))
        x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
        x = base_model(x, training=False)
        x = tf.keras.layers.GlobalAveragePooling2D()(x)
        model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(x))
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-4), loss="binary_crossentropy")
        history = model.fit(train_dataset, epochs=10, validation_data=validation_dataset)
        base_model.trainable = True  # expect
        for layer in base_model.layers[:100]:
            layer.trainable = False  # expect
        history_fine = model.fit(train_dataset, epochs=20, initial_epoch=history.epoch[-1])
        """,
    # A Kaggle notebook fine-tuning a saved model: the model comes from a file.
    "kaggle_loaded_model": """\
        from tensorflow.keras.models import load_model
        from tensorflow.keras.optimizers import Adam

        model = load_model("pretrained.h5")
        for layer in model.layers[:-3]:
            layer.trainable = False
        model.compile(optimizer=Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
        model.fit(X_train, y_train, epochs=5, batch_size=32)
        for layer in model.layers:
            layer.trainable = True  # expect
        model.fit(X_train, y_train, epochs=5, batch_size=32)
        """,
    # A trainer class around a model from a package the engine cannot read.
    "trainer_class": """\
        import keras
        from mylib.models import build_backbone


        class Trainer:
            def __init__(self, model, lr=1e-3):
                self.model = model
                self.lr = lr

            def train(self, data, epochs):
                self.model.compile(keras.optimizers.Adam(self.lr), "sparse_categorical_crossentropy")
                self.model.fit(data, epochs=epochs)
                for layer in self.model.layers[-10:]:
                    layer.trainable = True  # expect
                self.model.fit(data, epochs=epochs)


        def main():
            trainer = Trainer(build_backbone())
            trainer.train(None, 3)
        """,
    # The classic Keras GAN loop: the discriminator is toggled around the
    # generator step, and each model is fitted as it was compiled.
    "gan_loop": """\
        import numpy as np
        import keras
        from keras import layers


        def build_discriminator():
            d = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(1, activation="sigmoid")])
            d.compile(optimizer="adam", loss="binary_crossentropy")
            return d


        discriminator = build_discriminator()
        generator = keras.Sequential([keras.Input((100,)), layers.Dense(784), layers.Reshape((28, 28, 1))])
        discriminator.trainable = False
        z = keras.Input((100,))
        gan = keras.Model(z, discriminator(generator(z)))
        gan.compile(optimizer="adam", loss="binary_crossentropy")
        for epoch in range(10000):
            noise = np.random.normal(0, 1, (32, 100))
            fake = generator.predict(noise)
            discriminator.trainable = True
            discriminator.train_on_batch(fake, np.zeros((32, 1)))
            discriminator.trainable = False
            gan.train_on_batch(noise, np.ones((32, 1)))
        """,
    # Progressive unfreezing driven by a schedule, recompiling each stage.
    "progressive_unfreeze": """\
        import keras

        base = keras.applications.ResNet50(include_top=False, weights=None, pooling="avg")
        base.trainable = False
        model = keras.Sequential([base, keras.layers.Dense(10, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(ds, epochs=3)
        for stage, (start, lr) in enumerate([(-20, 1e-4), (-60, 1e-5)]):
            for layer in base.layers[start:]:
                layer.trainable = True
            model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy")
            model.fit(ds, epochs=2)
        """,
    # Frozen only when asked: both paths recompile before training again.
    "optional_freeze_recompiled": """\
        import argparse
        import keras

        args = argparse.ArgumentParser().parse_args()
        base = keras.applications.EfficientNetB0(include_top=False, weights=None, pooling="avg")
        model = keras.Model(base.input, keras.layers.Dense(5)(base.output))
        model.compile("adam", "mse")
        model.fit(x, y)
        if args.freeze:
            base.trainable = False
            model.compile("adam", "mse")
        else:
            model.compile(keras.optimizers.SGD(1e-3), "mse")
        model.fit(x, y)
        """,
    # Frozen when asked, recompiled only on the other path.
    "optional_freeze_not_recompiled": """\
        import argparse
        import keras

        args = argparse.ArgumentParser().parse_args()
        base = keras.applications.EfficientNetB0(include_top=False, weights=None, pooling="avg")
        model = keras.Model(base.input, keras.layers.Dense(5)(base.output))
        model.compile("adam", "mse")
        model.fit(x, y)
        if args.freeze:
            base.trainable = False  # expect
        else:
            model.compile(keras.optimizers.SGD(1e-3), "mse")
        model.fit(x, y)
        """,
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_static_kg501_on_realistic_programs(name: str) -> None:
    source = textwrap.dedent(PROGRAMS[name])
    found = list(RULE.check(facts_of(source)))
    assert sorted({f.line for f in found}) == expected_lines(source), [(f.line, f.message) for f in found]
    for f in found:
        assert f.engine == "static" and f.hint and len(f.related) >= 2


def test_static_engine_records_events_in_program_order() -> None:
    source = textwrap.dedent(PROGRAMS["tf_tutorial_no_recompile"])
    facts = facts_of(source)
    (compiled,) = facts.compiles
    first, second = facts.fits
    assert compiled.when is not None and compiled.when.order < first.when.order < second.when.order
    changes = [c for c in facts.trainable_changes if first.when.order < c.when.order < second.when.order]
    assert [(c.target, c.value) for c in changes] == [("base_model", True), ("layer", False)]
    # base_model.trainable = True sets its own flag; the loop sets some of its layers.
    assert [m.label for m in changes[0].models] == ["base_model"] and changes[1].layers_of
    assert first.model_trainable[changes[0].models[0]] is False
    assert second.model_trainable[changes[0].models[0]] is True


def test_unknown_objects_are_followed_by_identity() -> None:
    """Two functions that each get a model as a parameter see two objects."""
    source = textwrap.dedent(
        """\
        def phase1(model):
            model.fit(x, y)


        def phase2(model):
            model.layers[0].trainable = True
            model.fit(x, y)
        """
    )
    facts = facts_of(source)
    assert len(facts.fits) == 2 and facts.fits[0].model is not facts.fits[1].model
    assert all(f.model.kind == "unknown" for f in facts.fits)
    assert list(RULE.check(facts)) == []
    # Not models of the file: the graph rules never see them.
    assert all(f.model not in facts.models for f in facts.fits)


def test_files_without_trainable_give_no_identities() -> None:
    facts = facts_of("model.fit(x, y)\nmodel.fit(x, y)\n")
    assert facts.fits == [] and facts.trainable_changes == []
