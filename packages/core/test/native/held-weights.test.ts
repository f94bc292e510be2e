import { type Backend, workspaceSize } from '@rnn/backend-api';
import { describe, expect, it, vi } from 'vitest';
import { getBackend } from '../../src/backend/select';
import { Dense } from '../../src/layers/dense';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { describeEachCpuLevel, describeNative, nativeBinding } from './load';
import { bits } from './model-jobs';
import { forwardInput, type RandomKernelCase, randomKernelCase } from './random-kernel-case';

/**
 * Weights held constant (holdWeights, native/src/addon/held_weights.h): a forward call whose wIh or
 * wHh is held reuses the packing the first such call made, instead of packing again. Holding must
 * change no bit of any output, on every input path (a lone row's projections ahead, the fused input
 * product, the up-front projection), every cell, sync and async, and at every CPU level.
 */
type Variant = 'lstm' | 'gru' | 'gru-reset-before' | 'rnn';

/** The weights a case's forward calls read: the same two arrays on every call. */
interface Weights {
  wIh: Float32Array;
  wHh: Float32Array;
}

/**
 * A seeded forward case of `variant` at these sizes, its other options random, except that every
 * step counts and reads all of h (a padded row or a zero recurrent mask could hide a wrong W_hh).
 */
function forwardCase(variant: Variant, seed: number, shape: { T: number; B: number; I: number; H: number }): RandomKernelCase {
  const cell = variant === 'gru-reset-before' ? 'gru' : variant;
  const c = randomKernelCase(new Random(seed), seed, { cell, ...shape });
  c.resetAfter = variant === 'gru';
  c.inputs.mask = null;
  c.inputs.recurrentMask = null;
  return c;
}

/** One forward call of `c` reading `w` (inference: no workspace; training: with one); its outputs. */
async function forward(backend: Backend, c: RandomKernelCase, w: Weights, mode: 'sync' | 'async', training: boolean) {
  const { T, B, H, cell } = c;
  const v = c.inputs;
  const out = { y: new Float32Array(T * B * H), hT: new Float32Array(B * H), cT: new Float32Array(B * H) }; // [T, B, H], [B, H], [B, H]
  const workspace = training ? new Float32Array(workspaceSize(cell, { T, B, I: c.I, H })) : null;
  const args = {
    T, B, I: c.I, H, reverse: c.reverse, batchFirst: c.batchFirst, y: out.y, hT: out.hT, workspace,
    x: forwardInput(c), h0: v.h0, mask: v.mask, wIh: w.wIh, wHh: w.wHh, bIh: v.bIh, bHh: v.bHh, recurrentMask: v.recurrentMask,
  };
  const k = mode === 'async' ? backend.async! : backend;
  const gates = { activation: c.activation, recurrentActivation: c.recurrentActivation };
  if (cell === 'lstm') await k.lstmForward({ ...args, ...gates, cT: out.cT, c0: v.c0, peephole: v.peephole });
  else if (cell === 'gru') await k.gruForward({ ...args, ...gates, resetAfter: c.resetAfter });
  else await k.rnnForward({ ...args, activation: c.activation });
  return { y: bits(out.y), hT: bits(out.hT), cT: bits(out.cT), workspace: workspace && bits(workspace) };
}

const counts = () => nativeBinding!.heldWeightCounts();

describeNative('weights held constant', (nativeBackend) => {
  const shapes = [
    { T: 50, B: 1, I: 64, H: 128 }, // a lone row: projections ahead at avx512
    { T: 13, B: 1, I: 70, H: 40 }, // a partial tile
    { T: 4, B: 64, I: 24, H: 48 }, // rows enough for the fused input product
    { T: 6, B: 5, I: 9, H: 17 }, // projected up front
  ];
  describeEachCpuLevel(() => {
    for (const variant of ['lstm', 'gru', 'gru-reset-before', 'rnn'] as const) {
      shapes.forEach((shape, i) => {
        it(`${variant} B=${shape.B} T=${shape.T} I=${shape.I} H=${shape.H}: the packing is reused, every output bit the same`, async () => {
          const c = forwardCase(variant, 900 + 10 * i + variant.length, shape);
          const w: Weights = { wIh: c.inputs.wIh!.slice(), wHh: c.inputs.wHh!.slice() };
          const training = i % 2 === 1;
          const plain = await forward(nativeBackend, c, w, 'sync', training);
          nativeBinding!.holdWeights([w.wIh, w.wHh]);
          try {
            const before = counts();
            const first = await forward(nativeBackend, c, w, 'sync', training);
            const afterFirst = counts();
            const second = await forward(nativeBackend, c, w, 'async', training);
            const afterSecond = counts();
            expect(first).toEqual(plain);
            expect(second).toEqual(plain);
            const made = afterFirst.made - before.made;
            expect(made).toBeGreaterThan(0); // at least W_hh
            // The second call packs nothing and reuses what the first made.
            expect(afterSecond.made - afterFirst.made).toBe(0);
            expect(afterSecond.reused - afterFirst.reused).toBe(made);
          } finally {
            nativeBinding!.releaseWeights([w.wIh, w.wHh]);
          }
          const released = counts();
          expect(await forward(nativeBackend, c, w, 'sync', training)).toEqual(plain);
          expect(counts()).toEqual(released); // released: packed by the call itself again
        });
      });
    }
  });

  it('one hold serves every CPU level, each with its own packing, and gives that level’s bits', async () => {
    const c = forwardCase('lstm', 990, { T: 20, B: 1, I: 30, H: 70 });
    const w: Weights = { wIh: c.inputs.wIh!.slice(), wHh: c.inputs.wHh!.slice() };
    const before = nativeBinding!.cpuInfo().level;
    const levels = nativeBinding!.cpuInfo().available;
    try {
      const plain = [];
      for (const level of levels) {
        nativeBinding!.setCpuLevel(level);
        plain.push(await forward(nativeBackend, c, w, 'sync', false));
      }
      nativeBinding!.holdWeights([w.wIh, w.wHh]);
      for (let round = 0; round < 2; round++) {
        for (const [j, level] of levels.entries()) {
          nativeBinding!.setCpuLevel(level);
          expect(await forward(nativeBackend, c, w, 'sync', false), `${level}, round ${round}`).toEqual(plain[j]);
        }
      }
    } finally {
      nativeBinding!.releaseWeights([w.wIh, w.wHh]);
      nativeBinding!.setCpuLevel(before);
    }
  });

  it('needs the same memory and length: a call reading a shorter view of a held array packs its own', async () => {
    const c = forwardCase('gru', 991, { T: 8, B: 1, I: 12, H: 20 });
    const longer = new Float32Array(c.inputs.wHh!.length + 4);
    longer.set(c.inputs.wHh!);
    const w: Weights = { wIh: c.inputs.wIh!.slice(), wHh: longer.subarray(0, c.inputs.wHh!.length) };
    nativeBinding!.holdWeights([longer]);
    try {
      const before = counts();
      await forward(nativeBackend, c, w, 'sync', false);
      expect(counts()).toEqual(before);
    } finally {
      nativeBinding!.releaseWeights([longer]);
    }
  });

  it('counts holds: an array held twice stays held until released twice', async () => {
    const c = forwardCase('rnn', 992, { T: 5, B: 1, I: 6, H: 7 });
    const w: Weights = { wIh: c.inputs.wIh!.slice(), wHh: c.inputs.wHh!.slice() };
    nativeBinding!.holdWeights([w.wHh]);
    nativeBinding!.holdWeights([w.wHh]);
    nativeBinding!.releaseWeights([w.wHh]);
    const before = counts();
    await forward(nativeBackend, c, w, 'sync', false);
    await forward(nativeBackend, c, w, 'sync', false);
    const after = counts();
    expect(after.made - before.made).toBe(1);
    expect(after.reused - before.reused).toBe(1);
    nativeBinding!.releaseWeights([w.wHh]);
    nativeBinding!.releaseWeights([w.wHh]); // not held any more: ignored
    await forward(nativeBackend, c, w, 'sync', false);
    expect(counts()).toEqual(after);
  });

  it("a Predictor's calls reuse their packing, the model's own calls pack again, and dispose() releases it", async () => {
    // The model must run on native even in the suite's fallback run (the first getBackend() call decides).
    const forced = process.env.RNN_BACKEND;
    process.env.RNN_BACKEND = 'native';
    expect(getBackend().details().name).toBe('native');
    if (forced === undefined) delete process.env.RNN_BACKEND;
    else process.env.RNN_BACKEND = forced;
    const model = new Sequential([new LSTM({ units: 32, inputShape: [10, 8] }), new Dense({ units: 1 })], { seed: 9 });
    const x = new Tensor(Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)), [1, 10, 8]);
    const holds = getBackend().holds;
    const hold = vi.spyOn(holds, 'hold');
    const release = vi.spyOn(holds, 'release');
    try {
      const predictor = model.predictor();
      await predictor.predict(x);
      const warm = counts();
      await predictor.predict(x);
      await predictor.predict(x);
      const served = counts();
      expect(served.made).toBe(warm.made);
      expect(served.reused - warm.reused).toBeGreaterThanOrEqual(2);
      await model.predict(x);
      expect(counts()).toEqual(served);
      // dispose() releases exactly the arrays predictor() held, once (by identity: another
      // predictor collected meanwhile would release its own).
      expect(hold).toHaveBeenCalledTimes(1);
      const heldArrays = hold.mock.calls[0][0];
      const releasesOfIt = () => release.mock.calls.filter(([arrays]) => arrays === heldArrays).length;
      expect(releasesOfIt()).toBe(0);
      predictor.dispose();
      predictor.dispose();
      expect(releasesOfIt()).toBe(1);
    } finally {
      hold.mockRestore();
      release.mockRestore();
    }
  });

  describe('refuses what it cannot hold, with a TypeError naming the element', () => {
    const detached = new Float32Array(4);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const cases: [string, unknown, RegExp][] = [
      ['not an array', new Float32Array(3), /^holdWeights: arrays must be an array of Float32Arrays, got a Float32Array of length 3$/],
      ['a Float64Array', [new Float32Array(2), new Float64Array(2)], /^holdWeights: arrays\[1\] must be a Float32Array over an attached, unshared ArrayBuffer, got /],
      ['a shared buffer', [new Float32Array(new SharedArrayBuffer(16))], /^holdWeights: arrays\[0\] must be .* got /],
      ['a detached buffer', [detached], /^holdWeights: arrays\[0\] must be .* got /],
    ];
    for (const [what, value, message] of cases) {
      it(what, () => {
        expect(() => nativeBinding!.holdWeights(value as Float32Array[])).toThrow(TypeError);
        expect(() => nativeBinding!.holdWeights(value as Float32Array[])).toThrow(message);
      });
    }
    it('releaseWeights the same way', () => {
      expect(() => nativeBinding!.releaseWeights([null] as unknown as Float32Array[])).toThrow(/^releaseWeights: arrays\[0\] must be /);
    });
  });
});
