import { ConfigError } from '../errors';
import type { SampleShape } from './layer';

/**
 * Checks of layer options shared by the basic layers (`Dense`, `Embedding`, `Dropout`). Each throws
 * a `ConfigError` that names the layer and option, what was expected and what came.
 */

/** Describes a bad value for an error message: `-3`, `'abc'`, `undefined`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

/** `value` must be an integer ≥ 1 (units, inputDim, …). */
export function requirePositiveInteger(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${owner}: ${option} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` must be a boolean, or absent (then `fallback`). */
export function optionalBoolean(owner: string, option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${owner}: ${option} must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` must be a non-empty string, or absent (then `fallback`). */
export function optionalString(owner: string, option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(`${owner}: ${option} must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

/** A layer name: a non-empty string, or a fresh unique name when absent. */
export function layerName(className: string, value: unknown, makeUnique: () => string): string {
  if (value === undefined) return makeUnique();
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(`${className}: name must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
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
    throw new ConfigError(`${owner}: inputShape must be ${expected}, got ${describeValue(value)}`);
  }
  return Object.freeze([...(value as (number | null)[])]);
}

/** Formats a shape with the batch axis first, e.g. `[batch, 10, 3]`; `null` entries print as `?`. */
export function formatBatchShape(sample: SampleShape): string {
  return `[batch${sample.map((d) => `, ${d ?? '?'}`).join('')}]`;
}
