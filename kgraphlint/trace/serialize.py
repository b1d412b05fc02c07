"""Facts <-> JSON-able dicts, so the worker can send them to the parent.

Facts objects have identity (two equal-looking Dense layers are two layers),
so cross references travel as list indices.  No keras import.
"""

from __future__ import annotations

from typing import Any, Optional

from kgraphlint.graph import (
    Compile, Facts, Fit, KindEvent, Layer, Misuse, Model, Node, RaisedError, Site, Tensor, TrainableChange, When,
)


def _site(s: Optional[Site]) -> Optional[list]:
    return None if s is None else [s.path, s.line, s.column, s.end_line, s.end_column]


def _unsite(d: Optional[list]) -> Optional[Site]:
    return None if d is None else Site(d[0], d[1], d[2], d[3], d[4])


def _sites(sites: list[Optional[Site]]) -> list:
    return [_site(s) for s in sites]


def _tupled(value: Any) -> Any:
    """JSON lists back to the tuples the engines use for shapes and configs."""
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    return value


def _chain_node(node: Node, li: dict[int, int]) -> dict[str, Any]:
    inp = node.inputs[0].shape if node.inputs else None
    out = node.outputs[0].shape if node.outputs else None
    return {
        "layer": li[id(node.layer)],
        "called_at": _site(node.called_at),
        "input": None if inp is None else list(inp),
        "output": None if out is None else list(out),
    }


def _unchain(items: list, layers: list[Layer]) -> list[Node]:
    chain: list[Node] = []
    previous: Optional[Tensor] = None
    for x in items:
        shape_in = None if x["input"] is None else tuple(x["input"])
        shape_out = None if x["output"] is None else tuple(x["output"])
        if previous is not None and previous.shape == shape_in:
            inp = previous
        else:
            inp = Tensor(shape=shape_in, rank=None if shape_in is None else len(shape_in))
        node = Node(layer=layers[x["layer"]], inputs=[inp], called_at=_unsite(x["called_at"]))
        out = Tensor(producer=node, shape=shape_out, rank=None if shape_out is None else len(shape_out))
        node.outputs.append(out)
        chain.append(node)
        previous = out
    return chain


def _when(w: Optional[When]) -> Optional[dict[str, Any]]:
    if w is None:
        return None
    return {
        "order": w.order,
        "branch_path": [list(p) for p in w.branch_path],
        "via": [[_site(site), name] for site, name in w.via],
        "arm_depths": list(w.arm_depths),
    }


def _unwhen(d: Optional[dict[str, Any]]) -> Optional[When]:
    if d is None:
        return None
    via = tuple((_unsite(site), name) for site, name in d["via"])
    arms = tuple((p[0], p[1]) for p in d["branch_path"])
    return When(d["order"], arms, via, tuple(d.get("arm_depths", ())))  # type: ignore[arg-type]


def facts_to_dict(facts: Facts) -> dict[str, Any]:
    li = {id(x): i for i, x in enumerate(facts.layers)}
    ti = {id(x): i for i, x in enumerate(facts.tensors)}
    ni = {id(x): i for i, x in enumerate(facts.nodes)}
    mi = {id(x): i for i, x in enumerate(facts.models)}

    def ref(index: dict[int, int], obj: Any) -> Optional[int]:
        return None if obj is None else index[id(obj)]

    return {
        "path": facts.path,
        "engine": facts.engine,
        "builders": [list(b) for b in facts.builders],
        "layers": [
            {
                "class_name": l.class_name,
                "created_at": _site(l.created_at),
                "name": l.name,
                "label": l.label,
                "weighted": l.weighted,
                "library_made": l.library_made,
                "model": ref(mi, l.model),
                "used": l.used,
                "nodes": [ni[id(n)] for n in l.nodes],
                "config": l.config,
            }
            for l in facts.layers
        ],
        "tensors": [
            {
                "site": _site(t.site),
                "label": t.label,
                "is_input": t.is_input,
                "producer": ref(ni, t.producer),
                "alternatives": [ti[id(a)] for a in t.alternatives],
                "opaque": t.opaque,
                "owner_model": ref(mi, t.owner_model),
                "library_made": t.library_made,
                "rank": t.rank,
                "shape": None if t.shape is None else list(t.shape),
                "feature_map_of": ref(mi, t.feature_map_of),
                "used": t.used,
            }
            for t in facts.tensors
        ],
        "nodes": [
            {
                "layer": li[id(n.layer)],
                "inputs": [ti[id(t)] for t in n.inputs],
                "outputs": [ti[id(t)] for t in n.outputs],
                "called_at": _site(n.called_at),
                "has_opaque_inputs": n.has_opaque_inputs,
            }
            for n in facts.nodes
        ],
        "models": [
            {
                "kind": m.kind,
                "site": _site(m.site),
                "label": m.label,
                "inputs": None if m.inputs is None else [ti[id(t)] for t in m.inputs],
                "outputs": None if m.outputs is None else [ti[id(t)] for t in m.outputs],
                "input_labels": list(m.input_labels),
                "output_labels": list(m.output_labels),
                "input_sites": _sites(m.input_sites),
                "output_sites": _sites(m.output_sites),
                "library_made": m.library_made,
                "application": m.application,
                "include_top": m.include_top,
                "pooling": m.pooling,
                "extra_layers": [li[id(l)] for l in m.extra_layers],
                "trained": m.trained,
                "evaluated": m.evaluated,
                "app_args": m.app_args,
                "chain": [_chain_node(n, li) for n in m.chain],
                "chain_complete": m.chain_complete,
            }
            for m in facts.models
        ],
        "compiles": [
            {
                "model": mi[id(c.model)],
                "site": _site(c.site),
                "trainable": None
                if c.trainable is None
                else [[li[id(l)], flag] for l, flag in c.trainable.items()],
                "loss": c.loss,
                "when": _when(c.when),
            }
            for c in facts.compiles
        ],
        "fits": [
            {
                "model": mi[id(f.model)],
                "site": _site(f.site),
                "when": _when(f.when),
                "trainable": None
                if f.trainable is None
                else [[li[id(l)], flag] for l, flag in f.trainable.items()],
                "model_trainable": [[mi[id(m)], flag] for m, flag in f.model_trainable.items()],
            }
            for f in facts.fits
        ],
        "trainable_changes": [
            {
                "site": _site(t.site),
                "when": _when(t.when),
                "target": t.target,
                "value": t.value,
                "layers": [li[id(l)] for l in t.layers],
                "models": [mi[id(m)] for m in t.models],
                "layers_of": [mi[id(m)] for m in t.layers_of],
            }
            for t in facts.trainable_changes
        ],
        "events": [
            {
                "misuse": e.misuse.value,
                "site": _site(e.site),
                "what": e.what,
                "role": e.role,
                "value_kind": e.value_kind,
                "origin": _site(e.origin),
                "origin_label": e.origin_label,
                "detail": e.detail,
            }
            for e in facts.events
        ],
        "errors": [
            {
                "exc_type": e.exc_type, "message": e.message, "site": _site(e.site),
                "stage": e.stage, "layer_site": _site(e.layer_site), "text": e.text,
            }
            for e in facts.errors
        ],
    }


def facts_from_dict(d: dict[str, Any]) -> Facts:
    facts = Facts(path=d["path"], engine=d["engine"])
    facts.builders = [(b[0], b[1]) for b in d.get("builders", [])]
    layers = [
        Layer(
            class_name=x["class_name"],
            created_at=_unsite(x["created_at"]),
            name=x["name"],
            label=x["label"],
            weighted=x["weighted"],
            library_made=x["library_made"],
            used=x["used"],
            config=None if x.get("config") is None else {k: _tupled(v) for k, v in x["config"].items()},
        )
        for x in d["layers"]
    ]
    tensors = [
        Tensor(
            site=_unsite(x["site"]),
            label=x["label"],
            is_input=x["is_input"],
            opaque=x["opaque"],
            library_made=x["library_made"],
            rank=x["rank"],
            shape=None if x.get("shape") is None else tuple(x["shape"]),
            used=x["used"],
        )
        for x in d["tensors"]
    ]
    nodes = [
        Node(
            layer=layers[x["layer"]],
            inputs=[tensors[i] for i in x["inputs"]],
            outputs=[tensors[i] for i in x["outputs"]],
            called_at=_unsite(x["called_at"]),
            has_opaque_inputs=x["has_opaque_inputs"],
        )
        for x in d["nodes"]
    ]
    models = [
        Model(
            kind=x["kind"],
            site=_unsite(x["site"]),
            label=x["label"],
            inputs=None if x["inputs"] is None else [tensors[i] for i in x["inputs"]],
            outputs=None if x["outputs"] is None else [tensors[i] for i in x["outputs"]],
            input_labels=list(x["input_labels"]),
            output_labels=list(x["output_labels"]),
            input_sites=[_unsite(s) for s in x["input_sites"]],
            output_sites=[_unsite(s) for s in x["output_sites"]],
            library_made=x["library_made"],
            application=x["application"],
            include_top=x["include_top"],
            pooling=x["pooling"],
            extra_layers=[layers[i] for i in x["extra_layers"]],
            trained=x.get("trained", False),
            evaluated=x.get("evaluated", False),
            app_args={k: _tupled(v) for k, v in x.get("app_args", {}).items()},
            chain_complete=x.get("chain_complete", False),
        )
        for x in d["models"]
    ]
    for model, x in zip(models, d["models"]):
        model.chain = _unchain(x.get("chain", []), layers)
    for layer, x in zip(layers, d["layers"]):
        layer.model = None if x["model"] is None else models[x["model"]]
        layer.nodes = [nodes[i] for i in x["nodes"]]
    for t, x in zip(tensors, d["tensors"]):
        t.producer = None if x["producer"] is None else nodes[x["producer"]]
        t.alternatives = tuple(tensors[i] for i in x["alternatives"])
        t.owner_model = None if x["owner_model"] is None else models[x["owner_model"]]
        t.feature_map_of = None if x["feature_map_of"] is None else models[x["feature_map_of"]]
    facts.layers, facts.tensors, facts.nodes, facts.models = layers, tensors, nodes, models
    facts.compiles = [
        Compile(
            model=models[x["model"]],
            site=_unsite(x["site"]),
            trainable=None if x["trainable"] is None else {layers[i]: flag for i, flag in x["trainable"]},
            loss=x.get("loss"),
            when=_unwhen(x.get("when")),
        )
        for x in d["compiles"]
    ]
    facts.fits = [
        Fit(
            model=models[x["model"]],
            site=_unsite(x["site"]),
            when=_unwhen(x["when"]),  # type: ignore[arg-type]
            trainable=None if x["trainable"] is None else {layers[i]: flag for i, flag in x["trainable"]},
            model_trainable={models[i]: flag for i, flag in x["model_trainable"]},
        )
        for x in d.get("fits", [])
    ]
    facts.trainable_changes = [
        TrainableChange(
            site=_unsite(x["site"]),  # type: ignore[arg-type]
            when=_unwhen(x["when"]),  # type: ignore[arg-type]
            target=x["target"],
            value=x["value"],
            layers=[layers[i] for i in x["layers"]],
            models=[models[i] for i in x["models"]],
            layers_of=[models[i] for i in x.get("layers_of", [])],
        )
        for x in d.get("trainable_changes", [])
    ]
    facts.events = [
        KindEvent(
            misuse=Misuse(x["misuse"]),
            site=_unsite(x["site"]),  # type: ignore[arg-type]
            what=x["what"],
            role=x["role"],
            value_kind=x["value_kind"],
            origin=_unsite(x["origin"]),
            origin_label=x["origin_label"],
            detail=x["detail"],
        )
        for x in d["events"]
    ]
    facts.errors = [
        RaisedError(
            exc_type=x["exc_type"], message=x["message"], site=_unsite(x["site"]),
            stage=x["stage"], layer_site=_unsite(x["layer_site"]), text=x.get("text", ""),
        )
        for x in d["errors"]
    ]
    return facts
