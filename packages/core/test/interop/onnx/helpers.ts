import * as ort from 'onnxruntime-node';
import { decodeModel, encodeModel, type ModelProto } from '../../../src/interop/onnx/proto/onnx-proto';
import type { Sequential } from '../../../src/model/sequential';
import { Random } from '../../../src/random';
import { expectClose, type Tolerance } from '../../../src/testing/compare';

// ONNX Runtime for Node (1.30) otherwise starts a telemetry client that writes `.ses` and
// `mat-debug-<pid>.log` into the temporary directory and tries to upload; read when a session starts.
process.env.ORT_DISABLE_TELEMETRY = '1';

/**
 * ONNX Runtime against our predictions: float32 on both sides, the same weights, different kernels
 * and summation orders. Values are of order 1 over up to 100 steps; the bar is 1e-5 relative,
 * and 1e-6 absolute covers values that cross zero.
 */
export const ORT_TOLERANCE: Tolerance = { atol: 1e-6, rtol: 1e-5 };

/** What a test feeds a model: float sequences `[B, T, F]`, int ids `[B, T]`, or float vectors `[B, F]` (T unused). */
export type InputKind = { kind: 'float'; features: number } | { kind: 'ids'; vocab: number } | { kind: 'vector'; features: number };

/** A model input both as nested arrays (for `predict`) and as an ONNX Runtime tensor. */
export interface ModelInput {
  nested: number[][][] | number[][];
  tensor: ort.Tensor;
}

/**
 * A seeded input of `B` sequences of `T` steps. Ids come with padding (id 0) in every pattern a
 * mask can have, row by row: none, post-padded, pre-padded, gaps, all padding.
 */
export function makeInput(kind: InputKind, B: number, T: number, seed: number): ModelInput {
  const rng = new Random(seed);
  if (kind.kind === 'vector') {
    const nested = Array.from({ length: B }, () => Array.from({ length: kind.features }, () => rng.next() * 2 - 1));
    return { nested, tensor: new ort.Tensor('float32', Float32Array.from(nested.flat()), [B, kind.features]) };
  }
  if (kind.kind === 'float') {
    const nested = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: kind.features }, () => rng.next() * 2 - 1)));
    return { nested, tensor: new ort.Tensor('float32', Float32Array.from(nested.flat(2)), [B, T, kind.features]) };
  }
  const nested = Array.from({ length: B }, (_, b) => {
    const ids = Array.from({ length: T }, () => 1 + Math.floor(rng.next() * (kind.vocab - 1)));
    const cut = Math.floor(rng.next() * (T + 1));
    return ids.map((id, t) => (padded(b % 5, t, T, cut, rng) ? 0 : id));
  });
  return { nested, tensor: new ort.Tensor('int64', BigInt64Array.from(nested.flat().map(BigInt)), [B, T]) };
}

function padded(pattern: number, t: number, T: number, cut: number, rng: Random): boolean {
  switch (pattern) {
    case 1:
      return t >= cut; // post-padded
    case 2:
      return t < T - cut; // pre-padded
    case 3:
      return rng.next() < 0.4; // gaps
    case 4:
      return true; // nothing but padding
    default:
      return false;
  }
}

/** Runs ONNX bytes in ONNX Runtime (CPU) and returns every output. */
export async function runOrt(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** A float32 ONNX Runtime tensor from flat values. */
export function floatTensor(data: ArrayLike<number>, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from(data), [...dims]);
}

/** Asserts an ONNX Runtime output equals our values and shape within `ORT_TOLERANCE`. */
export function expectOrtClose(actual: ort.Tensor, expected: { data: ArrayLike<number>; shape: readonly number[] }, what: string): void {
  const dims = [...actual.dims];
  if (dims.join(',') !== expected.shape.join(',')) throw new Error(`${what}: ONNX Runtime shape [${dims.join(', ')}], ours [${expected.shape.join(', ')}]`);
  expectClose(actual.data as Float32Array, expected.data, ORT_TOLERANCE, what);
}

/** Our prediction and ONNX Runtime's on the same input, compared. */
export async function expectSamePrediction(model: Sequential, bytes: Uint8Array, input: ModelInput, what: string): Promise<void> {
  const ours = await model.predict(input.nested, { batchSize: 1024 });
  const outputs = await runOrt(bytes, { input: input.tensor });
  expectOrtClose(outputs.output, ours, what);
}

/** A decoded copy of `bytes`, changed by `edit`, encoded again. */
export function edited(bytes: Uint8Array, edit: (m: ModelProto) => void): Uint8Array {
  const model = decodeModel(bytes, 'test');
  edit(model);
  return encodeModel(model);
}
