import { checkCount, checkSeed, checkOptions, checkString, optionKeys } from '../options';
import { ConfigError } from '../errors';
import type { TensorLike } from '../tensor';
import type { Optimizer } from '../train/optimizers';
import type { WeightOptions } from './sample-weights';
import type { CompileOptions } from './compile';
import type { StateDictMapping } from './state-dict-mapping';

/** Options of `new Sequential(layers, options)`. */
export interface SequentialOptions {
  /** Model name; default `sequential_<n>`. */
  name?: string;
  /** Seeds weight initialisation, shuffling and dropout; default: a random seed (see `getConfig().seed`). */
  seed?: number;
}

/** Options of `stateDict` and `loadStateDict`. */
export interface StateDictOptions {
  /**
   * Module names of another framework's state dict → our layers (index or name), e.g.
   * `{ 'encoder.rnn': 0, head: 1 }`, or `{ rnn: [0, 1] }` for a torch RNN with `num_layers=2`.
   * Layers it does not name keep nn.Sequential's `<index>.` keys.
   */
  mapping?: StateDictMapping;
}

/** Options of `predict` and `evaluate`. */
export interface BatchOptions {
  /** Samples per forward pass; default 32. */
  batchSize?: number;
}

/** Options of `evaluate`. */
export interface EvaluateOptions extends BatchOptions {
  /** `[batch]` or `[batch, steps]` weights of the loss, as in `fit` (finite, >= 0). */
  sampleWeight?: TensorLike;
}

/** Options of `trainOnBatch`: Keras's `sample_weight` and `class_weight`, as in `fit`. */
export type TrainOnBatchOptions = WeightOptions;


/** The option keys of `Sequential`'s constructor and methods, checked by the one option checker. */
export const SEQUENTIAL_OPTION_KEYS = optionKeys<SequentialOptions>({ name: true, seed: true });
export const COMPILE_OPTION_KEYS = optionKeys<CompileOptions>({ optimizer: true, loss: true, metrics: true, divergence: true });
export const PREDICT_OPTION_KEYS = optionKeys<BatchOptions>({ batchSize: true });
export const EVALUATE_OPTION_KEYS = optionKeys<EvaluateOptions>({ batchSize: true, sampleWeight: true });
export const STATE_DICT_OPTION_KEYS = optionKeys<StateDictOptions>({ mapping: true });
export const TRAIN_ON_BATCH_OPTION_KEYS = optionKeys<WeightOptions>({ sampleWeight: true, classWeight: true });

/** `new Sequential(layers, options)`'s name and seed, checked (`undefined` when absent). */
export function parseSequentialOptions(options: SequentialOptions | undefined): { name?: string; seed?: number } {
  checkOptions('Sequential', options, SEQUENTIAL_OPTION_KEYS);
  const { name, seed } = options ?? {};
  return {
    name: name === undefined ? undefined : checkString('Sequential', 'name', name),
    seed: seed === undefined ? undefined : checkSeed('Sequential', seed),
  };
}

/** Checks `predict`'s or `evaluate`'s options and returns the batch size (default 32). */
export function batchSizeOption(owner: string, options: BatchOptions | undefined, allowed: readonly string[]): number {
  checkOptions(owner, options, allowed);
  return checkCount(owner, 'batchSize', options?.batchSize ?? 32);
}

/** The model each optimizer instance is compiled into: its state (step count, moments) belongs to that model's weights. */
const optimizerModels = new WeakMap<Optimizer, { name: string }>();

/**
 * Records that `model` compiles with `optimizer`; one instance compiled into two models is a
 * `ConfigError` (Keras refuses it too), since the second model would step with the first one's state.
 */
export function claimOptimizer(optimizer: Optimizer, model: { name: string }): void {
  const owner = optimizerModels.get(optimizer);
  if (owner !== undefined && owner !== model) {
    throw new ConfigError(
      `${model.name}.compile: this ${optimizer.constructor.name} optimizer is already compiled into model '${owner.name}', and its state ` +
        `(step count, moments) belongs to that model's weights; give each model its own optimizer (a new instance, or a name such as '${optimizer.name}')`,
    );
  }
  optimizerModels.set(optimizer, model);
}
