"""KG102 unused-input: a listed model input that no output depends on."""

from __future__ import annotations

from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, flatten_alternatives, input_roots, wired_models
from kgraphlint.rules.base import Rule
from kgraphlint.rules._wording import model_ref


class UnusedInput(Rule):
    """
    ## What it does
    Reports an Input listed in a functional `Model(inputs, outputs)` that none
    of the outputs depends on.

    ## Why is this bad?
    Keras 3 accepts the model silently, so the mistake shows up much later: the
    data pipeline must still feed the unused Input, and the features it carries
    never reach the predictions.  Usually a branch was built from the wrong
    tensor (e.g. `Dense(..)(image)` where `meta` was meant) or the Input was
    left behind after a refactoring.

    ## Example
    ```python
    image = keras.Input(shape=(32,))
    meta = keras.Input(shape=(4,))
    x = layers.Dense(16)(image)
    predictions = layers.Dense(1)(x)
    model = keras.Model([image, meta], predictions)  # `meta` is never used
    ```

    ## Use instead
    ```python
    image = keras.Input(shape=(32,))
    meta = keras.Input(shape=(4,))
    x = layers.Concatenate()([layers.Dense(16)(image), meta])
    predictions = layers.Dense(1)(x)
    model = keras.Model([image, meta], predictions)
    ```
    """

    code = "KG102"
    name = "unused-input"
    severity = "warning"
    engines = "ST"
    summary = "A listed model input that no model output depends on."

    VALID = (
        """\
import keras
from keras import layers

image = keras.Input(shape=(32,))
meta = keras.Input(shape=(4,))
x = layers.Dense(16, activation="relu")(image)
merged = layers.Concatenate()([x, meta])
predictions = layers.Dense(1)(merged)
model = keras.Model([image, meta], predictions)
""",
        # Each Input feeds a different output.
        """\
import keras
from keras import layers

def build():
    left = keras.Input(shape=(8,))
    right = keras.Input(shape=(8,))
    out_left = layers.Dense(1, name="left_out")(left)
    out_right = layers.Dense(1, name="right_out")(right)
    return keras.Model([left, right], [out_left, out_right])
""",
        # The Input is used on one branch of an if/else only: may be used.
        """\
import keras
from keras import layers

def build(use_meta):
    image = keras.Input(shape=(32,))
    meta = keras.Input(shape=(4,))
    if use_meta:
        x = layers.Concatenate()([image, meta])
    else:
        x = image
    out = layers.Dense(1)(x)
    return keras.Model([image, meta], out)
""",
        # The fine-tune of the seed question: one Input, used.
        """\
import keras
from keras import layers

base = keras.applications.InceptionV3(include_top=False, weights=None, input_shape=(299, 299, 3))
x = layers.GlobalAveragePooling2D()(base.output)
predictions = layers.Dense(5, activation="softmax")(x)
model = keras.Model(base.input, predictions)
""",
        # The encoder's states reach the decoder through starred unpacking.
        """\
import keras
from keras import layers

encoder_inputs = keras.Input(shape=(None, 16))
enc_out, *state = layers.LSTM(32, return_state=True)(encoder_inputs)
decoder_inputs = keras.Input(shape=(None, 16))
x = layers.LSTM(32, return_sequences=True)(decoder_inputs, initial_state=state)
model = keras.Model([encoder_inputs, decoder_inputs], layers.Dense(16)(x))
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

image = keras.Input(shape=(32,))
meta = keras.Input(shape=(4,))
x = layers.Dense(16, activation="relu")(image)
predictions = layers.Dense(1)(x)
model = keras.Model(inputs=[image, meta], outputs=predictions)  # expect
""",
        # A copy-paste slip: the second branch reads the first Input again.
        """\
import keras
from keras import layers

def build():
    title = keras.Input(shape=(16,), name="title")
    body = keras.Input(shape=(64,), name="body")
    t = layers.Dense(8, activation="relu")(title)
    b = layers.Dense(8, activation="relu")(title)
    merged = layers.Concatenate()([t, b])
    score = layers.Dense(1, activation="sigmoid")(merged)
    model = keras.Model(  # expect
        inputs=[title, body],
        outputs=score,
    )
    return model
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        for model, stop in wired_models(facts):
            assert model.outputs is not None and model.inputs is not None and model.site is not None
            possible: set[int] = set()
            complete = True
            for output in model.outputs:
                ancestry = input_roots(output, stop)
                if not ancestry.complete:
                    # An opaque value may carry the Input to an output.
                    complete = False
                    break
                possible |= ancestry.possible
            if not complete:
                continue
            for index, tensor in enumerate(model.inputs):
                if not tensor.is_input:
                    continue
                if any(id(t) in possible for t in flatten_alternatives([tensor])):
                    continue
                label = (
                    model.input_labels[index]
                    if index < len(model.input_labels) and model.input_labels[index]
                    else tensor.label or f"#{index}"
                )
                yield self.finding(
                    model.site,
                    f"Input `{label}` of {model_ref(model)} is not used by any of its "
                    f"outputs: Keras accepts it silently, but the data fed to it is ignored.",
                    f"connect `{label}` to the outputs (e.g. concatenate it with the "
                    f"other features) or remove it from the model inputs.",
                    engine=facts.engine,
                    related=[(tensor.site, f"Input `{label}` is defined here")],
                )
