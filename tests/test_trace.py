"""The runtime tracer on real TensorFlow: one worker run shared by the module.

Every program below is traced in a single ``trace_files`` call (one worker
importing Keras once, replaced only after a hang or hard crash), in an order
that puts good files right after the bad ones: each bad file must become
KG901 for that file only, and the next file must be traced as if nothing
happened.  Nothing is mocked: real Keras builds real models, offline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Optional

import pytest

# Builds real models with TensorFlow or runs external tools: deselect with -m "not slow".
pytestmark = pytest.mark.slow

pytest.importorskip("tensorflow")

from kgraphlint.findings import Finding  # noqa: E402
from kgraphlint.graph import Facts, Model, model_layers  # noqa: E402
from kgraphlint.rules import all_rules, selected_rules  # noqa: E402
from kgraphlint.rules.base import expected_lines  # noqa: E402
from kgraphlint.rules.raised import findings_from_raised, rule_for_exception  # noqa: E402
from kgraphlint.trace.runner import TraceRequest, trace_files  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "fixtures" / "inception_v3_finetune.py"
TIMEOUT = 12.0  # per file; the InceptionV3 fixture needs ~3 s

# name -> (source, builders as the static engine would list them)
PROGRAMS: dict[str, tuple[str, list[tuple[str, int]]]] = {}


def program(name: str, source: str, builders: Optional[list[tuple[str, int]]] = None) -> None:
    PROGRAMS[name] = (textwrap.dedent(source), builders if builders is not None else [("build", 0)])


# -- isolation: each of these fails, the file after it is fine ------------------
program(
    "hangs.py",
    """\
    import time
    import keras


    def build():
        inputs = keras.Input((4,))
        while True:
            time.sleep(0.05)
    """,
)
program(
    "good_after_hang.py",
    """\
    import keras
    from keras import layers


    def build():
        inputs = keras.Input((4,))
        return keras.Model(inputs, layers.Dense(2)(inputs))
    """,
)
# Swallows the worker's own timeout signal: only the parent's kill stops it.
program(
    "hangs_stubbornly.py",
    """\
    import time


    def build():
        while True:
            try:
                time.sleep(0.05)
            except BaseException:
                pass
    """,
)
program(
    "sys_exit.py",
    """\
    import sys
    import keras


    def build():
        inputs = keras.Input((4,))
        sys.exit("no GPU")
    """,
)
program(
    "os_exit.py",
    """\
    import os


    def build():
        os._exit(3)
    """,
)
program(
    "segfault.py",
    """\
    import ctypes


    def build():
        return ctypes.string_at(0)
    """,
)
program(
    "good_after_crash.py",
    """\
    import keras
    from keras import layers


    def build():
        inputs = keras.Input((8,))
        return keras.Model(inputs, layers.Dense(1)(inputs))
    """,
)
program(
    "raises.py",
    """\
    import keras
    from keras import layers


    def build():
        inputs = keras.Input(shape=(32, 32, 3))
        x = layers.Conv2D(16, 3, padding="same")(inputs)
        x = layers.Conv2D(16, 3, padding="causal")(x)
        return keras.Model(inputs, x)
    """,
)
program(
    "import_fails.py",
    """\
    import keras

    CONFIG = {}["missing"]


    def build():
        return keras.Input((4,))
    """,
)

# -- offline: pretrained weights, downloads, datasets, training, sockets ---------
program(
    "offline.py",
    """\
    import socket
    import keras
    from keras import layers

    print("user output at import")


    def build():
        print("user output in the builder")
        os_level = __import__("os")
        os_level.write(1, b"raw fd 1 noise\\n")
        os_level.write(2, b"raw fd 2 noise\\n")
        (x_train, y_train), _ = keras.datasets.cifar10.load_data()
        assert x_train.shape[1:] == (32, 32, 3)
        path = keras.utils.get_file("big.h5", origin="https://example.com/big.h5")
        try:
            socket.create_connection(("example.com", 80), timeout=5)
        except OSError as exc:
            assert "kgraphlint" in str(exc), exc
        else:
            raise AssertionError("the network was reachable while tracing")
        base = keras.applications.MobileNetV2(
            input_shape=(32, 32, 3), include_top=False, weights="imagenet", alpha=0.35, pooling="avg"
        )
        outputs = layers.Dense(10, activation="softmax")(base.output)
        model = keras.Model(base.input, outputs)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x_train, y_train, epochs=1000)
        model.evaluate(x_train, y_train)
        assert model.predict(x_train).shape == (8, 10)
        model.save_weights("/nonexistent/dir/w.weights.h5")
        model.save("/nonexistent/dir/m.keras")
        model.load_weights(path)
        return model
    """,
)

# -- exceptions mapped to rules ----------------------------------------------------
program(
    "kg101_raised.py",
    """\
    import keras
    from keras import layers


    def build():
        image = keras.Input((8,))
        meta = keras.Input((3,))
        x = layers.Dense(4)(image)
        out = layers.Concatenate()([x, meta])
        return keras.Model(image, out)
    """,
)
program(
    "kg201_raised.py",
    """\
    import keras
    from keras import layers


    def build():
        inputs = keras.Input((8,))
        hidden = layers.Dense(4)
        out = layers.Dense(1)(hidden)
        return keras.Model(inputs, out)
    """,
)
program(
    "kg202_raised.py",
    """\
    import keras
    from keras import layers


    def build():
        inputs = keras.Input((8,))
        dense = layers.Dense(4)(inputs)
        out = dense(inputs)
        return keras.Model(inputs, out)
    """,
)
program(
    "kg204_raised.py",
    """\
    import tensorflow as tf
    import keras
    from keras import layers


    def build():
        inputs = keras.Input((8,))
        x = layers.Dense(4)(inputs)
        x = tf.reduce_mean(x, axis=-1)
        return keras.Model(inputs, x)
    """,
)
program(
    "kg304_raised.py",
    """\
    import keras
    from keras import layers


    def build():
        inputs = keras.Input((8,))
        x = layers.Dense(4, name="fc")(inputs)
        x = layers.Dense(4, name="fc")(x)
        return keras.Model(inputs, x)
    """,
)

# -- facts the graph rules read ----------------------------------------------------
program(
    "unused_input.py",
    """\
    import keras
    from keras import layers


    def build():
        text = keras.Input((8,), name="text")
        tabular = keras.Input((3,), name="tabular")
        out = layers.Dense(1)(layers.Dense(4)(text))
        return keras.Model([text, tabular], out)
    """,
)
program(
    "reused_in_loop.py",
    """\
    import keras
    from keras import layers


    def build():
        inputs = keras.Input((16,))
        hidden = layers.Dense(16, activation="relu")
        x = inputs
        for _ in range(3):
            x = hidden(x)
        return keras.Model(inputs, layers.Dense(1)(x))
    """,
)
program(
    "siamese.py",
    """\
    import keras
    from keras import layers


    def build():
        left = keras.Input((16,))
        right = keras.Input((16,))
        shared = layers.Dense(8)
        merged = layers.Concatenate()([shared(left), shared(right)])
        return keras.Model([left, right], layers.Dense(1)(merged))
    """,
)
program(
    "shared_compiled.py",
    """\
    import keras
    from keras import layers


    def build():
        inputs = keras.Input((32,))
        encoder = layers.Dense(16, activation="relu")
        features = encoder(inputs)
        classifier = keras.Model(inputs, layers.Dense(3, activation="softmax")(features))
        classifier.compile(optimizer="adam", loss="categorical_crossentropy")
        regressor = keras.Model(inputs, layers.Dense(1)(features))
        regressor.compile(optimizer="adam", loss="mse")
        return classifier, regressor
    """,
)
program(
    "gan.py",
    """\
    import keras
    from keras import layers


    def build():
        image = keras.Input((16,))
        disc_hidden = layers.Dense(32, activation="relu")(image)
        discriminator = keras.Model(image, layers.Dense(1, activation="sigmoid")(disc_hidden))
        discriminator.compile(optimizer="adam", loss="binary_crossentropy")
        noise = keras.Input((8,))
        generator = keras.Model(noise, layers.Dense(16)(layers.Dense(32)(noise)))
        discriminator.trainable = False
        gan_in = keras.Input((8,))
        gan = keras.Model(gan_in, discriminator(generator(gan_in)))
        gan.compile(optimizer="adam", loss="binary_crossentropy")
        return gan
    """,
)
program(
    "dangling_and_uncalled.py",
    """\
    import keras
    from keras import layers


    def build():
        inputs = keras.Input((32,))
        x = layers.Dense(64, activation="relu")(inputs)
        layers.Dropout(0.5)(x)
        norm = layers.BatchNormalization()
        seq = keras.Input((5, 4))
        wrapped = layers.Bidirectional(layers.LSTM(4))(seq)
        return keras.Model([inputs, seq], [layers.Dense(1)(x), wrapped])
    """,
)
program(
    "head_on_feature_map.py",
    """\
    import keras
    from keras import layers


    def build():
        base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False, alpha=0.35)
        out = layers.Dense(3, activation="softmax")(base.output)
        return keras.Model(base.input, out)
    """,
)
program(
    "head_on_dropped_feature_map.py",
    """\
    import keras
    from keras import layers


    def build():
        base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False, alpha=0.35)
        x = layers.Dropout(0.2)(base.output)
        out = layers.Dense(3, activation="softmax")(x)
        return keras.Model(base.input, out)
    """,
)
program(
    "non_input_model_input.py",
    """\
    import keras
    from keras import layers


    def build():
        label = keras.Input((1,))
        label = layers.Dense(4)(label)
        out = layers.Dense(1)(label)
        return keras.Model(label, out)
    """,
)
program(
    "configured_call.py",
    """\
    import keras
    from keras import layers


    def build(num_classes, width=4):
        inputs = keras.Input((8,))
        return keras.Model(inputs, layers.Dense(num_classes, name="head")(layers.Dense(width)(inputs)))
    """,
    [("build", 1)],
)
program(
    "class_builder.py",
    """\
    import keras
    from keras import layers


    class MLPBuilder:
        def __init__(self):
            self.hidden = layers.Dense(8, activation="relu")

        def build(self):
            inputs = keras.Input((8,))
            x = inputs
            for _ in range(2):
                x = self.hidden(x)
            return keras.Model(inputs, x)


    def build_mlp():
        return MLPBuilder().build()


    def build_dataset():
        return open("/nonexistent/data.csv").read()
    """,
    [],  # the static engine does not see through the class: the tracer guesses by name
)

for index, rule_cls in enumerate([all_rules()["KG901"]]):
    for i, sample in enumerate(rule_cls.VALID):
        program(f"kg901_valid_{i}.py", sample)
    for i, sample in enumerate(rule_cls.INVALID):
        program(f"kg901_invalid_{i}.py", sample)

ORDER = [
    "good_after_hang.py",
    "hangs.py",
    "good_after_hang.py",
    "hangs_stubbornly.py",
    "sys_exit.py",
    "os_exit.py",
    "segfault.py",
    "good_after_crash.py",
    "raises.py",
    "import_fails.py",
]


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Facts]:
    root = tmp_path_factory.mktemp("trace")
    names = list(dict.fromkeys(ORDER + [n for n in PROGRAMS if n not in ORDER]))
    requests = []
    for name in names:
        source, builders = PROGRAMS[name]
        (root / name).write_text(source)
        requests.append(TraceRequest(path=name, abspath=str(root / name), builders=builders))
    requests.append(TraceRequest("inception_v3_finetune.py", str(REFERENCE), [("construct_model", 0)]))
    config = SimpleNamespace(
        trace_timeout=TIMEOUT,
        trace_calls=[f"{root / 'configured_call.py'}:build(num_classes=3)"],
    )
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return trace_files(requests, config)
    finally:
        os.chdir(cwd)


def findings(facts: Facts) -> list[Finding]:
    """What the pipeline reports for trace facts: graph rules, then raised
    errors, one finding per (code, path, line, column)."""
    found = [f for r in selected_rules(None, None) if not r.source_rule for f in r.check(facts)]
    found += findings_from_raised(facts)
    unique: dict[tuple[str, str, int, int], Finding] = {}
    for f in found:
        unique.setdefault((f.code, f.path, f.line, f.column), f)
    return sorted(unique.values(), key=Finding.sort_key)


def codes_at(facts: Facts) -> set[tuple[str, int]]:
    return {(f.code, f.line) for f in findings(facts)}


def only_model(facts: Facts, kind: str = "functional") -> Model:
    models = [m for m in facts.models if m.kind == kind and not m.library_made]
    assert len(models) == 1, models
    return models[0]


# --------------------------------------------------------------------------------
def test_reference_fixture_all_layers_and_clean(traced: dict[str, Facts]) -> None:
    facts = traced["inception_v3_finetune.py"]
    assert facts.engine == "trace" and facts.errors == []
    final = only_model(facts)
    assert final.site is not None and (final.site.path, final.site.line) == ("inception_v3_finetune.py", 46)
    assert len(model_layers(final)) == 313
    backbone = next(m for m in facts.models if m.kind == "application")
    assert (backbone.application, backbone.include_top, backbone.pooling) == ("InceptionV3", False, None)
    assert len(model_layers(backbone)) == 311 and backbone.library_made
    user_layers = [l for l in model_layers(final) if not l.library_made]
    assert sorted(l.class_name for l in user_layers) == ["Dense", "GlobalAveragePooling2D"]
    assert findings(facts) == []


@pytest.mark.parametrize(
    "name,line,words",
    [
        ("hangs.py", 8, "timed out after 12 s"),
        ("hangs_stubbornly.py", 7, "timed out"),
        ("sys_exit.py", 7, "sys.exit('no GPU')"),
        ("os_exit.py", 5, "os._exit(3)"),
        ("segfault.py", 5, "crashed"),
        ("raises.py", 8, "padding"),
        ("import_fails.py", 3, "KeyError"),
    ],
)
def test_failures_become_kg901_for_their_file(traced: dict[str, Facts], name: str, line: int, words: str) -> None:
    found = findings(traced[name])
    assert [(f.code, f.line, f.engine) for f in found] == [("KG901", line, "trace")], found
    assert words in found[0].message
    assert found[0].path == name


def test_good_files_after_failures_are_traced(traced: dict[str, Facts]) -> None:
    for name in ("good_after_hang.py", "good_after_crash.py", "offline.py"):
        facts = traced[name]
        assert facts.errors == [], (name, facts.errors)
        assert findings(facts) == []
        assert any(m.kind == "functional" for m in facts.models)


def test_offline_builds_pretrained_backbone_without_network(traced: dict[str, Facts]) -> None:
    facts = traced["offline.py"]
    backbone = next(m for m in facts.models if m.kind == "application")
    assert (backbone.application, backbone.include_top, backbone.pooling) == ("MobileNetV2", False, "avg")
    assert len(facts.compiles) == 1


@pytest.mark.parametrize(
    "name,code,line",
    [
        ("kg101_raised.py", "KG101", 10),
        ("kg201_raised.py", "KG201", 8),
        ("kg202_raised.py", "KG202", 8),
        ("kg204_raised.py", "KG204", 9),
        ("kg304_raised.py", "KG304", 8),
    ],
)
def test_keras_exceptions_map_to_rules(traced: dict[str, Facts], name: str, code: str, line: int) -> None:
    facts = traced[name]
    assert [(rule_for_exception(e.exc_type, e.message), e.site.line if e.site else None) for e in facts.errors] == [
        (code, line)
    ]
    assert codes_at(facts) == {(code, line)}


def test_kg101_facts_name_the_stray_input(traced: dict[str, Facts]) -> None:
    found = [f for f in findings(traced["kg101_raised.py"]) if f.code == "KG101"]
    assert len(found) == 1 and "`meta`" in found[0].message


def test_unused_input(traced: dict[str, Facts]) -> None:
    facts = traced["unused_input.py"]
    model = only_model(facts)
    assert [t.label for t in model.inputs] == ["text", "tabular"] and all(t.is_input for t in model.inputs)
    assert model.input_labels == ["text", "tabular"]
    assert codes_at(facts) == {("KG102", 9)}


def test_layer_reused_in_loop(traced: dict[str, Facts]) -> None:
    facts = traced["reused_in_loop.py"]
    hidden = next(l for l in facts.layers if l.label == "hidden")
    assert len(hidden.nodes) == 3 and hidden.weighted is True
    assert {n.called_at.line for n in hidden.nodes} == {10}
    assert hidden.created_at is not None and hidden.created_at.line == 7
    assert codes_at(facts) == {("KG301", 10)}
    assert findings(traced["siamese.py"]) == []


def test_compiled_models_sharing_a_layer(traced: dict[str, Facts]) -> None:
    facts = traced["shared_compiled.py"]
    assert len(facts.compiles) == 2
    encoder = next(l for l in facts.layers if l.label == "encoder")
    assert all(c.trainable and c.trainable[encoder] is True for c in facts.compiles)
    assert codes_at(facts) == {("KG302", 11)}


def test_gan_frozen_before_compile_is_fine(traced: dict[str, Facts]) -> None:
    facts = traced["gan.py"]
    disc, gan = facts.compiles
    disc_dense = [l for l in disc.trainable if l.class_name == "Dense"]
    assert disc_dense and all(disc.trainable[l] for l in disc_dense)
    assert all(gan.trainable[l] is False for l in disc_dense)
    assert findings(facts) == []


def test_dangling_tensor_and_uncalled_layer(traced: dict[str, Facts]) -> None:
    facts = traced["dangling_and_uncalled.py"]
    # The LSTM handed to Bidirectional (which copies it) is not "uncalled".
    assert codes_at(facts) == {("KG103", 8), ("KG203", 9)}


def test_head_on_feature_map(traced: dict[str, Facts]) -> None:
    facts = traced["head_on_feature_map.py"]
    backbone = next(m for m in facts.models if m.kind == "application")
    assert backbone.outputs and backbone.outputs[0].feature_map_of is backbone
    assert backbone.outputs[0].label == "base.output"
    assert codes_at(facts) == {("KG503", 7)}


def test_head_on_feature_map_through_dropout(traced: dict[str, Facts]) -> None:
    # The backbone's feature map stays one through Dropout: the tracer's facts
    # say so as the static engine's do (one graph query for both).
    facts = traced["head_on_dropped_feature_map.py"]
    assert codes_at(facts) == {("KG503", 8)}


def test_non_input_model_input(traced: dict[str, Facts]) -> None:
    facts = traced["non_input_model_input.py"]
    model = only_model(facts)
    assert not model.inputs[0].is_input and model.inputs[0].producer is not None
    assert codes_at(facts) == {("KG104", 9)}


def test_trace_calls_and_guessed_builders(traced: dict[str, Facts]) -> None:
    facts = traced["configured_call.py"]
    head = next(l for l in facts.layers if l.name == "head")
    assert head.nodes and facts.errors == []
    # build_mlp is guessed from its name; build_dataset too, but its
    # FileNotFoundError is not reported (it may not be a builder at all).
    facts = traced["class_builder.py"]
    assert codes_at(facts) == {("KG301", 13)}


def test_kg901_rule_samples(traced: dict[str, Facts]) -> None:
    rule = all_rules()["KG901"]
    for i, sample in enumerate(rule.VALID):
        assert findings(traced[f"kg901_valid_{i}.py"]) == []
    for i, sample in enumerate(rule.INVALID):
        found = [f for f in findings(traced[f"kg901_invalid_{i}.py"]) if f.code == "KG901"]
        assert sorted(f.line for f in found) == expected_lines(sample)


def test_cli_trace_end_to_end(tmp_path: Path) -> None:
    """The real CLI: static + trace merge into "both", user output never leaks."""
    noisy = tmp_path / "noisy.py"
    noisy.write_text(
        textwrap.dedent(
            """\
            import keras
            from keras import layers

            print("NOISE-FROM-USER-CODE")


            def build():
                image = keras.Input((8,))
                meta = keras.Input((3,))
                x = layers.Dense(4)(image)
                return keras.Model(image, layers.Concatenate()([x, meta]))
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "kgraphlint", "--trace", "--no-cache", "--format", "json", str(noisy)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert "NOISE-FROM-USER-CODE" not in done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert [(f["code"], f["line"], f["engine"]) for f in report["findings"]] == [("KG101", 11, "both")]
