"""Abstract values the Keras semantics adds: layers, tensors, models.

They wrap the shared facts of :mod:`kgraphlint.graph`, so what the interpreter
learns is directly what the rules read.
"""

from __future__ import annotations

from typing import Optional

from kgraphlint import graph
from kgraphlint.static.values import FactValue, Unknown, Value


class LayerV(FactValue):
    __slots__ = ("fact", "is_input_layer", "output_hint")
    kind = "layer"
    never_none = True
    truth = True

    def __init__(self, fact: graph.Layer, is_input_layer: bool = False) -> None:
        self.fact = fact
        self.is_input_layer = is_input_layer
        # For layers taken from a model (``base.get_layer(..)``): the tensor
        # that ``.output`` gives when the layer was never called in this file.
        self.output_hint: Optional["TensorV"] = None


class TensorV(FactValue):
    __slots__ = ("fact", "symbolic", "eager")
    kind = "tensor"
    never_none = True

    def __init__(self, fact: graph.Tensor, symbolic: bool, eager: bool = False) -> None:
        self.fact = fact
        # Depends on a known Input: a Keras symbolic tensor, not an eager one.
        self.symbolic = symbolic
        # Computed from concrete data only (EagerData): an eager result.
        self.eager = eager

    @property
    def eager_data(self) -> bool:
        return self.eager


class ModelV(Value):
    __slots__ = ("fact", "as_layer", "_input_v", "_output_v")
    kind = "model"
    never_none = True
    truth = True

    def __init__(self, fact: graph.Model) -> None:
        self.fact = fact
        self.as_layer: Optional[graph.Layer] = None
        self._input_v: Optional[list[Value]] = None
        self._output_v: Optional[list[Value]] = None


class ModelLayersV(Value):
    """``model.layers`` (or a slice of it when ``partial``)."""

    __slots__ = ("model", "partial")
    kind = "model_layers"

    def __init__(self, model: ModelV, partial: bool) -> None:
        self.model = model
        self.partial = partial


class LayerOfModelV(Value):
    """One or all layers of ``model.layers`` (a loop variable over it)."""

    __slots__ = ("model", "partial")
    kind = "layer_of_model"

    def __init__(self, model: ModelV, partial: bool) -> None:
        self.model = model
        self.partial = partial


class UnknownObject(Unknown):
    """An object the engine cannot pin down, known by its identity only: what
    a name held when it was first read (a parameter, a free name, the result
    of a call nobody can follow).  Unknown in every respect but one: the
    training events on it (``fit``, ``compile``, ``trainable``) are recorded
    against ``fact``, a model of kind "unknown" (see
    :mod:`kgraphlint.static.training`)."""

    __slots__ = ("fact", "as_layer", "layers")
    kind = "unknown"

    def __init__(self, fact: graph.Model, layers: graph.Layer) -> None:
        self.fact = fact
        # The object as a part of the models it is given to (``Sequential([obj])``).
        self.as_layer: Optional[graph.Layer] = None
        # Its layers, all of them as one (``fact.extra_layers`` holds it).
        self.layers = layers

    def __repr__(self) -> str:
        return f"UNKNOWN({self.fact.label})"


class UnknownLayers(Unknown):
    """``obj.layers`` of an :class:`UnknownObject` (a slice of it when ``partial``)."""

    __slots__ = ("owner", "partial")
    kind = "unknown"

    def __init__(self, owner: UnknownObject, partial: bool) -> None:
        self.owner = owner
        self.partial = partial


class UnknownLayer(Unknown):
    """A layer of an :class:`UnknownObject`: one of them (``obj.layers[-1]``,
    ``obj.get_layer("head")``, a loop variable over a slice: ``partial``) or
    all of them (a loop variable over ``obj.layers``)."""

    __slots__ = ("owner", "partial")
    kind = "unknown"

    def __init__(self, owner: UnknownObject, partial: bool) -> None:
        self.owner = owner
        self.partial = partial
