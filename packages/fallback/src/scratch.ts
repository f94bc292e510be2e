/**
 * Scratch buffers the kernels reuse from call to call, so a training loop allocates nothing after
 * its first batch and no kernel allocates inside its time loop. Each kernel names its buffers
 * (`'lstm.dGates'`); a buffer only grows, and may be longer than asked for, so callers always
 * pass explicit lengths and offsets. Kernels are synchronous, so a name is never in use twice.
 */

const pool = new Map<string, Float32Array>();
const pool64 = new Map<string, Float64Array>();

/** A float32 buffer of at least `length` elements, contents undefined. */
export function scratch(name: string, length: number): Float32Array {
  let buf = pool.get(name);
  if (buf === undefined || buf.length < length) {
    buf = new Float32Array(length);
    pool.set(name, buf);
  }
  return buf;
}

/** A float32 buffer of at least `length` elements whose first `length` are zero. */
export function zeroedScratch(name: string, length: number): Float32Array {
  const buf = scratch(name, length);
  buf.fill(0, 0, length);
  return buf;
}

/** A float64 buffer of at least `length` elements whose first `length` are zero (for sums). */
export function zeroedScratch64(name: string, length: number): Float64Array {
  let buf = pool64.get(name);
  if (buf === undefined || buf.length < length) {
    buf = new Float64Array(length);
    pool64.set(name, buf);
  }
  buf.fill(0, 0, length);
  return buf;
}

/** Drops every cached scratch buffer (they are re-created, at the sizes needed, by the next call). */
export function releaseScratch(): void {
  pool.clear();
  pool64.clear();
}
