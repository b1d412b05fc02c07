"""Names and constructor arguments Keras 3 does not have (KG401's removed-name
check, KG403): what is reported, and the precision traps."""

from __future__ import annotations

import libcst as cst
import pytest

from kgraphlint.fixes import fixed_text
from kgraphlint.rules import all_rules
from kgraphlint.static.source import make_context


def check(code: str, text: str) -> list:
    ctx = make_context("m.py", text, cst.parse_module(text))
    return list(all_rules()[code].check_source(ctx))


def lines(code: str, text: str) -> list[int]:
    return sorted(f.line for f in check(code, text) if code != "KG401" or "Keras 3" in f.message)


def test_removed_names_through_every_import_style():
    text = (
        "import tensorflow as tf\n"
        "from keras import preprocessing\n"
        "import keras.utils.np_utils\n"
        "from keras.layers.experimental import preprocessing as prep\n"
        "gen = preprocessing.image.ImageDataGenerator(rotation_range=5)\n"
        "rescale = tf.keras.layers.experimental.preprocessing.Rescaling(1 / 255)\n"
        "sess = tf.keras.backend.get_session()\n"
    )
    assert lines("KG401", text) == [3, 4, 5, 6, 7]


def test_removed_names_precision_traps():
    assert lines("KG401", (
        "try:\n    from keras.preprocessing.image import ImageDataGenerator\n"
        "except ImportError:\n    ImageDataGenerator = None\n"
    )) == []
    assert lines("KG401", "import keras\nkeras.utils.my_helper = print\ndel keras.utils.other\n") == []
    assert lines("KG401", "import tf_keras as keras\nfrom keras.preprocessing.image import ImageDataGenerator\n") == []
    assert lines("KG401", "# pip install tensorflow==2.15.0\nfrom keras.preprocessing.image import ImageDataGenerator\n") == []
    # Public names, attributes of classes, private underscored names: not judged.
    assert lines("KG401", (
        "import keras\nfrom keras.layers import Dense, Rescaling\n"
        "call = keras.layers.Dense.call\nv = keras.__version__\nb = keras.backend.floatx()\n"
    )) == []


def test_removed_name_with_a_keras3_name_is_renamed():
    text = "import keras\nfrom keras.metrics import mae as my_mae\nloss = keras.losses.msle\n"
    fixed = fixed_text(text, [f.fix for f in check("KG401", text) if f.fix])
    assert fixed == "import keras\nfrom keras.metrics import mean_absolute_error as my_mae\n" \
        "loss = keras.losses.mean_squared_logarithmic_error\n"


def test_removed_layer_arguments_through_aliases_and_families():
    text = (
        "import tensorflow as tf\n"
        "from tensorflow.keras.layers import Conv2D as C\n"
        "import keras as K\n"
        "a = C(8, 3, weights=[w])\n"
        "b = tf.keras.layers.LSTM(4, time_major=True)\n"
        "c = K.layers.Dense(3, input_dim=4, **extra)\n"
        "d = K.optimizers.Adam(lr=0.1)\n"  # KG402's
        "e = K.optimizers.RMSprop(learning_rate=0.1, centered=True)\n"
    )
    assert lines("KG403", text) == [4, 5]


def test_removed_layer_arguments_precision_traps():
    # The name is bound to tf_keras on one path: it may be Keras 2.
    assert lines("KG403", (
        "try:\n    from tf_keras.layers import Conv2D\nexcept ImportError:\n    pass\n"
        "from keras.layers import Conv2D\nc = Conv2D(8, 3, weights=[w])\n"
    )) == []
    assert lines("KG403", "from keras import layers\nlayers = make_layers()\nc = layers.Conv2D(8, 3, weights=[w])\n") == []
    assert lines("KG403", "from keras.layers import Layer\nclass L(Layer):\n    pass\nl = L(anything=1)\n") == []


@pytest.mark.slow
def test_fixed_names_and_arguments_run_on_keras3():
    keras = pytest.importorskip("keras")
    text = (
        "from keras.losses import mse\n"
        "from keras import layers\n"
        "def build():\n"
        "    conv = layers.DepthwiseConv2D(3, kernel_initializer='he_normal', padding='same')\n"
        "    dense = layers.Dense(output_dim=2, init='zeros')\n"
        "    return conv, dense, mse\n"
    )
    findings = check("KG401", text) + check("KG403", text)
    fixed = fixed_text(text, [f.fix for f in sorted(findings, key=lambda f: f.sort_key()) if f.fix])
    namespace: dict = {}
    exec(compile(fixed, "<fixed>", "exec"), namespace)
    conv, dense, loss = namespace["build"]()
    assert isinstance(conv, keras.layers.DepthwiseConv2D) and dense.units == 2
    assert loss is keras.losses.mean_squared_error


def _graph_findings(code: str, text: str) -> list[int]:
    from kgraphlint.static.engine import analyze

    ctx = make_context("m.py", text, cst.parse_module(text))
    return sorted(f.line for f in all_rules()[code].check(analyze(ctx)))


def test_tensorshape_on_keras_tensors_only():
    text = (
        "import numpy as np\nimport tensorflow as tf\nimport keras\n\n"
        "def block(x):\n"
        "    return keras.layers.Dense(x.shape.as_list()[-1])(x)\n\n"  # 6: symbolic
        "inputs = keras.Input((4,))\n"
        "y = block(inputs)\n"
        "rank = y.shape.rank\n"  # 10: symbolic
        "data = tf.zeros((2, 3))\n"
        "n = data.shape.as_list()\n"  # a TF tensor: a TensorShape
        "arr = np.zeros(3)\nm = arr.shape\n"
        "unknown = get_tensor()\nk = unknown.shape.as_list()\n"
    )
    assert _graph_findings("KG404", text) == [6, 10]


@pytest.mark.slow
def test_tensorshape_fixture_really_fails_on_keras3():
    pytest.importorskip("keras")
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "fixtures" / "bugs" / "kg404_tensorshape_on_keras_tensor.py"
    namespace = {"__name__": "kg404_fixture"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    with pytest.raises(AttributeError, match="as_list"):
        namespace["build_model"]()
