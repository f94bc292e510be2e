import { ConfigError } from '../errors';
import { jsonDepth, MAX_ATTACHMENT_DEPTH, type JsonValue } from './format';

const store = new WeakMap<object, Map<string, JsonValue>>();

/**
 * Attaches a JSON-serialisable object (e.g. a fitted scaler's `toJSON()`) to a model, so that
 * `saveModel` stores it in `model.json` and `loadModel` hands it back with `getAttachment`.
 * The value is deep-copied through JSON now, so later changes to it are not saved by accident.
 */
export function setAttachment(model: object, key: string, value: unknown): void {
  if (typeof key !== 'string' || key === '') throw new ConfigError(`setAttachment expected a non-empty key, got ${JSON.stringify(key)}`);
  if (jsonDepth(value, MAX_ATTACHMENT_DEPTH) > MAX_ATTACHMENT_DEPTH) {
    throw new ConfigError(`setAttachment '${key}': value nests deeper than ${MAX_ATTACHMENT_DEPTH} levels; attachments are small JSON values`);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new ConfigError(`setAttachment '${key}': value is not JSON-serialisable (${(err as Error).message})`);
  }
  if (text === undefined) throw new ConfigError(`setAttachment '${key}': value is not JSON-serialisable (got ${typeof value})`);
  const map = store.get(model) ?? new Map<string, JsonValue>();
  map.set(key, JSON.parse(text) as JsonValue);
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
