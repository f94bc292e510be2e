import { checkCount, checkNumber, checkOptions, checkString, optionKeys } from '../options';
import type { WeightOptions } from './sample-weights';
import type { CompileOptions } from './compile';
import type { BatchOptions, EvaluateOptions, SequentialOptions, StateDictOptions } from './sequential';

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
    seed: seed === undefined ? undefined : checkNumber('Sequential', 'seed', seed, { integer: true, min: 0, below: 2 ** 32 }),
  };
}

/** Checks `predict`'s or `evaluate`'s options and returns the batch size (default 32). */
export function batchSizeOption(owner: string, options: BatchOptions | undefined, allowed: readonly string[]): number {
  checkOptions(owner, options, allowed);
  return checkCount(owner, 'batchSize', options?.batchSize ?? 32);
}
