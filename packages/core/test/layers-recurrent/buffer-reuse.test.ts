import { describe, expect, it } from 'vitest';
import { Dense } from '../../src/layers/dense';
import { Bidirectional } from '../../src/layers/bidirectional';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { ScratchPool } from '../../src/layers/scratch-buffers';
import { flipSteps, swapLeadingAxes, toBatchFirst, toTimeMajor } from '../../src/layers/sequence-layout';
import { takeRows } from '../../src/model/batching';
import { Tensor } from '../../src/tensor';
import { context, randomTensor } from './helpers';

/** Element [i, j, k] of a row-major [a, c, f] buffer. */
const at = (src: Float32Array, c: number, f: number, i: number, j: number, k: number): number => src[(i * c + j) * f + k];

describe('layout copies', () => {
  it('toTimeMajor / toBatchFirst transpose (and flip) feature rows exactly, for odd, even and misaligned rows', () => {
    for (const [B, T, F] of [[3, 4, 1], [3, 4, 5], [2, 5, 6], [4, 3, 64]]) {
      const base = Float32Array.from({ length: B * T * F + 1 }, (_, i) => i * 0.5 - 7);
      for (const src of [base.subarray(0, B * T * F), base.subarray(1)]) {
        for (const reverse of [false, true]) {
          const tm = toTimeMajor(src, B, T, F, undefined, reverse); // [T, B, F]
          const bf = toBatchFirst(tm, T, B, F, new Float32Array(src.length), reverse); // [B, T, F]
          for (let b = 0; b < B; b++) {
            for (let t = 0; t < T; t++) {
              for (let k = 0; k < F; k++) {
                expect(at(tm, B, F, t, b, k)).toBe(at(src, T, F, b, reverse ? T - 1 - t : t, k));
              }
            }
          }
          expect(Array.from(bf)).toEqual(Array.from(src));
        }
        expect(Array.from(swapLeadingAxes(src, B, T, F))).toEqual(Array.from(toTimeMajor(src, B, T, F)));
        const flipped = flipSteps(src, B, T, F);
        for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) expect(at(flipped, T, F, b, t, 0)).toBe(at(src, T, F, b, T - 1 - t, 0));
      }
    }
  });

  it('copies every bit pattern, NaN payloads included', () => {
    const bits = Uint32Array.from([0x7fa00001, 0x7ff00001, 0xffffffff, 0xfff7ffff, 0x00000001, 0x80000000, 0x7f800000, 0x3f800000]);
    const src = new Float32Array(bits.buffer); // [B=2, T=2, F=2]
    const out = toBatchFirst(toTimeMajor(src, 2, 2, 2), 2, 2, 2);
    expect(Array.from(new Uint32Array(out.buffer))).toEqual(Array.from(bits));
  });

  it('takeRows gathers rows into a reused buffer, short and long samples alike', () => {
    for (const size of [1, 3, 600]) {
      const t = new Tensor(Float32Array.from({ length: 5 * size }, (_, i) => i), [5, size]);
      const order = Uint32Array.from([4, 0, 3, 1, 2]);
      const out = new Float32Array(3 * size);
      const got = takeRows(t, order, 1, 4, out);
      expect(got.data).toBe(out);
      expect(Array.from(got.data)).toEqual([0, 3, 1].flatMap((r) => Array.from(t.data.subarray(r * size, (r + 1) * size))));
      expect(Array.from(takeRows(t, order, 1, 4).data)).toEqual(Array.from(got.data));
    }
  });
});

describe('recurrent layers reuse their scratch buffers safely', () => {
  it('outputs and states returned by apply() survive later calls (inference and training)', async () => {
    for (const training of [false, true]) {
      for (const returnSequences of [false, true]) {
        const layer = new LSTM({ units: 4, returnSequences, seed: 3 });
        const x1 = randomTensor([2, 3, 5], 1);
        const first = await layer.apply(x1, { training });
        const keep = [first.output, ...first.states].map((t) => Array.from(t.data));
        await layer.apply(randomTensor([2, 3, 5], 2), { training });
        await layer.apply(randomTensor([3, 4, 5], 3), { training }); // a new shape reallocates
        expect([first.output, ...first.states].map((t) => Array.from(t.data))).toEqual(keep);
        const again = await new LSTM({ units: 4, returnSequences, seed: 3 }).apply(x1, { training });
        expect(Array.from(again.output.data)).toEqual(keep[0]);
      }
    }
  });

  it("a model's forward pass hands on outputs that equal apply()'s, are new every call and survive later calls", async () => {
    // forwardValue (the pass a model's predict and fit run) returns no states: the final states that
    // do not leave the call are reused buffers, the output h of a layer that returns its last step
    // is new every call.
    for (const training of [false, true]) {
      for (const returnSequences of [false, true]) {
        for (const make of [() => new LSTM({ units: 4, returnSequences, seed: 3 }), () => new GRU({ units: 4, returnSequences, seed: 3 })]) {
          const layer = make();
          const x1 = randomTensor([2, 3, 5], 1);
          const first = await layer.forwardValue(x1, null, context(training), false);
          expect(first.y.shape).toEqual(returnSequences ? [2, 3, 4] : [2, 4]);
          const keep = Array.from(first.y.data);
          expect(keep).toEqual(Array.from((await make().apply(x1, { training, backend: context(training).backend })).output.data));
          const second = await layer.forwardValue(randomTensor([2, 3, 5], 2), null, context(training), false);
          expect(second.y.data).not.toBe(first.y.data);
          await layer.forwardValue(randomTensor([3, 4, 5], 3), null, context(training), false); // a new shape reallocates
          expect(Array.from(first.y.data)).toEqual(keep);
        }
      }
    }
  });

  it('overlapping calls on one layer do not share buffers, also when they reuse pooled sets', async () => {
    for (const returnSequences of [true, false]) {
      const layer = new GRU({ units: 6, returnSequences, seed: 4 });
      const xs = [1, 2, 3].map((s) => randomTensor([3, 7, 4], s));
      const alone = [];
      for (const x of xs) alone.push(Array.from((await layer.apply(x)).output.data));
      for (let round = 0; round < 2; round++) {
        // The second round takes the sets the first one gave back.
        const together = await Promise.all(xs.map((x) => layer.apply(x)));
        expect(together.map((r) => Array.from(r.output.data))).toEqual(alone);
      }
    }
  });

  it('a scratch pool hands each call in flight its own set and reuses given-back sets, keeping at most `keep`', () => {
    const pool = new ScratchPool(2);
    const [a, b, c] = [pool.take(), pool.take(), pool.take()];
    expect(new Set([a, b, c]).size).toBe(3);
    for (const set of [a, b, c]) pool.give(set); // c is beyond `keep`: dropped
    const again = [pool.take(), pool.take(), pool.take()];
    expect(again.slice(0, 2)).toEqual([b, a]);
    expect([a, b, c]).not.toContain(again[2]);
  });

  it('backward without the input gradient returns null and accumulates the same weight gradients', async () => {
    for (const goBackwards of [false, true]) {
      const grads: Float32Array[][] = [];
      const dxs: (Tensor | null)[] = [];
      for (const needsInputGradient of [true, false]) {
        const layer = new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true, goBackwards }), seed: 5 });
        const ctx = context(true);
        const x = randomTensor([2, 4, 3], 6);
        const { y } = await layer.forward(x, null, ctx);
        dxs.push(await layer.backward(randomTensor(y.shape, 7), ctx, needsInputGradient));
        grads.push(layer.parameters().map((p) => p.grad.slice()));
      }
      expect(dxs[0]).not.toBeNull();
      expect(dxs[1]).toBeNull();
      expect(grads[1].map((g) => Array.from(g))).toEqual(grads[0].map((g) => Array.from(g)));
    }
  });

  it('a training step after another gives the same gradients as a fresh layer (reused workspace)', async () => {
    const make = (): LSTM => new LSTM({ units: 5, returnSequences: true, seed: 8 });
    const x = randomTensor([3, 6, 4], 9);
    const dy = randomTensor([3, 6, 5], 10);
    const reused = make();
    for (const s of [11, 12]) {
      const ctx = context(true);
      await reused.forward(randomTensor([3, 6, 4], s), null, ctx);
      await reused.backward(randomTensor([3, 6, 5], s + 1), ctx);
    }
    for (const p of reused.parameters()) p.grad.fill(0);
    const fresh = make();
    const results = [];
    for (const layer of [reused, fresh]) {
      const ctx = context(true);
      await layer.forward(x, null, ctx);
      const dx = (await layer.backward(dy, ctx))!;
      results.push({ dx: Array.from(dx.data), grads: layer.parameters().map((p) => Array.from(p.grad)) });
    }
    // The reused layer's weights are those of the fresh one (backward does not update weights).
    expect(results[0]).toEqual(results[1]);
  });

  it('Dense skips dx when not needed, with the same weight gradients', async () => {
    const grads: number[][][] = [];
    for (const needsInputGradient of [true, false]) {
      const layer = new Dense({ units: 3, activation: 'tanh' });
      const { Random } = await import('../../src/random');
      layer.build([4], new Random(1));
      const ctx = context(true);
      await layer.forward(randomTensor([5, 4], 2), null, ctx);
      const dx = await layer.backward(randomTensor([5, 3], 3), ctx, needsInputGradient);
      expect(dx === null).toBe(!needsInputGradient);
      grads.push(layer.parameters().map((p) => Array.from(p.grad)));
    }
    expect(grads[1]).toEqual(grads[0]);
  });
});
