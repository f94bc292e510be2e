import { totalmem } from 'node:os';
import { ConfigError, ShapeError } from './errors';

/**
 * How large one float32 buffer may be: what the JavaScript engine allows in one typed array
 * (2^32 values), and at most half of the machine's memory. A layer or a call that would need more
 * fails with a typed error naming what is too large, before anything is allocated, instead of a
 * raw `RangeError` from the engine (or the process being killed for memory half-way).
 */
export const MAX_BUFFER_VALUES = Math.min(2 ** 32, Math.floor(totalmem() / 2 / Float32Array.BYTES_PER_ELEMENT));

/** `16 TB`, `12.3 GB`, `800 MB`. */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toPrecision(3)} ${units[unit]}`;
}

function tooLarge(owner: string, what: string, values: number): string {
  return (
    `${owner}: ${what} would need ${values.toPrecision(3)} float32 values (${formatBytes(values * 4)}); ` +
    `one buffer can hold at most ${MAX_BUFFER_VALUES.toPrecision(3)} here (${formatBytes(MAX_BUFFER_VALUES * 4)})`
  );
}

/** A weight of `shape` must fit in one buffer: a `ConfigError` (the layer's options ask for it) otherwise. */
export function checkWeightSize(owner: string, weight: string, shape: readonly number[]): void {
  const values = shape.reduce((a, b) => a * b, 1);
  if (values > MAX_BUFFER_VALUES) throw new ConfigError(tooLarge(owner, `${weight} [${shape.join(', ')}]`, values));
}

/** A buffer a call allocates for its data must fit: a `ShapeError` (the data's shape asks for it) otherwise. */
export function checkBufferSize(owner: string, what: string, values: number): void {
  if (values > MAX_BUFFER_VALUES) throw new ShapeError(tooLarge(owner, what, values));
}
