"""What the shape rules (KG6xx) share: naming tensors, the layer that made a
shape, and the axes a layer expects.

Not a rule module (no ``kg`` prefix): the registry does not load it.
"""

from __future__ import annotations

from typing import Optional

from kgraphlint.graph import Layer, Site, Tensor
from kgraphlint.static.shapes import SHAPE_PRESERVING, canonical_class, conv_rank, show

__all__ = ["show", "tensor_ref", "made_by", "expected_axes", "layer_text"]


def layer_text(layer: Layer) -> str:
    """``Conv2D(32, 3)``-like source text of a layer, or its class in backticks."""
    if layer.label:
        return f"`{layer.label}`"
    if layer.name:
        return f"`{layer.class_name}` layer `{layer.name}`"
    return f"`{layer.class_name}`"


def tensor_ref(tensor: Tensor) -> str:
    """```x` of shape (None, 28, 28)`` or ``a tensor of shape ...``."""
    shown = show(tensor.shape)
    if tensor.label and not tensor.label.startswith("<"):
        return f"`{tensor.label.strip('`')}` of shape {shown}"
    if tensor.producer is not None:
        return f"the output of {layer_text(tensor.producer.layer)}, of shape {shown}"
    return f"a tensor of shape {shown}"


def made_by(tensor: Tensor) -> Optional[tuple[Optional[Site], str]]:
    """The related location that explains a shape: the call (or Input) that made it."""
    if tensor.producer is not None:
        node = tensor.producer
        # Through Dropout/BatchNormalization/... to the layer that changed it.
        while (
            node.layer.class_name in SHAPE_PRESERVING
            and len(node.inputs) == 1
            and node.inputs[0].shape == tensor.shape
            and node.inputs[0].producer is not None
            and not node.inputs[0].producer.layer.library_made
        ):
            node = node.inputs[0].producer
        layer = node.layer
        where = node.called_at or layer.created_at
        if layer.library_made or where is None:
            return None
        return where, f"the shape {show(tensor.shape)} is made here, by {layer_text(layer)}"
    if tensor.is_input and tensor.site is not None and not tensor.library_made:
        return tensor.site, f"the Input is declared here with shape {show(tensor.shape)}"
    return None


_AXES = {
    1: "(batch, steps, channels)",
    2: "(batch, height, width, channels)",
    3: "(batch, depth, height, width, channels)",
}


def expected_axes(class_name: str, low: int, high: Optional[int]) -> str:
    """What a layer expects, in words: ``a 4-D input (batch, height, width, channels)``."""
    name = canonical_class(class_name)
    n = conv_rank(name)
    if n is not None:
        return f"a {n + 2}-D input {_AXES[n]}"
    if name in ("LSTM", "GRU", "SimpleRNN", "Bidirectional"):
        return "a 3-D input (batch, timesteps, features)"
    if name == "TimeDistributed":
        return "an input of at least 3 dimensions (batch, timesteps, ...)"
    if name == "RepeatVector":
        return "a 2-D input (batch, features)"
    if high is None:
        return f"an input of at least {low} dimensions"
    return f"a {low}-D input"
