"""Kaggle/blog k-fold training: create_model() returns a compiled Sequential starting
with layers.Input; one fresh model per fold, all in `if __name__ == "__main__":`, plus a
build_cv_models() helper used by the notebook."""

import numpy as np
import keras
from keras import layers

N_FOLDS = 3
N_FEATURES = 8
BATCH_SIZE = 16
EPOCHS = 2
SEED = 42


def create_model():
    model = keras.Sequential([
        layers.Input(shape=(N_FEATURES,)),
        layers.Dense(64, activation="relu"),
        layers.BatchNormalization(),
        layers.Dropout(0.3),
        layers.Dense(32, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy",
                  metrics=[keras.metrics.AUC(name="auc")])
    return model


def build_cv_models():
    return [create_model() for _ in range(N_FOLDS)]


if __name__ == "__main__":
    rng = np.random.default_rng(SEED)
    X = rng.random((60, N_FEATURES))
    y = rng.integers(0, 2, size=60)
    folds = np.array_split(rng.permutation(len(X)), N_FOLDS)
    oof = np.zeros(len(X))
    for fold, val_idx in enumerate(folds):
        trn_idx = np.setdiff1d(np.arange(len(X)), val_idx)
        model = create_model()
        model.fit(X[trn_idx], y[trn_idx], validation_data=(X[val_idx], y[val_idx]),
                  batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=0)
        oof[val_idx] = model.predict(X[val_idx], verbose=0).ravel()
        model.save(f"model_fold{fold}.keras")
