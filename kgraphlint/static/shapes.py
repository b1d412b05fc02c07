"""Keras output shapes from layer class, literal config and input shapes.

Pure functions, no libcst, no Keras import: the static interpreter calls
:func:`output_shapes` where it records a layer call, and the KG6xx rules call
:func:`rank_requirement`, :func:`merge_problem` and :func:`reshape_problem`.
The trace engine does not need any of it (real KerasTensors carry shapes).

A shape is a tuple with the batch axis first, ``None`` for a dimension that is
not known (``(None, 28, 28, 1)``); ``None`` instead of a tuple means the rank
is not known either.  A layer ``config`` maps constructor parameter names to
the Python values the source pinned down; a parameter that was given but
could not be pinned down maps to :data:`UNPINNED`.  Missing keys take Keras's
defaults.  Whenever anything needed is unknown the answer is ``None``
(unknown), never a guess: unknown never makes a rule fire.

The formulas are Keras 3.15's (``keras/src/ops/operation_utils.py``, the
layers' ``compute_output_shape``); tests/test_shapes_keras.py compares them
with real Keras layer by layer.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence

Shape = tuple[Optional[int], ...]
MaybeShape = Optional[Shape]


class _Unpinned:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNPINNED"


UNPINNED: Any = _Unpinned()

# Constructor parameters, in positional order, as far as they matter to the
# shape (read off keras 3.15 ``inspect.signature``; a test keeps them true).
_CONV = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate")
POSITIONAL: dict[str, tuple[str, ...]] = {
    "Dense": ("units", "activation"),
    "Conv1D": _CONV, "Conv2D": _CONV, "Conv3D": _CONV,
    "SeparableConv1D": _CONV, "SeparableConv2D": _CONV,
    "Conv1DTranspose": ("filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate"),
    "Conv2DTranspose": ("filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate"),
    "Conv3DTranspose": ("filters", "kernel_size", "strides", "padding", "data_format", "output_padding", "dilation_rate"),
    "DepthwiseConv1D": ("kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate"),
    "DepthwiseConv2D": ("kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate"),
    **{f"{kind}Pooling{n}D": ("pool_size", "strides", "padding", "data_format")
       for kind in ("Max", "Average") for n in (1, 2, 3)},
    **{f"Global{kind}Pooling{n}D": ("data_format", "keepdims")
       for kind in ("Max", "Average") for n in (1, 2, 3)},
    "Flatten": ("data_format",),
    "Reshape": ("target_shape",),
    "Permute": ("dims",),
    "RepeatVector": ("n",),
    "Embedding": ("input_dim", "output_dim"),
    "LSTM": ("units",), "GRU": ("units",), "SimpleRNN": ("units",),
    "Bidirectional": ("layer", "merge_mode"),
    "TimeDistributed": ("layer",),
    "Concatenate": ("axis",),
    "Activation": ("activation",),
    "UpSampling1D": ("size",), "UpSampling2D": ("size", "data_format"), "UpSampling3D": ("size", "data_format"),
    "ZeroPadding1D": ("padding", "data_format"), "ZeroPadding2D": ("padding", "data_format"),
    "ZeroPadding3D": ("padding", "data_format"),
    "Cropping1D": ("cropping",), "Cropping2D": ("cropping", "data_format"), "Cropping3D": ("cropping", "data_format"),
}

# Other names of the same classes.
ALIASES = {
    "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
    "Convolution1DTranspose": "Conv1DTranspose", "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D", "SeparableConvolution2D": "SeparableConv2D",
    **{f"MaxPool{n}D": f"MaxPooling{n}D" for n in (1, 2, 3)},
    **{f"AvgPool{n}D": f"AveragePooling{n}D" for n in (1, 2, 3)},
    **{f"GlobalMaxPool{n}D": f"GlobalMaxPooling{n}D" for n in (1, 2, 3)},
    **{f"GlobalAvgPool{n}D": f"GlobalAveragePooling{n}D" for n in (1, 2, 3)},
}

# Layers whose output has the shape of their (single) input.
SHAPE_PRESERVING = frozenset(
    """
    BatchNormalization LayerNormalization GroupNormalization UnitNormalization
    RMSNormalization Normalization Dropout AlphaDropout GaussianDropout GaussianNoise
    SpatialDropout1D SpatialDropout2D SpatialDropout3D ActivityRegularization
    Activation ReLU LeakyReLU ELU PReLU Softmax ThresholdedReLU Rescaling Identity
    Masking RandomFlip RandomRotation RandomZoom RandomTranslation RandomContrast
    RandomBrightness
    """.split()
)

ELEMENTWISE_MERGES = frozenset({"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"})
RNN_LAYERS = frozenset({"LSTM", "GRU", "SimpleRNN"})


def canonical_class(class_name: str) -> str:
    return ALIASES.get(class_name, class_name)


def conv_rank(class_name: str) -> Optional[int]:
    """Spatial rank of a convolution/pooling class (``Conv2D`` -> 2)."""
    name = canonical_class(class_name)
    for n in (1, 2, 3):
        if name.endswith(f"{n}D") or name.endswith(f"{n}DTranspose"):
            if name.startswith(("Conv", "SeparableConv", "DepthwiseConv", "MaxPooling", "AveragePooling",
                                "GlobalMaxPooling", "GlobalAveragePooling", "UpSampling", "ZeroPadding",
                                "Cropping", "SpatialDropout")):
                return n
    return None


def config_from_call(class_name: str, positional: Sequence[Any], keywords: dict[str, Any]) -> dict[str, Any]:
    """A layer's config from its constructor arguments (values or UNPINNED)."""
    names = POSITIONAL.get(canonical_class(class_name), ())
    config: dict[str, Any] = {}
    for name, value in zip(names, positional):
        config[name] = value
    config.update(keywords)
    return config


# --------------------------------------------------------------------------
# Small helpers on pinned values.


def _pinned(config: dict[str, Any], key: str, default: Any) -> Any:
    value = config.get(key, default)
    return UNPINNED if value is UNPINNED else value


def _int(value: Any) -> Optional[int]:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _tuple(value: Any, n: int) -> Optional[tuple[int, ...]]:
    """An int or a tuple/list of n ints, as a tuple of n ints."""
    if _int(value) is not None:
        return (value,) * n
    if isinstance(value, (tuple, list)) and len(value) == n and all(_int(v) is not None for v in value):
        return tuple(value)
    return None


def _data_format(config: dict[str, Any], default_format: Optional[str]) -> Optional[str]:
    value = config.get("data_format")
    if value is None:
        return default_format
    if value in ("channels_last", "channels_first"):
        return value
    return None


def is_shape(value: Any) -> bool:
    return isinstance(value, tuple) and all(d is None or _int(d) is not None for d in value)


def literal_shape(value: Any) -> Optional[tuple[Optional[int], ...]]:
    """A literal ``shape=`` argument (int, tuple or list of ints/None)."""
    if _int(value) is not None:
        return (value,)
    if isinstance(value, (tuple, list)) and all(v is None or (_int(v) is not None and v >= 0) for v in value):
        return tuple(value)
    return None


def input_shape(shape: Any = None, batch_size: Any = None, batch_shape: Any = None) -> MaybeShape:
    """Shape of ``keras.Input(shape=..., batch_size=..., batch_shape=...)``."""
    if batch_shape is not None:
        return literal_shape(batch_shape)
    given = literal_shape(shape)
    if given is None:
        return None
    batch = _int(batch_size) if batch_size is not None else None
    if batch_size is not None and batch is None:
        return None
    return (batch,) + given


def show(shape: MaybeShape) -> str:
    if shape is None:
        return "(?)"
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(d) for d in shape) + ")"


# --------------------------------------------------------------------------
# What a layer accepts.


def rank_requirement(class_name: str, config: Optional[dict[str, Any]]) -> Optional[tuple[int, Optional[int]]]:
    """``(min_rank, max_rank)`` of the input a layer accepts (batch axis
    included; ``max_rank`` None = no upper bound), or None when not known."""
    name = canonical_class(class_name)
    config = config or {}
    if name == "Dense":
        return (2, None)
    n = conv_rank(name)
    if n is not None:
        # Convolutions check min_ndim and then fail on the kernel shape for a
        # higher rank; pooling, padding, cropping and up-sampling want ndim.
        return (n + 2, n + 2)
    if name in RNN_LAYERS:
        return (3, 3)
    if name == "RepeatVector":
        return (2, 2)
    if name == "TimeDistributed":
        return (3, None)
    if name == "Bidirectional":
        inner = config.get("layer")
        if isinstance(inner, LayerSpec) and canonical_class(inner.class_name) in RNN_LAYERS:
            return (3, 3)
        return None
    if name == "Permute":
        dims = config.get("dims")
        if isinstance(dims, (tuple, list)) and all(_int(d) is not None for d in dims):
            return (len(dims) + 1, len(dims) + 1)
        return None
    if name == "Flatten":
        return (1, None)
    return None


def accepts_rank(class_name: str, config: Optional[dict[str, Any]], shape: MaybeShape) -> Optional[bool]:
    """False when the layer certainly rejects a tensor of that rank."""
    if shape is None:
        return None
    req = rank_requirement(class_name, config)
    if req is None:
        return None
    low, high = req
    rank = len(shape)
    if rank < low or (high is not None and rank > high):
        return False
    return True


class LayerSpec:
    """A wrapped layer's class and config (``Bidirectional(LSTM(64))``)."""

    __slots__ = ("class_name", "config")

    def __init__(self, class_name: str, config: Optional[dict[str, Any]]) -> None:
        self.class_name = class_name
        self.config = config


# --------------------------------------------------------------------------
# Output shapes.


def output_shapes(
    class_name: str,
    config: Optional[dict[str, Any]],
    inputs: Sequence[MaybeShape],
    *,
    default_format: Optional[str] = "channels_last",
) -> Optional[list[MaybeShape]]:
    """Shapes of the outputs of one call, or None when not known.

    ``inputs`` are the shapes of the tensors the layer is called on (a merge
    layer gets several).  ``default_format`` is the image data format in force
    when ``data_format`` is not given (None = the program may change it).
    """
    if config is None:
        return None
    name = canonical_class(class_name)
    try:
        if name in ELEMENTWISE_MERGES or name in ("Concatenate", "Dot"):
            return _one(_merge_output(name, config, inputs))
        if len(inputs) != 1 or inputs[0] is None:
            return None
        shape = inputs[0]
        if accepts_rank(name, config, shape) is False:
            return None
        if name in RNN_LAYERS:
            return _rnn_outputs(name, config, shape)
        if name == "Bidirectional":
            return _bidirectional(config, shape)
        return _one(_single_output(name, config, shape, default_format))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None


class _Exhausted(ValueError):
    """A window (kernel or pool) larger than the spatial size it slides over."""

    def __init__(self, size: int, window: int) -> None:
        super().__init__(size, window)
        self.size = size
        self.window = window


def spatial_problem(
    class_name: str,
    config: Optional[dict[str, Any]],
    shape: MaybeShape,
    *,
    default_format: Optional[str] = "channels_last",
) -> Optional[tuple[int, int]]:
    """``(size, window)`` when a "valid" convolution or pooling window is larger
    than the spatial size of its input (Keras: "Computed output size would be
    zero or negative"), else None."""
    name = canonical_class(class_name)
    if config is None or shape is None or conv_rank(name) is None or name.endswith("Transpose"):
        return None
    if not name.startswith(("Conv", "SeparableConv", "DepthwiseConv", "MaxPooling", "AveragePooling")):
        return None
    if accepts_rank(name, config, shape) is not True:
        return None
    try:
        _single_output(name, config, shape, default_format)
    except _Exhausted as exhausted:
        return exhausted.size, exhausted.window
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return None


def _one(shape: MaybeShape) -> Optional[list[MaybeShape]]:
    return None if shape is None else [shape]


def _single_output(name: str, config: dict[str, Any], shape: Shape, fmt: Optional[str]) -> MaybeShape:
    batch = shape[0] if shape else None
    if name in SHAPE_PRESERVING:
        return shape
    if name == "Dense":
        units = _int(_pinned(config, "units", UNPINNED))
        return None if units is None else shape[:-1] + (units,)
    if name == "Flatten":
        rest = shape[1:]
        if not rest:
            return (batch, 1)
        return (batch, None if None in rest else math.prod(rest))  # type: ignore[arg-type]
    if name == "Reshape":
        target = literal_shape_allowing_minus_one(_pinned(config, "target_shape", UNPINNED))
        if target is None:
            return None
        resolved = _resolve_reshape(shape[1:], target)
        return None if resolved is None else (batch,) + resolved
    if name == "Permute":
        dims = config.get("dims")
        if not isinstance(dims, (tuple, list)) or sorted(dims) != list(range(1, len(shape))):
            return None
        return (batch,) + tuple(shape[d] for d in dims)
    if name == "RepeatVector":
        n = _int(_pinned(config, "n", UNPINNED))
        return None if n is None else (batch, n, shape[1])
    if name == "Embedding":
        out_dim = _int(_pinned(config, "output_dim", UNPINNED))
        return None if out_dim is None else shape + (out_dim,)
    if name == "TimeDistributed":
        inner = config.get("layer")
        if not isinstance(inner, LayerSpec):
            return None
        child = output_shapes(inner.class_name, inner.config, [(batch,) + shape[2:]], default_format=fmt)
        if not child or len(child) != 1 or child[0] is None:
            return None
        return (child[0][0], shape[1]) + tuple(child[0][1:])
    if name in ("Resizing", "CenterCrop", "RandomCrop"):
        h, w = _int(config.get("height")), _int(config.get("width"))
        if h is None or w is None or len(shape) != 4 or fmt != "channels_last" or "data_format" in config:
            return None
        return (batch, h, w, shape[3])
    n = conv_rank(name)
    if n is None:
        return None
    data_format = _data_format(config, fmt)
    if data_format is None:
        return None
    spatial = list(shape[1:-1]) if data_format == "channels_last" else list(shape[2:])
    channels = shape[-1] if data_format == "channels_last" else shape[1]

    def assemble(new_spatial: list[Optional[int]], new_channels: Optional[int]) -> Shape:
        if data_format == "channels_last":
            return (batch, *new_spatial, new_channels)
        return (batch, new_channels, *new_spatial)

    if name.startswith(("GlobalMaxPooling", "GlobalAveragePooling")):
        keepdims = config.get("keepdims", False)
        if keepdims is True:
            return assemble([1] * n, channels)
        if keepdims is not False:
            return None
        return (batch, channels)
    if name.startswith(("MaxPooling", "AveragePooling")):
        pool = _tuple(_pinned(config, "pool_size", 2 if name.startswith("Max") else UNPINNED), n)
        strides_v = _pinned(config, "strides", None)
        strides = pool if strides_v is None else _tuple(strides_v, n)
        padding = _padding(config)
        if pool is None or strides is None or padding not in ("valid", "same"):
            return None
        out: list[Optional[int]] = []
        for size, k, s in zip(spatial, pool, strides):
            if size is None:
                out.append(None)
            elif padding == "valid":
                length = (size - k) // s + 1
                if length <= 0:
                    raise _Exhausted(size, k)
                out.append(length)
            else:
                out.append((size - 1) // s + 1)
        return assemble(out, channels)
    if name.startswith("UpSampling"):
        factors = _tuple(_pinned(config, "size", 2), n)
        if factors is None:
            return None
        return assemble([None if d is None else d * f for d, f in zip(spatial, factors)], channels)
    if name.startswith("ZeroPadding"):
        pads = _pairs(_pinned(config, "padding", 1), n)
        if pads is None:
            return None
        return assemble([None if d is None else d + a + b for d, (a, b) in zip(spatial, pads)], channels)
    if name.startswith("Cropping"):
        crops = _pairs(_pinned(config, "cropping", 0 if n == 2 else 1), n)
        if crops is None:
            return None
        out = []
        for d, (a, b) in zip(spatial, crops):
            if d is None:
                out.append(None)
            elif d - a - b <= 0:
                return None
            else:
                out.append(d - a - b)
        return assemble(out, channels)
    if name.startswith("SpatialDropout"):
        return shape
    # Convolutions.
    kernel = _tuple(_pinned(config, "kernel_size", UNPINNED), n)
    strides = _tuple(_pinned(config, "strides", 1), n)
    dilation = _tuple(_pinned(config, "dilation_rate", 1), n)
    padding = _padding(config)
    if kernel is None or strides is None or dilation is None or padding is None:
        return None
    if name.startswith("DepthwiseConv"):
        mult = _int(_pinned(config, "depth_multiplier", 1))
        if mult is None:
            return None
        filters: Optional[int] = None if channels is None else channels * mult
    else:
        filters = _int(_pinned(config, "filters", UNPINNED))
        if filters is None:
            return None
    if name.endswith("Transpose"):
        if padding not in ("valid", "same"):
            return None
        out_pad_v = _pinned(config, "output_padding", None)
        out_pad = None if out_pad_v is None else _tuple(out_pad_v, n)
        if out_pad_v is not None and out_pad is None:
            return None
        out = []
        for i, size in enumerate(spatial):
            if size is None:
                out.append(None)
                continue
            k = (kernel[i] - 1) * dilation[i] + 1
            s = strides[i]
            op = None if out_pad is None else out_pad[i]
            if padding == "valid":
                op = max(k, s) - k if op is None else op
                out.append((size - 1) * s + k + op)
            else:
                out.append(size * s if op is None else (size - 1) * s + k % 2 + op)
        return assemble(out, filters)
    if padding not in ("valid", "same", "causal") or (padding == "causal" and n != 1):
        return None
    out = []
    for size, k, s, d in zip(spatial, kernel, strides, dilation):
        if size is None:
            out.append(None)
        elif padding == "valid":
            length = (size - d * (k - 1) - 1) // s + 1
            if length <= 0:
                raise _Exhausted(size, d * (k - 1) + 1)
            out.append(length)
        else:
            out.append((size - 1) // s + 1)
    return assemble(out, filters)


def _padding(config: dict[str, Any]) -> Optional[str]:
    value = _pinned(config, "padding", "valid")
    return value.lower() if isinstance(value, str) else None


def _pairs(value: Any, n: int) -> Optional[list[tuple[int, int]]]:
    """ZeroPadding/Cropping amounts: int, n ints, or n pairs (1-D: a pair)."""
    if _int(value) is not None:
        return [(value, value)] * n
    if isinstance(value, (tuple, list)):
        if n == 1 and len(value) == 2 and all(_int(v) is not None for v in value):
            return [(value[0], value[1])]
        if len(value) == n:
            pairs = []
            for v in value:
                if _int(v) is not None:
                    pairs.append((v, v))
                elif isinstance(v, (tuple, list)) and len(v) == 2 and all(_int(x) is not None for x in v):
                    pairs.append((v[0], v[1]))
                else:
                    return None
            return pairs
    return None


def literal_shape_allowing_minus_one(value: Any) -> Optional[tuple[int, ...]]:
    if _int(value) is not None:
        value = (value,)
    if not isinstance(value, (tuple, list)) or not all(_int(v) is not None for v in value):
        return None
    if any(v < -1 for v in value) or list(value).count(-1) > 1:
        return None
    return tuple(value)


def _resolve_reshape(rest: Sequence[Optional[int]], target: tuple[int, ...]) -> Optional[tuple[Optional[int], ...]]:
    """Reshape's target with its -1 resolved; None when the sizes disagree."""
    if None in rest:
        return tuple(None if d == -1 else d for d in target)
    size = math.prod(rest)  # type: ignore[arg-type]
    if -1 not in target:
        return target if math.prod(target) == size else None
    known = math.prod(d for d in target if d != -1)
    if known == 0 or size % known:
        return None
    return tuple(size // known if d == -1 else d for d in target)


def reshape_problem(config: Optional[dict[str, Any]], shape: MaybeShape) -> Optional[tuple[int, tuple[int, ...]]]:
    """``(input size, target)`` when a Reshape certainly cannot reshape ``shape``."""
    if config is None or shape is None or None in shape[1:]:
        return None
    target = literal_shape_allowing_minus_one(config.get("target_shape", UNPINNED))
    if target is None:
        return None
    size = math.prod(shape[1:])  # type: ignore[arg-type]
    if _resolve_reshape(shape[1:], target) is None:
        return size, target
    return None


def _rnn_outputs(name: str, config: dict[str, Any], shape: Shape) -> Optional[list[MaybeShape]]:
    units = _int(_pinned(config, "units", UNPINNED))
    seq = config.get("return_sequences", False)
    state = config.get("return_state", False)
    if units is None or not isinstance(seq, bool) or not isinstance(state, bool):
        return None
    batch = shape[0]
    main: MaybeShape = (batch, shape[1], units) if seq else (batch, units)
    if not state:
        return [main]
    n_states = 2 if name == "LSTM" else 1
    return [main] + [(batch, units)] * n_states


def _bidirectional(config: dict[str, Any], shape: Shape) -> Optional[list[MaybeShape]]:
    inner = config.get("layer")
    mode = config.get("merge_mode", "concat")
    if not isinstance(inner, LayerSpec) or inner.config is None or "backward_layer" in config:
        return None
    if canonical_class(inner.class_name) not in RNN_LAYERS or inner.config.get("return_state", False) is not False:
        return None
    forward = _rnn_outputs(canonical_class(inner.class_name), inner.config, shape)
    if not forward:
        return None
    out = forward[0]
    assert out is not None
    if mode == "concat":
        last = out[-1]
        return [out[:-1] + (None if last is None else last * 2,)]
    if mode in ("sum", "mul", "ave"):
        return [out]
    if mode is None:
        return [out, out]
    return None


# --------------------------------------------------------------------------
# Merges.


def _axis(value: Any, rank: int) -> Optional[int]:
    axis = _int(value)
    if axis is None or not -rank <= axis < rank:
        return None
    return axis % rank


def merge_problem(class_name: str, config: Optional[dict[str, Any]], inputs: Sequence[MaybeShape]) -> Optional[str]:
    """Why Keras certainly rejects these input shapes for a merge layer."""
    name = canonical_class(class_name)
    if len(inputs) < 2 or any(s is None for s in inputs):
        return None
    shapes = [s for s in inputs if s is not None]
    if name == "Concatenate":
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            return "ranks"
        rank = ranks.pop()
        axis = _axis((config or {}).get("axis", -1), rank)
        if axis is None or axis == 0:
            return None
        for dim in range(1, rank):
            if dim == axis:
                continue
            known = {s[dim] for s in shapes if s[dim] is not None}
            if len(known) > 1:
                return "dims"
        return None
    if name in ELEMENTWISE_MERGES:
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            return None  # Keras expands dims for different ranks
        for dim in range(1, ranks.pop()):
            known = {s[dim] for s in shapes if s[dim] is not None and s[dim] != 1}
            if len(known) > 1:
                return "dims"
        if name == "Subtract" and len(shapes) != 2:
            return None
        return None
    return None


def _merge_output(name: str, config: dict[str, Any], inputs: Sequence[MaybeShape]) -> MaybeShape:
    if len(inputs) < 1 or any(s is None for s in inputs) or merge_problem(name, config, inputs):
        return None
    shapes = [s for s in inputs if s is not None]
    if len({len(s) for s in shapes}) != 1:
        return None
    rank = len(shapes[0])
    if name == "Concatenate":
        axis = _axis(config.get("axis", -1), rank)
        if axis is None or axis == 0:
            return None
        out: list[Optional[int]] = []
        for dim in range(rank):
            values = [s[dim] for s in shapes]
            if dim == axis:
                out.append(None if None in values else sum(values))  # type: ignore[arg-type]
            else:
                known = [v for v in values if v is not None]
                out.append(known[0] if known else None)
        return tuple(out)
    if name == "Dot":
        return None
    out = [shapes[0][0]]
    for dim in range(1, rank):
        values = [s[dim] for s in shapes]
        if None in values:
            out.append(None)
        else:
            big = [v for v in values if v != 1]
            out.append(big[0] if big else 1)
    return tuple(out)


# --------------------------------------------------------------------------
# keras.applications backbones.

# name -> (default image size, minimum image size, channels of the feature
# map without top).  Keras 3.15 (``obtain_input_shape`` calls); the slow test
# tests/test_shapes_keras.py checks every row against real Keras.
APPLICATIONS: dict[str, tuple[int, int, int]] = {
    "ConvNeXtTiny": (224, 32, 768), "ConvNeXtSmall": (224, 32, 768), "ConvNeXtBase": (224, 32, 1024),
    "ConvNeXtLarge": (224, 32, 1536), "ConvNeXtXLarge": (224, 32, 2048),
    "DenseNet121": (224, 32, 1024), "DenseNet169": (224, 32, 1664), "DenseNet201": (224, 32, 1920),
    "EfficientNetB0": (224, 32, 1280), "EfficientNetB1": (240, 32, 1280), "EfficientNetB2": (260, 32, 1408),
    "EfficientNetB3": (300, 32, 1536), "EfficientNetB4": (380, 32, 1792), "EfficientNetB5": (456, 32, 2048),
    "EfficientNetB6": (528, 32, 2304), "EfficientNetB7": (600, 32, 2560),
    "EfficientNetV2B0": (224, 32, 1280), "EfficientNetV2B1": (240, 32, 1280), "EfficientNetV2B2": (260, 32, 1408),
    "EfficientNetV2B3": (300, 32, 1536), "EfficientNetV2S": (384, 32, 1280), "EfficientNetV2M": (480, 32, 1280),
    "EfficientNetV2L": (480, 32, 1280),
    "InceptionResNetV2": (299, 75, 1536), "InceptionV3": (299, 75, 2048),
    "MobileNet": (224, 32, 1024), "MobileNetV2": (224, 32, 1280),
    "MobileNetV3Large": (224, 32, 960), "MobileNetV3Small": (224, 32, 576),
    "NASNetLarge": (331, 32, 4032), "NASNetMobile": (224, 32, 1056),
    "ResNet50": (224, 32, 2048), "ResNet101": (224, 32, 2048), "ResNet152": (224, 32, 2048),
    "ResNet50V2": (224, 32, 2048), "ResNet101V2": (224, 32, 2048), "ResNet152V2": (224, 32, 2048),
    "VGG16": (224, 32, 512), "VGG19": (224, 32, 512), "Xception": (299, 71, 2048),
}

# Arguments that change the width of the network (then channels are unknown).
_WIDTH_ARGS = ("alpha", "depth_multiplier", "minimalistic")


def application_shapes(name: str, args: dict[str, Any], given_input: MaybeShape) -> tuple[MaybeShape, MaybeShape]:
    """(input shape, output shape) of ``keras.applications.<name>(**args)``.

    ``args`` holds the pinned arguments (missing = Keras's default,
    UNPINNED = given but unknown); ``given_input`` is the shape of an
    ``input_tensor=`` when one was given.  Spatial dims of the output are
    left unknown (they depend on each architecture's padding); the rank and
    the channel count are what the rules need.
    """
    row = APPLICATIONS.get(name)
    if row is None:
        return None, None
    default, _min, channels = row
    include_top = args.get("include_top", True)
    pooling = args.get("pooling", None)
    if any(k in args for k in _WIDTH_ARGS):
        channels_out: Optional[int] = None
    else:
        channels_out = channels
    shape_arg = args.get("input_shape", None)
    if given_input is not None:
        in_shape: MaybeShape = given_input
    elif shape_arg is None:
        in_shape = (None, default, default, 3) if include_top is True else (None, None, None, 3)
    else:
        lit = literal_shape(shape_arg)
        in_shape = None if lit is None or len(lit) != 3 else (None,) + lit
    if include_top is True:
        classes = args.get("classes", 1000)
        return in_shape, ((None, classes) if _int(classes) is not None else None)
    if include_top is not False:
        return in_shape, None
    if pooling in ("avg", "max"):
        return in_shape, (None, channels_out)
    if pooling is None:
        return in_shape, (None, None, None, channels_out)
    return in_shape, None


def application_input_problem(name: str, args: dict[str, Any]) -> Optional[tuple[str, str]]:
    """``(kind, why)`` when Keras rejects the ``input_shape=`` of an
    application (kind: "top", "rank", "channels" or "size"), else None.

    Mirrors ``keras.src.applications.imagenet_utils.obtain_input_shape`` for
    the channels-last data format with a literal tuple ``input_shape``.
    """
    row = APPLICATIONS.get(name)
    shape = args.get("input_shape", None)
    if row is None or not isinstance(shape, tuple) or "input_tensor" in args:
        return None
    lit = literal_shape(shape)
    if lit is None:
        return None
    default, min_size, _ = row
    weights = args.get("weights", "imagenet")
    include_top = args.get("include_top", True)
    if weights is UNPINNED or include_top is UNPINNED or not isinstance(include_top, bool):
        return None
    imagenet = weights == "imagenet"
    if name.startswith("MobileNet") and name != "MobileNetV3Large" and name != "MobileNetV3Small":
        # MobileNet/V2 pick the default size from the rows of input_shape.
        if len(lit) == 3 and lit[0] in (96, 128, 160, 192, 224) and lit[0] == lit[1]:
            default = lit[0]
    if name.startswith("MobileNetV3") or name.startswith("NASNet"):
        return None  # their own checks; not mirrored
    if imagenet and include_top:
        expected = (default, default, 3)
        if lit != expected:
            return "top", f"with `include_top=True` and ImageNet weights the input must be {show(expected)}"
        return None
    if len(lit) != 3:
        return "rank", "`input_shape` must be three numbers (height, width, channels)"
    if lit[-1] != 3 and imagenet:
        return "channels", "ImageNet weights need 3 input channels"
    if (lit[0] is not None and lit[0] < min_size) or (lit[1] is not None and lit[1] < min_size):
        return "size", f"{name} needs images of at least {min_size}x{min_size}"
    return None


class LossName(str):
    """A Keras loss named by its class (``CategoricalCrossentropy()``), as the
    snake-case name of its function (``"categorical_crossentropy"``)."""
