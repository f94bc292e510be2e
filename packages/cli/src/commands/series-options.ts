import { Option, type Command } from 'commander';
import { nameList } from '../program/option-parsers';
import type { SeriesRequest } from '../series/load-series';

/** The options that say which columns of the CSV file make the series. */
export interface SeriesOptions {
  column: string;
  features?: string[];
  /** A column name, `false` for `--no-date`, `undefined` to look for one. */
  date?: string | false;
  dateFormat?: string;
}

/** Adds --column, --features, --date, --no-date and --date-format. */
export function addSeriesOptions(command: Command, required: boolean): void {
  const column = new Option('--column <name>', 'the column to forecast');
  command
    .addOption(required ? column.makeOptionMandatory() : column)
    .addOption(new Option('--features <names>', 'more input columns, comma-separated (the target is always an input)').argParser(nameList))
    .addOption(new Option('--date <name>', 'the date column (default: a column named date, time, timestamp, datetime or ds)'))
    .addOption(new Option('--no-date', 'ignore dates: rows are taken in file order'))
    .addOption(new Option('--date-format <pattern>', 'date-fns pattern of non-ISO dates, e.g. dd/MM/yyyy (default: ISO 8601 only)'));
}

/** The series request of a CSV file with these options. */
export function seriesRequest(csv: string, o: SeriesOptions): SeriesRequest {
  return {
    file: csv,
    target: o.column,
    features: o.features,
    dateColumn: o.date === false ? null : o.date,
    dateFormat: o.dateFormat,
  };
}
