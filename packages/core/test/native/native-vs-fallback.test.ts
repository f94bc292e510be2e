import { fallbackBackend } from '@rnn/fallback';
import { expect, it } from 'vitest';
import { Random } from '../../src/random';
import { compareOutputs } from './compare-outputs';
import { describeEachCpuLevel, describeNative, nativeBinding } from './load';
import { randomKernelCase, runKernelCase } from './random-kernel-case';

/**
 * Property test: the native backend and the TypeScript fallback agree on hundreds of seeded random
 * kernel calls (forward outputs, the workspace, every gradient, += accumulation).
 *
 * Tolerance: compare-outputs.ts. The same cases at 1, 2, 3, 4 and 8 threads: thread-counts.test.ts.
 */
const CASES = 400;

describeNative('native vs fallback on random kernel calls', (nativeBackend) => {
  describeEachCpuLevel((level) => {
    it(`${CASES} seeded cases agree (y, hT, cT, workspace, dx, dh0, dc0, every parameter gradient)`, async () => {
      const rng = new Random(20_251_127);
      const failures: string[] = [];
      const seen = { reverse: 0, mask: 0, peephole: 0, resetBefore: 0, B1: 0, T1: 0, H1: 0, largeI: 0 };
      const pathsBefore = nativeBinding!.inputPathCounts();
      for (let i = 0; i < CASES; i++) {
        const c = randomKernelCase(rng, i);
        const problems = compareOutputs(await runKernelCase(nativeBackend, c), await runKernelCase(fallbackBackend, c));
        if (problems) failures.push(`${c.title}\n${problems}`);
        seen.reverse += +c.reverse;
        seen.mask += +(c.inputs.mask !== null);
        seen.peephole += +(c.inputs.peephole !== null);
        seen.resetBefore += +(c.cell === 'gru' && !c.resetAfter);
        seen.B1 += +(c.B === 1);
        seen.T1 += +(c.T === 1);
        seen.H1 += +(c.H === 1);
        seen.largeI += +(c.I >= 64);
      }
      expect(failures.slice(0, 5).join('\n\n')).toBe('');
      // The generator really reaches the edges it promises, and every way a forward step gets its
      // input pre-activations (fused into the step kernel, one GEMM over all steps first, or earlier
      // steps' products for a lone row).
      for (const [edge, count] of Object.entries(seen)) expect(count, edge).toBeGreaterThanOrEqual(10);
      const paths = nativeBinding!.inputPathCounts();
      expect(paths.fused - pathsBefore.fused, 'fused input calls').toBeGreaterThanOrEqual(10);
      expect(paths.projected - pathsBefore.projected, 'projected input calls').toBeGreaterThanOrEqual(10);
      // A lone row's steps compute the next steps' projections (LSTM and GRU at AVX-512 only).
      if (level === 'avx512') expect(paths.ahead - pathsBefore.ahead, 'ahead input calls').toBeGreaterThanOrEqual(5);
      else expect(paths.ahead - pathsBefore.ahead, 'ahead input calls').toBe(0);
    });

    it('the same call twice gives bit-identical results', async () => {
      const rng = new Random(4242);
      for (let i = 0; i < 40; i++) {
        const c = randomKernelCase(rng, i);
        const first = await runKernelCase(nativeBackend, c);
        const second = await runKernelCase(nativeBackend, c);
        for (const name of Object.keys(first)) expect(second[name], `${c.title}: ${name}`).toEqual(first[name]);
      }
    });
  });

  it('async kernels give bit-identical results to the sync ones', async () => {
    const rng = new Random(77);
    for (let i = 0; i < 60; i++) {
      const c = randomKernelCase(rng, i);
      const sync = await runKernelCase(nativeBackend, c, 'sync');
      const async = await runKernelCase(nativeBackend, c, 'async');
      for (const name of Object.keys(sync)) expect(async[name], `${c.title}: ${name}`).toEqual(sync[name]);
    }
  });

  it('many async calls in flight at once all settle with the right numbers', async () => {
    const rng = new Random(91);
    const cases = Array.from({ length: 24 }, (_, i) => randomKernelCase(rng, i));
    const expected = await Promise.all(cases.map((c) => runKernelCase(fallbackBackend, c)));
    const results = await Promise.all(cases.map((c) => runKernelCase(nativeBackend, c, 'async')));
    results.forEach((r, i) => expect(compareOutputs(r, expected[i]), cases[i].title).toBe(''));
  });
});
