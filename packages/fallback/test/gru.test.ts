import { describe, it } from 'vitest';
import { type CaseConfig, checkCase } from './harness';

// Each case: forward vs a float64 reference (y, hT, workspace), backward vs its finite differences.
const cases: [string, CaseConfig][] = [];
for (const resetAfter of [true, false]) {
  const tag = resetAfter ? 'resetAfter' : 'reset before';
  const base: CaseConfig = { cell: 'gru', resetAfter };
  cases.push(
    [`${tag}: plain`, base],
    [`${tag}: reverse`, { ...base, reverse: true }],
    [`${tag}: mask`, { ...base, masked: true, T: 4, B: 3 }],
    [`${tag}: mask + reverse + recurrent mask`, { ...base, masked: true, reverse: true, recurrentDropout: true, T: 4, B: 3, H: 3 }],
    [`${tag}: recurrent mask`, { ...base, recurrentDropout: true, H: 3 }],
    [`${tag}: no bias`, { ...base, bias: false }],
    [`${tag}: h0 null`, { ...base, h0: false }],
    [`${tag}: T=1, B=1, H=1, I>H`, { ...base, T: 1, B: 1, H: 1, I: 5 }],
    [`${tag}: H>4, B=5`, { ...base, H: 6, B: 5, I: 7 }],
    [`${tag}: activation relu`, { ...base, activation: 'relu' }],
    [`${tag}: activation linear, recurrentActivation hardSigmoid`, { ...base, activation: 'linear', recurrentActivation: 'hardSigmoid' }],
    [`${tag}: activation sigmoid, recurrentActivation tanh`, { ...base, activation: 'sigmoid', recurrentActivation: 'tanh' }],
    [`${tag}: activation hardSigmoid`, { ...base, activation: 'hardSigmoid' }],
  );
}

describe('fallback gru', () => {
  for (const [name, cfg] of cases) it(name, () => checkCase(cfg));
});
