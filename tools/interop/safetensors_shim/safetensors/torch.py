"""`safetensors.torch.load_file` over tools/interop/safetensors_py.py (see __init__.py)."""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
import safetensors_py  # noqa: E402


def load_file(filename, device='cpu'):
    with open(filename, 'rb') as f:
        tensors, _, _ = safetensors_py.loads(f.read())
    return {name: torch.from_numpy(array.copy()).to(device) for name, array in tensors.items()}
