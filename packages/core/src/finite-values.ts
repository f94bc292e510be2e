/**
 * Index of the first NaN or ±Infinity in `values`, or -1: a plain loop on the calling thread (weights
 * and series run to millions of values; for a whole model input, `backend.data.firstNonFinite` scans
 * in C++ on native).
 */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
