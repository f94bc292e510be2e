import { FormatError, UnsupportedError } from '../../errors';
import { Tensor } from '../../tensor';
import { checkFinite, decodeFloats, FLOAT_BYTES, type FloatType } from '../float-decoding';
import { readModelSource, sourceName, type ModelSource } from '../model-source';
import { looksLikeZip, readZipEntries } from '../zip-archive';
import { StorageRef, TensorRecord } from './pickle-globals';
import { gatherStrided } from './strided-view';
import { unpickle } from './unpickle';

/** What `torch.save` writes before 1.6 (or with `_use_new_zipfile_serialization=False`): a bare pickle. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/**
 * Reads what `torch.save(module.state_dict())` writes: a dict of tensor names (`rnn.weight_ih_l0`,
 * `0.weight`, …) to float32 tensors, in the file's order, ready for `model.loadStateDict(dict,
 * { mapping })`. float32, float64 (rounded to float32) and float16 tensors load, views with storage
 * offsets and strides included.
 *
 * Nothing from the file is run: the pickle may name only torch's tensor-rebuild functions, storage
 * types and `collections.OrderedDict`; any other global (`os.system`, `builtins.eval`, a custom
 * class) is a `FormatError` naming it. A truncated or corrupt archive, a storage shorter than its
 * views, or a non-finite weight is a `FormatError`; a valid file holding something else (integer
 * tensors, a whole checkpoint dict, the pre-1.6 format) is an `UnsupportedError` saying what.
 */
export async function loadTorchStateDict(source: ModelSource): Promise<Record<string, Tensor>> {
  const what = `loadTorchStateDict(${sourceName(source)})`;
  const bytes = await readModelSource(source, 'loadTorchStateDict');
  if (LEGACY_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new UnsupportedError(`${what}: this is torch.save's pre-1.6 format; re-save it with torch.save(state_dict, path) from torch >= 1.6`);
  }
  if (!looksLikeZip(bytes)) throw new FormatError(`${what}: not a torch.save file (it does not start like a zip archive)`);
  const entries = await readZipEntries(bytes, what, (name) => /^[^/]+\/(data\.pkl|byteorder|data\/\w+)$/.test(name));
  const pickles = [...entries.keys()].filter((name) => name.endsWith('/data.pkl'));
  if (pickles.length !== 1) throw new FormatError(`${what}: expected one <archive>/data.pkl in the zip, found ${pickles.length}`);
  const prefix = pickles[0].slice(0, -'data.pkl'.length);
  const byteorder = entries.get(`${prefix}byteorder`);
  if (byteorder && new TextDecoder().decode(byteorder) !== 'little') {
    throw new UnsupportedError(`${what}: the tensors were saved big-endian; only little-endian files are read`);
  }
  const root = unpickle(entries.get(pickles[0])!, what);
  const storages = new StorageCache(entries, prefix, what);
  // fromEntries defines each key, so a key such as '__proto__' stays an ordinary entry.
  const tensors = stateDictEntries(root, what);
  checkViewBudget(tensors, entries, prefix, what);
  return Object.fromEntries(tensors.map(([name, record]) => [name, materialize(record, name, storages, what)]));
}

/** The (name, tensor record) pairs of the unpickled root, which must be a dict of tensors. */
function stateDictEntries(root: unknown, what: string): [string, TensorRecord][] {
  if (!(root instanceof Map)) {
    throw new UnsupportedError(`${what}: the file holds ${describePickled(root)}, not a state dict; save module.state_dict()`);
  }
  const pairs: [string, TensorRecord][] = [];
  for (const [key, value] of root) {
    if (typeof key !== 'string') throw new FormatError(`${what}: the state dict has a key that is not a string (${describePickled(key)})`);
    if (!(value instanceof TensorRecord)) {
      throw new UnsupportedError(
        `${what}: '${key}' holds ${describePickled(value)}, not a tensor; loadTorchStateDict reads what torch.save(module.state_dict()) ` +
          `writes (for a checkpoint dict, save its model state dict on its own)`,
      );
    }
    pairs.push([key, value]);
  }
  return pairs;
}

/**
 * Views may repeat storage elements (stride 0, as `expand` makes, or several views of one storage),
 * but the tensors of a file hold at most this many values more than its storages do: a few bytes of
 * pickle must not make us allocate gigabytes, in one view or in many.
 */
const MAX_EXPANDED_VALUES = 1 << 24;

/**
 * Refuses, before anything is allocated, tensors that would hold more values than their storages
 * (as large as the archive's entries really are) plus `MAX_EXPANDED_VALUES`.
 */
function checkViewBudget(entries: readonly [string, TensorRecord][], archive: Map<string, Uint8Array>, prefix: string, what: string): void {
  const storageValues = new Map<string, number>();
  let values = 0;
  for (const [name, record] of entries) {
    const { key, dtype, numel } = record.storage;
    const count = record.size.reduce((a, b) => a * b, 1);
    if (count > numel && count > MAX_EXPANDED_VALUES) {
      throw new FormatError(`${what}: tensor '${name}' has size [${record.size.join(', ')}], far more values than its storage of ${numel}`);
    }
    const elementBytes = Object.hasOwn(FLOAT_BYTES, dtype) ? FLOAT_BYTES[dtype as FloatType] : 1;
    if (!storageValues.has(key)) storageValues.set(key, Math.min(numel, Math.floor((archive.get(`${prefix}data/${key}`)?.length ?? 0) / elementBytes)));
    values += count;
  }
  const stored = [...storageValues.values()].reduce((a, b) => a + b, 0);
  if (values > stored + MAX_EXPANDED_VALUES) {
    throw new FormatError(
      `${what}: its tensors would hold ${values} values, more than their storages' ${stored} plus ${MAX_EXPANDED_VALUES} repeated ones; views that repeat storage elements that often are refused`,
    );
  }
}

function materialize(record: TensorRecord, name: string, storages: StorageCache, what: string): Tensor {
  const values = gatherStrided(storages.get(record.storage, name), record.offset, record.size, record.stride);
  if (!values) {
    throw new FormatError(
      `${what}: tensor '${name}' (size [${record.size.join(', ')}], stride [${record.stride.join(', ')}], offset ${record.offset}) ` +
        `reaches past the end of its storage of ${record.storage.numel} elements`,
    );
  }
  checkFinite(values, what, name);
  return new Tensor(values, record.size);
}

/** Storages decoded to float32 once each, however many views share them. */
class StorageCache {
  private readonly decoded = new Map<string, { ref: StorageRef; values: Float32Array }>();

  constructor(
    private readonly entries: Map<string, Uint8Array>,
    private readonly prefix: string,
    private readonly what: string,
  ) {}

  get(ref: StorageRef, tensorName: string): Float32Array {
    const cached = this.decoded.get(ref.key);
    if (cached && (cached.ref.dtype !== ref.dtype || cached.ref.numel !== ref.numel)) {
      throw new FormatError(`${this.what}: storage ${ref.key} is described twice, differently (tensor '${tensorName}')`);
    }
    if (cached) return cached.values;
    if (!Object.hasOwn(FLOAT_BYTES, ref.dtype)) {
      throw new UnsupportedError(`${this.what}: tensor '${tensorName}' is ${ref.dtype}; only float32, float64, float16 and bfloat16 tensors load`);
    }
    const type = ref.dtype as FloatType;
    const bytes = this.entries.get(`${this.prefix}data/${ref.key}`);
    if (!bytes) throw new FormatError(`${this.what}: the archive has no data/${ref.key}, which tensor '${tensorName}' uses`);
    if (bytes.length !== ref.numel * FLOAT_BYTES[type]) {
      throw new FormatError(
        `${this.what}: data/${ref.key} has ${bytes.length} bytes, but the pickle says ${ref.numel} ${type} values (${ref.numel * FLOAT_BYTES[type]} bytes)`,
      );
    }
    const values = decodeFloats(bytes, type, ref.numel);
    this.decoded.set(ref.key, { ref, values });
    return values;
  }
}

/** An unpickled value in Python's words, with its article, for messages: `an int (3)`, `a dict`. */
function describePickled(value: unknown): string {
  if (value instanceof Map) return 'a dict';
  if (Array.isArray(value)) return 'a tuple or list';
  if (value instanceof StorageRef) return 'a bare storage';
  if (value === null) return 'None';
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'an int' : 'a float'} (${value})`;
  if (typeof value === 'bigint') return `an int (${value})`;
  if (typeof value === 'string') return `a str (${JSON.stringify(value.slice(0, 40))})`;
  if (typeof value === 'boolean') return `a bool (${value ? 'True' : 'False'})`;
  return 'a Python object';
}
