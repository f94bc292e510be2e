import { constants as bufferConstants } from 'node:buffer';
import { existsSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DataError } from '../errors';
import { readRegularFileSync } from '../io/safe-read';
import { checkBoolean, checkOptions, checkString, optionKeys } from '../options';

/** One parsed cell: a number where the text is numeric, `null` where it is empty, else the text. */
export type CsvCell = number | string | null;

/** Options of {@link readCsv}. */
export interface ReadCsvOptions {
  /** Return only this column, as numbers; a missing column or a non-numeric cell is a `DataError`. */
  column?: string;
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /** Whether the first record holds the column names (default `true`); without one, columns are named `0`, `1`, … */
  header?: boolean;
}

const READ_CSV_OPTION_KEYS = optionKeys<ReadCsvOptions>({ column: true, delimiter: true, header: true });

/** A parsed CSV file: column names and one record per data row, numbers already parsed. */
export interface CsvTable {
  /** Column names, in file order. */
  readonly columns: readonly string[];
  /** Data rows, keyed by column name. */
  readonly rows: readonly Record<string, CsvCell>[];
  /** The 1-based file line each data row starts on (blank lines and line breaks inside quotes counted), for messages. */
  readonly lines: readonly number[];
  /** The values of one column as numbers; a missing column or a non-numeric cell is a `DataError`. */
  column(name: string): number[];
}

/**
 * Reads a CSV file or CSV text through `csv-parse`. A string containing a line break is taken as
 * the CSV text itself, any other string as a file path. With `{ column }` it returns that column's
 * values as numbers, otherwise a {@link CsvTable}. A path must name a regular file: a directory,
 * FIFO or device is a `FormatError` at once (never a hang, never an endless read).
 *
 * @example readCsv('data/sp500.csv', { column: 'close' }) // → [1455.22, 1399.42, …]
 */
export function readCsv(textOrPath: string, options: ReadCsvOptions & { column: string }): number[];
export function readCsv(textOrPath: string, options?: ReadCsvOptions): CsvTable;
export function readCsv(textOrPath: string, options: ReadCsvOptions = {}): CsvTable | number[] {
  checkOptions('readCsv', options, READ_CSV_OPTION_KEYS);
  const delimiter = options.delimiter === undefined ? ',' : checkString('readCsv', 'delimiter', options.delimiter);
  const hasHeader = checkBoolean('readCsv', 'header', options.header, true);
  if (options.column !== undefined) checkString('readCsv', 'column', options.column);
  const source = sourceText(textOrPath);
  let parsed: ParsedRecord[];
  try {
    // With info and raw, csv-parse gives each record with where it ends and its text (its typings say string[][]).
    parsed = parse(source.text, {
      delimiter,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
      raw: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    throw new DataError(`readCsv could not parse ${source.label}: ${(err as Error).message}`);
  }
  if (parsed.length === 0 || (hasHeader && parsed.length === 1)) {
    throw new DataError(`readCsv: ${source.label} has no data rows`);
  }
  const first = parsed[0].record;
  const columns = hasHeader ? first : first.map((_, i) => String(i));
  if (hasHeader) checkUniqueNames(columns, source.label);
  const body = hasHeader ? parsed.slice(1) : parsed;
  // 1-based file lines where each data row starts, for messages (blank lines and quoted line breaks counted).
  const lineOfRow = body.map(startLine);
  const rows = body.map(({ record }) => {
    const row: Record<string, CsvCell> = {};
    // defineProperty: a column named '__proto__' becomes a property like any other.
    columns.forEach((name, j) => Object.defineProperty(row, name, { value: parseCell(record[j]), enumerable: true, writable: true, configurable: true }));
    return row;
  });
  const column = (name: string): number[] => {
    if (!columns.includes(name)) {
      throw new DataError(`readCsv: ${source.label} has no column '${name}'; columns are ${columns.map((c) => `'${c}'`).join(', ')}`);
    }
    return rows.map((row, i) => {
      const value = row[name];
      if (typeof value !== 'number') {
        const shown = value === null ? 'an empty cell' : `'${value}'`;
        throw new DataError(`readCsv: column '${name}' of ${source.label} expected a number on line ${lineOfRow[i]}, got ${shown}`);
      }
      return value;
    });
  };
  if (options.column !== undefined) return column(options.column);
  return { columns, rows, lines: lineOfRow, column };
}

function sourceText(textOrPath: string): { text: string; label: string } {
  if (/[\r\n]/.test(textOrPath)) return { text: textOrPath, label: 'the CSV text' };
  if (!existsSync(textOrPath)) {
    throw new DataError(`readCsv: file '${textOrPath}' does not exist (pass a path, or CSV text with at least one line break)`);
  }
  // Regular files only, and no larger than one string can be: a FIFO or /dev/zero is a FormatError at once.
  const bytes = readRegularFileSync(textOrPath, { what: 'CSV file', maxBytes: bufferConstants.MAX_STRING_LENGTH });
  return { text: bytes.toString('utf8'), label: `'${textOrPath}'` };
}

/** A record as csv-parse gives it with `info` and `raw`. */
interface ParsedRecord {
  record: string[];
  info: { lines: number };
  raw: string;
}

/** The line a record starts on: csv-parse counts the line it ends on; a quoted field may hold line breaks. */
function startLine({ info, raw }: ParsedRecord): number {
  // `raw` starts with the blank lines skipped before the record and ends with its own line break.
  const own = raw.replace(/^[\r\n]+/, '').replace(/(\r\n|\r|\n)$/, '');
  return info.lines - (own.match(/\r\n|\r|\n/g)?.length ?? 0);
}

/** Two columns of one name would make one of them unreachable: a `DataError` naming both. */
function checkUniqueNames(columns: readonly string[], label: string): void {
  const seen = new Map<string, number>();
  columns.forEach((name, j) => {
    const first = seen.get(name);
    if (first !== undefined) throw new DataError(`readCsv: ${label} names two columns '${name}' (columns ${first + 1} and ${j + 1}); rename one`);
    seen.set(name, j);
  });
}

function parseCell(text: string | undefined): CsvCell {
  if (text === undefined || text === '') return null;
  // Number('') and Number(' ') are 0, and Number('0x1f') is 31: accept plain decimal notation only,
  // and only what a float64 holds (Number('1e999') is Infinity): other text stays text.
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const value = Number(text);
    if (Number.isFinite(value)) return value;
  }
  return text;
}
