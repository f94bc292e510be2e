"""The Keras fixtures: models as Keras 3 `.keras` and Keras 2 `.h5` files, their inputs and outputs,
and Keras files a loader must refuse. Called by generate.py."""
import json
import os

import numpy as np

import keras_files as kf
import keras_layers as kl


def encode(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': [float(f'{v:.9g}') for v in a.reshape(-1)]}


def tutorial_stock(rng, units=50):
    """The tutorial's model: LSTM(50, return_sequences) -> LSTM(50) -> Dense(1), windows of 10 closes."""
    return [kl.recurrent('LSTM', 'lstm', units, 1, rng, return_sequences=True), kl.recurrent('LSTM', 'lstm_1', units, units, rng),
            kl.dense('dense', 1, units, rng)]


def models(rng):
    """name -> (layers, batch_shape, input dtype, file kind: 'keras [version]' or 'legacy').

    The compiled ones carry optimizer state; tf_keras_2_13 is a `.keras` file of tf.keras 2.13,
    which kept the layers under `_layer_checkpoint_dependencies`.
    """
    return {
        'tutorial_stock': (tutorial_stock(rng), [None, 10, 1], 'float32', 'keras'),
        'gru_stack': ([kl.recurrent('GRU', 'gru', 4, 3, rng, return_sequences=True),
                       kl.recurrent('GRU', 'gru_1', 3, 4, rng, reset_after=False, go_backwards=True, recurrent_activation='hard_sigmoid'),
                       kl.dense('dense', 2, 3, rng, activation='softmax')], [None, 5, 3], 'float32', 'keras'),
        'bidirectional': ([kl.bidirectional('bidirectional', 'LSTM', 4, 3, rng, return_sequences=True),
                           kl.dropout('dropout', 0.25),
                           kl.bidirectional('bidirectional_1', 'SimpleRNN', 3, 8, rng, merge_mode='ave', activation='relu'),
                           kl.dense('dense', 1, 3, rng)], [None, 5, 3], 'float32', 'keras'),
        'embedding_masked': ([kl.embedding('embedding', 12, 4, rng, mask_zero=True),
                              kl.recurrent('LSTM', 'lstm', 5, 4, rng, use_bias=False),
                              kl.dense('dense', 1, 5, rng, activation='sigmoid')], [None, 6], 'int32', 'keras'),
        'tf_keras_2_13': ([kl.recurrent('LSTM', 'lstm', 3, 2, rng, return_sequences=True, go_backwards=True),
                           kl.dense('dense', 2, 3, rng, activation='tanh')], [None, 4, 2], 'float32', 'keras 2.13.1'),
        'legacy_tutorial_stock': (tutorial_stock(rng), [None, 10, 1], 'float32', 'legacy'),
        'legacy_bidirectional_gru': ([kl.embedding('embedding', 9, 3, rng),
                                      kl.bidirectional('bidirectional', 'GRU', 4, 3, rng),
                                      kl.dense('dense', 2, 8, rng)], [None, 7], 'float32', 'legacy'),
    }


def inputs(batch_shape, dtype, rng):
    shape = [3] + batch_shape[1:]
    if dtype == 'int32' or len(shape) == 2:
        ids = rng.integers(1, 9, shape)
        ids[0, :2] = 0  # pre-padding, as pad_sequences writes it
        ids[1, :4] = 0
        return ids
    return rng.uniform(0.0, 1.0, shape).astype(np.float32)  # scaled prices, as in the tutorial


def write_refused(out, rng):
    """Valid-looking Keras files that must be refused, each for one reason."""
    folder = os.path.join(out, 'refused')
    stock = tutorial_stock(rng, units=4)
    kf.write_keras(os.path.join(folder, 'keras_missing_layer.keras'), stock, [None, 10, 1], omit='layers/lstm_1')
    kf.write_legacy(os.path.join(folder, 'legacy_missing_layer.h5'), stock, [None, 10, 1], omit='lstm_1')
    bad = tutorial_stock(rng, units=4)
    bad[2].weights[0] = np.zeros((3, 1), np.float32)  # a Dense kernel for 3 inputs after an LSTM(4)
    kf.write_keras(os.path.join(folder, 'keras_bad_shape.keras'), bad, [None, 10, 1])
    conv = kf.keras3_config(stock, [None, 10, 1])
    conv['config']['layers'][1] = kl.serialized('Conv1D', {'name': 'conv1d', 'filters': 4, 'kernel_size': [3]})
    kf.write_keras(os.path.join(folder, 'keras_conv1d.keras'), stock, [None, 10, 1], config=conv)
    functional = kf.keras3_config(stock, [None, 10, 1], class_name='Functional')
    kf.write_keras(os.path.join(folder, 'keras_functional.keras'), stock, [None, 10, 1], config=functional)
    hard = [kl.recurrent('LSTM', 'lstm', 4, 1, rng, recurrent_activation='hard_sigmoid'), kl.dense('dense', 1, 4, rng)]
    kf.write_legacy(os.path.join(folder, 'legacy_hard_sigmoid.h5'), hard, [None, 10, 1])
    write_refused_reversed_mask(folder)


def write_refused_reversed_mask(folder):
    """A masked go_backwards sequence read by another recurrent layer: Keras hands the mask on
    unreversed while the outputs come reversed (its own generator, so the files before stay as they are)."""
    rng = np.random.default_rng(2027)
    layers = [kl.embedding('embedding', 10, 3, rng, mask_zero=True),
              kl.recurrent('LSTM', 'lstm', 4, 3, rng, go_backwards=True, return_sequences=True),
              kl.recurrent('LSTM', 'lstm_1', 3, 4, rng), kl.dense('dense', 1, 3, rng)]
    kf.write_keras(os.path.join(folder, 'keras_reversed_mask.keras'), layers, [None, 6], 'int32')


def write_all(out):
    """Writes every Keras fixture into `out`; returns the cases for keras-cases.json."""
    rng = np.random.default_rng(2026)
    cases = {}
    for name, (layers, batch_shape, dtype, kind) in models(rng).items():
        file = f'{name}.h5' if kind == 'legacy' else f'{name}.keras'
        if kind.startswith('keras'):
            version = kind.split(' ')[1] if ' ' in kind else '3.16.0'
            kf.write_keras(os.path.join(out, file), layers, batch_shape, dtype, compiled=name != 'tutorial_stock', version=version)
        else:
            kf.write_legacy(os.path.join(out, file), layers, batch_shape, dtype)
        x = inputs(batch_shape, dtype, rng)
        cases[name] = {
            'file': file,
            'layers': [f'{l.class_name}({l.name})' for l in layers],
            'x': encode(x),
            'y': encode(kf.forward(layers, x)),
        }
    write_refused(out, rng)
    return cases

