import type { SeriesSpec } from '../model/spec';
import { SEASON_THRESHOLD } from '../evaluation/season';
import { formatTimestamp } from '../series/dates';

const KIND_WORDS = {
  ratio: (s: number) => `ratio to each window's last value, x / last − 1, divided by ${s.toPrecision(3)} (the RMS relative change in the training windows)`,
  diff: (s: number) => `difference from each window's last value, x − last, divided by ${s.toPrecision(3)} (the RMS change in the training windows)`,
  standard: (s: number, c: number) => `standardised over the training span, (x ${shift(c)}) / ${s.toPrecision(4)}`,
  minmax: (s: number, c: number) => `min-max scaled over the training span, (x ${shift(c)}) / ${s.toPrecision(4)}; values beyond that range must be extrapolated`,
};

/** `− 3.2` or `+ 0.0006` for subtracting `c`. */
function shift(c: number): string {
  return c >= 0 ? `− ${c.toPrecision(4)}` : `+ ${(-c).toPrecision(4)}`;
}

/** One line per input: how it is scaled and why. */
export function describeScaling(spec: SeriesSpec): string[] {
  return spec.inputs.map((name, f) => {
    const s = spec.scaling[f];
    return `Scaling '${name}': ${KIND_WORDS[s.kind](s.scale, s.center)}; ${spec.scalingReasons[f]}.`;
  });
}

/** Where the seasonal-naive baseline's season comes from. */
export function describeSeason(spec: SeriesSpec): string {
  const s = spec.season;
  if (s === null) return `Season: none found (no autocorrelation peak of the changes above ${SEASON_THRESHOLD}); give --season N for a seasonal-naive baseline.`;
  const origin = s.source === 'given' ? 'given with --season' : `detected: autocorrelation ${s.autocorrelation!.toFixed(2)} of the changes at that lag`;
  const hint = s.length > spec.window ? ` It is longer than the window (${spec.window}): a --window of at least ${s.length} lets the model see a whole season.` : '';
  return `Season: ${s.length} rows (${origin}).${hint}`;
}

/** The window shape and the chronological split. */
export function describeSplit(spec: SeriesSpec): string {
  const w = spec.data.windows;
  const start = spec.data.testStartDate === null ? `row ${spec.data.testStartRow + 1}` : formatTimestamp(spec.data.testStartDate);
  const ahead = spec.horizon === 1 ? 'the next value' : `the next ${spec.horizon} values`;
  return `Windows of ${spec.window} rows → ${ahead}: ${w.train} for training, ${w.validation} for validation, ${w.test} held out for testing (from ${start} on; rnn evaluate).`;
}
