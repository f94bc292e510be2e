"""Writes Keras model files with h5py exactly as Keras lays them out (Keras itself needs PyPI).

Keras 3 `.keras` (keras-team/keras 3.16.0, keras/src/saving/saving_lib.py: save_model ->
_save_model_to_fileobj): a zip (zipfile's default ZIP_STORED) of metadata.json, config.json and
model.weights.h5. _save_state walks the model into the HDF5 file: the model's own `vars` group,
then `layers` (Sequential.layers, without the InputLayer) through _save_container_state, which
places each layer at `layers/<naming.to_snake_case(class name)>`, `_1`, `_2`, ... for repeats
(_get_unique_name; never layer.name). Each saveable's variables go to `<path>/vars/<i>`
(Layer.save_own_variables: trainable then non-trainable, in creation order), its sub-layers to
their attribute paths: an RNN's cell at `<path>/cell`, Bidirectional's at
`<path>/forward_layer/cell` and `<path>/backward_layer/cell`. H5IOStore.make creates `vars` with
attrs {'name': saveable.name} for every named saveable, with or without variables. A compiled
model also holds `optimizer/vars/<i>`.

Legacy Keras 2 `.h5` (keras/src/legacy/saving/legacy_h5_format.py: save_model_to_hdf5 and
save_weights_to_hdf5_group, as tf.keras 2.x wrote them): root attrs model_config (JSON, legacy
serialization {class_name, config}), keras_version, backend; group model_weights with attrs
layer_names, backend, keras_version; a group per layer named layer.name with attrs weight_names
(tf.keras 2 variable names such as lstm/lstm_cell/kernel:0) and one dataset at each of those paths.
"""
import io
import json
import zipfile

import h5py
import numpy as np

import keras_cells
import keras_layers as kl

STAMP = (2026, 1, 1, 0, 0, 0)  # fixed zip times: the fixtures do not change when regenerated


def snake_paths(layers):
    """`layers/<snake_case class name>[_n]` for each layer, as _save_container_state names them."""
    used, paths = {}, []
    for layer in layers:
        name = {'LSTM': 'lstm', 'GRU': 'gru', 'SimpleRNN': 'simple_rnn', 'Bidirectional': 'bidirectional',
                'Dense': 'dense', 'Embedding': 'embedding', 'Dropout': 'dropout', 'Conv1D': 'conv1d'}[layer.class_name]
        if name in used:
            used[name] += 1
            name = f'{name}_{used[name]}'
        else:
            used[name] = 0
        paths.append(f'layers/{name}')
    return paths


def _vars(h5, path, name, weights=()):
    group = h5.create_group(f'{path}/vars' if path else 'vars')
    group.attrs['name'] = name
    for i, w in enumerate(weights):
        group[str(i)] = w


def weights_h5(layers, omit=None, compiled=True, root='layers'):
    """The bytes of model.weights.h5 for a Sequential of `layers` (`omit`: a layer path left out).

    tf.keras 2.13 wrote the layers under `_layer_checkpoint_dependencies` instead of `layers`
    (`root`), which H5IOStore.get still reads.
    """
    buf = io.BytesIO()
    with h5py.File(buf, 'w') as h5:
        _vars(h5, '', 'sequential')
        for layer, path in zip(layers, snake_paths(layers)):
            if path == omit:
                continue
            path = path.replace('layers', root, 1)
            _vars(h5, path, layer.name, [] if layer.cell or layer.inner else layer.weights)
            if layer.cell:
                _vars(h5, f'{path}/cell', layer.cell, layer.weights)
            for attr, part in zip(('forward_layer', 'backward_layer'), layer.inner or ()):
                _vars(h5, f'{path}/{attr}', part.name)
                _vars(h5, f'{path}/{attr}/cell', part.cell, part.weights)
        if compiled:
            slots = [np.zeros_like(w) for layer in layers for w in layer.weights] * 2  # Adam's m and v
            _vars(h5, 'optimizer', 'adam', [np.array(40, np.int64), np.array(0.001, np.float32)] + slots)
    return buf.getvalue()


def keras3_config(layers, batch_shape, input_dtype='float32', class_name='Sequential', compiled=True):
    built = [None, *batch_shape[1:]]
    config = {
        'module': 'keras', 'class_name': class_name, 'registered_name': None,
        'config': {'name': 'sequential', 'trainable': True, 'dtype': kl.DTYPE,
                   'layers': [kl.input_layer(batch_shape, input_dtype)] + [kl.serialized(l.class_name, l.config) for l in layers],
                   'build_input_shape': batch_shape},
        'build_config': {'input_shape': built},
        'compile_config': {'optimizer': {'module': 'keras.optimizers', 'class_name': 'Adam', 'config': {'name': 'adam', 'learning_rate': 0.001},
                                         'registered_name': None},
                           'loss': 'mean_squared_error', 'metrics': None, 'loss_weights': None, 'weighted_metrics': None,
                           'run_eagerly': False, 'steps_per_execution': 1, 'jit_compile': False},
    }
    if not compiled:
        del config['compile_config']
    return config


def write_keras(path, layers, batch_shape, input_dtype='float32', omit=None, config=None, compiled=True, version='3.16.0'):
    """A `.keras` zip as _save_model_to_fileobj writes it (`compiled`: with compile config and optimizer state)."""
    root = '_layer_checkpoint_dependencies' if version.startswith('2.13') else 'layers'
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        entries = (
            ('metadata.json', json.dumps({'keras_version': version, 'date_saved': '2026-01-01@00:00:00'})),
            ('config.json', json.dumps(config or keras3_config(layers, batch_shape, input_dtype, compiled=compiled))),
            ('model.weights.h5', weights_h5(layers, omit, compiled, root)),
        )
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=STAMP), data)


def legacy_layer_config(layer):
    """tf.keras 2 legacy serialization of a layer: plain initializer dicts, dtype a string, time_major."""
    def plain(value):
        if isinstance(value, dict) and 'class_name' in value and 'config' in value:
            return {'class_name': value['class_name'], 'config': {k: plain(v) for k, v in value['config'].items()}}
        return value
    config = {k: plain(v) for k, v in layer.config.items() if k not in ('seed', 'zero_output_for_mask')}
    config['dtype'] = 'float32'
    if layer.class_name in ('LSTM', 'GRU', 'SimpleRNN'):
        config.update(time_major=False, implementation=2 if layer.class_name != 'SimpleRNN' else 1)
    if layer.inner:
        config = {'name': layer.name, 'trainable': True, 'dtype': 'float32', 'merge_mode': layer.config['merge_mode'],
                  'layer': {'class_name': layer.inner[0].class_name, 'config': legacy_layer_config(layer.inner[0])['config']}}
    return {'class_name': layer.class_name, 'config': config}


def legacy_weight_names(layers):
    """tf.keras 2 variable names: `<layer>/<cell>_<n>/kernel:0`, per-class uid counters for cells."""
    uid, names = {}, []
    def cell_name(cell):
        uid[cell] = uid.get(cell, -1) + 1
        return cell if uid[cell] == 0 else f'{cell}_{uid[cell]}'
    for layer in layers:
        rnn_vars = ('kernel:0', 'recurrent_kernel:0', 'bias:0')
        if layer.cell:
            cell = cell_name(layer.cell)
            names.append([f'{layer.name}/{cell}/{v}' for v in rnn_vars[:len(layer.weights)]])
        elif layer.inner:
            cells = [cell_name(part.cell) for part in layer.inner]
            names.append([f'{layer.name}/{part.name}/{cell}/{v}' for part, cell in zip(layer.inner, cells) for v in rnn_vars[:len(part.weights)]])
        else:
            names.append({'Dense': [f'{layer.name}/kernel:0', f'{layer.name}/bias:0'], 'Embedding': [f'{layer.name}/embeddings:0'],
                          'Dropout': []}[layer.class_name])
    return names


def write_legacy(path, layers, batch_shape, input_dtype='float32', omit=None):
    """A Keras 2 `.h5` as save_model_to_hdf5 writes it."""
    input_config = {'class_name': 'InputLayer', 'config': {'batch_input_shape': batch_shape, 'dtype': input_dtype, 'sparse': False,
                                                           'ragged': False, 'name': 'input_1'}}
    model_config = {'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': [input_config] + [legacy_layer_config(l) for l in layers]}}
    with h5py.File(path, 'w') as h5:
        h5.attrs['backend'] = b'tensorflow'
        h5.attrs['keras_version'] = b'2.15.0'
        h5.attrs['model_config'] = json.dumps(model_config).encode('utf8')
        group = h5.create_group('model_weights')
        group.attrs['layer_names'] = [l.name.encode('utf8') for l in layers]
        group.attrs['backend'] = b'tensorflow'
        group.attrs['keras_version'] = b'2.15.0'
        for layer, names in sorted(zip(layers, legacy_weight_names(layers)), key=lambda p: p[0].name):
            if layer.name == omit:
                continue
            layer_group = group.create_group(layer.name)
            layer_group.attrs['weight_names'] = np.array([n.encode('utf8') for n in names], dtype=f'S{max([len(n) for n in names] + [1])}')
            for name, w in zip(names, layer.weights):
                layer_group.create_dataset(name, data=w)


def forward(layers, x):
    """The model's output on x, in float64, by the NumPy port of Keras's layers."""
    y, mask = np.asarray(x, dtype=np.float64), None
    for layer in layers:
        w = [v.astype(np.float64) for v in layer.weights]
        if layer.class_name == 'Embedding':
            ids = y.astype(np.int64)
            mask = ids != 0 if layer.config['mask_zero'] else None
            y = w[0][ids]
        elif layer.class_name in keras_cells.STEPS:
            y = keras_cells.recurrent(layer.class_name, y, mask, w, layer.config)
            mask = mask if layer.config['return_sequences'] else None
        elif layer.class_name == 'Bidirectional':
            half = len(w) // 2
            y = keras_cells.bidirectional(y, mask, w[:half], w[half:], layer.config)
            mask = mask if layer.config['layer']['config']['return_sequences'] else None
        elif layer.class_name == 'Dense':
            y = keras_cells.dense(y, w, layer.config)
    return y
