import { FormatError } from '../../errors';
import { Tensor } from '../../tensor';
import { checkFinite, decodeFloats } from '../float-decoding';
import { readModelSource, sourceName, type ModelSource } from '../model-source';
import { checkHeader, MAX_HEADER_BYTES } from './header';

/** What a safetensors file holds: its tensors (as float32) by name, and its `__metadata__`. */
export interface SafetensorsContent {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Reads a safetensors file (a path or its bytes): an 8-byte little-endian header length, the JSON
 * header, then the tensors' bytes. F32, F64 (rounded to float32), F16 and BF16 tensors load, in
 * the header's order; `tensors` goes straight to `model.loadStateDict(tensors, { mapping })`.
 *
 * Checked as the format requires: a header length beyond the file or over 100 MB, a header that
 * is not a JSON object, an unknown dtype, offsets with holes or overlaps, a size that disagrees
 * with the shape, or a non-finite weight is a `FormatError`; an integer or fp8 tensor is an
 * `UnsupportedError`.
 */
export async function readSafetensors(source: ModelSource): Promise<SafetensorsContent> {
  const what = `readSafetensors(${sourceName(source)})`;
  const bytes = await readModelSource(source, 'readSafetensors');
  if (bytes.length < 8) throw new FormatError(`${what}: ${bytes.length} bytes is too short for a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) {
    throw new FormatError(`${what}: the header length ${headerLength} is over the format's limit of ${MAX_HEADER_BYTES} bytes`);
  }
  if (8 + headerLength > bytes.length) {
    throw new FormatError(`${what}: the header length ${headerLength} reaches beyond the file of ${bytes.length} bytes (truncated, or not safetensors)`);
  }
  const header = checkHeader(parseHeader(bytes.subarray(8, 8 + headerLength), what), bytes.length - 8 - headerLength, what);
  const data = bytes.subarray(8 + headerLength);
  const tensors = header.entries.map((entry): [string, Tensor] => {
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const values = decodeFloats(data.subarray(entry.begin, entry.end), entry.type, count);
    checkFinite(values, what, entry.name);
    return [entry.name, new Tensor(values, entry.shape)];
  });
  // fromEntries defines each key, so a tensor named '__proto__' stays an ordinary entry.
  return { tensors: Object.fromEntries(tensors), metadata: header.metadata };
}

function parseHeader(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(`${what}: the header is not UTF-8 text`);
  }
  if (!text.startsWith('{')) throw new FormatError(`${what}: the header does not start with '{' (not a safetensors file)`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FormatError(`${what}: the header is not valid JSON: ${(err as Error).message}`);
  }
}
