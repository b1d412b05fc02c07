"""``kgraphlint.check_model``: graph rules on a model the caller already built.

In-process, real Keras (this module imports it; static mode never does).
Sites are unknown for such models: findings point at ``<model NAME>`` line 0.
"""

from __future__ import annotations

import pytest

# Builds real models with TensorFlow or runs external tools: deselect with -m "not slow".
pytestmark = pytest.mark.slow

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

from keras import layers  # noqa: E402

from kgraphlint import check_model  # noqa: E402
from kgraphlint.graph import model_layers  # noqa: E402
from kgraphlint.trace.model_facts import facts_from_models  # noqa: E402


def test_clean_finetune_model_has_no_findings() -> None:
    base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35)
    x = layers.GlobalAveragePooling2D()(base.output)
    model = keras.Model(base.inputs, layers.Dense(5, activation="softmax")(x), name="finetune")
    facts = facts_from_models([model])
    (final,) = [m for m in facts.models if m.label == "finetune"]
    assert len(model_layers(final)) == len(model.layers)
    assert check_model(model) == []


def test_unused_input_is_reported_at_the_model() -> None:
    text = keras.Input((8,), name="text")
    tabular = keras.Input((3,), name="tabular")
    model = keras.Model([text, tabular], layers.Dense(1)(text), name="two_inputs")
    (finding,) = check_model(model)
    assert finding.code == "KG102" and "`tabular`" in finding.message
    assert (finding.path, finding.line, finding.engine) == ("<model two_inputs>", 0, "trace")


def test_layer_reused_in_a_chain_and_explicit_names() -> None:
    inputs = keras.Input((16,))
    hidden = layers.Dense(16, name="hidden")
    x = inputs
    for _ in range(3):
        x = hidden(x)
    model = keras.Model(inputs, layers.Dense(1)(x), name="tied")
    facts = facts_from_models([model])
    names = {layer.name for layer in facts.layers}
    assert "hidden" in names and "dense" not in names  # auto-names are not explicit
    assert [f.code for f in check_model(model)] == ["KG301"]


def test_nested_sequential_and_siamese_are_clean() -> None:
    tower = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(4)], name="tower")
    left, right = keras.Input((6,)), keras.Input((6,))
    merged = layers.Concatenate()([tower(left), tower(right)])
    model = keras.Model([left, right], layers.Dense(1)(merged))
    facts = facts_from_models([model])
    seq = next(m for m in facts.models if m.kind == "sequential")
    assert len(seq.extra_layers) == 2
    assert check_model(model) == []
