"""A model-builder class (common in research code): hyper-parameters on self, build()."""

import numpy as np
import keras
import keras.layers as kl


class TabularNet:
    def __init__(self, n_numeric, cat_cardinalities, hidden=(64, 32), dropout=0.2):
        self.n_numeric = n_numeric
        self.cat_cardinalities = cat_cardinalities
        self.hidden = hidden
        self.dropout = dropout
        self.model = None

    def _categorical_inputs(self):
        inputs, embedded = [], []
        for name, card in self.cat_cardinalities.items():
            inp = kl.Input(shape=(1,), name=name)
            emb = kl.Embedding(card, min(16, card // 2 + 1), name=f"{name}_emb")(inp)
            inputs.append(inp)
            embedded.append(kl.Flatten()(emb))
        return inputs, embedded

    def build(self):
        numeric = kl.Input(shape=(self.n_numeric,), name="numeric")
        cat_inputs, cat_features = self._categorical_inputs()
        x = kl.Concatenate()([kl.BatchNormalization()(numeric)] + cat_features)
        for units in self.hidden:
            x = kl.Dense(units, activation="relu")(x)
            x = kl.Dropout(self.dropout)(x)
        out = kl.Dense(1, activation="sigmoid", name="churn")(x)
        self.model = keras.Model([numeric] + cat_inputs, out)
        self.model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["AUC"])
        return self.model


def build_churn_model():
    return TabularNet(n_numeric=7, cat_cardinalities={"country": 40, "plan": 4, "device": 6}).build()


if __name__ == "__main__":
    model = build_churn_model()
    n = 32
    data = [np.random.rand(n, 7)] + [np.random.randint(0, c, (n, 1)) for c in (40, 4, 6)]
    model.fit(data, np.random.randint(0, 2, (n, 1)), epochs=1)
