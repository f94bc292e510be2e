import { FormatError, UnsupportedError } from '../../errors';

/** One layer of a Keras Sequential config: its class, name and options (Keras's snake_case keys). */
export interface KerasLayerConfig {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

/** What `importKeras` takes from a model's config. */
export interface KerasModelConfig {
  name: string;
  /** Shape of one sample, without the batch axis (`null` = any length). */
  inputShape: (number | null)[];
  /** The layers after the InputLayer, in order. */
  layers: KerasLayerConfig[];
  /** Major version of the Keras that saved the file (2 for tf.keras 2.x, 3 for Keras 3). */
  kerasMajor: number;
}

/** The major version in a `keras_version` string such as `3.16.0`, or `fallback` when absent. */
export function kerasMajor(version: unknown, fallback: number, what: string): number {
  if (version === undefined) return fallback;
  const major = typeof version === 'string' ? Number(/^(\d+)\./.exec(version)?.[1]) : NaN;
  if (!Number.isInteger(major)) throw new FormatError(`${what}: keras_version ${JSON.stringify(version)} is not a version`);
  if (major < 2) throw new UnsupportedError(`${what}: the file was saved by Keras ${version}; Keras 2 and 3 files are read`);
  return major;
}

/**
 * Reads a Sequential model's config: Keras 3's `config.json`, or the `model_config` attribute of a
 * legacy `.h5` (same shape, older keys such as `batch_input_shape`). A Functional or subclassed
 * model is an `UnsupportedError`; a config without layers or input shape is a `FormatError`.
 */
export function parseModelConfig(json: unknown, major: number, what: string): KerasModelConfig {
  const root = asObject(json, 'the model config', what);
  if (root.class_name !== 'Sequential') {
    throw new UnsupportedError(`${what}: the model is a ${String(root.class_name)}; importKeras reads Sequential models`);
  }
  const config = asObject(root.config, 'the Sequential config', what);
  if (!Array.isArray(config.layers) || config.layers.length === 0) throw new FormatError(`${what}: the Sequential config lists no layers`);
  const all = config.layers.map((layer, i) => {
    const entry = asObject(layer, `layer ${i} of the config`, what);
    const options = asObject(entry.config, `the config of layer ${i}`, what);
    if (typeof entry.class_name !== 'string' || typeof options.name !== 'string') {
      throw new FormatError(`${what}: layer ${i} of the config has no class_name or name`);
    }
    return { className: entry.class_name, name: options.name, config: options };
  });
  const layers = all[0].className === 'InputLayer' ? all.slice(1) : all;
  if (layers.length === 0) throw new FormatError(`${what}: the Sequential config has an InputLayer and nothing else`);
  const batchShape = findBatchShape(all[0], config, root);
  if (!batchShape) throw new FormatError(`${what}: the config gives no input shape (the model was saved before it was built)`);
  return { name: typeof config.name === 'string' ? config.name : 'sequential', inputShape: batchShape.slice(1), layers, kerasMajor: major };
}

/** The batch input shape: the InputLayer's, the first layer's (Keras 2), or the model's build shape (Keras 3). */
function findBatchShape(first: KerasLayerConfig, config: Record<string, unknown>, root: Record<string, unknown>): (number | null)[] | null {
  const buildConfig = root.build_config as Record<string, unknown> | undefined;
  const candidates = [first.config.batch_shape, first.config.batch_input_shape, config.build_input_shape, buildConfig?.input_shape];
  const isDim = (d: unknown): boolean => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0);
  const found = candidates.find((c) => Array.isArray(c) && c.length >= 2 && c.every(isDim));
  return (found as (number | null)[] | undefined) ?? null;
}

/** `value` as an object, or a `FormatError` saying `what` is not one. */
export function asObject(value: unknown, name: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FormatError(`${what}: ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}
