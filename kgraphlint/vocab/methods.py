"""The model methods that train, evaluate or predict.

A function calling one is a driver, not a model builder (the tracer never
calls it); a model they are called on is trained or only measured (KG302,
KG501); the tracer neutralises them while it builds graphs.
"""

from __future__ import annotations

# Keras 2 methods that Keras 3 removed, and the Keras 3 method that took over
# (it takes generators and `keras.utils.PyDataset`s directly).
GENERATOR_METHODS = {
    "fit_generator": "fit",
    "evaluate_generator": "evaluate",
    "predict_generator": "predict",
}

# The Keras 3 methods that read a whole data set (the ones Keras 2 gave
# data-loading options: workers=, use_multiprocessing=...).
DATA_METHODS = frozenset({"fit", "evaluate", "predict"})

# Methods that update the weights.
TRAIN_METHODS = frozenset({"fit", "fit_generator", "train_on_batch"})
# Methods that run the model without updating its weights.
EVALUATE_METHODS = frozenset({"evaluate", "evaluate_generator", "test_on_batch"})
PREDICT_METHODS = frozenset({"predict", "predict_generator", "predict_on_batch"})
MEASURE_METHODS = EVALUATE_METHODS | PREDICT_METHODS

# Every method that trains or runs a model.
RUN_METHODS = TRAIN_METHODS | MEASURE_METHODS

# The Keras 3 `Model` methods among them (the removed ones are not there).
KERAS3_RUN_METHODS = RUN_METHODS - GENERATOR_METHODS.keys()
# What Keras 2 (TensorFlow) tensors' shapes had: a `tf.TensorShape`.  A Keras 3
# tensor's `.shape` is a plain tuple, which has none of them.
TENSORSHAPE_ATTRIBUTES = frozenset(
    {
        "as_list", "num_elements", "is_fully_defined", "assert_has_rank", "assert_is_compatible_with",
        "is_compatible_with", "merge_with", "with_rank", "with_rank_at_least", "ndims", "dims", "rank",
    }
)

# Methods that run a whole training loop (epochs, callbacks, a History).
FIT_METHODS = frozenset({"fit", "fit_generator"})
