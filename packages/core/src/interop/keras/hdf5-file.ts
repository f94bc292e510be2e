import { Dataset, File, Group } from 'jsfive';
import { FormatError, UnsupportedError } from '../../errors';

/** The 8-byte signature every HDF5 file starts with (h5py writes no user block before it). */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `bytes` start with the HDF5 signature. */
export function looksLikeHdf5(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

/** A float dataset read as float32 values, with its shape. */
export interface FloatDataset {
  shape: number[];
  values: Float32Array;
}

/**
 * Read-only access to an HDF5 file through jsfive (pure JavaScript, no native build), with its
 * errors made ours: a damaged file is a `FormatError` that starts with `what`. Attribute strings
 * come back without the NUL padding of fixed-length strings, as h5py returns them.
 */
export class Hdf5File {
  private readonly file: File;

  constructor(
    bytes: Uint8Array,
    private readonly what: string,
  ) {
    if (!looksLikeHdf5(bytes)) throw new FormatError(`${what}: not an HDF5 file (no HDF5 signature)`);
    const copy = bytes.slice().buffer; // jsfive reads an ArrayBuffer from its start
    this.file = this.guard('the file', () => new File(copy));
  }

  /** True when a group or dataset exists at `path`. */
  has(path: string): boolean {
    let node: Group | Dataset = this.file;
    for (const part of path.split('/').filter((p) => p !== '')) {
      if (!(node instanceof Group)) return false;
      const parent: Group = node;
      if (!this.guard(path, () => parent.keys).includes(part)) return false;
      node = this.guard(path, () => parent.get(part));
    }
    return true;
  }

  /** Member names of the group at `path` ('' is the root); a missing or non-group path is a `FormatError`. */
  keys(path: string): string[] {
    const group = this.group(path);
    return this.guard(path || 'the root group', () => [...group.keys]);
  }

  /** The attribute `name` of the group at `path`, strings unpadded; undefined when absent. */
  attr(path: string, name: string): unknown {
    const group = this.group(path);
    const attrs = this.guard(`the attributes of ${path || 'the root group'}`, () => group.attrs);
    return Object.hasOwn(attrs, name) ? unpad(attrs[name]) : undefined;
  }

  /** The float dataset at `path` as float32 (float32, float64 or float16 in the file). */
  floats(path: string): FloatDataset {
    const node = this.node(path);
    if (!(node instanceof Dataset)) throw new FormatError(`${this.what}: ${path} is not a dataset`);
    // jsfive parses a dataset's messages lazily, when its dtype, shape or value is first read.
    const dtype = this.guard(path, () => String(node.dtype));
    if (!['<f4', '<f8', '<f2'].includes(dtype)) {
      throw new UnsupportedError(`${this.what}: ${path} holds ${dtype} values; only float32, float64 and float16 weights load`);
    }
    const raw = this.guard(path, () => node.value);
    const shape = this.guard(path, () => [...node.shape]);
    const count = shape.reduce((a, b) => a * b, 1);
    if (raw.length !== count) throw new FormatError(`${this.what}: ${path} has ${raw.length} values for shape [${shape.join(', ')}]`);
    return { shape, values: Float32Array.from(raw as ArrayLike<number>) }; // [count], row-major
  }

  private group(path: string): Group {
    const node = path === '' ? this.file : this.node(path);
    if (!(node instanceof Group)) throw new FormatError(`${this.what}: ${path} is not a group`);
    return node;
  }

  private node(path: string): Group | Dataset {
    if (!this.has(path)) throw new FormatError(`${this.what}: the HDF5 file has no ${path}`);
    return this.guard(path, () => this.file.get(path));
  }

  /** Runs a jsfive call; whatever it throws (strings, RangeErrors on damaged files) becomes a `FormatError`. */
  private guard<T>(where: string, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof FormatError || err instanceof UnsupportedError) throw err;
      throw new FormatError(`${this.what}: cannot read ${where} (damaged HDF5 file): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function unpad(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\0+$/, '');
  if (Array.isArray(value)) return value.map(unpad);
  return value;
}
