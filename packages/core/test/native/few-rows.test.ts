import type { Backend } from '@rnn/backend-api';
import { fallbackBackend } from '@rnn/fallback';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/random';
import { bitDifferences, compareOutputs } from './compare-outputs';
import { describeEachCpuLevel, describeNative, nativeBinding } from './load';
import { type CaseOutputs, forwardInput, type RandomKernelCase, randomKernelCase } from './random-kernel-case';

/**
 * Inference forward calls (no workspace) of 2 or 3 rows, while each row gets a thread of its own
 * (`loneRows()`: min(3, the split width)), run each row as the one-row call on that row alone
 * (native/src/kernels/sequence_driver.h): a row's y, hT and cT are the bits of the one-row call, at
 * every step-kernel level, whether the rows get a thread each or (rows of little work: loneRowMacs,
 * split-width.test.ts) run one after another on the calling thread; both are run here, the first by
 * setting loneRowMacs to 0. With fewer threads than rows the rows run together as before. Either
 * way they agree with the fallback (tolerance: compare-outputs.ts). A Predictor batches concurrent
 * one-row calls on this (test/model/predictor.test.ts). Random cells, activations, masks, initial
 * states, recurrent masks and directions (random-kernel-case.ts); I = 64, H = 128 gives the lone-row
 * path that computes its projections ahead at AVX-512.
 */

/**
 * The case's inference forward on `backend`: y [T, B, H] (unless `finalStatesOnly`: the call passes
 * `y: null`), hT [B, H] and (LSTM) cT [B, H].
 */
async function inferenceForward(backend: Backend, c: RandomKernelCase, finalStatesOnly = false): Promise<CaseOutputs> {
  const { cell, T, B, I, H, reverse } = c;
  const v = c.inputs;
  const y = finalStatesOnly ? null : new Float32Array(T * B * H); // [T, B, H]
  const out: CaseOutputs = { ...(y ? { y } : {}), hT: new Float32Array(B * H) };
  const forward = {
    T, B, I, H, reverse, batchFirst: c.batchFirst, y, hT: out.hT, workspace: null,
    x: forwardInput(c), h0: v.h0, mask: v.mask, wIh: v.wIh!, wHh: v.wHh!, bIh: v.bIh, bHh: v.bHh, recurrentMask: v.recurrentMask,
  };
  const k = backend.async ?? backend;
  if (cell === 'lstm') {
    out.cT = new Float32Array(B * H);
    await k.lstmForward({ ...forward, cT: out.cT, c0: v.c0, peephole: v.peephole, activation: c.activation, recurrentActivation: c.recurrentActivation });
  } else if (cell === 'gru') {
    await k.gruForward({ ...forward, resetAfter: c.resetAfter, activation: c.activation, recurrentActivation: c.recurrentActivation });
  } else {
    await k.rnnForward({ ...forward, activation: c.activation });
  }
  return out;
}

/** Row b of the case as a case of its own (B = 1): its inputs, mask column and initial states. */
function rowCase(c: RandomKernelCase, b: number): RandomKernelCase {
  const { T, B, I, H } = c;
  const v = c.inputs;
  const rowOf = (a: Float32Array | null, width: number) => (a ? a.slice(b * width, (b + 1) * width) : null);
  const steps = (a: Float32Array | null, width: number) => {
    if (!a) return null;
    const out = new Float32Array(T * width); // [T, width]
    for (let t = 0; t < T; t++) out.set(a.subarray((t * B + b) * width, (t * B + b + 1) * width), t * width);
    return out;
  };
  const inputs = { ...v, x: steps(v.x, I), mask: steps(v.mask, 1), h0: rowOf(v.h0, H), c0: rowOf(v.c0, H), recurrentMask: rowOf(v.recurrentMask, H) };
  return { ...c, B: 1, inputs, title: `${c.title} row ${b}` };
}

/** The one-row calls' outputs put together as the B-row call lays them out. */
function stacked(c: RandomKernelCase, rows: CaseOutputs[]): CaseOutputs {
  const { T, B, H } = c;
  const out: CaseOutputs = {};
  for (const name of Object.keys(rows[0])) {
    const perStep = name === 'y';
    const merged = new Float32Array(rows[0][name].length * B);
    rows.forEach((r, b) => {
      if (!perStep) return merged.set(r[name], b * H);
      for (let t = 0; t < T; t++) merged.set(r[name].subarray(t * H, (t + 1) * H), (t * B + b) * H);
    });
    out[name] = merged;
  }
  return out;
}

describeNative('inference calls of a few rows', (backend) => {
  const binding = nativeBinding!;
  const before = { threads: binding.getNumThreads(), thresholds: binding.splitThresholds() };
  afterAll(() => {
    binding.setNumThreads(before.threads);
    binding.setSplitThresholds(before.thresholds);
  });

  describeEachCpuLevel(() => {
    const rng = new Random(2_026_1202);
    const cases = Array.from({ length: 24 }, (_, i) => {
      const B = 2 + (i % 2);
      const shape = i % 3 === 0 ? { B, I: 64, H: 128, T: 13 } : { B };
      return randomKernelCase(rng, i, shape);
    });

    for (const threads of [1, 2, 3]) {
      describe(`${threads} threads`, () => {
        beforeAll(() => {
          expect(binding.setNumThreads(threads)).toBe(threads);
        });

        it.each([
          ['a thread a row', 0],
          ['small rows one after another', before.thresholds.loneRowMacs],
        ])('each row gives the bits of the one-row call on it where each row has a thread (%s), and agrees with the fallback', async (_, loneRowMacs) => {
          binding.setSplitThresholds({ loneRowMacs });
          const loneRows = binding.loneRows();
          const width = Math.min(3, threads, binding.blasInfo().cpus);
          expect(loneRows).toBe(width >= 2 ? width : 1);
          const failures: string[] = [];
          for (const c of cases) {
            const together = await inferenceForward(backend, c);
            if (c.B <= loneRows) {
              const alone = stacked(c, await Promise.all(Array.from({ length: c.B }, (_, b) => inferenceForward(backend, rowCase(c, b)))));
              const changed = bitDifferences(together, alone);
              if (changed.length > 0) failures.push(`${c.title}: rows differ from their one-row calls in ${changed.join(', ')}`);
            }
            const problems = compareOutputs(together, await inferenceForward(fallbackBackend, c));
            if (problems) failures.push(`${c.title} against the fallback:\n${problems}`);
            // Without y (only the final states wanted), each row skips copying its steps out.
            const states: CaseOutputs = { hT: together.hT, ...(together.cT ? { cT: together.cT } : {}) };
            const withoutY = bitDifferences(await inferenceForward(backend, c, true), states);
            if (withoutY.length > 0) failures.push(`${c.title}: with y null, ${withoutY.join(', ')} differ from the call with y`);
          }
          expect(failures.slice(0, 5).join('\n\n')).toBe('');
        });
      });
    }
  });
});
