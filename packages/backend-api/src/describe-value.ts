/**
 * The one rendering of a value for an error message's "got …" part, shared by core's option checks
 * and the kernel-argument errors (it lives in the contract package so that both can use it): `-3`, `'abc'`,
 * `[2, 3]`, `a Float32Array of length 20`, `an object with keys a, b`, `undefined`. Never throws,
 * never prints a large value whole.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 60 ? `'${value.slice(0, 57)}…'` : `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return value.name ? `the function ${value.name}` : 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return describeArray(value);
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as { length?: number }).length ?? value.byteLength;
    return `a ${value.constructor.name} of length ${length}`;
  }
  if (value instanceof ArrayBuffer || isSharedArrayBuffer(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  return describeObject(value);
}

/** Short arrays of plain values print whole (`[2, 3]`); others by length. */
function describeArray(value: readonly unknown[]): string {
  const plain = value.every((v) => v === null || typeof v === 'number' || typeof v === 'boolean');
  if (plain && value.length <= 8) return `[${value.map(String).join(', ')}]`;
  return `an array of length ${value.length}`;
}

function describeObject(value: object): string {
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const className = proto?.constructor?.name;
  if (proto !== null && proto !== Object.prototype && className) return `a ${className}`;
  const keys = Object.keys(value);
  if (keys.length === 0) return 'an empty object';
  const shown = keys.slice(0, 6).join(', ');
  return `an object with keys ${shown}${keys.length > 6 ? ', …' : ''}`;
}

function isSharedArrayBuffer(value: unknown): value is SharedArrayBuffer {
  return typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer;
}
