"""KG607 window-larger-than-input: a convolution or pooling window bigger than its input."""

from __future__ import annotations

import re
from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, shape_nodes
from kgraphlint.rules._shapes import layer_text, made_by, tensor_ref
from kgraphlint.rules.base import Rule
from kgraphlint.static.shapes import spatial_problem


class WindowLargerThanInput(Rule):
    """
    ## What it does
    Reports a convolution or pooling layer with `padding="valid"` (the
    default) whose window is larger than a spatial dimension of its input,
    when both are pinned down: usually one pooling too many on small images
    (28x28 halved four times is 1x1), or a big kernel on a small feature map.

    ## Why is this bad?
    Keras raises `Computed output size would be zero or negative` when the
    model is built (TensorFlow 1 / Keras 2 said `Negative dimension size
    caused by subtracting 3 from 1`), one of the commonest Keras crashes.
    Each "valid" convolution shrinks the map by `kernel_size - 1` and each
    pooling divides it; the sizes have to stay positive.

    ## Example
    ```python
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3)(inputs)      # 26x26
    x = layers.MaxPooling2D()(x)          # 13x13
    x = layers.Conv2D(64, 3)(x)           # 11x11
    x = layers.MaxPooling2D()(x)          # 5x5
    x = layers.Conv2D(128, 7)(x)          # 7x7 kernel on 5x5
    ```

    ## Use instead
    ```python
    x = layers.Conv2D(128, 3, padding="same")(x)   # keeps 5x5
    ```
    """

    code = "KG607"
    name = "window-larger-than-input"
    severity = "error"
    engines = "ST"
    summary = "A convolution or pooling window larger than its input's spatial size (Keras raises)."
    # What Keras raises while the layer is called.
    raised_patterns = (
        re.compile(r"Computed output size would be zero or negative"),
        re.compile(r"Negative dimension size caused by subtracting"),
    )
    raised_at_layer = True
    raised_wording = (
        "A convolution or pooling window is larger than its input",
        "use `padding=\"same\"`, a smaller kernel or pool size, fewer pooling layers, or larger images.",
    )

    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3)(inputs)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(64, 3)(x)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(128, 5, padding="same")(x)
model = keras.Model(inputs, layers.GlobalAveragePooling2D()(x))
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3)(inputs)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(64, 3)(x)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(128, 7)(x)  # expect
""",
        """\
import keras
from keras import layers

model = keras.Sequential([layers.Input(shape=(8, 8, 3))])
model.add(layers.MaxPooling2D())
model.add(layers.MaxPooling2D())
model.add(layers.MaxPooling2D())
model.add(layers.MaxPooling2D())  # expect
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        seen: set[tuple[str, int, int]] = set()
        for node in shape_nodes(facts):
            layer = node.layer
            if layer.library_made or node.called_at is None or len(node.inputs) != 1:
                continue
            tensor = node.inputs[0]
            problem = spatial_problem(layer.class_name, layer.config, tensor.shape)
            if problem is None:
                continue
            key = node.called_at.key()
            if key in seen:
                continue
            seen.add(key)
            size, window = problem
            message = (
                f"{layer_text(layer)} slides a window of {window} over {tensor_ref(tensor)}, whose spatial "
                f"size {size} is smaller: the output would have size 0 or less, and Keras raises when the "
                f"model is built."
            )
            hint = (
                "use `padding=\"same\"`, a smaller kernel or pool size, fewer pooling layers, "
                "or larger input images."
            )
            related = [r for r in (made_by(tensor),) if r is not None]
            yield self.finding(node.called_at, message, hint, engine=facts.engine, related=related)
