import type { ColumnScaling } from '../scaling/column-scaling';

/** The recurrent layer type of `--model`. */
export const CELL_TYPES = ['lstm', 'gru', 'rnn'] as const;
export type CellType = (typeof CELL_TYPES)[number];

/** RMSE, MAE and MAPE (percent; `null` where undefined: a target that is not strictly positive). */
export interface ErrorMetrics {
  rmse: number;
  mae: number;
  mape: number | null;
}

/**
 * Everything `rnn evaluate`, `forecast` and `info` need besides the weights: which columns, how
 * they were scaled, how the data was split. Saved as the `series` attachment of the model.
 */
export interface SeriesSpec {
  format: 'rnn-series';
  version: 1;
  /** The column forecast. */
  target: string;
  /** `[target, ...features]`, the network's input features in order. */
  inputs: string[];
  /** Scaling of each input, in `inputs` order (the target's is used for the outputs). */
  scaling: ColumnScaling[];
  /** Why each scaling was chosen, in words. */
  scalingReasons: string[];
  dateColumn: string | null;
  dateFormat: string | null;
  /** Unit of the target for axis titles, e.g. `°C`. */
  unit: string | null;
  window: number;
  horizon: number;
  /** Season length of the seasonal-naive baseline, and whether it was detected or given. */
  season: { length: number; source: 'detected' | 'given'; autocorrelation: number | null } | null;
  model: { type: CellType; units: number[]; parameters: number };
  data: DataSpan;
  training: TrainingRecord;
}

/** Where the training data came from and how it was split. */
export interface DataSpan {
  file: string;
  rows: number;
  first: string;
  last: string;
  /** Windows of each part, in time order. */
  windows: { train: number; validation: number; test: number };
  /** Row index of the first test target: later rows were never seen in training. */
  testStartRow: number;
  /** Its date, when the series has dates: `rnn evaluate` on a newer file tests from there on. */
  testStartDate: number | null;
  /** Smallest and largest target value of the training rows: beyond them a model of levels extrapolates. */
  trainingRange: [number, number];
}

/** How training went. */
export interface TrainingRecord {
  epochs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  seconds: number;
  backend: string;
  loss: number[];
  valLoss: number[];
  /** Validation errors of the model and the baselines, in the target's units. */
  validation: Record<string, ErrorMetrics>;
}
