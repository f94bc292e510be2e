import { SingleBar } from 'cli-progress';
import type { Callback, Logs, TrainingParams } from './callbacks/callback';
import { checkOptions, checkVerbose, optionError } from '../options';

/** The part of a writable stream the logger uses; `process.stdout` fits. */
export interface ProgressStream {
  write(chunk: string): unknown;
  /** A terminal that understands cursor movement; only then is a live bar drawn. */
  isTTY?: boolean;
  /** Terminal width, used by the bar. */
  columns?: number;
}

/** Options of `ProgressLogger`. */
export interface ProgressLoggerOptions {
  /** 0 silent; 1 a live bar per epoch on a terminal (else like 2); 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Default `process.stdout`. */
  stream?: ProgressStream;
  /** Clock in milliseconds, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * Keras-style training output, driven by `fit`'s callback hooks (it needs `setParams` for the epoch
 * and step counts). verbose 2 (or 1 off a terminal) prints one line per epoch:
 * `Epoch 3/10 - 1.2s - loss: 0.0123 - mae: 0.0456 - val_loss: 0.0130`.
 * verbose 1 on a terminal draws a `cli-progress` bar with steps, ETA and the running loss and
 * metrics, replaced at the end of the epoch by a summary line that includes the validation values.
 */
export class ProgressLogger implements Callback {
  readonly verbose: 0 | 1 | 2;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private epochs: number | null = null;
  private steps: number | null = null;
  private epochStart = 0;
  private bar: SingleBar | null = null;

  constructor(options: ProgressLoggerOptions = {}) {
    checkOptions('ProgressLogger', options, ['verbose', 'stream', 'now']);
    this.verbose = checkVerbose('ProgressLogger', options.verbose ?? 1, [0, 1, 2] as const);
    const stream = options.stream as { write?: unknown } | undefined;
    if (stream !== undefined && (typeof stream !== 'object' || stream === null || typeof stream.write !== 'function')) {
      optionError('ProgressLogger', 'stream', 'a writable stream (an object with write(text))', options.stream);
    }
    this.stream = options.stream ?? process.stdout;
    this.now = options.now ?? Date.now;
  }

  /** True when a live bar is drawn (verbose 1 on a terminal). */
  get drawsBar(): boolean {
    return this.verbose === 1 && this.stream.isTTY === true;
  }

  setParams(params: TrainingParams): void {
    this.epochs = params.epochs;
    this.steps = params.steps;
  }

  onEpochBegin(epoch: number): void {
    this.epochStart = this.now();
    if (!this.drawsBar) return;
    this.stream.write(`${this.epochTitle(epoch)}\n`);
    this.bar = new SingleBar({
      stream: this.stream as NodeJS.WritableStream,
      format: '{value}/{total} [{bar}] - ETA: {eta_formatted}{metrics}',
      barsize: 30,
      barCompleteChar: '=',
      barIncompleteChar: '.',
      clearOnComplete: true,
      hideCursor: false,
      gracefulExit: false,
      etaBuffer: 20,
    });
    this.bar.start(this.steps ?? 0, 0, { metrics: '' });
  }

  onBatchEnd(batch: number, logs: Logs): void {
    this.bar?.update(batch + 1, { metrics: formatLogs(logs) });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (this.verbose === 0) return;
    const elapsed = formatSeconds(this.now() - this.epochStart);
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
      const steps = this.steps ?? 0;
      this.stream.write(`${steps}/${steps} [${'='.repeat(30)}] - ${elapsed}${formatLogs(logs)}\n`);
      return;
    }
    this.stream.write(`${this.epochTitle(epoch)} - ${elapsed}${formatLogs(logs)}\n`);
  }

  onTrainEnd(): void {
    // A run stopped mid-epoch (an error, stopTraining from a batch hook) must not leave a bar behind.
    this.bar?.stop();
    this.bar = null;
  }

  private epochTitle(epoch: number): string {
    return this.epochs === null ? `Epoch ${epoch + 1}` : `Epoch ${epoch + 1}/${this.epochs}`;
  }
}

/** ` - loss: 0.0123 - mae: 0.0456` in the order the logs hold them. */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([key, value]) => ` - ${key}: ${formatValue(value)}`)
    .join('');
}

/** Keras's rule: 4 decimals, or scientific notation for magnitudes up to 1e-3 (`1.2345e-05`). */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) > 1e-3) return value.toFixed(4);
  return value.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** `1.2s`, from milliseconds. */
function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
