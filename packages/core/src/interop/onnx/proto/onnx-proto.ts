import * as protobuf from 'protobufjs/light';
import { FormatError } from '../../../errors';
import { ONNX_SCHEMA } from './onnx-schema';

/**
 * ONNX models as plain objects, encoded and decoded by protobufjs from the official `onnx.proto`
 * (reflection JSON in `onnx-schema.ts`, so nothing is read from disk at run time). Field names are
 * the .proto's own (snake_case); int64 fields are plain numbers; absent fields are `undefined`.
 */

/** `TensorProto.DataType` values this package reads or writes. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** `AttributeProto.AttributeType` values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface TensorProto {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  /** 1 = EXTERNAL: the values live in another file. */
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
  segment?: unknown;
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  g?: unknown;
}

export interface NodeProto {
  name?: string;
  op_type?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: AttributeProto[];
}

export interface TensorShapeDim {
  dim_value?: number;
  dim_param?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: TensorShapeDim[] } } };
}

export interface GraphProto {
  name?: string;
  node?: NodeProto[];
  initializer?: TensorProto[];
  sparse_initializer?: unknown[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: number;
}

export interface ModelProto {
  ir_version?: number;
  opset_import?: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  doc_string?: string;
  graph?: GraphProto;
  metadata_props?: { key?: string; value?: string }[];
  functions?: unknown[];
}

let modelType: protobuf.Type | null = null;

/** The `onnx.ModelProto` message type, built once from the reflection JSON. */
function modelProtoType(): protobuf.Type {
  if (!modelType) modelType = protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

/** The protobuf bytes of a model. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  return type.encode(type.fromObject(model as Record<string, unknown>)).finish();
}

/**
 * Decodes protobuf bytes into a model. Bytes that are not a protobuf message (truncated, another
 * format) are a `FormatError` naming `source`; whether the message is an ONNX model at all is checked
 * by the caller (`checkModel`).
 */
export function decodeModel(bytes: Uint8Array, source: string): ModelProto {
  const type = modelProtoType();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (err) {
    throw new FormatError(`${source} is not a valid ONNX file (truncated or not protobuf): ${(err as Error).message}`);
  }
  return type.toObject(message, { longs: Number, enums: Number }) as ModelProto;
}

/** Text of a protobuf `bytes` string field. */
export function utf8(bytes: Uint8Array | undefined): string {
  return bytes ? new TextDecoder().decode(bytes) : '';
}
