"""KG104 non-input-model-input: a model input that is an intermediate result."""

from __future__ import annotations

from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Site, Tensor, input_roots
from kgraphlint.rules.base import Rule
from kgraphlint.rules._wording import layer_ref, model_ref


class NonInputModelInput(Rule):
    """
    ## What it does
    Reports a tensor listed in a functional model's `inputs` that is not an
    `Input` tensor but the result of a layer call, typically because the
    variable holding the Input was rebound (`label = layers.Dense(8)(label)`).

    ## Why is this bad?
    Keras 3 accepts an intermediate tensor as a model input and silently cuts
    off everything upstream of it: the layers between the real Input and that
    tensor are not part of the model, are never trained, and the data you feed
    is expected in the shape of the intermediate result.

    ## Example
    ```python
    label = keras.Input(shape=(10,))
    label = layers.Dense(8)(label)  # rebinds `label`
    out = layers.Dense(1)(label)
    model = keras.Model(label, out)  # the Dense(8) is not in the model
    ```

    ## Use instead
    ```python
    label_input = keras.Input(shape=(10,))
    label = layers.Dense(8)(label_input)
    out = layers.Dense(1)(label)
    model = keras.Model(label_input, out)
    ```
    """

    code = "KG104"
    name = "non-input-model-input"
    severity = "error"
    engines = "ST"
    summary = "A model input that is an intermediate layer result instead of an Input tensor."

    VALID = (
        """\
import keras
from keras import layers

label_input = keras.Input(shape=(10,))
label = layers.Dense(8)(label_input)
out = layers.Dense(1)(label)
model = keras.Model(label_input, out)
""",
        # Sub-model inputs: a model built on its own Input, then reused.
        """\
import keras
from keras import layers

def build():
    code_in = keras.Input(shape=(4,))
    decoder = keras.Model(code_in, layers.Dense(16)(code_in))
    image = keras.Input(shape=(16,))
    code = layers.Dense(4)(image)
    autoencoder = keras.Model(image, decoder(code))
    return decoder, autoencoder
""",
        # model.input of a backbone is an Input tensor.
        """\
import keras
from keras import layers

base = keras.applications.MobileNetV2(include_top=False, weights=None, pooling="avg", input_shape=(96, 96, 3))
out = layers.Dense(3)(base.output)
model = keras.Model(base.input, out)
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

label = keras.Input(shape=(10,))
label = layers.Dense(8, activation="relu")(label)
out = layers.Dense(1)(label)
model = keras.Model(label, out)  # expect
""",
        # The rebinding happens in a two-input model.
        """\
import keras
from keras import layers

def build():
    image = keras.Input(shape=(32,))
    meta = keras.Input(shape=(4,))
    meta = layers.Normalization()(meta)
    x = layers.Concatenate()([layers.Dense(16)(image), meta])
    out = layers.Dense(1)(x)
    return keras.Model(inputs=[image, meta], outputs=out)  # expect
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        for model in facts.models:
            if (
                model.kind != "functional"
                or model.inputs is None
                or model.site is None
                or model.library_made
            ):
                continue
            for index, tensor in enumerate(model.inputs):
                node = tensor.producer
                if tensor.is_input or tensor.opaque or node is None:
                    continue
                # Cutting a backbone at one of its own layers
                # (`Model(base.get_layer("mixed7").output, ...)`) is a
                # deliberate pattern: only user-made layers count.
                if node.layer.library_made or tensor.library_made:
                    continue
                label = (
                    model.input_labels[index]
                    if index < len(model.input_labels) and model.input_labels[index]
                    else tensor.label or f"#{index}"
                )
                layer_name = node.layer.display()
                related: list[tuple[Optional[Site], str]] = [
                    (node.called_at, f"`{label}` is computed here by `{layer_name}`")
                ]
                origin = self._origin_input(tensor)
                origin_name = None
                if origin is not None:
                    origin_name = origin.label
                    related.append(
                        (origin.site, f"Input `{origin_name or 'Input'}` is defined here")
                    )
                where = f", computed from Input `{origin_name}`" if origin_name else ""
                message = (
                    f"The input `{label}` of {model_ref(model)} is not an Input tensor but "
                    f"the result of {layer_ref(node.layer)}{where}: Keras silently cuts off "
                    f"everything upstream of it."
                )
                if origin_name and origin_name == label:
                    hint = (
                        f"the variable `{label}` was rebound: keep the Input in its own "
                        f"variable (e.g. `{label}_input = keras.Input(...)`), apply "
                        f"`{layer_name}` to it under a new name, and list "
                        f"`{label}_input` as the model input."
                    )
                elif origin_name:
                    hint = f"list the Input `{origin_name}` as the model input instead of `{label}`."
                else:
                    hint = f"list the `keras.Input(...)` tensor that `{label}` is computed from as the model input."
                yield self.finding(
                    model.site, message, hint, engine=facts.engine, related=related
                )

    @staticmethod
    def _origin_input(tensor: Tensor) -> Optional[Tensor]:
        """The single Input the intermediate tensor was computed from, if certain."""
        ancestry = input_roots(tensor)
        roots = [ancestry.tensors[tid] for tid in ancestry.definite]
        roots = [t for t in roots if t.is_input]
        return roots[0] if len(roots) == 1 else None
