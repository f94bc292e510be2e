import { describe, expect, it } from 'vitest';
import { toBatchFirst, toTimeMajor } from '../../src/layers/sequence-layout';

// Element by element, as the layouts are defined: batch-first [B, T, F], time-major [T, B, F], with
// `reverse` taking step T−1−t where step t is written.
function referenceTimeMajor(src: Float32Array, b: number, t: number, f: number, reverse: boolean): Float32Array {
  const out = new Float32Array(src.length);
  for (let j = 0; j < t; j++) {
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < f; k++) out[(j * b + i) * f + k] = src[(i * t + (reverse ? t - 1 - j : j)) * f + k];
    }
  }
  return out;
}

function referenceBatchFirst(src: Float32Array, t: number, b: number, f: number, reverse: boolean): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < t; j++) {
      for (let k = 0; k < f; k++) out[(i * t + j) * f + k] = src[((reverse ? t - 1 - j : j) * b + i) * f + k];
    }
  }
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('layout copies', () => {
  // One sequence or one step takes the whole-block copy; the others the row copier (even and odd
  // feature counts: float64 and float32 rows). Both must give the element-wise layout.
  const sizes = [1, 2, 3];
  for (const b of sizes) {
    for (const t of sizes) {
      for (const f of sizes) {
        for (const reverse of [false, true]) {
          it(`B=${b} T=${t} F=${f}${reverse ? ' reversed' : ''}`, () => {
            const src = Float32Array.from({ length: b * t * f }, (_, i) => i + 1);
            expect(Array.from(toTimeMajor(src, b, t, f, undefined, reverse))).toEqual(Array.from(referenceTimeMajor(src, b, t, f, reverse)));
            expect(Array.from(toBatchFirst(src, t, b, f, undefined, reverse))).toEqual(Array.from(referenceBatchFirst(src, t, b, f, reverse)));
          });
        }
      }
    }
  }

  it('copies every bit pattern, NaN payloads included, on the whole-block path', () => {
    const src = new Float32Array(6);
    new Uint32Array(src.buffer).set([0x7fc00001, 0xffa00002, 0x00000001, 0x80000000, 0x7f800000, 0x3f800000]);
    const out = new Float32Array(6);
    expect(bits(toTimeMajor(src, 1, 3, 2, out))).toEqual(bits(src));
    expect(bits(toBatchFirst(src, 1, 3, 2, out))).toEqual(bits(src));
  });
});
