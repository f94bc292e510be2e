/**
 * Child process that runs one of our backends (chosen by `RNN_BACKEND`, set by the parent) through
 * the public API, exactly as a user would: Sequential([LSTM|GRU|SimpleRNN, Dense(1)]), Adam, MSE.
 */
import { Dense, GRU, LSTM, Sequential, SimpleRNN, Tensor, backendInfo, getBackend, setNumThreads } from '@rnn/core';
import type { CellKind } from '@rnn/backend-api';
import type { Dims } from '../grid';
import type { ModeTiming, PrepareMessage, PreparedMessage, TimeMessage, TimedMessage, ValidationOutput } from '../protocol';
import { type NamedArray, readBundle, writeBundle } from '../tensor-file';
import { currentRssMb, peakRssMb, timeCall } from '../timing';
import { instrumentKernels } from './kernel-profile';
import { serve } from './serve';

const baselineRssMb = currentRssMb();

/** The model and its batch. */
interface Prepared {
  model: Sequential;
  x: Tensor; // [B, T, I]
  y: Tensor; // [B, 1]
}
let prepared: Prepared | null = null;

/** Recurrent layer → Dense(1): the bench model, seeded. */
function buildModel(cell: CellKind, dims: Dims, seed: number): Sequential {
  const options = { units: dims.H, inputShape: [dims.T, dims.I] as [number, number] };
  const recurrent = cell === 'lstm' ? new LSTM(options) : cell === 'gru' ? new GRU(options) : new SimpleRNN(options);
  const model = new Sequential([recurrent, new Dense({ units: 1 })], { seed });
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}

async function prepare(msg: PrepareMessage): Promise<PreparedMessage> {
  setNumThreads(msg.threads);
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
  return { type: 'prepared', backend: `${info.name} (${info.blas}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`, validation };
}

/** Predictions, two training steps' losses and the first step's gradients, on the shared batch. */
async function validate(p: Prepared, gradsFile: string): Promise<ValidationOutput> {
  const B = p.x.shape[0];
  let start = performance.now();
  const prediction = Array.from((await p.model.predict(p.x, { batchSize: B })).data);
  const inferMs = performance.now() - start;
  start = performance.now();
  const loss1 = await p.model.trainOnBatch(p.x, p.y);
  const trainMs = performance.now() - start;
  const grads: Record<string, NamedArray> = {};
  let anyNonZero = false;
  p.model.parameters().forEach((param, i) => {
    grads[`${i}.${param.name}`] = { shape: [...param.shape], data: Float32Array.from(param.grad) };
    anyNonZero ||= param.grad.some((g) => g !== 0);
  });
  const loss2 = await p.model.trainOnBatch(p.x, p.y);
  if (anyNonZero) writeBundle(gradsFile, grads);
  return {
    prediction,
    losses: [loss1, loss2],
    gradsFile: anyNonZero ? gradsFile : null,
    callMs: { infer: inferMs, train: trainMs },
  };
}

async function time(msg: TimeMessage): Promise<TimedMessage> {
  if (!prepared) throw new Error('time before prepare');
  const p = prepared;
  const B = p.x.shape[0];
  const profile = instrumentKernels(getBackend());
  const timings: ModeTiming[] = [];
  for (const mode of msg.modes) {
    const call = mode === 'infer' ? () => p.model.predict(p.x, { batchSize: B }) : () => p.model.trainOnBatch(p.x, p.y);
    const t = await timeCall(call, msg.budget, msg.skipWarmup, () => profile.reset());
    const n = t.samplesMs.length;
    const kernelMs = Object.fromEntries(Object.entries(profile.totalsMs).map(([k, ms]) => [k, ms / n]));
    const meanCallMs = t.samplesMs.reduce((a, b) => a + b, 0) / n;
    timings.push({ mode, medianMs: t.medianMs, samplesMs: t.samplesMs, peakRssMb: peakRssMb(), profile: { meanCallMs, kernelMs } });
  }
  return { type: 'timed', baselineRssMb, timings };
}

serve({ prepare, time });
