/**
 * Smallest and largest of `values`, by a loop: spreading a long column into `Math.min(...)`
 * overflows the call stack past about a hundred thousand values.
 */
export function extent(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return [min, max];
}
