import { SeriesModel } from '../model/series-model';
import { UsageError } from '../program/usage-error';
import { formatTimestamp } from '../series/dates';
import { loadSeries, type Series } from '../series/load-series';
import type { Positions } from '../plots/series-charts';

/** A saved model and a CSV file read with the columns it was trained on. */
export interface ModelAndData {
  model: SeriesModel;
  series: Series;
}

/** Loads the model of `dir` and reads `csv` with the model's columns, dates and date format. */
export async function loadModelAndData(dir: string, csv: string): Promise<ModelAndData> {
  const model = await SeriesModel.load(dir);
  const { spec } = model;
  const series = loadSeries({
    file: csv,
    target: spec.target,
    features: spec.inputs.slice(1),
    dateColumn: spec.dateColumn,
    dateFormat: spec.dateFormat ?? undefined,
  });
  return { model, series };
}

/**
 * The first row of the test span in `series`: with dates, the first row on or after the model's
 * first test date (so a newer file is tested on everything the model has not seen); without, the
 * model's first test row.
 */
export function testStartRow(m: ModelAndData): number {
  const { data } = m.model.spec;
  const dates = m.series.dates;
  const row = dates && data.testStartDate !== null ? dates.findIndex((d) => d >= data.testStartDate!) : data.testStartRow;
  if (row < 0 || row >= m.series.rows) {
    const from = data.testStartDate !== null ? formatTimestamp(data.testStartDate) : `row ${data.testStartRow + 1}`;
    throw new UsageError(
      `${m.series.file} has no rows from ${from} on, where the model's test span starts: nothing to evaluate; ` +
        `give the file the model was trained on, or a newer one that goes past ${from}`,
    );
  }
  return row;
}

/** Plot positions of rows: their dates, or 1-based row numbers. */
export function positionsOf(series: Series, rows: readonly number[]): Positions {
  return series.dates ? { axis: { kind: 'time' }, x: rows.map((r) => series.dates![r]) } : { axis: { kind: 'row' }, x: rows.map((r) => r + 1) };
}
