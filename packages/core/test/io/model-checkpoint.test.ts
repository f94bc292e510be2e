import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { loadModel } from '../../src/io/load';
import { ModelCheckpoint } from '../../src/io/model-checkpoint';
import { tempDir, trainedModel } from './helpers';

describe('ModelCheckpoint', () => {
  it('saves every epoch into a {epoch}-named directory', async () => {
    const { model } = await trainedModel();
    const root = tempDir();
    const cb = new ModelCheckpoint({ filepath: join(root, 'epoch-{epoch}'), model });
    await cb.onEpochEnd(0, { loss: 1 });
    await cb.onEpochEnd(1, { loss: 2 });
    expect(cb.saved).toEqual([join(root, 'epoch-1'), join(root, 'epoch-2')]);
    expect((await loadModel(join(root, 'epoch-2'))).layers).toHaveLength(3);
  });

  it('with saveBestOnly saves only improvements of the monitored value (min for losses, max for accuracy)', async () => {
    const { model } = await trainedModel();
    const root = tempDir();
    const byLoss = new ModelCheckpoint({ filepath: join(root, 'l{epoch}-{val_loss}'), saveBestOnly: true, model });
    for (const [e, v] of [0.5, 0.7, 0.4, 0.4].entries()) await byLoss.onEpochEnd(e, { loss: 1, val_loss: v });
    expect(byLoss.saved).toEqual([join(root, 'l1-0.5000'), join(root, 'l3-0.4000')]);
    expect(byLoss.best).toBe(0.4);
    const byAcc = new ModelCheckpoint({ filepath: join(root, 'a{epoch}'), monitor: 'val_accuracy', saveBestOnly: true, model });
    expect(byAcc.mode).toBe('max');
    for (const [e, v] of [0.5, 0.4, 0.9].entries()) await byAcc.onEpochEnd(e, { val_accuracy: v });
    expect(byAcc.saved).toEqual([join(root, 'a1'), join(root, 'a3')]);
  });

  it('picks up the model from setModel, as fit passes it', async () => {
    const { model } = await trainedModel();
    const root = tempDir();
    const cb = new ModelCheckpoint({ filepath: join(root, 'ckpt') });
    cb.setModel(model as never);
    await cb.onEpochEnd(0, { val_loss: 1 });
    expect(existsSync(join(root, 'ckpt', 'model.json'))).toBe(true);
  });

  it('works as a fit callback: keeps the best epoch by val_loss', async () => {
    const { model, x, y } = await trainedModel();
    const root = tempDir();
    const cb = new ModelCheckpoint({ filepath: join(root, 'best'), saveBestOnly: true });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 2, validationData: [x, y], verbose: 0, callbacks: [cb] });
    const best = Math.min(...history.val_loss!);
    expect(cb.best).toBe(best);
    expect(cb.saved.length).toBeGreaterThanOrEqual(1);
    const loaded = await loadModel(join(root, 'best'));
    expect(loaded.compileConfig).toEqual(model.compileConfig);
  });

  it('formats its filepath as Keras does: Python format specs, and a key the epoch does not log is an error', async () => {
    const { model } = await trainedModel();
    const root = tempDir();
    const cb = new ModelCheckpoint({ filepath: join(root, 'c-{epoch:02d}-{val_loss:.2f}-{loss:.3e}-{loss:08.3f}'), model });
    await cb.onEpochEnd(0, { loss: 0.0015, val_loss: 0.956 });
    expect(cb.saved).toEqual([join(root, 'c-01-0.96-1.500e-03-0000.002')]);
    const missing = new ModelCheckpoint({ filepath: join(root, 'v-{val_loss}'), model });
    await expect(missing.onEpochEnd(0, { loss: 1 })).rejects.toThrow(new ConfigError('ModelCheckpoint: filepath names {val_loss}, which epoch 1 does not log; it can use {epoch}, {loss}'));
    expect(() => new ModelCheckpoint({ filepath: 'x-{epoch:>5s}' })).toThrow(/filepath field \{epoch:>5s\} has a format spec it does not know/);
    const fraction = new ModelCheckpoint({ filepath: join(root, 'f-{loss:d}'), model });
    await expect(fraction.onEpochEnd(0, { loss: 0.5 })).rejects.toThrow(/asks for an integer, but loss is 0\.5/);
  });

  it('a file where a directory of its path goes is a ConfigError naming the path', async () => {
    const { model } = await trainedModel();
    const root = tempDir();
    writeFileSync(join(root, 'afile'), 'x');
    const cb = new ModelCheckpoint({ filepath: join(root, 'afile', 'sub-{epoch}'), model });
    await expect(cb.onEpochEnd(0, { loss: 1 })).rejects.toThrow(ConfigError);
    await expect(cb.onEpochEnd(0, { loss: 1 })).rejects.toThrow(/cannot save into .*afile\/sub-1: cannot create the directory \(ENOTDIR/);
  });

  it('rejects bad options', () => {
    expect(() => new ModelCheckpoint({ filepath: '' })).toThrow(ConfigError);
    expect(() => new ModelCheckpoint({ filepath: 'x', mode: 'best' as 'min' })).toThrow(/ModelCheckpoint: mode must be one of 'auto', 'min', 'max', got 'best'/);
  });
});
