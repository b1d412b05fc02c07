"""What the static engine knows about Keras names, without importing Keras.

The layer tables were read off keras 3.15 (``dir(keras.layers)``) and sorted
by hand (weighted or not); the Keras package prefixes and the application
names come from :mod:`kgraphlint.vocab`.  All of it is plain data so that
static mode never imports TensorFlow or Keras.  Unknown names are simply not recognised, which
makes the engine quieter, never noisier.
"""

from __future__ import annotations

from typing import Optional

from kgraphlint.vocab.families import canonical, is_keras
from kgraphlint.vocab.public_api import application_names

# Layers whose instances own weights: applying one instance twice ties weights.
WEIGHTED_LAYERS = frozenset(
    """
    Dense EinsumDense Embedding ReversibleEmbedding
    Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose Conv3DTranspose
    Convolution1D Convolution2D Convolution3D Convolution1DTranspose
    Convolution2DTranspose Convolution3DTranspose
    SeparableConv1D SeparableConv2D SeparableConvolution1D SeparableConvolution2D
    DepthwiseConv1D DepthwiseConv2D ConvLSTM1D ConvLSTM2D ConvLSTM3D
    LSTM GRU SimpleRNN RNN LSTMCell GRUCell SimpleRNNCell
    BatchNormalization LayerNormalization GroupNormalization RMSNormalization
    PReLU MultiHeadAttention GroupQueryAttention AdditiveAttention
    LocallyConnected1D LocallyConnected2D CuDNNLSTM CuDNNGRU
    """.split()
)

# Layers that own no trainable weights.
UNWEIGHTED_LAYERS = frozenset(
    """
    Activation ActivityRegularization Add AdaptiveAveragePooling1D
    AdaptiveAveragePooling2D AdaptiveAveragePooling3D AdaptiveMaxPooling1D
    AdaptiveMaxPooling2D AdaptiveMaxPooling3D AlphaDropout Attention Average
    AveragePooling1D AveragePooling2D AveragePooling3D AvgPool1D AvgPool2D AvgPool3D
    CategoryEncoding CenterCrop Concatenate Cropping1D Cropping2D Cropping3D
    Discretization Dot Dropout ELU Flatten GaussianDropout GaussianNoise
    GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D
    GlobalAvgPool1D GlobalAvgPool2D GlobalAvgPool3D GlobalMaxPool1D GlobalMaxPool2D
    GlobalMaxPool3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D
    HashedCrossing Hashing Identity IntegerLookup Lambda LeakyReLU Masking
    MaxPool1D MaxPool2D MaxPool3D MaxPooling1D MaxPooling2D MaxPooling3D Maximum
    Minimum Multiply Normalization Permute RandomBrightness RandomContrast
    RandomCrop RandomFlip RandomRotation RandomTranslation RandomZoom ReLU
    RepeatVector Rescaling Reshape Resizing Softmax SpatialDropout1D
    SpatialDropout2D SpatialDropout3D StringLookup Subtract TextVectorization
    UnitNormalization UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D
    ZeroPadding2D ZeroPadding3D AugMix AutoContrast CutMix Equalization MixUp
    RandAugment RandomColorDegeneration RandomColorJitter RandomElasticTransform
    RandomErasing RandomGaussianBlur RandomGrayscale RandomHue RandomInvert
    RandomPerspective RandomPosterization RandomSaturation RandomSharpness
    RandomShear Solarization MelSpectrogram STFTSpectrogram MaxNumBoundingBoxes
    ThresholdedReLU
    """.split()
)

# Layers whose class decides nothing about weights (wrappers, generic bases).
OTHER_LAYERS = frozenset(
    """
    Bidirectional TimeDistributed Wrapper SpectralNormalization Layer InputLayer
    Pipeline StackedRNNCells FlaxLayer JaxLayer TFSMLayer TorchModuleWrapper
    ContrastLimitedAdaptiveHistogramEqualization
    """.split()
)

LAYER_CLASSES = WEIGHTED_LAYERS | UNWEIGHTED_LAYERS | OTHER_LAYERS

WRAPPER_LAYERS = frozenset({"Bidirectional", "TimeDistributed", "SpectralNormalization"})

# Functional forms of the merge layers: ``keras.layers.concatenate([a, b])``.
MERGE_FUNCTIONS = frozenset(
    {"add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"}
)

# Layers through which a backbone's feature map stays that same feature map
# (KG503).  Spatial layers (convolutions, up-sampling) are left out on purpose:
# after them a per-pixel Dense is usually meant (segmentation heads).
# Non-Keras libraries whose functions cannot take a symbolic Keras tensor.
BACKEND_ROOTS = ("tensorflow.", "numpy.", "torch.", "jax.")

# Backend functions that inspect or restructure without converting: they
# accept a KerasTensor.
BACKEND_SAFE = frozenset(
    {
        "tensorflow.is_tensor",
        "numpy.shape",
        "numpy.ndim",
        "numpy.isscalar",
        "numpy.iterable",
        "torch.is_tensor",
    }
)
BACKEND_SAFE_PREFIXES = ("tensorflow.nest.", "jax.tree_util.", "jax.tree.", "tensorflow.debugging.is_")


class KerasName:
    """What a canonical ``keras.*`` path names, for the interpreter."""

    __slots__ = ("kind", "name")

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind  # input | input_layer | layer | merge | model | sequential | application | op | other
        self.name = name


def classify(path: str) -> Optional[KerasName]:
    """Classify a canonical Keras path, or None when it is not Keras."""
    if not is_keras(path):
        return None
    parts = path.split(".")
    last = parts[-1]
    middle = set(parts[1:-1])
    if last == "Input":
        return KerasName("input", last)
    if last == "InputLayer":
        return KerasName("input_layer", last)
    if last in ("Model", "Functional") and ("layers" not in middle):
        return KerasName("model", last)
    if last == "Sequential":
        return KerasName("sequential", last)
    if "applications" in middle and last in application_names():
        return KerasName("application", last)
    if "ops" in middle or (len(parts) >= 2 and parts[1] == "ops"):
        # Ops are functions (``ops.matmul``); the classes beside them
        # (``ops.Node``, ``ops.function.Function``, ``Operation`` subclasses)
        # build graph machinery, not a tensor.
        if last[:1].isupper():
            return KerasName("other", last)
        return KerasName("op", last)
    if "layers" in middle or "engine" in middle or len(parts) == 2:
        if last in LAYER_CLASSES:
            return KerasName("layer", last)
        if last in MERGE_FUNCTIONS and "layers" in middle:
            return KerasName("merge", last)
    return KerasName("other", last)


def layer_weighted(class_name: str) -> Optional[bool]:
    if class_name in WEIGHTED_LAYERS:
        return True
    if class_name in UNWEIGHTED_LAYERS:
        return False
    return None


def is_backend_function(path: str) -> bool:
    """A TensorFlow / NumPy / PyTorch / JAX function (not their Keras)."""
    return (
        path.startswith(BACKEND_ROOTS)
        and not is_keras(canonical(path))
        and path not in BACKEND_SAFE
        and not path.startswith(BACKEND_SAFE_PREFIXES)
    )
