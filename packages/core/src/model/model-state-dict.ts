import { StateDictError } from '../errors';
import type { Layer } from '../layers/layer';
import type { Tensor } from '../tensor';
import { entryShape } from '../layers/recurrent-state-dict';
import { INDEX_KEYS, type KeyMapper } from './state-dict-mapping';

/**
 * State dicts of a layer stack with keys prefixed by the layer's index, as `torch.nn.Sequential`
 * does (`0.weight_ih_l0`, `1.weight`), or renamed by `names` (e.g. to a torch module's names).
 */
export function stackStateDict(layers: readonly Layer[], names: KeyMapper = INDEX_KEYS): Record<string, Tensor> {
  const dict: Record<string, Tensor> = {};
  layers.forEach((layer, i) => {
    for (const [key, value] of Object.entries(layer.stateDict())) {
      const name = names.fromStack(`${i}.${key}`);
      if (Object.hasOwn(dict, name)) throw new StateDictError(`two weights would both be named '${name}'; check the mapping`);
      Object.defineProperty(dict, name, { value, enumerable: true, writable: true, configurable: true });
    }
  });
  return dict;
}

/**
 * Splits a prefixed state dict per layer (keys translated by `names` first) and loads it. Keys
 * without a valid layer index, missing and extra keys, and shapes that disagree with a layer are a
 * `StateDictError` naming the key as the caller gave it; everything is checked before any layer is
 * written, and a layer that still rejects its part restores every layer.
 */
export function loadStackStateDict(layers: readonly Layer[], dict: Record<string, unknown>, names: KeyMapper = INDEX_KEYS): void {
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw new StateDictError(`loadStateDict expected an object of tensors keyed like '0.weight', got ${String(dict)}`);
  }
  const split = splitPerLayer(layers.length, dict, names);
  const backup = layers.map((layer) => layer.stateDict()); // also each layer's own keys and shapes
  checkKeySets(backup, split, names);
  checkShapes(layers, backup, split);
  let current = 0;
  try {
    for (; current < layers.length; current++) layers[current].loadStateDict(split.perLayer[current]);
  } catch (err) {
    layers.forEach((layer, i) => layer.loadStateDict(backup[i]));
    const message = err instanceof Error ? err.message : String(err);
    throw new StateDictError(`layer ${current} (${layers[current].name}): ${message}`);
  }
}

/** A state dict split per layer, with the caller's name of each of our keys. */
interface SplitDict {
  perLayer: Record<string, unknown>[];
  /** Caller's keys no layer index takes. */
  unexpected: string[];
  /** Our `<index>.<key>` → the caller's key. */
  given: Map<string, string>;
}

function splitPerLayer(count: number, dict: Record<string, unknown>, names: KeyMapper): SplitDict {
  const split: SplitDict = { perLayer: Array.from({ length: count }, () => ({})), unexpected: [], given: new Map() };
  for (const [key, value] of Object.entries(dict)) {
    const ours = names.toStack(key);
    if (split.given.has(ours)) throw new StateDictError(`'${split.given.get(ours)}' and '${key}' both map to '${ours}'`);
    split.given.set(ours, key);
    const match = /^(\d+)\.(.+)$/.exec(ours);
    const index = match ? Number(match[1]) : -1;
    if (!match || index >= count) split.unexpected.push(key);
    else Object.defineProperty(split.perLayer[index], match[2], { value, enumerable: true, writable: true, configurable: true });
  }
  return split;
}

function checkKeySets(backup: Record<string, Tensor>[], split: SplitDict, names: KeyMapper): void {
  const missing: string[] = [];
  const unexpected = [...split.unexpected];
  backup.forEach((own, i) => {
    for (const key of Object.keys(own)) if (!Object.hasOwn(split.perLayer[i], key)) missing.push(names.fromStack(`${i}.${key}`));
    for (const key of Object.keys(split.perLayer[i])) if (!Object.hasOwn(own, key)) unexpected.push(split.given.get(`${i}.${key}`)!);
  });
  if (missing.length > 0 || unexpected.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing keys ${missing.map((k) => `'${k}'`).join(', ')}`);
    if (unexpected.length > 0) parts.push(`unexpected keys ${unexpected.map((k) => `'${k}'`).join(', ')}`);
    throw new StateDictError(`state dict does not match the model: ${parts.join('; ')}`);
  }
}

function checkShapes(layers: readonly Layer[], backup: Record<string, Tensor>[], split: SplitDict): void {
  backup.forEach((own, i) => {
    for (const [key, current] of Object.entries(own)) {
      const shape = entryShape(split.perLayer[i][key]);
      if (shape && (shape.length !== current.shape.length || shape.some((d, k) => d !== current.shape[k]))) {
        throw new StateDictError(
          `'${split.given.get(`${i}.${key}`)}' has shape [${shape.join(', ')}], but layer ${i} (${layers[i].name}) expects ${key} [${current.shape.join(', ')}]`,
        );
      }
    }
  });
}
