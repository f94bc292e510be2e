import { ConfigError, StateDictError } from '../errors';
import type { Layer } from '../layers/layer';

/** One of our layers: its index in the model or its name. */
export type LayerRef = number | string;

/**
 * Module names of another framework's state dict → our layers, e.g. `{ 'encoder.rnn': 0, 'head': 1 }`:
 * keys `encoder.rnn.weight_ih_l0` go to layer 0 as `weight_ih_l0`, `head.weight` to layer 1. A
 * stacked torch RNN (`num_layers = n`) maps to a list of n layers: `{ rnn: [0, 1] }` sends
 * `rnn.weight_ih_l1` to layer 1 as `weight_ih_l0`. The prefix `''` stands for keys of a bare module
 * (`weight_ih_l0`). Layers no prefix names keep nn.Sequential's `<index>.` keys.
 */
export type StateDictMapping = Readonly<Record<string, LayerRef | readonly LayerRef[]>>;

/** Translates keys between another framework's names and the stack's `<index>.<key>` names. */
export interface KeyMapper {
  /** Their key → ours (`encoder.rnn.weight_ih_l1` → `1.weight_ih_l0`). */
  toStack(key: string): string;
  /** Our key → theirs, the inverse of `toStack`. */
  fromStack(key: string): string;
}

/** Keys that a stacked torch RNN numbers per layer: `weight_ih_l1`, `bias_hh_l0_reverse`, …. */
const LAYER_NUMBERED = /^(.+_l)(\d+)(_reverse)?$/;

/** The identity mapping: keys are already `<index>.<key>`. */
export const INDEX_KEYS: KeyMapper = { toStack: (key) => key, fromStack: (key) => key };

/**
 * Checks `mapping` against the model's layers (`owner` names the model in errors) and returns its
 * key translation. A bad prefix, an unknown layer, or a layer named twice is a `ConfigError`.
 */
export function resolveMapping(layers: readonly Layer[], mapping: unknown, owner: string): KeyMapper {
  if (mapping === undefined) return INDEX_KEYS;
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    throw new ConfigError(`${owner}: mapping must be an object of module names to layers, e.g. { 'encoder.rnn': 0, head: 1 }, got ${JSON.stringify(mapping)}`);
  }
  const seen = new Map<number, string>();
  const prefixes = Object.entries(mapping as Record<string, unknown>).map(([prefix, target]) => {
    const refs: unknown[] = Array.isArray(target) ? target : [target];
    if (refs.length === 0) throw new ConfigError(`${owner}: mapping '${prefix}' names no layer`);
    const indices = refs.map((ref) => layerIndex(layers, ref, `${owner}: mapping '${prefix}'`));
    for (const i of indices) {
      if (seen.has(i)) throw new ConfigError(`${owner}: layer ${i} is named by both mapping '${seen.get(i)}' and '${prefix}'`);
      seen.set(i, prefix);
    }
    return { prefix, indices };
  });
  // The longest prefix wins, so 'encoder.rnn' takes its keys before 'encoder' would.
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  const byLayer = new Map(prefixes.flatMap(({ prefix, indices }) => indices.map((index, k) => [index, { prefix, k, stacked: indices.length > 1 }])));
  return {
    toStack(key) {
      const match = prefixes.find(({ prefix }) => prefix === '' || key.startsWith(`${prefix}.`));
      if (!match) return key;
      const rest = match.prefix === '' ? key : key.slice(match.prefix.length + 1);
      const numbered = LAYER_NUMBERED.exec(rest);
      if (!numbered) {
        if (match.indices.length > 1) throw new StateDictError(`'${key}' is not a per-layer RNN weight, but mapping '${match.prefix}' names several layers`);
        return `${match.indices[0]}.${rest}`;
      }
      const k = Number(numbered[2]);
      if (k >= match.indices.length) {
        throw new StateDictError(
          `'${key}' belongs to layer ${k} of a stacked RNN, but mapping '${match.prefix}' names ${match.indices.length} layer(s); ` +
            `map it to a list of ${k + 1} or more layers, e.g. [${Array.from({ length: k + 1 }, (_, i) => i).join(', ')}]`,
        );
      }
      return `${match.indices[k]}.${numbered[1]}0${numbered[3] ?? ''}`;
    },
    fromStack(key) {
      const dot = key.indexOf('.');
      const target = byLayer.get(Number(key.slice(0, dot)));
      if (!target) return key;
      let rest = key.slice(dot + 1);
      const numbered = LAYER_NUMBERED.exec(rest);
      if (target.stacked && numbered) rest = `${numbered[1]}${target.k}${numbered[3] ?? ''}`;
      return target.prefix === '' ? rest : `${target.prefix}.${rest}`;
    },
  };
}

function layerIndex(layers: readonly Layer[], ref: unknown, where: string): number {
  if (typeof ref === 'number' && Number.isInteger(ref) && ref >= 0 && ref < layers.length) return ref;
  const byName = typeof ref === 'string' ? layers.findIndex((l) => l.name === ref) : -1;
  if (byName >= 0) return byName;
  throw new ConfigError(
    `${where} must be a layer index 0..${layers.length - 1} or a layer name (${layers.map((l) => `'${l.name}'`).join(', ')}), or a list of them; got ${JSON.stringify(ref)}`,
  );
}
