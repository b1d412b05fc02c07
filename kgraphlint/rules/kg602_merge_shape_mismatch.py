"""KG602 merge-shape-mismatch: Add/Concatenate/... of tensors whose shapes cannot merge."""

from __future__ import annotations

import re
from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, shape_nodes
from kgraphlint.rules._shapes import layer_text, made_by, tensor_ref
from kgraphlint.rules.base import Rule
from kgraphlint.static.shapes import canonical_class, merge_problem


class MergeShapeMismatch(Rule):
    """
    ## What it does
    Reports a merge whose inputs' pinned-down shapes Keras rejects: `Add`,
    `Subtract`, `Multiply`, `Average`, `Maximum` or `Minimum` of tensors whose
    dimensions differ (and are not 1), and `Concatenate` of tensors whose
    dimensions differ on an axis other than the concatenation axis (or whose
    numbers of dimensions differ).  The functional forms (`layers.add`,
    `layers.concatenate`, ...) are checked too.

    ## Why is this bad?
    Keras raises `A Concatenate layer requires inputs with matching shapes
    except for the concatenation axis` or `Inputs have incompatible shapes`
    when the model is built.  Typical causes: a skip connection taken before a
    stride-2 convolution or a pooling (U-Net, ResNet shortcuts), a residual
    `Add` whose branch changed the number of filters, two towers with
    different widths.

    ## Example
    ```python
    inputs = keras.Input(shape=(64, 64, 3))
    x = layers.Conv2D(32, 3, padding="same")(inputs)
    y = layers.MaxPooling2D()(x)                    # (None, 32, 32, 32)
    merged = layers.Concatenate()([x, y])           # (None, 64, 64, 32) vs (None, 32, 32, 32)
    ```

    ## Use instead
    ```python
    inputs = keras.Input(shape=(64, 64, 3))
    x = layers.Conv2D(32, 3, padding="same")(inputs)
    y = layers.UpSampling2D()(layers.MaxPooling2D()(x))  # back to (None, 64, 64, 32)
    merged = layers.Concatenate()([x, y])
    ```
    """

    code = "KG602"
    name = "merge-shape-mismatch"
    severity = "error"
    engines = "ST"
    summary = "Add/Multiply/Concatenate/... of tensors whose shapes cannot be merged (Keras raises)."
    # What Keras raises while the merge layer is called.
    raised_patterns = (
        re.compile(r"A `Concatenate` layer requires inputs with matching shapes"),
        re.compile(r"Inputs have incompatible shapes\. Received shapes"),
    )
    raised_at_layer = True
    raised_wording = (
        "A merge layer is given tensors whose shapes cannot be merged",
        "make the shapes agree before merging (same resolution and channels for Add, same non-axis "
        "dimensions for Concatenate): resize, project with a 1x1 Conv2D/Dense, or pool first.",
    )

    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(64, 64, 3))
x = layers.Conv2D(32, 3, padding="same")(inputs)
y = layers.Conv2D(32, 3, padding="same")(x)
z = layers.Add()([x, y])
w = layers.concatenate([x, y, z], axis=-1)
s = layers.Multiply()([w, layers.Dense(1)(w)])  # a size-1 axis broadcasts
model = keras.Model(inputs, s)
""",
        """\
import keras
from keras import layers

a = keras.Input(shape=(10,))
b = keras.Input(shape=(20,))
c = layers.Concatenate()([a, b])
model = keras.Model([a, b], layers.Dense(1)(c))
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(64, 64, 3))
x = layers.Conv2D(32, 3, padding="same")(inputs)
y = layers.MaxPooling2D()(x)
merged = layers.Concatenate()([x, y])  # expect
""",
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 16))
shortcut = inputs
x = layers.Conv2D(64, 3, padding="same")(inputs)
x = layers.add([x, shortcut])  # expect
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        seen: set[tuple[str, int, int]] = set()
        for node in shape_nodes(facts):
            layer = node.layer
            if layer.library_made or node.called_at is None or node.has_opaque_inputs:
                continue
            shapes = [t.shape for t in node.inputs]
            problem = merge_problem(layer.class_name, layer.config, shapes)
            if problem is None:
                continue
            key = node.called_at.key()
            if key in seen:
                continue
            seen.add(key)
            name = canonical_class(layer.class_name)
            parts = ", ".join(tensor_ref(t) for t in node.inputs)
            if name == "Concatenate":
                what = (
                    "different numbers of dimensions" if problem == "ranks"
                    else "dimensions that differ on an axis other than the concatenation axis"
                )
                hint = (
                    "make the other axes agree before concatenating: take the skip connection at the "
                    "same resolution (or resize with `UpSampling2D`/`Cropping2D`/pooling), `Flatten` or pool "
                    "the branches, or pick the right `axis=`."
                )
            else:
                what = "dimensions that differ (and are not 1)"
                hint = (
                    "make the shapes equal before the element-wise merge: project the shortcut with a "
                    "1x1 `Conv2D(filters, 1, strides=...)` or a `Dense(units)` so that channels and "
                    "resolution match, or use `Concatenate` to stack them."
                )
            message = (
                f"{layer_text(layer)} merges {parts}: {what}. Keras raises when the model is built."
            )
            related = [r for r in (made_by(t) for t in node.inputs) if r is not None]
            yield self.finding(node.called_at, message, hint, engine=facts.engine, related=related)



