import { createHash } from 'node:crypto';
import { Dense } from '../../src/layers/dense';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';

/**
 * Seeded training runs for the concurrency tests: each job builds a recurrent model, fits it for
 * two epochs on seeded data and predicts. Small jobs' kernel calls run in place on their JS thread,
 * large ones' on the native pool, so a mix of them exercises both.
 */
export interface ModelJob {
  cell: 'lstm' | 'gru' | 'rnn';
  units: number;
  timesteps: number;
  features: number;
  samples: number;
  seed: number;
}

export const MODEL_JOBS: ModelJob[] = [
  { cell: 'lstm', units: 96, timesteps: 20, features: 16, samples: 64, seed: 1 },
  { cell: 'gru', units: 8, timesteps: 6, features: 3, samples: 24, seed: 2 },
  { cell: 'rnn', units: 128, timesteps: 30, features: 32, samples: 64, seed: 3 },
  { cell: 'lstm', units: 12, timesteps: 5, features: 4, samples: 16, seed: 4 },
  { cell: 'gru', units: 80, timesteps: 25, features: 24, samples: 64, seed: 5 },
  { cell: 'rnn', units: 6, timesteps: 8, features: 2, samples: 20, seed: 6 },
  { cell: 'lstm', units: 64, timesteps: 12, features: 8, samples: 48, seed: 7 },
  { cell: 'gru', units: 160, timesteps: 15, features: 40, samples: 32, seed: 8 },
];

/** What a job produced. */
export interface JobResult {
  losses: number[];
  weights: Float32Array[];
  predictions: Float32Array;
}

function recurrent(job: ModelJob) {
  const options = { units: job.units, inputShape: [job.timesteps, job.features] as [number, number] };
  return job.cell === 'lstm' ? new LSTM(options) : job.cell === 'gru' ? new GRU(options) : new SimpleRNN(options);
}

/** Trains and predicts with the job's seeds, on the active backend. */
export async function runModelJob(job: ModelJob): Promise<JobResult> {
  const rng = new Random(job.seed * 101);
  const { samples: n, timesteps: T, features: F } = job;
  const x = new Tensor(Float32Array.from({ length: n * T * F }, () => rng.uniform(-1, 1)), [n, T, F]);
  const y = new Tensor(Float32Array.from({ length: n * 2 }, () => rng.uniform(-1, 1)), [n, 2]);
  const model = new Sequential([recurrent(job), new Dense({ units: 2 })], { seed: job.seed });
  model.compile({ optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'mse' });
  const history = await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
  const predictions = await model.predict(x, { batchSize: 32 });
  return { losses: history.history.loss, weights: model.getWeights(), predictions: predictions.data };
}

/** The bits of a float array (so NaN payloads and signed zeros compare too). */
export const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** A SHA-256 of every bit of a result (for results that cross threads). */
export function digest(r: JobResult): string {
  const hash = createHash('sha256');
  hash.update(Float64Array.from(r.losses));
  for (const w of r.weights) hash.update(bits(w));
  hash.update(bits(r.predictions));
  return hash.digest('hex');
}
