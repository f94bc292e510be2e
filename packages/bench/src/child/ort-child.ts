/**
 * Child process that runs the onnxruntime peer: ONNX Runtime for Node on the graph
 * `torch.onnx.export` wrote for the validated weights (`PrepareMessage.onnxFile`), `threads` intra-op
 * threads, one inter-op thread, all graph optimisations. Inference only: `predict` of the batch, and
 * K concurrent async `run`s of one sequence for `--mode serve`.
 */
// Read when the first session starts: no telemetry client writing files and trying to upload.
process.env.ORT_DISABLE_TELEMETRY = '1';

import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { ModeTiming, PrepareMessage, PreparedMessage, ServeMessage, ServedMessage, TimeMessage, TimedMessage } from '../protocol';
import { serveInTurns } from '../serve-stats';
import { readBundle } from '../tensor-file';
import { currentRssMb, peakRssMb, timeCall } from '../timing';
import { serve } from './serve';

const baselineRssMb = currentRssMb();

let prepared: { session: ort.InferenceSession; x: ort.Tensor; one: ort.Tensor } | null = null;

/** One `run` on `x`, awaited, returning the `y` values. */
async function predict(session: ort.InferenceSession, x: ort.Tensor): Promise<Float32Array> {
  const out = await session.run({ x });
  return out.y.data as Float32Array;
}

async function prepare(msg: PrepareMessage): Promise<PreparedMessage> {
  if (!msg.onnxFile) throw new Error('the onnxruntime peer needs the exported graph (onnxFile)');
  const threads = msg.threads ?? availableParallelism();
  const session = await ort.InferenceSession.create(msg.onnxFile, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const bundle = readBundle(msg.batchFile);
  const [B, T, I] = bundle.x.shape;
  const x = new ort.Tensor('float32', bundle.x.data, [B, T, I]); // [B, T, I]
  const one = new ort.Tensor('float32', bundle.x.data.slice(0, T * I), [1, T, I]); // [1, T, I]
  prepared = { session, x, one };
  const validation = msg.validate
    ? { prediction: Array.from(await predict(session, x)), losses: [], gradsFile: null, timings: [] }
    : null;
  const backend = `ONNX Runtime ${ort.env.versions.common} (${threads} intra-op thread${threads === 1 ? '' : 's'}, graph from torch.onnx.export)`;
  return { type: 'prepared', baselineRssMb, backend, validation };
}

async function time(msg: TimeMessage): Promise<TimedMessage> {
  if (!prepared) throw new Error('time before prepare');
  const { session, x } = prepared;
  const timings: ModeTiming[] = [];
  for (const mode of msg.modes) {
    if (mode !== 'infer') throw new Error(`the onnxruntime peer only infers, not '${mode}'`);
    const t = await timeCall(() => predict(session, x), msg.budget);
    timings.push({ mode, medianMs: t.medianMs, samplesMs: t.samplesMs, peakRssMb: peakRssMb() });
  }
  return { type: 'timed', baselineRssMb, timings };
}

async function serveCallers(msg: ServeMessage): Promise<ServedMessage> {
  if (!prepared) throw new Error('serve before prepare');
  const { session, one } = prepared;
  const serving = await serveInTurns(() => predict(session, one), msg);
  return { type: 'served', serving };
}

serve({ prepare, time, serveCallers });
