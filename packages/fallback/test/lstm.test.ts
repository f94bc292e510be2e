import { describe, it } from 'vitest';
import { type CaseConfig, checkCase } from './harness';

// Each case: forward vs a float64 reference (y, hT, cT, workspace), backward vs its finite differences.
const cases: [string, CaseConfig][] = [
  ['plain', { cell: 'lstm' }],
  ['reverse', { cell: 'lstm', reverse: true }],
  ['mask', { cell: 'lstm', masked: true, T: 4, B: 3 }],
  ['mask + reverse', { cell: 'lstm', masked: true, reverse: true, T: 4, B: 3 }],
  ['recurrent mask', { cell: 'lstm', recurrentDropout: true, H: 3 }],
  ['peephole', { cell: 'lstm', peephole: true }],
  ['peephole + mask + reverse + recurrent mask', { cell: 'lstm', peephole: true, masked: true, reverse: true, recurrentDropout: true, T: 4, B: 3, H: 3 }],
  ['no bias', { cell: 'lstm', bias: false }],
  ['h0 and c0 null', { cell: 'lstm', h0: false, c0: false }],
  ['only c0 null', { cell: 'lstm', c0: false }],
  ['T=1, B=1, H=1, I>H', { cell: 'lstm', T: 1, B: 1, H: 1, I: 5 }],
  ['H>4 (full GEMM tiles), B=5', { cell: 'lstm', H: 6, B: 5, I: 7, T: 3 }],
  ['activation relu', { cell: 'lstm', activation: 'relu' }],
  ['activation linear', { cell: 'lstm', activation: 'linear' }],
  ['activation sigmoid', { cell: 'lstm', activation: 'sigmoid' }],
  ['recurrentActivation hardSigmoid', { cell: 'lstm', recurrentActivation: 'hardSigmoid' }],
  ['activation hardSigmoid, recurrentActivation tanh', { cell: 'lstm', activation: 'hardSigmoid', recurrentActivation: 'tanh' }],
];

describe('fallback lstm', () => {
  for (const [name, cfg] of cases) it(name, () => checkCase(cfg));
});
