import { FormatError, UnsupportedError } from '../../../errors';
import { DataType, type TensorProto } from './onnx-proto';

/**
 * ONNX tensors ↔ typed arrays. Writing always uses `raw_data` (little-endian, as ONNX requires);
 * reading accepts `raw_data` and the typed fields (`float_data`, `int64_data`, …) of the numeric
 * types an RNN graph uses.
 */

/** A constant tensor as read from a model: its dims, its ONNX data type and its values (any type, as doubles). */
export interface ConstTensor {
  dims: number[];
  dataType: number;
  /** Row-major values; int64 values beyond ±2^53 lose precision (only slice bounds such as INT64_MAX get there). */
  values: Float64Array;
}

const BYTES: Readonly<Record<number, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.DOUBLE]: 8,
  [DataType.INT64]: 8,
  [DataType.INT32]: 4,
  [DataType.INT8]: 1,
  [DataType.UINT8]: 1,
  [DataType.BOOL]: 1,
};

const TYPE_NAMES: Readonly<Record<number, string>> = {
  [DataType.FLOAT]: 'float',
  [DataType.DOUBLE]: 'double',
  [DataType.INT64]: 'int64',
  [DataType.INT32]: 'int32',
  [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8',
  [DataType.BOOL]: 'bool',
};

/** A float32 tensor in `raw_data`. */
export function floatTensor(name: string, dims: readonly number[], values: Float32Array): TensorProto {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let k = 0; k < values.length; k++) view.setFloat32(4 * k, values[k], true);
  return { name, dims: [...dims], data_type: DataType.FLOAT, raw_data: raw };
}

/** An int64 tensor in `raw_data`. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  for (let k = 0; k < values.length; k++) view.setBigInt64(8 * k, BigInt(values[k]), true);
  return { name, dims: [...dims], data_type: DataType.INT64, raw_data: raw };
}

/** Name of an ONNX data type for messages, e.g. `float`, `int64`, or `type 16`. */
export function dataTypeName(type: number | undefined): string {
  return TYPE_NAMES[type ?? 0] ?? `type ${type ?? 0}`;
}

/**
 * Reads a tensor's values. Unknown or unsupported data types and external data are an
 * `UnsupportedError`; a value count that disagrees with the dims is a `FormatError`. `where` names the
 * tensor in messages (e.g. `initializer 'fc.weight'`).
 */
export function readTensor(t: TensorProto, where: string): ConstTensor {
  const dims = t.dims ?? [];
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new FormatError(`${where} has invalid dims [${dims.join(', ')}]`);
  const dataType = t.data_type ?? 0;
  if (t.data_location === 1 || (t.external_data?.length ?? 0) > 0) {
    throw new UnsupportedError(`${where} keeps its values in an external file; save the model with every tensor inside it`);
  }
  if (t.segment !== undefined && t.segment !== null) throw new UnsupportedError(`${where} is a segment of a tensor; segmented tensors are not supported`);
  const width = BYTES[dataType];
  if (width === undefined) {
    throw new UnsupportedError(`${where} has data type ${dataTypeName(dataType)}; supported: ${Object.values(TYPE_NAMES).join(', ')}`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const values = t.raw_data !== undefined && t.raw_data.length > 0 ? fromRaw(t.raw_data, dataType, width) : fromTyped(t, dataType);
  if (values.length !== count) {
    throw new FormatError(`${where} has dims [${dims.join(', ')}] (${count} values) but holds ${values.length} values`);
  }
  return { dims: [...dims], dataType, values };
}

/** Values from little-endian `raw_data`; a byte count that is not a whole number of values is a `FormatError`. */
function fromRaw(raw: Uint8Array, dataType: number, width: number): Float64Array {
  if (raw.length % width !== 0) throw new FormatError(`raw_data of ${raw.length} bytes is not a whole number of ${dataTypeName(dataType)} values`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(raw.length / width);
  for (let k = 0; k < out.length; k++) {
    const at = k * width;
    switch (dataType) {
      case DataType.FLOAT:
        out[k] = view.getFloat32(at, true);
        break;
      case DataType.DOUBLE:
        out[k] = view.getFloat64(at, true);
        break;
      case DataType.INT64:
        out[k] = Number(view.getBigInt64(at, true));
        break;
      case DataType.INT32:
        out[k] = view.getInt32(at, true);
        break;
      case DataType.INT8:
        out[k] = view.getInt8(at);
        break;
      default: // UINT8, BOOL
        out[k] = view.getUint8(at);
    }
  }
  return out;
}

/** Values from the typed repeated field the data type uses (int32_data also carries int8, uint8 and bool). */
function fromTyped(t: TensorProto, dataType: number): Float64Array {
  switch (dataType) {
    case DataType.FLOAT:
      return Float64Array.from(t.float_data ?? []);
    case DataType.DOUBLE:
      return Float64Array.from(t.double_data ?? []);
    case DataType.INT64:
      return Float64Array.from(t.int64_data ?? []);
    default:
      return Float64Array.from(t.int32_data ?? []);
  }
}
