import { ConfigError } from '../../errors';
import { checkBoolean, checkNumber, checkOptions, checkVerbose } from '../../options';
import { callbackLogger, type Callback, type CallbackLogger, type Logs, type TrainingControl } from './callback';
import { checkMonitor, missingMonitorMessage, readMonitor, resolveMode, type MonitorMode, worstValue } from './monitor';

/** Options of `EarlyStopping` (Keras's, in camelCase). */
export interface EarlyStoppingOptions {
  /** Log key to watch. Default `'val_loss'`. */
  monitor?: string;
  /** An epoch improves only if it beats the best by more than this. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** Default `'auto'` (max for accuracy-like keys, else min). */
  mode?: MonitorMode;
  /** Patience keeps counting until the monitor beats this value. */
  baseline?: number;
  /** At the end of training, put back the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching at all (warm-up). Default 0. */
  startFromEpoch?: number;
  /** 1 prints when it stops and restores. Default 0. */
  verbose?: 0 | 1;
  /** Where messages and warnings go. Default the console. */
  logger?: CallbackLogger;
}

/**
 * Stops training when the monitored quantity has stopped improving, with Keras 3's rules. A missing
 * monitor key (e.g. `val_loss` without validation data) is warned about once and the epoch skipped.
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  /** Epochs since the last improvement. */
  wait = 0;
  /** Epoch at which training was stopped, or 0 if it was not. */
  stoppedEpoch = 0;
  /** Best monitored value so far. */
  best: number;
  /** Epoch of `best`. */
  bestEpoch = 0;
  private bestWeights: Float32Array[] | null = null;
  private control: TrainingControl | null = null;
  private warned = false;
  private readonly logger: CallbackLogger;

  constructor(options: EarlyStoppingOptions = {}) {
    const owner = 'EarlyStopping';
    checkOptions(owner, options, [
      'monitor',
      'minDelta',
      'patience',
      'mode',
      'baseline',
      'restoreBestWeights',
      'startFromEpoch',
      'verbose',
      'logger',
    ]);
    this.monitor = checkMonitor(owner, options.monitor ?? 'val_loss');
    this.minDelta = checkNumber(owner, 'minDelta', options.minDelta ?? 0, { min: 0 });
    this.patience = checkNumber(owner, 'patience', options.patience ?? 0, { min: 0, integer: true });
    this.mode = resolveMode(owner, options.mode ?? 'auto', this.monitor);
    this.baseline = options.baseline === undefined ? undefined : checkNumber(owner, 'baseline', options.baseline);
    this.restoreBestWeights = checkBoolean(owner, 'restoreBestWeights', options.restoreBestWeights ?? false);
    this.startFromEpoch = checkNumber(owner, 'startFromEpoch', options.startFromEpoch ?? 0, { min: 0, integer: true });
    this.verbose = checkVerbose(owner, options.verbose ?? 0, [0, 1] as const);
    this.logger = callbackLogger('EarlyStopping', options.logger);
    this.best = worstValue(this.mode);
  }

  setModel(control: TrainingControl): void {
    this.control = control;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = worstValue(this.mode);
    this.bestEpoch = 0;
    this.bestWeights = null;
    this.warned = false;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = readMonitor(logs, this.monitor);
    if (current === undefined) {
      if (!this.warned) this.logger.warn(missingMonitorMessage('EarlyStopping', this.monitor, logs));
      this.warned = true;
      return;
    }
    if (epoch < this.startFromEpoch) return;
    const control = this.requireControl();
    if (this.restoreBestWeights && this.bestWeights === null) {
      // Without any improvement, the weights of the first watched epoch count as the best.
      this.bestWeights = control.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = control.getWeights();
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      control.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose) this.logger.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose) this.logger.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.requireControl().setWeights(this.bestWeights);
    }
  }

  /** Beats `reference` by more than `minDelta` in the monitored direction. */
  private isImprovement(value: number, reference: number): boolean {
    return this.mode === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  private requireControl(): TrainingControl {
    if (this.control === null) {
      throw new ConfigError('EarlyStopping: setModel() was not called; pass the callback to fit() in `callbacks`');
    }
    return this.control;
  }
}
