#!/usr/bin/env python3
"""Takes a safetensors file written by @rnn the way a PyTorch user would, and reports what it found.

    /usr/bin/python3 tools/interop/check_ours.py REQUESTS.json

REQUESTS is a JSON list (one Python start for all, as importing torch is slow) of {"file": a
safetensors path, "module": a name of torch_models.MODULES, "tensors": {name: {shape, data}} (the
float32 values @rnn holds), "x": {shape, data}}. Each file is parsed with every rule of the format
(safetensors_py.loads), each tensor is compared bit for bit with the float32 encoding of the
requested values, then the module takes the tensors with load_state_dict(strict=True) and runs on x.
Prints a JSON list of {"names", "metadata", "mismatched": [names whose bytes differ], "y": {shape, data}}.
"""
import json
import sys

import numpy as np
import torch

import safetensors_py
import torch_models as tm


def check(request):
    with open(request['file'], 'rb') as f:
        tensors, metadata, _ = safetensors_py.loads(f.read())
    mismatched = []
    for name, want in request['tensors'].items():
        got = tensors.get(name)
        expected = np.asarray(want['data'], dtype='<f4').reshape(want['shape'])
        if got is None or got.dtype != np.dtype('<f4') or got.tobytes() != expected.tobytes():
            mismatched.append(name)
    state_dict = {name: torch.from_numpy(array.copy()) for name, array in tensors.items()}
    x = torch.tensor(request['x']['data'], dtype=torch.float64).reshape(request['x']['shape'])
    if request['module'] == 'embed_rnn':
        x = x.long()
    y = tm.forward64(request['module'], state_dict, x)
    return {
        'names': sorted(tensors),
        'metadata': metadata,
        'mismatched': mismatched,
        'y': {'shape': list(y.shape), 'data': y.reshape(-1).tolist()},
    }


if __name__ == '__main__':
    with open(sys.argv[1]) as f:
        json.dump([check(request) for request in json.load(f)], sys.stdout)
