import { ConfigError } from '../errors';
import { describeValue } from './describe-value';
import { didYouMean } from './suggest';

/**
 * The keys of an options interface, listed once as `{ key: true, … }`: the compiler rejects a list
 * that misses a key of `T` or names one `T` does not have, so the runtime check cannot drift from
 * the published type.
 */
export function optionKeys<T extends object>(keys: { [K in keyof Required<T>]: true }): readonly (keyof T & string)[] {
  return Object.freeze(Object.keys(keys)) as readonly (keyof T & string)[];
}

/**
 * The one check every public options object goes through: `given` must be absent or a plain
 * object, and every key must be one the owner knows. An unknown key is a `ConfigError` naming the
 * owner and the key, with a "did you mean" for close names and for Keras/PyTorch spellings
 * (`return_sequences`, `batch_size`, `lr`), and the allowed keys — so a typo never silently
 * trains with a default.
 */
export function checkOptions(owner: string, given: unknown, allowed: readonly string[]): void {
  if (given === undefined) return;
  if (given === null || typeof given !== 'object' || Array.isArray(given) || ArrayBuffer.isView(given)) {
    throw new ConfigError(`${owner}: options must be an object, got ${describeValue(given)}`);
  }
  const unknown = Object.keys(given).filter((key) => !allowed.includes(key));
  if (unknown.length === 0) return;
  const listed = unknown.map((key) => `'${key}'${didYouMean(key, allowed)}`).join(', ');
  const allowedText = allowed.length === 0 ? 'it takes no options' : `allowed options are ${allowed.join(', ')}`;
  throw new ConfigError(`${owner}: unknown option${unknown.length > 1 ? 's' : ''} ${listed}; ${allowedText}`);
}

/**
 * `checkOptions` for an options object the owner cannot do without (`new Dense({ units })`):
 * absent or `null` is a `ConfigError` showing what it looks like (`example`, e.g. `{ units: 32 }`).
 */
export function checkRequiredOptions(owner: string, given: unknown, allowed: readonly string[], example: string): void {
  if (given === undefined || given === null) {
    throw new ConfigError(`${owner} expected an options object like ${example}, got ${describeValue(given)}`);
  }
  checkOptions(owner, given, allowed);
}
