import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import {
  CallbackList,
  EarlyStopping,
  History,
  ReduceLROnPlateau,
  TerminateOnNaN,
  type Callback,
  type CallbackLogger,
  type TrainingControl,
} from '../../src/train/callbacks';
import { SGD } from '../../src/train/optimizers';

/** A model stand-in: one weight whose value is the epoch it was last set in. */
function fakeControl(): TrainingControl & { weight: Float32Array } {
  const weight = new Float32Array([0]);
  return {
    stopTraining: false,
    optimizer: new SGD({ learningRate: 1 }),
    weight,
    getWeights: () => [weight.slice()],
    setWeights: (w) => weight.set(w[0]),
  };
}

function recordingLogger(): CallbackLogger & { lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return { lines, warnings, log: (m) => lines.push(m), warn: (m) => warnings.push(m) };
}

/** Runs epochs like `fit` does, with `values[e]` as the monitored value; returns the epochs run. */
async function train(callback: Callback, control: TrainingControl & { weight: Float32Array }, values: number[], key = 'val_loss'): Promise<number> {
  const list = new CallbackList([callback]);
  list.setModel(control);
  await list.onTrainBegin();
  let epochs = 0;
  for (let e = 0; e < values.length && !control.stopTraining; e++) {
    await list.onEpochBegin(e);
    control.weight[0] = e; // "training" this epoch
    await list.onEpochEnd(e, { loss: 1, [key]: values[e] });
    epochs++;
  }
  await list.onTrainEnd();
  return epochs;
}

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement', async () => {
    const control = fakeControl();
    const es = new EarlyStopping({ patience: 2 });
    // best at epoch 1; epochs 2 and 3 do not improve → stop at epoch 3.
    expect(await train(es, control, [1.0, 0.5, 0.6, 0.55, 0.1])).toBe(4);
    expect(control.stopTraining).toBe(true);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.best).toBe(0.5);
    expect(es.bestEpoch).toBe(1);
    expect(control.weight[0]).toBe(3); // weights not restored by default
  });

  it('patience 0 stops at the first epoch without improvement (never at epoch 0)', async () => {
    const control = fakeControl();
    expect(await train(new EarlyStopping(), control, [1, 1, 0.5])).toBe(2);
  });

  it('restoreBestWeights puts back the best epoch weights', async () => {
    const control = fakeControl();
    const logger = recordingLogger();
    const es = new EarlyStopping({ patience: 1, restoreBestWeights: true, verbose: 1, logger });
    await train(es, control, [0.9, 0.4, 0.7, 0.8]);
    expect(es.stoppedEpoch).toBe(2);
    expect(control.weight[0]).toBe(1);
    expect(logger.lines).toEqual(['Epoch 3: early stopping', 'Restoring model weights from the end of the best epoch: 2.']);
  });

  it('minDelta: smaller gains do not count as improvement', async () => {
    const es = new EarlyStopping({ patience: 1, minDelta: 0.1 });
    await train(es, fakeControl(), [1.0, 0.95, 0.92, 0.5]);
    expect(es.stoppedEpoch).toBe(1);
    expect(es.best).toBe(1.0);
  });

  it("mode 'auto' maximises accuracy-like monitors", async () => {
    const es = new EarlyStopping({ monitor: 'val_accuracy', patience: 1 });
    expect(es.mode).toBe('max');
    await train(es, fakeControl(), [0.5, 0.7, 0.6, 0.9], 'val_accuracy');
    expect(es.stoppedEpoch).toBe(2);
    expect(es.best).toBe(0.7);
  });

  it('baseline: patience keeps counting until the baseline is beaten', async () => {
    // Improvements above the baseline do not reset the wait, so the first stall (epoch 3, wait 4)
    // stops training; without a baseline the wait would be 1 there.
    const withBaseline = new EarlyStopping({ patience: 2, baseline: 0.3 });
    await train(withBaseline, fakeControl(), [0.9, 0.8, 0.7, 0.75, 0.2]);
    expect(withBaseline.stoppedEpoch).toBe(3);
    const without = new EarlyStopping({ patience: 2 });
    await train(without, fakeControl(), [0.9, 0.8, 0.7, 0.75, 0.2]);
    expect(without.stoppedEpoch).toBe(0);
  });

  it('startFromEpoch ignores warm-up epochs', async () => {
    const es = new EarlyStopping({ patience: 0, startFromEpoch: 2 });
    await train(es, fakeControl(), [0.1, 0.9, 0.8, 0.85]);
    expect(es.stoppedEpoch).toBe(3);
  });

  it('a missing monitor is warned about once and skipped, like Keras', async () => {
    const logger = recordingLogger();
    const control = fakeControl();
    const es = new EarlyStopping({ monitor: 'val_mae', logger });
    expect(await train(es, control, [1, 2, 3])).toBe(3);
    expect(control.stopTraining).toBe(false);
    expect(logger.warnings).toEqual([
      "EarlyStopping is conditioned on 'val_mae', which is not available; available keys are loss, val_loss. Skipping.",
    ]);
  });

  it('bad options are ConfigErrors naming the option', () => {
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(/EarlyStopping: patience must be a non-negative integer, got -1/);
    expect(() => new EarlyStopping({ patience: 1.5 })).toThrow(ConfigError);
    expect(() => new EarlyStopping({ mode: 'up' as 'min' })).toThrow(/EarlyStopping: mode must be one of 'auto', 'min', 'max', got 'up'/);
    expect(() => new EarlyStopping({ minDelta: -0.1 })).toThrow(/minDelta must/);
    expect(() => new EarlyStopping({ monitor: '' })).toThrow(/monitor must/);
    expect(() => new EarlyStopping({ restoreBestWeights: 1 as unknown as boolean })).toThrow(/restoreBestWeights must/);
    expect(() => new EarlyStopping({ startFromEpoch: -2 })).toThrow(/startFromEpoch must/);
    expect(() => new EarlyStopping({ baseline: NaN })).toThrow(/baseline must/);
    expect(() => new EarlyStopping({ verbose: 2 as 1 })).toThrow(/EarlyStopping: verbose must be 0 or 1, got 2/);
    expect(() => new EarlyStopping({ restore_best_weights: true } as never)).toThrow(/unknown option 'restore_best_weights'/);
  });

  it('using it without setModel is a ConfigError', () => {
    expect(() => new EarlyStopping().onEpochEnd(0, { val_loss: 1 })).toThrow(/setModel\(\) was not called/);
  });
});

describe('ReduceLROnPlateau', () => {
  it('multiplies the learning rate by factor after patience epochs, respecting cooldown and minLr', async () => {
    const control = fakeControl();
    const logger = recordingLogger();
    const cb = new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minLr: 0.2, verbose: 1, logger });
    const rates: number[] = [];
    const spy: Callback = { onEpochEnd: () => void rates.push(control.optimizer.learningRate) };
    const list = new CallbackList([cb, spy]);
    list.setModel(control);
    await list.onTrainBegin();
    const values = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    expect(cb.mode).toBe('min');
    for (let e = 0; e < values.length; e++) await list.onEpochEnd(e, { val_loss: values[e] });
    // Keras's counting: e0 best; e1 wait 1; e2 wait 2 → 0.5, cooldown 1; e3 cooldown ends (wait 0)
    // and counts (wait 1); e4 wait 2 → 0.25; e5 wait 1; e6 → max(0.125, minLr 0.2) = 0.2;
    // e7, e8: already at minLr, unchanged.
    expect(rates).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2]);
    expect(logger.lines[0]).toBe('Epoch 3: ReduceLROnPlateau reducing learning rate to 0.5.');
  });

  it('cooldown skips counting for that many epochs after a reduction', () => {
    const rates = (cooldown: number): number[] => {
      const control = fakeControl();
      const cb = new ReduceLROnPlateau({ factor: 0.5, patience: 1, cooldown });
      cb.setModel(control);
      cb.onTrainBegin();
      return [0, 1, 2, 3].map((e) => {
        cb.onEpochEnd(e, { val_loss: 1 });
        return control.optimizer.learningRate;
      });
    };
    expect(rates(0)).toEqual([1, 0.5, 0.25, 0.125]);
    expect(rates(2)).toEqual([1, 0.5, 0.5, 0.25]);
  });

  it('an improvement larger than minDelta resets the wait', async () => {
    const control = fakeControl();
    const cb = new ReduceLROnPlateau({ patience: 1, minDelta: 0.01 });
    cb.setModel(control);
    cb.onTrainBegin();
    cb.onEpochEnd(0, { val_loss: 1 });
    cb.onEpochEnd(1, { val_loss: 0.9 });
    expect(control.optimizer.learningRate).toBe(1);
    cb.onEpochEnd(2, { val_loss: 0.895 }); // not better by more than 0.01
    expect(control.optimizer.learningRate).toBeCloseTo(0.1, 12);
  });

  it('bad options are ConfigErrors naming the option', () => {
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/ReduceLROnPlateau: factor must be a number in \(0, 1\), got 1/);
    expect(() => new ReduceLROnPlateau({ patience: -1 })).toThrow(/patience must/);
    expect(() => new ReduceLROnPlateau({ cooldown: 0.5 })).toThrow(/cooldown must/);
    expect(() => new ReduceLROnPlateau({ minLr: -1 })).toThrow(/minLr must/);
    expect(() => new ReduceLROnPlateau({ minDelta: -1 })).toThrow(/minDelta must/);
    expect(() => new ReduceLROnPlateau({ mode: 'down' as 'min' })).toThrow(/mode must/);
  });
});

describe('TerminateOnNaN', () => {
  it('stops on a NaN or infinite batch loss', () => {
    const control = fakeControl();
    const logger = recordingLogger();
    const cb = new TerminateOnNaN({ logger });
    cb.setModel(control);
    cb.onBatchEnd(0, { loss: 0.5 });
    expect(control.stopTraining).toBe(false);
    cb.onBatchEnd(1, { loss: Infinity });
    expect(control.stopTraining).toBe(true);
    expect(logger.warnings).toEqual(['Batch 1: invalid loss Infinity, terminating training']);
  });
});

describe('History', () => {
  it('records every key per epoch, as properties too', async () => {
    const history = new History();
    const list = new CallbackList([history]);
    list.setParams({ epochs: 2, steps: 5 });
    await list.onTrainBegin();
    await list.onEpochEnd(0, { loss: 0.5, mae: 0.4, val_loss: 0.6 });
    await list.onEpochEnd(1, { loss: 0.3, mae: 0.2, val_loss: 0.4 });
    expect(history.epoch).toEqual([0, 1]);
    expect(history.loss).toEqual([0.5, 0.3]);
    expect(history.val_loss).toEqual([0.6, 0.4]);
    expect(history.history).toEqual({ loss: [0.5, 0.3], mae: [0.4, 0.2], val_loss: [0.6, 0.4] });
    expect((history as unknown as { mae: number[] }).mae).toEqual([0.4, 0.2]);
    expect(history.params).toEqual({ epochs: 2, steps: 5 });
  });
});

describe('CallbackList', () => {
  it('calls hooks in order and awaits promises before the next callback', async () => {
    const events: string[] = [];
    const slow: Callback = {
      onEpochEnd: async (epoch) => {
        await new Promise((r) => setTimeout(r, 5));
        events.push(`slow ${epoch}`);
      },
    };
    const fast: Callback = { onEpochEnd: (epoch) => void events.push(`fast ${epoch}`) };
    const list = new CallbackList([slow, fast]);
    await list.onEpochEnd(0, {});
    await list.onBatchEnd(0, {}); // hooks a callback lacks are skipped
    expect(events).toEqual(['slow 0', 'fast 0']);
  });

  it('rejects a non-object callback', () => {
    expect(() => new CallbackList([null as unknown as Callback])).toThrow(/callbacks\[0\] must be a Callback object/);
  });
});
