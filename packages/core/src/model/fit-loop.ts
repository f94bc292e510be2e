import { DataError, ShapeError, TrainingDivergedError } from '../errors';
import type { Random } from '../random';
import type { Tensor, TensorLike } from '../tensor';
import { CallbackList, History, TerminateOnNaN, type Callback, type TrainingControl } from '../train/callbacks';
import { ProgressLogger } from '../train/progress-logger';
import { checkBoolean, checkCount, checkNumber, checkOptions, checkVerbose, optionError, optionKeys } from '../options';
import { ScratchBuffers } from '../layers/scratch-buffers';
import { identityOrder, sampleSize, sliceRows, takeRows, yieldToEventLoop } from './batching';
import { toDataTensor } from './data-checks';
import type { RunningMetric } from './inference';
import { resolveWeights, toSampleWeight, type NamedWeights, type WeightOptions } from './sample-weights';
import type { StepResult } from './train-step';

/** Options of `fit` (Keras names and defaults). */
export interface FitOptions extends WeightOptions {
  /** Index of the last epoch + 1 (Keras semantics with `initialEpoch`); default 1. */
  epochs?: number;
  /** Samples per optimizer step; default 32. */
  batchSize?: number;
  /** `[x, y]` or `[x, y, sampleWeight]` evaluated after every epoch (reported as `val_loss`, `val_<metric>`); null for none. */
  validationData?: [TensorLike, TensorLike] | [TensorLike, TensorLike, TensorLike] | null;
  /**
   * Fraction in [0, 1) of the data held out for validation: the LAST samples, taken before shuffling.
   * Their `sampleWeight` goes with them; `classWeight` applies to training only (as in Keras).
   */
  validationSplit?: number;
  /** Shuffle the training samples every epoch (seeded by the model); default true. */
  shuffle?: boolean;
  /** 0 = silent, 1 = progress bar (on a TTY), 2 = one line per epoch; default 1. */
  verbose?: 0 | 1 | 2;
  /** Called around training, epochs and batches, in order. */
  callbacks?: Callback[];
  /** Epoch to start from (for resuming); default 0. */
  initialEpoch?: number;
}

const FIT_OPTION_KEYS = optionKeys<FitOptions>({
  epochs: true,
  batchSize: true,
  validationData: true,
  validationSplit: true,
  shuffle: true,
  verbose: true,
  callbacks: true,
  initialEpoch: true,
  sampleWeight: true,
  classWeight: true,
});

/** What the loop needs from the model. */
export interface FitHost {
  /** The model as callbacks see it; `stopTraining` is read after every batch and epoch. */
  control: TrainingControl;
  /** Seeded randomness for shuffling. */
  rng: Random;
  /** The compiled loss's name (decides how `classWeight` reads the targets). */
  lossName: string;
  /** One optimizer step; throws `TrainingDivergedError` (weights restored) on a non-finite loss or weights. */
  trainBatch(x: Tensor, y: Tensor, weights: NamedWeights | null, where: string): Promise<StepResult>;
  /** Fresh metric accumulators, as compiled. */
  newMetrics(): RunningMetric[];
  /** Loss and metrics over a data set, without training. */
  evaluate(x: Tensor, y: Tensor, weights: NamedWeights | null, batchSize: number): Promise<Record<string, number>>;
  /** Checks validation data against the model (batch agreement, input shape). */
  checkValidation(x: Tensor, y: Tensor): void;
  /** Runs a callback hook alone on the model (it may replace weights; no `predict` runs meanwhile). */
  exclusive?<T>(task: () => Promise<T>): Promise<T>;
  /** The stateful layer's name when the model carries states from batch to batch (batches must all be one size). */
  statefulLayer?: string;
}

/**
 * A stateful model carries its states from batch to batch, so every batch must have `batchSize`
 * samples: a ShapeError before training, rather than at the short last batch after the others trained.
 */
function checkStatefulBatches(layer: string | undefined, batchSize: number, samples: number, validation: number | null): void {
  if (layer === undefined) return;
  for (const [what, count] of [['training samples', samples], ['validation samples', validation]] as const) {
    if (count !== null && count % batchSize !== 0) {
      throw new ShapeError(
        `fit: ${layer} is stateful, so every batch must hold batchSize = ${batchSize} samples, but the ${count} ${what} leave a last batch of ${count % batchSize}; give a batchSize that divides ${count}`,
      );
    }
  }
}

/** Validated options with defaults filled in. */
interface FitSettings {
  epochs: number;
  initialEpoch: number;
  batchSize: number;
  validationSplit: number;
  shuffle: boolean;
  verbose: 0 | 1 | 2;
  callbacks: Callback[];
}

function parseFitOptions(options: FitOptions): FitSettings {
  checkOptions('fit', options, FIT_OPTION_KEYS);
  const callbacks = options.callbacks ?? [];
  if (!Array.isArray(callbacks)) optionError('fit', 'callbacks', 'an array', callbacks);
  // Checked here, by the caller's own index (the list fit builds puts its History first).
  callbacks.forEach((c, i) => {
    if (c === null || typeof c !== 'object') optionError('fit', `callbacks[${i}]`, 'a Callback object', c);
  });
  return {
    epochs: checkCount('fit', 'epochs', options.epochs ?? 1),
    initialEpoch: checkCount('fit', 'initialEpoch', options.initialEpoch ?? 0, 0),
    batchSize: checkCount('fit', 'batchSize', options.batchSize ?? 32),
    validationSplit: checkNumber('fit', 'validationSplit', options.validationSplit ?? 0, { min: 0, below: 1 }),
    shuffle: checkBoolean('fit', 'shuffle', options.shuffle, true),
    verbose: checkVerbose('fit', options.verbose ?? 1, [0, 1, 2] as const),
    callbacks,
  };
}

/** One data set with its optional per-sample weights. */
interface WeightedData {
  x: Tensor;
  y: Tensor;
  w: NamedWeights | null;
}

const sliceWeights = (w: NamedWeights | null, start: number, end: number): NamedWeights | null =>
  w && { option: w.option, values: sliceRows(w.values, start, end) };

/** Training and validation tensors (and weights) after `validationSplit` / `validationData`. */
function splitData(host: FitHost, x: Tensor, y: Tensor, w: NamedWeights | null, options: FitOptions, split: number): WeightedData & { val: WeightedData | null } {
  // null is no validation data, as Keras's validation_data=None.
  if (options.validationData !== undefined && options.validationData !== null) {
    const vd = options.validationData;
    if (!Array.isArray(vd) || (vd.length !== 2 && vd.length !== 3)) {
      optionError('fit', 'validationData', '[x, y] or [x, y, sampleWeight]', vd);
    }
    const vx = toDataTensor(vd[0], 'validationData x');
    const vy = toDataTensor(vd[1], 'validationData y');
    host.checkValidation(vx, vy);
    const vw = vd.length === 3 ? toSampleWeight('fit', vd[2], vx.shape[0], 'validationData sampleWeight') : null;
    return { x, y, w, val: { x: vx, y: vy, w: vw && { option: 'sampleWeight', values: vw } } };
  }
  if (split === 0) return { x, y, w, val: null };
  // Keras: the last fraction of the samples, before any shuffling.
  const n = x.shape[0];
  const at = Math.floor(n * (1 - split));
  if (at === 0 || at === n) {
    throw new DataError(`fit: validationSplit ${split} of ${n} samples leaves ${at === 0 ? 'no training' : 'no validation'} samples`);
  }
  const valWeights = w?.option === 'sampleWeight' ? sliceWeights(w, at, n) : null; // Keras: class weights train only
  return {
    x: sliceRows(x, 0, at),
    y: sliceRows(y, 0, at),
    w: sliceWeights(w, 0, at),
    val: { x: sliceRows(x, at, n), y: sliceRows(y, at, n), w: valWeights },
  };
}

/**
 * Keras's `fit` loop: per epoch, shuffle, then per batch zero grads → forward → loss → backward →
 * optimizer step → metrics → callbacks, yielding to the event loop between batches; after each
 * epoch, validation and `onEpochEnd`. Epoch `loss` is the batch losses' mean weighted by batch size.
 */
export async function runFit(host: FitHost, x: Tensor, y: Tensor, options: FitOptions): Promise<History> {
  const settings = parseFitOptions(options ?? {});
  const weights = resolveWeights('fit', options ?? {}, y, host.lossName);
  const data = splitData(host, x, y, weights, options ?? {}, settings.validationSplit);
  const n = data.x.shape[0];
  const steps = Math.ceil(n / settings.batchSize);
  checkStatefulBatches(host.statefulLayer, settings.batchSize, n, data.val?.x.shape[0] ?? null);
  const history = new History();
  // As in Keras, History comes after the caller's callbacks (it records what they add to the logs),
  // and no default progress output is added beside a ProgressLogger of the caller's.
  const callbacks = new CallbackList([...settings.callbacks, history], host.exclusive?.bind(host));
  const ownProgress = settings.callbacks.some((c) => c instanceof ProgressLogger);
  if (settings.verbose > 0 && !ownProgress) callbacks.add(new ProgressLogger({ verbose: settings.verbose }));
  const control = host.control;
  control.stopTraining = false;
  callbacks.setModel(control);
  callbacks.setParams({
    epochs: settings.epochs,
    steps,
    samples: n,
    batchSize: settings.batchSize,
    verbose: settings.verbose,
    initialEpoch: settings.initialEpoch,
  });

  // Each batch's x, y and weights are copied into buffers reused from batch to batch (reallocated
  // only for a last, shorter batch). Lifetime: one batch — its training step and metric updates;
  // the layers keep nothing of their input past the step (recurrent layers copy it, Dense keeps it
  // only until its backward).
  const batchBuffers = new ScratchBuffers();
  // Without shuffling a batch is a contiguous range of rows: a view, no copy at all.
  const batchRows = (role: string, t: Tensor, order: Uint32Array, start: number, end: number): Tensor =>
    settings.shuffle
      ? takeRows(t, order, start, end, batchBuffers.take(role, (end - start) * sampleSize(t)))
      : sliceRows(t, start, end);
  let logs: Record<string, number> = {};
  const terminatesOnNaN = settings.callbacks.some((c) => c instanceof TerminateOnNaN);
  await callbacks.onTrainBegin({});
  try {
    for (let epoch = settings.initialEpoch; epoch < settings.epochs && !control.stopTraining; epoch++) {
      await callbacks.onEpochBegin(epoch, {});
      const order = settings.shuffle ? host.rng.shuffle(identityOrder(n)) : identityOrder(n); // [n] sample indices
      const metrics = host.newMetrics();
      let lossSum = 0;
      let seen = 0;
      for (let batch = 0; batch < steps; batch++) {
        const start = batch * settings.batchSize;
        const end = Math.min(n, start + settings.batchSize);
        const bx = batchRows('x', data.x, order, start, end); // [end − start, …sample]
        const by = batchRows('y', data.y, order, start, end); // [end − start, …target]
        const bw = data.w && { option: data.w.option, values: batchRows('w', data.w.values, order, start, end) };
        await callbacks.onBatchBegin(batch, { batch, size: end - start });
        let result: Awaited<ReturnType<FitHost['trainBatch']>>;
        try {
          result = await host.trainBatch(bx, by, bw, `epoch ${epoch + 1}, batch ${batch + 1}`);
        } catch (err) {
          // With TerminateOnNaN, a non-finite batch loss ends training as in Keras (fit returns), with
          // the weights the guard put back; without it, it is an error.
          if (!(err instanceof TrainingDivergedError && err.nonFiniteLoss !== undefined && terminatesOnNaN)) throw err;
          // As Keras's running mean would: the epoch's loss is the non-finite one from here on.
          logs = { ...logs, loss: err.nonFiniteLoss };
          seen += end - start;
          await callbacks.onBatchEnd(batch, { ...logs });
          control.stopTraining = true;
          break;
        }
        lossSum += result.loss * (end - start);
        seen += end - start;
        for (const m of metrics) m.update(result.pred, by, result.metricWeights);
        logs = { loss: lossSum / seen };
        for (const m of metrics) logs[m.name] = m.result();
        await callbacks.onBatchEnd(batch, { ...logs });
        await yieldToEventLoop();
        if (control.stopTraining) break;
      }
      if (data.val) {
        const valLogs = await host.evaluate(data.val.x, data.val.y, data.val.w, settings.batchSize);
        for (const [key, value] of Object.entries(valLogs)) logs[`val_${key}`] = value;
      }
      await callbacks.onEpochEnd(epoch, { ...logs });
    }
  } catch (err) {
    // Let progress output close cleanly, then report the original error. Only that: as in Keras, no
    // other callback's onTrainEnd runs (EarlyStopping's would put its best weights over the weights
    // a diverged step was undone to).
    for (const c of callbacks.callbacks) if (c instanceof ProgressLogger) await Promise.resolve(c.onTrainEnd()).catch(() => undefined);
    throw err;
  }
  await callbacks.onTrainEnd({ ...logs });
  return history;
}
