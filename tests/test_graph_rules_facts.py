"""Graph rules on hand-built facts.

Both engines feed the same rules, so these tests pin down what each rule
concludes from facts alone, independently of how the static engine or the
tracer produces them (the trace engine gives ``used=None`` everywhere, for
instance, and never produces events for samples the static engine sees).
"""

from __future__ import annotations

from typing import Optional

import pytest

from kgraphlint.graph import Compile, Facts, KindEvent, Layer, Misuse, Model, Node, Site, Tensor, feature_map_source
from kgraphlint.rules import all_rules

PATH = "model.py"


def site(line: int, column: int = 1) -> Site:
    return Site(PATH, line, column)


class Builder:
    """Small helper to write facts the way an engine would record them."""

    def __init__(self, engine: str = "static") -> None:
        self.facts = Facts(path=PATH, engine=engine)

    def input(self, label: str, line: int, **kw) -> Tensor:
        t = Tensor(site=site(line), label=label, is_input=True, **kw)
        self.facts.tensors.append(t)
        return t

    def layer(
        self,
        class_name: str,
        line: int,
        label: Optional[str] = None,
        *,
        weighted: Optional[bool] = None,
        used: Optional[bool] = True,
        **kw,
    ) -> Layer:
        layer = Layer(
            class_name=class_name,
            created_at=site(line),
            label=label,
            weighted=weighted,
            used=used,
            **kw,
        )
        self.facts.layers.append(layer)
        return layer

    def call(
        self,
        layer: Layer,
        inputs: list[Tensor],
        line: int,
        label: Optional[str] = None,
        *,
        n_out: int = 1,
        used: Optional[bool] = None,
        **kw,
    ) -> Tensor:
        node = Node(layer=layer, inputs=list(inputs), called_at=site(line))
        for i in range(n_out):
            t = Tensor(site=site(line), label=label if i == 0 else f"{label}_{i}", producer=node, used=used, **kw)
            node.outputs.append(t)
            self.facts.tensors.append(t)
        layer.nodes.append(node)
        self.facts.nodes.append(node)
        return node.outputs[0]

    def apply(self, class_name: str, inputs: list[Tensor], line: int, label: Optional[str] = None, **kw) -> Tensor:
        weighted = class_name in ("Dense", "Conv2D", "Embedding", "LSTM")
        layer = self.layer(class_name, line, weighted=weighted)
        return self.call(layer, inputs, line, label, **kw)

    def model(
        self,
        inputs: Optional[list[Tensor]],
        outputs: Optional[list[Tensor]],
        line: int,
        label: str = "model",
        kind: str = "functional",
        **kw,
    ) -> Model:
        m = Model(
            kind=kind,
            site=site(line),
            label=label,
            inputs=inputs,
            outputs=outputs,
            input_labels=[t.label or "" for t in inputs or ()],
            output_labels=[t.label or "" for t in outputs or ()],
            **kw,
        )
        self.facts.models.append(m)
        return m

    def compile(self, model: Model, line: int, trainable: Optional[dict]) -> Compile:
        c = Compile(model=model, site=site(line), trainable=trainable)
        self.facts.compiles.append(c)
        return c


def run(code: str, facts: Facts):
    return list(all_rules()[code].check(facts))


def lines(findings) -> list[int]:
    return sorted(f.line for f in findings)


# ---------------------------------------------------------------------- KG101


def test_kg101_unlisted_input():
    b = Builder()
    image = b.input("image", 4)
    meta = b.input("meta", 5)
    x = b.apply("Dense", [image], 6, "x")
    merged = b.apply("Concatenate", [x, meta], 7, "merged")
    predictions = b.apply("Dense", [merged], 8, "predictions")
    b.model([image], [predictions], 9)
    (f,) = run("KG101", b.facts)
    assert (f.line, f.code, f.severity) == (9, "KG101", "error")
    assert "`predictions`" in f.message and "`meta`" in f.message and "model `model`" in f.message
    assert [(r.line, r.message) for r in f.related] == [(5, "Input `meta` is defined here")]
    assert "inputs=[image, meta]" in f.hint


def test_kg101_other_models_input_hint_calls_the_model():
    b = Builder()
    base = Model(kind="application", site=site(3), label="base", application="MobileNetV2")
    base_input = b.input("base.input", 3, owner_model=base)
    base.inputs = [base_input]
    backbone = b.layer("Conv2D", 3, weighted=True, library_made=True)
    base_output = b.call(backbone, [base_input], 3, "base.output", owner_model=base)
    base.outputs = [base_output]
    b.facts.models.append(base)
    image = b.input("image", 4)
    predictions = b.apply("Dense", [base_output], 5, "predictions")
    b.model([image], [predictions], 6)
    (f,) = run("KG101", b.facts)
    assert f.line == 6
    assert "Input `base.input`" in f.message
    assert "`features = base(image)`" in f.hint and "`base.input`" in f.hint
    assert f.related[0].message == "`base.input` is defined here"


def test_kg101_connected_models_are_silent():
    b = Builder()
    a = b.input("a", 1)
    c = b.input("c", 2)
    out = b.apply("Add", [b.apply("Dense", [a], 3), b.apply("Dense", [c], 4)], 5, "out")
    b.model([a, c], [out], 6)
    assert run("KG101", b.facts) == []


def test_kg101_alternatives_and_opaque():
    b = Builder()
    a = b.input("a", 1)
    other = b.input("other", 2)
    # Output is `Dense(a)` or `Dense(other)`: `other` is only possible, not definite.
    choice = Tensor(label="x", alternatives=(b.apply("Dense", [a], 3), b.apply("Dense", [other], 4)))
    b.model([a], [choice], 5)
    assert run("KG101", b.facts) == []
    # An opaque listed input: nothing is reported.
    b2 = Builder()
    meta = b2.input("meta", 1)
    out = b2.apply("Dense", [meta], 2, "out")
    b2.model([Tensor(label="inp", opaque=True)], [out], 3)
    assert run("KG101", b2.facts) == []
    # An opaque tensor elsewhere does not hide a definite stray Input.
    b3 = Builder()
    image = b3.input("image", 1)
    meta = b3.input("meta", 2)
    out = b3.apply("Concatenate", [image, meta, Tensor(opaque=True)], 3, "out")
    b3.model([image], [out], 4)
    assert lines(run("KG101", b3.facts)) == [4]


def test_kg101_listed_input_given_as_alternatives():
    b = Builder()
    a = b.input("a", 1)
    c = b.input("c", 2)
    listed = Tensor(label="inp", alternatives=(a, c))
    out = b.apply("Dense", [a], 3, "out")
    b.model([listed], [out], 4)
    assert run("KG101", b.facts) == []


def test_kg101_deep_graph_no_recursion_error():
    b = Builder()
    x = first = b.input("inputs", 1)
    for i in range(20000):
        x = b.apply("Dense", [x], 2)
    stray = b.input("stray", 3)
    out = b.apply("Add", [x, stray], 4, "out")
    b.model([first], [out], 5)
    assert lines(run("KG101", b.facts)) == [5]


# ---------------------------------------------------------------------- KG102


def test_kg102_unused_input():
    b = Builder()
    image = b.input("image", 1)
    meta = b.input("meta", 2)
    out = b.apply("Dense", [b.apply("Dense", [image], 3)], 4, "out")
    b.model([image, meta], [out], 5)
    (f,) = run("KG102", b.facts)
    assert (f.line, f.severity) == (5, "warning")
    assert "`meta`" in f.message and f.related[0].line == 2


def test_kg102_silent_when_incomplete_or_possible():
    b = Builder()
    image = b.input("image", 1)
    meta = b.input("meta", 2)
    out = b.apply("Concatenate", [image, Tensor(opaque=True)], 3, "out")
    b.model([image, meta], [out], 4)
    assert run("KG102", b.facts) == []  # the opaque value may carry `meta`
    b2 = Builder()
    image = b2.input("image", 1)
    meta = b2.input("meta", 2)
    x = Tensor(label="x", alternatives=(image, b2.apply("Concatenate", [image, meta], 3)))
    b2.model([image, meta], [b2.apply("Dense", [x], 4, "out")], 5)
    assert run("KG102", b2.facts) == []


# ---------------------------------------------------------------------- KG104


def test_kg104_rebound_input():
    b = Builder()
    label_in = b.input("label", 1)
    dense = b.layer("Dense", 2, "Dense(8)", weighted=True)
    label = b.call(dense, [label_in], 2, "label")
    out = b.apply("Dense", [label], 3, "out")
    b.model([label], [out], 4)
    (f,) = run("KG104", b.facts)
    assert f.line == 4 and "`label`" in f.message and "`Dense(8)`" in f.message
    assert [r.line for r in f.related] == [2, 1]
    assert "rebound" in f.hint
    # Not KG101/KG102 at the same time: the intermediate input is a stop.
    assert run("KG101", b.facts) == [] and run("KG102", b.facts) == []


def test_kg104_library_layer_output_is_a_deliberate_cut():
    b = Builder()
    inp = b.input("base.input", 1)
    mixed = b.layer("Concatenate", 1, "mixed7", library_made=True)
    cut = b.call(mixed, [inp], 1, "base.get_layer('mixed7').output", library_made=True)
    b.model([cut], [b.apply("Dense", [cut], 2)], 3)
    assert run("KG104", b.facts) == []


# ---------------------------------------------------------------------- KG103


def test_kg103_dead_chain_reported_once_at_last_call():
    b = Builder()
    inputs = b.input("inputs", 1)
    x = b.apply("Dense", [inputs], 2, "x", used=True)
    aux = b.apply("Dense", [x], 3, "aux", used=True)
    aux = b.apply("Dropout", [aux], 4, "aux", used=True)
    aux = b.apply("Dense", [aux], 5, "aux", used=False)
    main = b.apply("Dense", [x], 6, "main", used=True)
    b.model([inputs], [main], 7)
    (f,) = run("KG103", b.facts)
    assert f.line == 5 and "`aux`" in f.message


def test_kg103_trace_mode_uses_consumers():
    b = Builder(engine="trace")
    inputs = b.input("inputs", 1)
    x = b.apply("Dense", [inputs], 2, "x")
    b.apply("Dropout", [x], 3)
    dead = b.apply("Dense", [x], 4)
    b.apply("BatchNormalization", [dead], 5)
    main = b.apply("Dense", [x], 6, "main")
    b.model([inputs], [main], 7)
    found = run("KG103", b.facts)
    assert lines(found) == [3, 5]
    assert all(f.engine == "trace" for f in found)


def test_kg103_multi_output_call_with_unused_states_is_fine():
    b = Builder()
    inputs = b.input("inputs", 1)
    lstm = b.layer("LSTM", 2, weighted=True)
    seq = b.call(lstm, [inputs], 2, "seq", n_out=3, used=False)
    seq.used = True
    b.model([inputs], [b.apply("Dense", [seq], 3, "out", used=True)], 4)
    assert run("KG103", b.facts) == []


def test_kg103_ignores_non_symbolic_library_and_unknown():
    b = Builder()
    # No Input upstream: not a symbolic tensor (eager call on data).
    b.apply("Dense", [Tensor(opaque=True)], 1, used=False)
    # Library-made layer.
    inputs = b.input("inputs", 2)
    lib = b.layer("Conv2D", 3, library_made=True)
    b.call(lib, [inputs], 3, used=False)
    # Used unknown (None) but consumed by a node.
    t = b.apply("Dense", [inputs], 4, used=None)
    b.apply("Dense", [t], 5, used=True)
    assert run("KG103", b.facts) == []


# ------------------------------------------------------------- KG201/202/204


def test_events_become_findings():
    b = Builder()
    b.facts.events += [
        KindEvent(Misuse.LAYER_AS_TENSOR, site(3, 27), "hidden", "argument of a layer call", "layer", site(2, 10), "hidden"),
        KindEvent(Misuse.LAYER_AS_TENSOR, site(3, 27), "hidden", "argument of a layer call", "layer", site(2, 10), "hidden"),
        KindEvent(Misuse.LAYER_AS_TENSOR, site(5, 5), "inp", "model input", "input-layer", site(4, 7), "inp"),
        KindEvent(Misuse.TENSOR_AS_LAYER, site(7, 5), "x", "called", "tensor", site(6, 5), "x"),
        KindEvent(Misuse.TENSOR_AS_LAYER, site(8, 11), "y", "layer of `Sequential.add()`", "tensor", site(6, 9), "y"),
        # The same InputLayer misused again: one fix, reported at its first use.
        KindEvent(Misuse.LAYER_AS_TENSOR, site(11, 5), "inp", "model input", "input-layer", site(4, 7), "inp"),
        KindEvent(Misuse.BACKEND_OP_ON_SYMBOLIC, site(9, 10), "x", "argument of `tf.reduce_mean`", "symbolic tensor", site(6, 5), "x"),
    ]
    kg201 = run("KG201", b.facts)
    assert [(f.line, f.column) for f in kg201] == [(3, 27), (5, 5)]
    assert kg201[0].message.startswith("`hidden` is a layer, not a tensor")
    assert kg201[0].related[0].message == "`hidden` is created here" and kg201[0].related[0].line == 2
    assert "keras.Input(" in kg201[1].hint
    kg202 = run("KG202", b.facts)
    assert [f.line for f in kg202] == [7, 8]
    assert "Dense(10)(x)" in kg202[0].hint and "model.add(" in kg202[1].hint
    (kg204,) = run("KG204", b.facts)
    assert "keras.ops.mean" in kg204.hint and "`tf.reduce_mean`" in kg204.hint


# ---------------------------------------------------------------------- KG203


def test_kg203_uncalled_layer():
    b = Builder()
    b.layer("Dropout", 3, "dropout", used=False)
    b.layer("BatchNormalization", 4, None, used=False)
    b.layer("Dense", 5, "head", used=None)  # trace: unknown
    b.layer("Conv2D", 6, "lib", used=False, library_made=True)
    found = run("KG203", b.facts)
    assert lines(found) == [3, 4]
    assert found[0].message == "`dropout` is created here but never called: did you forget `(x)`?"


# ---------------------------------------------------------------------- KG301


def test_kg301_chain_reported_at_second_call():
    b = Builder()
    inputs = b.input("inputs", 1)
    conv = b.layer("Conv2D", 2, "conv", weighted=True)
    x = b.call(conv, [inputs], 3, "x")
    x = b.apply("BatchNormalization", [x], 4, "x")
    x = b.call(conv, [x], 5, "x")
    x = b.call(conv, [x], 6, "x")
    b.model([inputs], [x], 7)
    (f,) = run("KG301", b.facts)
    assert f.line == 5
    assert [r.line for r in f.related] == [3, 2]


def test_kg301_parallel_sharing_is_fine():
    b = Builder()
    left, right = b.input("left", 1), b.input("right", 2)
    enc = b.layer("Dense", 3, "encoder", weighted=True)
    merged = b.apply("Concatenate", [b.call(enc, [left], 4), b.call(enc, [right], 4)], 4)
    act = b.layer("Activation", 5, "act", weighted=False)
    y = b.call(act, [b.call(act, [merged], 6)], 7)
    b.model([left, right], [y], 8)
    assert run("KG301", b.facts) == []


def test_kg301_loop_summarised_as_cycle():
    b = Builder()
    inputs = b.input("inputs", 1)
    dense = b.layer("Dense", 2, "dense", weighted=True)
    loop_x = Tensor(label="x")
    out = b.call(dense, [loop_x], 4, "x")
    loop_x.alternatives = (inputs, out)
    b.model([inputs], [out], 5)
    (f,) = run("KG301", b.facts)
    assert f.line == 4 and "loop" in f.message


@pytest.mark.parametrize("interleaved", [True, False])
def test_kg301_deep_shared_towers(interleaved):
    # Thousands of shared layers on two towers: must stay fast (linear), and
    # parallel sharing is never a chain however the towers were built.
    b = Builder()
    a, c = b.input("a", 1), b.input("c", 2)
    shared = [b.layer("Dense", 3, f"d{i}", weighted=True) for i in range(3000)]
    xa, xc = a, c
    if interleaved:
        for layer in shared:
            xa = b.call(layer, [xa], 4)
            xc = b.call(layer, [xc], 5)
    else:
        for layer in shared:
            xa = b.call(layer, [xa], 4)
        for layer in shared:
            xc = b.call(layer, [xc], 5)
    b.model([a, c], [b.apply("Add", [xa, xc], 6)], 7)
    assert run("KG301", b.facts) == []
    # ...and a chain at the end of the deep graph is still found.
    b.call(shared[-1], [xa], 8)
    assert lines(run("KG301", b.facts)) == [8]


# ---------------------------------------------------------------------- KG302


def _two_models_sharing(b: Builder):
    inputs = b.input("inputs", 1)
    encoder = b.layer("Dense", 2, "encoder", weighted=True)
    feats = b.call(encoder, [inputs], 3, "features")
    head_a = b.layer("Dense", 4, weighted=True)
    head_b = b.layer("Dense", 6, weighted=True)
    a = b.model([inputs], [b.call(head_a, [feats], 4)], 4, "classifier")
    m = b.model([inputs], [b.call(head_b, [feats], 6)], 6, "regressor")
    return encoder, head_a, head_b, a, m


def test_kg302_shared_trainable():
    b = Builder()
    encoder, head_a, head_b, a, m = _two_models_sharing(b)
    b.compile(a, 5, {encoder: True, head_a: True})
    b.compile(m, 7, {encoder: True, head_b: True})
    (f,) = run("KG302", b.facts)
    assert f.line == 6 and "`encoder`" in f.message
    assert "model `regressor`" in f.message and "model `classifier`" in f.message
    assert [(r.line, r.message) for r in f.related] == [
        (5, "Model `classifier` is compiled here"),
        (2, "`encoder` is created here"),
    ]


@pytest.mark.parametrize("second", [False, None, "missing", "no-snapshot", "not-compiled"])
def test_kg302_silent_unless_trainable_in_both(second):
    b = Builder()
    encoder, head_a, head_b, a, m = _two_models_sharing(b)
    b.compile(a, 5, {encoder: True, head_a: True})
    if second == "missing":
        b.compile(m, 7, {head_b: True})
    elif second == "no-snapshot":
        b.compile(m, 7, None)
    elif second != "not-compiled":
        b.compile(m, 7, {encoder: second, head_b: True})
    assert run("KG302", b.facts) == []


def _gan(b: Builder, frozen_wrapper_only: bool):
    image = b.input("image", 1)
    d1 = b.layer("Dense", 2, weighted=True)
    d2 = b.layer("Dense", 3, weighted=True)
    disc = b.model([image], [b.call(d2, [b.call(d1, [image], 2)], 3)], 4, "discriminator")
    b.compile(disc, 5, {d1: True, d2: True})
    noise = b.input("noise", 6)
    g1 = b.layer("Dense", 7, weighted=True)
    fake = b.call(g1, [noise], 7)
    disc_layer = b.layer("Functional", 8, "discriminator", model=disc)
    gan = b.model([noise], [b.call(disc_layer, [fake], 8)], 9, "gan")
    snapshot = {g1: True, disc_layer: False}
    if not frozen_wrapper_only:
        snapshot.update({d1: False, d2: False})
    b.compile(gan, 10, snapshot)
    return d1, d2, disc_layer, gan, snapshot


@pytest.mark.parametrize("frozen_wrapper_only", [False, True])
def test_kg302_gan_is_silent(frozen_wrapper_only):
    b = Builder()
    _gan(b, frozen_wrapper_only)
    assert run("KG302", b.facts) == []


def test_kg302_sub_model_expanded():
    b = Builder()
    d1, d2, disc_layer, gan, snapshot = _gan(b, False)
    snapshot.update({d1: True, d2: True, disc_layer: True})
    (f,) = run("KG302", b.facts)
    assert f.line == 9 and "2 `Dense` layers are trainable" in f.message


# ---------------------------------------------------------------------- KG304


def test_kg304_duplicate_names():
    b = Builder()
    inputs = b.input("inputs", 1)
    h1 = b.layer("Dense", 2, name="hidden", weighted=True)
    h2 = b.layer("Dense", 3, name="hidden", weighted=True)
    x = b.call(h2, [b.call(h1, [inputs], 2)], 3)
    b.model([inputs], [x], 4)
    (f,) = run("KG304", b.facts)
    assert f.line == 3 and '"hidden"' in f.message and f.related[0].line == 2


def test_kg304_shared_layer_alternatives_and_separate_models():
    b = Builder()
    a, c = b.input("a", 1), b.input("c", 2)
    shared = b.layer("Dense", 3, name="shared", weighted=True)
    b.model([a, c], [b.apply("Concatenate", [b.call(shared, [a], 4), b.call(shared, [c], 4)], 4)], 5)
    out1 = b.layer("Dense", 6, name="out", weighted=True)
    out2 = b.layer("Dense", 7, name="out", weighted=True)
    choice = Tensor(alternatives=(b.call(out1, [a], 6), b.call(out2, [a], 7)))
    b.model([a], [choice], 8)
    h1 = b.layer("Dense", 9, name="head", weighted=True)
    h2 = b.layer("Dense", 10, name="head", weighted=True)
    b.model([a], [b.call(h1, [a], 9)], 11)
    b.model([c], [b.call(h2, [c], 10)], 12)
    assert run("KG304", b.facts) == []


def test_kg304_common_part_below_alternatives_counts():
    b = Builder()
    a = b.input("a", 1)
    first = b.layer("Dense", 2, name="block", weighted=True)
    x = b.call(first, [a], 2)
    choice = Tensor(alternatives=(b.apply("Dense", [x], 3), b.apply("Dropout", [x], 4)))
    second = b.layer("Dense", 5, name="block", weighted=True)
    b.model([a], [b.call(second, [choice], 5)], 6)
    assert lines(run("KG304", b.facts)) == [5]


# ---------------------------------------------------------------------- KG503


def test_kg503_dense_on_feature_map():
    b = Builder()
    base = Model(kind="application", site=site(2), label="base", application="InceptionV3", include_top=False)
    b.facts.models.append(base)
    fmap = Tensor(site=site(2), label="base.output", is_input=False, opaque=True, rank=4, feature_map_of=base)
    dense = b.layer("Dense", 3, "Dense(5)", weighted=True)
    b.call(dense, [fmap], 3)
    conv = b.layer("Conv2D", 4, weighted=True)
    b.call(conv, [fmap], 4)
    lib = b.layer("Dense", 5, library_made=True, weighted=True)
    b.call(lib, [fmap], 5)
    (f,) = run("KG503", b.facts)
    assert f.line == 3 and "`InceptionV3`" in f.message and "`base.output`" in f.message
    assert f.related[0].line == 2 and "pooling=" in f.hint


def test_kg503_feature_map_through_shape_keeping_layers():
    b = Builder()
    base = Model(kind="application", site=site(2), label="base", application="ResNet50", include_top=False)
    b.facts.models.append(base)
    fmap = Tensor(site=site(2), label="base.output", is_input=False, opaque=True, rank=4, feature_map_of=base)
    dropped = b.call(b.layer("Dropout", 3, weighted=False), [fmap], 3)
    normed = b.call(b.layer("BatchNormalization", 4, weighted=True), [dropped], 4)
    pooled = b.call(b.layer("GlobalAveragePooling2D", 5, weighted=False), [fmap], 5)
    b.call(b.layer("Dense", 6, "Dense(5)", weighted=True), [normed], 6)
    b.call(b.layer("Dense", 7, "Dense(5)", weighted=True), [pooled], 7)
    assert feature_map_source(normed) is base and feature_map_source(pooled) is None
    assert lines(run("KG503", b.facts)) == [6]


# ------------------------------------------------------------------- all rules


def test_every_graph_rule_is_silent_on_empty_and_unknown_facts():
    b = Builder()
    b.model(None, None, 1, kind="unknown")
    b.model([Tensor(opaque=True)], [Tensor(opaque=True)], 2)
    for rule in all_rules().values():
        if rule.source_rule:
            continue
        assert list(rule.check(Facts(path=PATH, engine="static"))) == []
        assert list(rule.check(b.facts)) == [], rule.code


def test_kg304_nested_alternatives_stay_exclusive():
    # Regression (keras' nasnet.py): `p = ip` / `p = BN(name=n)(..)` / `p = BN(name=n)(..)`
    # chosen by if/elif, then that choice feeds another if/else: the two
    # same-named layers are still never in the model together.
    b = Builder()
    a = b.input("a", 1)
    bn1 = b.layer("BatchNormalization", 2, name="adjust_bn", weighted=True)
    bn2 = b.layer("BatchNormalization", 3, name="adjust_bn", weighted=True)
    p = Tensor(alternatives=(b.call(bn1, [a], 2), b.call(bn2, [a], 3), a))
    x = b.apply("Activation", [p], 4)
    choice = Tensor(alternatives=(b.apply("Conv2D", [x], 5), b.apply("Conv2D", [x], 6)))
    b.model([a], [b.apply("Activation", [choice], 7)], 8)
    assert run("KG304", b.facts) == []


def test_kg103_branch_meant_for_a_miswired_model_is_left_to_other_rules():
    # `x = Rescaling(inputs)` dropped because the head was put on
    # `base.output`: KG101/KG102 explain it, KG103 stays silent...
    b = Builder()
    inputs = b.input("inputs", 1)
    b.apply("Rescaling", [inputs], 2, "x", used=False)
    base_input = b.input("base.input", 3)
    out = b.apply("Dense", [b.apply("GlobalAveragePooling2D", [base_input], 4, used=True)], 5, "out", used=True)
    b.model([inputs], [out], 6)
    assert run("KG103", b.facts) == []
    # ...but a dropped branch from an Input the model does use is reported,
    # even when another listed Input is unused.
    b2 = Builder()
    numeric, history, store = b2.input("numeric", 1), b2.input("history", 2), b2.input("store", 3)
    h_seq = b2.apply("GRU", [history], 4, "h_seq", used=True)
    b2.apply("Dense", [h_seq], 5, "h_seq_aux", used=False)
    merged = b2.apply("Concatenate", [numeric, h_seq], 6, used=True)
    b2.model([numeric, history, store], [b2.apply("Dense", [merged], 7, "sales", used=True)], 8)
    assert lines(run("KG103", b2.facts)) == [5]
    # An output the engine cannot follow (a layer given as output): silent.
    b3 = Builder()
    inputs = b3.input("inputs", 1)
    b3.apply("Dropout", [b3.apply("Dense", [inputs], 2, used=True)], 3, "x", used=False)
    b3.model([inputs], [Tensor(opaque=True)], 4)
    assert run("KG103", b3.facts) == []


def test_kg304_one_finding_per_model_naming_every_clash():
    # A helper called twice with the same prefix: two names clash, Keras
    # raises once (at the first), one fix (the prefix) solves both.
    b = Builder()
    a, c = b.input("user", 1), b.input("item", 2)
    towers = []
    for inp in (a, c):
        dense = b.layer("Dense", 14, name="tower_dense", weighted=True)
        out = b.layer("Dense", 15, name="tower_out", weighted=True)
        towers.append(b.call(out, [b.call(dense, [inp], 14)], 15))
    b.model([a, c], [b.apply("Dot", towers, 22)], 23)
    (f,) = run("KG304", b.facts)
    assert f.line == 14 and '"tower_dense"' in f.message and '"tower_out"' in f.message


def test_kg301_does_not_depend_on_recording_order():
    # check_model walks a built model from its outputs: calls arrive last first.
    b = Builder(engine="trace")
    inputs = b.input("inputs", 0)
    dense = b.layer("Dense", 0, "dense", weighted=True)
    first = b.call(dense, [inputs], 0)
    second = b.call(dense, [first], 0)
    dense.nodes.reverse()
    b.facts.nodes.reverse()
    b.model([inputs], [second], 0)
    (f,) = run("KG301", b.facts)
    assert "earlier call" in f.message


def test_kg301_sub_model_chained_but_not_parallel():
    b = Builder()
    inputs = b.input("inputs", 1)
    block = b.layer("Sequential", 2, "block", weighted=True, model=Model(kind="sequential"))
    x = b.call(block, [b.call(block, [inputs], 3)], 4)
    b.model([inputs], [x], 5)
    assert lines(run("KG301", b.facts)) == [4]
    b2 = Builder()
    a, c = b2.input("a", 1), b2.input("c", 2)
    tower = b2.layer("Functional", 3, "tower", weighted=True, model=Model(kind="functional"))
    b2.model([a, c], [b2.apply("Add", [b2.call(tower, [a], 4), b2.call(tower, [c], 4)], 5)], 6)
    assert run("KG301", b2.facts) == []
