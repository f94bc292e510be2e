const counters = new Map<string, number>();

/** A Keras-style unique layer name: `lstm_1`, `lstm_2`, `dense_1`, … per prefix, per process. */
export function uniqueLayerName(prefix: string): string {
  const n = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, n);
  return `${prefix}_${n}`;
}
