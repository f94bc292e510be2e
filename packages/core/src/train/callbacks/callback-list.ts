import { ConfigError } from '../../errors';
import type { Callback, Logs, TrainingControl, TrainingParams } from './callback';

/** Dispatches each hook to every callback in order, awaiting any promise before the next one. */
export class CallbackList {
  readonly callbacks: Callback[];

  constructor(callbacks: readonly Callback[] = []) {
    this.callbacks = [];
    callbacks.forEach((c) => this.add(c));
  }

  /** Appends a callback; anything but an object is a ConfigError. */
  add(callback: Callback): void {
    if (callback === null || typeof callback !== 'object') {
      throw new ConfigError(`callbacks[${this.callbacks.length}] must be a Callback object, got ${String(callback)}`);
    }
    this.callbacks.push(callback);
  }

  setModel(control: TrainingControl): void {
    for (const c of this.callbacks) c.setModel?.(control);
  }

  setParams(params: TrainingParams): void {
    for (const c of this.callbacks) c.setParams?.(params);
  }

  async onTrainBegin(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) if (c.onTrainBegin) await c.onTrainBegin(logs);
  }

  async onTrainEnd(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) if (c.onTrainEnd) await c.onTrainEnd(logs);
  }

  async onEpochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) if (c.onEpochBegin) await c.onEpochBegin(epoch, logs);
  }

  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) if (c.onEpochEnd) await c.onEpochEnd(epoch, logs);
  }

  async onBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) if (c.onBatchBegin) await c.onBatchBegin(batch, logs);
  }

  async onBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) if (c.onBatchEnd) await c.onBatchEnd(batch, logs);
  }
}
