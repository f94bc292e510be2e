import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { checkRequiredOptions, didYouMean, optionKeys, readCsv, type CsvCell, type CsvTable } from '@rnn/core';
import { UsageError } from '../program/usage-error';
import { dateParser, formatTimestamp } from './dates';
import { quoteList } from './suggest';

/** Which columns of which file make the series. */
export interface SeriesRequest {
  file: string;
  /** The column to forecast. */
  target: string;
  /** Further input columns (the target is always an input). */
  features?: readonly string[];
  /** The date column; `undefined` looks for one named date, time, timestamp, datetime or ds; `null`: none. */
  dateColumn?: string | null;
  /** A date-fns pattern such as `dd/MM/yyyy`; default strict ISO 8601. */
  dateFormat?: string;
}

/** A series read from a CSV file: the target first among the inputs, row-aligned. */
export interface Series {
  file: string;
  /** `[target, ...features]`. */
  inputs: string[];
  /** One array per input, `[rows]` each. */
  columns: number[][];
  /** UTC timestamps `[rows]`, strictly increasing; `null` without a date column. */
  dates: number[] | null;
  dateColumn: string | null;
  rows: number;
}

const SERIES_REQUEST_KEYS = optionKeys<SeriesRequest>({ file: true, target: true, features: true, dateColumn: true, dateFormat: true });

const DATE_NAMES = ['date', 'time', 'timestamp', 'datetime', 'ds'];

/**
 * Reads and checks a series; every problem with the file is a {@link UsageError} that names the
 * file, line and column. An unknown key in `request` is a `ConfigError` from core's option checker.
 */
export function loadSeries(request: SeriesRequest): Series {
  checkRequiredOptions('loadSeries', request, SERIES_REQUEST_KEYS, "{ file: 'prices.csv', target: 'close' }");
  const table = readTable(request.file);
  const inputs = [request.target, ...(request.features ?? []).filter((f) => f !== request.target)];
  const name = basename(request.file);
  for (const column of inputs) checkColumn(table, column, name);
  const dateColumn = request.dateColumn === undefined ? findDateColumn(table, inputs) : request.dateColumn;
  if (dateColumn !== null) checkColumn(table, dateColumn, name);
  const columns = inputs.map((column) => numericColumn(table, column, name));
  const dates = dateColumn === null ? null : parseDates(table, dateColumn, request.dateFormat, name);
  if (dates) checkOrder(dates, table.lines, dateColumn!, name);
  return { file: request.file, inputs, columns, dates, dateColumn, rows: table.rows.length };
}

function readTable(file: string): CsvTable {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new UsageError(`file '${file}' not found`);
  }
  if (!isFile) throw new UsageError(`'${file}' is not a file`);
  return readCsv(file);
}

function checkColumn(table: CsvTable, column: string, file: string): void {
  if (!table.columns.includes(column)) {
    throw new UsageError(`${file} has no column '${column}'${didYouMean(column, table.columns)}; its columns are ${quoteList(table.columns)}`);
  }
}

function findDateColumn(table: CsvTable, inputs: readonly string[]): string | null {
  return table.columns.find((c) => DATE_NAMES.includes(c.toLowerCase()) && !inputs.includes(c)) ?? null;
}

function numericColumn(table: CsvTable, column: string, file: string): number[] {
  return table.rows.map((row, i) => {
    const cell = row[column];
    if (typeof cell === 'number' && Number.isFinite(cell)) return cell;
    throw new UsageError(`${file} line ${table.lines[i]}, column '${column}': expected a number, got ${describeCell(cell)}`);
  });
}

function describeCell(cell: CsvCell): string {
  return cell === null ? 'an empty cell (fill or drop missing values first)' : `'${cell}'`;
}

function parseDates(table: CsvTable, column: string, format: string | undefined, file: string): number[] {
  const parse = dateParser(format);
  return table.rows.map((row, i) => {
    const cell = row[column];
    const parsed = parse(String(cell ?? ''));
    if (parsed !== null) return parsed;
    const where = `${file} line ${table.lines[i]}, column '${column}'`;
    if (cell === null) throw new UsageError(`${where}: the date is empty`);
    if (format !== undefined) throw new UsageError(`${where}: '${cell}' does not match --date-format ${format}`);
    throw new UsageError(
      `${where}: '${cell}' is not an ISO date (yyyy-mm-dd); give its format with --date-format (e.g. dd/MM/yyyy), or --no-date to ignore dates`,
    );
  });
}

/**
 * Rows must move forward in time: a step back or a repeated date is reported, never silently used.
 * `lines` are the file lines the rows start on (readCsv counts blank lines and quoted line breaks).
 */
function checkOrder(dates: readonly number[], lines: readonly number[], column: string, file: string): void {
  const bad = dates.map((d, i) => (i > 0 && d <= dates[i - 1] ? i : -1)).filter((i) => i >= 0);
  if (bad.length === 0) return;
  const i = bad[0];
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more place${bad.length > 2 ? 's' : ''})` : '';
  const at = (k: number) => `line ${lines[k]} (${formatTimestamp(dates[k])})`;
  if (dates[i] === dates[i - 1]) {
    throw new UsageError(`${file}: ${at(i)} repeats the date of line ${lines[i - 1]} in column '${column}'${more}; keep one row per date`);
  }
  throw new UsageError(`${file}: ${at(i)} comes before ${at(i - 1)} in column '${column}'${more}; sort the rows by date`);
}

/** The label of row `i`: its date, or its row number when there are no dates. */
export function rowLabel(series: Pick<Series, 'dates'>, i: number): string {
  return series.dates ? formatTimestamp(series.dates[i]) : `row ${i + 1}`;
}
