"""KG302 shared-across-trained-models: a weighted layer trained by two compiled models."""

from __future__ import annotations

from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Compile, Facts, Layer, Model, sublayers
from kgraphlint.rules.base import Rule
from kgraphlint.rules._wording import assignable, capitalized, model_ref, plain


def expanded_layers(model: Model) -> dict[int, tuple[Layer, tuple[Layer, ...]]]:
    """Every leaf layer of ``model``, sub-models expanded recursively.

    Maps ``id(layer)`` to ``(layer, wrappers)`` where ``wrappers`` are the
    model-as-layer objects it was reached through (outermost first): a sub-model
    frozen with ``sub.trainable = False`` freezes every layer inside it.
    """
    result: dict[int, tuple[Layer, tuple[Layer, ...]]] = {}
    for layer, wrappers in sublayers(model):
        if layer.model is None:
            result.setdefault(id(layer), (layer, wrappers))
    return result


def trainable_at(compile_: Compile, layer: Layer, wrappers: tuple[Layer, ...]) -> Optional[bool]:
    """Whether ``layer`` was trainable in the snapshot taken at ``compile_``."""
    snapshot = compile_.trainable
    if snapshot is None:
        return None
    if any(snapshot.get(w) is False for w in wrappers):
        return False
    return snapshot.get(layer)


def _shorten(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    if len(names) > 3:
        shown += f" and {len(names) - 3} more"
    return shown


class SharedAcrossTrainedModels(Rule):
    """
    ## What it does
    Reports a weighted layer that belongs to two models that are both compiled
    (and so trained separately) with the layer trainable in both, e.g. a
    shared encoder trained once as part of a classifier and once as part of an
    autoencoder.  The classic GAN pattern, where the discriminator is frozen
    (`discriminator.trainable = False`) before the combined model is compiled,
    is not reported.

    A model that the file only evaluates or predicts with (never `fit`) is not
    trained separately, e.g. an end-to-end model wrapped around a trained one
    to evaluate it on raw input: it does not count.

    ## Why is this bad?
    The models share the layer's weights: each `fit` silently changes the
    other model, so the model trained first is degraded by the second
    training.  If that is intended, freezing the layer in one of the models
    before its `compile()` makes the intent explicit.

    ## Example
    ```python
    encoder = layers.Dense(16, activation="relu")
    classifier = keras.Model(inputs, layers.Dense(3)(encoder(inputs)))
    classifier.compile("adam", "categorical_crossentropy")
    regressor = keras.Model(inputs, layers.Dense(1)(encoder(inputs)))
    regressor.compile("adam", "mse")  # trains `encoder` too
    ```

    ## Use instead
    ```python
    encoder = layers.Dense(16, activation="relu")
    classifier = keras.Model(inputs, layers.Dense(3)(encoder(inputs)))
    classifier.compile("adam", "categorical_crossentropy")
    encoder.trainable = False  # the regressor only trains its head
    regressor = keras.Model(inputs, layers.Dense(1)(encoder(inputs)))
    regressor.compile("adam", "mse")
    ```
    """

    code = "KG302"
    name = "shared-across-trained-models"
    severity = "warning"
    engines = "ST"
    summary = "A weighted layer trainable in two separately compiled models: training one changes the other."

    VALID = (
        # keras.io "text classification from scratch": the trained model wrapped
        # in an end-to-end model that is compiled only to evaluate it.
        """\
import keras
from keras import layers

def build_and_evaluate(x, y, raw_x):
    vectorize = layers.TextVectorization(max_tokens=100, output_sequence_length=8)
    tokens = keras.Input(shape=(8,), dtype="int64")
    h = layers.GlobalAveragePooling1D()(layers.Embedding(100, 8)(tokens))
    model = keras.Model(tokens, layers.Dense(1, activation="sigmoid")(h))
    model.compile("adam", "binary_crossentropy")
    model.fit(x, y)
    raw = keras.Input(shape=(1,), dtype="string")
    end_to_end = keras.Model(raw, model(vectorize(raw)))
    end_to_end.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return end_to_end.evaluate(raw_x, y)
""",
        # The classic GAN: the discriminator is frozen inside the combined model.
        """\
import keras
from keras import layers

def build_gan():
    image = keras.Input(shape=(16,))
    disc_hidden = layers.Dense(32, activation="relu")(image)
    discriminator = keras.Model(image, layers.Dense(1, activation="sigmoid")(disc_hidden))
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")

    noise = keras.Input(shape=(8,))
    fake = layers.Dense(16)(layers.Dense(32, activation="relu")(noise))
    generator = keras.Model(noise, fake)

    discriminator.trainable = False
    gan_in = keras.Input(shape=(8,))
    gan = keras.Model(gan_in, discriminator(generator(gan_in)))
    gan.compile(optimizer="adam", loss="binary_crossentropy")
    return generator, discriminator, gan
""",
        # An encoder reused in an inference model that is never compiled.
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32,))
code = layers.Dense(8, activation="relu", name="code")(inputs)
decoded = layers.Dense(32)(code)
autoencoder = keras.Model(inputs, decoded)
autoencoder.compile(optimizer="adam", loss="mse")
encoder = keras.Model(inputs, code)
""",
        # Fine-tuning: the backbone is frozen in the second model.
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32,))
shared = layers.Dense(16, activation="relu")
pretrain = keras.Model(inputs, layers.Dense(32)(shared(inputs)))
pretrain.compile(optimizer="adam", loss="mse")
shared.trainable = False
head = keras.Model(inputs, layers.Dense(3, activation="softmax")(shared(inputs)))
head.compile(optimizer="adam", loss="categorical_crossentropy")
""",
        # Greedy layer-wise pretraining: each model is trained, then dropped
        # before the next one takes its layers over.
        """\
import numpy as np
import keras
from keras import layers

x_train = np.random.rand(128, 20).astype("float32")
y_train = np.random.randint(0, 2, size=(128,))
hidden = []
for i in range(3):
    hidden.append(layers.Dense(32, activation="relu", name=f"hidden_{i}"))
    model = keras.Sequential([keras.Input((20,)), *hidden, layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x_train, y_train, epochs=2, verbose=0)
""",
        # A custom train_step decides which sub-model each step updates.
        """\
import keras
from keras import layers

class GAN(keras.Model):
    def train_step(self, data):
        return {"d_loss": 0.0, "g_loss": 0.0}

latent = keras.Input(shape=(16,))
generator = keras.Model(latent, layers.Dense(8)(latent))
image = keras.Input(shape=(8,))
discriminator = keras.Model(image, layers.Dense(1)(image))
discriminator.compile(optimizer="adam", loss="binary_crossentropy")
gan = GAN(latent, discriminator(generator(latent)))
gan.compile(optimizer="adam", loss="binary_crossentropy")
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32,))
encoder = layers.Dense(16, activation="relu")
features = encoder(inputs)
classifier = keras.Model(inputs, layers.Dense(3, activation="softmax")(features))
classifier.compile(optimizer="adam", loss="categorical_crossentropy")
regressor = keras.Model(inputs, layers.Dense(1)(features))  # expect
regressor.compile(optimizer="adam", loss="mse")
""",
        # A sub-model shared by two trained models.
        """\
import keras
from keras import layers

def build():
    tower_in = keras.Input(shape=(8,))
    tower = keras.Model(tower_in, layers.Dense(4, activation="relu")(tower_in))
    a = keras.Input(shape=(8,))
    model_a = keras.Model(a, layers.Dense(1)(tower(a)))
    model_a.compile(optimizer="adam", loss="mse")
    b = keras.Input(shape=(8,))
    model_b = keras.Model(b, layers.Dense(2)(tower(b)))  # expect
    model_b.compile(optimizer="adam", loss="mse")
    return model_a, model_b
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        # The last compile of each model decides what its training updates.
        last_compile: dict[int, Compile] = {}
        for compile_ in facts.compiles:
            last_compile[id(compile_.model)] = compile_
        trained = [
            m
            for m in facts.models
            if id(m) in last_compile
            and last_compile[id(m)].trainable is not None
            # Compiled only to be evaluated or to predict (the keras.io
            # "end-to-end model" around a trained one): never trained itself.
            and not (m.evaluated and not m.trained)
            # Its own train_step decides what a step updates.
            and not m.custom_train_step
        ]
        if len(trained) < 2:
            return
        expanded = {id(m): expanded_layers(m) for m in trained}
        for later_index, later in enumerate(trained):
            if later.site is None:
                continue
            later_compile = last_compile[id(later)]
            for earlier in trained[:later_index]:
                if _trained_only_before(earlier, later):
                    continue
                earlier_compile = last_compile[id(earlier)]
                shared: list[Layer] = []
                later_layers = expanded[id(later)]
                for lid, (layer, wrappers) in expanded[id(earlier)].items():
                    if layer.weighted is not True or lid not in later_layers:
                        continue
                    if trainable_at(earlier_compile, layer, wrappers) is not True:
                        continue
                    if trainable_at(later_compile, layer, later_layers[lid][1]) is not True:
                        continue
                    shared.append(layer)
                if shared:
                    yield self._report(facts, earlier, earlier_compile, later, shared)

    def _report(
        self,
        facts: Facts,
        earlier: Model,
        earlier_compile: Compile,
        later: Model,
        shared: list[Layer],
    ) -> Finding:
        assert later.site is not None
        shared.sort(key=lambda l: (l.created_at.line if l.created_at else 0, l.display()))
        names = _distinct_names(shared)
        verb = "is" if len(shared) == 1 else "are"
        subject = _shorten(names)
        if not any(name.endswith(" layers") for name in names):
            subject = ("Layer " if len(shared) == 1 else "Layers ") + subject
        later_ref, earlier_ref = model_ref(later), model_ref(earlier)
        if later_ref == earlier_ref:
            # Two builders that both call their result `model`: tell them apart.
            later_ref += _built_at(later)
            earlier_ref += _built_at(earlier)
        message = (
            f"{subject} {verb} trainable in both {later_ref} and "
            f"{earlier_ref}, which are compiled separately: training one silently "
            f"changes the other."
        )
        first = shared[0]
        if assignable(first.label):
            freeze = f"set `{plain(first.label or '')}.trainable = False`"
        else:
            # The layer is only known by its constructor call (`Dense(4)(x)`):
            # assigning to that expression would make a new layer.
            where = f" created at line {first.created_at.line}" if first.created_at and first.created_at.line else ""
            if len(shared) == 1:
                freeze = f"keep a reference to the `{first.class_name}` layer{where} and set its `trainable = False`"
            else:
                freeze = "keep references to the shared layers (or the sub-model holding them) and set `trainable = False` on them"
        hint = (
            f"if only one model should train the shared weights, {freeze} "
            f"before compiling the other; if two independent models are meant, create separate layers for each."
        )
        user_made = next((layer for layer in shared if not layer.library_made), None)
        related = [
            (earlier_compile.site, f"{capitalized(earlier_ref)} is compiled here"),
        ]
        if user_made is not None:
            related.append((user_made.created_at, f"`{user_made.display()}` is created here"))
        return self.finding(later.site, message, hint, engine=facts.engine, related=related)


def _trained_only_before(earlier: Model, later: Model) -> bool:
    """``earlier`` is trained and then dropped before ``later`` is built: its
    weights are handed on (greedy layer-wise pretraining), never trained by
    both in turn.  A model the code still reads afterwards (returns it, trains
    or evaluates it again) stays a second owner of the weights."""
    built = later.built_order
    return (
        bool(earlier.trained_orders)
        and built is not None
        and max(earlier.trained_orders) < built
        and (earlier.last_read_order is None or earlier.last_read_order < built)
    )


def _built_at(model: Model) -> str:
    return f" (built at line {model.site.line})" if model.site is not None and model.site.line else ""


def _distinct_names(layers: list[Layer]) -> list[str]:
    """Layer names for the message; unnamed layers of one class are counted
    (``2 `Dense` layers``) rather than repeated."""
    counts: dict[str, int] = {}
    order: list[str] = []
    for layer in layers:
        name = layer.display()
        if name not in counts:
            order.append(name)
        counts[name] = counts.get(name, 0) + 1
    return [f"`{n}`" if counts[n] == 1 else f"{counts[n]} `{n}` layers" for n in order]
