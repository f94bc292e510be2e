import { optionError } from '../../options';
import type { Optimizer } from '../optimizers/optimizer';

/** Values logged for a batch or an epoch, e.g. `{ loss: 0.12, mae: 0.3, val_loss: 0.15 }`. */
export type Logs = Record<string, number>;

/** What a training run tells its callbacks before it starts (Keras's `params`). */
export interface TrainingParams {
  /** Last epoch index + 1 (`fit`'s `epochs`). */
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  /** Training samples per epoch. */
  samples?: number;
  batchSize?: number;
  verbose?: 0 | 1 | 2;
  /** Epoch index training starts from (`fit`'s `initialEpoch`). */
  initialEpoch?: number;
}

/** The part of the model a callback may steer. */
export interface TrainingControl {
  /** Set to true to stop after the current epoch. */
  stopTraining: boolean;
  /** The compiled optimizer; its `learningRate` is mutable. */
  readonly optimizer: Optimizer;
  /** Copies of every weight, in `parameters()` order. */
  getWeights(): Float32Array[];
  /** Replaces every weight (same order and sizes as `getWeights`). */
  setWeights(weights: readonly Float32Array[]): void;
}

/**
 * Hooks called by `fit`. Every hook is optional and may return a promise, which is awaited before
 * training continues. Epoch and batch indices are 0-based.
 */
export interface Callback {
  /** Gives the callback the model's controls; called once before `onTrainBegin`. */
  setModel?(control: TrainingControl): void;
  /** Tells the callback the run's size (epochs, steps); called once before `onTrainBegin`. */
  setParams?(params: TrainingParams): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  /** `logs` holds the epoch's loss and metrics, and `val_*` entries when there is validation data. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** `logs` holds the running means of loss and metrics over the epoch so far. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** Where callbacks print: messages and warnings (defaults to the console). */
export interface CallbackLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** `logger` as given (an object with `log` and `warn` methods), else the console; anything else is a `ConfigError`. */
export function callbackLogger(owner: string, logger: unknown): CallbackLogger {
  if (logger === undefined) return consoleLogger;
  const l = logger as Partial<CallbackLogger> | null;
  if (typeof l === 'object' && l !== null && typeof l.log === 'function' && typeof l.warn === 'function') return l as CallbackLogger;
  return optionError(owner, 'logger', 'an object with log(message) and warn(message) methods', logger);
}

/** The console, as a `CallbackLogger`. */
export const consoleLogger: CallbackLogger = {
  log: (message) => console.log(message),
  warn: (message) => console.warn(message),
};
