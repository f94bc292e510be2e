import { FormatError } from '../errors';

/** The `format` field of every `model.json` this package writes. */
export const MODEL_FORMAT = 'rnn-model';
/** The format version this package writes and reads. Bump it on any incompatible change. */
export const MODEL_FORMAT_VERSION = 1;
/** The architecture, configs and manifest of a saved model. */
export const MODEL_JSON = 'model.json';
/** The weights (and optimizer slots) of a saved model, little-endian float32. */
export const WEIGHTS_BIN = 'weights.bin';

/** A JSON value, as stored in `model.json` (configs, attachments). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One tensor in `weights.bin`: little-endian float32 values at `offset` (bytes), `length` values. */
export interface WeightEntry {
  /** `model/0.weight_ih_l0` for a weight, `optimizer/<path>` for an optimizer slot. */
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

/** The manifest of `weights.bin`. */
export interface WeightsManifest {
  file: string;
  dtype: 'float32';
  endianness: 'little';
  byteLength: number;
  /** SHA-256 of the whole `weights.bin`, hex. */
  sha256: string;
  entries: WeightEntry[];
}

/** One layer of the saved architecture. */
export interface SavedLayer {
  className: string;
  config: { [key: string]: JsonValue };
  /** The input shape the layer was built for (one sample, no batch axis). */
  inputShape: (number | null)[] | null;
}

/** `model.json`: everything but the numbers. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  architecture: { className: 'Sequential'; name: string; seed: number | null; layers: SavedLayer[] };
  /** `null` for a model that was never compiled. */
  compile: {
    optimizer: { [key: string]: JsonValue };
    loss: { [key: string]: JsonValue };
    metrics: string[];
    /** `compile`'s `divergence`, when it was given one. */
    divergence?: JsonValue;
  } | null;
  /** The optimizer's `getState()`, with every Float32Array replaced by `{ "$tensor": name }` (stored in `weights.bin`). */
  optimizerState: JsonValue;
  /** Preprocessing objects saved with the model (e.g. a fitted scaler's `toJSON()`). */
  attachments: { [key: string]: JsonValue };
  weights: WeightsManifest;
  /**
   * Random per save (16 hex digits): two saves of the same model differ in it, so a reader can tell
   * that model.json was replaced while it read the weights (see `loadModel`). Older files lack it.
   */
  saveId?: string;
}

/** Parses `model.json` text and checks its structure; anything off is a `FormatError` naming the field. */
export function parseModelFile(text: string, path: string): ModelFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FormatError(`${path} is not valid JSON (${(err as Error).message}); the file is truncated or corrupt`);
  }
  const fail = (what: string): never => {
    throw new FormatError(`${path}: ${what}`);
  };
  if (!isObject(raw)) return fail('expected a JSON object');
  if (raw.format !== MODEL_FORMAT) return fail(`format should be '${MODEL_FORMAT}', got ${JSON.stringify(raw.format)}`);
  if (raw.version !== MODEL_FORMAT_VERSION) {
    return fail(`format version ${JSON.stringify(raw.version)} is not supported; this @rnn/core reads version ${MODEL_FORMAT_VERSION}`);
  }
  const arch = raw.architecture;
  if (!isObject(arch) || arch.className !== 'Sequential' || !Array.isArray(arch.layers)) {
    return fail("architecture should be { className: 'Sequential', layers: [...] }");
  }
  if (typeof arch.name !== 'string' || (arch.seed !== null && typeof arch.seed !== 'number')) {
    return fail('architecture.name should be a string and architecture.seed a number or null');
  }
  arch.layers.forEach((layer: unknown, i: number) => {
    if (!isObject(layer) || typeof layer.className !== 'string' || !isObject(layer.config)) {
      fail(`architecture.layers[${i}] should be { className, config, inputShape }`);
    }
    const shape = (layer as { inputShape?: unknown }).inputShape;
    if (shape !== null && !(Array.isArray(shape) && shape.every((d) => d === null || (Number.isInteger(d) && d > 0)))) {
      fail(`architecture.layers[${i}].inputShape should be null or an array of positive integers or null`);
    }
  });
  const compile = raw.compile;
  if (compile !== null && !(isObject(compile) && isObject(compile.optimizer) && isObject(compile.loss) && Array.isArray(compile.metrics))) {
    return fail('compile should be null or { optimizer, loss, metrics }');
  }
  if (!isObject(raw.attachments)) return fail('attachments should be an object');
  if (raw.saveId !== undefined && typeof raw.saveId !== 'string') return fail('saveId should be a string');
  for (const [key, value] of Object.entries(raw.attachments)) {
    if (jsonDepth(value, MAX_ATTACHMENT_DEPTH) > MAX_ATTACHMENT_DEPTH) fail(`attachment '${key}' nests deeper than ${MAX_ATTACHMENT_DEPTH} levels`);
  }
  checkManifest(raw.weights, fail);
  return raw as unknown as ModelFile;
}

function checkManifest(w: unknown, fail: (what: string) => never): void {
  if (!isObject(w)) return fail('weights manifest is missing');
  if (w.dtype !== 'float32' || w.endianness !== 'little') return fail("weights should be dtype 'float32', endianness 'little'");
  if (typeof w.file !== 'string' || typeof w.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(w.sha256)) {
    return fail('weights.file should be a file name and weights.sha256 a hex SHA-256');
  }
  if (!Number.isInteger(w.byteLength) || (w.byteLength as number) < 0 || (w.byteLength as number) % 4 !== 0) {
    return fail(`weights.byteLength should be a non-negative multiple of 4, got ${JSON.stringify(w.byteLength)}`);
  }
  if (!Array.isArray(w.entries)) return fail('weights.entries should be an array');
  const byteLength = w.byteLength as number;
  const names = new Set<string>();
  // Entries must tile weights.bin in order: no gaps a forger could hide data in, no overlaps.
  let expectedOffset = 0;
  w.entries.forEach((e: unknown, i: number) => {
    if (!isObject(e) || typeof e.name !== 'string' || !Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`weights.entries[${i}] should be { name, shape: non-negative integers, offset, length }`);
    }
    const entry = e as unknown as WeightEntry;
    if (names.has(entry.name)) fail(`weights.entries has '${entry.name}' twice`);
    names.add(entry.name);
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.length !== size) fail(`weight '${entry.name}': length ${entry.length} disagrees with shape [${entry.shape.join(', ')}] (${size} values)`);
    if (entry.offset !== expectedOffset) {
      fail(`weight '${entry.name}': offset ${entry.offset} should be ${expectedOffset} (entries are stored back to back)`);
    }
    expectedOffset += entry.length * 4;
    if (expectedOffset > byteLength) {
      fail(`weight '${entry.name}' ends at byte ${expectedOffset}, past the end of weights.bin (${byteLength} bytes)`);
    }
  });
  if (expectedOffset !== byteLength) fail(`weights.entries cover ${expectedOffset} bytes but weights.byteLength is ${byteLength}`);
}

/** Attachments are small JSON values (a fitted scaler, settings): deeper nesting is refused, on save and on load. */
export const MAX_ATTACHMENT_DEPTH = 100;

/**
 * How deeply arrays and objects nest in `value` (a number or string is 0, `[]` is 1), counted
 * without recursion so a hostile value cannot overflow the stack; counting stops past `limit`.
 */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return deepest;
}

/** A plain (non-array) object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The largest model.json read: architecture, configs, manifest and attachments are far smaller. */
export const MODEL_JSON_MAX_BYTES = 256 * 2 ** 20;
