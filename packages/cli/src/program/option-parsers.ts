import { InvalidArgumentError } from 'commander';

/**
 * Parsers of flag values for commander's `argParser`: each returns the typed value or throws
 * commander's `InvalidArgumentError`, which commander turns into
 * `option '--epochs <n>' argument '-3' is invalid. Expected a whole number ≥ 1.`
 */

/** Number syntax accepted on the command line: plain decimal notation (not '', '0x1f' or '1e'). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string, expected: string): number {
  if (!NUMBER.test(text.trim())) throw new InvalidArgumentError(`Expected ${expected}.`);
  return Number(text);
}

/** A whole number ≥ `min`. */
export function integerAtLeast(min: number, below = Number.MAX_SAFE_INTEGER + 1): (text: string) => number {
  const expected = below > Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${below - 1}`;
  return (text) => {
    const value = parseNumber(text, expected);
    if (!Number.isSafeInteger(value) || value < min || value >= below) throw new InvalidArgumentError(`Expected ${expected}.`);
    return value;
  };
}

/** A random seed: what the generator takes, [0, 2^32). */
export const seedNumber = integerAtLeast(0, 2 ** 32);

/** A whole number ≥ 1. */
export const positiveInteger = integerAtLeast(1);

/** A finite number > 0. */
export function positiveNumber(text: string): number {
  const value = parseNumber(text, 'a number > 0');
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError('Expected a number > 0.');
  return value;
}

/** A fraction strictly between 0 and 1. */
export function fraction(text: string): number {
  const value = parseNumber(text, 'a fraction between 0 and 1');
  if (!(value > 0 && value < 1)) throw new InvalidArgumentError('Expected a fraction between 0 and 1, e.g. 0.2.');
  return value;
}

/** A comma-separated list of whole numbers ≥ 1, e.g. `50,50`. */
export function positiveIntegerList(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new InvalidArgumentError('Expected whole numbers ≥ 1 separated by commas, e.g. 50,50.');
  }
  return parts.map(Number);
}

/** A comma-separated list of non-empty names, e.g. `open,volume`. */
export function nameList(text: string): string[] {
  const names = text.split(',').map((p) => p.trim());
  if (names.some((n) => n === '')) throw new InvalidArgumentError('Expected names separated by commas, e.g. open,volume.');
  return names;
}
