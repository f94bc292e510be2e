import { utc } from '@date-fns/utc';
import { isValid, parse, parseISO } from 'date-fns';
import { UsageError } from '../program/usage-error';

/**
 * ISO 8601 as it appears in data files: a date, optionally a time (with seconds and fraction) and
 * a zone. Anything else (dd/mm/yyyy, 2020/01/03, "Jan 3 2020") needs `--date-format`: guessing
 * between 03/01 and 01/03 is how dates get silently misread.
 */
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

/** A parser of one cell's text: a UTC timestamp in milliseconds, or `null` when the text is not a date of that form. */
export type DateParser = (text: string) => number | null;

/**
 * The parser for `format` (a date-fns pattern such as `dd/MM/yyyy`), or strict ISO 8601 when
 * `format` is undefined. Dates without a zone are read as UTC calendar dates, so the machine's
 * time zone never shifts a day.
 */
export function dateParser(format: string | undefined): DateParser {
  // Zone-less fields go straight into a UTC date (date-fns' `in` context): read as local time first,
  // a time that does not exist at a daylight-saving change (02:30 on a spring-forward night, or
  // midnight where the clocks jump at 00:00) would move by an hour.
  const options = { in: utc };
  if (format === undefined) {
    return (text) => {
      if (!ISO.test(text)) return null;
      const date = parseISO(text, options);
      return isValid(date) ? date.getTime() : null;
    };
  }
  checkFormat(format);
  const reference = Date.UTC(2000, 0, 1);
  return (text) => {
    const date = parse(text, format, reference, options);
    return isValid(date) ? date.getTime() : null;
  };
}

/** Rejects a pattern date-fns would reject, with our message instead of its RangeError. */
function checkFormat(format: string): void {
  try {
    parse('', format, new Date(2000, 0, 1));
  } catch (err) {
    throw new UsageError(`--date-format '${format}' is not a date pattern (${(err as Error).message}); use date-fns tokens such as dd/MM/yyyy`);
  }
  if (!/[yY]/.test(format) || !/[dDM]|L|w|Q/.test(format)) {
    throw new UsageError(`--date-format '${format}' should contain a year (yyyy) and a month or day (MM, dd); use date-fns tokens such as dd/MM/yyyy`);
  }
}

/** A timestamp as `yyyy-MM-dd`, or with the time of day when it has one. */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}
