"""What to write instead of Keras 2 names and arguments that Keras 3 removed.

Hand-written: the generated table (:mod:`kgraphlint.vocab.public_api`) says
*what* Keras 3 lacks, this says what replaces it where a person has to
decide.  Paths are relative to the Keras package (``"preprocessing.image.X"``
means ``keras.preprocessing.image.X`` and ``tf.keras.preprocessing.image.X``);
a module entry covers every name under it.
"""

from __future__ import annotations

from typing import Optional

_IMAGE_PIPELINE = (
    "load images with `keras.utils.image_dataset_from_directory` and augment them with "
    "preprocessing layers (`keras.layers.RandomFlip`, `RandomRotation`, `RandomZoom`...)"
)

REMOVED_NAMES: dict[str, str] = {
    "preprocessing.image.ImageDataGenerator": _IMAGE_PIPELINE,
    "preprocessing.image.DirectoryIterator": _IMAGE_PIPELINE,
    "preprocessing.image.NumpyArrayIterator": _IMAGE_PIPELINE,
    "preprocessing.image.Iterator": _IMAGE_PIPELINE,
    "preprocessing.text": "use the `keras.layers.TextVectorization` layer",
    "preprocessing.sequence.TimeseriesGenerator": "use `keras.utils.timeseries_dataset_from_array`",
    "preprocessing.sequence.skipgrams": "Keras 3 dropped it: build skip-gram pairs with tf.data or NumPy",
    "layers.experimental": "the preprocessing layers moved to `keras.layers` (`keras.layers.Rescaling`...)",
    "layers.CuDNNLSTM": "use `keras.layers.LSTM`, which runs on cuDNN when it can",
    "layers.CuDNNGRU": "use `keras.layers.GRU`, which runs on cuDNN when it can",
    "layers.LocallyConnected1D": "Keras 3 removed it: use `keras.layers.Conv1D`, or keep it with `tf_keras`",
    "layers.LocallyConnected2D": "Keras 3 removed it: use `keras.layers.Conv2D`, or keep it with `tf_keras`",
    "layers.ThresholdedReLU": "use `keras.layers.ReLU(threshold=theta)`",
    "layers.DenseFeatures": "use `keras.utils.FeatureSpace`, or keep it with `tf_keras`",
    "wrappers.scikit_learn": "use `keras.wrappers.SKLearnClassifier` / `SKLearnRegressor` (or the scikeras package)",
    "backend.get_session": "Keras 3 has no session; TF1-style code can use `tf.compat.v1.keras.backend.get_session()`",
    "backend.set_session": "Keras 3 has no session; TF1-style code can use `tf.compat.v1.keras.backend.set_session()`",
    "utils.multi_gpu_model": "use a `tf.distribute.MirroredStrategy` scope (or `keras.distribution`)",
    "optimizers.legacy": "use the `keras.optimizers` classes (they take `learning_rate=`), or keep them with `tf_keras`",
    "losses.mse": 'pass `loss="mse"` or `keras.losses.MeanSquaredError()`; the function is `keras.losses.mean_squared_error`',
    "losses.mae": 'pass `loss="mae"` or `keras.losses.MeanAbsoluteError()`; the function is `keras.losses.mean_absolute_error`',
}

# Keyword arguments Keras 3 constructors reject, by (class, keyword); class
# "*" is any layer.  ``(hint, replacement keyword or None, removal keeps
# behaviour)``: a replacement keyword is a rename that keeps what Keras 2 did;
# "removal keeps behaviour" marks arguments Keras 2 accepted and ignored.
_DEPTHWISE_IGNORED = (
    "Keras 2's `{cls}` accepted `{kw}=` and ignored it (its kernel is set by `depthwise_{part}=`): "
    "remove it, or pass `depthwise_{part}=` if that is what was meant"
)
REMOVED_ARGUMENTS: dict[tuple[str, str], tuple[str, Optional[str], bool]] = {
    (cls, f"kernel_{part}"): (_DEPTHWISE_IGNORED.format(cls=cls, kw=f"kernel_{part}", part=part), None, True)
    for cls in ("DepthwiseConv1D", "DepthwiseConv2D")
    for part in ("initializer", "regularizer", "constraint")
}
REMOVED_ARGUMENTS.update(
    {
        ("*", "weights"): (
            "Keras 3 layers take no `weights=`: build the layer (or the model) first, "
            "then call `layer.set_weights(weights)`",
            None,
            False,
        ),
        ("*", "batch_input_shape"): (
            "start the model with `keras.Input(batch_shape=...)` instead",
            None,
            False,
        ),
        ("*", "input_dtype"): ("pass `dtype=` to `keras.Input` instead", None, False),
        ("*", "dim_ordering"): (
            'use `data_format=` (Keras 1 "tf" is "channels_last", "th" is "channels_first")',
            None,
            False,
        ),
    }
)

# Keras 1 spellings that Keras 2's legacy interface translated as they were
# (keras/legacy/interfaces.py) and Keras 3 rejects: renaming is the Keras 2 meaning.
KERAS1_ARGUMENTS: dict[str, str] = {
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
    "border_mode": "padding",
    "subsample": "strides",
    "subsample_length": "strides",
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "output_dim": "units",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "inner_init": "recurrent_initializer",
    "inner_activation": "recurrent_activation",
    "U_regularizer": "recurrent_regularizer",
}


def removed_name_hint(rel: str) -> Optional[str]:
    """The hand-written hint for a removed ``rel`` path (or a module above it)."""
    parts = rel.split(".")
    for k in range(len(parts), 0, -1):
        hint = REMOVED_NAMES.get(".".join(parts[:k]))
        if hint is not None:
            return hint
    return None


def removed_argument(cls: str, keyword: str) -> Optional[tuple[str, Optional[str], bool]]:
    return REMOVED_ARGUMENTS.get((cls, keyword)) or REMOVED_ARGUMENTS.get(("*", keyword))
