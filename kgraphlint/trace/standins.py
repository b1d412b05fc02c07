"""Offline stand-ins for what a traced script would download.

``keras.datasets.*.load_data()`` returns arrays of the documented shapes
(sample counts included: tutorial code writes ``x_train.reshape(60000, 784)``)
and dtypes, not degenerate: pixel values vary and every class occurs in both
splits, so ``to_categorical``, ``np.unique``, ``len(class_names)`` and
train/validation splits behave as with the real data.  Samples repeat a small
varied block, so making them costs a memory copy, not a random draw per value.
Word indexes are dictionaries of the right kind.  No keras import (numpy only).
"""

from __future__ import annotations

from typing import Any

# name -> (sample shape, number of classes, label shape suffix, (train, test) sizes)
_IMAGES: dict[str, tuple[tuple[int, ...], int, tuple[int, ...], tuple[int, int]]] = {
    "mnist": ((28, 28), 10, (), (60_000, 10_000)),
    "fashion_mnist": ((28, 28), 10, (), (60_000, 10_000)),
    "cifar10": ((32, 32, 3), 10, (1,), (50_000, 10_000)),
    "cifar100": ((32, 32, 3), 100, (1,), (50_000, 10_000)),
}
# name -> (features, label range, (train, test) sizes with the default test_split)
_TABLES: dict[str, tuple[int, tuple[float, float], tuple[int, int]]] = {
    "boston_housing": (13, (5.0, 50.0), (404, 102)),
    "california_housing": (8, (15_000.0, 500_000.0), (16_512, 4_128)),
}
# name -> (number of classes, (train, test) sizes with the default test_split)
_SEQUENCES: dict[str, tuple[int, tuple[int, int]]] = {
    "imdb": (2, (25_000, 25_000)),
    "reuters": (46, (8_982, 2_246)),
}
VOCABULARY = 10_000
# Distinct samples made per split; the rest repeat them.
_BLOCK = 64


def _repeat(block: Any, n: int) -> Any:
    """``n`` samples cycling through ``block`` (first axis)."""
    import numpy as np

    return np.resize(block, (n,) + block.shape[1:])


def _labels(rng: Any, n: int, classes: int) -> Any:
    import numpy as np

    labels = np.arange(n) % classes
    rng.shuffle(labels)
    return labels


def load_data(module_name: str, kwargs: dict[str, Any]) -> Any:
    """``(x_train, y_train), (x_test, y_test)`` like the named keras dataset."""
    import numpy as np

    short = module_name.rsplit(".", 1)[-1]
    rng = np.random.default_rng(0)
    if short in _IMAGES:
        shape, classes, label_suffix, sizes = _IMAGES[short]
        if short == "cifar100" and kwargs.get("label_mode") == "coarse":
            classes = 20
        splits = []
        for n in sizes:
            x = _repeat(rng.integers(0, 256, size=(_BLOCK,) + shape, dtype=np.uint8), n)
            y = _labels(rng, n, classes).astype(np.uint8 if classes <= 256 else np.int64)
            splits.append((x, y.reshape((n,) + label_suffix)))
        return tuple(splits)
    if short in _TABLES:
        features, (low, high), sizes = _TABLES[short]
        splits = []
        for n in sizes:
            x = rng.uniform(0.0, 100.0, size=(n, features))
            y = rng.uniform(low, high, size=(n,))
            splits.append((x, y.astype("float32" if short == "california_housing" else "float64")))
        return tuple(splits)
    classes, sizes = _SEQUENCES.get(short, (2, (25_000, 25_000)))
    num_words = kwargs.get("num_words") or VOCABULARY
    maxlen = kwargs.get("maxlen")
    start = kwargs.get("start_char", 1)
    index_from = kwargs.get("index_from", 3)
    splits = []
    for n in sizes:
        longest = max(2, min(int(maxlen) - 1, 80)) if isinstance(maxlen, int) and maxlen > 2 else 80
        block = []
        for _ in range(_BLOCK):
            length = int(rng.integers(2, longest + 1))
            words = rng.integers(index_from, max(index_from + 1, int(num_words)), size=length - 1)
            block.append(([start] if start is not None else []) + [int(w) for w in words])
        xs = np.empty((n,), dtype=object)
        for i in range(n):
            xs[i] = list(block[i % _BLOCK])  # own lists: a script may edit one
        splits.append((xs, _labels(rng, n, classes).astype(np.int64)))
    return tuple(splits)


def word_index() -> dict[str, int]:
    """A word -> rank mapping like ``imdb.get_word_index()`` (ranks from 1)."""
    return {f"word{rank}": rank for rank in range(1, VOCABULARY + 1)}


def directory_dataset(kind: str, arguments: dict[str, Any]) -> Any:
    """A small ``tf.data.Dataset`` like ``keras.utils.{image,text}_dataset_from_directory``.

    For a directory that is not there (not in the checkout, or the empty
    stand-in of a download): the documented element shapes and dtypes, the
    ``class_names`` attribute, a tuple for ``subset="both"``.
    """
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    label_mode = arguments.get("label_mode", "int")
    if arguments.get("labels", "inferred") is None:
        label_mode = None
    class_names = arguments.get("class_names")
    if not class_names:
        class_names = ["class_a", "class_b"] if label_mode == "binary" else ["class_a", "class_b", "class_c"]
    class_names = [str(c) for c in class_names]
    classes = len(class_names)
    batch_size = arguments.get("batch_size", 32)

    def one(n: int) -> Any:
        if kind == "image":
            height, width = tuple(arguments.get("image_size") or (256, 256))
            channels = {"grayscale": 1, "rgb": 3, "rgba": 4}.get(arguments.get("color_mode", "rgb"), 3)
            shape: tuple[int, ...] = (n, int(height), int(width), channels)
            if arguments.get("data_format") == "channels_first":
                shape = (n, channels, int(height), int(width))
            x = tf.constant(rng.uniform(0.0, 255.0, size=shape).astype("float32"))
        else:
            x = tf.constant([f"a short stand-in text number {i} for tracing" for i in range(n)])
        labels = np.arange(n) % classes
        if label_mode == "categorical":
            y: Any = tf.one_hot(labels, classes)
        elif label_mode == "binary":
            y = tf.constant((labels % 2).reshape(n, 1).astype("float32"))
        else:
            y = tf.constant(labels.astype("int32"))
        dataset = tf.data.Dataset.from_tensor_slices(x if label_mode is None else (x, y))
        if batch_size is not None:
            dataset = dataset.batch(int(batch_size))
        dataset.class_names = class_names
        dataset.file_paths = [f"{class_names[i % classes]}/{i}" for i in range(n)]
        return dataset

    n = max(8, 2 * classes)
    if arguments.get("subset") == "both":
        return one(n), one(max(4, classes))
    return one(n)
