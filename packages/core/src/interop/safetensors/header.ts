import { FormatError, UnsupportedError } from '../../errors';
import { FLOAT_BYTES, type FloatType } from '../float-decoding';

/** The largest JSON header the reference implementation accepts (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** safetensors dtype names of the float types we read, with their element type. */
export const FLOAT_DTYPES: Readonly<Record<string, FloatType>> = { F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16' };

/** Every other dtype the format defines: valid in a file, but not weights we can load. */
const OTHER_DTYPES = new Set([
  'BOOL', 'U8', 'I8', 'U16', 'I16', 'U32', 'I32', 'U64', 'I64',
  'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64',
]);

/** One tensor's entry in the header, checked. */
export interface HeaderEntry {
  name: string;
  type: FloatType;
  shape: number[];
  /** Byte range `[begin, end)` in the data block. */
  begin: number;
  end: number;
}

/** A checked header: the tensors in the file's order and the `__metadata__` strings. */
export interface Header {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

/**
 * Checks a parsed JSON header against the format (safetensors' own validation): each tensor has a
 * known dtype, an integer shape and `data_offsets` whose length matches; the tensors cover the data
 * block of `dataLength` bytes exactly, back to back, with no hole and no overlap; `__metadata__`
 * maps strings to strings. Anything else is a `FormatError`; a known non-float dtype is an
 * `UnsupportedError`.
 */
export function checkHeader(json: unknown, dataLength: number, what: string): Header {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FormatError(`${what}: the header is not a JSON object`);
  const metadata = checkMetadata((json as Record<string, unknown>).__metadata__, what);
  const entries = Object.entries(json)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, value]) => checkEntry(name, value, what));
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const [i, entry] of byOffset.entries()) {
    if (entry.begin !== covered) {
      const previous = i > 0 ? `'${byOffset[i - 1].name}' ends at ${covered}` : 'the data block starts at 0';
      const kind = entry.begin < covered ? 'overlaps' : 'leaves a hole after';
      throw new FormatError(`${what}: tensor '${entry.name}' starts at byte ${entry.begin} and ${kind} the previous one (${previous})`);
    }
    covered = entry.end;
  }
  if (covered !== dataLength) {
    throw new FormatError(`${what}: the tensors cover ${covered} bytes of a data block of ${dataLength} bytes`);
  }
  return { entries, metadata };
}

function checkEntry(name: string, value: unknown, what: string): HeaderEntry {
  const bad = (detail: string): FormatError => new FormatError(`${what}: tensor '${name}' in the header ${detail}`);
  if (typeof value !== 'object' || value === null) throw bad('is not an object');
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) throw bad(`has shape ${JSON.stringify(shape)}, not a list of sizes`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw bad(`has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
  }
  if (typeof dtype !== 'string' || !(Object.hasOwn(FLOAT_DTYPES, dtype) || OTHER_DTYPES.has(dtype))) {
    throw bad(`has an unknown dtype ${JSON.stringify(dtype)}`);
  }
  if (!Object.hasOwn(FLOAT_DTYPES, dtype)) {
    throw new UnsupportedError(`${what}: tensor '${name}' is ${dtype}; only F32, F64, F16 and BF16 tensors load as weights`);
  }
  const type = FLOAT_DTYPES[dtype];
  const bytes = shape.reduce((a: number, b: number) => a * b, 1) * FLOAT_BYTES[type];
  if (offsets[1] - offsets[0] !== bytes) {
    throw bad(`spans ${offsets[1] - offsets[0]} bytes, but ${dtype} of shape [${shape.join(', ')}] needs ${bytes}`);
  }
  return { name, type, shape: [...shape], begin: offsets[0], end: offsets[1] };
}

function checkMetadata(value: unknown, what: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new FormatError(`${what}: __metadata__ must map strings to strings, got ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}
