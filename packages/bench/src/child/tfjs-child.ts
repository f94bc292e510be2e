/**
 * Child process that times the same model in @tensorflow/tfjs (tf.layers, pure JavaScript `cpu`
 * backend or the `wasm` backend), as a peer. `TFJS_BACKEND` (set by the parent) picks the backend.
 * tfjs' GRU has no reset-after form, so its GRU is reset-before; the FLOPs are the same.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { ModeTiming, PrepareMessage, PreparedMessage, TimeMessage, TimedMessage } from '../protocol';
import { readBundle } from '../tensor-file';
import { currentRssMb, peakRssMb, timeCall } from '../timing';
import { serve } from './serve';

const baselineRssMb = currentRssMb();

let prepared: { model: tf.Sequential; x: tf.Tensor; y: tf.Tensor; batch: number } | null = null;

// Production mode, as a served model runs: no debug checks, and no "install our node backend"
// banner from the cpu backend in every child.
tf.enableProdMode();

async function prepare(msg: PrepareMessage): Promise<PreparedMessage> {
  const backend = process.env.TFJS_BACKEND === 'wasm' ? 'wasm' : 'cpu';
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to initialise`);
  await tf.ready();
  const { T, I, H } = msg.dims;
  // Keras' defaults (sigmoid gates, as in our layers and PyTorch; tfjs defaults to hardSigmoid).
  // Glorot recurrent init: tfjs' orthogonal init is slow and not what is being timed.
  const common = { units: H, inputShape: [T, I], recurrentInitializer: 'glorotUniform' as const };
  const model = tf.sequential();
  if (msg.cell === 'lstm') model.add(tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid' }));
  else if (msg.cell === 'gru') model.add(tf.layers.gru({ ...common, recurrentActivation: 'sigmoid' }));
  else model.add(tf.layers.simpleRNN(common));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(), loss: 'meanSquaredError' });
  // The same batch as our backends (the weights differ: layouts differ and timing does not care).
  const bundle = readBundle(msg.batchFile);
  const x = tf.tensor(bundle.x.data, bundle.x.shape); // [B, T, I]
  const y = tf.tensor(bundle.y.data, bundle.y.shape); // [B, 1]
  prepared = { model, x, y, batch: bundle.x.shape[0] };
  return { type: 'prepared', baselineRssMb, backend: `tfjs ${tf.version.tfjs} (${tf.getBackend()})`, validation: null };
}

async function time(msg: TimeMessage): Promise<TimedMessage> {
  if (!prepared) throw new Error('time before prepare');
  const { model, x, y, batch } = prepared;
  const infer = async (): Promise<void> => {
    const out = model.predict(x, { batchSize: batch }) as tf.Tensor;
    await out.data(); // wait for the values, as a user reading predictions would
    out.dispose();
  };
  const train = async (): Promise<void> => {
    await model.trainOnBatch(x, y);
  };
  const timings: ModeTiming[] = [];
  for (const mode of msg.modes) {
    const t = await timeCall(mode === 'infer' ? infer : train, msg.budget);
    timings.push({ mode, medianMs: t.medianMs, samplesMs: t.samplesMs, peakRssMb: peakRssMb() });
  }
  return { type: 'timed', baselineRssMb, timings };
}

serve({ prepare, time });
