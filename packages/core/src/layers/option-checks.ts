import { checkNumber, checkString, optionError } from '../options';
import type { SampleShape } from './layer';

/** Checks of layer options shared by the basic layers (`Dense`, `Embedding`, `Dropout`). */

/** A layer name: a non-empty string, or a fresh unique name when absent. */
export function layerName(className: string, value: unknown, makeUnique: () => string): string {
  return value === undefined ? makeUnique() : checkString(className, 'name', value);
}

/**
 * An `inputShape` option: the shape of one sample without the batch axis, each entry a positive
 * integer or `null` (known only at run time). `rank`, when given, is the required length.
 */
export function optionalInputShape(owner: string, value: unknown, rank?: number): SampleShape | null {
  if (value === undefined || value === null) return null;
  const valid =
    Array.isArray(value) &&
    (rank === undefined || value.length === rank) &&
    value.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 1));
  if (!valid) {
    const expected = rank === undefined ? 'an array of positive integers or null' : `an array of ${rank} positive integers or null`;
    optionError(owner, 'inputShape', expected, value);
  }
  return Object.freeze([...(value as (number | null)[])]);
}

/** A size option (units, inputDim, …): a positive integer. */
export function checkSize(owner: string, option: string, value: unknown): number {
  return checkNumber(owner, option, value, { integer: true, min: 1 });
}

/** Formats a shape with the batch axis first, e.g. `[batch, 10, 3]`; `null` entries print as `?`. */
export function formatBatchShape(sample: SampleShape): string {
  return `[batch${sample.map((d) => `, ${d ?? '?'}`).join('')}]`;
}
