import type { SeriesSpec } from '../model/spec';
import type { XAxis } from './axes';
import { lineChart, type LinePoint } from './charts';
import type { VegaLiteSpec } from './render';

/** `close` or `temp_c (°C)`: the target as an axis title. */
export function valueTitle(spec: Pick<SeriesSpec, 'target' | 'unit'>): string {
  return spec.unit ? `${spec.target} (${spec.unit})` : spec.target;
}

/** Positions along the x axis: dates (UTC ms) or 1-based row numbers. */
export interface Positions {
  axis: XAxis;
  x: readonly number[];
}

function points(series: string, x: readonly number[], y: ArrayLike<number>): LinePoint[] {
  return Array.from(x, (xi, i) => ({ x: xi, y: y[i], series }));
}

/** Training and validation loss per epoch; a single epoch shows as points. */
export function learningCurveChart(spec: SeriesSpec, loss: readonly number[], valLoss: readonly number[]): VegaLiteSpec {
  const epochs = loss.map((_, i) => i + 1);
  const rows = [...points('loss', epochs, loss), ...points('val_loss', epochs.slice(0, valLoss.length), valLoss)];
  const kinds = [...new Set(spec.scaling.map((s) => s.kind))].join(', ');
  return lineChart(`Learning curve: ${spec.model.type.toUpperCase()} forecasting '${spec.target}'`, [
    { title: '', x: { kind: 'epoch' }, yTitle: `loss (MSE of the ${kinds}-scaled target)`, rows, height: 260 },
  ]);
}

/** A forecast line of the evaluation chart: actual, model, naive, … values at the positions. */
export interface NamedLine {
  name: string;
  values: ArrayLike<number>;
}

/**
 * The test span: actual values against the model's (first-step) forecasts, then a zoomed panel of
 * the last `zoom` points that also shows the baselines.
 */
export function evaluationChart(spec: SeriesSpec, at: Positions, actual: ArrayLike<number>, lines: readonly NamedLine[], zoom: number): VegaLiteSpec {
  const what = spec.horizon === 1 ? 'one-step forecasts' : `first-step forecasts (of ${spec.horizon})`;
  const all = (from: number, names: readonly string[]) => [
    ...points('actual', at.x.slice(from), Array.from(actual).slice(from)),
    ...lines.filter((l) => names.includes(l.name)).flatMap((l) => points(l.name, at.x.slice(from), Array.from(l.values).slice(from))),
  ];
  const n = at.x.length;
  const last = Math.min(zoom, n);
  const panels = [{ title: `the whole test span (${n} points)`, x: at.axis, yTitle: valueTitle(spec), rows: all(0, ['model']) }];
  if (last < n) {
    panels.push({ title: `zoom: the last ${last} test points`, x: at.axis, yTitle: valueTitle(spec), rows: all(n - last, lines.map((l) => l.name)) });
  }
  return lineChart(`'${spec.target}': ${what} over the test span`, panels);
}

/** The last stretch of history followed by the forecast. */
export function forecastChart(spec: SeriesSpec, history: { at: Positions; values: readonly number[] }, future: { x: readonly number[]; values: readonly number[] }, steps: string): VegaLiteSpec {
  // The forecast line starts at the last known value, so the two lines join.
  const joinX = history.at.x[history.at.x.length - 1];
  const joinY = history.values[history.values.length - 1];
  const rows = [...points('history', history.at.x, history.values), ...points('forecast', [joinX, ...future.x], [joinY, ...future.values])];
  return lineChart(`'${spec.target}': forecast of the next ${steps}`, [{ title: '', x: history.at.axis, yTitle: valueTitle(spec), rows }]);
}
