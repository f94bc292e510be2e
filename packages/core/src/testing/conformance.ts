import type { Backend, CellKind } from '@rnn/backend-api';
import { describe, it } from 'vitest';
import { checkedBackend } from '../backend/validate';
import { Random } from '../random';
import { checkFiniteDifferences, type RandomNetworkOptions, randomNetwork } from './finite-difference';
import {
  checkAccumulation,
  checkFinalStatesOnly,
  checkForward,
  checkGradients,
  checkNullUpstream,
  checkWithoutInputGrads,
} from './fixture-checks';
import { type KernelCase, loadKernelCases } from './fixtures';
import { checkGemm, type GemmProblem } from './gemm-checks';
import type { KernelCaller } from './kernel-network';
import { FD_EPSILON, FD_SAMPLES_PER_TENSOR, FD_TOLERANCE, GEMM_TOLERANCE } from './tolerances';

/**
 * The conformance suite every backend runs: PyTorch reference fixtures (forward outputs and every
 * gradient), the `+=` gradient contract, finite-difference checks of the backend against itself,
 * and GEMM against a float64 loop. Kernels are called through `checkedBackend`, so every call the
 * suite makes is also a well-formed call by `validateKernelArgs`.
 */

const CELLS: readonly CellKind[] = ['lstm', 'gru', 'rnn'];

function registerFixtureCase(kernels: KernelCaller, async: KernelCaller | undefined, c: KernelCase): void {
  describe(`${c.name} (${c.reference})`, () => {
    it('forward matches PyTorch: y, hT, cT', () => checkForward(kernels, c));
    it('inference forward (workspace null) gives the same outputs', () => checkForward(kernels, c, false, ' (no workspace)'));
    it('forward reading x batch-first gives the same outputs, with and without a workspace', async () => {
      await checkForward(kernels, c, false, ' (batch-first x, no workspace)', true);
      await checkForward(kernels, c, true, ' (batch-first x)', true);
    });
    it('inference that wants only the final states (y null) gives the same hT and cT, bit for bit', async () => {
      await checkFinalStatesOnly(kernels, c);
      await checkFinalStatesOnly(kernels, c, true);
    });
    it('gradients match PyTorch: x, h0, c0 and every weight', () => checkGradients(kernels, c));
    it('gradients match PyTorch after a forward that read x batch-first', () => checkGradients(kernels, c, ' (batch-first forward)', true));
    it('+= contract: parameter gradients accumulate, input gradients are overwritten, inputs stay untouched', () =>
      checkAccumulation(kernels, c));
    it('input gradients not wanted (dx, dh0, dc0 null) leave parameter gradients right', () => checkWithoutInputGrads(kernels, c));
    it('null upstream gradients mean zeros', () => checkNullUpstream(kernels, c));
    if (async) {
      it('async kernels give the same outputs and gradients', async () => {
        await checkForward(async, c, true, ' (async)');
        await checkGradients(async, c, ' (async)');
      });
    }
  });
}

/** Random networks per cell checked by finite differences; the seeds make failures reproducible. */
function finiteDifferenceVariants(cell: CellKind): { title: string; seed: number; options: RandomNetworkOptions }[] {
  const base = { lstm: 100, gru: 200, rnn: 300 }[cell];
  const variants: { title: string; seed: number; options: RandomNetworkOptions }[] = [
    { title: 'random options', seed: base + 1, options: { cell } },
    { title: 'random options', seed: base + 2, options: { cell } },
    { title: 'mask, recurrent mask, reverse', seed: base + 3, options: { cell, mask: true, recurrentMask: true, reverse: true } },
    { title: '2 layers, bidirectional', seed: base + 4, options: { cell, layers: 2, directions: 2 } },
  ];
  if (cell === 'lstm') {
    variants.push({ title: 'peephole, mask, non-zero state', seed: base + 5, options: { cell, peephole: true, mask: true, zeroState: false } });
    variants.push({ title: 'linear activation', seed: base + 6, options: { cell, activation: 'linear' } });
  } else if (cell === 'gru') {
    variants.push({ title: 'reset before, recurrent mask', seed: base + 5, options: { cell, resetAfter: false, recurrentMask: true } });
    variants.push({ title: 'sigmoid activation, reset after', seed: base + 6, options: { cell, activation: 'sigmoid', resetAfter: true } });
  } else {
    variants.push({ title: 'sigmoid activation', seed: base + 5, options: { cell, activation: 'sigmoid' } });
    variants.push({ title: 'linear activation, mask', seed: base + 6, options: { cell, activation: 'linear', mask: true } });
  }
  return variants;
}

function gemmProblems(): GemmProblem[] {
  const problems: GemmProblem[] = [];
  const sizes = [
    [1, 1, 1],
    [3, 5, 4],
    [7, 2, 9],
    [16, 17, 13],
    [64, 48, 70], // large enough for a BLAS's blocked kernels
  ];
  const scalars = [
    [1, 0],
    [0.5, 2],
    [-1.5, 1],
  ];
  for (const [M, N, K] of sizes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [alpha, beta] of scalars) problems.push({ M, N, K, transA, transB, alpha, beta });
      }
    }
  }
  return problems;
}

/**
 * Registers the conformance suite for `backend` (vitest `describe`/`it` blocks). Call it from a
 * test file, e.g. `runConformanceSuite('fallback', fallbackBackend)`.
 */
export function runConformanceSuite(label: string, backend: Backend): void {
  const checked = checkedBackend(backend);
  const kernels: KernelCaller = checked;
  const async: KernelCaller | undefined = checked.async;
  describe(`${label} backend conformance`, () => {
    for (const cell of CELLS) {
      describe(`${cell} kernels against PyTorch`, () => {
        for (const c of loadKernelCases(cell)) registerFixtureCase(kernels, async, c);
      });

      describe(`${cell} gradients against finite differences`, () => {
        for (const v of finiteDifferenceVariants(cell)) {
          it(`${v.title} (seed ${v.seed})`, async () => {
            const rng = new Random(v.seed);
            const { spec, upstream } = randomNetwork(rng, v.options);
            const settings = { eps: FD_EPSILON, tolerance: FD_TOLERANCE, samplesPerTensor: FD_SAMPLES_PER_TENSOR };
            const d = spec.dims;
            const what = `${cell} seed ${v.seed} T=${d.T} B=${d.B} I=${d.I} H=${d.H} ${JSON.stringify(spec.options)}`;
            await checkFiniteDifferences(kernels, spec, upstream, rng, settings, what);
          });
        }
      });
    }

    describe('gemm against a float64 loop', () => {
      it('every transpose combination, alpha and beta, sizes 1 to 17', async () => {
        const rng = new Random(7);
        for (const p of gemmProblems()) await checkGemm(kernels, p, rng, GEMM_TOLERANCE);
      });

      it('beta = 0 overwrites c: NaN already in c does not propagate', async () => {
        const rng = new Random(8);
        await checkGemm(kernels, { M: 4, N: 3, K: 5, transA: false, transB: true, alpha: 1, beta: 0 }, rng, GEMM_TOLERANCE, Number.NaN);
      });

      if (async) {
        it('async gemm gives the same results', async () => {
          const rng = new Random(9);
          for (const p of gemmProblems().slice(0, 12)) await checkGemm(async, p, rng, GEMM_TOLERANCE);
        });
      }
    });
  });
}
