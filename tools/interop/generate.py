#!/usr/bin/env python3
"""Writes the interop fixtures: PyTorch files, safetensors files and Keras files, with their outputs.

    /usr/bin/python3 tools/interop/generate.py        (Debian's python3-torch, python3-h5py)

Outputs go to packages/core/test/interop/fixtures/ (committed; CI never regenerates them):

- <case>.pt: torch.save(module.state_dict()) of each module in torch_models.py (float32), plus
  nested_lstm_f64.pt (float64), stacked_lstm_f16.pt (float16) and bi_gru_views.pt, whose tensors
  are views (storage offsets, transposed strides) into one shared storage.
- <case>.safetensors: the same tensors, written by safetensors_py.py.
- torch-cases.json: per case its files, input and the module's float64 output on that input.
- refused/*.pt: files a loader must refuse: pickles naming os.system, posix.system (what
  torch.save writes for os.system on Linux) and builtins.eval, an unknown storage type, views
  reaching past their storage or expanding it to 2^40 values (or three views of 2^23 values each),
  two zip entries of one name, an int64 tensor, a whole checkpoint
  dict, torch's pre-1.6 format.
- <case>.keras, <case>.h5 and keras-cases.json from keras_cases.py (Keras 3 and legacy Keras 2
  layouts written with h5py, outputs from keras_cells.py, a NumPy port of Keras's layers), and
  refused/keras_*.keras, refused/legacy_*.h5.

Every tensor in the JSON is {"shape": [...], "data": [...]} (row-major, 9 significant digits).
Inputs are rounded to float32 before any math, so @rnn's float32 kernels see exactly these inputs.
"""
import collections
import io
import json
import os
import pickle
import warnings
import zipfile

import h5py
import numpy as np
import torch

import keras_cases
import safetensors_py
import torch_models as tm

FORMAT = 1
OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'core', 'test', 'interop', 'fixtures'))
MARKER = '/tmp/rnn-interop-pickle-ran'  # what the hostile pickles would create if anything ran them


def encode(t):
    t = torch.as_tensor(t).detach()
    return {'shape': list(t.shape), 'data': [float(f'{v:.9g}') for v in t.reshape(-1).double().tolist()]}


def header(extra):
    return {
        'format': FORMAT,
        'generator': 'tools/interop/generate.py',
        'torch': torch.__version__,
        'numpy': np.__version__,
        'h5py': h5py.__version__,
        **extra,
    }


def views_state_dict(state_dict):
    """The same values as views into one storage: each tensor at its own offset, weight_hh transposed."""
    flat = [(k, v.t().contiguous() if 'weight_hh' in k else v) for k, v in state_dict.items()]
    storage = torch.cat([torch.zeros(7)] + [v.reshape(-1) for _, v in flat])  # 7 leading values: a nonzero offset
    views, at = {}, 7
    for k, v in flat:
        view = storage[at:at + v.numel()].view(v.shape)
        views[k] = view.t() if 'weight_hh' in k else view  # non-contiguous strides
        at += v.numel()
    return views


def save_case(cases, name, module_name, state_dict, x):
    torch.save(state_dict, os.path.join(OUT, f'{name}.pt'))
    arrays = {k: v.contiguous().numpy() for k, v in state_dict.items()}
    with open(os.path.join(OUT, f'{name}.safetensors'), 'wb') as f:
        f.write(safetensors_py.dumps(arrays, {'format': 'pt', 'case': name}))
    cases[name] = {
        'module': module_name,
        'dtype': str(next(iter(state_dict.values())).dtype).replace('torch.', ''),
        'keys': {k: list(v.shape) for k, v in state_dict.items()},
        'x': encode(x),
        'y': encode(tm.forward64(module_name, state_dict, x)),
    }


def torch_cases():
    torch.manual_seed(11)
    x = torch.randn(tm.B, tm.T, tm.I).float().double()
    ids = torch.randint(0, tm.VOCAB, (tm.B, tm.T))
    cases = {}
    for name in tm.MODULES:
        sd = tm.MODULES[name][0]().state_dict()
        save_case(cases, name, name, sd, ids if name == 'embed_rnn' else x)
    save_case(cases, 'nested_lstm_f64', 'nested_lstm', tm.NestedLstm().double().state_dict(), x)
    save_case(cases, 'stacked_lstm_f16', 'stacked_lstm', tm.StackedLstm().half().state_dict(), x)
    views = views_state_dict(tm.BiGru().state_dict())
    assert not views['rnn.weight_hh_l0'].is_contiguous() and views['rnn.weight_ih_l0'].storage_offset() > 0
    save_case(cases, 'bi_gru_views', 'bi_gru', views, x)
    return cases


class Reduce:
    """An object whose pickle asks the unpickler to call `func(*args)`: how hostile pickles run code."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def torch_like_zip(path, pickled, storages=None):
    """A zip laid out as torch.save writes it, around a given data.pkl (and storage entries)."""
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        for name, data in (('archive/data.pkl', pickled), *(storages or {}).items(), ('archive/version', b'3\n')):
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)


class Storage:
    """Pickled as torch.save's persistent id of a 4-value float32 storage (archive/data/0)."""


class View:
    """Pickled as torch.save pickles a tensor: _rebuild_tensor_v2(storage, offset, size, stride, ...)."""

    def __init__(self, offset, size, stride):
        self.offset, self.size, self.stride = offset, size, stride

    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, (Storage(), self.offset, self.size, self.stride, False, collections.OrderedDict())


class StatePickler(pickle.Pickler):
    def persistent_id(self, obj):
        return ('storage', torch.FloatStorage, '0', 'cpu', 4) if isinstance(obj, Storage) else None


def crafted_view(path, view):
    """A torch.save-shaped archive whose one tensor is `view` into a storage of 4 floats."""
    crafted_views(path, {'weight': view})


def crafted_views(path, views, duplicate_storage=False):
    """A torch.save-shaped archive of `views` (name -> View) into one storage of 4 floats; with
    `duplicate_storage`, a second archive/data/0 entry of zeros follows the first."""
    buf = io.BytesIO()
    StatePickler(buf, protocol=2).dump(collections.OrderedDict(views))
    storages = [('archive/data/0', np.arange(4, dtype='<f4').tobytes())]
    if duplicate_storage:
        storages.append(('archive/data/0', np.zeros(4, dtype='<f4').tobytes()))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # zipfile warns about the duplicate name, which is the point
        with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
            for name, data in (('archive/data.pkl', buf.getvalue()), *storages, ('archive/version', b'3\n')):
                z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)


def refused_crafted_archives(out):
    """Views that each fit the expansion cap but not all together; two entries of one name."""
    crafted_views(os.path.join(out, 'many_expands.pt'), {f'w{i}': View(0, (2048, 4096), (0, 0)) for i in range(3)})
    crafted_views(os.path.join(out, 'duplicate_entry.pt'), {'weight': View(0, (4,), (1,))}, duplicate_storage=True)


def refused_files():
    out = os.path.join(OUT, 'refused')
    os.makedirs(out, exist_ok=True)
    cmd = f'touch {MARKER}'
    # torch.save itself names os.system as posix.system on Linux.
    torch.save({'weight': Reduce(os.system, cmd)}, os.path.join(out, 'posix_system.pt'))
    # A pickle can name any module; protocol 2 writes GLOBAL 'os system', protocol 4 STACK_GLOBAL.
    os_system = b'\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01cos\nsystem\nq\x02X' + len(cmd).to_bytes(4, 'little') + cmd.encode() + b'\x85q\x03Rq\x04s.'
    torch_like_zip(os.path.join(out, 'os_system.pt'), os_system)
    torch_like_zip(os.path.join(out, 'builtins_eval.pt'), pickle.dumps({'weight': Reduce(eval, f'__import__("os").system("{cmd}")')}, protocol=4))
    buf = io.BytesIO()
    torch.save({'weight': torch.ones(2)}, buf)
    with zipfile.ZipFile(buf) as z:
        pkl = z.read('archive/data.pkl')
    assert b'torch\nFloatStorage' in pkl
    torch_like_zip(os.path.join(out, 'unknown_storage.pt'), pkl.replace(b'torch\nFloatStorage', b'torch\nQInt8Storage'))
    crafted_view(os.path.join(out, 'view_past_storage.pt'), View(2, (9,), (1,)))
    crafted_view(os.path.join(out, 'huge_expand.pt'), View(0, (2 ** 40,), (0,)))
    refused_crafted_archives(out)
    torch.save({'steps': torch.arange(4)}, os.path.join(out, 'int64.pt'))
    torch.save({'epoch': 3, 'model': tm.NestedLstm().state_dict()}, os.path.join(out, 'checkpoint.pt'))
    torch.save(tm.NestedLstm().state_dict(), os.path.join(out, 'legacy.pt'), _use_new_zipfile_serialization=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'torch-cases.json'), 'w') as f:
        json.dump(header({'marker': MARKER, 'cases': torch_cases()}), f, separators=(',', ':'))
        f.write('\n')
    refused_files()
    with open(os.path.join(OUT, 'keras-cases.json'), 'w') as f:
        json.dump(header({'cases': keras_cases.write_all(OUT)}), f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
