/**
 * A short rendering of any value for an error message's "got …" part: `null`, `undefined`, `'relu'`,
 * `2.5`, `NaN`, `true`, `10n`, `Symbol(s)`, `an Array of length 3`, `a Float64Array`, `a Map`,
 * `a function`. Strings are quoted; numbers are printed as JavaScript prints them.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `'${value}'`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
    case 'undefined':
      return 'undefined';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an Array of length ${value.length}`;
  const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
  return typeof name === 'string' && name !== '' ? `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
}
