import { ConfigError } from '../../errors';
import type { Callback, Logs, TrainingControl, TrainingParams } from './callback';

/** Runs one hook dispatch (e.g. alone on the model, see `CallGate.exclusive`). */
export type HookRunner = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Dispatches each hook to every callback in order, awaiting any promise before the next one. Each
 * dispatch goes through `run` (by default, at once).
 */
export class CallbackList {
  readonly callbacks: Callback[];

  constructor(
    callbacks: readonly Callback[] = [],
    private readonly run: HookRunner = (task) => task(),
  ) {
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

  onTrainBegin(logs: Logs = {}): Promise<void> {
    return this.dispatch((c) => c.onTrainBegin?.(logs));
  }

  onTrainEnd(logs: Logs = {}): Promise<void> {
    return this.dispatch((c) => c.onTrainEnd?.(logs));
  }

  onEpochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    return this.dispatch((c) => c.onEpochBegin?.(epoch, logs));
  }

  onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    return this.dispatch((c) => c.onEpochEnd?.(epoch, logs));
  }

  onBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    return this.dispatch((c) => c.onBatchBegin?.(batch, logs));
  }

  onBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    return this.dispatch((c) => c.onBatchEnd?.(batch, logs));
  }

  private dispatch(hook: (callback: Callback) => void | Promise<void>): Promise<void> {
    return this.run(async () => {
      for (const c of this.callbacks) await hook(c);
    });
  }
}
