import { ConfigError } from '../../errors';
import { checkOptions } from '../../options';
import { callbackLogger, type Callback, type CallbackLogger, type Logs, type TrainingControl } from './callback';

/** Options of `TerminateOnNaN`. */
export interface TerminateOnNaNOptions {
  /** Where the message goes. Default the console. */
  logger?: CallbackLogger;
}

/** Stops training as soon as a batch reports a NaN or infinite loss (Keras's `TerminateOnNaN`). */
export class TerminateOnNaN implements Callback {
  private control: TrainingControl | null = null;
  private readonly logger: CallbackLogger;

  constructor(options: TerminateOnNaNOptions = {}) {
    checkOptions('TerminateOnNaN', options, ['logger']);
    this.logger = callbackLogger('TerminateOnNaN', options.logger);
  }

  setModel(control: TrainingControl): void {
    this.control = control;
  }

  onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (typeof loss === 'number' && !Number.isFinite(loss)) {
      if (this.control === null) {
        throw new ConfigError('TerminateOnNaN: setModel() was not called; pass the callback to fit() in `callbacks`');
      }
      this.logger.warn(`Batch ${batch}: invalid loss ${loss}, terminating training`);
      this.control.stopTraining = true;
    }
  }
}
