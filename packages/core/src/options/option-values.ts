import { ConfigError } from '../errors';
import { describeValue } from './describe-value';
import { didYouMean } from './suggest';

/**
 * Checks of single option values. Each returns the value when it is valid and otherwise throws one
 * message shape: `<owner>: <option> must be <expected>, got <value>`.
 */

/** Throws the `ConfigError` every option check ends in. */
export function optionError(owner: string, option: string, expected: string, value: unknown, hint = ''): never {
  throw new ConfigError(`${owner}: ${option} must be ${expected}, got ${describeValue(value)}${hint}`);
}

/** Bounds for `checkNumber`; an omitted bound is not checked. */
export interface NumberBounds {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Values must be strictly greater than this. */
  above?: number;
  /** Values must be strictly less than this. */
  below?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** The value must be a whole number. */
  integer?: boolean;
}

/** A finite number within `bounds`. */
export function checkNumber(owner: string, option: string, value: unknown, bounds: NumberBounds = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!bounds.integer || Number.isInteger(value)) &&
    (bounds.min === undefined || value >= bounds.min) &&
    (bounds.above === undefined || value > bounds.above) &&
    (bounds.below === undefined || value < bounds.below) &&
    (bounds.max === undefined || value <= bounds.max);
  return ok ? (value as number) : optionError(owner, option, describeBounds(bounds), value);
}

/** A random seed: an integer in [0, 2^32), all the generator takes (a larger one would alias a smaller one). */
export function checkSeed(owner: string, value: unknown): number {
  return checkNumber(owner, 'seed', value, { integer: true, min: 0, below: 2 ** 32 });
}

/** An integer ≥ `min` (default 1): a count such as `units`, `epochs` or `batchSize`. */
export function checkCount(owner: string, option: string, value: unknown, min = 1): number {
  return checkNumber(owner, option, value, { integer: true, min });
}

/** `true` or `false`; `undefined` gives `fallback` when one is given. */
export function checkBoolean(owner: string, option: string, value: unknown, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  return typeof value === 'boolean' ? value : optionError(owner, option, 'true or false', value);
}

/** A non-empty string. */
export function checkString(owner: string, option: string, value: unknown): string {
  return typeof value === 'string' && value.length > 0 ? value : optionError(owner, option, 'a non-empty string', value);
}

/** A file or directory path: a non-empty string without NUL bytes (Node refuses those with a raw error). */
export function checkPath(owner: string, option: string, value: unknown): string {
  const ok = typeof value === 'string' && value.length > 0 && !value.includes('\0');
  return ok ? (value as string) : optionError(owner, option, 'a path (a non-empty string)', value);
}

/** One of `allowed`, with a "did you mean" for a near miss. */
export function checkChoice<T extends string>(owner: string, option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
  return optionError(owner, option, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value, hint);
}

/** One of the allowed verbosity levels (`0, 1 or 2`). */
export function checkVerbose<T extends number>(owner: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'number' && (allowed as readonly number[]).includes(value)) return value as T;
  const choices = `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
  return optionError(owner, 'verbose', choices, value);
}

/** `a positive integer`, `a number in [0, 1)`, `a number > 0`, … */
export function describeBounds(b: NumberBounds): string {
  const kind = b.integer ? 'an integer' : 'a number';
  const lower = b.min !== undefined ? { v: b.min, open: false } : b.above !== undefined ? { v: b.above, open: true } : null;
  const upper = b.max !== undefined ? { v: b.max, open: false } : b.below !== undefined ? { v: b.below, open: true } : null;
  if (b.integer && upper === null && lower !== null && !lower.open && (lower.v === 0 || lower.v === 1)) {
    return lower.v === 1 ? 'a positive integer' : 'a non-negative integer';
  }
  if (lower && upper) return `${kind} in ${lower.open ? '(' : '['}${lower.v}, ${upper.v}${upper.open ? ')' : ']'}`;
  if (lower) return `${kind} ${lower.open ? '>' : '>='} ${lower.v}`;
  if (upper) return `${kind} ${upper.open ? '<' : '<='} ${upper.v}`;
  return b.integer ? 'an integer' : 'a finite number';
}
