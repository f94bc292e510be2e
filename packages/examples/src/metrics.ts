/** Root-mean-square error between two equally long series. */
export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new Error(`rmse needs two non-empty series of equal length, got ${predicted.length} and ${actual.length}`);
  }
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (predicted[i] - actual[i]) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Seconds since `start` (a `performance.now()` reading), to one decimal. */
export function secondsSince(start: number): number {
  return Math.round((performance.now() - start) / 100) / 10;
}
