import type { Sequential } from '@rnn/core';
import { UsageError } from '../program/usage-error';
import { SCALING_KINDS } from '../scaling/column-scaling';
import { CELL_TYPES, type SeriesSpec } from './spec';

/**
 * The `series` attachment of a loaded model, checked field by field: everything `evaluate`,
 * `forecast`, `info` and `export` read from it. model.json is a text file people edit (or damage),
 * and a wrong field must not become a TypeError deep inside a command or, worse, a silent result
 * (an unknown scaling kind forecast zeros). Each problem is a {@link UsageError} naming the field.
 */
export function checkSeriesSpec(spec: Readonly<Record<string, unknown>>, net: Sequential, dir: string): SeriesSpec {
  const fail: Fail = (path, expected, got) => {
    throw new UsageError(`'${dir}' has a damaged model description (model.json): series.${path} should be ${expected}, got ${describe(got)}`);
  };
  if (spec.version !== 1) fail('version', '1', spec.version);
  const target = text(spec.target, 'target', fail);
  if (target === '') fail('target', 'a column name', target);
  const inputs = list(spec.inputs, 'inputs', fail, (v, p) => (typeof v === 'string' && v !== '' ? v : fail(p, 'a column name', v)));
  if (inputs[0] !== target) fail('inputs', `a list of column names starting with the target '${target}'`, inputs);
  const n = inputs.length;
  const scaling = list(spec.scaling, 'scaling', fail, (v, p) => {
    const s = object(v, p, fail);
    oneOf(s.kind, `${p}.kind`, SCALING_KINDS, fail);
    finite(s.center, `${p}.center`, fail);
    if (!(finite(s.scale, `${p}.scale`, fail) > 0)) fail(`${p}.scale`, 'a number > 0', s.scale);
  });
  if (scaling.length !== n) fail('scaling', `a list of ${n}, one per input`, scaling);
  const reasons = list(spec.scalingReasons, 'scalingReasons', fail, (v, p) => text(v, p, fail));
  if (reasons.length !== n) fail('scalingReasons', `a list of ${n}, one per input`, reasons);
  for (const key of ['dateColumn', 'dateFormat', 'unit']) if (spec[key] !== null) text(spec[key], key, fail);
  const window = whole(spec.window, 'window', 1, fail);
  const horizon = whole(spec.horizon, 'horizon', 1, fail);
  if (spec.season !== null) {
    const season = object(spec.season, 'season', fail);
    whole(season.length, 'season.length', 2, fail);
    oneOf(season.source, 'season.source', ['detected', 'given'], fail);
    if (season.autocorrelation !== null) finite(season.autocorrelation, 'season.autocorrelation', fail);
  }
  const model = object(spec.model, 'model', fail);
  oneOf(model.type, 'model.type', CELL_TYPES, fail);
  list(model.units, 'model.units', fail, (v, p) => whole(v, p, 1, fail));
  whole(model.parameters, 'model.parameters', 0, fail);
  checkData(object(spec.data, 'data', fail), fail);
  checkTraining(object(spec.training, 'training', fail), fail);
  checkNetwork(net, window, n, horizon, fail);
  return spec as unknown as SeriesSpec;
}

type Fail = (path: string, expected: string, got: unknown) => never;
type Fields = Record<string, unknown>;

function checkData(data: Fields, fail: Fail): void {
  for (const key of ['file', 'first', 'last']) text(data[key], `data.${key}`, fail);
  whole(data.rows, 'data.rows', 1, fail);
  const windows = object(data.windows, 'data.windows', fail);
  for (const key of ['train', 'validation', 'test']) whole(windows[key], `data.windows.${key}`, 0, fail);
  whole(data.testStartRow, 'data.testStartRow', 0, fail);
  if (data.testStartDate !== null) finite(data.testStartDate, 'data.testStartDate', fail);
  const range = list(data.trainingRange, 'data.trainingRange', fail, (v, p) => finite(v, p, fail));
  if (range.length !== 2) fail('data.trainingRange', 'a pair [smallest, largest]', range);
}

function checkTraining(t: Fields, fail: Fail): void {
  for (const key of ['epochs', 'bestEpoch']) whole(t[key], `training.${key}`, 0, fail);
  if (typeof t.stoppedEarly !== 'boolean') fail('training.stoppedEarly', 'true or false', t.stoppedEarly);
  finite(t.seconds, 'training.seconds', fail);
  text(t.backend, 'training.backend', fail);
  // JSON has no NaN: a loss that was NaN is saved as null, and only the learning curve reads losses.
  for (const key of ['loss', 'valLoss']) list(t[key], `training.${key}`, fail, (v, p) => (v === null ? v : finite(v, p, fail)));
  for (const [name, m] of Object.entries(object(t.validation, 'training.validation', fail))) {
    const path = `training.validation['${name}']`;
    const metrics = object(m, path, fail);
    finite(metrics.rmse, `${path}.rmse`, fail);
    finite(metrics.mae, `${path}.mae`, fail);
    if (metrics.mape !== null) finite(metrics.mape, `${path}.mape`, fail);
  }
}

/** The description must fit the network it describes: its input shape and its output width. */
function checkNetwork(net: Sequential, window: number, features: number, horizon: number, fail: Fail): void {
  const input = net.layers[0]?.inputShape;
  if (input && input[0] !== window) fail('window', `the network's ${input[0]} steps`, window);
  if (input && input[1] !== features) fail('inputs', `the network's ${input[1]} input column${input[1] === 1 ? '' : 's'}`, `a list of ${features}`);
  const last = net.layers[net.layers.length - 1];
  const output = last?.inputShape ? last.computeOutputShape(last.inputShape) : null;
  if (output && output[output.length - 1] !== horizon) fail('horizon', `the network's ${output[output.length - 1]} outputs`, horizon);
}

function object(value: unknown, path: string, fail: Fail): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : fail(path, 'an object', value);
}

function text(value: unknown, path: string, fail: Fail): string {
  return typeof value === 'string' ? value : fail(path, 'a text', value);
}

function finite(value: unknown, path: string, fail: Fail): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'a number', value);
}

function whole(value: unknown, path: string, min: number, fail: Fail): number {
  return Number.isSafeInteger(value) && (value as number) >= min ? (value as number) : fail(path, `a whole number ≥ ${min}`, value);
}

function oneOf(value: unknown, path: string, allowed: readonly string[], fail: Fail): string {
  return typeof value === 'string' && allowed.includes(value) ? value : fail(path, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
}

/** A non-empty list, each item checked by `item` (given its path, e.g. `scaling[0]`). */
function list<T>(value: unknown, path: string, fail: Fail, item: (value: unknown, path: string) => T): T[] {
  if (!Array.isArray(value) || value.length === 0) fail(path, 'a non-empty list', value);
  return (value as unknown[]).map((x, i) => item(x, `${path}[${i}]`));
}

/** A short account of a JSON value for a message: `'bogus'`, `12`, `a list of 3`, nothing at all. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
