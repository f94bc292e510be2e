/**
 * The tutorial's toy model: SimpleRNN → LSTM → GRU, two sigmoid units each, learning what comes
 * next in the repeating pattern 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, …
 *
 * What the tutorial got wrong:
 * - it fed the 2-D array `[[1, 0, 1, 1, 0]]` to a recurrent layer; recurrent layers read
 *   `[batch, steps, features]`, so the sequence must be reshaped to `[1, 5, 1]` (five steps of one feature);
 * - it stacked recurrent layers without `return_sequences=True` on the lower ones, so the next layer
 *   got one vector instead of a sequence: every recurrent layer that feeds another must return sequences;
 * - it trained on that single sample; here the model sees all five rotations of the pattern.
 *
 * Run: `node packages/examples/dist/toy-stacked.js [--epochs N]`.
 */
import { Dense, GRU, LSTM, Sequential, SimpleRNN, Tensor } from '@rnn/core';
import type { Command } from 'commander';
import { createProgram, processIo, runAsMain, type CliIo } from '@rnn/cli';
import { epochsOption, logTo } from './example-cli';

/** Options of {@link main}. */
export interface ToyStackedOptions {
  /** Training epochs (default 300; the whole data set is one batch of 5). */
  epochs?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** Final loss and, per rotation of the pattern, the target and the prediction. */
export interface ToyStackedResult {
  initialLoss: number;
  finalLoss: number;
  rows: { input: number[]; target: number; predicted: number }[];
}

/** The pattern, as in the tutorial. */
export const PATTERN = [1, 0, 1, 1, 0];

/** Trains the toy stacked model on the five rotations of the pattern and reports its predictions. */
export async function main(options: ToyStackedOptions = {}): Promise<ToyStackedResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  // Each rotation of the cycle is one sample [5 steps, 1 feature]; its target is the value after it.
  const inputs = PATTERN.map((_, r) => PATTERN.map((__, t) => PATTERN[(r + t) % PATTERN.length]));
  const targets = PATTERN.map((_, r) => PATTERN[r % PATTERN.length]);
  const x = new Tensor(Float32Array.from(inputs.flat()), [PATTERN.length, PATTERN.length, 1]); // [5, 5, 1]
  const y = new Tensor(Float32Array.from(targets), [PATTERN.length, 1]); // [5, 1]

  const model = new Sequential(
    [
      new SimpleRNN({ units: 2, activation: 'sigmoid', returnSequences: true, inputShape: [PATTERN.length, 1] }),
      new LSTM({ units: 2, activation: 'sigmoid', returnSequences: true }),
      new GRU({ units: 2, activation: 'sigmoid' }),
      new Dense({ units: 1, activation: 'sigmoid' }),
    ],
    { name: 'toy_stacked', seed: options.seed ?? 1 },
  );
  model.compile({ optimizer: { name: 'adam', learningRate: 0.05 }, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  model.summary((text) => log(text));
  const initialLoss = (await model.evaluate(x, y)).loss;
  const history = await model.fit(x, y, { epochs: options.epochs ?? 300, batchSize: 5, shuffle: false, verbose: 0 });
  const finalLoss = history.loss[history.loss.length - 1];
  const predicted = (await model.predict(x)).data;
  const rows = inputs.map((input, i) => ({ input, target: targets[i], predicted: predicted[i] }));
  log(`binary cross-entropy: ${initialLoss.toFixed(4)} before training, ${finalLoss.toFixed(4)} after`);
  for (const r of rows) log(`  ${r.input.join(' ')} → next ${r.target}, predicted ${r.predicted.toFixed(3)}`);
  return { initialLoss, finalLoss, rows };
}

/** The example's command line: its flags, checked, and `--help`. */
export function toyStackedProgram(io: CliIo = processIo()): Command {
  return createProgram('toy-stacked', 'Train SimpleRNN → LSTM → GRU on the repeating pattern 1 0 1 1 0.', io)
    .addOption(epochsOption(300, 'training epochs (the data is one batch of 5)'))
    .action(async (options: { epochs: number }) => {
      await main({ ...options, log: logTo(io) });
    });
}

if (typeof require !== 'undefined' && require.main === module) runAsMain(toyStackedProgram());
