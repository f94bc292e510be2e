import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dense } from '../../src/layers/dense';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { Tensor } from '../../src/tensor';
import { Random } from '../../src/random';
import { tempDir as sharedTempDir } from '../../../../test-support/temp-dirs';

/** A fresh temporary directory, removed when the test file ends. */
export const tempDir = (): string => sharedTempDir('rnn-io-');

/** Deterministic inputs `[batch, steps, features]`. */
export function randomTensor(shape: number[], seed: number): Tensor {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
}

/** LSTM(6, returnSequences) → GRU(4) → Dense(2), compiled with Adam + MSE and trained two steps. */
export async function trainedModel(): Promise<{ model: Sequential; x: Tensor; y: Tensor }> {
  const model = new Sequential(
    [new LSTM({ units: 6, returnSequences: true, inputShape: [5, 3] }), new GRU({ units: 4 }), new Dense({ units: 2 })],
    { seed: 7 },
  );
  model.compile({ optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'mse', metrics: ['mae'] });
  const x = randomTensor([4, 5, 3], 1);
  const y = randomTensor([4, 2], 2);
  await model.trainOnBatch(x, y);
  await model.trainOnBatch(x, y);
  return { model, x, y };
}

/** Reads, edits and rewrites `model.json`. */
export function editModelJson(dir: string, edit: (json: Record<string, any>) => void): void {
  const path = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}
