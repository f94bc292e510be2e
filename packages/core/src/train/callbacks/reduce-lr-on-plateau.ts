import { ConfigError } from '../../errors';
import { checkNumber, checkOptions, checkVerbose } from '../../options';
import { callbackLogger, type Callback, type CallbackLogger, type Logs, type TrainingControl } from './callback';
import { checkMonitor, missingMonitorMessage, readMonitor, resolveMode, type MonitorMode, worstValue } from './monitor';

/** Options of `ReduceLROnPlateau` (Keras's, in camelCase). */
export interface ReduceLROnPlateauOptions {
  /** Log key to watch. Default `'val_loss'`. */
  monitor?: string;
  /** New rate = rate · factor, with 0 < factor < 1. Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** An epoch improves only if it beats the best by more than this. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound on the learning rate. Default 0. */
  minLr?: number;
  /** Default `'auto'`. */
  mode?: MonitorMode;
  /** 1 prints each reduction. Default 0. */
  verbose?: 0 | 1;
  /** Where messages and warnings go. Default the console. */
  logger?: CallbackLogger;
}

/** Multiplies the optimizer's learning rate by `factor` when the monitored quantity plateaus (Keras's rules). */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly mode: 'min' | 'max';
  readonly verbose: 0 | 1;
  /** Epochs since the last improvement. */
  wait = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Best monitored value so far. */
  best: number;
  private control: TrainingControl | null = null;
  private warned = false;
  private readonly logger: CallbackLogger;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    const owner = 'ReduceLROnPlateau';
    checkOptions(owner, options, ['monitor', 'factor', 'patience', 'minDelta', 'cooldown', 'minLr', 'mode', 'verbose', 'logger']);
    this.monitor = checkMonitor(owner, options.monitor ?? 'val_loss');
    this.factor = checkNumber(owner, 'factor', options.factor ?? 0.1, { above: 0, below: 1 });
    this.patience = checkNumber(owner, 'patience', options.patience ?? 10, { min: 0, integer: true });
    this.minDelta = checkNumber(owner, 'minDelta', options.minDelta ?? 1e-4, { min: 0 });
    this.cooldown = checkNumber(owner, 'cooldown', options.cooldown ?? 0, { min: 0, integer: true });
    this.minLr = checkNumber(owner, 'minLr', options.minLr ?? 0, { min: 0 });
    this.mode = resolveMode(owner, options.mode ?? 'auto', this.monitor);
    this.verbose = checkVerbose(owner, options.verbose ?? 0, [0, 1] as const);
    this.logger = callbackLogger('ReduceLROnPlateau', options.logger);
    this.best = worstValue(this.mode);
  }

  setModel(control: TrainingControl): void {
    this.control = control;
  }

  onTrainBegin(): void {
    this.best = worstValue(this.mode);
    this.wait = 0;
    this.cooldownCounter = 0;
    this.warned = false;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.adjust(epoch, logs);
    // As Keras 3 does: the rate in force from the next epoch on, for History and the loggers after it.
    if (this.control) logs.learning_rate = this.control.optimizer.learningRate;
  }

  private adjust(epoch: number, logs: Logs): void {
    const current = readMonitor(logs, this.monitor);
    if (current === undefined) {
      if (!this.warned) this.logger.warn(missingMonitorMessage('ReduceLROnPlateau', this.monitor, logs));
      this.warned = true;
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.isImprovement(current)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait += 1;
    if (this.wait < this.patience) return;
    const optimizer = this.requireControl().optimizer;
    const oldLr = optimizer.learningRate;
    if (oldLr > this.minLr) {
      const newLr = Math.max(oldLr * this.factor, this.minLr);
      optimizer.learningRate = newLr;
      if (this.verbose) this.logger.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${newLr}.`);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }

  private isImprovement(value: number): boolean {
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  private requireControl(): TrainingControl {
    if (this.control === null) {
      throw new ConfigError('ReduceLROnPlateau: setModel() was not called; pass the callback to fit() in `callbacks`');
    }
    return this.control;
  }
}
