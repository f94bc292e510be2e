/** What {@link scanValues} found: a fingerprint of every value and the first non-finite one. */
export interface ValueScan {
  /** A 32-bit hash of the bit patterns of every value, in order. */
  fingerprint: number;
  /** The first non-finite value, as `[array index, element index]`, or null. */
  firstNonFinite: [number, number] | null;
}

/** Exponent bits of a float32: all ones means ±Infinity or NaN. */
const EXPONENT = 0x7f800000;

/**
 * One pass over float32 arrays: finds the first non-finite value and hashes every bit pattern
 * (FNV-1a style over four interleaved lanes, so the multiplications do not wait on each other). The
 * trainer scans weights and optimizer state after every step, so this stays one cheap sweep.
 */
export function scanValues(arrays: readonly Float32Array[]): ValueScan {
  let h0 = 0x811c9dc5;
  let h1 = 0x01000193;
  let h2 = 0x2545f491;
  let h3 = 0x9e3779b9;
  let firstNonFinite: [number, number] | null = null;
  for (let a = 0; a < arrays.length; a++) {
    const values = arrays[a];
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length); // same memory, read as bits
    const n = bits.length;
    let worst = 0; // OR of the exponent fields that are all ones (non-zero: a non-finite value is here)
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const b0 = bits[i];
      const b1 = bits[i + 1];
      const b2 = bits[i + 2];
      const b3 = bits[i + 3];
      h0 = Math.imul(h0 ^ b0, 0x01000193);
      h1 = Math.imul(h1 ^ b1, 0x01000193);
      h2 = Math.imul(h2 ^ b2, 0x01000193);
      h3 = Math.imul(h3 ^ b3, 0x01000193);
      worst |= +((b0 & EXPONENT) === EXPONENT) | +((b1 & EXPONENT) === EXPONENT) | +((b2 & EXPONENT) === EXPONENT) | +((b3 & EXPONENT) === EXPONENT);
    }
    for (; i < n; i++) {
      h0 = Math.imul(h0 ^ bits[i], 0x01000193);
      worst |= +((bits[i] & EXPONENT) === EXPONENT);
    }
    h1 = Math.imul(h1 ^ n, 0x01000193); // lengths count too: [1, 2] + [3] differs from [1] + [2, 3]
    if (worst !== 0 && firstNonFinite === null) firstNonFinite = [a, values.findIndex((v) => !Number.isFinite(v))];
  }
  return { fingerprint: (h0 ^ Math.imul(h1, 3) ^ Math.imul(h2, 5) ^ Math.imul(h3, 7)) >>> 0, firstNonFinite };
}
