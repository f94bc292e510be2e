import { FormatError } from '../errors';
import { firstNonFinite } from '../finite-values';
import type { NamedBuffer } from './weights-file';
import { isObject, type JsonValue } from './format';

/**
 * Turns a state object (an optimizer's `getState()`: numbers, strings, arrays, plain objects and
 * Float32Arrays) into JSON, moving each Float32Array into `buffers` under `prefix/<path>` and
 * leaving `{ "$tensor": name }` in its place.
 */
export function extractTensors(value: unknown, prefix: string, buffers: NamedBuffer[]): JsonValue {
  if (value instanceof Float32Array) {
    // loadModel refuses non-finite values, so a save must never write one.
    const bad = firstNonFinite(value);
    if (bad >= 0) throw new FormatError(`cannot save state '${prefix}': it holds ${value[bad]} at index ${bad}`);
    buffers.push({ name: prefix, shape: [value.length], values: value });
    return { $tensor: prefix };
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FormatError(`cannot save state '${prefix}': ${value} is not finite`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => extractTensors(v, `${prefix}/${i}`, buffers));
  if (isObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = extractTensors(v, `${prefix}/${k}`, buffers);
    return out;
  }
  throw new FormatError(`cannot save state '${prefix}': only numbers, strings, arrays, plain objects and Float32Arrays are storable`);
}

/** The inverse of {@link extractTensors}: puts the stored Float32Arrays back; a dangling reference is a `FormatError`. */
export function restoreTensors(value: JsonValue, buffers: Map<string, NamedBuffer>, used: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => restoreTensors(v, buffers, used));
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$tensor') {
      const name = value.$tensor;
      const buffer = typeof name === 'string' ? buffers.get(name) : undefined;
      if (!buffer) throw new FormatError(`optimizer state refers to tensor ${JSON.stringify(name)}, which weights.bin does not hold`);
      used.add(buffer.name);
      return buffer.values;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = restoreTensors(v as JsonValue, buffers, used);
    return out;
  }
  return value;
}
