import { join } from 'node:path';
import { FormatError } from '../errors';
import { checkPath } from '../options';
import { withoutInitializers } from '../init/initializers';
import { Sequential, type CompileOptions } from '../model/sequential';
import { Tensor } from '../tensor';
import { getOptimizer, type OptimizerConfig, type OptimizerState } from '../train/optimizers';
import { setAttachment } from './attachments';
import { MODEL_JSON, MODEL_JSON_MAX_BYTES, parseModelFile, type JsonValue, type ModelFile } from './format';
import { rebuildLayer } from './layer-registry';
import { readRegularFile } from './safe-read';
import { restoreTensors } from './tensor-refs';
import { unpackWeights, type NamedBuffer } from './weights-file';

/** Reads of model.json + weights while saves keep replacing them, before giving up (see `readModelFiles`). */
const READ_ATTEMPTS = 10;

/**
 * Loads a model saved by `saveModel`: rebuilds the `Sequential` and its layers, loads the weights,
 * and — when it was compiled — compiles it again and restores the optimizer state, so training
 * resumes where it stopped. Attachments come back through `getAttachment(model, key)`.
 *
 * Every check runs before the model is handed out: a missing, truncated, corrupt, tampered or
 * wrong-version file, a shape that disagrees with the manifest, non-finite weights or an unknown
 * layer class is a `FormatError` saying which file and what is wrong.
 */
export async function loadModel(dir: string): Promise<Sequential> {
  checkPath('loadModel', 'dir', dir);
  const { file, buffers, jsonPath } = await readModelFiles(dir);
  const model = rebuildSequential(file, jsonPath);
  loadWeights(model, buffers, jsonPath);
  restoreCompile(model, file, buffers, jsonPath);
  for (const [key, value] of Object.entries(file.attachments)) setAttachment(model, key, value);
  return model;
}

/**
 * Reads model.json and the weights file it names, and checks them against each other. A save in
 * another process may replace both meanwhile (see `writeModelDirectory`): when the weights are
 * missing or fail their check and model.json has changed since it was read, the pair is read again.
 * When model.json has not changed, the files really are damaged: that is the `FormatError`.
 */
async function readModelFiles(dir: string): Promise<{ file: ModelFile; buffers: Map<string, NamedBuffer>; jsonPath: string }> {
  const jsonPath = join(dir, MODEL_JSON);
  const readJson = async (): Promise<string> =>
    (await readRegularFile(jsonPath, { what: 'model description', maxBytes: MODEL_JSON_MAX_BYTES })).toString('utf8');
  for (let attempt = 1; ; attempt++) {
    const text = await readJson();
    const file = parseModelFile(text, jsonPath);
    if (file.weights.file.includes('/') || file.weights.file.includes('\\')) {
      throw new FormatError(`${jsonPath}: weights.file must be a file name in the same directory, got '${file.weights.file}'`);
    }
    const binPath = join(dir, file.weights.file);
    try {
      // A weights file longer than its manifest says is refused before it is read.
      const bytes = await readRegularFile(binPath, { what: 'weights file', maxBytes: file.weights.byteLength });
      return { file, buffers: unpackWeights(bytes, file.weights, binPath), jsonPath };
    } catch (err) {
      const replaced = err instanceof FormatError && attempt < READ_ATTEMPTS && (await readJson().catch(() => text)) !== text;
      if (!replaced) throw err;
    }
  }
}

function rebuildSequential(file: ModelFile, path: string): Sequential {
  const arch = file.architecture;
  const layers = arch.layers.map((saved) => rebuildLayer(saved.className, saved.config as Record<string, unknown>));
  const first = arch.layers[0]?.inputShape ?? null;
  if (layers.length === 0 || !first) throw new FormatError(`${path}: the architecture has no layers or no input shape for its first layer`);
  try {
    // Same seed, same build order: the model's shuffling/dropout randomness starts where the original's did.
    // Every weight is loaded next, so none is initialised (a file declaring a huge layer costs nothing here).
    return withoutInitializers(() => {
      const model = new Sequential(layers, { name: arch.name, ...(arch.seed !== null ? { seed: arch.seed } : {}) });
      model.build(first);
      return model;
    });
  } catch (err) {
    throw new FormatError(`${path}: cannot rebuild the model for input [${first.join(', ')}]: ${(err as Error).message}`);
  }
}

function loadWeights(model: Sequential, buffers: Map<string, NamedBuffer>, path: string): void {
  const dict: Record<string, Tensor> = {};
  for (const [name, b] of buffers) if (name.startsWith('model/')) dict[name.slice('model/'.length)] = new Tensor(b.values, b.shape);
  try {
    model.loadStateDict(dict);
  } catch (err) {
    throw new FormatError(`${path}: the weights do not fit the saved architecture: ${(err as Error).message}`);
  }
}

/**
 * The optimizer's slots hold one buffer per parameter, each the parameter's size (or none at all,
 * before the first step): a FormatError at load rather than a ShapeError at the next `fit`.
 */
function checkSlotsFitParameters(state: OptimizerState, model: Sequential, path: string): void {
  const params = model.parameters();
  for (const [slot, list] of Object.entries(state?.slots ?? {})) {
    if (!Array.isArray(list) || list.length === 0) continue;
    if (list.length !== params.length) {
      throw new FormatError(`${path}: optimizer state slot '${slot}' holds ${list.length} buffers for the model's ${params.length} parameters`);
    }
    list.forEach((values, i) => {
      const length = (values as { length?: unknown })?.length;
      if (length !== params[i].value.length) {
        throw new FormatError(`${path}: optimizer state slot '${slot}'[${i}] has ${String(length)} values, but parameter ${i} (${params[i].name}) has ${params[i].value.length}`);
      }
    });
  }
}

function restoreCompile(model: Sequential, file: ModelFile, buffers: Map<string, NamedBuffer>, path: string): void {
  const used = new Set<string>();
  if (file.compile) {
    try {
      const optimizer = getOptimizer(file.compile.optimizer as unknown as OptimizerConfig);
      model.compile({
        optimizer,
        loss: file.compile.loss as unknown as CompileOptions['loss'],
        metrics: file.compile.metrics as CompileOptions['metrics'],
        ...(file.compile.divergence === undefined ? {} : { divergence: file.compile.divergence as CompileOptions['divergence'] }),
      });
      if (file.optimizerState !== null) {
        const state = restoreTensors(file.optimizerState as JsonValue, buffers, used) as OptimizerState;
        checkSlotsFitParameters(state, model, path);
        optimizer.setState(state);
      }
    } catch (err) {
      if (err instanceof FormatError) throw err;
      throw new FormatError(`${path}: cannot restore the compile settings or optimizer state: ${(err as Error).message}`);
    }
  }
  const stray = [...buffers.keys()].filter((n) => !n.startsWith('model/') && !used.has(n));
  if (stray.length > 0) throw new FormatError(`${path}: weights.bin holds tensors nothing refers to: ${stray.join(', ')}`);
}
