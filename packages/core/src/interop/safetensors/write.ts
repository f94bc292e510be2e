import { ConfigError } from '../../errors';
import { writeFileAtomically } from '../../io/atomic-write';
import { checkRequiredOptions, optionKeys } from '../../options';
import type { StateDictMapping } from '../../model/state-dict-mapping';
import { type Tensor, toTensor, type TensorLike } from '../../tensor';

/** A model (anything with `stateDict`, such as `Sequential`) or a state dict of tensors. */
export type WeightsSource = { stateDict(options?: { mapping?: StateDictMapping }): Record<string, Tensor> } | Record<string, TensorLike>;

/** Options of `saveSafetensors` and `safetensorsBytes`. */
export interface SafetensorsOptions {
  /** Strings stored in the header's `__metadata__` (what safetensors' `metadata=` takes). */
  metadata?: Record<string, string>;
  /**
   * With a model: the torch module names to write, as `model.stateDict({ mapping })` takes them
   * (e.g. `{ rnn: [0, 1], head: 2 }` gives `rnn.weight_ih_l1`, `head.weight`). Without it the names are
   * nn.Sequential's (`0.weight_ih_l0`).
   */
  mapping?: StateDictMapping;
}

/**
 * The safetensors bytes of a model's weights (PyTorch names and layouts, F32) or of a state dict:
 * an 8-byte little-endian header length, the JSON header (sorted names, `__metadata__` first,
 * padded with spaces to 8-byte alignment, as the reference writer does), then each tensor's
 * little-endian bytes back to back. `safetensors.torch.load_file` reads it.
 */
export function safetensorsBytes(weights: WeightsSource, options: SafetensorsOptions = {}): Uint8Array {
  const { metadata, mapping } = parseOptions(options);
  const dict = stateDictOf(weights, mapping);
  const names = Object.keys(dict).sort();
  if (names.includes('__metadata__')) throw new ConfigError("safetensors: no tensor may be named '__metadata__' (the format reserves it)");
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const tensors = names.map((name) => {
    const tensor = toTensor(dict[name], name);
    Object.defineProperty(header, name, {
      value: { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + 4 * tensor.size] },
      enumerable: true,
    });
    offset += 4 * tensor.size;
    return tensor;
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset); // [header length | header | data]
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // space padding
  let at = 8 + headerLength;
  for (const tensor of tensors) {
    for (let i = 0; i < tensor.size; i++) view.setFloat32(at + 4 * i, tensor.data[i], true);
    at += 4 * tensor.size;
  }
  return out;
}

/**
 * Writes `safetensorsBytes(weights, options)` to `file`, atomically: a temporary file in the same
 * folder, fsynced, then renamed over `file`, so a crash never leaves half a file.
 */
export async function saveSafetensors(weights: WeightsSource, file: string, options: SafetensorsOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new ConfigError(`saveSafetensors expected a file path, got ${JSON.stringify(file)}`);
  const data = safetensorsBytes(weights, options);
  await writeFileAtomically('saveSafetensors', file, data);
}

function stateDictOf(weights: WeightsSource, mapping: StateDictMapping | undefined): Record<string, TensorLike> {
  if (typeof weights !== 'object' || weights === null) {
    throw new ConfigError(`safetensors: expected a model or a state dict of tensors, got ${weights === null ? 'null' : typeof weights}`);
  }
  if (typeof weights.stateDict === 'function') return (weights.stateDict as (o: object) => Record<string, Tensor>)(mapping ? { mapping } : {});
  if (mapping) throw new ConfigError('safetensors: mapping applies to a model; a state dict is written under its own names');
  return weights as Record<string, TensorLike>;
}

const SAFETENSORS_OPTION_KEYS = optionKeys<SafetensorsOptions>({ metadata: true, mapping: true });

function parseOptions(options: SafetensorsOptions): SafetensorsOptions {
  checkRequiredOptions('safetensors', options, SAFETENSORS_OPTION_KEYS, '{ metadata: { format: "pt" } }');
  const { metadata } = options;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || !Object.values(metadata).every((v) => typeof v === 'string'))) {
    throw new ConfigError(`safetensors: metadata must map strings to strings, got ${JSON.stringify(metadata)}`);
  }
  return options;
}
