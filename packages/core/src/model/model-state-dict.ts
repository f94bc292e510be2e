import { StateDictError } from '../errors';
import type { Layer } from '../layers/layer';
import type { Tensor } from '../tensor';

/**
 * State dicts of a layer stack with keys prefixed by the layer's index, as `torch.nn.Sequential`
 * does: `0.weight_ih_l0`, `1.weight`.
 */
export function stackStateDict(layers: readonly Layer[]): Record<string, Tensor> {
  const dict: Record<string, Tensor> = {};
  layers.forEach((layer, i) => {
    for (const [key, value] of Object.entries(layer.stateDict())) dict[`${i}.${key}`] = value;
  });
  return dict;
}

/**
 * Splits a prefixed state dict per layer and loads it. Keys without a valid layer index, missing
 * keys and extra keys are a `StateDictError` naming them; shapes are checked by each layer. Every
 * key set is checked before any layer is written.
 */
export function loadStackStateDict(layers: readonly Layer[], dict: Record<string, unknown>): void {
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw new StateDictError(`loadStateDict expected an object of tensors keyed like '0.weight', got ${String(dict)}`);
  }
  const perLayer: Record<string, unknown>[] = layers.map(() => ({}));
  const unexpected: string[] = [];
  for (const [key, value] of Object.entries(dict)) {
    const match = /^(\d+)\.(.+)$/.exec(key);
    const index = match ? Number(match[1]) : -1;
    if (!match || index >= layers.length) unexpected.push(key);
    else perLayer[index][match[2]] = value;
  }
  const backup = layers.map((layer) => layer.stateDict()); // also each layer's own keys
  const missing: string[] = [];
  layers.forEach((_layer, i) => {
    for (const key of Object.keys(backup[i])) if (!(key in perLayer[i])) missing.push(`${i}.${key}`);
    for (const key of Object.keys(perLayer[i])) if (!(key in backup[i])) unexpected.push(`${i}.${key}`);
  });
  if (missing.length > 0 || unexpected.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing keys ${missing.map((k) => `'${k}'`).join(', ')}`);
    if (unexpected.length > 0) parts.push(`unexpected keys ${unexpected.map((k) => `'${k}'`).join(', ')}`);
    throw new StateDictError(`state dict does not match the model: ${parts.join('; ')}`);
  }
  // Layers check shapes; restore everything if a later layer rejects its part.
  let current = 0;
  try {
    for (; current < layers.length; current++) layers[current].loadStateDict(perLayer[current]);
  } catch (err) {
    layers.forEach((layer, i) => layer.loadStateDict(backup[i]));
    const message = err instanceof Error ? err.message : String(err);
    throw new StateDictError(`layer ${current} (${layers[current].name}): ${message}`);
  }
}
