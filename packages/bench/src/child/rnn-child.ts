/**
 * Child process that runs one of our backends (chosen by `RNN_BACKEND`, set by the parent) through
 * the public API, exactly as a user would: Sequential([LSTM|GRU|SimpleRNN, Dense(1)]), Adam, MSE.
 */
import { Dense, GRU, LSTM, Sequential, SimpleRNN, Tensor, backendInfo, getBackend, setNumThreads } from '@rnn/core';
import type { CellKind } from '@rnn/backend-api';
import type { Dims, Mode } from '../grid';
import type { ModeTiming, PrepareMessage, PreparedMessage, ServeMessage, ServedMessage, TimeMessage, TimedMessage, ValidationOutput } from '../protocol';
import { serveInTurns } from '../serve-stats';
import { type NamedArray, readBundle, writeBundle } from '../tensor-file';
import { currentRssMb, peakRssMb, timeCall } from '../timing';
import { type KernelProfile, instrumentKernels } from './kernel-profile';
import { serve } from './serve';

const baselineRssMb = currentRssMb();

/** The model and its batch. */
interface Prepared {
  model: Sequential;
  x: Tensor; // [B, T, I]
  y: Tensor; // [B, 1]
}
let prepared: Prepared | null = null;
/** Kernel timings of the active backend, wrapped once per process. */
let kernelProfile: KernelProfile | null = null;

/** Recurrent layer → Dense(1): the bench model, seeded. */
function buildModel(cell: CellKind, dims: Dims, seed: number): Sequential {
  const options = { units: dims.H, inputShape: [dims.T, dims.I] as [number, number] };
  const recurrent = cell === 'lstm' ? new LSTM(options) : cell === 'gru' ? new GRU(options) : new SimpleRNN(options);
  const model = new Sequential([recurrent, new Dense({ units: 1 })], { seed });
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

async function prepare(msg: PrepareMessage): Promise<PreparedMessage> {
  if (msg.threads !== null) setNumThreads(msg.threads);
  kernelProfile = instrumentKernels(getBackend());
  const model = buildModel(msg.cell, msg.dims, msg.seed);
  const batch = readBundle(msg.batchFile);
  const x = new Tensor(batch.x.data, batch.x.shape); // [B, T, I]
  const y = new Tensor(batch.y.data, batch.y.shape); // [B, 1]
  // Weights may be created lazily on the first call; one sample builds them.
  if (model.parameters().length === 0) {
    await model.predict(new Tensor(x.data.slice(0, msg.dims.T * msg.dims.I), [1, msg.dims.T, msg.dims.I]));
  }
  if (msg.weights.role === 'write') {
    const arrays: Record<string, NamedArray> = {};
    for (const [key, t] of Object.entries(model.stateDict())) arrays[key] = { shape: [...t.shape], data: t.data };
    writeBundle(msg.weights.file, arrays);
  } else {
    const dict: Record<string, Tensor> = {};
    for (const [key, a] of Object.entries(readBundle(msg.weights.file))) dict[key] = new Tensor(a.data, a.shape);
    model.loadStateDict(dict);
  }
  prepared = { model, x, y };
  const validation = msg.validate ? await validate(prepared, msg.gradsFile) : null;
  const info = backendInfo();
  const native = info.name === 'native';
  const backend = `${info.name} (${info.blas}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${native ? `, ${info.cpu}` : ''})`;
  return { type: 'prepared', baselineRssMb, backend, ...(native ? { cpuLevel: info.cpu } : {}), validation };
}

/** Predictions, a training step's loss and gradients, on the shared batch; each call timed once. */
async function validate(p: Prepared, gradsFile: string): Promise<ValidationOutput> {
  const B = p.x.shape[0];
  const timings: ModeTiming[] = [];
  const timeOnce = async <T>(mode: Mode, call: () => Promise<T>): Promise<T> => {
    kernelProfile!.reset();
    const start = performance.now();
    const result = await call();
    const ms = performance.now() - start;
    const profile = { meanCallMs: ms, kernelMs: { ...kernelProfile!.totalsMs } };
    timings.push({ mode, medianMs: ms, samplesMs: [ms], peakRssMb: peakRssMb(), profile });
    return result;
  };
  const prediction = Array.from((await timeOnce('infer', () => p.model.predict(p.x, { batchSize: B }))).data);
  const losses = [await timeOnce('train', () => p.model.trainOnBatch(p.x, p.y))];
  const grads: Record<string, NamedArray> = {};
  let kept = false;
  p.model.parameters().forEach((param, i) => {
    grads[`${i}.${param.name}`] = { shape: [...param.shape], data: Float32Array.from(param.grad) };
    kept ||= param.grad.some((g) => g !== 0);
  });
  if (kept) writeBundle(gradsFile, grads);
  else losses.push(await p.model.trainOnBatch(p.x, p.y));
  return { prediction, losses, gradsFile: kept ? gradsFile : null, timings };
}

async function time(msg: TimeMessage): Promise<TimedMessage> {
  if (!prepared) throw new Error('time before prepare');
  const p = prepared;
  const B = p.x.shape[0];
  const profile = kernelProfile!;
  const timings: ModeTiming[] = [];
  for (const mode of msg.modes) {
    const call = mode === 'infer' ? () => p.model.predict(p.x, { batchSize: B }) : () => p.model.trainOnBatch(p.x, p.y);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const t = await timeCall(call, msg.budget, () => profile.reset());
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerWall = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
    const n = t.samplesMs.length;
    const kernelMs = Object.fromEntries(Object.entries(profile.totalsMs).map(([k, ms]) => [k, ms / n]));
    const meanCallMs = t.samplesMs.reduce((a, b) => a + b, 0) / n;
    timings.push({ mode, medianMs: t.medianMs, samplesMs: t.samplesMs, peakRssMb: peakRssMb(), cpuPerWall, profile: { meanCallMs, kernelMs } });
  }
  return { type: 'timed', baselineRssMb, timings };
}

/**
 * K callers, each awaiting `predict` of the batch's first sequence `[1, T, I]` on one predictor of
 * the validated model (`model.predictor()`, what a server answers with: its weights stay constant,
 * as an ONNX Runtime session's do), which must first predict what the model does, bit for bit.
 */
async function serveCallers(msg: ServeMessage): Promise<ServedMessage> {
  if (!prepared) throw new Error('serve before prepare');
  const { model, x } = prepared;
  const [, T, I] = x.shape;
  const one = new Tensor(x.data.slice(0, T * I), [1, T, I]); // [1, T, I]
  const predictor = model.predictor();
  const [expected, served] = [(await model.predict(one)).data, (await predictor.predict(one)).data];
  if (!served.every((v, i) => Object.is(v, expected[i]))) throw new Error(`the predictor predicts [${served}], the model [${expected}]`);
  const serving = await serveInTurns(() => predictor.predict(one), msg);
  predictor.dispose();
  return { type: 'served', serving };
}

serve({ prepare, time, serveCallers });
