import { ConfigError } from '../errors';
import type { Callback, TrainingControl } from '../train/callbacks';
import { checkMonitor, resolveMode, worstValue } from '../train/callbacks/monitor';
import { checkBoolean, checkPath, checkRequiredOptions, optionKeys } from '../options';
import { checkModelArgument, saveModel, type SaveableModel } from './save';

/** Options of {@link ModelCheckpoint}. */
export interface ModelCheckpointOptions {
  /**
   * Directory to save into. `{epoch}` becomes the 1-based epoch number and `{<log key>}` (e.g.
   * `{val_loss}`) that epoch's value with 4 decimals, e.g. `checkpoints/epoch-{epoch}`; a Python
   * format spec as Keras takes it shapes them (`{epoch:02d}`, `{val_loss:.2f}`, `{loss:.3e}`). A
   * key the epoch does not log is a `ConfigError` at that epoch's end, as Keras raises one.
   */
  filepath: string;
  /** The log value that decides "best" (default `'val_loss'`). */
  monitor?: string;
  /** Save only when `monitor` improves (default `false`: save every epoch). */
  saveBestOnly?: boolean;
  /** `'min'`, `'max'`, or `'auto'` (default: `'max'` for accuracy-like names, else `'min'`). */
  mode?: 'auto' | 'min' | 'max';
  /** The model to save; by default the one `fit` hands to `setModel`. */
  model?: SaveableModel;
}

const MODEL_CHECKPOINT_OPTION_KEYS = optionKeys<ModelCheckpointOptions>({
  filepath: true,
  monitor: true,
  saveBestOnly: true,
  mode: true,
  model: true,
});

/**
 * Saves the model (atomically, with optimizer state) at the end of each epoch, or only when the
 * monitored value improves. Pass it in `fit`'s `callbacks`.
 */
export class ModelCheckpoint implements Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly mode: 'min' | 'max';
  /** The best monitored value so far (`Infinity`/`-Infinity` before the first). */
  best: number;
  /** Directories written so far, in order. */
  readonly saved: string[] = [];
  private model: SaveableModel | null;
  private warnedMissing = false;

  constructor(options: ModelCheckpointOptions) {
    const owner = 'ModelCheckpoint';
    checkRequiredOptions(owner, options, MODEL_CHECKPOINT_OPTION_KEYS, "{ filepath: 'checkpoints/epoch-{epoch}' }");
    this.filepath = checkPath(owner, 'filepath', options.filepath);
    checkFields(this.filepath);
    this.monitor = checkMonitor(owner, options.monitor ?? 'val_loss');
    this.saveBestOnly = checkBoolean(owner, 'saveBestOnly', options.saveBestOnly, false);
    this.mode = resolveMode('ModelCheckpoint', options.mode ?? 'auto', this.monitor);
    this.best = worstValue(this.mode);
    if (options.model !== undefined) checkModelArgument(owner, options.model);
    this.model = options.model ?? null;
  }

  /** Receives the model being trained (`fit` passes the model itself as its `TrainingControl`). */
  setModel(control: TrainingControl): void {
    if (this.model) return;
    const candidate = control as unknown as Partial<SaveableModel>;
    if (typeof candidate.getConfig === 'function' && typeof candidate.stateDict === 'function' && Array.isArray(candidate.layers)) {
      this.model = candidate as SaveableModel;
    }
  }

  /** Saves into `filepath` (formatted for this epoch) unless `saveBestOnly` and no improvement. */
  async onEpochEnd(epoch: number, logs: Record<string, number> = {}): Promise<void> {
    if (!this.model) {
      throw new ConfigError("ModelCheckpoint has no model to save: pass it as the 'model' option");
    }
    const value = logs[this.monitor];
    if (this.saveBestOnly) {
      if (typeof value !== 'number' || Number.isNaN(value)) {
        if (!this.warnedMissing) {
          this.warnedMissing = true;
          const keys = Object.keys(logs).join(', ') || 'none';
          process.stderr.write(`ModelCheckpoint: '${this.monitor}' is not in the epoch logs (have: ${keys}); nothing saved. Use validationData or another monitor.\n`);
        }
        return;
      }
      const improved = this.mode === 'min' ? value < this.best : value > this.best;
      if (!improved) return;
      this.best = value;
    }
    const dir = this.formatPath(epoch, logs);
    await saveModel(this.model, dir);
    this.saved.push(dir);
  }

  private formatPath(epoch: number, logs: Record<string, number>): string {
    return this.filepath.replace(FIELD, (_whole, key: string, spec: string | undefined) => {
      const value = key === 'epoch' ? epoch + 1 : logs[key];
      if (typeof value !== 'number') {
        const held = ['epoch', ...Object.keys(logs)].map((k) => `{${k}}`).join(', ');
        throw new ConfigError(`ModelCheckpoint: filepath names {${key}}, which epoch ${epoch + 1} does not log; it can use ${held}`);
      }
      return formatField(value, key, spec);
    });
  }
}

/** `{key}` or `{key:spec}` in a filepath, as Python's str.format writes them (Keras formats its filepath so). */
const FIELD = /\{([A-Za-z_]\w*)(?::([^{}]*))?\}/g;
/** The format specs understood: [0][width][.precision][d|f|e], e.g. `02d`, `.2f`, `08.3e`. */
const SPEC = /^(0)?(\d+)?(?:\.(\d+))?([dfe])?$/;

/** Checks every field's spec of a filepath up front (the keys are known only at each epoch's end). */
function checkFields(filepath: string): void {
  for (const [, key, spec] of filepath.matchAll(FIELD)) {
    if (spec !== undefined && !SPEC.test(spec)) {
      throw new ConfigError(`ModelCheckpoint: filepath field {${key}:${spec}} has a format spec it does not know; it takes [0][width][.precision][d|f|e], e.g. {epoch:02d}, {val_loss:.2f}`);
    }
  }
}

/** A value as its field asks: no spec gives the epoch as it is and a log value with 4 decimals. */
function formatField(value: number, key: string, spec: string | undefined): string {
  if (spec === undefined) return key === 'epoch' ? String(value) : value.toFixed(4);
  const [, zero, width, precision, type] = SPEC.exec(spec)!;
  let text: string;
  if (type === 'd') {
    if (!Number.isInteger(value)) throw new ConfigError(`ModelCheckpoint: filepath field {${key}:${spec}} asks for an integer, but ${key} is ${value}`);
    text = String(value);
  } else if (type === 'e') {
    // Python writes the exponent with at least two digits (1.50e-03), JavaScript with one.
    text = value.toExponential(precision === undefined ? 6 : Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2');
  } else if (type === 'f' || precision !== undefined) {
    text = value.toFixed(precision === undefined ? 6 : Number(precision));
  } else {
    text = key === 'epoch' ? String(value) : value.toFixed(4);
  }
  if (width === undefined) return text;
  const sign = zero && text.startsWith('-') ? '-' : '';
  return sign + text.slice(sign.length).padStart(Number(width) - sign.length, zero ? '0' : ' ');
}
