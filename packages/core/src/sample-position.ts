/**
 * Where flat index `k` of data of `shape` (batch axis first) lies, for error messages that point at
 * the user's own data: `sample 55`, `sample 55, step 2`, `sample 3, position [2, 0]`.
 */
export function describeSamplePosition(k: number, shape: readonly number[]): string {
  const sampleShape = shape.slice(1);
  const perSample = sampleShape.reduce((a, b) => a * b, 1);
  const sample = Math.floor(k / perSample);
  if (sampleShape.length === 0 || perSample === 1) return `sample ${sample}`;
  let rest = k % perSample;
  const index: number[] = [];
  for (let d = sampleShape.length - 1; d >= 0; d--) {
    index.unshift(rest % sampleShape[d]);
    rest = Math.floor(rest / sampleShape[d]);
  }
  return sampleShape.length === 1 ? `sample ${sample}, step ${index[0]}` : `sample ${sample}, position [${index.join(', ')}]`;
}
