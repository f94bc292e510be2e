"""A stand-in for the `safetensors` package, which Debian does not ship.

The README's "@rnn -> PyTorch" snippet calls `safetensors.torch.load_file`; the README test puts
this folder on PYTHONPATH so that snippet runs as written, reading the file with the plain-Python
reader in tools/interop/safetensors_py.py, which checks every rule of the format.
"""
