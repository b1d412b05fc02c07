"""KG604 backbone-input-shape: a keras.applications input_shape that Keras rejects."""

from __future__ import annotations

import re
from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts
from kgraphlint.rules.base import Rule
from kgraphlint.static.shapes import APPLICATIONS, application_input_problem, show


class BackboneInputShape(Rule):
    """
    ## What it does
    Reports a `keras.applications` backbone built with a literal
    `input_shape=` that Keras rejects: smaller than the architecture's
    minimum (32x32 for most, 75x75 for InceptionV3, 71x71 for Xception),
    not 3 channels while loading ImageNet weights (grayscale MNIST-style
    images), or, with `include_top=True` and ImageNet weights, any shape but
    the one the classifier was trained on (`(224, 224, 3)` for ResNet50).

    ## Why is this bad?
    Keras raises `Input size must be at least 75x75` / `The input must have
    3 channels` / `When setting include_top=True and loading imagenet
    weights, input_shape should be ...` before any layer is built.  The fix
    is always in the data: resize or pad the images, repeat the gray channel
    three times, or drop the classifier (`include_top=False`) and put your
    own head on the pooled features.

    ## Example
    ```python
    base = keras.applications.VGG16(weights="imagenet", include_top=False, input_shape=(28, 28, 1))
    ```

    ## Use instead
    ```python
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Resizing(32, 32)(layers.Concatenate()([inputs, inputs, inputs]))
    base = keras.applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    features = base(x)
    ```
    """

    code = "KG604"
    name = "backbone-input-shape"
    severity = "error"
    engines = "ST"
    summary = "A keras.applications backbone given an input_shape that Keras rejects (too small, channels, top)."
    # What keras.applications raises for such an input_shape.
    raised_patterns = (
        re.compile(r"Input size must be at least \d+x\d+; Received: input_shape="),
        re.compile(r"The input must have 3 channels; Received `input_shape="),
        re.compile(r"When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be"),
    )
    raised_wording = (
        "A keras.applications backbone rejects its input_shape",
        "resize the images to the backbone's minimum size with 3 channels, or set `include_top=False` "
        "to use another size with ImageNet weights.",
    )

    VALID = (
        """\
import keras

base = keras.applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
top = keras.applications.ResNet50(weights="imagenet", include_top=True, input_shape=(224, 224, 3))
gray = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 1))
""",
        # A shape that is not a literal is never judged.
        """\
import keras

def build(size):
    return keras.applications.InceptionV3(include_top=False, input_shape=(size, size, 3))
""",
    )

    INVALID = (
        """\
import keras

base = keras.applications.VGG16(weights="imagenet", include_top=False, input_shape=(28, 28, 1))  # expect
""",
        """\
import keras

def construct_model():
    base = keras.applications.InceptionV3(include_top=False, input_shape=(64, 64, 3))  # expect
    return base
""",
        """\
import keras

model = keras.applications.ResNet50(weights="imagenet", input_shape=(128, 128, 3))  # expect
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        for model in facts.models:
            if model.kind != "application" or model.application not in APPLICATIONS or model.site is None:
                continue
            problem = application_input_problem(model.application, model.app_args)
            if problem is None:
                continue
            kind, why = problem
            given = model.app_args.get("input_shape")
            default, min_size, _ = APPLICATIONS[model.application]
            message = (
                f"`{model.application}` is built with `input_shape={show(given)}`, but {why}: "
                f"Keras raises before any layer is built."
            )
            if kind == "top":
                hint = (
                    f"use `input_shape=({default}, {default}, 3)` (resize the images), or set "
                    f"`include_top=False` and put your own pooling and Dense head on the features."
                )
            elif kind == "channels":
                hint = (
                    "give the backbone 3 channels: repeat a gray channel (`layers.Concatenate()([x, x, x])` "
                    "or `np.repeat(images, 3, axis=-1)`), or train from scratch with `weights=None`."
                )
            elif kind == "size":
                hint = (
                    f"resize (or pad) the images to at least {min_size}x{min_size} "
                    f"(e.g. `layers.Resizing({max(min_size, 96)}, {max(min_size, 96)})` before the backbone, "
                    f"with the backbone's `input_shape` to match)."
                )
            else:
                hint = "pass `input_shape=(height, width, channels)`."
            yield self.finding(model.site, message, hint, engine=facts.engine)
