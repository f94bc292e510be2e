import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { Dropout } from '../../src/layers/dropout';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { runContext } from './helpers';

describe('Dropout', () => {
  const x = new Tensor(Float32Array.from({ length: 4000 }, (_, i) => 1 + (i % 7)), [40, 100]);

  it('is the identity at inference', async () => {
    const layer = new Dropout({ rate: 0.5 });
    const mask = new Float32Array([1, 0]);
    const out = await layer.forward(x, mask, runContext(false));
    expect(out.y).toBe(x);
    expect(out.mask).toBe(mask);
  });

  it('while training zeroes about `rate` of the values and scales the rest by 1/(1 − rate)', async () => {
    const layer = new Dropout({ rate: 0.25 });
    const { y } = await layer.forward(x, null, runContext(true, 1));
    let dropped = 0;
    let worst = 0;
    for (let i = 0; i < x.size; i++) {
      if (y.data[i] === 0) dropped++;
      else worst = Math.max(worst, Math.abs(y.data[i] - x.data[i] / 0.75));
    }
    expect(worst).toBeLessThan(1e-5);
    // 4000 Bernoulli(0.25) draws: mean 1000, sd ≈ 27; ±5 sd.
    expect(Math.abs(dropped - 1000)).toBeLessThan(140);
  });

  it('backward applies the same mask and scale', async () => {
    const layer = new Dropout({ rate: 0.5 });
    const ctx = runContext(true, 2);
    const { y } = await layer.forward(x, null, ctx);
    const dy = new Tensor(new Float32Array(x.size).fill(1), x.shape);
    const dx = (await layer.backward(dy, ctx))!;
    const mismatches = Array.from(dx.data).filter((v, i) => v !== (y.data[i] === 0 ? 0 : 2));
    expect(mismatches).toEqual([]);
  });

  it('is reproducible for a seed and differs across seeds', async () => {
    const run = async (seed: number) => (await new Dropout({ rate: 0.5 }).forward(x, null, runContext(true, seed))).y.data;
    expect(await run(3)).toEqual(await run(3));
    expect(await run(3)).not.toEqual(await run(4));
  });

  it('rejects a rate outside [0, 1) with a ConfigError', () => {
    expect(() => new Dropout({ rate: 1 })).toThrow(ConfigError);
    expect(() => new Dropout({ rate: -0.1 })).toThrow(/rate must be a number in \[0, 1\), got -0.1/);
    expect(() => new Dropout({ rate: NaN })).toThrow(ConfigError);
  });

  it('has no weights', () => {
    const layer = new Dropout({ rate: 0.1 });
    layer.build([3], new Random(1));
    expect(layer.parameters()).toEqual([]);
    expect(layer.stateDict()).toEqual({});
  });
});
