import type { AdamConstants } from '@rnn/backend-api';
import { fallbackBackend } from '@rnn/fallback';
import { expect, it } from 'vitest';
import { Random } from '../../src/random';
import { adamConstants } from '../../src/train/optimizers/adam-constants';
import { describeEachCpuLevel, describeNative, nativeBinding } from './load';

/**
 * The native Adam update gives the fallback's bits (the fallback is checked against torch.optim in
 * test/train/optimizers.test.ts, on whichever backend runs the suite): the same double-precision
 * arithmetic in the same order, float32 stores where JavaScript's Float32Array stores round, at
 * every CPU level (each has its own vector width).
 */

/** Bit patterns an update must carry as JavaScript does: ±0, subnormals, huge values, ±Infinity, NaN. */
const SPECIAL_BITS = [0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000];

function values(random: Random, n: number, scale: number, specials: boolean): Float32Array {
  const out = new Float32Array(n); // [n]
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    if (specials && random.next() < 0.05) bits[i] = SPECIAL_BITS[Math.floor(random.next() * SPECIAL_BITS.length)];
    else out[i] = random.normal() * scale * 10 ** Math.floor(random.next() * 6 - 3);
  }
  return out;
}

/** Bit patterns, NaNs folded to one (a NaN's payload is not part of the contract). */
function bitsOf(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (b) => ((b & 0x7f800000) === 0x7f800000 && b & 0x7fffff ? 0x7fc00000 : b));
}

describeNative('the Adam update (Backend.optimizer.adam)', (nativeBackend) => {
  describeEachCpuLevel(() => {
    it('gives the fallback’s bits: with and without AMSGrad and an L2 penalty, over lengths around every vector width, special values included', () => {
      const random = new Random(5150);
      const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 1000, 4099, 20_011];
      let cases = 0;
      for (const n of lengths) {
        for (const amsgrad of [false, true]) {
          for (const l2 of [0, 0.01]) {
            for (const specials of [false, true]) {
              const step = 1 + Math.floor(random.next() * 50);
              const c = adamConstants({ learningRate: 10 ** (-1 - random.next() * 3), beta1: 0.9, beta2: 0.999, epsilon: 1e-7, l2, step });
              const start = {
                value: values(random, n, 1, specials),
                grad: values(random, n, 0.1, specials),
                m: values(random, n, 0.01, specials).map(Math.abs),
                v: values(random, n, 0.001, false).map(Math.abs),
                vMax: amsgrad ? values(random, n, 0.001, false).map(Math.abs) : null,
              };
              const run = (adam: typeof fallbackBackend.optimizer.adam, constants: AdamConstants) => {
                const s = { value: start.value.slice(), m: start.m.slice(), v: start.v.slice(), vMax: start.vMax?.slice() ?? null };
                adam(s.value, start.grad, s.m, s.v, s.vMax, constants);
                return s;
              };
              const native = run(nativeBackend.optimizer.adam, c);
              const fallback = run(fallbackBackend.optimizer.adam, c);
              const title = `n=${n} amsgrad=${amsgrad} l2=${l2} specials=${specials} step=${step}`;
              expect(bitsOf(native.value), `${title}: value`).toEqual(bitsOf(fallback.value));
              expect(bitsOf(native.m), `${title}: m`).toEqual(bitsOf(fallback.m));
              expect(bitsOf(native.v), `${title}: v`).toEqual(bitsOf(fallback.v));
              if (amsgrad) expect(bitsOf(native.vMax!), `${title}: vMax`).toEqual(bitsOf(fallback.vMax!));
              // The update did something: a test of two no-ops would pass too.
              if (n > 0 && !specials) expect(bitsOf(native.value), title).not.toEqual(bitsOf(start.value));
              cases++;
            }
          }
        }
      }
      expect(cases).toBe(lengths.length * 8);
    });
  });

  it('reads and writes views from their own offsets', () => {
    const buffer = new Float32Array(64).fill(0.5);
    const value = buffer.subarray(3, 13);
    const grad = new Float32Array(10).fill(0.25);
    const m = buffer.subarray(20, 30);
    const v = buffer.subarray(40, 50);
    const c = adamConstants({ learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, l2: 0, step: 1 });
    const expected = { value: value.slice(), m: m.slice(), v: v.slice() };
    fallbackBackend.optimizer.adam(expected.value, grad, expected.m, expected.v, null, c);
    nativeBackend.optimizer.adam(value, grad, m, v, null, c);
    expect(Array.from(value)).toEqual(Array.from(expected.value));
    expect(Array.from(m)).toEqual(Array.from(expected.m));
    expect(Array.from(v)).toEqual(Array.from(expected.v));
    // Untouched around the views.
    expect(buffer[2]).toBe(0.5);
    expect(buffer[13]).toBe(0.5);
    expect(buffer[30]).toBe(0.5);
  });

  it('refuses what would touch the wrong memory, naming the argument', () => {
    const c = adamConstants({ learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, l2: 0, step: 1 });
    const f = (n: number) => new Float32Array(n);
    const adam = nativeBinding!.adamUpdate;
    expect(() => adam(f(4), f(4), f(3), f(4), null, c)).toThrow(/adamUpdate: m must hold as many values as value \(4\), got 3/);
    expect(() => adam(f(4), f(4), f(4), f(4), f(5), c)).toThrow(/adamUpdate: vMax must hold as many values as value \(4\), got 5/);
    expect(() => adam(f(4), new Float64Array(4) as never, f(4), f(4), null, c)).toThrow(/adamUpdate: grad must be a Float32Array, got/);
    expect(() => adam(f(4), f(4), f(4), f(4), undefined as never, c)).toThrow(/adamUpdate: vMax \(or null\) must be a Float32Array, got undefined/);
    const shared = f(8);
    expect(() => adam(shared.subarray(0, 4), f(4), shared.subarray(2, 6), f(4), null, c)).toThrow(/adamUpdate: value and m must not share memory/);
    const g = f(4);
    expect(() => adam(f(4), g, f(4), g, null, c)).toThrow(/adamUpdate: grad and v must not share memory/);
    expect(() => adam(f(4), f(4), f(4), f(4), null, { ...c, beta2: '0.999' } as never)).toThrow(/adamUpdate: constants.beta2 must be a number, got/);
    expect(() => adam(f(4), f(4), f(4), f(4), null, null as never)).toThrow(/adamUpdate: constants must be an object, got null/);
    for (const ok of [f(0), f(4)]) expect(() => adam(ok, ok.slice(), ok.slice(), ok.slice(), null, c)).not.toThrow();
  });
});
