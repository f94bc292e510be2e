import { ConfigError } from '../errors';

/**
 * Rejects option keys the owner does not know, so a typo such as `learningrate` fails loudly
 * instead of silently training with the default.
 */
export function checkOptionKeys(owner: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`${owner}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${owner}: unknown option '${key}'; allowed options are ${allowed.join(', ')}`);
    }
  }
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

/** Returns `value` if it is a finite number within `bounds`, else throws a ConfigError naming `owner` and `option`. */
export function checkNumber(owner: string, option: string, value: unknown, bounds: NumberBounds = {}): number {
  const fail = (expected: string): never => {
    throw new ConfigError(`${owner}: option '${option}' must be ${expected}, got ${describeValue(value)}`);
  };
  const expected = describeBounds(bounds);
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail(expected);
  if (bounds.integer && !Number.isInteger(value)) return fail(expected);
  if (bounds.min !== undefined && value < bounds.min) return fail(expected);
  if (bounds.above !== undefined && value <= bounds.above) return fail(expected);
  if (bounds.below !== undefined && value >= bounds.below) return fail(expected);
  if (bounds.max !== undefined && value > bounds.max) return fail(expected);
  return value;
}

/** Returns `value` if it is a boolean, else throws a ConfigError naming `owner` and `option`. */
export function checkBoolean(owner: string, option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${owner}: option '${option}' must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

/** Returns `value` if it is one of `allowed`, else throws a ConfigError listing them. */
export function checkChoice<T extends string>(owner: string, option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(
      `${owner}: option '${option}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`,
    );
  }
  return value as T;
}

/** A short, readable rendering of an arbitrary value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function describeBounds(b: NumberBounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`>= ${b.min}`);
  if (b.above !== undefined) parts.push(`> ${b.above}`);
  if (b.below !== undefined) parts.push(`< ${b.below}`);
  if (b.max !== undefined) parts.push(`<= ${b.max}`);
  const kind = b.integer ? 'an integer' : 'a finite number';
  return parts.length ? `${kind} ${parts.join(' and ')}` : kind;
}

/** Returns `value` if it is one of the allowed verbosity levels, else throws a ConfigError naming `owner`. */
export function checkVerbose<T extends number>(owner: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'number' || !(allowed as readonly number[]).includes(value)) {
    const choices = `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
    throw new ConfigError(`${owner}: option 'verbose' must be ${choices}, got ${describeValue(value)}`);
  }
  return value as T;
}
