import { FormatError } from '../errors';
import { firstNonFinite } from '../finite-values';

/** The floating-point element types the interop readers turn into float32 tensors. */
export type FloatType = 'float32' | 'float64' | 'float16' | 'bfloat16';

/** Bytes per element of each float type. */
export const FLOAT_BYTES: Readonly<Record<FloatType, number>> = { float32: 4, float64: 8, float16: 2, bfloat16: 2 };

/**
 * `count` little-endian values of `type` from `bytes` (which must hold exactly that many), as
 * float32. float64 values are rounded to the nearest float32; float16 and bfloat16 are exact.
 */
export function decodeFloats(bytes: Uint8Array, type: FloatType, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count); // [count]
  switch (type) {
    case 'float32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'float64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'float16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
    case 'bfloat16': {
      // bfloat16 is the upper half of a float32.
      const wide = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        wide.setUint32(0, view.getUint16(2 * i, true) << 16);
        out[i] = wide.getFloat32(0);
      }
      break;
    }
  }
  return out;
}

/** An IEEE 754 half-precision value (its 16 bits) as a number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Refuses weights that are not finite: @rnn never computes with NaN or infinite weights taken from
 * a file. `what` and `name` say where the tensor came from.
 */
export function checkFinite(values: Float32Array, what: string, name: string): void {
  const i = firstNonFinite(values);
  if (i >= 0) throw new FormatError(`${what}: tensor '${name}' holds ${values[i]} at flat index ${i}; weights must be finite`);
}
