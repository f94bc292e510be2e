"""Keras layers as Keras saves them: their serialized config and their variables in creation order.

Configs follow each class's get_config() in keras-team/keras 3.16.0 (keras/src/layers/layer.py,
rnn/rnn.py, rnn/{lstm,gru,simple_rnn,bidirectional}.py, core/{dense,embedding,input_layer}.py,
regularization/dropout.py) wrapped by serialization_lib.serialize_keras_object ({module,
class_name, config, registered_name, build_config}). Variables follow each cell's build():
kernel [I, G·H], recurrent_kernel [H, G·H], bias ([G·H], or [2, 3H] for a reset_after GRU);
Dense kernel [in, out], bias [out]; Embedding embeddings [input_dim, output_dim].
"""
import numpy as np


def _init(class_name, **config):
    return {'module': 'keras.initializers', 'class_name': class_name, 'config': {'seed': None, **config}, 'registered_name': None}


DTYPE = {'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float32'}, 'registered_name': None}
NO_REGULARIZERS = {k: None for k in ('kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer',
                                     'kernel_constraint', 'recurrent_constraint', 'bias_constraint')}


def serialized(class_name, config, input_shape=None):
    out = {'module': 'keras.layers', 'class_name': class_name, 'config': config, 'registered_name': None}
    if input_shape is not None:
        out['build_config'] = {'input_shape': input_shape}
    return out


def input_layer(batch_shape, dtype='float32'):
    config = {'batch_shape': batch_shape, 'dtype': dtype, 'sparse': False, 'ragged': False, 'name': 'input_layer', 'optional': False}
    return serialized('InputLayer', config)


class Layer:
    """One layer: its class, config, variables (creation order) and, for RNNs, where they live."""

    def __init__(self, class_name, config, weights, cell=None, inner=None):
        self.class_name, self.config, self.cell, self.inner = class_name, config, cell, inner
        self.weights = [np.asarray(w, dtype=np.float32) for w in weights]  # Keras variables are float32

    @property
    def name(self):
        return self.config['name']


def _rnn_config(name, units, kind, options):
    config = {
        'name': name, 'trainable': True, 'dtype': DTYPE,
        'return_sequences': False, 'return_state': False, 'go_backwards': False, 'stateful': False,
        'unroll': False, 'zero_output_for_mask': False,
        'units': units, 'activation': 'tanh', 'use_bias': True,
        'kernel_initializer': _init('GlorotUniform'), 'recurrent_initializer': _init('Orthogonal', gain=1.0),
        'bias_initializer': _init('Zeros'), **NO_REGULARIZERS, 'dropout': 0.0, 'recurrent_dropout': 0.0, 'seed': None,
    }
    if kind != 'SimpleRNN':
        config['recurrent_activation'] = 'sigmoid'
    if kind == 'LSTM':
        config['unit_forget_bias'] = True
    if kind == 'GRU':
        config['reset_after'] = True
    config.update(options)
    return config


def recurrent(kind, name, units, input_dim, rng, **options):
    """An LSTM, GRU or SimpleRNN layer with random weights (scale 0.4, so gates are not saturated)."""
    config = _rnn_config(name, units, kind, options)
    gates = {'LSTM': 4, 'GRU': 3, 'SimpleRNN': 1}[kind]
    weights = [rng.normal(0, 0.4, (input_dim, gates * units)), rng.normal(0, 0.4, (units, gates * units))]
    if config['use_bias']:
        two_rows = kind == 'GRU' and config['reset_after']
        weights.append(rng.normal(0, 0.2, (2, gates * units) if two_rows else (gates * units,)))
    cell = {'LSTM': 'lstm_cell', 'GRU': 'gru_cell', 'SimpleRNN': 'simple_rnn_cell'}[kind]
    return Layer(kind, config, weights, cell=cell)


def bidirectional(name, inner_kind, units, input_dim, rng, merge_mode='concat', **options):
    """Bidirectional: config {'layer': forward_layer, 'backward_layer': ...} as bidirectional.py builds them."""
    forward = recurrent(inner_kind, f'forward_{inner_kind.lower()}', units, input_dim, rng, **options)
    backward = recurrent(inner_kind, f'backward_{inner_kind.lower()}', units, input_dim, rng, **options, go_backwards=True)
    for part in (forward, backward):  # Bidirectional forces zero_output_for_mask = return_sequences
        part.config['zero_output_for_mask'] = part.config['return_sequences']
    config = {'name': name, 'trainable': True, 'dtype': DTYPE, 'merge_mode': merge_mode,
              'layer': serialized(inner_kind, forward.config), 'backward_layer': serialized(inner_kind, backward.config)}
    return Layer('Bidirectional', config, forward.weights + backward.weights, inner=(forward, backward))


def dense(name, units, input_dim, rng, activation='linear'):
    config = {'name': name, 'trainable': True, 'dtype': DTYPE, 'units': units, 'activation': activation, 'use_bias': True,
              'kernel_initializer': _init('GlorotUniform'), 'bias_initializer': _init('Zeros'),
              'kernel_regularizer': None, 'bias_regularizer': None, 'kernel_constraint': None, 'bias_constraint': None}
    return Layer('Dense', config, [rng.normal(0, 0.5, (input_dim, units)), rng.normal(0, 0.2, (units,))])


def embedding(name, input_dim, output_dim, rng, mask_zero=False):
    config = {'name': name, 'trainable': True, 'dtype': DTYPE, 'input_dim': input_dim, 'output_dim': output_dim,
              'embeddings_initializer': _init('RandomUniform', minval=-0.05, maxval=0.05), 'embeddings_regularizer': None,
              'activity_regularizer': None, 'embeddings_constraint': None, 'mask_zero': mask_zero}
    return Layer('Embedding', config, [rng.normal(0, 0.6, (input_dim, output_dim))])


def dropout(name, rate):
    return Layer('Dropout', {'name': name, 'trainable': True, 'dtype': DTYPE, 'rate': rate, 'seed': None, 'noise_shape': None}, [])
