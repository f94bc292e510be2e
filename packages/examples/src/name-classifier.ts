/**
 * Text classification: which list does a first name come from, female or male? Characters →
 * Embedding(maskZero) → GRU → Dense(2, softmax), sparse categorical cross-entropy. Names on both
 * lists are dropped (their label would be a coin flip). Accuracy on a held-out 20% is printed next to
 * the majority-class baseline, the score of always answering the more common list.
 *
 * Run: `node packages/examples/dist/name-classifier.js [--epochs N]`.
 */
import type { Command } from 'commander';
import { createProgram, processIo, runAsMain, type CliIo } from '@rnn/cli';
import { epochsOption, logTo } from './example-cli';
import { CharTokenizer, Dense, Embedding, GRU, Random, Sequential, Tensor, padSequences } from '@rnn/core';
import { loadNameLists } from './names';
import { secondsSince } from './metrics';

/** Options of {@link main}. */
export interface NameClassifierOptions {
  /** Training epochs (default 8). */
  epochs?: number;
  /** Use at most this many names (default: all ~8,000), e.g. for a quick run. */
  limit?: number;
  /** Longest name kept (longer ones are cut from the front, as Keras does; default 12). */
  maxLen?: number;
  verbose?: 0 | 1 | 2;
  seed?: number;
  log?: (line: string) => void;
}

/** Held-out accuracy and the majority-class baseline. */
export interface NameClassifierResult {
  trainNames: number;
  testNames: number;
  accuracy: number;
  majorityBaseline: number;
  examples: { name: string; pFemale: number }[];
}

const CLASSES = ['female', 'male'] as const;

/** Trains the female/male name classifier and reports held-out accuracy against the majority baseline. */
export async function main(options: NameClassifierOptions = {}): Promise<NameClassifierResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? 7;
  const maxLen = options.maxLen ?? 12;
  const { female, male } = loadNameLists();
  const maleSet = new Set(male);
  const both = new Set(female.filter((n) => maleSet.has(n)));
  let labelled = [
    ...female.filter((n) => !both.has(n)).map((name) => ({ name, label: 0 })),
    ...male.filter((n) => !both.has(n)).map((name) => ({ name, label: 1 })),
  ];
  new Random(seed).shuffle(labelled);
  if (options.limit !== undefined) labelled = labelled.slice(0, options.limit);
  log(`${labelled.length} names (${both.size} names on both lists dropped)`);

  const tokenizer = new CharTokenizer().fit(labelled.map((d) => d.name));
  const ids = padSequences(
    labelled.map((d) => tokenizer.encode(d.name)),
    { maxLen },
  ); // [names, maxLen], 0 = padding
  const labels = new Tensor(Float32Array.from(labelled.map((d) => d.label)), [labelled.length]); // [names]
  const nTest = Math.ceil(labelled.length * 0.2);
  const nTrain = labelled.length - nTest;
  const rows = (t: Tensor, from: number, to: number) => {
    const width = t.size / t.shape[0];
    return new Tensor(t.data.slice(from * width, to * width), [to - from, ...t.shape.slice(1)]);
  };
  const [xTrain, xTest] = [rows(ids, 0, nTrain), rows(ids, nTrain, labelled.length)];
  const [yTrain, yTest] = [rows(labels, 0, nTrain), rows(labels, nTrain, labelled.length)];

  const model = new Sequential(
    [
      new Embedding({ inputDim: tokenizer.vocabSize, outputDim: 16, maskZero: true, inputShape: [maxLen] }),
      new GRU({ units: 32 }),
      new Dense({ units: CLASSES.length, activation: 'softmax' }),
    ],
    { name: 'name_classifier', seed },
  );
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  model.summary((text) => log(text));
  const started = performance.now();
  await model.fit(xTrain, yTrain, { epochs: options.epochs ?? 8, batchSize: 32, validationSplit: 0.1, verbose: options.verbose ?? 1 });
  log(`Trained in ${secondsSince(started)} s.`);

  const { accuracy } = await model.evaluate(xTest, yTest);
  // The baseline answers the class that is more common in the training set, for every test name.
  const trainMale = yTrain.data.reduce((a, b) => a + b, 0);
  const majority = trainMale * 2 > nTrain ? 1 : 0;
  const majorityBaseline = yTest.data.filter((y) => y === majority).length / nTest;
  log(`Held-out accuracy: ${(accuracy * 100).toFixed(1)}%  (always '${CLASSES[majority]}': ${(majorityBaseline * 100).toFixed(1)}%)`);

  const samples = ['emma', 'oliver', 'sophia', 'james', 'mia', 'lucas'].filter((n) => [...n].every((c) => tokenizer.vocabulary.includes(c)));
  const probs = await model.predict(padSequences(samples.map((n) => tokenizer.encode(n)), { maxLen })); // [samples, 2]
  const examples = samples.map((name, i) => ({ name, pFemale: probs.data[i * 2] }));
  for (const e of examples) log(`  ${e.name.padEnd(8)} P(female) = ${e.pFemale.toFixed(2)}`);
  return { trainNames: nTrain, testNames: nTest, accuracy, majorityBaseline, examples };
}

/** The example's command line: its flags, checked, and `--help`. */
export function nameClassifierProgram(io: CliIo = processIo()): Command {
  return createProgram('name-classifier', 'Train a GRU to tell female from male first names; report held-out accuracy.', io)
    .addOption(epochsOption(8))
    .action(async (options: { epochs: number }) => {
      await main({ ...options, log: logTo(io) });
    });
}

if (typeof require !== 'undefined' && require.main === module) runAsMain(nameClassifierProgram());
