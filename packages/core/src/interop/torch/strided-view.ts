/**
 * Copies a strided view of `storage` into a new contiguous row-major array: element `[i0, i1, …]`
 * of the view is `storage[offset + i0·stride[0] + i1·stride[1] + …]`, as torch's `as_strided`.
 * Returns null when the view reaches outside `storage`.
 */
export function gatherStrided(
  storage: Float32Array,
  offset: number,
  size: readonly number[],
  stride: readonly number[],
): Float32Array | null {
  const count = size.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count); // [count], the view's shape flattened
  if (count === 0) return out;
  const last = size.reduce((end, d, k) => end + (d - 1) * stride[k], offset);
  if (last >= storage.length) return null;
  const index = new Array<number>(size.length).fill(0); // the current multi-index
  let at = offset;
  for (let n = 0; n < count; n++) {
    out[n] = storage[at];
    // Advance the multi-index like an odometer, last axis fastest.
    for (let k = size.length - 1; k >= 0; k--) {
      if (++index[k] < size[k]) {
        at += stride[k];
        break;
      }
      at -= (size[k] - 1) * stride[k];
      index[k] = 0;
    }
  }
  return out;
}
