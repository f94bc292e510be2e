import type { DataPasses } from '@rnn/backend-api';
import { fallbackBackend } from '@rnn/fallback';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random';
import { describeNative, nativeBinding } from './load';

/** Bit patterns the passes must tell apart or carry over: ±0, subnormals, the largest finite, ±Infinity, quiet NaNs with payloads. */
const SPECIAL_BITS = [0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fc12345, 0xffc00001];
const NON_FINITE_BITS = SPECIAL_BITS.filter((b) => (b & 0x7f800000) === 0x7f800000);

/** `n` random floats, finite unless `specials`, where about one in eight is a special bit pattern. */
function values(random: Random, n: number, specials: boolean): Float32Array {
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    if (specials && random.next() < 0.125) bits[i] = SPECIAL_BITS[Math.floor(random.next() * SPECIAL_BITS.length)];
    else out[i] = random.normal() * 10 ** Math.floor(random.next() * 8 - 4);
  }
  return out;
}

/** The reference: the first index whose exponent bits are all ones. */
function firstNonFiniteByBits(v: Float32Array): number {
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
  return bits.findIndex((b) => (b & 0x7f800000) === 0x7f800000);
}

/** The reference layout copy, value by value on the bit patterns: out[j, i] = src[i, reverse ? T−1−j : j]. */
function timeMajorByBits(src: Float32Array, B: number, T: number, F: number, reverse: boolean): Uint32Array {
  const s = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint32Array(src.length);
  for (let j = 0; j < T; j++) {
    for (let i = 0; i < B; i++) {
      for (let f = 0; f < F; f++) out[(j * B + i) * F + f] = s[(i * T + (reverse ? T - 1 - j : j)) * F + f];
    }
  }
  return out;
}

/** The same checks for each backend's passes: against references computed on the bit patterns. */
function passesMatchReferences(passes: DataPasses): void {
  it('firstNonFinite finds the first NaN or ±Infinity (or −1) at every position, around its blocks and in odd-length tails', () => {
    const random = new Random(31);
    const lengths = [0, 1, 3, 4, 5, 1023, 1024, 1025, 4095, 4096, 4097, 10_000];
    for (let c = 0; c < 300; c++) {
      const n = c < lengths.length * 8 ? lengths[c % lengths.length] : Math.floor(random.next() * 9000);
      const v = values(random, n, false);
      const bits = new Uint32Array(v.buffer);
      // 0 to 3 non-finite values; the first cases put one at the very end, past every full block.
      const hits = n === 0 ? 0 : c < lengths.length ? 1 : Math.floor(random.next() * 4);
      for (let h = 0; h < hits; h++) {
        const at = c < lengths.length ? n - 1 : Math.floor(random.next() * n);
        bits[at] = NON_FINITE_BITS[Math.floor(random.next() * NON_FINITE_BITS.length)];
      }
      expect(passes.firstNonFinite(v), `length ${n}, case ${c}`).toBe(firstNonFiniteByBits(v));
    }
  });

  it('firstNonFinite reads a view from its own offset, not its buffer’s start', () => {
    const v = new Float32Array(100).fill(1);
    v[10] = Number.NaN;
    v[70] = Number.POSITIVE_INFINITY;
    expect(passes.firstNonFinite(v.subarray(20))).toBe(50);
    expect(passes.firstNonFinite(v.subarray(0, 10))).toBe(-1);
  });

  it('toTimeMajor moves every bit pattern to its step-major place, in order or reversed, for odd and even feature widths', () => {
    const random = new Random(32);
    for (let c = 0; c < 200; c++) {
      const [B, T, F] = [1 + Math.floor(random.next() * 7), 1 + Math.floor(random.next() * 9), 1 + Math.floor(random.next() * 13)];
      const reverse = random.next() < 0.5;
      const src = values(random, B * T * F, true);
      const out = new Float32Array(B * T * F).fill(-7);
      passes.toTimeMajor(src, B, T, F, out, reverse);
      expect(new Uint32Array(out.buffer), `B=${B} T=${T} F=${F} reverse=${reverse}`).toEqual(timeMajorByBits(src, B, T, F, reverse));
    }
  });

  it('toTimeMajor reads and writes views at odd offsets of larger buffers', () => {
    const random = new Random(33);
    const [B, T, F] = [5, 4, 3];
    const big = values(random, 200, false);
    const src = big.subarray(1, 1 + B * T * F); // 4-byte aligned only: the fallback takes its float32 path
    const outBuffer = new Float32Array(100).fill(9);
    const out = outBuffer.subarray(3, 3 + B * T * F);
    passes.toTimeMajor(src, B, T, F, out, true);
    expect(new Uint32Array(out.buffer, out.byteOffset, out.length)).toEqual(timeMajorByBits(src, B, T, F, true));
    expect([outBuffer[2], outBuffer[3 + B * T * F]]).toEqual([9, 9]); // nothing written outside the view
  });

  it('toTimeMajor of two and three rows, in 16-byte aligned views and others, keeps every bit, with nothing written outside', () => {
    const random = new Random(35);
    for (const [B, T, F] of [[2, 50, 64], [3, 7, 8], [2, 1, 4], [3, 5, 12]]) {
      for (const offset of [0, 4, 1]) { // 16-byte aligned views, and one aligned to 4 bytes only
        for (const reverse of [false, true]) {
          const src = values(random, B * T * F + 1, true).subarray(1);
          const outBuffer = new Float32Array(B * T * F + 8).fill(9);
          const out = outBuffer.subarray(offset, offset + B * T * F);
          passes.toTimeMajor(src, B, T, F, out, reverse);
          const label = `B=${B} T=${T} F=${F} offset=${offset} reverse=${reverse}`;
          expect(new Uint32Array(out.buffer, out.byteOffset, out.length), label).toEqual(timeMajorByBits(src, B, T, F, reverse));
          expect([...outBuffer.subarray(0, offset), ...outBuffer.subarray(offset + B * T * F)].every((v) => v === 9), label).toBe(true);
        }
      }
    }
  });

  it('scanValues finds the first non-finite value across arrays, and its fingerprint changes with any bit, order or split', () => {
    const random = new Random(34);
    for (let c = 0; c < 100; c++) {
      const arrays = Array.from({ length: 1 + Math.floor(random.next() * 5) }, () => values(random, Math.floor(random.next() * 3000), false));
      const scan = passes.scanValues(arrays);
      expect(scan.firstNonFinite).toBeNull();
      // Flip one random bit of one value: the fingerprint changes (the hash mixes every bit of every value).
      const nonEmpty = arrays.findIndex((a) => a.length > 0);
      if (nonEmpty >= 0) {
        const bits = new Uint32Array(arrays[nonEmpty].buffer);
        const at = Math.floor(random.next() * bits.length);
        bits[at] ^= 1 << Math.floor(random.next() * 23); // a mantissa bit: the value stays finite
        expect(passes.scanValues(arrays).fingerprint, `case ${c}`).not.toBe(scan.fingerprint);
      }
      // Non-finite values placed at random: the first one (in array order, then index) is reported.
      const hits = Math.floor(random.next() * 3);
      for (let h = 0; h < hits; h++) {
        const a = Math.floor(random.next() * arrays.length);
        if (arrays[a].length === 0) continue;
        new Uint32Array(arrays[a].buffer)[Math.floor(random.next() * arrays[a].length)] = NON_FINITE_BITS[h % NON_FINITE_BITS.length];
      }
      const a = arrays.findIndex((x) => firstNonFiniteByBits(x) >= 0);
      expect(passes.scanValues(arrays).firstNonFinite, `case ${c}`).toEqual(a < 0 ? null : [a, firstNonFiniteByBits(arrays[a])]);
    }
    const one = Float32Array.of(1, 2, 3);
    expect(passes.scanValues([one.subarray(0, 2), one.subarray(2)]).fingerprint).not.toBe(passes.scanValues([one.subarray(0, 1), one.subarray(1)]).fingerprint);
    expect(passes.scanValues([Float32Array.of(1, 2)]).fingerprint).not.toBe(passes.scanValues([Float32Array.of(2, 1)]).fingerprint);
    expect(passes.scanValues([]).firstNonFinite).toBeNull();
  });
}

describe('data passes of the TypeScript backend', () => passesMatchReferences(fallbackBackend.data));

describeNative('data passes of the native backend', (backend) => {
  passesMatchReferences(backend.data);

  it('computes the TypeScript backend’s fingerprint, bit for bit, so a model’s scans mean the same on either', () => {
    const random = new Random(35);
    for (let c = 0; c < 50; c++) {
      const arrays = Array.from({ length: Math.floor(random.next() * 6) }, () => values(random, Math.floor(random.next() * 5000), c % 2 === 0));
      expect(backend.data.scanValues(arrays), `case ${c}`).toEqual(fallbackBackend.data.scanValues(arrays));
    }
  });

  it('refuses arguments that do not fit, naming the argument, what it expected and what came, before reading memory', () => {
    const b = nativeBinding!;
    const src = new Float32Array(60);
    const out = new Float32Array(60);
    const call = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(call(() => b.firstNonFinite([1, 2] as never))).toMatch(/^TypeError: firstNonFinite: values must be a Float32Array, got /);
    expect(call(() => b.firstNonFinite(new Float64Array(4) as never))).toMatch(/^TypeError: firstNonFinite: values must be a Float32Array/);
    expect(call(() => b.toTimeMajor(src, 3, 4, 5, out, false))).toBe('no error');
    expect(call(() => b.toTimeMajor(new Int32Array(60) as never, 3, 4, 5, out, false))).toMatch(/^TypeError: toTimeMajor: src must be a Float32Array/);
    expect(call(() => b.toTimeMajor(src, 3, 4, 5, null as never, false))).toMatch(/^TypeError: toTimeMajor: out must be a Float32Array/);
    expect(call(() => b.toTimeMajor(src, '3' as never, 4, 5, out, false))).toMatch(/^TypeError: toTimeMajor: B must be a number/);
    expect(call(() => b.toTimeMajor(src, 3, 4.5, 5, out, false))).toBe('RangeError: toTimeMajor: T must be an integer in [1, 2147483647], got 4.5');
    expect(call(() => b.toTimeMajor(src, 3, 4, 0, out, false))).toBe('RangeError: toTimeMajor: F must be an integer in [1, 2147483647], got 0');
    expect(call(() => b.toTimeMajor(src, 3, 4, 6, out, false))).toBe('RangeError: toTimeMajor: src must hold B·T·F = 3·4·6 values, got 60');
    expect(call(() => b.toTimeMajor(src, 3, 4, 5, new Float32Array(59), false))).toBe('RangeError: toTimeMajor: out must hold B·T·F = 3·4·5 values, got 59');
    expect(call(() => b.toTimeMajor(src, 3, 4, 5, out, 1 as never))).toMatch(/^TypeError: toTimeMajor: reverse must be a boolean, got /);
    expect(call(() => b.toTimeMajor(src, 3, 4, 5, src, false))).toBe('RangeError: toTimeMajor: out must not share memory with src');
    const shared = new Float32Array(100);
    expect(call(() => b.toTimeMajor(shared.subarray(0, 60), 3, 4, 5, shared.subarray(40, 100), false))).toBe(
      'RangeError: toTimeMajor: out must not share memory with src',
    );
    expect(call(() => b.toTimeMajor(shared.subarray(0, 40), 2, 4, 5, shared.subarray(40, 80), false))).toBe('no error');
    expect(call(() => b.scanValues(new Float32Array(3) as never))).toMatch(/^TypeError: scanValues: arrays must be an array of Float32Arrays, got /);
    expect(call(() => b.scanValues([src, new Float64Array(2)] as never))).toMatch(/^TypeError: scanValues: arrays\[1\] must be a Float32Array, got /);
    // Sizes whose product overflows 64 bits are refused by the length check, not wrapped around.
    expect(call(() => b.toTimeMajor(src, 2147483647, 2147483647, 2147483647, out, false))).toMatch(/^RangeError: toTimeMajor: src must hold/);
  });
});
