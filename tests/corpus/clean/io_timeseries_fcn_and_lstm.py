"""keras.io timeseries: FCN classifier make_model(input_shape) whose Input is named
`input_layer`, and the weather LSTM forecaster built at module level."""

import numpy as np
import keras

num_classes = 2
sequence_length = 12
num_features = 7
learning_rate = 0.001


def make_model(input_shape):
    input_layer = keras.layers.Input(input_shape)

    conv1 = keras.layers.Conv1D(filters=16, kernel_size=3, padding="same")(input_layer)
    conv1 = keras.layers.BatchNormalization()(conv1)
    conv1 = keras.layers.ReLU()(conv1)

    conv2 = keras.layers.Conv1D(filters=16, kernel_size=3, padding="same")(conv1)
    conv2 = keras.layers.BatchNormalization()(conv2)
    conv2 = keras.layers.ReLU()(conv2)

    conv3 = keras.layers.Conv1D(filters=16, kernel_size=3, padding="same")(conv2)
    conv3 = keras.layers.BatchNormalization()(conv3)
    conv3 = keras.layers.ReLU()(conv3)

    gap = keras.layers.GlobalAveragePooling1D()(conv3)

    output_layer = keras.layers.Dense(num_classes, activation="softmax")(gap)

    return keras.models.Model(inputs=input_layer, outputs=output_layer)


inputs = keras.layers.Input(shape=(sequence_length, num_features))
lstm_out = keras.layers.LSTM(32)(inputs)
outputs = keras.layers.Dense(1)(lstm_out)

forecaster = keras.Model(inputs=inputs, outputs=outputs)
forecaster.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse",
                   metrics=["mae"])

x_val = np.random.rand(8, sequence_length, num_features)
y_val = np.random.rand(8, 1)
val_loss, val_mae = forecaster.evaluate(x_val, y_val, verbose=0)
print(f"untrained baseline: loss={val_loss:.3f} mae={val_mae:.3f}")


def build_classifier():
    model = make_model(input_shape=(50, 1))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    return model


if __name__ == "__main__":
    x = np.random.rand(16, sequence_length, num_features)
    y = np.random.rand(16, 1)
    es_callback = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=5)
    forecaster.fit(x, y, epochs=1, validation_split=0.25, callbacks=[es_callback])
