import { ConfigError } from '../errors';
import { jsonDepth, MAX_ATTACHMENT_DEPTH, type JsonValue } from './format';

const store = new WeakMap<object, Map<string, JsonValue>>();

/**
 * `value` as the JSON it will be saved as, with JSON's own rules for what it rewrites (a `toJSON()`
 * method is called, as a fitted scaler's is; an object's `undefined` members are left out), and a
 * `ConfigError` naming `path` for what JSON would lose or change silently: NaN and ±Infinity
 * (written as null), a Map, Set or other class instance (written as {}), a function, symbol or
 * bigint, or `undefined` in an array.
 */
export function attachmentJson(value: unknown, path: string, owner: string): JsonValue {
  if (jsonDepth(value, MAX_ATTACHMENT_DEPTH) > MAX_ATTACHMENT_DEPTH) {
    throw new ConfigError(`${owner}: ${path} nests deeper than ${MAX_ATTACHMENT_DEPTH} levels; attachments are small JSON values`);
  }
  // As JSON.stringify: toJSON is called once per value, not again on what it returns.
  const convert = (v: unknown, at: string, viaToJson = false): JsonValue => {
    const withToJson = v as { toJSON?: unknown } | null;
    if (!viaToJson && typeof withToJson === 'object' && withToJson !== null && typeof withToJson.toJSON === 'function') {
      return convert((withToJson.toJSON as () => unknown)(), at, true);
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return v;
      throw new ConfigError(`${owner}: ${at} is ${v}, which JSON cannot hold (it would be saved as null)`);
    }
    if (Array.isArray(v)) return v.map((x, i) => convert(x, `${at}[${i}]`));
    const proto = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
    if (typeof v === 'object' && (proto === Object.prototype || proto === null)) {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(v as object)) if (x !== undefined) Object.defineProperty(out, k, { value: convert(x, `${at}.${k}`), enumerable: true, writable: true, configurable: true });
      return out;
    }
    const kind = v === undefined ? 'undefined' : typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'class instance'}` : `a ${typeof v}`;
    throw new ConfigError(`${owner}: ${at} is ${kind}, which JSON cannot hold; attachments are plain objects, arrays, strings, finite numbers, booleans and null`);
  };
  return convert(value, path);
}

/**
 * Attaches a JSON value (e.g. a fitted scaler's `toJSON()`, or the scaler itself) to a model, so
 * that `saveModel` stores it in `model.json` and `loadModel` hands it back with `getAttachment`.
 * The value is copied as JSON now, so later changes to it are not saved by accident; what JSON
 * cannot hold is a `ConfigError` (`attachmentJson`).
 */
export function setAttachment(model: object, key: string, value: unknown): void {
  if (typeof key !== 'string' || key === '') throw new ConfigError(`setAttachment expected a non-empty key, got ${JSON.stringify(key)}`);
  const json = attachmentJson(value, `attachment '${key}'`, 'setAttachment');
  const map = store.get(model) ?? new Map<string, JsonValue>();
  map.set(key, json);
  store.set(model, map);
}

/** The attachment stored under `key`, or `undefined`. */
export function getAttachment(model: object, key: string): JsonValue | undefined {
  return store.get(model)?.get(key);
}

/** Every attachment of `model`, as a plain object. */
export function getAttachments(model: object): Record<string, JsonValue> {
  return Object.fromEntries(store.get(model) ?? []);
}
