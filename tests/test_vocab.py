"""The Keras vocabulary: the generated public-API table agrees with the
installed Keras, and the families / lookups behave as the rules rely on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kgraphlint.vocab import keras_api
from kgraphlint.vocab.families import canonical, split_family
from kgraphlint.vocab.public_api import (
    application_names,
    constructor_keywords,
    missing_from_keras3,
    renamed,
)


@pytest.mark.slow
def test_generated_table_matches_installed_keras():
    pytest.importorskip("keras")
    from kgraphlint.vocab.generate import build_tables, render

    expected = render(build_tables())
    with open(keras_api.__file__, encoding="utf-8") as fh:
        current = fh.read()
    assert current == expected, (
        "kgraphlint/vocab/keras_api.py disagrees with the installed Keras: "
        "run `python -m kgraphlint.vocab.generate` and review the diff"
    )


@pytest.mark.slow
def test_generator_check_mode_runs(tmp_path):
    pytest.importorskip("keras")
    out = tmp_path / "keras_api.py"
    cmd = [sys.executable, "-m", "kgraphlint.vocab.generate", "--output", str(out)]
    assert subprocess.run([*cmd, "--check"], capture_output=True).returncode == 1  # no file yet
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    assert subprocess.run([*cmd, "--check"], capture_output=True).returncode == 0


@pytest.mark.slow
def test_signatures_say_what_keras_raises_on():
    keras = pytest.importorskip("keras")
    with pytest.raises((TypeError, ValueError)):
        keras.layers.Conv2D(4, 3, weights=[])
    assert "weights" not in constructor_keywords("keras.layers.Conv2D").accepted
    keras.layers.Dense(3, input_dim=4)  # the base Layer pops it
    assert "input_dim" in constructor_keywords("keras.layers.Dense").accepted
    assert "kernel_initializer" not in constructor_keywords("keras.layers.DepthwiseConv2D").accepted


def test_static_mode_never_imports_keras():
    code = (
        "import sys\n"
        "from kgraphlint.vocab.public_api import missing_from_keras3\n"
        "assert missing_from_keras3('keras.losses.mse')\n"
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_families_and_canonical_names():
    assert split_family("tensorflow.keras.layers.Dense") == ("tensorflow.keras", "layers.Dense")
    assert split_family("tf_keras") == ("tf_keras", "")
    assert split_family("kerastuner.x") is None
    for path in ("tensorflow.keras.layers.Dense", "keras.src.layers.Dense", "tf_keras.layers.Dense",
                 "tensorflow.python.keras.layers.Dense", "keras.api._v2.keras.layers.Dense"):
        assert canonical(path) == "keras.layers.Dense", path
    assert canonical("tensorflow.keras") == canonical("tf_keras") == "keras"


def test_missing_from_keras3():
    assert missing_from_keras3("keras.preprocessing.image.ImageDataGenerator") == (
        "keras.preprocessing.image", "ImageDataGenerator")
    # tf.keras keeps the legacy preprocessing and the loss aliases
    assert missing_from_keras3("tensorflow.keras.preprocessing.image.ImageDataGenerator") is None
    assert missing_from_keras3("tensorflow.keras.losses.mse") is None
    assert missing_from_keras3("keras.utils.numerical_utils.to_categorical") == ("keras.utils", "numerical_utils")
    assert missing_from_keras3("keras.layers.Dense.call") is None  # an attribute of a class
    assert missing_from_keras3("keras.src.anything") is None  # KG401's business
    assert missing_from_keras3("tf_keras.preprocessing.image.ImageDataGenerator") is None  # Keras 2
    assert renamed("keras.losses.mse") == "keras.losses.mean_squared_error"
    assert {"InceptionV3", "ResNet50", "EfficientNetV2S"} <= application_names()
