import { FormatError, RnnError, UnsupportedError } from '../../errors';
import type { Layer } from '../../layers/layer';
import { Sequential } from '../../model/sequential';
import type { Tensor } from '../../tensor';
import { readModelSource, sourceName, type ModelSource } from '../model-source';
import { looksLikeZip, readZipEntries } from '../zip-archive';
import { Hdf5File, looksLikeHdf5 } from './hdf5-file';
import { kerasLayer, maskAfter, RECURRENT_CLASSES } from './keras-layers';
import { kerasMajor, parseModelConfig, type KerasModelConfig } from './model-config';
import { keras3Variables, legacyVariables, type KerasVariable } from './variables';
import { kerasWeights } from './weights';

/** A Keras file opened: its model config, and each layer's variables. */
interface KerasFile {
  config: KerasModelConfig;
  variables(layers: KerasModelConfig['layers']): KerasVariable[][];
}

/**
 * Builds the @rnn model a Keras file holds and loads its weights: Keras 3's `.keras` (a zip of
 * `config.json`, `metadata.json` and `model.weights.h5`) or a legacy Keras 2 `.h5`, as a path or
 * bytes. Sequential models of Embedding, SimpleRNN, LSTM, GRU (both `reset_after` forms),
 * Bidirectional, Dense and Dropout load, with `return_sequences`, `go_backwards`, activations and
 * `mask_zero`; the model predicts what Keras computes. It comes back uncompiled: call `compile` to
 * train it further.
 *
 * A damaged file (truncated, a layer missing from the weights, a variable whose shape disagrees
 * with the config) is a `FormatError`; a valid file using something @rnn does not have (another
 * layer class, a Functional model, regularizers, Keras 2's hard_sigmoid) an `UnsupportedError`
 * naming it.
 */
export async function importKeras(source: ModelSource): Promise<Sequential> {
  const what = `importKeras(${sourceName(source)})`;
  const bytes = await readModelSource(source, 'importKeras');
  let file: KerasFile;
  if (looksLikeZip(bytes)) file = await openKeras3(bytes, what);
  else if (looksLikeHdf5(bytes)) file = openLegacy(bytes, what);
  else throw new FormatError(`${what}: neither a .keras archive nor an HDF5 .h5 file`);
  const model = buildModel(file.config, what);
  const vars = file.variables(file.config.layers);
  const dict: Record<string, Tensor> = {};
  model.layers.forEach((layer, i) => {
    for (const [key, value] of Object.entries(kerasWeights(layer, vars[i], what))) dict[`${i}.${key}`] = value;
  });
  try {
    model.loadStateDict(dict);
  } catch (err) {
    throw new FormatError(`${what}: cannot load its weights: ${(err as Error).message}`);
  }
  return model;
}

async function openKeras3(bytes: Uint8Array, what: string): Promise<KerasFile> {
  const entries = await readZipEntries(bytes, what, (name) => ['config.json', 'metadata.json', 'model.weights.h5', 'model.weights.npz'].includes(name));
  const json = (name: string): unknown => {
    const entry = entries.get(name);
    if (!entry) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(entry));
    } catch (err) {
      throw new FormatError(`${what}: ${name} is not valid JSON: ${(err as Error).message}`);
    }
  };
  const config = json('config.json');
  if (config === undefined) throw new FormatError(`${what}: the archive has no config.json (not a .keras model file)`);
  const metadata = json('metadata.json') as { keras_version?: unknown } | undefined;
  const weights = entries.get('model.weights.h5');
  if (!weights && entries.has('model.weights.npz')) throw new UnsupportedError(`${what}: the weights are in npz format; importKeras reads model.weights.h5`);
  if (!weights) throw new FormatError(`${what}: the archive has no model.weights.h5`);
  const h5 = new Hdf5File(weights, `${what}: model.weights.h5`);
  return {
    config: parseModelConfig(config, kerasMajor(metadata?.keras_version, 3, what), what),
    variables: (layers) => keras3Variables(h5, layers, what),
  };
}

function openLegacy(bytes: Uint8Array, what: string): KerasFile {
  const h5 = new Hdf5File(bytes, what);
  const modelConfig = h5.attr('', 'model_config');
  if (modelConfig === undefined) {
    throw new UnsupportedError(`${what}: the file holds weights only (model.save_weights); importKeras needs a model saved with model.save`);
  }
  let json: unknown;
  try {
    json = JSON.parse(String(modelConfig));
  } catch (err) {
    throw new FormatError(`${what}: the model_config attribute is not valid JSON: ${(err as Error).message}`);
  }
  return {
    config: parseModelConfig(json, kerasMajor(h5.attr('', 'keras_version'), 2, what), what),
    variables: (layers) => legacyVariables(h5, layers, what),
  };
}

/** Our Sequential for the config, built for its input shape; options we refuse are `UnsupportedError`s. */
function buildModel(config: KerasModelConfig, what: string): Sequential {
  let masked = false;
  // A go_backwards sequence comes out reversed; Keras hands its mask on as it came, @rnn reversed with
  // it. The two part ways wherever a later layer reads that mask.
  let reversedBy: string | null = null;
  const layers: Layer[] = config.layers.map((spec, i) => {
    const recurrent = RECURRENT_CLASSES.includes(spec.className);
    if (masked && reversedBy !== null && (recurrent || spec.className === 'Bidirectional')) {
      throw new UnsupportedError(
        `${what}: layer '${spec.name}' reads the step mask after '${reversedBy}' (go_backwards with return_sequences), which Keras passes on unreversed while the outputs come reversed; @rnn reverses the mask with them, so the two would compute different numbers`,
      );
    }
    const layer = translate(() => kerasLayer(spec, { what, kerasMajor: config.kerasMajor, inputShape: i === 0 ? config.inputShape : undefined, masked }), what, spec.name);
    if (masked && recurrent && spec.config.go_backwards === true && spec.config.return_sequences === true) reversedBy = spec.name;
    masked = maskAfter(spec, masked);
    return layer;
  });
  return translate(() => {
    const model = new Sequential(layers, { name: config.name });
    model.build(config.inputShape);
    return model;
  }, what, 'the model');
}

/** Runs a constructor; an option our layers reject (a `ConfigError`, a `ShapeError`) means the file's config is bad. */
function translate<T>(make: () => T, what: string, name: string): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof FormatError || err instanceof UnsupportedError || !(err instanceof RnnError)) throw err;
    throw new FormatError(`${what}: cannot build ${name === 'the model' ? name : `layer '${name}'`} from the config: ${err.message}`);
  }
}
