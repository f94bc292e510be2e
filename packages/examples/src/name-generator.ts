/**
 * Text generation: a character-level LSTM learns first names (start token → letters → end token)
 * and then invents new ones, one character at a time, sampling from its softmax sharpened or
 * flattened by a temperature (below 1: safer, more common spellings; above 1: wilder).
 *
 * Run: `node packages/examples/dist/name-generator.js [--epochs N] [--temperature T] [--count N]`.
 */
import { Command, Option } from 'commander';
import { createProgram, positiveInteger, positiveNumber, processIo, runAsMain, type CliIo } from '@rnn/cli';
import { epochsOption, logTo } from './example-cli';
import { CharTokenizer, Dense, Embedding, LSTM, Random, Sequential, padSequences } from '@rnn/core';
import { loadNameLists } from './names';
import { secondsSince } from './metrics';

/** Options of {@link main}. */
export interface NameGeneratorOptions {
  /** Training epochs (default 10). */
  epochs?: number;
  /** Train on at most this many names (default: all ~8,000). */
  limit?: number;
  /** Names to sample (default 12). */
  count?: number;
  /** Sampling temperature > 0 (default 0.8). */
  temperature?: number;
  verbose?: 0 | 1 | 2;
  seed?: number;
  log?: (line: string) => void;
}

/** The sampled names, and which of them are not in the training lists. */
export interface NameGeneratorResult {
  finalLoss: number;
  samples: string[];
  novel: string[];
}

/** Longest name the model writes, start and end tokens included. */
const MAX_LEN = 14;

/** Trains the character-level name model and samples `count` names at `temperature`. */
export async function main(options: NameGeneratorOptions = {}): Promise<NameGeneratorResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? 3;
  const temperature = options.temperature ?? 0.8;
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  const { female, male } = loadNameLists();
  let names = [...new Set([...female, ...male])].filter((n) => n.length + 1 <= MAX_LEN); // start token + letters
  new Random(seed).shuffle(names);
  if (options.limit !== undefined) names = names.slice(0, options.limit);
  const known = new Set(names);

  const tokenizer = new CharTokenizer({ startToken: true, endToken: true }).fit(names);
  // Teacher forcing: input = [start, c1 … cn], target = [c1 … cn, end], padded at the end with 0.
  const encoded = names.map((n) => tokenizer.encode(n));
  const x = padSequences(encoded.map((ids) => ids.slice(0, -1)), { maxLen: MAX_LEN, padding: 'post' }); // [names, MAX_LEN]
  const y = padSequences(encoded.map((ids) => ids.slice(1)), { maxLen: MAX_LEN, padding: 'post' }); // [names, MAX_LEN]
  log(`${names.length} names, ${tokenizer.vocabSize} token ids (padding, start, end and ${tokenizer.vocabulary.length} letters)`);

  const model = new Sequential(
    [
      new Embedding({ inputDim: tokenizer.vocabSize, outputDim: 16, maskZero: true, inputShape: [MAX_LEN] }),
      new LSTM({ units: 64, returnSequences: true }),
      new Dense({ units: tokenizer.vocabSize, activation: 'softmax' }),
    ],
    { name: 'name_generator', seed },
  );
  model.compile({ optimizer: { name: 'adam', learningRate: 0.005 }, loss: 'sparseCategoricalCrossentropy' });
  model.summary((text) => log(text));
  const started = performance.now();
  const history = await model.fit(x, y, { epochs: options.epochs ?? 10, batchSize: 64, verbose: options.verbose ?? 1 });
  log(`Trained in ${secondsSince(started)} s.`);

  const rng = new Random(seed + 1);
  const samples: string[] = [];
  for (let s = 0; s < (options.count ?? 12); s++) samples.push(await sampleName(model, tokenizer, temperature, rng));
  const novel = samples.filter((n) => n !== '' && !known.has(n));
  log(`Samples at temperature ${temperature} (* = not in the training lists):`);
  log('  ' + samples.map((n) => (known.has(n) ? n : `${n}*`)).join(', '));
  return { finalLoss: history.loss[history.loss.length - 1], samples, novel };
}

/**
 * Writes one name: feeds the characters so far (padded at the end; the mask keeps the padding out)
 * and samples the next character from the output at the last real step, until the end token.
 */
async function sampleName(model: Sequential, tokenizer: CharTokenizer, temperature: number, rng: Random): Promise<string> {
  const ids = [tokenizer.startId!];
  while (ids.length < MAX_LEN) {
    const probs = await model.predict(padSequences([ids], { maxLen: MAX_LEN, padding: 'post' })); // [1, MAX_LEN, vocab]
    const vocab = tokenizer.vocabSize;
    const next = sample(probs.data.subarray((ids.length - 1) * vocab, ids.length * vocab), temperature, rng, tokenizer.startId!);
    if (next === tokenizer.endId || next === tokenizer.padId) break;
    ids.push(next);
  }
  return tokenizer.decode(ids);
}

/** Draws an index from `p^(1/T)`, renormalised; the `never` id (the start token) is never drawn. */
function sample(p: Float32Array, temperature: number, rng: Random, never: number): number {
  const weights = Array.from(p, (v, i) => (i === never ? 0 : Math.pow(Math.max(v, 1e-12), 1 / temperature)));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r <= 0) return i;
  }
  return weights.length - 1;
}

/** The example's command line: its flags, checked, and `--help`. */
export function nameGeneratorProgram(io: CliIo = processIo()): Command {
  return createProgram('name-generator', 'Train a character-level LSTM on first names, then invent new ones.', io)
    .addOption(epochsOption(10))
    .addOption(new Option('--temperature <t>', 'sampling temperature: below 1 safer, above 1 wilder').argParser(positiveNumber).default(0.8))
    .addOption(new Option('--count <n>', 'names to invent').argParser(positiveInteger).default(12))
    .action(async (options: { epochs: number; temperature: number; count: number }) => {
      await main({ ...options, log: logTo(io) });
    });
}

if (typeof require !== 'undefined' && require.main === module) runAsMain(nameGeneratorProgram());
