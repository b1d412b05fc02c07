"""Trace-engine pieces that need no TensorFlow: exception mapping, trace.calls
parsing, facts serialisation, crash-dump parsing, source labels.

The exception texts below are the exact Keras 3.15 messages, provoked with
real TensorFlow (tests/test_trace.py provokes them again end to end).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from kgraphlint.graph import Compile, Facts, Layer, Model, Node, RaisedError, Site, Tensor, model_layers
from kgraphlint.trace.calls import CallSpecError, calls_for, parse_call
from kgraphlint.rules.raised import rule_for_exception
from kgraphlint.trace.errors import duplicated_name, short_message
from kgraphlint.trace.labels import LabelIndex
from kgraphlint.trace.runner import site_from_faulthandler
from kgraphlint.trace.serialize import facts_from_dict, facts_to_dict

KERAS_MESSAGES = [
    # ops/function.py
    ("ValueError", "Output with path `` is not connected to `inputs`", "KG101"),
    ("ValueError", "Output with path `1` is not connected to `inputs`", "KG101"),
    (
        "ValueError",
        "Graph disconnected: cannot find parent for tensor <KerasTensor shape=(None, 4)> at operation "
        "'<Dense name=dense>'. The following previous operations were accessed without issue: []",
        "KG101",
    ),
    (
        "ValueError",
        'The name "fc" is used 2 times in the model. All operation names should be unique.',
        "KG304",
    ),
    # layers/layer.py: a layer (or InputLayer) as positional argument of a call
    (
        "ValueError",
        "Only input tensors may be passed as positional arguments. The following argument value should "
        "be passed as a keyword argument: <Dense name=dense_4, built=False> (of type <class "
        "'keras.src.layers.core.dense.Dense'>)",
        "KG201",
    ),
    (
        "ValueError",
        "Only input tensors may be passed as positional arguments. The following argument value should "
        "be passed as a keyword argument: <InputLayer name=input_layer_2, built=True> (of type <class "
        "'keras.src.layers.core.input_layer.InputLayer'>)",
        "KG201",
    ),
    # models/functional.py: a layer as model input/output
    (
        "ValueError",
        "All `outputs` values must be KerasTensors. Received: outputs=<Dense name=dense_6, built=False> "
        "including invalid value <Dense name=dense_6, built=False> of type <class "
        "'keras.src.layers.core.dense.Dense'>",
        "KG201",
    ),
    (
        "ValueError",
        "All `inputs` values must be KerasTensors. Received: inputs=<InputLayer name=input_layer_2, "
        "built=True> including invalid value <InputLayer name=input_layer_2, built=True> of type <class "
        "'keras.src.layers.core.input_layer.InputLayer'>",
        "KG201",
    ),
    # a tensor where a layer belongs
    ("TypeError", "'KerasTensor' object is not callable", "KG202"),
    (
        "ValueError",
        "Only instances of `keras.Layer` can be added to a Sequential model. Received: <KerasTensor "
        "shape=(None, 2), dtype=float32, sparse=False, ragged=False, name=keras_tensor_9> (of type <class "
        "'keras.src.backend.common.keras_tensor.KerasTensor'>)",
        "KG202",
    ),
    (
        "ValueError",
        "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. Received: "
        "<KerasTensor shape=(None, 2), dtype=float32, sparse=False, ragged=False, name=keras_tensor_11>",
        "KG202",
    ),
    # tf.* / np.* on a KerasTensor
    (
        "ValueError",
        "A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a symbolic "
        "placeholder for a shape and dtype, used when constructing Keras Functional models or Keras "
        "Functions. You can only use it as input to a Keras layer or a Keras operation (from the "
        "namespaces `keras.layers` and `keras.ops`). You are likely doing something like:\n\n```\n"
        "x = Input(...)\n...\ntf_fn(x)  # Invalid.\n```",
        "KG204",
    ),
    (
        "ValueError",
        "A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. It doesn't have any "
        "actual numerical value. You cannot convert it to a NumPy array.",
        "KG204",
    ),
    # not explained by any rule
    ("ValueError", "Input 0 of layer 'dense' is incompatible with the layer", None),
    # A *tensor* given as model output is fine; a non-Keras value is not KG201.
    (
        "ValueError",
        "All `outputs` values must be KerasTensors. Received: outputs=3 including invalid value 3 of "
        "type <class 'int'>",
        None,
    ),
]


@pytest.mark.parametrize("exc_type,message,code", KERAS_MESSAGES)
def test_keras_messages_map_to_rules(exc_type: str, message: str, code: str) -> None:
    assert rule_for_exception(exc_type, message) == code


def test_duplicated_name_and_short_message() -> None:
    assert duplicated_name('The name "fc" is used 2 times in the model.') == "fc"
    text = "First paragraph\nstill first.\n\nSecond paragraph."
    assert short_message(text) == "First paragraph still first."


def test_parse_trace_calls() -> None:
    spec = parse_call("models/net.py:build(num_classes=10, sizes=(1, 2), name='x')")
    assert (spec.path, spec.function, spec.args) == ("models/net.py", "build", [])
    assert spec.kwargs == {"num_classes": 10, "sizes": (1, 2), "name": "x"}
    assert parse_call("net.py:build").kwargs == {}
    assert parse_call("net.py:build(3, True)").args == [3, True]
    for bad in ("net.py", "net.py:build(n=os.getcwd())", "net.py:obj.build()", "net.py:build(**kw)"):
        with pytest.raises(CallSpecError):
            parse_call(bad)


def test_trace_calls_match_files(tmp_path) -> None:
    target = tmp_path / "models" / "net.py"
    target.parent.mkdir()
    target.write_text("")
    specs, errors = calls_for(
        ["models/net.py:build(n=1)", "other.py:build()", "models/net.py:build(n=os.sep)"],
        str(target),
        [str(tmp_path)],
    )
    assert [s.kwargs for s in specs] == [{"n": 1}]
    assert len(errors) == 1 and "literals" in errors[0]


def _sample_facts() -> Facts:
    site = Site("m.py", 3, 5, 3, 20)
    inp = Tensor(site=site, label="a", is_input=True, rank=2)
    dense = Layer("Dense", created_at=site, name="fc", label="dense", weighted=True)
    out = Tensor(site=Site("m.py", 4, 1), label="x", rank=2)
    node = Node(dense, [inp], [out], called_at=Site("m.py", 4, 1))
    out.producer = node
    dense.nodes.append(node)
    model = Model("functional", site=Site("m.py", 5, 9), label="m", inputs=[inp], outputs=[out])
    model.input_labels, model.input_sites = ["a"], [Site("m.py", 5, 21)]
    sub = Layer("Functional", model=model)
    out.owner_model = model
    out.feature_map_of = model
    facts = Facts("m.py", "trace", layers=[dense, sub], tensors=[inp, out], nodes=[node], models=[model])
    facts.compiles.append(Compile(model, Site("m.py", 6, 5), {dense: False, sub: True}))
    facts.errors.append(RaisedError("ValueError", "boom", Site("m.py", 7, 1), stage="fit", layer_site=Site("m.py", 3, 5)))
    facts.builders = [("build", 0)]
    return facts


def test_facts_round_trip_keeps_identity_and_links() -> None:
    facts = facts_from_dict(facts_to_dict(_sample_facts()))
    dense, sub = facts.layers
    inp, out = facts.tensors
    (node,) = facts.nodes
    (model,) = facts.models
    assert node.layer is dense and dense.nodes == [node] and node.inputs[0] is inp
    assert out.producer is node and out.owner_model is model and out.feature_map_of is model
    assert sub.model is model and model_layers(model) == [dense]
    assert facts.compiles[0].model is model and facts.compiles[0].trainable == {dense: False, sub: True}
    assert (dense.created_at.line, dense.created_at.column, dense.created_at.end_column) == (3, 5, 20)
    err = facts.errors[0]
    assert err.stage == "fit" and err.layer_site is not None and err.layer_site.line == 3
    assert facts.builders == [("build", 0)]
    assert model.input_labels == ["a"] and model.input_sites[0].column == 21
    # JSON-able: the worker sends it as one line of JSON.
    import json

    json.dumps(facts_to_dict(facts))


def test_crash_site_from_faulthandler_dump(tmp_path) -> None:
    user = tmp_path / "net.py"
    user.write_text("import os\n\ndef build():\n    os.abort()\n")
    dump = (
        "Fatal Python error: Aborted\n\n"
        "Thread 0x00007f0000000001 (most recent call first):\n"
        f'  File "{user}", line 1 in other\n\n'
        "Current thread 0x00007f0000000002 (most recent call first):\n"
        '  File "/usr/lib/python3.11/os.py", line 10 in abort_helper\n'
        f'  File "{user}", line 4 in build\n'
        '  File "/x/kgraphlint/trace/worker.py", line 99 in trace\n'
    )
    site = site_from_faulthandler(dump, "net.py", str(user))
    assert site is not None and (site.path, site.line, site.column) == ("net.py", 4, 5)
    assert site_from_faulthandler("garbage", "net.py", str(user)) is None


def test_labels_name_assignments_and_expressions() -> None:
    text = (
        "x = layers.Dense(4)(inp)\n"
        "layers.Dropout(0.5)(x)\n"
        "model = keras.Model([a, b], x)\n"
        "é = f(1)\n"
    )
    index = LabelIndex(text, "m.py")
    assert index.label(Site("m.py", 1, 5, 1, 25)) == "x"  # the call of the layer
    assert index.label(Site("m.py", 1, 5, 1, 20)) == "layers.Dense(4)"  # its creation
    assert index.label(Site("m.py", 2, 1, 2, 23)) == "layers.Dropout(0.5)(x)"
    ins, in_sites, outs, _ = index.model_arguments(Site("m.py", 3, 9, 3, 31))
    assert (ins, outs) == (["a", "b"], ["x"]) and in_sites[1].column == 25
    assert index.label(Site("m.py", 4, 5, 4, 9)) == "é"  # columns count characters
    assert index.label(Site("other.py", 1, 5, 1, 25)) is None


def test_parent_side_never_imports_keras() -> None:
    code = (
        "import sys\n"
        "import kgraphlint.trace.runner, kgraphlint.rules.raised, kgraphlint.rules.kg901_trace_failed\n"
        "from kgraphlint.rules import all_rules\n"
        "all_rules()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_neutral_training_results_can_be_read_like_real_ones() -> None:
    from kgraphlint.trace.hooks import _evaluation, _history

    history = _history({"epochs": 3})
    assert history.history["loss"] == [0.0, 0.0, 0.0]
    assert history.history["val_accuracy"][-1] == 0.0
    assert history.epoch == [0, 1, 2]

    class Compiled:
        _kgraphlint_metrics = ["mae", ["accuracy"]]

    loss, mae, accuracy = _evaluation(Compiled(), {})
    assert (loss, mae, accuracy) == (0.0, 0.0, 0.0)
    assert _evaluation(object(), {}) == 0.0
    assert _evaluation(Compiled(), {"return_dict": True})["accuracy"] == 0.0


def test_neutral_history_lists_the_compiled_metrics() -> None:
    from types import SimpleNamespace

    from kgraphlint.trace.hooks import _history

    model = SimpleNamespace(_kgraphlint_metrics=["accuracy", SimpleNamespace(name="auc")])
    history = _history({"epochs": 2, "validation_split": 0.1}, model)
    assert list(history.history) == ["loss", "accuracy", "auc", "val_loss", "val_accuracy", "val_auc"]
    assert history.history["val_auc"] == [0.0, 0.0]
    assert list(_history({"epochs": 1}, model).history) == ["loss", "accuracy", "auc"]


def test_a_keras_message_past_the_first_paragraph_still_names_its_rule() -> None:
    # Keras puts what went wrong after "Exception encountered when calling
    # Reshape.call()."; the report keeps the first paragraph, the rules read it all.
    from kgraphlint.rules.raised import findings_from_raised

    text = (
        "Exception encountered when calling Reshape.call().\n\n"
        "The total size of the tensor must be unchanged. Received: input_shape=(100,), target_shape=(-1, 3)"
    )
    facts = Facts("m.py", "trace")
    facts.errors.append(RaisedError("ValueError", short_message(text), Site("m.py", 8, 5), text=text))
    assert [f.code for f in findings_from_raised(facts)] == ["KG603"]
