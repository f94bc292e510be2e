"""The safetensors format in plain Python (struct + json), as published by the format's authors:

    8 bytes   N, the header length, unsigned little-endian
    N bytes   a UTF-8 JSON object: name -> {"dtype", "shape", "data_offsets": [begin, end)},
              optionally "__metadata__": {str: str}; may be padded with spaces
    rest      the data block: each tensor's bytes, C order, little-endian; offsets are relative to
              the block, back to back, with no hole and no overlap

Debian has no python3-safetensors, and the format is small enough to write and check here.
"""
import json
import struct

import numpy as np

DTYPES = {'F32': np.dtype('<f4'), 'F64': np.dtype('<f8'), 'F16': np.dtype('<f2')}
NAMES = {v: k for k, v in DTYPES.items()}
MAX_HEADER = 100_000_000


def dumps(tensors, metadata=None):
    """Bytes of a safetensors file holding `tensors` (name -> numpy array), sorted by name."""
    header = {}
    if metadata:
        header['__metadata__'] = metadata
    blobs = []
    offset = 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        dtype = array.dtype.newbyteorder('<')
        blob = array.astype(dtype).tobytes()
        header[name] = {'dtype': NAMES[dtype], 'shape': list(array.shape), 'data_offsets': [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(blobs)


def loads(data):
    """(tensors, metadata, header) of safetensors bytes, checking every rule of the format."""
    if len(data) < 8:
        raise ValueError('shorter than the 8-byte header length')
    (n,) = struct.unpack('<Q', data[:8])
    if n > MAX_HEADER or 8 + n > len(data):
        raise ValueError(f'header length {n} is over the limit or beyond the file')
    raw = data[8:8 + n]
    if not raw.startswith(b'{'):
        raise ValueError('header does not start with {')
    header = json.loads(raw.decode('utf-8'))
    metadata = header.pop('__metadata__', None)
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError('__metadata__ must map strings to strings')
    block = data[8 + n:]
    expected = 0
    tensors = {}
    for name, info in sorted(header.items(), key=lambda kv: kv[1]['data_offsets']):
        begin, end = info['data_offsets']
        if begin != expected:
            raise ValueError(f'{name}: starts at {begin}, expected {expected} (hole or overlap)')
        dtype = DTYPES[info['dtype']]
        count = int(np.prod(info['shape'], dtype=np.int64))
        if end - begin != count * dtype.itemsize:
            raise ValueError(f'{name}: {end - begin} bytes for shape {info["shape"]} of {info["dtype"]}')
        tensors[name] = np.frombuffer(block[begin:end], dtype=dtype).reshape(info['shape'])
        expected = end
    if expected != len(block):
        raise ValueError(f'the tensors cover {expected} of {len(block)} data bytes')
    return tensors, metadata, header
