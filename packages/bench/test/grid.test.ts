import { describe, expect, it } from 'vitest';
import { CONFIGS, caseFlops, forwardFlops } from '../src/grid';
import { memoryNeed } from '../src/memory';

describe('FLOP counts', () => {
  it('is 2·B·T·G·H·(I+H) per forward', () => {
    expect(forwardFlops('lstm', CONFIGS.medium)).toBe(2 * 64 * 50 * 4 * 128 * (64 + 128)); // 314 572 800
    expect(forwardFlops('gru', CONFIGS.small)).toBe(2 * 32 * 20 * 3 * 32 * 40);
    expect(forwardFlops('rnn', CONFIGS.large)).toBe(2 * 64 * 100 * 512 * 768);
  });

  it('counts a training step as three forwards', () => {
    expect(caseFlops('lstm', 'train', CONFIGS.large)).toBe(3 * forwardFlops('lstm', CONFIGS.large));
    expect(caseFlops('lstm', 'infer', CONFIGS.large)).toBe(forwardFlops('lstm', CONFIGS.large));
  });
});

describe('memory need', () => {
  it('counts weights, grads, Adam moments and activations for a small LSTM', () => {
    const { B, T, I, H } = CONFIGS.small; // 32, 20, 8, 32
    const weights = 4 * H * (I + H) + 2 * 4 * H + H + 1; // 5120 + 256 + 33
    const train = memoryNeed('lstm', 'train', CONFIGS.small);
    expect(train.weights).toBe(weights);
    expect(train.grads).toBe(weights);
    expect(train.optimizer).toBe(2 * weights);
    const rows = T * B;
    expect(train.activations).toBe(rows * (I + H + 4 * H) + rows * H + rows * (4 * H + H + I));
    expect(train.totalMb).toBeCloseTo(((4 * weights + train.activations) * 4) / 2 ** 20, 12);
    const infer = memoryNeed('lstm', 'infer', CONFIGS.small);
    expect(infer.grads + infer.optimizer).toBe(0);
    expect(infer.activations).toBe(rows * (I + H + 4 * H));
  });
});
