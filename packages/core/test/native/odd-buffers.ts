/** Float32Arrays a kernel must refuse however right their length: the contract's "unusable" buffers. */

/** A Float32Array of length n whose ArrayBuffer was transferred away (its length is now 0). */
export function detached(n: number): Float32Array {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

/** A Float32Array of length n over a SharedArrayBuffer. */
export function shared(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * Math.max(n, 1)), 0, n);
}
