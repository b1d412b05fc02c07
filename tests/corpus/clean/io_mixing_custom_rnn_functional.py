"""'The Functional API' guide, mixing styles: a functional classifier used inside a
subclassed CustomRNN layer whose call() loops over timesteps (projection_2 applied to its
own previous output on purpose: it is a recurrence on real tensors), then the RNN is used
in a functional model."""

import keras
from keras import layers, ops

units = 32
timesteps = 10
input_dim = 5
batch_size = 4

# Define a Functional model
inputs = keras.Input((None, units))
x = layers.GlobalAveragePooling1D()(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)


class CustomRNN(layers.Layer):
    def __init__(self):
        super().__init__()
        self.units = units
        self.projection_1 = layers.Dense(units=units, activation="tanh")
        self.projection_2 = layers.Dense(units=units, activation="tanh")
        # Our previously-defined Functional model
        self.classifier = model

    def call(self, inputs):
        outputs = []
        state = ops.zeros(shape=(inputs.shape[0], self.units))
        for t in range(inputs.shape[1]):
            x = inputs[:, t, :]
            h = self.projection_1(x)
            y = h + self.projection_2(state)
            state = y
            outputs.append(y)
        features = ops.stack(outputs, axis=1)
        return self.classifier(features)


def build_rnn_model():
    rnn_inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(rnn_inputs)
    rnn_outputs = CustomRNN()(x)
    rnn_model = keras.Model(rnn_inputs, rnn_outputs)
    rnn_model.compile(optimizer="adam", loss="mse")
    return rnn_model
