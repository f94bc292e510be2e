import { randomBytes } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FormatError } from '../errors';
import { checkOptions, checkPath, describeValue, optionKeys } from '../options';
import { Layer } from '../layers/layer';
import type { Tensor } from '../tensor';
import { attachmentJson, getAttachments } from './attachments';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_JSON,
  WEIGHTS_BIN,
  isObject,
  parseModelFile,
  type JsonValue,
  type ModelFile,
  type SavedLayer,
} from './format';
import { writeModelDirectory } from './model-directory';
import { extractTensors } from './tensor-refs';
import { firstNonFinite } from '../finite-values';
import { packWeights, type NamedBuffer } from './weights-file';

/** What `saveModel` reads from a model: the agreed `Sequential` surface. */
export interface SaveableModel {
  readonly layers: readonly Layer[];
  getConfig(): { name: string; seed?: number; layers: { className: string; config: Record<string, unknown> }[] };
  stateDict(): Record<string, Tensor>;
  /** What `compile` was given; `null` before `compile`. */
  readonly compileConfig: {
    optimizer: Record<string, unknown>;
    loss: string | Record<string, unknown>;
    metrics: readonly string[];
    divergence?: false | object;
  } | null;
  /** The compiled optimizer (read only when `compileConfig` is set). */
  readonly optimizer: { getState(): unknown };
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Extra JSON objects to store (merged over those set with `setAttachment`). */
  attachments?: Record<string, unknown>;
}

const SAVE_MODEL_OPTION_KEYS = optionKeys<SaveModelOptions>({ attachments: true });

/**
 * Saves a model into `dir` (created if missing): `model.json` (format and version, architecture,
 * compile and optimizer config, optimizer state, attachments, weights manifest with SHA-256) and
 * `weights.bin` (every weight and optimizer slot, little-endian float32, back to back).
 *
 * Atomic across both files (see `writeModelDirectory`): a reader, or a process killed at any point
 * of the save, sees the old model or the new one. Saves into one directory run one at a time; what
 * a killed save left behind is removed by the next one. The file is checked as `loadModel` checks it
 * before anything is written, so a save never replaces a good model with one that would not load.
 */
export async function saveModel(model: SaveableModel, dir: string, options: SaveModelOptions = {}): Promise<void> {
  checkModelArgument('saveModel', model);
  checkOptions('saveModel', options, SAVE_MODEL_OPTION_KEYS);
  checkPath('saveModel', 'dir', dir);
  for (const name of [MODEL_JSON, WEIGHTS_BIN]) {
    if ((await lstat(join(dir, name)).catch(() => null))?.isDirectory()) {
      throw new ConfigError(`saveModel: ${join(dir, name)} is a directory, where the model's ${name} goes; remove it and save again`);
    }
  }
  const { bytes, file } = serializeModel(model, options);
  const saveId = randomBytes(8).toString('hex');
  const modelJson = (weightsFile: string): Buffer => {
    const text = JSON.stringify({ ...file, weights: { ...file.weights, file: weightsFile }, saveId }, null, 2) + '\n';
    parseModelFile(text, MODEL_JSON);
    return Buffer.from(text, 'utf8');
  };
  modelJson(file.weights.file);
  await writeModelDirectory(dir, bytes, modelJson);
}

/** A `ConfigError` naming `owner` unless `model` is a model (a `Sequential`: its layers, config and weights). */
export function checkModelArgument(owner: string, model: unknown): void {
  const m = model as Partial<SaveableModel> | null;
  const ok = typeof m === 'object' && m !== null && Array.isArray(m.layers) && typeof m.getConfig === 'function' && typeof m.stateDict === 'function';
  if (!ok) throw new ConfigError(`${owner} expected a model (a Sequential), got ${describeValue(model)}`);
}

/** Builds the `model.json` object and the `weights.bin` bytes for a model. */
export function serializeModel(model: SaveableModel, options: SaveModelOptions = {}): { bytes: Uint8Array; file: ModelFile } {
  checkModelArgument('serializeModel', model);
  checkOptions('serializeModel', options, SAVE_MODEL_OPTION_KEYS);
  const extra: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(options.attachments ?? {})) {
    if (value !== undefined) extra[key] = attachmentJson(value, `attachment '${key}'`, 'saveModel');
  }
  const config = model.getConfig();
  const buffers: NamedBuffer[] = [];
  for (const [key, tensor] of Object.entries(model.stateDict())) {
    const bad = firstNonFinite(tensor.data);
    if (bad >= 0) throw new FormatError(`cannot save weight '${key}': it holds ${tensor.data[bad]} at index ${bad}`);
    buffers.push({ name: `model/${key}`, shape: tensor.shape, values: tensor.data });
  }
  const compiled = model.compileConfig;
  // Slots are copied out by getState, so the saved state is a snapshot even while training goes on.
  const optimizerState = compiled ? extractTensors(model.optimizer.getState(), 'optimizer', buffers) : null;
  const { bytes, manifest } = packWeights(buffers);
  const layers: SavedLayer[] = config.layers.map((entry, i) => ({
    className: entry.className,
    config: toJsonObject(entry.config, `layer ${i} config`),
    inputShape: model.layers[i]?.inputShape ? [...model.layers[i].inputShape!] : null,
  }));
  const file: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    architecture: { className: 'Sequential', name: config.name, seed: config.seed ?? null, layers },
    compile: compiled
      ? {
          optimizer: toJsonObject(compiled.optimizer, 'optimizer config'),
          loss: toJsonObject(typeof compiled.loss === 'string' ? { name: compiled.loss } : compiled.loss, 'loss config'),
          metrics: [...compiled.metrics],
          ...(compiled.divergence === undefined ? {} : { divergence: compiled.divergence && toJsonObject({ ...compiled.divergence }, 'divergence') }),
        }
      : null,
    optimizerState,
    attachments: { ...getAttachments(model), ...extra },
    weights: manifest,
  };
  return { bytes, file };
}

/** A config as plain JSON: nested layers become `{ className, config }`, `undefined` entries are dropped. */
function toJsonObject(value: Record<string, unknown>, what: string): { [key: string]: JsonValue } {
  const convert = (v: unknown, path: string): JsonValue => {
    if (v instanceof Layer) return { className: v.className, config: toJsonObject(v.getConfig(), `${path}.config`) };
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new FormatError(`cannot save ${path}: ${v} is not finite`);
      return v;
    }
    if (Array.isArray(v)) return v.map((x, i) => convert(x, `${path}[${i}]`));
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    if (isObject(v)) {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = convert(x, `${path}.${k}`);
      return out;
    }
    throw new FormatError(`cannot save ${path}: a ${typeof v} is not JSON`);
  };
  return convert(value, what) as { [key: string]: JsonValue };
}
