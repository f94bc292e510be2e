import { describe, it } from 'vitest';
import { type CaseConfig, checkCase } from './harness';

// Each case: forward vs a float64 reference (y, hT), backward vs its finite differences.
const cases: [string, CaseConfig][] = [
  ['plain', { cell: 'rnn' }],
  ['reverse', { cell: 'rnn', reverse: true }],
  ['mask', { cell: 'rnn', masked: true, T: 4, B: 3 }],
  ['mask + reverse + recurrent mask', { cell: 'rnn', masked: true, reverse: true, recurrentDropout: true, T: 4, B: 3, H: 3 }],
  ['recurrent mask', { cell: 'rnn', recurrentDropout: true, H: 3 }],
  ['no bias', { cell: 'rnn', bias: false }],
  ['h0 null', { cell: 'rnn', h0: false }],
  ['T=1, B=1, H=1, I>H', { cell: 'rnn', T: 1, B: 1, H: 1, I: 5 }],
  ['H>4, B=5', { cell: 'rnn', H: 6, B: 5, I: 7 }],
  ['activation relu', { cell: 'rnn', activation: 'relu' }],
  ['activation linear', { cell: 'rnn', activation: 'linear' }],
  ['activation sigmoid', { cell: 'rnn', activation: 'sigmoid' }],
  ['activation hardSigmoid', { cell: 'rnn', activation: 'hardSigmoid' }],
];

describe('fallback simple rnn', () => {
  for (const [name, cfg] of cases) it(name, () => checkCase(cfg));
});
