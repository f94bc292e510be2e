#!/usr/bin/env node
'use strict';
/**
 * JavaScript-thread costs of @rnn/core, timed side by side for one or more builds of the package.
 *
 * Plain JavaScript over BUILT packages (`npx nx run @rnn/core:build --outputStyle=static`), so it
 * needs no TypeScript runner. Each `--core DIR` is a package directory whose `dist/index.js` is
 * loaded (default: packages/core). With two or more, the cases alternate between the builds within
 * one process, round by round, so a noisy shared machine affects them alike; the report gives the
 * median of every case and, against the first build, the ratio of medians.
 *
 * Two numbers per sample: `wall`, the call's duration, and `js`, the time the JavaScript thread was
 * busy during it (event-loop utilisation's active time: a native kernel awaited off the thread does
 * not count; on the fallback backend, everything does).
 *
 * Ratios are first-build median / this-build median: above 1 means faster than the first build.
 *
 * Cases:
 *   build    model build of LSTM(512) on [100, 256] inputs (orthogonal + glorot initialisation)
 *   small    one trainOnBatch of LSTM(128) → Dense(1) on x [64, 50, 64]
 *   large    one trainOnBatch of LSTM(512) → Dense(1) on x [64, 100, 256]
 *   stack    one trainOnBatch of LSTM(128, returnSequences) → LSTM(128) → Dense(1) on x [64, 50, 64]
 *   bidi     one trainOnBatch of Bidirectional(LSTM(128, returnSequences)) → LSTM(128) → Dense(1) on x [64, 50, 64]
 *
 * The backend follows RNN_BACKEND (native | fallback), as in the package itself.
 *
 * usage: node tools/profile/train-step.js [--core DIR]... [--cases build,small,large] [--rounds N]
 * e.g.   RNN_BACKEND=fallback node tools/profile/train-step.js --core /tmp/before/core --core packages/core --cases small
 */
const path = require('node:path');
const { performance } = require('node:perf_hooks');

function parseArgs(argv) {
  const options = { cores: [], cases: ['build', 'small', 'large'], rounds: 7 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    if (arg === '--core') options.cores.push(path.resolve(value));
    else if (arg === '--cases') options.cases = value.split(',');
    else if (arg === '--rounds') options.rounds = Number(value);
    else throw new Error(`unknown option ${arg}`);
  }
  if (options.cores.length === 0) options.cores.push(path.resolve(__dirname, '../../packages/core'));
  return options;
}

const SHAPES = {
  small: { units: 128, batch: 64, steps: 50, features: 64 },
  large: { units: 512, batch: 64, steps: 100, features: 256 },
  stack: { units: 128, batch: 64, steps: 50, features: 64, stack: 'lstm' },
  bidi: { units: 128, batch: 64, steps: 50, features: 64, stack: 'bidirectional' },
};

function makeData(rnn, { batch, steps, features }) {
  const random = new rnn.Random(1);
  const x = new Float32Array(batch * steps * features).map(() => random.normal());
  const y = new Float32Array(batch).map(() => random.normal());
  return { x: new rnn.Tensor(x, [batch, steps, features]), y: new rnn.Tensor(y, [batch, 1]) };
}

function makeModel(rnn, { units, steps, features, stack }) {
  const model = new rnn.Sequential([], { seed: 7 });
  const inputShape = [steps, features];
  if (stack === 'lstm') model.add(new rnn.LSTM({ units, returnSequences: true, inputShape }));
  if (stack === 'bidirectional') model.add(new rnn.Bidirectional({ layer: new rnn.LSTM({ units, returnSequences: true }), inputShape }));
  model.add(new rnn.LSTM(stack ? { units } : { units, inputShape }));
  model.add(new rnn.Dense({ units: 1 }));
  return model;
}

/** Times `fn`: wall-clock and JavaScript-thread-active milliseconds. */
async function timed(fn) {
  const elu = performance.eventLoopUtilization();
  const t0 = process.hrtime.bigint();
  await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  // A synchronous call never lets the loop turn, so its whole duration is active.
  const active = performance.eventLoopUtilization(elu).active;
  return { wall, js: Math.min(wall, Math.max(active, 0)) || wall };
}

/** A case's state per build: a function timing one sample ({ wall, js } in milliseconds). */
async function prepare(rnn, name) {
  if (name === 'build') {
    return async () => {
      const t0 = process.hrtime.bigint();
      makeModel(rnn, { units: 512, steps: 100, features: 256 });
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      return { wall, js: wall };
    };
  }
  const shape = SHAPES[name];
  const model = makeModel(rnn, shape);
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const { x, y } = makeData(rnn, shape);
  for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y); // warm-up
  return () => timed(() => model.trainOnBatch(x, y));
}

/** Median of numbers. */
const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const builds = options.cores.map((dir) => ({ dir, rnn: require(path.join(dir, 'dist/index.js')) }));
  const info = builds[0].rnn.backendInfo();
  console.log(`backend: ${info.name ?? JSON.stringify(info)}; rounds: ${options.rounds}`);
  for (const name of options.cases) {
    const runners = [];
    for (const b of builds) runners.push(await prepare(b.rnn, name));
    const samples = builds.map(() => []);
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < builds.length; k++) {
        if (global.gc) global.gc();
        samples[k].push(await runners[k]());
      }
    }
    for (const key of ['wall', 'js']) {
      const base = median(samples[0].map((v) => v[key]));
      builds.forEach((b, k) => {
        const values = samples[k].map((v) => v[key]);
        const m = median(values);
        const ratio = k === 0 ? '' : `  ratio ${(base / m).toFixed(2)}`;
        const where = path.relative(process.cwd(), b.dir) || '.';
        console.log(`${name.padEnd(6)} ${key.padEnd(4)} ${m.toFixed(1).padStart(9)} ms median  (${values.map((v) => v.toFixed(0)).join(' ')})  ${where}${ratio}`);
      });
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
