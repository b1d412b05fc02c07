"""KG503 head-on-feature-map: a Dense head on an unpooled backbone feature map."""

from __future__ import annotations

from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, feature_map_source
from kgraphlint.rules._wording import capitalized, layer_ref
from kgraphlint.rules.base import Rule


class HeadOnFeatureMap(Rule):
    """
    ## What it does
    Reports a `Dense` layer applied straight to the 4-D feature map of a
    `keras.applications` backbone built with `include_top=False` and no
    `pooling=`.

    ## Why is this bad?
    `Dense` acts on the last axis only, so on a `(batch, h, w, channels)`
    feature map it predicts one vector per spatial position: the model's output
    is 4-D, the loss compares the wrong shapes (or broadcasts silently), and
    the classifier never sees the image as a whole.

    ## Example
    ```python
    base = keras.applications.InceptionV3(include_top=False)
    predictions = layers.Dense(5, activation="softmax")(base.output)
    ```

    ## Use instead
    ```python
    base = keras.applications.InceptionV3(include_top=False)
    x = layers.GlobalAveragePooling2D()(base.output)
    predictions = layers.Dense(5, activation="softmax")(x)
    ```
    """

    code = "KG503"
    name = "head-on-feature-map"
    severity = "warning"
    engines = "ST"
    summary = "A Dense head applied to the 4-D feature map of an include_top=False backbone without pooling."

    VALID = (
        # The seed fine-tune: pooled first.
        """\
import keras
from keras import layers

def construct_model():
    model = keras.applications.InceptionV3(include_top=False, weights=None, input_shape=(299, 299, 3))
    new_output = layers.GlobalAveragePooling2D()(model.output)
    new_output = layers.Dense(5, activation="softmax")(new_output)
    return keras.Model(model.inputs, new_output)
""",
        # pooling="avg" makes the backbone output 2-D; Flatten works too.
        """\
import keras
from keras import layers

pooled = keras.applications.ResNet50(include_top=False, weights=None, pooling="avg", input_shape=(64, 64, 3))
head_a = layers.Dense(3)(pooled.output)
flat_base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))
head_b = layers.Dense(3)(layers.Flatten()(flat_base.output))
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

def construct_model():
    model = keras.applications.InceptionV3(include_top=False, weights=None, input_shape=(299, 299, 3))
    new_output = layers.Dense(5, activation="softmax")(model.output)  # expect
    return keras.Model(model.inputs, new_output)
""",
        # The backbone called on a new Input gives the same feature map.
        """\
import keras
from keras import layers

base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))
image = keras.Input(shape=(96, 96, 3))
features = base(image)
logits = layers.Dense(10)(features)  # expect
model = keras.Model(image, logits)
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        seen: set[tuple[str, int, int]] = set()
        for node in facts.nodes:
            layer = node.layer
            if layer.class_name != "Dense" or layer.library_made or node.called_at is None:
                continue
            tensor = next((t for t in node.inputs if feature_map_source(t) is not None), None)
            if tensor is None:
                continue
            key = node.called_at.key()
            if key in seen:
                continue
            seen.add(key)
            backbone = feature_map_source(tensor)
            assert backbone is not None
            backbone_name = f"`{backbone.application}`" if backbone.application else "a backbone"
            shown = tensor.label or f"the output of `{backbone.display()}`"
            shown = f"`{shown}`" if tensor.label else shown
            message = (
                f"{capitalized(layer_ref(layer))} is applied to {shown}, the 4-D feature map of "
                f"{backbone_name} built with `include_top=False` and no `pooling=`: it "
                f"predicts once per spatial position instead of once per image."
            )
            hint = (
                f"pool the feature map first (`x = layers.GlobalAveragePooling2D()({tensor.label or 'x'})` "
                f"or `layers.Flatten()`), or build the backbone with `pooling=\"avg\"`."
            )
            yield self.finding(
                node.called_at,
                message,
                hint,
                engine=facts.engine,
                related=[(backbone.site, f"`{backbone.display()}` ({backbone_name}) is built here without pooling")],
            )
